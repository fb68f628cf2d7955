//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message and error variant, unauthorised callers, a table
//! of pricing cases and the escrow invariant.
//!
//! The off-chain engine cannot make cross-contract calls: the peers' answers are set
//! with [`licence`] and [`consent`] (validity windows per account); the real calls run in
//! the drink sandbox tests of `e2e-tests`.

use crate::claims_adjudication::*;
use crate::{MAX_FEES_PER_CALL, MAX_LINES, PLAN_YEAR};
use healthcare_traits::{KindSet, PeerError, DAY};
use ink::env::test::{self, DefaultAccounts};
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use std::cell::RefCell;
use std::collections::HashMap;

type Window = core::result::Result<(u64, u64), PeerError>;

thread_local! {
    static LICENCES: RefCell<HashMap<AccountId, Window>> = RefCell::new(HashMap::new());
    static CONSENTS: RefCell<HashMap<(AccountId, AccountId), Window>> = RefCell::new(HashMap::new());
}

/// staff_credentials (mocked) says `account` holds a valid credential of the asked kinds
/// in `[from, until)` (or fails).
fn licence(account: AccountId, window: Window) {
    LICENCES.with(|l| l.borrow_mut().insert(account, window));
}

/// consent_registry (mocked) says `member` consents to `payer` in `[from, until)`.
fn consent(member: AccountId, payer: AccountId, window: Window) {
    CONSENTS.with(|c| c.borrow_mut().insert((member, payer), window));
}

fn answer(window: Option<Window>, at: u64) -> core::result::Result<bool, PeerError> {
    match window {
        None => Ok(false),
        Some(Err(e)) => Err(e),
        Some(Ok((from, until))) => Ok(from <= at && at < until),
    }
}

pub(crate) fn credential_answer(
    account: AccountId,
    _kinds: KindSet,
    at: u64,
) -> core::result::Result<bool, PeerError> {
    answer(LICENCES.with(|l| l.borrow().get(&account).copied()), at)
}

pub(crate) fn consent_answer(
    member: AccountId,
    payer: AccountId,
    at: u64,
) -> core::result::Result<bool, PeerError> {
    answer(
        CONSENTS.with(|c| c.borrow().get(&(member, payer)).copied()),
        at,
    )
}

const T0: u64 = 2_000 * DAY;
const ALWAYS: Window = Ok((0, u64::MAX));
const OFFICE: ProcedureCode = *b"99213";
const XRAY: ProcedureCode = *b"71046";
const DX: DiagnosisCode = *b"J45.909";

fn accounts() -> DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}
fn caller(account: AccountId) {
    test::set_caller::<Env>(account);
}
fn now(t: u64) {
    test::set_block_timestamp::<Env>(t);
}
/// The off-chain engine's existential deposit: a balance is 0 or at least this.
const ED: u128 = 1_000_000;

/// Sets the contract's balance to the existential deposit plus `amount`.
fn contract_balance(amount: u128) {
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + amount);
}
fn balance(account: AccountId) -> u128 {
    test::get_account_balance::<Env>(account).unwrap_or(0)
}

fn terms() -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 5_000,
        year_start: T0 - 10 * DAY,
    }
}

fn line(procedure: ProcedureCode, billed: u128, units: u32) -> ClaimLine {
    ClaimLine {
        procedure,
        diagnosis: DX,
        billed,
        units,
    }
}

