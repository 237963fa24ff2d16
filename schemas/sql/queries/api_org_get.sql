SELECT id, code, name, kind, parent_id, path::text FROM organizations WHERE id = $1
