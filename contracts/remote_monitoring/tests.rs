//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message and error variant, every refusal of an
//! unauthorised caller, and the monitoring rules (pairing under consent, signed batches
//! from paired and unrevoked devices only, periods that neither overlap nor lie ahead,
//! the calendars of days with data behind CPT 99454, alerts only to the consented care
//! team).
//!
//! The off-chain engine cannot make cross-contract calls: the peers are stand-ins that
//! answer like the real contracts (`healthcare_traits::stand_in`: [`credentials`],
//! [`treatment`], [`delegate`]) or fail like broken ones; the real calls run in the drink sandbox tests of `e2e-tests`.

use crate::remote_monitoring::*;
use healthcare_traits::anchoring::{
    proof_of, root_of, DeviceSignature, Registration, MAX_ATTESTED_KEYS, REGISTRATION_WINDOW,
};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::monitoring::MONITORING_PERIOD_DAYS;
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::stand_in::{
    self, consent_fail, credentials, credentials_during, credentials_fail, delegate,
};
use healthcare_traits::testing::last_recorded;
use healthcare_traits::testing::{accounts, caller, now};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, DataCategories, DataCategory, Governed, KindSet,
    Loinc, MonitoringVerifier, PeerError, PeerRole, Purpose, DAY, HOUR,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};

/// consent_registry (stand-in): `patient` consents to `grantee` for treatment with
/// `category` (or withdraws it).
fn treatment(patient: AccountId, grantee: AccountId, category: DataCategory, given: bool) {
    let categories = DataCategories::of(&[category]);
    stand_in::consent(patient, grantee, Purpose::Treatment, categories, given);
}

const T0: u64 = 20_000 * DAY;

fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}
fn stranger() -> AccountId {
    AccountId::from([0x77; 32])
}
fn systolic() -> Loinc {
    Loinc::from_text("8480-6").expect("fits")
}

/// alice owns the contract; bob is a licensed device manufacturer with model 1 (vital
/// signs) who attested devices 1 to 9 under it; charlie a licensed physician who registered device 1 and paired it with
/// django at T0, under django's treatment consent; eve acts for django; frank is a
/// licensed nurse. The caller is charlie.
fn setup() -> RemoteMonitoring {
    let a = accounts();
    stand_in::reset();
    credentials(a.bob, &[CredentialKind::DeviceManufacturer]);
    credentials(a.charlie, &[CredentialKind::MedicalLicence]);
    credentials(a.frank, &[CredentialKind::NursingLicence]);
    treatment(a.django, a.charlie, DataCategory::VitalSigns, true);
    delegate(a.django, a.eve);
    now(T0);
    let mut c = RemoteMonitoring::new(a.alice, a.frank, a.frank).expect("new");
    caller(a.bob);
    assert_eq!(c.register_model(h(1), DataCategory::VitalSigns), Ok(1));
    c.attest_devices(1, (1..=9).map(|seed| signer(seed).key()).collect())
        .expect("attest");
    caller(a.charlie);
    register(&mut c, 1, 1).expect("device");
    assert_eq!(c.pair_device(signer(1).key(), a.django), Ok(0));
    c
}

fn signer(seed: u8) -> DeviceSigner {
    DeviceSigner::from_seed(seed)
}

/// Device `seed`'s proof of possession for `registrant` under `model`, signed at
/// `issued_at`.
fn proof(
    c: &RemoteMonitoring,
    seed: u8,
    registrant: AccountId,
    model: ModelId,
    issued_at: u64,
) -> DeviceSignature {
    signer(seed).sign(&c.registration_hash(Registration {
        registrant,
        key: signer(seed).key(),
        scope: model,
        issued_at,
    }))
}

/// The caller registers device `seed` under `model`, the device proving possession now.
fn register(c: &mut RemoteMonitoring, seed: u8, model: ModelId) -> Result<()> {
    let issued_at = ink::env::block_timestamp::<Env>();
    let signature = proof(c, seed, ink::env::caller::<Env>(), model, issued_at);
    c.register_device(signer(seed).key(), model, issued_at, signature)
}

/// A batch of `count` readings of device `seed` for days `first ..` (relative to T0's
/// day) marked in `days`, covering `span` days.
fn batch(seed: u8, first: u64, span: u64, days: u32, count: u32) -> ReadingBatch {
    ReadingBatch {
        device: signer(seed).key(),
        root: h(0x70),
        count,
        quantity: systolic(),
        from: T0 + first * DAY,
        until: T0 + (first + span) * DAY,
        days,
        out_of_range: None,
    }
}

/// An out-of-range summary: `count` readings outside `range`, the worst committed with
/// a salt (the value itself never goes on chain).
fn outside(count: u32, range: (i64, i64), worst: i64) -> Option<OutOfRange> {
    Some(OutOfRange {
        count,
        range,
        worst_commitment: worst_commitment(worst, [0x5a; 32]),
    })
}

fn anchor(c: &mut RemoteMonitoring, seed: u8, b: ReadingBatch) -> Result<BatchId> {
    let signature = signer(seed).sign(&c.readings_hash(b));
    c.anchor_readings(b, signature)
}

