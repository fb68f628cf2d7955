//! The JSON and text renderings, on types registered from Rust (the decoder itself is
//! exercised on every sandbox call of e2e-tests with the contracts' real metadata).

use super::*;
use ink::primitives::{AccountId, Hash};
use parity_scale_codec::Encode;
use scale_info::TypeInfo;

#[derive(Encode, TypeInfo)]
enum State {
    Received,
    Rejected { reason: u8 },
}

#[derive(Encode, TypeInfo)]
struct Moved {
    by: AccountId,
    amount: u128,
    units: u32,
    lot: Vec<u8>,
    code: [u8; 4],
    evidence: Hash,
    note: Option<u64>,
    absent: Option<u64>,
    state: State,
    later: State,
    flags: (bool, i32),
}

/// `value` encoded, then decoded by scale-value against its registered type.
fn decoded<T: Encode + TypeInfo + 'static>(value: &T) -> (Decoded, PortableRegistry) {
    let mut registry = scale_info::Registry::new();
    let id = registry.register_type(&scale_info::meta_type::<T>()).id;
    let registry: PortableRegistry = registry.into();
    let bytes = value.encode();
    let mut input = &bytes[..];
    let value = scale_value::scale::decode_as_type(&mut input, &id, &registry).expect("decodes");
    assert!(input.is_empty());
    let event = Decoded {
        contract: "test".into(),
        label: "Moved".into(),
        fields: vec![("moved".into(), value)],
    };
    (event, registry)
}

fn sample() -> Moved {
    Moved {
        by: AccountId::from([7; 32]),
        amount: u128::MAX - 1,
        units: 30,
        lot: b"LOT-7".to_vec(),
        code: *b"8048",
        evidence: Hash::from([0xAB; 32]),
        note: Some(9),
        absent: None,
        state: State::Received,
        later: State::Rejected { reason: 3 },
        flags: (true, -4),
    }
}

#[test]
fn json_keeps_balances_exact_and_bytes_readable() {
    let (event, registry) = decoded(&sample());
    let account = |id: &[u8; 32]| format!("acct-{}", id[0]);
    let out = json(&event, &registry, &account);
    assert_eq!(
        out,
        json!({"moved": {
            "by": "acct-7",
            "amount": "340282366920938463463374607431768211454",
            "units": 30,
            "lot": "0x4c4f542d37",
            "code": "0x38303438",
            "evidence": format!("0x{}", "ab".repeat(32)),
            "note": 9,
            "absent": null,
            "state": "Received",
            "later": {"Rejected": {"reason": 3}},
            "flags": [true, -4],
        }})
    );
    // The same event renders the same document (an indexer compares them).
    assert_eq!(
        serde_json::to_string(&out).ok(),
        serde_json::to_string(&json(&event, &registry, &account)).ok()
    );
}

#[test]
fn text_names_known_accounts_and_prints_bytes_as_written() {
    let (event, registry) = decoded(&sample());
    let name = |id: &[u8; 32]| (id[0] == 7).then(|| "@7".to_string());
    assert_eq!(
        text(&event, &registry, &name),
        "Moved { moved: Moved { by: @7, amount: 340282366920938463463374607431768211454, \
         units: 30, lot: b\"LOT-7\", code: b\"8048\", evidence: [0xab; 32], note: Some(9), \
         absent: None, state: Received, later: Rejected { reason: 3 }, flags: (true, -4) } }"
    );
}

#[test]
fn ink_topics_pad_short_encodings_and_hash_long_ones() {
    let short = topic_of(&[1, 2, 3]);
    assert_eq!(&short[..3], &[1, 2, 3]);
    assert!(short[3..].iter().all(|b| *b == 0));
    let long = [5u8; 33];
    let mut hashed = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&long, &mut hashed);
    assert_eq!(topic_of(&long), hashed);
}
