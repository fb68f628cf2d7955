//! # consent_registry
//!
//! Patient consent, record anchors, audited access and break-glass emergency access for
//! the healthcare suite, modelled on FHIR Consent (permit / deny per actor, purpose of
//! use, data category, period). No health data is stored: records are anchored by the
//! hash of their content and the hash of their (encrypted, off-chain) locator.
//!
//! ## Roles
//! * **owner** (the instantiator; two-step transfer): pauses, sets the `staff_credentials`
//!   address, the break-glass window and its rate limit, upgrades the code.
//! * **patient**: any account, for its own consents, delegates, records and log.
//! * **delegate** (guardian, caregiver, ...): appointed by a patient until an expiry; grants
//!   and revokes consents for the patient, but appoints no delegates of its own.
//! * **grantee**: the account a consent names; anchors records (with *treatment* consent
//!   for the category) and accesses them (with consent for the purpose and category).
//! * **clinician**: an account holding a valid medical or nursing licence in
//!   `staff_credentials` (checked by a cross-contract call when it opens break-glass).
//!
//! ## Consent semantics
//! A consent is in force at `t` when `start <= t < end`, where for a **permit**
//! `start = valid_from` (a patient may back-date a permit, e.g. to authorise payment for
//! an earlier visit) and for a **deny** `start = max(valid_from, recorded_at)`; `end` is
//! the earliest of `valid_until` and the revocation time. A deny in force that covers the
//! purpose and category wins over every permit. Revocations and denies never reach back
//! before the moment they were recorded, so an access that was lawful when it was made
//! stays lawful.
//!
//! ## Break-glass
//! A clinician opens emergency access to a patient with a reason code; it lasts the
//! configured window (default 24 h), allows `access_record` with purpose
//! `EmergencyTreatment` to any of the patient's records, is logged in the patient's
//! access log flagged as emergency, and may be acknowledged by the patient. Each clinician
//! may open at most `max_per_window` grants per `rate_window` (default 3 per 24 h).
//!
//! ## Bounds (every message is O(1) or O(its input))
//! * [`MAX_CONSENTS_PER_GRANTEE`] consents per (patient, grantee), all states included:
//!   `has_consent` reads at most that many records.
//! * [`MAX_DELEGATES`] delegates per patient.
//! * Lists (consents, delegates, records, access log) are paged, at most
//!   [`MAX_PAGE_SIZE`] entries a page.
//!
//! ## Failure of the peer
//! If `staff_credentials` is missing, is no contract, traps or answers garbage,
//! `open_break_glass` returns `CredentialContractUnreachable` / `CredentialContractTrapped`
//! and, like every error, reverts: nothing is written.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Consents kept per (patient, grantee), permits and denies, live or ended.
pub const MAX_CONSENTS_PER_GRANTEE: u32 = 16;
/// Delegates per patient.
pub const MAX_DELEGATES: u32 = 8;

#[ink::contract]
pub mod consent_registry {
    use super::{MAX_CONSENTS_PER_GRANTEE, MAX_DELEGATES};
    use healthcare_traits::{
        append_indexed, ensure, page_range, Admin, ConsentVerifier, DataCategories, DataCategory,
        PeerError, Purpose, PurposeSet, DAY, HOUR,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// Id of a consent, from 1.
    pub type ConsentId = u64;
    /// Id of a record anchor, from 1.
    pub type RecordId = u64;
    /// Id of a break-glass grant, from 1.
    pub type GrantId = u64;
    /// The ids of the consents between one patient and one grantee.
    type PairConsents = Vec<ConsentId>;

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is not the owner.
        NotOwner,
        /// The caller is not the proposed next owner.
        NotPendingOwner,
        /// The contract is paused.
        Paused,
        /// `unpause` while not paused.
        NotPaused,
        /// `set_code` with an unknown code hash.
        CodeNotFound,
        /// The caller is neither the patient nor a live delegate of the patient.
        NotPatientOrDelegate,
        /// Only the patient may do this (delegates may not).
        NotPatient,
        /// No consent has this id (or it belongs to another patient).
        UnknownConsent,
        /// No record has this id (or it belongs to another patient, or was removed).
        UnknownRecord,
        /// No break-glass grant has this id (or it concerns another patient).
        UnknownGrant,
        /// The account is not a delegate of the patient.
        UnknownDelegate,
        /// A covering consent existed but is no longer (or not yet) in force.
        ConsentExpired,
        /// A deny in force covers this access.
        ConsentDenied,
        /// No consent covers this access.
        NoConsent,
        /// The consent was already revoked.
        AlreadyRevoked,
        /// The break-glass grant was already acknowledged.
        AlreadyAcknowledged,
        /// The caller holds no valid medical or nursing licence now.
        CredentialCheckFailed,
        /// The staff_credentials address holds no contract answering the query.
        CredentialContractUnreachable,
        /// The staff_credentials contract trapped.
        CredentialContractTrapped,
        /// The clinician opened too many break-glass grants in the current window.
        RateLimited,
        /// `valid_until` / an expiry is not after the start (or already past).
        BadPeriod,
        /// No purpose or no category, or bits naming none.
        BadScope,
        /// The (patient, grantee) pair already has `MAX_CONSENTS_PER_GRANTEE` consents.
        TooManyConsents,
        /// The patient already has `MAX_DELEGATES` delegates.
        TooManyDelegates,
        /// A configuration value out of range.
        BadConfig,
        /// A counter would overflow.
        Overflow,
    }