/// As the governor (alice), applies `action`; the caller is restored.
fn gov(c: &mut RemoteMonitoring, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

#[ink::test]
fn only_the_governor_applies_and_only_this_contracts_actions() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    assert_eq!(c.governor(), a.alice);
    let to_eve = Gov::Peer(PeerRole::Consent, a.eve);
    for action in [Gov::Pause, Gov::Unpause, to_eve] {
        assert_eq!(c.apply(action), Err(ApplyError::NotGovernor), "{action:?}");
    }
    for unsupported in [
        Gov::Issuer(a.eve, KindSet::CLINICIAN),
        Gov::Regulator(a.eve),
        Gov::Peer(PeerRole::Monitoring, a.eve),
        Gov::RecoverSurplus(a.eve),
        Gov::BreakGlass(1, 1, 1),
    ] {
        assert_eq!(
            gov(&mut c, unsupported),
            Err(ApplyError::Unsupported),
            "{unsupported:?}"
        );
    }
    gov(&mut c, to_eve).expect("consent");
    gov(&mut c, Gov::Peer(PeerRole::Credentials, a.django)).expect("credentials");
    assert_eq!(
        c.peers(),
        Peers {
            credentials: a.django,
            consent: a.eve
        }
    );
    let applied = last_recorded::<ActionApplied>();
    assert_eq!(
        (applied.action, applied.governor),
        (Gov::Peer(PeerRole::Credentials, a.django), a.alice)
    );
    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
    gov(&mut c, Gov::Pause).expect("pause");
    assert!(c.paused());
    assert_eq!(
        gov(&mut c, to_eve),
        Err(ApplyError::Paused),
        "no peer change while paused"
    );
    gov(&mut c, Gov::Unpause).expect("unpause");
    assert!(!c.paused());
}

#[ink::test]
fn models_are_registered_by_licensed_manufacturers_and_recalled_by_theirs() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(
        c.register_model(h(2), DataCategory::VitalSigns),
        Err(Error::ManufacturerNotLicensed),
        "a physician is no manufacturer"
    );
    caller(a.bob);
    assert_eq!(c.register_model(h(2), DataCategory::LabResults), Ok(2));
    c.attest_devices(2, vec![signer(2).key()]).expect("attest");
    assert_eq!(c.model_count(), 2);
    let model = c.model(2).expect("stored");
    assert_eq!(
        (model.manufacturer, model.category, model.recalled_at),
        (a.bob, DataCategory::LabResults, None)
    );
    caller(a.charlie);
    assert_eq!(c.recall_model(1, h(9)), Err(Error::NotManufacturer));
    assert_eq!(c.recall_model(7, h(9)), Err(Error::UnknownModel));
    assert_eq!(register(&mut c, 2, 7), Err(Error::UnknownModel));
    // A recall revokes every device of the model at once.
    caller(a.bob);
    c.recall_model(1, h(9)).expect("recall");
    assert_eq!(c.recall_model(1, h(9)), Err(Error::ModelRecalled));
    assert!(!c.device_usable(signer(1).key()));
    now(T0 + 2 * DAY);
    assert_eq!(
        anchor(&mut c, 1, batch(1, 0, 1, 1, 3)),
        Err(Error::DeviceRevoked)
    );
    caller(a.charlie);
    assert_eq!(register(&mut c, 2, 1), Err(Error::ModelRecalled));
    register(&mut c, 2, 2).expect("another model");
    assert!(c.device_usable(signer(2).key()));
}

#[ink::test]
fn a_device_is_registered_only_by_whoever_holds_it_under_its_makers_attestation() {
    let a = accounts();
    let mut c = setup();
    // A provider who makes up a "device" with a key of its own: no maker vouches for it.
    assert_eq!(register(&mut c, 20, 1), Err(Error::NotAttested));
    caller(a.bob);
    c.attest_devices(1, vec![signer(20).key()]).expect("attest");
    assert_eq!(c.attested_at(signer(20).key(), 1), Some(T0));
    assert_eq!(c.attested_at(signer(20).key(), 2), None);
    // Someone who saw the key but does not hold the device: a proof made for another
    // registrant, or a signature by another key, proves nothing.
    caller(a.frank);
    let key = signer(20).key();
    let for_charlie = proof(&c, 20, a.charlie, 1, T0);
    assert_eq!(
        c.register_device(key, 1, T0, for_charlie),
        Err(Error::BadSignature)
    );
    let by_another = proof(&c, 21, a.frank, 1, T0);
    assert_eq!(
        c.register_device(key, 1, T0, by_another),
        Err(Error::BadSignature)
    );
    // A proof for another scope (model) is no proof for this one.
    let for_model_2 = proof(&c, 20, a.frank, 2, T0);
    assert_eq!(
        c.register_device(key, 1, T0, for_model_2),
        Err(Error::BadSignature)
    );
    // Stale or far-future proofs are refused.
    now(T0 + 2 * REGISTRATION_WINDOW);
    for issued_at in [
        T0 + REGISTRATION_WINDOW - 1,
        T0 + 3 * REGISTRATION_WINDOW + 1,
    ] {
        let stale = proof(&c, 20, a.frank, 1, issued_at);
        assert_eq!(
            c.register_device(key, 1, issued_at, stale),
            Err(Error::StaleProof)
        );
    }
    let issued_at = T0 + REGISTRATION_WINDOW;
    let fresh = proof(&c, 20, a.frank, 1, issued_at);
    c.register_device(key, 1, issued_at, fresh)
        .expect("the holder registers");
    assert_eq!(c.device(key).map(|d| d.provider), Some(a.frank));
    // The same proof never serves twice.
    assert_eq!(
        c.register_device(key, 1, issued_at, fresh),
        Err(Error::DeviceExists)
    );
}