/// alice owns the contract; bob is a licensed payer with plan 1 (fees: office 100,
/// x-ray 300), charlie a licensed provider, django an enrolled member who consents to
/// bob, eve the adjuster. The escrow holds 10 000 (also the contract's balance). The
/// caller is charlie.
fn setup() -> ClaimsAdjudication {
    let a = accounts();
    licence(a.bob, ALWAYS);
    licence(a.charlie, ALWAYS);
    consent(a.django, a.bob, ALWAYS);
    caller(a.alice);
    now(T0);
    let mut c = ClaimsAdjudication::new(a.frank, a.frank);
    caller(a.bob);
    assert_eq!(c.create_plan(terms()), Ok(1));
    c.set_fees(1, vec![(OFFICE, Some(100)), (XRAY, Some(300))])
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

fn submit(c: &mut ClaimsAdjudication, lines: Vec<ClaimLine>) -> Claim {
    let a = accounts();
    let id = c
        .submit_claim(1, a.django, a.charlie, T0 - DAY, lines)
        .expect("submitted");
    c.claim(id).expect("stored")
}

fn amounts(claim: &Claim) -> (u128, u128, u128) {
    (claim.allowed, claim.member_amount, claim.payer_amount)
}

// ------------------------------------------------------------------------ admin

#[ink::test]
fn admin_messages_are_owner_only() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.owner(), a.alice);
    assert_eq!(c.pending_owner(), None);
    assert!(!c.paused());
    assert_eq!(c.transfer_ownership(a.bob), Err(Error::NotOwner));
    assert_eq!(c.accept_ownership(), Err(Error::NotPendingOwner));
    assert_eq!(c.pause(), Err(Error::NotOwner));
    assert_eq!(c.unpause(), Err(Error::NotOwner));
    assert_eq!(c.set_code(Hash::from([1; 32])), Err(Error::NotOwner));
    let peers = Peers {
        credentials: a.eve,
        consent: a.django,
    };
    assert_eq!(c.set_peers(peers), Err(Error::NotOwner));
    caller(a.alice);
    c.set_peers(peers).expect("set peers");
    assert_eq!(c.peers(), peers);
    assert_eq!(c.unpause(), Err(Error::NotPaused));
    c.pause().expect("pause");
    assert_eq!(c.pause(), Err(Error::Paused));
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
    assert_eq!(c.withdraw(1, 1), Err(Error::Paused));
    assert_eq!(
        c.submit_claim(1, a.django, a.charlie, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::Paused)
    );
    assert_eq!(
        c.review_claim(1, true, Carc::NotMedicallyNecessary),
        Err(Error::Paused)
    );
    assert_eq!(c.appeal(1, Hash::from([1; 32])), Err(Error::Paused));
    assert_eq!(c.decide_appeal(1, true), Err(Error::Paused));
    assert_eq!(c.settle(1), Err(Error::Paused));
    caller(a.alice);
    c.unpause().expect("unpause");
    c.transfer_ownership(a.frank).expect("propose");
    caller(a.frank);
    c.accept_ownership().expect("accept");
    assert_eq!(c.owner(), a.frank);
}

// ------------------------------------------------------------------------ plans

#[ink::test]
fn plan_management() {
    let a = accounts();
    let mut c = setup();
    let plan = c.plan(1).expect("plan");
    assert_eq!(plan.payer, a.bob);
    assert_eq!(plan.terms, terms());
    assert_eq!(c.escrow(1), Some((10_000, 0)));
    assert_eq!(c.fee(1, OFFICE), Some(100));
    assert_eq!(c.plan(9), None);
    assert_eq!(c.plan_year(1, T0), Some(0));
    assert_eq!(c.plan_year(1, T0 - 10 * DAY + PLAN_YEAR), Some(1));
    assert!(c.is_adjuster(1, a.eve));

    // charlie is a provider, not a payer.
    licence(a.charlie, Ok((0, 0)));
    assert_eq!(c.create_plan(terms()), Err(Error::PayerNotLicensed));
    licence(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        c.create_plan(terms()),
        Err(Error::CredentialContractUnreachable)
    );
    licence(a.charlie, Err(PeerError::Trapped));
    assert_eq!(
        c.create_plan(terms()),
        Err(Error::CredentialContractTrapped)
    );
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
fn escrow_withdrawal_leaves_what_is_owed() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    let before = balance(a.bob);
    assert_eq!(c.withdraw(1, 10_001), Err(Error::InsufficientEscrow));
    assert_eq!(c.withdraw(1, 9_000), Ok(1_000));
    assert_eq!(balance(a.bob), before + 9_000);
    // A claim larger than the escrow becomes owed; the owed part cannot be withdrawn.
    caller(a.charlie);
    let claim = submit(
        &mut c,
        vec![line(XRAY, 3_000, 10)], // allowed 3000: member 500 + 20 + 496, capped at 1000
    );
    assert_eq!(claim.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.escrow(1), Some((1_000, 2_000)));
    caller(a.bob);
    assert_eq!(c.withdraw(1, 1), Err(Error::InsufficientEscrow));
    // A failing native transfer is a typed error.
    test::set_value_transferred::<Env>(5_000);
    c.fund(1).expect("fund");
    test::set_value_transferred::<Env>(0);
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
                vec![
                    line(OFFICE, 250, 2),
                    line(XRAY, 300, 1),
                    line(OFFICE, 100, 1),
                ],
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
}

