//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message and error variant, unauthorised callers, a table
//! of pricing cases, the payer's trust rules (care relationship, line-level duplicates,
//! reserved escrow, failed payments, appeals that re-check, no diagnosis in clear) and
//! the escrow invariant over random operations.
//!
//! The off-chain engine cannot make cross-contract calls: the contract asks the suite's
//! shared stand-ins (`healthcare_traits::stand_in`, through the same `ask::` calls as in
//! production), which answer per account, credential kind, pair and time like the real
//! contracts (set here with [`licence`], [`payment_consent`], [`care`], [`monitored`]) or
//! fail like broken ones; the real calls run in the drink sandbox tests of `e2e-tests`.

use crate::claims_adjudication::*;
use crate::{diagnosis_commitment, MAX_FEES_PER_CALL, MAX_LINES, PLAN_YEAR};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::testing::last_recorded;
pub(crate) use healthcare_traits::testing::{accounts, caller, now};
use healthcare_traits::{
    stand_in, Action as Gov, ApplyError, CredentialKind, DataCategories, DataCategory, Governed,
    KindSet, PeerError, PeerRole, Purpose, DAY,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use parity_scale_codec::Encode;

pub(crate) type Window = (u64, u64);

/// staff_credentials (stand-in): `account` holds a credential of `kind` valid in `window`.
pub(crate) fn licence(account: AccountId, kind: CredentialKind, window: Window) {
    stand_in::credentials_during(account, &[kind], window.0, window.1);
}

/// staff_credentials (stand-in) fails when asked about `account`.
pub(crate) fn credentials_fail(account: AccountId, error: Option<PeerError>) {
    stand_in::credentials_fail_for(account, error);
}

/// consent_registry (stand-in): `member` consents to `payer` for payment (billing data)
/// in `window`.
pub(crate) fn payment_consent(member: AccountId, payer: AccountId, window: Window) {
    stand_in::consent_during(
        member,
        payer,
        Purpose::Payment,
        DataCategories::of(&[DataCategory::Billing]),
        window.0,
        window.1,
    );
}

/// consent_registry (stand-in): `member` named `provider` as care provider in `window`.
pub(crate) fn care(member: AccountId, provider: AccountId, window: Window) {
    stand_in::care_during(member, provider, window.0, window.1);
}

/// consent_registry (stand-in) fails when asked about `member`.
pub(crate) fn consent_fails(member: AccountId, error: Option<PeerError>) {
    stand_in::consent_fail_for(member, error);
}

/// remote_monitoring (stand-in): `member` had data from devices `provider` paired on
/// `days` of any 30 days.
pub(crate) fn monitored(member: AccountId, provider: AccountId, days: u32) {
    stand_in::monitored_days(member, provider, days);
}

/// remote_monitoring (stand-in) fails when asked about `member`.
pub(crate) fn monitoring_fails(member: AccountId, error: Option<PeerError>) {
    stand_in::monitoring_fail_for(member, error);
}

/// Forgets every stand-in answer (a new random sequence starts).
pub(crate) fn forget_peers() {
    stand_in::reset();
}

pub(crate) const T0: u64 = 2_000 * DAY;
pub(crate) const ALWAYS: Window = (0, u64::MAX);
pub(crate) const OFFICE: ProcedureCode = *b"99213";
pub(crate) const XRAY: ProcedureCode = *b"71046";
pub(crate) const LAB: ProcedureCode = *b"80053";
/// CPT 99454: remote monitoring device supply.
pub(crate) const RPM: ProcedureCode = healthcare_traits::monitoring::DEVICE_SUPPLY_CODE;
const SALT: [u8; 32] = [0x5A; 32];

/// The off-chain engine's existential deposit: a balance is 0 or at least this.
pub(crate) const ED: u128 = 1_000_000;

/// Sets the contract's balance to the existential deposit plus `amount`.
fn contract_balance(amount: u128) {
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + amount);
}
fn balance(account: AccountId) -> u128 {
    test::get_account_balance::<Env>(account).unwrap_or(0)
}

pub(crate) fn terms() -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 5_000,
        year_start: T0 - 10 * DAY,
        max_units: 30,
    }
}

pub(crate) fn line(procedure: ProcedureCode, billed: u128, units: u32) -> ClaimLine {
    ClaimLine {
        procedure,
        diagnosis_commitment: diagnosis_commitment(&SALT, &["J45.909"]),
        billed,
        units,
    }
}

/// django's claim by charlie, for the day before T0.
pub(crate) fn request(lines: Vec<ClaimLine>) -> ClaimRequest {
    let a = accounts();
    ClaimRequest {
        plan: 1,
        member: a.django,
        provider: a.charlie,
        service_date: T0 - DAY,
        emergency: false,
        lines,
    }
}

/// alice owns the contract; bob is a licensed payer with plan 1 (fees: office 100,
/// x-ray 300, lab 50), charlie a licensed physician, django an enrolled member who
/// consents to bob for payment and named charlie as a care provider, eve the adjuster.
/// The escrow holds 10 000 (also the contract's balance). The caller is charlie.
pub(crate) fn setup() -> ClaimsAdjudication {
    let a = accounts();
    licence(a.bob, CredentialKind::PayerLicence, ALWAYS);
    licence(a.charlie, CredentialKind::MedicalLicence, ALWAYS);
    payment_consent(a.django, a.bob, ALWAYS);
    care(a.django, a.charlie, ALWAYS);
    now(T0);
    let mut c = ClaimsAdjudication::new(a.alice, a.frank, a.frank, a.frank).expect("new");
    caller(a.bob);
    assert_eq!(c.create_plan(terms()), Ok(1));
    c.set_fees(
        1,
        vec![(OFFICE, Some(100)), (XRAY, Some(300)), (LAB, Some(50))],
    )
    .expect("fees");
    c.enroll(
        1,
        a.django,
        Coverage {
            start: T0 - 10 * DAY,
            end: None,
        },
    )
    .expect("enrol");
    c.add_adjuster(1, a.eve).expect("adjuster");
    test::set_value_transferred::<Env>(10_000);
    c.fund(1).expect("fund");
    test::set_value_transferred::<Env>(0);
    contract_balance(10_000);
    caller(a.charlie);
    c
}

/// Each of `providers` names `relay` (`set_corrector`); the caller is restored.
pub(crate) fn name_relay(c: &mut ClaimsAdjudication, providers: &[AccountId], relay: AccountId) {
    let back = ink::env::caller::<Env>();
    for provider in providers {
        caller(*provider);
        c.set_corrector(relay, true).expect("named");
    }
    caller(back);
}

pub(crate) fn submit(c: &mut ClaimsAdjudication, lines: Vec<ClaimLine>) -> Claim {
    let id = c.submit_claim(request(lines)).expect("submitted");
    c.claim(id).expect("stored")
}

pub(crate) fn submit_request(c: &mut ClaimsAdjudication, request: ClaimRequest) -> Claim {
    let id = c.submit_claim(request).expect("submitted");
    c.claim(id).expect("stored")
}

pub(crate) fn amounts(claim: &Claim) -> (u128, u128, u128) {
    (claim.allowed, claim.member_amount, claim.payer_amount)
}

pub(crate) fn reasons(claim: &Claim) -> Vec<Carc> {
    claim
        .lines
        .iter()
        .map(|l| l.adjustments.first().map_or(Carc::Deductible, |a| a.reason))
        .collect()
}

fn fund(c: &mut ClaimsAdjudication, amount: u128) {
    let back = ink::env::caller::<Env>();
    caller(accounts().bob);
    test::set_value_transferred::<Env>(amount);
    c.fund(1).expect("fund");
    test::set_value_transferred::<Env>(0);
    caller(back);
}

fn no_cost_sharing_left(c: &mut ClaimsAdjudication) {
    c.set_accumulator(
        1,
        accounts().django,
        0,
        Accumulator {
            deductible_met: 500,
            oop_spent: 1_000,
        },
    );
}

// ------------------------------------------------------------------------ admin

