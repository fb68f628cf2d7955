//! The contract's internal steps (no messages) over the storage of [`ClaimsAdjudication`]:
//! here what a submission keeps in memory until its end; by concern in the
//! submodules: plans, fees, members and the payer's escrow (`plans`), admission and
//! screening of claims (`admission`), the claim lists (`lists`), line-level
//! adjudication, reviews and appeals (`adjudication`), voids and replacements
//! (`voids`), settlement (`escrow`), the
//! questions to the peers (`peers`), the governor's actions and the initial storage
//! (`governance`). Each message's `do_*` steps run after the shell's checks (pause,
//! caller, clock, role).

use crate::claims_adjudication::ClaimsAdjudication;
use crate::events::*;
use crate::model::*;
use crate::pricing::{self, Verdict};
use healthcare_traits::monitoring::{DEVICE_SUPPLY_CODE, MIN_MONITORED_DAYS};
// The peers: the real cross-contract calls, or in unit tests the shared stand-ins that
// answer like them (the same functions, the same bodies below).
#[cfg(not(test))]
use healthcare_traits::peer::ask;
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::timeline::Recall;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Balance = u128;

mod adjudication;
mod admission;
mod escrow;
mod governance;
mod lists;
mod peers;
mod plans;
mod voids;

/// (plan, member, plan year): the key of a member's accumulators.
pub(crate) type MemberYear = (PlanId, AccountId, u32);

/// The outcome of the claim-level checks.
pub(crate) enum Screen {
    /// Denied for this reason.
    Deny(Carc),
    /// Passed; `review`: an emergency without a care relationship, for an adjuster.
    Pass { review: bool },
}

/// A member's or a provider's list of claims.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum List {
    Member,
    Provider,
}

/// The end of a provider's claim list as a submission appends to it (a member's ends in
/// its [`MemberState`]): its length and its last page (written at [`ClaimsAdjudication::flush`], or as soon as a
/// batch fills it).
struct Tail {
    account: AccountId,
    length: u32,
    page: Vec<ClaimId>,
}

/// What a submission keeps in memory until its end ([`ClaimsAdjudication::flush`]): the
/// plans its claims touched, the ends of the claim lists it appended to, the fees it
/// looked up and the accumulators it moved, so that a batch reads and writes each once
/// instead of once per claim (a storage access costs more than anything else a claim
/// does: on pallet-contracts 38 about 10 KB of proof each).
#[derive(Default)]
pub(crate) struct Batch {
    /// Each plan as the batch left it; `true` once a claim may have changed it.
    plans: Vec<(Plan, bool)>,
    tails: Vec<Tail>,
    prices: Prices,
    /// The providers whose claims the submitter may submit (it is their relay), each
    /// asked once.
    relays: Vec<(AccountId, bool)>,
}

/// The fee schedule entries, the members' items and the accumulators a submission has
/// read, the latter two as its claims left them (`true`: changed, to be written).
#[derive(Default)]
pub(crate) struct Prices {
    fees: Recall<Balance, (PlanId, ProcedureCode)>,
    /// Each member's [`MemberState`], read once.
    members: Vec<(AccountId, MemberState, bool)>,
    /// Accumulators of the years and plans the members' items do not hold.
    accumulators: Vec<(MemberYear, Accumulator, bool)>,
    /// [`ClaimsAdjudication::day_lines_from`] as stored, read once.
    stored_from: Option<Option<u64>>,
}

impl Prices {
    /// The accumulators of `key` in the map, read once (`load`).
    fn map_accumulator(
        &mut self,
        key: MemberYear,
        load: impl FnOnce() -> Accumulator,
    ) -> Accumulator {
        if let Some((_, acc, _)) = self.accumulators.iter().find(|(k, _, _)| *k == key) {
            return *acc;
        }
        let acc = load();
        self.accumulators.push((key, acc, false));
        acc
    }

    /// Accumulators to write to the map (a year or plan the member's item does not hold).
    fn hand_back(&mut self, key: MemberYear, acc: Accumulator) {
        match self.accumulators.iter_mut().find(|(k, _, _)| *k == key) {
            Some(entry) => *entry = (key, acc, true),
            None => self.accumulators.push((key, acc, true)),
        }
    }
}

impl Batch {
    /// The plan `id` as stored or as the batch left it, read once (for the checks before
    /// recording: its payer and terms, which claims do not change).
    pub(crate) fn stored_plan(
        &mut self,
        id: PlanId,
        load: impl FnOnce() -> Option<Plan>,
    ) -> Option<Plan> {
        if let Some((plan, _)) = self.plans.iter().find(|(p, _)| p.id == id) {
            return Some(*plan);
        }
        let plan = load()?;
        self.plans.push((plan, false));
        Some(plan)
    }

