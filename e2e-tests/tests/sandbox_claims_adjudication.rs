//! claims_adjudication with real staff_credentials and consent_registry on
//! pallet-contracts (drink sandbox, release WASM): a licensed provider and a consenting
//! patient are paid from escrow; an unlicensed provider, a revoked consent and a
//! duplicate are denied; a peer address without a contract is a typed error.

use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimLine, ClaimStatus, Coverage, Error, PlanTerms,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest, Error as ConsentError};
use e2e_tests::suite::{assert_unknown_code_refused, deploy_credentials, issue, operator};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::{CredentialKind, DataCategories, DataCategory, Purpose, PurposeSet, DAY};
use ink::selector_bytes;

type Res<T> = Result<T, Error>;

fn terms(now: u64) -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 1_000_000,
        year_start: now - 100 * DAY,
    }
}

fn line(procedure: &[u8; 5], billed: u128) -> ClaimLine {
    ClaimLine {
        procedure: *procedure,
        diagnosis: *b"E11.9  ",
        billed,
        units: 1,
    }
}

struct World {
    chain: Sandbox,
    claims: drink::AccountId32,
    consent: drink::AccountId32,
}

const PAYER: u8 = 2;
const PROVIDER: u8 = 3;
const PATIENT: u8 = 4;
const UNLICENSED: u8 = 5;

fn world() -> World {
    let mut chain = Sandbox::new();
    let (payer, provider, patient) = (account(PAYER), account(PROVIDER), account(PATIENT));
    let credentials = deploy_credentials(&mut chain);
    let consent = chain.deploy(
        "consent_registry",
        &operator(),
        call_data(selector_bytes!("new"), (ink_account(&credentials),)),
    );
    let claims = chain.deploy(
        "claims_adjudication",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (ink_account(&credentials), ink_account(&consent)),
        ),
    );
    issue(
        &mut chain,
        &credentials,
        &payer,
        CredentialKind::PayerLicence,
    );
    issue(
        &mut chain,
        &credentials,
        &provider,
        CredentialKind::MedicalLicence,
    );
    let now = chain.time();

    // The patient consents to the payer for payment of billing data.
    let request = ConsentRequest {
        patient: ink_account(&patient),
        grantee: ink_account(&payer),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Payment]),
        categories: DataCategories::of(&[DataCategory::Billing]),
        valid_from: now - 30 * DAY,
        valid_until: None,
    };
    let granted = chain.call::<Result<u64, ConsentError>>(
        &consent,
        &patient,
        call_data(selector_bytes!("grant"), (request,)),
    );
    assert_eq!(granted.value, Ok(1));

    // The payer sets up a plan, fees, the member and 100 000 in escrow.
    let plan = chain.call::<Res<u32>>(
        &claims,
        &payer,
        call_data(selector_bytes!("create_plan"), (terms(now),)),
    );
    assert_eq!(plan.value, Ok(1));
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99213", Some(100)), (*b"80053", Some(40))];
    let set = chain.call::<Res<()>>(
        &claims,
        &payer,
        call_data(selector_bytes!("set_fees"), (1u32, fees)),
    );
    assert_eq!(set.value, Ok(()));
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    let enrolled = chain.call::<Res<()>>(
        &claims,
        &payer,
        call_data(
            selector_bytes!("enroll"),
            (1u32, ink_account(&patient), coverage),
        ),
    );
    assert_eq!(enrolled.value, Ok(()));
    let funded = chain
        .try_call::<Res<u128>>(
            &claims,
            &payer,
            call_data(selector_bytes!("fund"), (1u32,)),
            100_000,
        )
        .expect("fund");
    assert_eq!(funded.value, Ok(100_000));
    World {
        chain,
        claims,
        consent,
    }
}

/// The payer submits (on the provider's behalf, as from its clearinghouse), so that the
/// provider's balance changes by its payments only (a submitter pays storage deposits).
fn submit(w: &mut World, provider: u8, service_date: u64, lines: Vec<ClaimLine>) -> Claim {
    let outcome = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PAYER),
        call_data(
            selector_bytes!("submit_claim"),
            (
                1u32,
                ink_account(&account(PATIENT)),
                ink_account(&account(provider)),
                service_date,
                lines,
            ),
        ),
    );
    let id = outcome.value.expect("submitted");
    println!(
        "submit_claim -> claim {id}: ref_time {} proof_size {} deposit {}",
        outcome.ref_time, outcome.proof_size, outcome.storage_deposit
    );
    let claim: Option<Claim> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("claim"), (id,)));
    claim.expect("stored")
}