/// As the governor (alice), applies `action`; the caller is restored.
pub(crate) fn gov(c: &mut ClaimsAdjudication, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

#[ink::test]
fn only_the_governor_applies_and_only_this_contracts_actions() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.governor(), a.alice);
    assert!(!c.paused());
    let to_eve = Gov::Peer(PeerRole::Credentials, a.eve);
    for action in [
        Gov::Pause,
        Gov::Unpause,
        to_eve,
        Gov::RecoverSurplus(a.charlie),
    ] {
        assert_eq!(c.apply(action), Err(ApplyError::NotGovernor), "{action:?}");
    }
    for unsupported in [
        Gov::Issuer(a.eve, KindSet::CLINICIAN),
        Gov::Regulator(a.eve),
        Gov::RemoveRegulator(a.eve),
        Gov::BreakGlass(1, 1, 1),
        Gov::RevokeCredential(1, 1),
    ] {
        assert_eq!(
            gov(&mut c, unsupported),
            Err(ApplyError::Unsupported),
            "{unsupported:?}"
        );
    }
    gov(&mut c, to_eve).expect("credentials");
    gov(&mut c, Gov::Peer(PeerRole::Consent, a.django)).expect("consent");
    gov(&mut c, Gov::Peer(PeerRole::Monitoring, a.bob)).expect("monitoring");
    assert_eq!(
        c.peers(),
        Peers {
            credentials: a.eve,
            consent: a.django,
            monitoring: a.bob,
        }
    );
    let applied = last_recorded::<ActionApplied>();
    assert_eq!(
        (applied.action, applied.governor),
        (Gov::Peer(PeerRole::Monitoring, a.bob), a.alice)
    );

    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
    gov(&mut c, Gov::Pause).expect("pause");
    assert_eq!(gov(&mut c, Gov::Pause), Err(ApplyError::Paused));
    caller(a.bob);
    assert_eq!(c.create_plan(terms()), Err(Error::Paused));
    assert_eq!(c.set_fees(1, vec![]), Err(Error::Paused));
    assert_eq!(
        c.enroll(
            1,
            a.django,
            Coverage {
                start: 0,
                end: None
            }
        ),
        Err(Error::Paused)
    );
    assert_eq!(c.add_adjuster(1, a.eve), Err(Error::Paused));
    assert_eq!(c.remove_adjuster(1, a.eve), Err(Error::Paused));
    assert_eq!(c.fund(1), Err(Error::Paused));
    // Exits work while paused: the payer withdraws its free escrow.
    assert_eq!(c.withdraw(1, 1), Ok(9_999));
    assert_eq!(
        c.submit_claim(request(vec![line(OFFICE, 1, 1)])),
        Err(Error::Paused)
    );
    assert_eq!(
        c.review_claim(1, true, Carc::NotMedicallyNecessary),
        Err(Error::Paused)
    );
    assert_eq!(c.appeal(1, Hash::from([1; 32])), Err(Error::Paused));
    assert_eq!(c.decide_appeal(1, true), Err(Error::Paused));
    assert_eq!(c.void_claim(1), Err(Error::Paused));
    assert_eq!(
        c.replace_claim(
            1,
            ClaimSubmission {
                request: request(vec![line(OFFICE, 1, 1)]),
                reference: None
            }
        ),
        Err(Error::Paused)
    );
    assert_eq!(
        c.settle(1),
        Err(Error::UnknownClaim),
        "settling is not paused"
    );
    gov(&mut c, Gov::Unpause).expect("unpause");
}

#[ink::test]
fn value_sent_outside_fund_is_surplus_the_governor_can_move() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.total_escrow(), 10_000);
    // 777 arrive by a plain transfer, not through `fund`. (The off-chain engine's
    // balance includes the existential deposit, which the chain's `balance()` does not:
    // here the surplus is that deposit plus 777; the sandbox test checks the exact one.)
    contract_balance(10_000 + 777);
    assert_eq!(c.surplus(), ED + 777);
    let before = balance(a.frank);
    assert_eq!(
        c.apply(Gov::RecoverSurplus(a.frank)),
        Err(ApplyError::NotGovernor)
    );
    assert_eq!(gov(&mut c, Gov::RecoverSurplus(a.frank)), Ok(()));
    assert_eq!(balance(a.frank), before + ED + 777);
    let recovered = last_recorded::<SurplusRecovered>();
    assert_eq!((recovered.to, recovered.amount), (a.frank, ED + 777));
    assert_eq!(c.surplus(), 0);
    assert_eq!(
        gov(&mut c, Gov::RecoverSurplus(a.frank)),
        Err(ApplyError::Invalid),
        "nothing left"
    );
    // The escrows are untouched and still covered.
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    assert_eq!(balance(test::callee::<Env>()), 10_000);
}

// ------------------------------------------------------------------------ plans

#[ink::test]
fn plan_management() {
    let a = accounts();
    let mut c = setup();
    let plan = c.plan(1).expect("plan");
    assert_eq!(plan.payer, a.bob);
    assert_eq!(plan.terms, terms());
    assert_eq!(plan.free(), 10_000);
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    assert_eq!(c.fee(1, OFFICE), Some(100));
    assert_eq!(c.plan(9), None);
    assert_eq!(c.plan_year(1, T0), Some(0));
    assert_eq!(c.plan_year(1, T0 - 10 * DAY + PLAN_YEAR), Some(1));
    assert!(c.is_adjuster(1, a.eve));

    // charlie is licensed, but as a physician, not a payer.
    assert_eq!(c.create_plan(terms()), Err(Error::PayerNotLicensed));
    credentials_fail(a.charlie, Some(PeerError::Unreachable));
    assert_eq!(
        c.create_plan(terms()),
        Err(Error::CredentialContractUnreachable)
    );
    credentials_fail(a.charlie, Some(PeerError::Trapped));
    assert_eq!(
        c.create_plan(terms()),
        Err(Error::CredentialContractTrapped)
    );
    credentials_fail(a.charlie, None);
    let mut bad = terms();
    bad.coinsurance_bps = 10_001;
    assert_eq!(c.create_plan(bad), Err(Error::InvalidTerms));
    let mut bad = terms();
    bad.deductible = bad.oop_max + 1;
    assert_eq!(c.create_plan(bad), Err(Error::InvalidTerms));
    let mut bad = terms();
    bad.timely_filing = 0;
    assert_eq!(c.create_plan(bad), Err(Error::InvalidTerms));

    // Only the payer manages the plan.
    assert_eq!(c.set_fees(1, vec![(OFFICE, Some(1))]), Err(Error::NotPayer));
    assert_eq!(
        c.set_fees(9, vec![(OFFICE, Some(1))]),
        Err(Error::UnknownPlan)
    );
    assert_eq!(
        c.enroll(
            1,
            a.frank,
            Coverage {
                start: 0,
                end: None
            }
        ),
        Err(Error::NotPayer)
    );
    assert_eq!(c.add_adjuster(1, a.frank), Err(Error::NotPayer));
    assert_eq!(c.remove_adjuster(1, a.eve), Err(Error::NotPayer));
    test::set_value_transferred::<Env>(5);
    assert_eq!(c.fund(1), Err(Error::NotPayer));
    test::set_value_transferred::<Env>(0);
    assert_eq!(c.withdraw(1, 1), Err(Error::NotPayer));

    caller(a.bob);
    let too_many = vec![(OFFICE, Some(1)); MAX_FEES_PER_CALL + 1];
    assert_eq!(c.set_fees(1, too_many), Err(Error::TooManyFees));
    assert_eq!(
        c.set_fees(1, vec![(*b"99 13", Some(1))]),
        Err(Error::InvalidLine)
    );
    c.set_fees(1, vec![(OFFICE, None)]).expect("remove fee");
    assert_eq!(c.fee(1, OFFICE), None);
    assert_eq!(
        c.enroll(
            1,
            a.frank,
            Coverage {
                start: 10,
                end: Some(10)
            }
        ),
        Err(Error::InvalidCoverage)
    );
    c.enroll(
        1,
        a.frank,
        Coverage {
            start: 10,
            end: Some(20),
        },
    )
    .expect("enrol");
    assert_eq!(
        c.coverage(1, a.frank),
        Some(Coverage {
            start: 10,
            end: Some(20)
        })
    );
    c.remove_adjuster(1, a.eve).expect("remove adjuster");
    assert!(!c.is_adjuster(1, a.eve));
    assert_eq!(c.fund(1), Err(Error::ZeroAmount));
    assert_eq!(c.withdraw(1, 0), Err(Error::ZeroAmount));
    c.set_counters(u32::MAX, 1);
    assert_eq!(c.create_plan(terms()), Err(Error::Overflow));
}

