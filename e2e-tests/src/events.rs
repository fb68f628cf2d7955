//! Contract events decoded with the contracts' metadata (what an indexer or a dApp does),
//! not with the contracts' Rust types: every event a sandbox call emits is decoded here,
//! and a call fails its test when the metadata does not describe the event exactly (an
//! unknown signature topic, fields that do not consume the data, or a topic that is not
//! the encoding of its `#[ink(topic)]` field).
//!
//! The decoding and the text are `suite-events`' (what the indexer uses too): the metadata
//! is read by `contract-transcode` (cargo-contract's own loader), each field decoded by
//! `scale-value` with the metadata's type registry and rendered as a short text (`ShipmentClosed { shipment: 1, batch: 1, state: Received, accepted: 30 }`), with
//! the sandbox's accounts named `@1` … `@10`, the guardian `@guardian` and each deployed
//! contract `@<its name>`; byte strings are `b"…"` when printable, `[0x05; 32]` when one
//! byte repeated, else `0x…`.
//!
//! [`EventCheck`] is the table a sandbox test keeps: each call's events compared with the
//! texts expected, and at the end every event type of a contract's metadata checked at
//! least once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};
use suite_events::ContractEvents;

/// One contract event, decoded with its contract's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedEvent {
    /// The emitting contract's name (its metadata's).
    pub contract: String,
    /// The event's label in the metadata.
    pub label: String,
    /// The event rendered: `Label { field: value, … }`.
    pub text: String,
}

/// The events of contract `name`, from its metadata (`<bundle dir>/<name>/<name>.json`),
/// loaded once per process.
pub fn metadata(name: &str) -> &'static ContractEvents {
    static LOADED: OnceLock<Mutex<HashMap<String, &'static ContractEvents>>> = OnceLock::new();
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    loaded.entry(name.to_string()).or_insert_with(|| {
        let path = crate::bundle_dir().join(name).join(format!("{name}.json"));
        let events = ContractEvents::load(name, &path).unwrap_or_else(|e| {
            panic!("{e}. Build the contracts first: scripts/build-contracts.sh")
        });
        Box::leak(Box::new(events))
    })
}

/// The labels of every event type in contract `name`'s metadata.
pub fn event_labels(name: &str) -> BTreeSet<String> {
    metadata(name).labels()
}

/// Decodes an event `contract` (named `name` in the metadata) emitted with `topics` and
/// `data`; `account_name` names the accounts it knows.
pub fn decode_event(
    name: &str,
    topics: &[[u8; 32]],
    data: &[u8],
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> Result<DecodedEvent, String> {
    let events = metadata(name);
    let decoded = events
        .decode(topics, data)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(DecodedEvent {
        contract: decoded.contract.clone(),
        label: decoded.label.clone(),
        text: suite_events::text(&decoded, events.registry(), account_name),
    })
}

/// What a sandbox test checked of the events: every decoded event compared with its
/// expected text, and at the end every event type of a contract's metadata checked.
#[derive(Default)]
pub struct EventCheck {
    checked: BTreeMap<String, BTreeSet<String>>,
}

impl EventCheck {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asserts that `decoded` (a call's events, in order) reads `expected`, and notes
    /// each event type as checked.
    #[track_caller]
    pub fn expect<S: AsRef<str>>(&mut self, decoded: &[DecodedEvent], expected: &[S]) {
        let texts: Vec<&str> = decoded.iter().map(|e| e.text.as_str()).collect();
        let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
        assert_eq!(
            texts, expected,
            "the call's events, decoded with the metadata"
        );
        for e in decoded {
            self.checked
                .entry(e.contract.clone())
                .or_default()
                .insert(e.label.clone());
        }
    }

    /// Asserts that every event type of contract `name`'s metadata was checked.
    #[track_caller]
    pub fn assert_all_checked(&self, name: &str) {
        self.assert_all_checked_but(name, &[]);
    }

    /// Asserts that every event type of contract `name`'s metadata but `except` (each
    /// named with the reason in the calling test) was checked.
    #[track_caller]
    pub fn assert_all_checked_but(&self, name: &str, except: &[&str]) {
        let checked = self.checked.get(name).cloned().unwrap_or_default();
        let missing: Vec<String> = event_labels(name)
            .difference(&checked)
            .filter(|label| !except.contains(&label.as_str()))
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{name}: event types never checked: {missing:?}"
        );
    }
}
