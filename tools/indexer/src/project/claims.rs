//! `claims_adjudication`'s events as rows: the plans (whose payer a claim's row carries)
//! and each claim's latest state. Every change of a claim's status but an appeal emits a
//! full `ClaimAdjudicated` snapshot (submission, review, appeal decision, settlement, a
//! void's `Voided`), so the last snapshot is the claim; `ClaimAppealed` moves it to
//! `UnderAppeal` and `ClaimVoided` names who voided it and its replacement.

use super::{field, int, opt_int, opt_text, text, Op};
use serde_json::Value as Json;

/// A claim's state as its latest `ClaimAdjudicated` event gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSnapshot {
    /// The claim.
    pub claim: i64,
    /// Its plan.
    pub plan: i64,
    /// Its rendering provider (SS58).
    pub provider: String,
    /// The member (SS58).
    pub member: String,
    /// The submitter's reference (`0x…`), when the event carries it (the submission's:
    /// later snapshots leave the stored one).
    pub reference: Option<String>,
    /// Its status (`Paid`, `PendingReview`, …).
    pub status: String,
    /// The claim-level denial reason, as JSON (`"Code"` or `null`).
    pub denial: Option<String>,
    /// The payer's share (decimal).
    pub payer_amount: String,
    /// The member's share (decimal).
    pub member_amount: String,
    /// The line results, as JSON.
    pub lines: String,
}

/// The rows `claims_adjudication`'s event `name` with `fields` changes.
pub fn project(name: &str, fields: &Json) -> Result<Vec<Op>, String> {
    Ok(match name {
        "PlanCreated" => vec![Op::Plan {
            plan: int(fields, "plan")?,
            payer: text(fields, "payer")?,
        }],
        "ClaimAdjudicated" => vec![Op::Claim(ClaimSnapshot {
            claim: int(fields, "claim")?,
            plan: int(fields, "plan")?,
            provider: text(fields, "provider")?,
            member: text(fields, "member")?,
            reference: opt_text(fields, "reference")?,
            status: status(fields)?,
            denial: match field(fields, "denial")? {
                Json::Null => None,
                denial => Some(denial.to_string()),
            },
            payer_amount: text(fields, "payer_amount")?,
            member_amount: text(fields, "member_amount")?,
            lines: field(fields, "lines")?.to_string(),
        })],
        "ClaimAppealed" => vec![Op::ClaimAppealed {
            claim: int(fields, "claim")?,
            evidence: text(fields, "evidence")?,
        }],
        "ClaimVoided" => vec![Op::ClaimVoided {
            claim: int(fields, "claim")?,
            replaced_by: opt_int(fields, "replaced_by")?,
            by: text(fields, "by")?,
        }],
        _ => Vec::new(),
    })
}

/// A claim status is a unit variant, rendered as its name.
fn status(fields: &Json) -> Result<String, String> {
    text(fields, "status")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_claim_snapshot_keeps_every_field_the_api_serves() {
        let fields = json!({
            "claim": 7, "plan": 1, "provider": "5P", "member": "5M",
            "reference": "0x01", "status": "PendingReview", "denial": null,
            "payer_amount": "100", "member_amount": "20",
            "lines": [{"allowed": "120"}],
        });
        let ops = project("ClaimAdjudicated", &fields).expect("projected");
        assert_eq!(
            ops,
            vec![Op::Claim(ClaimSnapshot {
                claim: 7,
                plan: 1,
                provider: "5P".into(),
                member: "5M".into(),
                reference: Some("0x01".into()),
                status: "PendingReview".into(),
                denial: None,
                payer_amount: "100".into(),
                member_amount: "20".into(),
                lines: r#"[{"allowed":"120"}]"#.into(),
            })]
        );
    }

    #[test]
    fn a_denial_is_kept_as_json() {
        let fields = json!({
            "claim": 7, "plan": 1, "provider": "5P", "member": "5M",
            "reference": null, "status": "Denied", "denial": "NotCovered",
            "payer_amount": "0", "member_amount": "0", "lines": [],
        });
        let ops = project("ClaimAdjudicated", &fields).expect("projected");
        let Some(Op::Claim(snapshot)) = ops.first() else {
            panic!("no snapshot: {ops:?}")
        };
        assert_eq!(snapshot.denial.as_deref(), Some("\"NotCovered\""));
        assert_eq!(snapshot.reference, None);
    }

    #[test]
    fn a_snapshot_without_a_field_is_refused_naming_it() {
        let error = project("ClaimAdjudicated", &json!({"claim": 7})).expect_err("refused");
        assert!(error.contains("plan"), "{error}");
    }

    #[test]
    fn appeals_voids_and_plans_are_projected_and_other_events_ignored() {
        assert_eq!(
            project(
                "ClaimAppealed",
                &json!({"claim": 3, "evidence": "0xaa", "reserved": "5"})
            ),
            Ok(vec![Op::ClaimAppealed {
                claim: 3,
                evidence: "0xaa".into()
            }])
        );
        assert_eq!(
            project(
                "ClaimVoided",
                &json!({"claim": 3, "replaced_by": 4, "by": "5P"})
            ),
            Ok(vec![Op::ClaimVoided {
                claim: 3,
                replaced_by: Some(4),
                by: "5P".into()
            }])
        );
        assert_eq!(
            project(
                "PlanCreated",
                &json!({"plan": 2, "payer": "5Y", "terms": {}})
            ),
            Ok(vec![Op::Plan {
                plan: 2,
                payer: "5Y".into()
            }])
        );
        assert_eq!(project("EscrowChanged", &json!({})), Ok(vec![]));
    }
}
