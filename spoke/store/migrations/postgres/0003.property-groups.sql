-- depends: 0002.archived-tickets-index
-- The same table, with the same meaning, as migrations/sqlite/0003.property-groups.sql:
-- property groups of tickets, archived_at set when a group is archived, HubSpot's standard
-- ticket group there from the start. Archived custom properties keep their row in
-- custom_properties, their archived_at in the stored definition.
CREATE TABLE property_groups (
    name TEXT COLLATE "C" PRIMARY KEY,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    archived_at BIGINT
);
INSERT INTO property_groups (name, label, display_order) VALUES
    ('ticketinformation', 'Ticket information', 0);