// ----------------------------------------------------------------- submissions

#[ink::test]
fn paid_claim_moves_escrow_to_the_provider() {
    let a = accounts();
    let mut c = setup();
    let before = balance(a.charlie);
    let mut c2 = c.claims_of_provider(a.charlie, 0, 10);
    assert!(c2.is_empty());
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
    assert_eq!(c.escrow(1), Some((10_000 - 224, 0)));
    let plan = c.plan(1).expect("plan");
    assert_eq!(plan.escrow, plan.funded - plan.withdrawn - plan.paid);
    c2 = c.claims_of_provider(a.charlie, 0, 10);
    assert_eq!(c2, vec![claim.clone()]);
    assert_eq!(c.claims_of_member(a.django, 0, 10), vec![claim]);
    assert_eq!(c.claims_of_member(a.django, 1, 10), vec![]);
}

#[ink::test]
fn payer_submits_on_behalf_of_the_provider() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    let id = c
        .submit_claim(1, a.django, a.charlie, T0 - DAY, vec![line(OFFICE, 100, 1)])
        .expect("payer submits");
    let claim = c.claim(id).expect("claim");
    assert_eq!(claim.submitter, a.bob);
    assert_eq!(claim.provider, a.charlie);
    // Anyone else may not.
    caller(a.frank);
    assert_eq!(
        c.submit_claim(1, a.django, a.charlie, T0 - DAY, vec![line(OFFICE, 100, 1)]),
        Err(Error::NotSubmitter)
    );
}

#[ink::test]
fn submission_refusals() {
    let a = accounts();
    let mut c = setup();
    let submit = |c: &mut ClaimsAdjudication, plan, date, lines| {
        c.submit_claim(plan, a.django, a.charlie, date, lines)
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
    licence(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::CredentialContractUnreachable)
    );
    licence(a.charlie, Err(PeerError::Trapped));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::CredentialContractTrapped)
    );
    licence(a.charlie, ALWAYS);
    consent(a.django, a.bob, Err(PeerError::Unreachable));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::ConsentContractUnreachable)
    );
    consent(a.django, a.bob, Err(PeerError::Trapped));
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::ConsentContractTrapped)
    );
    consent(a.django, a.bob, ALWAYS);
    c.set_counters(1, u64::MAX);
    assert_eq!(
        submit(&mut c, 1, T0, vec![line(OFFICE, 1, 1)]),
        Err(Error::Overflow)
    );
    assert_eq!(c.claims_of_member(a.django, 0, 10), vec![]);
}

