-- The pre-review's status change (the trigger refuses one design.md does not allow).
UPDATE members SET archive_status = $2 WHERE id = $1 AND archive_status = $3
RETURNING id
