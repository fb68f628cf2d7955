//! # suite-events
//!
//! The suite's contract events decoded with the contracts' metadata (what an indexer or a
//! dApp does), not with the contracts' Rust types. [`ContractEvents::decode`] finds the
//! event by its signature topic, decodes each field with `scale-value` and the metadata's
//! type registry, and fails when the metadata does not describe the event exactly: fields
//! that do not consume the data, a topic that is not the encoding of its `#[ink(topic)]`
//! field (ink! 5's rule: the encoding padded to 32 bytes, else its BLAKE2-256; an
//! `Option` takes its value's topic, or `0u8`'s for `None`), or a topic count that does
//! not match. An event whose first topic is no event's signature is one of the contract's
//! anonymous events (`#[ink::event(anonymous)]`, no signature topic) if exactly one of
//! them has as many topic fields as the event has topics (ink! 5's rule, as dedot and
//! polkadot.js apply it); otherwise its signature is unknown, a separate error
//! ([`DecodeError::UnknownSignature`], [`DecodeError::NoSignature`]): an indexer keeps such
//! an event raw rather than dropping it.
//!
//! A decoded event is rendered as a short text ([`text`]: `ShipmentClosed { shipment: 1,
//! batch: 1, state: Received, accepted: 30 }`, what the sandbox tests compare) or as JSON
//! ([`json`], type-directed: balances as decimal strings, byte strings as `0x…`, accounts
//! as the caller renders them, enums as `"Name"` or `{"Name": …}`), deterministic for the
//! same event.
//!
//! The metadata is read by `contract-transcode`, cargo-contract's own loader.

use contract_transcode::ContractMessageTranscoder;
use scale_info::form::PortableForm;
use scale_info::{PortableRegistry, TypeDef, TypeDefPrimitive};
use scale_value::{Composite, Primitive, Value, ValueDef};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;

/// One contract's events, as its metadata describes them.
pub struct ContractEvents {
    name: String,
    transcoder: ContractMessageTranscoder,
}

/// An event decoded with its contract's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The emitting contract's name.
    pub contract: String,
    /// The event's label in the metadata.
    pub label: String,
    /// Its fields in order, each with its label, decoded against the metadata's types
    /// (each value's context is its type id in [`ContractEvents::registry`]).
    pub fields: Vec<(String, Value<u32>)>,
}

