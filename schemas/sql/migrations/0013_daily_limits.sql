-- The per-day counts of the rules that limit a caller (docs/api.md, "Numbers registered elsewhere"): how many times a user was told that a
-- number is registered in an organization outside their subtree (rule 'registered_elsewhere', subject a user id,
-- policy.registered_elsewhere_per_day), and how many imports an organization started (rule 'import', subject an
-- organization id, api.imports_per_org_per_day). One row per rule, subject and day of the policy's calendar, so the
-- API replicas and the import workers share one count.
CREATE TABLE daily_counts (
  rule    text NOT NULL CHECK (rule IN ('registered_elsewhere', 'import')),
  subject bigint NOT NULL,
  day     date NOT NULL,
  used    integer NOT NULL CHECK (used >= 0),
  PRIMARY KEY (rule, subject, day)
);
