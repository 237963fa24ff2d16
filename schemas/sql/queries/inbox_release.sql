-- A dead-lettered event gives its claim back, so that a replay of it is processed.
DELETE FROM inbox WHERE consumer = $1 AND event_key = $2
