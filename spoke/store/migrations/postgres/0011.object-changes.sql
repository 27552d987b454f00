-- depends: 0008.object-types 0010.owners
-- The change log of records, with the same meaning as migrations/sqlite/0011.object-changes.sql.
-- Here writers commit concurrently, so seq does not follow commit order: each row also
-- holds its transaction's id, and a worker asks for the rows of every transaction that was
-- not yet committed when it last read the log (xid at or above that snapshot's xmin).
CREATE TABLE object_changes (
    seq BIGSERIAL PRIMARY KEY,
    xid XID8 NOT NULL DEFAULT pg_current_xact_id(),
    object_id BIGINT NOT NULL
);
CREATE INDEX object_changes_by_xid ON object_changes (xid);
-- through: the highest xid of a row removed; a worker whose last xmin is not above it
-- forgets every answer it holds.
CREATE TABLE object_changes_pruned (through XID8 NOT NULL);
INSERT INTO object_changes_pruned (through) VALUES ('0');

CREATE FUNCTION log_changed_object() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO object_changes (object_id) VALUES (OLD.id);
    RETURN NULL;
END $$;
CREATE FUNCTION log_changed_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO object_changes (object_id) VALUES (OLD.object_id);
    ELSE
        INSERT INTO object_changes (object_id) VALUES (NEW.object_id);
    END IF;
    RETURN NULL;
END $$;
-- One pruning at a time (an advisory lock tried, never waited for): the others skip it.
CREATE FUNCTION prune_object_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_try_advisory_xact_lock(6012359541530217303) THEN
        WITH removed AS (DELETE FROM object_changes WHERE seq <= NEW.seq - 50000 RETURNING xid)
        UPDATE object_changes_pruned
        SET through = greatest(through, (SELECT max(xid) FROM removed))
        WHERE EXISTS (SELECT FROM removed);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER objects_updated AFTER UPDATE ON objects
    FOR EACH ROW EXECUTE FUNCTION log_changed_object();
CREATE TRIGGER objects_deleted AFTER DELETE ON objects
    FOR EACH ROW EXECUTE FUNCTION log_changed_object();
-- A record's first write (version 1) comes with its creation; any other is a change.
CREATE TRIGGER object_writes_added AFTER INSERT ON object_writes
    FOR EACH ROW WHEN (NEW.version > 1) EXECUTE FUNCTION log_changed_history();
CREATE TRIGGER object_writes_deleted AFTER DELETE ON object_writes
    FOR EACH ROW EXECUTE FUNCTION log_changed_history();
-- TRUNCATE fires no row trigger: it moves the definitions version, which makes every
-- worker forget every answer it holds.
CREATE FUNCTION forget_every_answer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE definitions_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER objects_truncated AFTER TRUNCATE ON objects
    FOR EACH STATEMENT EXECUTE FUNCTION forget_every_answer();
CREATE TRIGGER object_writes_truncated AFTER TRUNCATE ON object_writes
    FOR EACH STATEMENT EXECUTE FUNCTION forget_every_answer();
CREATE TRIGGER object_changes_pruning AFTER INSERT ON object_changes
    FOR EACH ROW WHEN (NEW.seq % 10000 = 0) EXECUTE FUNCTION prune_object_changes();
