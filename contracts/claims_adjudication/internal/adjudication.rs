//! Adjudication: line-level decisions with CARC codes, reviews and appeals.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use crate::model::day_of;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::{AccountId, Hash};

type Balance = u128;

impl ClaimsAdjudication {
    /// The steps of `review_claim`, after the shell's checks.
    pub(crate) fn do_review_claim(
        &mut self,
        claim_id: ClaimId,
        approve: bool,
        reason: Carc,
    ) -> Result<()> {
        let (mut plan, mut claim) = self.adjuster_claim(claim_id)?;
        ensure!(
            claim.status == ClaimStatus::PendingReview,
            Error::NotPendingReview
        );
        plan.reserved = plan
            .reserved
            .checked_sub(claim.reserved)
            .ok_or(Error::Overflow)?;
        claim.reserved = 0;
        if approve {
            self.approve(&mut plan, &mut claim)?;
        } else {
            let mut prices = Prices::default();
            self.release_accumulators(&plan, &claim, &mut prices)?;
            self.store_prices(prices);
            self.deny_supply(&claim);
            claim.status = ClaimStatus::Denied;
            claim.denial = Some(reason);
            // The lines keep their pricing for the record and their services stay held:
            // the same service billed again is a duplicate (else a new claim trimmed
            // under the review threshold would be paid at once over the adjuster's
            // denial). A denial pays nothing.
            claim.pay_nothing();
        }
        self.finish(&plan, claim);
        Ok(())
    }

    /// The steps of `appeal`, after the shell's checks.
    pub(crate) fn do_appeal(&mut self, claim_id: ClaimId, evidence: Hash) -> Result<()> {
        let mut claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
        ensure!(claim.provider == self.env().caller(), Error::NotProvider);
        ensure!(claim.appeal_evidence.is_none(), Error::AlreadyAppealed);
        ensure!(claim.status == ClaimStatus::Denied, Error::NotDenied);
        let mut plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
        ensure!(
            matches!(
                self.screen(&mut Prices::default(), &plan, &claim, claim.submitted_at)?,
                Screen::Pass { review: false }
            ),
            Error::NotAdmitted
        );
        let reserve = crate::model::appeal_reserve(
            claim
                .lines
                .iter()
                .map(|result| (result.line, self.fees.get((plan.id, result.line.procedure)))),
        );
        plan.reserved = plan.reserved.checked_add(reserve).ok_or(Error::Overflow)?;
        claim.status = ClaimStatus::UnderAppeal;
        claim.appeal_evidence = Some(evidence);
        claim.reserved = reserve;
        self.plans.insert(plan.id, &plan);
        self.claims.insert(claim_id, &claim);
        self.env().emit_event(ClaimAppealed {
            claim: claim_id,
            evidence,
            reserved: reserve,
        });
        Ok(())
    }

    /// The steps of `decide_appeal`, after the shell's checks.
    pub(crate) fn do_decide_appeal(&mut self, claim_id: ClaimId, overturn: bool) -> Result<()> {
        let (mut plan, mut claim) = self.adjuster_claim(claim_id)?;
        ensure!(claim.status == ClaimStatus::UnderAppeal, Error::NotAppealed);
        plan.reserved = plan
            .reserved
            .checked_sub(claim.reserved)
            .ok_or(Error::Overflow)?;
        claim.reserved = 0;
        claim.status = ClaimStatus::Denied;
        if overturn {
            let lines: Vec<ClaimLine> = claim.lines.iter().map(|r| r.line).collect();
            let mut prices = Prices::default();
            // A claim denied at review still holds its services: given back, then
            // priced again (or denied whole, holding nothing).
            self.release_services(&claim, &mut prices);
            match self.screen(&mut prices, &plan, &claim, claim.submitted_at)? {
                Screen::Deny(reason) => Self::deny_all(&mut claim, &lines, reason)?,
                Screen::Pass { .. } => {
                    claim.denial = None;
                    self.adjudicate_lines(&plan, &mut claim, &lines, &mut prices, None)?;
                    self.store_prices(prices);
                    self.decide(&mut plan, &mut claim, false, None, false)?;
                }
            }
        }
        self.finish(&plan, claim);
        Ok(())
    }

    /// The claim and its plan, if the caller is an adjuster of that plan.
    pub(crate) fn adjuster_claim(&self, claim_id: ClaimId) -> Result<(Plan, Claim)> {
        let claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
        ensure!(
            self.adjusters.contains((claim.plan, self.env().caller())),
            Error::NotAdjuster
        );
        let plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
        Ok((plan, claim))
    }

