//! The scenario's remote monitoring: a licensed device maker registers a blood-pressure
//! cuff model and attests the cuff's key; the physician registers the patient's cuff
//! with the cuff's proof of possession (a key no maker attested is refused) and pairs it
//! only once the
//! patient consents to treatment with vital signs; the physician sets the alert range; a
//! gateway relays the cuff's signed readings (another key's signature refused); the high
//! reading raises an alert to the consented care team; a CPT 99454 claim for a period
//! with one day of data is denied with CARC 272.

use super::{ensure, id, licence, now_ms, party, step, CENT};
use claims_adjudication::claims_adjudication::{
    Carc, ClaimLine, ClaimRequest, ClaimStatus, ClaimsAdjudication,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRegistry, ConsentRequest};
use healthcare_traits::anchoring::Registration;
use healthcare_traits::monitoring::DEVICE_SUPPLY_CODE;
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{
    CredentialKind, DataCategories, DataCategory, Loinc, Purpose, PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink_e2e::{alice, create_call_builder, Keypair};
use remote_monitoring::remote_monitoring::{
    worst_commitment, Error as MonitoringError, OutOfRange, ReadingBatch, RemoteMonitoring,
};
use staff_credentials::staff_credentials::StaffCredentials;
use suite_client::{Outcome, Session};

/// The story's people and the payer's plan.
pub struct Cast<'a> {
    pub physician: &'a Keypair,
    pub patient: &'a Keypair,
    pub payer: &'a Keypair,
    pub gateway: &'a Keypair,
    pub plan: u32,
}

