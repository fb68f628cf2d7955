//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of every state-changing message by random
//! callers (device makers, a physician, a nurse, a stranger, two patients, a delegate,
//! the governor), interleaved with licences and treatment consents that come and go, peers
//! that break and recover, and time that moves forward, run against the contract
//! (off-chain engine, peers answered by `healthcare_traits::stand_in`) and against
//! [`Model`], a reference written as plainly as possible: lists of models, devices and
//! pairings, a set of days with data per patient and per (patient, device), care teams as
//! lists, thresholds in a map, alerts as a list per patient.
//!
//! After every call the contract's answer (value or typed error) must equal the model's;
//! then, for every patient, the days with data of the 30-day periods starting now, a
//! month back and two months back (all devices and each device), the CPT 99454 count
//! ending now, the care team, the alert log and the pairings, and for every device
//! whether it is usable, must equal the model's. A failing peer must leave no trace: the
//! model changes nothing when a call it would make fails.
//!
//! `PROPTEST_CASES` sets the number of sequences (default [`CASES`]); each has [`OPS`]
//! operations; `MODEL_SEED` picks other sequences (`scripts/fuzz.sh`). A run fails, too,
//! when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::model::{Error, ReadingBatch, MAX_BATCH_DAYS, MAX_CARE_TEAM};
use crate::remote_monitoring::*;
use healthcare_traits::anchoring::{DeviceKey, MAX_ATTESTED_KEYS};
use healthcare_traits::signer::{DeviceSigner, Proof};
use healthcare_traits::stand_in;
use healthcare_traits::testing::prop::{config, finish, off_chain, proof};
use healthcare_traits::testing::{drive, pause_model, EXIT_WHILE_PAUSED};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, DataCategories, DataCategory, Governed, Loinc,
    MonitoringVerifier, PeerRole, Purpose, DAY, HOUR,
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
const CONTRACT: &str = "remote_monitoring";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "AlreadyInCareTeam",
    "AlreadyPaired",
    "BadDays",
    "BadPeriod",
    "BadSignature",
    "CareTeamFull",
    "ClinicianNotLicensed",
    "ConsentContractTrapped",
    "CredentialContractTrapped",
    "DelegateSelfGrant",
    "DeviceExists",
    "DeviceRevoked",
    "EmptyBatch",
    "InvalidLoinc",
    "InvalidThreshold",
    "ManufacturerNotLicensed",
    "ModelRecalled",
    "NoTreatmentConsent",
    "NotActingForPatient",
    "NotAttested",
    "NotCareTeam",
    "NotDeviceProvider",
    "NotManufacturer",
    "NotGovernor",
    "NotPaired",
    "OverlappingPeriod",
    "Paused",
    "StaleProof",
    "TooManyKeys",
    "UnknownDevice",
    "UnknownModel",
    "Unsupported",
];
/// The clock at the start: far from the epoch, so that every period is whole.
const START: u64 = 20_000 * DAY + 9 * HOUR;
/// Accounts: 0 the governor, 1 and 2 device makers, 3 a physician, 4 a nurse, 5 a stranger,
/// 6 and 7 patients, 8 a delegate of patient 6, 9 to 13 more clinicians (to fill a team).
const ACCOUNTS: u8 = 14;
const PATIENTS: [u8; 2] = [6, 7];
/// Devices by seed.
const DEVICES: u8 = 4;
/// The data categories models declare (consents are given for either).
const CATEGORIES: [DataCategory; 2] = [DataCategory::VitalSigns, DataCategory::LabResults];

fn account(i: u8) -> AccountId {
    AccountId::from([i.saturating_add(1); 32])
}

fn key(seed: u8) -> DeviceKey {
    DeviceSigner::from_seed(seed).key()
}

fn quantity(i: u8) -> Loinc {
    let text = match i % 8 {
        0 => "8480-5", // a wrong check digit
        1..=3 => "8480-6",
        _ => "8867-4",
    };
    Loinc::from_text(text).expect("fits")
}

