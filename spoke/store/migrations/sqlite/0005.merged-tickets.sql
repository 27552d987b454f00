-- depends: 0002.archived-tickets-index
-- Tickets merged into another (POST .../tickets/merge). The merged-away ticket's row is
-- deleted from tickets (its history moves to the primary); its id stays here, pointing
-- at the ticket it lives on in. When that ticket is merged in turn, every id pointing
-- at it is pointed at the new primary, so one lookup always reaches a live row.
CREATE TABLE merged_tickets (
    merged_id INTEGER PRIMARY KEY,
    primary_id INTEGER NOT NULL
) WITHOUT ROWID;

-- Pointing the ids merged into a ticket at a new primary finds them by primary_id.
CREATE INDEX merged_tickets_primary ON merged_tickets (primary_id);