#[ink::test]
fn only_the_models_licensed_maker_attests_keys_a_bounded_number_at_a_time() {
    let a = accounts();
    let mut c = setup();
    let keys = vec![signer(30).key()];
    assert_eq!(
        c.attest_devices(1, keys.clone()),
        Err(Error::NotManufacturer)
    );
    caller(a.bob);
    assert_eq!(c.attest_devices(7, keys.clone()), Err(Error::UnknownModel));
    assert_eq!(
        c.attest_devices(1, vec![signer(30).key(); MAX_ATTESTED_KEYS + 1]),
        Err(Error::TooManyKeys)
    );
    let before = test::recorded_events().count();
    c.attest_devices(1, vec![signer(30).key(); MAX_ATTESTED_KEYS])
        .expect("at the bound");
    assert_eq!(test::recorded_events().count() - before, 1);
    let e = last_recorded::<DevicesAttested>();
    assert_eq!(
        (e.model, e.manufacturer, e.keys),
        (1, a.bob, vec![signer(30).key(); MAX_ATTESTED_KEYS])
    );
    credentials(a.bob, &[]);
    assert_eq!(
        c.attest_devices(1, keys.clone()),
        Err(Error::ManufacturerNotLicensed)
    );
    credentials(a.bob, &[CredentialKind::DeviceManufacturer]);
    c.recall_model(1, h(9)).expect("recall");
    assert_eq!(c.attest_devices(1, keys.clone()), Err(Error::ModelRecalled));
    gov(&mut c, Gov::Pause).expect("pause");
    caller(a.bob);
    assert_eq!(c.attest_devices(1, keys), Err(Error::Paused));
}

#[ink::test]
fn devices_are_registered_by_clinicians_and_revoked_by_their_manufacturer() {
    let a = accounts();
    let mut c = setup();
    let key = signer(1).key();
    let device = c.device(key).expect("stored");
    assert_eq!(
        (
            device.model,
            device.provider,
            device.patient,
            device.paired_at
        ),
        (1, a.charlie, Some(a.django), T0)
    );
    assert_eq!(register(&mut c, 1, 1), Err(Error::DeviceExists));
    caller(stranger());
    assert_eq!(register(&mut c, 3, 1), Err(Error::ClinicianNotLicensed));
    caller(a.frank);
    register(&mut c, 3, 1).expect("a nurse registers");
    assert_eq!(c.revoke_device(key, h(5)), Err(Error::NotManufacturer));
    assert_eq!(
        c.revoke_device(signer(9).key(), h(5)),
        Err(Error::UnknownDevice)
    );
    caller(a.bob);
    c.revoke_device(key, h(5)).expect("revoke");
    assert_eq!(c.revoke_device(key, h(5)), Err(Error::DeviceRevoked));
    assert!(!c.device_usable(key));
    assert!(c.device_usable(signer(3).key()), "only that device");
    now(T0 + 2 * DAY);
    assert_eq!(
        anchor(&mut c, 1, batch(1, 0, 1, 1, 3)),
        Err(Error::DeviceRevoked)
    );
}

#[ink::test]
fn pairing_needs_the_provider_and_the_patients_treatment_consent() {
    let a = accounts();
    let mut c = setup();
    let key = signer(2).key();
    register(&mut c, 2, 1).expect("device");
    caller(a.frank);
    assert_eq!(c.pair_device(key, a.django), Err(Error::NotDeviceProvider));
    caller(a.charlie);
    assert_eq!(
        c.pair_device(signer(9).key(), a.django),
        Err(Error::UnknownDevice)
    );
    // No consent for this category to charlie from eve: refused.
    assert_eq!(c.pair_device(key, a.eve), Err(Error::NoTreatmentConsent));
    treatment(a.eve, a.charlie, DataCategory::LabResults, true);
    assert_eq!(c.pair_device(key, a.eve), Err(Error::NoTreatmentConsent));
    treatment(a.eve, a.charlie, DataCategory::VitalSigns, true);
    assert_eq!(c.pair_device(key, a.eve), Ok(0));
    assert_eq!(c.pair_device(key, a.eve), Err(Error::AlreadyPaired));
    assert_eq!(c.care_team(a.eve), vec![a.charlie], "the provider joined");
    // A provider whose licence lapsed pairs no more.
    c.unpair_device(key).expect("provider unpairs");
    credentials(a.charlie, &[]);
    assert_eq!(c.pair_device(key, a.eve), Err(Error::ClinicianNotLicensed));
    assert_eq!(
        c.pairings_of(a.eve, 0, 10)
            .iter()
            .map(|p| (p.paired_at, p.unpaired_at))
            .collect::<Vec<_>>(),
        vec![(T0, Some(T0))]
    );
}

