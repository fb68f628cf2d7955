//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of the trial messages (registration,
//! amendments, IRB approval, investigators, suspension, consent to a protocol version,
//! enrolment, withdrawal, site data, adverse events, SUSAR reports, results, pause) by
//! random callers, interleaved with credentials and research consents that come and go,
//! peers that break and recover, and time that moves forward, run against the contract
//! (off-chain engine, peers answered by `healthcare_traits::stand_in`) and against
//! [`Model`], a reference written as plainly as possible. After every call the contract's
//! answer (value or typed error) must equal the model's; then every trial's counters,
//! versions, suspension, results (late, outcome switched), every participant's number and
//! version consent, the open SUSARs and every adverse event's report status (which moves
//! with the clock alone) must equal the model's. A failing peer must leave no trace.
//!
//! Devices too: makers attest keys, investigators register them with a proof of
//! possession (held, for another registrant, another key's, another trial's, stale),
//! devices are retired, signed device batches arrive (the next one, replayed, skipping,
//! overlapping, unsigned, for a participant at another site, withdrawn or no longer
//! consenting) and records are checked against the anchored roots with inclusion proofs
//! (the record's own, another record's, a record of no batch); every device's state is
//! compared after each call.
//!
//! Not covered here (unit and sandbox tests cover them): the time-locked admin changes.
//!
//! `PROPTEST_CASES` sets the number of sequences (default [`CASES`]); each has [`OPS`]
//! operations; `MODEL_SEED` picks other sequences (`scripts/fuzz.sh`). A run fails, too,
//! when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::clinical_trials::*;
use healthcare_traits::anchoring::{proof_of, root_of, DeviceKey, MAX_ATTESTED_KEYS};
use healthcare_traits::signer::{DeviceSigner, Proof};
use healthcare_traits::stand_in;
use healthcare_traits::testing::prop::{config, finish, off_chain, proof};
use healthcare_traits::testing::{drive, pause_model, EXIT_WHILE_PAUSED};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, DataCategories, DataCategory, Governed, PeerRole,
    Purpose, DAY, HOUR,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Sequences per run (each of [`OPS`] operations): 20 × 400 = 8 000 operations.
const CASES: u32 = 20;
/// Operations per sequence.
const OPS: usize = 400;
const CONTRACT: &str = "clinical_trials";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "AlreadyApproved",
    "AlreadyEnrolled",
    "AlreadyReported",
    "AmendmentPending",
    "BadOnset",
    "BadPeriod",
    "ConsentContractTrapped",
    "CredentialContractTrapped",
    "EmptyBatch",
    "EnrolmentNotSuspended",
    "EnrolmentSuspended",
    "EthicsCommitteeNotAccredited",
    "InvalidCategories",
    "InvalidCompletionDate",
    "InvalidSignalRule",
    "InvalidTarget",
    "InvestigatorExists",
    "InvestigatorNotLicensed",
    "NoApprovedProtocol",
    "NoResearchConsent",
    "NotActingForParticipant",
    "NotConsentedToCurrentVersion",
    "NotCurrentVersion",
    "NotEthicsCommittee",
    "NotInvestigator",
    "NotOversight",
    "NotGovernor",
    "Unsupported",
    "NotSponsor",
    "NotSusar",
    "ParticipantNotAtSite",
    "Paused",
    "ResultsAlreadyPosted",
    "SiteRemoved",
    "SponsorNotAccredited",
    "TargetReached",
    "UnknownEvent",
    "UnknownParticipant",
    "UnknownTrial",
    "UnknownVersion",
    "Withdrawn",
    "TooManyKeys",
    "ManufacturerNotLicensed",
    "DeviceExists",
    "NotAttested",
    "StaleProof",
    "BadSignature",
    "UnknownDevice",
    "DeviceRetired",
    "StaleBatch",
    "true",
    "false",
    "RegulatorExists",
    "UnknownRegulator",
];
const START: u64 = 1_000 * DAY;
/// Accounts: 0 the governor, 1 and 2 sponsors, 3 an IRB, 4 and 5 investigators, 6 a stranger,
/// 7 and 8 participants, 9 a delegate of 7, 10 a regulator, 11 a device maker.
const ACCOUNTS: u8 = 12;
const REGULATOR: u8 = 10;
const MAKER: u8 = 11;
/// Devices by seed (1 to `DEVICES`).
const DEVICES: u8 = 3;
/// The category sets trials collect (the first is malformed: empty).
const CATEGORY_SETS: [u32; 3] = [
    0,
    DataCategory::VitalSigns.bit(),
    DataCategory::VitalSigns.bit() | DataCategory::LabResults.bit(),
];
const SERIOUSNESS: [Seriousness; 7] = Seriousness::ALL;

fn account(i: u8) -> AccountId {
    AccountId::from([i.saturating_add(1); 32])
}

/// The signing seed of device `device` (any byte names one of the `DEVICES`).
fn seed(device: u8) -> u8 {
    device % DEVICES + 1
}

fn key(device: u8) -> DeviceKey {
    DeviceSigner::from_seed(seed(device)).key()
}

fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}

fn categories(set: u32) -> DataCategories {
    DataCategories(set)
}

#[derive(Debug, Clone)]
enum Op {
    Advance {
        hours: u32,
    },
    Licence {
        who: u8,
        valid: bool,
    },
    Research {
        participant: u8,
        sponsor: u8,
        laboratory: bool,
        given: bool,
    },
    Break {
        peer: u8,
    },
    Pause {
        by: u8,
        pause: bool,
    },
    /// `by` (0: the governor) points the peer of `role` (0 credentials, 1 consent, 2
    /// monitoring: not a peer here) at account `to`.
    SetPeer {
        by: u8,
        role: u8,
        to: u8,
    },
    /// `by` (0: the governor) appoints (`appoint`) or removes regulator `who` (the
    /// first regulator, or the stranger 6).
    Regulator {
        by: u8,
        who: u8,
        appoint: bool,
    },
    Register {
        by: u8,
        irb: u8,
        target: u32,
        completion_days: i64,
        set: u8,
        outcome: u8,
        threshold: u32,
        window_days: u64,
    },
    Amend {
        by: u8,
        trial: u32,
        outcome: Option<u8>,
        target: Option<u32>,
    },
    Approve {
        by: u8,
        trial: u32,
        version: u32,
    },
    AddInvestigator {
        by: u8,
        trial: u32,
        who: u8,
    },
    RemoveInvestigator {
        by: u8,
        trial: u32,
        who: u8,
    },
    Suspend {
        by: u8,
        trial: u32,
        suspend: bool,
    },
    ConsentVersion {
        by: Option<u8>,
        trial: u32,
        participant: u8,
        version: u32,
    },
    Enrol {
        by: u8,
        trial: u32,
        participant: u8,
    },
    Withdraw {
        by: Option<u8>,
        trial: u32,
        participant: u8,
    },
    Anchor {
        by: u8,
        trial: u32,
        numbers: Vec<u32>,
        count: u32,
        back_hours: u32,
        span_hours: u32,
    },
    Report {
        by: u8,
        trial: u32,
        number: u32,
        seriousness: u8,
        expected: bool,
        suspected: bool,
        onset_back_hours: u32,
    },
    Susar {
        by: u8,
        event: u64,
    },
    Results {
        by: u8,
        trial: u32,
        outcome: u8,
    },
    /// `by` (default: the maker) attests `count` keys from device `first` on.
    Attest {
        by: Option<u8>,
        first: u8,
        count: usize,
    },
    RegisterDevice {
        by: u8,
        trial: u32,
        device: u8,
        /// Named as made by the maker that attested it (else by the stranger).
        maker: bool,
        proof: Proof,
    },
    RetireDevice {
        by: u8,
        device: u8,
    },
    AnchorDevice(DeviceAnchor),
    /// Is record `record` of the `batch`-th device batch in it, with the proof of record
    /// `proof` (an index past the batch: a record of no batch, no proof)?
    Verify {
        batch: u8,
        record: u8,
        proof: u8,
    },
}

