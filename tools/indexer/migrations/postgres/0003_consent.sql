-- consent_registry: what the FHIR R4 API answers from.
-- Each access-log entry (a record read, a break-glass grant opened: `log_index` is its
-- place in the patient's `access_log`) and each later step of a break-glass grant
-- (acknowledged, closed), one row per event.
CREATE TABLE audit_events (
    block BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    patient TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    purpose TEXT,
    record BIGINT,
    grant_id BIGINT,
    log_index BIGINT,
    reason BIGINT,
    expires_ms BIGINT,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (block, idx)
);
CREATE INDEX audit_by_patient ON audit_events (patient, block, idx);
CREATE INDEX audit_by_patient_time ON audit_events (patient, at_ms, block, idx);
-- Each consent as recorded, and its revocation.
CREATE TABLE consents (
    consent BIGINT PRIMARY KEY,
    patient TEXT NOT NULL,
    grantee TEXT NOT NULL,
    kind TEXT NOT NULL,
    purposes BIGINT NOT NULL,
    categories BIGINT NOT NULL,
    valid_from_ms BIGINT NOT NULL,
    valid_until_ms BIGINT,
    recorded_by TEXT NOT NULL,
    delegation BIGINT,
    recorded_block BIGINT NOT NULL,
    recorded_ms BIGINT NOT NULL,
    revoked_by TEXT,
    revoked_ms BIGINT
);
CREATE INDEX consents_by_patient ON consents (patient, consent);
-- Each delegation term: a delegate's consent is in force only inside its term.
CREATE TABLE delegation_terms (
    patient TEXT NOT NULL,
    delegate TEXT NOT NULL,
    term BIGINT NOT NULL,
    relationship TEXT NOT NULL,
    from_ms BIGINT NOT NULL,
    until_ms BIGINT NOT NULL,
    PRIMARY KEY (patient, delegate, term)
);
