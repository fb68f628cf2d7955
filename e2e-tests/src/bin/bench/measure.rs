//! What the bench measures: every state-changing message of the suite, in order, each
//! once in a realistic state; and `submit_claims` batches.

use crate::chain::Party;
use crate::report::{BLOCK_REF_TIME, NORMAL_DISPATCH_PERCENT, PARACHAIN_POV};
use crate::world::{
    terms, ClaimErr, ConsErr, CredErr, DrugErr, World, MAKER, NURSE, OTHER, PATIENT, PAYER,
    PHARMACY, PROVIDER, SENSOR, WHOLESALER,
};
use claims_adjudication::claims_adjudication::{ClaimLine, ClaimSubmission, Coverage};
use consent_registry::consent_registry::{Config, ConsentKind, ConsentRequest, Relationship};
use e2e_tests::call_data;
use e2e_tests::fixtures::{batch, line};
use e2e_tests::ink_account;
use healthcare_traits::{
    Action, ApplyError, CredentialKind, DataCategories, DataCategory, KindSet, PeerRole, Purpose,
    PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;
use staff_credentials::staff_credentials::CredentialRequest;

/// One `submit_claims` call of `claims` one-line claims.
#[derive(Clone, Copy, Debug)]
pub struct Batch {
    pub claims: usize,
    pub ref_time: u64,
    pub proof_size: u64,
}

/// Measures the governor's `action` on contract `name` (`Governed::apply`, as its
/// governor: the operator's account here; the governor contract's own cost is its own
/// row).
pub fn measure_change(w: &mut World, name: &'static str, what: &str, action: Action) {
    w.ok::<(), ApplyError>(
        name,
        &format!("apply ({what})"),
        1,
        call_data(selector_bytes!("Governed::apply"), (action,)),
        0,
    );
}

/// The governor's actions every contract has: pause, unpause, a code change (to the
/// same code).
pub fn measure_admin(w: &mut World, name: &'static str, code_hash: [u8; 32]) {
    measure_change(w, name, "pause", Action::Pause);
    measure_change(w, name, "unpause", Action::Unpause);
    measure_change(w, name, "same code", Action::Code(Hash::from(code_hash)));
}

pub fn measure_all(w: &mut World, code_hashes: &[(String, [u8; 32])]) {
    let now = w.now;
    let hash_of = |name: &str| {
        code_hashes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| *h)
            .unwrap_or_default()
    };
    let other = w.id(OTHER);
    let patient = w.id(PATIENT);
    let provider = w.id(PROVIDER);

    // Baseline: a transfer to a new holder (one new balance entry, like a new record).
    w.ok::<(), ()>(
        "baseline_token",
        "transfer",
        1,
        call_data(selector_bytes!("transfer"), (w.id(OTHER), 1_000u128)),
        0,
    );

    // staff_credentials
    let n = "staff_credentials";
    measure_change(w, n, "issuer", Action::Issuer(other, KindSet::CLINICIAN));
    measure_change(
        w,
        n,
        "narrow issuer",
        Action::NarrowIssuer(other, KindSet::of(&[CredentialKind::MedicalLicence])),
    );
    let request = CredentialRequest {
        subject: w.id(OTHER),
        kind: CredentialKind::NpiRegistration,
        jurisdiction: *b"US",
        specialty: None,
        identifier: b"1234567893".to_vec(),
        valid_from: now - DAY,
        valid_until: now + 365 * DAY,
        evidence_hash: Hash::from([3; 32]),
        verified_at: now,
    };
    let id: u64 = w.ok::<u64, CredErr>(
        n,
        "issue",
        1,
        call_data(selector_bytes!("issue"), (request,)),
        0,
    );
    w.ok::<(), CredErr>(
        n,
        "renew",
        1,
        call_data(
            selector_bytes!("renew"),
            (id, now + 2 * 365 * DAY, Hash::from([4; 32]), now),
        ),
        0,
    );
    w.ok::<(), CredErr>(
        n,
        "suspend",
        1,
        call_data(selector_bytes!("suspend"), (id, 1u16)),
        0,
    );
    w.ok::<(), CredErr>(
        n,
        "reinstate",
        1,
        call_data(selector_bytes!("reinstate"), (id,)),
        0,
    );
    w.ok::<(), CredErr>(
        n,
        "revoke",
        1,
        call_data(selector_bytes!("revoke"), (id, 2u16)),
        0,
    );
    measure_change(w, n, "remove issuer", Action::RemoveIssuer(other));
    measure_admin(w, n, hash_of(n));

    // consent_registry
    let n = "consent_registry";
    let request = ConsentRequest {
        patient,
        grantee: provider,
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        categories: DataCategories::of(&[DataCategory::Conditions, DataCategory::LabResults]),
        valid_from: now,
        valid_until: Some(now + 365 * DAY),
    };
    let consent_id: u64 = w.ok::<u64, ConsErr>(
        n,
        "grant",
        PATIENT,
        call_data(selector_bytes!("grant"), (request,)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "appoint_delegate",
        PATIENT,
        call_data(
            selector_bytes!("appoint_delegate"),
            (other, Relationship::Guardian, now + 365 * DAY),
        ),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "remove_delegate",
        PATIENT,
        call_data(selector_bytes!("remove_delegate"), (other,)),
        0,
    );
    let record: u64 = w.ok::<u64, ConsErr>(
        n,
        "anchor_record",
        PROVIDER,
        call_data(
            selector_bytes!("anchor_record"),
            (
                patient,
                DataCategory::LabResults,
                Hash::from([5; 32]),
                Hash::from([6; 32]),
            ),
        ),
        0,
    );
    w.ok::<u32, ConsErr>(
        n,
        "access_record",
        PROVIDER,
        call_data(
            selector_bytes!("access_record"),
            (patient, record, Purpose::Treatment),
        ),
        0,
    );
    let grant: u64 = w.ok::<u64, ConsErr>(
        n,
        "open_break_glass",
        NURSE,
        call_data(selector_bytes!("open_break_glass"), (patient, 1u16)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "close_break_glass",
        PATIENT,
        call_data(selector_bytes!("close_break_glass"), (grant,)),
        0,
    );
    let nurse = w.id(NURSE);
    w.ok::<u64, ConsErr>(
        n,
        "add_care_provider",
        PATIENT,
        call_data(selector_bytes!("add_care_provider"), (patient, nurse, now)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "end_care",
        PATIENT,
        call_data(selector_bytes!("end_care"), (patient, nurse)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "acknowledge_break_glass",
        PATIENT,
        call_data(selector_bytes!("acknowledge_break_glass"), (grant,)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "remove_record",
        PATIENT,
        call_data(selector_bytes!("remove_record"), (record,)),
        0,
    );
    w.ok::<(), ConsErr>(
        n,
        "revoke",
        PATIENT,
        call_data(selector_bytes!("revoke"), (consent_id,)),
        0,
    );
    let consent = w.consent.clone();
    let config = w.query::<Config>(&consent, call_data(selector_bytes!("config"), ()));
    let break_glass = Action::BreakGlass(
        config.break_glass_window,
        config.max_per_window,
        config.rate_window,
    );
    measure_change(w, n, "break-glass settings", break_glass);
    measure_admin(w, n, hash_of(n));

    // drug_provenance
    let n = "drug_provenance";
    measure_change(w, n, "regulator", Action::Regulator(other));
    measure_change(w, n, "remove regulator", Action::RemoveRegulator(other));
    w.ok::<(), DrugErr>(
        n,
        "assign_prefix",
        1,
        call_data(
            selector_bytes!("assign_prefix"),
            (b"0099999".to_vec(), w.id(MAKER)),
        ),
        0,
    );
    let request = batch(b"MEASURED-1", 1_000, now);
    let batch: u64 = w.ok::<u64, DrugErr>(
        n,
        "register_batch",
        MAKER,
        call_data(selector_bytes!("register_batch"), (request,)),
        0,
    );
    let sensor = w.id(SENSOR);
    w.ok::<(), DrugErr>(
        n,
        "add_sensor",
        MAKER,
        call_data(selector_bytes!("add_sensor"), (batch, sensor)),
        0,
    );
    w.ok::<u64, DrugErr>(
        n,
        "submit_reading",
        SENSOR,
        call_data(
            selector_bytes!("submit_reading"),
            (batch, now - 1_000, 500i32),
        ),
        0,
    );
    let wholesaler = w.id(WHOLESALER);
    let pharmacy = w.id(PHARMACY);
    let shipment: u64 = w.ok::<u64, DrugErr>(
        n,
        "ship",
        MAKER,
        call_data(
            selector_bytes!("ship"),
            (batch, wholesaler, 100u64, None::<u128>),
        ),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "receive",
        WHOLESALER,
        call_data(selector_bytes!("receive"), (shipment, 100u64)),
        0,
    );
    let provenance = w.provenance.clone();
    let rejected = w.call::<Result<u64, DrugErr>>(
        &provenance,
        WHOLESALER,
        call_data(
            selector_bytes!("ship"),
            (batch, pharmacy, 10u64, None::<u128>),
        ),
        0,
    );
    let rejected = rejected.expect("ship");
    w.ok::<(), DrugErr>(
        n,
        "reject",
        PHARMACY,
        call_data(selector_bytes!("reject"), (rejected,)),
        0,
    );
    let again = w.call::<Result<u64, DrugErr>>(
        &provenance,
        WHOLESALER,
        call_data(
            selector_bytes!("ship"),
            (batch, pharmacy, 10u64, None::<u128>),
        ),
        0,
    );
    let received = w.call::<Result<(), DrugErr>>(
        &provenance,
        PHARMACY,
        call_data(selector_bytes!("receive"), (again.expect("ship"), 10u64)),
        0,
    );
    assert!(received.is_ok());
    // A paid shipment: escrow, then a partial receipt that pays and refunds.
    let priced: u64 = w.ok::<u64, DrugErr>(
        n,
        "ship (priced)",
        WHOLESALER,
        call_data(
            selector_bytes!("ship"),
            (batch, pharmacy, 10u64, Some(1_000_000_000u128)),
        ),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "escrow_payment",
        PHARMACY,
        call_data(selector_bytes!("escrow_payment"), (priced,)),
        10_000_000_000,
    );
    w.ok::<(), DrugErr>(
        n,
        "receive (paid, partial)",
        PHARMACY,
        call_data(selector_bytes!("receive"), (priced, 8u64)),
        0,
    );
    let investigation: u64 = w.ok::<u64, DrugErr>(
        n,
        "flag_suspect",
        PHARMACY,
        call_data(selector_bytes!("flag_suspect"), (batch,)),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "respond_verification",
        MAKER,
        call_data(
            selector_bytes!("respond_verification"),
            (investigation, true, Hash::from([5; 32])),
        ),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "clear_suspicion",
        1,
        call_data(
            selector_bytes!("clear_suspicion"),
            (batch, Hash::from([6; 32])),
        ),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "dispense",
        PHARMACY,
        call_data(
            selector_bytes!("dispense"),
            (batch, 1u64, Some(Hash::from([9; 32]))),
        ),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "destroy",
        PHARMACY,
        call_data(selector_bytes!("destroy"), (batch, 1u64, 3u16)),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "remove_sensor",
        MAKER,
        call_data(selector_bytes!("remove_sensor"), (batch, sensor)),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "recall",
        MAKER,
        call_data(selector_bytes!("recall"), (batch, 1u16)),
        0,
    );
    let registry = ink_account(&w.credentials);
    measure_change(w, n, "peer", Action::Peer(PeerRole::Credentials, registry));
    measure_admin(w, n, hash_of(n));

    // claims_adjudication
    let n = "claims_adjudication";
    // Plan 2: no review threshold to speak of, and (until `settle`) no escrow.
    let mut terms2 = terms(now);
    terms2.review_threshold = u128::MAX;
    let plan2: u32 = w.ok::<u32, ClaimErr>(
        n,
        "create_plan",
        PAYER,
        call_data(selector_bytes!("create_plan"), (terms2,)),
        0,
    );
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99999", Some(20_000))];
    w.ok::<(), ClaimErr>(
        n,
        "set_fees (1 fee)",
        PAYER,
        call_data(selector_bytes!("set_fees"), (plan2, fees)),
        0,
    );
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    w.ok::<(), ClaimErr>(
        n,
        "enroll",
        PAYER,
        call_data(selector_bytes!("enroll"), (plan2, patient, coverage)),
        0,
    );
    w.ok::<(), ClaimErr>(
        n,
        "add_adjuster",
        PAYER,
        call_data(selector_bytes!("add_adjuster"), (1u32, other)),
        0,
    );
    w.ok::<u128, ClaimErr>(
        n,
        "fund",
        PAYER,
        call_data(selector_bytes!("fund"), (1u32,)),
        1_000,
    );
    w.ok::<u128, ClaimErr>(
        n,
        "withdraw",
        PAYER,
        call_data(selector_bytes!("withdraw"), (1u32, 500u128)),
        0,
    );
    for (count, day) in [(1usize, 2u64), (5, 3), (20, 4)] {
        let lines: Vec<ClaimLine> = (0..count)
            .map(|i| {
                let i = u8::try_from(i).unwrap_or(0);
                line(&[b'8', b'0', b'0', b'0' + i / 10, b'0' + i % 10], 50)
            })
            .collect();
        w.ok::<u64, ClaimErr>(
            n,
            &format!(
                "submit_claim ({count} line{})",
                if count == 1 { "" } else { "s" }
            ),
            PROVIDER,
            call_data(
                selector_bytes!("submit_claim"),
                (w.claim(1, now - day * DAY, lines),),
            ),
            0,
        );
    }
    // A claim above the review threshold waits for an adjuster, who denies it; the
    // provider appeals and the adjuster overturns.
    let claims = w.claims.clone();
    let pending = w.call::<Result<u64, ClaimErr>>(
        &claims,
        PROVIDER,
        call_data(
            selector_bytes!("submit_claim"),
            (w.claim(1, now - 5 * DAY, vec![line(b"99999", 25_000)]),),
        ),
        0,
    );
    let pending = pending.expect("submit_claim for review");
    w.ok::<(), ClaimErr>(
        n,
        "review_claim (deny)",
        OTHER,
        call_data(
            selector_bytes!("review_claim"),
            (
                pending,
                false,
                claims_adjudication::claims_adjudication::Carc::NotMedicallyNecessary,
            ),
        ),
        0,
    );
    w.ok::<(), ClaimErr>(
        n,
        "appeal",
        PROVIDER,
        call_data(selector_bytes!("appeal"), (pending, Hash::from([7; 32]))),
        0,
    );
    w.ok::<(), ClaimErr>(
        n,
        "decide_appeal (overturn)",
        OTHER,
        call_data(selector_bytes!("decide_appeal"), (pending, true)),
        0,
    );
    // Plan 2 has no escrow: its claim is approved unfunded, then settled once funded.
    let unfunded = w.call::<Result<u64, ClaimErr>>(
        &claims,
        PROVIDER,
        call_data(
            selector_bytes!("submit_claim"),
            (w.claim(plan2, now - 6 * DAY, vec![line(b"99999", 25_000)]),),
        ),
        0,
    );
    let unfunded = unfunded.expect("submit_claim unfunded");
    let funded = w.call::<Result<u128, ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("fund"), (plan2,)),
        1_000_000,
    );
    assert!(funded.is_ok());
    w.ok::<(), ClaimErr>(
        n,
        "settle",
        PAYER,
        call_data(selector_bytes!("settle"), (unfunded,)),
        0,
    );
    w.ok::<(), ClaimErr>(
        n,
        "remove_adjuster",
        PAYER,
        call_data(selector_bytes!("remove_adjuster"), (1u32, other)),
        0,
    );
    let consent = ink_account(&w.consent);
    measure_change(w, n, "peer", Action::Peer(PeerRole::Consent, consent));
    measure_admin(w, n, hash_of(n));

    crate::trials::measure_trials(w, hash_of("clinical_trials"));
    crate::monitoring::measure_monitoring(w, hash_of("remote_monitoring"));
}

/// `submit_claims` with batches of 1, 10, 50 and 100 one-line claims (distinct service
/// days and procedures, so that none is a duplicate).
pub fn measure_batches(w: &mut World) -> Vec<Batch> {
    let now = w.now;
    let claims = w.claims.clone();
    let mut rows = Vec::new();
    // A batch may use a whole block's normal share (the node's own extrinsic limit).
    w.chain.set_gas_limit(
        BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT,
        PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT,
    );
    for (b, size) in [1usize, 10, 50, 100].into_iter().enumerate() {
        let batch: Vec<ClaimSubmission> = (0..size)
            .map(|k| {
                let code = u8::try_from(b * 4 + k / 80).unwrap_or(0);
                let day = u64::try_from(7 + k % 80).unwrap_or(7);
                let procedure = [b'8', b'0', b'0', b'0' + code / 10, b'0' + code % 10];
                ClaimSubmission {
                    request: w.claim(1, now - day * DAY, vec![line(&procedure, 50)]),
                    reference: Some({
                        let mut bytes = [u8::try_from(b).unwrap_or(0); 32];
                        bytes[..8].copy_from_slice(&(k as u64).to_le_bytes());
                        Hash::from(bytes)
                    }),
                }
            })
            .collect();
        let (results, outcome) = w.outcome::<Result<Vec<Result<u64, ClaimErr>>, ClaimErr>>(
            &claims,
            Party::N(PROVIDER),
            call_data(selector_bytes!("submit_claims"), (batch,)),
            0,
        );
        let results = results.unwrap_or_else(|e| panic!("submit_claims: {e:?}"));
        assert!(
            results.iter().all(|r| r.is_ok()),
            "every claim of the batch recorded: {results:?}"
        );
        rows.push(Batch {
            claims: size,
            ref_time: outcome.ref_time,
            proof_size: outcome.proof_size,
        });
    }
    w.chain.set_gas_limit(100_000_000_000, 3 * 1024 * 1024);
    rows
}
