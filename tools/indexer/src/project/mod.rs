//! Projections: what a decoded event changes in the tables the read APIs query. Each
//! contract's rules are a pure function from the event's name and JSON fields to
//! [`Op`]s (tested without a database); the store applies them inside the block's
//! transaction. A custody step whose parties come from an earlier shipment is resolved by
//! the store from the `shipments` table ([`custody::Pending`]).

pub mod claims;
pub mod consent;
pub mod custody;

use serde_json::Value as Json;

/// One change of the projected tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A plan was created by `payer`.
    Plan {
        /// The plan.
        plan: i64,
        /// Its payer (SS58).
        payer: String,
    },
    /// A claim's latest state.
    Claim(claims::ClaimSnapshot),
    /// A claim was appealed with `evidence`.
    ClaimAppealed {
        /// The claim.
        claim: i64,
        /// The appeal's evidence hash.
        evidence: String,
    },
    /// A claim was voided by `by`, replaced by `replaced_by` if any.
    ClaimVoided {
        /// The claim.
        claim: i64,
        /// Its replacement.
        replaced_by: Option<i64>,
        /// Who voided it (SS58).
        by: String,
    },
    /// A batch was registered.
    Batch(custody::BatchRow),
    /// A shipment was opened.
    Shipment(custody::ShipmentRow),
    /// Custody steps of a batch's history, in order.
    Custody(custody::Pending),
    /// An access-log entry or a later step of a break-glass grant.
    Audit(consent::AuditRow),
    /// A consent was recorded.
    Consent(consent::ConsentRow),
    /// A consent was revoked by `by` at `at_ms`.
    ConsentRevoked {
        /// The consent.
        consent: i64,
        /// Who revoked it (SS58).
        by: String,
        /// When (ms).
        at_ms: i64,
    },
    /// A delegation term was appointed or renewed.
    Term(consent::TermRow),
    /// A delegate was removed: the term ends at `at_ms` at the latest.
    TermEnded {
        /// The patient (SS58).
        patient: String,
        /// The delegate (SS58).
        delegate: String,
        /// The term.
        term: i64,
        /// When (ms).
        at_ms: i64,
    },
}

/// The rows `contract`'s event `name` with `fields` changes (none for events no
/// projection reads).
pub fn project(contract: &str, name: &str, fields: &Json) -> Result<Vec<Op>, String> {
    match contract {
        "claims_adjudication" => claims::project(name, fields),
        "drug_provenance" => custody::project(name, fields),
        "consent_registry" => consent::project(name, fields),
        _ => Ok(Vec::new()),
    }
}

/// The field `name` of an event's JSON.
pub(crate) fn field<'a>(fields: &'a Json, name: &str) -> Result<&'a Json, String> {
    fields
        .get(name)
        .ok_or_else(|| format!("the event has no field {name}"))
}

/// An integer field (ids, quantities, times) that fits the database's BIGINT.
pub(crate) fn int(fields: &Json, name: &str) -> Result<i64, String> {
    let value = field(fields, name)?;
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
        .ok_or_else(|| format!("field {name} is not an integer below 2^63: {value}"))
}

/// An optional integer field.
pub(crate) fn opt_int(fields: &Json, name: &str) -> Result<Option<i64>, String> {
    match field(fields, name)? {
        Json::Null => Ok(None),
        _ => int(fields, name).map(Some),
    }
}

/// A text field (accounts, hashes, balances, unit variants).
pub(crate) fn text(fields: &Json, name: &str) -> Result<String, String> {
    let value = field(fields, name)?;
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("field {name} is not text: {value}"))
}

/// An optional text field.
pub(crate) fn opt_text(fields: &Json, name: &str) -> Result<Option<String>, String> {
    match field(fields, name)? {
        Json::Null => Ok(None),
        _ => text(fields, name).map(Some),
    }
}

/// A boolean field.
pub(crate) fn boolean(fields: &Json, name: &str) -> Result<bool, String> {
    let value = field(fields, name)?;
    value
        .as_bool()
        .ok_or_else(|| format!("field {name} is not a boolean: {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_readers_refuse_what_does_not_fit_naming_the_field() {
        let fields =
            json!({"n": 5, "big": u64::MAX, "s": "x", "wide": "12", "none": null, "b": true});
        assert_eq!(int(&fields, "n"), Ok(5));
        assert_eq!(int(&fields, "wide"), Ok(12));
        assert!(int(&fields, "big").unwrap_err().contains("big"));
        assert!(int(&fields, "missing").unwrap_err().contains("missing"));
        assert_eq!(opt_int(&fields, "none"), Ok(None));
        assert_eq!(text(&fields, "s"), Ok("x".into()));
        assert!(text(&fields, "n").unwrap_err().contains("not text"));
        assert_eq!(opt_text(&fields, "none"), Ok(None));
        assert_eq!(boolean(&fields, "b"), Ok(true));
        assert!(boolean(&fields, "s").is_err());
    }

    #[test]
    fn other_contracts_events_change_no_projection() {
        assert_eq!(
            project("staff_credentials", "CredentialIssued", &json!({})),
            Ok(vec![])
        );
    }
}
