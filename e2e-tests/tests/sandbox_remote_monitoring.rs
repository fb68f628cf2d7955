//! remote_monitoring with a real staff_credentials, consent_registry and
//! claims_adjudication on pallet-contracts (drink sandbox, release WASM): a device key
//! registered only under its maker's attestation with the device's own proof of
//! possession (a key made up, or only seen, is refused); pairing refused
//! without the patient's treatment consent and accepted with it; a batch signed by the
//! device accepted (its signature checked with the chain's `ecdsa_recover`), one signed
//! by another key refused; a reading's Merkle proof checked on chain, a tampered one
//! refused; an alert naming only the care-team members the patient's consent covers; 15
//! days of data in 30 deny a CPT 99454 line (CARC 272), 16 pay it, a second one within
//! 30 days is denied (CARC 119), a provider with no device of its own is not paid on
//! another's data; a revoked treatment consent stops the device's data; broken peers that
//! change nothing; a recall that revokes every device of the model; a code
//! change through the governor.

use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimLine, ClaimRequest, ClaimStatus, Coverage, Error as ClaimError, PlanTerms,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest, Error as ConsentError};
use drink::AccountId32 as Account;
use e2e_tests::events::EventCheck;
use e2e_tests::suite::{
    assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, deploy_suite, enact, issue, operator, Deployed,
};
use e2e_tests::{account, call_data, ink_account, selector, Sandbox};
use healthcare_traits::anchoring::{proof_of, root_of, DeviceSignature, Registration};
use healthcare_traits::monitoring::DEVICE_SUPPLY_CODE;
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{
    Action, ApplyError, CredentialKind, DataCategories, DataCategory, Loinc, PeerRole, Purpose,
    PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;
use remote_monitoring::remote_monitoring::{
    worst_commitment, Alert, AlertSent, Error, OutOfRange, ReadingBatch, ReadingsAnchored,
    Threshold,
};

type Res<T> = Result<T, Error>;

fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}
fn systolic() -> Loinc {
    Loinc::from_text("8480-6").expect("fits")
}

const MAKER: u8 = 2;
const PROVIDER: u8 = 3;
const NURSE: u8 = 4;
const PATIENT: u8 = 5;
const PAYER: u8 = 6;
const DOCTOR: u8 = 7;

/// The suite: model 1 (vital signs) of a licensed maker, who attested devices 1 to 5;
/// device 1 registered by the licensed provider; the payer's plan 1 covering the patient, with a fee for 99454.
struct Rpm {
    chain: Sandbox,
    consent: Account,
    monitoring: Account,
    claims: Account,
    /// The start of the first whole UTC day after the pairing.
    day0: u64,
}

impl Rpm {
    fn new() -> Self {
        let mut chain = Sandbox::new();
        let Deployed {
            credentials,
            consent,
            monitoring,
            claims,
            ..
        } = deploy_suite(&mut chain);
        for (who, kind) in [
            (MAKER, CredentialKind::DeviceManufacturer),
            (PROVIDER, CredentialKind::MedicalLicence),
            (DOCTOR, CredentialKind::MedicalLicence),
            (NURSE, CredentialKind::NursingLicence),
            (PAYER, CredentialKind::PayerLicence),
        ] {
            issue(&mut chain, &credentials, &account(who), kind);
        }
        let now = chain.time();
        let mut r = Self {
            chain,
            consent,
            monitoring,
            claims,
            day0: (now / DAY + 1) * DAY,
        };
        assert_eq!(
            r.mon::<Res<u32>>(MAKER, "register_model", (h(1), DataCategory::VitalSigns)),
            Ok(1)
        );
        let keys: Vec<[u8; 33]> = (1..=5).map(|seed| device(seed).key()).collect();
        assert_eq!(
            r.mon::<Res<()>>(MAKER, "attest_devices", (1u32, keys)),
            Ok(())
        );
        assert_eq!(r.register(PROVIDER, 1, 1), Ok(()));
        r
    }

