//! # claims_adjudication
//!
//! Health-plan claims adjudicated on submission, the way an X12 837 claim becomes an 835
//! remittance: payers define plans (deductible, copay, coinsurance, out-of-pocket
//! maximum, timely filing, a manual-review threshold, a fee schedule), enrol members and
//! fund an escrow in native tokens; providers (or the relays they name, such as their
//! payer relaying their 837s) submit claims;
//! each claim is checked and priced line by line in the same transaction and the payer's
//! share is paid from the plan's escrow to the rendering provider.
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, sets the peer contract addresses,
//!   recovers native tokens no escrow accounts for and upgrades the code (after its
//!   delay); pauses and unpauses (at once).
//! * **payer**: an account with a valid payer licence in `staff_credentials` when it
//!   creates a plan; manages that plan's fees, members, adjusters and escrow.
//! * **adjuster**: appointed per plan by its payer; approves or denies claims pending
//!   review and decides appeals.
//! * **provider**: the rendering provider of a claim; submits it (or a relay it named
//!   with `set_corrector` does: its payer or clearinghouse relaying its 837s; no one
//!   else, the payer included, files claims in its name), is checked, paid, and may
//!   appeal a denial once.
//! * **member**: names the provider in a care relationship and consents to the payer for
//!   payment in `consent_registry`; never touches this contract.
//!
//! ## Adjudication of a claim (`submit_claim`)
//! 1. Coverage at the service date: not a member CARC 31, before coverage CARC 26, after
//!    coverage CARC 27. Timely filing: submitted later than the plan's window after the
//!    service date, CARC 29.
//! 2. The provider held a valid medical licence or NPI registration **at the service
//!    date** (cross-contract call to `staff_credentials`): else CARC B7.
//! 3. One cross-contract call to `consent_registry` (`claim_consent`): the member
//!    consented to the payer for *payment* of *billing* data at the service date, else
//!    CARC 197; and the member had a **care relationship** with the rendering provider at
//!    the service date, else CARC 242, unless the claim is flagged as an emergency visit:
//!    then it goes to manual review. No claim is paid to a provider the member never
//!    named, so a licensed provider cannot bill for strangers (phantom billing).
//! 4. Each line: a line with the same member, rendering provider, service **day** and
//!    procedure as an adjudicated, not-denied line (of another claim, or earlier in this
//!    one) is a duplicate, CARC 18; whatever the order, amount, diagnosis or split across
//!    claims. Repeated services of one day are billed as units of one line. Other lines
//!    are priced ([`pricing::price`]): not in the fee schedule, CARC 96; a CPT 99454
//!    line (remote monitoring device supply) less than 30 days from another held 99454
//!    line of the member, whoever billed it, CARC 119 (once per member per period); one
//!    whose member had data from devices the billing provider paired on fewer than 16 of
//!    the 30 days ending with the service date, asked of `remote_monitoring`
//!    (`monitored_days_until`, one call per such line), CARC 272; allowed =
//!    min(billed, fee × units), the excess CO-45; the member pays the remaining
//!    deductible (PR-1), copay (PR-3), coinsurance (PR-2), capped by the out-of-pocket
//!    maximum of the plan year; the payer pays the rest.
//! 5. Status: denied (nothing allowed); pending review (payer share above the plan's
//!    threshold, reserved; or an emergency without a care relationship, not reserved);
//!    paid (the payer share is transferred from the escrow to the provider); approved-unfunded (the free escrow
//!    does not cover it; paid later by `settle`); payment-failed (the transfer failed,
//!    e.g. below the existential deposit of an empty account: the adjudication stands,
//!    the amount is owed, `settle` pays it later).
//!
//! A denial is a recorded result, not an error. A peer that is missing, is no contract
//! or traps gives a typed error and changes nothing.
//!
//! An appeal (provider, once, of a denied claim) is admitted only if the claim passes
//! the claim-level checks at its service date now (coverage, timely filing, credential,
//! payment consent and a care relationship): a stranger's claim is never appealed, so it
//! can never hold the payer's escrow. It reserves the lines' allowed amount under the
//! fee schedule (never the billed amount). An overturn re-checks coverage, timely
//! filing (from the original submission), credential, consent and care relationship (not for emergencies: the adjuster is the
//! manual review) at the service date: a claim that fails one stays denied with that
//! reason. Otherwise its lines are adjudicated again (duplicates, fee schedule,
//! accumulators as they are now) and it is paid or owed.
//!
//! A service a person denied (an adjuster at review, or a decided appeal) stays held by
//! its claim, voided or not: billed again in a new claim it is a duplicate, so no claim
//! trimmed under the review threshold is paid over the adjuster's denial. The
//! provider's recourse is the appeal, or a replacement, which takes over the services
//! it bills again (the others stay held by the original), goes to review whatever its
//! amount (even one the member pays whole) and, until the adjuster decides, is neither
//! voided nor replaced. A relay may not void or replace such a claim: it is the
//! provider's to appeal or correct. A CPT 99454 supply a person denied binds only its
//! own provider: another's supply in the period is paid.
//!
//! A claim pending review or denied can be voided (X12 claim frequency 8) or replaced by
//! a correction of its lines (frequency 7: same plan, provider, member and service date,
//! emergency or not as the original, screened as a new claim, timely filing to now,
//! refused whole if the screening would deny it) by its
//! provider, or by whoever submitted it if the provider made it its corrector
//! (`set_corrector`: the payer relaying the provider's 837s): a void gives back what the
//! claim reserved, counted and held (but the services a person denied), and a voided
//! claim is never paid or appealed. A
//! paid or owed claim, or one under appeal, cannot be voided or replaced: money paid or
//! owed is not taken back on chain (the payer recoups outside the contract).
//!
//! ## Escrow invariant
//! For every plan `escrow == funded − withdrawn − paid`; `owed` is the payer share of its
//! approved-unfunded and payment-failed claims; `reserved` is the sum of its claims'
//! `reserved` (the payer share of claims pending review above the threshold, the priced
//! allowed amount of claims under appeal); a payer withdraws, and new claims are paid
//! from, at most `escrow − owed − reserved`, so a withdrawal never takes what an approval
//! or an overturned appeal would need. Owed claims are settled oldest first, from
//! `escrow − reserved`. The contract's native balance covers the sum of all escrows
//! (`total_escrow`); tokens sent to it outside `fund` are surplus the governor can send
//! on (`RecoverSurplus`).
//!
//! ## Privacy
//! Lines carry procedure codes and amounts (pricing needs them) and a salted commitment to
//! the diagnosis codes ([`diagnosis_commitment`]), never a diagnosis in clear.
//!
//! ## Pause
//! While paused, no plan, fee, enrolment, funding, claim, review or appeal is accepted;
//! exits keep working: the payer withdraws its free escrow and owed claims are settled
//! (a pause stops new business, never the way out), and the governor applies no change
//! but unpausing (so that a majority cannot pause, then upgrade the code over the escrow
//! while its users cannot leave); queries keep working.
//!
//! ## Bounds
//! At most [`MAX_LINES`] lines per claim, [`MAX_LINE_BILLED`] billed and the plan's
//! `max_units` units per line, and [`MAX_FEES_PER_CALL`] fee changes per call;
//! every message is O(1) or O(its input); member and provider claim lists are paged.
//!
//! ## Storage per claim
//! A storage access is the dearest thing a claim does (on pallet-contracts 38 about 10 KB
//! of proof each), so what a claim reads and writes of its member is one item per member
//! ([`model::MemberState`]: coverage in up to [`model::MEMBER_PLANS`] plans, each plan's
//! current accumulators, the end of the claim list) and its duplicate check one item per
//! (plan, member, provider, service day) ([`model::DayLines`]: up to
//! [`model::DAY_LINES_CAP`] procedures). What does not fit is kept under its own key
//! (`members`, `accumulators`, `line_keys`) and the item says so: no bound refuses a
//! claim. A contract upgraded from the code before these items keeps reading what that
//! code wrote in those maps (`day_lines_from` is 0 only for a contract created with this
//! code).
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Revision of this code, reported by `code_version`. The `upgrade-rehearsal` feature
/// builds the same contract as revision 2 (same storage layout, another code hash): the
/// sandbox tests switch a live instance to it through the governor.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