#[derive(Debug, Clone)]
enum Op {
    Advance {
        hours: u16,
    },
    Licence {
        who: u8,
        valid: bool,
    },
    Consent {
        patient: u8,
        grantee: u8,
        category: u8,
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
    RegisterModel {
        by: u8,
        category: u8,
    },
    RecallModel {
        by: u8,
        model: u8,
    },
    /// Keys of devices `first ..` (`count` of them, wrapping round the pool), by `by`
    /// (`None`: the model's manufacturer, or account 1 for an unknown model).
    Attest {
        by: Option<u8>,
        model: u8,
        first: u8,
        count: usize,
    },
    RegisterDevice {
        by: u8,
        device: u8,
        model: u8,
        proof: Proof,
    },
    RevokeDevice {
        by: u8,
        device: u8,
    },
    Pair {
        by: u8,
        device: u8,
        patient: u8,
    },
    Unpair {
        by: u8,
        device: u8,
    },
    Anchor(AnchorOp),
    /// `by` None: the patient.
    AddMember {
        by: Option<u8>,
        patient: u8,
        member: u8,
    },
    RemoveMember {
        by: u8,
        patient: u8,
        member: u8,
    },
    SetThreshold {
        by: u8,
        patient: u8,
        quantity: u8,
        /// An index into [`CATEGORIES`].
        category: u8,
        range: Option<(i64, i64)>,
    },
}

#[derive(Debug, Clone)]
struct AnchorOp {
    device: u8,
    /// Hours before now that the period starts (a few: batches follow each other).
    back_hours: u16,
    span_hours: u16,
    days: u32,
    count: u32,
    quantity: u8,
    /// (count, range): the range is the patient's threshold in force widened by `.0` on
    /// each side (narrowed when negative) when `Summary::Threshold`, else as given.
    out_of_range: Option<(u32, Summary)>,
    /// Signed by the device (else by another key).
    signed: bool,
}

/// The range a device applied to its out-of-range summary.
#[derive(Debug, Clone, Copy)]
enum Summary {
    /// The patient's threshold for the quantity, widened by this much on each side (a
    /// negative widening narrows it); `(0, 1)` if there is none.
    Threshold(i64),
    /// Any range (possibly empty or reversed).
    Given(i64, i64),
}

fn summary() -> impl Strategy<Value = Summary> {
    prop_oneof![
        3 => Just(Summary::Threshold(0)),
        2 => (-20_000i64..20_000).prop_map(Summary::Threshold),
        1 => (-50_000i64..150_000, -1_000i64..200_000)
            .prop_map(|(low, width)| Summary::Given(low, low + width)),
    ]
}

fn who() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => 1u8..=4,
        1 => 5u8..=5,
        2 => 6u8..=8,
        1 => 0u8..ACCOUNTS,
    ]
}

/// A care provider (the physician or the nurse) mostly, anyone sometimes.
fn provider() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 3u8..=4, 1 => who()]
}

/// A device maker mostly, anyone sometimes.
fn maker() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 1u8..=2, 1 => who()]
}

fn patient() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 0u8..2, 1 => Just(2u8)]
}

fn anchor() -> impl Strategy<Value = AnchorOp> {
    (
        0u8..DEVICES,
        prop_oneof![4 => 1u16..30, 1 => 0u16..1_000],
        (
            prop::bool::weighted(0.8),
            prop_oneof![3 => 1u16..=96, 1 => 1u16..=800],
        ),
        prop_oneof![6 => Just(1u32), 3 => 1u32..16, 1 => any::<u32>(), 1 => Just(0u32)],
        prop_oneof![8 => 1u32..40, 1 => Just(0u32)],
        any::<u8>(),
        prop::option::weighted(0.5, (0u32..6, summary())),
        prop::bool::weighted(0.85),
    )
        .prop_map(
            |(device, back_hours, (fits, span), days, count, quantity, out_of_range, signed)| {
                // Most periods end by now (a span no longer than the time back).
                let span_hours = if fits {
                    span.min(back_hours.max(1))
                } else {
                    span
                };
                AnchorOp {
                    device,
                    back_hours,
                    span_hours,
                    days,
                    count,
                    quantity,
                    out_of_range,
                    signed,
                }
            },
        )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1u16..30).prop_map(|hours| Op::Advance { hours }),
        1 => (1u16..800).prop_map(|hours| Op::Advance { hours }),
        2 => (prop_oneof![Just(1u8), Just(3u8), Just(4u8)], prop::bool::weighted(0.7))
            .prop_map(|(who, valid)| Op::Licence { who, valid }),
        5 => (patient(), provider(), prop_oneof![4 => Just(0u8), 1 => Just(1u8)], prop::bool::weighted(0.8)).prop_map(
            |(patient, grantee, category, given)| Op::Consent { patient, grantee, category, given }
        ),
        1 => prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)]
            .prop_map(|peer| Op::Break { peer }),
        1 => (prop_oneof![3 => Just(0u8), 1 => who()], prop::bool::weighted(0.3))
            .prop_map(|(by, pause)| Op::Pause { by, pause }),
        1 => (prop_oneof![3 => Just(0u8), 1 => 1u8..6], 0..3u8, 0..6u8)
            .prop_map(|(by, role, to)| Op::SetPeer { by, role, to }),
        2 => (maker(), prop_oneof![4 => Just(0u8), 1 => Just(1u8)])
            .prop_map(|(by, category)| Op::RegisterModel { by, category }),
        1 => (maker(), 0u8..5).prop_map(|(by, model)| Op::RecallModel { by, model }),
        1 => (
            prop::option::weighted(0.2, maker()),
            0u8..5,
            0u8..DEVICES,
            prop_oneof![6 => Just(usize::from(DEVICES)), 3 => 1usize..=3, 1 => Just(0usize), 1 => Just(MAX_ATTESTED_KEYS + 1)],
        )
            .prop_map(|(by, model, first, count)| Op::Attest { by, model, first, count }),
        4 => (provider(), 0u8..DEVICES, 0u8..5, proof())
            .prop_map(|(by, device, model, proof)| Op::RegisterDevice { by, device, model, proof }),
        1 => (maker(), 0u8..DEVICES).prop_map(|(by, device)| Op::RevokeDevice { by, device }),
        5 => (provider(), 0u8..DEVICES, patient())
            .prop_map(|(by, device, patient)| Op::Pair { by, device, patient }),
        2 => (who(), 0u8..DEVICES).prop_map(|(by, device)| Op::Unpair { by, device }),
        12 => anchor().prop_map(Op::Anchor),
        4 => (prop::option::weighted(0.3, who()), patient(), 0u8..ACCOUNTS)
            .prop_map(|(by, patient, member)| Op::AddMember { by, patient, member }),
        // The delegate (account 8) names itself.
        1 => patient().prop_map(|patient| Op::AddMember { by: Some(8), patient, member: 8 }),
        2 => (prop_oneof![2 => who(), 1 => 0u8..ACCOUNTS], patient(), 0u8..ACCOUNTS)
            .prop_map(|(by, patient, member)| Op::RemoveMember { by, patient, member }),
        3 => (
            provider(),
            patient(),
            any::<u8>(),
            0u8..2,
            prop::option::weighted(
                0.85,
                (0i64..150_000, prop_oneof![6 => 1i64..200_000, 1 => -1_000i64..=0])
            )
        )
            .prop_map(|(by, patient, quantity, category, range)| Op::SetThreshold {
                by,
                patient,
                quantity,
                category,
                range,
            }),
    ]
}

