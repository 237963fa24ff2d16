-- Whether the development number read on page 1 ($1) is another member's (not $2).
SELECT id FROM members WHERE dev_number = $1 AND id <> $2
