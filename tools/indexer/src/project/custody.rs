//! `drug_provenance`'s events as rows: batches (GTIN, lot, expiry: what an EPCIS event's
//! class URI needs), shipments (their parties and quantity, which a shipment's closing
//! event does not repeat) and each batch's custody history, in the contract's order
//! (`seq` is the entry's index in the contract's `history`).
//!
//! | event | history entry |
//! |---|---|
//! | `BatchRegistered` | Registered (manufacturer, quantity) |
//! | `Shipped` | Shipped (sender → receiver, quantity, shipment) |
//! | `ShipmentClosed` Received | Received (receiver ← sender, accepted), then Rejected for the units sent back |
//! | `ShipmentClosed` Rejected / Cancelled | Rejected by the receiver / Cancelled by the sender (the shipped quantity) |
//! | `Dispensed`, `Destroyed` | Dispensed, Destroyed (reason) |
//! | `ExcursionClosed` | Excursion (the sensor, the batch's time out of range so far) |
//! | `BatchStateChanged` Quarantined / Active / Recalled / Illegitimate | QuarantinedForExcursion (time out of range) / QuarantineLifted / Recalled (reason) / DeclaredIllegitimate, with the evidence |
//! | `SuspectFlagged` | SuspectFlagged (investigation) |
//! | `VerificationResponded` | VerificationResponded by the batch's manufacturer (1 authentic, 0 not) |
//! | `InvestigationClosed` Cleared | SuspicionCleared (who closed it, the findings) |
//!
//! The contract emits each event when it writes the entry, so the events' order is the
//! history's order.

use super::{boolean, field, int, opt_text, text, Op};
use serde_json::Value as Json;

/// A batch as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// The batch.
    pub batch: i64,
    /// Its manufacturer (SS58).
    pub manufacturer: String,
    /// Its GTIN-14 (digits).
    pub gtin: String,
    /// Its lot (`0x…` of its bytes).
    pub lot: String,
    /// Its expiry (ms).
    pub expiry_ms: i64,
}

/// A shipment as opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentRow {
    /// The shipment.
    pub shipment: i64,
    /// Its batch.
    pub batch: i64,
    /// Who shipped (SS58).
    pub sender: String,
    /// Who is to receive (SS58).
    pub receiver: String,
    /// Units shipped.
    pub quantity: i64,
    /// A return to the sender's supplier.
    pub is_return: bool,
}

/// One entry of a batch's custody history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The `EventKind` variant.
    pub kind: &'static str,
    /// Who did it (SS58).
    pub actor: String,
    /// The other party.
    pub counterparty: Option<String>,
    /// Units concerned (0 if none).
    pub quantity: i64,
    /// Shipment, reason code, investigation or excursion milliseconds, by kind.
    pub reference: i64,
    /// The evidence hash (`0x…`).
    pub evidence: Option<String>,
}

/// Every custody kind the projection writes (the contract's `EventKind` names).
pub const KINDS: &[&str] = &[
    "Registered",
    "Shipped",
    "Received",
    "Rejected",
    "Dispensed",
    "Destroyed",
    "Excursion",
    "QuarantinedForExcursion",
    "Recalled",
    "Cancelled",
    "QuarantineLifted",
    "SuspectFlagged",
    "VerificationResponded",
    "DeclaredIllegitimate",
    "SuspicionCleared",
];

/// The kind named `name`, if it is one.
pub fn kind_name(name: &str) -> Option<&'static str> {
    KINDS.iter().copied().find(|kind| *kind == name)
}

impl Step {
    fn new(kind: &'static str, actor: String) -> Self {
        Self {
            kind,
            actor,
            counterparty: None,
            quantity: 0,
            reference: 0,
            evidence: None,
        }
    }
}

/// History entries of an event, some of whose fields come from earlier events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Entries known in full.
    Steps {
        /// The batch.
        batch: i64,
        /// Its entries, in order.
        steps: Vec<Step>,
    },
    /// A shipment closed: its parties and quantity are the shipment's.
    Closed {
        /// The shipment.
        shipment: i64,
        /// `Received`, `Rejected` or `Cancelled`.
        state: String,
        /// Units accepted.
        accepted: i64,
    },
    /// A manufacturer's answer to a verification request (the event does not name the
    /// manufacturer: the batch's registration does).
    Verified {
        /// The batch.
        batch: i64,
        /// The entry, its actor to be filled in.
        step: Step,
    },
}