/// The reference model.
#[derive(Default)]
struct Model {
    now: u64,
    paused: bool,
    /// The peer addresses the governor set (the stand-ins answer whatever the address).
    addresses: Option<Peers>,
    /// Accounts with a clinician's licence now (the makers' licence is `makers`).
    clinicians: BTreeSet<AccountId>,
    makers: BTreeSet<AccountId>,
    /// (patient, grantee, category) with treatment consent.
    consents: BTreeSet<(AccountId, AccountId, u32)>,
    delegates: BTreeSet<(AccountId, AccountId)>,
    credentials_broken: bool,
    consent_broken: bool,
    /// Models by id - 1: (manufacturer, category, recalled).
    models: Vec<(AccountId, DataCategory, bool)>,
    devices: BTreeMap<DeviceKey, Dev>,
    /// (key, model) the model's maker attested.
    attested: BTreeSet<(DeviceKey, u32)>,
    /// Per patient: (device, provider, paired_at, unpaired).
    pairings: BTreeMap<AccountId, Vec<(DeviceKey, AccountId, u64, bool)>>,
    days: BTreeSet<(AccountId, u64)>,
    device_days: BTreeSet<(AccountId, DeviceKey, u64)>,
    /// (patient, the device's provider, day): what that provider may bill as 99454.
    provider_days: BTreeSet<(AccountId, AccountId, u64)>,
    teams: BTreeMap<AccountId, Vec<AccountId>>,
    /// (patient, quantity, category bit) -> range.
    thresholds: BTreeMap<(AccountId, [u8; 8], u32), (i64, i64)>,
    /// Per patient: the notified members of each alert.
    alerts: BTreeMap<AccountId, Vec<Vec<AccountId>>>,
    /// The next batch id (ids start at 1).
    batches: u64,
}

#[derive(Clone)]
struct Dev {
    model: u32,
    provider: AccountId,
    revoked: bool,
    patient: Option<AccountId>,
    paired_at: u64,
    last_until: u64,
}

type Answer<T> = std::result::Result<T, Error>;

impl Model {
    fn licensed(&self, account: AccountId) -> Answer<bool> {
        if self.credentials_broken {
            return Err(Error::CredentialContractTrapped);
        }
        Ok(self.clinicians.contains(&account))
    }

    fn consents(
        &self,
        patient: AccountId,
        grantee: AccountId,
        category: DataCategory,
    ) -> Answer<bool> {
        if self.consent_broken {
            return Err(Error::ConsentContractTrapped);
        }
        Ok(self.consents.contains(&(patient, grantee, category.bit())))
    }

    fn acts_for(&self, patient: AccountId, by: AccountId) -> Answer<()> {
        if by == patient {
            return Ok(());
        }
        if self.consent_broken {
            return Err(Error::ConsentContractTrapped);
        }
        if self.delegates.contains(&(patient, by)) {
            Ok(())
        } else {
            Err(Error::NotActingForPatient)
        }
    }