/// A device batch: of `device`, for the device's trial (or `trial`), participant
/// `number`, `sequence` after the device's last (1: the next), starting `back_hours`
/// ago but not before the last batch's end (unless `overlap`), `records` records.
#[derive(Debug, Clone)]
struct DeviceAnchor {
    device: u8,
    trial: Option<u32>,
    number: u32,
    sequence: u64,
    overlap: bool,
    records: u8,
    back_hours: u32,
    span_hours: u32,
    signed: bool,
}

fn device_anchor() -> impl Strategy<Value = DeviceAnchor> {
    (
        0..DEVICES,
        prop::option::weighted(0.1, trial()),
        prop_oneof![5 => 1u32..=2, 1 => 0u32..5],
        prop_oneof![8 => Just(1u64), 1 => Just(0u64), 1 => Just(2u64)],
        prop::bool::weighted(0.1),
        prop_oneof![8 => 1u8..5, 1 => Just(0u8)],
        1u32..60,
        1u32..40,
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(
                device,
                trial,
                number,
                sequence,
                overlap,
                records,
                back_hours,
                span_hours,
                signed,
            )| {
                DeviceAnchor {
                    device,
                    trial,
                    number,
                    sequence,
                    overlap,
                    records,
                    back_hours,
                    span_hours,
                    signed,
                }
            },
        )
}

fn anyone() -> impl Strategy<Value = u8> {
    0u8..ACCOUNTS
}
fn sponsor() -> impl Strategy<Value = u8> {
    prop_oneof![8 => Just(1u8), 2 => Just(2u8), 1 => anyone()]
}
fn investigator() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 4u8..=5, 1 => anyone()]
}
fn participant() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 7u8..=8, 1 => anyone()]
}
fn trial() -> impl Strategy<Value = u32> {
    prop_oneof![6 => Just(1u32), 3 => Just(2u32), 1 => Just(3u32), 1 => Just(0u32), 1 => Just(9u32)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => prop_oneof![5 => 1u32..48, 1 => 48u32..800].prop_map(|hours| Op::Advance { hours }),
        2 => (prop_oneof![Just(1u8), Just(3u8), Just(4u8), Just(MAKER)], prop::bool::weighted(0.85))
            .prop_map(|(who, valid)| Op::Licence { who, valid }),
        5 => (participant(), 1u8..=2, any::<bool>(), prop::bool::weighted(0.7)).prop_map(
            |(participant, sponsor, laboratory, given)| Op::Research { participant, sponsor, laboratory, given }
        ),
        1 => prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)].prop_map(|peer| Op::Break { peer }),
        1 => (prop_oneof![3 => Just(0u8), 1 => anyone()], prop::bool::weighted(0.2))
            .prop_map(|(by, pause)| Op::Pause { by, pause }),
        1 => (prop_oneof![3 => Just(0u8), 1 => 1u8..6], 0..3u8, 0..6u8)
            .prop_map(|(by, role, to)| Op::SetPeer { by, role, to }),
        1 => (prop_oneof![3 => Just(0u8), 1 => Just(1u8)], prop_oneof![Just(REGULATOR), Just(6u8)], any::<bool>())
            .prop_map(|(by, who, appoint)| Op::Regulator { by, who, appoint }),
        3 => (
            sponsor(),
            prop_oneof![5 => Just(3u8), 1 => anyone()],
            prop_oneof![6 => 1u32..4, 1 => Just(0u32)],
            prop_oneof![6 => 30i64..400, 1 => -5i64..=0],
            prop_oneof![6 => 1u8..3, 1 => Just(0u8)],
            0u8..3,
            prop_oneof![6 => 1u32..4, 1 => Just(0u32)],
            prop_oneof![6 => 1u64..20, 1 => Just(0u64)],
        )
            .prop_map(|(by, irb, target, completion_days, set, outcome, threshold, window_days)| Op::Register {
                by, irb, target, completion_days, set, outcome, threshold, window_days
            }),
        2 => (sponsor(), trial(), prop::option::weighted(0.4, 0u8..4), prop::option::weighted(0.4, 0u32..6))
            .prop_map(|(by, trial, outcome, target)| Op::Amend { by, trial, outcome, target }),
        4 => (prop_oneof![5 => Just(3u8), 1 => anyone()], trial(), prop_oneof![5 => 1u32..=2, 1 => 0u32..6])
            .prop_map(|(by, trial, version)| Op::Approve { by, trial, version }),
        3 => (sponsor(), trial(), investigator()).prop_map(|(by, trial, who)| Op::AddInvestigator { by, trial, who }),
        1 => (sponsor(), trial(), investigator()).prop_map(|(by, trial, who)| Op::RemoveInvestigator { by, trial, who }),
        1 => (prop_oneof![2 => Just(3u8), 1 => Just(REGULATOR), 1 => anyone()], trial(), any::<bool>())
            .prop_map(|(by, trial, suspend)| Op::Suspend { by, trial, suspend }),
        6 => (prop::option::weighted(0.2, anyone()), trial(), participant(), prop_oneof![5 => 1u32..=2, 1 => 0u32..5])
            .prop_map(|(by, trial, participant, version)| Op::ConsentVersion { by, trial, participant, version }),
        6 => (investigator(), trial(), participant()).prop_map(|(by, trial, participant)| Op::Enrol { by, trial, participant }),
        1 => (prop::option::weighted(0.2, anyone()), trial(), participant())
            .prop_map(|(by, trial, participant)| Op::Withdraw { by, trial, participant }),
        4 => (
            investigator(),
            trial(),
            prop::collection::vec(prop_oneof![5 => 1u32..=2, 1 => 0u32..5], 0..3),
            0u32..5,
            0u32..100,
            1u32..60,
        )
            .prop_map(|(by, trial, numbers, count, back_hours, span_hours)| Op::Anchor {
                by, trial, numbers, count, back_hours, span_hours
            }),
        4 => (
            investigator(),
            trial(),
            prop_oneof![5 => 1u32..=2, 1 => 0u32..5],
            0u8..7,
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.7),
            prop_oneof![4 => 0u32..100, 2 => 100u32..100_000],
        )
            .prop_map(|(by, trial, number, seriousness, expected, suspected, onset_back_hours)| Op::Report {
                by, trial, number, seriousness, expected, suspected, onset_back_hours
            }),
        5 => (sponsor(), prop_oneof![6 => 1u64..=4, 1 => 0u64..10]).prop_map(|(by, event)| Op::Susar { by, event }),
        1 => (sponsor(), trial(), 0u8..4).prop_map(|(by, trial, outcome)| Op::Results { by, trial, outcome }),
        1 => (
            prop::option::weighted(0.2, anyone()),
            0..DEVICES,
            prop_oneof![6 => Just(usize::from(DEVICES)), 2 => 1usize..=2, 1 => Just(0usize), 1 => Just(MAX_ATTESTED_KEYS + 1)],
        )
            .prop_map(|(by, first, count)| Op::Attest { by, first, count }),
        3 => (investigator(), trial(), 0..DEVICES, prop::bool::weighted(0.9), proof())
            .prop_map(|(by, trial, device, maker, proof)| Op::RegisterDevice { by, trial, device, maker, proof }),
        1 => (prop_oneof![investigator(), sponsor()], 0..DEVICES)
            .prop_map(|(by, device)| Op::RetireDevice { by, device }),
        8 => device_anchor().prop_map(Op::AnchorDevice),
        3 => (any::<u8>(), 0u8..6, 0u8..6).prop_map(|(batch, record, proof)| Op::Verify { batch, record, proof }),
    ]
}