#[ink::test]
fn withdrawals_leave_what_is_owed_and_reserved() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    let before = balance(a.bob);
    assert_eq!(c.withdraw(1, 10_001), Err(Error::InsufficientEscrow));
    assert_eq!(c.withdraw(1, 9_000), Ok(1_000));
    assert_eq!(balance(a.bob), before + 9_000);
    assert_eq!(c.total_escrow(), 1_000);
    // A claim larger than the free escrow becomes owed; the owed part cannot be withdrawn.
    caller(a.charlie);
    let claim = submit(
        &mut c,
        vec![line(XRAY, 3_000, 10)], // allowed 3000: member 500 + 20 + 496, capped at 1000
    );
    assert_eq!(claim.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.escrow(1), Some((1_000, 2_000, 0)));
    caller(a.bob);
    assert_eq!(c.withdraw(1, 1), Err(Error::InsufficientEscrow));
    // A claim pending review holds its payer share: the payer cannot withdraw it.
    fund(&mut c, 8_000);
    contract_balance(9_000);
    caller(a.charlie);
    let review = c
        .submit_claim(ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(XRAY, 6_000, 20)])
        })
        .expect("submit");
    assert_eq!(
        c.claim(review).expect("c").status,
        ClaimStatus::PendingReview
    );
    assert_eq!(c.escrow(1), Some((9_000, 2_000, 6_000)));
    assert_eq!(c.plan(1).expect("plan").free(), 1_000);
    caller(a.bob);
    assert_eq!(c.withdraw(1, 1_001), Err(Error::InsufficientEscrow));
    c.withdraw(1, 1_000).expect("the free part");
    // ... and the adjuster's approval finds the money there.
    caller(a.eve);
    let before = balance(a.charlie);
    c.review_claim(review, true, Carc::NotMedicallyNecessary)
        .expect("approve");
    assert_eq!(c.claim(review).expect("c").status, ClaimStatus::Paid);
    assert_eq!(balance(a.charlie), before + 6_000);
    assert_eq!(c.escrow(1), Some((2_000, 2_000, 0)));
    // A failing native transfer is a typed error.
    caller(a.bob);
    fund(&mut c, 5_000);
    test::set_account_balance::<Env>(test::callee::<Env>(), 0);
    assert_eq!(c.withdraw(1, 100), Err(Error::TransferFailed));
}

// ---------------------------------------------------------------------- pricing

#[ink::test]
fn pricing_table() {
    let a = accounts();
    // (deductible met, oop spent, lines, expected (allowed, member, payer) per line)
    type Case = (u128, u128, Vec<ClaimLine>, Vec<(u128, u128, u128)>);
    let cases: Vec<(&str, Case)> = vec![
        (
            "deductible partly met",
            (
                450,
                450,
                vec![line(OFFICE, 150, 1)],
                vec![(100, 50 + 20 + 6, 24)],
            ),
        ),
        (
            "copay larger than allowed",
            (500, 500, vec![line(OFFICE, 15, 1)], vec![(15, 15, 0)]),
        ),
        (
            "coinsurance",
            (
                500,
                500,
                vec![line(XRAY, 300, 1)],
                vec![(300, 20 + 56, 224)],
            ),
        ),
        (
            "out-of-pocket maximum reached mid-claim",
            (
                500,
                990,
                vec![line(XRAY, 300, 1), line(OFFICE, 100, 1)],
                vec![(300, 10, 290), (100, 0, 100)],
            ),
        ),
        (
            "non-covered line",
            (
                500,
                500,
                vec![line(*b"00000", 80, 1), line(OFFICE, 100, 1)],
                vec![(0, 0, 0), (100, 36, 64)],
            ),
        ),
        (
            "several lines from a fresh year",
            (
                0,
                0,
                vec![line(OFFICE, 250, 2), line(XRAY, 300, 1), line(LAB, 100, 2)],
                vec![(200, 200, 0), (300, 300, 0), (100, 36, 64)],
            ),
        ),
    ];
    for (name, (met, spent, lines, expected)) in cases {
        let mut c = setup();
        c.set_accumulator(
            1,
            a.django,
            0,
            Accumulator {
                deductible_met: met,
                oop_spent: spent,
            },
        );
        let claim = submit(&mut c, lines);
        let got: Vec<_> = claim
            .lines
            .iter()
            .map(|r| (r.allowed, r.member_amount, r.payer_amount))
            .collect();
        assert_eq!(got, expected, "{name}");
        let member: u128 = expected.iter().map(|e| e.1).sum();
        let payer: u128 = expected.iter().map(|e| e.2).sum();
        assert_eq!(claim.member_amount, member, "{name}");
        assert_eq!(claim.payer_amount, payer, "{name}");
        assert_eq!(claim.status, ClaimStatus::Paid, "{name}");
        let acc = c.accumulator(1, a.django, 0);
        assert_eq!(acc.oop_spent, spent + member, "{name}");
        assert!(acc.oop_spent <= terms().oop_max, "{name}");
        assert!(acc.deductible_met <= terms().deductible, "{name}");
    }
}

#[ink::test]
fn remittance_adjustments_carry_carc_codes() {
    let a = accounts();
    let mut c = setup();
    c.set_accumulator(
        1,
        a.django,
        0,
        Accumulator {
            deductible_met: 450,
            oop_spent: 450,
        },
    );
    let claim = submit(&mut c, vec![line(OFFICE, 150, 1), line(*b"00000", 80, 1)]);
    let first: Vec<_> = claim.lines[0]
        .adjustments
        .iter()
        .map(|adj| (adj.group, adj.reason.code(), adj.amount))
        .collect();
    assert_eq!(
        first,
        vec![
            (Group::ContractualObligation, "45", 50),
            (Group::PatientResponsibility, "1", 50),
            (Group::PatientResponsibility, "3", 20),
            (Group::PatientResponsibility, "2", 6),
        ]
    );
    assert_eq!(claim.lines[1].adjustments[0].reason, Carc::NotCovered);
    assert_eq!(claim.billed, 230);
    assert_eq!(claim.deductible_applied, 50);
    assert_eq!(Carc::NoCareRelationship.code(), "242");
}

// ----------------------------------------------------------------- submissions

#[ink::test]
fn paid_claim_moves_escrow_to_the_provider() {
    let a = accounts();
    let mut c = setup();
    let before = balance(a.charlie);
    assert!(c.claims_of_provider(a.charlie, 0, 10).is_empty());
    c.set_accumulator(
        1,
        a.django,
        0,
        Accumulator {
            deductible_met: 500,
            oop_spent: 500,
        },
    );
    let claim = submit(&mut c, vec![line(XRAY, 300, 1)]);
    assert_eq!(claim.status, ClaimStatus::Paid);
    assert_eq!(balance(a.charlie), before + 224);
    assert_eq!(c.escrow(1), Some((10_000 - 224, 0, 0)));
    assert_eq!(c.total_escrow(), 10_000 - 224);
    let plan = c.plan(1).expect("plan");
    assert_eq!(plan.escrow, plan.funded - plan.withdrawn - plan.paid);
    assert_eq!(c.claims_of_provider(a.charlie, 0, 10), vec![claim.clone()]);
    assert_eq!(c.claims_of_member(a.django, 0, 10), vec![claim]);
    assert_eq!(c.claims_of_member(a.django, 1, 10), vec![]);
}

#[ink::test]
fn a_payer_submits_in_a_providers_name_only_as_the_relay_it_named() {
    let a = accounts();
    let mut c = setup();
    // Unnamed, the payer could file a cheap claim before the provider's own (seen in the
    // pool, or known from a prior authorisation): paid at once, and the provider's real
    // claim denied as its duplicate.
    caller(a.bob);
    assert_eq!(
        c.submit_claim(request(vec![line(OFFICE, 1, 1)])),
        Err(Error::NotSubmitter)
    );
    assert_eq!(
        c.submit_claims(vec![ClaimSubmission {
            request: request(vec![line(OFFICE, 1, 1)]),
            reference: None,
        }]),
        Ok(vec![Err(Error::NotSubmitter)])
    );
    assert_eq!(c.claim(1), None, "nothing recorded");
    caller(a.charlie);
    c.set_corrector(a.bob, true).expect("named");
    caller(a.bob);
    let claim = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(claim.submitter, a.bob);
    assert_eq!(claim.provider, a.charlie);
    // Anyone else may not.
    caller(a.frank);
    assert_eq!(
        c.submit_claim(request(vec![line(LAB, 100, 1)])),
        Err(Error::NotSubmitter)
    );
    // Withdrawn: the payer is refused again.
    caller(a.charlie);
    c.set_corrector(a.bob, false).expect("withdrawn");
    caller(a.bob);
    assert_eq!(
        c.submit_claim(request(vec![line(LAB, 100, 1)])),
        Err(Error::NotSubmitter)
    );
}

