-- Up Migration
-- The audit trail is append-only in the database itself, whoever connects: any
-- UPDATE, DELETE or TRUNCATE of audit_log raises (an INSERT … ON CONFLICT DO
-- UPDATE is an UPDATE and raises too; ids are GENERATED ALWAYS, so an insert
-- cannot name an existing one). The service role additionally gets only INSERT
-- and SELECT on it (docs/store-postgres.md, "Postgres roles"): the trigger stops
-- mistakes and code paths, the grants stop a role that could drop the trigger.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Down Migration
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_no_update_delete ON audit_log;
DROP FUNCTION audit_log_append_only();
