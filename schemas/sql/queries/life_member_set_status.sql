-- The member's status and current version ($3, NULL for none). The members_transition trigger refuses a
-- transition that docs/rules.md does not allow.
UPDATE members SET archive_status = $2, current_version_id = $3 WHERE id = $1