type Answer<T> = std::result::Result<T, Error>;

#[derive(Clone)]
struct TrialM {
    sponsor: AccountId,
    irb: AccountId,
    registered_at: u64,
    completion: u64,
    categories: u32,
    target: u32,
    enrolled: u32,
    current: u32,
    latest: u32,
    suspended: bool,
    window: u64,
    /// Versions by number - 1: (primary outcome, target, approved).
    versions: Vec<(Hash, u32, bool)>,
    /// Each approved primary outcome and when it was first approved.
    approved_outcomes: BTreeMap<Hash, u64>,
    /// When the first participant was enrolled.
    first_enrolled: Option<u64>,
    /// Investigators: removed or not.
    /// Each site of the trial and when it was removed (`None` while active).
    investigators: BTreeMap<AccountId, Option<u64>>,
    investigator_count: u32,
    /// Participants by number - 1: (account, investigator, withdrawn at).
    participants: Vec<(AccountId, AccountId, Option<u64>)>,
    numbers: BTreeMap<AccountId, u32>,
    /// The protocol version each account last consented to.
    consents: BTreeMap<AccountId, u32>,
    batch_count: u32,
    event_count: u32,
    open_susars: BTreeSet<u64>,
    late_susars: u32,
    signal_counts: BTreeMap<u64, u32>,
    results: Option<(bool, bool)>,
}

#[derive(Default)]
struct Model {
    now: u64,
    paused: bool,
    /// The peer addresses the governor set (the stand-ins answer whatever the address).
    addresses: Option<Peers>,
    /// The regulators (the first one at the start; the governor appoints and removes them).
    regulators: BTreeSet<AccountId>,
    kinds: BTreeMap<AccountId, CredentialKind>,
    research: BTreeSet<(AccountId, AccountId, u32)>,
    delegates: BTreeSet<(AccountId, AccountId)>,
    credentials_broken: bool,
    consent_broken: bool,
    trials: Vec<TrialM>,
    /// Events by id - 1: (trial, due, regulator report time).
    events: Vec<(u32, Option<u64>, Option<u64>)>,
    next_batch: u64,
    /// (key, maker) attested.
    attested: BTreeSet<(DeviceKey, AccountId)>,
    devices: BTreeMap<DeviceKey, DeviceM>,
    /// The records under each device batch's root, by batch id.
    device_batches: BTreeMap<u64, Vec<Hash>>,
    /// Device batches attempted (each attempt's records are new).
    attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DeviceM {
    trial: u32,
    investigator: AccountId,
    maker: AccountId,
    retired: bool,
    sequence: u64,
    last_until: u64,
}

impl Model {
    fn holds(&self, who: AccountId, kind: CredentialKind) -> Answer<bool> {
        if self.credentials_broken {
            return Err(Error::CredentialContractTrapped);
        }
        Ok(self.kinds.get(&who) == Some(&kind))
    }

    fn not_paused(&self) -> Answer<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    fn trial(&self, t: u32) -> Answer<TrialM> {
        let index = (t as usize).checked_sub(1).ok_or(Error::UnknownTrial)?;
        self.trials.get(index).cloned().ok_or(Error::UnknownTrial)
    }

    fn store(&mut self, t: u32, rec: TrialM) {
        self.trials[t as usize - 1] = rec;
    }

    fn sponsored_by(&self, t: u32, by: AccountId) -> Answer<TrialM> {
        let rec = self.trial(t)?;
        if rec.sponsor != by {
            return Err(Error::NotSponsor);
        }
        if !self.holds(by, CredentialKind::TrialSponsor)? {
            return Err(Error::SponsorNotAccredited);
        }
        Ok(rec)
    }

    fn investigator(&self, rec: &TrialM, by: AccountId) -> Answer<()> {
        if rec.investigators.get(&by) != Some(&None) {
            return Err(Error::NotInvestigator);
        }
        if !self.holds(by, CredentialKind::MedicalLicence)? {
            return Err(Error::InvestigatorNotLicensed);
        }
        Ok(())
    }

    fn acts_for(&self, participant: AccountId, by: AccountId) -> Answer<()> {
        if by == participant {
            return Ok(());
        }
        if self.consent_broken {
            return Err(Error::ConsentContractTrapped);
        }
        if self.delegates.contains(&(participant, by)) {
            Ok(())
        } else {
            Err(Error::NotActingForParticipant)
        }
    }

    /// The participant's account, if their data is accepted at this site until `until`.
    fn data_accepted(
        rec: &TrialM,
        number: u32,
        investigator: AccountId,
        until: u64,
    ) -> Answer<AccountId> {
        let index = (number as usize)
            .checked_sub(1)
            .ok_or(Error::UnknownParticipant)?;
        let (account, site, withdrawn) = rec
            .participants
            .get(index)
            .ok_or(Error::UnknownParticipant)?;
        if *site != investigator {
            return Err(Error::ParticipantNotAtSite);
        }
        if withdrawn.is_some_and(|at| at < until) {
            return Err(Error::Withdrawn);
        }
        if rec.consents.get(account) != Some(&rec.current) {
            return Err(Error::NotConsentedToCurrentVersion);
        }
        Ok(*account)
    }

