-- 下级团员电子档案审批: every organization whose uploads committee $1 decides (through any 团总支, down to the next
-- committee), with its own members by archive status, in tree order.
SELECT o.id, o.code, o.name, o.kind,
       count(m.id) FILTER (WHERE m.archive_status = 'PENDING'),
       count(m.id) FILTER (WHERE m.archive_status = 'REJECTED'),
       count(m.id) FILTER (WHERE m.archive_status = 'NOT_UPLOADED'),
       count(m.id) FILTER (WHERE m.archive_status = 'AUTHENTICATED'),
       o.parent_id
FROM organizations o LEFT JOIN members m ON m.org_id = o.id
WHERE o.approver_id = $1
GROUP BY o.id
ORDER BY o.path
LIMIT $2