#[ink::test]
fn submission_refusals() {
    let a = accounts();
    let mut c = setup();
    let submit = |c: &mut ClaimsAdjudication, plan, date, lines| {
        c.submit_claim(ClaimRequest {
            plan,
            service_date: date,
            ..request(lines)
        })
    };
    assert_eq!(
        submit(&mut c, 9, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::UnknownPlan)
    );
    assert_eq!(submit(&mut c, 1, T0, vec![]), Err(Error::NoLines));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1); MAX_LINES + 1]),
        Err(Error::TooManyLines)
    );
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 0, 1)]),
        Err(Error::InvalidLine)
    );
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 0)]),
        Err(Error::InvalidLine)
    );
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(*b"9921!", 1, 1)]),
        Err(Error::InvalidLine)
    );
    assert_eq!(
        submit(&mut c, 1, T0 + 1, vec![line(OFFICE, 1, 1)]),
        Err(Error::ServiceInFuture)
    );
    // Peers that fail give typed errors.
    credentials_fail(a.charlie, Some(PeerError::Unreachable));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::CredentialContractUnreachable)
    );
    credentials_fail(a.charlie, Some(PeerError::Trapped));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::CredentialContractTrapped)
    );
    credentials_fail(a.charlie, None);
    consent_fails(a.django, Some(PeerError::Unreachable));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::ConsentContractUnreachable)
    );
    consent_fails(a.django, Some(PeerError::Trapped));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::ConsentContractTrapped)
    );
    consent_fails(a.django, None);
    // The refusals used no claim id: the next claim is claim 1.
    assert_eq!(submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]), Ok(1));
    c.set_counters(1, u64::MAX);
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::Overflow)
    );
    assert_eq!(c.claims_of_member(a.django, 0, 10).len(), 1);
}

#[ink::test]
fn denials_are_recorded_with_reason_codes() {
    let a = accounts();
    let mut c = setup();
    let denial = |c: &mut ClaimsAdjudication, member: AccountId, date: u64, lines| {
        let claim = submit_request(
            c,
            ClaimRequest {
                member,
                service_date: date,
                ..request(lines)
            },
        );
        assert_eq!(claim.status, ClaimStatus::Denied);
        assert_eq!(claim.payer_amount, 0);
        claim.denial
    };
    // Not a member.
    assert_eq!(
        denial(&mut c, a.frank, T0, vec![line(OFFICE, 1, 1)]),
        Some(Carc::NotInsured)
    );
    // Before and after coverage.
    caller(a.bob);
    c.enroll(
        1,
        a.frank,
        Coverage {
            start: T0 - 5 * DAY,
            end: Some(T0 - 2 * DAY),
        },
    )
    .expect("enrol");
    payment_consent(a.frank, a.bob, ALWAYS);
    care(a.frank, a.charlie, ALWAYS);
    caller(a.charlie);
    assert_eq!(
        denial(&mut c, a.frank, T0 - 6 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::BeforeCoverage)
    );
    assert_eq!(
        denial(&mut c, a.frank, T0 - 2 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::CoverageEnded)
    );
    // Covered from its first moment to just before its end.
    for date in [T0 - 5 * DAY, T0 - 2 * DAY - 1] {
        let claim = submit_request(
            &mut c,
            ClaimRequest {
                member: a.frank,
                service_date: date,
                ..request(vec![line(OFFICE, 1, 1)])
            },
        );
        assert_eq!(claim.denial, None, "covered at {date}");
    }
    // Timely filing: 90 days.
    now(T0 + 100 * DAY);
    assert_eq!(
        denial(&mut c, a.django, T0 - DAY, vec![line(OFFICE, 7, 1)]),
        Some(Carc::TimelyFiling)
    );
    now(T0);
    // The provider's medical licence started after the service date.
    let late = accounts().eve;
    licence(
        late,
        CredentialKind::MedicalLicence,
        (T0 - 3 * DAY, u64::MAX),
    );
    care(a.django, late, ALWAYS);
    caller(late);
    let claim = submit_request(
        &mut c,
        ClaimRequest {
            provider: late,
            service_date: T0 - 4 * DAY,
            ..request(vec![line(OFFICE, 1, 1)])
        },
    );
    assert_eq!(claim.denial, Some(Carc::ProviderNotEligible));
    // A licence of the wrong kind (a pharmacist) is no billing provider's.
    licence(a.frank, CredentialKind::PharmacistLicence, ALWAYS);
    care(a.django, a.frank, ALWAYS);
    caller(a.frank);
    let claim = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            ..request(vec![line(OFFICE, 1, 1)])
        },
    );
    assert_eq!(claim.denial, Some(Carc::ProviderNotEligible));
    caller(a.charlie);
    // No payment consent at the service date.
    payment_consent(a.django, a.bob, (T0 - 2 * DAY, u64::MAX));
    assert_eq!(
        denial(&mut c, a.django, T0 - 3 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::ConsentAbsent)
    );
    payment_consent(a.django, a.bob, ALWAYS);
    // No line covered.
    assert_eq!(
        denial(&mut c, a.django, T0, vec![line(*b"00000", 5, 1)]),
        Some(Carc::NotCovered)
    );
    // A claim denied as a whole leaves the accumulators untouched.
    assert_eq!(c.accumulator(1, a.django, 0), Accumulator::default());
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    // Filed exactly 90 days after the service it is timely; a millisecond later it is not.
    let service = T0 - 3 * DAY;
    now(service + 90 * DAY);
    let timely = submit_request(
        &mut c,
        ClaimRequest {
            member: a.django,
            service_date: service,
            ..request(vec![line(OFFICE, 7, 1)])
        },
    );
    assert_ne!(timely.denial, Some(Carc::TimelyFiling));
    now(service + 90 * DAY + 1);
    assert_eq!(
        denial(&mut c, a.django, service, vec![line(OFFICE, 7, 1)]),
        Some(Carc::TimelyFiling)
    );
    now(T0);
}

#[ink::test]
fn no_payment_without_a_care_relationship() {
    let a = accounts();
    let mut c = setup();
    // frank is a licensed physician, but django never named him.
    licence(a.frank, CredentialKind::MedicalLicence, ALWAYS);
    caller(a.frank);
    let before = balance(a.frank);
    let phantom = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            ..request(vec![line(OFFICE, 100, 1)])
        },
    );
    assert_eq!(phantom.status, ClaimStatus::Denied);
    assert_eq!(phantom.denial, Some(Carc::NoCareRelationship));
    assert_eq!(reasons(&phantom), vec![Carc::NoCareRelationship]);
    assert_eq!(balance(a.frank), before);
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    // A relationship that ended before the service date does not count either.
    care(a.django, a.frank, (0, T0 - 2 * DAY));
    let ended = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            ..request(vec![line(XRAY, 300, 1)])
        },
    );
    assert_eq!(ended.denial, Some(Carc::NoCareRelationship));
    // An emergency visit without prior relationship goes to manual review instead.
    let emergency = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            emergency: true,
            ..request(vec![line(LAB, 50, 1)])
        },
    );
    assert_eq!(emergency.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0, emergency.payer_amount)));
    caller(a.eve);
    c.review_claim(emergency.id, true, Carc::NotMedicallyNecessary)
        .expect("the adjuster approves the emergency");
    let paid = c.claim(emergency.id).expect("c");
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(balance(a.frank), before + paid.payer_amount);
}

#[ink::test]
fn duplicates_are_found_line_by_line() {
    let a = accounts();
    let mut c = setup();
    no_cost_sharing_left(&mut c);
    let first = submit(&mut c, vec![line(OFFICE, 100, 1), line(XRAY, 300, 1)]);
    assert_eq!(first.status, ClaimStatus::Paid);
    assert_eq!(first.payer_amount, 400);
    // Reordered lines.
    let reordered = submit(&mut c, vec![line(XRAY, 300, 1), line(OFFICE, 100, 1)]);
    assert_eq!(reordered.status, ClaimStatus::Denied);
    assert_eq!(reordered.denial, Some(Carc::Duplicate));
    assert_eq!(reasons(&reordered), vec![Carc::Duplicate, Carc::Duplicate]);
    // Re-priced by one, another diagnosis, another time of the same day.
    let repriced = submit(&mut c, vec![line(OFFICE, 101, 1)]);
    assert_eq!(repriced.denial, Some(Carc::Duplicate));
    let mut other_dx = line(XRAY, 300, 1);
    other_dx.diagnosis_commitment = diagnosis_commitment(&SALT, &["E11.9"]);
    assert_eq!(submit(&mut c, vec![other_dx]).denial, Some(Carc::Duplicate));
    let later_that_day = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - DAY + 3_600_000,
            ..request(vec![line(OFFICE, 100, 1)])
        },
    );
    assert_eq!(later_that_day.denial, Some(Carc::Duplicate));
    // Split: a duplicate line beside a new one; the new one is still priced and paid.
    let split = submit(&mut c, vec![line(OFFICE, 100, 1), line(LAB, 50, 1)]);
    assert_eq!(split.status, ClaimStatus::Paid);
    assert_eq!(reasons(&split)[0], Carc::Duplicate);
    assert_eq!(split.lines[1].payer_amount, 50);
    assert_eq!(split.payer_amount, 50);
    // The same procedure twice in one claim: the second line is the duplicate.
    let twice = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(OFFICE, 100, 1), line(OFFICE, 100, 1)])
        },
    );
    assert_eq!(twice.lines[0].payer_amount, 100);
    assert_eq!(twice.lines[1].adjustments[0].reason, Carc::Duplicate);
    // Another day, another member or another provider is no duplicate.
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, OFFICE),
        Some(first.id)
    );
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - 3 * DAY, OFFICE),
        None
    );
    // Only what the first claims paid left the escrow.
    assert_eq!(c.escrow(1), Some((10_000 - 400 - 50 - 100, 0, 0)));
}

