//! `consent_registry`'s events as rows: each patient's access log (a record read, a
//! break-glass grant opened; `log_index` is the entry's place in the contract's
//! `access_log`) and the later steps of a break-glass grant (acknowledged, closed), each
//! consent as recorded and its revocation, and each delegation term (a delegate's
//! consent is in force only inside the term it was recorded under).
//!
//! The events carry no time of their own where the contract uses the block's (an
//! access, a recording, an appointment): the store stamps each row with its block's
//! time, which is the time the contract records.

use super::{int, opt_int, text, Op};
use serde_json::Value as Json;

/// An access-log entry, or a later step of a break-glass grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Whose record.
    pub patient: String,
    /// `Accessed`, `BreakGlassOpened`, `BreakGlassAcknowledged` or `BreakGlassClosed`.
    pub kind: &'static str,
    /// Who acted (SS58): the accessor, the clinician, who acknowledged or closed.
    pub actor: String,
    /// The declared purpose of use (`Treatment`, …), for access-log entries.
    pub purpose: Option<String>,
    /// The record read.
    pub record: Option<i64>,
    /// The break-glass grant.
    pub grant: Option<i64>,
    /// The entry's place in the patient's access log.
    pub log_index: Option<i64>,
    /// The break-glass reason code.
    pub reason: Option<i64>,
    /// When the break-glass grant expires (ms).
    pub expires_ms: Option<i64>,
}

/// The kinds of [`AuditRow`] that are access-log entries.
pub const ACCESS_KINDS: &[&str] = &["Accessed", "BreakGlassOpened"];

/// A consent as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// Its id.
    pub consent: i64,
    /// Whose data (SS58).
    pub patient: String,
    /// Who may (or may not) use it (SS58).
    pub grantee: String,
    /// `Permit` or `Deny`.
    pub kind: String,
    /// The purposes' bits (`PurposeSet`).
    pub purposes: i64,
    /// The data categories' bits (`DataCategories`).
    pub categories: i64,
    /// Start of its period (ms).
    pub valid_from_ms: i64,
    /// End of its period (ms, exclusive), if any.
    pub valid_until_ms: Option<i64>,
    /// The patient or the delegate who recorded it (SS58).
    pub recorded_by: String,
    /// The delegation term it was recorded under.
    pub delegation: Option<i64>,
}

/// A delegation term as appointed (or renewed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRow {
    /// The patient (SS58).
    pub patient: String,
    /// The delegate (SS58).
    pub delegate: String,
    /// The term's serial.
    pub term: i64,
    /// `Guardian`, `Caregiver` or `PowerOfAttorney`.
    pub relationship: String,
    /// When it expires (ms, exclusive).
    pub expires_ms: i64,
}

