SELECT dev_number, id_card FROM members WHERE dev_number = ANY($1::text[])
