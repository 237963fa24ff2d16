-- The deadline sweep (R3, R7): records every milestone that fell due since the day of the previous sweep
-- (that day included, at most catch_up days back) and was not recorded before, in one statement. It reads
-- members only through the partial indexes of members still waiting (members_waiting) and members
-- pending (members_pending), never the whole table.
-- The unique key of reminders makes a re-run, or an overlapping catch-up, a no-op.
-- A member's deadline is members.upload_deadline, set by lifecycle::Policy::Deadline when the member is written
-- (NULL when exempt, R1), so the sweep and every other process agree on it. A waiting review reminds the member's
-- approver, the nearest committee above (organizations.approver_id).
--   $1 as_of (timestamptz)   $2 time zone
--   $3 milestone offsets in days from the deadline, ascending (e.g. {-7,-3,-1,0,1})
--   $4 repeat every N days after the last milestone   $5 catch-up window in days   $6 review time in days
--   $7 the sweep's id (deadline_sweeps)
WITH b AS (
  SELECT today,
         greatest(today - $5::int + 1,
                  (SELECT max(day) FROM deadline_sweeps WHERE day <= today AND id <> $7::bigint)) AS since,
         $3::int[] AS offsets, $4::int AS every, $6::int AS review_days,
         ($3::int[])[1] AS first_offset, ($3::int[])[cardinality($3::int[])] AS last_offset
  FROM (SELECT ($1::timestamptz AT TIME ZONE $2)::date AS today) t
), pending AS MATERIALIZED (
  SELECT m.id, m.org_id, o.approver_id, m.upload_deadline, v.verdict, v.decision, v.uploader_kind,
         (m.status_changed_at AT TIME ZONE $2)::date AS since_day
  FROM b
  JOIN members m ON m.archive_status = 'PENDING' AND m.status_changed_at <= $1::timestamptz
  JOIN organizations o ON o.id = m.org_id
  LEFT JOIN archive_versions v ON v.id = m.current_version_id
  WHERE m.upload_deadline IS NOT NULL
), situations AS (
  SELECT m.id AS member_id, m.org_id AS recipient,
         CASE m.archive_status WHEN 'REJECTED' THEN 'REJECTED' ELSE 'NOT_UPLOADED' END AS situation,
         m.upload_deadline AS due_on, b.first_offset AS min_offset
  FROM b
  JOIN members m ON m.archive_status IN ('NOT_UPLOADED', 'REJECTED')
                AND m.upload_deadline <= b.today - b.first_offset
  UNION ALL
  SELECT p.id, p.approver_id, 'PENDING_REVIEW', p.since_day + b.review_days, 0
  FROM b, pending p
  WHERE p.approver_id IS NOT NULL AND p.decision IS NULL AND coalesce(p.uploader_kind, 'branch') = 'branch'
  UNION ALL
  SELECT p.id, p.org_id, 'PREREVIEW_FAILED', p.upload_deadline, b.first_offset
  FROM b, pending p
  WHERE p.verdict = 'FAIL'
), due AS (
  SELECT s.*, ks.k
  FROM b, situations s
  CROSS JOIN LATERAL (
    SELECT o AS k FROM unnest(b.offsets) o WHERE o >= s.min_offset
    UNION
    SELECT b.last_offset + b.every * n
    FROM generate_series(greatest(1, ceil((b.since - s.due_on - b.last_offset)::numeric / b.every)::int),
                         floor((b.today - s.due_on - b.last_offset)::numeric / b.every)::int) n
  ) ks
  WHERE s.due_on + ks.k BETWEEN b.since AND b.today
)
INSERT INTO reminders (member_id, recipient_org_id, situation, milestone, due_on, sweep_id)
SELECT member_id, recipient, situation,
       CASE WHEN k < 0 THEN 'T' || k WHEN k = 0 THEN 'T0' ELSE 'T+' || k END, due_on, $7::bigint
FROM due
ON CONFLICT DO NOTHING
