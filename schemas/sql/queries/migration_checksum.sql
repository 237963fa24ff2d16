SELECT checksum FROM schema_migrations WHERE name = $1
