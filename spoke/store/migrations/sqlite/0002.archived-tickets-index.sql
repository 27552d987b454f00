-- depends: 0001.initial
-- Listing archived tickets (GET .../tickets?archived=true) pages through them in id order.
-- Live tickets are paged through the primary key; archived ones are few, so they get a
-- partial index of their own instead of a scan past every live ticket.
CREATE INDEX tickets_archived ON tickets (id) WHERE archived_at IS NOT NULL;
