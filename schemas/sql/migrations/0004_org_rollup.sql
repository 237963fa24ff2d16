-- Statistics per organization subtree (R8) as a rollup, so that the national root reads a few hundred rows
-- instead of counting 75 M members. Every change of a member adds signed deltas for each organization on its
-- path (the ltree labels are the ancestors' ids) to org_rollup_delta, an insert-only table, so concurrent
-- writers never queue on the root's row. archive-api folds the deltas into org_rollup every few seconds
-- (api_rollup_fold); a read sums org_rollup and the not yet folded deltas of one organization.
--
-- Metrics (bucket):
--   status:<archive status>  2000-01-01 (one bucket): members by current archive status
--   new_authenticated        the month of joined_on: authenticated members by admission month (R8)
--   waiting_deadline         upload_deadline: members still to upload (NOT_UPLOADED, REJECTED), by deadline,
--                            so "overdue" is the sum of buckets before today
CREATE TABLE org_rollup (
  org_id  bigint NOT NULL REFERENCES organizations (id),
  metric  text NOT NULL,
  bucket  date NOT NULL,
  n       bigint NOT NULL,
  PRIMARY KEY (org_id, metric, bucket)
);

CREATE TABLE org_rollup_delta (
  id      bigserial PRIMARY KEY,
  org_id  bigint NOT NULL,
  metric  text NOT NULL,
  bucket  date NOT NULL,
  n       bigint NOT NULL
);
CREATE INDEX org_rollup_delta_org ON org_rollup_delta (org_id);

-- What one member contributes to the rollup of each of its organizations.
CREATE FUNCTION member_contributions(status text, joined_on date, deadline date)
RETURNS TABLE (metric text, bucket date) LANGUAGE sql IMMUTABLE AS $$
  SELECT 'status:' || status, date '2000-01-01'
  UNION ALL
  SELECT 'new_authenticated', date_trunc('month', joined_on)::date WHERE status = 'AUTHENTICATED'
  UNION ALL
  SELECT 'waiting_deadline', deadline WHERE status IN ('NOT_UPLOADED', 'REJECTED') AND deadline IS NOT NULL
$$;

-- Statement-level triggers with transition tables: a batch import of 50,000 members adds one aggregated delta
-- per (ancestor, metric, bucket), not one per member.
CREATE FUNCTION members_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_rollup_delta (org_id, metric, bucket, n)
  SELECT a.ancestor, c.metric, c.bucket, count(*)
  FROM new_rows r
  CROSS JOIN LATERAL member_contributions(r.archive_status, r.joined_on, r.upload_deadline) c
  JOIN organizations o ON o.id = r.org_id
  CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS a (ancestor)
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE FUNCTION members_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_rollup_delta (org_id, metric, bucket, n)
  SELECT a.ancestor, c.metric, c.bucket, sum(r.sign)
  FROM (SELECT org_id, archive_status, joined_on, upload_deadline, 1 AS sign FROM new_rows
        UNION ALL
        SELECT org_id, archive_status, joined_on, upload_deadline, -1 FROM old_rows) r
  CROSS JOIN LATERAL member_contributions(r.archive_status, r.joined_on, r.upload_deadline) c
  JOIN organizations o ON o.id = r.org_id
  CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS a (ancestor)
  GROUP BY 1, 2, 3
  HAVING sum(r.sign) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION members_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org_rollup_delta (org_id, metric, bucket, n)
  SELECT a.ancestor, c.metric, c.bucket, -count(*)
  FROM old_rows r
  CROSS JOIN LATERAL member_contributions(r.archive_status, r.joined_on, r.upload_deadline) c
  JOIN organizations o ON o.id = r.org_id
  CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS a (ancestor)
  GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE TRIGGER members_rollup_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_rollup_insert();
CREATE TRIGGER members_rollup_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_rollup_update();
CREATE TRIGGER members_rollup_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_rollup_delete();

-- The members that exist already.
INSERT INTO org_rollup (org_id, metric, bucket, n)
SELECT a.ancestor, c.metric, c.bucket, count(*)
FROM members m
CROSS JOIN LATERAL member_contributions(m.archive_status, m.joined_on, m.upload_deadline) c
JOIN organizations o ON o.id = m.org_id
CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS a (ancestor)
GROUP BY 1, 2, 3;
