//! Compiled only under `#[cfg(test)]`: how the contract lays out what claims read and
//! write together (a day's procedures in one item, a member's coverage, accumulators and
//! list end in one item), with the same stand-in peers as `tests`: items that fill up
//! spill to the maps and no one is locked out, what the code before the items wrote still
//! counts after an upgrade, and no party can push another's data out of the items.

use crate::claims_adjudication::*;
use crate::model::{day_of, MEMBER_PLANS, MEMBER_PLANS_PER_PAYER};
use crate::tests::{
    accounts, amounts, caller, care, licence, line, payment_consent, reasons, request, setup,
    submit, submit_request, terms, ALWAYS, LAB, OFFICE, T0, XRAY,
};
use healthcare_traits::{CredentialKind, DAY};
use ink::primitives::AccountId;

/// Procedure code number `n` (5 digits), for days with many procedures.
fn code(n: u32) -> ProcedureCode {
    let mut code = *b"10000";
    for (at, digit) in [(3, n / 10), (4, n % 10)] {
        code[at] = b'0' + u8::try_from(digit % 10).expect("digit");
    }
    code
}

/// A day holds 16 procedures in its item and the rest under their own keys: a provider
/// cannot bill the 17th to 20th procedure of a full day a second time, and a void
/// releases every one of them.
#[ink::test]
fn a_day_past_its_items_capacity_still_refuses_duplicates() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    let fees: Vec<_> = (0..20).map(|n| (code(n), Some(400))).collect();
    c.set_fees(1, fees).expect("fees");
    caller(a.charlie);
    let all: Vec<_> = (0..20).map(|n| line(code(n), 400, 1)).collect();
    // 20 lines allowed 400 each: above the review threshold, so it waits for review.
    let first = submit(&mut c, all.clone());
    assert_eq!(first.status, ClaimStatus::PendingReview);
    assert!(first.lines.iter().all(|l| l.allowed == 400));
    for n in 0..20 {
        assert_eq!(
            c.service_holder(1, a.django, a.charlie, T0 - DAY, code(n)),
            Some(first.id),
            "procedure {n}"
        );
    }
    // Lines past the item's 16 and one inside it, billed again: all duplicates.
    let again = submit(
        &mut c,
        vec![
            line(code(16), 400, 1),
            line(code(19), 400, 1),
            line(code(0), 400, 1),
        ],
    );
    assert_eq!(again.status, ClaimStatus::Denied);
    assert_eq!(reasons(&again), vec![Carc::Duplicate; 3]);
    // Voided while pending review: every procedure is free again, in the item and past
    // it.
    c.void_claim(first.id).expect("void");
    for n in 0..20 {
        assert_eq!(
            c.service_holder(1, a.django, a.charlie, T0 - DAY, code(n)),
            None,
            "procedure {n}"
        );
    }
    caller(a.charlie);
    let rebilled = submit(&mut c, all);
    assert!(rebilled.lines.iter().all(|l| l.allowed == 400));
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, code(19)),
        Some(rebilled.id)
    );
}

/// A contract upgraded from the code that held every line under its own key: the lines
/// that code held still count (a provider cannot bill them again) and a void still
/// releases them; the first adjudication under the new code sets the day its items start.
#[ink::test]
fn lines_held_before_the_day_items_still_count_after_an_upgrade() {
    let a = accounts();
    let mut c = setup();
    let key = |day: u64, procedure| (1, a.django, a.charlie, day, procedure);
    let two_days_ago = day_of(T0 - 2 * DAY);
    // What the code before the items left: no start day, and an office visit of two days
    // ago (claim 7) held under its own key.
    ink::env::clear_contract_storage(&ink::storage::traits::StorageKey::key(&c.day_lines_from));
    c.line_keys.insert(key(two_days_ago, OFFICE), &7);
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - 2 * DAY, OFFICE),
        Some(7)
    );
    let again = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(OFFICE, 100, 1), line(LAB, 50, 1)])
        },
    );
    assert_eq!(reasons(&again)[0], Carc::Duplicate);
    assert_eq!(again.lines[1].allowed, 50);
    assert_eq!(c.day_lines_from.get(), Some(day_of(T0) + 1));
    // The new line is held in the day's item, not under its own key.
    assert_eq!(c.line_keys.get(key(two_days_ago, LAB)), None);
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - 2 * DAY, LAB),
        Some(again.id)
    );
    // A claim waiting for review whose line the old code held under its own key.
    let big = submit(&mut c, vec![line(XRAY, 9_000, 30)]);
    assert_eq!(big.status, ClaimStatus::PendingReview);
    let yesterday = day_of(T0 - DAY);
    c.day_lines.remove((1, a.django, a.charlie, yesterday));
    c.line_keys.insert(key(yesterday, XRAY), &big.id);
    caller(a.charlie);
    c.void_claim(big.id).expect("void");
    assert_eq!(c.line_keys.get(key(yesterday, XRAY)), None);
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        None
    );
}

