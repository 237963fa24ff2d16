-- The members in the digests of organizations $1 (bigint[]): one row per (organization, member) with an
-- open reminder, ordered by organization and deadline. kind is UPLOAD when the archive still has to be
-- uploaded (not uploaded, rejected, or pre-review FAIL) and REVIEW when it only waits for the superior.
SELECT rr.org_id, o.name AS org_name, m.id, m.name, m.id_card, m.archive_status,
       CASE WHEN bool_or(r.situation <> 'PENDING_REVIEW') THEN 'UPLOAD' ELSE 'REVIEW' END AS kind,
       coalesce(min(r.due_on) FILTER (WHERE r.situation <> 'PENDING_REVIEW'), min(r.due_on))::text AS deadline
FROM reminder_recipients rr
JOIN reminders r ON r.id = rr.reminder_id AND r.resolved_at IS NULL
JOIN members m ON m.id = r.member_id
JOIN organizations o ON o.id = rr.org_id
WHERE rr.org_id = ANY($1::bigint[])
GROUP BY rr.org_id, o.name, m.id
ORDER BY rr.org_id, deadline, m.id
