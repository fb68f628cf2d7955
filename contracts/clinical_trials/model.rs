//! The trial registry's data and rules in plain Rust (no storage, no environment): the
//! error enum, trials and their protocol versions, participants and their consent to a
//! version, anchored data batches, devices, adverse events with the 21 CFR 312.32
//! reporting clock, the safety-signal window and the results rules (late, outcome
//! switched).

use healthcare_traits::anchoring::DeviceKey;
use healthcare_traits::{AccountId, DataCategories, Hash, Timestamp, DAY};

/// Id of a trial, from 1.
pub type TrialId = u32;
/// A protocol version of a trial, from 1 (0: none approved yet).
pub type Version = u32;
/// A participant's number within a trial (the subject number), from 1.
pub type ParticipantNo = u32;
/// Id of an anchored data batch, from 1.
pub type BatchId = u64;
/// Id of an adverse-event report, from 1.
pub type EventId = u64;

/// Most participants one data batch names.
pub const MAX_PARTICIPANTS_PER_BATCH: usize = 100;
/// 21 CFR 312.32(c)(2): a fatal or life-threatening SUSAR is reported within 7 days.
pub const URGENT_SUSAR_WINDOW: Timestamp = 7 * DAY;
/// 21 CFR 312.32(c)(1): any other SUSAR is reported within 15 days.
pub const SUSAR_WINDOW: Timestamp = 15 * DAY;
/// Results are due 12 months (taken as 365 days) after the primary completion date
/// (42 CFR 11.44).
pub const RESULTS_DUE_AFTER: Timestamp = 365 * DAY;
/// The shortest safety-signal window (one day): a shorter one counts nothing useful.
pub const MIN_SIGNAL_WINDOW: Timestamp = DAY;

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller holds no valid trial-sponsor credential.
    SponsorNotAccredited,
    /// The caller is not this trial's sponsor.
    NotSponsor,
    /// The caller is not this trial's ethics committee (IRB) of record.
    NotEthicsCommittee,
    /// The IRB holds no valid ethics-committee credential.
    EthicsCommitteeNotAccredited,
    /// The caller is not an investigator of this trial.
    NotInvestigator,
    /// The investigator holds no valid medical licence now.
    InvestigatorNotLicensed,
    /// The account is already an investigator of this trial.
    InvestigatorExists,
    /// The caller is neither this trial's IRB nor a regulator.
    NotOversight,
    /// The account is already a regulator.
    RegulatorExists,
    /// The account is not a regulator.
    UnknownRegulator,
    /// No trial has this id.
    UnknownTrial,
    /// The trial has no such protocol version.
    UnknownVersion,
    /// The version is already approved.
    AlreadyApproved,
    /// An amendment is awaiting IRB approval: approve it first.
    AmendmentPending,
    /// No protocol version is approved yet: nobody can be enrolled.
    NoApprovedProtocol,
    /// Enrolment is suspended by the IRB or a regulator.
    EnrolmentSuspended,
    /// Enrolment is not suspended.
    EnrolmentNotSuspended,
    /// The trial has enrolled its target.
    TargetReached,
    /// A target enrolment of zero, or an amendment lowering it below those enrolled.
    InvalidTarget,
    /// A primary completion date not after registration.
    InvalidCompletionDate,
    /// An empty or malformed set of data categories.
    InvalidCategories,
    /// A safety-signal threshold of zero or a window shorter than a day.
    InvalidSignalRule,
    /// The participant's research consent to the sponsor, for every category the trial
    /// collects, is not in force in consent_registry.
    NoResearchConsent,
    /// The participant has not consented to the trial's current protocol version.
    NotConsentedToCurrentVersion,
    /// The caller is neither the participant nor a delegate in force.
    NotActingForParticipant,
    /// The account is already enrolled in this trial.
    AlreadyEnrolled,
    /// The trial has no such participant.
    UnknownParticipant,
    /// The participant has withdrawn.
    Withdrawn,
    /// Consent to a version that is not the trial's current approved version.
    NotCurrentVersion,
    /// A batch naming more than `MAX_PARTICIPANTS_PER_BATCH` participants.
    TooManyParticipants,
    /// A batch with no record or no participant, or fewer records than participants.
    EmptyBatch,
    /// A period that is empty, reversed or reaches into the future.
    BadPeriod,
    /// The participant was enrolled at another investigator's site.
    ParticipantNotAtSite,
    /// No device has this key.
    UnknownDevice,
    /// A device with this key is already registered.
    DeviceExists,
    /// The device was retired.
    DeviceRetired,
    /// The signature was not made by the device's key over this batch (or, at
    /// registration, over this registration).
    BadSignature,
    /// A device batch whose sequence number is not the device's next, or whose period
    /// starts before the end of the device's previous batch.
    StaleBatch,
    /// No adverse event has this id.
    UnknownEvent,
    /// The event is not a serious unexpected suspected adverse reaction.
    NotSusar,
    /// The SUSAR was already reported to the regulators.
    AlreadyReported,
    /// An onset time in the future or before the trial was registered.
    BadOnset,
    /// The trial's results are already posted.
    ResultsAlreadyPosted,
    /// The staff_credentials contract trapped.
    CredentialContractTrapped,
    /// The staff_credentials address holds no contract answering the credential query.
    CredentialContractUnreachable,
    /// The consent_registry contract trapped.
    ConsentContractTrapped,
    /// The consent_registry address holds no contract answering the consent query.
    ConsentContractUnreachable,
    /// A counter would overflow.
    Overflow,
    /// A delegate consented for the participant to a trial it runs itself (as its
    /// sponsor, IRB or an active investigator): a delegate acts for the participant,
    /// never in its own favour.
    DelegateSelfGrant,
    /// The caller holds no valid device-manufacturer credential.
    ManufacturerNotLicensed,
    /// The named maker has not attested this key.
    NotAttested,
    /// A registration proof signed more than `anchoring::REGISTRATION_WINDOW` away from
    /// the block time.
    StaleProof,
    /// More than `anchoring::MAX_ATTESTED_KEYS` keys in one attestation.
    TooManyKeys,
    /// A device batch of a site the sponsor removed, reaching past the removal: a removed
    /// site contributes no data collected after it.
    SiteRemoved,
}

