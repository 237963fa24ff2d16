-- Takes one of rule $1's allowance of $4 a day for subject $2 on day $3 ($4 >= 1): returns the new total, or no row
-- when all $4 were used already. Concurrent takers wait for each other on the row, so no more than $4 succeed.
INSERT INTO daily_counts (rule, subject, day, used) VALUES ($1, $2, $3::date, 1)
ON CONFLICT (rule, subject, day) DO UPDATE SET used = daily_counts.used + 1 WHERE daily_counts.used < $4
RETURNING used
