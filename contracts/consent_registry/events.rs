//! The events of consent_registry: enough for an indexer to rebuild every consent, care
//! relationship, delegation, record anchor, access-log entry and break-glass grant.

use crate::model::{CareId, ConsentId, ConsentKind, GrantId, RecordId, Relationship, TermSerial};
use healthcare_traits::{
    AccountId, DataCategories, DataCategory, Hash, Purpose, PurposeSet, Timestamp,
};

impl ConsentRecorded {
    /// The event of `consent`'s recording.
    pub fn of(consent: &crate::model::Consent) -> Self {
        Self {
            id: consent.id,
            patient: consent.patient,
            grantee: consent.grantee,
            kind: consent.kind,
            purposes: consent.purposes,
            categories: consent.categories,
            valid_from: consent.valid_from,
            valid_until: consent.valid_until,
            recorded_by: consent.recorded_by,
            delegation: consent.delegation,
        }
    }
}

/// A consent was recorded.
#[ink::event]
pub struct ConsentRecorded {
    /// Its id.
    #[ink(topic)]
    pub id: ConsentId,
    /// Whose data.
    #[ink(topic)]
    pub patient: AccountId,
    /// The grantee.
    #[ink(topic)]
    pub grantee: AccountId,
    /// Permit or deny.
    pub kind: ConsentKind,
    /// Purposes.
    pub purposes: PurposeSet,
    /// Categories.
    pub categories: DataCategories,
    /// Start.
    pub valid_from: Timestamp,
    /// End (a delegate's consent ends with its delegation's expiry at the latest).
    pub valid_until: Option<Timestamp>,
    /// The patient or delegate who recorded it.
    pub recorded_by: AccountId,
    /// The delegation term it was recorded under, for a delegate.
    pub delegation: Option<TermSerial>,
}

/// A consent was revoked from `at` on.
#[ink::event]
pub struct ConsentRevoked {
    /// Its id.
    #[ink(topic)]
    pub id: ConsentId,
    /// Whose data.
    #[ink(topic)]
    pub patient: AccountId,
    /// The patient or delegate who revoked it.
    pub revoked_by: AccountId,
    /// Block time of the revocation.
    pub at: Timestamp,
}

/// The patient (or a delegate) named a provider as a care provider from `from` on.
#[ink::event]
pub struct CareRelationshipStarted {
    /// Its id.
    #[ink(topic)]
    pub id: CareId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The provider.
    #[ink(topic)]
    pub provider: AccountId,
    /// First moment of care.
    pub from: Timestamp,
    /// The patient or delegate who named the provider.
    pub recorded_by: AccountId,
    /// The delegation term it was recorded under, for a delegate.
    pub delegation: Option<TermSerial>,
}

/// A care relationship ended at `at`.
#[ink::event]
pub struct CareRelationshipEnded {
    /// Its id.
    #[ink(topic)]
    pub id: CareId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The provider.
    #[ink(topic)]
    pub provider: AccountId,
    /// Who ended it.
    pub ended_by: AccountId,
    /// Block time it ended.
    pub at: Timestamp,
}

/// A delegate was appointed (a new term) or its live term's expiry changed.
#[ink::event]
pub struct DelegateAppointed {
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The delegate.
    #[ink(topic)]
    pub delegate: AccountId,
    /// Relationship.
    pub relationship: Relationship,
    /// The term.
    pub term: TermSerial,
    /// End of the delegation.
    pub expires_at: Timestamp,
}

/// A delegate was removed: the consents and relationships it recorded end now.
#[ink::event]
pub struct DelegateRemoved {
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The former delegate.
    #[ink(topic)]
    pub delegate: AccountId,
    /// The term that ended.
    pub term: TermSerial,
    /// Block time it ended.
    pub at: Timestamp,
}

/// A record was anchored.
#[ink::event]
pub struct RecordAnchored {
    /// Its id.
    #[ink(topic)]
    pub id: RecordId,
    /// Whose record.
    #[ink(topic)]
    pub patient: AccountId,
    /// Who anchored it.
    #[ink(topic)]
    pub anchored_by: AccountId,
    /// Category.
    pub category: DataCategory,
    /// Content hash.
    pub content_hash: Hash,
    /// Locator hash.
    pub locator_hash: Hash,
}

/// A record anchor was removed from state (its access entries stay).
#[ink::event]
pub struct RecordRemoved {
    /// Its id.
    #[ink(topic)]
    pub id: RecordId,
    /// Whose record.
    #[ink(topic)]
    pub patient: AccountId,
}

/// A record was accessed (one entry of the patient's access log).
#[ink::event]
pub struct RecordAccessed {
    /// The record.
    #[ink(topic)]
    pub record: RecordId,
    /// Whose record.
    #[ink(topic)]
    pub patient: AccountId,
    /// Who accessed it.
    #[ink(topic)]
    pub accessor: AccountId,
    /// Declared purpose.
    pub purpose: Purpose,
    /// The break-glass grant used, if any.
    pub emergency: Option<GrantId>,
    /// Index of the entry in the patient's access log.
    pub log_index: u32,
}

/// A clinician opened break-glass access.
#[ink::event]
pub struct BreakGlassOpened {
    /// The grant.
    #[ink(topic)]
    pub id: GrantId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The clinician.
    #[ink(topic)]
    pub clinician: AccountId,
    /// Reason code.
    pub reason: u16,
    /// End of the grant.
    pub expires_at: Timestamp,
    /// Index of the entry in the patient's access log.
    pub log_index: u32,
}

/// The patient (or a guardian) acknowledged a break-glass grant.
#[ink::event]
pub struct BreakGlassAcknowledged {
    /// The grant.
    #[ink(topic)]
    pub id: GrantId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The patient or the guardian who acknowledged it.
    pub by: AccountId,
}

/// The patient (or a delegate) closed a live break-glass grant early.
#[ink::event]
pub struct BreakGlassClosed {
    /// The grant.
    #[ink(topic)]
    pub id: GrantId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// Who closed it.
    pub by: AccountId,
    /// Block time it closed.
    pub at: Timestamp,
}

/// The governor changed the break-glass settings.
#[ink::event]
pub struct ConfigChanged {
    /// The new break-glass window.
    pub break_glass_window: Timestamp,
    /// The new rate limit.
    pub max_per_window: u32,
    /// The new rate-limit window.
    pub rate_window: Timestamp,
}
