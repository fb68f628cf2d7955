//! # consent_registry
//!
//! Patient consent, care relationships, record anchors, audited access and break-glass
//! emergency access for the healthcare suite, modelled on FHIR Consent (permit / deny per
//! actor, purpose of use, data category, period). No health data is stored: records are
//! anchored by the hash of their content and the hash of their (encrypted, off-chain)
//! locator.
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, sets the break-glass window and rate
//!   limit, the `staff_credentials` address and the code (after its delay), and pauses
//!   and unpauses (at once).
//! * **patient**: any account, for its own consents, care relationships, delegates,
//!   records and log.
//! * **delegate** (guardian, caregiver, power of attorney): appointed by a patient until
//!   an expiry; acts *for* the patient: records and revokes consents and care
//!   relationships, closes break-glass grants (a guardian also acknowledges them). A
//!   delegate never records a permit or a care relationship naming itself (nor, in
//!   remote_monitoring, joins the care team), never revokes a deny the patient
//!   recorded, and appoints no delegates. What a delegate records is in force only while
//!   its delegation term is (its end is capped at the term's expiry, and a removal ends
//!   it at once).
//! * **grantee**: the account a consent names; anchors records (with *treatment* consent
//!   for the category) and accesses them (with consent for the purpose and category).
//! * **provider**: an account the patient named in a care relationship; `claims_adjudication`
//!   pays a provider's claim only inside such a relationship.
//! * **clinician**: an account holding a valid medical or nursing licence in
//!   `staff_credentials` (checked by a cross-contract call when it opens break-glass).
//!
//! ## Consent semantics
//! A consent is in force at `t` when `start <= t < end`, where for a **permit**
//! `start = valid_from` (a patient may back-date a permit, e.g. to authorise payment for
//! an earlier visit) and for a **deny** `start = max(valid_from, recorded_at)`; `end` is
//! the earliest of `valid_until` and the revocation time; a delegate's consent also needs
//! its delegation term in force at `t`. A deny in force that covers the purpose and
//! category wins over every permit. Revocations and denies never reach back before the
//! moment they were recorded, so an access that was lawful when it was made stays lawful.
//!
//! ## Care relationships
//! A patient names each provider who treats them **once** (`add_care_provider`, from the
//! first visit, possibly back-dated), not per visit, and ends it when care ends
//! (`end_care`). `claims_adjudication` asks `has_care_relationship` (inside
//! `claim_consent`) at the service date: without a relationship a claim is denied (CARC
//! 242), or goes to manual review when the claim is flagged as an emergency. The query
//! reads the relationship index of that one patient and provider, whatever the number of
//! the patient's consents.
//!
//! ## Break-glass
//! A clinician opens emergency access to a patient with a reason code; it lasts the
//! configured window (default 24 h) unless the patient or a delegate closes it earlier,
//! allows `access_record` with purpose `EmergencyTreatment` to the patient's records of
//! every category but psychotherapy notes (`MentalHealth`; see
//! [`model::break_glass_covers`]), is logged in the patient's access log flagged as
//! emergency, and may be acknowledged by the patient or a guardian. Each clinician may
//! open at most `max_per_window` grants in any sliding `rate_window` (default 3 per 24 h).
//!
//! ## Pause
//! While paused, nothing is granted, anchored, accessed or opened; revoking a consent,
//! ending a care relationship, removing a delegate and acknowledging or closing a
//! break-glass grant keep working (they only make patients safer), as do all queries.
//!
//! ## Bounds (every message is O(1) or O(its input), whatever the history)
//! * A patient may record any number of successive consents to a grantee (and care
//!   relationships with a provider): `has_consent` reads the
//!   [`healthcare_traits::timeline`] index of the pair, which answers for any moment from
//!   the few buckets that can cover it. The per-moment bound: an index bucket holds
//!   [`healthcare_traits::timeline::MAX_PER_BUCKET`] consents (consents lasting under a day
//!   share a one-day bucket, longer ones longer buckets) and at most
//!   [`healthcare_traits::timeline::MAX_OPEN`] open-ended consents to one grantee are in
//!   force at once; beyond, `TooManyConsents` for that period only.
//! * [`MAX_DELEGATES`] delegates per patient.
//! * Lists (consents, care relationships, delegates, records, access log) are paged, at
//!   most [`MAX_PAGE_SIZE`] entries a page.
//!
//! ## Failure of the peer
//! If `staff_credentials` is missing, is no contract, traps or answers garbage,
//! `open_break_glass` returns `CredentialContractUnreachable` / `CredentialContractTrapped`
//! and, like every error, reverts: nothing is written.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Revision of this code, reported by `code_version`. The `upgrade-rehearsal` feature
/// builds the same contract as revision 2 (same storage layout, another code hash): the
/// sandbox tests switch a live instance to it through the governor.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

