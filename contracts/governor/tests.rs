//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests of every rule of the governor: the council's rules, the
//! threshold, the delay (and the actions that skip it), the guardian's powers and limits,
//! replays, expiry, the pending bounds, membership and threshold changed while an
//! operation is pending, and every event's fields. The suite contracts are stand-ins
//! (`healthcare_traits::stand_in::apply`) that apply, refuse or fail like real ones; the
//! drink sandbox tests run the governor against the real contracts.

use crate::governor::*;
use crate::model::{
    APPROVAL_WINDOW, GRACE_PERIOD, MAX_CALLS, MAX_DELAY, MAX_MEMBERS, MAX_PENDING_PER_MEMBER,
};
use healthcare_traits::stand_in::{applied, target_answers};
use healthcare_traits::testing::{last_recorded, recorded};
use healthcare_traits::{Action, ApplyError, KindSet, PeerError, DAY};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};

const T0: u64 = 20_000 * DAY;
const DELAY: u64 = 2 * DAY;
/// Members.
const A: u8 = 1;
const B: u8 = 2;
const C: u8 = 3;
const GUARDIAN: u8 = 9;
const STRANGER: u8 = 7;
/// The governor's own address.
const SELF: u8 = 0xee;
/// Suite contracts.
const T1: u8 = 0x71;
const T2: u8 = 0x72;

fn acc(b: u8) -> AccountId {
    AccountId::from([b; 32])
}
fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}
fn as_(who: u8) {
    test::set_caller::<Env>(acc(who));
}
fn at(t: u64) {
    test::set_block_timestamp::<Env>(t);
}
/// A, B and C, two of whom must approve; a two-day delay; guardian G. The caller is A.
fn governor() -> Governor {
    test::set_callee::<Env>(acc(SELF));
    at(T0);
    as_(A);
    Governor::new(vec![acc(A), acc(B), acc(C)], 2, DELAY, acc(GUARDIAN)).expect("new")
}
fn upgrade(target: u8) -> Call {
    Call::Apply(acc(target), Action::Code(h(5)))
}
fn pause_of(target: u8) -> Call {
    Call::Apply(acc(target), Action::Pause)
}
fn council(change: CouncilChange) -> Call {
    Call::Council(change)
}
/// `who` proposes `calls` with salt `salt`.
fn propose(g: &mut Governor, who: u8, calls: Vec<Call>, salt: u8) -> Result<Hash> {
    as_(who);
    g.propose(calls, h(salt))
}
fn approve(g: &mut Governor, who: u8, id: Hash) -> Result<()> {
    as_(who);
    g.approve(id)
}
fn execute(g: &mut Governor, who: u8, id: Hash) -> Result<()> {
    as_(who);
    g.execute(id)
}
/// An operation of `calls` proposed by A and approved by B (queued at the current time).
fn approved(g: &mut Governor, calls: Vec<Call>, salt: u8) -> Hash {
    let id = propose(g, A, calls, salt).expect("propose");
    approve(g, B, id).expect("approve");
    id
}

