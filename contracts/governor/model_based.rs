//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of every message of the governor by random
//! callers (the three first members, accounts that members may admit, the guardian, a
//! stranger), with operations of random calls (to two suite contracts, to the governor's
//! own address, and changes of the council), suite contracts that refuse, trap or
//! vanish and recover, and time that moves forward, run against the contract (off-chain
//! engine, suite contracts answered by `healthcare_traits::stand_in`) and against
//! [`Model`], a reference written as plainly as possible: the council as a list and a
//! few numbers, each operation with a set of approvers and the time it was queued.
//!
//! After every call the contract's answer (value or typed error) must equal the model's;
//! then the council, the pending list, every member's pending count and every
//! operation's state, approvals and ready time must equal the model's, and an execution
//! or a pause that succeeded must have reached its targets with exactly its actions, in
//! order.
//!
//! `PROPTEST_CASES` sets the number of sequences (default [`CASES`]); each has [`OPS`]
//! operations; `MODEL_SEED` picks other sequences (`scripts/fuzz.sh`). A run fails, too,
//! when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::governor::*;
use crate::model::{MAX_CALLS, MAX_DELAY, MAX_MEMBERS};
use healthcare_traits::stand_in;
use healthcare_traits::testing::drive;
use healthcare_traits::testing::prop::{config, finish, off_chain};
use healthcare_traits::{Action, ApplyError, PeerError, DAY, HOUR};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Sequences per run (each of [`OPS`] operations): 20 × 400 = 8 000 operations.
const CASES: u32 = 20;
/// Operations per sequence.
const OPS: usize = 400;
const CONTRACT: &str = "governor";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    "propose:Ok",
    "approve:Ok",
    "approve:queued",
    "revoke:Ok",
    "execute:Ok",
    "execute:council",
    "cancel:Ok",
    "expire:Ok",
    "pause:Ok",
    "AlreadyApproved",
    "AlreadyExecuted",
    "AlreadyMember",
    "AlreadyProposed",
    "Cancelled",
    "Expired",
    "GuardianCannotCancel",
    "GuardianIsMember",
    "InvalidDelay",
    "InvalidThreshold",
    "MustStandAlone",
    "NoApproval",
    "NoCalls",
    "NotEnoughApprovals",
    "NotExpired",
    "NotGuardian",
    "NotMember",
    "NotProposerOrGuardian",
    "NotReady",
    "TargetIsGovernor",
    "TargetRefused",
    "TargetTrapped",
    "TargetUnreachable",
    "TooManyCalls",
    "TooManyPending",
    "UnknownMember",
    "UnknownOperation",
    "readmitted",
];
const T0: u64 = 20_000 * DAY;
/// The governor's own address.
const SELF: u8 = 0xee;
/// The guardian at the start.
const GUARDIAN: u8 = 9;
/// The suite contracts.
const TARGETS: [u8; 2] = [0x71, 0x72];
/// Callers: 1 to 3 are the first members, 4 to 6 may be admitted, 7 and 8 may become
/// guardian, 9 is the first guardian, 10 a stranger.
const CALLERS: u8 = 10;

fn acc(b: u8) -> AccountId {
    AccountId::from([b; 32])
}

