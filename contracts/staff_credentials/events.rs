//! The events of staff_credentials: enough for an indexer to rebuild every credential,
//! its status timeline and the issuer list.

use crate::model::{CredentialId, ReasonCode};
use healthcare_traits::{AccountId, CredentialKind, Hash, KindSet, Timestamp};
use ink::prelude::vec::Vec;

/// An issuer was appointed.
#[ink::event]
pub struct IssuerAdded {
    /// The issuer.
    #[ink(topic)]
    pub issuer: AccountId,
    /// The kinds it may issue.
    pub kinds: KindSet,
}

/// An issuer's allowed kinds changed (narrowed at once, or widened after the governor's
/// delay).
#[ink::event]
pub struct IssuerKindsUpdated {
    /// The issuer.
    #[ink(topic)]
    pub issuer: AccountId,
    /// The kinds it may issue from now on.
    pub kinds: KindSet,
}

/// An issuer was removed; the credentials it issued keep their validity.
#[ink::event]
pub struct IssuerRemoved {
    /// The former issuer.
    #[ink(topic)]
    pub issuer: AccountId,
}

impl CredentialIssued {
    /// The event of `credential`'s issue.
    pub fn of(credential: &crate::model::Credential) -> Self {
        Self {
            id: credential.id,
            subject: credential.subject,
            issuer: credential.issuer,
            kind: credential.kind,
            jurisdiction: credential.jurisdiction,
            specialty: credential.specialty,
            identifier: credential.identifier.clone(),
            valid_from: credential.valid_from,
            valid_until: credential.valid_until,
            evidence_hash: credential.evidence_hash,
            verified_at: credential.verified_at,
        }
    }
}

/// A credential was issued.
#[ink::event]
pub struct CredentialIssued {
    /// Its id.
    #[ink(topic)]
    pub id: CredentialId,
    /// The holder.
    #[ink(topic)]
    pub subject: AccountId,
    /// The issuer.
    #[ink(topic)]
    pub issuer: AccountId,
    /// What it attests.
    pub kind: CredentialKind,
    /// Issuing jurisdiction.
    pub jurisdiction: [u8; 2],
    /// Specialty / taxonomy code.
    pub specialty: Option<[u8; 10]>,
    /// Licence or registration number.
    pub identifier: Vec<u8>,
    /// Start of validity.
    pub valid_from: Timestamp,
    /// End of validity (exclusive).
    pub valid_until: Timestamp,
    /// Hash of the verified source document.
    pub evidence_hash: Hash,
    /// Time of primary-source verification.
    pub verified_at: Timestamp,
}

/// A credential's validity was extended.
#[ink::event]
pub struct CredentialRenewed {
    /// Its id.
    #[ink(topic)]
    pub id: CredentialId,
    /// The holder.
    #[ink(topic)]
    pub subject: AccountId,
    /// The new end of validity.
    pub valid_until: Timestamp,
    /// Hash of the newly verified document.
    pub evidence_hash: Hash,
    /// Time of the new primary-source verification.
    pub verified_at: Timestamp,
}

/// A credential was suspended from `at` on.
#[ink::event]
pub struct CredentialSuspended {
    /// Its id.
    #[ink(topic)]
    pub id: CredentialId,
    /// The holder.
    #[ink(topic)]
    pub subject: AccountId,
    /// The reason code.
    pub reason: ReasonCode,
    /// Block time from which it is suspended.
    pub at: Timestamp,
    /// Who suspended it: its issuer, an issuer of its kind acting as steward, or the governor.
    #[ink(topic)]
    pub by: AccountId,
}

/// A suspended credential was reinstated from `at` on.
#[ink::event]
pub struct CredentialReinstated {
    /// Its id.
    #[ink(topic)]
    pub id: CredentialId,
    /// The holder.
    #[ink(topic)]
    pub subject: AccountId,
    /// Block time from which it is active again.
    pub at: Timestamp,
}

/// A credential was revoked from `at` on, for good.
#[ink::event]
pub struct CredentialRevoked {
    /// Its id.
    #[ink(topic)]
    pub id: CredentialId,
    /// The holder.
    #[ink(topic)]
    pub subject: AccountId,
    /// The reason code.
    pub reason: ReasonCode,
    /// Block time from which it is revoked.
    pub at: Timestamp,
    /// Who revoked it: its issuer, an issuer of its kind acting as steward, or the governor.
    #[ink(topic)]
    pub by: AccountId,
}
