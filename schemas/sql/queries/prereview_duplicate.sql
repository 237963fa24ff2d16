-- DUPLICATE_FILE: a version of another member with the same bytes ($3) or the same page-1 fingerprint ($4).
SELECT v.id, v.member_id, v.sha256 = $3 AS same_file
FROM archive_versions v
WHERE v.member_id <> $2
  AND v.id <> $1
  AND (v.sha256 = $3 OR ($4::text IS NOT NULL AND v.page1_fingerprint = $4::text))
ORDER BY same_file DESC, v.id
LIMIT 1
