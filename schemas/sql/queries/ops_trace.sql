-- Everything that happened to member $1, in time order: what the workers and people did, what pre-review found,
-- which reminders went out, what failed and what still waits in the outbox. No names or ID numbers.
SELECT at, kind, what, detail FROM (
  SELECT created_at AS at, 'member' AS kind, 'created' AS what, 'status ' || archive_status AS detail
  FROM members WHERE id = $1
  UNION ALL
  SELECT at, 'audit', action, concat_ws(' ', nullif(concat_ws(' -> ', from_state, to_state), ''),
                                        'by ' || actor, nullif('reason: ' || reason, 'reason: '))
  FROM audit_log WHERE member_id = $1
  UNION ALL
  SELECT uploaded_at, 'upload', 'version ' || version_no,
         uploader_kind || ' upload, ' || size_bytes || ' bytes, sha256 ' || left(sha256, 12)
  FROM archive_versions WHERE member_id = $1
  UNION ALL
  SELECT prereviewed_at, 'prereview', 'version ' || version_no, 'verdict ' || COALESCE(verdict, '?')
  FROM archive_versions WHERE member_id = $1 AND prereviewed_at IS NOT NULL
  UNION ALL
  SELECT v.prereviewed_at, 'finding', f.code, f.severity || COALESCE(' page ' || f.page, '') || ': ' || f.message
  FROM prereview_findings f JOIN archive_versions v ON v.id = f.version_id
  WHERE v.member_id = $1 AND v.prereviewed_at IS NOT NULL
  UNION ALL
  SELECT decided_at, 'decision', 'version ' || version_no, decision || COALESCE(': ' || decision_reason, '')
  FROM archive_versions WHERE member_id = $1 AND decided_at IS NOT NULL
  UNION ALL
  SELECT created_at, 'change-request', status, reason FROM change_requests WHERE member_id = $1
  UNION ALL
  SELECT b.created_at, 'import', 'batch ' || b.id, 'row ' || m.import_row_no || ' IMPORTED'
  FROM members m JOIN import_batches b ON b.id = m.import_batch_id WHERE m.id = $1
  UNION ALL
  SELECT created_at, 'reminder', situation || ' ' || milestone, 'due ' || due_on
  FROM reminders WHERE member_id = $1
  UNION ALL
  SELECT resolved_at, 'reminder', situation || ' ' || milestone || ' resolved', ''
  FROM reminders WHERE member_id = $1 AND resolved_at IS NOT NULL
  UNION ALL
  SELECT failed_at, 'dead-letter', consumer || ' ' || topic,
         error_code || ' (' || status || ', ' || attempts || ' attempts, ' || replay_count || ' replays, dlq show ' || id || ')'
  FROM failed_jobs WHERE message_key = $1::text
  UNION ALL
  SELECT created_at, 'outbox', topic, 'event ' || event_id || ' waiting for the relay'
  FROM outbox WHERE key = $1::text
) t
WHERE at IS NOT NULL
ORDER BY at, kind
