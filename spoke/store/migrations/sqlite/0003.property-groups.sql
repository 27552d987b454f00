-- depends: 0002.archived-tickets-index
-- Property groups of tickets (/crm/v3/properties/tickets/groups). archived_at is set when
-- a group is archived (it is then no longer listed); HubSpot's standard ticket group is
-- here from the start. Changes bump definitions_version, like custom property changes.
-- Archived custom properties keep their row in custom_properties: their archived_at is in
-- the stored definition (JSON), so no change to that table is needed.
CREATE TABLE property_groups (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    archived_at INTEGER
);
INSERT INTO property_groups (name, label, display_order) VALUES
    ('ticketinformation', 'Ticket information', 0);