impl Pending {
    /// The shipment whose row [`Pending::resolve`] needs, if any.
    pub fn shipment(&self) -> Option<i64> {
        match self {
            Pending::Closed { shipment, .. } => Some(*shipment),
            _ => None,
        }
    }

    /// The batch whose manufacturer [`Pending::resolve`] needs, if any.
    pub fn manufacturer_of(&self) -> Option<i64> {
        match self {
            Pending::Verified { batch, .. } => Some(*batch),
            _ => None,
        }
    }

    /// The batch the entries belong to and the entries, given the shipment and the
    /// batch's manufacturer where they are needed; `None` when what they need is not
    /// stored (a shipment or batch from before the indexer's first block).
    pub fn resolve(
        self,
        shipment: Option<&ShipmentRow>,
        manufacturer: Option<&str>,
    ) -> Option<(i64, Vec<Step>)> {
        match self {
            Pending::Steps { batch, steps } => Some((batch, steps)),
            Pending::Closed {
                state, accepted, ..
            } => {
                let shipment = shipment?;
                let by_receiver = |kind, quantity| Step {
                    counterparty: Some(shipment.sender.clone()),
                    quantity,
                    reference: shipment.shipment,
                    ..Step::new(kind, shipment.receiver.clone())
                };
                let steps = match state.as_str() {
                    "Received" => {
                        let mut steps = vec![by_receiver("Received", accepted)];
                        let returned = shipment.quantity.saturating_sub(accepted);
                        if returned > 0 {
                            steps.push(by_receiver("Rejected", returned));
                        }
                        steps
                    }
                    "Rejected" => vec![by_receiver("Rejected", shipment.quantity)],
                    "Cancelled" => vec![Step {
                        counterparty: Some(shipment.receiver.clone()),
                        quantity: shipment.quantity,
                        reference: shipment.shipment,
                        ..Step::new("Cancelled", shipment.sender.clone())
                    }],
                    _ => return None,
                };
                Some((shipment.batch, steps))
            }
            Pending::Verified { batch, step } => Some((
                batch,
                vec![Step {
                    actor: manufacturer?.to_string(),
                    ..step
                }],
            )),
        }
    }
}

/// A GTIN rendered as `0x…` bytes, as its ASCII digits.
fn gtin(fields: &Json) -> Result<String, String> {
    let hex = text(fields, "gtin")?;
    let bytes = crate::block::unhex(&hex)
        .ok()
        .filter(|bytes| bytes.len() == 14 && bytes.iter().all(u8::is_ascii_digit))
        .ok_or_else(|| format!("field gtin is not 14 digits: {hex}"))?;
    Ok(bytes.into_iter().map(char::from).collect())
}

/// One entry of `batch`.
fn one(batch: i64, step: Step) -> Vec<Op> {
    vec![Op::Custody(Pending::Steps {
        batch,
        steps: vec![step],
    })]
}

