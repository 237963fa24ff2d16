-- R4: the uploads that committee $1 decides: branch uploads of members of every organization whose approver it is
-- (its subtree down to the next committee, through any 团总支). $2 PENDING lists what can still be decided (the
-- member's current, undecided version while the member is PENDING); APPROVED and REJECTED list decided versions;
-- ALL both. Filters (NULL: any): $3 verdict (PASS, WARN, FAIL, or NONE while the pre-review runs), $4 an
-- organization's path (its subtree), $5 and $6 the first and last upload day in time zone $7. Paged by the cursor
-- ($8 uploaded_at in microseconds since the epoch, $9 version id) of the last item of the previous page; $10 rows.
SELECT v.id, v.member_id, m.name, m.id_card, o.id, o.name, v.version_no, v.uploaded_at::text, v.verdict, v.decision,
       v.decided_at::text, v.decision_reason, m.dev_number,
       (extract(epoch FROM v.uploaded_at) * 1000000)::bigint AS cursor_us
FROM organizations o
JOIN members m ON m.org_id = o.id
JOIN archive_versions v ON v.member_id = m.id
WHERE o.approver_id = $1 AND v.uploader_kind = 'branch' AND v.withdrawn_at IS NULL
  AND CASE $2::text
        WHEN 'PENDING' THEN v.decision IS NULL AND m.archive_status = 'PENDING' AND v.id = m.current_version_id
        WHEN 'ALL' THEN v.decision IS NOT NULL
                        OR (m.archive_status = 'PENDING' AND v.id = m.current_version_id)
        ELSE v.decision = $2::text END
  AND ($3::text IS NULL OR v.verdict = $3::text OR ($3::text = 'NONE' AND v.verdict IS NULL))
  AND ($4::text IS NULL OR o.path <@ $4::text::public.ltree)
  AND ($5::date IS NULL OR (v.uploaded_at AT TIME ZONE $7::text)::date >= $5::date)
  AND ($6::date IS NULL OR (v.uploaded_at AT TIME ZONE $7::text)::date <= $6::date)
  AND ($8::bigint IS NULL OR ((extract(epoch FROM v.uploaded_at) * 1000000)::bigint, v.id) > ($8::bigint, $9::bigint))
ORDER BY v.uploaded_at, v.id
LIMIT $10