// -------------------------------------------------------------- review / appeal

#[ink::test]
fn a_claim_at_the_review_threshold_is_paid_without_review() {
    let mut c = setup();
    no_cost_sharing_left(&mut c);
    // Payer share 2 000 + 3 000 = 5 000: the threshold itself, not above it.
    let claim = submit(&mut c, vec![line(OFFICE, 2_000, 20), line(XRAY, 3_000, 10)]);
    assert_eq!(claim.payer_amount, 5_000);
    assert_eq!(claim.status, ClaimStatus::Paid);
    assert_eq!(c.escrow(1), Some((5_000, 0, 0)));
}

#[ink::test]
fn large_claims_go_to_review() {
    let a = accounts();
    let mut c = setup();
    no_cost_sharing_left(&mut c);
    let claim = submit(&mut c, vec![line(XRAY, 6_000, 20)]); // payer share 6000 > 5000
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0, 6_000)), "reserved, not paid");
    // Only an adjuster of the plan reviews.
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotAdjuster)
    );
    caller(a.eve);
    assert_eq!(
        c.review_claim(99, true, Carc::NotMedicallyNecessary),
        Err(Error::UnknownClaim)
    );
    let before = balance(a.charlie);
    c.review_claim(claim.id, true, Carc::NotMedicallyNecessary)
        .expect("approve");
    assert_eq!(c.claim(claim.id).expect("c").status, ClaimStatus::Paid);
    assert_eq!(balance(a.charlie), before + 6_000);
    assert_eq!(c.escrow(1), Some((4_000, 0, 0)));
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotPendingReview)
    );
}

#[ink::test]
fn review_denial_gives_back_accumulators_and_lines_then_appeal_overturns() {
    let a = accounts();
    let mut c = setup();
    let claim = submit(&mut c, vec![line(XRAY, 9_000, 30)]); // allowed 9000
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(c.accumulator(1, a.django, 0).oop_spent, 1_000);
    caller(a.eve);
    c.review_claim(claim.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    let denied = c.claim(claim.id).expect("c");
    assert_eq!(denied.status, ClaimStatus::Denied);
    assert_eq!(denied.denial, Some(Carc::NotMedicallyNecessary));
    assert_eq!(amounts(&denied), (0, 0, 0), "a denial pays nothing");
    assert_eq!(
        denied.lines[0].allowed, 9_000,
        "the lines keep their pricing"
    );
    assert_eq!(c.accumulator(1, a.django, 0), Accumulator::default());
    assert_eq!(
        c.escrow(1),
        Some((10_000, 0, 0)),
        "the reservation is released"
    );
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(claim.id),
        "a line a person denied keeps its service"
    );

    // Only the provider appeals, once, and only a denial.
    assert_eq!(
        c.appeal(claim.id, Hash::from([3; 32])),
        Err(Error::NotProvider)
    );
    caller(a.charlie);
    assert_eq!(c.appeal(99, Hash::from([3; 32])), Err(Error::UnknownClaim));
    assert_eq!(c.decide_appeal(claim.id, true), Err(Error::NotAdjuster));
    caller(a.eve);
    assert_eq!(c.decide_appeal(claim.id, true), Err(Error::NotAppealed));
    caller(a.charlie);
    c.appeal(claim.id, Hash::from([3; 32])).expect("appeal");
    assert_eq!(
        c.claim(claim.id).expect("c").status,
        ClaimStatus::UnderAppeal
    );
    // The billed amount is reserved while the appeal is open: the payer cannot withdraw it.
    assert_eq!(c.escrow(1), Some((10_000, 0, 9_000)));
    caller(a.bob);
    assert_eq!(c.withdraw(1, 1_001), Err(Error::InsufficientEscrow));
    caller(a.charlie);
    assert_eq!(
        c.appeal(claim.id, Hash::from([3; 32])),
        Err(Error::AlreadyAppealed)
    );
    caller(a.eve);
    c.decide_appeal(claim.id, true).expect("overturn");
    let paid = c.claim(claim.id).expect("c");
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(amounts(&paid), (9_000, 1_000, 8_000));
    assert_eq!(c.accumulator(1, a.django, 0).oop_spent, 1_000);
    assert_eq!(c.escrow(1), Some((2_000, 0, 0)));
}

#[ink::test]
fn appeal_upheld_and_paid_claims_cannot_be_appealed() {
    let a = accounts();
    let mut c = setup();
    // Denied for no payment consent at the service date: no appeal while it is absent
    // (the claim does not pass admission) ...
    payment_consent(a.django, a.bob, (T0, u64::MAX));
    let denied = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(denied.denial, Some(Carc::ConsentAbsent));
    assert_eq!(
        c.appeal(denied.id, Hash::from([4; 32])),
        Err(Error::NotAdmitted)
    );
    // ... but once the member's consent covers the service date (back-dated).
    payment_consent(a.django, a.bob, (T0 - 5 * DAY, u64::MAX));
    c.appeal(denied.id, Hash::from([4; 32])).expect("appeal");
    assert_eq!(c.escrow(1), Some((10_000, 0, 100)));
    caller(a.eve);
    c.decide_appeal(denied.id, false).expect("uphold");
    assert_eq!(c.claim(denied.id).expect("c").status, ClaimStatus::Denied);
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    caller(a.charlie);
    assert_eq!(
        c.appeal(denied.id, Hash::from([4; 32])),
        Err(Error::AlreadyAppealed)
    );
    payment_consent(a.django, a.bob, ALWAYS);
    let paid = submit(&mut c, vec![line(LAB, 90, 1)]);
    assert_eq!(
        c.appeal(paid.id, Hash::from([4; 32])),
        Err(Error::NotDenied)
    );
}

#[ink::test]
fn an_overturn_rechecks_what_the_appeal_skips() {
    let a = accounts();
    let mut c = setup();
    // Denied on review; then the payer ends the coverage before the service date.
    let big = submit(&mut c, vec![line(XRAY, 9_000, 30)]);
    caller(a.eve);
    c.review_claim(big.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    c.appeal(big.id, Hash::from([6; 32])).expect("appeal");
    caller(a.bob);
    c.enroll(
        1,
        a.django,
        Coverage {
            start: T0 - 10 * DAY,
            end: Some(T0 - 5 * DAY),
        },
    )
    .expect("disenrol");
    caller(a.eve);
    c.decide_appeal(big.id, true).expect("decide");
    let kept = c.claim(big.id).expect("c");
    assert_eq!(kept.status, ClaimStatus::Denied);
    assert_eq!(kept.denial, Some(Carc::CoverageEnded));
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)), "nothing paid");
    // The same for a provider's licence or consent no longer valid at the service date...
    caller(a.bob);
    c.enroll(
        1,
        a.django,
        Coverage {
            start: T0 - 10 * DAY,
            end: None,
        },
    )
    .expect("re-enrol");
    caller(a.charlie);
    let second = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 3 * DAY,
            ..request(vec![line(XRAY, 9_000, 30)])
        },
    );
    caller(a.eve);
    c.review_claim(second.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    c.appeal(second.id, Hash::from([7; 32])).expect("appeal");
    care(a.django, a.charlie, (T0 - 2 * DAY, u64::MAX));
    caller(a.eve);
    c.decide_appeal(second.id, true).expect("decide");
    assert_eq!(
        c.claim(second.id).expect("c").denial,
        Some(Carc::NoCareRelationship)
    );
    // ... but timely filing counts from the original submission, not the appeal.
    care(a.django, a.charlie, ALWAYS);
    caller(a.charlie);
    let third = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 4 * DAY,
            ..request(vec![line(XRAY, 9_000, 30)])
        },
    );
    caller(a.eve);
    c.review_claim(third.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    c.appeal(third.id, Hash::from([8; 32])).expect("appeal");
    now(T0 + 200 * DAY);
    caller(a.eve);
    c.decide_appeal(third.id, true).expect("overturn");
    assert_eq!(c.claim(third.id).expect("c").status, ClaimStatus::Paid);
}