pub mod events;
mod internal;
pub mod model;
pub mod pricing;

/// Most lines one claim may carry.
pub const MAX_LINES: usize = 20;
/// Most claims one `submit_claims` call may carry (the most a peer's batch query answers).
pub const MAX_CLAIMS_PER_BATCH: usize = healthcare_traits::MAX_BATCH_QUERIES;
/// Claim ids per stored page of a member's or a provider's claim list: a batch appends
/// to a list with one storage write per page instead of one per claim.
pub const CLAIMS_PER_PAGE: u32 = 16;
/// Most fee-schedule changes one `set_fees` call may carry.
pub const MAX_FEES_PER_CALL: usize = 50;
/// Length of a plan year (365 days), counted from the plan's `year_start`.
pub const PLAN_YEAR: u64 = 365 * healthcare_traits::DAY;
/// Basis points in 100 %.
pub const FULL_BPS: u16 = 10_000;
/// Most one line may bill (2^100 of the chain's smallest unit, about 1.27 × 10^30): sums
/// over any batch stay far from overflowing, so no claim can revert another's.
pub const MAX_LINE_BILLED: u128 = 1 << 100;

/// The diagnosis commitment of a claim line: BLAKE2-256 of the 32-byte `salt` followed by
/// the line's ICD-10-CM codes, each upper-case without its dot, joined by `,` (e.g.
/// `E119,I10`). The salt is random per claim and stays with the claim file, so that the
/// codes cannot be guessed from the commitment but can be proven by whoever holds it.
pub fn diagnosis_commitment(salt: &[u8; 32], codes: &[&str]) -> healthcare_traits::Hash {
    let mut input = ink::prelude::vec::Vec::with_capacity(
        32usize.saturating_add(codes.len().saturating_mul(8)),
    );
    input.extend_from_slice(salt);
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            input.push(b',');
        }
        input.extend(
            code.trim()
                .bytes()
                .filter(|b| *b != b'.')
                .map(|b| b.to_ascii_uppercase()),
        );
    }
    let mut output = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&input, &mut output);
    healthcare_traits::Hash::from(output)
}

