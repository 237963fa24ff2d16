-- R6: change requests for members of the organizations whose approver is committee $1, by status ($2 or ALL).
SELECT c.id, c.member_id, m.name, m.id_card, o.id, o.name, c.status, c.reason, c.created_at::text,
       c.decided_at::text, c.decision_reason
FROM organizations o
JOIN members m ON m.org_id = o.id
JOIN change_requests c ON c.member_id = m.id
WHERE o.approver_id = $1 AND ($2 = 'ALL' OR c.status = $2)
ORDER BY c.created_at, c.id
LIMIT $3
