-- DUPLICATE_FILE finds a rescan of the same page 1, not only the same bytes. page1_fingerprint (16 hex digits)
-- is now a 64-bit hash of the line of the development number on page 1 (image::LineProfileHash), which two
-- scans of one sheet share but for a few bits. Any two fingerprints at most 3 bits apart agree on at least one
-- of their four 16-bit quarters (4 hex digits), so one index per quarter finds every candidate
-- (queries/prereview_duplicate.sql), and the Hamming distance is computed on the candidates only.
CREATE INDEX archive_versions_fingerprint_q1 ON archive_versions (substr(page1_fingerprint, 1, 4))
  WHERE page1_fingerprint IS NOT NULL;
CREATE INDEX archive_versions_fingerprint_q2 ON archive_versions (substr(page1_fingerprint, 5, 4))
  WHERE page1_fingerprint IS NOT NULL;
CREATE INDEX archive_versions_fingerprint_q3 ON archive_versions (substr(page1_fingerprint, 9, 4))
  WHERE page1_fingerprint IS NOT NULL;
CREATE INDEX archive_versions_fingerprint_q4 ON archive_versions (substr(page1_fingerprint, 13, 4))
  WHERE page1_fingerprint IS NOT NULL;
-- The four quarters cover the exact index.
DROP INDEX archive_versions_fingerprint;
-- The fingerprints written before were a difference hash of the whole page, on which two members' clean scans
-- of the same printed cover are often identical: compared with anything they would report other members'
-- forms as duplicates, so they are dropped (those versions are still compared by their bytes).
UPDATE archive_versions SET page1_fingerprint = NULL WHERE page1_fingerprint IS NOT NULL;
