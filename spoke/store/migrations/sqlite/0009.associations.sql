-- depends: 0008.object-types
-- Associations between records (docs/decisions.md, "Associations"). One row per
-- association type in each direction: an association from A to B of type t is stored
-- with the row from B to A of t's inverse, so a record's associations of every kind are
-- one index range from it. Rows only ever join live records: archiving or merging a
-- record removes (or moves) its rows in the same transaction.
CREATE TABLE associations (
    from_id INTEGER NOT NULL,
    to_object_type TEXT NOT NULL,
    to_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    type_id INTEGER NOT NULL,
    from_object_type TEXT NOT NULL,
    PRIMARY KEY (from_id, to_object_type, to_id, category, type_id)
) WITHOUT ROWID;

-- The portal's association labels (USER_DEFINED association types), one row per
-- direction: a label and its inverse name each other.
CREATE TABLE association_labels (
    type_id INTEGER PRIMARY KEY,
    from_object_type TEXT NOT NULL,
    to_object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    inverse_type_id INTEGER NOT NULL
);

-- Type ids of new labels: never given out twice (the domain skips HubSpot's own ids).
CREATE TABLE association_type_ids (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id INTEGER NOT NULL
);
INSERT INTO association_type_ids (singleton, last_id) VALUES (1, 0);