healthcare_traits::impl_from_paused!(Error);

impl From<healthcare_traits::anchoring::ProofError> for Error {
    fn from(e: healthcare_traits::anchoring::ProofError) -> Self {
        match e {
            healthcare_traits::anchoring::ProofError::Stale => Error::StaleProof,
            healthcare_traits::anchoring::ProofError::BadSignature => Error::BadSignature,
        }
    }
}

/// The contract's result type.
pub type Result<T> = core::result::Result<T, Error>;

/// What the sponsor registers before anyone is enrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct TrialRequest {
    /// Hash of the protocol document (version 1).
    pub protocol_hash: Hash,
    /// Hash of the registration record (the WHO trial registration data set).
    pub registration_hash: Hash,
    /// Hash of the pre-specified primary outcome (measure, time frame, analysis).
    pub primary_outcome_hash: Hash,
    /// Participants to enrol (more only by amendment).
    pub target_enrolment: u32,
    /// Planned primary completion date.
    pub primary_completion: Timestamp,
    /// The ethics committee / IRB of record, which approves every protocol version.
    pub irb: AccountId,
    /// The data categories the trial collects: the research consent asked covers each.
    pub categories: DataCategories,
    /// Serious adverse events within one window that raise a safety signal.
    pub signal_threshold: u32,
    /// The safety-signal window (ms, at least a day).
    pub signal_window: Timestamp,
}

impl TrialRequest {
    /// The trial this request registers as `id` for `sponsor` at `now`: nothing enrolled,
    /// no version approved yet (version 1 awaits the IRB).
    pub fn trial(&self, id: TrialId, sponsor: AccountId, now: Timestamp) -> Trial {
        Trial {
            id,
            sponsor,
            irb: self.irb,
            registration_hash: self.registration_hash,
            registered_at: now,
            primary_completion: self.primary_completion,
            categories: self.categories,
            target_enrolment: self.target_enrolment,
            enrolled: 0,
            current_version: 0,
            latest_version: 1,
            suspended: false,
            signal_threshold: self.signal_threshold,
            signal_window: self.signal_window,
            investigator_count: 0,
            batch_count: 0,
            event_count: 0,
            open_susars: 0,
            late_susars: 0,
            results: None,
        }
    }

