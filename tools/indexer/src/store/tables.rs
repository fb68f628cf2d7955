//! Every table of the store, for `dump`: its primary-key order and its columns.

use super::Result;
use sqlx::any::AnyRow;
use sqlx::Row;

/// How a column is read back for a dump.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Int,
    Text,
    Bytes,
}

pub(super) type Columns = &'static [(&'static str, Kind)];

/// Every table with its primary-key order and columns.
pub(super) const TABLES: &[(&str, &str, Columns)] = {
    use Kind::*;
    &[
        ("meta", "key", &[("key", Text), ("value", Text)]),
        (
            "cursor",
            "id",
            &[
                ("block", Int),
                ("hash", Bytes),
                ("timestamp_ms", Int),
                ("events", Int),
                ("events_not_read", Int),
            ],
        ),
        (
            "blocks",
            "number",
            &[
                ("number", Int),
                ("hash", Bytes),
                ("timestamp_ms", Int),
                ("event_count", Int),
            ],
        ),
        (
            "events",
            "block, idx",
            &[
                ("block", Int),
                ("idx", Int),
                ("extrinsic", Int),
                ("contract", Text),
                ("address", Bytes),
                ("name", Text),
                ("json", Text),
                ("raw", Bytes),
                ("error", Text),
            ],
        ),
        (
            "event_topics",
            "block, idx, pos",
            &[("block", Int), ("idx", Int), ("pos", Int), ("topic", Bytes)],
        ),
        (
            "plans",
            "plan",
            &[("plan", Int), ("payer", Text), ("block", Int)],
        ),
        (
            "claims",
            "claim",
            &[
                ("claim", Int),
                ("plan", Int),
                ("payer", Text),
                ("provider", Text),
                ("member", Text),
                ("reference", Text),
                ("status", Text),
                ("denial", Text),
                ("payer_amount", Text),
                ("member_amount", Text),
                ("lines", Text),
                ("appeal_evidence", Text),
                ("replaced_by", Int),
                ("voided_by", Text),
                ("submitted_block", Int),
                ("submitted_ms", Int),
                ("updated_block", Int),
                ("updated_ms", Int),
            ],
        ),
        (
            "batches",
            "batch",
            &[
                ("batch", Int),
                ("manufacturer", Text),
                ("gtin", Text),
                ("lot", Text),
                ("expiry_ms", Int),
                ("history_len", Int),
            ],
        ),
        (
            "shipments",
            "shipment",
            &[
                ("shipment", Int),
                ("batch", Int),
                ("sender", Text),
                ("receiver", Text),
                ("quantity", Int),
                ("is_return", Int),
            ],
        ),
        (
            "custody",
            "block, idx, sub",
            &[
                ("block", Int),
                ("idx", Int),
                ("sub", Int),
                ("batch", Int),
                ("seq", Int),
                ("kind", Text),
                ("actor", Text),
                ("counterparty", Text),
                ("quantity", Int),
                ("reference", Int),
                ("evidence", Text),
                ("at_ms", Int),
            ],
        ),
        (
            "audit_events",
            "block, idx",
            &[
                ("block", Int),
                ("idx", Int),
                ("patient", Text),
                ("kind", Text),
                ("actor", Text),
                ("purpose", Text),
                ("record", Int),
                ("grant_id", Int),
                ("log_index", Int),
                ("reason", Int),
                ("expires_ms", Int),
                ("at_ms", Int),
            ],
        ),
        (
            "consents",
            "consent",
            &[
                ("consent", Int),
                ("patient", Text),
                ("grantee", Text),
                ("kind", Text),
                ("purposes", Int),
                ("categories", Int),
                ("valid_from_ms", Int),
                ("valid_until_ms", Int),
                ("recorded_by", Text),
                ("delegation", Int),
                ("recorded_block", Int),
                ("recorded_ms", Int),
                ("revoked_by", Text),
                ("revoked_ms", Int),
            ],
        ),
        (
            "delegation_terms",
            "patient, delegate, term",
            &[
                ("patient", Text),
                ("delegate", Text),
                ("term", Int),
                ("relationship", Text),
                ("from_ms", Int),
                ("until_ms", Int),
            ],
        ),
    ]
};

pub(super) fn column(row: &AnyRow, i: usize, kind: Kind) -> Result<serde_json::Value> {
    Ok(match kind {
        Kind::Int => serde_json::json!(row.try_get::<Option<i64>, _>(i)?),
        Kind::Text => serde_json::json!(row.try_get::<Option<String>, _>(i)?),
        Kind::Bytes => serde_json::json!(row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map(|bytes| crate::block::hex(&bytes))),
    })
}
