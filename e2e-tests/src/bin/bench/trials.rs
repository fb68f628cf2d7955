//! What the bench measures of clinical_trials: every state-changing message, in the order
//! of a trial's life (registration, approval, a site, consent, enrolment, anchored data,
//! a device attested by its maker and registered with its proof of possession, its signed
//! batch checked with `ecdsa_recover`, a SUSAR and its report, an
//! amendment, a suspension, withdrawal, results), then the shared admin messages.

use crate::measure::{measure_admin, measure_change};
use crate::world::{
    ConsErr, TrialErr, World, DEVICE_MAKER, IRB, OTHER, PATIENT, PROVIDER, SPONSOR,
};
use clinical_trials::clinical_trials::{
    Amendment, DeviceBatch, EventReport, ReportStatus, Results, Seriousness, Trial, TrialRequest,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest};
use e2e_tests::call_data;
use healthcare_traits::anchoring::{root_of, Registration};
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{Action, DataCategories, DataCategory, Purpose, PurposeSet, DAY, HOUR};
use ink::primitives::Hash;
use ink::selector_bytes;

fn h(byte: u8) -> Hash {
    Hash::from([byte; 32])
}

pub fn measure_trials(w: &mut World, code_hash: [u8; 32]) {
    let n = "clinical_trials";
    let now = w.now;
    let (patient, site, irb) = (w.id(PATIENT), w.id(PROVIDER), w.id(IRB));
    let categories = DataCategories::of(&[DataCategory::LabResults, DataCategory::Conditions]);
    let request = TrialRequest {
        protocol_hash: h(1),
        registration_hash: h(2),
        primary_outcome_hash: h(3),
        target_enrolment: 100,
        primary_completion: now + 365 * DAY,
        irb,
        categories,
        signal_threshold: 5,
        signal_window: 7 * DAY,
    };
    let trial: u32 = w.ok::<u32, TrialErr>(
        n,
        "register_trial",
        SPONSOR,
        call_data(selector_bytes!("register_trial"), (request,)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "approve_version",
        IRB,
        call_data(selector_bytes!("approve_version"), (trial, 1u32)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "add_investigator",
        SPONSOR,
        call_data(selector_bytes!("add_investigator"), (trial, site)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "consent_to_version",
        PATIENT,
        call_data(
            selector_bytes!("consent_to_version"),
            (trial, patient, 1u32, h(9)),
        ),
        0,
    );
    // The research consent the enrolment asks consent_registry about (not measured here).
    let consent = w.consent.clone();
    let granted = w.call::<Result<u64, ConsErr>>(
        &consent,
        PATIENT,
        call_data(
            selector_bytes!("grant"),
            (ConsentRequest {
                patient,
                grantee: w.id(SPONSOR),
                kind: ConsentKind::Permit,
                purposes: PurposeSet::of(&[Purpose::Research]),
                categories,
                valid_from: now,
                valid_until: None,
            },),
        ),
        0,
    );
    assert!(granted.is_ok(), "research consent: {granted:?}");
    let number: u32 = w.ok::<u32, TrialErr>(
        n,
        "enrol (credential and 2-category consent checks)",
        PROVIDER,
        call_data(selector_bytes!("enrol"), (trial, patient)),
        0,
    );
    let records: Vec<Hash> = (0..64u8).map(h).collect();
    let root = root_of(&records).unwrap_or_default();
    w.ok::<u64, TrialErr>(
        n,
        "anchor_data (1 participant)",
        PROVIDER,
        call_data(
            selector_bytes!("anchor_data"),
            (trial, vec![number], root, 64u32, now - 2 * HOUR, now - HOUR),
        ),
        0,
    );
    let device = DeviceSigner::from_seed(0xbe);
    w.ok::<(), TrialErr>(
        n,
        "attest_devices (1 key)",
        DEVICE_MAKER,
        call_data(
            selector_bytes!("attest_devices"),
            (h(0x4d), vec![device.key()]),
        ),
        0,
    );
    let issued_at = w.chain.time();
    let registration = Registration {
        registrant: site,
        key: device.key(),
        scope: trial,
        issued_at,
    };
    let proof = device.sign(&w.query(
        &w.trials.clone(),
        call_data(selector_bytes!("registration_hash"), (registration,)),
    ));
    let maker = w.id(DEVICE_MAKER);
    w.ok::<(), TrialErr>(
        n,
        "register_device (proof of possession)",
        PROVIDER,
        call_data(
            selector_bytes!("register_device"),
            (trial, device.key(), maker, issued_at, proof),
        ),
        0,
    );
    let readings = DeviceBatch {
        device: device.key(),
        trial,
        participant: number,
        root,
        count: 64,
        from: now - 2 * HOUR,
        until: now - HOUR,
        sequence: 1,
    };
    let trials = w.trials.clone();
    let hash: Hash = w.query(
        &trials,
        call_data(selector_bytes!("device_batch_hash"), (readings,)),
    );
    w.ok::<u64, TrialErr>(
        n,
        "anchor_device_data (ecdsa_recover)",
        OTHER,
        call_data(
            selector_bytes!("anchor_device_data"),
            (readings, device.sign(&hash)),
        ),
        0,
    );
    // The onset may not precede the registration (later than `now` on a node).
    let registered: Option<Trial> = w.query(&trials, call_data(selector_bytes!("trial"), (trial,)));
    let onset = registered.map_or(now, |t| t.registered_at);
    let event: u64 = w.ok::<u64, TrialErr>(
        n,
        "report_adverse_event (SUSAR)",
        PROVIDER,
        call_data(
            selector_bytes!("report_adverse_event"),
            (EventReport {
                trial,
                participant: number,
                seriousness: Seriousness::Hospitalisation,
                expected: false,
                suspected: true,
                onset,
                report_hash: h(0x5a),
            },),
        ),
        0,
    );
    w.ok::<ReportStatus, TrialErr>(
        n,
        "report_susar",
        SPONSOR,
        call_data(selector_bytes!("report_susar"), (event, h(0x61))),
        0,
    );
    let amendment = Amendment {
        protocol_hash: h(0x21),
        reason_hash: h(0x22),
        primary_outcome_hash: None,
        target_enrolment: Some(120),
    };
    w.ok::<u32, TrialErr>(
        n,
        "propose_amendment",
        SPONSOR,
        call_data(selector_bytes!("propose_amendment"), (trial, amendment)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "approve_version (amendment)",
        IRB,
        call_data(selector_bytes!("approve_version"), (trial, 2u32)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "suspend_enrolment",
        IRB,
        call_data(selector_bytes!("suspend_enrolment"), (trial, h(0x33))),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "resume_enrolment",
        IRB,
        call_data(selector_bytes!("resume_enrolment"), (trial,)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "withdraw",
        PATIENT,
        call_data(selector_bytes!("withdraw"), (trial, patient)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "retire_device",
        PROVIDER,
        call_data(selector_bytes!("retire_device"), (device.key(),)),
        0,
    );
    w.ok::<(), TrialErr>(
        n,
        "remove_investigator",
        SPONSOR,
        call_data(selector_bytes!("remove_investigator"), (trial, site)),
        0,
    );
    w.ok::<Results, TrialErr>(
        n,
        "post_results",
        SPONSOR,
        call_data(selector_bytes!("post_results"), (trial, h(0x44), h(3))),
        0,
    );
    let other = w.id(OTHER);
    measure_change(w, n, "regulator", Action::Regulator(other));
    measure_change(w, n, "remove regulator", Action::RemoveRegulator(other));
    measure_admin(w, n, code_hash);
}
