-- depends: 0008.object-types 0010.owners
-- The change log of records, by which every worker keeps its cached answers of batch reads
-- exact (docs/decisions.md, "Cached answers of the batch read"). A row is added, in the
-- writing transaction, for each record whose row or history changes after its creation:
-- an update, an archive or restore, a merge, a deletion. A creation adds none (no worker
-- can have an answer of a record that did not exist). seq orders the rows by commit: SQLite
-- has one writer at a time.
CREATE TABLE object_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    object_id INTEGER NOT NULL
);
-- The log keeps its newest 50,000 rows or so; through is the highest seq removed, and a
-- worker that last read the log before it forgets every answer it holds.
CREATE TABLE object_changes_pruned (through INTEGER NOT NULL);
INSERT INTO object_changes_pruned (through) VALUES (0);

CREATE TRIGGER objects_updated AFTER UPDATE ON objects
BEGIN
    INSERT INTO object_changes (object_id) VALUES (OLD.id);
END;
CREATE TRIGGER objects_deleted AFTER DELETE ON objects
BEGIN
    INSERT INTO object_changes (object_id) VALUES (OLD.id);
END;
-- A record's first write (version 1) comes with its creation; any other is a change.
CREATE TRIGGER object_writes_added AFTER INSERT ON object_writes WHEN NEW.version > 1
BEGIN
    INSERT INTO object_changes (object_id) VALUES (NEW.object_id);
END;
CREATE TRIGGER object_writes_deleted AFTER DELETE ON object_writes
BEGIN
    INSERT INTO object_changes (object_id) VALUES (OLD.object_id);
END;
CREATE TRIGGER object_changes_pruning AFTER INSERT ON object_changes
WHEN NEW.seq % 10000 = 0
BEGIN
    DELETE FROM object_changes WHERE seq <= NEW.seq - 50000;
    UPDATE object_changes_pruned SET through = max(through, NEW.seq - 50000);
END;
