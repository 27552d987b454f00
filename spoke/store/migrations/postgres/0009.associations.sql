-- depends: 0008.object-types
-- The same tables, with the same meaning, as migrations/sqlite/0009.associations.sql:
-- associations between records, one row per association type in each direction, and
-- the portal's association labels (USER_DEFINED association types).
CREATE TABLE associations (
    from_id BIGINT NOT NULL,
    to_object_type TEXT COLLATE "C" NOT NULL,
    to_id BIGINT NOT NULL,
    category TEXT COLLATE "C" NOT NULL,
    type_id BIGINT NOT NULL,
    from_object_type TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (from_id, to_object_type, to_id, category, type_id)
);

CREATE TABLE association_labels (
    type_id BIGINT PRIMARY KEY,
    from_object_type TEXT COLLATE "C" NOT NULL,
    to_object_type TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    inverse_type_id BIGINT NOT NULL
);

CREATE SEQUENCE association_type_ids AS BIGINT START WITH 1;