    /// Device `seed`'s proof of possession for `registrant` under `model`, signed now.
    fn proof(&mut self, seed: u8, registrant: u8, model: u32) -> (u64, DeviceSignature) {
        let issued_at = self.chain.time();
        let registration = Registration {
            registrant: ink_account(&account(registrant)),
            key: device(seed).key(),
            scope: model,
            issued_at,
        };
        let hash: Hash = self.query("registration_hash", (registration,));
        (issued_at, device(seed).sign(&hash))
    }

    /// `who` registers device `seed` under `model`, the device proving possession.
    fn register(&mut self, who: u8, seed: u8, model: u32) -> Res<()> {
        let (issued_at, signature) = self.proof(seed, who, model);
        let key = device(seed).key();
        self.mon(who, "register_device", (key, model, issued_at, signature))
    }

    fn mon<T: parity_scale_codec::Decode>(
        &mut self,
        who: u8,
        message: &str,
        args: impl parity_scale_codec::Encode,
    ) -> T {
        let monitoring = self.monitoring.clone();
        self.chain
            .call::<T>(
                &monitoring,
                &account(who),
                call_data(selector(message), args),
            )
            .value
    }

    fn query<T: parity_scale_codec::Decode>(
        &mut self,
        message: &str,
        args: impl parity_scale_codec::Encode,
    ) -> T {
        let monitoring = self.monitoring.clone();
        self.chain
            .query(&monitoring, call_data(selector(message), args))
    }

    /// The patient permits `grantee` for `purpose` on `category`, from a day ago.
    fn grant(&mut self, grantee: u8, purpose: Purpose, category: DataCategory) -> u64 {
        let now = self.chain.time();
        let request = ConsentRequest {
            patient: ink_account(&account(PATIENT)),
            grantee: ink_account(&account(grantee)),
            kind: ConsentKind::Permit,
            purposes: PurposeSet::of(&[purpose]),
            categories: DataCategories::of(&[category]),
            valid_from: now.saturating_sub(DAY),
            valid_until: None,
        };
        let consent = self.consent.clone();
        self.chain
            .call::<Result<u64, ConsentError>>(
                &consent,
                &account(PATIENT),
                call_data(selector_bytes!("grant"), (request,)),
            )
            .value
            .expect("grant")
    }

    /// The patient names `provider` as a care provider, from a day ago.
    fn name_provider(&mut self, provider: u8) {
        let now = self.chain.time();
        let consent = self.consent.clone();
        let named = self.chain.call::<Result<u64, ConsentError>>(
            &consent,
            &account(PATIENT),
            call_data(
                selector_bytes!("add_care_provider"),
                (
                    ink_account(&account(PATIENT)),
                    ink_account(&account(provider)),
                    now - DAY,
                ),
            ),
        );
        assert!(named.value.is_ok());
    }

    fn pair(&mut self) -> Res<u32> {
        let patient = ink_account(&account(PATIENT));
        self.mon(PROVIDER, "pair_device", (device(1).key(), patient))
    }

    /// A batch of device 1 over days `first .. first + span` after `day0`.
    fn batch(&self, first: u64, span: u64, days: u32, root: Hash) -> ReadingBatch {
        ReadingBatch {
            device: device(1).key(),
            root,
            count: days.count_ones() * 4,
            quantity: systolic(),
            from: self.day0 + first * DAY,
            until: self.day0 + (first + span) * DAY,
            days,
            out_of_range: None,
        }
    }

    /// `batch` signed by `signer`, anchored by a gateway (any account).
    fn anchor(&mut self, batch: ReadingBatch, signer: &DeviceSigner) -> Res<u64> {
        let hash: Hash = self.query("readings_hash", (batch,));
        let signature = signer.sign(&hash);
        self.mon(DOCTOR, "anchor_readings", (batch, signature))
    }
}

fn device(seed: u8) -> DeviceSigner {
    DeviceSigner::from_seed(seed)
}

