//! Admission: a claim or a batch of claims checked, screened against the peers and recorded.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use crate::MAX_CLAIMS_PER_BATCH;
use healthcare_traits::{ensure, KindSet};
use healthcare_traits::{ClaimConsent, ClaimConsentQuery, CredentialQuery};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

impl ClaimsAdjudication {
    /// The steps of `submit_claim`, after the shell's checks.
    pub(crate) fn do_submit_claim(
        &mut self,
        submitter: AccountId,
        now: Timestamp,
        request: ClaimRequest,
    ) -> Result<ClaimId> {
        let mut batch = Batch::default();
        let stored = batch.stored_plan(request.plan, || self.plans.get(request.plan));
        let relay = self.relay(&mut batch, &request, submitter);
        let plan = Self::admit(&request, stored, submitter, relay, now)?;
        let claim = Self::draft(&request, submitter, now);
        // The counter moves only once the peers have answered (a refusal writes nothing).
        let screen = self.screen(&mut batch.prices, &plan, &claim, now)?;
        let id = self.record(&mut batch, claim, &request.lines, screen, None, None)?;
        self.flush(batch);
        Ok(id)
    }

    /// The steps of `submit_claims`, after the shell's checks.
    pub(crate) fn do_submit_claims(
        &mut self,
        batch: Vec<ClaimSubmission>,
    ) -> Result<Vec<Result<ClaimId>>> {
        ensure!(batch.len() <= MAX_CLAIMS_PER_BATCH, Error::TooManyClaims);
        let submitter = self.env().caller();
        let now = self.env().block_timestamp();
        let mut results: Vec<Result<ClaimId>> = Vec::with_capacity(batch.len());
        let mut drafts = Vec::with_capacity(batch.len());
        let mut recorded = Batch::default();
        for submission in &batch {
            let plan_id = submission.request.plan;
            let stored = recorded.stored_plan(plan_id, || self.plans.get(plan_id));
            let relay = self.relay(&mut recorded, &submission.request, submitter);
            match Self::admit(&submission.request, stored, submitter, relay, now) {
                Ok(plan) => {
                    drafts.push(Some((
                        plan,
                        Self::draft(&submission.request, submitter, now),
                    )));
                    results.push(Ok(0));
                }
                Err(e) => {
                    drafts.push(None);
                    results.push(Err(e));
                }
            }
        }
        let screens = self.screen_batch(&mut recorded.prices, &drafts)?;
        for ((submission, (draft, screen)), result) in batch
            .iter()
            .zip(drafts.into_iter().zip(screens))
            .zip(results.iter_mut())
        {
            let (Some((_, claim)), Some(screen)) = (draft, screen) else {
                continue;
            };
            let request = &submission.request;
            if let Some(reference) = submission.reference {
                if self
                    .references
                    .contains((request.plan, request.provider, reference))
                {
                    *result = Err(Error::ReferenceUsed);
                    continue;
                }
            }
            *result = Ok(self.record(
                &mut recorded,
                claim,
                &request.lines,
                screen,
                submission.reference,
                None,
            )?);
        }
        self.flush(recorded);
        Ok(results)
    }

    /// Whether `submitter` submits `request` as a relay the rendering provider named
    /// (`set_corrector`; read once per provider and batch, never for the provider
    /// itself).
    pub(crate) fn relay(
        &self,
        batch: &mut Batch,
        request: &ClaimRequest,
        submitter: AccountId,
    ) -> bool {
        submitter != request.provider
            && batch.relay(request.provider, || {
                self.correctors.contains((request.provider, submitter))
            })
    }

    /// The checks of a request that refuse it (nothing recorded): the plan exists, the
    /// caller is the rendering provider or a relay it named (`relay`: its payer or
    /// clearinghouse relaying its 837s; without that no one, the payer included, can
    /// file claims in a provider's name: a payer could otherwise file a cheap claim
    /// first and have the provider's own denied as its duplicate), 1 to `MAX_LINES`
    /// valid lines of at most the plan's `max_units` each, a service date not in the
    /// future. Returns the plan.
    pub(crate) fn admit(
        request: &ClaimRequest,
        plan: Option<Plan>,
        submitter: AccountId,
        relay: bool,
        now: Timestamp,
    ) -> Result<Plan> {
        let plan = plan.ok_or(Error::UnknownPlan)?;
        ensure!(submitter == request.provider || relay, Error::NotSubmitter);
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
    pub(crate) fn screen(
        &self,
        prices: &mut Prices,
        plan: &Plan,
        claim: &Claim,
        filed_at: Timestamp,
    ) -> Result<Screen> {
        let state = &self.member_in(prices, claim.member)?.1;
        let coverage = self.coverage_in(state, plan.id, claim.member);
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
        prices: &mut Prices,
        drafts: &[Option<(Plan, Claim)>],
    ) -> Result<Vec<Option<Screen>>> {
        let mut screens: Vec<Option<Screen>> = Vec::with_capacity(drafts.len());
        let mut asked: Vec<usize> = Vec::new();
        let mut queries: Vec<CredentialQuery> = Vec::new();
        // Each member's item read once for the batch (claims do not change its coverage).
        for (i, draft) in drafts.iter().enumerate() {
            let screen = match draft {
                None => None,
                Some((plan, claim)) => {
                    let state = &self.member_in(prices, claim.member)?.1;
                    Some((plan, claim, self.coverage_in(state, plan.id, claim.member)))
                }
            }
            .map(|(plan, claim, coverage)| {
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
        recheck: Option<ClaimId>,
    ) -> Result<ClaimId> {
        // The plan as earlier claims of the same batch left it.
        let (plan, prices) = batch.plan(claim.plan, || self.plans.get(claim.plan))?;
        let id = self.next_claim;
        let next_claim = id.checked_add(1).ok_or(Error::Overflow)?;
        claim.id = id;
        match screen {
            Screen::Deny(reason) => Self::deny_all(&mut claim, lines, reason)?,
            Screen::Pass { review } => {
                // A replacement of a claim a person denied (`recheck`: the original) takes
                // over the services it bills again and is reviewed whatever it asks.
                self.adjudicate_lines(plan, &mut claim, lines, prices, recheck)?;
                let threshold = plan.terms.review_threshold;
                self.decide(plan, &mut claim, review, Some(threshold), recheck.is_some())?;
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
}
