//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test: random sequences of plans, fee schedules, enrolments,
//! adjusters, funding, withdrawals, claims submitted singly and in batches (`submit_claims`,
//! with references used before among them; some above the review threshold, some
//! emergencies, duplicates, unknown procedures, late filings, claims by strangers and by
//! licensed providers the member never named, CPT 99454 device supply lines, lines with
//! too many units or absurd amounts), reviews, appeals (also of strangers' claims),
//! settlements oldest first and pauses, by random callers, while the peers' answers
//! change (licences, payment consents, care relationships and monitored days granted for
//! windows that start and end, peers that fail) and time moves forward. Run against the contract
//! (off-chain engine, peer stand-ins) and against [`Model`], a reference written plainly:
//! plans with their ledgers, claims with their lines, a set of held services, the
//! accumulators, and its own statement of the pricing rule.
//!
//! After every call the contract's answer (value or typed error) must equal the model's,
//! every claim must equal the model's claim, and the invariants hold: `escrow == funded −
//! withdrawn − paid`; `owed` and `reserved` equal the sums over claim statuses; the
//! contract's balance covers all escrows (`total_escrow` is their sum); no service is held
//! (payable) by two claims; no member holds two CPT 99454 lines less than 30 days apart;
//! what a claim reserves is never more than its lines' allowed amount; owed claims are
//! settled in the order they became owed; accumulators never exceed the deductible and the
//! out-of-pocket maximum and equal the sums over the claims that hold them; every line
//! balances (billed = payer share + adjustments).
//!
//! proptest shrinks a failing sequence and stores its seed under `proptest-regressions/`,
//! replayed first on the next run. The sequences come from a fixed seed unless
//! `MODEL_SEED` names another (`scripts/fuzz.sh`); `PROPTEST_CASES` sets their number.
//! A run fails, too, when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::claims_adjudication::*;
use crate::tests::{
    care, consent_fails, credentials_fail, forget_peers, licence, payment_consent, Window, ED,
};
use crate::{FULL_BPS, PLAN_YEAR};
use healthcare_traits::testing::prop::{config, finish, off_chain};
use healthcare_traits::testing::{drive, pause_model, reached, EXIT_WHILE_PAUSED};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, Governed, PeerError, PeerRole, DAY,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Sequences per run: 20 × 500 = 10 000 operations.
const CASES: u32 = 20;
const OPS: usize = 500;
const CONTRACT: &str = "claims_adjudication";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "Paid",
    "ApprovedUnfunded",
    "PendingReview",
    "Denied",
    "UnderAppeal",
    "Duplicate",
    "NotCovered",
    "ExceedsFeeSchedule",
    "Deductible",
    "Copay",
    "Coinsurance",
    "NotInsured",
    "BeforeCoverage",
    "ConsentAbsent",
    "NoCareRelationship",
    "ProviderNotEligible",
    "TimelyFiling",
    "NotMedicallyNecessary",
    "NotPayer",
    "NotAdjuster",
    "NotSubmitter",
    "NotProvider",
    "NotPendingReview",
    "NotAppealed",
    "AlreadyAppealed",
    "NotUnfunded",
    "InsufficientEscrow",
    "Paused",
    "CredentialContractTrapped",
    "ConsentContractUnreachable",
    "TooManyUnits",
    "InvalidLine",
    "NotAdmitted",
    "NotFirstOwed",
    RELAYED,
    RECHECKED,
    "PeriodMaximum",
    "MonitoringDaysNotMet",
    "ReferenceUsed",
    "Voided",
    "NotVoidable",
    "ReplacementMismatch",
    "ReplacementDenied",
];
/// The most units a line of the model's plans may bill.
const MAX_UNITS: u32 = 3;
const START: u64 = 3_000 * DAY;
const ACCOUNTS: u8 = 9;
/// A claim a relay the provider named (not the provider) submitted, recorded.
const RELAYED: &str = "Relayed";
/// A replacement of a claim a person denied, recorded (and sent to review).
const RECHECKED: &str = "Rechecked";

/// 0 the governor; 1, 2 payers; 3, 4 providers; 5, 6 members; 7 adjuster; 8 stranger.
fn account(i: u8) -> AccountId {
    // (Not [1; 32]: the off-chain engine's contract account.)
    AccountId::from([i.wrapping_add(0x11); 32])
}
fn member(i: u8) -> AccountId {
    account(5 + i % 2)
}

const PROCEDURES: [ProcedureCode; 5] = [
    *b"99213",
    *b"71046",
    *b"80053",
    *b"G0008",
    healthcare_traits::monitoring::DEVICE_SUPPLY_CODE,
];
const SUPPLY: ProcedureCode = healthcare_traits::monitoring::DEVICE_SUPPLY_CODE;
/// Index 5: a malformed code.
fn procedure(i: u8) -> ProcedureCode {
    PROCEDURES.get(usize::from(i)).copied().unwrap_or(*b"ab-12")
}