#[ink::test]
fn the_patient_a_delegate_or_the_provider_unpairs() {
    let a = accounts();
    let mut c = setup();
    let key = signer(1).key();
    caller(stranger());
    assert_eq!(c.unpair_device(key), Err(Error::NotActingForPatient));
    caller(a.eve);
    c.unpair_device(key).expect("delegate");
    assert_eq!(c.unpair_device(key), Err(Error::NotPaired));
    assert_eq!(c.device(key).expect("kept").patient, None);
    now(T0 + DAY);
    assert_eq!(
        anchor(&mut c, 1, batch(1, 0, 1, 1, 3)),
        Err(Error::NotPaired)
    );
    caller(a.charlie);
    c.pair_device(key, a.django).expect("again");
    caller(a.django);
    c.unpair_device(key).expect("patient");
    assert_eq!(c.pairings_of(a.django, 0, 10).len(), 2);
    assert_eq!(c.pairings_of(a.django, 1, 10).len(), 1);
}

#[ink::test]
fn signed_batches_mark_days_and_prove_their_readings() {
    let a = accounts();
    let mut c = setup();
    now(T0 + 10 * DAY);
    let records: Vec<Hash> = (0..5).map(|i| h(0x40 + i)).collect();
    let root = root_of(&records).expect("root");
    // Days 0, 2 and 3 of a four-day period, anchored by a gateway (anyone relays).
    let b = ReadingBatch {
        root,
        ..batch(1, 0, 4, 0b1101, 5)
    };
    caller(stranger());
    // Signed by another key, or over other fields: refused.
    let wrong = signer(2).sign(&c.readings_hash(b));
    assert_eq!(c.anchor_readings(b, wrong), Err(Error::BadSignature));
    let signature = signer(1).sign(&c.readings_hash(b));
    let other = ReadingBatch { count: 6, ..b };
    assert_eq!(
        c.anchor_readings(other, signature),
        Err(Error::BadSignature)
    );
    assert_eq!(c.anchor_readings(b, signature), Ok(1));
    let stored = c.batch(1).expect("stored");
    assert_eq!(
        (stored.patient, stored.days, stored.alert),
        (a.django, 0b1101, None)
    );
    // A replay overlaps.
    assert_eq!(
        c.anchor_readings(b, signature),
        Err(Error::OverlappingPeriod)
    );
    for (i, record) in records.iter().enumerate() {
        let proof = proof_of(&records, i).expect("proof");
        assert!(c.verify_reading(1, *record, proof.clone()));
        assert!(!c.verify_reading(1, h(0x99), proof.clone()));
        assert!(!c.verify_reading(2, *record, proof));
    }
    let mut tampered = proof_of(&records, 0).expect("proof");
    tampered[0] = h(0x98);
    assert!(!c.verify_reading(1, records[0], tampered));
    // The calendars: three days from day 0; none from day 4.
    let key = signer(1).key();
    assert_eq!(c.monitored_days(a.django, None, T0), 3);
    assert_eq!(c.monitored_days(a.django, Some(key), T0 + HOUR), 3);
    assert_eq!(c.monitored_days(a.django, Some(signer(2).key()), T0), 0);
    assert_eq!(c.monitored_days(a.django, None, T0 + 4 * DAY), 0);
    assert_eq!(c.monitored_days(a.eve, None, T0), 0);
    assert_eq!(c.batches_of_device(key, 0, 10), vec![stored]);
    // The next batch starts where the last ended; a day marked twice counts once.
    assert_eq!(anchor(&mut c, 1, batch(1, 4, 2, 0b11, 2)), Ok(2));
    assert_eq!(c.monitored_days(a.django, None, T0), 5);
    assert_eq!(c.device(key).expect("device").batch_count, 2);
}

#[ink::test]
fn malformed_batches_are_refused() {
    let mut c = setup();
    now(T0 + 40 * DAY);
    let cases = [
        (batch(1, 0, 1, 1, 0), Error::EmptyBatch),
        (
            ReadingBatch {
                out_of_range: outside(0, (0, 1), 1),
                ..batch(1, 0, 1, 1, 3)
            },
            Error::EmptyBatch,
        ),
        (
            ReadingBatch {
                out_of_range: outside(4, (0, 1), 1),
                ..batch(1, 0, 1, 1, 3)
            },
            Error::EmptyBatch,
        ),
        (
            ReadingBatch {
                out_of_range: outside(1, (5, 5), 1),
                ..batch(1, 0, 1, 1, 3)
            },
            Error::InvalidThreshold,
        ),
        (
            ReadingBatch {
                quantity: Loinc::from_text("8480-5").expect("fits"),
                ..batch(1, 0, 1, 1, 3)
            },
            Error::InvalidLoinc,
        ),
        (batch(1, 0, 0, 1, 3), Error::BadPeriod),
        (batch(1, 39, 2, 1, 3), Error::BadPeriod),
        (batch(1, 0, 32, 1, 3), Error::BadPeriod),
        (batch(1, 0, 1, 0, 3), Error::BadDays),
        (batch(1, 0, 2, 0b100, 3), Error::BadDays),
        (batch(1, 0, 2, 0b11, 1), Error::BadDays),
        (
            ReadingBatch {
                from: T0 - HOUR,
                ..batch(1, 0, 1, 1, 3)
            },
            Error::OverlappingPeriod,
        ),
    ];
    for (b, error) in cases {
        assert_eq!(anchor(&mut c, 1, b), Err(error), "{b:?}");
    }
    // A 31-day batch is the longest.
    assert_eq!(anchor(&mut c, 1, batch(1, 0, 31, u32::MAX >> 1, 31)), Ok(1));
    assert_eq!(
        anchor(&mut c, 1, batch(1, 30, 2, 1, 3)),
        Err(Error::OverlappingPeriod)
    );
}

