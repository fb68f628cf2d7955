//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of the patient-side messages (consents,
//! delegates, care relationships, records, access, break-glass, pause) by random callers
//! (patients, their delegates, clinicians with and without a licence, strangers, the
//! governor), with time moving forward in random steps so that delegations expire and
//! break-glass windows close, run against the contract (off-chain engine, the
//! staff_credentials stand-in answering per kind and time) and against [`Model`], a
//! reference written as plainly as possible: lists of consents, care relationships,
//! delegation terms, records, grants and access logs.
//!
//! After every call the contract's answer (value or typed error) must equal the model's,
//! and: `has_consent` equals the model's decision for every patient, grantee, purpose and
//! category at the present and at random past moments (and at every boundary at the end
//! of a sequence); `has_care_relationship` likewise; what other contracts ask
//! (`ConsentVerifier`: `has_consent_all` over a set of categories, `has_consent_each` over
//! every account, `claim_consent_each`, `acts_for_now`) equals the model's answer; each
//! access log only grows and
//! equals the model's; no clinician opens more break-glass grants in a window than the
//! limit.
//!
//! proptest shrinks a failing sequence and stores its seed under `proptest-regressions/`,
//! replayed first on the next run. The sequences come from a fixed seed unless
//! `MODEL_SEED` names another (`scripts/fuzz.sh`); `PROPTEST_CASES` sets their number.
//! A run fails, too, when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::consent_registry::*;
use crate::model::MAX_RATE;
use crate::MAX_DELEGATES;
use healthcare_traits::testing::prop::{config, finish, off_chain};
use healthcare_traits::testing::{drive, pause_model, EXIT_WHILE_PAUSED};
use healthcare_traits::timeline::MAX_OPEN;
use healthcare_traits::{
    Action as Gov, ApplyError, ClaimConsent, ClaimConsentQuery, ConsentVerifier, CredentialKind,
    DataCategories, DataCategory, Governed, Purpose, PurposeSet, DAY, HOUR,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Sequences per run: 20 × 500 = 10 000 operations.
const CASES: u32 = 20;
/// Operations per sequence.
const OPS: usize = 500;
const CONTRACT: &str = "consent_registry";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "AlreadyAcknowledged",
    "AlreadyRevoked",
    "BackdatedTooFar",
    "BadConfig",
    "BadScope",
    "CareRelationshipOpen",
    "ConsentDenied",
    "NoConsent",
    "CredentialCheckFailed",
    "DelegateSelfGrant",
    "GrantNotLive",
    "NotCoveredByBreakGlass",
    "NotPatient",
    "NotPatientOrDelegate",
    "NotPatientOrGuardian",
    "PatientDeny",
    "Paused",
    "RateLimited",
    "UnknownCareRelationship",
    "UnknownConsent",
    "UnknownDelegate",
    "UnknownGrant",
    "UnknownRecord",
];
const START: u64 = 1_000 * DAY;
const ACCOUNTS: u8 = 6;

fn account(i: u8) -> AccountId {
    AccountId::from([i.wrapping_add(1); 32])
}
/// Patients are accounts 1 and 2 (others may be named too, rarely).
fn patient(i: u8) -> AccountId {
    account(1 + i % 2)
}

const PURPOSES: [Purpose; 3] = [
    Purpose::Treatment,
    Purpose::EmergencyTreatment,
    Purpose::Payment,
];
const CATEGORIES: [DataCategory; 3] = [
    DataCategory::LabResults,
    DataCategory::MentalHealth,
    DataCategory::Billing,
];
const RELATIONSHIPS: [Relationship; 3] = [
    Relationship::Guardian,
    Relationship::Caregiver,
    Relationship::PowerOfAttorney,
];

