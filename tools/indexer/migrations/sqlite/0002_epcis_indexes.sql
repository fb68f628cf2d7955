-- The EPCIS query's indexes: a batch by its class (GTIN + lot), a batch's custody in
-- chain order, and custody by kind (EQ_bizStep), each ending in the query's page key.
CREATE INDEX batches_by_class ON batches (gtin, lot);
CREATE INDEX custody_by_batch_key ON custody (batch, block, idx, sub);
CREATE INDEX custody_by_kind ON custody (kind, block, idx, sub);