#[ink::test]
fn sixteen_days_in_thirty_make_the_device_supply_billable() {
    let a = accounts();
    let mut c = setup();
    now(T0 + 60 * DAY);
    // Days 0..15 (15 days), one batch per day.
    for day in 0..15 {
        assert!(anchor(&mut c, 1, batch(1, day, 1, 1, 4)).is_ok());
    }
    let end = T0 + 29 * DAY;
    assert_eq!(c.monitored_days_until(a.django, a.charlie, end), 15);
    assert_eq!(c.monitored_days(a.django, None, T0), 15);
    // Day 29, the last of the period: 16.
    anchor(&mut c, 1, batch(1, 29, 1, 1, 4)).expect("day 29");
    assert_eq!(
        c.monitored_days_until(a.django, a.charlie, end + DAY - 1),
        16
    );
    // One day later the window has moved past day 0.
    assert_eq!(c.monitored_days_until(a.django, a.charlie, end + DAY), 15);
    // Only the provider who paired the device may bill its days: for another clinician
    // of the patient (here frank, a nurse) there are none.
    assert_eq!(c.monitored_days_until(a.django, a.frank, end + DAY - 1), 0);
    assert_eq!(c.monitored_days(a.django, Some(signer(1).key()), T0), 16);
    // Windows across a word boundary count the same.
    for start in 0..40u64 {
        let direct = (start..start + u64::from(MONITORING_PERIOD_DAYS))
            .filter(|d| *d < 15 || *d == 29)
            .count();
        assert_eq!(
            c.monitored_days(a.django, None, T0 + start * DAY) as usize,
            direct,
            "start {start}"
        );
    }
}

#[ink::test]
fn the_care_team_is_named_by_the_patient_and_bounded() {
    let a = accounts();
    let mut c = setup();
    caller(stranger());
    assert_eq!(
        c.add_care_team_member(a.django, stranger()),
        Err(Error::NotActingForPatient)
    );
    caller(a.eve);
    c.add_care_team_member(a.django, a.frank)
        .expect("delegate adds");
    assert_eq!(
        c.add_care_team_member(a.django, a.frank),
        Err(Error::AlreadyInCareTeam)
    );
    // A licensed delegate never adds itself (a member sets the patient's thresholds).
    credentials(a.eve, &[CredentialKind::MedicalLicence]);
    assert_eq!(
        c.add_care_team_member(a.django, a.eve),
        Err(Error::DelegateSelfGrant)
    );
    assert!(!c.care_team(a.django).contains(&a.eve));
    assert_eq!(
        c.set_threshold(
            a.django,
            systolic(),
            DataCategory::VitalSigns,
            Some((90_000, 140_000))
        ),
        Err(Error::NotCareTeam)
    );
    caller(a.django);
    for i in 0..6u8 {
        c.add_care_team_member(a.django, AccountId::from([0x30 + i; 32]))
            .expect("add");
    }
    assert_eq!(c.care_team(a.django).len(), MAX_CARE_TEAM);
    assert_eq!(
        c.add_care_team_member(a.django, stranger()),
        Err(Error::CareTeamFull)
    );
    // A full team blocks a pairing until the patient makes room.
    caller(a.charlie);
    let key = signer(2).key();
    register(&mut c, 2, 1).expect("device");
    c.unpair_device(signer(1).key()).expect("unpair");
    caller(a.django);
    c.remove_care_team_member(a.django, a.charlie)
        .expect("remove");
    c.add_care_team_member(a.django, stranger()).expect("fill");
    caller(a.charlie);
    assert_eq!(c.pair_device(key, a.django), Err(Error::CareTeamFull));
    // A member leaves by itself; a stranger removes nobody.
    caller(a.charlie);
    assert_eq!(
        c.remove_care_team_member(a.django, a.frank),
        Err(Error::NotActingForPatient)
    );
    caller(a.frank);
    c.remove_care_team_member(a.django, a.frank).expect("leave");
    assert_eq!(
        c.remove_care_team_member(a.django, a.frank),
        Err(Error::NotCareTeam)
    );
    caller(a.charlie);
    c.pair_device(key, a.django).expect("room again");
}

