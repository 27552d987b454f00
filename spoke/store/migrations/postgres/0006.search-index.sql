-- depends: 0002.archived-tickets-index
-- The search index (spoke/store/search.py): one row per value of every live ticket,
-- so that a search reads index ranges instead of every ticket. Keys are computed by
-- the domain: numbers, dates and datetimes as numbers, other values lowercased.
-- Text compares by code point ("C"), as on SQLite, whatever the database's locale.
CREATE TABLE search_text (
    property TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    ticket_id BIGINT NOT NULL,
    PRIMARY KEY (property, value, ticket_id)
);

CREATE TABLE search_numbers (
    property TEXT COLLATE "C" NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    ticket_id BIGINT NOT NULL,
    PRIMARY KEY (property, value, ticket_id)
);

-- Whether the index holds every live ticket. A database that already had tickets
-- when this migration ran gets its index built by `spoke migrate` (or `spoke serve`).
CREATE TABLE search_index_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    complete BOOLEAN NOT NULL
);
INSERT INTO search_index_state (singleton, complete)
SELECT 1, NOT EXISTS (SELECT 1 FROM tickets);
