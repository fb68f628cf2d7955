//! Contract events decoded with the contracts' metadata (what an indexer or a dApp does),
//! not with the contracts' Rust types: every event a sandbox call emits is decoded here,
//! and a call fails its test when the metadata does not describe the event exactly (an
//! unknown signature topic, fields that do not consume the data, or a topic that is not
//! the encoding of its `#[ink(topic)]` field).
//!
//! The metadata is read by `contract-transcode` (cargo-contract's own loader); each field
//! is decoded by `scale-value` with the metadata's type registry and rendered as a short
//! text (`ShipmentClosed { shipment: 1, batch: 1, state: Received, accepted: 30 }`), with
//! the sandbox's accounts named `@1` … `@10`, the guardian `@guardian` and each deployed
//! contract `@<its name>`; byte strings are `b"…"` when printable, `[0x05; 32]` when one
//! byte repeated, else `0x…`.
//!
//! [`EventCheck`] is the table a sandbox test keeps: each call's events compared with the
//! texts expected, and at the end every event type of a contract's metadata checked at
//! least once.

use contract_transcode::ContractMessageTranscoder;
use scale_info::form::PortableForm;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};
use scale_value::{Composite, Primitive, Value, ValueDef};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

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

/// The metadata of contract `name` (`<bundle dir>/<name>/<name>.json`), loaded once per
/// process.
pub fn metadata(name: &str) -> &'static ContractMessageTranscoder {
    static LOADED: OnceLock<Mutex<HashMap<String, &'static ContractMessageTranscoder>>> =
        OnceLock::new();
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    loaded.entry(name.to_string()).or_insert_with(|| {
        let path = crate::bundle_dir().join(name).join(format!("{name}.json"));
        let transcoder = ContractMessageTranscoder::load(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}. Build the contracts first: scripts/build-contracts.sh",
                path.display()
            )
        });
        Box::leak(Box::new(transcoder))
    })
}

/// The labels of every event type in contract `name`'s metadata.
pub fn event_labels(name: &str) -> BTreeSet<String> {
    metadata(name)
        .metadata()
        .spec()
        .events()
        .iter()
        .map(|e| e.label().to_string())
        .collect()
}

/// The topic ink! 5 gives an `#[ink(topic)]` value encoded as `encoded`: the encoding
/// itself padded with zeros when it fits in 32 bytes, else its BLAKE2-256 hash.
fn topic_of(encoded: &[u8]) -> [u8; 32] {
    let mut topic = [0u8; 32];
    if encoded.len() <= 32 {
        topic[..encoded.len()].copy_from_slice(encoded);
    } else {
        ink::env::hash_bytes::<ink::env::hash::Blake2x256>(encoded, &mut topic);
    }
    topic
}