    #[allow(clippy::too_many_arguments)]
    fn register(
        &mut self,
        by: AccountId,
        irb: AccountId,
        target: u32,
        completion: u64,
        set: u32,
        outcome: Hash,
        threshold: u32,
        window: u64,
    ) -> Answer<u32> {
        self.not_paused()?;
        if target == 0 {
            return Err(Error::InvalidTarget);
        }
        if completion <= self.now {
            return Err(Error::InvalidCompletionDate);
        }
        if set == 0 || set >> 14 != 0 {
            return Err(Error::InvalidCategories);
        }
        if threshold == 0 || window < DAY {
            return Err(Error::InvalidSignalRule);
        }
        if !self.holds(by, CredentialKind::TrialSponsor)? {
            return Err(Error::SponsorNotAccredited);
        }
        self.trials.push(TrialM {
            sponsor: by,
            irb,
            registered_at: self.now,
            completion,
            categories: set,
            target,
            enrolled: 0,
            current: 0,
            latest: 1,
            suspended: false,
            window,
            versions: vec![(outcome, target, false)],
            approved_outcomes: BTreeMap::new(),
            first_enrolled: None,
            investigators: BTreeMap::new(),
            investigator_count: 0,
            participants: Vec::new(),
            numbers: BTreeMap::new(),
            consents: BTreeMap::new(),
            batch_count: 0,
            event_count: 0,
            open_susars: BTreeSet::new(),
            late_susars: 0,
            signal_counts: BTreeMap::new(),
            results: None,
        });
        Ok(self.trials.len() as u32)
    }

    fn amend(
        &mut self,
        by: AccountId,
        t: u32,
        outcome: Option<Hash>,
        target: Option<u32>,
    ) -> Answer<u32> {
        self.not_paused()?;
        let mut rec = self.sponsored_by(t, by)?;
        if rec.results.is_some() {
            return Err(Error::ResultsAlreadyPosted);
        }
        if rec.latest != rec.current {
            return Err(Error::AmendmentPending);
        }
        let (current_outcome, current_target, _) = rec.versions[rec.current as usize - 1];
        let target = target.unwrap_or(current_target);
        if target == 0 || target < rec.enrolled {
            return Err(Error::InvalidTarget);
        }
        rec.versions
            .push((outcome.unwrap_or(current_outcome), target, false));
        rec.latest += 1;
        let version = rec.latest;
        self.store(t, rec);
        Ok(version)
    }

    fn approve(&mut self, by: AccountId, t: u32, version: u32) -> Answer<()> {
        self.not_paused()?;
        let mut rec = self.trial(t)?;
        if rec.irb != by {
            return Err(Error::NotEthicsCommittee);
        }
        let index = (version as usize)
            .checked_sub(1)
            .ok_or(Error::UnknownVersion)?;
        let (outcome, target, approved) = *rec.versions.get(index).ok_or(Error::UnknownVersion)?;
        if approved {
            return Err(Error::AlreadyApproved);
        }
        if !self.holds(by, CredentialKind::EthicsCommittee)? {
            return Err(Error::EthicsCommitteeNotAccredited);
        }
        rec.versions[index].2 = true;
        rec.approved_outcomes.entry(outcome).or_insert(self.now);
        rec.current = version;
        rec.target = target;
        self.store(t, rec);
        Ok(())
    }

    fn add_investigator(&mut self, by: AccountId, t: u32, who: AccountId) -> Answer<()> {
        self.not_paused()?;
        let mut rec = self.sponsored_by(t, by)?;
        match rec.investigators.get(&who) {
            Some(None) => return Err(Error::InvestigatorExists),
            Some(Some(_)) => {}
            None => rec.investigator_count += 1,
        }
        rec.investigators.insert(who, None);
        self.store(t, rec);
        Ok(())
    }

    fn remove_investigator(&mut self, by: AccountId, t: u32, who: AccountId) -> Answer<()> {
        let mut rec = self.sponsored_by(t, by)?;
        if rec.investigators.get(&who) != Some(&None) {
            return Err(Error::NotInvestigator);
        }
        rec.investigators.insert(who, Some(self.now));
        self.store(t, rec);
        Ok(())
    }

    fn suspend(&mut self, by: AccountId, t: u32, suspend: bool) -> Answer<()> {
        let mut rec = self.trial(t)?;
        if by != rec.irb && !self.regulators.contains(&by) {
            return Err(Error::NotOversight);
        }
        if suspend && rec.suspended {
            return Err(Error::EnrolmentSuspended);
        }
        if !suspend && !rec.suspended {
            return Err(Error::EnrolmentNotSuspended);
        }
        rec.suspended = suspend;
        self.store(t, rec);
        Ok(())
    }

    fn consent_version(
        &mut self,
        by: AccountId,
        t: u32,
        participant: AccountId,
        version: u32,
    ) -> Answer<()> {
        self.not_paused()?;
        let mut rec = self.trial(t)?;
        if rec.current == 0 {
            return Err(Error::NoApprovedProtocol);
        }
        if version != rec.current {
            return Err(Error::NotCurrentVersion);
        }
        if let Some(n) = rec.numbers.get(&participant) {
            if rec.participants[*n as usize - 1].2.is_some() {
                return Err(Error::Withdrawn);
            }
        }
        self.acts_for(participant, by)?;
        let runs = by == rec.sponsor || by == rec.irb || rec.investigators.get(&by) == Some(&None);
        if by != participant && runs {
            return Err(Error::DelegateSelfGrant);
        }
        rec.consents.insert(participant, version);
        self.store(t, rec);
        Ok(())
    }

    fn enrol(&mut self, by: AccountId, t: u32, participant: AccountId) -> Answer<u32> {
        self.not_paused()?;
        let mut rec = self.trial(t)?;
        self.investigator(&rec, by)?;
        if rec.current == 0 {
            return Err(Error::NoApprovedProtocol);
        }
        if rec.latest != rec.current {
            return Err(Error::AmendmentPending);
        }
        if rec.suspended {
            return Err(Error::EnrolmentSuspended);
        }
        if rec.enrolled >= rec.target {
            return Err(Error::TargetReached);
        }
        if rec.numbers.contains_key(&participant) {
            return Err(Error::AlreadyEnrolled);
        }
        if rec.consents.get(&participant) != Some(&rec.current) {
            return Err(Error::NotConsentedToCurrentVersion);
        }
        self.researching(&rec, &[participant])?;
        rec.enrolled += 1;
        rec.first_enrolled.get_or_insert(self.now);
        rec.participants.push((participant, by, None));
        rec.numbers.insert(participant, rec.enrolled);
        let number = rec.enrolled;
        self.store(t, rec);
        Ok(number)
    }

    /// `Ok` if each of `participants` consents to the sponsor for research on every
    /// category of the trial (one call to the registry for all of them).
    fn researching(&self, rec: &TrialM, participants: &[AccountId]) -> Answer<()> {
        if self.consent_broken {
            return Err(Error::ConsentContractTrapped);
        }
        let all = participants.iter().all(|participant| {
            (0..32)
                .filter(|b| rec.categories >> b & 1 == 1)
                .all(|b| self.research.contains(&(*participant, rec.sponsor, b)))
        });
        if !all {
            return Err(Error::NoResearchConsent);
        }
        Ok(())
    }

    fn withdraw(&mut self, by: AccountId, t: u32, participant: AccountId) -> Answer<()> {
        let mut rec = self.trial(t).map_err(|_| Error::UnknownParticipant)?;
        let n = *rec
            .numbers
            .get(&participant)
            .ok_or(Error::UnknownParticipant)?;
        if rec.participants[n as usize - 1].2.is_some() {
            return Err(Error::Withdrawn);
        }
        self.acts_for(participant, by)?;
        rec.participants[n as usize - 1].2 = Some(self.now);
        self.store(t, rec);
        Ok(())
    }