type BatchClaim = (u8, u8, u8, i64, bool, Vec<(u8, u128, u32)>, Option<u8>);

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    CreatePlan {
        caller: u8,
        deductible: u128,
        copay: u128,
        bps: u16,
        oop: u128,
        filing_days: u64,
        threshold: u128,
    },
    SetFee {
        caller: u8,
        plan: u8,
        procedure: u8,
        fee: Option<u128>,
    },
    Enroll {
        caller: u8,
        plan: u8,
        member: u8,
        start: i64,
        days: Option<u64>,
    },
    Adjuster {
        caller: u8,
        plan: u8,
        adjuster: u8,
        add: bool,
    },
    Fund {
        caller: u8,
        plan: u8,
        amount: u128,
    },
    Withdraw {
        caller: u8,
        plan: u8,
        amount: u128,
    },
    Submit {
        /// Past the accounts: the provider itself; past twice: the plan's payer.
        caller: u8,
        plan: u8,
        member: u8,
        provider: u8,
        days_ago: i64,
        emergency: bool,
        lines: Vec<(u8, u128, u32)>,
    },
    /// `submit_claims`: (plan, member, provider, days ago, emergency, lines, reference).
    SubmitBatch {
        caller: u8,
        claims: Vec<BatchClaim>,
    },
    /// Void of a claim by `caller` (from ACCOUNTS: its provider; from 2 × ACCOUNTS: its
    /// submitter).
    Void {
        caller: u8,
        claim: u8,
    },
    /// Replacement of a claim with `lines` by `caller` (as for `Void`), mostly for the
    /// original's plan, provider, member and service date (`differs`: 1 another plan, 2
    /// another provider, 3 another member, 4 another date).
    Replace {
        caller: u8,
        claim: u8,
        differs: u8,
        lines: Vec<(u8, u128, u32)>,
        reference: Option<u8>,
    },
    /// `provider` lets `corrector` void and replace the claims it submitted, or not.
    SetCorrector {
        provider: u8,
        corrector: u8,
        allowed: bool,
    },
    Review {
        caller: u8,
        claim: u8,
        approve: bool,
    },
    Appeal {
        caller: u8,
        claim: u8,
    },
    DecideAppeal {
        caller: u8,
        claim: u8,
        overturn: bool,
    },
    Settle {
        caller: u8,
        claim: u8,
    },
    /// Peer answers change: a licence of `kind` for `who`, a payment consent or a care
    /// relationship of a member, over a window relative to now (days).
    Licence {
        who: u8,
        kind: u8,
        from: i64,
        days: u64,
    },
    Payment {
        member: u8,
        payer: u8,
        from: i64,
        days: u64,
    },
    Care {
        member: u8,
        provider: u8,
        from: i64,
        days: u64,
    },
    /// remote_monitoring now reports `days` days with data of a member from the devices
    /// a provider paired.
    Monitored {
        member: u8,
        provider: u8,
        days: u32,
    },
    /// A peer starts or stops failing (trapping or unreachable) for one account.
    PeerFails {
        consent: bool,
        who: u8,
        error: Option<bool>,
    },
    Pause(u8),
    Unpause(u8),
    /// `caller` (past the accounts: the governor) points the peer of `role` (0
    /// credentials, 1 consent, 2 monitoring) at account `to`.
    SetPeer {
        caller: u8,
        role: u8,
        to: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACCOUNTS;
    // Mostly plan 1 (the one the prefix sets up), sometimes one that may not exist.
    let plan = prop_oneof![3 => Just(1u8), 1 => 0..4u8];
    let claim = any::<u8>();
    // Mostly valid lines: a malformed code, a zero amount, an amount past the bound, zero
    // units or more units than the plan allows now and then.
    let line = (
        prop_oneof![30 => 0..5u8, 1 => Just(5u8)],
        prop_oneof![30 => 1..3_000u128, 1 => Just(0u128), 1 => Just(u128::MAX - 1)],
        prop_oneof![30 => 1..=MAX_UNITS, 1 => Just(0u32), 1 => Just(MAX_UNITS + 1)],
    );
    prop_oneof![
        3 => (0..3 * DAY).prop_map(Op::Advance),
        1 => (who.clone(), 0..600u128, 0..50u128, 0..10_200u16, 0..1_500u128, 0..120u64, 0..3_000u128)
            .prop_map(|(caller, deductible, copay, bps, oop, filing_days, threshold)| Op::CreatePlan {
                caller, deductible, copay, bps, oop, filing_days, threshold,
            }),
        2 => (who.clone(), plan.clone(), 0..6u8, prop::option::weighted(0.9, 0..600u128))
            .prop_map(|(caller, plan, procedure, fee)| Op::SetFee { caller, plan, procedure, fee }),
        2 => (who.clone(), plan.clone(), any::<u8>(), -200..10i64, prop::option::weighted(0.3, 0..400u64))
            .prop_map(|(caller, plan, member, start, days)| Op::Enroll { caller, plan, member, start, days }),
        1 => (who.clone(), plan.clone(), who.clone(), any::<bool>())
            .prop_map(|(caller, plan, adjuster, add)| Op::Adjuster { caller, plan, adjuster, add }),
        2 => (who.clone(), plan.clone(), 0..6_000u128)
            .prop_map(|(caller, plan, amount)| Op::Fund { caller, plan, amount }),
        // Mostly the first plan's payer, often an amount its free escrow covers (so that
        // withdrawals succeed, also while paused).
        2 => (prop_oneof![2 => Just(1u8), 1 => who.clone()], plan.clone(),
              prop_oneof![1 => 0..4_000u128, 2 => 1..150u128])
            .prop_map(|(caller, plan, amount)| Op::Withdraw { caller, plan, amount }),
        // Mostly member 5 (enrolled, consenting, provider 3's patient) within the filing
        // window, so that claims get past admission; the rest anywhere.
        8 => (0..3 * ACCOUNTS, plan.clone(), prop_oneof![2 => Just(0u8), 1 => any::<u8>()],
              prop_oneof![3 => Just(3u8), 1 => Just(4), 1 => Just(8)],
              prop_oneof![3 => 0..60i64, 1 => -1..150i64], prop::bool::weighted(0.2),
              prop::collection::vec(line.clone(), 0..5))
            .prop_map(|(caller, plan, member, provider, days_ago, emergency, lines)| Op::Submit {
                caller, plan, member, provider, days_ago, emergency, lines,
            }),
        // Batches of the same kinds of claims, mostly of provider 3 (who then submits them
        // all), some with a reference used before.
        3 => (0..3 * ACCOUNTS, prop::collection::vec(
                (plan, prop_oneof![2 => Just(0u8), 1 => any::<u8>()],
                 prop_oneof![6 => Just(3u8), 1 => Just(4), 1 => Just(8)],
                 prop_oneof![3 => 0..60i64, 1 => -1..150i64], prop::bool::weighted(0.2),
                 prop::collection::vec(line.clone(), 0..4), prop::option::weighted(0.5, 0..3u8)),
                0..5))
            .prop_map(|(caller, claims)| Op::SubmitBatch { caller, claims }),
        3 => (0..2 * ACCOUNTS, claim, any::<bool>())
            .prop_map(|(caller, claim, approve)| Op::Review { caller, claim, approve }),
        2 => (0..2 * ACCOUNTS, claim).prop_map(|(caller, claim)| Op::Appeal { caller, claim }),
        2 => (0..3 * ACCOUNTS, claim).prop_map(|(caller, claim)| Op::Void { caller, claim }),
        2 => (0..3 * ACCOUNTS, claim, prop_oneof![6 => Just(0u8), 1 => 1..6u8],
              prop::collection::vec(line, 0..4), prop::option::weighted(0.7, 0..4u8))
            .prop_map(|(caller, claim, differs, lines, reference)| Op::Replace {
                caller, claim, differs, lines, reference,
            }),
        2 => (prop_oneof![Just(3u8), Just(4), Just(8)],
              prop_oneof![Just(1u8), Just(2), 0..ACCOUNTS], prop::bool::weighted(0.7))
            .prop_map(|(provider, corrector, allowed)| Op::SetCorrector { provider, corrector, allowed }),
        2 => (0..2 * ACCOUNTS, claim, any::<bool>())
            .prop_map(|(caller, claim, overturn)| Op::DecideAppeal { caller, claim, overturn }),
        2 => (who.clone(), claim).prop_map(|(caller, claim)| Op::Settle { caller, claim }),
        1 => (0..ACCOUNTS, 0..3u8, -100..5i64, 1..400u64)
            .prop_map(|(who, kind, from, days)| Op::Licence { who, kind, from, days }),
        2 => (any::<u8>(), 1..3u8, -200..5i64, 1..400u64)
            .prop_map(|(member, payer, from, days)| Op::Payment { member, payer, from, days }),
        2 => (any::<u8>(), 3..5u8, -200..5i64, 1..400u64)
            .prop_map(|(member, provider, from, days)| Op::Care { member, provider, from, days }),
        1 => (any::<u8>(), prop_oneof![Just(3u8), Just(4), Just(8)], prop_oneof![Just(15u32), Just(16), Just(30)])
            .prop_map(|(member, provider, days)| Op::Monitored { member, provider, days }),
        3 => (any::<bool>(), 0..ACCOUNTS, prop::option::weighted(0.5, any::<bool>()))
            .prop_map(|(consent, who, error)| Op::PeerFails { consent, who, error }),
        1 => (0..ACCOUNTS).prop_map(Op::Pause),
        2 => (0..2 * ACCOUNTS).prop_map(Op::Unpause),
        1 => (0..2 * ACCOUNTS, 0..3u8, 0..ACCOUNTS)
            .prop_map(|(caller, role, to)| Op::SetPeer { caller, role, to }),
    ]
}

// ------------------------------------------------------------------------ the model

/// A priced line as compared: line, allowed, payer share, member share, adjustments.
type LineView = (ClaimLine, u128, u128, u128, Vec<(Group, Carc, u128)>);

#[derive(Debug, Clone)]
struct MLine {
    line: ClaimLine,
    allowed: u128,
    payer: u128,
    member: u128,
    adjustments: Vec<(Group, Carc, u128)>,
}

#[derive(Debug, Clone)]
struct MClaim {
    plan: PlanId,
    member: AccountId,
    provider: AccountId,
    service_date: u64,
    submitted_at: u64,
    emergency: bool,
    /// Who submitted it (may void or replace it, as its provider may).
    submitter: AccountId,
    status: ClaimStatus,
    denial: Option<Carc>,
    lines: Vec<MLine>,
    billed: u128,
    allowed: u128,
    payer: u128,
    member_amount: u128,
    deductible: u128,
    appealed: bool,
    /// What the claim holds reserved in its plan's escrow.
    reserved: u128,
}

#[derive(Debug, Clone)]
struct MPlan {
    payer: AccountId,
    terms: PlanTerms,
    escrow: u128,
    owed: u128,
    reserved: u128,
    funded: u128,
    withdrawn: u128,
    paid: u128,
    fees: BTreeMap<ProcedureCode, u128>,
    members: BTreeMap<AccountId, Coverage>,
    adjusters: Vec<AccountId>,
    /// Its owed claims (indices), in the order they became owed.
    queue: VecDeque<usize>,
}

impl MPlan {
    fn free(&self) -> u128 {
        self.escrow.saturating_sub(self.owed + self.reserved)
    }
}

/// The stand-in peers, as the model knows them.
#[derive(Default)]
struct Peers {
    licences: Vec<(AccountId, CredentialKind, Window)>,
    payment: BTreeMap<(AccountId, AccountId), Window>,
    care: BTreeMap<(AccountId, AccountId), Window>,
    credential_fails: BTreeMap<AccountId, PeerError>,
    consent_fails: BTreeMap<AccountId, PeerError>,
    /// (member, provider) -> days with data from the provider's devices.
    monitored: BTreeMap<(AccountId, AccountId), u32>,
}

fn inside(window: Option<&Window>, t: u64) -> bool {
    window.is_some_and(|(from, until)| *from <= t && t < *until)
}

