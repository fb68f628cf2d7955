-- The indexer's tables (PostgreSQL). migrations/sqlite/0001_init.sql is the same with BLOB
-- for BYTEA. Integers are BIGINT (u64 values past i64 are refused, not wrapped); balances
-- are decimal TEXT (u128); accounts are SS58 TEXT; decoded events are JSON TEXT.

-- What the database indexes: the suite's fingerprint (contract names and addresses).
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The last block stored: every answer is complete up to it.
CREATE TABLE cursor (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    block BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    timestamp_ms BIGINT NOT NULL
);
-- The blocks that hold suite events.
CREATE TABLE blocks (
    number BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    event_count BIGINT NOT NULL
);
-- Every event of a suite contract: decoded (name, json) or kept raw with the reason.
CREATE TABLE events (
    block BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    extrinsic BIGINT,
    contract TEXT NOT NULL,
    address BYTEA NOT NULL,
    name TEXT,
    json TEXT,
    raw BYTEA NOT NULL,
    error TEXT,
    PRIMARY KEY (block, idx)
);
CREATE INDEX events_by_name ON events (contract, name, block, idx);
CREATE TABLE event_topics (
    block BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    pos BIGINT NOT NULL,
    topic BYTEA NOT NULL,
    PRIMARY KEY (block, idx, pos)
);
CREATE INDEX topics_by_topic ON event_topics (topic, block, idx);

-- claims_adjudication: plans (for the payer) and each claim's latest state.
CREATE TABLE plans (
    plan BIGINT PRIMARY KEY,
    payer TEXT NOT NULL,
    block BIGINT NOT NULL
);
CREATE TABLE claims (
    claim BIGINT PRIMARY KEY,
    plan BIGINT NOT NULL,
    payer TEXT,
    provider TEXT NOT NULL,
    member TEXT NOT NULL,
    reference TEXT,
    status TEXT NOT NULL,
    denial TEXT,
    payer_amount TEXT NOT NULL,
    member_amount TEXT NOT NULL,
    lines TEXT NOT NULL,
    appeal_evidence TEXT,
    replaced_by BIGINT,
    voided_by TEXT,
    submitted_block BIGINT NOT NULL,
    submitted_ms BIGINT NOT NULL,
    updated_block BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX claims_by_payer ON claims (payer, status, updated_ms, claim);
CREATE INDEX claims_by_provider ON claims (provider, status, claim);

-- drug_provenance: batches, shipments and each batch's custody history.
CREATE TABLE batches (
    batch BIGINT PRIMARY KEY,
    manufacturer TEXT NOT NULL,
    gtin TEXT NOT NULL,
    lot TEXT NOT NULL,
    expiry_ms BIGINT NOT NULL,
    history_len BIGINT NOT NULL
);
CREATE TABLE shipments (
    shipment BIGINT PRIMARY KEY,
    batch BIGINT NOT NULL,
    sender TEXT NOT NULL,
    receiver TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    is_return BIGINT NOT NULL
);
CREATE TABLE custody (
    block BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    sub BIGINT NOT NULL,
    batch BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    counterparty TEXT,
    quantity BIGINT NOT NULL,
    reference BIGINT NOT NULL,
    evidence TEXT,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (block, idx, sub)
);
CREATE UNIQUE INDEX custody_by_batch ON custody (batch, seq);
CREATE INDEX custody_by_time ON custody (at_ms, block, idx, sub);
