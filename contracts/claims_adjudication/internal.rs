//! The contract's internal steps (no messages), over the storage of [`ClaimsAdjudication`].

use crate::claims_adjudication::ClaimsAdjudication;
use crate::events::*;
use crate::model::*;
use crate::pricing::{self, Verdict};
use healthcare_traits::{ensure, ClaimConsent, KindSet, PeerError};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Balance = u128;
type Timestamp = u64;

/// (plan, member, plan year): the key of a member's accumulators.
pub(crate) type MemberYear = (PlanId, AccountId, u32);

/// The outcome of the claim-level checks.
pub(crate) enum Screen {
    /// Denied for this reason.
    Deny(Carc),
    /// Passed; `review`: an emergency without a care relationship, for an adjuster.
    Pass { review: bool },
}

impl ClaimsAdjudication {
    /// The plan, if the caller is its payer.
    pub(crate) fn payer_plan(&self, plan_id: PlanId) -> Result<Plan> {
        let plan = self.plans.get(plan_id).ok_or(Error::UnknownPlan)?;
        ensure!(plan.payer == self.env().caller(), Error::NotPayer);
        Ok(plan)
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

    pub(crate) fn set_adjuster(
        &mut self,
        plan_id: PlanId,
        adjuster: AccountId,
        active: bool,
    ) -> Result<()> {
        self.admin.ensure_not_paused()?;
        self.payer_plan(plan_id)?;
        if active {
            self.adjusters.insert((plan_id, adjuster), &());
        } else {
            self.adjusters.remove((plan_id, adjuster));
        }
        self.env().emit_event(AdjusterChanged {
            plan: plan_id,
            adjuster,
            active,
        });
        Ok(())
    }

    /// The claim-level checks at the service date: coverage and timely filing (counted
    /// to `filed_at`) first, then the provider's credential, then the member's payment
    /// consent and care relationship (one call each to the two peers).
    pub(crate) fn screen(&self, plan: &Plan, claim: &Claim, filed_at: Timestamp) -> Result<Screen> {
        let service_date = claim.service_date;
        match self.members.get((plan.id, claim.member)) {
            None => return Ok(Screen::Deny(Carc::NotInsured)),
            Some(coverage) if service_date < coverage.start => {
                return Ok(Screen::Deny(Carc::BeforeCoverage))
            }
            Some(Coverage { end: Some(end), .. }) if service_date >= end => {
                return Ok(Screen::Deny(Carc::CoverageEnded))
            }
            Some(_) => {}
        }
        if filed_at.saturating_sub(service_date) > plan.terms.timely_filing {
            return Ok(Screen::Deny(Carc::TimelyFiling));
        }
        if !self.credential_valid(claim.provider, KindSet::BILLING_PROVIDER, service_date)? {
            return Ok(Screen::Deny(Carc::ProviderNotEligible));
        }
        let answer = self.claim_consent(claim.member, plan.payer, claim.provider, service_date)?;
        if !answer.payment_consent {
            return Ok(Screen::Deny(Carc::ConsentAbsent));
        }
        match (answer.care_relationship, claim.emergency) {
            (true, _) => Ok(Screen::Pass { review: false }),
            (false, true) => Ok(Screen::Pass { review: true }),
            (false, false) => Ok(Screen::Deny(Carc::NoCareRelationship)),
        }
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
        claim.allowed = 0;
        claim.payer_amount = 0;
        claim.member_amount = 0;
        claim.deductible_applied = 0;
        Ok(())
    }

    pub(crate) fn service_key(claim: &Claim, line: &ClaimLine) -> ServiceKey {
        (
            claim.plan,
            claim.member,
            claim.provider,
            day_of(claim.service_date),
            line.procedure,
        )
    }

    /// Prices the lines (duplicates denied, the rest against the fee schedule and the
    /// member's accumulators), writes the accumulators and the service keys of the
    /// priced lines, and fills the claim's remittance.
    pub(crate) fn adjudicate_lines(
        &mut self,
        plan: &Plan,
        claim: &mut Claim,
        lines: &[ClaimLine],
    ) -> Result<()> {
        let mut verdicts: Vec<(ClaimLine, Verdict)> = Vec::with_capacity(lines.len());
        for line in lines {
            let key = Self::service_key(claim, line);
            let repeated = verdicts.iter().any(|(l, _)| l.procedure == line.procedure);
            let held = self
                .line_keys
                .get(key)
                .is_some_and(|holder| holder != claim.id);
            let verdict = if repeated || held {
                Verdict::Duplicate
            } else {
                self.fees
                    .get((plan.id, line.procedure))
                    .map_or(Verdict::NotCovered, Verdict::Fee)
            };
            verdicts.push((*line, verdict));
        }
        let year = plan.terms.year_of(claim.service_date);
        let key = (plan.id, claim.member, year);
        let start = self.accumulators.get(key).unwrap_or_default();
        let priced = pricing::price(&plan.terms, start, &verdicts)?;
        self.accumulators.insert(key, &priced.accumulator);
        for result in priced.lines.iter().filter(|r| r.allowed > 0) {
            self.line_keys
                .insert(Self::service_key(claim, &result.line), &claim.id);
        }
        claim.lines = priced.lines;
        claim.billed = priced.billed;
        claim.allowed = priced.allowed;
        claim.payer_amount = priced.payer;
        claim.member_amount = priced.member;
        claim.deductible_applied = priced.deductible;
        Ok(())
    }

    /// After pricing: denied when nothing is allowed; pending review (payer share
    /// reserved) when `review` or, if `threshold`, above the plan's review threshold;
    /// else approved.
    pub(crate) fn decide(
        &mut self,
        plan: &mut Plan,
        claim: &mut Claim,
        review: bool,
        threshold: bool,
    ) -> Result<()> {
        if claim.allowed == 0 {
            claim.status = ClaimStatus::Denied;
            claim.denial = claim
                .lines
                .first()
                .and_then(|line| line.adjustments.first())
                .map(|adjustment| adjustment.reason);
        } else if review || (threshold && claim.payer_amount > plan.terms.review_threshold) {
            claim.status = ClaimStatus::PendingReview;
            plan.reserved = plan
                .reserved
                .checked_add(claim.payer_amount)
                .ok_or(Error::Overflow)?;
        } else {
            self.approve(plan, claim)?;
        }
        Ok(())
    }

    /// Gives back what a claim had counted into the member's accumulators and the
    /// service keys its lines held.
    pub(crate) fn release(&mut self, plan: &Plan, claim: &Claim) -> Result<()> {
        let key = (
            plan.id,
            claim.member,
            plan.terms.year_of(claim.service_date),
        );
        let mut acc = self.accumulators.get(key).unwrap_or_default();
        acc.deductible_met = acc.deductible_met.saturating_sub(claim.deductible_applied);
        acc.oop_spent = acc.oop_spent.saturating_sub(claim.member_amount);
        self.accumulators.insert(key, &acc);
        for result in claim.lines.iter().filter(|r| r.allowed > 0) {
            let key = Self::service_key(claim, &result.line);
            if self.line_keys.get(key) == Some(claim.id) {
                self.line_keys.remove(key);
            }
        }
        Ok(())
    }

    /// Pays the claim if the free escrow covers it, else records it as owed (first
    /// approved, first settled). A failed transfer leaves it owed as payment-failed.
    pub(crate) fn approve(&mut self, plan: &mut Plan, claim: &mut Claim) -> Result<()> {
        let amount = claim.payer_amount;
        if amount == 0 {
            claim.status = ClaimStatus::Paid;
            return Ok(());
        }
        let status = if plan.free() < amount {
            ClaimStatus::ApprovedUnfunded
        } else if self.transfer_out(claim.provider, amount).is_err() {
            ClaimStatus::PaymentFailed
        } else {
            return self.paid(plan, claim);
        };
        plan.owed = plan.owed.checked_add(amount).ok_or(Error::Overflow)?;
        claim.status = status;
        Ok(())
    }

    /// Books a transfer of the claim's payer share that has been made.
    pub(crate) fn paid(&mut self, plan: &mut Plan, claim: &mut Claim) -> Result<()> {
        let amount = claim.payer_amount;
        plan.escrow = plan
            .escrow
            .checked_sub(amount)
            .ok_or(Error::InsufficientEscrow)?;
        plan.paid = plan.paid.checked_add(amount).ok_or(Error::Overflow)?;
        self.total_escrow = self
            .total_escrow
            .checked_sub(amount)
            .ok_or(Error::Overflow)?;
        claim.status = ClaimStatus::Paid;
        self.env().emit_event(ClaimPaid {
            claim: claim.id,
            provider: claim.provider,
            amount,
        });
        Ok(())
    }

    /// Sends `amount` native tokens from the contract to `to`.
    pub(crate) fn transfer_out(&self, to: AccountId, amount: Balance) -> Result<()> {
        ensure!(self.env().balance() >= amount, Error::TransferFailed);
        self.env()
            .transfer(to, amount)
            .map_err(|_| Error::TransferFailed)
    }

    /// Stores the plan and the claim and emits the adjudication event.
    pub(crate) fn finish(&mut self, plan: &Plan, claim: Claim) {
        self.plans.insert(plan.id, plan);
        self.claims.insert(claim.id, &claim);
        self.env().emit_event(ClaimAdjudicated {
            claim: claim.id,
            plan: claim.plan,
            provider: claim.provider,
            member: claim.member,
            status: claim.status,
            denial: claim.denial,
            payer_amount: claim.payer_amount,
            member_amount: claim.member_amount,
            lines: claim.lines,
        });
    }

    pub(crate) fn credential_error(e: PeerError) -> Error {
        match e {
            PeerError::Trapped => Error::CredentialContractTrapped,
            PeerError::Unreachable => Error::CredentialContractUnreachable,
        }
    }

    pub(crate) fn consent_error(e: PeerError) -> Error {
        match e {
            PeerError::Trapped => Error::ConsentContractTrapped,
            PeerError::Unreachable => Error::ConsentContractUnreachable,
        }
    }

    /// Asks staff_credentials whether `account` held a valid credential of one of
    /// `kinds` at `at`.
    #[cfg(not(test))]
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        use healthcare_traits::{flatten_peer_result, CredentialVerifier};
        use ink::codegen::TraitCallBuilder;
        let verifier: ink::contract_ref!(CredentialVerifier, ink::env::DefaultEnvironment) =
            self.peers().credentials.into();
        let answer =
            healthcare_traits::try_invoke!(verifier.call().any_valid_at(account, kinds, at));
        flatten_peer_result(answer).map_err(Self::credential_error)
    }

    /// Asks consent_registry, in one call, for `member`'s care relationship with
    /// `provider` and payment consent to `payer` at `at`.
    #[cfg(not(test))]
    pub(crate) fn claim_consent(
        &self,
        member: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> Result<ClaimConsent> {
        use healthcare_traits::{flatten_peer_result, ConsentVerifier};
        use ink::codegen::TraitCallBuilder;
        let registry: ink::contract_ref!(ConsentVerifier, ink::env::DefaultEnvironment) =
            self.peers().consent.into();
        let answer = healthcare_traits::try_invoke!(registry
            .call()
            .claim_consent(member, payer, provider, at));
        flatten_peer_result(answer).map_err(Self::consent_error)
    }

    /// Unit tests: the stand-ins in `tests` answer per kind, purpose and pair like the
    /// real peers (and fail like them); the drink sandbox tests run the real calls.
    #[cfg(test)]
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        crate::tests::credential_answer(account, kinds, at).map_err(Self::credential_error)
    }

    #[cfg(test)]
    pub(crate) fn claim_consent(
        &self,
        member: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> Result<ClaimConsent> {
        crate::tests::claim_consent_answer(member, payer, provider, at).map_err(Self::consent_error)
    }
}