    /// Version 1 of the protocol, proposed at `now`, awaiting the IRB's approval.
    pub fn first_version(&self, now: Timestamp) -> ProtocolVersion {
        ProtocolVersion {
            version: 1,
            protocol_hash: self.protocol_hash,
            reason_hash: None,
            primary_outcome_hash: self.primary_outcome_hash,
            outcome_changed: false,
            target_enrolment: self.target_enrolment,
            proposed_at: now,
            approved_at: None,
        }
    }
}

/// A registered trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Trial {
    /// Its id.
    pub id: TrialId,
    /// The sponsor that registered it.
    pub sponsor: AccountId,
    /// The IRB of record.
    pub irb: AccountId,
    /// Hash of the registration record.
    pub registration_hash: Hash,
    /// Block time of registration.
    pub registered_at: Timestamp,
    /// Planned primary completion date.
    pub primary_completion: Timestamp,
    /// The data categories collected.
    pub categories: DataCategories,
    /// Target enrolment of the current version.
    pub target_enrolment: u32,
    /// Participants enrolled so far (withdrawn ones included).
    pub enrolled: u32,
    /// The approved version in force (0: none yet).
    pub current_version: Version,
    /// The latest version proposed (equal to `current_version` unless an amendment is
    /// pending).
    pub latest_version: Version,
    /// Enrolment suspended by the IRB or a regulator.
    pub suspended: bool,
    /// Serious events per window that raise a safety signal.
    pub signal_threshold: u32,
    /// The safety-signal window (ms).
    pub signal_window: Timestamp,
    /// Investigators (sites) added, removed ones included.
    pub investigator_count: u32,
    /// Data batches anchored.
    pub batch_count: u32,
    /// Adverse events reported.
    pub event_count: u32,
    /// SUSARs not yet reported to the regulators.
    pub open_susars: u32,
    /// SUSARs reported to the regulators after their deadline.
    pub late_susars: u32,
    /// The posted results, once posted.
    pub results: Option<Results>,
}

impl Trial {
    /// `Ok` if a participant may be enrolled now (one more than `enrolled`).
    pub fn check_enrolment_open(&self) -> Result<()> {
        if self.current_version == 0 {
            return Err(Error::NoApprovedProtocol);
        }
        if self.latest_version != self.current_version {
            return Err(Error::AmendmentPending);
        }
        if self.suspended {
            return Err(Error::EnrolmentSuspended);
        }
        if self.enrolled >= self.target_enrolment {
            return Err(Error::TargetReached);
        }
        Ok(())
    }
}

/// A protocol version: the original (1) or an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ProtocolVersion {
    /// Its number, from 1.
    pub version: Version,
    /// Hash of the protocol document.
    pub protocol_hash: Hash,
    /// Hash of the amendment's reason (none for version 1).
    pub reason_hash: Option<Hash>,
    /// The primary outcome in force with this version.
    pub primary_outcome_hash: Hash,
    /// True if this amendment changed the primary outcome.
    pub outcome_changed: bool,
    /// Target enrolment with this version.
    pub target_enrolment: u32,
    /// Block time proposed.
    pub proposed_at: Timestamp,
    /// Block time the IRB approved it.
    pub approved_at: Option<Timestamp>,
}

/// An amendment the sponsor proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Amendment {
    /// Hash of the amended protocol document.
    pub protocol_hash: Hash,
    /// Hash of the reason for the amendment.
    pub reason_hash: Hash,
    /// A new primary outcome (recorded as an outcome change), or none to keep it.
    pub primary_outcome_hash: Option<Hash>,
    /// A new target enrolment (not below those enrolled), or none to keep it.
    pub target_enrolment: Option<u32>,
}

/// A participant's signed consent to one protocol version (the latest they gave).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct VersionConsent {
    /// The version consented to.
    pub version: Version,
    /// Hash of the signed informed-consent form.
    pub form_hash: Hash,
    /// Block time of the consent.
    pub at: Timestamp,
    /// Who signed: the participant or a delegate.
    pub by: AccountId,
}

/// An enrolled participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Participant {
    /// The subject number, from 1.
    pub number: ParticipantNo,
    /// The participant's account (the one their consents are recorded under).
    pub account: AccountId,
    /// The investigator (site) that enrolled them.
    pub investigator: AccountId,
    /// Block time of enrolment.
    pub enrolled_at: Timestamp,
    /// Block time of withdrawal, if withdrawn.
    pub withdrawn_at: Option<Timestamp>,
}