pub mod events;
mod internal;
pub mod model;

/// Delegates per patient.
pub const MAX_DELEGATES: u32 = 8;

#[ink::contract]
pub mod consent_registry {

    pub use crate::events::*;
    use crate::internal::{IndexKey, Pair, Reads, TermKey};

    pub use crate::model::{
        AccessEntry, BreakGlass, CareId, CareRelationship, Config, Consent, ConsentId, ConsentKind,
        ConsentRequest, Delegate, Error, GrantId, Record, RecordId, Relationship, Result, Term,
        TermSerial, MAX_BACKDATE,
    };
    use healthcare_traits::timeline::{Bucket, BucketKey, Header};
    use healthcare_traits::{
        page_range, ApplyError, ClaimConsent, ClaimConsentQuery, ConsentVerifier, DataCategories,
        DataCategory, Governance, Governed, Purpose, MAX_BATCH_QUERIES,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// What an index key holds.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Indexed {
        /// The consents of (patient, grantee).
        Consents,
        /// The care relationships of (patient, provider).
        Care,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct ConsentRegistry {
        pub(crate) governance: Governance,
        pub(crate) credentials: Lazy<AccountId>,
        pub(crate) config: Lazy<Config>,
        pub(crate) next_consent: ConsentId,
        pub(crate) next_care: CareId,
        pub(crate) next_record: RecordId,
        pub(crate) next_grant: GrantId,
        pub(crate) consents: Mapping<ConsentId, Consent>,
        /// Point-in-time index of the consents of (patient, grantee) and of the care
        /// relationships of (patient, provider).
        pub(crate) index_headers: Mapping<IndexKey, Header>,
        pub(crate) index_buckets: Mapping<BucketKey<IndexKey>, Bucket>,
        /// (patient, index) -> consent id, and the count: the patient's consents, paged.
        pub(crate) patient_consents: Mapping<(AccountId, u32), ConsentId>,
        pub(crate) patient_consent_count: Mapping<AccountId, u32>,
        pub(crate) care: Mapping<CareId, CareRelationship>,
        /// (patient, provider) -> the open relationship.
        pub(crate) open_care: Mapping<Pair, CareId>,
        /// (patient, index) -> relationship id, and the count, paged.
        pub(crate) patient_care: Mapping<(AccountId, u32), CareId>,
        pub(crate) patient_care_count: Mapping<AccountId, u32>,
        /// (patient, delegate) -> the delegate's current term.
        pub(crate) delegates: Mapping<Pair, Delegate>,
        /// (patient, index) -> delegate, dense by swap-remove, and the count.
        pub(crate) delegate_list: Mapping<(AccountId, u32), AccountId>,
        pub(crate) delegate_count: Mapping<AccountId, u32>,
        /// (patient, delegate, serial) -> every term of a delegation, kept for good.
        pub(crate) terms: Mapping<TermKey, Term>,
        /// (patient, delegate) -> the latest term serial.
        pub(crate) last_term: Mapping<Pair, TermSerial>,
        pub(crate) records: Mapping<RecordId, Record>,
        /// (patient, index) -> record id (removed ones are skipped), and the count.
        pub(crate) patient_records: Mapping<(AccountId, u32), RecordId>,
        pub(crate) patient_record_count: Mapping<AccountId, u32>,
        /// (patient, index) -> access entry, and the count.
        pub(crate) access_log: Mapping<(AccountId, u32), AccessEntry>,
        pub(crate) access_count: Mapping<AccountId, u32>,
        pub(crate) grants: Mapping<GrantId, BreakGlass>,
        /// (clinician, patient) -> the latest grant.
        pub(crate) live_grant: Mapping<Pair, GrantId>,
        /// A clinician's latest break-glass openings (at most `MAX_RATE`).
        pub(crate) rate: Mapping<AccountId, Vec<Timestamp>>,
    }

    impl ConsentRegistry {
        /// Creates the registry, governed by `governor` (the consortium's governor
        /// contract), asking `credentials` (staff_credentials) about clinicians.
        /// Break-glass lasts 24 h, at most 3 per clinician in any 24 h.
        #[ink(constructor)]
        pub fn new(governor: AccountId, credentials: AccountId) -> Result<Self> {
            Ok(Self::with_storage(governor, credentials))
        }

        // ----------------------------------------------------------- governance

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.governance.is_paused()
        }

        /// The revision of the code running at this address ([`crate::CODE_VERSION`]), so
        /// that an operator can see which code an upgrade left in place.
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        /// The staff_credentials contract asked about clinicians.
        #[ink(message)]
        pub fn credentials_contract(&self) -> AccountId {
            self.credentials.get().unwrap_or(AccountId::from([0; 32]))
        }

        /// The break-glass settings.
        #[ink(message)]
        pub fn config(&self) -> Config {
            self.config.get().unwrap_or(Config::DEFAULT)
        }

        // ------------------------------------------------------------- consents

        /// The patient or a live delegate: records a permit or deny, starting at most
        /// `MAX_BACKDATE` (two years) before now. A delegate's consent ends with its
        /// delegation's expiry at the latest, and a delegate never records a permit naming
        /// itself. Returns its id.
        #[ink(message)]
        pub fn grant(&mut self, request: ConsentRequest) -> Result<ConsentId> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_grant(now, request)
        }