/// The rows `consent_registry`'s event `name` with `fields` changes.
pub fn project(name: &str, fields: &Json) -> Result<Vec<Op>, String> {
    let audit = |kind: &'static str, actor: &str| -> Result<AuditRow, String> {
        Ok(AuditRow {
            patient: text(fields, "patient")?,
            kind,
            actor: text(fields, actor)?,
            purpose: None,
            record: None,
            grant: None,
            log_index: None,
            reason: None,
            expires_ms: None,
        })
    };
    Ok(match name {
        "RecordAccessed" => vec![Op::Audit(AuditRow {
            purpose: Some(text(fields, "purpose")?),
            record: Some(int(fields, "record")?),
            grant: opt_int(fields, "emergency")?,
            log_index: Some(int(fields, "log_index")?),
            ..audit("Accessed", "accessor")?
        })],
        "BreakGlassOpened" => vec![Op::Audit(AuditRow {
            // The contract logs the opening under emergency treatment.
            purpose: Some("EmergencyTreatment".into()),
            grant: Some(int(fields, "id")?),
            log_index: Some(int(fields, "log_index")?),
            reason: Some(int(fields, "reason")?),
            expires_ms: Some(int(fields, "expires_at")?),
            ..audit("BreakGlassOpened", "clinician")?
        })],
        "BreakGlassAcknowledged" => vec![Op::Audit(AuditRow {
            grant: Some(int(fields, "id")?),
            ..audit("BreakGlassAcknowledged", "by")?
        })],
        "BreakGlassClosed" => vec![Op::Audit(AuditRow {
            grant: Some(int(fields, "id")?),
            ..audit("BreakGlassClosed", "by")?
        })],
        "ConsentRecorded" => vec![Op::Consent(ConsentRow {
            consent: int(fields, "id")?,
            patient: text(fields, "patient")?,
            grantee: text(fields, "grantee")?,
            kind: text(fields, "kind")?,
            purposes: int(fields, "purposes")?,
            categories: int(fields, "categories")?,
            valid_from_ms: int(fields, "valid_from")?,
            valid_until_ms: opt_int(fields, "valid_until")?,
            recorded_by: text(fields, "recorded_by")?,
            delegation: opt_int(fields, "delegation")?,
        })],
        "ConsentRevoked" => vec![Op::ConsentRevoked {
            consent: int(fields, "id")?,
            by: text(fields, "revoked_by")?,
            at_ms: int(fields, "at")?,
        }],
        "DelegateAppointed" => vec![Op::Term(TermRow {
            patient: text(fields, "patient")?,
            delegate: text(fields, "delegate")?,
            term: int(fields, "term")?,
            relationship: text(fields, "relationship")?,
            expires_ms: int(fields, "expires_at")?,
        })],
        "DelegateRemoved" => vec![Op::TermEnded {
            patient: text(fields, "patient")?,
            delegate: text(fields, "delegate")?,
            term: int(fields, "term")?,
            at_ms: int(fields, "at")?,
        }],
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const P: &str = "5Patient";
    const C: &str = "5Clinician";

    fn one(name: &str, fields: Json) -> Op {
        let mut ops = project(name, &fields).expect("projected");
        assert_eq!(ops.len(), 1, "{name}");
        ops.remove(0)
    }

    #[test]
    fn accesses_and_break_glass_openings_are_access_log_entries() {
        let read = one(
            "RecordAccessed",
            json!({"record": 4, "patient": P, "accessor": C, "purpose": "Treatment",
                   "emergency": null, "log_index": 0}),
        );
        let Op::Audit(read) = read else {
            panic!("an audit row")
        };
        assert_eq!(
            (read.kind, read.actor.as_str(), read.purpose.as_deref()),
            ("Accessed", C, Some("Treatment"))
        );
        assert_eq!(
            (read.record, read.grant, read.log_index),
            (Some(4), None, Some(0))
        );
        let opened = one(
            "BreakGlassOpened",
            json!({"id": 2, "patient": P, "clinician": C, "reason": 3,
                   "expires_at": 1_000, "log_index": 1}),
        );
        let Op::Audit(opened) = opened else {
            panic!("an audit row")
        };
        assert_eq!(opened.kind, "BreakGlassOpened");
        assert_eq!(opened.purpose.as_deref(), Some("EmergencyTreatment"));
        assert_eq!(
            (
                opened.record,
                opened.grant,
                opened.log_index,
                opened.reason,
                opened.expires_ms
            ),
            (None, Some(2), Some(1), Some(3), Some(1_000))
        );
        assert!(ACCESS_KINDS.contains(&read.kind) && ACCESS_KINDS.contains(&opened.kind));
        for (name, kind) in [
            ("BreakGlassAcknowledged", "BreakGlassAcknowledged"),
            ("BreakGlassClosed", "BreakGlassClosed"),
        ] {
            let Op::Audit(step) = one(name, json!({"id": 2, "patient": P, "by": P, "at": 5}))
            else {
                panic!("an audit row")
            };
            assert_eq!(
                (step.kind, step.actor.as_str(), step.grant),
                (kind, P, Some(2))
            );
            assert_eq!((step.purpose, step.log_index), (None, None));
            assert!(!ACCESS_KINDS.contains(&step.kind));
        }
    }

    #[test]
    fn consents_revocations_and_delegation_terms_are_projected() {
        let recorded = one(
            "ConsentRecorded",
            json!({"id": 7, "patient": P, "grantee": C, "kind": "Permit", "purposes": 5,
                   "categories": 18, "valid_from": 10, "valid_until": null,
                   "recorded_by": "5Delegate", "delegation": 2}),
        );
        assert_eq!(
            recorded,
            Op::Consent(ConsentRow {
                consent: 7,
                patient: P.into(),
                grantee: C.into(),
                kind: "Permit".into(),
                purposes: 5,
                categories: 18,
                valid_from_ms: 10,
                valid_until_ms: None,
                recorded_by: "5Delegate".into(),
                delegation: Some(2),
            })
        );
        assert_eq!(
            one(
                "ConsentRevoked",
                json!({"id": 7, "patient": P, "revoked_by": P, "at": 20})
            ),
            Op::ConsentRevoked {
                consent: 7,
                by: P.into(),
                at_ms: 20
            }
        );
        assert_eq!(
            one(
                "DelegateAppointed",
                json!({"patient": P, "delegate": "5D", "relationship": "Guardian", "term": 2,
                       "expires_at": 99})
            ),
            Op::Term(TermRow {
                patient: P.into(),
                delegate: "5D".into(),
                term: 2,
                relationship: "Guardian".into(),
                expires_ms: 99,
            })
        );
        assert_eq!(
            one(
                "DelegateRemoved",
                json!({"patient": P, "delegate": "5D", "term": 2, "at": 50})
            ),
            Op::TermEnded {
                patient: P.into(),
                delegate: "5D".into(),
                term: 2,
                at_ms: 50
            }
        );
    }

    #[test]
    fn an_event_without_a_field_is_refused_naming_it_and_others_are_ignored() {
        let fields = json!({"record": 1, "patient": P, "purpose": "Treatment",
                            "emergency": null, "log_index": 0});
        let error = project("RecordAccessed", &fields).expect_err("no accessor");
        assert!(error.contains("accessor"), "{error}");
        let error = project("ConsentRecorded", &json!({"id": 1})).expect_err("no patient");
        assert!(error.contains("patient"), "{error}");
        assert_eq!(project("RecordAnchored", &json!({})), Ok(vec![]));
        assert_eq!(project("ConfigChanged", &json!({})), Ok(vec![]));
    }
}