#[test]
fn a_device_key_is_registered_only_by_its_holder_under_its_makers_attestation() {
    let mut r = Rpm::new();
    // A provider who makes up a device with a key of its own: no maker attested it.
    assert_eq!(r.register(PROVIDER, 9, 1), Err(Error::NotAttested));
    // Someone who saw device 2's key (a doctor handed the proof meant for the provider)
    // cannot register it first.
    let (issued_at, for_provider) = r.proof(2, PROVIDER, 1);
    let key = device(2).key();
    assert_eq!(
        r.mon::<Res<()>>(
            DOCTOR,
            "register_device",
            (key, 1u32, issued_at, for_provider)
        ),
        Err(Error::BadSignature)
    );
    let stale = issued_at - 2 * 60 * 60 * 1000;
    assert_eq!(
        r.mon::<Res<()>>(
            PROVIDER,
            "register_device",
            (key, 1u32, stale, for_provider)
        ),
        Err(Error::StaleProof)
    );
    assert_eq!(
        r.mon::<Res<()>>(
            PROVIDER,
            "register_device",
            (key, 1u32, issued_at, for_provider)
        ),
        Ok(())
    );
    // Only the model's maker attests keys under it.
    let keys = vec![device(9).key()];
    assert_eq!(
        r.mon::<Res<()>>(PROVIDER, "attest_devices", (1u32, keys)),
        Err(Error::NotManufacturer)
    );
}

#[test]
fn pairing_follows_consent_and_batches_follow_the_devices_key() {
    let mut r = Rpm::new();
    // No treatment consent in consent_registry: refused, nothing written.
    assert_eq!(r.pair(), Err(Error::NoTreatmentConsent));
    let care_team: Vec<ink::primitives::AccountId> =
        r.query("care_team", (ink_account(&account(PATIENT)),));
    assert!(care_team.is_empty());
    // Consent for another category does not do either.
    r.grant(PROVIDER, Purpose::Treatment, DataCategory::LabResults);
    assert_eq!(r.pair(), Err(Error::NoTreatmentConsent));
    r.grant(PROVIDER, Purpose::Treatment, DataCategory::VitalSigns);
    assert_eq!(r.pair(), Ok(0));

    // Two days later the device anchors yesterday's readings; another key's signature
    // over the same batch is refused.
    let day0 = r.day0;
    r.chain.set_time(day0 + 2 * DAY);
    let records: Vec<Hash> = (0..6u8).map(|i| h(0x40 + i)).collect();
    let batch = r.batch(0, 1, 1, root_of(&records).expect("root"));
    assert_eq!(r.anchor(batch, &device(2)), Err(Error::BadSignature));
    assert_eq!(r.anchor(batch, &device(1)), Ok(1));
    assert_eq!(r.anchor(batch, &device(1)), Err(Error::OverlappingPeriod));
    let monitoring = r.monitoring.clone();
    let hash: Hash = r.query("readings_hash", (r.batch(1, 1, 1, h(3)),));
    let outcome = r.chain.call::<Res<u64>>(
        &monitoring,
        &account(DOCTOR),
        call_data(
            selector("anchor_readings"),
            (r.batch(1, 1, 1, h(3)), device(1).sign(&hash)),
        ),
    );
    assert_eq!(outcome.value, Ok(2));
    let anchored = outcome.events_of::<ReadingsAnchored>(&monitoring);
    assert_eq!(anchored.len(), 1);
    assert_eq!((anchored[0].batch, anchored[0].days), (2, 1));

    // Each reading proves its inclusion on chain; a tampered proof or record does not.
    for (i, record) in records.iter().enumerate() {
        let proof = proof_of(&records, i).expect("proof");
        assert!(r.query::<bool>("verify_reading", (1u64, *record, proof.clone())));
        assert!(!r.query::<bool>("verify_reading", (1u64, h(0x99), proof)));
    }
    let mut tampered = proof_of(&records, 2).expect("proof");
    tampered[0] = h(0x98);
    assert!(!r.query::<bool>("verify_reading", (1u64, records[2], tampered)));

    // A recall of the model revokes the device: nothing more is anchored.
    assert_eq!(
        r.mon::<Res<()>>(MAKER, "recall_model", (1u32, h(7))),
        Ok(())
    );
    r.chain.set_time(day0 + 3 * DAY);
    let next = r.batch(2, 1, 1, h(4));
    assert_eq!(r.anchor(next, &device(1)), Err(Error::DeviceRevoked));
}

