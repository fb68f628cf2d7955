//! The events of clinical_trials: enough for an indexer to rebuild every trial, its
//! protocol versions, sites, participants, consents, anchored data, devices, safety
//! reports and results. Topics are on ids (trial, batch, event, version) and on the
//! acting institutions; a participant's account is never a topic.

use crate::model::{BatchId, EventId, ParticipantNo, ReportStatus, Seriousness, TrialId, Version};
use healthcare_traits::anchoring::DeviceKey;
use healthcare_traits::{AccountId, DataCategories, Hash, Timestamp};
use ink::prelude::vec::Vec;

impl TrialRegistered {
    /// The event of trial `trial`'s registration by `sponsor` with `request`.
    pub fn of(trial: TrialId, sponsor: AccountId, request: &crate::model::TrialRequest) -> Self {
        Self {
            trial,
            sponsor,
            irb: request.irb,
            protocol_hash: request.protocol_hash,
            registration_hash: request.registration_hash,
            primary_outcome_hash: request.primary_outcome_hash,
            target_enrolment: request.target_enrolment,
            primary_completion: request.primary_completion,
            categories: request.categories,
            signal_threshold: request.signal_threshold,
            signal_window: request.signal_window,
        }
    }
}

/// A trial was registered (version 1 of its protocol awaits IRB approval).
#[ink::event]
pub struct TrialRegistered {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The sponsor.
    #[ink(topic)]
    pub sponsor: AccountId,
    /// The IRB of record.
    #[ink(topic)]
    pub irb: AccountId,
    /// Hash of the protocol (version 1).
    pub protocol_hash: Hash,
    /// Hash of the registration record.
    pub registration_hash: Hash,
    /// Hash of the pre-specified primary outcome.
    pub primary_outcome_hash: Hash,
    /// Target enrolment.
    pub target_enrolment: u32,
    /// Planned primary completion date.
    pub primary_completion: Timestamp,
    /// Data categories collected.
    pub categories: DataCategories,
    /// Serious events per window that raise a safety signal.
    pub signal_threshold: u32,
    /// The safety-signal window (ms).
    pub signal_window: Timestamp,
}

/// The sponsor proposed a protocol amendment (it takes effect once the IRB approves).
#[ink::event]
pub struct AmendmentProposed {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The new version.
    #[ink(topic)]
    pub version: Version,
    /// Hash of the amended protocol.
    pub protocol_hash: Hash,
    /// Hash of the reason.
    pub reason_hash: Hash,
    /// The primary outcome with this version.
    pub primary_outcome_hash: Hash,
    /// True if the amendment changes the primary outcome.
    pub outcome_changed: bool,
    /// Target enrolment with this version.
    pub target_enrolment: u32,
}

/// The IRB approved a protocol version, which is now in force: data is accepted only
/// from participants who consented to it.
#[ink::event]
pub struct VersionApproved {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The version.
    #[ink(topic)]
    pub version: Version,
    /// The IRB.
    #[ink(topic)]
    pub irb: AccountId,
}

/// An investigator (site) was added to or removed from a trial.
#[ink::event]
pub struct InvestigatorChanged {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The investigator.
    #[ink(topic)]
    pub investigator: AccountId,
    /// Added (true) or removed (false).
    pub active: bool,
}

/// Enrolment was suspended (with the reason's hash) or resumed (`None`).
#[ink::event]
pub struct EnrolmentSuspensionChanged {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The IRB or regulator acting.
    #[ink(topic)]
    pub by: AccountId,
    /// Suspended (true) or resumed (false).
    pub suspended: bool,
    /// Hash of the reason, when suspended.
    pub reason_hash: Option<Hash>,
}

/// A participant (or a delegate) consented to a protocol version.
#[ink::event]
pub struct VersionConsented {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The version.
    #[ink(topic)]
    pub version: Version,
    /// The participant's account.
    pub participant: AccountId,
    /// Who signed: the participant or a delegate.
    pub by: AccountId,
    /// Hash of the signed consent form.
    pub form_hash: Hash,
}

