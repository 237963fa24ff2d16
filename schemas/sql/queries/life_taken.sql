-- Whether a member other than $3 holds the ID card number $1, and the development number $2.
SELECT EXISTS (SELECT 1 FROM members WHERE id_card = $1 AND id <> $3),
       EXISTS (SELECT 1 FROM members WHERE dev_number = $2 AND id <> $3)