#[test]
fn alerts_name_only_the_care_team_members_the_consent_covers() {
    let mut r = Rpm::new();
    r.grant(PROVIDER, Purpose::Treatment, DataCategory::VitalSigns);
    assert_eq!(r.pair(), Ok(0));
    let patient = ink_account(&account(PATIENT));
    for member in [NURSE, DOCTOR] {
        assert_eq!(
            r.mon::<Res<()>>(
                PATIENT,
                "add_care_team_member",
                (patient, ink_account(&account(member)))
            ),
            Ok(())
        );
    }
    // The nurse's consent covers lab results only; the doctor has none.
    r.grant(NURSE, Purpose::Treatment, DataCategory::LabResults);
    let vitals = DataCategory::VitalSigns;
    assert_eq!(
        r.mon::<Res<()>>(
            PROVIDER,
            "set_threshold",
            (patient, systolic(), vitals, Some((90_000i64, 140_000i64)))
        ),
        Ok(())
    );
    // Care-team members without the patient's treatment consent for vital signs (the
    // real registry says so) cannot clear or widen the provider's range.
    for member in [DOCTOR, NURSE] {
        assert_eq!(
            r.mon::<Res<()>>(
                member,
                "set_threshold",
                (patient, systolic(), vitals, None::<(i64, i64)>)
            ),
            Err(Error::NoTreatmentConsent),
        );
    }
    let kept: Option<Threshold> = r.chain.query(
        &r.monitoring,
        call_data(selector_bytes!("threshold"), (patient, systolic(), vitals)),
    );
    assert_eq!(kept.map(|t| (t.low, t.high)), Some((90_000, 140_000)));
    let day0 = r.day0;
    r.chain.set_time(day0 + DAY);
    let high = ReadingBatch {
        out_of_range: Some(OutOfRange {
            count: 2,
            range: (90_000, 140_000),
            worst_commitment: worst_commitment(185_000, [0x5a; 32]),
        }),
        ..r.batch(0, 1, 1, h(5))
    };
    let hash: Hash = r.query("readings_hash", (high,));
    let monitoring = r.monitoring.clone();
    let outcome = r.chain.call::<Res<u64>>(
        &monitoring,
        &account(NURSE),
        call_data(selector("anchor_readings"), (high, device(1).sign(&hash))),
    );
    assert_eq!(outcome.value, Ok(1));
    let sent = outcome.events_of::<AlertSent>(&monitoring);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].member, ink_account(&account(PROVIDER)));
    let log: Vec<Alert> = r.query("alerts_of", (patient, 0u32, 10u32));
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].notified, vec![ink_account(&account(PROVIDER))]);

    // The nurse's consent widened to vital signs: the next alert reaches her too.
    r.grant(NURSE, Purpose::Treatment, DataCategory::VitalSigns);
    r.chain.set_time(day0 + 2 * DAY);
    let again = ReadingBatch {
        out_of_range: high.out_of_range,
        ..r.batch(1, 1, 1, h(6))
    };
    assert_eq!(r.anchor(again, &device(1)), Ok(2));
    let alert: Option<Alert> = r.query("alert", (2u64,));
    assert_eq!(
        alert.expect("raised").notified,
        vec![
            ink_account(&account(PROVIDER)),
            ink_account(&account(NURSE))
        ]
    );
}

