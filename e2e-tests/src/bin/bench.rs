//! The performance report (`scripts/bench.sh`): what every state-changing message of the
//! suite costs in weight (ref_time, proof_size) and storage deposit, on the release WASM
//! in drink's pallet-contracts sandbox, against a minimal fungible-token `transfer`
//! (`e2e-tests/baseline_token`); the same again after `--records` prior records of each
//! kind (credentials, consents, batches, claims) to show that no cost grows with the
//! number of records; `submit_claim` with 1, 5 and 20 lines; code sizes; and how many of
//! each message fit in one block of the node's normal-dispatch weight.
//!
//! Usage: `bench [--records N] [--out docs/performance.md]` (N defaults to 10 000).

use claims_adjudication::claims_adjudication::{
    ClaimLine, ClaimRequest, ClaimSubmission, Coverage, PlanTerms,
};
use consent_registry::consent_registry::{Config, ConsentKind, ConsentRequest, Relationship};
use drink::sandbox_api::prelude::*;
use drink::AccountId32;
use e2e_tests::fixtures::{batch, line, payment_consent, PREFIX};
use e2e_tests::suite::{deploy_credentials, issue, operator};
use e2e_tests::{account, bundle_dir, call_data, ink_account, Sandbox};
use healthcare_traits::{
    Change, CredentialKind, DataCategories, DataCategory, KindSet, PeerRole, Purpose, PurposeSet,
    DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;
use parity_scale_codec::Decode;
use staff_credentials::staff_credentials::CredentialRequest;
use std::fmt::Write as _;
use std::time::Instant;

/// The node's (substrate-contracts-node 0.42) block: 2 s of ref_time, 75 % of it for
/// normal dispatch; each extrinsic also pays `ExtrinsicBaseWeight` (frame-support 38:
/// 107 074 ns).
const BLOCK_REF_TIME: u64 = 2_000_000_000_000;
const NORMAL_DISPATCH_PERCENT: u64 = 75;
const EXTRINSIC_BASE_REF_TIME: u64 = 107_074_000;
/// pallet-contracts' weight for loading code, per byte (`call_with_code_per_byte`, in
/// the pallet-contracts 31 that drink 0.18 runs); each loaded byte is also a byte of
/// proof.
const CODE_LOAD_PER_BYTE: u64 = 33_471;
/// A parachain's proof-of-validity budget (5 MiB, 75 % normal), for the proof_size column.
const PARACHAIN_POV: u64 = 5 * 1024 * 1024;

const PAYER: u8 = 2;
const PROVIDER: u8 = 3;
const PATIENT: u8 = 4;
const MAKER: u8 = 5;
const WHOLESALER: u8 = 6;
const PHARMACY: u8 = 7;
const NURSE: u8 = 8;
const OTHER: u8 = 9;
const SENSOR: u8 = 10;

/// One measured call.
#[derive(Clone, Debug)]
struct Cost {
    contract: &'static str,
    message: String,
    ref_time: u64,
    proof_size: u64,
    deposit: i128,
}

struct World {
    chain: Sandbox,
    token: AccountId32,
    credentials: AccountId32,
    consent: AccountId32,
    provenance: AccountId32,
    claims: AccountId32,
    now: u64,
    costs: Vec<Cost>,
}

/// A distinct account per prior record (`tag` keeps the kinds apart).
fn bulk(i: u32, tag: u8) -> AccountId32 {
    let mut bytes = [tag; 32];
    bytes[..4].copy_from_slice(&i.to_le_bytes());
    AccountId32::new(bytes)
}

impl World {
    /// The address of the contract called `name` (`baseline_token` or one of the suite).
    fn address(&self, name: &str) -> AccountId32 {
        match name {
            "baseline_token" => self.token.clone(),
            "staff_credentials" => self.credentials.clone(),
            "consent_registry" => self.consent.clone(),
            "drug_provenance" => self.provenance.clone(),
            _ => self.claims.clone(),
        }
    }

    /// A call that must be dispatched; its decoded value and costs.
    fn outcome<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> e2e_tests::Outcome<T> {
        self.chain
            .try_call::<T>(contract, &account(caller), data, value)
            .unwrap_or_else(|e| panic!("call failed: {e:?}"))
    }

    /// A call that must be dispatched, not measured; returns its decoded value.
    fn call<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        self.outcome(contract, caller, data, value).value
    }

    /// Calls and records the cost under `contract.message`; returns the decoded value.
    fn measure<T: Decode>(
        &mut self,
        contract_name: &'static str,
        message: &str,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        let contract = self.address(contract_name);
        let outcome = self.outcome::<T>(&contract, caller, data, value);
        self.costs.push(Cost {
            contract: contract_name,
            message: message.to_string(),
            ref_time: outcome.ref_time,
            proof_size: outcome.proof_size,
            deposit: outcome.storage_deposit,
        });
        outcome.value
    }

    fn ok<T: Decode + std::fmt::Debug, E: Decode + std::fmt::Debug>(
        &mut self,
        contract_name: &'static str,
        message: &str,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        let value = self
            .measure::<Result<T, E>>(contract_name, message, caller, data, value)
            .unwrap_or_else(|e| panic!("{contract_name}.{message}: {e:?}"));
        if let Some(cost) = self.costs.last() {
            assert!(
                cost.ref_time > 0,
                "{contract_name}.{message} consumed nothing"
            );
        }
        value
    }
}

