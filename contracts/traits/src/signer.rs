//! Test devices (tests and the `testing` feature only): a secp256k1 key made from a seed
//! that signs payload hashes the way a device in the field would, for the contracts'
//! unit tests and the sandbox tests.

use crate::anchoring::{DeviceKey, DeviceSignature};
use crate::Hash;
use secp256k1::{Message, Secp256k1, SecretKey};

/// A device's key pair.
pub struct DeviceSigner {
    secret: SecretKey,
}

impl DeviceSigner {
    /// The device numbered `seed` (any non-zero byte gives a valid key).
    pub fn from_seed(seed: u8) -> Self {
        let mut bytes = [0x11u8; 32];
        bytes[31] = seed;
        Self::from_seed_bytes(bytes)
    }

    /// The device whose key is made from 32 seed bytes (hashed into a valid scalar), for
    /// callers that need a new device on every run.
    pub fn from_seed_bytes(seed: [u8; 32]) -> Self {
        let mut bytes = seed;
        loop {
            if let Ok(secret) = SecretKey::from_slice(&bytes) {
                return Self { secret };
            }
            bytes = crate::anchoring::leaf_hash(&crate::Hash::from(bytes)).into();
        }
    }

    /// Its compressed public key, as registered on chain.
    pub fn key(&self) -> DeviceKey {
        self.secret.public_key(&Secp256k1::new()).serialize()
    }

    /// Its signature `r ‖ s ‖ v` over `hash`.
    pub fn sign(&self, hash: &Hash) -> DeviceSignature {
        let mut digest = [0u8; 32];
        digest.copy_from_slice(hash.as_ref());
        let message = Message::from_digest(digest);
        let (id, compact) = Secp256k1::new()
            .sign_ecdsa_recoverable(&message, &self.secret)
            .serialize_compact();
        let mut signature = [0u8; 65];
        signature[..64].copy_from_slice(&compact);
        signature[64] = u8::try_from(id.to_i32()).expect("recovery ids are 0..=3");
        signature
    }
}

/// The proof of possession a registrant offers for a device key (model-based tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// Signed now by the device for the registrant and the scope.
    Held,
    /// The device's signature for another registrant (seen on its way to them).
    ForAnother,
    /// Signed by another device's key: the registrant saw this key but holds another.
    OtherKey,
    /// Signed for another scope (model or trial).
    OtherScope,
    /// Signed by the device, more than the registration window before now.
    Stale,
}

impl Proof {
    /// The `issued_at` and signature offered to register device `seed` by `registrant`
    /// in `scope` at `now` (`other_seed`: another device, `other`: another registrant),
    /// `hash` being the contract's `registration_hash`.
    #[allow(clippy::too_many_arguments)]
    pub fn offer(
        self,
        seed: u8,
        other_seed: u8,
        registrant: crate::AccountId,
        other: crate::AccountId,
        scope: u32,
        now: crate::Timestamp,
        hash: impl FnOnce(crate::anchoring::Registration) -> Hash,
    ) -> (crate::Timestamp, DeviceSignature) {
        let mut registration = crate::anchoring::Registration {
            registrant,
            key: DeviceSigner::from_seed(seed).key(),
            scope,
            issued_at: now,
        };
        let mut signer = DeviceSigner::from_seed(seed);
        match self {
            Proof::Held => {}
            Proof::ForAnother => registration.registrant = other,
            Proof::OtherKey => signer = DeviceSigner::from_seed(other_seed),
            Proof::OtherScope => registration.scope = scope.wrapping_add(1),
            Proof::Stale => {
                registration.issued_at = now - crate::anchoring::REGISTRATION_WINDOW - 1
            }
        }
        (registration.issued_at, signer.sign(&hash(registration)))
    }
}