#[ink::test]
fn a_council_has_distinct_members_a_threshold_within_them_a_bounded_delay_and_an_outside_guardian()
{
    test::set_callee::<Env>(acc(SELF));
    let members = |n: usize| (0..n).map(|i| acc(100 + i as u8)).collect::<Vec<_>>();
    let new = |m: Vec<AccountId>, t: u32, d: u64, g: u8| Governor::new(m, t, d, acc(g)).err();
    assert_eq!(
        new(vec![], 1, DELAY, GUARDIAN),
        Some(Error::InvalidMemberCount)
    );
    assert_eq!(
        new(members(MAX_MEMBERS + 1), 1, DELAY, GUARDIAN),
        Some(Error::InvalidMemberCount)
    );
    assert_eq!(new(members(MAX_MEMBERS), 1, DELAY, GUARDIAN), None);
    assert_eq!(
        new(vec![acc(A), acc(B), acc(A)], 1, DELAY, GUARDIAN),
        Some(Error::AlreadyMember)
    );
    assert_eq!(
        new(members(3), 0, DELAY, GUARDIAN),
        Some(Error::InvalidThreshold)
    );
    assert_eq!(
        new(members(3), 4, DELAY, GUARDIAN),
        Some(Error::InvalidThreshold)
    );
    assert_eq!(new(members(3), 3, DELAY, GUARDIAN), None);
    assert_eq!(
        new(members(3), 1, MAX_DELAY + 1, GUARDIAN),
        Some(Error::InvalidDelay)
    );
    assert_eq!(new(members(3), 1, MAX_DELAY, GUARDIAN), None);
    assert_eq!(
        new(members(3), 1, DELAY, 100),
        Some(Error::GuardianIsMember)
    );

    let g = governor();
    let created = last_recorded::<GovernorCreated>();
    let expected = Council {
        members: [A, B, C]
            .iter()
            .enumerate()
            .map(|(term, who)| Member {
                account: acc(*who),
                term: term as u32,
            })
            .collect(),
        threshold: 2,
        delay: DELAY,
        guardian: acc(GUARDIAN),
        next_term: 3,
    };
    assert_eq!(created.council, expected);
    assert_eq!(g.council(), expected);
    assert!(g.is_member(acc(B)));
    assert!(!g.is_member(acc(GUARDIAN)));
    assert_eq!(
        g.code_version(),
        healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"))
    );
    assert_eq!((g.pending_count(), g.pending(0, 10)), (0, vec![]));
}

#[ink::test]
fn only_members_propose_and_a_proposal_is_the_proposers_approval() {
    let mut g = governor();
    for who in [GUARDIAN, STRANGER] {
        assert_eq!(
            propose(&mut g, who, vec![upgrade(T1)], 1),
            Err(Error::NotMember)
        );
    }
    assert_eq!(g.pending_count(), 0);
    let id = propose(&mut g, B, vec![upgrade(T1), pause_of(T2)], 1).expect("propose");
    assert_eq!(id, g.operation_id(vec![upgrade(T1), pause_of(T2)], h(1)));
    assert_ne!(id, g.operation_id(vec![upgrade(T1), pause_of(T2)], h(2)));
    let proposed = last_recorded::<OperationProposed>();
    assert_eq!(
        (
            proposed.id,
            proposed.proposer,
            proposed.calls,
            proposed.salt
        ),
        (id, acc(B), vec![upgrade(T1), pause_of(T2)], h(1))
    );
    assert_eq!(proposed.expires_at, T0 + APPROVAL_WINDOW);
    let approved = last_recorded::<OperationApproved>();
    assert_eq!(
        (approved.id, approved.member, approved.approvals),
        (id, acc(B), 1)
    );
    assert!(
        recorded::<OperationQueued>().is_empty(),
        "one of two approvals"
    );
    assert_eq!(
        g.operation(id),
        Some(Operation {
            proposer: acc(B),
            calls: vec![upgrade(T1), pause_of(T2)],
            proposed_at: T0,
            approvals: vec![Member {
                account: acc(B),
                term: 1
            }],
            ready_at: None,
            state: State::Pending,
        })
    );
    assert_eq!((g.approvals(id), g.approvals(h(0))), (1, 0));
    assert_eq!(g.operation(h(0)), None);
    assert_eq!((g.pending(0, 10), g.pending_count()), (vec![id], 1));
    assert_eq!((g.pending_by(acc(B)), g.pending_by(acc(A))), (1, 0));
}

