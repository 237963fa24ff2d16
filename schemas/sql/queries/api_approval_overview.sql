-- 下级团员电子档案审批: the caller's direct subordinate organizations ($1) with their members by archive status.
-- Members of the subordinate itself (a branch's members), read through members_org.
SELECT o.id, o.code, o.name, o.kind,
       count(m.id) FILTER (WHERE m.archive_status = 'PENDING'),
       count(m.id) FILTER (WHERE m.archive_status = 'REJECTED'),
       count(m.id) FILTER (WHERE m.archive_status = 'NOT_UPLOADED'),
       count(m.id) FILTER (WHERE m.archive_status = 'AUTHENTICATED')
FROM organizations o LEFT JOIN members m ON m.org_id = o.id
WHERE o.parent_id = $1
GROUP BY o.id
ORDER BY o.code
LIMIT $2
