-- Organizations inside the importer's subtree ($1) whose code or name is one of $2.
SELECT id, code, name, kind FROM organizations
WHERE path <@ $1::public.ltree AND (code = ANY($2::text[]) OR name = ANY($2::text[]))
