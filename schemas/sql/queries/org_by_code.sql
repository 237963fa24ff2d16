SELECT id, kind, path::text FROM organizations WHERE code = $1
