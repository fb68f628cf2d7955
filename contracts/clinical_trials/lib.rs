//! # clinical_trials
//!
//! Pre-registered clinical trials whose protocol, consent, data, safety reports and
//! results cannot be quietly changed: a sponsor registers a trial (hashes of the
//! protocol, the registration record and the primary outcome; target enrolment; planned
//! primary completion) before anyone is enrolled; its IRB approves every protocol
//! version; participants consent to each version and are enrolled only under a research
//! consent in force in `consent_registry`; sites and their devices anchor data as Merkle
//! roots whose inclusion proofs are checked on chain; adverse events run the 21 CFR
//! 312.32 reporting clock; results posted late or on a switched primary outcome are
//! marked for everyone to see. Only hashes, codes and counts go on chain.
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, sets the `staff_credentials` and
//!   `consent_registry` addresses, appoints regulators and upgrades the code (after its
//!   delay); removes regulators, pauses and unpauses (at once).
//! * **sponsor**: an account with a valid `TrialSponsor` credential (asked of
//!   `staff_credentials` whenever it acts); registers trials, proposes amendments, adds
//!   and removes investigators, reports SUSARs to the regulators, posts results.
//! * **IRB of record**: named by the sponsor at registration; must hold a valid
//!   `EthicsCommittee` credential when it approves a protocol version; suspends and
//!   resumes enrolment; may report adverse events of any participant.
//! * **investigator** (a site): added by the sponsor; must hold a valid medical licence
//!   when it acts; enrols participants, anchors its site's data, registers its devices,
//!   reports adverse events of any participant of the trial (not only its own site's,
//!   so that removing a site never silences its participants).
//! * **participant** (a patient account) or a **delegate** in force in
//!   `consent_registry`: consents to a protocol version (a delegate who runs the trial
//!   never does); withdraws at any time.
//! * **device maker**: a valid `DeviceManufacturer` credential when it attests the keys
//!   it built into its devices.
//! * **device**: registered per site by its compressed secp256k1 key, attested by its
//!   maker, with its own proof of possession (a signature binding the registering
//!   investigator, the trial and a fresh time); signs the batches it anchors (checked on
//!   chain with `ecdsa_recover`); anyone may relay them.
//! * **regulator**: named at instantiation or appointed by the governor; suspends and resumes enrolment;
//!   may report adverse events of any participant.
//!
//! ## Consent
//! Enrolment asks `consent_registry` whether the participant consents to the trial's
//! **sponsor** (the party that receives and analyses the data) for purpose `Research`
//! and every data category the trial collects, now: the grantee is the sponsor, not
//! the trial, because consents in the registry are given to accounts. What scopes that
//! consent to this trial is the participant's own consent, recorded here, to the trial's
//! current protocol version (with the hash of the signed form): a participant is
//! enrolled only once both hold, and after an amendment is approved their data is
//! accepted only after they consent to the new version. The research permit is asked
//! again whenever data is anchored (one call for a whole batch of participants): from
//! the moment a participant revokes it in the registry, none of their data is anchored,
//! as in remote_monitoring.
//!
//! ## Invariants
//! * Nobody is enrolled before the trial is registered and its IRB approved a protocol
//!   version, while an amendment awaits approval, while enrolment is suspended, or
//!   beyond the target enrolment.
//! * Data is accepted only for enrolled participants of the anchoring site who consented
//!   to the version in force and still consent to research by the sponsor when it is
//!   anchored, for periods that have ended and end no later than their withdrawal.
//! * A device's batches carry consecutive sequence numbers over non-overlapping periods
//!   and its signature over all of them, bound to this contract's address.
//! * Every SUSAR has a deadline (7 days fatal / life-threatening, 15 otherwise, from
//!   the report on chain); an unreported one is overdue after it; one reported after it
//!   is counted late.
//! * Results are posted once; `late` and `outcome_switched` are computed, not declared.
//! * Every message is O(1) or O(its input); every list is paged.
//!
//! ## Pause
//! While paused no trial is registered or amended, no version approved, nobody enrolled
//! or consented, no site, device or data added. Withdrawals, adverse-event and SUSAR
//! reports, suspensions and results keep working.
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

