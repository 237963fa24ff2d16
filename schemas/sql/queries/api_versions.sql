SELECT v.id, v.version_no, v.sha256, v.size_bytes, v.uploaded_at::text, v.uploader_kind, v.verdict,
       v.prereviewed_at::text, v.decision, v.decided_at::text, v.decision_reason, u.display_name,
       v.withdrawn_at::text
FROM archive_versions v JOIN users u ON u.id = v.uploaded_by
WHERE v.member_id = $1
ORDER BY v.version_no DESC