/// A participant was enrolled.
#[ink::event]
pub struct ParticipantEnrolled {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The enrolling investigator.
    #[ink(topic)]
    pub investigator: AccountId,
    /// The subject number.
    pub number: ParticipantNo,
    /// The participant's account.
    pub participant: AccountId,
    /// The protocol version consented to.
    pub version: Version,
}

/// A participant withdrew: no data for later periods is accepted.
#[ink::event]
pub struct ParticipantWithdrew {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The subject number.
    pub number: ParticipantNo,
    /// Who withdrew them: the participant or a delegate.
    pub by: AccountId,
}

/// A batch of trial data was anchored.
#[ink::event]
pub struct DataAnchored {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The site's investigator.
    #[ink(topic)]
    pub investigator: AccountId,
    /// The signing device, for a device batch.
    pub device: Option<DeviceKey>,
    /// Merkle root.
    pub root: Hash,
    /// Records in the tree.
    pub count: u32,
    /// The participants the batch covers.
    pub participants: Vec<ParticipantNo>,
    /// Start of the period.
    pub from: Timestamp,
    /// End of the period (exclusive).
    pub until: Timestamp,
}

/// A device maker attested keys it built into devices of a model: each may now be
/// registered at a site by whoever holds the device.
#[ink::event]
pub struct DevicesAttested {
    /// The maker.
    #[ink(topic)]
    pub maker: AccountId,
    /// Hash of the model's device record.
    pub model_hash: Hash,
    /// The devices' keys.
    pub keys: Vec<DeviceKey>,
}

/// A device was registered at a site (`retired` false) or retired (true).
#[ink::event]
pub struct DeviceChanged {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The site's investigator.
    #[ink(topic)]
    pub investigator: AccountId,
    /// The device's public key.
    pub device: DeviceKey,
    /// Retired.
    pub retired: bool,
}

impl AdverseEventReported {
    /// The event of `report`, recorded as `event` with its deadline `due`.
    pub fn of(event: EventId, report: &crate::model::EventReport, due: Option<Timestamp>) -> Self {
        Self {
            event,
            trial: report.trial,
            participant: report.participant,
            seriousness: report.seriousness,
            expected: report.expected,
            suspected: report.suspected,
            onset: report.onset,
            report_hash: report.report_hash,
            due,
        }
    }
}

/// An investigator reported an adverse event.
#[ink::event]
pub struct AdverseEventReported {
    /// The event.
    #[ink(topic)]
    pub event: EventId,
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The participant.
    pub participant: ParticipantNo,
    /// Seriousness.
    pub seriousness: Seriousness,
    /// Expected.
    pub expected: bool,
    /// Suspected reaction.
    pub suspected: bool,
    /// Onset.
    pub onset: Timestamp,
    /// Hash of the report.
    pub report_hash: Hash,
    /// The regulator-report deadline, for a SUSAR.
    pub due: Option<Timestamp>,
}

/// The sponsor reported a SUSAR to the regulators.
#[ink::event]
pub struct SusarReported {
    /// The event.
    #[ink(topic)]
    pub event: EventId,
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// Hash of the sponsor's report (IND safety report).
    pub report_hash: Hash,
    /// On time or late.
    pub status: ReportStatus,
}

/// Serious adverse events in one window reached the trial's threshold.
#[ink::event]
pub struct SafetySignalRaised {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// The window's start.
    pub window_start: Timestamp,
    /// Serious events counted in the window.
    pub serious_events: u32,
}

/// The sponsor posted the trial's results.
#[ink::event]
pub struct ResultsPosted {
    /// The trial.
    #[ink(topic)]
    pub trial: TrialId,
    /// Hash of the results.
    pub results_hash: Hash,
    /// Hash of the primary outcome reported.
    pub reported_outcome_hash: Hash,
    /// Posted more than 12 months after primary completion.
    pub late: bool,
    /// The reported outcome is not the registered one nor an approved amendment's.
    pub outcome_switched: bool,
}

/// A regulator was appointed (by the governor, after its delay) or removed.
#[ink::event]
pub struct RegulatorChanged {
    /// The regulator.
    #[ink(topic)]
    pub regulator: AccountId,
    /// Appointed (true) or removed (false).
    pub active: bool,
}