#[ink::contract]
pub mod clinical_trials {
    pub use crate::events::*;

    use crate::model::{self};
    pub use crate::model::{
        AdverseEvent, Amendment, BatchId, DataBatch, Device, DeviceBatch, Error, EventId,
        EventReport, Investigator, Participant, ParticipantNo, Peers, ProtocolVersion,
        ReportStatus, Result, Results, Seriousness, Trial, TrialId, TrialRequest, Version,
        VersionConsent, DEVICE_BATCH_DOMAIN, REGISTRATION_DOMAIN,
    };
    use healthcare_traits::anchoring::{self, DeviceKey, DeviceSignature, Registration};
    use healthcare_traits::{page_range, ApplyError, Governance, Governed};
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// The contract's storage.
    #[ink(storage)]
    pub struct ClinicalTrials {
        pub(crate) governance: Governance,
        pub(crate) peers: Lazy<Peers>,
        pub(crate) next_trial: TrialId,
        pub(crate) next_batch: BatchId,
        pub(crate) next_event: EventId,
        pub(crate) regulators: Mapping<AccountId, ()>,
        pub(crate) trials: Mapping<TrialId, Trial>,
        pub(crate) versions: Mapping<(TrialId, Version), ProtocolVersion>,
        /// (trial, outcome hash) -> the first approved version with that primary outcome.
        pub(crate) approved_outcomes: Mapping<(TrialId, Hash), Version>,
        pub(crate) investigators: Mapping<(TrialId, AccountId), Investigator>,
        pub(crate) investigator_list: Mapping<(TrialId, u32), AccountId>,
        pub(crate) version_consents: Mapping<(TrialId, AccountId), VersionConsent>,
        pub(crate) participants: Mapping<(TrialId, ParticipantNo), Participant>,
        pub(crate) participant_of: Mapping<(TrialId, AccountId), ParticipantNo>,
        pub(crate) batches: Mapping<BatchId, DataBatch>,
        pub(crate) batch_list: Mapping<(TrialId, u32), BatchId>,
        pub(crate) devices: Mapping<DeviceKey, Device>,
        /// (key, maker) -> the hash of the model the maker attested the key under.
        pub(crate) attestations: Mapping<(DeviceKey, AccountId), Hash>,
        pub(crate) events: Mapping<EventId, AdverseEvent>,
        pub(crate) event_list: Mapping<(TrialId, u32), EventId>,
        /// Unreported SUSARs per trial, dense by swap-remove (count in `Trial`), and each
        /// one's index.
        pub(crate) open_susar_list: Mapping<(TrialId, u32), EventId>,
        pub(crate) open_susar_index: Mapping<EventId, u32>,
        /// (trial, window number) -> serious events reported in that window.
        pub(crate) signal_counts: Mapping<(TrialId, u64), u32>,
    }

