-- The holders of the ID numbers $1 from before batch $2 (a number an earlier chunk of the batch wrote is a
-- duplicate in the file, which the importer reports as such): the member, their organization, its path and name.
-- This looks across the whole country (one person is registered once); the importer names the organization only
-- when the importer's subtree holds it (common/lifecycle/registry.hpp).
SELECT m.id_card, m.org_id, m.id, o.path::text, o.name FROM members m JOIN organizations o ON o.id = m.org_id
WHERE m.id_card = ANY($1::text[]) AND m.import_batch_id IS DISTINCT FROM $2::uuid