struct Model {
    governor: AccountId,
    /// The peer addresses the governor set (the stand-ins answer whatever the address).
    addresses: crate::model::Peers,
    now: u64,
    paused: bool,
    plans: Vec<MPlan>,
    claims: Vec<MClaim>,
    /// (plan, member, provider, day, procedure) -> the claim (index) holding it.
    held: BTreeMap<(PlanId, AccountId, AccountId, u64, ProcedureCode), usize>,
    /// (plan, member, year) -> (deductible met, out of pocket spent).
    acc: BTreeMap<(PlanId, AccountId, u64), (u128, u128)>,
    /// Held CPT 99454 lines: (member, service day, claim index), any plan.
    supply: Vec<(AccountId, u64, usize)>,
    /// (plan, provider, reference) of the claims submitted with a reference.
    references: BTreeSet<(PlanId, AccountId, Hash)>,
    /// (provider, corrector) pairs the providers allowed.
    correctors: BTreeSet<(AccountId, AccountId)>,
    /// The replacements of claims a person denied (indexes): they wait for an adjuster.
    rechecked: BTreeSet<usize>,
    peers: Peers,
    /// The contract's native balance above the existential deposit.
    balance: u128,
}

enum Screen {
    Deny(Carc),
    Pass { review: bool },
}

