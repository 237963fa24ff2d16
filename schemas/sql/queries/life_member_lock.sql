-- life_member_get with the member row locked for a change: the transitions of one member queue here.
SELECT m.id, m.org_id, o.parent_id, o.approver_id, o.path::text, o.name, m.name, m.id_card, m.gender,
       m.joined_on::text, m.dev_number, m.archive_status, m.upload_deadline::text, m.current_version_id,
       m.status_changed_at::text
FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.id = $1
FOR UPDATE OF m
