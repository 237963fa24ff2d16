-- DUPLICATE_FILE: a version of another member with the same bytes ($3), or with a page-1 fingerprint ($4, 16 hex
-- digits) at most $5 bits away (a rescan of the same sheet; $5 ≤ 3). Candidates share a 16-bit quarter of the
-- fingerprint (an index each, migration 0008). The same file first, then the nearest scan.
SELECT v.id, v.member_id, v.sha256 = $3 AS same_file,
       bit_count(('x' || v.page1_fingerprint)::bit(64) # ('x' || $4::text)::bit(64)) AS distance
FROM archive_versions v
WHERE v.member_id <> $2
  AND v.id <> $1
  AND (v.sha256 = $3
       OR ($4::text IS NOT NULL
           AND (substr(v.page1_fingerprint, 1, 4) = substr($4::text, 1, 4)
                OR substr(v.page1_fingerprint, 5, 4) = substr($4::text, 5, 4)
                OR substr(v.page1_fingerprint, 9, 4) = substr($4::text, 9, 4)
                OR substr(v.page1_fingerprint, 13, 4) = substr($4::text, 13, 4))
           AND bit_count(('x' || v.page1_fingerprint)::bit(64) # ('x' || $4::text)::bit(64)) <= $5::int))
ORDER BY same_file DESC, distance NULLS LAST, v.id
LIMIT 1