#[ink::test]
fn an_operation_holds_one_to_max_calls_none_to_the_governor_itself() {
    let mut g = governor();
    assert_eq!(propose(&mut g, A, vec![], 1), Err(Error::NoCalls));
    assert_eq!(
        propose(&mut g, A, vec![upgrade(T1); MAX_CALLS + 1], 1),
        Err(Error::TooManyCalls)
    );
    assert!(propose(&mut g, A, vec![upgrade(T1); MAX_CALLS], 1).is_ok());
    assert_eq!(
        propose(&mut g, A, vec![pause_of(T1), pause_of(SELF)], 2),
        Err(Error::TargetIsGovernor)
    );
    as_(GUARDIAN);
    assert_eq!(g.pause(acc(SELF)), Err(Error::TargetIsGovernor));
}

#[ink::test]
fn a_guardian_change_or_an_unpause_stands_alone() {
    let mut g = governor();
    let unpause = Call::Apply(acc(T1), Action::Unpause);
    let guardian = council(CouncilChange::Guardian(acc(STRANGER)));
    // Bundled with an upgrade, either would land the upgrade where it should not.
    for bundle in [
        vec![unpause, upgrade(T1)],
        vec![upgrade(T1), unpause],
        vec![guardian, upgrade(T1)],
        vec![unpause, unpause],
    ] {
        assert_eq!(propose(&mut g, A, bundle, 1), Err(Error::MustStandAlone));
    }
    assert!(propose(&mut g, A, vec![unpause], 1).is_ok());
    assert!(propose(&mut g, A, vec![guardian], 1).is_ok());
}

#[ink::test]
fn an_operation_runs_once_with_the_threshold_and_after_the_delay() {
    let mut g = governor();
    let id = propose(&mut g, A, vec![upgrade(T1), upgrade(T2)], 1).expect("propose");
    assert_eq!(execute(&mut g, A, id), Err(Error::NotEnoughApprovals));
    assert_eq!(approve(&mut g, A, id), Err(Error::AlreadyApproved));
    at(T0 + 10);
    approve(&mut g, B, id).expect("approve");
    let queued = last_recorded::<OperationQueued>();
    assert_eq!(
        (queued.id, queued.ready_at, queued.expires_at),
        (id, T0 + 10 + DELAY, T0 + 10 + DELAY + GRACE_PERIOD)
    );
    assert_eq!(last_recorded::<OperationApproved>().approvals, 2);
    assert_eq!(
        approve(&mut g, C, id),
        Ok(()),
        "a third approval is welcome"
    );
    assert_eq!(recorded::<OperationQueued>().len(), 1, "queued once");
    at(T0 + 10 + DELAY - 1);
    assert_eq!(execute(&mut g, C, id), Err(Error::NotReady));
    at(T0 + 10 + DELAY);
    for who in [GUARDIAN, STRANGER] {
        assert_eq!(execute(&mut g, who, id), Err(Error::NotMember));
    }
    assert!(applied(acc(T1)).is_empty());
    execute(&mut g, C, id).expect("execute");
    assert_eq!(applied(acc(T1)), vec![Action::Code(h(5))]);
    assert_eq!(applied(acc(T2)), vec![Action::Code(h(5))]);
    let executed = last_recorded::<OperationExecuted>();
    assert_eq!((executed.id, executed.by), (id, acc(C)));
    assert_eq!(g.operation(id).map(|o| o.state), Some(State::Executed));
    assert_eq!((g.pending_count(), g.pending_by(acc(A))), (0, 0));
    // Never again: not executed twice, not proposed again with the same salt.
    assert_eq!(execute(&mut g, A, id), Err(Error::AlreadyExecuted));
    assert_eq!(approve(&mut g, A, id), Err(Error::AlreadyExecuted));
    assert_eq!(
        propose(&mut g, B, vec![upgrade(T1), upgrade(T2)], 1),
        Err(Error::AlreadyProposed)
    );
    assert_eq!(applied(acc(T1)).len(), 1);
    assert!(propose(&mut g, B, vec![upgrade(T1), upgrade(T2)], 2).is_ok());
    assert_eq!(approve(&mut g, A, h(0)), Err(Error::UnknownOperation));
    assert_eq!(execute(&mut g, A, h(0)), Err(Error::UnknownOperation));
}

