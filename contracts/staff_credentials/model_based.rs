//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of every message by random callers
//! (the governor, issuers of some kinds, strangers), with time moving forward in random
//! steps, run against the contract (off-chain engine) and against [`Model`], a reference
//! written as plainly as possible: a list of credentials with their status changes, a map
//! of issuers, a flag for the pause. After every call the contract's answer (value or
//! typed error) must equal the model's, and `is_valid_at` / `any_valid_at` must equal the
//! model's at the present and at random past moments for every subject and kind (and at
//! every boundary of every credential at the end of a sequence).
//!
//! proptest shrinks a failing sequence to a short one and stores its seed under
//! `proptest-regressions/`, where the next run replays it first. `PROPTEST_CASES` sets the
//! number of sequences (default [`CASES`]); each has [`OPS`] operations. The sequences
//! come from a fixed seed unless `MODEL_SEED` names another (`scripts/fuzz.sh`). A run
//! fails, too, when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::staff_credentials::*;
use crate::MAX_STATUS_CHANGES;
use healthcare_traits::testing::prop::{config, finish, off_chain};
use healthcare_traits::testing::{drive, pause_model, reached, EXIT_WHILE_PAUSED};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, CredentialVerifier, Governed, KindSet, DAY,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Sequences per run (each of [`OPS`] operations): 20 × 500 = 10 000 operations.
const CASES: u32 = 20;
/// Operations per sequence.
const OPS: usize = 500;
const CONTRACT: &str = "staff_credentials";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "AlreadyRevoked",
    "CredentialExpired",
    "HistoryFull",
    "InvalidJurisdiction",
    "InvalidKindSet",
    "InvalidNpi",
    "KindNotAllowed",
    "NotANarrowing",
    "NotActive",
    "NotCredentialIssuer",
    "NotGovernor",
    "NotIssuer",
    "NotSuspended",
    "Paused",
    "RenewalNotLater",
    "StaleVerification",
    "UnknownCredential",
    "UnknownIssuer",
    "VerificationInFuture",
];
/// The clock at the start.
const START: u64 = 1_000 * DAY;

/// The kinds the sequences use: a plain licence, one with a check digit, an organisation's.
const KINDS: [CredentialKind; 3] = [
    CredentialKind::MedicalLicence,
    CredentialKind::NpiRegistration,
    CredentialKind::PharmacyLicence,
];

/// Accounts by index: 0 stands for the governor, 1 and 2 start as issuers, all may be
/// subjects.
fn account(i: u8) -> AccountId {
    AccountId::from([i.wrapping_add(1); 32])
}
const ACCOUNTS: u8 = 6;

fn kind(i: u8) -> CredentialKind {
    KINDS[usize::from(i) % KINDS.len()]
}

/// A kind set from three bits over [`KINDS`], plus bit 3 for an unknown kind.
fn kind_set(mask: u8) -> KindSet {
    let mut set = KindSet::of(
        &(0..3)
            .filter(|b| mask & (1 << b) != 0)
            .map(kind)
            .collect::<Vec<_>>(),
    );
    if mask & 8 != 0 {
        set.0 |= 1 << CredentialKind::ALL.len();
    }
    set
}

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    Issue {
        caller: u8,
        subject: u8,
        kind: u8,
        /// Start relative to now, in hours (may lie in the past).
        start: i64,
        /// Length in days (0: an empty period).
        days: u64,
        /// Verification this many hours before now (negative: in the future).
        verified: i64,
        /// 1: bad jurisdiction; 2: bad NPI check digit; otherwise well formed.
        flaw: u8,
    },
    Renew {
        caller: u8,
        id: u8,
        days: i64,
        /// Verification relative to the credential's last one, in hours.
        verified: i64,
    },
    Suspend {
        caller: u8,
        id: u8,
    },
    Reinstate {
        caller: u8,
        id: u8,
    },
    Revoke {
        caller: u8,
        id: u8,
    },
    /// The credential's issuer suspends and reinstates it `times` times (fills its
    /// status history towards `HistoryFull`).
    Churn {
        id: u8,
        times: u8,
    },
    Pause(u8),
    Unpause(u8),
    Narrow {
        caller: u8,
        issuer: u8,
        kinds: u8,
    },
    Remove {
        caller: u8,
        issuer: u8,
    },
    /// The governor appoints (or widens) an issuer (its delay is the governor's affair).
    Appoint {
        caller: u8,
        issuer: u8,
        kinds: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACCOUNTS;
    // Callers of the credential messages: any account, or (values past the accounts,
    // about half the time) the credential's own issuer.
    let by_issuer = 0..2 * ACCOUNTS;
    prop_oneof![
        3 => (0..3 * DAY).prop_map(Op::Advance),
        5 => (who.clone(), 0..ACCOUNTS, 0..3u8, -48..48i64, 0..400u64, -2..200i64, 0..12u8)
            .prop_map(|(caller, subject, kind, start, days, verified, flaw)| Op::Issue {
                caller, subject, kind, start, days, verified, flaw,
            }),
        2 => (by_issuer.clone(), any::<u8>(), -10..400i64, -48..48i64)
            .prop_map(|(caller, id, days, verified)| Op::Renew { caller, id, days, verified }),
        3 => (by_issuer.clone(), any::<u8>()).prop_map(|(caller, id)| Op::Suspend { caller, id }),
        3 => (by_issuer.clone(), any::<u8>()).prop_map(|(caller, id)| Op::Reinstate { caller, id }),
        1 => (by_issuer, any::<u8>()).prop_map(|(caller, id)| Op::Revoke { caller, id }),
        1 => (any::<u8>(), 1..16u8).prop_map(|(id, times)| Op::Churn { id, times }),
        1 => (0..ACCOUNTS).prop_map(Op::Pause),
        2 => (0..2 * ACCOUNTS).prop_map(Op::Unpause),
        1 => (who.clone(), 0..ACCOUNTS, 0..16u8)
            .prop_map(|(caller, issuer, kinds)| Op::Narrow { caller, issuer, kinds }),
        1 => (who.clone(), 0..ACCOUNTS).prop_map(|(caller, issuer)| Op::Remove { caller, issuer }),
        1 => (who, 0..ACCOUNTS, 0..16u8)
            .prop_map(|(caller, issuer, kinds)| Op::Appoint { caller, issuer, kinds }),
    ]
}

