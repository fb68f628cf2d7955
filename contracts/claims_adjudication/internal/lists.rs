//! Claim lists: the members' and providers' pages, and what a submission writes at its end.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use healthcare_traits::page_range;
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

impl ClaimsAdjudication {
    /// Up to `min(limit, MAX_PAGE_SIZE)` of `account`'s claims from `offset`, oldest
    /// first, reading each stored page once.
    pub(crate) fn listed(
        &self,
        list: List,
        account: AccountId,
        offset: u32,
        limit: u32,
    ) -> Vec<Claim> {
        let (total, last) = self.list_tail(list, account);
        // The page the tail holds (past the end when the list fills its pages).
        let (tail_page, _) = page_of(total);
        let mut loaded: Option<(u32, Vec<ClaimId>)> = None;
        let mut claims = Vec::new();
        for index in page_range(offset, limit, total) {
            let (page, slot) = page_of(index);
            if loaded.as_ref().map(|(p, _)| *p) != Some(page) {
                let ids = if page == tail_page {
                    last.clone()
                } else {
                    self.list_page(list, account, page)
                };
                loaded = Some((page, ids));
            }
            let id = loaded.as_ref().and_then(|(_, ids)| ids.get(slot).copied());
            if let Some(claim) = id.and_then(|id| self.claims.get(id)) {
                claims.push(claim);
            }
        }
        claims
    }

    /// Writes what `batch` kept: the plans it changed, the members' items and the
    /// accumulators it moved and the ends of the providers' lists.
    pub(crate) fn flush(&mut self, batch: Batch) {
        for (plan, changed) in &batch.plans {
            if *changed {
                self.plans.insert(plan.id, plan);
            }
        }
        self.store_prices(batch.prices);
        for tail in batch.tails {
            self.provider_tails
                .insert(tail.account, &(tail.length, tail.page));
        }
    }

    /// Writes the members' items and the accumulators `prices` moved.
    pub(crate) fn store_prices(&mut self, prices: Prices) {
        for (member, state, changed) in prices.members {
            if changed {
                self.member_states.insert(member, &state);
            }
        }
        for (key, acc, changed) in prices.accumulators {
            if changed {
                self.accumulators.insert(key, &acc);
            }
        }
    }

    /// Stores the claim and emits the adjudication event (with the claim's reference).
    pub(crate) fn store_claim(&mut self, claim: Claim, reference: Option<ClaimReference>) {
        self.claims.insert(claim.id, &claim);
        self.env().emit_event(ClaimAdjudicated {
            claim: claim.id,
            plan: claim.plan,
            provider: claim.provider,
            member: claim.member,
            reference,
            status: claim.status,
            denial: claim.denial,
            payer_amount: claim.payer_amount,
            member_amount: claim.member_amount,
            lines: claim.lines,
        });
    }

    /// Stores the plan and the claim and emits the adjudication event.
    pub(crate) fn finish(&mut self, plan: &Plan, claim: Claim) {
        self.plans.insert(plan.id, plan);
        self.store_claim(claim, None);
    }
}