#[ink::test]
fn narrowing_and_stopping_skip_the_delay_and_anything_else_beside_them_waits() {
    let mut g = governor();
    let at_once = vec![
        pause_of(T1),
        Call::Apply(acc(T1), Action::RemoveIssuer(acc(STRANGER))),
        Call::Apply(acc(T1), Action::NarrowIssuer(acc(STRANGER), KindSet::EMPTY)),
        Call::Apply(acc(T1), Action::SuspendCredential(4, 1)),
        Call::Apply(acc(T1), Action::RevokeCredential(4, 1)),
        Call::Apply(acc(T2), Action::RemoveRegulator(acc(STRANGER))),
    ];
    let now = approved(&mut g, at_once.clone(), 1);
    assert_eq!(last_recorded::<OperationQueued>().ready_at, T0);
    execute(&mut g, C, now).expect("at once");
    assert_eq!(applied(acc(T1)).len(), 5);
    let unpause = approved(&mut g, vec![Call::Apply(acc(T1), Action::Unpause)], 2);
    execute(&mut g, C, unpause).expect("at once");

    let mut mixed = at_once;
    mixed.push(Call::Apply(acc(T2), Action::Regulator(acc(STRANGER))));
    let later = approved(&mut g, mixed, 3);
    assert_eq!(execute(&mut g, C, later), Err(Error::NotReady));
    let own = approved(&mut g, vec![council(CouncilChange::Threshold(1))], 4);
    assert_eq!(
        execute(&mut g, C, own),
        Err(Error::NotReady),
        "the council's own change waits"
    );
    at(T0 + DELAY);
    execute(&mut g, C, later).expect("after the delay");
    execute(&mut g, C, own).expect("after the delay");
}

#[ink::test]
fn a_refusing_trapping_or_missing_target_leaves_the_operation_pending_with_the_reason() {
    let mut g = governor();
    let id = approved(&mut g, vec![upgrade(T1), upgrade(T2)], 1);
    at(T0 + DELAY);
    let cases = [
        (
            Ok(ApplyError::Paused),
            Error::TargetRefused(1, ApplyError::Paused),
        ),
        (
            Ok(ApplyError::CodeNotFound),
            Error::TargetRefused(1, ApplyError::CodeNotFound),
        ),
        (Err(PeerError::Trapped), Error::TargetTrapped(1)),
        (Err(PeerError::Unreachable), Error::TargetUnreachable(1)),
    ];
    for (answer, error) in cases {
        target_answers(acc(T2), Some(answer));
        assert_eq!(execute(&mut g, A, id), Err(error));
        assert_eq!(g.operation(id).map(|o| o.state), Some(State::Pending));
        assert_eq!(g.pending(0, 10), vec![id]);
    }
    assert!(recorded::<OperationExecuted>().is_empty());
    // (On chain the failed execution's first call is reverted with it; the stand-in
    // keeps what it was asked.)
    target_answers(acc(T2), None);
    execute(&mut g, A, id).expect("the target applies it now");
    assert_eq!(applied(acc(T2)), vec![Action::Code(h(5))]);
}

