//! A payer's mix: one `submit_claims` batch of 100 claims as a payer receives them, from
//! 100 distinct members and 20 providers, one to three lines each, service dates spread
//! over the plan year, and a share denied for the usual reasons: no care relationship,
//! coverage ended, a line already paid (duplicate), a procedure the fee schedule does not
//! cover. Unlike the favourable batches of `measure_batches` (one member, one provider:
//! their coverage, accumulator, consent and care relationship are read once per batch),
//! nearly every claim here reads and writes its own member's records.

use crate::chain::Party;
use crate::measure::Batch;
use crate::report::{BLOCK_REF_TIME, NORMAL_DISPATCH_PERCENT, PARACHAIN_POV};
use crate::world::{terms, ClaimErr, ConsErr, CredErr, World, OPERATOR, PAYER};
use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimRequest, ClaimStatus, ClaimSubmission, Coverage,
};
use e2e_tests::call_data;
use e2e_tests::fixtures::{line, payment_consent};
use healthcare_traits::{CredentialKind, DAY};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;

/// Claims in the batch (`MAX_CLAIMS_PER_BATCH`), members (one per claim), providers.
pub const CLAIMS: u32 = 100;
const PROVIDERS: u32 = 20;
/// The procedures of the mix's fee schedule, and one it does not list.
const FEES: [([u8; 5], u128); 8] = [
    (*b"99212", 60),
    (*b"99213", 90),
    (*b"99214", 130),
    (*b"99215", 180),
    (*b"80050", 40),
    (*b"85025", 15),
    (*b"93000", 25),
    (*b"71046", 45),
];
const UNLISTED: [u8; 5] = *b"99499";

/// The batch measured, and what the contract made of it.
pub struct Mix {
    pub batch: Batch,
    /// Claims denied whole, by reason.
    pub denied: Vec<(Carc, usize)>,
    /// Lines denied in claims that were otherwise paid or sent to review, by reason.
    pub lines_denied: Vec<(Carc, usize)>,
    /// Lines in the batch.
    pub lines: usize,
    /// Claims paid to their provider at once.
    pub paid: usize,
}

/// How claim `k` of the mix is built.
struct Shape {
    /// No care relationship with its provider: denied.
    no_care: bool,
    /// Coverage ended the day before its service: denied.
    coverage_ended: bool,
    /// Its lines were paid before (a claim in the set-up): each line a duplicate.
    duplicate: bool,
    /// Its first line is a procedure the fee schedule does not list.
    unlisted: bool,
}

fn shape(k: u32) -> Shape {
    Shape {
        no_care: k % 10 == 3,
        coverage_ended: k % 20 == 17,
        duplicate: k % 25 == 5,
        unlisted: k % 20 == 11,
    }
}

fn member(k: u32) -> Party {
    Party::Bulk(k, 0xD1)
}

fn provider(k: u32) -> Party {
    Party::Bulk(k % PROVIDERS, 0xD2)
}

impl World {
    fn account(&self, party: Party) -> AccountId {
        e2e_tests::ink_account(&self.chain.id(party))
    }

    /// Claim `k` of the mix in plan `plan` (its year starting at `year_start`).
    fn mix_claim(&self, k: u32, plan: u32, year_start: u64) -> ClaimRequest {
        let lines = (0..1 + k % 3)
            .map(|j| {
                let (procedure, fee) = FEES[usize::try_from((k + j) % 8).unwrap_or(0)];
                if j == 0 && shape(k).unlisted {
                    line(&UNLISTED, 100)
                } else {
                    line(&procedure, fee + 20)
                }
            })
            .collect();
        ClaimRequest {
            plan,
            member: self.account(member(k)),
            provider: self.account(provider(k)),
            service_date: year_start + u64::from(3 * k + 1) * DAY,
            emergency: false,
            lines,
        }
    }