type CredErr = staff_credentials::staff_credentials::Error;
type ConsErr = consent_registry::consent_registry::Error;
type DrugErr = drug_provenance::drug_provenance::Error;
type ClaimErr = claims_adjudication::claims_adjudication::Error;

fn terms(now: u64) -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 5_000,
        year_start: now - 100 * DAY,
    }
}

/// The suite deployed, its actors licensed, a plan with fees, a member and escrow, the
/// payer's payment consent; then `prior` records of each kind.
fn world(prior: u32) -> World {
    let mut chain = Sandbox::new();
    let now = chain.time();
    let token = chain.deploy(
        "baseline_token",
        &operator(),
        call_data(selector_bytes!("new"), (1_000_000_000_000u128,)),
    );
    let credentials = deploy_credentials(&mut chain);
    let c = ink_account(&credentials);
    let consent = chain.deploy(
        "consent_registry",
        &operator(),
        call_data(selector_bytes!("new"), (c, 0u64)),
    );
    let provenance = chain.deploy(
        "drug_provenance",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (c, 0u64, vec![ink_account(&operator())]),
        ),
    );
    let claims = chain.deploy(
        "claims_adjudication",
        &operator(),
        call_data(selector_bytes!("new"), (c, ink_account(&consent), 0u64)),
    );
    for (who, kind) in [
        (PAYER, CredentialKind::PayerLicence),
        (PROVIDER, CredentialKind::MedicalLicence),
        (NURSE, CredentialKind::NursingLicence),
        (MAKER, CredentialKind::ManufacturerLicence),
        (WHOLESALER, CredentialKind::WholesaleDistributorLicence),
        (PHARMACY, CredentialKind::PharmacyLicence),
    ] {
        issue(&mut chain, &credentials, &account(who), kind);
    }
    let mut w = World {
        chain,
        token,
        credentials,
        consent,
        provenance,
        claims,
        now,
        costs: Vec::new(),
    };
    let claims = w.claims.clone();
    let consent = w.consent.clone();
    let provenance = w.provenance.clone();
    let registry = w.credentials.clone();
    let patient = ink_account(&account(PATIENT));
    let assigned = w.call::<Result<(), DrugErr>>(
        &provenance,
        1,
        call_data(
            selector_bytes!("assign_prefix"),
            (PREFIX.to_vec(), ink_account(&account(MAKER))),
        ),
        0,
    );
    assert_eq!(assigned, Ok(()));

    // Plan 1: fees, the patient enrolled, escrow; the patient's payment consent.
    let plan = w.call::<Result<u32, ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("create_plan"), (terms(now),)),
        0,
    );
    assert_eq!(plan, Ok(1));
    let mut fees: Vec<([u8; 5], Option<u128>)> =
        vec![(*b"99213", Some(100)), (*b"99999", Some(20_000))];
    for i in 0..20u8 {
        fees.push(([b'8', b'0', b'0', b'0' + i / 10, b'0' + i % 10], Some(40)));
    }
    let set = w.call::<Result<(), ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("set_fees"), (1u32, fees)),
        0,
    );
    assert_eq!(set, Ok(()));
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    let enrolled = w.call::<Result<(), ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("enroll"), (1u32, patient, coverage)),
        0,
    );
    assert_eq!(enrolled, Ok(()));
    let funded = w.call::<Result<u128, ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("fund"), (1u32,)),
        100_000_000_000,
    );
    assert!(funded.is_ok());
    let request = payment_consent(patient, ink_account(&account(PAYER)), now);
    let granted = w.call::<Result<u64, ConsErr>>(
        &consent,
        PATIENT,
        call_data(selector_bytes!("grant"), (request,)),
        0,
    );
    assert!(granted.is_ok());
    let named = w.call::<Result<u64, ConsErr>>(
        &consent,
        PATIENT,
        call_data(
            selector_bytes!("add_care_provider"),
            (patient, ink_account(&account(PROVIDER)), now - 60 * DAY),
        ),
        0,
    );
    assert!(named.is_ok());

    // Plan 2 is created by the measurement; plan 3 takes the prior claims, so that the
    // measured member's accumulators in plan 1 are the same in both worlds.
    let plan3 = w.call::<Result<u32, ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("create_plan"), (terms(now),)),
        0,
    );
    let plan3 = plan3.expect("plan 3");
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99213", Some(100))];
    let set = w.call::<Result<(), ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("set_fees"), (plan3, fees)),
        0,
    );
    assert_eq!(set, Ok(()));
    let enrolled = w.call::<Result<(), ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("enroll"), (plan3, patient, coverage)),
        0,
    );
    assert_eq!(enrolled, Ok(()));
    let funded = w.call::<Result<u128, ClaimErr>>(
        &claims,
        PAYER,
        call_data(selector_bytes!("fund"), (plan3,)),
        100_000_000_000,
    );
    assert!(funded.is_ok());

    // Prior records.
    let started = Instant::now();
    for i in 0..prior {
        let request = CredentialRequest {
            subject: ink_account(&bulk(i, 0xC1)),
            kind: CredentialKind::MedicalLicence,
            jurisdiction: *b"CA",
            specialty: None,
            identifier: b"LIC-0001".to_vec(),
            valid_from: now - DAY,
            valid_until: now + 365 * DAY,
            evidence_hash: Hash::from([1; 32]),
            verified_at: now,
        };
        let issued = w.call::<Result<u64, CredErr>>(
            &registry,
            1,
            call_data(selector_bytes!("issue"), (request,)),
            0,
        );
        assert!(issued.is_ok());

        let patient_i = bulk(i, 0xC2);
        w.chain
            .inner()
            .mint_into(&patient_i, 1_000_000_000_000_000)
            .expect("mint");
        let request = ConsentRequest {
            patient: ink_account(&patient_i),
            grantee: ink_account(&account(PROVIDER)),
            kind: ConsentKind::Permit,
            purposes: PurposeSet::of(&[Purpose::Treatment]),
            categories: DataCategories::of(&[DataCategory::Conditions]),
            valid_from: now,
            valid_until: None,
        };
        let granted = w
            .chain
            .try_call::<Result<u64, ConsErr>>(
                &consent,
                &patient_i,
                call_data(selector_bytes!("grant"), (request,)),
                0,
            )
            .expect("grant");
        assert!(granted.value.is_ok());

        let request = batch(format!("P{i}").as_bytes(), 100, now);
        let registered = w.call::<Result<u64, DrugErr>>(
            &provenance,
            MAKER,
            call_data(selector_bytes!("register_batch"), (request,)),
            0,
        );
        assert!(registered.is_ok());

        let date = now - DAY - u64::from(i % 80) * DAY;
        let submitted = w.call::<Result<u64, ClaimErr>>(
            &claims,
            PAYER,
            call_data(
                selector_bytes!("submit_claim"),
                (claim(plan3, date, vec![line(b"99213", 120)]),),
            ),
            0,
        );
        assert!(submitted.is_ok());
        if (i + 1) % 1_000 == 0 {
            eprintln!(
                "    {} prior records of each kind ({:.0} s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    w
}

/// A claim of the bench's patient by its provider.
fn claim(plan: u32, service_date: u64, lines: Vec<ClaimLine>) -> ClaimRequest {
    ClaimRequest {
        plan,
        member: ink_account(&account(PATIENT)),
        provider: ink_account(&account(PROVIDER)),
        service_date,
        emergency: false,
        lines,
    }
}

/// Measures a time-locked change (the bench's contracts have no delay): its proposal
/// and its execution.
fn measure_change(w: &mut World, name: &'static str, what: &str, change: Change) {
    let id: u32 = w.ok::<u32, ()>(
        name,
        &format!("propose_change ({what})"),
        1,
        call_data(selector_bytes!("propose_change"), (change,)),
        0,
    );
    w.ok::<(), ()>(
        name,
        &format!("execute_change ({what})"),
        1,
        call_data(selector_bytes!("execute_change"), (id,)),
        0,
    );
}

/// Owner messages every contract has (shared `Admin`); ownership returns to the
/// operator at the end.
fn measure_admin(w: &mut World, name: &'static str, code_hash: [u8; 32]) {
    let other = ink_account(&account(OTHER));
    w.ok::<(), ()>(name, "pause", 1, call_data(selector_bytes!("pause"), ()), 0);
    w.ok::<(), ()>(
        name,
        "unpause",
        1,
        call_data(selector_bytes!("unpause"), ()),
        0,
    );
    measure_change(w, name, "same code", Change::Code(Hash::from(code_hash)));
    w.ok::<(), ()>(
        name,
        "transfer_ownership",
        1,
        call_data(selector_bytes!("transfer_ownership"), (other,)),
        0,
    );
    w.ok::<(), ()>(
        name,
        "accept_ownership",
        OTHER,
        call_data(selector_bytes!("accept_ownership"), ()),
        0,
    );
    let contract = w.address(name);
    let operator = ink_account(&operator());
    let back = w.call::<Result<(), ()>>(
        &contract,
        OTHER,
        call_data(selector_bytes!("transfer_ownership"), (operator,)),
        0,
    );
    assert!(back.is_ok());
    let accepted = w.call::<Result<(), ()>>(
        &contract,
        1,
        call_data(selector_bytes!("accept_ownership"), ()),
        0,
    );
    assert!(accepted.is_ok());
}

fn measure_all(w: &mut World, code_hashes: &[(String, [u8; 32])]) {
    let now = w.now;
    let hash_of = |name: &str| {
        code_hashes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| *h)
            .unwrap_or_default()
    };
    let other = ink_account(&account(OTHER));
    let patient = ink_account(&account(PATIENT));
    let provider = ink_account(&account(PROVIDER));

    // Baseline: a transfer to a new holder (one new balance entry, like a new record).
    w.ok::<(), ()>(
        "baseline_token",
        "transfer",
        1,
        call_data(
            selector_bytes!("transfer"),
            (ink_account(&account(OTHER)), 1_000u128),
        ),
        0,
    );

    // staff_credentials
    let n = "staff_credentials";
    measure_change(w, n, "issuer", Change::Issuer(other, KindSet::CLINICIAN));
    w.ok::<(), CredErr>(
        n,
        "narrow_issuer_kinds",
        1,
        call_data(
            selector_bytes!("narrow_issuer_kinds"),
            (other, KindSet::of(&[CredentialKind::MedicalLicence])),
        ),
        0,
    );
    let request = CredentialRequest {
        subject: ink_account(&account(OTHER)),
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
    w.ok::<(), CredErr>(
        n,
        "remove_issuer",
        1,
        call_data(selector_bytes!("remove_issuer"), (other,)),
        0,
    );
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
    let nurse = ink_account(&account(NURSE));
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
    let config = w
        .chain
        .query::<Config>(&consent, call_data(selector_bytes!("config"), ()));
    w.ok::<(), ConsErr>(
        n,
        "set_config",
        1,
        call_data(selector_bytes!("set_config"), (config,)),
        0,
    );
    measure_admin(w, n, hash_of(n));

    // drug_provenance
    let n = "drug_provenance";
    measure_change(w, n, "regulator", Change::Regulator(other));
    w.ok::<(), DrugErr>(
        n,
        "remove_regulator",
        1,
        call_data(selector_bytes!("remove_regulator"), (other,)),
        0,
    );
    w.ok::<(), DrugErr>(
        n,
        "assign_prefix",
        1,
        call_data(
            selector_bytes!("assign_prefix"),
            (b"0099999".to_vec(), ink_account(&account(MAKER))),
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
    let sensor = ink_account(&account(SENSOR));
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
    let wholesaler = ink_account(&account(WHOLESALER));
    let pharmacy = ink_account(&account(PHARMACY));
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
    measure_change(w, n, "peer", Change::Peer(PeerRole::Credentials, registry));
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
                (claim(1, now - day * DAY, lines),),
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
            (claim(1, now - 5 * DAY, vec![line(b"99999", 25_000)]),),
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
            (claim(plan2, now - 6 * DAY, vec![line(b"99999", 25_000)]),),
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
    measure_change(w, n, "peer", Change::Peer(PeerRole::Consent, consent));
    measure_admin(w, n, hash_of(n));
}

/// `submit_claims` with batches of 1, 10, 50 and 100 one-line claims (distinct service
/// days and procedures, so that none is a duplicate): (claims, ref_time, proof_size).
fn measure_batches(w: &mut World) -> Vec<(usize, u64, u64)> {
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
                    request: claim(1, now - day * DAY, vec![line(&procedure, 50)]),
                    reference: Some({
                        let mut bytes = [u8::try_from(b).unwrap_or(0); 32];
                        bytes[..8].copy_from_slice(&(k as u64).to_le_bytes());
                        Hash::from(bytes)
                    }),
                }
            })
            .collect();
        let outcome = w.outcome::<Result<Vec<Result<u64, ClaimErr>>, ClaimErr>>(
            &claims,
            PROVIDER,
            call_data(selector_bytes!("submit_claims"), (batch,)),
            0,
        );
        let results = outcome
            .value
            .unwrap_or_else(|e| panic!("submit_claims: {e:?}"));
        assert!(
            results.iter().all(|r| r.is_ok()),
            "every claim of the batch recorded: {results:?}"
        );
        rows.push((size, outcome.ref_time, outcome.proof_size));
    }
    w.chain.set_gas_limit(100_000_000_000, 3 * 1024 * 1024);
    rows
}

