-- The archive's life on real organization trees (docs/rules.md R4, R6; common/archive/life.hpp).

-- Which kinds of organization decide uploads: a committee (团委), a working committee (团工委) and a leading body
-- (团的领导机关) do; a 团支部 and a 团总支 upload and wait for the nearest deciding organization above them. This
-- table is the one place of that rule: the approver column below and the API's uploader kind read it.
CREATE TABLE org_kinds (
  kind    text PRIMARY KEY,
  decides boolean NOT NULL
);
INSERT INTO org_kinds VALUES
  ('leading_body', true), ('committee', true), ('working_committee', true),
  ('general_branch', false), ('branch', false);
ALTER TABLE organizations ADD FOREIGN KEY (kind) REFERENCES org_kinds (kind);

-- The organization that decides the uploads of this one's members: its nearest ancestor that decides, however
-- many 团总支 lie between (3.2.1, 3.3.1). NULL for a root. Organizations do not move and do not change kind (the
-- trigger refuses it), so the column is set once, when the organization is added.
ALTER TABLE organizations ADD COLUMN approver_id bigint REFERENCES organizations (id);
CREATE INDEX organizations_approver ON organizations (approver_id);

CREATE FUNCTION organizations_set_approver() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.path IS DISTINCT FROM OLD.path THEN
      RAISE EXCEPTION 'organization % cannot move or change kind', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  SELECT CASE WHEN k.decides THEN p.id ELSE p.approver_id END INTO NEW.approver_id
  FROM organizations p JOIN org_kinds k ON k.kind = p.kind
  WHERE p.id = NEW.parent_id;
  RETURN NEW;
END $$;
CREATE TRIGGER organizations_approver BEFORE INSERT OR UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_set_approver();

WITH RECURSIVE tree AS (
  SELECT o.id, NULL::bigint AS approver_id, k.decides
  FROM organizations o JOIN org_kinds k ON k.kind = o.kind
  WHERE o.parent_id IS NULL
  UNION ALL
  SELECT c.id, CASE WHEN t.decides THEN t.id ELSE t.approver_id END, k.decides
  FROM tree t JOIN organizations c ON c.parent_id = t.id JOIN org_kinds k ON k.kind = c.kind
)
UPDATE organizations o SET approver_id = tree.approver_id FROM tree
WHERE o.id = tree.id AND tree.approver_id IS NOT NULL;

-- Withdrawing a PENDING upload (撤回): the version is kept, marked, and the member goes back to where they were.
ALTER TABLE archive_versions
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN withdrawn_by bigint REFERENCES users (id);
INSERT INTO archive_state_transitions VALUES ('PENDING', 'NOT_UPLOADED');  -- withdrawing the first upload

-- The queue of a committee: the current, undecided branch upload of each PENDING member.
CREATE INDEX members_pending_org ON members (org_id, status_changed_at) WHERE archive_status = 'PENDING';

-- The machine no longer rejects (R4: the superior decides). A member that the pre-review moved to REJECTED has
-- an undecided current version: they go back to PENDING, before the committee with the pre-review's findings.
WITH machine_rejected AS (
  UPDATE members m SET archive_status = 'PENDING'
  FROM archive_versions v
  WHERE m.archive_status = 'REJECTED' AND v.id = m.current_version_id AND v.decision IS NULL
  RETURNING m.id, v.id AS version_id
)
INSERT INTO audit_log (actor, action, object_type, object_id, member_id, from_state, to_state, reason)
SELECT 'migration 0012', 'archive.undo_machine_rejection', 'archive_version', version_id::text, id, 'REJECTED',
       'PENDING', '预审不再自动退回档案，由上级团委审批'
FROM machine_rejected;

-- The 操作中心 feed of an organization's admins: rejections with their reason, pre-review failures, change-request
-- decisions and the daily reminder digests. Written in the transaction of the change that causes it.
CREATE TABLE notifications (
  id          bigserial PRIMARY KEY,
  org_id      bigint NOT NULL REFERENCES organizations (id),
  kind        text NOT NULL CHECK (kind IN ('ARCHIVE_REJECTED', 'ARCHIVE_APPROVED', 'PREREVIEW_FAILED',
                                            'CHANGE_APPROVED', 'CHANGE_REJECTED', 'DIGEST')),
  member_id   bigint REFERENCES members (id),
  version_id  bigint REFERENCES archive_versions (id),
  title       text NOT NULL,
  text        text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz,
  read_by     bigint REFERENCES users (id)
);
CREATE INDEX notifications_org ON notifications (org_id, id DESC);
CREATE INDEX notifications_unread ON notifications (org_id) WHERE read_at IS NULL;

-- The sweep reads a waiting member's deadline from members.upload_deadline, the one value every process wrote with
-- lifecycle::Policy::Deadline, instead of recomputing it from the admission date: its index moves with it.
DROP INDEX members_waiting_joined;
CREATE INDEX members_waiting ON members (upload_deadline) WHERE archive_status IN ('NOT_UPLOADED', 'REJECTED');
