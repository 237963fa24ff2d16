UPDATE members SET dev_number = $2 WHERE id = $1