    impl ClinicalTrials {
        /// Creates the registry, governed by `governor` (the consortium's governor
        /// contract), asking `credentials` (staff_credentials) about credentials and
        /// `consent` (consent_registry) about consents and delegates, with the first
        /// `regulators`.
        #[ink(constructor)]
        pub fn new(
            governor: AccountId,
            credentials: AccountId,
            consent: AccountId,
            regulators: Vec<AccountId>,
        ) -> Result<Self> {
            let mut contract = Self::with_storage(governor, credentials, consent);
            for regulator in regulators {
                contract.appoint_regulator(regulator)?;
            }
            Ok(contract)
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

        /// The peer contracts.
        #[ink(message)]
        pub fn peers(&self) -> Peers {
            self.peers.get().unwrap_or(Peers {
                credentials: AccountId::from([0; 32]),
                consent: AccountId::from([0; 32]),
            })
        }

        /// True if `account` is a regulator.
        #[ink(message)]
        pub fn is_regulator(&self, account: AccountId) -> bool {
            self.regulators.contains(account)
        }

        // -------------------------------------------------------- registration

        /// An accredited sponsor: registers a trial; version 1 of its protocol awaits
        /// the IRB's approval. Returns the trial id.
        #[ink(message)]
        pub fn register_trial(&mut self, request: TrialRequest) -> Result<TrialId> {
            self.governance.ensure_running()?;
            let sponsor = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_register_trial(sponsor, now, request)
        }

        /// The trial's sponsor: proposes a protocol amendment, in force once the IRB
        /// approves it (one pending at a time). Returns the new version.
        #[ink(message)]
        pub fn propose_amendment(
            &mut self,
            trial: TrialId,
            amendment: Amendment,
        ) -> Result<Version> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_propose_amendment(now, trial, amendment)
        }

        /// The trial's IRB of record, holding a valid ethics-committee credential:
        /// approves the pending protocol version, which takes effect now.
        #[ink(message)]
        pub fn approve_version(&mut self, trial: TrialId, version: Version) -> Result<()> {
            self.governance.ensure_running()?;
            let irb = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_approve_version(irb, now, trial, version)
        }

        /// The trial's sponsor: adds an investigator (a site). The investigator's
        /// medical licence is asked whenever it acts.
        #[ink(message)]
        pub fn add_investigator(&mut self, trial: TrialId, investigator: AccountId) -> Result<()> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_add_investigator(now, trial, investigator)
        }

        /// The trial's sponsor (also while paused): removes an investigator; its
        /// participants stay enrolled, but the site enrols and anchors no more, and its
        /// devices anchor no data collected after the removal.
        #[ink(message)]
        pub fn remove_investigator(
            &mut self,
            trial: TrialId,
            investigator: AccountId,
        ) -> Result<()> {
            let now = self.env().block_timestamp();
            self.do_remove_investigator(now, trial, investigator)
        }

        /// The trial's IRB or a regulator (also while paused): suspends enrolment, with
        /// the hash of the reason.
        #[ink(message)]
        pub fn suspend_enrolment(&mut self, trial: TrialId, reason_hash: Hash) -> Result<()> {
            self.set_suspended(trial, Some(reason_hash))
        }

        /// The trial's IRB or a regulator (also while paused): resumes enrolment.
        #[ink(message)]
        pub fn resume_enrolment(&mut self, trial: TrialId) -> Result<()> {
            self.set_suspended(trial, None)
        }

        // ---------------------------------------------------------- participants

        /// The participant, or a delegate in force in consent_registry: consents to the
        /// trial's current approved protocol version, with the hash of the signed
        /// consent form. Before enrolment, and again after each approved amendment. A
        /// delegate who runs the trial (its sponsor, IRB or an active investigator) is
        /// refused with `DelegateSelfGrant`.
        #[ink(message)]
        pub fn consent_to_version(
            &mut self,
            trial: TrialId,
            participant: AccountId,
            version: Version,
            form_hash: Hash,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let by = self.env().caller();
            self.do_consent_to_version(by, trial, participant, version, form_hash)
        }