    /// Denies every line with `reason` (nothing counted, nothing held).
    pub(crate) fn deny_all(claim: &mut Claim, lines: &[ClaimLine], reason: Carc) -> Result<()> {
        claim.status = ClaimStatus::Denied;
        claim.denial = Some(reason);
        claim.lines = lines
            .iter()
            .map(|line| LineResult::denied(*line, reason))
            .collect();
        claim.billed = lines.iter().try_fold(0, |sum: Balance, line| {
            sum.checked_add(line.billed).ok_or(Error::Overflow)
        })?;
        claim.pay_nothing();
        Ok(())
    }

    /// The key a claim's CPT 99454 line is held under: (member, 30-day window of its
    /// service day).
    pub(crate) fn supply_key(claim: &Claim) -> SupplyKey {
        (claim.member, supply_window(day_of(claim.service_date)))
    }

    /// The key a claim's line is held under when its day's item is full (or, for lines
    /// the code before day items held, always): the day's key and the procedure.
    pub(crate) fn service_key(claim: &Claim, line: &ClaimLine) -> ServiceKey {
        Self::own_key(Self::day_key(claim), line.procedure)
    }

    /// The own key of `procedure` on `day`.
    fn own_key(day: DayKey, procedure: ProcedureCode) -> ServiceKey {
        let (plan, member, provider, day) = day;
        (plan, member, provider, day, procedure)
    }

    /// The key of the day a claim's lines are held under: (plan, member, provider,
    /// service day).
    pub(crate) fn day_key(claim: &Claim) -> DayKey {
        (
            claim.plan,
            claim.member,
            claim.provider,
            day_of(claim.service_date),
        )
    }

    /// The claim holding `procedure` on `day`: in the day's item, else under its own
    /// key if the item spilled or the day is older than the items (`from`, see
    /// [`ClaimsAdjudication::day_lines_from`]).
    pub(crate) fn holder(
        &self,
        held: &DayLines,
        day: DayKey,
        from: u64,
        procedure: ProcedureCode,
    ) -> Option<ClaimId> {
        held.holder(procedure).or_else(|| {
            if held.spilled || day.3 < from {
                self.line_keys.get(Self::own_key(day, procedure))
            } else {
                None
            }
        })
    }

    /// The first service day held only in day items, read once per submission: stored,
    /// or for a contract upgraded from the code before them, set now to the day after
    /// today.
    pub(crate) fn lines_from(&mut self, prices: &mut Prices) -> u64 {
        if let Some(from) = self.stored_from(prices) {
            return from;
        }
        let from = day_of(self.env().block_timestamp()).saturating_add(1);
        self.day_lines_from.set(&from);
        prices.stored_from = Some(Some(from));
        from
    }

    /// Prices the lines (duplicates denied, the rest against the fee schedule and the
    /// member's accumulators), writes the accumulators and the service keys of the
    /// priced lines, and fills the claim's remittance. A service `adopt` holds (the
    /// claim this one replaces) is no duplicate: this claim takes it over.
    pub(crate) fn adjudicate_lines(
        &mut self,
        plan: &Plan,
        claim: &mut Claim,
        lines: &[ClaimLine],
        prices: &mut Prices,
        adopt: Option<ClaimId>,
    ) -> Result<()> {
        let from = self.lines_from(prices);
        let day = Self::day_key(claim);
        let stored = self.day_lines.get(day).unwrap_or_default();
        let mut verdicts: Vec<(ClaimLine, Verdict)> = Vec::with_capacity(lines.len());
        for line in lines {
            let repeated = verdicts.iter().any(|(l, _)| l.procedure == line.procedure);
            let held = self
                .holder(&stored, day, from, line.procedure)
                .is_some_and(|holder| holder != claim.id && Some(holder) != adopt);
            let verdict = if repeated || held {
                Verdict::Duplicate
            } else {
                match prices
                    .fees
                    .get((plan.id, line.procedure), |key| self.fees.get(key))
                {
                    None => Verdict::NotCovered,
                    Some(fee) if line.procedure == DEVICE_SUPPLY_CODE => {
                        self.device_supply_verdict(claim, fee, adopt)?
                    }
                    Some(fee) => Verdict::Fee(fee),
                }
            };
            verdicts.push((*line, verdict));
        }
        let year = plan.terms.year_of(claim.service_date);
        let key = (plan.id, claim.member, year);
        let start = self.accumulator_in(prices, key)?;
        let priced = pricing::price(&plan.terms, start, &verdicts)?;
        // A claim that leaves the accumulators as they were writes nothing.
        if priced.accumulator != start {
            self.move_accumulator(prices, key, priced.accumulator)?;
        }
        let mut held = stored.clone();
        for result in priced.lines.iter().filter(|r| r.allowed > 0) {
            if !held.hold(result.line.procedure, claim.id) {
                self.line_keys
                    .insert(Self::service_key(claim, &result.line), &claim.id);
            }
            if result.line.procedure == DEVICE_SUPPLY_CODE {
                let held = (day_of(claim.service_date), claim.id);
                self.supply_lines.insert(Self::supply_key(claim), &held);
            }
        }
        // One write for the day, only if a line took (or spilled from) it.
        if held != stored {
            self.day_lines.insert(day, &held);
        }
        claim.lines = priced.lines;
        claim.billed = priced.billed;
        claim.allowed = priced.allowed;
        claim.payer_amount = priced.payer;
        claim.member_amount = priced.member;
        claim.deductible_applied = priced.deductible;
        Ok(())
    }