#[ink::test]
fn a_clinician_whose_licence_lapsed_at_the_moment_asked_is_refused() {
    let a = accounts();
    let mut c = setup();
    let (bp, vitals) = (systolic(), DataCategory::VitalSigns);
    // charlie's licence runs out at T0 + 1 day and is back from T0 + 3 days (a
    // suspension in between): asked at each moment, not once for all time.
    credentials(a.charlie, &[]);
    credentials_during(
        a.charlie,
        &[CredentialKind::MedicalLicence],
        T0 - DAY,
        T0 + DAY,
    );
    credentials_during(
        a.charlie,
        &[CredentialKind::MedicalLicence],
        T0 + 3 * DAY,
        T0 + 400 * DAY,
    );
    now(T0 + DAY - 1);
    c.set_threshold(a.django, bp, vitals, Some((90_000, 140_000)))
        .expect("licensed then");
    now(T0 + DAY);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, None),
        Err(Error::ClinicianNotLicensed)
    );
    now(T0 + 2 * DAY);
    assert_eq!(register(&mut c, 2, 1), Err(Error::ClinicianNotLicensed));
    now(T0 + 3 * DAY);
    c.set_threshold(a.django, bp, vitals, None)
        .expect("licensed again");
}

#[ink::test]
fn thresholds_are_set_by_licensed_members_of_the_care_team() {
    let a = accounts();
    let mut c = setup();
    let bp = systolic();
    let vitals = DataCategory::VitalSigns;
    caller(a.frank);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, Some((90_000, 140_000))),
        Err(Error::NotCareTeam)
    );
    caller(a.charlie);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, Some((140_000, 90_000))),
        Err(Error::InvalidThreshold)
    );
    assert_eq!(
        c.set_threshold(
            a.django,
            Loinc::from_text("8480-0").expect("fits"),
            vitals,
            None
        ),
        Err(Error::InvalidLoinc)
    );
    c.set_threshold(a.django, bp, vitals, Some((90_000, 140_000)))
        .expect("set");
    let set = c.threshold(a.django, bp, vitals).expect("stored");
    assert_eq!(
        (set.low, set.high, set.set_by),
        (90_000, 140_000, a.charlie)
    );
    // Per data category: another category's threshold of the quantity is unset.
    assert_eq!(c.threshold(a.django, bp, DataCategory::Imaging), None);
    credentials(a.charlie, &[]);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, None),
        Err(Error::ClinicianNotLicensed)
    );
    credentials(a.charlie, &[CredentialKind::MedicalLicence]);
    c.set_threshold(a.django, bp, vitals, None).expect("clear");
    assert_eq!(c.threshold(a.django, bp, vitals), None);
}

#[ink::test]
fn a_threshold_is_set_or_changed_only_under_current_treatment_consent_and_every_change_is_logged() {
    let a = accounts();
    let mut c = setup();
    let bp = systolic();
    let vitals = DataCategory::VitalSigns;
    caller(a.charlie);
    c.set_threshold(a.django, bp, vitals, Some((90_000, 140_000)))
        .expect("set by the treating physician");
    // frank, a licensed nurse the patient's delegate put on the team, holds no
    // treatment consent: he cannot widen the physician's range to silence alerts,
    // nor clear it, nor set one of his own.
    caller(a.eve);
    c.add_care_team_member(a.django, a.frank).expect("frank");
    caller(a.frank);
    let before = test::recorded_events().count();
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, Some((0, 1_000_000))),
        Err(Error::NoTreatmentConsent)
    );
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, None),
        Err(Error::NoTreatmentConsent)
    );
    assert_eq!(test::recorded_events().count(), before);
    let kept = c.threshold(a.django, bp, vitals).expect("kept");
    assert_eq!(
        (kept.low, kept.high, kept.set_by),
        (90_000, 140_000, a.charlie)
    );
    // A consent for another category does not reach the vital-signs threshold.
    treatment(a.django, a.frank, DataCategory::Imaging, true);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, Some((0, 1_000_000))),
        Err(Error::NoTreatmentConsent)
    );
    // Under the patient's treatment consent for vital signs he may change it; the
    // change names him and what it replaced.
    treatment(a.django, a.frank, vitals, true);
    c.set_threshold(a.django, bp, vitals, Some((95_000, 135_000)))
        .expect("changed under consent");
    assert_eq!(test::recorded_events().count(), before + 1);
    let e = last_recorded::<ThresholdChanged>();
    assert_eq!(
        (e.patient, e.quantity, e.category, e.range, e.by),
        (a.django, bp, vitals, Some((95_000, 135_000)), a.frank)
    );
    assert_eq!(
        e.previous.map(|p| (p.low, p.high, p.set_by)),
        Some((90_000, 140_000, a.charlie))
    );
    let changed = c.threshold(a.django, bp, vitals).expect("changed");
    assert_eq!(changed.set_by, a.frank);
    // The physician whose consent the patient revoked changes nothing any more,
    // its own threshold included.
    treatment(a.django, a.charlie, vitals, false);
    caller(a.charlie);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, Some((0, 1_000_000))),
        Err(Error::NoTreatmentConsent)
    );
    // A broken consent registry refuses, changing nothing.
    consent_fail(Some(PeerError::Trapped));
    caller(a.frank);
    assert_eq!(
        c.set_threshold(a.django, bp, vitals, None),
        Err(Error::ConsentContractTrapped)
    );
    consent_fail(None);
    assert_eq!(c.threshold(a.django, bp, vitals), Some(changed));
}

