SELECT dev_number FROM members WHERE dev_number = ANY($1::text[])
