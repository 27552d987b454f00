-- depends: 0002.archived-tickets-index
-- The search index (spoke/store/search.py): one row per value of every live ticket,
-- so that a search reads index ranges instead of every ticket. Keys are computed by
-- the domain: numbers, dates and datetimes as numbers, other values lowercased.
CREATE TABLE search_text (
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    PRIMARY KEY (property, value, ticket_id)
) WITHOUT ROWID;

CREATE TABLE search_numbers (
    property TEXT NOT NULL,
    value REAL NOT NULL,
    ticket_id INTEGER NOT NULL,
    PRIMARY KEY (property, value, ticket_id)
) WITHOUT ROWID;

-- Whether the index holds every live ticket. A database that already had tickets
-- when this migration ran gets its index built by `spoke migrate` (or `spoke serve`).
CREATE TABLE search_index_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    complete INTEGER NOT NULL
);
INSERT INTO search_index_state (singleton, complete)
SELECT 1, NOT EXISTS (SELECT 1 FROM tickets);