#[ink::test]
fn overturning_a_claim_denied_at_submission() {
    let a = accounts();
    let mut c = setup();
    // django had not yet named charlie when the claim came in ...
    care(a.django, a.charlie, (T0, u64::MAX));
    let denied = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(denied.denial, Some(Carc::NoCareRelationship));
    assert_eq!(
        c.appeal(denied.id, Hash::from([9; 32])),
        Err(Error::NotAdmitted)
    );
    // ... then names him, back-dated to the first visit: now the appeal is admitted.
    care(a.django, a.charlie, (T0 - 5 * DAY, u64::MAX));
    c.appeal(denied.id, Hash::from([9; 32])).expect("appeal");
    caller(a.eve);
    let before = balance(a.charlie);
    c.decide_appeal(denied.id, true).expect("overturn");
    let paid = c.claim(denied.id).expect("c");
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(paid.denial, None);
    assert_eq!(amounts(&paid), (100, 100, 0));
    assert_eq!(balance(a.charlie), before);
    assert_eq!(c.accumulator(1, a.django, 0).deductible_met, 100);
}

#[ink::test]
fn an_appeal_cannot_pay_a_duplicate_twice() {
    let mut c = setup();
    let paid = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(paid.status, ClaimStatus::Paid);
    let duplicate = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(duplicate.denial, Some(Carc::Duplicate));
    c.appeal(duplicate.id, Hash::from([5; 32])).expect("appeal");
    caller(accounts().eve);
    c.decide_appeal(duplicate.id, true).expect("decide");
    let still = c.claim(duplicate.id).expect("c");
    assert_eq!(still.status, ClaimStatus::Denied);
    assert_eq!(still.denial, Some(Carc::Duplicate));
    assert_eq!(still.payer_amount, 0);
}

// ------------------------------------------------------------------- payment

#[ink::test]
fn a_failed_transfer_leaves_an_owed_claim_that_settle_pays_later() {
    let a = accounts();
    let mut c = setup();
    no_cost_sharing_left(&mut c);
    // The escrow says 10 000, but the transfer fails (here: the balance is short; on
    // chain, e.g., an amount below the existential deposit to an empty account).
    test::set_account_balance::<Env>(test::callee::<Env>(), 0);
    let claim = submit(&mut c, vec![line(XRAY, 300, 1)]);
    assert_eq!(claim.status, ClaimStatus::PaymentFailed);
    assert_eq!(claim.payer_amount, 300);
    // The adjudication stands: owed, accumulators and the service key kept.
    assert_eq!(c.escrow(1), Some((10_000, 300, 0)));
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(claim.id)
    );
    // Settling while the transfer still fails keeps it owed (at the back of the plan's
    // queue, here alone in it) and moves no money.
    c.settle(claim.id).expect("tried");
    assert_eq!(
        c.claim(claim.id).expect("c").status,
        ClaimStatus::PaymentFailed
    );
    assert_eq!(c.escrow(1), Some((10_000, 300, 0)));
    assert_eq!(c.next_owed(1), Some(claim.id));
    contract_balance(10_000);
    let before = balance(a.charlie);
    caller(a.frank);
    c.settle(claim.id).expect("settle");
    assert_eq!(balance(a.charlie), before + 300);
    assert_eq!(c.claim(claim.id).expect("c").status, ClaimStatus::Paid);
    assert_eq!(c.escrow(1), Some((9_700, 0, 0)));
}

#[ink::test]
fn unfunded_claims_settle_when_the_escrow_allows() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.withdraw(1, 10_000).expect("empty the escrow");
    caller(a.charlie);
    no_cost_sharing_left(&mut c);
    let claim = submit(&mut c, vec![line(XRAY, 300, 1)]);
    assert_eq!(claim.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.escrow(1), Some((0, 300, 0)));
    assert_eq!(c.settle(claim.id), Err(Error::InsufficientEscrow));
    assert_eq!(c.settle(99), Err(Error::UnknownClaim));
    fund(&mut c, 1_000);
    contract_balance(1_000);
    let before = balance(a.charlie);
    caller(a.frank); // anyone may settle
    c.settle(claim.id).expect("settle");
    assert_eq!(balance(a.charlie), before + 300);
    assert_eq!(c.escrow(1), Some((700, 0, 0)));
    assert_eq!(c.settle(claim.id), Err(Error::NotUnfunded));
}

#[ink::test]
fn escrow_owed_to_earlier_claims_is_not_used_for_later_ones() {
    let mut c = setup();
    caller(accounts().bob);
    c.withdraw(1, 9_000).expect("leave 1000");
    caller(accounts().charlie);
    no_cost_sharing_left(&mut c);
    let first = submit(&mut c, vec![line(XRAY, 2_000, 10)]);
    assert_eq!(first.status, ClaimStatus::ApprovedUnfunded);
    fund(&mut c, 1_500);
    contract_balance(2_500);
    let second = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(XRAY, 2_000, 10)])
        },
    );
    assert_eq!(second.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.escrow(1), Some((2_500, 4_000, 0)));
    assert_eq!(c.next_owed(1), Some(first.id));
    assert_eq!(c.settle(second.id), Err(Error::NotFirstOwed));
    c.settle(first.id)
        .expect("the first claim is settled first");
    assert_eq!(c.escrow(1), Some((500, 2_000, 0)));
    assert_eq!(c.next_owed(1), Some(second.id));
}

#[ink::test]
fn removed_adjusters_and_other_payers_are_refused() {
    let a = accounts();
    let mut c = setup();
    let claim = submit(&mut c, vec![line(XRAY, 9_000, 30)]);
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    caller(a.bob);
    c.remove_adjuster(1, a.eve).expect("remove");
    caller(a.eve);
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotAdjuster)
    );
    // A second payer cannot touch the first payer's plan.
    licence(a.frank, CredentialKind::PayerLicence, ALWAYS);
    caller(a.frank);
    assert_eq!(c.create_plan(terms()), Ok(2));
    assert_eq!(c.set_fees(1, vec![(OFFICE, Some(1))]), Err(Error::NotPayer));
    assert_eq!(c.add_adjuster(1, a.frank), Err(Error::NotPayer));
    assert_eq!(c.withdraw(1, 1), Err(Error::NotPayer));
    c.add_adjuster(2, a.frank).expect("own plan");
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotAdjuster),
        "an adjuster of another plan"
    );
}

// ------------------------------------------------------------------- privacy

#[ink::test]
fn no_diagnosis_in_clear_in_claims_events_or_queries() {
    let a = accounts();
    let mut c = setup();
    let claim = submit(&mut c, vec![line(OFFICE, 100, 1), line(XRAY, 300, 1)]);
    let contains = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for needle in [&b"J45"[..], b"J45909", b"J45.909"] {
        assert!(!contains(&claim.encode(), needle), "claim");
        for event in test::recorded_events() {
            assert!(!contains(&event.data, needle), "event");
        }
        for page in [
            c.claims_of_member(a.django, 0, 10),
            c.claims_of_provider(a.charlie, 0, 10),
        ] {
            assert!(!contains(&page.encode(), needle), "query");
        }
    }
    // Whoever holds the claim file (salt and codes) can prove the diagnosis billed.
    let commitment = claim.lines[0].line.diagnosis_commitment;
    assert_eq!(commitment, diagnosis_commitment(&SALT, &["j45909 "]));
    assert_ne!(commitment, diagnosis_commitment(&SALT, &["J45.901"]));
    assert_ne!(commitment, diagnosis_commitment(&[0; 32], &["J45.909"]));
    assert_ne!(
        diagnosis_commitment(&SALT, &["E11.9", "I10"]),
        diagnosis_commitment(&SALT, &["E11.9I10"])
    );
    // Two codes: the salt, then the codes joined by one comma (none before the first).
    let mut input = SALT.to_vec();
    input.extend_from_slice(b"E119,I10");
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&input, &mut hash);
    assert_eq!(
        diagnosis_commitment(&SALT, &["E11.9", "I10"]),
        Hash::from(hash)
    );
}

// ----------------------------------------------------------------- invariant