    /// Whether `provider` named the submitter its relay (`set_corrector`), read once
    /// per provider (`load`).
    pub(crate) fn relay(&mut self, provider: AccountId, load: impl FnOnce() -> bool) -> bool {
        if let Some((_, named)) = self.relays.iter().find(|(p, _)| *p == provider) {
            return *named;
        }
        let named = load();
        self.relays.push((provider, named));
        named
    }

    /// The plan `id` to change (written at the end), and the prices the batch read.
    fn plan(
        &mut self,
        id: PlanId,
        load: impl FnOnce() -> Option<Plan>,
    ) -> Result<(&mut Plan, &mut Prices)> {
        let at = match self.plans.iter().position(|(p, _)| p.id == id) {
            Some(at) => at,
            None => {
                self.plans.push((load().ok_or(Error::UnknownPlan)?, false));
                self.plans.len().saturating_sub(1)
            }
        };
        let (plan, changed) = self.plans.get_mut(at).ok_or(Error::UnknownPlan)?;
        *changed = true;
        Ok((plan, &mut self.prices))
    }
}

impl ClaimsAdjudication {
    /// [`ClaimsAdjudication::day_lines_from`] as stored, read once per submission.
    pub(crate) fn stored_from(&self, prices: &mut Prices) -> Option<u64> {
        *prices
            .stored_from
            .get_or_insert_with(|| self.day_lines_from.get())
    }

    /// `member`'s item as stored; for a member the code before these items wrote (only
    /// in a contract upgraded from it: `legacy`), one built from its list's end, its
    /// coverage left to `members` (the item marked spilled).
    pub(crate) fn member_state(&self, member: AccountId, legacy: bool) -> MemberState {
        match self.member_states.get(member) {
            Some(state) => state,
            None if legacy => {
                let (listed, tail) = self.member_tails.get(member).unwrap_or_default();
                MemberState {
                    plans: Vec::new(),
                    spilled: true,
                    listed,
                    tail,
                }
            }
            None => MemberState::default(),
        }
    }

    /// `member`'s item through the submission's memo (read once; `true`: changed).
    pub(crate) fn member_in<'a>(
        &self,
        prices: &'a mut Prices,
        member: AccountId,
    ) -> Result<&'a mut (AccountId, MemberState, bool)> {
        if !prices.members.iter().any(|(m, _, _)| *m == member) {
            let state = match self.member_states.get(member) {
                Some(state) => state,
                None => {
                    let legacy = self.stored_from(prices) != Some(0);
                    self.member_state(member, legacy)
                }
            };
            prices.members.push((member, state, false));
        }
        prices
            .members
            .iter_mut()
            .find(|(m, _, _)| *m == member)
            .ok_or(Error::Overflow)
    }

    /// The member's accumulators in a plan year: from its item if it holds that year,
    /// else from the map (each read once per submission).
    pub(crate) fn accumulator_in(
        &self,
        prices: &mut Prices,
        key: MemberYear,
    ) -> Result<Accumulator> {
        let (plan, member, year) = key;
        if let Some(acc) = self.member_in(prices, member)?.1.accumulator(plan, year) {
            return Ok(acc);
        }
        Ok(prices.map_accumulator(key, || self.accumulators.get(key).unwrap_or_default()))
    }

    /// Moves the member's accumulators in a plan year (read before with
    /// [`Self::accumulator_in`]): into its item, and what the item hands back into the map.
    pub(crate) fn move_accumulator(
        &self,
        prices: &mut Prices,
        key: MemberYear,
        value: Accumulator,
    ) -> Result<()> {
        let (plan, member, year) = key;
        let handed_back = {
            let (_, state, changed) = self.member_in(prices, member)?;
            *changed = true;
            state.set_accumulator(plan, year, value)
        };
        if let Some((year, acc)) = handed_back {
            prices.hand_back((plan, member, year), acc);
        }
        Ok(())
    }

    /// `member`'s coverage in `plan`: in its item, else in `members` if the item spilled.
    pub(crate) fn coverage_in(
        &self,
        state: &MemberState,
        plan: PlanId,
        member: AccountId,
    ) -> Option<Coverage> {
        state.coverage(plan).or_else(|| {
            if state.spilled {
                self.members.get((plan, member))
            } else {
                None
            }
        })
    }
}

