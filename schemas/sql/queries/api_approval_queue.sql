-- R4: branch uploads of the caller's direct subordinate organizations ($1), by decision state ($2: PENDING,
-- APPROVED, REJECTED or ALL), oldest first.
SELECT v.id, v.member_id, m.name, m.id_card, o.id, o.name, v.version_no, v.uploaded_at::text, v.verdict, v.decision,
       v.decided_at::text, v.decision_reason
FROM organizations o
JOIN members m ON m.org_id = o.id
JOIN archive_versions v ON v.member_id = m.id
WHERE o.parent_id = $1 AND v.uploader_kind = 'branch'
  AND CASE $2 WHEN 'PENDING' THEN v.decision IS NULL
              WHEN 'ALL' THEN true
              ELSE v.decision = $2 END
ORDER BY v.uploaded_at, v.id
LIMIT $3
