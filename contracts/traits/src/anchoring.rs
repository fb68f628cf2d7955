//! Anchoring off-chain records: Merkle roots with inclusion proofs checked on chain, and
//! the ECDSA signatures of the devices that anchor them. Shared by `clinical_trials` and
//! any later contract that anchors device data, so that there is one definition of the
//! tree and of the signed payload.
//!
//! ## The tree
//! * hash function: **BLAKE2b-256** (`blake2_256`, the chain's own hash; any BLAKE2b
//!   library with a 32-byte digest computes it);
//! * a record enters the tree as the 32-byte hash of its canonical off-chain document
//!   (a case report form, a device reading), called `record` below;
//! * leaf = `blake2_256(0x00 ‖ record)`; inner node = `blake2_256(0x01 ‖ min(a, b) ‖
//!   max(a, b))`, the two children in byte order, so a proof is only the list of sibling
//!   hashes from the leaf up (no left/right flags). The distinct prefixes keep a leaf
//!   from being passed off as an inner node;
//! * a level with an odd number of nodes promotes its last node unchanged (pairing it
//!   with itself would give two different lists of records the same root).
//!
//! [`root_of`] and [`proof_of`] (std only) build roots and proofs for tools and tests;
//! [`verify`] is what a contract runs.
//!
//! ## Device signatures
//! A device holds a secp256k1 key; its compressed public key (33 bytes) is registered on
//! chain. It signs [`payload_hash`]: `blake2_256(SCALE(domain, contract, payload))`,
//! where `domain` names the contract and message (a byte string fixed per contract) and
//! `contract` is the address of the contract instance, so a signature can be replayed
//! neither on another contract nor on another deployment. [`signed_by`] recovers the
//! signer with the chain's `ecdsa_recover` host function (65-byte signature `r ‖ s ‖ v`,
//! `v` in 0..=3 or 27..=30) and compares it with the registered key.
//!
//! ## Device registration: attestation and proof of possession
//! A device key is registered only by whoever holds the device, and only if its maker
//! vouches for it:
//! * **attestation**: the device's maker (a licensed `DeviceManufacturer`) first records
//!   on chain the keys it built into devices of a model (at most
//!   [`MAX_ATTESTED_KEYS`] a call), so that no one can invent a "device" with a key of
//!   their own;
//! * **proof of possession**: the device signs a [`Registration`] naming the account
//!   that registers it, its key, the scope (the model in `remote_monitoring`, the trial
//!   in `clinical_trials`) and the time it signed, under the contract's registration
//!   domain and address ([`possession_proved`]). Someone who only saw the public key
//!   cannot register it first, and a proof made for one registrant, contract or scope
//!   is worthless to another. The proof is fresh: signed at most
//!   [`REGISTRATION_WINDOW`] away from the block time ([`fresh`]); a key is registered
//!   at most once per contract, so a proof never serves twice.

use crate::{AccountId, Hash, Timestamp};
use ink::env::hash::{Blake2x256, CryptoHash};

/// A device's compressed secp256k1 public key.
pub type DeviceKey = [u8; 33];
/// A recoverable ECDSA signature `r ‖ s ‖ v`.
pub type DeviceSignature = [u8; 65];

/// The most keys a maker attests in one call.
pub const MAX_ATTESTED_KEYS: usize = 50;

/// How far (either way, in milliseconds) the time a device signed its registration may
/// lie from the block time: one hour.
pub const REGISTRATION_WINDOW: Timestamp = crate::HOUR;

/// What a device signs at registration to prove it holds its key (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Registration {
    /// The account registering the device (the caller of `register_device`).
    pub registrant: AccountId,
    /// The device's compressed public key.
    pub key: DeviceKey,
    /// What the device is registered under: the model id in `remote_monitoring`, the
    /// trial id in `clinical_trials`.
    pub scope: u32,
    /// When the device signed (milliseconds since the Unix epoch).
    pub issued_at: Timestamp,
}

/// True if a proof signed at `issued_at` is fresh at block time `now`.
pub fn fresh(issued_at: Timestamp, now: Timestamp) -> bool {
    now.abs_diff(issued_at) <= REGISTRATION_WINDOW
}