/// Bits 0–2 pick from [`PURPOSES`]; bit 3 adds an unknown purpose bit.
fn purposes(mask: u8) -> PurposeSet {
    let mut set = PurposeSet::of(
        &(0..3)
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| PURPOSES[b])
            .collect::<Vec<_>>(),
    );
    if mask & 8 != 0 {
        set.0 |= 1 << 7;
    }
    set
}
fn categories(mask: u8) -> DataCategories {
    DataCategories::of(
        &(0..3)
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| CATEGORIES[b])
            .collect::<Vec<_>>(),
    )
}

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    Grant {
        caller: u8,
        patient: u8,
        grantee: u8,
        deny: bool,
        purposes: u8,
        categories: u8,
        /// Start relative to now, in hours.
        from: i64,
        /// Length in hours; `None`: open-ended.
        hours: Option<u64>,
    },
    Revoke {
        caller: u8,
        id: u8,
    },
    Appoint {
        caller: u8,
        delegate: u8,
        relationship: u8,
        hours: i64,
    },
    RemoveDelegate {
        caller: u8,
        delegate: u8,
    },
    AddCare {
        caller: u8,
        patient: u8,
        provider: u8,
        from: i64,
    },
    EndCare {
        caller: u8,
        patient: u8,
        provider: u8,
    },
    Anchor {
        caller: u8,
        patient: u8,
        category: u8,
    },
    RemoveRecord {
        caller: u8,
        id: u8,
    },
    Access {
        caller: u8,
        patient: u8,
        id: u8,
        purpose: u8,
    },
    OpenBreakGlass {
        caller: u8,
        patient: u8,
    },
    Acknowledge {
        caller: u8,
        id: u8,
    },
    Close {
        caller: u8,
        id: u8,
    },
    Pause(u8),
    Unpause(u8),
    /// `caller` (past the accounts: the governor) applies break-glass settings: a window,
    /// a limit and a rate window picked from short lists (some out of range).
    BreakGlass {
        caller: u8,
        window: u8,
        max: u8,
        rate: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACCOUNTS;
    prop_oneof![
        4 => (0..6 * HOUR).prop_map(Op::Advance),
        1 => (0..5 * DAY).prop_map(Op::Advance),
        6 => (0..2 * ACCOUNTS, any::<u8>(), 0..2 * ACCOUNTS, any::<bool>(), 0..16u8, 0..8u8, backdate(-72..24i64),
              prop::option::of(0..2_000u64))
            .prop_map(|(caller, patient, grantee, deny, purposes, categories, from, hours)| {
                Op::Grant { caller, patient, grantee, deny, purposes, categories, from, hours }
            }),
        2 => (who.clone(), any::<u8>()).prop_map(|(caller, id)| Op::Revoke { caller, id }),
        2 => (who.clone(), 0..ACCOUNTS, 0..3u8, -2..500i64)
            .prop_map(|(caller, delegate, relationship, hours)| {
                Op::Appoint { caller, delegate, relationship, hours }
            }),
        1 => (who.clone(), 0..ACCOUNTS)
            .prop_map(|(caller, delegate)| Op::RemoveDelegate { caller, delegate }),
        2 => (who.clone(), any::<u8>(), 0..ACCOUNTS, backdate(-500..24i64))
            .prop_map(|(caller, patient, provider, from)| Op::AddCare { caller, patient, provider, from }),
        1 => (who.clone(), any::<u8>(), 0..ACCOUNTS)
            .prop_map(|(caller, patient, provider)| Op::EndCare { caller, patient, provider }),
        2 => (who.clone(), any::<u8>(), 0..3u8)
            .prop_map(|(caller, patient, category)| Op::Anchor { caller, patient, category }),
        1 => (who.clone(), any::<u8>()).prop_map(|(caller, id)| Op::RemoveRecord { caller, id }),
        3 => (0..2 * ACCOUNTS, any::<u8>(), any::<u8>(), 0..3u8)
            .prop_map(|(caller, patient, id, purpose)| Op::Access { caller, patient, id, purpose }),
        3 => (0..2 * ACCOUNTS, any::<u8>())
            .prop_map(|(caller, patient)| Op::OpenBreakGlass { caller, patient }),
        1 => (who.clone(), any::<u8>()).prop_map(|(caller, id)| Op::Acknowledge { caller, id }),
        1 => (who.clone(), any::<u8>()).prop_map(|(caller, id)| Op::Close { caller, id }),
        1 => (0..ACCOUNTS).prop_map(Op::Pause),
        1 => (0..2 * ACCOUNTS).prop_map(Op::Unpause),
        1 => (0..2 * ACCOUNTS, 0..4u8, 0..4u8, 0..4u8)
            .prop_map(|(caller, window, max, rate)| Op::BreakGlass { caller, window, max, rate }),
    ]
}

// ------------------------------------------------------------------------ the model

/// An access-log entry: (accessor, time, purpose, record, grant).
type LogEntry = (AccountId, u64, Purpose, Option<u64>, Option<u64>);

/// A delegation term by (patient, delegate, serial).
type TermKey = (AccountId, AccountId, u32);

#[derive(Debug, Clone)]
struct MConsent {
    patient: AccountId,
    grantee: AccountId,
    deny: bool,
    purposes: PurposeSet,
    categories: DataCategories,
    from: u64,
    until: Option<u64>,
    recorded_by: AccountId,
    recorded_at: u64,
    revoked_at: Option<u64>,
    term: Option<TermKey>,
}