/// The page of a list that holds entry `index`, and the entry's place in it.
pub(crate) fn page_of(index: u32) -> (u32, usize) {
    let page = index / crate::CLAIMS_PER_PAGE;
    let slot = index % crate::CLAIMS_PER_PAGE;
    (page, usize::try_from(slot).unwrap_or(usize::MAX))
}

impl ClaimsAdjudication {
    /// Appends `id` to `account`'s `list`: to the tail `batch` keeps, loaded the first
    /// time; a page the batch fills is written at once.
    fn append(
        &mut self,
        batch: &mut Batch,
        list: List,
        account: AccountId,
        id: ClaimId,
    ) -> Result<()> {
        if list == List::Member {
            // A member's list ends in its item; a provider's in a tail of its own.
            let (_, state, changed) = self.member_in(&mut batch.prices, account)?;
            *changed = true;
            state.tail.push(id);
            state.listed = state.listed.checked_add(1).ok_or(Error::Overflow)?;
            if page_of(state.listed).1 == 0 {
                // The page is full: written now, never touched again.
                let full = core::mem::take(&mut state.tail);
                let (page, _) = page_of(state.listed.saturating_sub(1));
                self.write_page(list, account, page, full);
            }
            return Ok(());
        }
        let at = match batch.tails.iter().position(|t| t.account == account) {
            Some(at) => at,
            None => {
                let (length, page) = self.list_tail(List::Provider, account);
                batch.tails.push(Tail {
                    account,
                    length,
                    page,
                });
                batch.tails.len().saturating_sub(1)
            }
        };
        let tail = batch.tails.get_mut(at).ok_or(Error::Overflow)?;
        tail.page.push(id);
        tail.length = tail.length.checked_add(1).ok_or(Error::Overflow)?;
        if page_of(tail.length).1 == 0 {
            // The page is full: written now, never touched again.
            let full = core::mem::take(&mut tail.page);
            let (page, _) = page_of(tail.length.saturating_sub(1));
            let account = tail.account;
            self.write_page(List::Provider, account, page, full);
        }
        Ok(())
    }

    /// How many claims `account`'s `list` holds, and the ids of its last page while that
    /// page is not full.
    fn list_tail(&self, list: List, account: AccountId) -> (u32, Vec<ClaimId>) {
        match list {
            List::Member => match self.member_states.get(account) {
                Some(state) => Some((state.listed, state.tail)),
                None => self.member_tails.get(account),
            },
            List::Provider => self.provider_tails.get(account),
        }
        .unwrap_or_default()
    }

    /// Full page `page` of `account`'s `list`.
    fn list_page(&self, list: List, account: AccountId, page: u32) -> Vec<ClaimId> {
        match list {
            List::Member => self.member_claims.get((account, page)),
            List::Provider => self.provider_claims.get((account, page)),
        }
        .unwrap_or_default()
    }

    /// Stores full page `page` of `account`'s `list`.
    fn write_page(&mut self, list: List, account: AccountId, page: u32, ids: Vec<ClaimId>) {
        match list {
            List::Member => self.member_claims.insert((account, page), &ids),
            List::Provider => self.provider_claims.insert((account, page), &ids),
        };
    }

    /// A CPT 99454 line covered at `fee`: denied CARC 119 when another claim holds the
    /// member's device supply less than 30 days away (whoever billed it; but a claim a
    /// person denied binds only its own provider, and `adopt`, the claim this one
    /// replaces, none); else CARC 272 unless remote_monitoring counts 16 days with data,
    /// in the 30 days ending with the service date, from devices this claim's provider
    /// paired with the member.
    fn device_supply_verdict(
        &self,
        claim: &Claim,
        fee: Balance,
        adopt: Option<ClaimId>,
    ) -> Result<Verdict> {
        // A supply paid, owed or pending binds everyone; one a person denied, only its
        // own provider (its hold moved to `denied_supplies`).
        let day = day_of(claim.service_date);
        let held = self
            .supply_holders(claim.member, day, claim.id, adopt)
            .next()
            .is_some()
            || self
                .denied_supply_holders(claim.member, claim.provider, day, claim.id, adopt)
                .next()
                .is_some();
        if held {
            return Ok(Verdict::Denied(Carc::PeriodMaximum));
        }
        let days = self.monitored_days(claim.member, claim.provider, claim.service_date)?;
        Ok(if days < MIN_MONITORED_DAYS {
            Verdict::Denied(Carc::MonitoringDaysNotMet)
        } else {
            Verdict::Fee(fee)
        })
    }
}
