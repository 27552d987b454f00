-- depends: 0003.property-groups 0004.pipelines 0005.merged-tickets 0007.search-counts
-- The same tables, with the same meaning, as migrations/sqlite/0008.object-types.sql:
-- every object type in one set of tables, each row that belongs to an object type naming
-- it by HubSpot's type id ('0-5' for tickets; every row of a database made before this
-- migration was a ticket's). Record ids stay unique across types (one sequence). The
-- standard property groups and pipelines of every object type are written by
-- `spoke migrate` from Spoke's code, when missing (spoke/store/default_definitions.py).
-- Tables are altered in place (a constant default fills the new columns without
-- rewriting the table), then the default is dropped: every write names the type.

-- Records of every object type.
ALTER TABLE tickets RENAME TO objects;
ALTER INDEX tickets_pkey RENAME TO objects_pkey;
ALTER TABLE objects ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE objects ALTER COLUMN object_type DROP DEFAULT;
ALTER SEQUENCE ticket_ids RENAME TO object_ids;
DROP INDEX tickets_archived;
-- Lists page through one type's live (or archived) records in id order.
CREATE INDEX objects_live ON objects (object_type, id) WHERE archived_at IS NULL;
CREATE INDEX objects_archived ON objects (object_type, id) WHERE archived_at IS NOT NULL;

-- Property history: one row per write to a record.
ALTER TABLE ticket_writes RENAME TO object_writes;
ALTER INDEX ticket_writes_pkey RENAME TO object_writes_pkey;
ALTER TABLE object_writes RENAME COLUMN ticket_id TO object_id;

-- Values of unique properties, unique per object type and property.
ALTER TABLE unique_values ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE unique_values ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE unique_values RENAME COLUMN ticket_id TO object_id;
ALTER TABLE unique_values DROP CONSTRAINT unique_values_pkey,
    ADD PRIMARY KEY (object_type, property, value);

-- Custom properties and property groups, per object type.
ALTER TABLE custom_properties ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE custom_properties ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE custom_properties DROP CONSTRAINT custom_properties_pkey,
    ADD PRIMARY KEY (object_type, name);

ALTER TABLE property_groups ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE property_groups ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE property_groups DROP CONSTRAINT property_groups_pkey,
    ADD PRIMARY KEY (object_type, name);

-- Pipelines and their stages, per object type. A stage's metadata is HubSpot's metadata
-- object as one JSON object of strings (tickets: {"ticketState":"OPEN"}), kept as text;
-- stage ids are unique within their object type.
ALTER TABLE pipelines ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE pipelines ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE pipelines DROP CONSTRAINT pipelines_pkey, ADD PRIMARY KEY (object_type, id);

ALTER TABLE pipeline_stages ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE pipeline_stages ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE pipeline_stages ADD COLUMN metadata TEXT;
UPDATE pipeline_stages SET metadata = '{"ticketState":"' || ticket_state || '"}';
ALTER TABLE pipeline_stages ALTER COLUMN metadata SET NOT NULL;
ALTER TABLE pipeline_stages DROP COLUMN ticket_state;
ALTER TABLE pipeline_stages DROP CONSTRAINT pipeline_stages_pkey, ADD PRIMARY KEY (object_type, id);
DROP INDEX pipeline_stages_of_pipeline;
CREATE INDEX pipeline_stages_of_pipeline ON pipeline_stages (object_type, pipeline_id);

-- The audit of pipeline changes, per object type. Its snapshots are pipelines as Spoke
-- encodes them: a stage's ticket_state (OPEN or CLOSED) becomes its metadata.
ALTER TABLE pipeline_audits ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE pipeline_audits ALTER COLUMN object_type DROP DEFAULT;
UPDATE pipeline_audits SET snapshot = replace(replace(snapshot,
    '"ticket_state":"OPEN"', '"metadata":{"ticketState":"OPEN"}'),
    '"ticket_state":"CLOSED"', '"metadata":{"ticketState":"CLOSED"}');
DROP INDEX pipeline_audits_of_pipeline;
DROP INDEX pipeline_audits_of_stage;
CREATE INDEX pipeline_audits_of_pipeline ON pipeline_audits (object_type, pipeline_id, seq);
CREATE INDEX pipeline_audits_of_stage ON pipeline_audits (object_type, stage_id, seq);

-- Records merged into another record (of the same type).
ALTER TABLE merged_tickets RENAME TO merged_objects;
ALTER INDEX merged_tickets_pkey RENAME TO merged_objects_pkey;
ALTER INDEX merged_tickets_primary RENAME TO merged_objects_primary;

-- The search index and its kept counts, per object type.
ALTER TABLE search_text ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE search_text ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE search_text RENAME COLUMN ticket_id TO object_id;
ALTER TABLE search_text DROP CONSTRAINT search_text_pkey,
    ADD PRIMARY KEY (object_type, property, value, object_id);

ALTER TABLE search_numbers ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE search_numbers ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE search_numbers RENAME COLUMN ticket_id TO object_id;
ALTER TABLE search_numbers DROP CONSTRAINT search_numbers_pkey,
    ADD PRIMARY KEY (object_type, property, value, object_id);

ALTER TABLE search_counts ADD COLUMN object_type TEXT COLLATE "C" NOT NULL DEFAULT '0-5';
ALTER TABLE search_counts ALTER COLUMN object_type DROP DEFAULT;
ALTER TABLE search_counts DROP CONSTRAINT search_counts_pkey,
    ADD PRIMARY KEY (object_type, property, value);
