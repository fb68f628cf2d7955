//! The scenario's clinical trial: registered before enrolment and approved by its IRB; a
//! participant enrolled only once they consented to the protocol version and, in
//! consent_registry, to research by the sponsor; case report forms anchored as a Merkle
//! root and one proved on chain; a device its maker attested, registered with its own
//! proof of possession, whose signed readings a gateway relays; a
//! SUSAR on the 15-day clock reported in time; the participant withdrawn; results on the
//! registered outcome.

use super::{ensure, id, licence, now_ms, party, step};
use clinical_trials::clinical_trials::{
    ClinicalTrials, DeviceBatch, Error as TrialError, EventReport, ReportStatus, Seriousness,
    TrialRequest,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRegistry, ConsentRequest};
use healthcare_traits::anchoring::{proof_of, root_of, Registration};
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{
    CredentialKind, DataCategories, DataCategory, Purpose, PurposeSet, DAY, HOUR,
};
use ink::primitives::Hash;
use ink_e2e::{alice, create_call_builder, Keypair};
use staff_credentials::staff_credentials::StaffCredentials;
use suite_client::{Outcome, Session};

/// The story's people: the physician is the site's investigator, the patient the
/// participant, the unlicensed account a device gateway, the maker a licensed device
/// manufacturer.
pub struct Cast<'a> {
    pub physician: &'a Keypair,
    pub maker: &'a Keypair,
    pub patient: &'a Keypair,
    pub gateway: &'a Keypair,
}