#[ink::test]
fn the_guardian_cancels_and_pauses_but_never_proposes_approves_or_executes() {
    let mut g = governor();
    let id = approved(&mut g, vec![upgrade(T1)], 1);
    as_(GUARDIAN);
    assert_eq!(g.propose(vec![upgrade(T1)], h(2)), Err(Error::NotMember));
    assert_eq!(g.approve(id), Err(Error::NotMember));
    assert_eq!(g.revoke_approval(id), Err(Error::NotMember));
    at(T0 + DELAY);
    assert_eq!(g.execute(id), Err(Error::NotMember));
    g.cancel(id).expect("cancel");
    let cancelled = last_recorded::<OperationCancelled>();
    assert_eq!((cancelled.id, cancelled.by), (id, acc(GUARDIAN)));
    assert_eq!(g.operation(id).map(|o| o.state), Some(State::Cancelled));
    assert_eq!((g.pending_count(), g.pending_by(acc(A))), (0, 0));
    assert_eq!(execute(&mut g, A, id), Err(Error::Cancelled));
    as_(GUARDIAN);
    assert_eq!(g.cancel(id), Err(Error::Cancelled));
    assert_eq!(
        propose(&mut g, A, vec![upgrade(T1)], 1),
        Err(Error::AlreadyProposed),
        "a cancelled operation is not proposed again with its salt"
    );

    // Pausing: the guardian only, at once, through the target's own rule.
    for who in [A, STRANGER] {
        as_(who);
        assert_eq!(g.pause(acc(T1)), Err(Error::NotGuardian));
    }
    as_(GUARDIAN);
    g.pause(acc(T1)).expect("pause");
    assert_eq!(applied(acc(T1)), vec![Action::Pause]);
    let paused = last_recorded::<TargetPaused>();
    assert_eq!((paused.target, paused.by), (acc(T1), acc(GUARDIAN)));
    target_answers(acc(T2), Some(Ok(ApplyError::Paused)));
    assert_eq!(
        g.pause(acc(T2)),
        Err(Error::TargetRefused(0, ApplyError::Paused))
    );
    target_answers(acc(T2), Some(Err(PeerError::Unreachable)));
    assert_eq!(g.pause(acc(T2)), Err(Error::TargetUnreachable(0)));
    assert_eq!(recorded::<TargetPaused>().len(), 1);
}

#[ink::test]
fn the_guardian_cannot_cancel_its_own_replacement_and_a_proposer_withdraws_only_its_own() {
    let mut g = governor();
    let replace = approved(
        &mut g,
        vec![council(CouncilChange::Guardian(acc(STRANGER)))],
        1,
    );
    as_(GUARDIAN);
    assert_eq!(g.cancel(replace), Err(Error::GuardianCannotCancel));
    as_(B);
    assert_eq!(g.cancel(replace), Err(Error::NotProposerOrGuardian));
    as_(STRANGER);
    assert_eq!(g.cancel(replace), Err(Error::NotProposerOrGuardian));
    as_(A);
    g.cancel(replace).expect("the proposer withdraws it");
    assert_eq!(last_recorded::<OperationCancelled>().by, acc(A));
    as_(A);
    assert_eq!(g.cancel(h(0)), Err(Error::UnknownOperation));

    // A proposer removed from the council can no longer withdraw.
    let other = propose(&mut g, C, vec![upgrade(T1)], 2).expect("propose");
    let removal = approved(
        &mut g,
        vec![council(CouncilChange::RemoveMember(acc(C)))],
        3,
    );
    at(T0 + DELAY);
    execute(&mut g, A, removal).expect("remove C");
    as_(C);
    assert_eq!(g.cancel(other), Err(Error::NotProposerOrGuardian));
    at(T0 + DELAY + 1);
    execute(&mut g, A, replace).expect_err("cancelled");
    let again = approved(
        &mut g,
        vec![council(CouncilChange::Guardian(acc(STRANGER)))],
        4,
    );
    at(T0 + 2 * DELAY + 1);
    execute(&mut g, B, again).expect("replace the guardian");
    assert_eq!(g.council().guardian, acc(STRANGER));
    as_(GUARDIAN);
    assert_eq!(
        g.pause(acc(T1)),
        Err(Error::NotGuardian),
        "the old guardian is gone"
    );
}

