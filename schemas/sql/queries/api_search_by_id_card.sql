-- R10 by ID card number within the caller's subtree ($1). The number is unique,
-- so the member is found first and the subtree checked after (OFFSET 0 keeps a generic plan from starting at the
-- subtree's organizations).
-- The search's audit row (every read of personal data is audited) is written by the same statement: one round
-- trip, and the rows are never returned without it. $4 user id, $5 login, $6 remote address, $7 the searched value
-- as the audit keeps it (an ID number masked).
WITH found AS (
  SELECT m.id, m.name, m.id_card, m.dev_number, m.archive_status, m.org_id, o.name AS org_name
  FROM (SELECT * FROM members WHERE id_card = $2 OFFSET 0) m JOIN organizations o ON o.id = m.org_id
  WHERE o.path OPERATOR(public.<@) $1::public.ltree
  ORDER BY m.id LIMIT $3
), audited AS (
  INSERT INTO audit_log (actor_user_id, actor, action, object_type, object_id, remote_addr, detail)
  SELECT $4, $5, 'member.search', 'member_search', 'id_card', $6,
         jsonb_build_object('by', 'id_card', 'results', count(*), 'value', $7::text)
  FROM found
)
SELECT * FROM found ORDER BY id