    /// A claim denied at review gives its CPT 99454 supply, if it holds one, from the
    /// holds that bind everyone to those that bind its own provider only.
    fn deny_supply(&mut self, claim: &Claim) {
        let supplied = claim
            .lines
            .iter()
            .any(|l| l.allowed > 0 && l.line.procedure == DEVICE_SUPPLY_CODE);
        if !supplied {
            return;
        }
        let key = Self::supply_key(claim);
        if let Some(held) = self
            .supply_lines
            .get(key)
            .filter(|(_, holder)| *holder == claim.id)
        {
            self.supply_lines.remove(key);
            self.denied_supplies
                .insert((claim.member, claim.provider, key.1), &held);
        }
    }

    /// The claims other than `except` and `adopt` whose CPT 99454 supply a person denied
    /// holds `member`'s period near service day `day` against `provider`.
    pub(crate) fn denied_supply_holders(
        &self,
        member: AccountId,
        provider: AccountId,
        day: u64,
        except: ClaimId,
        adopt: Option<ClaimId>,
    ) -> impl Iterator<Item = ClaimId> + '_ {
        supply_windows_near(day).filter_map(move |window| {
            other_holder(
                self.denied_supplies.get((member, provider, window)),
                day,
                except,
                adopt,
            )
        })
    }

    /// The claims other than `except` and `adopt` holding `member`'s CPT 99454 less
    /// than 30 days from service day `day` (three reads at most).
    pub(crate) fn supply_holders(
        &self,
        member: AccountId,
        day: u64,
        except: ClaimId,
        adopt: Option<ClaimId>,
    ) -> impl Iterator<Item = ClaimId> + '_ {
        supply_windows_near(day).filter_map(move |window| {
            other_holder(self.supply_lines.get((member, window)), day, except, adopt)
        })
    }

    /// After pricing: denied when nothing is allowed; pending review when `review` (an
    /// emergency without a care relationship: nothing reserved) or, payer share
    /// reserved, when `always` (a replacement of a claim a person denied, even one the
    /// member pays whole) or with a payer share above `threshold`; else approved.
    pub(crate) fn decide(
        &mut self,
        plan: &mut Plan,
        claim: &mut Claim,
        review: bool,
        threshold: Option<Balance>,
        always: bool,
    ) -> Result<()> {
        if claim.allowed == 0 {
            claim.status = ClaimStatus::Denied;
            claim.denial = claim
                .lines
                .first()
                .and_then(|line| line.adjustments.first())
                .map(|adjustment| adjustment.reason);
        } else if review {
            // An emergency without a care relationship: the adjuster decides, and nothing
            // is reserved meanwhile (a provider the member never named cannot hold the
            // payer's escrow); approved, it is paid from the free escrow or owed.
            claim.status = ClaimStatus::PendingReview;
        } else if always || threshold.is_some_and(|threshold| claim.payer_amount > threshold) {
            claim.status = ClaimStatus::PendingReview;
            plan.reserved = plan
                .reserved
                .checked_add(claim.payer_amount)
                .ok_or(Error::Overflow)?;
            claim.reserved = claim.payer_amount;
        } else {
            self.approve(plan, claim)?;
        }
        Ok(())
    }
}

/// The claim of a held CPT 99454 supply, if it is neither `except` nor `adopt` and its
/// service day is in the same 30-day period as `day`.
fn other_holder(
    hold: Option<SupplyHold>,
    day: u64,
    except: ClaimId,
    adopt: Option<ClaimId>,
) -> Option<ClaimId> {
    hold.filter(|(held, holder)| {
        *holder != except && Some(*holder) != adopt && same_supply_period(*held, day)
    })
    .map(|(_, holder)| holder)
}