#[ink::contract]
pub mod claims_adjudication {

    pub use crate::events::*;
    use crate::internal::{List, MemberYear};
    use crate::model::day_of;
    pub use crate::model::{
        Accumulator, Adjustment, Carc, Claim, ClaimId, ClaimLine, ClaimReference, ClaimRequest,
        ClaimStatus, ClaimSubmission, Coverage, DayKey, DayLines, Error, Group, LineResult,
        MemberState, Peers, Plan, PlanId, PlanTerms, ProcedureCode, ReferenceKey, Result,
        ServiceKey, SupplyKey,
    };
    use crate::model::{DeniedSupplyKey, SupplyHold};
    use healthcare_traits::{ApplyError, Governance, Governed};
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// (account, page number) -> the `CLAIMS_PER_PAGE` claim ids of a full page, oldest
    /// first.
    pub(crate) type ClaimPages = Mapping<(AccountId, u32), Vec<ClaimId>>;
    /// account -> the length of its claim list and the ids of its last page while that
    /// page is not full: one storage item to read and write per submission.
    pub(crate) type ClaimTails = Mapping<AccountId, (u32, Vec<ClaimId>)>;

    /// The contract's storage.
    #[ink(storage)]
    pub struct ClaimsAdjudication {
        pub(crate) governance: Governance,
        pub(crate) peers: Lazy<Peers>,
        pub(crate) next_plan: PlanId,
        pub(crate) next_claim: ClaimId,
        /// Sum of every plan's escrow (the native balance the contract must hold).
        pub(crate) total_escrow: Balance,
        pub(crate) plans: Mapping<PlanId, Plan>,
        pub(crate) fees: Mapping<(PlanId, ProcedureCode), Balance>,
        pub(crate) adjusters: Mapping<(PlanId, AccountId), ()>,
        pub(crate) members: Mapping<(PlanId, AccountId), Coverage>,
        pub(crate) accumulators: Mapping<MemberYear, Accumulator>,
        pub(crate) claims: Mapping<ClaimId, Claim>,
        /// Service key -> the claim whose adjudicated, not-denied line holds it.
        pub(crate) line_keys: Mapping<ServiceKey, ClaimId>,
        /// Each member's claim ids, oldest first: full pages, and the rest in the tail.
        pub(crate) member_claims: ClaimPages,
        pub(crate) member_tails: ClaimTails,
        /// Each provider's claim ids, oldest first: full pages, and the rest in the tail.
        pub(crate) provider_claims: ClaimPages,
        pub(crate) provider_tails: ClaimTails,
        /// (plan, provider, submitter's reference) -> the claim recorded under it.
        pub(crate) references: Mapping<ReferenceKey, ClaimId>,
        /// (member, 30-day window) -> (service day, claim) of the CPT 99454 line held
        /// there (adjudicated, not denied): at most one per member in any 30 days.
        pub(crate) supply_lines: Mapping<SupplyKey, (u64, ClaimId)>,
        /// (plan, position) -> an owed claim (approved-unfunded or payment-failed), in the
        /// order they became owed; settled oldest first.
        pub(crate) owed_queue: Mapping<(PlanId, u64), ClaimId>,
        /// plan -> (position of its oldest owed claim, position the next one takes).
        pub(crate) owed_ends: Mapping<PlanId, (u64, u64)>,
        /// (plan, member, provider, service day) -> the procedures held that day and the
        /// claims holding them (one item per claim's day instead of one per line; a full
        /// item spills to `line_keys`).
        pub(crate) day_lines: Mapping<DayKey, DayLines>,
        /// The first service day whose lines are held only in `day_lines` (and, flagged
        /// by a spilled item, in `line_keys`): 0 for a contract created with this code; for
        /// one upgraded from code that held every line in `line_keys`, the day after its
        /// first adjudication under this code (set then; service dates are never in the
        /// future, so every line the old code held is of an earlier day). Not 0: the
        /// contract may also hold members the code before `member_states` wrote.
        pub(crate) day_lines_from: Lazy<u64>,
        /// member -> its coverage in up to `MEMBER_PLANS` plans with their current
        /// accumulators, and the end of its claim list: what a claim reads and writes of
        /// its member, in one item (`members`, `accumulators` and `member_tails` hold
        /// what does not fit, and what the code before these items wrote).
        pub(crate) member_states: Mapping<AccountId, MemberState>,
        /// (provider, corrector): the provider lets the corrector (its payer relaying its
        /// 837s, or a clearinghouse) submit claims in its name, and void and replace those
        /// it submitted.
        pub(crate) correctors: Mapping<(AccountId, AccountId), ()>,
        /// A replaced claim -> the claim that replaced it.
        pub(crate) replacements: Mapping<ClaimId, ClaimId>,
        /// The replacements of claims a person denied: each waits for an adjuster, and
        /// neither its provider nor a relay voids or replaces it meanwhile.
        pub(crate) rechecked: Mapping<ClaimId, ()>,
        /// (member, provider, 30-day window) -> (service day, claim): a CPT 99454
        /// supply a person denied (at review, or an appeal upheld), which holds the
        /// period against its own provider only; `supply_lines` holds the supplies that
        /// bind everyone.
        pub(crate) denied_supplies: Mapping<DeniedSupplyKey, SupplyHold>,
    }