        /// The patient or a live delegate (also while paused): revokes consent `id` from
        /// now on. A delegate may not revoke a deny the patient recorded.
        #[ink(message)]
        pub fn revoke(&mut self, id: ConsentId) -> Result<()> {
            self.do_revoke(id)
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
            self.consent_in(&Reads::default(), patient, grantee, purpose, category, at)
        }

        // ---------------------------------------------------- care relationships

        /// The patient or a live delegate: names `provider` as a care provider of the
        /// patient from `from` on (the first visit; may lie in the past, at most
        /// `MAX_BACKDATE` before now), once for the whole relationship. A delegate never
        /// names itself (`DelegateSelfGrant`): a care relationship is what lets a
        /// provider bill the patient's plan. Returns its id.
        #[ink(message)]
        pub fn add_care_provider(
            &mut self,
            patient: AccountId,
            provider: AccountId,
            from: Timestamp,
        ) -> Result<CareId> {
            self.governance.ensure_running()?;
            self.do_add_care_provider(patient, provider, from)
        }

        /// The patient or a live delegate (also while paused): ends the open care
        /// relationship with `provider` now.
        #[ink(message)]
        pub fn end_care(&mut self, patient: AccountId, provider: AccountId) -> Result<()> {
            self.do_end_care(patient, provider)
        }

        /// The care relationship with this id.
        #[ink(message)]
        pub fn care_relationship(&self, id: CareId) -> Option<CareRelationship> {
            self.care.get(id)
        }

        /// A page of `patient`'s care relationships, oldest first.
        #[ink(message)]
        pub fn care_of(
            &self,
            patient: AccountId,
            offset: u32,
            limit: u32,
        ) -> Vec<CareRelationship> {
            page_range(
                offset,
                limit,
                self.patient_care_count.get(patient).unwrap_or(0),
            )
            .filter_map(|i| self.patient_care.get((patient, i)))
            .filter_map(|id| self.care.get(id))
            .collect()
        }

        // ------------------------------------------------------------ delegates

        /// Patient only: appoints `delegate` until `expires_at`. A live delegation gets the
        /// new expiry (and relationship) in its current term; otherwise a new term starts.
        #[ink(message)]
        pub fn appoint_delegate(
            &mut self,
            delegate: AccountId,
            relationship: Relationship,
            expires_at: Timestamp,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let patient = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_appoint_delegate(patient, now, delegate, relationship, expires_at)
        }

        /// Patient only (also while paused): removes `delegate`; the consents and care
        /// relationships it recorded end now.
        #[ink(message)]
        pub fn remove_delegate(&mut self, delegate: AccountId) -> Result<()> {
            let patient = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_remove_delegate(patient, now, delegate)
        }

        /// The current delegation of `delegate` by `patient`, if any (expired ones
        /// included until removed).
        #[ink(message)]
        pub fn delegate(&self, patient: AccountId, delegate: AccountId) -> Option<Delegate> {
            self.delegates.get((patient, delegate))
        }

        /// Term `serial` of `delegate`'s delegation by `patient` (kept after removal).
        #[ink(message)]
        pub fn delegation_term(
            &self,
            patient: AccountId,
            delegate: AccountId,
            serial: TermSerial,
        ) -> Option<Term> {
            self.term(patient, delegate, serial)
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
            self.governance.ensure_running()?;
            let caller = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_anchor_record(caller, now, patient, category, content_hash, locator_hash)
        }

