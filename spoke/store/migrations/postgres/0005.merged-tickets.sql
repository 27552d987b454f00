-- depends: 0002.archived-tickets-index
-- The same table, with the same meaning, as migrations/sqlite/0005.merged-tickets.sql.
-- Tickets merged into another (POST .../tickets/merge). The merged-away ticket's row is
-- deleted from tickets (its history moves to the primary); its id stays here, pointing
-- at the ticket it lives on in. When that ticket is merged in turn, every id pointing
-- at it is pointed at the new primary, so one lookup always reaches a live row.
CREATE TABLE merged_tickets (
    merged_id BIGINT PRIMARY KEY,
    primary_id BIGINT NOT NULL
);

-- Pointing the ids merged into a ticket at a new primary finds them by primary_id.
CREATE INDEX merged_tickets_primary ON merged_tickets (primary_id);