#[test]
fn adjudication_across_three_contracts() {
    let mut w = world();
    let now = w.chain.time();
    let provider = account(PROVIDER);

    // Licensed provider, consenting patient: paid from escrow.
    let before = w.chain.balance(&provider);
    let paid = submit(
        &mut w,
        PROVIDER,
        now - 5 * DAY,
        vec![line(b"99213", 120), line(b"80053", 40)],
    );
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(paid.denial, None);
    // Deductible 500 takes all of the allowed 100 + 40: the payer owes nothing yet.
    assert_eq!(
        (paid.allowed, paid.member_amount, paid.payer_amount),
        (140, 140, 0)
    );
    let second = submit(
        &mut w,
        PROVIDER,
        now - 4 * DAY,
        vec![line(b"99213", 100); 5],
    );
    assert_eq!(second.status, ClaimStatus::Paid);
    // 500 allowed: the 360 deductible left takes lines 1-3 and 60 of line 4; line 4
    // then pays copay 20 and 20 % of 20; line 5 copay 20 and 20 % of 80.
    assert_eq!(
        (second.allowed, second.member_amount, second.payer_amount),
        (500, 420, 80)
    );
    assert_eq!(
        w.chain.balance(&provider),
        before + 80,
        "the provider was really paid"
    );
    let escrow: Option<(u128, u128)> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("escrow"), (1u32,)));
    assert_eq!(escrow, Some((100_000 - 80, 0)));

    // Duplicate: denied with CARC 18.
    let duplicate = submit(
        &mut w,
        PROVIDER,
        now - 5 * DAY,
        vec![line(b"99213", 120), line(b"80053", 40)],
    );
    assert_eq!(duplicate.status, ClaimStatus::Denied);
    assert_eq!(duplicate.denial, Some(Carc::Duplicate));

    // Unlicensed provider: denied with CARC B7.
    let unlicensed = submit(&mut w, UNLICENSED, now - 5 * DAY, vec![line(b"99213", 100)]);
    assert_eq!(unlicensed.denial, Some(Carc::ProviderNotEligible));
    assert_eq!(unlicensed.payer_amount, 0);

    // The patient revokes consent: claims for later services are denied (CARC 197).
    let revoked = w.chain.call::<Result<(), ConsentError>>(
        &w.consent,
        &account(PATIENT),
        call_data(selector_bytes!("revoke"), (1u64,)),
    );
    assert_eq!(revoked.value, Ok(()));
    w.chain.set_time(now + DAY);
    let after = submit(&mut w, PROVIDER, now + DAY, vec![line(b"99213", 100)]);
    assert_eq!(after.status, ClaimStatus::Denied);
    assert_eq!(after.denial, Some(Carc::ConsentAbsent));
    assert_eq!(w.chain.balance(&provider), before + 80);
}

#[test]
fn a_missing_peer_is_a_typed_error_and_changes_nothing() {
    let mut w = world();
    let now = w.chain.time();
    // The owner points the consent peer at an account without a contract.
    let peers = claims_adjudication::claims_adjudication::Peers {
        credentials: {
            let p: claims_adjudication::claims_adjudication::Peers = w
                .chain
                .query(&w.claims, call_data(selector_bytes!("peers"), ()));
            p.credentials
        },
        consent: ink_account(&account(9)),
    };
    let set = w.chain.call::<Res<()>>(
        &w.claims,
        &operator(),
        call_data(selector_bytes!("set_peers"), (peers,)),
    );
    assert_eq!(set.value, Ok(()));
    let outcome = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PROVIDER),
        call_data(
            selector_bytes!("submit_claim"),
            (
                1u32,
                ink_account(&account(PATIENT)),
                ink_account(&account(PROVIDER)),
                now - DAY,
                vec![line(b"99213", 100)],
            ),
        ),
    );
    assert_eq!(outcome.value, Err(Error::ConsentContractUnreachable));
    assert!(outcome.reverted);
    let none: Option<Claim> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("claim"), (1u64,)));
    assert_eq!(none, None, "no claim recorded");
}

#[test]
fn set_code_with_an_unknown_hash_is_refused() {
    let mut w = world();
    let claims = w.claims.clone();
    assert_unknown_code_refused(&mut w.chain, &claims, Error::CodeNotFound);
}