#[derive(Debug, Clone)]
struct MCare {
    patient: AccountId,
    provider: AccountId,
    from: u64,
    ended_at: Option<u64>,
    term: Option<TermKey>,
}

#[derive(Debug, Clone, Copy)]
struct MDelegate {
    relationship: Relationship,
    appointed_at: u64,
    expires_at: u64,
    serial: u32,
}

#[derive(Debug, Clone, Copy)]
struct MGrant {
    patient: AccountId,
    opened_at: u64,
    expires_at: u64,
    closed_at: Option<u64>,
    acknowledged: bool,
}

impl MGrant {
    fn live(&self, t: u64) -> bool {
        self.opened_at <= t && t < self.expires_at && self.closed_at.is_none_or(|c| t < c)
    }
}

struct Model {
    governor: AccountId,
    now: u64,
    paused: bool,
    consents: Vec<MConsent>,
    care: Vec<MCare>,
    /// Present delegations by (patient, delegate), in appointment order per patient.
    delegates: BTreeMap<(AccountId, AccountId), MDelegate>,
    terms: BTreeMap<TermKey, (u64, u64)>,
    last_serial: BTreeMap<(AccountId, AccountId), u32>,
    /// (patient, category), `None` once removed.
    records: Vec<Option<(AccountId, DataCategory)>>,
    grants: Vec<MGrant>,
    live_grant: BTreeMap<(AccountId, AccountId), usize>,
    /// Every break-glass opening time per clinician.
    /// Every break-glass opening per clinician, with the limit and window then in force.
    openings: BTreeMap<AccountId, Vec<(u64, u32, u64)>>,
    /// The break-glass settings in force.
    config: Config,
    /// (accessor, time, purpose, record, grant) per patient.
    logs: BTreeMap<AccountId, Vec<LogEntry>>,
    /// The stand-in licences: clinician -> (from, until).
    licensed: BTreeMap<AccountId, (u64, u64)>,
}

impl Model {
    fn term_covers(&self, term: Option<TermKey>, t: u64) -> bool {
        term.is_none_or(|key| {
            self.terms
                .get(&key)
                .is_some_and(|(from, until)| *from <= t && t < *until)
        })
    }

    fn in_force(&self, c: &MConsent, t: u64) -> bool {
        let start = if c.deny {
            c.from.max(c.recorded_at)
        } else {
            c.from
        };
        let end = [c.until, c.revoked_at].into_iter().flatten().min();
        start <= t && end.is_none_or(|e| t < e) && self.term_covers(c.term, t)
    }

    fn decide(
        &self,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        category: DataCategory,
        t: u64,
    ) -> Result<()> {
        let applicable: Vec<&MConsent> = self
            .consents
            .iter()
            .filter(|c| c.patient == patient && c.grantee == grantee)
            .filter(|c| c.purposes.contains(purpose) && c.categories.contains(category))
            .filter(|c| self.in_force(c, t))
            .collect();
        if applicable.iter().any(|c| c.deny) {
            Err(Error::ConsentDenied)
        } else if applicable.is_empty() {
            Err(Error::NoConsent)
        } else {
            Ok(())
        }
    }

    fn has_care(&self, patient: AccountId, provider: AccountId, t: u64) -> bool {
        self.care.iter().any(|c| {
            c.patient == patient
                && c.provider == provider
                && c.from <= t
                && c.ended_at.is_none_or(|e| t < e)
                && self.term_covers(c.term, t)
        })
    }

    /// The caller acting for `patient`: itself, or a live delegate (with its term).
    fn actor(&self, caller: AccountId, patient: AccountId) -> Result<Option<TermKey>> {
        if caller == patient {
            return Ok(None);
        }
        match self.delegates.get(&(patient, caller)) {
            Some(d) if d.appointed_at <= self.now && self.now < d.expires_at => {
                Ok(Some((patient, caller, d.serial)))
            }
            _ => Err(Error::NotPatientOrDelegate),
        }
    }

    fn not_paused(&self) -> Result<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    fn log(&mut self, patient: AccountId, entry: LogEntry) -> u32 {
        let log = self.logs.entry(patient).or_default();
        log.push(entry);
        (log.len() - 1) as u32
    }
}

/// An id an op's `pick` names among `len` existing ones (1-based), or the next unknown one.
fn pick(len: usize, id: u8) -> u64 {
    1 + u64::from(id) % (len as u64 + 1)
}

