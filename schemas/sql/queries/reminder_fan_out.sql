-- Fans out the reminders of every sweep up to $4 not fanned out yet, to their recipients: the first
-- recipient (the branch, or the superior for a review that waits too long), the branch's direct
-- superior, and one level further up when the reminder is overdue by more than $3 days on day $2.
-- Returns the organizations that received something new.
--   $1 now (timestamptz)   $2 day (date)   $3 escalate after N days overdue   $4 sweep id
WITH sweeps AS (
  UPDATE deadline_sweeps SET fanned_out_at = $1::timestamptz
  WHERE fanned_out_at IS NULL AND id <= $4::bigint
  RETURNING id
), fresh AS (
  SELECT r.id, r.recipient_org_id, r.situation, ($2::date - r.due_on) > $3::int AS escalated
  FROM reminders r
  WHERE r.sweep_id IN (SELECT id FROM sweeps) AND r.resolved_at IS NULL
), chain AS (
  SELECT f.id, f.situation, f.escalated, f.recipient_org_id AS first, o.parent_id AS second, p.parent_id AS third
  FROM fresh f
  JOIN organizations o ON o.id = f.recipient_org_id
  LEFT JOIN organizations p ON p.id = o.parent_id
), targets AS (
  SELECT id, first AS org_id, CASE WHEN situation = 'PENDING_REVIEW' THEN 'superior' ELSE 'branch' END AS role
  FROM chain
  UNION ALL
  SELECT id, second, CASE WHEN situation = 'PENDING_REVIEW' THEN 'escalation' ELSE 'superior' END
  FROM chain WHERE second IS NOT NULL AND (situation <> 'PENDING_REVIEW' OR escalated)
  UNION ALL
  SELECT id, third, 'escalation'
  FROM chain WHERE third IS NOT NULL AND situation <> 'PENDING_REVIEW' AND escalated
), added AS (
  INSERT INTO reminder_recipients (reminder_id, org_id, role)
  SELECT id, org_id, role FROM targets
  ON CONFLICT DO NOTHING
  RETURNING org_id
)
SELECT DISTINCT org_id FROM added ORDER BY org_id