/// Decodes an event `contract` (named `name` in the metadata) emitted with `topics` and
/// `data`; `account_name` names the accounts it knows.
pub fn decode_event(
    name: &str,
    topics: &[[u8; 32]],
    data: &[u8],
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> Result<DecodedEvent, String> {
    let project = metadata(name).metadata();
    let registry = project.registry();
    let signature = topics
        .first()
        .ok_or_else(|| format!("{name}: an event without a signature topic"))?;
    let spec = project
        .spec()
        .events()
        .iter()
        .find(|e| e.signature_topic().map(|t| t.as_bytes()) == Some(&signature[..]))
        .ok_or_else(|| {
            format!(
                "{name}: no event with signature topic 0x{} in the metadata",
                hex(signature)
            )
        })?;
    let label = spec.label().to_string();
    let mut rest = data;
    let mut fields = Vec::new();
    let mut indexed = 0usize;
    for arg in spec.args() {
        let before = rest;
        let value = scale_value::scale::decode_as_type(&mut rest, &arg.ty().ty().id, registry)
            .map_err(|e| format!("{name}::{label}.{}: {e}", arg.label()))?;
        let encoded = &before[..before.len() - rest.len()];
        if arg.indexed() {
            indexed += 1;
            let topic = topics
                .get(indexed)
                .ok_or_else(|| format!("{name}::{label}.{}: its topic is missing", arg.label()))?;
            // ink! 5 gives an `Option` field the topic of its value, or of `0u8` for
            // `None` (`ink::env::event::TopicsBuilder::push_topic`).
            let is_option = type_of(registry, arg.ty().ty().id)
                .and_then(|t| t.path.segments.last())
                .is_some_and(|s| s == "Option");
            let expected = match encoded {
                [1, value @ ..] if is_option => topic_of(value),
                [0] if is_option => topic_of(&[0]),
                _ => topic_of(encoded),
            };
            if *topic != expected {
                return Err(format!(
                    "{name}::{label}.{}: topic 0x{} is not the field's 0x{}",
                    arg.label(),
                    hex(topic),
                    hex(&expected)
                ));
            }
        }
        fields.push(format!(
            "{}: {}",
            arg.label(),
            render(&value, registry, account_name)
        ));
    }
    if !rest.is_empty() {
        return Err(format!(
            "{name}::{label}: {} bytes left after its fields",
            rest.len()
        ));
    }
    if topics.len() != indexed + 1 {
        return Err(format!(
            "{name}::{label}: {} topics for {indexed} topic fields and the signature",
            topics.len()
        ));
    }
    let text = if fields.is_empty() {
        label.clone()
    } else {
        format!("{label} {{ {} }}", fields.join(", "))
    };
    Ok(DecodedEvent {
        contract: name.to_string(),
        label,
        text,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A byte string: `b"…"` when printable (trailing zeros as `\0`), `[0x05; 32]` when one
/// byte repeated, else `0x…`.
fn render_bytes(bytes: &[u8]) -> String {
    match bytes {
        [] => "[]".into(),
        [first, ..] if bytes.len() > 1 && bytes.iter().all(|b| b == first) => {
            format!("[0x{first:02x}; {}]", bytes.len())
        }
        _ if bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'"') => {
            format!("b\"{}\"", String::from_utf8_lossy(bytes))
        }
        // A short code padded with zeros (a LOINC code, say): `b"8480-6\0\0"`.
        _ if {
            let text = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            text > 0
                && bytes[..text]
                    .iter()
                    .all(|b| (0x20..0x7f).contains(b) && *b != b'"')
                && bytes[text..].iter().all(|b| *b == 0)
        } =>
        {
            let text = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            format!(
                "b\"{}{}\"",
                String::from_utf8_lossy(&bytes[..text]),
                "\\0".repeat(bytes.len() - text)
            )
        }
        _ => format!("0x{}", hex(bytes)),
    }
}

/// The type of `id` in `registry`.
fn type_of(registry: &PortableRegistry, id: u32) -> Option<&scale_info::Type<PortableForm>> {
    registry.resolve(id)
}

/// True when type `id` is `u8`.
fn is_u8(registry: &PortableRegistry, id: u32) -> bool {
    matches!(
        type_of(registry, id).map(|t| &t.type_def),
        Some(TypeDef::Primitive(TypeDefPrimitive::U8))
    )
}

fn render(
    value: &Value<u32>,
    registry: &PortableRegistry,
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> String {
    let ty = type_of(registry, value.context);
    let type_name = ty
        .and_then(|t| t.path.segments.last())
        .cloned()
        .unwrap_or_default();
    let elements_are_bytes = match ty.map(|t| &t.type_def) {
        Some(TypeDef::Sequence(s)) => is_u8(registry, s.type_param.id),
        Some(TypeDef::Array(a)) => is_u8(registry, a.type_param.id),
        _ => false,
    };
    match &value.value {
        ValueDef::Composite(c) if type_name == "AccountId" => {
            let bytes = flatten_bytes(c);
            match <[u8; 32]>::try_from(bytes.as_slice()) {
                Ok(id) => account_name(&id).unwrap_or_else(|| format!("0x{}", hex(&id))),
                Err(_) => render_composite(&type_name, c, registry, account_name),
            }
        }
        ValueDef::Composite(c) if type_name == "Hash" => render_bytes(&flatten_bytes(c)),
        ValueDef::Composite(c) if elements_are_bytes => render_bytes(&flatten_bytes(c)),
        ValueDef::Composite(c)
            if matches!(
                ty.map(|t| &t.type_def),
                Some(TypeDef::Sequence(_) | TypeDef::Array(_))
            ) =>
        {
            let elements: Vec<String> = c
                .values()
                .map(|v| render(v, registry, account_name))
                .collect();
            format!("[{}]", elements.join(", "))
        }
        ValueDef::Composite(c) => {
            let name = match ty.map(|t| &t.type_def) {
                Some(TypeDef::Composite(_)) => type_name.as_str(),
                _ => "",
            };
            render_composite(name, c, registry, account_name)
        }
        ValueDef::Variant(v) if type_name == "Option" => match &v.values {
            Composite::Unnamed(values) if v.name == "Some" && values.len() == 1 => {
                format!("Some({})", render(&values[0], registry, account_name))
            }
            _ => v.name.clone(),
        },
        ValueDef::Variant(v) if v.values.is_empty() => v.name.clone(),
        ValueDef::Variant(v) => render_composite(&v.name, &v.values, registry, account_name),
        ValueDef::Primitive(Primitive::Bool(b)) => b.to_string(),
        ValueDef::Primitive(Primitive::Char(c)) => format!("{c:?}"),
        ValueDef::Primitive(Primitive::String(s)) => format!("{s:?}"),
        ValueDef::Primitive(Primitive::U128(n)) => n.to_string(),
        ValueDef::Primitive(Primitive::I128(n)) => n.to_string(),
        ValueDef::Primitive(p) => format!("{p:?}"),
        ValueDef::BitSequence(b) => format!("{b:?}"),
    }
}

/// Every byte inside `c`: a sequence or array of `u8`, or a composite around one (an
/// account id or hash wraps a `[u8; 32]`).
fn flatten_bytes(c: &Composite<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in c.values() {
        match &v.value {
            ValueDef::Primitive(Primitive::U128(n)) => out.push(u8::try_from(*n).unwrap_or(0)),
            ValueDef::Composite(inner) => out.extend(flatten_bytes(inner)),
            _ => {}
        }
    }
    out
}

fn render_composite(
    name: &str,
    c: &Composite<u32>,
    registry: &PortableRegistry,
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> String {
    match c {
        Composite::Named(fields) => format!(
            "{name} {{ {} }}",
            fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", render(v, registry, account_name)))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .trim_start()
        .to_string(),
        Composite::Unnamed(values) => {
            let inner = values
                .iter()
                .map(|v| render(v, registry, account_name))
                .collect::<Vec<_>>()
                .join(", ");
            match name {
                "" => match values.len() {
                    1 => inner,
                    _ => format!("({inner})"),
                },
                _ => format!("{name}({inner})"),
            }
        }
    }
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
