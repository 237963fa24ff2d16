-- Schema v1 of league-archive. Unqualified names: the tables live in the first schema of search_path,
-- so each test can run the migrations in a schema of its own.
CREATE EXTENSION IF NOT EXISTS ltree WITH SCHEMA public;

-- Organizations form one tree (about 4 M nodes, 6 levels). path is the chain of ids from the root,
-- e.g. '1.17.342', so "the caller's subtree" is path <@ caller.path on a GiST index.
CREATE TABLE organizations (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('leading_body', 'committee', 'working_committee',
                                            'general_branch', 'branch')),
  parent_id   bigint REFERENCES organizations (id),
  path        public.ltree NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((parent_id IS NULL) = (public.nlevel(path) = 1))
);
CREATE INDEX organizations_path ON organizations USING gist (path);
CREATE INDEX organizations_parent ON organizations (parent_id);

-- Archive states of design.md. EXEMPT: admitted before the e-archive start date (R1).
CREATE TABLE archive_states (state text PRIMARY KEY);
INSERT INTO archive_states VALUES ('EXEMPT'), ('NOT_UPLOADED'), ('PENDING'), ('AUTHENTICATED'), ('REJECTED');

CREATE TABLE archive_state_transitions (
  from_state text NOT NULL REFERENCES archive_states,
  to_state   text NOT NULL REFERENCES archive_states,
  PRIMARY KEY (from_state, to_state)
);
INSERT INTO archive_state_transitions VALUES
  ('NOT_UPLOADED', 'PENDING'),         -- upload
  ('NOT_UPLOADED', 'AUTHENTICATED'),   -- upload by a committee that passed pre-review integrity
  ('PENDING', 'AUTHENTICATED'),        -- approve, or a committee upload after pre-review
  ('PENDING', 'REJECTED'),             -- reject with a reason, or pre-review integrity failure
  ('REJECTED', 'PENDING'),             -- 替换档案
  ('AUTHENTICATED', 'PENDING'),        -- new upload after an approved change request (R6)
  ('NOT_UPLOADED', 'EXEMPT'),          -- admission date corrected to before the start date
  ('EXEMPT', 'NOT_UPLOADED');          -- admission date corrected to after the start date

