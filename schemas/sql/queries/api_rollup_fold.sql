-- Moves up to $1 of the oldest deltas into org_rollup. Safe to run concurrently: a delta is counted by the
-- one DELETE that removed it.
WITH moved AS (
  DELETE FROM org_rollup_delta
  WHERE id IN (SELECT id FROM org_rollup_delta ORDER BY id LIMIT $1)
  RETURNING org_id, metric, bucket, n
), summed AS (
  SELECT org_id, metric, bucket, sum(n)::bigint AS n FROM moved GROUP BY 1, 2, 3
)
INSERT INTO org_rollup AS r (org_id, metric, bucket, n)
SELECT org_id, metric, bucket, n FROM summed
ON CONFLICT (org_id, metric, bucket) DO UPDATE SET n = r.n + excluded.n
