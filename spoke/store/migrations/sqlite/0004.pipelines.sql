-- depends: 0002.archived-tickets-index
-- Ticket pipelines and their stages (/crm/v3/pipelines/tickets), editable through the API.
-- Deleting a pipeline or a stage archives it (archived_at is set): it leaves every list,
-- and its audit stays readable. Every change also bumps definitions_version, so every
-- worker reloads the pipelines that ticket writes are checked against.
CREATE TABLE pipelines (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER
);

-- Stage ids are unique across pipelines (HubSpot's stage audit path is by stage id alone).
-- ticket_state is the stage's metadata.ticketState: OPEN or CLOSED.
CREATE TABLE pipeline_stages (
    id TEXT PRIMARY KEY,
    pipeline_id TEXT NOT NULL,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    ticket_state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER
);
CREATE INDEX pipeline_stages_of_pipeline ON pipeline_stages (pipeline_id);

-- The last id given to a new pipeline or stage; new ids count up from it, numeric as
-- HubSpot's are.
CREATE TABLE pipeline_ids (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id INTEGER NOT NULL
);
INSERT INTO pipeline_ids (singleton, last_id) VALUES (1, 10000000);

-- What each change did: the pipeline as it was after it (a JSON document), with the stage
-- changed, if the change was to a stage. Read newest first (by seq).
CREATE TABLE pipeline_audits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id TEXT NOT NULL,
    stage_id TEXT,
    action TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE INDEX pipeline_audits_of_pipeline ON pipeline_audits (pipeline_id, seq);
CREATE INDEX pipeline_audits_of_stage ON pipeline_audits (stage_id, seq);

-- HubSpot's default ticket pipeline, as every portal starts with it.
INSERT INTO pipelines (id, label, display_order, created_at, updated_at, archived_at)
VALUES ('0', 'Support Pipeline', 0, 1577836800000, 1577836800000, NULL);
INSERT INTO pipeline_stages
    (id, pipeline_id, label, display_order, ticket_state, created_at, updated_at, archived_at)
VALUES
    ('1', '0', 'New', 0, 'OPEN', 1577836800000, 1577836800000, NULL),
    ('2', '0', 'Waiting on contact', 1, 'OPEN', 1577836800000, 1577836800000, NULL),
    ('3', '0', 'Waiting on us', 2, 'OPEN', 1577836800000, 1577836800000, NULL),
    ('4', '0', 'Closed', 3, 'CLOSED', 1577836800000, 1577836800000, NULL);