        /// A licensed investigator of the trial: enrols `participant`, who consented to
        /// the current protocol version here and to the sponsor for research on every
        /// category the trial collects in consent_registry. Returns the subject number.
        #[ink(message)]
        pub fn enrol(&mut self, trial: TrialId, participant: AccountId) -> Result<ParticipantNo> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_enrol(now, trial, participant)
        }

        /// The participant, or a delegate in force (also while paused): withdraws from
        /// the trial, now and for good. Data for periods ending after now is refused.
        #[ink(message)]
        pub fn withdraw(&mut self, trial: TrialId, participant: AccountId) -> Result<()> {
            let by = self.env().caller();
            self.do_withdraw(by, trial, participant)
        }

        // ------------------------------------------------------------------ data

        /// A licensed investigator of the trial: anchors a batch of its site's data (a
        /// Merkle root over `count` record hashes, see `healthcare_traits::anchoring`)
        /// for `participants` over the ended period `[from, until)`, each of whom still
        /// consents in consent_registry to research by the sponsor now
        /// (`NoResearchConsent`). Returns the batch id.
        #[ink(message)]
        pub fn anchor_data(
            &mut self,
            trial: TrialId,
            participants: Vec<ParticipantNo>,
            root: Hash,
            count: u32,
            from: Timestamp,
            until: Timestamp,
        ) -> Result<BatchId> {
            self.governance.ensure_running()?;
            self.do_anchor_data(trial, participants, root, count, from, until)
        }

        /// A licensed device maker: attests the compressed secp256k1 keys (at most
        /// `MAX_ATTESTED_KEYS`) it built into devices of the model `model_hash`. Only a
        /// key its maker attested can be registered at a site.
        #[ink(message)]
        pub fn attest_devices(&mut self, model_hash: Hash, keys: Vec<DeviceKey>) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_attest_devices(model_hash, keys)
        }

        /// A licensed investigator of the trial holding the device: registers it at its
        /// site by its compressed secp256k1 public key, which `maker` attested.
        /// `signature` is the device's proof of possession: its signature over
        /// `registration_hash` of the registration (the caller, the key, the trial as
        /// scope, `issued_at`), signed within `anchoring::REGISTRATION_WINDOW` of the
        /// block time.
        #[ink(message)]
        pub fn register_device(
            &mut self,
            trial: TrialId,
            key: DeviceKey,
            maker: AccountId,
            issued_at: Timestamp,
            signature: DeviceSignature,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_register_device(now, trial, key, maker, issued_at, signature)
        }

        /// The hash a device signs to prove possession of its key at registration on
        /// this contract (`anchoring::payload_hash` with `REGISTRATION_DOMAIN`).
        #[ink(message)]
        pub fn registration_hash(&self, registration: Registration) -> Hash {
            anchoring::payload_hash(REGISTRATION_DOMAIN, &self.env().account_id(), &registration)
        }

        /// The model (hash) under which `maker` attested `key`, if it did.
        #[ink(message)]
        pub fn attested_model(&self, key: DeviceKey, maker: AccountId) -> Option<Hash> {
            self.attestations.get((key, maker))
        }

        /// The device's investigator or the trial's sponsor (also while paused): retires
        /// a device for good (lost, broken, compromised key).
        #[ink(message)]
        pub fn retire_device(&mut self, key: DeviceKey) -> Result<()> {
            let caller = self.env().caller();
            self.do_retire_device(caller, key)
        }

        /// Anyone (the device or a gateway relaying it): anchors a batch a registered
        /// device signed (`signature` over `payload_hash(DEVICE_BATCH_DOMAIN, this
        /// contract, batch)`, see `device_batch_hash`) for a participant who still
        /// consents to research by the sponsor now, from a site not removed before the
        /// batch's end. Returns the batch id.
        #[ink(message)]
        pub fn anchor_device_data(
            &mut self,
            batch: DeviceBatch,
            signature: DeviceSignature,
        ) -> Result<BatchId> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_anchor_device_data(now, batch, signature)
        }

        /// The hash a device signs for `batch` on this contract.
        #[ink(message)]
        pub fn device_batch_hash(&self, batch: DeviceBatch) -> Hash {
            anchoring::payload_hash(DEVICE_BATCH_DOMAIN, &self.env().account_id(), &batch)
        }

        /// True if `record` (the hash of one record) is in anchored batch `batch`,
        /// `proof` being the sibling hashes from its leaf up.
        #[ink(message)]
        pub fn verify_inclusion(&self, batch: BatchId, record: Hash, proof: Vec<Hash>) -> bool {
            self.batches
                .get(batch)
                .is_some_and(|anchored| anchoring::verify(&anchored.root, &record, &proof))
        }

        // ---------------------------------------------------------------- safety

        /// The trial's IRB, a regulator, or any licensed investigator of the trial (also
        /// while paused): reports an adverse event of any participant of the trial (not
        /// only of the reporter's site, so that removing a site's investigator never
        /// leaves its participants without someone able to report). A SUSAR starts the
        /// regulator-report clock; a serious event counts towards the trial's safety
        /// signal. Returns the id.
        #[ink(message)]
        pub fn report_adverse_event(&mut self, report: EventReport) -> Result<EventId> {
            let now = self.env().block_timestamp();
            self.do_report_adverse_event(now, report)
        }

        /// The trial's sponsor (also while paused): records that it reported SUSAR
        /// `event` to the regulators (hash of the IND safety report). Returns whether
        /// that was on time or late.
        #[ink(message)]
        pub fn report_susar(&mut self, event: EventId, report_hash: Hash) -> Result<ReportStatus> {
            let now = self.env().block_timestamp();
            self.do_report_susar(now, event, report_hash)
        }

        // --------------------------------------------------------------- results

        /// The trial's sponsor (also while paused): posts the results, once: the hash of
        /// the results and of the primary outcome they report. Marked late past 12
        /// months after primary completion, and outcome-switched when the reported
        /// outcome was not approved before the first participant was enrolled (neither
        /// the registered one nor an amendment approved before enrolment began; every
        /// version with its outcome and approval date is in `protocol_versions`).
        #[ink(message)]
        pub fn post_results(
            &mut self,
            trial: TrialId,
            results_hash: Hash,
            reported_outcome_hash: Hash,
        ) -> Result<Results> {
            let now = self.env().block_timestamp();
            self.do_post_results(now, trial, results_hash, reported_outcome_hash)
        }

        // --------------------------------------------------------------- queries

        /// Trial `id`, if registered.
        #[ink(message)]
        pub fn trial(&self, id: TrialId) -> Option<Trial> {
            self.trials.get(id)
        }

        /// How many trials are registered (ids run from 1 to this).
        #[ink(message)]
        pub fn trial_count(&self) -> TrialId {
            self.next_trial.saturating_sub(1)
        }

        /// A page of trials by id, from `offset + 1`.
        #[ink(message)]
        pub fn trials(&self, offset: u32, limit: u32) -> Vec<Trial> {
            page_range(offset, limit, self.trial_count())
                .filter_map(|i| self.trials.get(i.saturating_add(1)))
                .collect()
        }

        /// Protocol version `version` of `trial`.
        #[ink(message)]
        pub fn protocol_version(
            &self,
            trial: TrialId,
            version: Version,
        ) -> Option<ProtocolVersion> {
            self.versions.get((trial, version))
        }

        /// A page of `trial`'s protocol versions, from version `offset + 1`.
        #[ink(message)]
        pub fn protocol_versions(
            &self,
            trial: TrialId,
            offset: u32,
            limit: u32,
        ) -> Vec<ProtocolVersion> {
            let latest = self.trials.get(trial).map_or(0, |t| t.latest_version);
            page_range(offset, limit, latest)
                .filter_map(|i| self.versions.get((trial, i.saturating_add(1))))
                .collect()
        }

        /// `account`'s investigator record in `trial`, if ever added.
        #[ink(message)]
        pub fn investigator(&self, trial: TrialId, account: AccountId) -> Option<Investigator> {
            self.investigators.get((trial, account))
        }

        /// A page of `trial`'s investigators (removed ones included).
        #[ink(message)]
        pub fn investigators(&self, trial: TrialId, offset: u32, limit: u32) -> Vec<Investigator> {
            let count = self.trials.get(trial).map_or(0, |t| t.investigator_count);
            page_range(offset, limit, count)
                .filter_map(|i| self.investigator_list.get((trial, i)))
                .filter_map(|account| self.investigators.get((trial, account)))
                .collect()
        }

        /// The latest protocol-version consent `account` gave for `trial`.
        #[ink(message)]
        pub fn version_consent(
            &self,
            trial: TrialId,
            account: AccountId,
        ) -> Option<VersionConsent> {
            self.version_consents.get((trial, account))
        }

        /// Participant `number` of `trial`.
        #[ink(message)]
        pub fn participant(&self, trial: TrialId, number: ParticipantNo) -> Option<Participant> {
            self.participants.get((trial, number))
        }

        /// The subject number of `account` in `trial`, if enrolled.
        #[ink(message)]
        pub fn participant_number(
            &self,
            trial: TrialId,
            account: AccountId,
        ) -> Option<ParticipantNo> {
            self.participant_of.get((trial, account))
        }

        /// A page of `trial`'s participants, from number `offset + 1`.
        #[ink(message)]
        pub fn participants(&self, trial: TrialId, offset: u32, limit: u32) -> Vec<Participant> {
            let count = self.trials.get(trial).map_or(0, |t| t.enrolled);
            page_range(offset, limit, count)
                .filter_map(|i| self.participants.get((trial, i.saturating_add(1))))
                .collect()
        }

        /// Anchored batch `id`.
        #[ink(message)]
        pub fn batch(&self, id: BatchId) -> Option<DataBatch> {
            self.batches.get(id)
        }

        /// A page of `trial`'s anchored batches, oldest first.
        #[ink(message)]
        pub fn batches_of(&self, trial: TrialId, offset: u32, limit: u32) -> Vec<DataBatch> {
            let count = self.trials.get(trial).map_or(0, |t| t.batch_count);
            page_range(offset, limit, count)
                .filter_map(|i| self.batch_list.get((trial, i)))
                .filter_map(|id| self.batches.get(id))
                .collect()
        }

        /// The device registered with `key`.
        #[ink(message)]
        pub fn device(&self, key: DeviceKey) -> Option<Device> {
            self.devices.get(key)
        }

        /// Adverse event `id` and where its regulator report stands now.
        #[ink(message)]
        pub fn adverse_event(&self, id: EventId) -> Option<(AdverseEvent, ReportStatus)> {
            let now = self.env().block_timestamp();
            self.events.get(id).map(|event| (event, event.status(now)))
        }

        /// A page of `trial`'s adverse events, oldest first, with their report status.
        #[ink(message)]
        pub fn adverse_events_of(
            &self,
            trial: TrialId,
            offset: u32,
            limit: u32,
        ) -> Vec<(AdverseEvent, ReportStatus)> {
            let count = self.trials.get(trial).map_or(0, |t| t.event_count);
            self.events_page(&self.event_list, trial, offset, limit, count)
        }

        /// A page of `trial`'s SUSARs not yet reported to the regulators, each `Pending`
        /// or `Overdue` now.
        #[ink(message)]
        pub fn open_susars(
            &self,
            trial: TrialId,
            offset: u32,
            limit: u32,
        ) -> Vec<(AdverseEvent, ReportStatus)> {
            let count = self.trials.get(trial).map_or(0, |t| t.open_susars);
            self.events_page(&self.open_susar_list, trial, offset, limit, count)
        }

        /// Serious adverse events of `trial` counted in the safety-signal window holding
        /// `at`.
        #[ink(message)]
        pub fn serious_events_in_window(&self, trial: TrialId, at: Timestamp) -> u32 {
            self.trials.get(trial).map_or(0, |t| {
                self.signal_counts
                    .get((trial, model::signal_bucket(at, t.signal_window)))
                    .unwrap_or(0)
            })
        }
    }

    impl Governed for ClinicalTrials {
        /// The governor this contract obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, a peer address (`Peer(Credentials | Consent, _)`), a
        /// regulator appointed or removed; `Unsupported` for any other, `Invalid` when the
        /// registry's rules refuse it. Only pausing, unpausing and removing a regulator
        /// apply while paused.
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
        }
    }
}

#[cfg(test)]
mod model_based;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
