-- The calendar day of the sweep instant $1 in time zone $2, and whether $1 lies beyond the clock's now $3
-- by more than $4 seconds.
SELECT ($1::timestamptz AT TIME ZONE $2)::date::text,
       $1::timestamptz > $3::timestamptz + make_interval(secs => $4::int)
