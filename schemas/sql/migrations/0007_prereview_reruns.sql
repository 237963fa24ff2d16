-- Pre-review re-runs (archivectl prereview rerun, docs/prereview.md). A re-run replaces the verdict and the
-- findings of a version still awaiting a decision, so every reader (the API, trace, the approver's queue) shows
-- the newest one unchanged; what it replaced is kept here, one row per request and version. The primary key makes
-- a request apply once to a version however often its event is delivered or replayed.
CREATE TABLE prereview_reruns (
  request_id       text NOT NULL CHECK (request_id <> ''),
  version_id       bigint NOT NULL REFERENCES archive_versions (id),
  member_id        bigint NOT NULL REFERENCES members (id),
  requested_by     text NOT NULL,
  rerun_at         timestamptz NOT NULL DEFAULT now(),
  previous_verdict text CHECK (previous_verdict IN ('PASS', 'WARN', 'FAIL')),
  previous_prereviewed_at timestamptz,
  previous_findings jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (request_id, version_id)
);
CREATE INDEX prereview_reruns_version ON prereview_reruns (version_id, rerun_at);