fn read_code_hashes() -> Vec<(String, [u8; 32])> {
    let mut chain = Sandbox::new();
    [
        "staff_credentials",
        "consent_registry",
        "drug_provenance",
        "claims_adjudication",
    ]
    .iter()
    .map(|name| (name.to_string(), chain.upload(name, &account(1))))
    .collect()
}

fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn main() {
    let mut records: u32 = 10_000;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                records = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("--records needs a number"))
            }
            "--out" => out = args.next(),
            other => panic!("unknown argument {other} (bench [--records N] [--out FILE])"),
        }
    }
    let code_hashes = read_code_hashes();

    eprintln!("==> measuring on a fresh suite");
    let mut small = world(0);
    measure_all(&mut small, &code_hashes);
    let batches = measure_batches(&mut small);
    eprintln!("==> building {records} prior records of each kind, then measuring again");
    let started = Instant::now();
    let mut large = world(records);
    let build_secs = started.elapsed().as_secs_f64();
    measure_all(&mut large, &code_hashes);
    assert_eq!(small.costs.len(), large.costs.len());

    let size_of = |name: &str| {
        std::fs::metadata(bundle_dir().join(name).join(format!("{name}.wasm")))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let baseline = small.costs[0].clone();
    let budget = BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT;
    let pov = PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| contract | message | ref_time (ps) | × baseline | of which own code load | proof_size (B) | × baseline | storage deposit | ref_time after {records} records | ratio | proof_size after | ratio | per block (ref_time) | per block (5 MiB PoV) |"
    );
    let _ = writeln!(
        table,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut worst_single: f64 = 0.0;
    let mut worst_scaling: f64 = 0.0;
    let mut claim5 = 0.0;
    for (s, l) in small.costs.iter().zip(&large.costs) {
        assert_eq!(s.message, l.message);
        let ref_ratio = s.ref_time as f64 / baseline.ref_time as f64;
        let proof_ratio = s.proof_size as f64 / baseline.proof_size as f64;
        let scale_ref = l.ref_time as f64 / s.ref_time as f64;
        let scale_proof = l.proof_size as f64 / s.proof_size as f64;
        worst_scaling = worst_scaling.max(scale_ref).max(scale_proof);
        if s.message.starts_with("submit_claim (5") {
            claim5 = ref_ratio;
        } else if !s.message.starts_with("submit_claim") && s.contract != "baseline_token" {
            worst_single = worst_single.max(ref_ratio);
        }
        let per_block = budget / (s.ref_time + EXTRINSIC_BASE_REF_TIME);
        let load = CODE_LOAD_PER_BYTE * size_of(s.contract);
        let per_pov = pov / s.proof_size.max(1);
        let _ = writeln!(
            table,
            "| {} | `{}` | {} | {:.2} | {:.0} % | {} | {:.2} | {} | {} | {:.3} | {} | {:.3} | {} | {} |",
            s.contract,
            s.message,
            thousands(s.ref_time),
            ref_ratio,
            load as f64 * 100.0 / s.ref_time as f64,
            thousands(s.proof_size),
            proof_ratio,
            s.deposit,
            thousands(l.ref_time),
            scale_ref,
            thousands(l.proof_size),
            scale_proof,
            thousands(per_block),
            thousands(per_pov),
        );
    }

    let mut batch_table = String::new();
    let _ = writeln!(
        batch_table,
        "| claims in the batch | ref_time (ps) | per claim | per claim × baseline | proof_size (B) | per claim | claims per block (ref_time) | claims per block (5 MiB PoV) |"
    );
    let _ = writeln!(batch_table, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut per_claim_100 = 0.0;
    let mut per_block_100 = 0;
    for (size, ref_time, proof) in &batches {
        let n = *size as u64;
        let per_claim = ref_time / n;
        let ratio = per_claim as f64 / baseline.ref_time as f64;
        let per_block = budget / (ref_time + EXTRINSIC_BASE_REF_TIME) * n;
        let per_pov = pov / (*proof).max(1) * n;
        if *size == 100 {
            per_claim_100 = ratio;
            per_block_100 = per_block;
        }
        let _ = writeln!(
            batch_table,
            "| {size} | {} | {} | {ratio:.2} | {} | {} | {} | {} |",
            thousands(*ref_time),
            thousands(per_claim),
            thousands(*proof),
            thousands(proof / n),
            thousands(per_block),
            thousands(per_pov),
        );
    }

    let mut sizes = String::new();
    let _ = writeln!(
        sizes,
        "| contract | optimised .wasm | × baseline | under 48 KiB |"
    );
    let _ = writeln!(sizes, "|---|---:|---:|---|");
    let base_size = size_of("baseline_token");
    let mut largest = 0;
    for name in [
        "baseline_token",
        "staff_credentials",
        "consent_registry",
        "drug_provenance",
        "claims_adjudication",
    ] {
        let size = size_of(name);
        if name != "baseline_token" {
            largest = largest.max(size);
        }
        let _ = writeln!(
            sizes,
            "| {name} | {} B ({:.1} KiB) | {:.1} | {} |",
            thousands(size),
            size as f64 / 1024.0,
            size as f64 / base_size.max(1) as f64,
            if size < 48 * 1024 { "yes" } else { "**no**" }
        );
    }

    let verdict = |ok: bool| if ok { "met" } else { "**missed**" };
    let date = std::process::Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    let mut report = String::new();
    let _ = writeln!(report, "# Performance report\n");
    let _ = writeln!(
        report,
        "Written by `scripts/bench.sh` on {} (ink! 5.1.1, rustc 1.86.0, cargo-contract 5.0.3 release builds; drink 0.18 sandbox). Do not edit by hand: run the script again.\n",
        date.trim()
    );
    let _ = writeln!(report, "## Targets\n");
    let _ = writeln!(report, "| target | where we stand | |\n|---|---|---|");
    let _ = writeln!(
        report,
        "| every single-record message ≤ 3× the baseline transfer's ref_time | worst {worst_single:.2}× | {} |",
        verdict(worst_single <= 3.0)
    );
    let _ = writeln!(
        report,
        "| `submit_claim` with 5 lines ≤ 10× | {claim5:.2}× | {} |",
        verdict(claim5 <= 10.0)
    );
    let _ = writeln!(
        report,
        "| `submit_claims` of 100: ≥ 1 000 claims per block by ref_time | {} | {} |",
        thousands(per_block_100),
        verdict(per_block_100 >= 1_000)
    );
    let _ = writeln!(
        report,
        "| `submit_claims` of 100: per-claim ref_time ≤ 1.5× the baseline transfer | {per_claim_100:.2}× | {} |",
        verdict(per_claim_100 <= 1.5)
    );
    let _ = writeln!(
        report,
        "| large/small ≤ 1.2 for every message ({records} prior records of each kind) | worst {worst_scaling:.3} | {} |",
        verdict(worst_scaling <= 1.2)
    );
    let _ = writeln!(
        report,
        "| every contract's optimised `.wasm` < 48 KiB | largest {:.1} KiB | {} |\n",
        largest as f64 / 1024.0,
        verdict(largest < 48 * 1024)
    );
    let _ = writeln!(report, "## Weight and storage deposit per message\n");
    let _ = writeln!(
        report,
        "Each state-changing message measured once on a fresh suite, in a realistic state (the parties licensed, a plan with fees, an enrolled member with escrow, the payer's payment consent), and again, in the same state, after {records} credentials, {records} consents (one per patient), {records} batches and {records} claims had been written ({build_secs:.0} s to build). The baseline is `baseline_token.transfer` to a new holder (first row). *ref_time* and *proof_size* are the weight the contract call consumed (drink's `gas_consumed`); the storage deposit is in the chain's smallest unit (negative: refunded). *Per block* is how many such calls fit in the normal-dispatch share (75 %) of a substrate-contracts-node block (2 s of ref_time; each call also pays the extrinsic base weight of 107 µs), and by proof size in a parachain's 5 MiB proof-of-validity budget (75 %); the node itself has no proof-size limit.\n"
    );
    report.push_str(&table);
    let _ = writeln!(report, "\n## Batched claims (`submit_claims`)\n");
    let _ = writeln!(
        report,
        "One `submit_claims` call of N one-line claims on the fresh suite (distinct service days and procedures: none is a duplicate; the member, provider and plan of the table above), signed by the provider, each claim with a reference. Per-claim figures divide the call's weight by N; *claims per block* counts whole batches in the normal-dispatch share of a block (each batch pays the extrinsic base weight once) and in a 5 MiB proof-of-validity budget.\n"
    );
    report.push_str(&batch_table);
    let _ = writeln!(report, "\n## Code size\n");
    report.push_str(&sizes);
    println!("{report}");
    if let Some(path) = out {
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        // Keep the hand-written analysis that follows the generated part.
        let marker = "<!-- analysis -->";
        let analysis = existing
            .find(marker)
            .map(|at| existing[at..].to_string())
            .unwrap_or_else(|| format!("{marker}\n"));
        std::fs::write(&path, format!("{report}\n{analysis}"))
            .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!("==> wrote {path}");
    }
}