    fn anchor(
        &mut self,
        by: AccountId,
        t: u32,
        numbers: &[u32],
        count: u32,
        from: u64,
        until: u64,
    ) -> Answer<u64> {
        self.not_paused()?;
        if numbers.len() > 100 {
            return Err(Error::TooManyParticipants);
        }
        if numbers.is_empty() || (count as usize) < numbers.len() {
            return Err(Error::EmptyBatch);
        }
        if !(from < until && until <= self.now) {
            return Err(Error::BadPeriod);
        }
        let mut rec = self.trial(t)?;
        self.investigator(&rec, by)?;
        let mut accounts = Vec::new();
        for n in numbers {
            accounts.push(Self::data_accepted(&rec, *n, by, until)?);
        }
        self.researching(&rec, &accounts)?;
        rec.batch_count += 1;
        self.store(t, rec);
        let id = self.next_batch;
        self.next_batch += 1;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        by: AccountId,
        t: u32,
        number: u32,
        seriousness: Seriousness,
        expected: bool,
        suspected: bool,
        onset: u64,
    ) -> Answer<u64> {
        let mut rec = self.trial(t)?;
        // The IRB, a regulator or any investigator of the trial, for any participant.
        if by != rec.irb && !self.regulators.contains(&by) {
            self.investigator(&rec, by)?;
        }
        let index = (number as usize)
            .checked_sub(1)
            .ok_or(Error::UnknownParticipant)?;
        rec.participants
            .get(index)
            .ok_or(Error::UnknownParticipant)?;
        if !(onset <= self.now && onset >= rec.registered_at) {
            return Err(Error::BadOnset);
        }
        let susar = seriousness != Seriousness::NonSerious && !expected && suspected;
        let window = match seriousness {
            Seriousness::Death | Seriousness::LifeThreatening => 7 * DAY,
            _ => 15 * DAY,
        };
        let due = susar.then_some(self.now + window);
        self.events.push((t, due, None));
        let id = self.events.len() as u64;
        rec.event_count += 1;
        if due.is_some() {
            rec.open_susars.insert(id);
        }
        if seriousness != Seriousness::NonSerious {
            *rec.signal_counts.entry(self.now / rec.window).or_default() += 1;
        }
        self.store(t, rec);
        Ok(id)
    }

    fn susar(&mut self, by: AccountId, event: u64) -> Answer<ReportStatus> {
        let index = (event as usize).checked_sub(1).ok_or(Error::UnknownEvent)?;
        let (t, due, reported) = *self.events.get(index).ok_or(Error::UnknownEvent)?;
        let mut rec = self.sponsored_by(t, by)?;
        let due = due.ok_or(Error::NotSusar)?;
        if reported.is_some() {
            return Err(Error::AlreadyReported);
        }
        self.events[index].2 = Some(self.now);
        let status = if self.now > due {
            ReportStatus::Late
        } else {
            ReportStatus::OnTime
        };
        if status == ReportStatus::Late {
            rec.late_susars += 1;
        }
        rec.open_susars.remove(&event);
        self.store(t, rec);
        Ok(status)
    }

    fn results(&mut self, by: AccountId, t: u32, outcome: Hash) -> Answer<(bool, bool)> {
        let mut rec = self.sponsored_by(t, by)?;
        if rec.results.is_some() {
            return Err(Error::ResultsAlreadyPosted);
        }
        let late = self.now > rec.completion + 365 * DAY;
        // Switched unless approved before (or when) the first participant enrolled.
        let switched = match (rec.approved_outcomes.get(&outcome), rec.first_enrolled) {
            (None, _) => true,
            (Some(approved), Some(first)) => *approved > first,
            (Some(_), None) => false,
        };
        rec.results = Some((late, switched));
        self.store(t, rec);
        Ok((late, switched))
    }

    fn attest(&mut self, by: AccountId, keys: &[DeviceKey]) -> Answer<()> {
        self.not_paused()?;
        if keys.len() > MAX_ATTESTED_KEYS {
            return Err(Error::TooManyKeys);
        }
        if !self.holds(by, CredentialKind::DeviceManufacturer)? {
            return Err(Error::ManufacturerNotLicensed);
        }
        for k in keys {
            self.attested.insert((*k, by));
        }
        Ok(())
    }

    /// A licensed investigator of the trial registers an attested key, with the device's
    /// proof of possession for this registrant, key and trial, signed within the window.
    fn register_device(
        &mut self,
        by: AccountId,
        t: u32,
        key: DeviceKey,
        maker: AccountId,
        proof: Proof,
    ) -> Answer<()> {
        self.not_paused()?;
        let rec = self.trial(t)?;
        self.investigator(&rec, by)?;
        if self.devices.contains_key(&key) {
            return Err(Error::DeviceExists);
        }
        if !self.attested.contains(&(key, maker)) {
            return Err(Error::NotAttested);
        }
        match proof {
            Proof::Held => {}
            Proof::Stale => return Err(Error::StaleProof),
            Proof::ForAnother | Proof::OtherKey | Proof::OtherScope => {
                return Err(Error::BadSignature)
            }
        }
        self.devices.insert(
            key,
            DeviceM {
                trial: t,
                investigator: by,
                maker,
                retired: false,
                sequence: 0,
                last_until: 0,
            },
        );
        Ok(())
    }

    /// The device's investigator or the trial's sponsor, also while paused.
    fn retire_device(&mut self, by: AccountId, key: DeviceKey) -> Answer<()> {
        let device = self.devices.get(&key).ok_or(Error::UnknownDevice)?;
        let rec = self.trial(device.trial)?;
        if by != device.investigator && by != rec.sponsor {
            return Err(Error::NotInvestigator);
        }
        if device.retired {
            return Err(Error::DeviceRetired);
        }
        self.devices
            .get_mut(&key)
            .ok_or(Error::UnknownDevice)?
            .retired = true;
        Ok(())
    }

    /// A registered device's next batch, signed, for a participant of its site whose
    /// data is accepted until the batch's end and who consents to research now.
    fn anchor_device(
        &mut self,
        batch: &DeviceBatch,
        signed: bool,
        records: Vec<Hash>,
    ) -> Answer<u64> {
        self.not_paused()?;
        let device = self
            .devices
            .get(&batch.device)
            .cloned()
            .ok_or(Error::UnknownDevice)?;
        if device.trial != batch.trial {
            return Err(Error::UnknownDevice);
        }
        if device.retired {
            return Err(Error::DeviceRetired);
        }
        if batch.sequence != device.sequence + 1 || batch.from < device.last_until {
            return Err(Error::StaleBatch);
        }
        if batch.count == 0 {
            return Err(Error::EmptyBatch);
        }
        if !(batch.from < batch.until && batch.until <= self.now) {
            return Err(Error::BadPeriod);
        }
        if !signed {
            return Err(Error::BadSignature);
        }
        let mut rec = self.trial(batch.trial)?;
        // A removed site's device: only data collected before the removal.
        if rec
            .investigators
            .get(&device.investigator)
            .copied()
            .flatten()
            .is_some_and(|removed| removed < batch.until)
        {
            return Err(Error::SiteRemoved);
        }
        let account =
            Self::data_accepted(&rec, batch.participant, device.investigator, batch.until)?;
        self.researching(&rec, &[account])?;
        let stored = self
            .devices
            .get_mut(&batch.device)
            .ok_or(Error::UnknownDevice)?;
        stored.sequence = batch.sequence;
        stored.last_until = batch.until;
        rec.batch_count += 1;
        self.store(batch.trial, rec);
        let id = self.next_batch;
        self.next_batch += 1;
        self.device_batches.insert(id, records);
        Ok(id)
    }

