-- Fans every new reminder out to its recipients: the first recipient (the branch, or the superior for a
-- review that waits too long), the branch's direct superior, and one level further up when the reminder
-- is overdue by more than $3 days on day $2. Returns the number of recipients added.
--   $1 now (timestamptz)   $2 day (date)   $3 escalate after N days overdue
WITH fresh AS (
  UPDATE reminders SET fanned_out_at = $1::timestamptz
  WHERE fanned_out_at IS NULL AND resolved_at IS NULL
  RETURNING id, recipient_org_id, situation, ($2::date - due_on) > $3::int AS escalated
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
  RETURNING 1
)
SELECT count(*) FROM added