/// Hours from now: mostly from `near`, sometimes around the back-dating bound.
fn backdate(near: std::ops::Range<i64>) -> impl Strategy<Value = i64> {
    let bound = (MAX_BACKDATE / HOUR) as i64;
    prop_oneof![20 => near, 1 => -bound - 100..-bound + 2]
}

fn offset(t: u64, hours: i64) -> u64 {
    t.saturating_add_signed(hours * HOUR as i64)
}

fn step(c: &mut ConsentRegistry, m: &mut Model, op: &Op) -> (String, String) {
    let set_caller = |who: u8| test::set_caller::<Env>(account(who));
    let s = |r: &dyn std::fmt::Debug| format!("{r:?}");
    match *op {
        Op::Advance(dt) => {
            m.now += dt;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::Grant {
            caller,
            patient: p,
            grantee,
            deny,
            purposes: pm,
            categories: cm,
            from,
            hours,
        } => {
            // Past the accounts: a delegate of the patient (if one was ever appointed),
            // and as grantee the caller itself.
            let caller = if caller < ACCOUNTS {
                caller
            } else {
                (0..ACCOUNTS)
                    .find(|d| m.delegates.contains_key(&(patient(p), account(*d))))
                    .unwrap_or(caller % ACCOUNTS)
            };
            let grantee = if grantee < ACCOUNTS { grantee } else { caller };
            let request = ConsentRequest {
                patient: patient(p),
                grantee: account(grantee),
                kind: if deny {
                    ConsentKind::Deny
                } else {
                    ConsentKind::Permit
                },
                purposes: purposes(pm),
                categories: categories(cm),
                valid_from: offset(m.now, from),
                valid_until: hours.map(|h| offset(m.now, from) + h * HOUR),
            };
            set_caller(caller);
            let got = c.grant(request.clone());
            let who = account(caller);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let term = m.actor(who, request.patient)?;
                if request.purposes.is_empty()
                    || request.purposes.0 >> 6 != 0
                    || request.categories.is_empty()
                {
                    return Err(Error::BadScope);
                }
                if request.valid_from < m.now.saturating_sub(MAX_BACKDATE) {
                    return Err(Error::BackdatedTooFar);
                }
                let mut until = request.valid_until;
                if let Some(key) = term {
                    if !deny && request.grantee == who {
                        return Err(Error::DelegateSelfGrant);
                    }
                    let term_end = m.terms[&key].1;
                    until = Some(until.map_or(term_end, |u| u.min(term_end)));
                }
                if let Some(u) = until {
                    if u <= request.valid_from || u <= m.now {
                        return Err(Error::BadPeriod);
                    }
                }
                let open = m
                    .consents
                    .iter()
                    .filter(|c| c.patient == request.patient && c.grantee == request.grantee)
                    .filter(|c| c.until.is_none() && c.revoked_at.is_none())
                    .count();
                if until.is_none() && open >= MAX_OPEN {
                    return Err(Error::TooManyConsents);
                }
                m.consents.push(MConsent {
                    patient: request.patient,
                    grantee: request.grantee,
                    deny,
                    purposes: request.purposes,
                    categories: request.categories,
                    from: request.valid_from,
                    until,
                    recorded_by: who,
                    recorded_at: m.now,
                    revoked_at: None,
                    term,
                });
                Ok(m.consents.len() as u64)
            })();
            (s(&got), s(&want))
        }
        Op::Revoke { caller, id } => {
            let id = pick(m.consents.len(), id);
            set_caller(caller);
            let got = c.revoke(id);
            let want = (|| -> Result<_> {
                let index = (id - 1) as usize;
                let consent = m.consents.get(index).ok_or(Error::UnknownConsent)?;
                let term = m.actor(account(caller), consent.patient)?;
                if term.is_some() && consent.deny && consent.recorded_by == consent.patient {
                    return Err(Error::PatientDeny);
                }
                if consent.revoked_at.is_some() {
                    return Err(Error::AlreadyRevoked);
                }
                m.consents[index].revoked_at = Some(m.now);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Appoint {
            caller,
            delegate,
            relationship,
            hours,
        } => {
            let (who, delegate) = (account(caller), account(delegate));
            let relationship = RELATIONSHIPS[usize::from(relationship)];
            let expires = offset(m.now, hours);
            set_caller(caller);
            let got = c.appoint_delegate(delegate, relationship, expires);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                if expires <= m.now {
                    return Err(Error::BadPeriod);
                }
                let pair = (who, delegate);
                let now = m.now;
                let live = m
                    .delegates
                    .get(&pair)
                    .filter(|d| d.appointed_at <= now && now < d.expires_at)
                    .copied();
                let current = match live {
                    Some(d) => d,
                    None => {
                        let present = m.delegates.keys().filter(|(p, _)| *p == who).count();
                        if !m.delegates.contains_key(&pair) && present >= MAX_DELEGATES as usize {
                            return Err(Error::TooManyDelegates);
                        }
                        let serial = m.last_serial.get(&pair).copied().unwrap_or(0) + 1;
                        m.last_serial.insert(pair, serial);
                        MDelegate {
                            relationship,
                            appointed_at: now,
                            expires_at: expires,
                            serial,
                        }
                    }
                };
                let updated = MDelegate {
                    relationship,
                    expires_at: expires,
                    ..current
                };
                m.terms.insert(
                    (who, delegate, updated.serial),
                    (updated.appointed_at, expires),
                );
                m.delegates.insert(pair, updated);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::RemoveDelegate { caller, delegate } => {
            let (who, delegate) = (account(caller), account(delegate));
            set_caller(caller);
            let got = c.remove_delegate(delegate);
            let want = (|| -> Result<()> {
                let removed = m
                    .delegates
                    .remove(&(who, delegate))
                    .ok_or(Error::UnknownDelegate)?;
                if let Some(term) = m.terms.get_mut(&(who, delegate, removed.serial)) {
                    term.1 = term.1.min(m.now);
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::AddCare {
            caller,
            patient: p,
            provider,
            from,
        } => {
            let (p, provider, from) = (patient(p), account(provider), offset(m.now, from));
            set_caller(caller);
            let got = c.add_care_provider(p, provider, from);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let term = m.actor(account(caller), p)?;
                if term.is_some() && provider == account(caller) {
                    return Err(Error::DelegateSelfGrant);
                }
                if from < m.now.saturating_sub(MAX_BACKDATE) {
                    return Err(Error::BackdatedTooFar);
                }
                let open = m
                    .care
                    .iter()
                    .any(|c| c.patient == p && c.provider == provider && c.ended_at.is_none());
                if open {
                    return Err(Error::CareRelationshipOpen);
                }
                m.care.push(MCare {
                    patient: p,
                    provider,
                    from,
                    ended_at: None,
                    term,
                });
                Ok(m.care.len() as u64)
            })();
            (s(&got), s(&want))
        }
        Op::EndCare {
            caller,
            patient: p,
            provider,
        } => {
            let (p, provider) = (patient(p), account(provider));
            set_caller(caller);
            let got = c.end_care(p, provider);
            let want = (|| -> Result<()> {
                m.actor(account(caller), p)?;
                let now = m.now;
                let open = m
                    .care
                    .iter_mut()
                    .find(|c| c.patient == p && c.provider == provider && c.ended_at.is_none())
                    .ok_or(Error::UnknownCareRelationship)?;
                open.ended_at = Some(now);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Anchor {
            caller,
            patient: p,
            category,
        } => {
            let (p, category) = (patient(p), CATEGORIES[usize::from(category)]);
            set_caller(caller);
            let got = c.anchor_record(p, category, Hash::from([1; 32]), Hash::from([2; 32]));
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let who = account(caller);
                if who != p {
                    m.decide(p, who, Purpose::Treatment, category, m.now)?;
                }
                m.records.push(Some((p, category)));
                Ok(m.records.len() as u64)
            })();
            (s(&got), s(&want))
        }
        Op::RemoveRecord { caller, id } => {
            let id = pick(m.records.len(), id);
            set_caller(caller);
            let got = c.remove_record(id);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let index = (id - 1) as usize;
                let (owner, _) = m
                    .records
                    .get(index)
                    .copied()
                    .flatten()
                    .ok_or(Error::UnknownRecord)?;
                if owner != account(caller) {
                    return Err(Error::NotPatient);
                }
                m.records[index] = None;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Access {
            caller,
            patient: p,
            id,
            purpose,
        } => {
            // Past the accounts: clinician 3, for emergency treatment.
            let (caller, purpose) = if caller < ACCOUNTS {
                (caller, purpose)
            } else {
                (3, 1)
            };
            let (p, purpose) = (patient(p), PURPOSES[usize::from(purpose)]);
            let id = pick(m.records.len(), id);
            set_caller(caller);
            let got = c.access_record(p, id, purpose);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let who = account(caller);
                let category = m
                    .records
                    .get((id - 1) as usize)
                    .copied()
                    .flatten()
                    .filter(|(owner, _)| *owner == p)
                    .ok_or(Error::UnknownRecord)?
                    .1;
                let mut emergency = None;
                if who != p {
                    let consent = m.decide(p, who, purpose, category, m.now);
                    if consent.is_err() && purpose == Purpose::EmergencyTreatment {
                        emergency = m
                            .live_grant
                            .get(&(who, p))
                            .filter(|g| m.grants[**g].live(m.now))
                            .map(|g| *g as u64 + 1);
                        if emergency.is_some() && category == DataCategory::MentalHealth {
                            return Err(Error::NotCoveredByBreakGlass);
                        }
                    }
                    if emergency.is_none() {
                        consent?;
                    }
                }
                let now = m.now;
                Ok(m.log(p, (who, now, purpose, Some(id), emergency)))
            })();
            (s(&got), s(&want))
        }
        Op::OpenBreakGlass { caller, patient: p } => {
            // Past the accounts: clinician 3.
            let caller = if caller < ACCOUNTS { caller } else { 3 };
            let p = patient(p);
            set_caller(caller);
            let got = c.open_break_glass(p, 1);
            let want = (|| -> Result<_> {
                m.not_paused()?;
                let who = account(caller);
                let now = m.now;
                let config = m.config;
                // Every opening counts, whatever the settings were when it was made.
                let recent = m.openings.get(&who).map_or(0, |o| {
                    o.iter()
                        .filter(|(t, ..)| *t + config.rate_window > now)
                        .count()
                });
                if recent >= config.max_per_window as usize {
                    return Err(Error::RateLimited);
                }
                let licensed = m
                    .licensed
                    .get(&who)
                    .is_some_and(|(from, until)| *from <= now && now < *until);
                if !licensed {
                    return Err(Error::CredentialCheckFailed);
                }
                m.openings.entry(who).or_default().push((
                    now,
                    config.max_per_window,
                    config.rate_window,
                ));
                m.grants.push(MGrant {
                    patient: p,
                    opened_at: now,
                    expires_at: now + config.break_glass_window,
                    closed_at: None,
                    acknowledged: false,
                });
                let id = m.grants.len() as u64;
                m.live_grant.insert((who, p), m.grants.len() - 1);
                m.log(p, (who, now, Purpose::EmergencyTreatment, None, Some(id)));
                Ok(id)
            })();
            (s(&got), s(&want))
        }
        Op::Acknowledge { caller, id } => {
            let id = pick(m.grants.len(), id);
            set_caller(caller);
            let got = c.acknowledge_break_glass(id);
            let want = (|| -> Result<_> {
                let index = (id - 1) as usize;
                let grant = *m.grants.get(index).ok_or(Error::UnknownGrant)?;
                let who = account(caller);
                let now = m.now;
                let guardian = m.delegates.get(&(grant.patient, who)).is_some_and(|d| {
                    d.appointed_at <= now
                        && now < d.expires_at
                        && d.relationship == Relationship::Guardian
                });
                if who != grant.patient && !guardian {
                    return Err(Error::NotPatientOrGuardian);
                }
                if grant.acknowledged {
                    return Err(Error::AlreadyAcknowledged);
                }
                m.grants[index].acknowledged = true;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Close { caller, id } => {
            let id = pick(m.grants.len(), id);
            set_caller(caller);
            let got = c.close_break_glass(id);
            let want = (|| -> Result<_> {
                let index = (id - 1) as usize;
                let grant = *m.grants.get(index).ok_or(Error::UnknownGrant)?;
                m.actor(account(caller), grant.patient)?;
                if !grant.live(m.now) {
                    return Err(Error::GrantNotLive);
                }
                m.grants[index].closed_at = Some(m.now);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::BreakGlass {
            caller,
            window,
            max,
            rate,
        } => {
            let caller = if caller < ACCOUNTS { caller } else { 0 };
            let config = Config {
                break_glass_window: [HOUR, 4 * HOUR, 7 * DAY, 8 * DAY][usize::from(window)],
                max_per_window: [0, 1, 3, MAX_RATE][usize::from(max)],
                rate_window: [HOUR, DAY, 7 * DAY, 30 * DAY + 1][usize::from(rate)],
            };
            set_caller(caller);
            let got = c.apply(Gov::BreakGlass(
                config.break_glass_window,
                config.max_per_window,
                config.rate_window,
            ));
            let want = if account(caller) != m.governor {
                Err(ApplyError::NotGovernor)
            } else if m.paused {
                Err(ApplyError::Paused)
            } else if !((HOUR..=7 * DAY).contains(&config.break_glass_window)
                && (1..=16).contains(&config.max_per_window)
                && (HOUR..=30 * DAY).contains(&config.rate_window))
            {
                healthcare_traits::testing::reached(CONTRACT, "BadConfig");
                Err(ApplyError::Invalid)
            } else {
                m.config = config;
                Ok(())
            };
            (format!("{got:?}"), format!("{want:?}"))
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
    }
}

/// Compares the consent and care answers at `times`, the access logs (and that they only
/// grew since `log_lengths`) and the live break-glass grants.
fn compare(
    c: &ConsentRegistry,
    m: &Model,
    times: &[u64],
    log_lengths: &mut BTreeMap<AccountId, u32>,
) -> std::result::Result<(), String> {
    if c.paused() != m.paused {
        return Err(format!("paused() {} != {}", c.paused(), m.paused));
    }
    for p in [patient(0), patient(1)] {
        // Which of every account the patient consents to, in one question (now).
        let everyone: Vec<AccountId> = (0..ACCOUNTS).map(account).collect();
        for &t in times.iter().filter(|t| **t == m.now) {
            for purpose in PURPOSES {
                for category in CATEGORIES {
                    let got = ConsentVerifier::has_consent_each(
                        c,
                        p,
                        everyone.clone(),
                        purpose,
                        category,
                        t,
                    );
                    let want: Vec<bool> = everyone
                        .iter()
                        .map(|g| m.decide(p, *g, purpose, category, t).is_ok())
                        .collect();
                    if got != want {
                        return Err(format!(
                            "has_consent_each({p:?}, {purpose:?}, {category:?}, {t}): {got:?} != {want:?}"
                        ));
                    }
                }
            }
        }
        for other in (0..ACCOUNTS).map(account) {
            for &t in times {
                for purpose in PURPOSES {
                    for category in CATEGORIES {
                        let got = c.check_consent(p, other, purpose, category, t);
                        let want = m.decide(p, other, purpose, category, t);
                        // `has_consent` is `check_consent(..).is_ok()`: asked at the present.
                        let has =
                            (t == m.now).then(|| c.has_consent(p, other, purpose, category, t));
                        if got != want || has.is_some_and(|h| h != want.is_ok()) {
                            return Err(format!(
                                "check_consent({p:?}, {other:?}, {purpose:?}, {category:?}, {t}): {got:?} != {want:?}"
                            ));
                        }
                    }
                }
                let (got, want) = (
                    c.has_care_relationship(p, other, t),
                    m.has_care(p, other, t),
                );
                if got != want {
                    return Err(format!(
                        "has_care_relationship({p:?}, {other:?}, {t}): {got} != {want}"
                    ));
                }
                // What other contracts ask (ConsentVerifier): every category of a set,
                // and a claim's two answers (payment consent for billing data to the
                // payer, a care relationship with the provider).
                for purpose in PURPOSES {
                    let set = &CATEGORIES[..2];
                    let got = ConsentVerifier::has_consent_all(
                        c,
                        p,
                        other,
                        purpose,
                        DataCategories::of(set),
                        t,
                    );
                    let want = set
                        .iter()
                        .all(|k| m.decide(p, other, purpose, *k, t).is_ok());
                    if got != want {
                        return Err(format!(
                            "has_consent_all({p:?}, {other:?}, {purpose:?}, {set:?}, {t}): {got} != {want}"
                        ));
                    }
                }
                let query = ClaimConsentQuery {
                    patient: p,
                    payer: other,
                    provider: account(3),
                    at: t,
                };
                let got = ConsentVerifier::claim_consent_each(c, vec![query]);
                let want = vec![ClaimConsent {
                    care_relationship: m.has_care(p, account(3), t),
                    payment_consent: m
                        .decide(p, other, Purpose::Payment, DataCategory::Billing, t)
                        .is_ok(),
                }];
                if got != want {
                    return Err(format!(
                        "claim_consent_each({query:?}): {got:?} != {want:?}"
                    ));
                }
            }
            // A delegate in force now (or the patient itself).
            let got = ConsentVerifier::acts_for_now(c, p, other);
            let want = other == p
                || m.delegates
                    .get(&(p, other))
                    .is_some_and(|d| d.appointed_at <= m.now && m.now < d.expires_at);
            if got != want {
                return Err(format!("acts_for_now({p:?}, {other:?}): {got} != {want}"));
            }
            let live = c.live_break_glass(other, p);
            let want = m
                .live_grant
                .get(&(other, p))
                .filter(|g| m.grants[**g].live(m.now))
                .map(|g| *g as u64 + 1);
            if live != want {
                return Err(format!(
                    "live_break_glass({other:?}, {p:?}): {live:?} != {want:?}"
                ));
            }
        }
        let count = c.access_count_of(p);
        let previous = log_lengths.insert(p, count).unwrap_or(0);
        if count < previous {
            return Err(format!(
                "the access log of {p:?} shrank: {previous} -> {count}"
            ));
        }
        let want = m.logs.get(&p).cloned().unwrap_or_default();
        if count as usize != want.len() {
            return Err(format!(
                "access log of {p:?}: {count} entries, model {}",
                want.len()
            ));
        }
        let tail = count.saturating_sub(3);
        for (entry, w) in c.access_log(p, tail, 3).iter().zip(&want[tail as usize..]) {
            if (
                entry.accessor,
                entry.at,
                entry.purpose,
                entry.record,
                entry.emergency,
            ) != *w
            {
                return Err(format!("access log entry {entry:?} != {w:?}"));
            }
        }
    }
    // Break-glass rate limit: no opening made more than the limit then in force within
    // the window then in force (counting every opening before it).
    for times in m.openings.values() {
        for (i, (t, max, window)) in times.iter().enumerate() {
            let in_window = times[..=i]
                .iter()
                .filter(|(s, ..)| *s + *window > *t)
                .count();
            if in_window > *max as usize {
                return Err(format!("{in_window} break-glass openings in one window"));
            }
        }
    }
    if c.config() != m.config {
        return Err(format!("config {:?} != {:?}", c.config(), m.config));
    }
    Ok(())
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        crate::tests::forget_licences();
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let c = ConsentRegistry::new(account(0), account(5)).expect("new");
        let mut m = Model {
            governor: account(0),
            now: START,
            paused: false,
            consents: Vec::new(),
            care: Vec::new(),
            delegates: BTreeMap::new(),
            terms: BTreeMap::new(),
            last_serial: BTreeMap::new(),
            records: Vec::new(),
            grants: Vec::new(),
            live_grant: BTreeMap::new(),
            openings: BTreeMap::new(),
            config: Config::DEFAULT,
            logs: BTreeMap::new(),
            licensed: BTreeMap::new(),
        };
        // Account 3: a medical licence for 120 days; 4: a nursing licence for 400 days;
        // 5: a pharmacist (not a clinician) for ever.
        for (who, kind, days) in [
            (3, CredentialKind::MedicalLicence, 120),
            (4, CredentialKind::NursingLicence, 400),
            (5, CredentialKind::PharmacistLicence, 100_000),
        ] {
            let until = START + days * DAY;
            crate::tests::licence(account(who), kind, START, until);
            if kind != CredentialKind::PharmacistLicence {
                m.licensed.insert(account(who), (START, until));
            }
        }
        let mut log_lengths = BTreeMap::new();
        let mut state = (c, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(c, m), op| step(c, m, op),
            |(c, m), n| {
                let probes = [m.now, m.now - (n as u64 % 72) * HOUR];
                compare(c, m, &probes, &mut log_lengths)
            },
            // Revocations, the end of care, a delegate's removal and break-glass review.
            |(c, _), op| {
                c.paused()
                    && matches!(
                        op,
                        Op::Revoke { .. }
                            | Op::EndCare { .. }
                            | Op::RemoveDelegate { .. }
                            | Op::Acknowledge { .. }
                            | Op::Close { .. }
                    )
            },
        )?;
        let (c, m) = state;
        // Every boundary of every consent, care relationship and delegation term.
        let mut times: Vec<u64> = Vec::new();
        for consent in &m.consents {
            times.extend([consent.from, consent.recorded_at]);
            times.extend(consent.until.into_iter().chain(consent.revoked_at));
        }
        for care in &m.care {
            times.extend(std::iter::once(care.from).chain(care.ended_at));
        }
        for (from, until) in m.terms.values() {
            times.extend([*from, *until]);
        }
        let mut times: Vec<u64> = times
            .into_iter()
            .flat_map(|t| [t.saturating_sub(1), t])
            .collect();
        times.sort_unstable();
        times.dedup();
        compare(&c, &m, &times, &mut log_lengths).map_err(|e| format!("at the end: {e}"))?;
        Ok(())
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_consent_registry(ops in prop::collection::vec(op(), OPS)) {
        run(&ops)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