impl Model {
    fn plan(&self, id: PlanId) -> Result<&MPlan> {
        usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.plans.get(i))
            .ok_or(Error::UnknownPlan)
    }

    fn payer_plan(&self, id: PlanId, caller: AccountId) -> Result<usize> {
        let plan = self.plan(id)?;
        if plan.payer != caller {
            return Err(Error::NotPayer);
        }
        Ok(id as usize - 1)
    }

    fn not_paused(&self) -> Result<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    fn licensed(&self, who: AccountId, kinds: &[CredentialKind], t: u64) -> Result<bool> {
        if let Some(e) = self.peers.credential_fails.get(&who) {
            return Err(match e {
                PeerError::Trapped => Error::CredentialContractTrapped,
                PeerError::Unreachable => Error::CredentialContractUnreachable,
            });
        }
        Ok(self
            .peers
            .licences
            .iter()
            .any(|(a, k, w)| *a == who && kinds.contains(k) && inside(Some(w), t)))
    }

    fn year(terms: &PlanTerms, t: u64) -> u64 {
        t.saturating_sub(terms.year_start) / PLAN_YEAR
    }

    /// Coverage, timely filing, the provider's licence, payment consent and care
    /// relationship, in this order.
    fn screen(&self, claim: &MClaim, filed_at: u64) -> Result<Screen> {
        let plan = &self.plans[claim.plan as usize - 1];
        let t = claim.service_date;
        match plan.members.get(&claim.member) {
            None => return Ok(Screen::Deny(Carc::NotInsured)),
            Some(c) if t < c.start => return Ok(Screen::Deny(Carc::BeforeCoverage)),
            Some(c) if c.end.is_some_and(|end| t >= end) => {
                return Ok(Screen::Deny(Carc::CoverageEnded))
            }
            Some(_) => {}
        }
        if filed_at.saturating_sub(t) > plan.terms.timely_filing {
            return Ok(Screen::Deny(Carc::TimelyFiling));
        }
        let kinds = [
            CredentialKind::MedicalLicence,
            CredentialKind::NpiRegistration,
        ];
        if !self.licensed(claim.provider, &kinds, t)? {
            return Ok(Screen::Deny(Carc::ProviderNotEligible));
        }
        if let Some(e) = self.peers.consent_fails.get(&claim.member) {
            return Err(match e {
                PeerError::Trapped => Error::ConsentContractTrapped,
                PeerError::Unreachable => Error::ConsentContractUnreachable,
            });
        }
        if !inside(self.peers.payment.get(&(claim.member, plan.payer)), t) {
            return Ok(Screen::Deny(Carc::ConsentAbsent));
        }
        let care = inside(self.peers.care.get(&(claim.member, claim.provider)), t);
        Ok(match (care, claim.emergency) {
            (true, _) => Screen::Pass { review: false },
            (false, true) => Screen::Pass { review: true },
            (false, false) => Screen::Deny(Carc::NoCareRelationship),
        })
    }

    fn deny_all(claim: &mut MClaim, lines: &[ClaimLine], reason: Carc) {
        claim.status = ClaimStatus::Denied;
        claim.denial = Some(reason);
        claim.lines = lines
            .iter()
            .map(|l| MLine {
                line: *l,
                allowed: 0,
                payer: 0,
                member: 0,
                adjustments: vec![(Group::ContractualObligation, reason, l.billed)],
            })
            .collect();
        claim.billed = lines.iter().map(|l| l.billed).sum();
        claim.allowed = 0;
        claim.payer = 0;
        claim.member_amount = 0;
        claim.deductible = 0;
    }

    /// The request a `Submit` operation describes (service date relative to now).
    fn request(
        &self,
        plan: u8,
        who: u8,
        provider: u8,
        days_ago: i64,
        emergency: bool,
        lines: &[(u8, u128, u32)],
    ) -> ClaimRequest {
        ClaimRequest {
            plan: PlanId::from(plan),
            member: member(who),
            provider: account(provider),
            service_date: days(self.now, -days_ago),
            emergency,
            lines: lines
                .iter()
                .map(|(p, billed, units)| ClaimLine {
                    procedure: procedure(*p),
                    diagnosis_commitment: Hash::from([3; 32]),
                    billed: *billed,
                    units: *units,
                })
                .collect(),
        }
    }

    /// Who submits: an account below `ACCOUNTS`, then the claim's provider, then its
    /// plan's payer.
    fn submitter(&self, caller: u8, request: &ClaimRequest) -> AccountId {
        match caller {
            x if x < ACCOUNTS => account(x),
            x if x < 2 * ACCOUNTS => request.provider,
            _ => self.plan(request.plan).map_or(account(8), |p| p.payer),
        }
    }

    /// Admission (nothing recorded): the plan, who submits, the lines, the service date.
    fn admit(&self, submitter: AccountId, request: &ClaimRequest) -> Result<MClaim> {
        let plan = self.plan(request.plan)?;
        // The provider, or a relay it named: not its payer by right.
        if submitter != request.provider
            && !self.correctors.contains(&(request.provider, submitter))
        {
            return Err(Error::NotSubmitter);
        }
        if request.lines.is_empty() {
            return Err(Error::NoLines);
        }
        if request.lines.iter().any(|l| {
            l.billed == 0
                || l.billed > crate::MAX_LINE_BILLED
                || l.units == 0
                || !l
                    .procedure
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }) {
            return Err(Error::InvalidLine);
        }
        if request.lines.iter().any(|l| l.units > plan.terms.max_units) {
            return Err(Error::TooManyUnits);
        }
        if request.service_date > self.now {
            return Err(Error::ServiceInFuture);
        }
        Ok(MClaim {
            plan: request.plan,
            member: request.member,
            provider: request.provider,
            service_date: request.service_date,
            submitted_at: self.now,
            emergency: request.emergency,
            submitter,
            status: ClaimStatus::Denied,
            denial: None,
            lines: Vec::new(),
            billed: 0,
            allowed: 0,
            payer: 0,
            member_amount: 0,
            deductible: 0,
            appealed: false,
            reserved: 0,
        })
    }

    /// Records an admitted claim as screened: denied whole, or its lines priced and the
    /// claim paid, owed or held for review. Returns its id.
    fn record(&mut self, claim: MClaim, lines: &[ClaimLine], screen: Screen) -> u64 {
        self.record_reviewed(claim, lines, screen, None)
    }

    /// As [`Model::record`]; `recheck` (a replacement of claim `recheck`, which a person
    /// denied): takes over the original's services it bills again, and is reviewed
    /// whatever its payer share.
    fn record_reviewed(
        &mut self,
        mut claim: MClaim,
        lines: &[ClaimLine],
        screen: Screen,
        recheck: Option<usize>,
    ) -> u64 {
        if let Screen::Deny(reason) = screen {
            Model::deny_all(&mut claim, lines, reason);
            self.claims.push(claim);
        } else {
            self.claims.push(claim);
            let index = self.claims.len() - 1;
            self.adjudicate(index, lines, recheck);
            let review = matches!(screen, Screen::Pass { review: true });
            let threshold = self.plans[self.claims[index].plan as usize - 1]
                .terms
                .review_threshold;
            self.decide(index, review, Some(threshold), recheck.is_some());
        }
        self.claims.len() as u64
    }

    /// A batch: each claim admitted on its own (a refused one records nothing); the
    /// peers asked once for all that pass the local checks, so the first of them whose
    /// provider's licence (then whose member's consents) cannot be read refuses the whole
    /// batch; then each claim recorded in order exactly as alone, but a reference its
    /// provider already used in that plan (earlier in the batch too) is refused.
    fn submit_batch(
        &mut self,
        submitter: AccountId,
        batch: &[ClaimSubmission],
    ) -> Result<Vec<Result<u64>>> {
        self.not_paused()?;
        if batch.len() > crate::MAX_CLAIMS_PER_BATCH {
            return Err(Error::TooManyClaims);
        }
        let admitted: Vec<Result<MClaim>> = batch
            .iter()
            .map(|b| self.admit(submitter, &b.request))
            .collect();
        let kinds = [
            CredentialKind::MedicalLicence,
            CredentialKind::NpiRegistration,
        ];
        // What the one credentials call and the one consent call would fail on.
        let locally_passing = admitted
            .iter()
            .flatten()
            .filter(|claim| !self.denied_locally(claim));
        for claim in locally_passing.clone() {
            self.licensed(claim.provider, &kinds, claim.service_date)?;
        }
        for claim in locally_passing {
            if self.licensed(claim.provider, &kinds, claim.service_date)? {
                if let Some(e) = self.peers.consent_fails.get(&claim.member) {
                    return Err(match e {
                        PeerError::Trapped => Error::ConsentContractTrapped,
                        PeerError::Unreachable => Error::ConsentContractUnreachable,
                    });
                }
            }
        }
        let mut results = Vec::new();
        for (submission, claim) in batch.iter().zip(admitted) {
            let result = claim.and_then(|claim| {
                let screen = self.screen(&claim, self.now)?;
                let request = &submission.request;
                if let Some(reference) = submission.reference {
                    let key = (request.plan, request.provider, reference);
                    if !self.references.insert(key) {
                        return Err(Error::ReferenceUsed);
                    }
                }
                Ok(self.record(claim, &request.lines, screen))
            });
            results.push(result);
        }
        Ok(results)
    }

    /// Coverage and timely filing: what a claim is denied for before any peer is asked.
    fn denied_locally(&self, claim: &MClaim) -> bool {
        let plan = &self.plans[claim.plan as usize - 1];
        let t = claim.service_date;
        match plan.members.get(&claim.member) {
            None => true,
            Some(c) if t < c.start || c.end.is_some_and(|end| t >= end) => true,
            Some(_) => claim.submitted_at.saturating_sub(t) > plan.terms.timely_filing,
        }
    }

    fn key(
        claim: &MClaim,
        procedure: ProcedureCode,
    ) -> (PlanId, AccountId, AccountId, u64, ProcedureCode) {
        (
            claim.plan,
            claim.member,
            claim.provider,
            claim.service_date / DAY,
            procedure,
        )
    }

    /// Prices the lines: a procedure already on an earlier line of the claim, or held by
    /// another claim, is a duplicate (CARC 18); one without a fee is not covered (96);
    /// otherwise allowed = min(billed, fee × units) (excess CO-45), and the member pays,
    /// in this order and never beyond the out-of-pocket maximum left, what is left of the
    /// deductible (PR-1), the copay (PR-3) and the coinsurance of what remains (PR-2).
    fn adjudicate(&mut self, index: usize, lines: &[ClaimLine], adopt: Option<usize>) {
        let mut claim = self.claims[index].clone();
        let plan = &self.plans[claim.plan as usize - 1];
        let terms = plan.terms;
        let year_key = (
            claim.plan,
            claim.member,
            Self::year(&terms, claim.service_date),
        );
        let (mut met, mut spent) = self.acc.get(&year_key).copied().unwrap_or((0, 0));
        claim.lines.clear();
        claim.billed = 0;
        claim.allowed = 0;
        claim.payer = 0;
        claim.member_amount = 0;
        claim.deductible = 0;
        for (i, l) in lines.iter().enumerate() {
            claim.billed += l.billed;
            let repeated = lines[..i].iter().any(|e| e.procedure == l.procedure);
            let held = self
                .held
                .get(&Self::key(&claim, l.procedure))
                .is_some_and(|holder| *holder != index && Some(*holder) != adopt);
            let denied = |reason| MLine {
                line: *l,
                allowed: 0,
                payer: 0,
                member: 0,
                adjustments: vec![(Group::ContractualObligation, reason, l.billed)],
            };
            if repeated || held {
                claim.lines.push(denied(Carc::Duplicate));
                continue;
            }
            let Some(fee) = plan.fees.get(&l.procedure) else {
                claim.lines.push(denied(Carc::NotCovered));
                continue;
            };
            if l.procedure == SUPPLY {
                let day = claim.service_date / DAY;
                // A holder a person denied binds only its own provider.
                let taken = self.supply.iter().any(|(m, d, holder)| {
                    let held = &self.claims[*holder];
                    *m == claim.member
                        && *holder != index
                        && Some(*holder) != adopt
                        && d.abs_diff(day) < 30
                        && (held.provider == claim.provider
                            || !matches!(held.status, ClaimStatus::Denied | ClaimStatus::Voided))
                });
                if taken {
                    claim.lines.push(denied(Carc::PeriodMaximum));
                    continue;
                }
                let days = self
                    .peers
                    .monitored
                    .get(&(claim.member, claim.provider))
                    .copied()
                    .unwrap_or(0);
                if days < 16 {
                    claim.lines.push(denied(Carc::MonitoringDaysNotMet));
                    continue;
                }
            }
            let allowed = l.billed.min(fee * u128::from(l.units));
            let mut adjustments = Vec::new();
            if l.billed > allowed {
                adjustments.push((
                    Group::ContractualObligation,
                    Carc::ExceedsFeeSchedule,
                    l.billed - allowed,
                ));
            }
            let mut room = terms.oop_max.saturating_sub(spent);
            let mut rest = allowed;
            let deductible_due = terms.deductible.saturating_sub(met).min(rest);
            let deductible = deductible_due.min(room);
            room -= deductible;
            rest -= deductible_due;
            let copay_due = terms.copay.min(rest);
            let copay = copay_due.min(room);
            room -= copay;
            rest -= copay_due;
            let coinsurance =
                (rest * u128::from(terms.coinsurance_bps) / u128::from(FULL_BPS)).min(room);
            for (reason, amount) in [
                (Carc::Deductible, deductible),
                (Carc::Copay, copay),
                (Carc::Coinsurance, coinsurance),
            ] {
                if amount > 0 {
                    adjustments.push((Group::PatientResponsibility, reason, amount));
                }
            }
            let member = deductible + copay + coinsurance;
            met += deductible;
            spent += member;
            claim.allowed += allowed;
            claim.member_amount += member;
            claim.payer += allowed - member;
            claim.deductible += deductible;
            claim.lines.push(MLine {
                line: *l,
                allowed,
                payer: allowed - member,
                member,
                adjustments,
            });
        }
        self.acc.insert(year_key, (met, spent));
        for line in claim.lines.iter().filter(|l| l.allowed > 0) {
            self.held
                .insert(Self::key(&claim, line.line.procedure), index);
            if line.line.procedure == SUPPLY {
                self.supply
                    .push((claim.member, claim.service_date / DAY, index));
            }
        }
        self.claims[index] = claim;
    }

    /// Denied when nothing is allowed (the first line's reason); pending review when
    /// asked (an emergency without a care relationship: nothing reserved) or, its payer
    /// share reserved, `always` or above the threshold; otherwise approved.
    fn decide(&mut self, index: usize, review: bool, threshold: Option<u128>, always: bool) {
        let (allowed, payer) = (self.claims[index].allowed, self.claims[index].payer);
        let plan = self.claims[index].plan as usize - 1;
        if allowed == 0 {
            let claim = &mut self.claims[index];
            claim.status = ClaimStatus::Denied;
            claim.denial = claim
                .lines
                .first()
                .and_then(|l| l.adjustments.first())
                .map(|a| a.1);
        } else if review {
            self.claims[index].status = ClaimStatus::PendingReview;
        } else if always || threshold.is_some_and(|t| payer > t) {
            self.claims[index].status = ClaimStatus::PendingReview;
            self.claims[index].reserved = payer;
            self.plans[plan].reserved += payer;
        } else {
            self.approve(index);
        }
    }

    /// Paid from the escrow when its free part covers the payer share, else owed.
    fn approve(&mut self, index: usize) {
        let claim = &mut self.claims[index];
        let plan = &mut self.plans[claim.plan as usize - 1];
        if claim.payer == 0 {
            claim.status = ClaimStatus::Paid;
        } else if plan.free() < claim.payer {
            claim.status = ClaimStatus::ApprovedUnfunded;
            plan.owed += claim.payer;
            plan.queue.push_back(index);
        } else {
            plan.escrow -= claim.payer;
            plan.paid += claim.payer;
            self.balance -= claim.payer;
            claim.status = ClaimStatus::Paid;
        }
    }

    /// Gives back what a claim voided while pending review held: its accumulator shares
    /// and its services.
    fn release(&mut self, index: usize) {
        self.release_accumulators(index);
        self.release_services(index);
    }

    /// Gives back the services a claim holds.
    fn release_services(&mut self, index: usize) {
        self.held.retain(|_, holder| *holder != index);
        self.supply.retain(|(_, _, holder)| *holder != index);
    }

    /// Whether a person denied claim `index` (an adjuster at review, its lines keeping
    /// their pricing, or a decided appeal).
    fn denied_by_a_person(&self, index: usize) -> bool {
        let claim = &self.claims[index];
        claim.status == ClaimStatus::Denied
            && (claim.appealed || claim.lines.iter().any(|l| l.allowed > 0))
    }

    /// Gives back a claim's accumulator shares.
    fn release_accumulators(&mut self, index: usize) {
        let claim = &self.claims[index];
        let terms = self.plans[claim.plan as usize - 1].terms;
        let key = (
            claim.plan,
            claim.member,
            Self::year(&terms, claim.service_date),
        );
        let entry = self.acc.entry(key).or_default();
        entry.0 = entry.0.saturating_sub(claim.deductible);
        entry.1 = entry.1.saturating_sub(claim.member_amount);
    }

    /// Who voids or replaces claim `id`: below ACCOUNTS that account, then its provider,
    /// then whoever submitted it.
    fn voider(&self, caller: u8, id: u64) -> AccountId {
        let claim = self.claim_index(id).ok().map(|i| &self.claims[i]);
        match (caller, claim) {
            (x, _) if x < ACCOUNTS => account(x),
            (x, Some(c)) if x < 2 * ACCOUNTS => c.provider,
            (_, Some(c)) => c.submitter,
            (_, None) => account(3),
        }
    }

    /// Claim `id`, if `who` may void it: its provider or whoever submitted it, and the
    /// claim pending review or denied.
    fn voidable(&self, id: u64, who: AccountId) -> Result<usize> {
        let index = self.claim_index(id)?;
        let claim = &self.claims[index];
        // A relay corrects what it filed, not what a person denied (the provider's to
        // appeal or correct).
        let corrector = who == claim.submitter
            && !self.denied_by_a_person(index)
            && self.correctors.contains(&(claim.provider, who));
        if who != claim.provider && !corrector {
            return Err(Error::NotSubmitter);
        }
        let waits = claim.status == ClaimStatus::PendingReview && self.rechecked.contains(&index);
        if waits
            || !matches!(
                claim.status,
                ClaimStatus::PendingReview | ClaimStatus::Denied
            )
        {
            return Err(Error::NotVoidable);
        }
        Ok(index)
    }

    /// Voids claim `index`: one pending review gives back its reservation, its
    /// accumulator shares and its services; it pays nothing from now on.
    fn void(&mut self, index: usize) {
        if self.claims[index].status == ClaimStatus::PendingReview {
            let reserved = std::mem::take(&mut self.claims[index].reserved);
            self.plans[self.claims[index].plan as usize - 1].reserved -= reserved;
            self.release(index);
        }
        let claim = &mut self.claims[index];
        claim.status = ClaimStatus::Voided;
        claim.reserved = 0;
        claim.allowed = 0;
        claim.payer = 0;
        claim.member_amount = 0;
        claim.deductible = 0;
    }

    fn claim_index(&self, id: u64) -> Result<usize> {
        let index = usize::try_from(id).ok().and_then(|i| i.checked_sub(1));
        index
            .filter(|i| *i < self.claims.len())
            .ok_or(Error::UnknownClaim)
    }

    /// The first adjuster of claim `id`'s plan (account 7 when there is none).
    fn adjuster_of(&self, id: u64) -> AccountId {
        self.claim_index(id)
            .ok()
            .and_then(|i| {
                let plan = &self.plans[self.claims[i].plan as usize - 1];
                plan.adjusters.first().copied()
            })
            .unwrap_or(account(7))
    }

    fn adjuster_claim(&self, id: u64, caller: AccountId) -> Result<usize> {
        let index = self.claim_index(id)?;
        let plan = &self.plans[self.claims[index].plan as usize - 1];
        if !plan.adjusters.contains(&caller) {
            return Err(Error::NotAdjuster);
        }
        Ok(index)
    }
}

