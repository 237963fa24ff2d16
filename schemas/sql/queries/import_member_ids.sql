-- Ids for $1 new members, taken from the members' own sequence before they are copied in (COPY returns none).
-- A sequence never gives a value twice, so ids a rolled-back copy held stay this batch's to use again.
SELECT nextval('members_id_seq') FROM generate_series(1, $1::int)
