SELECT count(*) FROM ledger_entries WHERE event_id = ANY($1::text[])