    fn not_paused(&self) -> Answer<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    /// The device and its model's category, if neither revoked nor recalled.
    fn usable(&self, key: &DeviceKey) -> Answer<(Dev, DataCategory)> {
        let dev = self.devices.get(key).ok_or(Error::UnknownDevice)?;
        let (_, category, recalled) = self.models[dev.model as usize - 1];
        if dev.revoked || recalled {
            return Err(Error::DeviceRevoked);
        }
        Ok((dev.clone(), category))
    }

    fn register_model(&mut self, by: AccountId, category: DataCategory) -> Answer<u32> {
        self.not_paused()?;
        if self.credentials_broken {
            return Err(Error::CredentialContractTrapped);
        }
        if !self.makers.contains(&by) {
            return Err(Error::ManufacturerNotLicensed);
        }
        self.models.push((by, category, false));
        Ok(self.models.len() as u32)
    }

    fn recall_model(&mut self, by: AccountId, model: u32) -> Answer<()> {
        let index = (model as usize).checked_sub(1).ok_or(Error::UnknownModel)?;
        let record = self.models.get_mut(index).ok_or(Error::UnknownModel)?;
        if record.0 != by {
            return Err(Error::NotManufacturer);
        }
        if record.2 {
            return Err(Error::ModelRecalled);
        }
        record.2 = true;
        Ok(())
    }

    fn attest(&mut self, by: AccountId, model: u32, keys: &[DeviceKey]) -> Answer<()> {
        self.not_paused()?;
        if keys.len() > MAX_ATTESTED_KEYS {
            return Err(Error::TooManyKeys);
        }
        let index = (model as usize).checked_sub(1).ok_or(Error::UnknownModel)?;
        let (maker, _, recalled) = *self.models.get(index).ok_or(Error::UnknownModel)?;
        if maker != by {
            return Err(Error::NotManufacturer);
        }
        if recalled {
            return Err(Error::ModelRecalled);
        }
        if self.credentials_broken {
            return Err(Error::CredentialContractTrapped);
        }
        if !self.makers.contains(&by) {
            return Err(Error::ManufacturerNotLicensed);
        }
        for key in keys {
            self.attested.insert((*key, model));
        }
        Ok(())
    }

    fn register_device(
        &mut self,
        by: AccountId,
        key: DeviceKey,
        model: u32,
        proof: Proof,
    ) -> Answer<()> {
        self.not_paused()?;
        if !self.licensed(by)? {
            return Err(Error::ClinicianNotLicensed);
        }
        let index = (model as usize).checked_sub(1).ok_or(Error::UnknownModel)?;
        let record = self.models.get(index).ok_or(Error::UnknownModel)?;
        if record.2 {
            return Err(Error::ModelRecalled);
        }
        if self.devices.contains_key(&key) {
            return Err(Error::DeviceExists);
        }
        if !self.attested.contains(&(key, model)) {
            return Err(Error::NotAttested);
        }
        match proof {
            Proof::Held => {}
            Proof::Stale => return Err(Error::StaleProof),
            Proof::ForAnother | Proof::OtherKey | Proof::OtherScope => {
                return Err(Error::BadSignature)
            }
        }
        let dev = Dev {
            model,
            provider: by,
            revoked: false,
            patient: None,
            paired_at: 0,
            last_until: 0,
        };
        self.devices.insert(key, dev);
        Ok(())
    }

    fn revoke_device(&mut self, by: AccountId, key: DeviceKey) -> Answer<()> {
        let dev = self.devices.get_mut(&key).ok_or(Error::UnknownDevice)?;
        if self.models[dev.model as usize - 1].0 != by {
            return Err(Error::NotManufacturer);
        }
        if dev.revoked {
            return Err(Error::DeviceRevoked);
        }
        dev.revoked = true;
        Ok(())
    }

    fn pair(&mut self, by: AccountId, key: DeviceKey, patient: AccountId) -> Answer<u32> {
        self.not_paused()?;
        let (dev, category) = self.usable(&key)?;
        if dev.provider != by {
            return Err(Error::NotDeviceProvider);
        }
        if dev.patient.is_some() {
            return Err(Error::AlreadyPaired);
        }
        if !self.licensed(by)? {
            return Err(Error::ClinicianNotLicensed);
        }
        if !self.consents(patient, by, category)? {
            return Err(Error::NoTreatmentConsent);
        }
        let team = self.teams.entry(patient).or_default();
        if !team.contains(&by) {
            if team.len() >= MAX_CARE_TEAM {
                return Err(Error::CareTeamFull);
            }
            team.push(by);
        }
        let list = self.pairings.entry(patient).or_default();
        list.push((key, by, self.now, false));
        let dev = self.devices.get_mut(&key).expect("known");
        dev.patient = Some(patient);
        dev.paired_at = self.now;
        Ok(list.len() as u32 - 1)
    }