/// A member of more plans than its item holds keeps the others' coverage in the map:
/// a claim in such a plan is adjudicated against that coverage and moves that plan's
/// accumulators, and a plan the member is not in still denies (no one is locked out, no
/// one is covered by a plan it was never enrolled in).
#[ink::test]
fn a_member_of_more_plans_than_its_item_holds_is_covered_in_each() {
    let a = accounts();
    let mut c = setup();
    // Enrolled in one plan of a contract created with this code: nothing elsewhere.
    assert!(!c.member_states.get(a.django).expect("item").spilled);
    caller(a.bob);
    let mut last = 1;
    for _ in 0..MEMBER_PLANS {
        last = c.create_plan(terms()).expect("plan");
        c.set_fees(last, vec![(OFFICE, Some(100))]).expect("fees");
        c.enroll(
            last,
            a.django,
            Coverage {
                start: T0 - 10 * DAY,
                end: None,
            },
        )
        .expect("enrol");
    }
    let unenrolled = c.create_plan(terms()).expect("plan");
    c.set_fees(unenrolled, vec![(OFFICE, Some(100))])
        .expect("fees");
    // django's item holds bob's share of it, plans 1 and 2; the others, `last` (the
    // fifth) among them, are in the map.
    let state = c.member_states.get(a.django).expect("item");
    assert_eq!(held_plans(&c, a.django), vec![1, 2]);
    assert_eq!(state.plans.len(), MEMBER_PLANS_PER_PAYER);
    assert!(state.spilled);
    assert_eq!(
        c.coverage(last, a.django),
        Some(Coverage {
            start: T0 - 10 * DAY,
            end: None
        })
    );
    assert_eq!(c.coverage(unenrolled, a.django), None);
    caller(a.charlie);
    let in_last = submit_request(
        &mut c,
        ClaimRequest {
            plan: last,
            ..request(vec![line(OFFICE, 100, 1)])
        },
    );
    assert_eq!(in_last.denial, None);
    assert_eq!(in_last.allowed, 100);
    assert_eq!(
        in_last.deductible_applied, 100,
        "the fifth plan's own deductible"
    );
    assert_eq!(c.accumulator(last, a.django, 0).deductible_met, 100);
    assert_eq!(c.accumulator(1, a.django, 0), Accumulator::default());
    let nowhere = submit_request(
        &mut c,
        ClaimRequest {
            plan: unenrolled,
            ..request(vec![line(OFFICE, 100, 1)])
        },
    );
    assert_eq!(nowhere.denial, Some(Carc::NotInsured));
    let listed: Vec<ClaimId> = c
        .claims_of_member(a.django, 0, 10)
        .iter()
        .map(|claim| claim.id)
        .collect();
    assert_eq!(listed, vec![in_last.id, nowhere.id]);
}