// ------------------------------------------------------------------------ the model

#[derive(Debug, Clone)]
struct Cred {
    subject: AccountId,
    kind: CredentialKind,
    issuer: AccountId,
    from: u64,
    until: u64,
    verified_at: u64,
    /// (time, status) in the order they were made.
    changes: Vec<(u64, Status)>,
}

impl Cred {
    fn status(&self) -> Status {
        self.changes.last().map_or(Status::Active, |c| c.1)
    }
    fn valid_at(&self, t: u64) -> bool {
        let status = self
            .changes
            .iter()
            .rfind(|c| c.0 <= t)
            .map_or(Status::Active, |c| c.1);
        self.from <= t && t < self.until && status == Status::Active
    }
}

struct Model {
    governor: AccountId,
    now: u64,
    paused: bool,
    issuers: BTreeMap<AccountId, KindSet>,
    creds: Vec<Cred>,
}

impl Model {
    fn valid_at(&self, subject: AccountId, kind: CredentialKind, t: u64) -> bool {
        self.creds
            .iter()
            .any(|c| c.subject == subject && c.kind == kind && c.valid_at(t))
    }

    fn well_formed(kinds: KindSet) -> Result<()> {
        if kinds.is_empty() || kinds.0 >> 10 != 0 {
            Err(Error::InvalidKindSet)
        } else {
            Ok(())
        }
    }

    /// Who may change a credential: its issuer while it handles the kind; the kind's
    /// issuers when its issuer is gone or dropped the kind (suspend and revoke only); the
    /// governor (suspend and revoke only, through `apply`).
    fn may(&self, caller: AccountId, cred: &Cred, safety: bool) -> Result<()> {
        if caller == self.governor && safety {
            return Ok(());
        }
        let kinds = *self.issuers.get(&caller).ok_or(Error::NotIssuer)?;
        if !kinds.contains(cred.kind) {
            return Err(Error::KindNotAllowed);
        }
        if caller == cred.issuer {
            return Ok(());
        }
        let issuer_handles = self
            .issuers
            .get(&cred.issuer)
            .is_some_and(|k| k.contains(cred.kind));
        if safety && !issuer_handles {
            Ok(())
        } else {
            Err(Error::NotCredentialIssuer)
        }
    }

    fn cred(&self, id: u64) -> Result<&Cred> {
        let index = usize::try_from(id).ok().and_then(|i| i.checked_sub(1));
        index
            .and_then(|i| self.creds.get(i))
            .ok_or(Error::UnknownCredential)
    }

    fn change(&mut self, id: u64, status: Status, room: usize) -> Result<()> {
        let now = self.now;
        let cred = &mut self.creds[usize::try_from(id - 1).unwrap()];
        if cred.changes.len() + room > MAX_STATUS_CHANGES as usize {
            return Err(Error::HistoryFull);
        }
        cred.changes.push((now, status));
        Ok(())
    }
}