    fn unpair(&mut self, by: AccountId, key: DeviceKey) -> Answer<()> {
        let dev = self.devices.get(&key).ok_or(Error::UnknownDevice)?.clone();
        let patient = dev.patient.ok_or(Error::NotPaired)?;
        if by != dev.provider {
            self.acts_for(patient, by)?;
        }
        if let Some(last) = self
            .pairings
            .get_mut(&patient)
            .and_then(|list| list.iter_mut().rev().find(|p| p.0 == key))
        {
            last.3 = true;
        }
        let dev = self.devices.get_mut(&key).expect("known");
        dev.patient = None;
        dev.paired_at = 0;
        Ok(())
    }

    /// The batch rules, stated plainly.
    fn check(&self, b: &ReadingBatch, dev: &Dev) -> Answer<()> {
        if b.count == 0
            || b.out_of_range
                .is_some_and(|o| o.count == 0 || o.count > b.count)
        {
            return Err(Error::EmptyBatch);
        }
        if !b.quantity.is_valid() {
            return Err(Error::InvalidLoinc);
        }
        if b.out_of_range.is_some_and(|o| o.range.0 >= o.range.1) {
            return Err(Error::InvalidThreshold);
        }
        if b.from >= b.until || b.until > self.now {
            return Err(Error::BadPeriod);
        }
        let first_day = b.from / DAY;
        let last_day = (b.until - 1) / DAY;
        let span = last_day - first_day + 1;
        if span > MAX_BATCH_DAYS {
            return Err(Error::BadPeriod);
        }
        if b.from < dev.last_until || b.from < dev.paired_at {
            return Err(Error::OverlappingPeriod);
        }
        let marked: Vec<u64> = (0..32).filter(|i| b.days >> i & 1 == 1).collect();
        if marked.is_empty() || marked.iter().any(|&i| i >= span) || marked.len() as u32 > b.count {
            return Err(Error::BadDays);
        }
        Ok(())
    }

    fn anchor(&mut self, b: &ReadingBatch, signed: bool) -> Answer<u64> {
        self.not_paused()?;
        let (dev, category) = self.usable(&b.device)?;
        let patient = dev.patient.ok_or(Error::NotPaired)?;
        self.check(b, &dev)?;
        if !signed {
            return Err(Error::BadSignature);
        }
        // Nothing is anchored once the patient's treatment consent to the provider ended.
        if !self.consents(patient, dev.provider, category)? {
            return Err(Error::NoTreatmentConsent);
        }
        // An alert: a summary over a range containing the threshold of its quantity
        // (what lies outside it lies outside the threshold).
        let mut alert = None;
        if let (Some(summary), Some(&(low, high))) = (
            b.out_of_range,
            self.thresholds
                .get(&(patient, b.quantity.0, category.bit())),
        ) {
            if summary.range.0 <= low && summary.range.1 >= high {
                let team = self.teams.get(&patient).cloned().unwrap_or_default();
                let mut notified = Vec::new();
                for member in team {
                    if self.consents(patient, member, category)? {
                        notified.push(member);
                    }
                }
                alert = Some(notified);
            }
        }
        let id = self.batches;
        self.batches += 1;
        let dev = self.devices.get_mut(&b.device).expect("known");
        dev.last_until = b.until;
        let first_day = b.from / DAY;
        for i in (0..32).filter(|i| b.days >> i & 1 == 1) {
            self.days.insert((patient, first_day + i));
            self.device_days.insert((patient, b.device, first_day + i));
            self.provider_days
                .insert((patient, dev.provider, first_day + i));
        }
        if let Some(notified) = alert {
            self.alerts.entry(patient).or_default().push(notified);
        }
        Ok(id)
    }

    fn add_member(&mut self, by: AccountId, patient: AccountId, member: AccountId) -> Answer<()> {
        self.not_paused()?;
        self.acts_for(patient, by)?;
        if by != patient && member == by {
            return Err(Error::DelegateSelfGrant);
        }
        let team = self.teams.entry(patient).or_default();
        if team.contains(&member) {
            return Err(Error::AlreadyInCareTeam);
        }
        if team.len() >= MAX_CARE_TEAM {
            return Err(Error::CareTeamFull);
        }
        team.push(member);
        Ok(())
    }

    fn remove_member(
        &mut self,
        by: AccountId,
        patient: AccountId,
        member: AccountId,
    ) -> Answer<()> {
        if by != member {
            self.acts_for(patient, by)?;
        }
        let team = self.teams.entry(patient).or_default();
        let at = team
            .iter()
            .position(|m| *m == member)
            .ok_or(Error::NotCareTeam)?;
        team.swap_remove(at);
        Ok(())
    }

