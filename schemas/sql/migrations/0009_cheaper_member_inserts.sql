-- Cheaper member inserts, measured with tools/bench/import-bench: a 50,000-row import spent most of its time in
-- PostgreSQL inserting members, and four costs there were avoidable.

-- 1. The name, ID card and development number indexes compared their keys with the database's collation. ID card
-- and development numbers are digits, and names are only ever looked up by equality (R10), so byte order is the
-- right order for all three: COLLATE "C" compares with memcmp. The column types are unchanged, so no row is
-- rewritten, but the three indexes are rebuilt (on a large table, run this migration in a maintenance window).
ALTER TABLE members
  ALTER COLUMN name TYPE text COLLATE "C",
  ALTER COLUMN id_card TYPE text COLLATE "C",
  ALTER COLUMN dev_number TYPE text COLLATE "C";

-- 2. members.org_id's foreign key looked its organization up once per inserted row. Organizations are never
-- deleted (now enforced below), so the key only has to hold for the rows a statement writes: the rollup triggers,
-- which read each changed row's organization anyway, check them once per statement and distinct organization.
ALTER TABLE members DROP CONSTRAINT members_org_id_fkey;

CREATE FUNCTION organizations_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'organizations are never deleted: members, archives and audit rows refer to them'
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER organizations_never_deleted BEFORE DELETE ON organizations
  FOR EACH STATEMENT EXECUTE FUNCTION organizations_never_deleted();

-- 3. The rollup triggers expanded every changed row to each of its contributions and each of its ancestors before
-- grouping. They now group the changed rows first (an import has a few distinct organizations, statuses and
-- dates among 50,000 rows), and share one function for the check and the expansion.
CREATE FUNCTION org_rollup_add(org_ids bigint[], statuses text[], joined date[], deadlines date[], counts bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
BEGIN
  SELECT g.id INTO missing FROM unnest(org_ids) AS g (id)
  WHERE NOT EXISTS (SELECT FROM organizations o WHERE o.id = g.id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "members" violates the organization key: organization % does not exist',
      missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  INSERT INTO org_rollup_delta (org_id, metric, bucket, n)
  SELECT a.ancestor, c.metric, c.bucket, sum(g.n)
  FROM unnest(org_ids, statuses, joined, deadlines, counts) AS g (org_id, status, joined_on, deadline, n)
  CROSS JOIN LATERAL member_contributions(g.status, g.joined_on, g.deadline) c
  JOIN organizations o ON o.id = g.org_id
  CROSS JOIN LATERAL unnest(string_to_array(o.path::text, '.')::bigint[]) AS a (ancestor)
  GROUP BY 1, 2, 3
  HAVING sum(g.n) <> 0;
END $$;

CREATE OR REPLACE FUNCTION members_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM org_rollup_add(array_agg(org_id), array_agg(archive_status), array_agg(joined_on),
                         array_agg(upload_deadline), array_agg(n))
  FROM (SELECT org_id, archive_status, joined_on, upload_deadline, count(*) AS n
        FROM new_rows GROUP BY 1, 2, 3, 4) g;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION members_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM org_rollup_add(array_agg(org_id), array_agg(archive_status), array_agg(joined_on),
                         array_agg(upload_deadline), array_agg(n))
  FROM (SELECT org_id, archive_status, joined_on, upload_deadline, sum(sign)::bigint AS n
        FROM (SELECT org_id, archive_status, joined_on, upload_deadline, 1 AS sign FROM new_rows
              UNION ALL
              SELECT org_id, archive_status, joined_on, upload_deadline, -1 FROM old_rows) r
        GROUP BY 1, 2, 3, 4
        HAVING sum(sign) <> 0) g;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION members_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM org_rollup_add(array_agg(org_id), array_agg(archive_status), array_agg(joined_on),
                         array_agg(upload_deadline), array_agg(n))
  FROM (SELECT org_id, archive_status, joined_on, upload_deadline, -count(*) AS n
        FROM old_rows GROUP BY 1, 2, 3, 4) g;
  RETURN NULL;
END $$;

-- 4. members_waiting (upload_deadline) served the first sweep; the sweep reads waiting members by admission date
-- since 0003 (members_waiting_joined), and no query reads upload_deadline through an index. Every insert paid for it.
DROP INDEX members_waiting;