        /// Patient only: forgets the anchor `id` (its access entries stay).
        #[ink(message)]
        pub fn remove_record(&mut self, id: RecordId) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_remove_record(id)
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
        /// purpose `EmergencyTreatment` under a live break-glass grant for any category
        /// but psychotherapy notes. Writes an entry in the patient's access log and
        /// returns its index.
        #[ink(message)]
        pub fn access_record(
            &mut self,
            patient: AccountId,
            record_id: RecordId,
            purpose: Purpose,
        ) -> Result<u32> {
            self.governance.ensure_running()?;
            self.do_access_record(patient, record_id, purpose)
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
        /// staff_credentials), at most `max_per_window` times in any `rate_window`: opens
        /// emergency access to `patient` for the configured window. Logged in the
        /// patient's access log. Returns the grant id.
        #[ink(message)]
        pub fn open_break_glass(&mut self, patient: AccountId, reason: u16) -> Result<GrantId> {
            self.governance.ensure_running()?;
            let clinician = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_open_break_glass(clinician, now, patient, reason)
        }

        /// The patient or a live guardian delegate (also while paused): acknowledges
        /// break-glass grant `id`.
        #[ink(message)]
        pub fn acknowledge_break_glass(&mut self, id: GrantId) -> Result<()> {
            self.do_acknowledge_break_glass(id)
        }

        /// The patient or a live delegate (also while paused): closes live break-glass
        /// grant `id` now.
        #[ink(message)]
        pub fn close_break_glass(&mut self, id: GrantId) -> Result<()> {
            self.do_close_break_glass(id)
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
    }

    impl Governed for ConsentRegistry {
        /// The governor this contract obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, the staff_credentials address (`Peer(Credentials, _)`) and
        /// the break-glass settings (`BreakGlass`); `Unsupported` for any other, `Invalid`
        /// for settings out of range. Only pausing and unpausing apply while paused.
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
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

        /// True if a care relationship of `patient` with `provider` was in force at `at`.
        #[ink(message)]
        fn has_care_relationship(
            &self,
            patient: AccountId,
            provider: AccountId,
            at: Timestamp,
        ) -> bool {
            self.care_in(&Reads::default(), patient, provider, at)
        }

        /// The care relationship with `provider` and the payment consent to `payer`, at
        /// `at`, in one call.
        #[ink(message)]
        fn claim_consent(
            &self,
            patient: AccountId,
            payer: AccountId,
            provider: AccountId,
            at: Timestamp,
        ) -> ClaimConsent {
            self.claim_consent_in(&Reads::default(), patient, payer, provider, at)
        }

        /// True if `has_consent` holds for every category of a non-empty, well-formed
        /// `categories` (at most 13 lookups).
        #[ink(message)]
        fn has_consent_all(
            &self,
            patient: AccountId,
            grantee: AccountId,
            purpose: Purpose,
            categories: DataCategories,
            at: Timestamp,
        ) -> bool {
            self.consents_to_all_in(&Reads::default(), patient, grantee, purpose, categories, at)
        }

        /// `has_consent_all` for each of the first `MAX_BATCH_QUERIES` patients, in
        /// order.
        #[ink(message)]
        fn has_consent_all_each(
            &self,
            patients: Vec<AccountId>,
            grantee: AccountId,
            purpose: Purpose,
            categories: DataCategories,
            at: Timestamp,
        ) -> Vec<bool> {
            let reads = Reads::default();
            patients
                .iter()
                .take(MAX_BATCH_QUERIES)
                .map(|patient| {
                    self.consents_to_all_in(&reads, *patient, grantee, purpose, categories, at)
                })
                .collect()
        }

        /// `has_consent` for each of the first `MAX_BATCH_QUERIES` grantees, in order.
        #[ink(message)]
        fn has_consent_each(
            &self,
            patient: AccountId,
            grantees: Vec<AccountId>,
            purpose: Purpose,
            category: DataCategory,
            at: Timestamp,
        ) -> Vec<bool> {
            grantees
                .iter()
                .take(MAX_BATCH_QUERIES)
                .map(|grantee| {
                    self.check_consent(patient, *grantee, purpose, category, at)
                        .is_ok()
                })
                .collect()
        }

        /// True if `account` is the patient or a delegate in force now.
        #[ink(message)]
        fn acts_for_now(&self, patient: AccountId, account: AccountId) -> bool {
            account == patient
                || self
                    .delegates
                    .get((patient, account))
                    .is_some_and(|d| d.live_at(self.env().block_timestamp()))
        }

        /// `claim_consent` for each of the first `MAX_BATCH_QUERIES` queries, in order;
        /// each index entry, consent and care relationship the queries share is read
        /// once.
        #[ink(message)]
        fn claim_consent_each(&self, queries: Vec<ClaimConsentQuery>) -> Vec<ClaimConsent> {
            let reads = Reads::default();
            queries
                .iter()
                .take(MAX_BATCH_QUERIES)
                .map(|q| self.claim_consent_in(&reads, q.patient, q.payer, q.provider, q.at))
                .collect()
        }
    }

    #[cfg(test)]
    impl ConsentRegistry {
        pub(crate) fn set_counters(&mut self, value: u64) {
            self.next_consent = value;
            self.next_care = value;
            self.next_record = value;
            self.next_grant = value;
        }
    }
}

#[cfg(test)]
mod model_based;
#[cfg(test)]
mod tests;
