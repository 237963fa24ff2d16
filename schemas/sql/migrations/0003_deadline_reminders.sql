-- Deadline sweeps and reminders (issue 6, R3, R7).

-- The sweep reads members still waiting by admission date, so that both the start date (R1) and the
-- upload window (R3) stay configurable: the deadline is joined_on + window, computed at sweep time.
CREATE INDEX members_waiting_joined ON members (joined_on)
  WHERE archive_status IN ('NOT_UPLOADED', 'REJECTED');

-- A reminder is one (member, situation, milestone) for its first recipient: the branch, or the superior
-- for a review that waits too long. The reminder worker fans each new one out to its recipients.
ALTER TABLE reminders ADD COLUMN fanned_out_at timestamptz;
CREATE INDEX reminders_new ON reminders (id) WHERE fanned_out_at IS NULL;

CREATE TABLE reminder_recipients (
  reminder_id bigint NOT NULL REFERENCES reminders (id),
  org_id      bigint NOT NULL REFERENCES organizations (id),
  role        text NOT NULL CHECK (role IN ('branch', 'superior', 'escalation')),
  digest_id   bigint REFERENCES reminder_digests (id),  -- the first digest that carried it
  PRIMARY KEY (reminder_id, org_id)
);
CREATE INDEX reminder_recipients_org ON reminder_recipients (org_id, reminder_id);
-- Recipients not digested yet: the organizations that get a digest on the next sweep's day.
CREATE INDEX reminder_recipients_undigested ON reminder_recipients (org_id) WHERE digest_id IS NULL;

-- One row per sweep that ran, for operators and for the catch-up figures.
CREATE TABLE deadline_sweeps (
  id           bigserial PRIMARY KEY,
  event_id     text NOT NULL,
  as_of        timestamptz NOT NULL,
  day          date NOT NULL,
  requested_by text NOT NULL,
  created      integer NOT NULL,
  resolved     integer NOT NULL,
  started_at   timestamptz NOT NULL,  -- wall clock when the sweep lock was taken
  finished_at  timestamptz NOT NULL   -- wall clock when the sweep was recorded, just before commit
);
CREATE INDEX deadline_sweeps_as_of ON deadline_sweeps (as_of);