/// The rows `drug_provenance`'s event `name` with `fields` changes.
pub fn project(name: &str, fields: &Json) -> Result<Vec<Op>, String> {
    let batch = || int(fields, "batch");
    Ok(match name {
        "BatchRegistered" => {
            let manufacturer = text(fields, "manufacturer")?;
            vec![
                Op::Batch(BatchRow {
                    batch: batch()?,
                    manufacturer: manufacturer.clone(),
                    gtin: gtin(fields)?,
                    lot: text(fields, "lot")?,
                    expiry_ms: int(fields, "expiry")?,
                }),
                Op::Custody(Pending::Steps {
                    batch: batch()?,
                    steps: vec![Step {
                        quantity: int(fields, "quantity")?,
                        ..Step::new("Registered", manufacturer)
                    }],
                }),
            ]
        }
        "Shipped" => {
            let row = ShipmentRow {
                shipment: int(fields, "shipment")?,
                batch: batch()?,
                sender: text(fields, "from")?,
                receiver: text(fields, "to")?,
                quantity: int(fields, "quantity")?,
                is_return: boolean(fields, "is_return")?,
            };
            let step = Step {
                counterparty: Some(row.receiver.clone()),
                quantity: row.quantity,
                reference: row.shipment,
                ..Step::new("Shipped", row.sender.clone())
            };
            let batch = row.batch;
            let mut ops = vec![Op::Shipment(row)];
            ops.extend(one(batch, step));
            ops
        }
        "ShipmentClosed" => {
            let state = text(fields, "state")?;
            if !["Received", "Rejected", "Cancelled"].contains(&state.as_str()) {
                return Err(format!("a shipment closed as {state}"));
            }
            vec![Op::Custody(Pending::Closed {
                shipment: int(fields, "shipment")?,
                state,
                accepted: int(fields, "accepted")?,
            })]
        }
        "Dispensed" => one(
            batch()?,
            Step {
                quantity: int(fields, "quantity")?,
                ..Step::new("Dispensed", text(fields, "pharmacy")?)
            },
        ),
        "Destroyed" => one(
            batch()?,
            Step {
                quantity: int(fields, "quantity")?,
                reference: int(fields, "reason")?,
                ..Step::new("Destroyed", text(fields, "holder")?)
            },
        ),
        "BatchStateChanged" => {
            let by = text(fields, "by")?;
            let evidence = opt_text(fields, "evidence")?;
            let step = match text(fields, "state")?.as_str() {
                "Active" => Step {
                    evidence,
                    ..Step::new("QuarantineLifted", by)
                },
                "Recalled" => Step {
                    reference: int(fields, "reason")?,
                    ..Step::new("Recalled", by)
                },
                "Illegitimate" => Step {
                    evidence,
                    ..Step::new("DeclaredIllegitimate", by)
                },
                "Quarantined" => Step {
                    reference: int(fields, "excursion_ms")?,
                    ..Step::new("QuarantinedForExcursion", by)
                },
                other => return Err(format!("unknown batch state {other}")),
            };
            one(batch()?, step)
        }
        "SuspectFlagged" => one(
            batch()?,
            Step {
                reference: int(fields, "investigation")?,
                ..Step::new("SuspectFlagged", text(fields, "holder")?)
            },
        ),
        "VerificationResponded" => vec![Op::Custody(Pending::Verified {
            batch: batch()?,
            step: Step {
                reference: i64::from(boolean(fields, "authentic")?),
                evidence: Some(text(fields, "evidence")?),
                ..Step::new("VerificationResponded", String::new())
            },
        })],
        "ExcursionClosed" => one(
            batch()?,
            Step {
                reference: int(fields, "excursion_ms")?,
                ..Step::new("Excursion", text(fields, "sensor")?)
            },
        ),
        // An investigation closed as illegitimate writes its entry with the state change.
        "InvestigationClosed" if field(fields, "outcome")? == "Cleared" => one(
            batch()?,
            Step {
                evidence: Some(text(fields, "evidence")?),
                ..Step::new("SuspicionCleared", text(fields, "by")?)
            },
        ),
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shipment(quantity: i64) -> ShipmentRow {
        ShipmentRow {
            shipment: 4,
            batch: 2,
            sender: "5S".into(),
            receiver: "5R".into(),
            quantity,
            is_return: false,
        }
    }

    #[test]
    fn a_partial_receipt_is_a_receipt_then_a_rejection_of_the_rest() {
        let closed = Pending::Closed {
            shipment: 4,
            state: "Received".into(),
            accepted: 30,
        };
        let (batch, steps) = closed.resolve(Some(&shipment(50)), None).expect("resolved");
        assert_eq!(batch, 2);
        let kinds: Vec<_> = steps
            .iter()
            .map(|s| (s.kind, s.actor.as_str(), s.quantity))
            .collect();
        assert_eq!(kinds, vec![("Received", "5R", 30), ("Rejected", "5R", 20)]);
        assert!(steps
            .iter()
            .all(|s| s.counterparty.as_deref() == Some("5S") && s.reference == 4));
    }

    #[test]
    fn a_cancellation_is_the_senders_with_the_receiver_as_counterparty() {
        let closed = Pending::Closed {
            shipment: 4,
            state: "Cancelled".into(),
            accepted: 0,
        };
        let (_, steps) = closed.resolve(Some(&shipment(50)), None).expect("resolved");
        assert_eq!(steps.len(), 1);
        assert_eq!(
            (
                steps[0].kind,
                steps[0].actor.as_str(),
                steps[0].counterparty.as_deref()
            ),
            ("Cancelled", "5S", Some("5R"))
        );
        assert_eq!(steps[0].quantity, 50);
    }

    #[test]
    fn a_closing_without_its_shipment_or_an_answer_without_its_batch_is_not_projected() {
        let closed = Pending::Closed {
            shipment: 4,
            state: "Rejected".into(),
            accepted: 0,
        };
        assert_eq!(closed.resolve(None, None), None);
        let verified = Pending::Verified {
            batch: 2,
            step: Step::new("VerificationResponded", String::new()),
        };
        assert_eq!(verified.clone().resolve(None, None), None);
        let (_, steps) = verified.resolve(None, Some("5M")).expect("resolved");
        assert_eq!(steps[0].actor, "5M");
    }

    #[test]
    fn a_registration_gives_the_batch_row_and_its_first_entry() {
        let fields = json!({
            "batch": 2, "manufacturer": "5M",
            "gtin": "0x3030333431323334353637383930", "lot": "0x4c4f5431",
            "expiry": 1_800_000_000_000u64, "quantity": 100,
        });
        let ops = project("BatchRegistered", &fields).expect("projected");
        assert_eq!(
            ops[0],
            Op::Batch(BatchRow {
                batch: 2,
                manufacturer: "5M".into(),
                gtin: "00341234567890".into(),
                lot: "0x4c4f5431".into(),
                expiry_ms: 1_800_000_000_000,
            })
        );
        assert!(
            matches!(&ops[1], Op::Custody(Pending::Steps { batch: 2, steps }) if steps[0].quantity == 100)
        );
        let bad = json!({"batch": 2, "manufacturer": "5M", "gtin": "0x41", "lot": "0x", "expiry": 1, "quantity": 1});
        assert!(project("BatchRegistered", &bad)
            .unwrap_err()
            .contains("gtin"));
    }

    fn steps(ops: Vec<Op>) -> Vec<Step> {
        match &ops[..] {
            [Op::Custody(Pending::Steps { batch: 2, steps })] => steps.clone(),
            other => panic!("not one entry of batch 2: {other:?}"),
        }
    }

    #[test]
    fn cold_chain_entries_carry_the_time_out_of_range() {
        let quarantine = json!({"batch": 2, "state": "Quarantined", "by": "5X", "reason": 0,
            "evidence": null, "excursion_ms": 2_400_000});
        let step = &steps(project("BatchStateChanged", &quarantine).expect("projected"))[0];
        assert_eq!(
            (step.kind, step.actor.as_str(), step.reference),
            ("QuarantinedForExcursion", "5X", 2_400_000)
        );
        let closed = json!({"batch": 2, "sensor": "5S", "excursion_ms": 2000});
        let step = &steps(project("ExcursionClosed", &closed).expect("projected"))[0];
        assert_eq!(
            (step.kind, step.actor.as_str(), step.reference),
            ("Excursion", "5S", 2000)
        );
    }

    #[test]
    fn a_cleared_suspicion_is_the_closers_and_an_illegitimate_one_writes_no_entry_of_its_own() {
        let cleared = json!({"investigation": 1, "batch": 2, "outcome": "Cleared", "evidence": "0x0f", "by": "5R"});
        let step = &steps(project("InvestigationClosed", &cleared).expect("projected"))[0];
        assert_eq!(
            (step.kind, step.actor.as_str(), step.evidence.as_deref()),
            ("SuspicionCleared", "5R", Some("0x0f"))
        );
        let illegitimate = json!({"investigation": 1, "batch": 2, "outcome": "Illegitimate", "evidence": "0x00", "by": "5R"});
        assert_eq!(project("InvestigationClosed", &illegitimate), Ok(vec![]));
    }
}
