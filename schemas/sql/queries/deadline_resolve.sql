-- Resolves every open reminder whose situation no longer holds: the archive was uploaded, replaced,
-- decided or authenticated. Runs at the start of each sweep, so a resolved member leaves the next digest
-- whichever way its status changed (API, import, ops). $1: the resolution time.
UPDATE reminders r SET resolved_at = $1::timestamptz
FROM members m
LEFT JOIN archive_versions v ON v.id = m.current_version_id
WHERE r.resolved_at IS NULL
  AND m.id = r.member_id
  AND NOT CASE r.situation
        WHEN 'NOT_UPLOADED' THEN m.archive_status = 'NOT_UPLOADED'
        WHEN 'REJECTED' THEN m.archive_status = 'REJECTED'
        WHEN 'PENDING_REVIEW' THEN m.archive_status = 'PENDING' AND v.decision IS NULL
        WHEN 'PREREVIEW_FAILED' THEN m.archive_status = 'PENDING' AND v.verdict IS NOT DISTINCT FROM 'FAIL'
      END
