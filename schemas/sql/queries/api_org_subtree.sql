-- The organizations under $1 (a path), itself included, down to $2 levels below it, in tree order.
SELECT id, code, name, kind, parent_id, path::text
FROM organizations
WHERE path OPERATOR(public.<@) $1::public.ltree
  AND public.nlevel(path) <= public.nlevel($1::public.ltree) + $2
ORDER BY path
LIMIT $3