/// The payer's plan 1 with a 99454 fee, the patient covered, consenting to payment and
/// naming the provider; escrow funded.
fn plan(r: &mut Rpm) {
    let now = r.chain.time();
    r.grant(PAYER, Purpose::Payment, DataCategory::Billing);
    r.name_provider(PROVIDER);
    let claims = r.claims.clone();
    let terms = PlanTerms {
        deductible: 0,
        copay: 0,
        coinsurance_bps: 0,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 1_000_000,
        year_start: now - 100 * DAY,
        max_units: 100,
    };
    let payer = account(PAYER);
    let created = r.chain.call::<Result<u32, ClaimError>>(
        &claims,
        &payer,
        call_data(selector_bytes!("create_plan"), (terms,)),
    );
    assert_eq!(created.value, Ok(1));
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(DEVICE_SUPPLY_CODE, Some(60))];
    let set = r.chain.call::<Result<(), ClaimError>>(
        &claims,
        &payer,
        call_data(selector_bytes!("set_fees"), (1u32, fees)),
    );
    assert_eq!(set.value, Ok(()));
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    let enrolled = r.chain.call::<Result<(), ClaimError>>(
        &claims,
        &payer,
        call_data(
            selector_bytes!("enroll"),
            (1u32, ink_account(&account(PATIENT)), coverage),
        ),
    );
    assert_eq!(enrolled.value, Ok(()));
    let funded = r
        .chain
        .try_call::<Result<u128, ClaimError>>(
            &claims,
            &payer,
            call_data(selector_bytes!("fund"), (1u32,)),
            10_000,
        )
        .expect("fund");
    assert_eq!(funded.value, Ok(10_000));
}

/// `provider`'s claim of one CPT 99454 line for the patient, adjudicated.
fn device_supply_claim(r: &mut Rpm, provider: u8, service_date: u64) -> Result<Claim, ClaimError> {
    let request = ClaimRequest {
        plan: 1,
        member: ink_account(&account(PATIENT)),
        provider: ink_account(&account(provider)),
        service_date,
        emergency: false,
        lines: vec![ClaimLine {
            procedure: DEVICE_SUPPLY_CODE,
            diagnosis_commitment: h(0x1c),
            billed: 60,
            units: 1,
        }],
    };
    let claims = r.claims.clone();
    let id = r
        .chain
        .call::<Result<u64, ClaimError>>(
            &claims,
            &account(provider),
            call_data(selector_bytes!("submit_claim"), (request,)),
        )
        .value?;
    let claim: Option<Claim> = r
        .chain
        .query(&claims, call_data(selector_bytes!("claim"), (id,)));
    Ok(claim.expect("stored"))
}