/// The credential id an op's `pick` names: one of the existing ones or the next (unknown).
fn pick(model: &Model, id: u8) -> u64 {
    1 + u64::from(id) % (model.creds.len() as u64 + 1)
}

/// Like [`pick`], but half the picks name credential 1, so that its status history
/// fills up (`HistoryFull`) within a sequence.
fn pick_hot(model: &Model, id: u8) -> u64 {
    if id >= 128 {
        1
    } else {
        pick(model, id)
    }
}

fn hours(h: i64) -> i64 {
    h * 3_600_000
}

fn offset(t: u64, by: i64) -> u64 {
    t.saturating_add_signed(by)
}

fn request(
    model: &Model,
    subject: u8,
    k: CredentialKind,
    start: i64,
    days: u64,
    verified: i64,
    flaw: u8,
) -> CredentialRequest {
    let valid_from = offset(model.now, hours(start));
    let identifier = match (k, flaw) {
        (CredentialKind::NpiRegistration, 2) => b"1234567890".to_vec(),
        (CredentialKind::NpiRegistration, _) => b"1234567893".to_vec(),
        _ => b"L-1".to_vec(),
    };
    CredentialRequest {
        subject: account(subject),
        kind: k,
        jurisdiction: if flaw == 1 { *b"c1" } else { *b"CA" },
        specialty: None,
        identifier,
        valid_from,
        valid_until: valid_from + days * DAY,
        evidence_hash: Hash::from([days as u8; 32]),
        verified_at: offset(model.now, -hours(verified)),
    }
}

/// The caller of a credential message: `who`, or for values past the accounts the
/// issuer of credential `id` (the governor when there is none).
fn resolve(m: &Model, who: u8, id: u64) -> u8 {
    if who < ACCOUNTS {
        return who;
    }
    let issuer = m.cred(id).map_or(account(0), |cred| cred.issuer);
    (0..ACCOUNTS).find(|i| account(*i) == issuer).unwrap_or(0)
}