    impl ClaimsAdjudication {
        /// Creates the contract, governed by `governor` (the consortium's governor
        /// contract), asking `credentials` (staff_credentials), `consent`
        /// (consent_registry) and `monitoring` (remote_monitoring, about CPT 99454 lines).
        #[ink(constructor)]
        pub fn new(
            governor: AccountId,
            credentials: AccountId,
            consent: AccountId,
            monitoring: AccountId,
        ) -> Result<Self> {
            Ok(Self::with_storage(
                governor,
                credentials,
                consent,
                monitoring,
            ))
        }

        // ----------------------------------------------------------- governance

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.governance.is_paused()
        }

        /// The revision of the code running at this address ([`crate::CODE_VERSION`]), so
        /// that an operator can see which code an upgrade left in place.
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        /// The peer contracts.
        #[ink(message)]
        pub fn peers(&self) -> Peers {
            self.peers.get().unwrap_or(Peers {
                credentials: AccountId::from([0; 32]),
                consent: AccountId::from([0; 32]),
                monitoring: AccountId::from([0; 32]),
            })
        }

        /// Native tokens held beyond the sum of all escrows.
        #[ink(message)]
        pub fn surplus(&self) -> Balance {
            self.env().balance().saturating_sub(self.total_escrow)
        }

        /// The sum of all plans' escrows.
        #[ink(message)]
        pub fn total_escrow(&self) -> Balance {
            self.total_escrow
        }

