-- Tickets: one row per ticket; current values as one JSON object of strings.
-- version counts the writes to the ticket (1 after its creation).
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER,
    property_values TEXT NOT NULL
);

-- Property history: one row per write to a ticket, holding the values it set
-- (a JSON object of strings, "" for a cleared value). Kept forever.
CREATE TABLE ticket_writes (
    ticket_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    source_type TEXT NOT NULL,
    source_id TEXT,
    property_values TEXT NOT NULL,
    PRIMARY KEY (ticket_id, version)
) WITHOUT ROWID;

-- Values of unique properties; the primary key is what enforces uniqueness.
CREATE TABLE unique_values (
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    PRIMARY KEY (property, value)
) WITHOUT ROWID;

CREATE TABLE custom_properties (
    name TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);

-- Bumped on every change of custom_properties, so workers know to reload them.
CREATE TABLE definitions_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version INTEGER NOT NULL
);
INSERT INTO definitions_version (singleton, version) VALUES (1, 0);

-- Apps own tokens; their ids are what writes record as sourceId.
-- 1000000 is the app that demo data is written as.
CREATE TABLE apps (
    id INTEGER PRIMARY KEY AUTOINCREMENT
);
INSERT INTO apps (id) VALUES (1000000);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    app_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
