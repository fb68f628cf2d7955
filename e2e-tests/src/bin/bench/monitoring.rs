//! What the bench measures of remote_monitoring: every state-changing message in the order
//! of a device's life (a model, an attestation of keys, a device with its proof of
//! possession checked with `ecdsa_recover`, a pairing under the patient's treatment consent,
//! the care team and a threshold, signed batches checked with `ecdsa_recover`, one of
//! them raising an alert to the consented care team, unpairing, revocation, a recall),
//! the query the claims contract asks (`monitored_days_until`), then the admin messages.

use crate::measure::{measure_admin, measure_change};
use crate::world::{ConsErr, RpmErr, World, DEVICE_MAKER, NURSE, OTHER, PATIENT, PROVIDER};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest};
use e2e_tests::call_data;
use healthcare_traits::anchoring::{root_of, Registration, MAX_ATTESTED_KEYS};
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{
    Action, DataCategories, DataCategory, Loinc, PeerRole, Purpose, PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;
use remote_monitoring::remote_monitoring::{worst_commitment, Device, OutOfRange, ReadingBatch};

fn h(byte: u8) -> Hash {
    Hash::from([byte; 32])
}

pub fn measure_monitoring(w: &mut World, code_hash: [u8; 32]) {
    let n = "remote_monitoring";
    let now = w.now;
    let (patient, provider, nurse) = (w.id(PATIENT), w.id(PROVIDER), w.id(NURSE));
    let model: u32 = w.ok::<u32, RpmErr>(
        n,
        "register_model",
        DEVICE_MAKER,
        call_data(
            selector_bytes!("register_model"),
            (h(1), DataCategory::VitalSigns),
        ),
        0,
    );
    let cuff = DeviceSigner::from_seed(0xc0);
    let mut keys = vec![cuff.key()];
    keys.extend((1..MAX_ATTESTED_KEYS).map(|i| DeviceSigner::from_seed(i as u8).key()));
    w.ok::<(), RpmErr>(
        n,
        "attest_devices (50 keys)",
        DEVICE_MAKER,
        call_data(selector_bytes!("attest_devices"), (model, keys)),
        0,
    );
    let issued_at = w.chain.time();
    let registration = Registration {
        registrant: provider,
        key: cuff.key(),
        scope: model,
        issued_at,
    };
    let proof = cuff.sign(&w.query(
        &w.monitoring.clone(),
        call_data(selector_bytes!("registration_hash"), (registration,)),
    ));
    w.ok::<(), RpmErr>(
        n,
        "register_device (proof of possession)",
        PROVIDER,
        call_data(
            selector_bytes!("register_device"),
            (cuff.key(), model, issued_at, proof),
        ),
        0,
    );
    // The treatment consents pairing and alerts ask consent_registry about.
    let consent = w.consent.clone();
    for grantee in [provider, nurse] {
        let granted = w.call::<Result<u64, ConsErr>>(
            &consent,
            PATIENT,
            call_data(
                selector_bytes!("grant"),
                (ConsentRequest {
                    patient,
                    grantee,
                    kind: ConsentKind::Permit,
                    purposes: PurposeSet::of(&[Purpose::Treatment]),
                    categories: DataCategories::of(&[DataCategory::VitalSigns]),
                    valid_from: now - DAY,
                    valid_until: None,
                },),
            ),
            0,
        );
        assert!(granted.is_ok(), "treatment consent: {granted:?}");
    }
    w.ok::<u32, RpmErr>(
        n,
        "pair_device (consent asked)",
        PROVIDER,
        call_data(selector_bytes!("pair_device"), (cuff.key(), patient)),
        0,
    );
    // The batches cover the first two seconds after the pairing: periods that have ended
    // in the blocks of the next transactions (the state the anchors' dry runs read).
    w.chain.advance(3_000);
    w.ok::<(), RpmErr>(
        n,
        "add_care_team_member",
        PATIENT,
        call_data(selector_bytes!("add_care_team_member"), (patient, nurse)),
        0,
    );
    let systolic = Loinc::from_text("8480-6").expect("a LOINC code");
    w.ok::<(), RpmErr>(
        n,
        "set_threshold",
        PROVIDER,
        call_data(
            selector_bytes!("set_threshold"),
            (
                patient,
                systolic,
                DataCategory::VitalSigns,
                Some((90_000i64, 140_000i64)),
            ),
        ),
        0,
    );
    let monitoring = w.monitoring.clone();
    let device: Option<Device> = w.query(
        &monitoring,
        call_data(selector_bytes!("device"), (cuff.key(),)),
    );
    let paired_at = device.expect("the device").paired_at;
    let records: Vec<Hash> = (0..64u8).map(h).collect();
    let calm = ReadingBatch {
        device: cuff.key(),
        root: root_of(&records).expect("a root"),
        count: 64,
        quantity: systolic,
        from: paired_at,
        until: paired_at + 1_000,
        days: 1,
        out_of_range: None,
    };
    let high = ReadingBatch {
        from: paired_at + 1_000,
        until: paired_at + 2_000,
        out_of_range: Some(OutOfRange {
            count: 3,
            range: (90_000, 140_000),
            worst_commitment: worst_commitment(182_000, [0x5a; 32]),
        }),
        ..calm
    };
    for (what, batch) in [
        ("anchor_readings (ecdsa_recover)", calm),
        ("anchor_readings (alert to 2 members)", high),
    ] {
        let hash: Hash = w.query(
            &monitoring,
            call_data(selector_bytes!("readings_hash"), (batch,)),
        );
        w.ok::<u64, RpmErr>(
            n,
            what,
            OTHER,
            call_data(
                selector_bytes!("anchor_readings"),
                (batch, cuff.sign(&hash)),
            ),
            0,
        );
    }
    w.measure::<u32>(
        n,
        "monitored_days_until (claims' query)",
        OTHER,
        call_data(
            selector_bytes!("MonitoringVerifier::monitored_days_until"),
            (patient, provider, paired_at),
        ),
        0,
    );
    w.ok::<(), RpmErr>(
        n,
        "remove_care_team_member",
        NURSE,
        call_data(selector_bytes!("remove_care_team_member"), (patient, nurse)),
        0,
    );
    w.ok::<(), RpmErr>(
        n,
        "unpair_device",
        PATIENT,
        call_data(selector_bytes!("unpair_device"), (cuff.key(),)),
        0,
    );
    w.ok::<(), RpmErr>(
        n,
        "revoke_device",
        DEVICE_MAKER,
        call_data(selector_bytes!("revoke_device"), (cuff.key(), h(2))),
        0,
    );
    w.ok::<(), RpmErr>(
        n,
        "recall_model",
        DEVICE_MAKER,
        call_data(selector_bytes!("recall_model"), (model, h(3))),
        0,
    );
    let consent = e2e_tests::ink_account(&w.consent);
    measure_change(w, n, "peer", Action::Peer(PeerRole::Consent, consent));
    measure_admin(w, n, code_hash);
}