#[ink::test]
fn denials_are_recorded_with_reason_codes() {
    let a = accounts();
    let mut c = setup();
    let denial =
        |c: &mut ClaimsAdjudication, member: AccountId, date: u64, lines: Vec<ClaimLine>| {
            let id = c
                .submit_claim(1, member, a.charlie, date, lines)
                .expect("a denial is no error");
            let claim = c.claim(id).expect("claim");
            assert_eq!(claim.status, ClaimStatus::Denied);
            assert_eq!(claim.payer_amount, 0);
            claim.denial
        };
    // Duplicate: same member, provider, date and lines.
    submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(
        denial(&mut c, a.django, T0 - DAY, vec![line(OFFICE, 100, 1)]),
        Some(Carc::Duplicate)
    );
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
    consent(a.frank, a.bob, ALWAYS);
    caller(a.charlie);
    assert_eq!(
        denial(&mut c, a.frank, T0 - 6 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::BeforeCoverage)
    );
    assert_eq!(
        denial(&mut c, a.frank, T0 - 2 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::CoverageEnded)
    );
    // Timely filing: 90 days.
    now(T0 + 100 * DAY);
    assert_eq!(
        denial(&mut c, a.django, T0 - DAY, vec![line(OFFICE, 7, 1)]),
        Some(Carc::TimelyFiling)
    );
    now(T0);
    // The provider was not licensed at the service date (licensed from T0 - 3 days).
    licence(a.charlie, Ok((T0 - 3 * DAY, u64::MAX)));
    assert_eq!(
        denial(&mut c, a.django, T0 - 4 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::ProviderNotEligible)
    );
    // No payment consent at the service date.
    consent(a.django, a.bob, Ok((T0 - 2 * DAY, u64::MAX)));
    assert_eq!(
        denial(&mut c, a.django, T0 - 3 * DAY, vec![line(OFFICE, 1, 1)]),
        Some(Carc::ConsentAbsent)
    );
    // No line covered.
    consent(a.django, a.bob, ALWAYS);
    assert_eq!(
        denial(&mut c, a.django, T0, vec![line(*b"00000", 5, 1)]),
        Some(Carc::NotCovered)
    );
    // A claim denied as a whole leaves the accumulators untouched and can be resubmitted.
    assert_eq!(c.accumulator(1, a.django, 0).oop_spent, 100);
}

// -------------------------------------------------------------- review / appeal

#[ink::test]
fn large_claims_go_to_review() {
    let a = accounts();
    let mut c = setup();
    c.set_accumulator(
        1,
        a.django,
        0,
        Accumulator {
            deductible_met: 500,
            oop_spent: 1_000,
        },
    );
    let claim = submit(&mut c, vec![line(XRAY, 6_000, 20)]); // payer share 6000 > 5000
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0)), "nothing paid or owed yet");
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
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotPendingReview)
    );
}

#[ink::test]
fn review_denial_gives_back_accumulators_then_appeal_overturns() {
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
}

#[ink::test]
fn appeal_upheld_and_paid_claims_cannot_be_appealed() {
    let a = accounts();
    let mut c = setup();
    licence(a.charlie, Ok((T0, u64::MAX)));
    let denied = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(denied.denial, Some(Carc::ProviderNotEligible));
    c.appeal(denied.id, Hash::from([4; 32])).expect("appeal");
    caller(a.eve);
    c.decide_appeal(denied.id, false).expect("uphold");
    assert_eq!(c.claim(denied.id).expect("c").status, ClaimStatus::Denied);
    caller(a.charlie);
    assert_eq!(
        c.appeal(denied.id, Hash::from([4; 32])),
        Err(Error::AlreadyAppealed)
    );
    licence(a.charlie, ALWAYS);
    let paid = submit(&mut c, vec![line(OFFICE, 90, 1)]);
    assert_eq!(
        c.appeal(paid.id, Hash::from([4; 32])),
        Err(Error::NotDenied)
    );
}