#[ink::test]
fn a_removed_members_approval_stops_counting_and_a_raised_threshold_applies_to_pending_operations()
{
    let mut g = governor();
    let upgrade_id = approved(&mut g, vec![upgrade(T1)], 1);
    let remove_b = approved(
        &mut g,
        vec![council(CouncilChange::RemoveMember(acc(B)))],
        2,
    );
    at(T0 + DELAY);
    execute(&mut g, A, remove_b).expect("remove B");
    let changed = last_recorded::<CouncilChanged>();
    assert_eq!(
        (changed.id, changed.council.accounts()),
        (remove_b, vec![acc(A), acc(C)])
    );
    assert_eq!(g.approvals(upgrade_id), 1, "B's approval no longer counts");
    assert_eq!(
        execute(&mut g, A, upgrade_id),
        Err(Error::NotEnoughApprovals)
    );
    assert_eq!(approve(&mut g, B, upgrade_id), Err(Error::NotMember));
    approve(&mut g, C, upgrade_id).expect("C approves");
    execute(&mut g, A, upgrade_id).expect("two current members approve");

    // Raising the threshold to 2 of 2 holds an operation approved by one back.
    let one = propose(&mut g, A, vec![upgrade(T2)], 3).expect("propose");
    let lower = approved_by(&mut g, vec![council(CouncilChange::Threshold(1))], 4, C);
    at(T0 + 2 * DELAY);
    execute(&mut g, C, lower).expect("threshold 1");
    assert_eq!(g.council().threshold, 1);
    // One approval now reaches the threshold, but nobody queued it: the proposer's
    // second approval queues it.
    assert_eq!(execute(&mut g, A, one), Err(Error::NotReady));
    approve(&mut g, A, one).expect("queues it");
    assert_eq!(last_recorded::<OperationQueued>().ready_at, T0 + 3 * DELAY);
    let raise = propose(&mut g, C, vec![council(CouncilChange::Threshold(2))], 5).expect("raise");
    at(T0 + 3 * DELAY);
    execute(&mut g, C, raise).expect("threshold 2");
    assert_eq!(execute(&mut g, A, one), Err(Error::NotEnoughApprovals));
    approve(&mut g, C, one).expect("C approves");
    execute(&mut g, A, one).expect("two of two");
}

#[ink::test]
fn a_member_removed_and_admitted_again_does_not_get_its_old_approvals_back() {
    let mut g = governor();
    let id = approved(&mut g, vec![upgrade(T1)], 1);
    let rotate = approved(
        &mut g,
        vec![
            council(CouncilChange::RemoveMember(acc(B))),
            council(CouncilChange::AddMember(acc(B))),
        ],
        2,
    );
    at(T0 + DELAY);
    execute(&mut g, A, rotate).expect("B out and in again");
    let members = g.council().members;
    assert_eq!(
        members.last(),
        Some(&Member {
            account: acc(B),
            term: 3
        })
    );
    assert_eq!(g.approvals(id), 1, "B's approval was of its earlier term");
    assert_eq!(execute(&mut g, A, id), Err(Error::NotEnoughApprovals));
    as_(B);
    assert_eq!(g.revoke_approval(id), Err(Error::NoApproval));
    approve(&mut g, B, id).expect("B approves in its new term");
    assert_eq!(g.operation(id).map(|o| o.approvals.len()), Some(2));
    execute(&mut g, A, id).expect("two approvals of current terms");
}

