-- Records the day's digests, at most one per organization and day, and audits each one (it shows names and
-- masked ID numbers to the organization's admins). An organization whose digest for the day exists already
-- goes to the backlog, for the next day. Returns the organizations whose digest is new, so only those are
-- published. Each new digest is also an item of the organization's 操作中心 feed (notifications), titled $5.
-- $1 org ids, $2 day, $3 texts, $4 actor, $5 title.
WITH d AS (
  INSERT INTO reminder_digests (org_id, day, text)
  SELECT org_id, $2::date, text FROM unnest($1::bigint[], $3::text[]) AS t (org_id, text)
  ON CONFLICT DO NOTHING
  RETURNING id, org_id
), audited AS (
  INSERT INTO audit_log (actor, action, object_type, object_id, detail)
  SELECT $4, 'reminder.digest', 'reminder_digest', d.id::text, jsonb_build_object('org_id', d.org_id, 'day', $2::date)
  FROM d
), deferred AS (
  INSERT INTO reminder_digest_backlog (org_id)
  SELECT org_id FROM unnest($1::bigint[]) AS t (org_id) WHERE org_id NOT IN (SELECT org_id FROM d)
  ON CONFLICT DO NOTHING
), told AS (
  INSERT INTO notifications (org_id, kind, title, text, detail)
  SELECT d.org_id, 'DIGEST', $5, t.text, jsonb_build_object('day', $2::date, 'digest_id', d.id)
  FROM d JOIN unnest($1::bigint[], $3::text[]) AS t (org_id, text) ON t.org_id = d.org_id
), sent AS (
  DELETE FROM reminder_digest_backlog b USING d WHERE b.org_id = d.org_id
)
SELECT org_id, id FROM d ORDER BY org_id
