-- The peer of the pipeline benchmark: a PostgreSQL-backed job queue of the usual shape
-- (one row per job, workers take one with FOR UPDATE SKIP LOCKED and commit per job).
CREATE TABLE bench_jobs (
  id         bigserial PRIMARY KEY,
  event_id   text NOT NULL,
  seq        bigint NOT NULL,
  produced_at_us bigint NOT NULL
);