/// A contract upgraded from the code before member items: a member that code wrote (its
/// coverage, accumulators and claim list in their own maps) is covered, priced from its
/// accumulators so far and listed after its earlier claims; its first claim under the new
/// code moves it into an item. In one batch with two other such members, each claim is
/// priced from its own member's accumulators and each member's are written.
#[ink::test]
fn members_written_before_member_items_keep_their_state_after_an_upgrade() {
    let a = accounts();
    let mut c = setup();
    let old = AccountId::from([0x77; 32]);
    payment_consent(old, a.bob, ALWAYS);
    care(old, a.charlie, ALWAYS);
    // What the code before member items left (and no start day: an upgraded contract).
    ink::env::clear_contract_storage(&ink::storage::traits::StorageKey::key(&c.day_lines_from));
    c.members.insert(
        (1, old),
        &Coverage {
            start: T0 - 10 * DAY,
            end: None,
        },
    );
    let spent = Accumulator {
        deductible_met: 500,
        oop_spent: 600,
    };
    c.accumulators.insert((1, old, 0), &spent);
    c.member_tails.insert(old, &(1u32, vec![77u64]));
    assert!(c.coverage(1, old).is_some());
    assert_eq!(c.accumulator(1, old, 0), spent);
    // Two more members of the old code, nothing spent yet, in the same batch: each claim
    // is priced from its own member's accumulators, and each member's are written.
    let others = [AccountId::from([0x78; 32]), AccountId::from([0x79; 32])];
    for member in others {
        payment_consent(member, a.bob, ALWAYS);
        care(member, a.charlie, ALWAYS);
        c.members.insert(
            (1, member),
            &Coverage {
                start: T0 - 10 * DAY,
                end: None,
            },
        );
    }
    let office = |member| ClaimSubmission {
        request: ClaimRequest {
            member,
            ..request(vec![line(OFFICE, 100, 1)])
        },
        reference: None,
    };
    let ids = c
        .submit_claims(vec![office(old), office(others[0]), office(others[1])])
        .expect("batch");
    let claim = c.claim(ids[0].expect("recorded")).expect("stored");
    for (at, member) in others.into_iter().enumerate() {
        let theirs = c.claim(ids[at + 1].expect("recorded")).expect("stored");
        assert_eq!(
            theirs.deductible_applied, 100,
            "its own deductible, not met"
        );
        assert_eq!(c.accumulator(1, member, 0).deductible_met, 100);
    }
    // Deductible already met: copay 20, then 20 % of 80.
    assert_eq!(claim.deductible_applied, 0);
    assert_eq!(amounts(&claim), (100, 36, 64));
    assert_eq!(
        c.accumulator(1, old, 0),
        Accumulator {
            deductible_met: 500,
            oop_spent: 636
        }
    );
    let state = c.member_states.get(old).expect("moved into an item");
    assert_eq!((state.listed, state.tail.clone()), (2, vec![77, claim.id]));
    assert!(state.spilled, "its coverage is still in the map");
}

/// mallory, a second licensed payer, and its plans 2 to 5 (fees: office 100).
fn mallorys_plans(c: &mut ClaimsAdjudication) -> (AccountId, Vec<PlanId>) {
    let mallory = AccountId::from([0x55; 32]);
    licence(mallory, CredentialKind::PayerLicence, ALWAYS);
    caller(mallory);
    let plans = (0..MEMBER_PLANS)
        .map(|_| {
            let plan = c.create_plan(terms()).expect("plan");
            c.set_fees(plan, vec![(OFFICE, Some(100))]).expect("fees");
            plan
        })
        .collect();
    (mallory, plans)
}

fn open_coverage() -> Coverage {
    Coverage {
        start: T0 - 10 * DAY,
        end: None,
    }
}

fn held_plans(c: &ClaimsAdjudication, member: AccountId) -> Vec<PlanId> {
    let state = c.member_states.get(member).expect("item");
    state.plans.iter().map(|p| p.plan).collect()
}

/// A payer that enrols a member in as many plans as the member's item holds takes only
/// its share of it: the member's other payer still finds a place for a new plan (its
/// claims read one item, not the maps), and every plan still covers the member.
#[ink::test]
fn a_payer_cannot_push_another_payers_plans_out_of_a_members_item() {
    let a = accounts();
    let mut c = setup();
    let (_, theirs) = mallorys_plans(&mut c);
    for plan in &theirs {
        c.enroll(*plan, a.django, open_coverage()).expect("enrol");
    }
    caller(a.bob);
    let second = c.create_plan(terms()).expect("plan");
    c.enroll(second, a.django, open_coverage()).expect("enrol");
    let (first_two, rest) = theirs.split_at(MEMBER_PLANS_PER_PAYER);
    let mut expected = vec![1];
    expected.extend_from_slice(first_two);
    expected.push(second);
    assert_eq!(held_plans(&c, a.django), expected);
    for plan in rest {
        assert_eq!(c.coverage(*plan, a.django), Some(open_coverage()));
    }
}