impl Participant {
    /// `Ok` if data covering a period ending at `until` is accepted from this participant:
    /// not withdrawn before `until` (data collected before a withdrawal stays usable,
    /// 21 CFR 50.25 / FDA guidance on data retention).
    pub fn check_data_until(&self, until: Timestamp) -> Result<()> {
        match self.withdrawn_at {
            Some(at) if at < until => Err(Error::Withdrawn),
            _ => Ok(()),
        }
    }
}

/// An anchored batch of trial data: a Merkle root over the hashes of `count` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct DataBatch {
    /// Its id.
    pub id: BatchId,
    /// The trial.
    pub trial: TrialId,
    /// The site's investigator (for a device batch, the device's).
    pub investigator: AccountId,
    /// The device that signed it, for a device batch.
    pub device: Option<DeviceKey>,
    /// Merkle root (see `healthcare_traits::anchoring`).
    pub root: Hash,
    /// Records in the tree.
    pub count: u32,
    /// Participants the batch names.
    pub participants: u32,
    /// Start of the period covered.
    pub from: Timestamp,
    /// End of the period covered (exclusive).
    pub until: Timestamp,
    /// Block time anchored.
    pub anchored_at: Timestamp,
}

/// `Ok` if `[from, until)` is a non-empty period that has ended by `now`.
pub fn check_period(from: Timestamp, until: Timestamp, now: Timestamp) -> Result<()> {
    if from < until && until <= now {
        Ok(())
    } else {
        Err(Error::BadPeriod)
    }
}

/// `Ok` if a batch of `count` records for `participants` participants is well formed.
pub fn check_batch_size(count: u32, participants: usize) -> Result<()> {
    if participants > MAX_PARTICIPANTS_PER_BATCH {
        return Err(Error::TooManyParticipants);
    }
    let named = u32::try_from(participants).map_err(|_| Error::TooManyParticipants)?;
    if named == 0 || count < named {
        return Err(Error::EmptyBatch);
    }
    Ok(())
}

/// True when results reporting an outcome first approved at `approved_at` (None: never
/// approved) count as outcome switching, given when the trial's first participant was
/// enrolled: an outcome never approved, or approved only after enrolment began, was not
/// pre-specified (an amendment after the first enrolment cannot launder a new outcome).
pub fn outcome_switched(approved_at: Option<Timestamp>, first_enrolled: Option<Timestamp>) -> bool {
    match (approved_at, first_enrolled) {
        (None, _) => true,
        (Some(approved), Some(enrolled)) => approved > enrolled,
        (Some(_), None) => false,
    }
}

/// A device registered at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Device {
    /// Its compressed secp256k1 public key.
    pub key: DeviceKey,
    /// The trial.
    pub trial: TrialId,
    /// The investigator (site) that registered it.
    pub investigator: AccountId,
    /// The device maker that attested its key.
    pub maker: AccountId,
    /// Block time registered.
    pub registered_at: Timestamp,
    /// Block time retired, if retired.
    pub retired_at: Option<Timestamp>,
    /// Batches it anchored (the next batch's sequence number is this plus one).
    pub sequence: u64,
    /// End of the period of its latest batch.
    pub last_until: Timestamp,
}

impl Device {
    /// `Ok` if `batch` is the device's next batch: sequence number one more than the
    /// last, period starting at or after the previous one's end.
    pub fn check_next(&self, batch: &DeviceBatch) -> Result<()> {
        if self.retired_at.is_some() {
            return Err(Error::DeviceRetired);
        }
        let next = self.sequence.checked_add(1).ok_or(Error::Overflow)?;
        if batch.sequence != next || batch.from < self.last_until {
            return Err(Error::StaleBatch);
        }
        Ok(())
    }
}

/// What a device signs (see `healthcare_traits::anchoring::payload_hash`, domain
/// [`DEVICE_BATCH_DOMAIN`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct DeviceBatch {
    /// The signing device's key.
    pub device: DeviceKey,
    /// The trial.
    pub trial: TrialId,
    /// The participant wearing or using the device.
    pub participant: ParticipantNo,
    /// Merkle root of the readings' hashes.
    pub root: Hash,
    /// Readings in the tree.
    pub count: u32,
    /// Start of the period covered.
    pub from: Timestamp,
    /// End of the period covered (exclusive).
    pub until: Timestamp,
    /// The device's batch number, from 1, one more each batch (replay protection).
    pub sequence: u64,
}