    healthcare_traits::impl_from_admin_error!(Error);

    impl From<PeerError> for Error {
        fn from(e: PeerError) -> Self {
            match e {
                PeerError::Trapped => Error::CredentialContractTrapped,
                PeerError::Unreachable => Error::CredentialContractUnreachable,
            }
        }
    }

    /// The result type of every fallible message.
    pub type Result<T> = core::result::Result<T, Error>;

    /// Permit or deny (FHIR `provision.type`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum ConsentKind {
        /// Allows the grantee the purposes and categories.
        Permit,
        /// Forbids them; wins over any permit.
        Deny,
    }

    /// A consent as stored.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Consent {
        /// Its id.
        pub id: ConsentId,
        /// Whose data.
        pub patient: AccountId,
        /// Who may (or may not) use it.
        pub grantee: AccountId,
        /// Permit or deny.
        pub kind: ConsentKind,
        /// Purposes of use covered.
        pub purposes: PurposeSet,
        /// Data categories covered.
        pub categories: DataCategories,
        /// Start of the period.
        pub valid_from: Timestamp,
        /// End of the period (exclusive), if any.
        pub valid_until: Option<Timestamp>,
        /// The patient or the delegate who recorded it.
        pub recorded_by: AccountId,
        /// Block time it was recorded.
        pub recorded_at: Timestamp,
        /// Block time it was revoked, if it was.
        pub revoked_at: Option<Timestamp>,
    }

    impl Consent {
        /// The first moment the consent is in force.
        pub fn start(&self) -> Timestamp {
            match self.kind {
                ConsentKind::Permit => self.valid_from,
                ConsentKind::Deny => self.valid_from.max(self.recorded_at),
            }
        }

        /// The first moment it is no longer in force, if any.
        pub fn end(&self) -> Option<Timestamp> {
            match (self.valid_until, self.revoked_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }

        /// True if in force at `at`.
        pub fn in_force_at(&self, at: Timestamp) -> bool {
            self.start() <= at && self.end().is_none_or(|end| at < end)
        }

        /// True if it covers `purpose` and `category`.
        pub fn covers(&self, purpose: Purpose, category: DataCategory) -> bool {
            self.purposes.contains(purpose) && self.categories.contains(category)
        }
    }

    /// What a patient (or delegate) submits to record a consent.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct ConsentRequest {
        /// Whose data.
        pub patient: AccountId,
        /// Who may (or may not) use it.
        pub grantee: AccountId,
        /// Permit or deny.
        pub kind: ConsentKind,
        /// Purposes of use (at least one).
        pub purposes: PurposeSet,
        /// Data categories (at least one).
        pub categories: DataCategories,
        /// Start of the period.
        pub valid_from: Timestamp,
        /// End of the period (exclusive); must be after `valid_from` and in the future.
        pub valid_until: Option<Timestamp>,
    }

    /// A delegate's relationship to the patient.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Relationship {
        /// Legal guardian (e.g. of a minor).
        Guardian,
        /// Caregiver.
        Caregiver,
        /// Holder of a healthcare power of attorney.
        PowerOfAttorney,
    }

    /// A delegate as stored.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Delegate {
        /// The delegate's account.
        pub account: AccountId,
        /// Relationship to the patient.
        pub relationship: Relationship,
        /// Block time of appointment.
        pub appointed_at: Timestamp,
        /// The delegation ends at this time (exclusive).
        pub expires_at: Timestamp,
        /// Index in the patient's delegate list.
        index: u32,
    }

    /// A record anchor: hashes only, the record stays encrypted off chain.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Record {
        /// Its id.
        pub id: RecordId,
        /// Whose record.
        pub patient: AccountId,
        /// Its data category.
        pub category: DataCategory,
        /// Hash of the record's content.
        pub content_hash: Hash,
        /// Hash of where (and how) the encrypted record is stored.
        pub locator_hash: Hash,
        /// Who anchored it (the patient or a treating grantee).
        pub anchored_by: AccountId,
        /// Block time it was anchored.
        pub anchored_at: Timestamp,
    }

    /// One entry of a patient's access log.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct AccessEntry {
        /// Who accessed.
        pub accessor: AccountId,
        /// Block time.
        pub at: Timestamp,
        /// Declared purpose of use.
        pub purpose: Purpose,
        /// The record accessed; `None` for the opening of a break-glass grant.
        pub record: Option<RecordId>,
        /// The break-glass grant used, for emergency entries.
        pub emergency: Option<GrantId>,
    }

    /// A break-glass grant.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct BreakGlass {
        /// Its id.
        pub id: GrantId,
        /// The clinician.
        pub clinician: AccountId,
        /// The patient.
        pub patient: AccountId,
        /// The clinician's reason code.
        pub reason: u16,
        /// Block time it was opened.
        pub opened_at: Timestamp,
        /// It ends at this time (exclusive).
        pub expires_at: Timestamp,
        /// When the patient acknowledged it, if they did.
        pub acknowledged_at: Option<Timestamp>,
    }

    /// The owner's settings.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Config {
        /// The staff_credentials contract asked about clinicians.
        pub credentials: AccountId,
        /// How long a break-glass grant lasts (1 h ..= 7 days).
        pub break_glass_window: Timestamp,
        /// Most grants one clinician may open per `rate_window` (>= 1).
        pub max_per_window: u32,
        /// The rate-limit window (1 h ..= 30 days).
        pub rate_window: Timestamp,
    }

    /// A clinician's rate-limit counter.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    struct RateCounter {
        window_start: Timestamp,
        count: u32,
    }

    /// A consent was recorded.
    #[ink(event)]
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
        /// End.
        pub valid_until: Option<Timestamp>,
        /// The patient or delegate who recorded it.
        pub recorded_by: AccountId,
    }

    /// A consent was revoked from `at` on.
    #[ink(event)]
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

    /// A delegate was appointed (or its appointment replaced).
    #[ink(event)]
    pub struct DelegateAppointed {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// The delegate.
        #[ink(topic)]
        pub delegate: AccountId,
        /// Relationship.
        pub relationship: Relationship,
        /// End of the delegation.
        pub expires_at: Timestamp,
    }

    /// A delegate was removed.
    #[ink(event)]
    pub struct DelegateRemoved {
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
        /// The former delegate.
        #[ink(topic)]
        pub delegate: AccountId,
    }

    /// A record was anchored.
    #[ink(event)]
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
    #[ink(event)]
    pub struct RecordRemoved {
        /// Its id.
        #[ink(topic)]
        pub id: RecordId,
        /// Whose record.
        #[ink(topic)]
        pub patient: AccountId,
    }

    /// A record was accessed (one entry of the patient's access log).
    #[ink(event)]
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
    #[ink(event)]
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

    /// The patient acknowledged a break-glass grant.
    #[ink(event)]
    pub struct BreakGlassAcknowledged {
        /// The grant.
        #[ink(topic)]
        pub id: GrantId,
        /// The patient.
        #[ink(topic)]
        pub patient: AccountId,
    }

    /// The owner changed the configuration.
    #[ink(event)]
    pub struct ConfigChanged {
        /// The new staff_credentials address.
        pub credentials: AccountId,
        /// The new break-glass window.
        pub break_glass_window: Timestamp,
        /// The new rate limit.
        pub max_per_window: u32,
        /// The new rate-limit window.
        pub rate_window: Timestamp,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct ConsentRegistry {
        admin: Admin,
        config: Lazy<Config>,
        next_consent: ConsentId,
        next_record: RecordId,
        next_grant: GrantId,
        consents: Mapping<ConsentId, Consent>,
        /// (patient, grantee) -> consent ids (at most `MAX_CONSENTS_PER_GRANTEE`).
        by_pair: Mapping<(AccountId, AccountId), PairConsents>,
        /// (patient, index) -> consent id, and the count: the patient's consents, paged.
        patient_consents: Mapping<(AccountId, u32), ConsentId>,
        patient_consent_count: Mapping<AccountId, u32>,
        /// (patient, delegate) -> delegation.
        delegates: Mapping<(AccountId, AccountId), Delegate>,
        /// (patient, index) -> delegate, dense by swap-remove, and the count.
        delegate_list: Mapping<(AccountId, u32), AccountId>,
        delegate_count: Mapping<AccountId, u32>,
        records: Mapping<RecordId, Record>,
        /// (patient, index) -> record id (removed ones are skipped), and the count.
        patient_records: Mapping<(AccountId, u32), RecordId>,
        patient_record_count: Mapping<AccountId, u32>,
        /// (patient, index) -> access entry, and the count.
        access_log: Mapping<(AccountId, u32), AccessEntry>,
        access_count: Mapping<AccountId, u32>,
        grants: Mapping<GrantId, BreakGlass>,
        /// (clinician, patient) -> the latest grant.
        live_grant: Mapping<(AccountId, AccountId), GrantId>,
        rate: Mapping<AccountId, RateCounter>,
    }

    impl ConsentRegistry {
        /// Creates the registry, owned by the caller, asking `credentials`
        /// (staff_credentials) about clinicians. Break-glass lasts 24 h, at most 3 per
        /// clinician per 24 h.
        #[ink(constructor)]
        pub fn new(credentials: AccountId) -> Self {
            let mut config = Lazy::new();
            config.set(&Config {
                credentials,
                break_glass_window: DAY,
                max_per_window: 3,
                rate_window: DAY,
            });
            Self {
                admin: Admin::new(Self::env().caller()),
                config,
                next_consent: 1,
                next_record: 1,
                next_grant: 1,
                consents: Mapping::default(),
                by_pair: Mapping::default(),
                patient_consents: Mapping::default(),
                patient_consent_count: Mapping::default(),
                delegates: Mapping::default(),
                delegate_list: Mapping::default(),
                delegate_count: Mapping::default(),
                records: Mapping::default(),
                patient_records: Mapping::default(),
                patient_record_count: Mapping::default(),
                access_log: Mapping::default(),
                access_count: Mapping::default(),
                grants: Mapping::default(),
                live_grant: Mapping::default(),
                rate: Mapping::default(),
            }
        }

        // ---------------------------------------------------------------- admin

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The account proposed as next owner, if any.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            self.admin.pending_owner()
        }

        /// Owner only: proposes `new_owner`, who must call `accept_ownership`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            Ok(self.admin.transfer_ownership(new_owner)?)
        }

        /// Proposed owner only: becomes the owner.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<()> {
            Ok(self.admin.accept_ownership()?)
        }

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.admin.is_paused()
        }

        /// Owner only: pauses every state change but the owner's.
        #[ink(message)]
        pub fn pause(&mut self) -> Result<()> {
            Ok(self.admin.pause()?)
        }

        /// Owner only: lifts the pause.
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<()> {
            Ok(self.admin.unpause()?)
        }

        /// Owner only: replaces this contract's code by the uploaded `code_hash`, keeping
        /// its storage.
        #[ink(message)]
        pub fn set_code(&mut self, code_hash: Hash) -> Result<()> {
            Ok(self.admin.set_code(code_hash)?)
        }

        /// The configuration.
        #[ink(message)]
        pub fn config(&self) -> Config {
            self.config_or_default()
        }

        /// Owner only: sets the staff_credentials address, the break-glass window
        /// (1 h ..= 7 days) and the rate limit (`max_per_window >= 1` per
        /// `rate_window`, 1 h ..= 30 days).
        #[ink(message)]
        pub fn set_config(&mut self, config: Config) -> Result<()> {
            self.admin.ensure_owner()?;
            ensure!(
                (HOUR..=7 * DAY).contains(&config.break_glass_window)
                    && config.max_per_window >= 1
                    && (HOUR..=30 * DAY).contains(&config.rate_window),
                Error::BadConfig
            );
            self.config.set(&config);
            self.env().emit_event(ConfigChanged {
                credentials: config.credentials,
                break_glass_window: config.break_glass_window,
                max_per_window: config.max_per_window,
                rate_window: config.rate_window,
            });
            Ok(())
        }

        // ------------------------------------------------------------- consents

        /// The patient or a live delegate: records a permit or deny. Returns its id.
        #[ink(message)]
        pub fn grant(&mut self, request: ConsentRequest) -> Result<ConsentId> {
            self.admin.ensure_not_paused()?;
            let now = self.env().block_timestamp();
            let recorded_by = self.ensure_patient_or_delegate(request.patient)?;
            ensure!(
                !request.purposes.is_empty()
                    && request.purposes.is_well_formed()
                    && !request.categories.is_empty()
                    && request.categories.is_well_formed(),
                Error::BadScope
            );
            if let Some(until) = request.valid_until {
                ensure!(until > request.valid_from && until > now, Error::BadPeriod);
            }
            let pair = (request.patient, request.grantee);
            let mut ids = self.by_pair.get(pair).unwrap_or_default();
            ensure!(
                u32::try_from(ids.len()).is_ok_and(|n| n < MAX_CONSENTS_PER_GRANTEE),
                Error::TooManyConsents
            );
            let id = self.next_consent;
            self.next_consent = id.checked_add(1).ok_or(Error::Overflow)?;
            append_indexed(
                &mut self.patient_consents,
                &mut self.patient_consent_count,
                request.patient,
                &id,
            )
            .ok_or(Error::Overflow)?;
            ids.push(id);
            self.by_pair.insert(pair, &ids);
            let consent = Consent {
                id,
                patient: request.patient,
                grantee: request.grantee,
                kind: request.kind,
                purposes: request.purposes,
                categories: request.categories,
                valid_from: request.valid_from,
                valid_until: request.valid_until,
                recorded_by,
                recorded_at: now,
                revoked_at: None,
            };
            self.consents.insert(id, &consent);
            self.env().emit_event(ConsentRecorded {
                id,
                patient: consent.patient,
                grantee: consent.grantee,
                kind: consent.kind,
                purposes: consent.purposes,
                categories: consent.categories,
                valid_from: consent.valid_from,
                valid_until: consent.valid_until,
                recorded_by,
            });
            Ok(id)
        }

        /// The patient or a live delegate: revokes consent `id` from now on.
        #[ink(message)]
        pub fn revoke(&mut self, id: ConsentId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let mut consent = self.consents.get(id).ok_or(Error::UnknownConsent)?;
            let revoked_by = self.ensure_patient_or_delegate(consent.patient)?;
            ensure!(consent.revoked_at.is_none(), Error::AlreadyRevoked);
            let at = self.env().block_timestamp();
            consent.revoked_at = Some(at);
            self.consents.insert(id, &consent);
            self.env().emit_event(ConsentRevoked {
                id,
                patient: consent.patient,
                revoked_by,
                at,
            });
            Ok(())
        }

        /// The consent with this id.
        #[ink(message)]
        pub fn consent(&self, id: ConsentId) -> Option<Consent> {
            self.consents.get(id)
        }

        /// How many consents `patient` has recorded.
        #[ink(message)]
        pub fn consent_count_of(&self, patient: AccountId) -> u32 {
            self.patient_consent_count.get(patient).unwrap_or(0)
        }

        /// A page of `patient`'s consents, oldest first.
        #[ink(message)]
        pub fn consents_of(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<Consent> {
            page_range(offset, limit, self.consent_count_of(patient))
                .filter_map(|i| self.patient_consents.get((patient, i)))
                .filter_map(|id| self.consents.get(id))
                .collect()
        }

        /// Why `grantee` may or may not use `patient`'s data for `purpose` and
        /// `category` at `at`: `Ok` if a permit in force covers it and no deny does.
        #[ink(message)]
        pub fn check_consent(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            category: DataCategory,
            at: Timestamp,
        ) -> Result<()> {
            let mut verdict = Err(Error::NoConsent);
            for consent in self
                .by_pair
                .get((patient, grantee))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| self.consents.get(id))
                .filter(|consent| consent.covers(purpose, category))
            {
                match (consent.kind, consent.in_force_at(at)) {
                    (ConsentKind::Deny, true) => return Err(Error::ConsentDenied),
                    (ConsentKind::Permit, true) => verdict = Ok(()),
                    (ConsentKind::Permit, false) if verdict.is_err() => {
                        verdict = Err(Error::ConsentExpired)
                    }
                    _ => {}
                }
            }
            verdict
        }

        // ------------------------------------------------------------ delegates

        /// Patient only: appoints `delegate` until `expires_at` (replacing an earlier
        /// appointment of the same account).
        #[ink(message)]
        pub fn appoint_delegate(
            &mut self,
            delegate: AccountId,
            relationship: Relationship,
            expires_at: Timestamp,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let patient = self.env().caller();
            let now = self.env().block_timestamp();
            ensure!(expires_at > now, Error::BadPeriod);
            let index = match self.delegates.get((patient, delegate)) {
                Some(existing) => existing.index,
                None => {
                    let count = self.delegate_count.get(patient).unwrap_or(0);
                    ensure!(count < MAX_DELEGATES, Error::TooManyDelegates);
                    self.delegate_list.insert((patient, count), &delegate);
                    self.delegate_count
                        .insert(patient, &count.checked_add(1).ok_or(Error::Overflow)?);
                    count
                }
            };
            self.delegates.insert(
                (patient, delegate),
                &Delegate {
                    account: delegate,
                    relationship,
                    appointed_at: now,
                    expires_at,
                    index,
                },
            );
            self.env().emit_event(DelegateAppointed {
                patient,
                delegate,
                relationship,
                expires_at,
            });
            Ok(())
        }

        /// Patient only: removes `delegate`.
        #[ink(message)]
        pub fn remove_delegate(&mut self, delegate: AccountId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let patient = self.env().caller();
            let removed = self
                .delegates
                .take((patient, delegate))
                .ok_or(Error::UnknownDelegate)?;
            let last = self
                .delegate_count
                .get(patient)
                .unwrap_or(0)
                .checked_sub(1)
                .ok_or(Error::Overflow)?;
            if removed.index != last {
                if let Some(moved) = self.delegate_list.get((patient, last)) {
                    self.delegate_list.insert((patient, removed.index), &moved);
                    if let Some(mut info) = self.delegates.get((patient, moved)) {
                        info.index = removed.index;
                        self.delegates.insert((patient, moved), &info);
                    }
                }
            }
            self.delegate_list.remove((patient, last));
            self.delegate_count.insert(patient, &last);
            self.env().emit_event(DelegateRemoved { patient, delegate });
            Ok(())
        }

        /// The delegation of `delegate` by `patient`, if any (expired ones included).
        #[ink(message)]
        pub fn delegate(&self, patient: AccountId, delegate: AccountId) -> Option<Delegate> {
            self.delegates.get((patient, delegate))
        }

        /// A page of `patient`'s delegates.
        #[ink(message)]
        pub fn delegates_of(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<Delegate> {
            page_range(offset, limit, self.delegate_count.get(patient).unwrap_or(0))
                .filter_map(|i| self.delegate_list.get((patient, i)))
                .filter_map(|d| self.delegates.get((patient, d)))
                .collect()
        }

        // -------------------------------------------------------------- records

        /// The patient, or a grantee with treatment consent for `category` now: anchors
        /// a record of `patient`. Returns its id.
        #[ink(message)]
        pub fn anchor_record(
            &mut self,
            patient: AccountId,
            category: DataCategory,
            content_hash: Hash,
            locator_hash: Hash,
        ) -> Result<RecordId> {
            self.admin.ensure_not_paused()?;
            let caller = self.env().caller();
            let now = self.env().block_timestamp();
            if caller != patient {
                self.check_consent(patient, caller, Purpose::Treatment, category, now)?;
            }
            let id = self.next_record;
            self.next_record = id.checked_add(1).ok_or(Error::Overflow)?;
            append_indexed(
                &mut self.patient_records,
                &mut self.patient_record_count,
                patient,
                &id,
            )
            .ok_or(Error::Overflow)?;
            self.records.insert(
                id,
                &Record {
                    id,
                    patient,
                    category,
                    content_hash,
                    locator_hash,
                    anchored_by: caller,
                    anchored_at: now,
                },
            );
            self.env().emit_event(RecordAnchored {
                id,
                patient,
                anchored_by: caller,
                category,
                content_hash,
                locator_hash,
            });
            Ok(id)
        }

        /// Patient only: forgets the anchor `id` (its access entries stay).
        #[ink(message)]
        pub fn remove_record(&mut self, id: RecordId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let record = self.records.get(id).ok_or(Error::UnknownRecord)?;
            ensure!(record.patient == self.env().caller(), Error::NotPatient);
            self.records.remove(id);
            self.env().emit_event(RecordRemoved {
                id,
                patient: record.patient,
            });
            Ok(())
        }

        /// The record anchor with this id, unless removed.
        #[ink(message)]
        pub fn record(&self, id: RecordId) -> Option<Record> {
            self.records.get(id)
        }

        /// A page of `patient`'s record anchors, oldest first (removed ones are
        /// skipped, so a page may hold fewer than `limit`).
        #[ink(message)]
        pub fn records_of(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<Record> {
            page_range(
                offset,
                limit,
                self.patient_record_count.get(patient).unwrap_or(0),
            )
            .filter_map(|i| self.patient_records.get((patient, i)))
            .filter_map(|id| self.records.get(id))
            .collect()
        }

        // --------------------------------------------------------------- access

        /// Accesses `patient`'s record `record_id` for `purpose`: allowed for the patient,
        /// with a consent in force for the purpose and the record's category, or with
        /// purpose `EmergencyTreatment` under a live break-glass grant. Writes an entry
        /// in the patient's access log and returns its index.
        #[ink(message)]
        pub fn access_record(
            &mut self,
            patient: AccountId,
            record_id: RecordId,
            purpose: Purpose,
        ) -> Result<u32> {
            self.admin.ensure_not_paused()?;
            let record = self
                .records
                .get(record_id)
                .filter(|record| record.patient == patient)
                .ok_or(Error::UnknownRecord)?;
            let accessor = self.env().caller();
            let now = self.env().block_timestamp();
            let mut emergency = None;
            if accessor != patient {
                let consent = self.check_consent(patient, accessor, purpose, record.category, now);
                if consent.is_err() && purpose == Purpose::EmergencyTreatment {
                    emergency = self.live_grant_of(accessor, patient, now);
                }
                if emergency.is_none() {
                    consent?;
                }
            }
            let log_index = self.log(
                patient,
                AccessEntry {
                    accessor,
                    at: now,
                    purpose,
                    record: Some(record_id),
                    emergency,
                },
            )?;
            self.env().emit_event(RecordAccessed {
                record: record_id,
                patient,
                accessor,
                purpose,
                emergency,
                log_index,
            });
            Ok(log_index)
        }

        /// How many entries `patient`'s access log holds.
        #[ink(message)]
        pub fn access_count_of(&self, patient: AccountId) -> u32 {
            self.access_count.get(patient).unwrap_or(0)
        }

        /// A page of `patient`'s access log, oldest first. (Contract state is public on
        /// chain; the log holds accounts, times, purposes and record ids, no health data.)
        #[ink(message)]
        pub fn access_log(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<AccessEntry> {
            page_range(offset, limit, self.access_count_of(patient))
                .filter_map(|i| self.access_log.get((patient, i)))
                .collect()
        }

        // ---------------------------------------------------------- break-glass

        /// A clinician (valid medical or nursing licence now, asked of
        /// staff_credentials): opens emergency access to `patient` for the configured
        /// window. Logged in the patient's access log. Returns the grant id.
        #[ink(message)]
        pub fn open_break_glass(&mut self, patient: AccountId, reason: u16) -> Result<GrantId> {
            self.admin.ensure_not_paused()?;
            let clinician = self.env().caller();
            let now = self.env().block_timestamp();
            let config = self.config_or_default();

            let mut counter = self.rate.get(clinician).unwrap_or_default();
            if now >= counter.window_start.saturating_add(config.rate_window) {
                counter = RateCounter {
                    window_start: now,
                    count: 0,
                };
            }
            ensure!(counter.count < config.max_per_window, Error::RateLimited);
            ensure!(
                self.clinician_licensed(&config, clinician, now)?,
                Error::CredentialCheckFailed
            );

            counter.count = counter.count.checked_add(1).ok_or(Error::Overflow)?;
            self.rate.insert(clinician, &counter);
            let id = self.next_grant;
            self.next_grant = id.checked_add(1).ok_or(Error::Overflow)?;
            let expires_at = now
                .checked_add(config.break_glass_window)
                .ok_or(Error::Overflow)?;
            self.grants.insert(
                id,
                &BreakGlass {
                    id,
                    clinician,
                    patient,
                    reason,
                    opened_at: now,
                    expires_at,
                    acknowledged_at: None,
                },
            );
            self.live_grant.insert((clinician, patient), &id);
            let log_index = self.log(
                patient,
                AccessEntry {
                    accessor: clinician,
                    at: now,
                    purpose: Purpose::EmergencyTreatment,
                    record: None,
                    emergency: Some(id),
                },
            )?;
            self.env().emit_event(BreakGlassOpened {
                id,
                patient,
                clinician,
                reason,
                expires_at,
                log_index,
            });
            Ok(id)
        }

        /// Patient only: acknowledges break-glass grant `id`.
        #[ink(message)]
        pub fn acknowledge_break_glass(&mut self, id: GrantId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let mut grant = self.grants.get(id).ok_or(Error::UnknownGrant)?;
            ensure!(grant.patient == self.env().caller(), Error::NotPatient);
            ensure!(grant.acknowledged_at.is_none(), Error::AlreadyAcknowledged);
            grant.acknowledged_at = Some(self.env().block_timestamp());
            self.grants.insert(id, &grant);
            self.env().emit_event(BreakGlassAcknowledged {
                id,
                patient: grant.patient,
            });
            Ok(())
        }

        /// The break-glass grant with this id.
        #[ink(message)]
        pub fn break_glass(&self, id: GrantId) -> Option<BreakGlass> {
            self.grants.get(id)
        }

        /// The live break-glass grant of `clinician` for `patient`, if any.
        #[ink(message)]
        pub fn live_break_glass(
            &self,
            clinician: AccountId,
            patient: AccountId,
        ) -> Option<GrantId> {
            self.live_grant_of(clinician, patient, self.env().block_timestamp())
        }

        // -------------------------------------------------------------- helpers

        fn config_or_default(&self) -> Config {
            self.config.get().unwrap_or(Config {
                credentials: AccountId::from([0; 32]),
                break_glass_window: DAY,
                max_per_window: 3,
                rate_window: DAY,
            })
        }

        /// The caller, if it is `patient` or a delegate of `patient` whose delegation is
        /// in force now.
        fn ensure_patient_or_delegate(&self, patient: AccountId) -> Result<AccountId> {
            let caller = self.env().caller();
            if caller == patient {
                return Ok(caller);
            }
            let now = self.env().block_timestamp();
            match self.delegates.get((patient, caller)) {
                Some(delegate) if now < delegate.expires_at => Ok(caller),
                _ => Err(Error::NotPatientOrDelegate),
            }
        }

        fn live_grant_of(
            &self,
            clinician: AccountId,
            patient: AccountId,
            now: Timestamp,
        ) -> Option<GrantId> {
            self.live_grant
                .get((clinician, patient))
                .and_then(|id| self.grants.get(id))
                .filter(|grant| now < grant.expires_at)
                .map(|grant| grant.id)
        }

        fn log(&mut self, patient: AccountId, entry: AccessEntry) -> Result<u32> {
            append_indexed(
                &mut self.access_log,
                &mut self.access_count,
                patient,
                &entry,
            )
            .ok_or(Error::Overflow)
        }

        /// Asks staff_credentials whether `clinician` holds a valid medical or nursing
        /// licence at `now`.
        #[cfg(not(test))]
        fn clinician_licensed(
            &self,
            config: &Config,
            clinician: AccountId,
            now: Timestamp,
        ) -> Result<bool> {
            use healthcare_traits::{flatten_peer_result, CredentialVerifier, KindSet};
            use ink::codegen::TraitCallBuilder;
            let verifier: ink::contract_ref!(CredentialVerifier) = config.credentials.into();
            let answer = verifier
                .call()
                .any_valid_at(clinician, KindSet::CLINICIAN, now)
                .try_invoke();
            Ok(flatten_peer_result(answer)?)
        }

        /// Off-chain unit tests cannot make cross-contract calls: they set the answer
        /// with [`tests::set_credential_answer`]; the drink sandbox tests run the real
        /// call above.
        #[cfg(test)]
        fn clinician_licensed(
            &self,
            _config: &Config,
            clinician: AccountId,
            _now: Timestamp,
        ) -> Result<bool> {
            Ok(crate::tests::credential_answer(clinician)?)
        }
    }

    impl ConsentVerifier for ConsentRegistry {
        /// True if a permit in force at `at` covers the purpose and category for the
        /// grantee and no deny in force does.
        #[ink(message)]
        fn has_consent(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            category: DataCategory,
            at: Timestamp,
        ) -> bool {
            self.check_consent(patient, grantee, purpose, category, at)
                .is_ok()
        }
    }

    #[cfg(test)]
    impl ConsentRegistry {
        pub(crate) fn set_counters(&mut self, value: u64) {
            self.next_consent = value;
            self.next_record = value;
            self.next_grant = value;
        }
    }
}

#[cfg(test)]
mod tests;
