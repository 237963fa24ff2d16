-- Records the end of sweep $1: $2 reminders created, $3 resolved.
UPDATE deadline_sweeps SET created = $2::int, resolved = $3::int, finished_at = clock_timestamp() WHERE id = $1