CREATE TABLE members (
  id               bigserial PRIMARY KEY,
  org_id           bigint NOT NULL REFERENCES organizations (id),
  name             text NOT NULL,
  id_card          text NOT NULL UNIQUE CHECK (id_card ~ '^[0-9]{17}[0-9X]$'),
  gender           text CHECK (gender IN ('男', '女')),
  ethnicity        text,
  birth_date       date,
  joined_on        date NOT NULL,                      -- 入团时间: the superior's approval of the admission
  dev_number       text UNIQUE CHECK (dev_number ~ '^[0-9]{12}$'),  -- 发展团员编号 (R9)
  phone            text,
  education        text,
  archive_status   text NOT NULL REFERENCES archive_states,
  upload_deadline  date,                               -- joined_on + the configured window (R3); NULL when exempt
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  current_version_id bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_org ON members (org_id, archive_status);
CREATE INDEX members_name ON members (name);
-- The daily sweep reads only members still waiting, never the whole table.
CREATE INDEX members_waiting ON members (upload_deadline)
  WHERE archive_status IN ('NOT_UPLOADED', 'REJECTED');
CREATE INDEX members_pending ON members (status_changed_at) WHERE archive_status = 'PENDING';

-- The database refuses any status change that design.md does not allow.
CREATE FUNCTION members_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.archive_status IS DISTINCT FROM OLD.archive_status THEN
    IF NOT EXISTS (SELECT 1 FROM archive_state_transitions
                   WHERE from_state = OLD.archive_status AND to_state = NEW.archive_status) THEN
      RAISE EXCEPTION 'archive status of member % cannot change from % to %',
        OLD.id, OLD.archive_status, NEW.archive_status
        USING ERRCODE = 'check_violation';
    END IF;
    NEW.status_changed_at := now();
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER members_transition BEFORE UPDATE ON members
  FOR EACH ROW EXECUTE FUNCTION members_check_transition();

CREATE TABLE users (
  id           bigserial PRIMARY KEY,
  login        text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role         text NOT NULL CHECK (role IN ('branch_admin', 'committee_admin', 'member', 'ops')),
  org_id       bigint REFERENCES organizations (id),
  member_id    bigint REFERENCES members (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz,
  CHECK (role = 'ops' OR org_id IS NOT NULL),
  CHECK ((role = 'member') = (member_id IS NOT NULL))
);

-- Bearer tokens are stored as SHA-256 of the secret; the secret is shown once, when issued.
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id),
  token_sha256 bytea NOT NULL UNIQUE,
  label        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Every uploaded file is kept; versions are numbered per member.
CREATE TABLE archive_versions (
  id               bigserial PRIMARY KEY,
  member_id        bigint NOT NULL REFERENCES members (id),
  version_no       integer NOT NULL,
  blob_uri         text NOT NULL,
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes       bigint NOT NULL CHECK (size_bytes >= 0),
  uploaded_by      bigint NOT NULL REFERENCES users (id),
  uploader_org_id  bigint NOT NULL REFERENCES organizations (id),
  uploader_kind    text NOT NULL CHECK (uploader_kind IN ('branch', 'committee')),
  uploaded_at      timestamptz NOT NULL DEFAULT now(),
  verdict          text CHECK (verdict IN ('PASS', 'WARN', 'FAIL')),
  prereviewed_at   timestamptz,
  page1_fingerprint text,                                -- perceptual hash of page 1, for DUPLICATE_FILE
  decision         text CHECK (decision IN ('APPROVED', 'REJECTED')),
  decided_by       bigint REFERENCES users (id),
  decided_at       timestamptz,
  decision_reason  text,
  UNIQUE (member_id, version_no),
  CHECK (decision IS DISTINCT FROM 'REJECTED' OR decision_reason <> '')
);
ALTER TABLE members ADD FOREIGN KEY (current_version_id) REFERENCES archive_versions (id);
CREATE INDEX archive_versions_sha256 ON archive_versions (sha256);
CREATE INDEX archive_versions_fingerprint ON archive_versions (page1_fingerprint)
  WHERE page1_fingerprint IS NOT NULL;
-- The superior's approval queue: undecided versions, oldest first.
CREATE INDEX archive_versions_undecided ON archive_versions (uploaded_at)
  WHERE decision IS NULL AND uploader_kind = 'branch';

CREATE TABLE prereview_findings (
  id           bigserial PRIMARY KEY,
  version_id   bigint NOT NULL REFERENCES archive_versions (id),
  code         text NOT NULL,
  severity     text NOT NULL CHECK (severity IN ('info', 'warn', 'fail')),
  page         integer,
  message      text NOT NULL,
  evidence     jsonb NOT NULL DEFAULT '{}',
  evidence_uri text
);
CREATE INDEX prereview_findings_version ON prereview_findings (version_id);

-- R6: after authentication a file changes only through an approved change request.
CREATE TABLE change_requests (
  id           bigserial PRIMARY KEY,
  member_id    bigint NOT NULL REFERENCES members (id),
  requested_by bigint NOT NULL REFERENCES users (id),
  reason       text NOT NULL CHECK (reason <> ''),
  status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'USED')),
  decided_by   bigint REFERENCES users (id),
  decided_at   timestamptz,
  decision_reason text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX change_requests_open ON change_requests (member_id)
  WHERE status IN ('PENDING', 'APPROVED');

CREATE TABLE import_batches (
  id            uuid PRIMARY KEY,
  org_id        bigint NOT NULL REFERENCES organizations (id),
  requested_by  bigint REFERENCES users (id),
  filename      text NOT NULL,
  format        text NOT NULL CHECK (format IN ('xlsx', 'xls', 'csv')),
  blob_uri      text NOT NULL,
  sha256        text NOT NULL,
  size_bytes    bigint NOT NULL,
  dry_run       boolean NOT NULL DEFAULT false,
  status        text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
  total_rows    integer,
  done_rows     integer NOT NULL DEFAULT 0,
  ok_rows       integer NOT NULL DEFAULT 0,
  failed_rows   integer NOT NULL DEFAULT 0,
  report_uri    text,
  error_code    text,
  error_message text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE INDEX import_batches_org ON import_batches (org_id, created_at DESC);

CREATE TABLE import_rows (
  batch_id   uuid NOT NULL REFERENCES import_batches (id),
  row_no     integer NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('IMPORTED', 'FAILED')),
  member_id  bigint REFERENCES members (id),
  codes      text[] NOT NULL DEFAULT '{}',
  reasons    text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (batch_id, row_no)
);

