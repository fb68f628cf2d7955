-- Indexes for the read API's filters.
-- GET /v1/events filtered by contract, or by event name alone: each read newest first
-- from its own index (events_by_name serves a contract and a name together; without
-- these a filter walked the primary key backwards past every other contract's events).
CREATE INDEX events_by_contract ON events (contract, block, idx);
CREATE INDEX events_by_event_name ON events (name, block, idx);
-- Lots are `0x` and lower-case hex, compared byte-wise whatever the cluster's locale: a
-- lot prefix of MATCH_epcClass is a range of batches_by_class.
ALTER TABLE batches ALTER COLUMN lot TYPE TEXT COLLATE "C";
-- A payer's claims of each status in claim order (GET /v1/claims reads each status asked
-- as its own range and merges them; by (payer, status, updated_ms) it had to sort them).
CREATE INDEX claims_by_payer_claim ON claims (payer, status, claim);
-- EPCIS EQ_bizStep with a time window: the kinds' entries in the window only (by kind
-- in chain order, every entry of the kind before the window was read and dropped).
CREATE INDEX custody_by_kind_time ON custody (kind, at_ms, block, idx, sub);
