//! The contract's internal steps (no messages), over the storage of [`ClaimsAdjudication`].

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
use healthcare_traits::{
    ensure, page_range, ClaimConsent, ClaimConsentQuery, CredentialQuery, KindSet, PeerError,
};
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

/// A member's or a provider's list of claims.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum List {
    Member,
    Provider,
}

/// The end of a member's or a provider's claim list as a submission appends to it: its
/// length and its last page (written at [`ClaimsAdjudication::flush`], or as soon as a
/// batch fills it).
struct Tail {
    list: List,
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
}

/// The fee schedule entries and the accumulators a submission has read, the latter as
/// its claims left them (`true`: changed, to be written).
#[derive(Default)]
pub(crate) struct Prices {
    fees: Recall<Balance, (PlanId, ProcedureCode)>,
    accumulators: Vec<(MemberYear, Accumulator, bool)>,
}

impl Prices {
    /// The member's accumulators for the year, read once.
    fn accumulator(&mut self, key: MemberYear, load: impl FnOnce() -> Accumulator) -> Accumulator {
        if let Some((_, acc, _)) = self.accumulators.iter().find(|(k, _, _)| *k == key) {
            return *acc;
        }
        let acc = load();
        self.accumulators.push((key, acc, false));
        acc
    }

    /// Moves the member's accumulators (read before with [`Prices::accumulator`]).
    fn set_accumulator(&mut self, key: MemberYear, value: Accumulator) {
        match self.accumulators.iter_mut().find(|(k, _, _)| *k == key) {
            Some(entry) => *entry = (key, value, true),
            None => self.accumulators.push((key, value, true)),
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

/// The page of a list that holds entry `index`, and the entry's place in it.
pub(crate) fn page_of(index: u32) -> (u32, usize) {
    let page = index / crate::CLAIMS_PER_PAGE;
    let slot = index % crate::CLAIMS_PER_PAGE;
    (page, usize::try_from(slot).unwrap_or(usize::MAX))
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

    /// The checks of a request that refuse it (nothing recorded): the plan exists, the
    /// caller is the rendering provider or the plan's payer, 1 to `MAX_LINES` valid
    /// lines of at most the plan's `max_units` each, a service date not in the future.
    /// Returns the plan.
    pub(crate) fn admit(
        request: &ClaimRequest,
        plan: Option<Plan>,
        submitter: AccountId,
        now: Timestamp,
    ) -> Result<Plan> {
        let plan = plan.ok_or(Error::UnknownPlan)?;
        ensure!(
            submitter == request.provider || submitter == plan.payer,
            Error::NotSubmitter
        );
        ensure!(!request.lines.is_empty(), Error::NoLines);
        ensure!(request.lines.len() <= crate::MAX_LINES, Error::TooManyLines);
        ensure!(
            request.lines.iter().all(ClaimLine::is_valid),
            Error::InvalidLine
        );
        ensure!(
            request
                .lines
                .iter()
                .all(|line| line.units <= plan.terms.max_units),
            Error::TooManyUnits
        );
        ensure!(request.service_date <= now, Error::ServiceInFuture);
        Ok(plan)
    }

    /// A claim of `request` not yet numbered (its id is given when it is recorded).
    pub(crate) fn draft(request: &ClaimRequest, submitter: AccountId, now: Timestamp) -> Claim {
        Claim {
            id: 0,
            plan: request.plan,
            member: request.member,
            provider: request.provider,
            submitter,
            service_date: request.service_date,
            submitted_at: now,
            emergency: request.emergency,
            status: ClaimStatus::Denied,
            denial: None,
            lines: Vec::new(),
            billed: 0,
            allowed: 0,
            payer_amount: 0,
            member_amount: 0,
            deductible_applied: 0,
            appeal_evidence: None,
            reserved: 0,
        }
    }

    /// The claim-level checks at the service date: coverage and timely filing (counted
    /// to `filed_at`) first, then the provider's credential, then the member's payment
    /// consent and care relationship (one call each to the two peers).
    pub(crate) fn screen(&self, plan: &Plan, claim: &Claim, filed_at: Timestamp) -> Result<Screen> {
        let coverage = self.members.get((plan.id, claim.member));
        if let Some(reason) = Self::screen_locally(plan, claim, filed_at, coverage) {
            return Ok(Screen::Deny(reason));
        }
        if !self.credential_valid(
            claim.provider,
            KindSet::BILLING_PROVIDER,
            claim.service_date,
        )? {
            return Ok(Screen::Deny(Carc::ProviderNotEligible));
        }
        let answer =
            self.claim_consent(claim.member, plan.payer, claim.provider, claim.service_date)?;
        Ok(Self::screen_consent(claim, answer))
    }

    /// The checks without peers: coverage at the service date, then timely filing.
    pub(crate) fn screen_locally(
        plan: &Plan,
        claim: &Claim,
        filed_at: Timestamp,
        coverage: Option<Coverage>,
    ) -> Option<Carc> {
        let service_date = claim.service_date;
        match coverage {
            None => return Some(Carc::NotInsured),
            Some(coverage) if service_date < coverage.start => return Some(Carc::BeforeCoverage),
            Some(Coverage { end: Some(end), .. }) if service_date >= end => {
                return Some(Carc::CoverageEnded)
            }
            Some(_) => {}
        }
        if filed_at.saturating_sub(service_date) > plan.terms.timely_filing {
            return Some(Carc::TimelyFiling);
        }
        None
    }

    /// The last check, from consent_registry's answer: payment consent, then the care
    /// relationship (an emergency without one goes to review).
    pub(crate) fn screen_consent(claim: &Claim, answer: ClaimConsent) -> Screen {
        if !answer.payment_consent {
            return Screen::Deny(Carc::ConsentAbsent);
        }
        match (answer.care_relationship, claim.emergency) {
            (true, _) => Screen::Pass { review: false },
            (false, true) => Screen::Pass { review: true },
            (false, false) => Screen::Deny(Carc::NoCareRelationship),
        }
    }

    /// The screens of a batch of admitted claims (`None`: refused, not screened), with
    /// at most one call to each peer for the whole batch: the credentials of the claims
    /// that pass the local checks, then the consents of those whose provider was
    /// credentialed.
    pub(crate) fn screen_batch(
        &self,
        drafts: &[Option<(Plan, Claim)>],
    ) -> Result<Vec<Option<Screen>>> {
        let mut screens: Vec<Option<Screen>> = Vec::with_capacity(drafts.len());
        let mut asked: Vec<usize> = Vec::new();
        let mut queries: Vec<CredentialQuery> = Vec::new();
        // Each member's coverage read once for the batch (claims do not change it).
        let coverages: Recall<Coverage, (PlanId, AccountId)> = Recall::default();
        for (i, draft) in drafts.iter().enumerate() {
            let screen = draft.as_ref().map(|(plan, claim)| {
                let coverage = coverages.get((plan.id, claim.member), |key| self.members.get(key));
                match Self::screen_locally(plan, claim, claim.submitted_at, coverage) {
                    Some(reason) => Screen::Deny(reason),
                    None => {
                        asked.push(i);
                        queries.push(CredentialQuery {
                            subject: claim.provider,
                            kinds: KindSet::BILLING_PROVIDER,
                            at: claim.service_date,
                        });
                        // Replaced below by the peers' answers.
                        Screen::Pass { review: false }
                    }
                }
            });
            screens.push(screen);
        }
        if queries.is_empty() {
            return Ok(screens);
        }
        let credentialed = self.credentials_valid(queries)?;
        let mut consulted: Vec<usize> = Vec::new();
        let mut consent_queries: Vec<ClaimConsentQuery> = Vec::new();
        for (i, valid) in asked.into_iter().zip(credentialed) {
            let Some((plan, claim)) = drafts.get(i).and_then(Option::as_ref) else {
                continue;
            };
            if valid {
                consulted.push(i);
                consent_queries.push(ClaimConsentQuery {
                    patient: claim.member,
                    payer: plan.payer,
                    provider: claim.provider,
                    at: claim.service_date,
                });
            } else if let Some(slot) = screens.get_mut(i) {
                *slot = Some(Screen::Deny(Carc::ProviderNotEligible));
            }
        }
        if consent_queries.is_empty() {
            return Ok(screens);
        }
        let answers = self.claim_consents(consent_queries)?;
        for (i, answer) in consulted.into_iter().zip(answers) {
            if let (Some(slot), Some(Some((_, claim)))) = (screens.get_mut(i), drafts.get(i)) {
                *slot = Some(Self::screen_consent(claim, answer));
            }
        }
        Ok(screens)
    }

    /// Numbers and records a screened claim: its lines adjudicated (or denied), paid,
    /// owed or held for review, indexed for its member and provider and, with a
    /// reference, under that reference. The plan and the list lengths stay in `batch`
    /// until [`Self::flush`]. An error here (an overflow) must undo the whole message.
    pub(crate) fn record(
        &mut self,
        batch: &mut Batch,
        mut claim: Claim,
        lines: &[ClaimLine],
        screen: Screen,
        reference: Option<ClaimReference>,
    ) -> Result<ClaimId> {
        // The plan as earlier claims of the same batch left it.
        let (plan, prices) = batch.plan(claim.plan, || self.plans.get(claim.plan))?;
        let id = self.next_claim;
        let next_claim = id.checked_add(1).ok_or(Error::Overflow)?;
        claim.id = id;
        match screen {
            Screen::Deny(reason) => Self::deny_all(&mut claim, lines, reason)?,
            Screen::Pass { review } => {
                self.adjudicate_lines(plan, &mut claim, lines, prices)?;
                self.decide(plan, &mut claim, review, true)?;
            }
        }
        self.next_claim = next_claim;
        self.append(batch, List::Member, claim.member, id)?;
        self.append(batch, List::Provider, claim.provider, id)?;
        if let Some(reference) = reference {
            self.references
                .insert((claim.plan, claim.provider, reference), &id);
        }
        self.store_claim(claim, reference);
        Ok(id)
    }

    /// Appends `id` to `account`'s `list`: to the tail `batch` keeps, loaded the first
    /// time; a page the batch fills is written at once.
    fn append(
        &mut self,
        batch: &mut Batch,
        list: List,
        account: AccountId,
        id: ClaimId,
    ) -> Result<()> {
        let at = match batch
            .tails
            .iter()
            .position(|t| t.list == list && t.account == account)
        {
            Some(at) => at,
            None => {
                let (length, page) = self.list_tail(list, account);
                batch.tails.push(Tail {
                    list,
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
            let (list, account) = (tail.list, tail.account);
            self.write_page(list, account, page, full);
        }
        Ok(())
    }

    /// Writes what `batch` kept: the plans it changed, the accumulators it moved and the
    /// ends of its lists.
    pub(crate) fn flush(&mut self, batch: Batch) {
        for (plan, changed) in &batch.plans {
            if *changed {
                self.plans.insert(plan.id, plan);
            }
        }
        self.store_prices(batch.prices);
        for tail in batch.tails {
            let value = (tail.length, tail.page);
            match tail.list {
                List::Member => self.member_tails.insert(tail.account, &value),
                List::Provider => self.provider_tails.insert(tail.account, &value),
            };
        }
    }

    /// Writes the accumulators `prices` moved.
    pub(crate) fn store_prices(&mut self, prices: Prices) {
        for (key, acc, changed) in prices.accumulators {
            if changed {
                self.accumulators.insert(key, &acc);
            }
        }
    }

    /// How many claims `account`'s `list` holds, and the ids of its last page while that
    /// page is not full.
    fn list_tail(&self, list: List, account: AccountId) -> (u32, Vec<ClaimId>) {
        match list {
            List::Member => self.member_tails.get(account),
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

    /// The key a claim's CPT 99454 line is held under: (member, 30-day window of its
    /// service day).
    pub(crate) fn supply_key(claim: &Claim) -> SupplyKey {
        (claim.member, supply_window(day_of(claim.service_date)))
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
        prices: &mut Prices,
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
                match prices
                    .fees
                    .get((plan.id, line.procedure), |key| self.fees.get(key))
                {
                    None => Verdict::NotCovered,
                    Some(fee) if line.procedure == DEVICE_SUPPLY_CODE => {
                        self.device_supply_verdict(claim, fee)?
                    }
                    Some(fee) => Verdict::Fee(fee),
                }
            };
            verdicts.push((*line, verdict));
        }
        let year = plan.terms.year_of(claim.service_date);
        let key = (plan.id, claim.member, year);
        let start = prices.accumulator(key, || self.accumulators.get(key).unwrap_or_default());
        let priced = pricing::price(&plan.terms, start, &verdicts)?;
        // A claim that leaves the accumulators as they were writes nothing.
        if priced.accumulator != start {
            prices.set_accumulator(key, priced.accumulator);
        }
        for result in priced.lines.iter().filter(|r| r.allowed > 0) {
            self.line_keys
                .insert(Self::service_key(claim, &result.line), &claim.id);
            if result.line.procedure == DEVICE_SUPPLY_CODE {
                let held = (day_of(claim.service_date), claim.id);
                self.supply_lines.insert(Self::supply_key(claim), &held);
            }
        }
        claim.lines = priced.lines;
        claim.billed = priced.billed;
        claim.allowed = priced.allowed;
        claim.payer_amount = priced.payer;
        claim.member_amount = priced.member;
        claim.deductible_applied = priced.deductible;
        Ok(())
    }

    /// A CPT 99454 line covered at `fee`: denied CARC 119 when another claim holds the
    /// member's device supply less than 30 days away (whoever billed it); else CARC 272
    /// unless remote_monitoring counts 16 days with data, in the 30 days ending with the
    /// service date, from devices this claim's provider paired with the member.
    fn device_supply_verdict(&self, claim: &Claim, fee: Balance) -> Result<Verdict> {
        if self
            .supply_held(claim.member, day_of(claim.service_date), claim.id)
            .is_some()
        {
            return Ok(Verdict::Denied(Carc::PeriodMaximum));
        }
        let days = self.monitored_days(claim.member, claim.provider, claim.service_date)?;
        Ok(if days < MIN_MONITORED_DAYS {
            Verdict::Denied(Carc::MonitoringDaysNotMet)
        } else {
            Verdict::Fee(fee)
        })
    }

    /// The claim other than `except` holding `member`'s CPT 99454 less than 30 days
    /// from service day `day`, if any (three reads at most).
    pub(crate) fn supply_held(
        &self,
        member: AccountId,
        day: u64,
        except: ClaimId,
    ) -> Option<ClaimId> {
        supply_windows_near(day).find_map(|window| {
            self.supply_lines
                .get((member, window))
                .filter(|(held, holder)| *holder != except && same_supply_period(*held, day))
                .map(|(_, holder)| holder)
        })
    }

    /// After pricing: denied when nothing is allowed; pending review when `review` (an
    /// emergency without a care relationship: nothing reserved) or, if `threshold`, above
    /// the plan's review threshold (payer share reserved); else approved.
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
        } else if review {
            // An emergency without a care relationship: the adjuster decides, and nothing
            // is reserved meanwhile (a provider the member never named cannot hold the
            // payer's escrow); approved, it is paid from the free escrow or owed.
            claim.status = ClaimStatus::PendingReview;
        } else if threshold && claim.payer_amount > plan.terms.review_threshold {
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
            if result.line.procedure == DEVICE_SUPPLY_CODE {
                let key = Self::supply_key(claim);
                if self.supply_lines.get(key).map(|(_, holder)| holder) == Some(claim.id) {
                    self.supply_lines.remove(key);
                }
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

    /// Stores the plan and the claim and emits the adjudication event.
    pub(crate) fn finish(&mut self, plan: &Plan, claim: Claim) {
        self.plans.insert(plan.id, plan);
        self.store_claim(claim, None);
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

    pub(crate) fn credential_error(e: PeerError) -> Error {
        e.into_either(
            Error::CredentialContractTrapped,
            Error::CredentialContractUnreachable,
        )
    }

    pub(crate) fn consent_error(e: PeerError) -> Error {
        e.into_either(
            Error::ConsentContractTrapped,
            Error::ConsentContractUnreachable,
        )
    }

    pub(crate) fn monitoring_error(e: PeerError) -> Error {
        e.into_either(
            Error::MonitoringContractTrapped,
            Error::MonitoringContractUnreachable,
        )
    }

    /// Asks remote_monitoring on how many of the 30 days ending with `until`'s day
    /// `member` had data from devices `provider` paired with the member (CPT 99454
    /// needs 16).
    pub(crate) fn monitored_days(
        &self,
        member: AccountId,
        provider: AccountId,
        until: Timestamp,
    ) -> Result<u32> {
        ask::monitored_days_until(self.peers().monitoring, member, provider, until)
            .map_err(Self::monitoring_error)
    }

    /// Asks staff_credentials whether `account` held a valid credential of one of
    /// `kinds` at `at`.
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        ask::any_valid_at(self.peers().credentials, account, kinds, at)
            .map_err(Self::credential_error)
    }

    /// Asks consent_registry, in one call, for `member`'s care relationship with
    /// `provider` and payment consent to `payer` at `at`.
    pub(crate) fn claim_consent(
        &self,
        member: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> Result<ClaimConsent> {
        ask::claim_consent(self.peers().consent, member, payer, provider, at)
            .map_err(Self::consent_error)
    }

    /// Asks staff_credentials `queries` in one call.
    pub(crate) fn credentials_valid(&self, queries: Vec<CredentialQuery>) -> Result<Vec<bool>> {
        ask::any_valid_at_each(self.peers().credentials, queries).map_err(Self::credential_error)
    }

    /// Asks consent_registry `queries` in one call.
    pub(crate) fn claim_consents(
        &self,
        queries: Vec<ClaimConsentQuery>,
    ) -> Result<Vec<ClaimConsent>> {
        ask::claim_consent_each(self.peers().consent, queries).map_err(Self::consent_error)
    }
}
