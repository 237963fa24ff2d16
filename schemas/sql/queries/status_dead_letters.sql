SELECT consumer, error_code, count(*) FROM failed_jobs WHERE status = 'DEAD' GROUP BY 1, 2 ORDER BY 1, 2
