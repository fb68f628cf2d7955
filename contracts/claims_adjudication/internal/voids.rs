//! Voids and replacements (X12 claim frequency codes 8 and 7) of claims not yet paid, and
//! the providers' correctors.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use healthcare_traits::ensure;
use ink::codegen::Env;

type Timestamp = u64;

impl ClaimsAdjudication {
    /// The steps of `set_corrector`.
    pub(crate) fn do_set_corrector(&mut self, corrector: AccountId, allowed: bool) -> Result<()> {
        let provider = self.env().caller();
        if allowed {
            // Withdrawing is a safety action, open while paused; naming is not.
            self.governance.ensure_running()?;
            self.correctors.insert((provider, corrector), &());
        } else {
            self.correctors.remove((provider, corrector));
        }
        self.env().emit_event(CorrectorChanged {
            provider,
            corrector,
            allowed,
        });
        Ok(())
    }

    /// The steps of `void_claim`, after the shell's checks.
    pub(crate) fn do_void_claim(&mut self, claim_id: ClaimId) -> Result<()> {
        let claim = self.voidable(claim_id)?;
        let mut batch = Batch::default();
        self.void(&mut batch, claim, None)?;
        self.flush(batch);
        Ok(())
    }

    /// The steps of `replace_claim`, after the shell's checks: every check of the new
    /// claim that can refuse it comes before the original is voided, and the original's
    /// accumulators and services are given back before the new claim is priced (so the
    /// new version is no duplicate of the one it replaces).
    pub(crate) fn do_replace_claim(
        &mut self,
        submitter: AccountId,
        now: Timestamp,
        claim_id: ClaimId,
        submission: ClaimSubmission,
    ) -> Result<ClaimId> {
        let original = self.voidable(claim_id)?;
        let request = &submission.request;
        ensure!(
            request.plan == original.plan
                && request.provider == original.provider
                && request.member == original.member
                && request.service_date == original.service_date
                && request.emergency == original.emergency,
            Error::ReplacementMismatch
        );
        let mut batch = Batch::default();
        let stored = batch.stored_plan(request.plan, || self.plans.get(request.plan));
        let relay = self.relay(&mut batch, request, submitter);
        let plan = Self::admit(request, stored, submitter, relay, now)?;
        if let Some(reference) = submission.reference {
            ensure!(
                !self
                    .references
                    .contains((request.plan, request.provider, reference)),
                Error::ReferenceUsed
            );
        }
        // Filed now: a correction after the filing window is refused (else a stub filed
        // in time could be replaced by the real claim years later).
        let claim = Self::draft(request, submitter, now);
        let screen = self.screen(&mut batch.prices, &plan, &claim, now)?;
        ensure!(
            matches!(screen, Screen::Pass { .. }),
            Error::ReplacementDenied
        );
        let next = self.next_claim;
        // A person's denial keeps its services held (a new claim for them is a
        // duplicate): its correction takes over those it bills again, the others stay
        // with the voided original, and an adjuster reviews it.
        let recheck = original.denied_by_a_person().then_some(claim_id);
        self.void(&mut batch, original, Some(next))?;
        self.replacements.insert(claim_id, &next);
        let id = self.record(
            &mut batch,
            claim,
            &request.lines,
            screen,
            submission.reference,
            recheck,
        )?;
        if recheck.is_some() {
            self.rechecked.insert(id, &());
        }
        self.flush(batch);
        Ok(id)
    }

    /// The claim, if the caller may void it (its provider, or whoever submitted it if
    /// the provider made it its corrector, but not a claim a person denied: that is the
    /// provider's to appeal or correct) and it is pending review or denied (a
    /// replacement of a claim a person denied waits for the adjuster).
    fn voidable(&self, claim_id: ClaimId) -> Result<Claim> {
        let claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
        let caller = self.env().caller();
        ensure!(
            caller == claim.provider
                || (caller == claim.submitter
                    && !claim.denied_by_a_person()
                    && self.correctors.contains((claim.provider, caller))),
            Error::NotSubmitter
        );
        ensure!(
            claim.status == ClaimStatus::Denied
                || (claim.status == ClaimStatus::PendingReview
                    && !self.rechecked.contains(claim_id)),
            Error::NotVoidable
        );
        Ok(claim)
    }

    /// Voids `claim` (pending review or denied): a claim pending review gives back its
    /// reservation, accumulators and services (a denied one holds none); it pays nothing
    /// from now on. The plan and the accumulators stay in `batch` until it is flushed.
    fn void(
        &mut self,
        batch: &mut Batch,
        mut claim: Claim,
        replaced_by: Option<ClaimId>,
    ) -> Result<()> {
        if claim.status == ClaimStatus::PendingReview {
            let (plan, prices) = batch.plan(claim.plan, || self.plans.get(claim.plan))?;
            plan.reserved = plan
                .reserved
                .checked_sub(claim.reserved)
                .ok_or(Error::Overflow)?;
            self.release(plan, &claim, prices)?;
        }
        claim.status = ClaimStatus::Voided;
        claim.reserved = 0;
        claim.pay_nothing();
        let id = claim.id;
        self.store_claim(claim, None);
        self.env().emit_event(ClaimVoided {
            claim: id,
            replaced_by,
            by: self.env().caller(),
        });
        Ok(())
    }
}