    fn status(&self, due: Option<u64>, reported: Option<u64>) -> ReportStatus {
        match (due, reported) {
            (None, _) => ReportStatus::NotDue,
            (Some(d), None) if self.now > d => ReportStatus::Overdue,
            (Some(_), None) => ReportStatus::Pending,
            (Some(d), Some(at)) if at > d => ReportStatus::Late,
            _ => ReportStatus::OnTime,
        }
    }
}

fn render<T: core::fmt::Debug>(answer: &Answer<T>) -> String {
    format!("{answer:?}")
}

fn step(c: &mut ClinicalTrials, m: &mut Model, op: &Op) -> (String, String) {
    let as_caller = |i: u8| {
        test::set_caller::<Env>(account(i));
        account(i)
    };
    match op {
        Op::Advance { hours } => {
            m.now += u64::from(*hours) * HOUR;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::Licence { who, valid } => {
            let kind = match *who {
                1 => CredentialKind::TrialSponsor,
                3 => CredentialKind::EthicsCommittee,
                MAKER => CredentialKind::DeviceManufacturer,
                _ => CredentialKind::MedicalLicence,
            };
            let held: Vec<CredentialKind> = if *valid { vec![kind] } else { vec![] };
            stand_in::credentials(account(*who), &held);
            if *valid {
                m.kinds.insert(account(*who), kind);
            } else {
                m.kinds.remove(&account(*who));
            }
            (String::new(), String::new())
        }
        Op::Research {
            participant,
            sponsor,
            laboratory,
            given,
        } => {
            let category = if *laboratory {
                DataCategory::LabResults
            } else {
                DataCategory::VitalSigns
            };
            let (p, s) = (account(*participant), account(*sponsor));
            stand_in::consent(
                p,
                s,
                Purpose::Research,
                DataCategories::of(&[category]),
                *given,
            );
            let bit = category.bit().trailing_zeros();
            if *given {
                m.research.insert((p, s, bit));
            } else {
                m.research.remove(&(p, s, bit));
            }
            (String::new(), String::new())
        }
        Op::Break { peer } => {
            m.credentials_broken = *peer == 1;
            m.consent_broken = *peer == 2;
            stand_in::break_peers(m.credentials_broken, m.consent_broken);
            (String::new(), String::new())
        }
        Op::Regulator { by, who, appoint } => {
            let regulator = account(*who);
            test::set_caller::<Env>(account(*by));
            let got = c.apply(if *appoint {
                Gov::Regulator(regulator)
            } else {
                Gov::RemoveRegulator(regulator)
            });
            let want: core::result::Result<(), ApplyError> = if *by != 0 {
                Err(ApplyError::NotGovernor)
            } else if *appoint && m.paused {
                // Appointing waits for the pause to end; removing acts also while paused.
                Err(ApplyError::Paused)
            } else if *appoint == m.regulators.contains(&regulator) {
                healthcare_traits::testing::reached(
                    CONTRACT,
                    if *appoint {
                        "RegulatorExists"
                    } else {
                        "UnknownRegulator"
                    },
                );
                Err(ApplyError::Invalid)
            } else {
                if *appoint {
                    m.regulators.insert(regulator);
                } else {
                    m.regulators.remove(&regulator);
                }
                Ok(())
            };
            (
                format!("{got:?} {}", c.is_regulator(regulator)),
                format!("{want:?} {}", m.regulators.contains(&regulator)),
            )
        }
        Op::SetPeer { by, role, to } => {
            let role = [
                PeerRole::Credentials,
                PeerRole::Consent,
                PeerRole::Monitoring,
            ][usize::from(*role)];
            test::set_caller::<Env>(account(*by));
            let got = c.apply(Gov::Peer(role, account(*to)));
            let mut addresses = m.addresses.unwrap_or(Peers {
                credentials: account(20),
                consent: account(21),
            });
            let want = if *by != 0 {
                Err(ApplyError::NotGovernor)
            } else if m.paused {
                Err(ApplyError::Paused)
            } else if role == PeerRole::Monitoring {
                Err(ApplyError::Unsupported)
            } else {
                if role == PeerRole::Credentials {
                    addresses.credentials = account(*to);
                } else {
                    addresses.consent = account(*to);
                }
                m.addresses = Some(addresses);
                Ok(())
            };
            (
                format!("{got:?} {:?}", c.peers()),
                format!("{want:?} {addresses:?}"),
            )
        }
        Op::Pause { by, pause } => {
            as_caller(*by);
            let got = c.apply(if *pause { Gov::Pause } else { Gov::Unpause });
            let want = pause_model(*pause, *by == 0, &mut m.paused);
            (format!("{got:?}"), format!("{want:?}"))
        }
        Op::Register {
            by,
            irb,
            target,
            completion_days,
            set,
            outcome,
            threshold,
            window_days,
        } => {
            let who = as_caller(*by);
            let completion = m.now.saturating_add_signed(*completion_days * DAY as i64);
            let set = CATEGORY_SETS[usize::from(*set)];
            let request = TrialRequest {
                protocol_hash: h(1),
                registration_hash: h(2),
                primary_outcome_hash: h(0x10 + outcome),
                target_enrolment: *target,
                primary_completion: completion,
                irb: account(*irb),
                categories: categories(set),
                signal_threshold: *threshold,
                signal_window: window_days * DAY,
            };
            let got = c.register_trial(request);
            let want = m.register(
                who,
                account(*irb),
                *target,
                completion,
                set,
                h(0x10 + outcome),
                *threshold,
                window_days * DAY,
            );
            (render(&got), render(&want))
        }
        Op::Amend {
            by,
            trial,
            outcome,
            target,
        } => {
            let who = as_caller(*by);
            let outcome = outcome.map(|o| h(0x10 + o));
            let amendment = Amendment {
                protocol_hash: h(3),
                reason_hash: h(4),
                primary_outcome_hash: outcome,
                target_enrolment: *target,
            };
            let got = c.propose_amendment(*trial, amendment);
            (
                render(&got),
                render(&m.amend(who, *trial, outcome, *target)),
            )
        }
        Op::Approve { by, trial, version } => {
            let who = as_caller(*by);
            let got = c.approve_version(*trial, *version);
            (render(&got), render(&m.approve(who, *trial, *version)))
        }
        Op::AddInvestigator { by, trial, who } => {
            let caller = as_caller(*by);
            let got = c.add_investigator(*trial, account(*who));
            (
                render(&got),
                render(&m.add_investigator(caller, *trial, account(*who))),
            )
        }
        Op::RemoveInvestigator { by, trial, who } => {
            let caller = as_caller(*by);
            let got = c.remove_investigator(*trial, account(*who));
            (
                render(&got),
                render(&m.remove_investigator(caller, *trial, account(*who))),
            )
        }
        Op::Suspend { by, trial, suspend } => {
            let who = as_caller(*by);
            let got = if *suspend {
                c.suspend_enrolment(*trial, h(5))
            } else {
                c.resume_enrolment(*trial)
            };
            (render(&got), render(&m.suspend(who, *trial, *suspend)))
        }
        Op::ConsentVersion {
            by,
            trial,
            participant,
            version,
        } => {
            let p = account(*participant);
            let who = as_caller(by.unwrap_or(*participant));
            let got = c.consent_to_version(*trial, p, *version, h(6));
            (
                render(&got),
                render(&m.consent_version(who, *trial, p, *version)),
            )
        }
        Op::Enrol {
            by,
            trial,
            participant,
        } => {
            let who = as_caller(*by);
            let got = c.enrol(*trial, account(*participant));
            (
                render(&got),
                render(&m.enrol(who, *trial, account(*participant))),
            )
        }
        Op::Withdraw {
            by,
            trial,
            participant,
        } => {
            let p = account(*participant);
            let who = as_caller(by.unwrap_or(*participant));
            let got = c.withdraw(*trial, p);
            (render(&got), render(&m.withdraw(who, *trial, p)))
        }
        Op::Anchor {
            by,
            trial,
            numbers,
            count,
            back_hours,
            span_hours,
        } => {
            let who = as_caller(*by);
            let from = m.now.saturating_sub(u64::from(*back_hours) * HOUR);
            let until = from + u64::from(*span_hours) * HOUR;
            let got = c.anchor_data(*trial, numbers.clone(), h(7), *count, from, until);
            (
                render(&got),
                render(&m.anchor(who, *trial, numbers, *count, from, until)),
            )
        }
        Op::Report {
            by,
            trial,
            number,
            seriousness,
            expected,
            suspected,
            onset_back_hours,
        } => {
            let who = as_caller(*by);
            let onset = m.now.saturating_sub(u64::from(*onset_back_hours) * HOUR);
            let seriousness = SERIOUSNESS[usize::from(*seriousness)];
            let report = EventReport {
                trial: *trial,
                participant: *number,
                seriousness,
                expected: *expected,
                suspected: *suspected,
                onset,
                report_hash: h(8),
            };
            let got = c.report_adverse_event(report);
            (
                render(&got),
                render(&m.report(
                    who,
                    *trial,
                    *number,
                    seriousness,
                    *expected,
                    *suspected,
                    onset,
                )),
            )
        }
        Op::Susar { by, event } => {
            let who = as_caller(*by);
            let got = c.report_susar(*event, h(9));
            (render(&got), render(&m.susar(who, *event)))
        }
        Op::Results { by, trial, outcome } => {
            let who = as_caller(*by);
            let got = c
                .post_results(*trial, h(11), h(0x10 + outcome))
                .map(|r| (r.late, r.outcome_switched));
            (
                render(&got),
                render(&m.results(who, *trial, h(0x10 + outcome))),
            )
        }
        Op::Attest { by, first, count } => {
            let who = as_caller(by.unwrap_or(MAKER));
            let keys: Vec<DeviceKey> = (0..*count)
                .map(|i| key(first.wrapping_add(i as u8)))
                .collect();
            let got = c.attest_devices(h(0xde), keys.clone());
            (render(&got), render(&m.attest(who, &keys)))
        }
        Op::RegisterDevice {
            by,
            trial,
            device,
            maker,
            proof,
        } => {
            let who = as_caller(*by);
            let maker = account(if *maker { MAKER } else { 6 });
            let own = seed(*device);
            let (issued_at, signature) = proof.offer(
                own,
                own % DEVICES + 1,
                who,
                account(by.wrapping_add(1)),
                *trial,
                m.now,
                |registration| c.registration_hash(registration),
            );
            let got = c.register_device(*trial, key(*device), maker, issued_at, signature);
            (
                render(&got),
                render(&m.register_device(who, *trial, key(*device), maker, *proof)),
            )
        }
        Op::RetireDevice { by, device } => {
            let who = as_caller(*by);
            let got = c.retire_device(key(*device));
            (render(&got), render(&m.retire_device(who, key(*device))))
        }
        Op::AnchorDevice(a) => {
            // A gateway relays it: anyone may.
            as_caller(6);
            let known = m.devices.get(&key(a.device)).cloned();
            let (trial, sequence, last_until) =
                known.map_or((1, 0, 0), |d| (d.trial, d.sequence, d.last_until));
            let from = if a.overlap && last_until > 0 {
                last_until - 1
            } else {
                last_until.max(m.now.saturating_sub(u64::from(a.back_hours) * HOUR))
            };
            m.attempts += 1;
            let records: Vec<Hash> = (0..a.records)
                .map(|i| {
                    let mut bytes = [0xd0; 32];
                    bytes[..4].copy_from_slice(&m.attempts.to_le_bytes());
                    bytes[4] = i;
                    Hash::from(bytes)
                })
                .collect();
            let batch = DeviceBatch {
                device: key(a.device),
                trial: a.trial.unwrap_or(trial),
                participant: a.number,
                root: root_of(&records).unwrap_or(h(0)),
                count: u32::from(a.records),
                from,
                until: from + u64::from(a.span_hours) * HOUR,
                sequence: (sequence + a.sequence).max(1),
            };
            let seed = if a.signed { seed(a.device) } else { 99 };
            let signature = DeviceSigner::from_seed(seed).sign(&c.device_batch_hash(batch));
            let got = c.anchor_device_data(batch, signature);
            (
                render(&got),
                render(&m.anchor_device(&batch, a.signed, records)),
            )
        }
        Op::Verify {
            batch,
            record,
            proof,
        } => {
            // Mostly a device batch (the latest ones), sometimes any id.
            let ids: Vec<u64> = m.device_batches.keys().copied().collect();
            let id = match ids.len() {
                0 => u64::from(*batch % 4),
                n if *batch < 200 => ids[n - 1 - usize::from(*batch) % n.min(3)],
                _ => u64::from(*batch % 8),
            };
            let records = m.device_batches.get(&id).cloned().unwrap_or_default();
            let item = records
                .get(usize::from(*record))
                .copied()
                .unwrap_or(h(0xee));
            let given = proof_of(&records, usize::from(*proof)).unwrap_or_default();
            let got = c.verify_inclusion(id, item, given.clone());
            // In the batch, with its own proof (the records are distinct).
            let want = usize::from(*record) < records.len()
                && proof_of(&records, usize::from(*record)) == Some(given);
            (format!("{got}"), format!("{want}"))
        }
    }
}

fn compare(c: &ClinicalTrials, m: &Model) -> std::result::Result<(), String> {
    if c.trial_count() as usize != m.trials.len() || c.paused() != m.paused {
        return Err("trial count or pause differs".into());
    }
    for (i, rec) in m.trials.iter().enumerate() {
        let id = i as u32 + 1;
        let t = c.trial(id).ok_or("trial missing")?;
        let got = (
            t.enrolled,
            t.target_enrolment,
            t.current_version,
            t.latest_version,
            t.suspended,
            t.investigator_count,
            t.batch_count,
            t.event_count,
            t.open_susars,
            t.late_susars,
            t.results.map(|r| (r.late, r.outcome_switched)),
        );
        let want = (
            rec.enrolled,
            rec.target,
            rec.current,
            rec.latest,
            rec.suspended,
            rec.investigator_count,
            rec.batch_count,
            rec.event_count,
            rec.open_susars.len() as u32,
            rec.late_susars,
            rec.results,
        );
        if got != want {
            return Err(format!("trial {id}: {got:?} != {want:?}"));
        }
        for p in [7u8, 8] {
            let a = account(p);
            if c.participant_number(id, a) != rec.numbers.get(&a).copied() {
                return Err(format!("trial {id}: participant number of {p} differs"));
            }
            if c.version_consent(id, a).map(|v| v.version) != rec.consents.get(&a).copied() {
                return Err(format!("trial {id}: version consent of {p} differs"));
            }
        }
        let open: BTreeSet<u64> = c
            .open_susars(id, 0, 50)
            .into_iter()
            .map(|(e, _)| e.id)
            .collect();
        if open != rec.open_susars {
            return Err(format!(
                "trial {id}: open SUSARs {open:?} != {:?}",
                rec.open_susars
            ));
        }
        for (bucket, count) in &rec.signal_counts {
            if c.serious_events_in_window(id, bucket * rec.window) != *count {
                return Err(format!(
                    "trial {id}: serious events in window {bucket} differ"
                ));
            }
        }
    }
    for device in 0..DEVICES {
        let got = c.device(key(device)).map(|d| DeviceM {
            trial: d.trial,
            investigator: d.investigator,
            maker: d.maker,
            retired: d.retired_at.is_some(),
            sequence: d.sequence,
            last_until: d.last_until,
        });
        if got.as_ref() != m.devices.get(&key(device)) {
            return Err(format!(
                "device {device}: {got:?} != {:?}",
                m.devices.get(&key(device))
            ));
        }
    }
    for (i, (_, due, reported)) in m.events.iter().enumerate() {
        let (_, status) = c.adverse_event(i as u64 + 1).ok_or("event missing")?;
        let want = m.status(*due, *reported);
        if status != want {
            return Err(format!("event {}: {status:?} != {want:?}", i + 1));
        }
    }
    Ok(())
}

/// Every sequence starts from a trial in progress (compared like the rest): trial 1
/// registered by sponsor 1 and approved by the IRB, investigators 4 and 5 at their sites,
/// participants 7 and 8 consented to version 1 (7 also to the sponsor for research), 7
/// enrolled at site 4; trial 2 of sponsor 2 refused approval by an unaccredited IRB;
/// trial 3 of sponsor 2, target 1, full after 7 enrolled; the maker's devices attested,
/// the first registered at site 4 of trial 1; the random operations go on from there
/// (and register more trials).
fn prefix() -> Vec<Op> {
    let mut ops = vec![
        Op::Register {
            by: 1,
            irb: 3,
            target: 3,
            completion_days: 200,
            set: 1,
            outcome: 0,
            threshold: 2,
            window_days: 7,
        },
        Op::Approve {
            by: 3,
            trial: 1,
            version: 1,
        },
        Op::AddInvestigator {
            by: 1,
            trial: 1,
            who: 4,
        },
        Op::AddInvestigator {
            by: 1,
            trial: 1,
            who: 5,
        },
    ];
    // 8 consents to the protocol but not (yet) to the sponsor for research.
    ops.push(Op::Research {
        participant: 7,
        sponsor: 1,
        laboratory: false,
        given: true,
    });
    for participant in [7, 8] {
        ops.push(Op::ConsentVersion {
            by: None,
            trial: 1,
            participant,
            version: 1,
        });
    }
    ops.push(Op::Enrol {
        by: 4,
        trial: 1,
        participant: 7,
    });
    // Trial 2 names an unaccredited IRB (the stranger), whose approval is refused;
    // trial 3 enrols one participant and is full for the next.
    for irb in [6, 3] {
        ops.push(Op::Register {
            by: 2,
            irb,
            target: 1,
            completion_days: 200,
            set: 1,
            outcome: 0,
            threshold: 2,
            window_days: 7,
        });
    }
    ops.extend([
        Op::Approve {
            by: 6,
            trial: 2,
            version: 1,
        },
        Op::Approve {
            by: 3,
            trial: 3,
            version: 1,
        },
        Op::AddInvestigator {
            by: 2,
            trial: 3,
            who: 4,
        },
        Op::Research {
            participant: 7,
            sponsor: 2,
            laboratory: false,
            given: true,
        },
        Op::ConsentVersion {
            by: None,
            trial: 3,
            participant: 7,
            version: 1,
        },
        Op::Enrol {
            by: 4,
            trial: 3,
            participant: 7,
        },
        Op::Enrol {
            by: 4,
            trial: 3,
            participant: 8,
        },
        // The maker attests every device; site 4 of trial 1 registers the first.
        Op::Attest {
            by: None,
            first: 0,
            count: usize::from(DEVICES),
        },
        Op::RegisterDevice {
            by: 4,
            trial: 1,
            device: 0,
            maker: true,
            proof: Proof::Held,
        },
    ]);
    ops
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        stand_in::reset();
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let c = ClinicalTrials::new(
            account(0),
            account(20),
            account(21),
            vec![account(REGULATOR)],
        )
        .expect("new");
        let mut m = Model {
            now: START,
            next_batch: 1,
            regulators: BTreeSet::from([account(REGULATOR)]),
            ..Model::default()
        };
        for (i, kind) in [
            (1u8, CredentialKind::TrialSponsor),
            (2, CredentialKind::TrialSponsor),
            (3, CredentialKind::EthicsCommittee),
            (4, CredentialKind::MedicalLicence),
            (5, CredentialKind::MedicalLicence),
            (MAKER, CredentialKind::DeviceManufacturer),
        ] {
            stand_in::credentials(account(i), &[kind]);
            m.kinds.insert(account(i), kind);
        }
        stand_in::delegate(account(7), account(9));
        m.delegates.insert((account(7), account(9)));
        let mut state = (c, m);
        let all: Vec<Op> = prefix().into_iter().chain(ops.iter().cloned()).collect();
        drive(
            CONTRACT,
            &mut state,
            &all,
            |(c, m), op| step(c, m, op),
            |(c, m), _| compare(c, m),
            // Leaving a trial, safety reports, results, a site's removal, enrolment holds.
            |(c, _), op| {
                c.paused()
                    && matches!(
                        op,
                        Op::Withdraw { .. }
                            | Op::RetireDevice { .. }
                            | Op::Report { .. }
                            | Op::Susar { .. }
                            | Op::Results { .. }
                            | Op::RemoveInvestigator { .. }
                            | Op::Suspend { .. }
                    )
            },
        )
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_clinical_trials(ops in prop::collection::vec(op(), OPS)) {
        run(&ops)?;
        finish(CONTRACT, OPS + prefix().len(), CASES, REQUIRED)?;
    }
}