-- Reminders: each (member, situation, milestone, recipient) at most once (R3, R7).
CREATE TABLE reminders (
  id            bigserial PRIMARY KEY,
  member_id     bigint NOT NULL REFERENCES members (id),
  recipient_org_id bigint NOT NULL REFERENCES organizations (id),
  situation     text NOT NULL CHECK (situation IN ('NOT_UPLOADED', 'REJECTED', 'PENDING_REVIEW', 'PREREVIEW_FAILED')),
  milestone     text NOT NULL,
  due_on        date NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  digest_id     bigint,
  UNIQUE (member_id, situation, milestone, recipient_org_id)
);
CREATE INDEX reminders_open ON reminders (recipient_org_id) WHERE resolved_at IS NULL;
CREATE INDEX reminders_member_open ON reminders (member_id) WHERE resolved_at IS NULL;

CREATE TABLE reminder_digests (
  id          bigserial PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES organizations (id),
  day         date NOT NULL,
  text        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, day)
);
ALTER TABLE reminders ADD FOREIGN KEY (digest_id) REFERENCES reminder_digests (id);

-- Processed event ids per consumer: an effect and its inbox row commit together, so a redelivered
-- event has no second effect. event_key is the envelope id, or topic/partition/offset for a message
-- too malformed to carry one.
CREATE TABLE inbox (
  consumer     text NOT NULL,
  event_key    text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_key)
);
CREATE INDEX inbox_processed_at ON inbox (processed_at);

-- Events caused by a database change are written here in the same transaction; the relay publishes
-- them in id order and deletes them once the broker has acknowledged them.
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  topic      text NOT NULL,
  key        text NOT NULL,
  event_id   text NOT NULL,
  payload    bytea NOT NULL,
  headers    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Messages that failed for their own reasons. One row per (consumer, event); a replay that fails
-- again updates it.
CREATE TABLE failed_jobs (
  id           bigserial PRIMARY KEY,
  consumer     text NOT NULL,
  event_key    text NOT NULL,
  topic        text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset bigint NOT NULL,
  event_type   text,
  message_key  text,
  error_code   text NOT NULL,
  error        text NOT NULL,
  attempts     integer NOT NULL,
  payload      bytea NOT NULL,          -- the message as it arrived, which may not even be text
  headers      jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'DEAD' CHECK (status IN ('DEAD', 'REPLAYED', 'RESOLVED')),
  replay_count integer NOT NULL DEFAULT 0,
  failed_at    timestamptz NOT NULL DEFAULT now(),
  replayed_at  timestamptz,
  UNIQUE (consumer, event_key)
);
CREATE INDEX failed_jobs_open ON failed_jobs (failed_at) WHERE status = 'DEAD';

-- One row for every transition, decision, download, reveal and correction: who, when, what, from where.
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_user_id bigint REFERENCES users (id),
  actor        text NOT NULL,                          -- login, or the worker / ops command
  action       text NOT NULL,
  object_type  text NOT NULL,
  object_id    text NOT NULL,
  member_id    bigint REFERENCES members (id),
  from_state   text,
  to_state     text,
  reason       text,
  remote_addr  text,
  trace_id     text,
  detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_member ON audit_log (member_id, at) WHERE member_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

-- The pipeline self-test: the ledger worker appends one row per ledger.entry event. No unique key on
-- purpose, so that a duplicated effect shows up as two rows.
CREATE TABLE ledger_entries (
  event_id       text NOT NULL,
  seq            bigint NOT NULL,
  produced_at_us bigint NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