#[ink::test]
fn council_changes_are_checked_when_proposed_and_when_they_run() {
    let mut g = governor();
    let refused = [
        (CouncilChange::AddMember(acc(B)), Error::AlreadyMember),
        (
            CouncilChange::AddMember(acc(GUARDIAN)),
            Error::GuardianIsMember,
        ),
        (
            CouncilChange::RemoveMember(acc(STRANGER)),
            Error::UnknownMember,
        ),
        (CouncilChange::Threshold(0), Error::InvalidThreshold),
        (CouncilChange::Threshold(4), Error::InvalidThreshold),
        (CouncilChange::Delay(MAX_DELAY + 1), Error::InvalidDelay),
        (CouncilChange::Guardian(acc(C)), Error::GuardianIsMember),
    ];
    for (change, error) in refused {
        assert_eq!(propose(&mut g, A, vec![council(change)], 1), Err(error));
    }
    // Each alone is fine; together they leave fewer members than the threshold.
    let remove_b = approved(
        &mut g,
        vec![council(CouncilChange::RemoveMember(acc(B)))],
        2,
    );
    let remove_c = approved(
        &mut g,
        vec![council(CouncilChange::RemoveMember(acc(C)))],
        3,
    );
    at(T0 + DELAY);
    execute(&mut g, A, remove_b).expect("remove B");
    assert_eq!(execute(&mut g, A, remove_c), Err(Error::NotEnoughApprovals));
    approve(&mut g, C, remove_c).expect("C approves its own removal");
    assert_eq!(execute(&mut g, A, remove_c), Err(Error::InvalidThreshold));
    // Growing to the bound and no further.
    let adds: Vec<Call> = (0..MAX_CALLS as u8)
        .map(|i| council(CouncilChange::AddMember(acc(100 + i))))
        .collect();
    let grow = approved_by(&mut g, adds, 4, C);
    at(T0 + 2 * DELAY);
    execute(&mut g, A, grow).expect("ten members");
    assert_eq!(g.council().members.len(), 2 + MAX_CALLS);
    let more: Vec<Call> = (0..(MAX_MEMBERS - 2 - MAX_CALLS + 1) as u8)
        .map(|i| council(CouncilChange::AddMember(acc(200 + i))))
        .collect();
    assert_eq!(propose(&mut g, A, more, 5), Err(Error::InvalidMemberCount));
}

/// An operation of `calls` proposed by A and approved by `by`.
fn approved_by(g: &mut Governor, calls: Vec<Call>, salt: u8, by: u8) -> Hash {
    let id = propose(g, A, calls, salt).expect("propose");
    approve(g, by, id).expect("approve");
    id
}

#[ink::test]
fn a_new_delay_applies_to_operations_queued_after_it() {
    let mut g = governor();
    let before = approved(&mut g, vec![upgrade(T1)], 1);
    let shorter = approved(&mut g, vec![council(CouncilChange::Delay(DAY))], 2);
    let unqueued = propose(&mut g, A, vec![upgrade(T2)], 3).expect("propose");
    at(T0 + DELAY);
    execute(&mut g, A, shorter).expect("one day");
    assert_eq!(g.council().delay, DAY);
    approve(&mut g, B, unqueued).expect("queued now");
    assert_eq!(
        last_recorded::<OperationQueued>().ready_at,
        T0 + DELAY + DAY
    );
    assert_eq!(
        g.operation(before).and_then(|o| o.ready_at),
        Some(T0 + DELAY)
    );
    execute(&mut g, A, before).expect("ready since its own delay");
    assert_eq!(execute(&mut g, A, unqueued), Err(Error::NotReady));
    at(T0 + DELAY + DAY);
    execute(&mut g, A, unqueued).expect("after the new delay");
}

#[ink::test]
fn revoking_an_approval_below_the_threshold_unqueues_and_a_new_approval_restarts_the_delay() {
    let mut g = governor();
    let id = approved(&mut g, vec![upgrade(T1)], 1);
    as_(C);
    assert_eq!(g.revoke_approval(id), Err(Error::NoApproval));
    as_(STRANGER);
    assert_eq!(g.revoke_approval(id), Err(Error::NotMember));
    at(T0 + DAY);
    as_(B);
    g.revoke_approval(id).expect("revoke");
    let revoked = last_recorded::<ApprovalRevoked>();
    assert_eq!(
        (
            revoked.id,
            revoked.member,
            revoked.approvals,
            revoked.still_queued
        ),
        (id, acc(B), 1, false)
    );
    assert_eq!(g.operation(id).and_then(|o| o.ready_at), None);
    at(T0 + DELAY);
    assert_eq!(execute(&mut g, A, id), Err(Error::NotEnoughApprovals));
    approve(&mut g, C, id).expect("C approves");
    assert_eq!(
        execute(&mut g, A, id),
        Err(Error::NotReady),
        "the delay restarted"
    );
    // Above the threshold, a revocation keeps it queued.
    approve(&mut g, B, id).expect("B again");
    as_(B);
    g.revoke_approval(id).expect("revoke");
    assert!(last_recorded::<ApprovalRevoked>().still_queued);
    at(T0 + 2 * DELAY);
    execute(&mut g, A, id).expect("run");
    as_(A);
    assert_eq!(g.revoke_approval(id), Err(Error::AlreadyExecuted));
}

