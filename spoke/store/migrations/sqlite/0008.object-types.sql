-- depends: 0003.property-groups 0004.pipelines 0005.merged-tickets 0007.search-counts
-- Every object type in one set of tables (docs/decisions.md, "Object types"). Each row
-- that belongs to an object type names it by HubSpot's type id ('0-5' for tickets); the
-- rows of a database made before this migration were all tickets'. Record ids stay
-- unique across types (one id sequence), so the history and merge tables key by id alone.
-- The standard property groups and pipelines of every object type are written by
-- `spoke migrate` from Spoke's code, when missing (spoke/store/default_definitions.py).

-- Records of every object type: one row each, current values as one JSON object of
-- strings; version counts the writes to the record (1 after its creation).
CREATE TABLE objects (
    id INTEGER PRIMARY KEY,
    object_type TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    property_values TEXT NOT NULL
);
INSERT INTO objects (id, object_type, version, created_at, updated_at, archived_at, property_values)
SELECT id, '0-5', version, created_at, updated_at, archived_at, property_values FROM tickets;
DROP TABLE tickets;
-- Lists page through one type's live (or archived) records in id order.
CREATE INDEX objects_live ON objects (object_type, id) WHERE archived_at IS NULL;
CREATE INDEX objects_archived ON objects (object_type, id) WHERE archived_at IS NOT NULL;

-- Property history: one row per write to a record.
ALTER TABLE ticket_writes RENAME TO object_writes;
ALTER TABLE object_writes RENAME COLUMN ticket_id TO object_id;

-- Values of unique properties, unique per object type and property.
CREATE TABLE unique_values_of_types (
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (object_type, property, value)
) WITHOUT ROWID;
INSERT INTO unique_values_of_types (object_type, property, value, object_id)
SELECT '0-5', property, value, ticket_id FROM unique_values;
DROP TABLE unique_values;
ALTER TABLE unique_values_of_types RENAME TO unique_values;

-- Custom properties and property groups, per object type.
CREATE TABLE custom_properties_of_types (
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (object_type, name)
);
INSERT INTO custom_properties_of_types (object_type, name, definition)
SELECT '0-5', name, definition FROM custom_properties;
DROP TABLE custom_properties;
ALTER TABLE custom_properties_of_types RENAME TO custom_properties;

CREATE TABLE property_groups_of_types (
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (object_type, name)
);
INSERT INTO property_groups_of_types (object_type, name, label, display_order, archived_at)
SELECT '0-5', name, label, display_order, archived_at FROM property_groups;
DROP TABLE property_groups;
ALTER TABLE property_groups_of_types RENAME TO property_groups;

-- Pipelines and their stages, per object type. A stage's metadata is HubSpot's metadata
-- object as one JSON object of strings (tickets: {"ticketState":"OPEN"}); stage ids are
-- unique within their object type.
CREATE TABLE pipelines_of_types (
    object_type TEXT NOT NULL,
    id TEXT NOT NULL,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (object_type, id)
);
INSERT INTO pipelines_of_types
    (object_type, id, label, display_order, created_at, updated_at, archived_at)
SELECT '0-5', id, label, display_order, created_at, updated_at, archived_at FROM pipelines;
DROP TABLE pipelines;
ALTER TABLE pipelines_of_types RENAME TO pipelines;

CREATE TABLE pipeline_stages_of_types (
    object_type TEXT NOT NULL,
    id TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (object_type, id)
);
INSERT INTO pipeline_stages_of_types
    (object_type, id, pipeline_id, label, display_order, metadata, created_at, updated_at,
     archived_at)
SELECT '0-5', id, pipeline_id, label, display_order,
       '{"ticketState":"' || ticket_state || '"}', created_at, updated_at, archived_at
FROM pipeline_stages;
DROP TABLE pipeline_stages;
ALTER TABLE pipeline_stages_of_types RENAME TO pipeline_stages;
CREATE INDEX pipeline_stages_of_pipeline ON pipeline_stages (object_type, pipeline_id);

-- The audit of pipeline changes, per object type. Its snapshots are pipelines as Spoke
-- encodes them: a stage's ticket_state (OPEN or CLOSED) becomes its metadata.
CREATE TABLE pipeline_audits_of_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    stage_id TEXT,
    action TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    snapshot TEXT NOT NULL
);
INSERT INTO pipeline_audits_of_types
    (seq, object_type, pipeline_id, stage_id, action, timestamp, snapshot)
SELECT seq, '0-5', pipeline_id, stage_id, action, timestamp,
       replace(replace(snapshot,
           '"ticket_state":"OPEN"', '"metadata":{"ticketState":"OPEN"}'),
           '"ticket_state":"CLOSED"', '"metadata":{"ticketState":"CLOSED"}')
FROM pipeline_audits;
DROP TABLE pipeline_audits;
ALTER TABLE pipeline_audits_of_types RENAME TO pipeline_audits;
CREATE INDEX pipeline_audits_of_pipeline ON pipeline_audits (object_type, pipeline_id, seq);
CREATE INDEX pipeline_audits_of_stage ON pipeline_audits (object_type, stage_id, seq);

-- Records merged into another record (of the same type).
DROP INDEX merged_tickets_primary;
ALTER TABLE merged_tickets RENAME TO merged_objects;
CREATE INDEX merged_objects_primary ON merged_objects (primary_id);

-- The search index and its kept counts, per object type.
CREATE TABLE search_text_of_types (
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (object_type, property, value, object_id)
) WITHOUT ROWID;
INSERT INTO search_text_of_types (object_type, property, value, object_id)
SELECT '0-5', property, value, ticket_id FROM search_text;
DROP TABLE search_text;
ALTER TABLE search_text_of_types RENAME TO search_text;

CREATE TABLE search_numbers_of_types (
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value REAL NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (object_type, property, value, object_id)
) WITHOUT ROWID;
INSERT INTO search_numbers_of_types (object_type, property, value, object_id)
SELECT '0-5', property, value, ticket_id FROM search_numbers;
DROP TABLE search_numbers;
ALTER TABLE search_numbers_of_types RENAME TO search_numbers;

CREATE TABLE search_counts_of_types (
    object_type TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (object_type, property, value)
) WITHOUT ROWID;
INSERT INTO search_counts_of_types (object_type, property, value, n)
SELECT '0-5', property, value, n FROM search_counts;
DROP TABLE search_counts;
ALTER TABLE search_counts_of_types RENAME TO search_counts;