fn pick(len: usize, id: u8) -> u64 {
    1 + u64::from(id) % (len as u64 + 1)
}

/// Like [`pick`], but for values from 128 the latest claim in `status` (if any), so that
/// reviews, appeals and settlements find claims they apply to.
fn pick_in(m: &Model, id: u8, status: ClaimStatus) -> u64 {
    let latest = m.claims.iter().rposition(|c| c.status == status);
    match latest {
        Some(i) if id >= 128 => i as u64 + 1,
        _ => pick(m.claims.len(), id),
    }
}

/// For voids and replacements: from 128 the latest claim pending review, from 64 the
/// latest denied one, else any.
fn pick_voidable(m: &Model, id: u8) -> u64 {
    match id {
        128.. => pick_in(m, id, ClaimStatus::PendingReview),
        64.. => pick_in(m, id.wrapping_add(64), ClaimStatus::Denied),
        _ => pick(m.claims.len(), id),
    }
}

/// For appeals: from 128 the latest claim denied for a reason of its lines or of its
/// review (such a claim can pass admission), else as [`pick_in`] for denied claims.
fn pick_appealable(m: &Model, id: u8) -> u64 {
    let latest = m.claims.iter().rposition(|c| {
        c.status == ClaimStatus::Denied
            && matches!(
                c.denial,
                Some(
                    Carc::NotMedicallyNecessary
                        | Carc::Duplicate
                        | Carc::NotCovered
                        | Carc::PeriodMaximum
                        | Carc::MonitoringDaysNotMet
                )
            )
    });
    match latest {
        Some(i) if id >= 128 => i as u64 + 1,
        _ => pick_in(m, id.wrapping_add(128), ClaimStatus::Denied),
    }
}

/// For settlements: from 192 the oldest owed claim of the first plan that has one, from
/// 160 the second oldest (which must wait), else as [`pick_in`] for approved-unfunded
/// claims.
fn pick_owed(m: &Model, id: u8) -> u64 {
    let nth = |n: usize| m.plans.iter().find_map(|p| p.queue.get(n));
    match (nth(0), nth(1)) {
        (Some(i), _) if id >= 192 => *i as u64 + 1,
        (_, Some(i)) if id >= 160 => *i as u64 + 1,
        _ => pick_in(m, id, ClaimStatus::ApprovedUnfunded),
    }
}

fn days(t: u64, by: i64) -> u64 {
    t.saturating_add_signed(by * DAY as i64)
}

fn window(now: u64, from: i64, length: u64) -> Window {
    let start = days(now, from);
    (start, start + length * DAY)
}

fn set_balance(m: &Model) {
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + m.balance);
}