#[ink::test]
fn operations_expire_and_anyone_clears_them_which_frees_the_proposers_room() {
    let mut g = governor();
    let lonely = propose(&mut g, A, vec![upgrade(T1)], 1).expect("propose");
    let ready = approved(&mut g, vec![upgrade(T2)], 2);
    assert_eq!(g.expires_at(lonely), Some(T0 + APPROVAL_WINDOW));
    assert_eq!(g.expires_at(ready), Some(T0 + DELAY + GRACE_PERIOD));
    assert_eq!(g.expires_at(h(0)), None);
    as_(STRANGER);
    assert_eq!(g.expire(lonely), Err(Error::NotExpired));
    at(T0 + APPROVAL_WINDOW - 1);
    approve(&mut g, C, lonely).expect("in time");
    let queued_at = T0 + APPROVAL_WINDOW - 1;
    assert_eq!(g.expires_at(lonely), Some(queued_at + DELAY + GRACE_PERIOD));
    at(T0 + DELAY + GRACE_PERIOD);
    assert_eq!(execute(&mut g, A, ready), Err(Error::Expired));
    assert_eq!(approve(&mut g, C, ready), Err(Error::Expired));
    as_(STRANGER);
    g.expire(ready).expect("anyone clears it");
    assert_eq!(last_recorded::<OperationExpired>().id, ready);
    assert_eq!(g.operation(ready).map(|o| o.state), Some(State::Expired));
    assert_eq!(g.expire(ready), Err(Error::Expired));
    as_(GUARDIAN);
    assert_eq!(g.cancel(ready), Err(Error::Expired));
    assert_eq!(g.pending(0, 10), vec![lonely]);
    assert_eq!(g.pending_by(acc(A)), 1);
    assert!(queued_at + DELAY <= T0 + DELAY + GRACE_PERIOD);
    execute(&mut g, A, lonely).expect("ready on its own clock");
    as_(STRANGER);
    assert_eq!(g.expire(lonely), Err(Error::AlreadyExecuted));
    assert_eq!(g.expire(h(0)), Err(Error::UnknownOperation));

    // Never approved within the window.
    let stale = propose(&mut g, B, vec![upgrade(T1)], 3).expect("propose");
    at(T0 + DELAY + GRACE_PERIOD + APPROVAL_WINDOW);
    assert_eq!(approve(&mut g, A, stale), Err(Error::Expired));
    as_(B);
    g.cancel(stale)
        .expect("its proposer may also clear it by withdrawing it");
}

#[ink::test]
fn one_member_cannot_fill_the_pending_list_for_everyone() {
    let mut g = governor();
    for salt in 0..MAX_PENDING_PER_MEMBER as u8 {
        propose(&mut g, A, vec![upgrade(T1)], salt).expect("propose");
    }
    assert_eq!(
        propose(&mut g, A, vec![upgrade(T1)], 99),
        Err(Error::TooManyPending)
    );
    let b = propose(&mut g, B, vec![upgrade(T1)], 99).expect("B still proposes");
    let first = g.pending(0, 1)[0];
    as_(A);
    g.cancel(first).expect("withdraw");
    propose(&mut g, A, vec![upgrade(T1)], 99).expect_err("same content and salt as B's");
    propose(&mut g, A, vec![upgrade(T1)], 100).expect("room again");
    assert_eq!(g.pending_count(), MAX_PENDING_PER_MEMBER + 1);
    assert_eq!(g.pending(MAX_PENDING_PER_MEMBER - 1, 10).len(), 2);
    assert!(g.pending(0, 10).contains(&b));
}
