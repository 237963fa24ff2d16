-- Many audit rows in one statement (pg::Tx::Append; api/audit_writer.hpp): one array per column, each row's time
-- in microseconds since the epoch.
INSERT INTO audit_log (actor_user_id, actor, action, object_type, object_id, member_id, remote_addr, detail, at)
SELECT user_id, actor, action, object_type, object_id, member_id, remote_addr, detail::jsonb,
       to_timestamp(at_us / 1e6)
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],
            $9::bigint[]) AS t (user_id, actor, action, object_type, object_id, member_id, remote_addr, detail, at_us)