fn step(c: &mut ClaimsAdjudication, m: &mut Model, op: &Op) -> (String, String) {
    let set_caller = |who: u8| test::set_caller::<Env>(account(who));
    let s = |r: &dyn std::fmt::Debug| format!("{r:?}");
    let by_role = |who: u8, role: AccountId| {
        if who < ACCOUNTS {
            account(who)
        } else {
            role
        }
    };
    match op.clone() {
        Op::Advance(dt) => {
            m.now += dt;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::CreatePlan {
            caller,
            deductible,
            copay,
            bps,
            oop,
            filing_days,
            threshold,
        } => {
            let terms = PlanTerms {
                deductible,
                copay,
                coinsurance_bps: bps,
                oop_max: oop,
                timely_filing: filing_days * DAY,
                review_threshold: threshold,
                year_start: m.now - 100 * DAY,
                max_units: MAX_UNITS,
            };
            set_caller(caller);
            let got = c.create_plan(terms);
            let who = account(caller);
            let want = (|| -> Result<PlanId> {
                m.not_paused()?;
                if bps > FULL_BPS || deductible > oop || copay > oop || filing_days == 0 {
                    return Err(Error::InvalidTerms);
                }
                if !m.licensed(who, &[CredentialKind::PayerLicence], m.now)? {
                    return Err(Error::PayerNotLicensed);
                }
                m.plans.push(MPlan {
                    payer: who,
                    terms,
                    escrow: 0,
                    owed: 0,
                    reserved: 0,
                    funded: 0,
                    withdrawn: 0,
                    paid: 0,
                    fees: BTreeMap::new(),
                    queue: VecDeque::new(),
                    members: BTreeMap::new(),
                    adjusters: Vec::new(),
                });
                Ok(m.plans.len() as PlanId)
            })();
            (s(&got), s(&want))
        }
        Op::SetFee {
            caller,
            plan,
            procedure: p,
            fee,
        } => {
            let code = procedure(p);
            set_caller(caller);
            let got = c.set_fees(PlanId::from(plan), vec![(code, fee)]);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.payer_plan(PlanId::from(plan), account(caller))?;
                if p >= 5 {
                    return Err(Error::InvalidLine);
                }
                match fee {
                    Some(fee) => m.plans[index].fees.insert(code, fee),
                    None => m.plans[index].fees.remove(&code),
                };
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Enroll {
            caller,
            plan,
            member: who,
            start,
            days: length,
        } => {
            let start = days(m.now, start);
            let coverage = Coverage {
                start,
                end: length.map(|d| start + d * DAY),
            };
            set_caller(caller);
            let got = c.enroll(PlanId::from(plan), member(who), coverage);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.payer_plan(PlanId::from(plan), account(caller))?;
                if coverage.end.is_some_and(|end| end <= start) {
                    return Err(Error::InvalidCoverage);
                }
                m.plans[index].members.insert(member(who), coverage);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Adjuster {
            caller,
            plan,
            adjuster,
            add,
        } => {
            let adjuster = account(adjuster);
            set_caller(caller);
            let got = if add {
                c.add_adjuster(PlanId::from(plan), adjuster)
            } else {
                c.remove_adjuster(PlanId::from(plan), adjuster)
            };
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.payer_plan(PlanId::from(plan), account(caller))?;
                let list = &mut m.plans[index].adjusters;
                list.retain(|a| *a != adjuster);
                if add {
                    list.push(adjuster);
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Fund {
            caller,
            plan,
            amount,
        } => {
            set_caller(caller);
            test::set_value_transferred::<Env>(amount);
            let got = c.fund(PlanId::from(plan));
            test::set_value_transferred::<Env>(0);
            let want = (|| -> Result<u128> {
                m.not_paused()?;
                if amount == 0 {
                    return Err(Error::ZeroAmount);
                }
                let index = m.payer_plan(PlanId::from(plan), account(caller))?;
                let plan = &mut m.plans[index];
                plan.escrow += amount;
                plan.funded += amount;
                m.balance += amount;
                Ok(plan.escrow)
            })();
            // The engine does not move a call's value: the contract's balance follows
            // the model's ledger (checked separately against the escrows).
            set_balance(m);
            (s(&got), s(&want))
        }
        Op::Withdraw {
            caller,
            plan,
            amount,
        } => {
            set_caller(caller);
            let got = c.withdraw(PlanId::from(plan), amount);
            let want = (|| -> Result<u128> {
                // An exit: works while paused.
                if amount == 0 {
                    return Err(Error::ZeroAmount);
                }
                let index = m.payer_plan(PlanId::from(plan), account(caller))?;
                let plan = &mut m.plans[index];
                if amount > plan.free() {
                    return Err(Error::InsufficientEscrow);
                }
                plan.escrow -= amount;
                plan.withdrawn += amount;
                m.balance -= amount;
                Ok(plan.escrow)
            })();
            (s(&got), s(&want))
        }
        Op::Submit {
            caller,
            plan,
            member: who,
            provider,
            days_ago,
            emergency,
            lines,
        } => {
            let request = m.request(plan, who, provider, days_ago, emergency, &lines);
            let submitter = m.submitter(caller, &request);
            test::set_caller::<Env>(submitter);
            let got = c.submit_claim(request.clone());
            let want = (|| -> Result<u64> {
                m.not_paused()?;
                let claim = m.admit(submitter, &request)?;
                let screen = m.screen(&claim, m.now)?;
                Ok(m.record(claim, &request.lines, screen))
            })();
            if got.is_ok() && submitter != request.provider {
                reached(CONTRACT, RELAYED);
            }
            (s(&got), s(&want))
        }
        Op::SubmitBatch { caller, claims } => {
            let batch: Vec<ClaimSubmission> = claims
                .iter()
                .map(
                    |(plan, who, provider, days_ago, emergency, lines, reference)| {
                        ClaimSubmission {
                            request: m
                                .request(*plan, *who, *provider, *days_ago, *emergency, lines),
                            reference: reference.map(|r| Hash::from([r; 32])),
                        }
                    },
                )
                .collect();
            let submitter = match batch.first() {
                Some(first) => m.submitter(caller, &first.request),
                None => account(caller % ACCOUNTS),
            };
            test::set_caller::<Env>(submitter);
            let got = c.submit_claims(batch.clone());
            let want = m.submit_batch(submitter, &batch);
            for result in got.iter().flatten() {
                reached(CONTRACT, &s(result));
            }
            (s(&got), s(&want))
        }
        Op::Review {
            caller,
            claim,
            approve,
        } => {
            let id = pick_in(m, claim, ClaimStatus::PendingReview);
            let adjuster = m.adjuster_of(id);
            let who = by_role(caller, adjuster);
            test::set_caller::<Env>(who);
            let got = c.review_claim(id, approve, Carc::NotMedicallyNecessary);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.adjuster_claim(id, who)?;
                if m.claims[index].status != ClaimStatus::PendingReview {
                    return Err(Error::NotPendingReview);
                }
                let reserved = std::mem::take(&mut m.claims[index].reserved);
                m.plans[m.claims[index].plan as usize - 1].reserved -= reserved;
                if approve {
                    m.approve(index);
                } else {
                    // Its services stay held: billed again they are duplicates.
                    m.release_accumulators(index);
                    let claim = &mut m.claims[index];
                    claim.status = ClaimStatus::Denied;
                    claim.denial = Some(Carc::NotMedicallyNecessary);
                    claim.allowed = 0;
                    claim.payer = 0;
                    claim.member_amount = 0;
                    claim.deductible = 0;
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Void { caller, claim } => {
            let id = pick_voidable(m, claim);
            let who = m.voider(caller, id);
            test::set_caller::<Env>(who);
            let got = c.void_claim(id);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.voidable(id, who)?;
                m.void(index);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Replace {
            caller,
            claim,
            differs,
            ref lines,
            reference,
        } => {
            let id = pick_voidable(m, claim);
            let template = m.claim_index(id).ok().map(|i| m.claims[i].clone());
            let mut request = m.request(1, 0, 3, 0, false, lines);
            if let Some(original) = &template {
                request.plan = original.plan;
                request.member = original.member;
                request.provider = original.provider;
                request.service_date = original.service_date;
                request.emergency = original.emergency;
            }
            match differs {
                1 => request.plan = request.plan % 3 + 1,
                2 => {
                    request.provider = if request.provider == account(3) {
                        account(4)
                    } else {
                        account(3)
                    }
                }
                3 => {
                    request.member = if request.member == member(0) {
                        member(1)
                    } else {
                        member(0)
                    }
                }
                4 => request.service_date = request.service_date.saturating_sub(DAY),
                5 => request.emergency = !request.emergency,
                _ => {}
            }
            let submission = ClaimSubmission {
                request: request.clone(),
                reference: reference.map(|r| Hash::from([r; 32])),
            };
            let who = m.voider(caller, id);
            test::set_caller::<Env>(who);
            let got = c.replace_claim(id, submission.clone());
            let want = (|| -> Result<u64> {
                m.not_paused()?;
                let index = m.voidable(id, who)?;
                let original = m.claims[index].clone();
                if request.plan != original.plan
                    || request.provider != original.provider
                    || request.member != original.member
                    || request.service_date != original.service_date
                    || request.emergency != original.emergency
                {
                    return Err(Error::ReplacementMismatch);
                }
                let claim = m.admit(who, &request)?;
                if let Some(reference) = submission.reference {
                    if m.references
                        .contains(&(request.plan, request.provider, reference))
                    {
                        return Err(Error::ReferenceUsed);
                    }
                }
                // Filed now; refused if the screening would deny it.
                let screen = m.screen(&claim, m.now)?;
                if matches!(screen, Screen::Deny(_)) {
                    return Err(Error::ReplacementDenied);
                }
                // A person's denial: the correction takes over the services it bills
                // again (the others stay with the original) and is reviewed.
                let recheck = m.denied_by_a_person(index).then_some(index);
                if recheck.is_some() {
                    reached(CONTRACT, RECHECKED);
                }
                m.void(index);
                if let Some(reference) = submission.reference {
                    m.references
                        .insert((request.plan, request.provider, reference));
                }
                let id = m.record_reviewed(claim, &request.lines, screen, recheck);
                if recheck.is_some() {
                    m.rechecked.insert(m.claims.len() - 1);
                }
                Ok(id)
            })();
            (s(&got), s(&want))
        }
        Op::SetCorrector {
            provider,
            corrector,
            allowed,
        } => {
            let (provider, corrector) = (account(provider), account(corrector));
            test::set_caller::<Env>(provider);
            let got = c.set_corrector(corrector, allowed);
            let want = (|| -> Result<()> {
                if allowed {
                    // Naming waits for the pause to end; withdrawing does not.
                    m.not_paused()?;
                    m.correctors.insert((provider, corrector));
                } else {
                    m.correctors.remove(&(provider, corrector));
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Appeal { caller, claim } => {
            let id = pick_appealable(m, claim);
            let provider = m
                .claim_index(id)
                .map_or(account(3), |i| m.claims[i].provider);
            let who = by_role(caller, provider);
            test::set_caller::<Env>(who);
            let got = c.appeal(id, Hash::from([4; 32]));
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.claim_index(id)?;
                let claim = &mut m.claims[index];
                if claim.provider != who {
                    return Err(Error::NotProvider);
                }
                if claim.appealed {
                    return Err(Error::AlreadyAppealed);
                }
                if claim.status != ClaimStatus::Denied {
                    return Err(Error::NotDenied);
                }
                // Only a claim that passes admission now (covered member, licensed
                // provider, payment consent, care relationship) may be appealed.
                let claim = m.claims[index].clone();
                if !matches!(
                    m.screen(&claim, claim.submitted_at)?,
                    Screen::Pass { review: false }
                ) {
                    return Err(Error::NotAdmitted);
                }
                // It reserves the allowed amount of its covered lines, never what it
                // billed.
                let plan = &mut m.plans[claim.plan as usize - 1];
                let reserve: u128 = claim
                    .lines
                    .iter()
                    .filter_map(|l| {
                        let fee = plan.fees.get(&l.line.procedure)?;
                        Some(l.line.billed.min(fee * u128::from(l.line.units)))
                    })
                    .sum();
                plan.reserved += reserve;
                let claim = &mut m.claims[index];
                claim.status = ClaimStatus::UnderAppeal;
                claim.appealed = true;
                claim.reserved = reserve;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::DecideAppeal {
            caller,
            claim,
            overturn,
        } => {
            let id = pick_in(m, claim, ClaimStatus::UnderAppeal);
            let adjuster = m.adjuster_of(id);
            let who = by_role(caller, adjuster);
            test::set_caller::<Env>(who);
            let got = c.decide_appeal(id, overturn);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let index = m.adjuster_claim(id, who)?;
                if m.claims[index].status != ClaimStatus::UnderAppeal {
                    return Err(Error::NotAppealed);
                }
                let lines: Vec<ClaimLine> = m.claims[index].lines.iter().map(|l| l.line).collect();
                let screen = if overturn {
                    let claim = &m.claims[index];
                    Some(m.screen(claim, claim.submitted_at)?)
                } else {
                    None
                };
                let reserved = std::mem::take(&mut m.claims[index].reserved);
                m.plans[m.claims[index].plan as usize - 1].reserved -= reserved;
                m.claims[index].status = ClaimStatus::Denied;
                if overturn {
                    m.release_services(index);
                }
                match screen {
                    None => {}
                    Some(Screen::Deny(reason)) => {
                        Model::deny_all(&mut m.claims[index], &lines, reason)
                    }
                    Some(Screen::Pass { .. }) => {
                        m.claims[index].denial = None;
                        m.adjudicate(index, &lines, None);
                        m.decide(index, false, None, false);
                    }
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Settle { caller, claim } => {
            let id = pick_owed(m, claim);
            set_caller(caller);
            let got = c.settle(id);
            let want = (|| -> Result<()> {
                // A provider's exit: works while paused.
                let index = m.claim_index(id)?;
                let claim = &mut m.claims[index];
                if !matches!(
                    claim.status,
                    ClaimStatus::ApprovedUnfunded | ClaimStatus::PaymentFailed
                ) {
                    return Err(Error::NotUnfunded);
                }
                let plan = &mut m.plans[claim.plan as usize - 1];
                if plan.queue.front() != Some(&index) {
                    return Err(Error::NotFirstOwed);
                }
                // Never from what claims pending review or under appeal hold.
                if plan.escrow.saturating_sub(plan.reserved) < claim.payer {
                    return Err(Error::InsufficientEscrow);
                }
                plan.queue.pop_front();
                plan.owed -= claim.payer;
                plan.escrow -= claim.payer;
                plan.paid += claim.payer;
                m.balance -= claim.payer;
                claim.status = ClaimStatus::Paid;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Licence {
            who,
            kind,
            from,
            days: length,
        } => {
            let kind = [
                CredentialKind::MedicalLicence,
                CredentialKind::PayerLicence,
                CredentialKind::PharmacistLicence,
            ][usize::from(kind)];
            let w = window(m.now, from, length);
            licence(account(who), kind, w);
            m.peers.licences.push((account(who), kind, w));
            (String::new(), String::new())
        }
        Op::Payment {
            member: who,
            payer,
            from,
            days: length,
        } => {
            let w = window(m.now, from, length);
            payment_consent(member(who), account(payer), w);
            m.peers.payment.insert((member(who), account(payer)), w);
            (String::new(), String::new())
        }
        Op::Care {
            member: who,
            provider,
            from,
            days: length,
        } => {
            let w = window(m.now, from, length);
            care(member(who), account(provider), w);
            m.peers.care.insert((member(who), account(provider)), w);
            (String::new(), String::new())
        }
        Op::Monitored {
            member: who,
            provider,
            days,
        } => {
            crate::tests::monitored(member(who), account(provider), days);
            m.peers
                .monitored
                .insert((member(who), account(provider)), days);
            (String::new(), String::new())
        }
        Op::PeerFails {
            consent,
            who,
            error,
        } => {
            let error = error.map(|trap| {
                if trap {
                    PeerError::Trapped
                } else {
                    PeerError::Unreachable
                }
            });
            let (target, map) = if consent {
                consent_fails(member(who), error);
                (member(who), &mut m.peers.consent_fails)
            } else {
                credentials_fail(account(who), error);
                (account(who), &mut m.peers.credential_fails)
            };
            match error {
                Some(e) => map.insert(target, e),
                None => map.remove(&target),
            };
            (String::new(), String::new())
        }
        Op::SetPeer { caller, role, to } => {
            let caller = if caller < ACCOUNTS { caller } else { 0 };
            let role = [
                PeerRole::Credentials,
                PeerRole::Consent,
                PeerRole::Monitoring,
            ][usize::from(role)];
            test::set_caller::<Env>(account(caller));
            let got = c.apply(Gov::Peer(role, account(to)));
            // Every role is a peer of the claims contract.
            let want = if account(caller) != m.governor {
                Err(ApplyError::NotGovernor)
            } else if m.paused {
                Err(ApplyError::Paused)
            } else {
                match role {
                    PeerRole::Credentials => m.addresses.credentials = account(to),
                    PeerRole::Consent => m.addresses.consent = account(to),
                    PeerRole::Monitoring => m.addresses.monitoring = account(to),
                }
                Ok(())
            };
            (
                format!("{got:?} {:?}", c.peers()),
                format!("{want:?} {:?}", m.addresses),
            )
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

/// Every claim and plan equal to the model's, and the invariants.
fn compare(c: &ClaimsAdjudication, m: &Model) -> std::result::Result<(), String> {
    if c.paused() != m.paused {
        return Err(format!("paused() {} != {}", c.paused(), m.paused));
    }
    for (i, want) in m.claims.iter().enumerate() {
        let got = c.claim(i as u64 + 1).ok_or("claim missing")?;
        let lines: Vec<LineView> = got
            .lines
            .iter()
            .map(|l| {
                let adjustments = l.adjustments.iter().map(|a| (a.group, a.reason, a.amount));
                (
                    l.line,
                    l.allowed,
                    l.payer_amount,
                    l.member_amount,
                    adjustments.collect(),
                )
            })
            .collect();
        let want_lines: Vec<_> = want
            .lines
            .iter()
            .map(|l| (l.line, l.allowed, l.payer, l.member, l.adjustments.clone()))
            .collect();
        if (
            got.status,
            got.denial,
            got.billed,
            got.allowed,
            got.payer_amount,
        ) != (
            want.status,
            want.denial,
            want.billed,
            want.allowed,
            want.payer,
        ) || (got.member_amount, got.deductible_applied) != (want.member_amount, want.deductible)
            || lines != want_lines
            || got.appeal_evidence.is_some() != want.appealed
            || got.reserved != want.reserved
        {
            return Err(format!("claim {} differs:\n{got:?}\nmodel {want:?}", i + 1));
        }
        // Every line balances: billed = payer share + adjustments (the member's share is
        // the patient-responsibility adjustments).
        for l in &got.lines {
            let adjusted: u128 = l.adjustments.iter().map(|a| a.amount).sum();
            if l.line.billed != l.payer_amount + adjusted {
                return Err(format!("claim {}: a line does not balance: {l:?}", i + 1));
            }
        }
    }
    let mut total = 0;
    for (i, want) in m.plans.iter().enumerate() {
        let plan = c.plan(i as PlanId + 1).ok_or("plan missing")?;
        if (
            plan.escrow,
            plan.owed,
            plan.reserved,
            plan.funded,
            plan.withdrawn,
            plan.paid,
        ) != (
            want.escrow,
            want.owed,
            want.reserved,
            want.funded,
            want.withdrawn,
            want.paid,
        ) {
            return Err(format!("plan {} differs: {plan:?}", i + 1));
        }
        if plan.escrow != plan.funded - plan.withdrawn - plan.paid {
            return Err(format!(
                "plan {}: escrow != funded - withdrawn - paid",
                i + 1
            ));
        }
        let of_plan = |status: ClaimStatus| {
            m.claims
                .iter()
                .filter(move |cl| cl.plan as usize == i + 1 && cl.status == status)
        };
        let owed: u128 = of_plan(ClaimStatus::ApprovedUnfunded)
            .chain(of_plan(ClaimStatus::PaymentFailed))
            .map(|cl| cl.payer)
            .sum();
        let reserved: u128 = of_plan(ClaimStatus::PendingReview)
            .chain(of_plan(ClaimStatus::UnderAppeal))
            .map(|cl| cl.reserved)
            .sum();
        if (plan.owed, plan.reserved) != (owed, reserved) {
            return Err(format!(
                "plan {}: owed / reserved != sums over claims",
                i + 1
            ));
        }
        // A reservation never exceeds what the claim's lines can be allowed (at most
        // their billed amount).
        if of_plan(ClaimStatus::UnderAppeal).any(|cl| cl.reserved > cl.billed) {
            return Err(format!(
                "plan {}: a reservation above a billed amount",
                i + 1
            ));
        }
        let next = want.queue.front().map(|index| *index as u64 + 1);
        if c.next_owed(i as PlanId + 1) != next {
            return Err(format!("plan {}: next_owed differs from {next:?}", i + 1));
        }
        total += plan.escrow;
    }
    let balance = test::get_account_balance::<Env>(test::callee::<Env>()).unwrap_or(0);
    if c.total_escrow() != total || balance < ED + total || balance != ED + m.balance {
        return Err(format!(
            "total escrow {} / balance {balance} vs escrows {total}",
            c.total_escrow()
        ));
    }
    // No member holds two CPT 99454 lines less than 30 days apart, whatever the plan or
    // provider; `supply_holder` names the holder.
    let mut supplies: Vec<(AccountId, u64, usize)> = Vec::new();
    for (i, claim) in m.claims.iter().enumerate() {
        let stored = c.claim(i as u64 + 1).ok_or("claim missing")?;
        if !stored.status.holds_lines() {
            continue;
        }
        if stored
            .lines
            .iter()
            .any(|l| l.allowed > 0 && l.line.procedure == SUPPLY)
        {
            let day = claim.service_date / DAY;
            if let Some((_, other, j)) = supplies
                .iter()
                .find(|(who, d, _)| *who == claim.member && d.abs_diff(day) < 30)
            {
                return Err(format!(
                    "claims {} and {} both hold 99454 (days {other} and {day})",
                    j + 1,
                    i + 1
                ));
            }
            supplies.push((claim.member, day, i));
            if c.supply_holder(claim.member, claim.service_date) != Some(i as u64 + 1) {
                return Err(format!("supply_holder misses claim {}", i + 1));
            }
        }
    }
    // No service held by two claims; accumulators within the limits and equal to the sums
    // over the claims holding them.
    let mut held = BTreeMap::new();
    let mut sums: BTreeMap<(PlanId, AccountId, u64), (u128, u128)> = BTreeMap::new();
    for (i, claim) in m.claims.iter().enumerate() {
        if !claim.status.holds_lines() {
            continue;
        }
        let stored = c.claim(i as u64 + 1).ok_or("claim missing")?;
        for line in stored.lines.iter().filter(|l| l.allowed > 0) {
            let key = Model::key(claim, line.line.procedure);
            if let Some(other) = held.insert(key, i) {
                return Err(format!(
                    "claims {} and {} both hold {key:?}",
                    other + 1,
                    i + 1
                ));
            }
            let holder = c.service_holder(key.0, key.1, key.2, claim.service_date, key.4);
            if holder != Some(i as u64 + 1) {
                return Err(format!(
                    "service_holder({key:?}) = {holder:?}, not {}",
                    i + 1
                ));
            }
        }
        let terms = m.plans[claim.plan as usize - 1].terms;
        let key = (
            claim.plan,
            claim.member,
            Model::year(&terms, claim.service_date),
        );
        let entry = sums.entry(key).or_default();
        entry.0 += claim.deductible;
        entry.1 += claim.member_amount;
    }
    for (key, want) in &m.acc {
        let terms = m.plans[key.0 as usize - 1].terms;
        let got = c.accumulator(key.0, key.1, key.2 as u32);
        if (got.deductible_met, got.oop_spent) != *want
            || got.deductible_met > terms.deductible
            || got.oop_spent > terms.oop_max
            || sums.get(key).copied().unwrap_or_default() != *want
        {
            return Err(format!("accumulator {key:?}: {got:?}, model {want:?}"));
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        forget_peers();
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let mut c =
            ClaimsAdjudication::new(account(0), account(8), account(8), account(8)).expect("new");
        let mut m = Model {
            addresses: crate::model::Peers {
                credentials: account(8),
                consent: account(8),
                monitoring: account(8),
            },
            governor: account(0),
            now: START,
            paused: false,
            plans: Vec::new(),
            claims: Vec::new(),
            held: BTreeMap::new(),
            acc: BTreeMap::new(),
            supply: Vec::new(),
            references: BTreeSet::new(),
            correctors: BTreeSet::new(),
            rechecked: BTreeSet::new(),
            peers: Peers::default(),
            balance: 0,
        };
        set_balance(&m);
        // Payer 1 licensed for ever, payer 2 for a year; provider 3 for ever, provider 4
        // (an NPI registration) from 60 days ago for 90 days; member 5 consents to payer 1
        // and named provider 3 for a year; adjuster 7 is appointed by the payers below;
        // provider 3's devices report 30 days of member 5's data.
        let ever = (0, u64::MAX);
        for (who, kind, w) in [
            (1, CredentialKind::PayerLicence, ever),
            (3, CredentialKind::MedicalLicence, ever),
            (4, CredentialKind::NpiRegistration, window(START, -60, 90)),
        ] {
            licence(account(who), kind, w);
            m.peers.licences.push((account(who), kind, w));
        }
        for (member_, other, care_, w) in [
            (5, 1, false, window(START, -200, 365)),
            (5, 3, true, window(START, -200, 365)),
        ] {
            if care_ {
                care(account(member_), account(other), w);
                m.peers.care.insert((account(member_), account(other)), w);
            } else {
                payment_consent(account(member_), account(other), w);
                m.peers
                    .payment
                    .insert((account(member_), account(other)), w);
            }
        }
        for op in [
            Op::CreatePlan {
                caller: 1,
                deductible: 300,
                copay: 20,
                bps: 2_000,
                oop: 1_000,
                filing_days: 90,
                threshold: 300,
            },
            Op::SetFee {
                caller: 1,
                plan: 1,
                procedure: 0,
                fee: Some(100),
            },
            Op::SetFee {
                caller: 1,
                plan: 1,
                procedure: 1,
                fee: Some(900),
            },
            Op::SetFee {
                caller: 1,
                plan: 1,
                procedure: 4,
                fee: Some(60),
            },
            Op::Enroll {
                caller: 1,
                plan: 1,
                member: 0,
                start: -150,
                days: None,
            },
            Op::Adjuster {
                caller: 1,
                plan: 1,
                adjuster: 7,
                add: true,
            },
            Op::Fund {
                caller: 1,
                plan: 1,
                amount: 600,
            },
            Op::Monitored {
                member: 0,
                provider: 3,
                days: 30,
            },
        ] {
            let (got, want) = step(&mut c, &mut m, &op);
            assert_eq!(got, want, "setup {op:?}");
        }
        let mut state = (c, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(c, m), op| step(c, m, op),
            |(c, m), _| {
                // The statuses and denial reasons claims pass through.
                for claim in &m.claims {
                    reached(CONTRACT, &format!("{:?}", claim.status));
                    for reason in claim.denial.iter().chain(
                        claim
                            .lines
                            .iter()
                            .flat_map(|l| l.adjustments.iter().map(|(_, reason, _)| reason)),
                    ) {
                        reached(CONTRACT, &format!("{reason:?}"));
                    }
                }
                compare(c, m)
            },
            // A payer's withdrawal of free escrow; settling what is owed.
            |(c, _), op| c.paused() && matches!(op, Op::Withdraw { .. } | Op::Settle { .. }),
        )?;
        Ok(())
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_claims_adjudication(ops in prop::collection::vec(op(), OPS)) {
        run(&ops)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