#[ink::test]
fn unfunded_claims_settle_when_the_escrow_allows() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.withdraw(1, 10_000).expect("empty the escrow");
    caller(a.charlie);
    c.set_accumulator(
        1,
        a.django,
        0,
        Accumulator {
            deductible_met: 500,
            oop_spent: 1_000,
        },
    );
    let claim = submit(&mut c, vec![line(XRAY, 300, 1)]);
    assert_eq!(claim.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.escrow(1), Some((0, 300)));
    assert_eq!(c.settle(claim.id), Err(Error::InsufficientEscrow));
    assert_eq!(c.settle(99), Err(Error::UnknownClaim));
    caller(a.bob);
    test::set_value_transferred::<Env>(1_000);
    c.fund(1).expect("fund");
    test::set_value_transferred::<Env>(0);
    contract_balance(1_000);
    let before = balance(a.charlie);
    caller(a.frank); // anyone may settle
    c.settle(claim.id).expect("settle");
    assert_eq!(balance(a.charlie), before + 300);
    assert_eq!(c.escrow(1), Some((700, 0)));
    assert_eq!(c.settle(claim.id), Err(Error::NotUnfunded));
}

#[ink::test]
fn escrow_owed_to_earlier_claims_is_not_used_for_later_ones() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.withdraw(1, 9_000).expect("leave 1000");
    caller(a.charlie);
    c.set_accumulator(
        1,
        a.django,
        0,
        Accumulator {
            deductible_met: 500,
            oop_spent: 1_000,
        },
    );
    let first = submit(&mut c, vec![line(XRAY, 2_000, 10)]);
    assert_eq!(first.status, ClaimStatus::ApprovedUnfunded);
    caller(a.bob);
    test::set_value_transferred::<Env>(1_500);
    c.fund(1).expect("fund");
    test::set_value_transferred::<Env>(0);
    contract_balance(2_500);
    caller(a.charlie);
    let second = c
        .submit_claim(
            1,
            a.django,
            a.charlie,
            T0 - 2 * DAY,
            vec![line(XRAY, 2_000, 10)],
        )
        .expect("second");
    assert_eq!(
        c.claim(second).expect("c").status,
        ClaimStatus::ApprovedUnfunded
    );
    assert_eq!(c.escrow(1), Some((2_500, 4_000)));
    c.settle(first.id)
        .expect("the first claim is settled first");
    assert_eq!(c.escrow(1), Some((500, 2_000)));
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
    assert_eq!(
        c.decide_appeal(duplicate.id, true),
        Err(Error::DuplicateClaim)
    );
    c.decide_appeal(duplicate.id, false).expect("uphold");
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
    licence(a.frank, ALWAYS);
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

// ----------------------------------------------------------------- invariant

/// A random sequence of funding, withdrawals, claims and settlements: after every step
/// the escrow equals funded − withdrawn − paid, owed never exceeds what the approved-
/// unfunded claims add up to, and the contract's balance covers the escrow.
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
    for step in 0..300u64 {
        match next(4) {
            0 => {
                caller(a.bob);
                let amount = u128::from(next(2_000));
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
            2 => {
                caller(a.charlie);
                let billed = u128::from(1 + next(900));
                let date = T0 - DAY - step;
                let id = c
                    .submit_claim(
                        1,
                        a.django,
                        a.charlie,
                        date,
                        vec![line(XRAY, billed, 1 + next(3) as u32)],
                    )
                    .expect("submit");
                let claim = c.claim(id).expect("claim");
                if claim.status == ClaimStatus::Paid {
                    contract -= claim.payer_amount;
                }
                claims.push(id);
            }
            _ if !claims.is_empty() => {
                caller(a.frank);
                let id = claims[next(claims.len() as u64) as usize];
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
        let owed: u128 = claims
            .iter()
            .filter_map(|id| c.claim(*id))
            .filter(|claim| claim.status == ClaimStatus::ApprovedUnfunded)
            .map(|claim| claim.payer_amount)
            .sum();
        assert_eq!(plan.owed, owed, "step {step}");
        assert_eq!(balance(test::callee::<Env>()), ED + contract, "step {step}");
        assert!(contract >= plan.escrow, "step {step}");
    }
}
