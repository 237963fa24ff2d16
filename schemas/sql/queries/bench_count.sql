SELECT count(*) FROM ledger_entries
