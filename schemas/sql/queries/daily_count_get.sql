-- How much of rule $1's allowance subject $2 used on day $3 (0 when nothing).
SELECT COALESCE((SELECT used FROM daily_counts WHERE rule = $1 AND subject = $2 AND day = $3::date), 0)
