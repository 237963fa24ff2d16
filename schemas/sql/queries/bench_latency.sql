-- Produce-to-commit latency of the ledger entries with seq >= $1, in milliseconds: p50, p99, max, count.
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::bigint,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::bigint,
       max(l)::bigint, count(*)
FROM (SELECT (extract(epoch FROM applied_at) * 1000000 - produced_at_us) / 1000.0 AS l
      FROM ledger_entries WHERE seq >= $1) t
