-- What /v1/status reports, kept beside the cursor and moved in the same transaction as
-- the events it counts (a COUNT over the events table per request grew with the history).
ALTER TABLE cursor ADD COLUMN events BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cursor ADD COLUMN events_not_read BIGINT NOT NULL DEFAULT 0;
UPDATE cursor SET
    events = (SELECT COUNT(*) FROM events),
    events_not_read = (SELECT COUNT(*) FROM events WHERE error IS NOT NULL);
-- The first events not read, which /v1/status lists, without reading the others.
CREATE INDEX events_not_read ON events (block, idx) WHERE error IS NOT NULL;