#[ink::test]
fn alerts_reach_only_the_care_team_members_the_consent_covers_now() {
    let a = accounts();
    let mut c = setup();
    caller(a.django);
    c.add_care_team_member(a.django, a.frank).expect("frank");
    c.add_care_team_member(a.django, stranger())
        .expect("stranger");
    caller(a.charlie);
    c.set_threshold(
        a.django,
        systolic(),
        DataCategory::VitalSigns,
        Some((90_000, 140_000)),
    )
    .expect("threshold");
    now(T0 + 10 * DAY);
    // Outside a narrower range than the clinician's only (a reading of 139 against
    // 100..130): no alert. No summary: no alert.
    let calm = ReadingBatch {
        out_of_range: outside(1, (100_000, 130_000), 139_000),
        ..batch(1, 0, 1, 1, 3)
    };
    assert_eq!(anchor(&mut c, 1, calm), Ok(1));
    assert_eq!(c.alert_count_of(a.django), 0);
    // The worst value is on chain only as a salted commitment.
    let summary = c.batch(1).and_then(|b| b.out_of_range).expect("summary");
    assert_eq!(
        summary.worst_commitment,
        worst_commitment(139_000, [0x5a; 32])
    );
    assert_ne!(
        summary.worst_commitment,
        worst_commitment(139_000, [0x5b; 32])
    );
    // frank's consent is for lab results only; charlie's for vital signs.
    treatment(a.django, a.frank, DataCategory::LabResults, true);
    let high = ReadingBatch {
        out_of_range: outside(2, (90_000, 140_000), 182_000),
        ..batch(1, 1, 1, 1, 3)
    };
    let before = test::recorded_events().count();
    assert_eq!(anchor(&mut c, 1, high), Ok(2));
    let alert = c.alert(1).expect("raised");
    assert_eq!(alert.notified, vec![a.charlie]);
    assert_eq!((alert.batch, alert.threshold), (2, (90_000, 140_000)));
    assert_eq!(c.batch(2).expect("batch").alert, Some(1));
    // ReadingsAnchored, AlertRaised, AlertSent to charlie.
    assert_eq!(test::recorded_events().count() - before, 3);
    let e = last_recorded::<ReadingsAnchored>();
    assert_eq!(
        (e.batch, e.device, e.patient, e.root, e.count, e.quantity),
        (
            2,
            high.device,
            a.django,
            high.root,
            high.count,
            high.quantity
        )
    );
    assert_eq!(
        (e.from, e.until, e.days, e.out_of_range),
        (high.from, high.until, high.days, high.out_of_range)
    );
    let e = last_recorded::<AlertRaised>();
    assert_eq!(
        (e.alert, e.patient, e.device, e.batch, e.quantity, e.notified),
        (1, a.django, high.device, 2, high.quantity, vec![a.charlie])
    );
    assert_eq!(Some(e.out_of_range), high.out_of_range);
    let e = last_recorded::<AlertSent>();
    assert_eq!((e.alert, e.member), (1, a.charlie));
    // Consent to frank for vital signs too: the next alert goes to both. (Withdrawing
    // charlie's, the device's provider, would stop the device's data altogether:
    // `revoked_treatment_consent_stops_the_data_at_once`.)
    treatment(a.django, a.frank, DataCategory::VitalSigns, true);
    let low = ReadingBatch {
        out_of_range: outside(1, (80_000, 150_000), 70_000),
        ..batch(1, 2, 1, 1, 3)
    };
    assert_eq!(anchor(&mut c, 1, low), Ok(3));
    assert_eq!(
        c.alert(2).expect("raised").notified,
        vec![a.charlie, a.frank]
    );
    // The patient's log, paged.
    assert_eq!(c.alert_count_of(a.django), 2);
    assert_eq!(
        c.alerts_of(a.django, 0, 10)
            .iter()
            .map(|alert| alert.id)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(c.alerts_of(a.django, 1, 1).len(), 1);
    // An empty care team: the alert is still in the patient's log, notifying nobody.
    for member in c.care_team(a.django) {
        caller(a.django);
        c.remove_care_team_member(a.django, member).expect("remove");
    }
    let again = ReadingBatch {
        out_of_range: low.out_of_range,
        ..batch(1, 3, 1, 1, 3)
    };
    assert_eq!(anchor(&mut c, 1, again), Ok(4));
    assert_eq!(
        c.alert(3).expect("raised").notified,
        Vec::<AccountId>::new()
    );
}

#[ink::test]
fn pause_stops_growth_but_never_unpairing_revocation_or_leaving() {
    let a = accounts();
    let mut c = setup();
    gov(&mut c, Gov::Pause).expect("pause");
    caller(a.bob);
    assert_eq!(
        c.register_model(h(2), DataCategory::VitalSigns),
        Err(Error::Paused)
    );
    c.recall_model(1, h(3)).expect("recall while paused");
    caller(a.charlie);
    assert_eq!(register(&mut c, 2, 1), Err(Error::Paused));
    assert_eq!(c.pair_device(signer(2).key(), a.django), Err(Error::Paused));
    assert_eq!(
        c.set_threshold(a.django, systolic(), DataCategory::VitalSigns, None),
        Err(Error::Paused)
    );
    now(T0 + DAY);
    assert_eq!(anchor(&mut c, 1, batch(1, 0, 1, 1, 1)), Err(Error::Paused));
    c.unpair_device(signer(1).key())
        .expect("unpair while paused");
    caller(a.django);
    assert_eq!(
        c.add_care_team_member(a.django, a.frank),
        Err(Error::Paused)
    );
    c.remove_care_team_member(a.django, a.charlie)
        .expect("remove while paused");
}

#[ink::test]
fn broken_peers_give_typed_errors() {
    let a = accounts();
    let mut c = setup();
    for (fail, error) in [
        (PeerError::Trapped, Error::CredentialContractTrapped),
        (PeerError::Unreachable, Error::CredentialContractUnreachable),
    ] {
        credentials_fail(Some(fail));
        assert_eq!(register(&mut c, 2, 1), Err(error));
    }
    credentials_fail(None);
    register(&mut c, 2, 1).expect("device");
    for (fail, error) in [
        (PeerError::Trapped, Error::ConsentContractTrapped),
        (PeerError::Unreachable, Error::ConsentContractUnreachable),
    ] {
        consent_fail(Some(fail));
        assert_eq!(c.pair_device(signer(2).key(), a.eve), Err(error));
        caller(a.eve);
        assert_eq!(c.unpair_device(signer(1).key()), Err(error));
        caller(a.charlie);
    }
    // An alert asks consent_registry: a broken one refuses the batch.
    consent_fail(None);
    c.set_threshold(a.django, systolic(), DataCategory::VitalSigns, Some((0, 1)))
        .expect("threshold");
    consent_fail(Some(PeerError::Trapped));
    now(T0 + DAY);
    let b = ReadingBatch {
        out_of_range: outside(1, (0, 1), 5),
        ..batch(1, 0, 1, 1, 1)
    };
    assert_eq!(anchor(&mut c, 1, b), Err(Error::ConsentContractTrapped));
    consent_fail(None);
    assert_eq!(anchor(&mut c, 1, b), Ok(1));
}

#[ink::test]
fn counters_never_wrap() {
    let a = accounts();
    let mut c = setup();
    c.set_counters(u64::MAX);
    caller(a.bob);
    assert_eq!(
        c.register_model(h(2), DataCategory::VitalSigns),
        Err(Error::Overflow)
    );
    now(T0 + DAY);
    assert_eq!(
        anchor(&mut c, 1, batch(1, 0, 1, 1, 1)),
        Err(Error::Overflow)
    );
}

#[ink::test]
fn revoked_treatment_consent_stops_the_data_at_once() {
    let a = accounts();
    let mut c = setup();
    now(T0 + 10 * DAY);
    anchor(&mut c, 1, batch(1, 0, 2, 0b11, 4)).expect("under consent");
    // django revokes charlie's treatment consent, but keeps the device paired: nothing
    // more is anchored, and no day counts for CPT 99454.
    treatment(a.django, a.charlie, DataCategory::VitalSigns, false);
    assert_eq!(
        anchor(&mut c, 1, batch(1, 2, 3, 0b111, 4)),
        Err(Error::NoTreatmentConsent)
    );
    assert_eq!(c.monitored_days(a.django, None, T0), 2);
    assert_eq!(c.monitored_days_until(a.django, a.charlie, T0 + 9 * DAY), 2);
    assert_eq!(c.device(signer(1).key()).expect("d").batch_count, 1);
    // Consent given again: the device anchors again.
    treatment(a.django, a.charlie, DataCategory::VitalSigns, true);
    anchor(&mut c, 1, batch(1, 2, 3, 0b111, 4)).expect("consented again");
    assert_eq!(c.monitored_days_until(a.django, a.charlie, T0 + 9 * DAY), 5);
}

#[ink::test]
fn a_day_two_devices_mark_counts_once_for_the_patient_and_once_per_device() {
    let a = accounts();
    let mut c = setup();
    caller(a.charlie);
    register(&mut c, 2, 1).expect("second device");
    assert_eq!(c.pair_device(signer(2).key(), a.django), Ok(1));
    now(T0 + 3 * DAY);
    caller(stranger());
    // Device 1 marks day 0 in a morning batch, then days 0 and 1 in the next (from
    // noon); device 2, of the same provider, days 0 and 1.
    let morning = ReadingBatch {
        until: T0 + DAY / 2,
        ..batch(1, 0, 1, 0b1, 4)
    };
    assert_eq!(anchor(&mut c, 1, morning), Ok(1));
    let next = ReadingBatch {
        from: T0 + DAY / 2,
        until: T0 + DAY + DAY / 2,
        ..batch(1, 0, 1, 0b11, 4)
    };
    assert_eq!(anchor(&mut c, 1, next), Ok(2));
    assert_eq!(anchor(&mut c, 2, batch(2, 0, 2, 0b11, 4)), Ok(3));
    assert_eq!(c.monitored_days(a.django, None, T0), 2);
    assert_eq!(c.monitored_days(a.django, Some(signer(1).key()), T0), 2);
    assert_eq!(c.monitored_days(a.django, Some(signer(2).key()), T0), 2);
    assert_eq!(c.monitored_days_until(a.django, a.charlie, T0 + 2 * DAY), 2);
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
}
