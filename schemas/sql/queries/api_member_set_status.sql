-- The members_transition trigger refuses a transition that design.md does not allow.
UPDATE members SET archive_status = $2, current_version_id = COALESCE($3, current_version_id) WHERE id = $1
