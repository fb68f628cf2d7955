//! Settlement: approved claims paid from the plan's escrow, or queued until it is funded.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::AccountId;

type Balance = u128;

impl ClaimsAdjudication {
    /// The steps of `settle`, after the shell's checks.
    pub(crate) fn do_settle(&mut self, claim_id: ClaimId) -> Result<()> {
        let mut claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
        ensure!(
            matches!(
                claim.status,
                ClaimStatus::ApprovedUnfunded | ClaimStatus::PaymentFailed
            ),
            Error::NotUnfunded
        );
        let front = self.owed_front(claim.plan);
        let Some((_, head, next)) = front.filter(|(oldest, ..)| *oldest == claim_id) else {
            return Err(Error::NotFirstOwed);
        };
        let mut plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
        ensure!(
            plan.settleable() >= claim.payer_amount,
            Error::InsufficientEscrow
        );
        self.dequeue_owed(plan.id, head, next)?;
        if self
            .transfer_out(claim.provider, claim.payer_amount)
            .is_err()
        {
            claim.status = ClaimStatus::PaymentFailed;
            self.enqueue_owed(plan.id, claim_id)?;
            self.finish(&plan, claim);
            return Ok(());
        }
        plan.owed = plan
            .owed
            .checked_sub(claim.payer_amount)
            .ok_or(Error::Overflow)?;
        self.paid(&mut plan, &mut claim)?;
        self.finish(&plan, claim);
        Ok(())
    }

    /// Gives back what a claim had counted into the member's accumulators (in `prices`:
    /// the caller stores them) and the procedures its lines held (in their day's item or
    /// under their own keys).
    pub(crate) fn release(
        &mut self,
        plan: &Plan,
        claim: &Claim,
        prices: &mut Prices,
    ) -> Result<()> {
        self.release_accumulators(plan, claim, prices)?;
        self.release_services(claim, prices);
        Ok(())
    }

    /// Gives back what a claim had counted into the member's accumulators (in `prices`:
    /// the caller stores them).
    pub(crate) fn release_accumulators(
        &mut self,
        plan: &Plan,
        claim: &Claim,
        prices: &mut Prices,
    ) -> Result<()> {
        let key = (
            plan.id,
            claim.member,
            plan.terms.year_of(claim.service_date),
        );
        let mut acc = self.accumulator_in(prices, key)?;
        acc.deductible_met = acc.deductible_met.saturating_sub(claim.deductible_applied);
        acc.oop_spent = acc.oop_spent.saturating_sub(claim.member_amount);
        self.move_accumulator(prices, key, acc)
    }

    /// Gives back the procedures a claim's priced lines held (in their day's item or
    /// under their own keys); nothing read for a claim with no priced line.
    pub(crate) fn release_services(&mut self, claim: &Claim, prices: &mut Prices) {
        if !claim.holds_services() {
            return;
        }
        let day = Self::day_key(claim);
        let stored = self.day_lines.get(day).unwrap_or_default();
        let mut held = stored.clone();
        for result in claim.lines.iter().filter(|r| r.allowed > 0) {
            // Not in the day's item: held under its own key if the item spilled or the
            // day is older than the items.
            // (The start day is read only then: usually the item holds every line.)
            if !held.release(result.line.procedure, claim.id)
                && (held.spilled || day.3 < self.lines_from(prices))
            {
                let key = Self::service_key(claim, &result.line);
                if self.line_keys.get(key) == Some(claim.id) {
                    self.line_keys.remove(key);
                }
            }
            if result.line.procedure == DEVICE_SUPPLY_CODE {
                let key = Self::supply_key(claim);
                if self.supply_lines.get(key).map(|(_, holder)| holder) == Some(claim.id) {
                    self.supply_lines.remove(key);
                }
                let denied = (claim.member, claim.provider, key.1);
                if self.denied_supplies.get(denied).map(|(_, holder)| holder) == Some(claim.id) {
                    self.denied_supplies.remove(denied);
                }
            }
        }
        if held == DayLines::default() {
            // Nothing held that day any more and nothing spilled: no item left behind.
            if stored != held {
                self.day_lines.remove(day);
            }
        } else if held != stored {
            self.day_lines.insert(day, &held);
        }
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
        self.enqueue_owed(plan.id, claim.id)
    }

    /// Puts an owed claim at the back of its plan's queue.
    pub(crate) fn enqueue_owed(&mut self, plan: PlanId, claim: ClaimId) -> Result<()> {
        let (head, next) = self.owed_ends.get(plan).unwrap_or_default();
        self.owed_queue.insert((plan, next), &claim);
        let next = next.checked_add(1).ok_or(Error::Overflow)?;
        self.owed_ends.insert(plan, &(head, next));
        Ok(())
    }

    /// The plan's oldest owed claim and the ends of its queue (head, next), if any.
    pub(crate) fn owed_front(&self, plan: PlanId) -> Option<(ClaimId, u64, u64)> {
        let (head, next) = self.owed_ends.get(plan)?;
        if head >= next {
            return None;
        }
        self.owed_queue
            .get((plan, head))
            .map(|claim| (claim, head, next))
    }

    /// Takes the oldest owed claim (at `head` of a queue ending before `next`, as
    /// [`Self::owed_front`] read them) off its plan's queue.
    pub(crate) fn dequeue_owed(&mut self, plan: PlanId, head: u64, next: u64) -> Result<()> {
        self.owed_queue.remove((plan, head));
        let head = head.checked_add(1).ok_or(Error::Overflow)?;
        self.owed_ends.insert(plan, &(head, next));
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
        // The claim's `ClaimAdjudicated` event (status `Paid`, payer share, provider)
        // records the payment: no event of its own (each topic is a storage write).
        claim.status = ClaimStatus::Paid;
        Ok(())
    }

    /// Sends `amount` native tokens from the contract to `to`.
    pub(crate) fn transfer_out(&self, to: AccountId, amount: Balance) -> Result<()> {
        ensure!(self.env().balance() >= amount, Error::TransferFailed);
        self.env()
            .transfer(to, amount)
            .map_err(|_| Error::TransferFailed)
    }
}