/// What a generated call becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallGen {
    /// To target 0 or 1, or to the governor itself (2).
    Apply(u8, ActionGen),
    AddMember(u8),
    RemoveMember(u8),
    Threshold(u32),
    Delay(u64),
    Guardian(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionGen {
    Code,
    Regulator,
    RemoveRegulator,
    Pause,
    Unpause,
}

#[derive(Debug, Clone)]
enum Op {
    Propose {
        by: u8,
        calls: Vec<CallGen>,
        salt: u8,
    },
    Approve {
        by: u8,
        op: usize,
    },
    Revoke {
        by: u8,
        op: usize,
    },
    Execute {
        by: u8,
        op: usize,
    },
    Cancel {
        by: u8,
        op: usize,
    },
    Expire {
        by: u8,
        op: usize,
    },
    Pause {
        by: u8,
        target: u8,
    },
    /// Target `target` answers `apply` this way from now on.
    Answer {
        target: u8,
        answer: Option<core::result::Result<ApplyError, PeerError>>,
    },
    Wait(u64),
}

fn action_gen() -> impl Strategy<Value = ActionGen> {
    prop_oneof![
        3 => Just(ActionGen::Code),
        2 => Just(ActionGen::Regulator),
        2 => Just(ActionGen::RemoveRegulator),
        2 => Just(ActionGen::Pause),
        1 => Just(ActionGen::Unpause),
    ]
}

fn call_gen() -> impl Strategy<Value = CallGen> {
    prop_oneof![
        12 => (0u8..2, action_gen()).prop_map(|(t, a)| CallGen::Apply(t, a)),
        1 => action_gen().prop_map(|a| CallGen::Apply(2, a)),
        3 => (1u8..=9).prop_map(CallGen::AddMember),
        3 => (1u8..=7).prop_map(CallGen::RemoveMember),
        3 => (0u32..=5).prop_map(CallGen::Threshold),
        2 => prop::sample::select(vec![0, HOUR, DAY, 3 * DAY, MAX_DELAY + 1]).prop_map(CallGen::Delay),
        1 => (1u8..=8).prop_map(CallGen::Guardian),
    ]
}

fn calls_gen() -> impl Strategy<Value = Vec<CallGen>> {
    prop_oneof![
        10 => prop::collection::vec(call_gen(), 1..=1),
        6 => prop::collection::vec(call_gen(), 2..=3),
        1 => Just(vec![]),
        // Removed and admitted again in one operation: the old approvals stay void.
        1 => (1u8..=3).prop_map(|m| vec![CallGen::RemoveMember(m), CallGen::AddMember(m)]),
        1 => prop::collection::vec(call_gen(), MAX_CALLS..=MAX_CALLS + 1),
    ]
}

fn caller() -> impl Strategy<Value = u8> {
    // Mostly the first members.
    prop_oneof![6 => 1u8..=3, 3 => 1u8..=CALLERS]
}

fn op() -> impl Strategy<Value = Op> {
    let pick = 0usize..64;
    prop_oneof![
        6 => (caller(), calls_gen(), 0u8..6).prop_map(|(by, calls, salt)| Op::Propose { by, calls, salt }),
        8 => (caller(), pick.clone()).prop_map(|(by, op)| Op::Approve { by, op }),
        1 => (caller(), pick.clone()).prop_map(|(by, op)| Op::Revoke { by, op }),
        7 => (caller(), pick.clone()).prop_map(|(by, op)| Op::Execute { by, op }),
        2 => (prop_oneof![1 => caller(), 1 => Just(GUARDIAN), 1 => 7u8..=8], pick.clone())
            .prop_map(|(by, op)| Op::Cancel { by, op }),
        1 => (1u8..=CALLERS, pick).prop_map(|(by, op)| Op::Expire { by, op }),
        1 => (prop_oneof![2 => Just(GUARDIAN), 1 => 1u8..=CALLERS], 0u8..3)
            .prop_map(|(by, target)| Op::Pause { by, target }),
        1 => (0u8..2, prop_oneof![
            4 => Just(None),
            1 => Just(Some(Ok(ApplyError::Paused))),
            1 => Just(Some(Ok(ApplyError::Invalid))),
            1 => Just(Some(Err(PeerError::Trapped))),
            1 => Just(Some(Err(PeerError::Unreachable))),
        ]).prop_map(|(target, answer)| Op::Answer { target, answer }),
        4 => prop::sample::select(vec![HOUR, DAY, 3 * DAY, 10 * DAY]).prop_map(Op::Wait),
    ]
}

fn target(t: u8) -> AccountId {
    match TARGETS.get(usize::from(t)) {
        Some(b) => acc(*b),
        None => acc(SELF),
    }
}

fn call_of(gen: CallGen) -> Call {
    match gen {
        CallGen::Apply(t, a) => Call::Apply(
            target(t),
            match a {
                ActionGen::Code => Action::Code(Hash::from([5; 32])),
                ActionGen::Regulator => Action::Regulator(acc(7)),
                ActionGen::RemoveRegulator => Action::RemoveRegulator(acc(7)),
                ActionGen::Pause => Action::Pause,
                ActionGen::Unpause => Action::Unpause,
            },
        ),
        CallGen::AddMember(m) => Call::Council(CouncilChange::AddMember(acc(m))),
        CallGen::RemoveMember(m) => Call::Council(CouncilChange::RemoveMember(acc(m))),
        CallGen::Threshold(t) => Call::Council(CouncilChange::Threshold(t)),
        CallGen::Delay(d) => Call::Council(CouncilChange::Delay(d)),
        CallGen::Guardian(g) => Call::Council(CouncilChange::Guardian(acc(g))),
    }
}

/// The reference: plain sets, lists and numbers, the rules as the docs state them.
#[derive(Debug, Clone)]
struct Model {
    members: Vec<u8>,
    threshold: u32,
    delay: u64,
    guardian: u8,
    now: u64,
    /// By proposal order: (calls, salt) and the operation.
    ops: Vec<(Vec<CallGen>, u8, MOp)>,
    /// Members removed while an operation they approved was pending.
    voided: BTreeSet<u8>,
    /// How each target answers (`None`: applies).
    answers: BTreeMap<u8, core::result::Result<ApplyError, PeerError>>,
}

#[derive(Debug, Clone)]
struct MOp {
    proposer: u8,
    proposed_at: u64,
    approvers: BTreeSet<u8>,
    ready_at: Option<u64>,
    /// "pending", "executed", "cancelled", "expired".
    state: &'static str,
}

const WINDOW: u64 = 14 * DAY;
const GRACE: u64 = 14 * DAY;

impl Model {
    fn count(&self, op: &MOp) -> u32 {
        op.approvers
            .iter()
            .filter(|a| self.members.contains(a))
            .count() as u32
    }
    fn expired(&self, op: &MOp) -> bool {
        match op.ready_at {
            Some(r) => self.now >= r + GRACE,
            None => self.now >= op.proposed_at + WINDOW,
        }
    }
    /// Why `op` is closed, if it is.
    fn closed(&self, op: &MOp) -> Option<Error> {
        match op.state {
            "executed" => Some(Error::AlreadyExecuted),
            "cancelled" => Some(Error::Cancelled),
            "expired" => Some(Error::Expired),
            _ if self.expired(op) => Some(Error::Expired),
            _ => None,
        }
    }
    fn pending_of(&self, who: u8) -> u32 {
        self.ops
            .iter()
            .filter(|(_, _, o)| o.proposer == who && o.state == "pending")
            .count() as u32
    }
    fn waits(calls: &[CallGen]) -> bool {
        calls.iter().any(|c| match c {
            CallGen::Apply(_, a) => {
                matches!(a, ActionGen::Code | ActionGen::Regulator)
            }
            _ => true,
        })
    }
    /// The council after `calls`' changes, each checked in turn.
    fn council_after(&self, calls: &[CallGen]) -> Result<(Vec<u8>, u32, u64, u8)> {
        let (mut members, mut threshold, mut delay, mut guardian) = (
            self.members.clone(),
            self.threshold,
            self.delay,
            self.guardian,
        );
        for call in calls {
            match *call {
                CallGen::AddMember(m) if members.contains(&m) => return Err(Error::AlreadyMember),
                CallGen::AddMember(m) => members.push(m),
                CallGen::RemoveMember(m) if !members.contains(&m) => {
                    return Err(Error::UnknownMember)
                }
                CallGen::RemoveMember(m) => members.retain(|x| *x != m),
                CallGen::Threshold(t) => threshold = t,
                CallGen::Delay(d) => delay = d,
                CallGen::Guardian(g) => guardian = g,
                CallGen::Apply(..) => continue,
            }
            if members.is_empty() || members.len() > MAX_MEMBERS {
                return Err(Error::InvalidMemberCount);
            }
            if threshold == 0 || threshold as usize > members.len() {
                return Err(Error::InvalidThreshold);
            }
            if delay > MAX_DELAY {
                return Err(Error::InvalidDelay);
            }
            if members.contains(&guardian) {
                return Err(Error::GuardianIsMember);
            }
        }
        Ok((members, threshold, delay, guardian))
    }

    fn propose(&mut self, by: u8, calls: &[CallGen], salt: u8) -> Result<()> {
        if !self.members.contains(&by) {
            return Err(Error::NotMember);
        }
        if calls.is_empty() {
            return Err(Error::NoCalls);
        }
        if calls.len() > MAX_CALLS {
            return Err(Error::TooManyCalls);
        }
        for call in calls {
            match call {
                CallGen::Apply(2, _) => return Err(Error::TargetIsGovernor),
                CallGen::Apply(_, ActionGen::Unpause) | CallGen::Guardian(_) if calls.len() > 1 => {
                    return Err(Error::MustStandAlone)
                }
                _ => {}
            }
        }
        self.council_after(calls)?;
        if self.ops.iter().any(|(c, s, _)| c == calls && *s == salt) {
            return Err(Error::AlreadyProposed);
        }
        let pending = self
            .ops
            .iter()
            .filter(|(_, _, o)| o.state == "pending")
            .count();
        if self.pending_of(by) >= 4 || pending >= 64 {
            return Err(Error::TooManyPending);
        }
        let mut op = MOp {
            proposer: by,
            proposed_at: self.now,
            approvers: BTreeSet::from([by]),
            ready_at: None,
            state: "pending",
        };
        if self.count(&op) >= self.threshold {
            op.ready_at = Some(self.now + if Self::waits(calls) { self.delay } else { 0 });
        }
        self.ops.push((calls.to_vec(), salt, op));
        Ok(())
    }

    /// Ok(true) when this approval queued the operation.
    fn approve(&mut self, by: u8, i: usize) -> Result<bool> {
        let (calls, _, op) = self.ops.get(i).ok_or(Error::UnknownOperation)?.clone();
        if !self.members.contains(&by) {
            return Err(Error::NotMember);
        }
        if let Some(e) = self.closed(&op) {
            return Err(e);
        }
        let mut op = op;
        let before_queued = op.ready_at.is_some();
        if op.approvers.contains(&by) && (before_queued || self.count(&op) < self.threshold) {
            return Err(Error::AlreadyApproved);
        }
        op.approvers.insert(by);
        let queued = !before_queued && self.count(&op) >= self.threshold;
        if queued {
            op.ready_at = Some(self.now + if Self::waits(&calls) { self.delay } else { 0 });
        }
        self.ops[i].2 = op;
        Ok(queued)
    }

    fn revoke(&mut self, by: u8, i: usize) -> Result<()> {
        let op = self.ops.get(i).ok_or(Error::UnknownOperation)?.2.clone();
        if !self.members.contains(&by) {
            return Err(Error::NotMember);
        }
        if let Some(e) = self.closed(&op) {
            return Err(e);
        }
        if !op.approvers.contains(&by) {
            return Err(Error::NoApproval);
        }
        let mut op = op;
        op.approvers.remove(&by);
        if self.count(&op) < self.threshold {
            op.ready_at = None;
        }
        self.ops[i].2 = op;
        Ok(())
    }

    /// The calls that reached each target, on success.
    fn execute(&mut self, by: u8, i: usize) -> Result<Vec<(u8, ActionGen)>> {
        let (calls, _, op) = self.ops.get(i).ok_or(Error::UnknownOperation)?.clone();
        if !self.members.contains(&by) {
            return Err(Error::NotMember);
        }
        if let Some(e) = self.closed(&op) {
            return Err(e);
        }
        if self.count(&op) < self.threshold {
            return Err(Error::NotEnoughApprovals);
        }
        if op.ready_at.is_none_or(|r| self.now < r) {
            return Err(Error::NotReady);
        }
        let (members, threshold, delay, guardian) = self.council_after(&calls)?;
        let mut reached = Vec::new();
        for (index, call) in calls.iter().enumerate() {
            if let CallGen::Apply(t, a) = *call {
                match self.answers.get(&t) {
                    Some(Ok(reason)) => return Err(Error::TargetRefused(index as u32, *reason)),
                    Some(Err(PeerError::Trapped)) => {
                        return Err(Error::TargetTrapped(index as u32))
                    }
                    Some(Err(PeerError::Unreachable)) => {
                        return Err(Error::TargetUnreachable(index as u32))
                    }
                    None => reached.push((t, a)),
                }
            }
        }
        self.ops[i].2.state = "executed";
        // A removed member's approvals are void for good (also once re-admitted).
        for call in &calls {
            if let CallGen::RemoveMember(gone) = call {
                for (_, _, o) in self.ops.iter_mut() {
                    if o.approvers.remove(gone) && o.state == "pending" {
                        self.voided.insert(*gone);
                    }
                }
            }
            if let CallGen::AddMember(back) = call {
                if self.voided.remove(back) {
                    test_reached("readmitted");
                }
            }
        }
        (self.members, self.threshold, self.delay, self.guardian) =
            (members, threshold, delay, guardian);
        Ok(reached)
    }

    fn cancel(&mut self, by: u8, i: usize) -> Result<()> {
        let (calls, _, op) = self.ops.get(i).ok_or(Error::UnknownOperation)?.clone();
        match op.state {
            "executed" => return Err(Error::AlreadyExecuted),
            "cancelled" => return Err(Error::Cancelled),
            "expired" => return Err(Error::Expired),
            _ => {}
        }
        if by == self.guardian {
            if calls.iter().any(|c| matches!(c, CallGen::Guardian(_))) {
                return Err(Error::GuardianCannotCancel);
            }
        } else if by != op.proposer || !self.members.contains(&by) {
            return Err(Error::NotProposerOrGuardian);
        }
        self.ops[i].2.state = "cancelled";
        Ok(())
    }

    fn expire(&mut self, i: usize) -> Result<()> {
        let op = self.ops.get(i).ok_or(Error::UnknownOperation)?.2.clone();
        match self.closed(&op) {
            Some(Error::Expired) if op.state == "pending" => {
                self.ops[i].2.state = "expired";
                Ok(())
            }
            Some(e) => Err(e),
            None => Err(Error::NotExpired),
        }
    }

    fn pause(&mut self, by: u8, t: u8) -> Result<()> {
        if by != self.guardian {
            return Err(Error::NotGuardian);
        }
        if t == 2 {
            return Err(Error::TargetIsGovernor);
        }
        match self.answers.get(&t) {
            Some(Ok(reason)) => Err(Error::TargetRefused(0, *reason)),
            Some(Err(PeerError::Trapped)) => Err(Error::TargetTrapped(0)),
            Some(Err(PeerError::Unreachable)) => Err(Error::TargetUnreachable(0)),
            None => Ok(()),
        }
    }
}

/// The id the harness uses for the `i`-th operation the model knows (an unknown id past
/// the end).
fn id_of(g: &Governor, m: &Model, i: usize) -> Hash {
    match m.ops.get(i) {
        Some((calls, salt, _)) => g.operation_id(
            calls.iter().map(|c| call_of(*c)).collect(),
            Hash::from([*salt; 32]),
        ),
        None => Hash::from([0xff; 32]),
    }
}

/// Picks an operation: mostly a known one (the newer the likelier), sometimes none.
fn pick(m: &Model, op: usize) -> usize {
    let known = m.ops.len();
    if known == 0 || op % 16 == 15 {
        known
    } else {
        known - 1 - (op % known).min(op % 5)
    }
}

fn applied_all() -> Vec<Vec<Action>> {
    TARGETS.iter().map(|t| stand_in::applied(acc(*t))).collect()
}

fn step(g: &mut Governor, m: &mut Model, op: &Op) -> (String, String) {
    let before = applied_all();
    let mut expected_reach: Option<Vec<(u8, ActionGen)>> = None;
    let (got, want) = match op {
        Op::Propose { by, calls, salt } => {
            test::set_caller::<Env>(acc(*by));
            let got = g.propose(
                calls.iter().map(|c| call_of(*c)).collect(),
                Hash::from([*salt; 32]),
            );
            let want = m.propose(*by, calls, *salt);
            let tag = |r: &Result<()>| r.map(|_| ());
            (
                render("propose", &got.map(|_| ())),
                render("propose", &tag(&want)),
            )
        }
        Op::Approve { by, op } => {
            let i = pick(m, *op);
            test::set_caller::<Env>(acc(*by));
            let id = id_of(g, m, i);
            let queued_before = g.operation(id).and_then(|o| o.ready_at).is_some();
            let got = g
                .approve(id)
                .map(|()| !queued_before && g.operation(id).and_then(|o| o.ready_at).is_some());
            let want = m.approve(*by, i);
            let show = |r: Result<bool>| match r {
                Ok(true) => "approve:queued".to_string(),
                Ok(false) => "approve:Ok".to_string(),
                Err(e) => format!("{e:?}"),
            };
            (show(got), show(want))
        }
        Op::Revoke { by, op } => {
            let i = pick(m, *op);
            test::set_caller::<Env>(acc(*by));
            let got = g.revoke_approval(id_of(g, m, i));
            (render("revoke", &got), render("revoke", &m.revoke(*by, i)))
        }
        Op::Execute { by, op } => {
            let i = pick(m, *op);
            test::set_caller::<Env>(acc(*by));
            let id = id_of(g, m, i);
            let council_before = g.council();
            let got = g.execute(id);
            let want = m.execute(*by, i);
            if got.is_ok() && g.council() != council_before {
                test_reached("execute:council");
            }
            let want = want.map(|reach| expected_reach = Some(reach));
            (render("execute", &got), render("execute", &want))
        }
        Op::Cancel { by, op } => {
            let i = pick(m, *op);
            test::set_caller::<Env>(acc(*by));
            let got = g.cancel(id_of(g, m, i));
            (render("cancel", &got), render("cancel", &m.cancel(*by, i)))
        }
        Op::Expire { by, op } => {
            let i = pick(m, *op);
            test::set_caller::<Env>(acc(*by));
            let got = g.expire(id_of(g, m, i));
            (render("expire", &got), render("expire", &m.expire(i)))
        }
        Op::Pause { by, target: t } => {
            test::set_caller::<Env>(acc(*by));
            let got = g.pause(target(*t));
            let want = m.pause(*by, *t);
            if want.is_ok() {
                expected_reach = Some(vec![(*t, ActionGen::Pause)]);
            }
            (render("pause", &got), render("pause", &want))
        }
        Op::Answer { target: t, answer } => {
            stand_in::target_answers(acc(TARGETS[usize::from(*t)]), *answer);
            match answer {
                Some(a) => m.answers.insert(*t, *a),
                None => m.answers.remove(t),
            };
            (String::new(), String::new())
        }
        Op::Wait(ms) => {
            m.now += ms;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
    };
    // A successful execution or pause reached its targets with exactly its actions.
    if let (Some(reach), true) = (expected_reach, got == want && got.ends_with(":Ok")) {
        let after = applied_all();
        for (t, _) in TARGETS.iter().enumerate() {
            let new: Vec<Action> = after[t][before[t].len()..].to_vec();
            let expected: Vec<Action> = reach
                .iter()
                .filter(|(target, _)| usize::from(*target) == t)
                .map(|(target, a)| match call_of(CallGen::Apply(*target, *a)) {
                    Call::Apply(_, action) => action,
                    Call::Council(_) => unreachable!(),
                })
                .collect();
            if new != expected {
                return (
                    format!("{got} reaching {new:?}"),
                    format!("{want} reaching {expected:?}"),
                );
            }
        }
    }
    (got, want)
}

fn test_reached(what: &str) {
    healthcare_traits::testing::reached(CONTRACT, what);
}

/// `message:Ok`, or the error.
fn render(message: &str, result: &Result<()>) -> String {
    match result {
        Ok(()) => format!("{message}:Ok"),
        Err(e) => format!("{e:?}"),
    }
}

fn compare(g: &Governor, m: &Model) -> core::result::Result<(), String> {
    let council = g.council();
    let want: Vec<AccountId> = m.members.iter().map(|b| acc(*b)).collect();
    if (
        council.accounts(),
        council.threshold,
        council.delay,
        council.guardian,
    ) != (want, m.threshold, m.delay, acc(m.guardian))
    {
        return Err(format!("council {council:?}, model {m:?}"));
    }
    let pending: Vec<Hash> = (0..m.ops.len())
        .filter(|i| m.ops[*i].2.state == "pending")
        .map(|i| id_of(g, m, i))
        .collect();
    let mut got = Vec::new();
    let mut offset = 0;
    loop {
        let page = g.pending(offset, 50);
        if page.is_empty() {
            break;
        }
        offset += page.len() as u32;
        got.extend(page);
    }
    if got != pending || g.pending_count() as usize != pending.len() {
        return Err(format!("pending {got:?}, model {pending:?}"));
    }
    for who in 1..=CALLERS {
        if g.pending_by(acc(who)) != m.pending_of(who) {
            return Err(format!(
                "pending_by({who}) {}, model {}",
                g.pending_by(acc(who)),
                m.pending_of(who)
            ));
        }
    }
    for (i, (_, _, op)) in m.ops.iter().enumerate() {
        let id = id_of(g, m, i);
        let Some(o) = g.operation(id) else {
            return Err(format!("operation {i} missing"));
        };
        let state = match o.state {
            State::Pending => "pending",
            State::Executed => "executed",
            State::Cancelled => "cancelled",
            State::Expired => "expired",
        };
        let approvers: BTreeSet<u8> = op
            .approvers
            .iter()
            .copied()
            .filter(|a| m.members.contains(a))
            .collect();
        if state != op.state
            || o.ready_at != op.ready_at
            || o.proposer != acc(op.proposer)
            || g.approvals(id) != m.count(op)
            || approvers
                .iter()
                .any(|a| !o.approvals.iter().any(|x| x.account == acc(*a)))
        {
            return Err(format!("operation {i}: {o:?}, model {op:?}"));
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> core::result::Result<(), String> {
    off_chain(|| {
        stand_in::reset();
        test::set_callee::<Env>(acc(SELF));
        test::set_block_timestamp::<Env>(T0);
        test::set_caller::<Env>(acc(1));
        let g = Governor::new(vec![acc(1), acc(2), acc(3)], 2, DAY, acc(GUARDIAN))
            .map_err(|e| format!("new: {e:?}"))?;
        let m = Model {
            members: vec![1, 2, 3],
            threshold: 2,
            delay: DAY,
            guardian: GUARDIAN,
            now: T0,
            ops: Vec::new(),
            voided: BTreeSet::new(),
            answers: BTreeMap::new(),
        };
        let mut state = (g, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(g, m), op| step(g, m, op),
            |(g, m), _| compare(g, m),
            |_, _| false,
        )
    })
    .map_err(|e| format!("{e}"))
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_governor(ops in prop::collection::vec(op(), OPS)) {
        run(&ops).map_err(TestCaseError::fail)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
