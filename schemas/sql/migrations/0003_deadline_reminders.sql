-- Deadline sweeps and reminders (issue 6, R3, R7).

-- The sweep reads members still waiting by admission date, so that both the start date (R1) and the
-- upload window (R3) stay configurable: the deadline is joined_on + window, computed at sweep time.
CREATE INDEX members_waiting_joined ON members (joined_on)
  WHERE archive_status IN ('NOT_UPLOADED', 'REJECTED');

-- One row per sweep, written in the sweep's transaction. The reminder worker fans out the reminders of
-- every sweep not fanned out yet (fanned_out_at), in id order.
CREATE TABLE deadline_sweeps (
  id           bigserial PRIMARY KEY,
  event_id     text NOT NULL,
  as_of        timestamptz NOT NULL,
  day          date NOT NULL,
  requested_by text NOT NULL,
  created      integer NOT NULL DEFAULT 0,
  resolved     integer NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL,  -- wall clock when the sweep lock was taken
  finished_at  timestamptz,           -- wall clock when the sweep was recorded, just before commit
  fanned_out_at timestamptz
);
CREATE INDEX deadline_sweeps_not_fanned_out ON deadline_sweeps (id) WHERE fanned_out_at IS NULL;

-- A reminder is one (member, situation, milestone) for its first recipient: the branch, or the superior
-- for a review that waits too long. sweep_id is the sweep that recorded it (no foreign key: the sweep
-- writes thousands of rows in one statement, and both rows come from the same transaction).
ALTER TABLE reminders ADD COLUMN sweep_id bigint;
CREATE INDEX reminders_sweep ON reminders (sweep_id);

-- Who hears of a reminder: its first recipient, the direct superior, and one level up when escalated.
-- No foreign keys: the rows are derived, in the same statement, from reminders and organizations that
-- exist, and the fan-out writes tens of thousands of them at once (two checks a row doubled its cost).
CREATE TABLE reminder_recipients (
  reminder_id bigint NOT NULL,
  org_id      bigint NOT NULL,
  role        text NOT NULL CHECK (role IN ('branch', 'superior', 'escalation')),
  PRIMARY KEY (reminder_id, org_id)
);
CREATE INDEX reminder_recipients_org ON reminder_recipients (org_id, reminder_id);

-- Organizations with news that their day's digest could not carry (it was already sent that day): they
-- get a digest on the next day with a sweep.
CREATE TABLE reminder_digest_backlog (
  org_id bigint PRIMARY KEY REFERENCES organizations (id)
);