/// A random sequence of funding, withdrawals, claims (some above the review threshold),
/// reviews, appeals and settlements: after every step the escrow equals funded −
/// withdrawn − paid, `owed` and `reserved` equal the sums over the claims' statuses, the
/// contract's balance covers the escrow, and no service key is held twice.
#[ink::test]
fn escrow_invariant_over_random_operations() {
    let a = accounts();
    let mut c = setup();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut claims: Vec<ClaimId> = Vec::new();
    let mut contract = 10_000u128;
    for step in 0..400u64 {
        let pick = |claims: &Vec<ClaimId>, r: u64| claims[r as usize % claims.len()];
        match next(7) {
            0 => {
                let amount = u128::from(next(4_000));
                caller(a.bob);
                test::set_value_transferred::<Env>(amount);
                if c.fund(1).is_ok() {
                    contract += amount;
                    contract_balance(contract);
                }
                test::set_value_transferred::<Env>(0);
            }
            1 => {
                caller(a.bob);
                let amount = u128::from(next(3_000));
                if c.withdraw(1, amount).is_ok() {
                    contract -= amount;
                }
            }
            2 | 3 => {
                caller(a.charlie);
                let billed = u128::from(1 + next(7_000));
                let date = T0 - DAY - next(60) * DAY;
                let procedure = [OFFICE, XRAY, LAB][next(3) as usize];
                let id = c
                    .submit_claim(ClaimRequest {
                        service_date: date,
                        ..request(vec![line(procedure, billed, 1 + next(30) as u32)])
                    })
                    .expect("submit");
                let claim = c.claim(id).expect("claim");
                if claim.status == ClaimStatus::Paid {
                    contract -= claim.payer_amount;
                }
                claims.push(id);
            }
            4 if !claims.is_empty() => {
                caller(a.eve);
                let id = pick(&claims, next(1 << 20));
                let before = c.claim(id).expect("claim");
                if c.review_claim(id, next(2) == 0, Carc::NotMedicallyNecessary)
                    .is_ok()
                {
                    let after = c.claim(id).expect("claim");
                    if after.status == ClaimStatus::Paid {
                        contract -= before.payer_amount;
                    }
                }
            }
            5 if !claims.is_empty() => {
                let id = pick(&claims, next(1 << 20));
                caller(a.charlie);
                if c.appeal(id, Hash::from([1; 32])).is_err() {
                    caller(a.eve);
                    if c.decide_appeal(id, next(2) == 0).is_ok() {
                        let after = c.claim(id).expect("claim");
                        if after.status == ClaimStatus::Paid {
                            contract -= after.payer_amount;
                        }
                    }
                }
            }
            _ if !claims.is_empty() => {
                caller(a.frank);
                let id = pick(&claims, next(1 << 20));
                let amount = c.claim(id).expect("claim").payer_amount;
                if c.settle(id).is_ok() {
                    contract -= amount;
                }
            }
            _ => {}
        }
        let plan = c.plan(1).expect("plan");
        assert_eq!(
            plan.escrow,
            plan.funded - plan.withdrawn - plan.paid,
            "step {step}"
        );
        let all: Vec<Claim> = claims.iter().filter_map(|id| c.claim(*id)).collect();
        let sum = |status: ClaimStatus, f: fn(&Claim) -> u128| -> u128 {
            all.iter().filter(|cl| cl.status == status).map(f).sum()
        };
        assert_eq!(
            plan.owed,
            sum(ClaimStatus::ApprovedUnfunded, |cl| cl.payer_amount)
                + sum(ClaimStatus::PaymentFailed, |cl| cl.payer_amount),
            "step {step}"
        );
        assert_eq!(
            plan.reserved,
            sum(ClaimStatus::PendingReview, |cl| cl.payer_amount)
                + sum(ClaimStatus::UnderAppeal, |cl| cl.billed),
            "step {step}"
        );
        assert_eq!(balance(test::callee::<Env>()), ED + contract, "step {step}");
        assert!(contract >= plan.escrow, "step {step}");
        assert_eq!(c.total_escrow(), plan.escrow, "step {step}");
        // Every service is held by at most one claim whose status holds lines.
        let mut held = std::collections::HashSet::new();
        for claim in all.iter().filter(|cl| cl.status.holds_lines()) {
            for result in claim.lines.iter().filter(|r| r.allowed > 0) {
                let key = (claim.service_date / DAY, result.line.procedure);
                assert!(held.insert(key), "step {step}: {key:?} held twice");
            }
        }
    }
}

// ----------------------------------------------------------- remote monitoring

#[ink::test]
fn device_supply_lines_need_sixteen_monitored_days() {
    let mut c = setup();
    let a = accounts();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    caller(a.charlie);
    no_cost_sharing_left(&mut c);
    // 15 days in the 30: the 99454 line is denied CARC 272, the office visit is paid.
    monitored(a.django, a.charlie, 15);
    let claim = submit(&mut c, vec![line(OFFICE, 100, 1), line(RPM, 60, 1)]);
    assert_eq!(reasons(&claim)[1], Carc::MonitoringDaysNotMet);
    assert_eq!(Carc::MonitoringDaysNotMet.code(), "272");
    assert_eq!(claim.lines[1].allowed, 0);
    assert_eq!(claim.payer_amount, 100);
    // The denied line holds no service key: with 16 days a new claim for it is paid.
    monitored(a.django, a.charlie, 16);
    let claim = submit(&mut c, vec![line(RPM, 60, 1)]);
    assert_eq!(claim.status, ClaimStatus::Paid);
    assert_eq!(amounts(&claim), (60, 0, 60));
    // Other procedures never ask: a broken monitoring peer does not stop them.
    monitoring_fails(a.django, Some(PeerError::Trapped));
    now(T0 + DAY);
    let mut later = request(vec![line(OFFICE, 100, 1)]);
    later.service_date = T0;
    submit_request(&mut c, later.clone());
    // A 99454 line with a broken peer is refused with a typed error, nothing recorded.
    // (30 days after the paid one: not within its period.)
    let count = c.claims_of_member(a.django, 0, 50).len();
    now(T0 + 32 * DAY);
    later.service_date = T0 + 31 * DAY;
    later.lines = vec![line(RPM, 60, 1)];
    assert_eq!(
        c.submit_claim(later.clone()),
        Err(Error::MonitoringContractTrapped)
    );
    monitoring_fails(a.django, Some(PeerError::Unreachable));
    assert_eq!(
        c.submit_claim(later.clone()),
        Err(Error::MonitoringContractUnreachable)
    );
    assert_eq!(c.claims_of_member(a.django, 0, 50).len(), count);
    monitoring_fails(a.django, None);
}

// ------------------------------------------- who can bill 99454, and how often

#[ink::test]
fn one_device_supply_per_member_in_any_thirty_days_whoever_bills_it() {
    let mut c = setup();
    let a = accounts();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    licence(a.frank, CredentialKind::MedicalLicence, ALWAYS);
    care(a.django, a.frank, ALWAYS);
    monitored(a.django, a.charlie, 20);
    monitored(a.django, a.frank, 20);
    no_cost_sharing_left(&mut c);
    now(T0 + 75 * DAY);
    let on = |day: u64, provider: AccountId| ClaimRequest {
        provider,
        service_date: T0 + day * DAY,
        ..request(vec![line(RPM, 60, 1)])
    };
    caller(a.charlie);
    let first = submit_request(&mut c, on(10, a.charlie));
    assert_eq!(first.status, ClaimStatus::Paid);
    assert_eq!(c.supply_holder(a.django, T0 + 10 * DAY), Some(first.id));
    // Every other day of the same month: denied CARC 119, by the same provider ...
    for day in [11, 20, 39] {
        let again = submit_request(&mut c, on(day, a.charlie));
        assert_eq!(reasons(&again), vec![Carc::PeriodMaximum], "day {day}");
        assert_eq!(again.status, ClaimStatus::Denied);
    }
    assert_eq!(Carc::PeriodMaximum.code(), "119");
    // ... and by another provider, also for a day before the paid one.
    caller(a.frank);
    for day in [1, 25] {
        let other = submit_request(&mut c, on(day, a.frank));
        assert_eq!(reasons(&other), vec![Carc::PeriodMaximum], "day {day}");
    }
    // 30 days on, the next period is paid once.
    caller(a.charlie);
    let next = submit_request(&mut c, on(40, a.charlie));
    assert_eq!(next.status, ClaimStatus::Paid);
    assert_eq!(c.escrow(1).map(|e| e.0), Some(10_000 - 120));
    // A claim an adjuster denied keeps its period against its own provider: billed again
    // by it, the supply is refused (the recourse is the appeal; a void while pending
    // gives the period back, see void_tests).
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(6_000))]).expect("fees");
    caller(a.charlie);
    let big = submit_request(
        &mut c,
        ClaimRequest {
            lines: vec![line(RPM, 6_000, 1)],
            ..on(72, a.charlie)
        },
    );
    assert_eq!(big.status, ClaimStatus::PendingReview);
    assert_eq!(c.supply_holder(a.django, T0 + 75 * DAY), Some(big.id));
    caller(a.eve);
    c.review_claim(big.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    // No longer a hold on everyone (see void_tests for another provider) ...
    assert_eq!(c.supply_holder(a.django, T0 + 75 * DAY), None);
    // ... but on its own provider.
    caller(a.charlie);
    let rebilled = submit_request(&mut c, on(73, a.charlie));
    assert_eq!(reasons(&rebilled), vec![Carc::PeriodMaximum]);
}