#[test]
fn sixteen_days_of_data_in_thirty_pay_the_device_supply_line() {
    let mut r = Rpm::new();
    r.grant(PROVIDER, Purpose::Treatment, DataCategory::VitalSigns);
    assert_eq!(r.pair(), Ok(0));
    plan(&mut r);
    let day0 = r.day0;
    r.chain.set_time(day0 + 31 * DAY);
    // Fifteen days with readings: days 0-9 in one batch, 20-24 in another.
    assert_eq!(
        r.anchor(r.batch(0, 10, (1 << 10) - 1, h(8)), &device(1)),
        Ok(1)
    );
    assert_eq!(r.anchor(r.batch(20, 5, 0b11111, h(9)), &device(1)), Ok(2));
    let service_date = day0 + 29 * DAY + 12 * 3_600_000;
    let patient = ink_account(&account(PATIENT));
    assert_eq!(
        r.query::<u32>("monitored_days", (patient, None::<[u8; 33]>, day0)),
        15
    );
    let denied = device_supply_claim(&mut r, PROVIDER, service_date).expect("adjudicated");
    assert_eq!(denied.status, ClaimStatus::Denied);
    assert_eq!(denied.denial, Some(Carc::MonitoringDaysNotMet));
    assert_eq!(Carc::MonitoringDaysNotMet.code(), "272");
    // One more day of data (day 29): sixteen, and the line is paid.
    assert_eq!(r.anchor(r.batch(29, 1, 1, h(10)), &device(1)), Ok(3));
    let paid = device_supply_claim(&mut r, PROVIDER, service_date).expect("adjudicated");
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(paid.payer_amount, 60);

    // A second 99454 for the same member less than 30 days from the paid one is denied
    // CARC 119 (without asking remote_monitoring), whoever bills it.
    let again = device_supply_claim(&mut r, PROVIDER, service_date + DAY).expect("adjudicated");
    assert_eq!(again.denial, Some(Carc::PeriodMaximum));
    assert_eq!(Carc::PeriodMaximum.code(), "119");

    // The claims contract's monitoring peer broken (a trapping contract, then a plain
    // account): a 99454 claim (of the next period) is a typed error and nothing is
    // recorded.
    r.chain.set_time(day0 + 62 * DAY);
    let trap = r.chain.deploy(
        "trapping_peer",
        &operator(),
        call_data(selector_bytes!("new"), ()),
    );
    let claims = r.claims.clone();
    for (peer, error) in [
        (trap, ClaimError::MonitoringContractTrapped),
        (account(9), ClaimError::MonitoringContractUnreachable),
    ] {
        assert_eq!(
            enact(
                &mut r.chain,
                &claims,
                Action::Peer(PeerRole::Monitoring, ink_account(&peer))
            ),
            Ok(())
        );
        let later = r.chain.time();
        assert_eq!(
            device_supply_claim(&mut r, PROVIDER, later).err(),
            Some(error)
        );
    }
}

#[test]
fn revoked_consent_stops_the_data_and_only_the_monitoring_provider_bills() {
    let mut r = Rpm::new();
    let consent_id = r.grant(PROVIDER, Purpose::Treatment, DataCategory::VitalSigns);
    assert_eq!(r.pair(), Ok(0));
    plan(&mut r);
    // DOCTOR is also the patient's provider (named, licensed) but paired no device.
    r.name_provider(DOCTOR);
    let day0 = r.day0;
    r.chain.set_time(day0 + 31 * DAY);
    assert_eq!(
        r.anchor(r.batch(0, 20, (1 << 20) - 1, h(8)), &device(1)),
        Ok(1)
    );
    let patient = ink_account(&account(PATIENT));
    let until = day0 + 29 * DAY + 12 * 3_600_000;
    let provider_days: u32 = r.query(
        "MonitoringVerifier::monitored_days_until",
        (patient, ink_account(&account(PROVIDER)), until),
    );
    let doctor_days: u32 = r.query(
        "MonitoringVerifier::monitored_days_until",
        (patient, ink_account(&account(DOCTOR)), until),
    );
    assert_eq!((provider_days, doctor_days), (20, 0));
    // The doctor's 99454 claim on the provider's data: CARC 272.
    let claim = device_supply_claim(&mut r, DOCTOR, until).expect("adjudicated");
    assert_eq!(claim.denial, Some(Carc::MonitoringDaysNotMet));
    // The patient revokes the provider's treatment consent in consent_registry (the
    // device stays paired): the device's next batch is refused, no day is added.
    let consent = r.consent.clone();
    let revoked = r.chain.call::<Result<(), ConsentError>>(
        &consent,
        &account(PATIENT),
        call_data(selector_bytes!("revoke"), (consent_id,)),
    );
    assert_eq!(revoked.value, Ok(()));
    assert_eq!(
        r.anchor(r.batch(20, 5, 0b11111, h(9)), &device(1)),
        Err(Error::NoTreatmentConsent)
    );
    let after: u32 = r.query(
        "MonitoringVerifier::monitored_days_until",
        (patient, ink_account(&account(PROVIDER)), until),
    );
    assert_eq!(after, 20, "no day added after the revocation");
}