        // ---------------------------------------------------------------- plans

        /// A licensed payer: creates a plan with `terms`. Returns its id.
        #[ink(message)]
        pub fn create_plan(&mut self, terms: PlanTerms) -> Result<PlanId> {
            self.governance.ensure_running()?;
            self.do_create_plan(terms)
        }

        /// The plan's payer: sets (`Some(fee)`) or removes (`None`) fee-schedule entries
        /// (allowed amount per unit), at most `MAX_FEES_PER_CALL` per call.
        #[ink(message)]
        pub fn set_fees(
            &mut self,
            plan_id: PlanId,
            fees: Vec<(ProcedureCode, Option<Balance>)>,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_set_fees(plan_id, fees)
        }

        /// The plan's payer: sets `member`'s coverage (re-enrolling replaces it; set an
        /// `end` to disenrol).
        #[ink(message)]
        pub fn enroll(
            &mut self,
            plan_id: PlanId,
            member: AccountId,
            coverage: Coverage,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_enroll(plan_id, member, coverage)
        }

        /// The plan's payer: appoints an adjuster.
        #[ink(message)]
        pub fn add_adjuster(&mut self, plan_id: PlanId, adjuster: AccountId) -> Result<()> {
            self.set_adjuster(plan_id, adjuster, true)
        }

        /// The plan's payer: removes an adjuster.
        #[ink(message)]
        pub fn remove_adjuster(&mut self, plan_id: PlanId, adjuster: AccountId) -> Result<()> {
            self.set_adjuster(plan_id, adjuster, false)
        }

        /// The plan's payer: adds the transferred native tokens to the plan's escrow.
        #[ink(message, payable)]
        pub fn fund(&mut self, plan_id: PlanId) -> Result<Balance> {
            self.governance.ensure_running()?;
            self.do_fund(plan_id)
        }

        /// The plan's payer (also while paused: an exit): withdraws `amount`, at most the
        /// free escrow (neither owed to approved claims nor reserved for claims pending
        /// review or under appeal).
        #[ink(message)]
        pub fn withdraw(&mut self, plan_id: PlanId, amount: Balance) -> Result<Balance> {
            self.do_withdraw(plan_id, amount)
        }

        // --------------------------------------------------------------- claims

        /// The rendering provider, or a relay it named (`set_corrector`: its payer or
        /// clearinghouse relaying its 837s; anyone else, the payer included, is refused
        /// with `NotSubmitter`): submits a claim and has it adjudicated at once (see the
        /// crate documentation). Returns its id.
        #[ink(message)]
        pub fn submit_claim(&mut self, request: ClaimRequest) -> Result<ClaimId> {
            self.governance.ensure_running()?;
            let submitter = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_submit_claim(submitter, now, request)
        }

        /// The rendering providers, or the relays they named (as `submit_claim`; each
        /// provider's `set_corrector` read once per batch): submits up to
        /// `MAX_CLAIMS_PER_BATCH` claims, each adjudicated exactly as `submit_claim`
        /// would, in order (a claim sees what the claims before it recorded: duplicates,
        /// accumulators, escrow). Returns one result per claim: its id, or why it was
        /// refused (a refused claim records nothing and does not undo the others).
        ///
        /// The credential checks of the whole batch are one call to staff_credentials
        /// (`any_valid_at_each`) and the consent and care checks one call to
        /// consent_registry (`claim_consent_each`); a peer failing refuses the whole
        /// batch with its typed error. A claim carrying a `reference` its provider used
        /// before in the same plan (or earlier in the batch) is refused with
        /// `ReferenceUsed`.
        #[ink(message)]
        pub fn submit_claims(
            &mut self,
            batch: Vec<ClaimSubmission>,
        ) -> Result<Vec<Result<ClaimId>>> {
            self.governance.ensure_running()?;
            self.do_submit_claims(batch)
        }