    fn set_threshold(
        &mut self,
        by: AccountId,
        patient: AccountId,
        quantity: Loinc,
        category: DataCategory,
        range: Option<(i64, i64)>,
    ) -> Answer<()> {
        self.not_paused()?;
        if !quantity.is_valid() {
            return Err(Error::InvalidLoinc);
        }
        if !self.teams.get(&patient).is_some_and(|t| t.contains(&by)) {
            return Err(Error::NotCareTeam);
        }
        if range.is_some_and(|(low, high)| low >= high) {
            return Err(Error::InvalidThreshold);
        }
        if !self.licensed(by)? {
            return Err(Error::ClinicianNotLicensed);
        }
        // Whoever set it before: only under the patient's treatment consent now.
        if !self.consents(patient, by, category)? {
            return Err(Error::NoTreatmentConsent);
        }
        let key = (patient, quantity.0, category.bit());
        match range {
            Some(range) => {
                self.thresholds.insert(key, range);
            }
            None => {
                self.thresholds.remove(&key);
            }
        }
        Ok(())
    }

    fn days_in(&self, patient: AccountId, device: Option<DeviceKey>, first: u64, days: u64) -> u32 {
        (first..first + days)
            .filter(|d| match device {
                None => self.days.contains(&(patient, *d)),
                Some(key) => self.device_days.contains(&(patient, key, *d)),
            })
            .count() as u32
    }
}

fn patient_of(i: u8) -> AccountId {
    // 2 is someone who is no patient of anyone's devices (the stranger).
    account(*PATIENTS.get(usize::from(i)).unwrap_or(&5))
}

fn render<T: core::fmt::Debug>(answer: &Answer<T>) -> String {
    format!("{answer:?}")
}