/// Returns the licensed device maker (the trial's device comes from it too).
pub async fn remote_monitoring(demo: &mut Session, cast: Cast<'_>) -> Outcome<Keypair> {
    let authority = alice();
    let mut creds =
        create_call_builder::<StaffCredentials>(demo.deployment.address("staff_credentials")?);
    let mut consents =
        create_call_builder::<ConsentRegistry>(demo.deployment.address("consent_registry")?);
    let mut rpm =
        create_call_builder::<RemoteMonitoring>(demo.deployment.address("remote_monitoring")?);
    let mut claims =
        create_call_builder::<ClaimsAdjudication>(demo.deployment.address("claims_adjudication")?);
    let (physician, patient) = (cast.physician, cast.patient);

    step("Remote monitoring: a licensed device maker registers a blood-pressure cuff model");
    let maker = party(demo, "device manufacturer").await?;
    let now = now_ms()?;
    demo.tx(
        &authority,
        &creds.issue(licence(
            id(&maker),
            CredentialKind::DeviceManufacturer,
            b"FEI3004567",
            *b"US",
            now,
        )),
        0,
    )
    .await?
    .map_err(|e| format!("issue DeviceManufacturer: {e:?}"))?;
    let model = demo
        .tx(
            &maker,
            &rpm.register_model(Hash::from([0xd1; 32]), DataCategory::VitalSigns),
            0,
        )
        .await?
        .map_err(|e| format!("register_model: {e:?}"))?;
    println!("    model #{model}: the hash of its device record (UDI, FDA listing); its data are vital signs");

    step("The maker attests the cuff's key; the physician registers the cuff with its proof of possession and pairs it once the patient consents to treatment");
    // A new device key per run (the scenario runs again on the same deployment).
    let mut seed = [0xb9; 32];
    seed[..8].copy_from_slice(&now.to_le_bytes());
    let cuff = DeviceSigner::from_seed_bytes(seed);
    demo.tx(&maker, &rpm.attest_devices(model, vec![cuff.key()]), 0)
        .await?
        .map_err(|e| format!("attest_devices: {e:?}"))?;
    println!("    the maker attests the cuff's key under model #{model}");
    let issued_at = now_ms()?;
    let registration = Registration {
        registrant: id(physician),
        key: cuff.key(),
        scope: model,
        issued_at,
    };
    let hash = demo
        .read(physician, &rpm.registration_hash(registration))
        .await?;
    let made_up = DeviceSigner::from_seed_bytes([0xee; 32]);
    let invented = demo
        .read(
            physician,
            &rpm.register_device(made_up.key(), model, issued_at, made_up.sign(&hash)),
        )
        .await?;
    ensure(
        invented == Err(MonitoringError::NotAttested),
        "a key no maker attested to be refused (NotAttested)",
    )?;
    println!("    a key no maker attested: refused with {invented:?}");
    let register = rpm.register_device(cuff.key(), model, issued_at, cuff.sign(&hash));
    demo.tx(physician, &register, 0)
        .await?
        .map_err(|e| format!("register_device: {e:?}"))?;
    println!(
        "    the cuff signs its registration (the physician, the model, the time): registered"
    );
    let early = demo
        .read(physician, &rpm.pair_device(cuff.key(), id(patient)))
        .await?;
    ensure(
        early == Err(MonitoringError::NoTreatmentConsent),
        "pairing without treatment consent to be refused (NoTreatmentConsent)",
    )?;
    println!("    pairing before the patient's consent: refused with {early:?}");
    let grant = consents.grant(ConsentRequest {
        patient: id(patient),
        grantee: id(physician),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        categories: DataCategories::of(&[DataCategory::VitalSigns]),
        valid_from: now,
        valid_until: Some(now + 90 * DAY),
    });
    let consent = demo
        .tx(patient, &grant, 0)
        .await?
        .map_err(|e| format!("grant: {e:?}"))?;
    println!(
        "    consent #{consent}: the physician may use the patient's vital signs for treatment"
    );
    demo.tx(physician, &rpm.pair_device(cuff.key(), id(patient)), 0)
        .await?
        .map_err(|e| format!("pair_device: {e:?}"))?;
    let paired_at = demo
        .read(physician, &rpm.device(cuff.key()))
        .await?
        .ok_or("the device")?
        .paired_at;
    println!("    the cuff is paired; the physician joined the patient's care team");

    step("The physician sets the alert range; the cuff's signed readings are relayed");
    // The readings cover the first second after the pairing: a period that has ended in
    // the block of the next transaction (and in the state the dry runs below read).
    while now_ms()? < paired_at + 2_000 {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let systolic = Loinc::from_text("8480-6").ok_or("a LOINC code")?;
    demo.tx(
        physician,
        &rpm.set_threshold(
            id(patient),
            systolic,
            DataCategory::VitalSigns,
            Some((90_000, 140_000)),
        ),
        0,
    )
    .await?
    .map_err(|e| format!("set_threshold: {e:?}"))?;
    println!("    systolic blood pressure (LOINC 8480-6): alert outside 90-140 mmHg");
    let batch = ReadingBatch {
        device: cuff.key(),
        root: Hash::from([0xb1; 32]),
        count: 3,
        quantity: systolic,
        from: paired_at,
        until: paired_at + 1_000,
        days: 1,
        // The cuff applies the alert range it read from the contract; the worst reading
        // (168 mmHg) goes on chain only as a salted commitment.
        out_of_range: Some(OutOfRange {
            count: 1,
            range: (90_000, 140_000),
            worst_commitment: worst_commitment(168_000, [0x5a; 32]),
        }),
    };
    let hash = demo.read(cast.gateway, &rpm.readings_hash(batch)).await?;
    seed[31] ^= 1;
    let impostor = DeviceSigner::from_seed_bytes(seed);
    let forged = demo
        .read(
            cast.gateway,
            &rpm.anchor_readings(batch, impostor.sign(&hash)),
        )
        .await?;
    ensure(
        forged == Err(MonitoringError::BadSignature),
        &format!("readings signed by another key to be refused (BadSignature), not {forged:?}"),
    )?;
    let anchored = demo
        .tx(
            cast.gateway,
            &rpm.anchor_readings(batch, cuff.sign(&hash)),
            0,
        )
        .await?
        .map_err(|e| format!("anchor_readings: {e:?}"))?;
    println!("    batch #{anchored}: 3 readings as one Merkle root, signed by the cuff and relayed by a gateway (another key's signature: {forged:?})");
    let alerts = demo
        .read(patient, &rpm.alerts_of(id(patient), 0, 50))
        .await?;
    let alert = alerts.last().ok_or("an alert")?;
    ensure(
        alert.batch == anchored && alert.notified == vec![id(physician)],
        "the alert to reach the consented physician only",
    )?;
    println!(
        "    alert #{}: 1 reading outside 90-140 mmHg (its value only as a salted commitment), sent to the physician; in the patient's log",
        alert.id
    );

    step("A device-supply claim (CPT 99454) needs 16 days of data in 30: denied with CARC 272");
    demo.tx(
        cast.payer,
        &claims.set_fees(cast.plan, vec![(DEVICE_SUPPLY_CODE, Some(5_000 * CENT))]),
        0,
    )
    .await?
    .map_err(|e| format!("set_fees: {e:?}"))?;
    // The service date: the end of the batch's period (a moment every later block has
    // passed); the 30 days up to it hold the one day with readings.
    let service_date = batch.until;
    let days = demo
        .read(
            patient,
            &rpm.monitored_days(id(patient), None, service_date - 29 * DAY),
        )
        .await?;
    let claim = demo
        .tx(
            physician,
            &claims.submit_claim(ClaimRequest {
                plan: cast.plan,
                member: id(patient),
                provider: id(physician),
                service_date,
                emergency: false,
                lines: vec![ClaimLine {
                    procedure: DEVICE_SUPPLY_CODE,
                    diagnosis_commitment: Hash::from([0x1d; 32]),
                    billed: 6_000 * CENT,
                    units: 1,
                }],
            }),
            0,
        )
        .await?
        .map_err(|e| format!("submit_claim: {e:?}"))?;
    let remittance = demo
        .read(physician, &claims.claim(claim))
        .await?
        .ok_or("the claim")?;
    ensure(
        remittance.status == ClaimStatus::Denied
            && remittance.denial == Some(Carc::MonitoringDaysNotMet),
        "the 99454 line to be denied with CARC 272",
    )?;
    println!("    {days} day(s) with data in the 30 days up to the service date: claim #{claim} denied, CARC {}", Carc::MonitoringDaysNotMet.code());
    Ok(maker)
}