/// Why a proof of possession was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofError {
    /// Signed more than [`REGISTRATION_WINDOW`] away from the block time.
    Stale,
    /// Not the registration's key's signature over this registration.
    BadSignature,
}

/// `Ok` if `signature` proves, at block time `now`, that the registration's key signed
/// `registration` for the contract at `contract` under `domain` ([`fresh`] and
/// [`possession_proved`]).
pub fn check_possession(
    domain: &[u8],
    contract: &AccountId,
    registration: &Registration,
    signature: &DeviceSignature,
    now: Timestamp,
) -> Result<(), ProofError> {
    if !fresh(registration.issued_at, now) {
        return Err(ProofError::Stale);
    }
    if !possession_proved(domain, contract, registration, signature) {
        return Err(ProofError::BadSignature);
    }
    Ok(())
}

/// True if `signature` is the registration's key's signature over `registration` bound
/// to `domain` and the contract at `contract`.
pub fn possession_proved(
    domain: &[u8],
    contract: &AccountId,
    registration: &Registration,
    signature: &DeviceSignature,
) -> bool {
    signed_by(
        &payload_hash(domain, contract, registration),
        signature,
        &registration.key,
    )
}

/// The longest proof [`verify`] accepts: a tree of 2^32 leaves.
pub const MAX_PROOF_DEPTH: usize = 32;

const LEAF: u8 = 0x00;
const NODE: u8 = 0x01;

fn blake2_256(input: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    Blake2x256::hash(input, &mut out);
    out
}

/// The leaf of `record` (the hash of one off-chain record).
pub fn leaf_hash(record: &Hash) -> Hash {
    let mut input = [0u8; 33];
    input[0] = LEAF;
    input[1..].copy_from_slice(record.as_ref());
    Hash::from(blake2_256(&input))
}

/// The parent of two nodes (order-independent).
pub fn node_hash(a: &Hash, b: &Hash) -> Hash {
    let (low, high) = if a.as_ref() <= b.as_ref() {
        (a, b)
    } else {
        (b, a)
    };
    let mut input = [0u8; 65];
    input[0] = NODE;
    input[1..33].copy_from_slice(low.as_ref());
    input[33..].copy_from_slice(high.as_ref());
    Hash::from(blake2_256(&input))
}

/// True if `proof` (sibling hashes from the leaf up, at most [`MAX_PROOF_DEPTH`]) leads
/// from `record` to `root`.
pub fn verify(root: &Hash, record: &Hash, proof: &[Hash]) -> bool {
    if proof.len() > MAX_PROOF_DEPTH {
        return false;
    }
    let top = proof
        .iter()
        .fold(leaf_hash(record), |node, sibling| node_hash(&node, sibling));
    &top == root
}

/// The hash a device signs for `payload`, bound to the contract at `contract` and to
/// `domain` (see the module docs).
pub fn payload_hash<T: parity_scale_codec::Encode>(
    domain: &[u8],
    contract: &AccountId,
    payload: &T,
) -> Hash {
    let mut out = [0u8; 32];
    ink::env::hash_encoded::<Blake2x256, _>(&(domain, contract, payload), &mut out);
    Hash::from(out)
}

/// True if `signature` over `hash` was made with the key whose compressed public key is
/// `key`. A malformed signature is `false`, never a trap.
pub fn signed_by(hash: &Hash, signature: &DeviceSignature, key: &DeviceKey) -> bool {
    let v = signature[64];
    if !(v <= 3 || (27..=30).contains(&v)) {
        return false;
    }
    let mut digest = [0u8; 32];
    digest.copy_from_slice(hash.as_ref());
    let mut recovered = [0u8; 33];
    ink::env::ecdsa_recover(signature, &digest, &mut recovered).is_ok() && &recovered == key
}

/// The root of the tree over `records`, in order (`None` for no records).
#[cfg(feature = "std")]
pub fn root_of(records: &[Hash]) -> Option<Hash> {
    let mut level: Vec<Hash> = records.iter().map(leaf_hash).collect();
    while level.len() > 1 {
        level = parents(&level);
    }
    level.first().copied()
}

/// The level above `level`: pairs hashed, an odd last node promoted.
#[cfg(feature = "std")]
fn parents(level: &[Hash]) -> Vec<Hash> {
    level
        .chunks(2)
        .filter_map(|pair| match pair {
            [a, b] => Some(node_hash(a, b)),
            [a] => Some(*a),
            _ => None,
        })
        .collect()
}

