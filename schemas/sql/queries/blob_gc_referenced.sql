-- Every blob the database refers to (archivectl blobs gc marks these and removes only others): archive versions,
-- pre-review evidence, import files and their failure reports. A new column that holds a blob URI belongs here.
SELECT blob_uri FROM archive_versions
UNION SELECT evidence_uri FROM prereview_findings WHERE evidence_uri IS NOT NULL
UNION SELECT blob_uri FROM import_batches
UNION SELECT report_uri FROM import_batches WHERE report_uri IS NOT NULL
