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
    use crate::internal::push_indexed;
    use crate::model::{self, check_batch_size, check_period};
    pub use crate::model::{
        AdverseEvent, Amendment, BatchId, DataBatch, Device, DeviceBatch, Error, EventId,
        EventReport, Investigator, Participant, ParticipantNo, Peers, ProtocolVersion,
        ReportStatus, Result, Results, Seriousness, Trial, TrialId, TrialRequest, Version,
        VersionConsent, DEVICE_BATCH_DOMAIN, REGISTRATION_DOMAIN,
    };
    use healthcare_traits::anchoring::{
        self, DeviceKey, DeviceSignature, Registration, MAX_ATTESTED_KEYS,
    };
    use healthcare_traits::{
        ensure, page_range, ApplyError, CredentialKind, Governance, Governed, KindSet, PeerRole,
    };
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
            let mut peers = Lazy::new();
            peers.set(&Peers {
                credentials,
                consent,
            });
            let mut contract = Self {
                governance: Governance::new(governor),
                peers,
                next_trial: 1,
                next_batch: 1,
                next_event: 1,
                regulators: Mapping::default(),
                trials: Mapping::default(),
                versions: Mapping::default(),
                approved_outcomes: Mapping::default(),
                investigators: Mapping::default(),
                investigator_list: Mapping::default(),
                version_consents: Mapping::default(),
                participants: Mapping::default(),
                participant_of: Mapping::default(),
                batches: Mapping::default(),
                batch_list: Mapping::default(),
                devices: Mapping::default(),
                attestations: Mapping::default(),
                events: Mapping::default(),
                event_list: Mapping::default(),
                open_susar_list: Mapping::default(),
                open_susar_index: Mapping::default(),
                signal_counts: Mapping::default(),
            };
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

        /// The governor's `RemoveRegulator`: removes a regulator, at once (appointing one is
        /// a `Regulator` action, after the governor's delay).
        fn remove_regulator(&mut self, regulator: AccountId) -> Result<()> {
            ensure!(self.regulators.contains(regulator), Error::UnknownRegulator);
            self.regulators.remove(regulator);
            self.env().emit_event(RegulatorChanged {
                regulator,
                active: false,
            });
            Ok(())
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
            model::check_request(&request, now)?;
            self.ensure_sponsor_accredited(sponsor, now)?;
            let id = self.next_trial;
            self.next_trial = id.checked_add(1).ok_or(Error::Overflow)?;
            self.trials.insert(id, &request.trial(id, sponsor, now));
            self.versions.insert((id, 1), &request.first_version(now));
            self.env()
                .emit_event(TrialRegistered::of(id, sponsor, &request));
            Ok(id)
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
            let mut record = self.sponsored_by_caller(trial, now)?;
            ensure!(record.results.is_none(), Error::ResultsAlreadyPosted);
            ensure!(
                record.latest_version == record.current_version,
                Error::AmendmentPending
            );
            let current = self.version_of(trial, record.current_version)?;
            let target = amendment
                .target_enrolment
                .unwrap_or(current.target_enrolment);
            ensure!(
                target > 0 && target >= record.enrolled,
                Error::InvalidTarget
            );
            let outcome = amendment
                .primary_outcome_hash
                .unwrap_or(current.primary_outcome_hash);
            let version = record
                .latest_version
                .checked_add(1)
                .ok_or(Error::Overflow)?;
            let proposed = ProtocolVersion {
                version,
                protocol_hash: amendment.protocol_hash,
                reason_hash: Some(amendment.reason_hash),
                primary_outcome_hash: outcome,
                outcome_changed: outcome != current.primary_outcome_hash,
                target_enrolment: target,
                proposed_at: now,
                approved_at: None,
            };
            self.versions.insert((trial, version), &proposed);
            record.latest_version = version;
            self.trials.insert(trial, &record);
            self.env().emit_event(AmendmentProposed {
                trial,
                version,
                protocol_hash: proposed.protocol_hash,
                reason_hash: amendment.reason_hash,
                primary_outcome_hash: outcome,
                outcome_changed: proposed.outcome_changed,
                target_enrolment: target,
            });
            Ok(version)
        }

        /// The trial's IRB of record, holding a valid ethics-committee credential:
        /// approves the pending protocol version, which takes effect now.
        #[ink(message)]
        pub fn approve_version(&mut self, trial: TrialId, version: Version) -> Result<()> {
            self.governance.ensure_running()?;
            let irb = self.env().caller();
            let now = self.env().block_timestamp();
            let mut record = self.trial_of(trial)?;
            ensure!(record.irb == irb, Error::NotEthicsCommittee);
            let mut proposed = self.version_of(trial, version)?;
            ensure!(proposed.approved_at.is_none(), Error::AlreadyApproved);
            ensure!(version == record.latest_version, Error::UnknownVersion);
            ensure!(
                self.credential_valid(irb, KindSet::of(&[CredentialKind::EthicsCommittee]), now)?,
                Error::EthicsCommitteeNotAccredited
            );
            proposed.approved_at = Some(now);
            self.versions.insert((trial, version), &proposed);
            if !self
                .approved_outcomes
                .contains((trial, proposed.primary_outcome_hash))
            {
                self.approved_outcomes
                    .insert((trial, proposed.primary_outcome_hash), &version);
            }
            record.current_version = version;
            record.target_enrolment = proposed.target_enrolment;
            self.trials.insert(trial, &record);
            self.env().emit_event(VersionApproved {
                trial,
                version,
                irb,
            });
            Ok(())
        }

        /// The trial's sponsor: adds an investigator (a site). The investigator's
        /// medical licence is asked whenever it acts.
        #[ink(message)]
        pub fn add_investigator(&mut self, trial: TrialId, investigator: AccountId) -> Result<()> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            let mut record = self.sponsored_by_caller(trial, now)?;
            match self.investigators.get((trial, investigator)) {
                Some(existing) if existing.removed_at.is_none() => {
                    return Err(Error::InvestigatorExists)
                }
                Some(_) => {}
                None => {
                    record.investigator_count = push_indexed(
                        &mut self.investigator_list,
                        trial,
                        record.investigator_count,
                        &investigator,
                    )?;
                }
            }
            self.investigators.insert(
                (trial, investigator),
                &Investigator {
                    account: investigator,
                    added_at: now,
                    removed_at: None,
                },
            );
            self.trials.insert(trial, &record);
            self.env().emit_event(InvestigatorChanged {
                trial,
                investigator,
                active: true,
            });
            Ok(())
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
            self.sponsored_by_caller(trial, now)?;
            let mut site = self
                .investigators
                .get((trial, investigator))
                .filter(|site| site.removed_at.is_none())
                .ok_or(Error::NotInvestigator)?;
            site.removed_at = Some(now);
            self.investigators.insert((trial, investigator), &site);
            self.env().emit_event(InvestigatorChanged {
                trial,
                investigator,
                active: false,
            });
            Ok(())
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
            let record = self.trial_of(trial)?;
            ensure!(record.current_version != 0, Error::NoApprovedProtocol);
            ensure!(version == record.current_version, Error::NotCurrentVersion);
            if let Some(number) = self.participant_of.get((trial, participant)) {
                let enrolled = self
                    .participant(trial, number)
                    .ok_or(Error::UnknownParticipant)?;
                ensure!(enrolled.withdrawn_at.is_none(), Error::Withdrawn);
            }
            self.ensure_acts_for(participant, by)?;
            ensure!(
                by == participant || !self.runs_trial(&record, by),
                Error::DelegateSelfGrant
            );
            self.version_consents.insert(
                (trial, participant),
                &VersionConsent {
                    version,
                    form_hash,
                    at: self.env().block_timestamp(),
                    by,
                },
            );
            self.env().emit_event(VersionConsented {
                trial,
                version,
                participant,
                by,
                form_hash,
            });
            Ok(())
        }

        /// A licensed investigator of the trial: enrols `participant`, who consented to
        /// the current protocol version here and to the sponsor for research on every
        /// category the trial collects in consent_registry. Returns the subject number.
        #[ink(message)]
        pub fn enrol(&mut self, trial: TrialId, participant: AccountId) -> Result<ParticipantNo> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            let mut record = self.trial_of(trial)?;
            let investigator = self.licensed_investigator(trial, now)?;
            record.check_enrolment_open()?;
            ensure!(
                !self.participant_of.contains((trial, participant)),
                Error::AlreadyEnrolled
            );
            self.ensure_consented_to_current(&record, participant)?;
            self.ensure_research_consent_each(&record, ink::prelude::vec![participant], now)?;
            let number = record.enrolled.checked_add(1).ok_or(Error::Overflow)?;
            record.enrolled = number;
            self.participants.insert(
                (trial, number),
                &Participant {
                    number,
                    account: participant,
                    investigator,
                    enrolled_at: now,
                    withdrawn_at: None,
                },
            );
            self.participant_of.insert((trial, participant), &number);
            self.trials.insert(trial, &record);
            self.env().emit_event(ParticipantEnrolled {
                trial,
                investigator,
                number,
                participant,
                version: record.current_version,
            });
            Ok(number)
        }

        /// The participant, or a delegate in force (also while paused): withdraws from
        /// the trial, now and for good. Data for periods ending after now is refused.
        #[ink(message)]
        pub fn withdraw(&mut self, trial: TrialId, participant: AccountId) -> Result<()> {
            let by = self.env().caller();
            let number = self
                .participant_of
                .get((trial, participant))
                .ok_or(Error::UnknownParticipant)?;
            let mut enrolled = self
                .participants
                .get((trial, number))
                .ok_or(Error::UnknownParticipant)?;
            ensure!(enrolled.withdrawn_at.is_none(), Error::Withdrawn);
            self.ensure_acts_for(participant, by)?;
            enrolled.withdrawn_at = Some(self.env().block_timestamp());
            self.participants.insert((trial, number), &enrolled);
            self.env()
                .emit_event(ParticipantWithdrew { trial, number, by });
            Ok(())
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
            let now = self.env().block_timestamp();
            check_batch_size(count, participants.len())?;
            check_period(from, until, now)?;
            let record = self.trial_of(trial)?;
            let investigator = self.licensed_investigator(trial, now)?;
            let mut accounts = Vec::with_capacity(participants.len());
            for number in &participants {
                accounts.push(self.ensure_data_accepted(&record, *number, investigator, until)?);
            }
            self.ensure_research_consent_each(&record, accounts, now)?;
            self.record_batch(
                record,
                DataBatch {
                    id: 0,
                    trial,
                    investigator,
                    device: None,
                    root,
                    count,
                    participants: 0,
                    from,
                    until,
                    anchored_at: now,
                },
                participants,
            )
        }

        /// A licensed device maker: attests the compressed secp256k1 keys (at most
        /// `MAX_ATTESTED_KEYS`) it built into devices of the model `model_hash`. Only a
        /// key its maker attested can be registered at a site.
        #[ink(message)]
        pub fn attest_devices(&mut self, model_hash: Hash, keys: Vec<DeviceKey>) -> Result<()> {
            self.governance.ensure_running()?;
            ensure!(keys.len() <= MAX_ATTESTED_KEYS, Error::TooManyKeys);
            let maker = self.env().caller();
            let now = self.env().block_timestamp();
            ensure!(
                self.credential_valid(
                    maker,
                    KindSet::of(&[CredentialKind::DeviceManufacturer]),
                    now
                )?,
                Error::ManufacturerNotLicensed
            );
            for key in &keys {
                self.attestations.insert((*key, maker), &model_hash);
            }
            self.env().emit_event(DevicesAttested {
                maker,
                model_hash,
                keys,
            });
            Ok(())
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
            self.trial_of(trial)?;
            let investigator = self.licensed_investigator(trial, now)?;
            ensure!(!self.devices.contains(key), Error::DeviceExists);
            ensure!(self.attestations.contains((key, maker)), Error::NotAttested);
            let registration = Registration {
                registrant: investigator,
                key,
                scope: trial,
                issued_at,
            };
            anchoring::check_possession(
                REGISTRATION_DOMAIN,
                &self.env().account_id(),
                &registration,
                &signature,
                now,
            )?;
            self.devices.insert(
                key,
                &Device {
                    key,
                    trial,
                    investigator,
                    maker,
                    registered_at: now,
                    retired_at: None,
                    sequence: 0,
                    last_until: 0,
                },
            );
            self.env().emit_event(DeviceChanged {
                trial,
                investigator,
                device: key,
                retired: false,
            });
            Ok(())
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
            let mut device = self.devices.get(key).ok_or(Error::UnknownDevice)?;
            let record = self.trial_of(device.trial)?;
            ensure!(
                caller == device.investigator || caller == record.sponsor,
                Error::NotInvestigator
            );
            ensure!(device.retired_at.is_none(), Error::DeviceRetired);
            device.retired_at = Some(self.env().block_timestamp());
            self.devices.insert(key, &device);
            self.env().emit_event(DeviceChanged {
                trial: device.trial,
                investigator: device.investigator,
                device: key,
                retired: true,
            });
            Ok(())
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
            let mut device = self.devices.get(batch.device).ok_or(Error::UnknownDevice)?;
            ensure!(device.trial == batch.trial, Error::UnknownDevice);
            device.check_next(&batch)?;
            check_batch_size(batch.count, 1)?;
            check_period(batch.from, batch.until, now)?;
            ensure!(
                anchoring::signed_by(&self.device_batch_hash(batch), &signature, &batch.device),
                Error::BadSignature
            );
            let record = self.trial_of(batch.trial)?;
            self.investigators
                .get((batch.trial, device.investigator))
                .ok_or(Error::NotInvestigator)?
                .check_data_until(batch.until)?;
            let participant = self.ensure_data_accepted(
                &record,
                batch.participant,
                device.investigator,
                batch.until,
            )?;
            self.ensure_research_consent_each(&record, ink::prelude::vec![participant], now)?;
            device.sequence = batch.sequence;
            device.last_until = batch.until;
            self.devices.insert(batch.device, &device);
            self.record_batch(
                record,
                DataBatch {
                    id: 0,
                    trial: batch.trial,
                    investigator: device.investigator,
                    device: Some(batch.device),
                    root: batch.root,
                    count: batch.count,
                    participants: 0,
                    from: batch.from,
                    until: batch.until,
                    anchored_at: now,
                },
                ink::prelude::vec![batch.participant],
            )
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
            let mut record = self.trial_of(report.trial)?;
            let caller = self.env().caller();
            let investigator = if caller == record.irb || self.regulators.contains(caller) {
                caller
            } else {
                self.licensed_investigator(report.trial, now)?
            };
            self.participant(report.trial, report.participant)
                .ok_or(Error::UnknownParticipant)?;
            report.check_onset(record.registered_at, now)?;
            let id = self.next_event;
            self.next_event = id.checked_add(1).ok_or(Error::Overflow)?;
            let due = model::susar_due(&report, now)?;
            self.events
                .insert(id, &report.event(id, investigator, now, due));
            record.event_count =
                push_indexed(&mut self.event_list, report.trial, record.event_count, &id)?;
            if due.is_some() {
                self.open_susar_index.insert(id, &record.open_susars);
                record.open_susars = push_indexed(
                    &mut self.open_susar_list,
                    report.trial,
                    record.open_susars,
                    &id,
                )?;
            }
            self.env()
                .emit_event(AdverseEventReported::of(id, &report, due));
            if report.seriousness.is_serious() {
                self.count_serious(&record, now)?;
            }
            self.trials.insert(report.trial, &record);
            Ok(id)
        }

        /// The trial's sponsor (also while paused): records that it reported SUSAR
        /// `event` to the regulators (hash of the IND safety report). Returns whether
        /// that was on time or late.
        #[ink(message)]
        pub fn report_susar(&mut self, event: EventId, report_hash: Hash) -> Result<ReportStatus> {
            let now = self.env().block_timestamp();
            let mut reported = self.events.get(event).ok_or(Error::UnknownEvent)?;
            let mut record = self.sponsored_by_caller(reported.trial, now)?;
            ensure!(reported.due.is_some(), Error::NotSusar);
            ensure!(reported.regulator_report.is_none(), Error::AlreadyReported);
            reported.regulator_report = Some((now, report_hash));
            let status = reported.status(now);
            if status == ReportStatus::Late {
                record.late_susars = record.late_susars.checked_add(1).ok_or(Error::Overflow)?;
            }
            self.close_susar(&mut record, event)?;
            self.events.insert(event, &reported);
            self.trials.insert(reported.trial, &record);
            self.env().emit_event(SusarReported {
                event,
                trial: reported.trial,
                report_hash,
                status,
            });
            Ok(status)
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
            let mut record = self.sponsored_by_caller(trial, now)?;
            ensure!(record.results.is_none(), Error::ResultsAlreadyPosted);
            // Switched unless the outcome was approved before the first participant was
            // enrolled: an amendment after enrolment began cannot make a new outcome
            // look pre-specified.
            let first_enrolled = self.participants.get((trial, 1)).map(|p| p.enrolled_at);
            let approved_at = self
                .approved_outcomes
                .get((trial, reported_outcome_hash))
                .and_then(|version| self.versions.get((trial, version)))
                .and_then(|version| version.approved_at);
            let results = Results {
                results_hash,
                reported_outcome_hash,
                posted_at: now,
                late: model::results_late(record.primary_completion, now),
                outcome_switched: model::outcome_switched(approved_at, first_enrolled),
            };
            record.results = Some(results);
            self.trials.insert(trial, &record);
            self.env().emit_event(ResultsPosted {
                trial,
                results_hash,
                reported_outcome_hash,
                late: results.late,
                outcome_switched: results.outcome_switched,
            });
            Ok(results)
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

    impl healthcare_traits::governance::Governs for ClinicalTrials {
        fn governance(&mut self) -> &mut Governance {
            &mut self.governance
        }

        /// The governor's actions that are this registry's own: peer addresses and
        /// regulators.
        fn apply_own(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            use healthcare_traits::Action;
            let done = match action {
                Action::Peer(role @ (PeerRole::Credentials | PeerRole::Consent), address) => {
                    let mut peers = self.peers();
                    if role == PeerRole::Credentials {
                        peers.credentials = address;
                    } else {
                        peers.consent = address;
                    }
                    self.peers.set(&peers);
                    Ok(())
                }
                Action::Regulator(regulator) => self.appoint_regulator(regulator),
                Action::RemoveRegulator(regulator) => self.remove_regulator(regulator),
                _ => return Err(ApplyError::Unsupported),
            };
            done.map_err(|_| ApplyError::Invalid)
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