/// The proof of `records[index]` in the tree over `records` (`None` if out of range).
#[cfg(feature = "std")]
pub fn proof_of(records: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= records.len() {
        return None;
    }
    let mut proof = Vec::new();
    let mut level: Vec<Hash> = records.iter().map(leaf_hash).collect();
    let mut at = index;
    while level.len() > 1 {
        let sibling = at ^ 1;
        if sibling < level.len() {
            proof.push(level[sibling]);
        }
        level = parents(&level);
        at /= 2;
    }
    Some(proof)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: u8) -> Vec<Hash> {
        (0..n).map(|i| Hash::from([i; 32])).collect()
    }

    #[test]
    fn every_record_of_every_tree_size_is_proved_and_nothing_else() {
        for n in 1..=17u8 {
            let records = records(n);
            let root = root_of(&records).expect("non-empty");
            for (i, record) in records.iter().enumerate() {
                let proof = proof_of(&records, i).expect("in range");
                assert!(verify(&root, record, &proof), "n={n} i={i}");
                assert!(!verify(&root, &Hash::from([0xee; 32]), &proof));
                if let Some(first) = proof.first() {
                    let mut tampered = proof.clone();
                    tampered[0] = Hash::from([first.as_ref()[0] ^ 1; 32]);
                    assert!(!verify(&root, record, &tampered));
                }
            }
            assert_eq!(proof_of(&records, n as usize), None);
        }
        assert_eq!(root_of(&[]), None);
    }

    #[test]
    fn a_single_record_is_its_own_leaf_and_a_leaf_is_no_node() {
        let r = Hash::from([7; 32]);
        assert_eq!(root_of(&[r]), Some(leaf_hash(&r)));
        assert!(verify(&leaf_hash(&r), &r, &[]));
        // an inner node presented as a record does not verify against the root
        let two = records(2);
        let root = root_of(&two).expect("two");
        assert!(!verify(&root, &root, &[]));
        assert!(!verify(&root, &leaf_hash(&two[0]), &[leaf_hash(&two[1])]));
    }

    #[test]
    fn proofs_longer_than_the_bound_are_refused() {
        let r = Hash::from([1; 32]);
        let proof = vec![Hash::from([2; 32]); MAX_PROOF_DEPTH + 1];
        let root = proof.iter().fold(leaf_hash(&r), |n, s| node_hash(&n, s));
        assert!(!verify(&root, &r, &proof));
        // A proof of exactly the bound (a tree of 2^32 records) verifies.
        let deepest = &proof[..MAX_PROOF_DEPTH];
        let root = deepest.iter().fold(leaf_hash(&r), |n, s| node_hash(&n, s));
        assert!(verify(&root, &r, deepest));
    }

    #[test]
    fn nodes_hash_the_lower_child_first_as_off_chain_tools_do() {
        // The tree's definition (module docs), written out: blake2-256 of 0x01, the
        // lower of the two child hashes, then the higher; a leaf, of 0x00 and the record.
        let (a, b) = (Hash::from([0x0a; 32]), Hash::from([0xb0; 32]));
        let mut input = vec![0x01];
        input.extend_from_slice(a.as_ref());
        input.extend_from_slice(b.as_ref());
        let want = Hash::from(blake2_256(&input));
        assert_eq!(node_hash(&a, &b), want);
        assert_eq!(node_hash(&b, &a), want);
        let mut leaf = vec![0x00];
        leaf.extend_from_slice(a.as_ref());
        assert_eq!(leaf_hash(&a), Hash::from(blake2_256(&leaf)));
    }

    #[test]
    fn a_device_signature_is_checked_against_the_registered_key() {
        let device = crate::signer::DeviceSigner::from_seed(1);
        let other = crate::signer::DeviceSigner::from_seed(2);
        let contract = AccountId::from([9; 32]);
        let hash = payload_hash(b"test/v1", &contract, &(5u32, Hash::from([4; 32])));
        let signature = device.sign(&hash);
        assert!(signed_by(&hash, &signature, &device.key()));
        assert!(!signed_by(&hash, &signature, &other.key()));
        let elsewhere = payload_hash(
            b"test/v1",
            &AccountId::from([8; 32]),
            &(5u32, Hash::from([4; 32])),
        );
        assert!(!signed_by(&elsewhere, &signature, &device.key()));
        let mut shifted = signature;
        shifted[64] += 27;
        assert!(signed_by(&hash, &shifted, &device.key()), "v may be 27/28");
    }

    /// Device 1's registration for account 1 under scope 3 at 1 000 ms, signed for
    /// contract 9 under domain `reg/v1`.
    fn signed_registration() -> (
        crate::signer::DeviceSigner,
        AccountId,
        Registration,
        DeviceSignature,
    ) {
        let device = crate::signer::DeviceSigner::from_seed(1);
        let contract = AccountId::from([9; 32]);
        let registration = Registration {
            registrant: AccountId::from([1; 32]),
            key: device.key(),
            scope: 3,
            issued_at: 1_000,
        };
        let signature = device.sign(&payload_hash(b"reg/v1", &contract, &registration));
        (device, contract, registration, signature)
    }

    #[test]
    fn a_registration_proof_binds_the_registrant_the_scope_and_the_contract() {
        let (device, contract, registration, signature) = signed_registration();
        assert!(possession_proved(
            b"reg/v1",
            &contract,
            &registration,
            &signature
        ));
        let thief = Registration {
            registrant: AccountId::from([2; 32]),
            ..registration
        };
        assert!(!possession_proved(b"reg/v1", &contract, &thief, &signature));
        let other_scope = Registration {
            scope: 4,
            ..registration
        };
        assert!(!possession_proved(
            b"reg/v1",
            &contract,
            &other_scope,
            &signature
        ));
        let later = Registration {
            issued_at: 1_001,
            ..registration
        };
        assert!(!possession_proved(b"reg/v1", &contract, &later, &signature));
        assert!(!possession_proved(
            b"reg/v2",
            &contract,
            &registration,
            &signature
        ));
        assert!(!possession_proved(
            b"reg/v1",
            &AccountId::from([8; 32]),
            &registration,
            &signature
        ));
        // a key that did not sign: the signature recovers the device's key, not this one
        let impostor = Registration {
            key: crate::signer::DeviceSigner::from_seed(2).key(),
            ..registration
        };
        let stolen = device.sign(&payload_hash(b"reg/v1", &contract, &impostor));
        assert!(!possession_proved(b"reg/v1", &contract, &impostor, &stolen));
    }

    #[test]
    fn a_stale_proof_is_refused_before_its_signature_is_checked() {
        let (_, contract, registration, signature) = signed_registration();
        let check = |signature: &DeviceSignature, now| {
            check_possession(b"reg/v1", &contract, &registration, signature, now)
        };
        assert_eq!(check(&signature, 1_000), Ok(()));
        assert_eq!(
            check(&signature, 1_000 + REGISTRATION_WINDOW + 1),
            Err(ProofError::Stale)
        );
        assert_eq!(check(&[1; 65], 1_000), Err(ProofError::BadSignature));
        assert_eq!(
            check(&[1; 65], 2 * REGISTRATION_WINDOW),
            Err(ProofError::Stale)
        );
    }

    #[test]
    fn a_proof_is_fresh_within_an_hour_either_side_of_the_block_time() {
        let now = 10 * REGISTRATION_WINDOW;
        assert!(fresh(now, now));
        assert!(fresh(now - REGISTRATION_WINDOW, now));
        assert!(fresh(now + REGISTRATION_WINDOW, now));
        assert!(!fresh(now - REGISTRATION_WINDOW - 1, now));
        assert!(!fresh(now + REGISTRATION_WINDOW + 1, now));
        assert!(fresh(0, REGISTRATION_WINDOW));
        assert!(fresh(u64::MAX, u64::MAX - REGISTRATION_WINDOW));
    }

    #[test]
    fn malformed_recovery_ids_are_refused_without_trapping() {
        let mut signature = [1u8; 65];
        signature[64] = 4;
        assert!(!signed_by(&Hash::from([3; 32]), &signature, &[2; 33]));
        signature[64] = 31;
        assert!(!signed_by(&Hash::from([3; 32]), &signature, &[2; 33]));
    }
}