/// Why an event could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// No event of the metadata has this signature topic (an event of another version of
    /// the contract, say): keep it raw.
    UnknownSignature([u8; 32]),
    /// The event has no topic at all and the metadata has no anonymous event without
    /// topic fields.
    NoSignature,
    /// Several anonymous events of the metadata have as many topic fields as the event
    /// has topics: which one it is cannot be told (their labels).
    Ambiguous(Vec<String>),
    /// The metadata names the event but does not describe its data or topics.
    Mismatch(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::UnknownSignature(topic) => write!(
                f,
                "no event with signature topic 0x{} in the metadata",
                hex(topic)
            ),
            DecodeError::NoSignature => write!(
                f,
                "an event without topics, and no anonymous event without topic fields in the metadata"
            ),
            DecodeError::Ambiguous(labels) => write!(
                f,
                "an anonymous event that may be any of {}",
                labels.join(", ")
            ),
            DecodeError::Mismatch(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl ContractEvents {
    /// Contract `name`'s events, from its metadata file (`<name>.json` or `.contract`).
    pub fn load(name: &str, path: &Path) -> Result<Self, String> {
        let transcoder = ContractMessageTranscoder::load(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self {
            name: name.to_string(),
            transcoder,
        })
    }

    /// The contract's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The metadata's type registry (what [`text`] and [`json`] render with).
    pub fn registry(&self) -> &PortableRegistry {
        self.transcoder.metadata().registry()
    }

    /// The metadata as loaded.
    pub fn transcoder(&self) -> &ContractMessageTranscoder {
        &self.transcoder
    }

    /// The labels of every event type in the metadata.
    pub fn labels(&self) -> BTreeSet<String> {
        self.transcoder
            .metadata()
            .spec()
            .events()
            .iter()
            .map(|e| e.label().to_string())
            .collect()
    }

    /// Decodes an event the contract emitted with `topics` and `data` (without a length
    /// prefix).
    pub fn decode(&self, topics: &[[u8; 32]], data: &[u8]) -> Result<Decoded, DecodeError> {
        let name = &self.name;
        let project = self.transcoder.metadata();
        let registry = project.registry();
        let events = project.spec().events();
        let signed = topics.first().and_then(|signature| {
            events
                .iter()
                .find(|e| e.signature_topic().map(|t| t.as_bytes()) == Some(&signature[..]))
        });
        // The topics of the event's fields start after the signature's, or at the first
        // for an anonymous event.
        let (spec, first_field_topic) = match signed {
            Some(spec) => (spec, 1usize),
            None => {
                let anonymous: Vec<_> = events
                    .iter()
                    .filter(|e| {
                        e.signature_topic().is_none()
                            && e.args().iter().filter(|a| a.indexed()).count() == topics.len()
                    })
                    .collect();
                match (anonymous.as_slice(), topics.first()) {
                    ([spec], _) => (*spec, 0),
                    ([], Some(signature)) => return Err(DecodeError::UnknownSignature(*signature)),
                    ([], None) => return Err(DecodeError::NoSignature),
                    (several, _) => {
                        return Err(DecodeError::Ambiguous(
                            several.iter().map(|e| e.label().to_string()).collect(),
                        ))
                    }
                }
            }
        };
        let label = spec.label().to_string();
        let mismatch = |why: String| DecodeError::Mismatch(format!("{name}::{label}{why}"));
        let mut rest = data;
        let mut fields = Vec::new();
        let mut indexed = 0usize;
        for arg in spec.args() {
            let before = rest;
            let value = scale_value::scale::decode_as_type(&mut rest, &arg.ty().ty().id, registry)
                .map_err(|e| mismatch(format!(".{}: {e}", arg.label())))?;
            let encoded = &before[..before.len() - rest.len()];
            if arg.indexed() {
                let topic = topics
                    .get(first_field_topic + indexed)
                    .ok_or_else(|| mismatch(format!(".{}: its topic is missing", arg.label())))?;
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
                    return Err(mismatch(format!(
                        ".{}: topic 0x{} is not the field's 0x{}",
                        arg.label(),
                        hex(topic),
                        hex(&expected)
                    )));
                }
                indexed += 1;
            }
            fields.push((arg.label().to_string(), value));
        }
        if !rest.is_empty() {
            return Err(mismatch(format!(
                ": {} bytes left after its fields",
                rest.len()
            )));
        }
        if topics.len() != first_field_topic + indexed {
            return Err(mismatch(format!(
                ": {} topics for {indexed} topic fields{}",
                topics.len(),
                if first_field_topic == 1 {
                    " and the signature"
                } else {
                    " (anonymous)"
                }
            )));
        }
        Ok(Decoded {
            contract: name.clone(),
            label,
            fields,
        })
    }
}

/// The event as a short text, `Label { field: value, … }`, with the accounts
/// `account_name` knows named (others as `0x…`); byte strings as `b"…"` when printable
/// (trailing zeros as `\0`), `[0x05; 32]` when one byte repeated, else `0x…`.
pub fn text(
    event: &Decoded,
    registry: &PortableRegistry,
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> String {
    if event.fields.is_empty() {
        return event.label.clone();
    }
    let fields: Vec<String> = event
        .fields
        .iter()
        .map(|(label, value)| format!("{label}: {}", render(value, registry, account_name)))
        .collect();
    format!("{} {{ {} }}", event.label, fields.join(", "))
}

/// The event's fields as a JSON object, deterministic and safe for JavaScript: integers
/// up to 64 bits as numbers, wider ones (balances) as decimal strings; accounts as
/// `account` renders them (an SS58 address, say); hashes and byte strings as `0x…`;
/// `Option` as `null` or its value; a unit enum variant as `"Name"`, one with fields as
/// `{"Name": …}`; a struct as an object, a one-field tuple struct as its field.
pub fn json(
    event: &Decoded,
    registry: &PortableRegistry,
    account: &dyn Fn(&[u8; 32]) -> String,
) -> Json {
    let mut object = Map::new();
    for (label, value) in &event.fields {
        object.insert(label.clone(), json_value(value, registry, account));
    }
    Json::Object(object)
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

/// What both renderings need to know of a value's type: its definition, the last
/// segment of its path (`AccountId`, `Hash`, `Option`, ...) and whether it is a string
/// of bytes (a sequence or array of `u8`).
fn shape<'a>(
    value: &Value<u32>,
    registry: &'a PortableRegistry,
) -> (Option<&'a TypeDef<PortableForm>>, String, bool) {
    let ty = type_of(registry, value.context);
    let type_name = ty
        .and_then(|t| t.path.segments.last())
        .cloned()
        .unwrap_or_default();
    let def = ty.map(|t| &t.type_def);
    let bytes = match def {
        Some(TypeDef::Sequence(s)) => is_u8(registry, s.type_param.id),
        Some(TypeDef::Array(a)) => is_u8(registry, a.type_param.id),
        _ => false,
    };
    (def, type_name, bytes)
}

fn render(
    value: &Value<u32>,
    registry: &PortableRegistry,
    account_name: &dyn Fn(&[u8; 32]) -> Option<String>,
) -> String {
    let (def, type_name, elements_are_bytes) = shape(value, registry);
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
        ValueDef::Composite(c) if matches!(def, Some(TypeDef::Sequence(_) | TypeDef::Array(_))) => {
            let elements: Vec<String> = c
                .values()
                .map(|v| render(v, registry, account_name))
                .collect();
            format!("[{}]", elements.join(", "))
        }
        ValueDef::Composite(c) => {
            let name = match def {
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

/// Whether type `id` is an integer wider than 64 bits (rendered as a string in JSON).
fn is_wide(registry: &PortableRegistry, id: u32) -> bool {
    match type_of(registry, id).map(|t| &t.type_def) {
        Some(TypeDef::Primitive(p)) => matches!(
            p,
            TypeDefPrimitive::U128
                | TypeDefPrimitive::I128
                | TypeDefPrimitive::U256
                | TypeDefPrimitive::I256
        ),
        Some(TypeDef::Compact(c)) => is_wide(registry, c.type_param.id),
        _ => false,
    }
}

fn json_value(
    value: &Value<u32>,
    registry: &PortableRegistry,
    account: &dyn Fn(&[u8; 32]) -> String,
) -> Json {
    let (def, type_name, elements_are_bytes) = shape(value, registry);
    match &value.value {
        ValueDef::Composite(c) if type_name == "AccountId" => {
            let bytes = flatten_bytes(c);
            match <[u8; 32]>::try_from(bytes.as_slice()) {
                Ok(id) => Json::String(account(&id)),
                Err(_) => json_composite(c, registry, account),
            }
        }
        ValueDef::Composite(c) if type_name == "Hash" || elements_are_bytes => {
            Json::String(format!("0x{}", hex(&flatten_bytes(c))))
        }
        ValueDef::Composite(c) if matches!(def, Some(TypeDef::Sequence(_) | TypeDef::Array(_))) => {
            Json::Array(
                c.values()
                    .map(|v| json_value(v, registry, account))
                    .collect(),
            )
        }
        ValueDef::Composite(c) => json_composite(c, registry, account),
        ValueDef::Variant(v) if type_name == "Option" => match &v.values {
            Composite::Unnamed(values) if v.name == "Some" && values.len() == 1 => {
                json_value(&values[0], registry, account)
            }
            _ => Json::Null,
        },
        ValueDef::Variant(v) if v.values.is_empty() => Json::String(v.name.clone()),
        ValueDef::Variant(v) => {
            json!({ v.name.clone(): json_composite(&v.values, registry, account) })
        }
        ValueDef::Primitive(Primitive::Bool(b)) => Json::Bool(*b),
        ValueDef::Primitive(Primitive::Char(c)) => Json::String(c.to_string()),
        ValueDef::Primitive(Primitive::String(s)) => Json::String(s.clone()),
        ValueDef::Primitive(Primitive::U128(n)) if !is_wide(registry, value.context) => {
            u64::try_from(*n).map_or_else(|_| Json::String(n.to_string()), Json::from)
        }
        ValueDef::Primitive(Primitive::I128(n)) if !is_wide(registry, value.context) => {
            i64::try_from(*n).map_or_else(|_| Json::String(n.to_string()), Json::from)
        }
        ValueDef::Primitive(Primitive::U128(n)) => Json::String(n.to_string()),
        ValueDef::Primitive(Primitive::I128(n)) => Json::String(n.to_string()),
        ValueDef::Primitive(p) => Json::String(format!("{p:?}")),
        ValueDef::BitSequence(b) => Json::String(format!("{b:?}")),
    }
}

/// A struct as an object, a tuple struct of one field as that field, of several as an
/// array.
fn json_composite(
    c: &Composite<u32>,
    registry: &PortableRegistry,
    account: &dyn Fn(&[u8; 32]) -> String,
) -> Json {
    match c {
        Composite::Named(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json_value(v, registry, account)))
                .collect(),
        ),
        Composite::Unnamed(values) if values.len() == 1 => {
            json_value(&values[0], registry, account)
        }
        Composite::Unnamed(values) => Json::Array(
            values
                .iter()
                .map(|v| json_value(v, registry, account))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests;