fn step(c: &mut RemoteMonitoring, m: &mut Model, op: &Op) -> (String, String) {
    let set_caller = |i: u8| test::set_caller::<Env>(account(i));
    match op {
        Op::Advance { hours } => {
            m.now += u64::from(*hours) * HOUR;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::Licence { who, valid } => {
            let a = account(*who);
            let kind = match who {
                1 => CredentialKind::DeviceManufacturer,
                3 => CredentialKind::MedicalLicence,
                _ => CredentialKind::NursingLicence,
            };
            let held: Vec<CredentialKind> = if *valid { vec![kind] } else { vec![] };
            stand_in::credentials(a, &held);
            let set = if *who == 1 {
                &mut m.makers
            } else {
                &mut m.clinicians
            };
            if *valid {
                set.insert(a);
            } else {
                set.remove(&a);
            }
            (String::new(), String::new())
        }
        Op::Consent {
            patient,
            grantee,
            category,
            given,
        } => {
            let (p, g, cat) = (
                patient_of(*patient),
                account(*grantee),
                CATEGORIES[usize::from(*category)],
            );
            stand_in::consent(p, g, Purpose::Treatment, DataCategories::of(&[cat]), *given);
            if *given {
                m.consents.insert((p, g, cat.bit()));
            } else {
                m.consents.remove(&(p, g, cat.bit()));
            }
            (String::new(), String::new())
        }
        Op::Break { peer } => {
            m.credentials_broken = *peer == 1;
            m.consent_broken = *peer == 2;
            stand_in::break_peers(m.credentials_broken, m.consent_broken);
            (String::new(), String::new())
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
            set_caller(*by);
            let got = c.apply(if *pause { Gov::Pause } else { Gov::Unpause });
            let want = pause_model(*pause, *by == 0, &mut m.paused);
            (format!("{got:?}"), format!("{want:?}"))
        }
        Op::RegisterModel { by, category } => {
            set_caller(*by);
            let cat = CATEGORIES[usize::from(*category)];
            let got = c.register_model(Hash::from([7; 32]), cat);
            (render(&got), render(&m.register_model(account(*by), cat)))
        }
        Op::RecallModel { by, model } => {
            set_caller(*by);
            let got = c.recall_model(u32::from(*model), Hash::from([8; 32]));
            (
                render(&got),
                render(&m.recall_model(account(*by), u32::from(*model))),
            )
        }
        Op::Attest {
            by,
            model,
            first,
            count,
        } => {
            let maker = usize::from(*model)
                .checked_sub(1)
                .and_then(|i| m.models.get(i))
                .map(|(maker, _, _)| *maker);
            let by = match (by, maker) {
                (Some(by), _) => account(*by),
                (None, Some(maker)) => maker,
                (None, None) => account(1),
            };
            test::set_caller::<Env>(by);
            let keys: Vec<DeviceKey> = (0..*count)
                .map(|i| key((usize::from(*first) + i) as u8 % DEVICES + 1))
                .collect();
            let got = c.attest_devices(u32::from(*model), keys.clone());
            (
                render(&got),
                render(&m.attest(by, u32::from(*model), &keys)),
            )
        }
        Op::RegisterDevice {
            by,
            device,
            model,
            proof,
        } => {
            set_caller(*by);
            let (seed, model) = (device + 1, u32::from(*model));
            let (issued_at, signature) = proof.offer(
                seed,
                seed % DEVICES + 1,
                account(*by),
                account(by.wrapping_add(1)),
                model,
                m.now,
                |registration| c.registration_hash(registration),
            );
            let got = c.register_device(key(seed), model, issued_at, signature);
            (
                render(&got),
                render(&m.register_device(account(*by), key(seed), model, *proof)),
            )
        }
        Op::RevokeDevice { by, device } => {
            set_caller(*by);
            let k = key(device + 1);
            let got = c.revoke_device(k, Hash::from([9; 32]));
            (render(&got), render(&m.revoke_device(account(*by), k)))
        }
        Op::Pair {
            by,
            device,
            patient,
        } => {
            set_caller(*by);
            let k = key(device + 1);
            let got = c.pair_device(k, patient_of(*patient));
            (
                render(&got),
                render(&m.pair(account(*by), k, patient_of(*patient))),
            )
        }
        Op::Unpair { by, device } => {
            set_caller(*by);
            let k = key(device + 1);
            let got = c.unpair_device(k);
            (render(&got), render(&m.unpair(account(*by), k)))
        }
        Op::Anchor(a) => {
            set_caller(5);
            let from = m.now.saturating_sub(u64::from(a.back_hours) * HOUR);
            let batch = ReadingBatch {
                device: key(a.device + 1),
                root: Hash::from([a.device; 32]),
                count: a.count,
                quantity: quantity(a.quantity),
                from,
                until: from + u64::from(a.span_hours) * HOUR,
                days: a.days,
                out_of_range: a.out_of_range.map(|(count, summary)| {
                    // The threshold of the patient's data of the device model's category.
                    let threshold = m.devices.get(&key(a.device + 1)).and_then(|d| {
                        let category = m.models.get(d.model as usize - 1)?.1;
                        let p = d.patient?;
                        m.thresholds
                            .get(&(p, quantity(a.quantity).0, category.bit()))
                    });
                    let range = match (summary, threshold) {
                        (Summary::Threshold(w), Some(&(low, high))) => (low - w, high + w),
                        (Summary::Threshold(_), None) => (0, 1),
                        (Summary::Given(low, high), _) => (low, high),
                    };
                    OutOfRange {
                        count,
                        range,
                        worst_commitment: worst_commitment(range.1 + 1, [a.device; 32]),
                    }
                }),
            };
            let signer = DeviceSigner::from_seed(if a.signed { a.device + 1 } else { 99 });
            let signature = signer.sign(&c.readings_hash(batch));
            let got = c.anchor_readings(batch, signature);
            (render(&got), render(&m.anchor(&batch, a.signed)))
        }
        Op::AddMember {
            by,
            patient,
            member,
        } => {
            let (p, mem) = (patient_of(*patient), account(*member));
            let by = by.map_or(p, account);
            test::set_caller::<Env>(by);
            let got = c.add_care_team_member(p, mem);
            (render(&got), render(&m.add_member(by, p, mem)))
        }
        Op::RemoveMember {
            by,
            patient,
            member,
        } => {
            set_caller(*by);
            let (p, mem) = (patient_of(*patient), account(*member));
            let got = c.remove_care_team_member(p, mem);
            (render(&got), render(&m.remove_member(account(*by), p, mem)))
        }
        Op::SetThreshold {
            by,
            patient,
            quantity: q,
            category,
            range,
        } => {
            set_caller(*by);
            let p = patient_of(*patient);
            let range = range.map(|(low, width)| (low, low + width));
            let cat = CATEGORIES[usize::from(*category)];
            let got = c.set_threshold(p, quantity(*q), cat, range);
            (
                render(&got),
                render(&m.set_threshold(account(*by), p, quantity(*q), cat, range)),
            )
        }
    }
}

/// Compares every patient's calendars, team, alerts and pairings, and every device.
fn compare(c: &RemoteMonitoring, m: &Model) -> std::result::Result<(), String> {
    if c.paused() != m.paused {
        return Err(format!("paused() {} != {}", c.paused(), m.paused));
    }
    for (seed, model) in (1..=DEVICES).flat_map(|s| (1..=5u32).map(move |m| (s, m))) {
        let got = c.attested_at(key(seed), model).is_some();
        if got != m.attested.contains(&(key(seed), model)) {
            return Err(format!("attested_at(device {seed}, model {model}): {got}"));
        }
    }
    let today = m.now / DAY;
    for p in (0..3).map(patient_of) {
        for back in [0u64, 40] {
            let first = today - back;
            let start = first * DAY + 3 * HOUR;
            let (got, want) = (
                c.monitored_days(p, None, start),
                m.days_in(p, None, first, 30),
            );
            if got != want {
                return Err(format!(
                    "monitored_days({p:?}, all, day {first}): {got} != {want}"
                ));
            }
            for seed in (1..=DEVICES).filter(|_| back == 0) {
                let k = key(seed);
                let (got, want) = (
                    c.monitored_days(p, Some(k), start),
                    m.days_in(p, Some(k), first, 30),
                );
                if got != want {
                    return Err(format!(
                        "monitored_days({p:?}, device {seed}, day {first}): {got} != {want}"
                    ));
                }
            }
        }
        // What each clinician may bill: days from the devices it paired with p only.
        for provider in (3..ACCOUNTS).map(account) {
            let (got, want) = (
                c.monitored_days_until(p, provider, m.now),
                (today - 29..=today)
                    .filter(|d| m.provider_days.contains(&(p, provider, *d)))
                    .count() as u32,
            );
            if got != want {
                return Err(format!(
                    "monitored_days_until({p:?}, {provider:?}): {got} != {want}"
                ));
            }
        }
        let team = m.teams.get(&p).cloned().unwrap_or_default();
        if c.care_team(p) != team {
            return Err(format!(
                "care team of {p:?}: {:?} != {team:?}",
                c.care_team(p)
            ));
        }
        let alerts = m.alerts.get(&p).cloned().unwrap_or_default();
        let got: Vec<Vec<AccountId>> = c
            .alerts_of(p, 0, 100)
            .into_iter()
            .map(|a| a.notified)
            .collect();
        if got != alerts || c.alert_count_of(p) as usize != alerts.len() {
            return Err(format!("alerts of {p:?}: {got:?} != {alerts:?}"));
        }
        let pairings = m.pairings.get(&p).cloned().unwrap_or_default();
        let got: Vec<_> = c
            .pairings_of(p, 0, 100)
            .into_iter()
            .map(|x| (x.device, x.provider, x.paired_at, x.unpaired_at.is_some()))
            .collect();
        if got != pairings {
            return Err(format!("pairings of {p:?} differ"));
        }
    }
    for seed in 1..=DEVICES {
        let k = key(seed);
        if c.device_usable(k) != m.usable(&k).is_ok() {
            return Err(format!("device_usable(device {seed}) differs"));
        }
        let paired = c.device(k).and_then(|d| d.patient);
        if paired != m.devices.get(&k).and_then(|d| d.patient) {
            return Err(format!("device {seed}'s patient differs"));
        }
    }
    if c.model_count() as usize != m.models.len() {
        return Err("model count differs".into());
    }
    Ok(())
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        stand_in::reset();
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let c = RemoteMonitoring::new(account(0), account(20), account(21)).expect("new");
        let mut m = Model {
            now: START,
            batches: 1,
            ..Model::default()
        };
        for (i, kind) in [
            (1u8, CredentialKind::DeviceManufacturer),
            (2, CredentialKind::DeviceManufacturer),
            (3, CredentialKind::MedicalLicence),
            (4, CredentialKind::NursingLicence),
        ]
        .into_iter()
        .chain((9..ACCOUNTS).map(|i| (i, CredentialKind::NursingLicence)))
        {
            stand_in::credentials(account(i), &[kind]);
            if kind == CredentialKind::DeviceManufacturer {
                m.makers.insert(account(i));
            } else {
                m.clinicians.insert(account(i));
            }
        }
        stand_in::delegate(account(6), account(8));
        m.delegates.insert((account(6), account(8)));
        let mut state = (c, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(c, m), op| step(c, m, op),
            |(c, m), _| compare(c, m),
            // Unpairing, revoking a device or recalling its model, leaving a care team.
            |(c, _), op| {
                c.paused()
                    && matches!(
                        op,
                        Op::Unpair { .. }
                            | Op::RevokeDevice { .. }
                            | Op::RecallModel { .. }
                            | Op::RemoveMember { .. }
                    )
            },
        )
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_remote_monitoring(ops in prop::collection::vec(op(), OPS)) {
        // Each sequence starts with a model of each maker, its devices attested, so that
        // registrations, pairings and batches get far enough to meet their rules.
        let mut all = Vec::new();
        for (maker, model) in [(1u8, 1u8), (2, 2)] {
            all.push(Op::RegisterModel { by: maker, category: model - 1 });
            all.push(Op::Attest { by: None, model, first: 0, count: usize::from(DEVICES) });
        }
        all.extend(ops);
        run(&all)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