/// The domain a device's signature is bound to.
pub const DEVICE_BATCH_DOMAIN: &[u8] = b"healthcare-suite/clinical_trials/device-batch/v1";
/// The domain of a device's proof of possession at registration (see
/// `healthcare_traits::anchoring::Registration`; its scope is the trial).
pub const REGISTRATION_DOMAIN: &[u8] = b"healthcare-suite/clinical_trials/register-device/v1";

/// ICH E2A / 21 CFR 312.32(a) seriousness of an adverse event.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Seriousness {
    /// Not serious.
    NonSerious,
    /// Resulted in death.
    Death,
    /// Life-threatening.
    LifeThreatening,
    /// Required or prolonged in-patient hospitalisation.
    Hospitalisation,
    /// Persistent or significant incapacity or disability.
    Disability,
    /// A congenital anomaly or birth defect.
    CongenitalAnomaly,
    /// Another important medical event (medical judgement).
    OtherImportantMedicalEvent,
}

impl Seriousness {
    /// Every seriousness, in encoding order.
    pub const ALL: [Seriousness; 7] = [
        Seriousness::NonSerious,
        Seriousness::Death,
        Seriousness::LifeThreatening,
        Seriousness::Hospitalisation,
        Seriousness::Disability,
        Seriousness::CongenitalAnomaly,
        Seriousness::OtherImportantMedicalEvent,
    ];

    /// True for every outcome but `NonSerious`.
    pub const fn is_serious(self) -> bool {
        !matches!(self, Seriousness::NonSerious)
    }

    /// The regulator reporting window of a SUSAR of this seriousness: 7 days if fatal or
    /// life-threatening, 15 otherwise (none if not serious).
    pub const fn susar_window(self) -> Option<Timestamp> {
        match self {
            Seriousness::NonSerious => None,
            Seriousness::Death | Seriousness::LifeThreatening => Some(URGENT_SUSAR_WINDOW),
            _ => Some(SUSAR_WINDOW),
        }
    }
}

/// What an investigator reports about an adverse event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct EventReport {
    /// The trial.
    pub trial: TrialId,
    /// The participant.
    pub participant: ParticipantNo,
    /// Seriousness.
    pub seriousness: Seriousness,
    /// Listed in the investigator's brochure (expected).
    pub expected: bool,
    /// A reasonable possibility that the drug caused it (suspected reaction).
    pub suspected: bool,
    /// When it began.
    pub onset: Timestamp,
    /// Hash of the report document (MedWatch 3500A / CIOMS I).
    pub report_hash: Hash,
}

impl EventReport {
    /// `Ok` if the event began between the trial's registration and `now`.
    pub fn check_onset(&self, registered_at: Timestamp, now: Timestamp) -> Result<()> {
        if self.onset <= now && self.onset >= registered_at {
            Ok(())
        } else {
            Err(Error::BadOnset)
        }
    }

    /// The adverse event this report records as `id`, by `investigator` at `now`, with
    /// its regulator-report deadline `due` (a SUSAR's; `None` otherwise).
    pub fn event(
        &self,
        id: EventId,
        investigator: AccountId,
        now: Timestamp,
        due: Option<Timestamp>,
    ) -> AdverseEvent {
        AdverseEvent {
            id,
            trial: self.trial,
            participant: self.participant,
            investigator,
            seriousness: self.seriousness,
            expected: self.expected,
            suspected: self.suspected,
            onset: self.onset,
            report_hash: self.report_hash,
            reported_at: now,
            due,
            regulator_report: None,
        }
    }
}

/// A reported adverse event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AdverseEvent {
    /// Its id.
    pub id: EventId,
    /// The trial.
    pub trial: TrialId,
    /// The participant.
    pub participant: ParticipantNo,
    /// Who reported it: an investigator of the trial, its IRB or a regulator.
    pub investigator: AccountId,
    /// Seriousness.
    pub seriousness: Seriousness,
    /// Expected.
    pub expected: bool,
    /// Suspected reaction.
    pub suspected: bool,
    /// Onset.
    pub onset: Timestamp,
    /// Hash of the investigator's report.
    pub report_hash: Hash,
    /// Block time reported on chain: the sponsor's receipt, from which the clock runs.
    pub reported_at: Timestamp,
    /// The regulator-report deadline, for a SUSAR.
    pub due: Option<Timestamp>,
    /// When the sponsor reported it to the regulators, with its report's hash.
    pub regulator_report: Option<(Timestamp, Hash)>,
}