    /// The mix's plan with its fee schedule and escrow; its providers licensed; its
    /// members enrolled, each with a payment consent for the payer and (but for the
    /// claims meant to be denied for it) a care relationship with its provider; the
    /// claims the batch will duplicate, submitted first. Returns the plan and the start
    /// of its year.
    fn open_mix(&mut self) -> (u32, u64) {
        let now = self.now;
        let claims = self.claims.clone();
        let year_start = now - 320 * DAY;
        let mut plan_terms = terms(now);
        plan_terms.year_start = year_start;
        plan_terms.timely_filing = 365 * DAY;
        // A deductible most claims exceed, so that most priced claims pay the provider
        // (with the bench's usual 500 every claim of a fresh member would go to it whole).
        plan_terms.deductible = 100;
        let plan = self.call::<Result<u32, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("create_plan"), (plan_terms,)),
            0,
        );
        let plan = plan.expect("the mix's plan");
        let fees: Vec<([u8; 5], Option<u128>)> =
            FEES.iter().map(|(code, fee)| (*code, Some(*fee))).collect();
        let set = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("set_fees"), (plan, fees)),
            0,
        );
        assert_eq!(set, Ok(()));
        let funded = self.call::<Result<u128, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("fund"), (plan,)),
            100_000_000_000,
        );
        assert!(funded.is_ok(), "fund: {funded:?}");
        self.license_providers();
        for k in 0..CLAIMS {
            self.enrol_mix_member(k, plan, year_start);
        }
        (plan, year_start)
    }

    /// The mix's providers licensed (a medical licence each), each naming the payer its
    /// relay (the payer submits their claims).
    fn license_providers(&mut self) {
        let now = self.now;
        let registry = self.credentials.clone();
        let claims = self.claims.clone();
        let payer = self.id(PAYER);
        for p in 0..PROVIDERS {
            self.chain.fund(provider(p));
            let (named, _) = self.outcome::<Result<(), ClaimErr>>(
                &claims,
                provider(p),
                call_data(selector_bytes!("set_corrector"), (payer, true)),
                0,
            );
            assert_eq!(named, Ok(()), "set_corrector");
            let subject = self.account(provider(p));
            let request =
                e2e_tests::fixtures::credential(subject, CredentialKind::MedicalLicence, now);
            let issued = self.call::<Result<u64, CredErr>>(
                &registry,
                OPERATOR,
                call_data(selector_bytes!("issue"), (request,)),
                0,
            );
            assert!(issued.is_ok(), "issue: {issued:?}");
        }
    }

    /// Member `k` of the mix: funded, enrolled in `plan` (its coverage ended before its
    /// claim's service if the claim is meant to be denied for it), with a payment consent
    /// for the payer and, unless meant to be denied for it, a care relationship with its
    /// provider; the claim its batch claim duplicates, if any, submitted first.
    fn enrol_mix_member(&mut self, k: u32, plan: u32, year_start: u64) {
        let now = self.now;
        let claims = self.claims.clone();
        let consent = self.consent.clone();
        let who = member(k);
        let patient = self.account(who);
        self.chain.fund(who);
        let shape = shape(k);
        let service_date = year_start + u64::from(3 * k + 1) * DAY;
        let coverage = Coverage {
            start: year_start,
            end: shape.coverage_ended.then_some(service_date - DAY),
        };
        let enrolled = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("enroll"), (plan, patient, coverage)),
            0,
        );
        assert_eq!(enrolled, Ok(()));
        let mut request = payment_consent(patient, self.id(PAYER), now);
        request.valid_from = year_start;
        let (granted, _) = self.outcome::<Result<u64, ConsErr>>(
            &consent,
            who,
            call_data(selector_bytes!("grant"), (request,)),
            0,
        );
        assert!(granted.is_ok(), "grant: {granted:?}");
        if !shape.no_care {
            let (named, _) = self.outcome::<Result<u64, ConsErr>>(
                &consent,
                who,
                call_data(
                    selector_bytes!("add_care_provider"),
                    (patient, self.account(provider(k)), year_start),
                ),
                0,
            );
            assert!(named.is_ok(), "add_care_provider: {named:?}");
        }
        if shape.duplicate {
            let first = self.mix_claim(k, plan, year_start);
            let submitted = self.call::<Result<u64, ClaimErr>>(
                &claims,
                PAYER,
                call_data(selector_bytes!("submit_claim"), (first,)),
                0,
            );
            assert!(submitted.is_ok(), "the claim to duplicate: {submitted:?}");
        }
    }
}

fn count(reasons: impl Iterator<Item = Carc>) -> Vec<(Carc, usize)> {
    let mut counted: Vec<(Carc, usize)> = Vec::new();
    for reason in reasons {
        match counted.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => counted.push((reason, 1)),
        }
    }
    counted
}

/// Sets up the mix (not measured), submits its batch as the payer (measured), and reads
/// back what each claim became.
pub fn measure_mix(w: &mut World) -> Mix {
    eprintln!("    the payer's mix: {CLAIMS} members, {PROVIDERS} providers");
    let (plan, year_start) = w.open_mix();
    let claims = w.claims.clone();
    let batch: Vec<ClaimSubmission> = (0..CLAIMS)
        .map(|k| ClaimSubmission {
            request: w.mix_claim(k, plan, year_start),
            reference: Some({
                let mut bytes = [0xD3; 32];
                bytes[..4].copy_from_slice(&k.to_le_bytes());
                Hash::from(bytes)
            }),
        })
        .collect();
    let lines = batch.iter().map(|c| c.request.lines.len()).sum();
    w.chain.set_gas_limit(
        BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT,
        PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT,
    );
    let (results, outcome) = w.outcome::<Result<Vec<Result<u64, ClaimErr>>, ClaimErr>>(
        &claims,
        Party::N(PAYER),
        call_data(selector_bytes!("submit_claims"), (batch,)),
        0,
    );
    w.chain.set_gas_limit(100_000_000_000, 3 * 1024 * 1024);
    let ids: Vec<u64> = results
        .unwrap_or_else(|e| panic!("submit_claims (mix): {e:?}"))
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("a claim of the mix refused: {e:?}")))
        .collect();
    let recorded: Vec<Claim> = ids
        .iter()
        .map(|id| {
            w.query::<Option<Claim>>(&claims, call_data(selector_bytes!("claim"), (*id,)))
                .unwrap_or_else(|| panic!("claim {id} not stored"))
        })
        .collect();
    let denied = count(
        recorded
            .iter()
            .filter(|c| c.status == ClaimStatus::Denied)
            .filter_map(|c| c.denial),
    );
    let lines_denied = count(
        recorded
            .iter()
            .filter(|c| c.status != ClaimStatus::Denied)
            .flat_map(|c| c.lines.iter())
            .filter(|l| l.allowed == 0)
            .filter_map(|l| l.adjustments.first().map(|a| a.reason)),
    );
    Mix {
        batch: Batch {
            claims: ids.len(),
            ref_time: outcome.ref_time,
            proof_size: outcome.proof_size,
        },
        denied,
        lines_denied,
        lines,
        paid: recorded
            .iter()
            .filter(|c| c.status == ClaimStatus::Paid && c.payer_amount > 0)
            .count(),
    }
}
