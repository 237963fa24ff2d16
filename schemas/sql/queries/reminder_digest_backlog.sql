-- Organizations whose news waits for a digest (their digest of an earlier day had been sent already).
SELECT org_id FROM reminder_digest_backlog ORDER BY org_id