pub async fn clinical_trial(demo: &mut Session, cast: Cast<'_>) -> Outcome<()> {
    let authority = alice();
    let mut creds =
        create_call_builder::<StaffCredentials>(demo.deployment.address("staff_credentials")?);
    let mut consents =
        create_call_builder::<ConsentRegistry>(demo.deployment.address("consent_registry")?);
    let mut trials =
        create_call_builder::<ClinicalTrials>(demo.deployment.address("clinical_trials")?);
    let (physician, patient) = (cast.physician, cast.patient);

    step("A clinical trial: an accredited sponsor registers it before anyone is enrolled");
    let sponsor = party(demo, "trial sponsor").await?;
    let irb = party(demo, "ethics committee (IRB)").await?;
    let now = now_ms()?;
    for (holder, kind, identifier) in [
        (&sponsor, CredentialKind::TrialSponsor, &b"IND-140221"[..]),
        (&irb, CredentialKind::EthicsCommittee, b"IRB00012345"),
    ] {
        demo.tx(
            &authority,
            &creds.issue(licence(id(holder), kind, identifier, *b"US", now)),
            0,
        )
        .await?
        .map_err(|e| format!("issue {kind:?}: {e:?}"))?;
        println!("    {kind:?} credential for the {}", demo.name(&id(holder)));
    }
    let categories = DataCategories::of(&[DataCategory::LabResults, DataCategory::Conditions]);
    let trial = demo
        .tx(
            &sponsor,
            &trials.register_trial(TrialRequest {
                protocol_hash: Hash::from([0x01; 32]),
                registration_hash: Hash::from([0x02; 32]),
                primary_outcome_hash: outcome(),
                target_enrolment: 20,
                primary_completion: now + 180 * DAY,
                irb: id(&irb),
                categories,
                signal_threshold: 3,
                signal_window: 7 * DAY,
            }),
            0,
        )
        .await?
        .map_err(|e| format!("register_trial: {e:?}"))?;
    println!("    trial #{trial}: hashes of the protocol, its WHO registration record and the primary outcome; 20 participants; lab results and conditions collected");
    demo.tx(&sponsor, &trials.add_investigator(trial, id(physician)), 0)
        .await?
        .map_err(|e| format!("add_investigator: {e:?}"))?;
    let early = demo
        .read(physician, &trials.enrol(trial, id(patient)))
        .await?;
    ensure(
        early == Err(TrialError::NoApprovedProtocol),
        "enrolment before the IRB's approval to be refused (NoApprovedProtocol)",
    )?;
    println!("    the physician, its site's investigator, tries to enrol the patient: refused with {early:?}");

    step("The IRB approves the protocol; enrolment waits for both consents");
    demo.tx(&irb, &trials.approve_version(trial, 1), 0)
        .await?
        .map_err(|e| format!("approve_version: {e:?}"))?;
    println!("    the IRB approved protocol version 1");
    demo.tx(
        patient,
        &trials.consent_to_version(trial, id(patient), 1, Hash::from([0x1c; 32])),
        0,
    )
    .await?
    .map_err(|e| format!("consent_to_version: {e:?}"))?;
    println!("    the patient signed the consent form of version 1 (its hash on chain)");
    let refused = demo
        .read(physician, &trials.enrol(trial, id(patient)))
        .await?;
    ensure(
        refused == Err(TrialError::NoResearchConsent),
        "enrolment without research consent in consent_registry to be refused",
    )?;
    println!("    enrol: refused with {refused:?} (no research consent in consent_registry yet)");
    let grant = consents.grant(ConsentRequest {
        patient: id(patient),
        grantee: id(&sponsor),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Research]),
        categories,
        valid_from: now,
        valid_until: Some(now + 365 * DAY),
    });
    let research = demo
        .tx(patient, &grant, 0)
        .await?
        .map_err(|e| format!("grant: {e:?}"))?;
    println!("    consent #{research}: the sponsor may use lab results and conditions for research, for a year");
    let number = demo
        .tx(physician, &trials.enrol(trial, id(patient)), 0)
        .await?
        .map_err(|e| format!("enrol: {e:?}"))?;
    println!("    participant #{number} enrolled");

    step("The site anchors case report forms; a device's signed readings are relayed");
    let forms: Vec<Hash> = (0..4u8).map(|i| Hash::from([0xc0 + i; 32])).collect();
    let root = root_of(&forms).ok_or("a Merkle root")?;
    let until = now_ms()? - 5 * 60_000;
    let batch = demo
        .tx(
            physician,
            &trials.anchor_data(trial, vec![number], root, 4, until - HOUR, until),
            0,
        )
        .await?
        .map_err(|e| format!("anchor_data: {e:?}"))?;
    let proof = proof_of(&forms, 2).ok_or("a proof")?;
    let included = demo
        .read(
            physician,
            &trials.verify_inclusion(batch, forms[2], proof.clone()),
        )
        .await?;
    let mut tampered = proof;
    tampered[0] = Hash::from([0xff; 32]);
    let forged = demo
        .read(
            physician,
            &trials.verify_inclusion(batch, forms[2], tampered),
        )
        .await?;
    ensure(
        included && !forged,
        "the proof to verify and a tampered one not to",
    )?;
    println!("    batch #{batch}: 4 case report forms as one Merkle root; form 3's proof verifies on chain, a tampered proof does not");
    // A new device key per run (the scenario runs again on the same deployment).
    let mut seed = [0x5c; 32];
    seed[..8].copy_from_slice(&now_ms()?.to_le_bytes());
    let device = DeviceSigner::from_seed_bytes(seed);
    let maker = cast.maker;
    demo.tx(
        maker,
        &trials.attest_devices(Hash::from([0x5d; 32]), vec![device.key()]),
        0,
    )
    .await?
    .map_err(|e| format!("attest_devices: {e:?}"))?;
    let issued_at = now_ms()?;
    let registration = Registration {
        registrant: id(physician),
        key: device.key(),
        scope: trial,
        issued_at,
    };
    let hash = demo
        .read(physician, &trials.registration_hash(registration))
        .await?;
    let register = trials.register_device(
        trial,
        device.key(),
        id(maker),
        issued_at,
        device.sign(&hash),
    );
    demo.tx(physician, &register, 0)
        .await?
        .map_err(|e| format!("register_device: {e:?}"))?;
    println!("    the site registers a device its maker attested, with the device's own proof of possession");
    let readings = DeviceBatch {
        device: device.key(),
        trial,
        participant: number,
        root: Hash::from([0x70; 32]),
        count: 96,
        from: until - HOUR,
        until,
        sequence: 1,
    };
    let hash = demo
        .read(physician, &trials.device_batch_hash(readings))
        .await?;
    seed[31] ^= 1;
    let impostor = DeviceSigner::from_seed_bytes(seed);
    let forged = demo
        .read(
            cast.gateway,
            &trials.anchor_device_data(readings, impostor.sign(&hash)),
        )
        .await?;
    ensure(
        forged == Err(TrialError::BadSignature),
        "readings signed by another key to be refused (BadSignature)",
    )?;
    let relayed = demo
        .tx(
            cast.gateway,
            &trials.anchor_device_data(readings, device.sign(&hash)),
            0,
        )
        .await?
        .map_err(|e| format!("anchor_device_data: {e:?}"))?;
    println!("    batch #{relayed}: 96 readings signed by the registered wearable, relayed by a gateway (the same batch signed by another key: {forged:?})");

    step("A serious unexpected adverse reaction starts the 15-day reporting clock");
    let registered = demo
        .read(physician, &trials.trial(trial))
        .await?
        .ok_or("the trial")?
        .registered_at;
    let event = demo
        .tx(
            physician,
            &trials.report_adverse_event(EventReport {
                trial,
                participant: number,
                seriousness: Seriousness::Hospitalisation,
                expected: false,
                suspected: true,
                onset: registered,
                report_hash: Hash::from([0x5a; 32]),
            }),
            0,
        )
        .await?
        .map_err(|e| format!("report_adverse_event: {e:?}"))?;
    let (reported, status) = demo
        .read(physician, &trials.adverse_event(event))
        .await?
        .ok_or("the event")?;
    ensure(status == ReportStatus::Pending, "the SUSAR to be pending")?;
    let days = reported
        .due
        .map_or(0, |due| due.saturating_sub(reported.reported_at) / DAY);
    println!("    adverse event #{event}: a SUSAR, due to the regulators within {days} days");
    let status = demo
        .tx(
            &sponsor,
            &trials.report_susar(event, Hash::from([0x61; 32])),
            0,
        )
        .await?
        .map_err(|e| format!("report_susar: {e:?}"))?;
    ensure(
        status == ReportStatus::OnTime,
        "the SUSAR to be reported on time",
    )?;
    println!("    the sponsor reported it to the regulators: {status:?}");

    step("The participant withdraws; the results are posted on the registered outcome");
    demo.tx(patient, &trials.withdraw(trial, id(patient)), 0)
        .await?
        .map_err(|e| format!("withdraw: {e:?}"))?;
    let again = demo
        .read(
            patient,
            &trials.consent_to_version(trial, id(patient), 1, Hash::from([0x1c; 32])),
        )
        .await?;
    ensure(
        again == Err(TrialError::Withdrawn),
        "a withdrawn participant's consent to be refused",
    )?;
    println!("    participant #{number} withdrew: no data for later periods is accepted");
    let results = demo
        .tx(
            &sponsor,
            &trials.post_results(trial, Hash::from([0x44; 32]), outcome()),
            0,
        )
        .await?
        .map_err(|e| format!("post_results: {e:?}"))?;
    ensure(
        !results.late && !results.outcome_switched,
        "results on the registered outcome, in time",
    )?;
    println!(
        "    results posted: late {}, outcome switched {}",
        results.late, results.outcome_switched
    );
    Ok(())
}

/// The trial's registered primary outcome (the hash of its pre-specified definition).
fn outcome() -> Hash {
    Hash::from([0x0c; 32])
}
