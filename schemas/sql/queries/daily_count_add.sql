-- Adds $4 to what subject $2 used of rule $1 on day $3; returns the new total.
INSERT INTO daily_counts (rule, subject, day, used) VALUES ($1, $2, $3::date, $4)
ON CONFLICT (rule, subject, day) DO UPDATE SET used = daily_counts.used + EXCLUDED.used
RETURNING used
