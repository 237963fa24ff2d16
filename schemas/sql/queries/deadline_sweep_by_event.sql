-- The sweep that event $1 asked for, once it ran.
SELECT id, day::text, created, resolved FROM deadline_sweeps WHERE event_id = $1
