-- Whether an ID card number ($1) or a development number ($2) is already taken.
SELECT EXISTS (SELECT 1 FROM members WHERE id_card = $1),
       EXISTS (SELECT 1 FROM members WHERE dev_number = $2)
