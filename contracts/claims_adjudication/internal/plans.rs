//! Plans: terms, fee schedules, enrolment, adjusters, and the payer's escrow funded and withdrawn.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use crate::MAX_FEES_PER_CALL;
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::{AccountId, Hash};

type Balance = u128;

impl ClaimsAdjudication {
    /// The steps of `create_plan`, after the shell's checks.
    pub(crate) fn do_create_plan(&mut self, terms: PlanTerms) -> Result<PlanId> {
        ensure!(terms.is_valid(), Error::InvalidTerms);
        let payer = self.env().caller();
        let now = self.env().block_timestamp();
        let licensed =
            self.credential_valid(payer, KindSet::of(&[CredentialKind::PayerLicence]), now)?;
        ensure!(licensed, Error::PayerNotLicensed);
        let id = self.next_plan;
        self.next_plan = id.checked_add(1).ok_or(Error::Overflow)?;
        self.plans.insert(
            id,
            &Plan {
                id,
                payer,
                terms,
                escrow: 0,
                owed: 0,
                reserved: 0,
                funded: 0,
                withdrawn: 0,
                paid: 0,
            },
        );
        self.env().emit_event(PlanCreated {
            plan: id,
            payer,
            terms,
        });
        Ok(id)
    }

    /// The steps of `set_fees`, after the shell's checks.
    pub(crate) fn do_set_fees(
        &mut self,
        plan_id: PlanId,
        fees: Vec<(ProcedureCode, Option<Balance>)>,
    ) -> Result<()> {
        ensure!(fees.len() <= MAX_FEES_PER_CALL, Error::TooManyFees);
        self.payer_plan(plan_id)?;
        for (procedure, fee) in fees {
            let probe = ClaimLine {
                procedure,
                diagnosis_commitment: Hash::from([0; 32]),
                billed: 1,
                units: 1,
            };
            ensure!(probe.is_valid(), Error::InvalidLine);
            match fee {
                Some(amount) => self.fees.insert((plan_id, procedure), &amount),
                None => {
                    self.fees.remove((plan_id, procedure));
                    None
                }
            };
            self.env().emit_event(FeeChanged {
                plan: plan_id,
                procedure,
                fee,
            });
        }
        Ok(())
    }

    /// The steps of `enroll`, after the shell's checks.
    pub(crate) fn do_enroll(
        &mut self,
        plan_id: PlanId,
        member: AccountId,
        coverage: Coverage,
    ) -> Result<()> {
        self.payer_plan(plan_id)?;
        ensure!(
            coverage.end.is_none_or(|end| end > coverage.start),
            Error::InvalidCoverage
        );
        let payer = self.env().caller();
        let now = self.env().block_timestamp();
        let mut prices = Prices::default();
        let (_, state, _) = self.member_in(&mut prices, member)?;
        // Was the plan's coverage possibly in the map, outside the item?
        let outside = state.spilled && state.coverage(plan_id).is_none();
        let plans = &self.plans;
        let own = |plan| plans.get(plan).is_some_and(|p: Plan| p.payer == payer);
        match state.enrol(plan_id, coverage, now, own) {
            // No place for it: this plan's coverage is kept in the map.
            Place::Spilled => {
                self.members.insert((plan_id, member), &coverage);
            }
            Place::Held => {}
            // An ended plan gave its place up: its coverage and accumulators go to the maps.
            Place::Replaced(old) => {
                self.members.insert((old.plan, member), &old.coverage);
                if let Some((year, acc)) = old.year {
                    self.accumulators.insert((old.plan, member, year), &acc);
                }
            }
        }
        if outside && state.coverage(plan_id).is_some() {
            // Moved into the item: its copy in the map is gone.
            self.members.remove((plan_id, member));
        }
        self.member_states.insert(member, state);
        self.env().emit_event(MemberEnrolled {
            plan: plan_id,
            member,
            coverage,
        });
        Ok(())
    }

    /// The steps of `fund`, after the shell's checks.
    pub(crate) fn do_fund(&mut self, plan_id: PlanId) -> Result<Balance> {
        let amount = self.env().transferred_value();
        ensure!(amount > 0, Error::ZeroAmount);
        let mut plan = self.payer_plan(plan_id)?;
        plan.escrow = plan.escrow.checked_add(amount).ok_or(Error::Overflow)?;
        plan.funded = plan.funded.checked_add(amount).ok_or(Error::Overflow)?;
        self.total_escrow = self
            .total_escrow
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        self.plans.insert(plan_id, &plan);
        self.env().emit_event(EscrowChanged {
            plan: plan_id,
            funded: amount,
            withdrawn: 0,
            escrow: plan.escrow,
        });
        Ok(plan.escrow)
    }

    /// The steps of `withdraw`, after the shell's checks.
    pub(crate) fn do_withdraw(&mut self, plan_id: PlanId, amount: Balance) -> Result<Balance> {
        ensure!(amount > 0, Error::ZeroAmount);
        let mut plan = self.payer_plan(plan_id)?;
        ensure!(amount <= plan.free(), Error::InsufficientEscrow);
        plan.escrow = plan.escrow.checked_sub(amount).ok_or(Error::Overflow)?;
        plan.withdrawn = plan.withdrawn.checked_add(amount).ok_or(Error::Overflow)?;
        self.total_escrow = self
            .total_escrow
            .checked_sub(amount)
            .ok_or(Error::Overflow)?;
        self.plans.insert(plan_id, &plan);
        self.transfer_out(plan.payer, amount)?;
        self.env().emit_event(EscrowChanged {
            plan: plan_id,
            funded: 0,
            withdrawn: amount,
            escrow: plan.escrow,
        });
        Ok(plan.escrow)
    }

    /// The plan, if the caller is its payer.
    pub(crate) fn payer_plan(&self, plan_id: PlanId) -> Result<Plan> {
        let plan = self.plans.get(plan_id).ok_or(Error::UnknownPlan)?;
        ensure!(plan.payer == self.env().caller(), Error::NotPayer);
        Ok(plan)
    }

    pub(crate) fn set_adjuster(
        &mut self,
        plan_id: PlanId,
        adjuster: AccountId,
        active: bool,
    ) -> Result<()> {
        self.governance.ensure_running()?;
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
}