/// Runs `op` on both and returns (contract's answer, model's answer), rendered.
fn step(c: &mut StaffCredentials, m: &mut Model, op: &Op) -> (String, String) {
    let as_caller = |who: u8| test::set_caller::<Env>(account(who));
    let out = |r: &dyn std::fmt::Debug| format!("{r:?}");
    match *op {
        Op::Advance(dt) => {
            m.now += dt;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::Issue {
            caller,
            subject,
            kind: k,
            start,
            days,
            verified,
            flaw,
        } => {
            let req = request(m, subject, kind(k), start, days, verified, flaw);
            as_caller(caller);
            let got = c.issue(req.clone());
            let who = account(caller);
            let want = (|| {
                if m.paused {
                    return Err(Error::Paused);
                }
                let kinds = m.issuers.get(&who).ok_or(Error::NotIssuer)?;
                if !kinds.contains(req.kind) {
                    return Err(Error::KindNotAllowed);
                }
                if req.valid_until <= req.valid_from {
                    return Err(Error::InvalidPeriod);
                }
                if req.verified_at > m.now {
                    return Err(Error::VerificationInFuture);
                }
                if flaw == 1 {
                    return Err(Error::InvalidJurisdiction);
                }
                if flaw == 2 && req.kind == CredentialKind::NpiRegistration {
                    return Err(Error::InvalidNpi);
                }
                m.creds.push(Cred {
                    subject: req.subject,
                    kind: req.kind,
                    issuer: who,
                    from: req.valid_from,
                    until: req.valid_until,
                    verified_at: req.verified_at,
                    changes: Vec::new(),
                });
                Ok(m.creds.len() as u64)
            })();
            (out(&got), out(&want))
        }
        Op::Renew {
            caller,
            id,
            days,
            verified,
        } => {
            let id = pick(m, id);
            let caller = resolve(m, caller, id);
            let (until, verified_at) = m.cred(id).map_or((m.now, m.now), |cred| {
                (
                    offset(cred.until, days * DAY as i64),
                    offset(cred.verified_at, hours(verified)),
                )
            });
            as_caller(caller);
            let got = c.renew(id, until, Hash::from([9; 32]), verified_at);
            let want = (|| {
                if m.paused {
                    return Err(Error::Paused);
                }
                let cred = m.cred(id)?;
                m.may(account(caller), cred, false)?;
                if cred.status() == Status::Revoked {
                    return Err(Error::AlreadyRevoked);
                }
                if m.now >= cred.until {
                    return Err(Error::CredentialExpired);
                }
                if until <= cred.until {
                    return Err(Error::RenewalNotLater);
                }
                if verified_at > m.now {
                    return Err(Error::VerificationInFuture);
                }
                if verified_at < cred.verified_at {
                    return Err(Error::StaleVerification);
                }
                let cred = &mut m.creds[usize::try_from(id - 1).unwrap()];
                cred.until = until;
                cred.verified_at = verified_at;
                Ok(())
            })();
            (out(&got), out(&want))
        }
        Op::Suspend { caller, id } => {
            let id = pick_hot(m, id);
            let caller = resolve(m, caller, id);
            as_caller(caller);
            let by_governor = account(caller) == m.governor;
            let got = if by_governor {
                out(&c.apply(Gov::SuspendCredential(id, 7)))
            } else {
                out(&c.suspend(id, 7))
            };
            let want = (|| {
                let cred = m.cred(id)?;
                m.may(account(caller), cred, true)?;
                match cred.status() {
                    Status::Revoked => return Err(Error::AlreadyRevoked),
                    Status::Suspended => return Err(Error::NotActive),
                    Status::Active => {}
                }
                m.change(id, Status::Suspended, 2)
            })();
            (got, governed(by_governor, want))
        }
        Op::Reinstate { caller, id } => {
            let id = pick_hot(m, id);
            let caller = resolve(m, caller, id);
            as_caller(caller);
            let got = c.reinstate(id);
            let want = (|| {
                if m.paused {
                    return Err(Error::Paused);
                }
                let cred = m.cred(id)?;
                m.may(account(caller), cred, false)?;
                match cred.status() {
                    Status::Revoked => return Err(Error::AlreadyRevoked),
                    Status::Active => return Err(Error::NotSuspended),
                    Status::Suspended => {}
                }
                m.change(id, Status::Active, 2)
            })();
            (out(&got), out(&want))
        }
        Op::Revoke { caller, id } => {
            let id = pick(m, id);
            let caller = resolve(m, caller, id);
            as_caller(caller);
            let by_governor = account(caller) == m.governor;
            let got = if by_governor {
                out(&c.apply(Gov::RevokeCredential(id, 9)))
            } else {
                out(&c.revoke(id, 9))
            };
            let want = (|| {
                let cred = m.cred(id)?;
                m.may(account(caller), cred, true)?;
                if cred.status() == Status::Revoked {
                    return Err(Error::AlreadyRevoked);
                }
                m.change(id, Status::Revoked, 1)
            })();
            (got, governed(by_governor, want))
        }
        Op::Churn { id, times } => {
            let (mut got, mut want) = (String::new(), String::new());
            for _ in 0..times {
                for op in [
                    Op::Suspend {
                        caller: ACCOUNTS,
                        id,
                    },
                    Op::Reinstate {
                        caller: ACCOUNTS,
                        id,
                    },
                ] {
                    let (g, w) = step(c, m, &op);
                    got.push_str(&g);
                    want.push_str(&w);
                }
            }
            (got, want)
        }
        Op::Pause(caller) | Op::Unpause(caller) => {
            // Past the accounts: the governor (account 0).
            let caller = if caller < ACCOUNTS { caller } else { 0 };
            let pause = matches!(op, Op::Pause(_));
            test::set_caller::<Env>(account(caller));
            let got = c.apply(if pause { Gov::Pause } else { Gov::Unpause });
            let by_governor = account(caller) == m.governor;
            let want = pause_model(pause, by_governor, &mut m.paused);
            (format!("{got:?}"), format!("{want:?}"))
        }
        Op::Narrow {
            caller,
            issuer,
            kinds,
        } => {
            let (issuer, kinds) = (account(issuer), kind_set(kinds));
            as_caller(caller);
            let got = c.apply(Gov::NarrowIssuer(issuer, kinds));
            if account(caller) != m.governor {
                let want: core::result::Result<(), _> = Err(ApplyError::NotGovernor);
                return (out(&got), out(&want));
            }
            let want = (|| {
                Model::well_formed(kinds)?;
                let current = m.issuers.get_mut(&issuer).ok_or(Error::UnknownIssuer)?;
                if kinds.0 & !current.0 != 0 {
                    return Err(Error::NotANarrowing);
                }
                *current = kinds;
                Ok(())
            })();
            (out(&got), governed(true, want))
        }
        Op::Remove { caller, issuer } => {
            let issuer = account(issuer);
            as_caller(caller);
            let got = c.apply(Gov::RemoveIssuer(issuer));
            let want = if account(caller) != m.governor {
                out(&Err::<(), _>(ApplyError::NotGovernor))
            } else {
                let removed = m.issuers.remove(&issuer);
                governed(true, removed.map(|_| ()).ok_or(Error::UnknownIssuer))
            };
            (out(&got), want)
        }
        Op::Appoint {
            caller,
            issuer,
            kinds,
        } => {
            let (issuer, kinds) = (account(issuer), kind_set(kinds));
            as_caller(caller);
            let got = out(&c.apply(Gov::Issuer(issuer, kinds)));
            let want = if account(caller) != m.governor {
                out(&Err::<(), _>(ApplyError::NotGovernor))
            } else if m.paused {
                // No widening lands while paused.
                out(&Err::<(), _>(ApplyError::Paused))
            } else {
                let appointed = Model::well_formed(kinds).map(|()| {
                    m.issuers.insert(issuer, kinds);
                });
                governed(true, appointed)
            };
            (got, want)
        }
    }
}

/// The model's answer to a call of the governor (`apply`: the registry's own refusal is
/// `Invalid`, its reason noted as an outcome) or of anyone else (the message's answer).
fn governed(by_governor: bool, answer: Result<()>) -> String {
    match answer {
        Err(e) if by_governor => {
            reached(CONTRACT, &format!("{e:?}"));
            format!("{:?}", Err::<(), _>(ApplyError::Invalid))
        }
        answer => format!("{answer:?}"),
    }
}

/// Compares every subject's and kind's validity at `times`, and the issuer list.
fn compare(c: &StaffCredentials, m: &Model, times: &[u64]) -> std::result::Result<(), String> {
    for subject in (0..ACCOUNTS).map(account) {
        for &t in times {
            for k in KINDS {
                let (got, want) = (c.is_valid_at(subject, k, t), m.valid_at(subject, k, t));
                if got != want {
                    return Err(format!(
                        "is_valid_at({subject:?}, {k:?}, {t}): {got} != {want}"
                    ));
                }
            }
            let all = KindSet::of(&KINDS);
            let want = KINDS.iter().any(|&k| m.valid_at(subject, k, t));
            if c.any_valid_at(subject, all, t) != want {
                return Err(format!("any_valid_at({subject:?}, {t}) != {want}"));
            }
        }
    }
    let mut issuers = c.issuers(0, 100);
    issuers.sort_by_key(|(account, kinds)| (*account, kinds.0));
    let want: Vec<_> = m.issuers.iter().map(|(a, k)| (*a, *k)).collect();
    if issuers != want || c.issuer_count() as usize != want.len() {
        return Err(format!("issuers {issuers:?} != {want:?}"));
    }
    if c.paused() != m.paused {
        return Err("paused differs".into());
    }
    for (i, cred) in m.creds.iter().enumerate() {
        let stored = c.credential(i as u64 + 1).ok_or("credential missing")?;
        let history: Vec<_> = stored.history.iter().map(|h| (h.at, h.status)).collect();
        if stored.valid_until != cred.until
            || history != cred.changes
            || stored.history.len() > MAX_STATUS_CHANGES as usize
        {
            return Err(format!("credential {} differs: {stored:?}", i + 1));
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let first = [
            (account(1), KindSet::of(&KINDS)),
            (account(2), KindSet::of(&[CredentialKind::MedicalLicence])),
        ];
        let c = StaffCredentials::new(account(0), first.to_vec()).expect("new");
        let m = Model {
            governor: account(0),
            now: START,
            paused: false,
            issuers: first.into_iter().collect(),
            creds: Vec::new(),
        };
        let mut state = (c, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(c, m), op| step(c, m, op),
            |(c, m), _| {
                // The present and a few past moments (days, weeks and a year back).
                let probes = [m.now, m.now - DAY / 2, m.now - 9 * DAY, m.now - 200 * DAY];
                compare(c, m, &probes)
            },
            // Suspending and revoking (safety actions); narrowing or removing an issuer.
            |(c, _), op| {
                c.paused()
                    && matches!(
                        op,
                        Op::Suspend { .. }
                            | Op::Revoke { .. }
                            | Op::Narrow { .. }
                            | Op::Remove { .. }
                    )
            },
        )?;
        let (c, m) = state;
        // Every boundary of every credential.
        let mut times: Vec<u64> = m
            .creds
            .iter()
            .flat_map(|cred| {
                let changes = cred.changes.iter().map(|ch| ch.0);
                [cred.from, cred.until].into_iter().chain(changes)
            })
            .flat_map(|t| [t.saturating_sub(1), t, t + 1])
            .collect();
        times.sort_unstable();
        times.dedup();
        compare(&c, &m, &times).map_err(|e| format!("at the end: {e}"))?;
        Ok(())
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_staff_credentials(ops in prop::collection::vec(op(), OPS)) {
        run(&ops)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