#[test]
fn broken_peers_change_nothing_and_code_changes_go_through_the_governor() {
    let mut r = Rpm::new();
    let monitoring = r.monitoring.clone();
    let trap = r.chain.deploy(
        "trapping_peer",
        &operator(),
        call_data(selector_bytes!("new"), ()),
    );
    assert_eq!(
        enact(
            &mut r.chain,
            &monitoring,
            Action::Peer(PeerRole::Consent, ink_account(&trap))
        ),
        Ok(())
    );
    let outcome = r.chain.call::<Res<u32>>(
        &monitoring,
        &account(PROVIDER),
        call_data(
            selector("pair_device"),
            (device(1).key(), ink_account(&account(PATIENT))),
        ),
    );
    assert_eq!(outcome.value, Err(Error::ConsentContractTrapped));
    assert!(outcome.reverted);
    assert_eq!(outcome.events, 0);
    assert_eq!(
        enact(
            &mut r.chain,
            &monitoring,
            Action::Peer(PeerRole::Credentials, ink_account(&account(9)))
        ),
        Ok(())
    );
    assert_eq!(
        r.register(PROVIDER, 3, 1),
        Err(Error::CredentialContractUnreachable)
    );
    assert_eq!(
        enact(
            &mut r.chain,
            &monitoring,
            Action::Peer(PeerRole::Monitoring, ink_account(&account(9)))
        ),
        Err(ApplyError::Unsupported)
    );
    assert_unknown_code_refused(&mut r.chain, &monitoring);
    assert_guardian_stops_an_upgrade(&mut r.chain, &monitoring);
    let models: u32 = r
        .chain
        .query(&monitoring, call_data(selector_bytes!("model_count"), ()));
    assert_real_upgrade(&mut r.chain, &monitoring, "remote_monitoring");
    // Storage kept: the models registered before the upgrade.
    let after: u32 = r
        .chain
        .query(&monitoring, call_data(selector_bytes!("model_count"), ()));
    assert_eq!(after, models);
}