        /// An adjuster of the claim's plan: approves (paid, approved-unfunded or
        /// payment-failed) or denies (with `reason`, e.g. not medically necessary) a claim
        /// pending review. Either way its reservation is released; a denial also gives
        /// back the deductible and out-of-pocket amounts, while the claim keeps holding its
        /// services: the same service in a new claim is a duplicate (the provider's
        /// recourse is the appeal, or a replacement, which is reviewed).
        #[ink(message)]
        pub fn review_claim(
            &mut self,
            claim_id: ClaimId,
            approve: bool,
            reason: Carc,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_review_claim(claim_id, approve, reason)
        }

        /// The claim's provider: appeals a denial, once, with the hash of its evidence.
        /// Only a claim that passes admission at its service date, asked of the peers
        /// now (the provider licensed, the member covered and consenting to payment, and
        /// a care relationship between them), can be appealed: else `NotAdmitted`, so a
        /// stranger's claim never reserves anything. What an overturn can cost is
        /// reserved in the plan's escrow until decided: the lines' allowed amount under
        /// the fee schedule ([`model::appeal_reserve`]), never their billed amount.
        #[ink(message)]
        pub fn appeal(&mut self, claim_id: ClaimId, evidence: Hash) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_appeal(claim_id, evidence)
        }

        /// An adjuster of the claim's plan: decides an appeal and releases its reservation.
        /// Upheld: the claim stays denied. Overturned: the claim-level checks are made
        /// again at the service date (timely filing from the original submission; the
        /// care relationship not for an emergency): a claim failing one stays denied with
        /// that reason; otherwise its lines are adjudicated again (duplicates of other
        /// claims stay denied) and it is paid or owed.
        #[ink(message)]
        pub fn decide_appeal(&mut self, claim_id: ClaimId, overturn: bool) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_decide_appeal(claim_id, overturn)
        }

        /// The caller, as a provider: lets `corrector` (its payer relaying its 837s, or a
        /// clearinghouse) submit claims in the caller's name and void and replace those
        /// it submitted (`allowed`), or withdraws that. Without it only the provider
        /// itself submits, voids or replaces its claims, so no payer can file a cheap
        /// claim first (to have the provider's own denied as its duplicate) or void a
        /// claim to escape paying it. Withdrawing also while paused, naming not.
        #[ink(message)]
        pub fn set_corrector(&mut self, corrector: AccountId, allowed: bool) -> Result<()> {
            self.do_set_corrector(corrector, allowed)
        }

        /// The claim's provider, or whoever submitted it if the provider made it its
        /// corrector (`set_corrector`: the payer relaying the provider's 837s, claim
        /// frequency 8): voids a claim pending review or denied.
        /// One pending review gives back its reservation, the deductible and
        /// out-of-pocket amounts it counted and the services it held (a denied one keeps
        /// the services a person denied: voiding it does not free them to be billed
        /// anew); a voided claim pays nothing and cannot be appealed. A paid or owed claim (approved-unfunded,
        /// payment-failed), one under appeal or one already voided is refused with
        /// `NotVoidable`: money paid or owed is not taken back here.
        #[ink(message)]
        pub fn void_claim(&mut self, claim_id: ClaimId) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_void_claim(claim_id)
        }

        /// The same parties and the same claims as `void_claim` (claim frequency 7):
        /// voids `claim_id` and submits `submission` in its place: a correction of its
        /// lines for the same plan, rendering provider, member, service date and
        /// emergency flag (else `ReplacementMismatch`), screened as a new claim (timely filing counted to now,
        /// so no claim filed in time can be replaced by another after the window; a
        /// replacement the screening would deny is refused with `ReplacementDenied`, the
        /// original kept) and priced as `submit_claim` would once the original
        /// has given back what it counted and held, so the new version is no duplicate of
        /// the old. A replacement of a claim a person denied (at review, or after a
        /// decided appeal) takes over the services it bills again (the others stay
        /// held by the original), goes to review whatever its amount with its payer
        /// share reserved, and cannot be voided or replaced until an adjuster decides
        /// (`NotVoidable`); a relay may not replace such a claim (`NotSubmitter`). The
        /// new claim needs its own reference. Everything that can refuse the
        /// new claim is checked before the original is voided: a refusal changes nothing.
        /// Returns the new claim's id (`ClaimVoided` names it as `replaced_by`, and
        /// `replaced_by` answers it).
        #[ink(message)]
        pub fn replace_claim(
            &mut self,
            claim_id: ClaimId,
            submission: ClaimSubmission,
        ) -> Result<ClaimId> {
            self.governance.ensure_running()?;
            let submitter = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_replace_claim(submitter, now, claim_id, submission)
        }

        /// Anyone (also while paused: a provider's exit): pays the plan's oldest owed claim
        /// (approved-unfunded or payment-failed:
        /// `next_owed`) once the escrow less the reservations covers it; a younger owed
        /// claim is refused with `NotFirstOwed`. If the transfer fails again, the claim
        /// stays payment-failed and goes to the back of the plan's queue, so that one
        /// provider's unreachable account never holds up the others.
        #[ink(message)]
        pub fn settle(&mut self, claim_id: ClaimId) -> Result<()> {
            self.do_settle(claim_id)
        }

        // -------------------------------------------------------------- queries

        /// The claim with its lines and remittance.
        #[ink(message)]
        pub fn claim(&self, claim_id: ClaimId) -> Option<Claim> {
            self.claims.get(claim_id)
        }

        /// The claim that replaced `claim_id`, if a replacement voided it (a voided claim
        /// without one was voided on its own).
        #[ink(message)]
        pub fn replaced_by(&self, claim_id: ClaimId) -> Option<ClaimId> {
            self.replacements.get(claim_id)
        }

        /// Whether `provider` lets `corrector` submit claims in its name and void and
        /// replace those it submitted (`set_corrector`).
        #[ink(message)]
        pub fn is_corrector(&self, provider: AccountId, corrector: AccountId) -> bool {
            self.correctors.contains((provider, corrector))
        }

        /// A page of `member`'s claims, oldest first.
        #[ink(message)]
        pub fn claims_of_member(&self, member: AccountId, offset: u32, limit: u32) -> Vec<Claim> {
            self.listed(List::Member, member, offset, limit)
        }

        /// A page of `provider`'s claims, oldest first.
        #[ink(message)]
        pub fn claims_of_provider(
            &self,
            provider: AccountId,
            offset: u32,
            limit: u32,
        ) -> Vec<Claim> {
            self.listed(List::Provider, provider, offset, limit)
        }

        /// The claim whose priced line holds the service of `member` by `provider` on the
        /// day of `service_date` with `procedure` in plan `plan_id`: one paid, owed or
        /// pending review, or one a person denied (voided since or not; a new claim for
        /// the service is its duplicate).
        #[ink(message)]
        pub fn service_holder(
            &self,
            plan_id: PlanId,
            member: AccountId,
            provider: AccountId,
            service_date: Timestamp,
            procedure: ProcedureCode,
        ) -> Option<ClaimId> {
            let day = (plan_id, member, provider, day_of(service_date));
            let from = self.day_lines_from.get().unwrap_or(u64::MAX);
            self.holder(
                &self.day_lines.get(day).unwrap_or_default(),
                day,
                from,
                procedure,
            )
        }

        /// The claim `provider` recorded in plan `plan_id` under `reference`, if any (what
        /// a claims tool asks before sending a claim again).
        #[ink(message)]
        pub fn claim_by_reference(
            &self,
            plan_id: PlanId,
            provider: AccountId,
            reference: ClaimReference,
        ) -> Option<ClaimId> {
            self.references.get((plan_id, provider, reference))
        }

        /// `member`'s accumulators in plan year `year` of plan `plan_id`.
        #[ink(message)]
        pub fn accumulator(&self, plan_id: PlanId, member: AccountId, year: u32) -> Accumulator {
            self.member_states
                .get(member)
                .and_then(|state| state.accumulator(plan_id, year))
                .or_else(|| self.accumulators.get((plan_id, member, year)))
                .unwrap_or_default()
        }

        /// The plan year of `at` in plan `plan_id`.
        #[ink(message)]
        pub fn plan_year(&self, plan_id: PlanId, at: Timestamp) -> Option<u32> {
            self.plans.get(plan_id).map(|plan| plan.terms.year_of(at))
        }

        /// The plan with its terms and escrow.
        #[ink(message)]
        pub fn plan(&self, plan_id: PlanId) -> Option<Plan> {
            self.plans.get(plan_id)
        }

        /// (escrow, owed, reserved) of the plan; the free part is `escrow − owed −
        /// reserved`.
        #[ink(message)]
        pub fn escrow(&self, plan_id: PlanId) -> Option<(Balance, Balance, Balance)> {
            self.plans
                .get(plan_id)
                .map(|plan| (plan.escrow, plan.owed, plan.reserved))
        }

        /// The allowed amount per unit for `procedure`, if covered.
        #[ink(message)]
        pub fn fee(&self, plan_id: PlanId, procedure: ProcedureCode) -> Option<Balance> {
            self.fees.get((plan_id, procedure))
        }

        /// `member`'s coverage in the plan.
        #[ink(message)]
        pub fn coverage(&self, plan_id: PlanId, member: AccountId) -> Option<Coverage> {
            let state = self.member_states.get(member);
            match state.as_ref().and_then(|state| state.coverage(plan_id)) {
                Some(coverage) => Some(coverage),
                None if state.is_none_or(|state| state.spilled) => {
                    self.members.get((plan_id, member))
                }
                None => None,
            }
        }

        /// The plan's oldest owed claim (approved-unfunded or payment-failed): the one
        /// `settle` pays next.
        #[ink(message)]
        pub fn next_owed(&self, plan_id: PlanId) -> Option<ClaimId> {
            self.owed_front(plan_id).map(|(claim, ..)| claim)
        }

        /// The claim holding `member`'s CPT 99454 device supply less than 30 days from
        /// the day of `service_date` (paid, owed or pending review), if any: a second one
        /// is denied with CARC 119, whoever bills it. (A supply a person denied holds
        /// the period against its own provider only, and is not named here.)
        #[ink(message)]
        pub fn supply_holder(&self, member: AccountId, service_date: Timestamp) -> Option<ClaimId> {
            self.supply_holders(member, day_of(service_date), 0, None)
                .next()
        }

        /// True if `account` is an adjuster of the plan.
        #[ink(message)]
        pub fn is_adjuster(&self, plan_id: PlanId, account: AccountId) -> bool {
            self.adjusters.contains((plan_id, account))
        }
    }

    impl Governed for ClaimsAdjudication {
        /// The governor this contract obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, a peer address (`Peer(Credentials | Consent | Monitoring,
        /// _)`), the surplus recovered (`RecoverSurplus`); `Unsupported` for any other,
        /// `Invalid` when there is no surplus. Only pausing and unpausing apply while
        /// paused (nothing lands over the escrow while its payers cannot leave).
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
        }
    }

    #[cfg(test)]
    impl ClaimsAdjudication {
        pub(crate) fn set_counters(&mut self, plan: PlanId, claim: ClaimId) {
            self.next_plan = plan;
            self.next_claim = claim;
        }

        pub(crate) fn set_accumulator(
            &mut self,
            plan: PlanId,
            member: AccountId,
            year: u32,
            acc: Accumulator,
        ) {
            let mut state = self.member_states.get(member).unwrap_or_default();
            if let Some((year, acc)) = state.set_accumulator(plan, year, acc) {
                self.accumulators.insert((plan, member, year), &acc);
            }
            self.member_states.insert(member, &state);
        }
    }
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod model_based;
#[cfg(test)]
mod storage_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod void_tests;
