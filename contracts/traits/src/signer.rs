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
