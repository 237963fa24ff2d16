-- DUPLICATE_FILE: a version of another member with the same bytes ($3), or a rescan of the same page 1: a page-1
-- fingerprint at most $5 bits from this one ($4, 16 hex digits; $5 ≤ 3) on a version of the member whose
-- development number is the number read on this page 1 ($6). Fingerprints alone meet by chance among millions
-- of forms (about 1 pair in 2,000 of formgen's held-out corpus within 3 bits); the same sheet also shows the same
-- number. Candidates share a 16-bit quarter of the fingerprint (an index each, migration 0008). The same file
-- first, then the nearest scan.
SELECT v.id, v.member_id, v.sha256 = $3 AS same_file,
       bit_count(('x' || v.page1_fingerprint)::bit(64) # ('x' || $4::text)::bit(64)) AS distance
FROM archive_versions v
JOIN members m ON m.id = v.member_id
WHERE v.member_id <> $2
  AND v.id <> $1
  AND (v.sha256 = $3
       OR ($4::text IS NOT NULL
           AND $6::text IS NOT NULL
           AND (substr(v.page1_fingerprint, 1, 4) = substr($4::text, 1, 4)
                OR substr(v.page1_fingerprint, 5, 4) = substr($4::text, 5, 4)
                OR substr(v.page1_fingerprint, 9, 4) = substr($4::text, 9, 4)
                OR substr(v.page1_fingerprint, 13, 4) = substr($4::text, 13, 4))
           AND bit_count(('x' || v.page1_fingerprint)::bit(64) # ('x' || $4::text)::bit(64)) <= $5::int
           AND m.dev_number = $6::text))
ORDER BY same_file DESC, distance NULLS LAST, v.id
LIMIT 1