/// Every event type of remote_monitoring, decoded with its metadata (not its Rust types),
/// each field checked once: a table of calls and the events each must emit (on a second
/// model and device, registered here).
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut r = Rpm::new();
    let mut check = EventCheck::new();
    let monitoring = r.monitoring.clone();
    let patient = ink_account(&account(PATIENT));
    fn call<T: parity_scale_codec::Decode + core::fmt::Debug>(
        r: &mut Rpm,
        check: &mut EventCheck,
        who: u8,
        message: &str,
        args: impl parity_scale_codec::Encode,
        events: &[String],
    ) -> T {
        let monitoring = r.monitoring.clone();
        r.chain.call_checked(
            check,
            &monitoring,
            &account(who),
            call_data(selector(message), args),
            0,
            events,
        )
    }
    let signer = device(6);
    let key: String = signer.key().iter().map(|b| format!("{b:02x}")).collect();
    let res: Res<u32> = call(
        &mut r,
        &mut check,
        MAKER,
        "register_model",
        (h(0x4d), DataCategory::VitalSigns),
        &[
            "ModelRegistered { model: 2, manufacturer: @2, model_hash: [0x4d; 32], \
           category: VitalSigns }"
                .into(),
        ],
    );
    assert_eq!(res, Ok(2));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        MAKER,
        "attest_devices",
        (2u32, vec![signer.key()]),
        &[format!(
            "DevicesAttested {{ model: 2, manufacturer: @2, keys: [0x{key}] }}"
        )],
    );
    assert_eq!(res, Ok(()));
    let (issued_at, signature) = r.proof(6, PROVIDER, 2);
    let res: Res<()> = call(
        &mut r,
        &mut check,
        PROVIDER,
        "register_device",
        (signer.key(), 2u32, issued_at, signature),
        &[format!(
            "DeviceRegistered {{ device: 0x{key}, model: 2, provider: @3 }}"
        )],
    );
    assert_eq!(res, Ok(()));
    r.grant(PROVIDER, Purpose::Treatment, DataCategory::VitalSigns);
    let res: Res<u32> = call(
        &mut r,
        &mut check,
        PROVIDER,
        "pair_device",
        (signer.key(), patient),
        // The pairing provider joins the patient's care team.
        &[
            "CareTeamChanged { patient: @5, member: @3, active: true, by: @3 }".into(),
            format!("DevicePaired {{ device: 0x{key}, patient: @5, provider: @3, pairing: 0 }}"),
        ],
    );
    assert_eq!(res, Ok(0));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        PATIENT,
        "add_care_team_member",
        (patient, ink_account(&account(NURSE))),
        &["CareTeamChanged { patient: @5, member: @4, active: true, by: @5 }".into()],
    );
    assert_eq!(res, Ok(()));
    let vitals = DataCategory::VitalSigns;
    let code = "b\"8480-6\\0\\0\"";
    let res: Res<()> = call(
        &mut r,
        &mut check,
        PROVIDER,
        "set_threshold",
        (patient, systolic(), vitals, Some((90_000i64, 140_000i64))),
        &[format!(
            "ThresholdChanged {{ patient: @5, quantity: Loinc({code}), category: VitalSigns, \
             range: Some((90000, 140000)), by: @3, previous: None }}"
        )],
    );
    assert_eq!(res, Ok(()));
    // An out-of-range batch, relayed by any account: an alert to the care team members
    // whose consent covers vital signs (the provider; not the nurse).
    let day0 = r.day0;
    r.chain.set_time(day0 + DAY);
    let worst = worst_commitment(185_000, [0x5a; 32]);
    let worst_hex: String = worst.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let high = ReadingBatch {
        device: signer.key(),
        out_of_range: Some(OutOfRange {
            count: 2,
            range: (90_000, 140_000),
            worst_commitment: worst,
        }),
        ..r.batch(0, 1, 1, h(5))
    };
    let hash: Hash = r.query("readings_hash", (high,));
    let out_of_range = format!(
        "OutOfRange {{ count: 2, range: (90000, 140000), worst_commitment: 0x{worst_hex} }}"
    );
    let res: Res<u64> = call(
        &mut r,
        &mut check,
        DOCTOR,
        "anchor_readings",
        (high, signer.sign(&hash)),
        &[
            format!(
                "ReadingsAnchored {{ batch: 1, device: 0x{key}, patient: @5, root: [0x05; 32], \
                 count: 4, quantity: Loinc({code}), from: {day0}, until: {}, days: 1, \
                 out_of_range: Some({out_of_range}) }}",
                day0 + DAY
            ),
            format!(
                "AlertRaised {{ alert: 1, patient: @5, device: 0x{key}, batch: 1, \
                 quantity: Loinc({code}), out_of_range: {out_of_range}, notified: [@3] }}"
            ),
            "AlertSent { alert: 1, member: @3 }".into(),
        ],
    );
    assert_eq!(res, Ok(1));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        PATIENT,
        "remove_care_team_member",
        (patient, ink_account(&account(NURSE))),
        &["CareTeamChanged { patient: @5, member: @4, active: false, by: @5 }".into()],
    );
    assert_eq!(res, Ok(()));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        PROVIDER,
        "unpair_device",
        (signer.key(),),
        &[format!(
            "DeviceUnpaired {{ device: 0x{key}, patient: @5, by: @3 }}"
        )],
    );
    assert_eq!(res, Ok(()));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        MAKER,
        "revoke_device",
        (signer.key(), h(0x0e)),
        &[format!(
            "DeviceRevoked {{ device: 0x{key}, reason_hash: [0x0e; 32] }}"
        )],
    );
    assert_eq!(res, Ok(()));
    let res: Res<()> = call(
        &mut r,
        &mut check,
        MAKER,
        "recall_model",
        (2u32, h(0x0f)),
        &["ModelRecalled { model: 2, recall_hash: [0x0f; 32] }".into()],
    );
    assert_eq!(res, Ok(()));
    check_governance_events(&mut r.chain, &monitoring, "remote_monitoring", &mut check);
    check.assert_all_checked("remote_monitoring");
}
