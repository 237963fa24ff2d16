-- The rollup of one organization's subtree ($1): folded rows plus deltas not folded yet.
SELECT metric, bucket::text, sum(n)::bigint
FROM (SELECT metric, bucket, n FROM org_rollup WHERE org_id = $1
      UNION ALL
      SELECT metric, bucket, n FROM org_rollup_delta WHERE org_id = $1) x
GROUP BY metric, bucket
HAVING sum(n) <> 0
