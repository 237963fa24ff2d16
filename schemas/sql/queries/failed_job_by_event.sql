SELECT error_code, error FROM failed_jobs WHERE event_key = $1 AND status = 'DEAD'