#[ink::test]
fn only_the_monitoring_providers_own_device_days_count() {
    let mut c = setup();
    let a = accounts();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    // frank is licensed and named by the member, but paired no device: charlie's 20
    // days are not his to bill.
    licence(a.frank, CredentialKind::MedicalLicence, ALWAYS);
    care(a.django, a.frank, ALWAYS);
    monitored(a.django, a.charlie, 20);
    caller(a.frank);
    let claim = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            ..request(vec![line(RPM, 60, 1)])
        },
    );
    assert_eq!(reasons(&claim), vec![Carc::MonitoringDaysNotMet]);
    assert_eq!(c.supply_holder(a.django, T0 - DAY), None);
    // charlie, who monitors, is paid.
    caller(a.charlie);
    let paid = submit(&mut c, vec![line(RPM, 60, 1)]);
    assert_eq!(paid.lines[0].allowed, 60);
}

// ------------------------------------------------ strangers and the payer's escrow

#[ink::test]
fn a_stranger_cannot_freeze_the_escrow_by_appealing() {
    let mut c = setup();
    let a = accounts();
    // frank is a licensed physician django never named; the other holds no licence.
    licence(a.frank, CredentialKind::MedicalLicence, ALWAYS);
    for stranger in [a.frank, AccountId::from([0x77; 32])] {
        caller(stranger);
        let id = c
            .submit_claim(ClaimRequest {
                provider: stranger,
                ..request(vec![line(OFFICE, crate::MAX_LINE_BILLED, 1)])
            })
            .expect("recorded");
        let claim = c.claim(id).expect("c");
        assert_eq!(claim.status, ClaimStatus::Denied);
        assert_eq!(
            c.appeal(id, Hash::from([1; 32])),
            Err(Error::NotAdmitted),
            "{stranger:?}"
        );
    }
    // An amount past the bound is refused outright.
    caller(a.frank);
    assert_eq!(
        c.submit_claim(ClaimRequest {
            provider: a.frank,
            ..request(vec![line(OFFICE, crate::MAX_LINE_BILLED + 1, 1)])
        }),
        Err(Error::InvalidLine)
    );
    // Nothing is reserved: the payer withdraws all, and the next claim is paid.
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    caller(a.charlie);
    assert_eq!(
        submit(&mut c, vec![line(LAB, 50, 1)]).status,
        ClaimStatus::Paid
    );
    caller(a.bob);
    let free = c.plan(1).expect("plan").free();
    c.withdraw(1, free).expect("withdraw everything");
}

#[ink::test]
fn an_emergency_without_a_relationship_reserves_nothing() {
    let mut c = setup();
    let a = accounts();
    licence(a.frank, CredentialKind::MedicalLicence, ALWAYS);
    caller(a.frank);
    let id = c
        .submit_claim(ClaimRequest {
            provider: a.frank,
            emergency: true,
            ..request(vec![line(XRAY, 9_000, 30)])
        })
        .expect("submitted");
    let claim = c.claim(id).expect("c");
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(claim.reserved, 0);
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    // The adjuster denies it; no appeal (frank is not the member's provider).
    caller(a.eve);
    c.review_claim(id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.frank);
    assert_eq!(c.appeal(id, Hash::from([2; 32])), Err(Error::NotAdmitted));
    // Approved instead, it is paid from the free escrow (or owed).
    let second = c
        .submit_claim(ClaimRequest {
            provider: a.frank,
            emergency: true,
            service_date: T0 - 2 * DAY,
            ..request(vec![line(XRAY, 300, 1)])
        })
        .expect("submitted");
    caller(a.eve);
    c.review_claim(second, true, Carc::NotMedicallyNecessary)
        .expect("approve");
    assert_eq!(c.claim(second).expect("c").status, ClaimStatus::Paid);
}

#[ink::test]
fn an_appeal_reserves_the_allowed_amount_never_the_billed() {
    let mut c = setup();
    let a = accounts();
    no_cost_sharing_left(&mut c);
    // Billed 9 000 for one office visit whose fee is 100, denied in review.
    let claim = submit(&mut c, vec![line(XRAY, 9_000, 30), line(OFFICE, 9_000, 1)]);
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0, 9_100)));
    caller(a.eve);
    c.review_claim(claim.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    c.appeal(claim.id, Hash::from([3; 32])).expect("appeal");
    // 9 000 (x-ray: 300 × 30) + 100 (office: 100 × 1), not 18 000.
    assert_eq!(c.claim(claim.id).expect("c").reserved, 9_100);
    assert_eq!(c.escrow(1), Some((10_000, 0, 9_100)));
    // An uncovered line reserves nothing.
    let uncovered = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(*b"A0425", 500_000, 1)])
        },
    );
    assert_eq!(uncovered.denial, Some(Carc::NotCovered));
    c.appeal(uncovered.id, Hash::from([4; 32])).expect("appeal");
    assert_eq!(c.claim(uncovered.id).expect("c").reserved, 0);
    assert_eq!(c.escrow(1), Some((10_000, 0, 9_100)));
    caller(a.eve);
    c.decide_appeal(claim.id, false).expect("uphold");
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
}

#[ink::test]
fn units_above_the_plans_maximum_are_refused() {
    let mut c = setup();
    assert_eq!(
        c.submit_claim(request(vec![line(OFFICE, 100, 31)])),
        Err(Error::TooManyUnits)
    );
    assert!(c.claims_of_member(accounts().django, 0, 10).is_empty());
    caller(accounts().bob);
    assert_eq!(
        c.create_plan(PlanTerms {
            max_units: 0,
            ..terms()
        }),
        Err(Error::InvalidTerms)
    );
}

#[ink::test]
fn settle_pays_the_oldest_owed_claim_first_and_never_from_reservations() {
    let mut c = setup();
    let a = accounts();
    caller(a.bob);
    c.withdraw(1, 10_000).expect("empty the escrow");
    caller(a.charlie);
    no_cost_sharing_left(&mut c);
    let first = submit(&mut c, vec![line(XRAY, 300, 1)]);
    let second = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(XRAY, 300, 1)])
        },
    );
    assert_eq!(first.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(second.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.next_owed(1), Some(first.id));
    // A claim pending review holds 6 000: funding 6 200 leaves 200 to settle from.
    fund(&mut c, 6_200);
    contract_balance(6_200);
    let review = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 3 * DAY,
            ..request(vec![line(XRAY, 6_000, 20)])
        },
    );
    assert_eq!(review.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((6_200, 600, 6_000)));
    // The younger claim cannot jump the queue; the older one waits for the escrow.
    caller(a.frank);
    assert_eq!(c.settle(second.id), Err(Error::NotFirstOwed));
    assert_eq!(c.settle(first.id), Err(Error::InsufficientEscrow));
    fund(&mut c, 100);
    contract_balance(6_300);
    c.settle(first.id).expect("the oldest");
    assert_eq!(c.next_owed(1), Some(second.id));
    assert_eq!(c.escrow(1), Some((6_000, 300, 6_000)));
    // The reviewed claim's money is still there for its approval once the older owed
    // claim is paid (an approval is paid from what owed claims do not hold).
    fund(&mut c, 300);
    contract_balance(6_300);
    c.settle(second.id).expect("the next");
    assert_eq!(c.next_owed(1), None);
    caller(a.eve);
    c.review_claim(review.id, true, Carc::NotMedicallyNecessary)
        .expect("approve");
    assert_eq!(c.claim(review.id).expect("c").status, ClaimStatus::Paid);
}

// ------------------------------------------------------------- pause and upgrades

#[ink::test]
fn no_change_lands_while_paused_and_exits_stay_open() {
    let a = accounts();
    let mut c = setup();
    no_cost_sharing_left(&mut c);
    caller(a.bob);
    c.withdraw(1, 9_700).expect("leave 300");
    caller(a.charlie);
    let owed = submit(&mut c, vec![line(XRAY, 600, 2)]);
    assert_eq!(owed.status, ClaimStatus::ApprovedUnfunded);
    // A majority that pauses and then re-points the consent peer (or upgrades the code,
    // or takes the surplus) while the payers cannot react: refused.
    gov(&mut c, Gov::Pause).expect("pause");
    let change = Gov::Peer(PeerRole::Consent, a.eve);
    assert_eq!(gov(&mut c, change), Err(ApplyError::Paused));
    assert_eq!(
        gov(&mut c, Gov::RecoverSurplus(a.eve)),
        Err(ApplyError::Paused)
    );
    assert_eq!(c.peers().consent, a.frank);
    // Meanwhile exits stay open and still keep what is owed: the payer cannot withdraw
    // what the owed claim needs, and anyone may try to settle it.
    caller(a.bob);
    assert_eq!(c.withdraw(1, 300), Err(Error::InsufficientEscrow));
    caller(a.frank);
    assert_eq!(c.settle(owed.id), Err(Error::InsufficientEscrow));
    // Unpaused, the change applies.
    gov(&mut c, Gov::Unpause).expect("unpause");
    gov(&mut c, change).expect("apply");
    assert_eq!(c.peers().consent, a.eve);
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
}