/// True for a serious, unexpected, suspected adverse reaction.
pub const fn is_susar(seriousness: Seriousness, expected: bool, suspected: bool) -> bool {
    seriousness.is_serious() && !expected && suspected
}

/// The regulator-report deadline of an event reported at `reported_at`, if a SUSAR.
pub fn susar_due(report: &EventReport, reported_at: Timestamp) -> Result<Option<Timestamp>> {
    if !is_susar(report.seriousness, report.expected, report.suspected) {
        return Ok(None);
    }
    match report.seriousness.susar_window() {
        Some(window) => reported_at
            .checked_add(window)
            .map(Some)
            .ok_or(Error::Overflow),
        None => Ok(None),
    }
}

/// Where a SUSAR's regulator report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ReportStatus {
    /// Not a SUSAR: no expedited report is due.
    NotDue,
    /// Not reported yet, deadline not passed.
    Pending,
    /// Not reported yet, deadline passed.
    Overdue,
    /// Reported by the deadline.
    OnTime,
    /// Reported after the deadline.
    Late,
}

impl AdverseEvent {
    /// Where the regulator report stands at `now`.
    pub fn status(&self, now: Timestamp) -> ReportStatus {
        match (self.due, self.regulator_report) {
            (None, _) => ReportStatus::NotDue,
            (Some(due), None) if now > due => ReportStatus::Overdue,
            (Some(_), None) => ReportStatus::Pending,
            (Some(due), Some((at, _))) if at > due => ReportStatus::Late,
            (Some(_), Some(_)) => ReportStatus::OnTime,
        }
    }
}

/// The safety-signal window a moment falls in: windows are fixed, `window` long, from
/// the epoch.
pub fn signal_bucket(at: Timestamp, window: Timestamp) -> u64 {
    at.checked_div(window).unwrap_or(0)
}

/// The posted results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Results {
    /// Hash of the results document.
    pub results_hash: Hash,
    /// Hash of the primary outcome the results report on.
    pub reported_outcome_hash: Hash,
    /// Block time posted.
    pub posted_at: Timestamp,
    /// Posted more than 12 months after the primary completion date.
    pub late: bool,
    /// The reported primary outcome is neither the registered one nor that of any
    /// approved amendment.
    pub outcome_switched: bool,
}

/// True if results posted at `posted_at` are late for `primary_completion`.
pub fn results_late(primary_completion: Timestamp, posted_at: Timestamp) -> bool {
    primary_completion
        .checked_add(RESULTS_DUE_AFTER)
        .is_some_and(|due| posted_at > due)
}

/// `Ok` if a registration request is well formed at `now`.
pub fn check_request(request: &TrialRequest, now: Timestamp) -> Result<()> {
    if request.target_enrolment == 0 {
        return Err(Error::InvalidTarget);
    }
    if request.primary_completion <= now {
        return Err(Error::InvalidCompletionDate);
    }
    if request.categories.is_empty() || !request.categories.is_well_formed() {
        return Err(Error::InvalidCategories);
    }
    if request.signal_threshold == 0 || request.signal_window < MIN_SIGNAL_WINDOW {
        return Err(Error::InvalidSignalRule);
    }
    Ok(())
}

/// The peer contracts asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Peers {
    /// staff_credentials.
    pub credentials: AccountId,
    /// consent_registry.
    pub consent: AccountId,
}

/// An investigator (site) of a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Investigator {
    /// The investigator's account.
    pub account: AccountId,
    /// Block time added.
    pub added_at: Timestamp,
    /// Block time removed, if removed.
    pub removed_at: Option<Timestamp>,
}

impl Investigator {
    /// `Ok` if the site may contribute data covering a period ending at `until`: not
    /// removed before `until` (readings its devices took before the removal, relayed
    /// late, are still the site's data).
    pub fn check_data_until(&self, until: Timestamp) -> Result<()> {
        match self.removed_at {
            Some(at) if at < until => Err(Error::SiteRemoved),
            _ => Ok(()),
        }
    }
}
