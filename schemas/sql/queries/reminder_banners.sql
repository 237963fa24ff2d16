-- The R7 banners of organization $1's subtree: members whose archive is not uploaded (or must be uploaded
-- again), and members not yet authenticated (those, plus the ones waiting for the superior). Members are read through the partial indexes
-- of members waiting and pending, so the cost follows the members still open, not the subtree's size.
WITH root AS (SELECT path FROM organizations WHERE id = $1)
SELECT count(*) FILTER (WHERE m.archive_status IN ('NOT_UPLOADED', 'REJECTED')) AS not_uploaded,
       count(*) AS unauthenticated
FROM root
JOIN members m ON m.archive_status IN ('NOT_UPLOADED', 'REJECTED', 'PENDING')
JOIN organizations o ON o.id = m.org_id AND o.path <@ root.path