/// A plan whose coverage has ended gives its place in the member's item up to a new
/// plan; its coverage and accumulators move to the maps, so a late claim for a service
/// while it covered the member is still priced from what was spent.
#[ink::test]
fn an_ended_plan_gives_its_place_up_and_keeps_its_accumulators() {
    let a = accounts();
    let mut c = setup();
    let (_, theirs) = mallorys_plans(&mut c);
    for plan in theirs.iter().take(2) {
        c.enroll(*plan, a.django, open_coverage()).expect("enrol");
    }
    caller(a.bob);
    let second = c.create_plan(terms()).expect("plan");
    c.enroll(second, a.django, open_coverage()).expect("enrol");
    caller(a.charlie);
    let office = submit(&mut c, vec![line(OFFICE, 100, 1)]);
    assert_eq!(office.deductible_applied, 100);
    // bob ends plan 1 today and enrols django in a new plan: it takes plan 1's place.
    caller(a.bob);
    let ended = Coverage {
        start: T0 - 10 * DAY,
        end: Some(T0),
    };
    c.enroll(1, a.django, ended).expect("end");
    let third = c.create_plan(terms()).expect("plan");
    c.enroll(third, a.django, open_coverage()).expect("enrol");
    let held = held_plans(&c, a.django);
    assert!(held.contains(&third) && !held.contains(&1), "{held:?}");
    assert_eq!(c.coverage(1, a.django), Some(ended));
    assert_eq!(c.accumulator(1, a.django, 0).deductible_met, 100);
    caller(a.charlie);
    let late = submit(&mut c, vec![line(LAB, 50, 1)]);
    assert_eq!(late.denial, None);
    assert_eq!(late.deductible_applied, 50);
    assert_eq!(c.accumulator(1, a.django, 0).deductible_met, 150);
}

/// A claim voided while pending review gives its procedures back, and the day's item it
/// emptied is removed rather than left behind.
#[ink::test]
fn a_day_item_emptied_by_a_void_is_removed() {
    let a = accounts();
    let mut c = setup();
    let big = submit(&mut c, vec![line(XRAY, 9_000, 30)]);
    assert_eq!(big.status, ClaimStatus::PendingReview);
    let day = (1, a.django, a.charlie, day_of(T0 - DAY));
    assert!(c.day_lines.get(day).is_some());
    c.void_claim(big.id).expect("void");
    assert_eq!(c.day_lines.get(day), None);
}

/// A plan whose coverage was kept in the map (its payer's share of the item taken) and
/// that later takes a place in the item leaves no copy behind in the map.
#[ink::test]
fn a_plan_moved_into_the_item_leaves_no_copy_in_the_map() {
    let a = accounts();
    let mut c = setup();
    let (_, theirs) = mallorys_plans(&mut c);
    for plan in theirs.iter().take(2) {
        c.enroll(*plan, a.django, open_coverage()).expect("enrol");
    }
    caller(a.bob);
    let second = c.create_plan(terms()).expect("plan");
    c.enroll(second, a.django, open_coverage()).expect("enrol");
    let third = c.create_plan(terms()).expect("plan");
    c.enroll(third, a.django, open_coverage()).expect("enrol");
    assert!(!held_plans(&c, a.django).contains(&third));
    assert_eq!(c.members.get((third, a.django)), Some(open_coverage()));
    // Plan 1 ends; enrolled again, the third plan takes its place.
    let ended = Coverage {
        start: T0 - 10 * DAY,
        end: Some(T0),
    };
    c.enroll(1, a.django, ended).expect("end");
    c.enroll(third, a.django, open_coverage()).expect("again");
    assert!(held_plans(&c, a.django).contains(&third));
    assert_eq!(c.members.get((third, a.django)), None);
    assert_eq!(c.coverage(third, a.django), Some(open_coverage()));
    assert_eq!(c.members.get((1, a.django)), Some(ended));
}

/// A payer with no place in a full member item takes the place of another payer's plan
/// whose coverage has ended.
#[ink::test]
fn a_new_payer_takes_the_place_of_another_payers_ended_plan() {
    let a = accounts();
    let mut c = setup();
    let (mallory, theirs) = mallorys_plans(&mut c);
    for plan in theirs.iter().take(2) {
        c.enroll(*plan, a.django, open_coverage()).expect("enrol");
    }
    caller(a.bob);
    let second = c.create_plan(terms()).expect("plan");
    c.enroll(second, a.django, open_coverage()).expect("enrol");
    // mallory's first plan ends; a third payer enrols django in its plan.
    caller(mallory);
    let ended = Coverage {
        start: T0 - 10 * DAY,
        end: Some(T0),
    };
    c.enroll(theirs[0], a.django, ended).expect("end");
    let oscar = AccountId::from([0x66; 32]);
    licence(oscar, CredentialKind::PayerLicence, ALWAYS);
    caller(oscar);
    let own = c.create_plan(terms()).expect("plan");
    c.enroll(own, a.django, open_coverage()).expect("enrol");
    let held = held_plans(&c, a.django);
    assert!(
        held.contains(&own) && !held.contains(&theirs[0]),
        "{held:?}"
    );
    assert_eq!(c.coverage(theirs[0], a.django), Some(ended));
}
