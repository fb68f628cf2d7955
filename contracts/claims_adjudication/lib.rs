//! # claims_adjudication
//!
//! Health-plan claims adjudicated on submission, the way an X12 837 claim becomes an 835
//! remittance: payers define plans (deductible, copay, coinsurance, out-of-pocket
//! maximum, timely filing, a manual-review threshold, a fee schedule), enrol members and
//! fund an escrow in native tokens; providers (or payers on their behalf) submit claims;
//! each claim is checked and priced line by line in the same transaction and the payer's
//! share is paid from the plan's escrow to the rendering provider.
//!
//! ## Roles
//! * **owner** (the instantiator; two-step transfer): pauses, sets the peer contract
//!   addresses, upgrades the code.
//! * **payer**: an account with a valid payer licence in `staff_credentials` when it
//!   creates a plan; manages that plan's fees, members, adjusters and escrow.
//! * **adjuster**: appointed per plan by its payer; approves or denies claims pending
//!   review and decides appeals.
//! * **provider**: the rendering provider of a claim; submits it (or the payer does on
//!   its behalf), is checked, paid, and may appeal a denial once.
//!
//! ## Adjudication of a claim (`submit_claim`)
//! 1. Duplicate (same plan, member, provider, service date and lines): denied, CARC 18.
//! 2. Coverage at the service date: not a member CARC 31, before coverage CARC 26, after
//!    coverage CARC 27. Timely filing: submitted later than the plan's window after the
//!    service date, CARC 29.
//! 3. The provider held a valid medical licence or NPI registration **at the service
//!    date** (cross-contract call to `staff_credentials`): else denied, CARC B7.
//! 4. The member consented to the payer for *payment* of *billing* data at the service
//!    date (cross-contract call to `consent_registry`): else denied, CARC 197.
//! 5. Each line is priced: not in the fee schedule, CARC 96 (nothing paid); allowed =
//!    min(billed, fee × units), the excess CO-45; the member pays the remaining
//!    deductible (PR-1), then the copay (PR-3), then coinsurance on the rest (PR-2), each
//!    capped by what is left of the out-of-pocket maximum; the payer pays the rest.
//!    The member's accumulators (deductible met, out-of-pocket spent) for the plan year
//!    of the service date are updated.
//! 6. Status: denied; pending review (payer share above the plan's threshold);
//!    paid (the payer share is transferred from the escrow to the provider); or
//!    approved-unfunded (owed, paid later by `settle`).
//!
//! Local checks run before the cross-contract calls so that a claim denied locally costs
//! no peer call. A denial is a recorded result, not an error. A peer that is missing,
//! is no contract or traps gives a typed error and changes nothing.
//!
//! ## Escrow invariant
//! For every plan `escrow == funded − withdrawn − paid`, `owed` is the sum of its
//! approved-unfunded claims, a payer withdraws at most `escrow − owed`, and the
//! contract's native balance covers the sum of all escrows.
//!
//! ## Bounds
//! At most [`MAX_LINES`] lines per claim and [`MAX_FEES_PER_CALL`] fee changes per call;
//! every message is O(1) or O(its input); member and provider claim lists are paged.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Most lines one claim may carry.
pub const MAX_LINES: usize = 20;
/// Most fee-schedule changes one `set_fees` call may carry.
pub const MAX_FEES_PER_CALL: usize = 50;
/// Length of a plan year (365 days), counted from the plan's `year_start`.
pub const PLAN_YEAR: u64 = 365 * healthcare_traits::DAY;
/// Basis points in 100 %.
pub const FULL_BPS: u16 = 10_000;

#[ink::contract]
pub mod claims_adjudication {
    use super::{FULL_BPS, MAX_FEES_PER_CALL, MAX_LINES, PLAN_YEAR};
    use healthcare_traits::{
        append_indexed, ensure, page_range, Admin, CredentialKind, KindSet, PeerError,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// Id of a plan, from 1.
    pub type PlanId = u32;
    /// Id of a claim, from 1.
    pub type ClaimId = u64;
    /// A CPT / HCPCS procedure code (5 ASCII characters).
    pub type ProcedureCode = [u8; 5];
    /// An ICD-10-CM diagnosis code (up to 7 ASCII characters, left-aligned, space padded).
    pub type DiagnosisCode = [u8; 7];
    /// (plan, member, plan year): the key of a member's accumulators.
    type MemberYear = (PlanId, AccountId, u32);

    /// Why a message was refused. (A denied claim is not an error: it is recorded.)
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is not the owner.
        NotOwner,
        /// The caller is not the proposed next owner.
        NotPendingOwner,
        /// The contract is paused.
        Paused,
        /// `unpause` while not paused.
        NotPaused,
        /// `set_code` with an unknown code hash.
        CodeNotFound,
        /// The caller holds no valid payer licence.
        PayerNotLicensed,
        /// The staff_credentials address holds no contract answering the query.
        CredentialContractUnreachable,
        /// The staff_credentials contract trapped.
        CredentialContractTrapped,
        /// The consent_registry address holds no contract answering the query.
        ConsentContractUnreachable,
        /// The consent_registry contract trapped.
        ConsentContractTrapped,
        /// No plan has this id.
        UnknownPlan,
        /// The caller is not the plan's payer.
        NotPayer,
        /// The caller is neither the rendering provider nor the plan's payer.
        NotSubmitter,
        /// The caller is not an adjuster of the claim's plan.
        NotAdjuster,
        /// The caller is not the claim's provider.
        NotProvider,
        /// No claim has this id.
        UnknownClaim,
        /// Plan terms out of range (coinsurance above 100 %, copay or deductible above
        /// the out-of-pocket maximum, a zero filing window).
        InvalidTerms,
        /// A line with a zero amount or zero units, or a malformed code.
        InvalidLine,
        /// A claim without lines.
        NoLines,
        /// More than `MAX_LINES` lines.
        TooManyLines,
        /// More than `MAX_FEES_PER_CALL` fee changes.
        TooManyFees,
        /// The service date lies in the future.
        ServiceInFuture,
        /// A coverage period that ends before it starts.
        InvalidCoverage,
        /// The claim is not pending review.
        NotPendingReview,
        /// The claim is not denied (only denials can be appealed).
        NotDenied,
        /// The claim was already appealed once.
        AlreadyAppealed,
        /// The claim is not under appeal.
        NotAppealed,
        /// An appeal cannot be overturned: the same service is another claim.
        DuplicateClaim,
        /// The claim is not approved-unfunded.
        NotUnfunded,
        /// The escrow (less what is owed) does not cover the amount.
        InsufficientEscrow,
        /// The native transfer failed.
        TransferFailed,
        /// A zero amount.
        ZeroAmount,
        /// A counter or amount would overflow.
        Overflow,
    }

    healthcare_traits::impl_from_admin_error!(Error);

    /// The result type of every fallible message.
    pub type Result<T> = core::result::Result<T, Error>;

    /// Plan terms.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct PlanTerms {
        /// Annual deductible.
        pub deductible: Balance,
        /// Copay per line.
        pub copay: Balance,
        /// Member coinsurance after deductible and copay, in basis points (≤ 10 000).
        pub coinsurance_bps: u16,
        /// Annual out-of-pocket maximum of the member.
        pub oop_max: Balance,
        /// Claims must be submitted within this time after the service date.
        pub timely_filing: Timestamp,
        /// A claim whose payer share exceeds this goes to manual review.
        pub review_threshold: Balance,
        /// Start of plan year 0; plan years are 365 days long.
        pub year_start: Timestamp,
    }

    /// A plan with its escrow.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Plan {
        /// Its id.
        pub id: PlanId,
        /// The payer that created it.
        pub payer: AccountId,
        /// Its terms.
        pub terms: PlanTerms,
        /// Native tokens held for the plan: `funded − withdrawn − paid`.
        pub escrow: Balance,
        /// Sum of its approved-unfunded claims.
        pub owed: Balance,
        /// Total funded.
        pub funded: Balance,
        /// Total withdrawn.
        pub withdrawn: Balance,
        /// Total paid to providers.
        pub paid: Balance,
    }

    /// A member's coverage period.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Coverage {
        /// First covered moment.
        pub start: Timestamp,
        /// End of coverage (exclusive), if any.
        pub end: Option<Timestamp>,
    }

    /// A member's accumulators for one plan year.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Accumulator {
        /// Deductible met so far.
        pub deductible_met: Balance,
        /// Out-of-pocket spent so far (deductible, copays, coinsurance).
        pub oop_spent: Balance,
    }

    /// One service line as submitted.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct ClaimLine {
        /// CPT / HCPCS code.
        pub procedure: ProcedureCode,
        /// ICD-10-CM code.
        pub diagnosis: DiagnosisCode,
        /// Billed amount for the line (all units).
        pub billed: Balance,
        /// Units of service.
        pub units: u32,
    }

    /// Claim Adjustment Reason Codes (X12 CARC) used in remittances.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Carc {
        /// 1: deductible amount.
        Deductible,
        /// 2: coinsurance amount.
        Coinsurance,
        /// 3: co-payment amount.
        Copay,
        /// 18: exact duplicate claim / service.
        Duplicate,
        /// 26: expenses incurred prior to coverage.
        BeforeCoverage,
        /// 27: expenses incurred after coverage terminated.
        CoverageEnded,
        /// 29: the time limit for filing has expired.
        TimelyFiling,
        /// 31: patient cannot be identified as our insured.
        NotInsured,
        /// 45: charge exceeds fee schedule / maximum allowable.
        ExceedsFeeSchedule,
        /// 50: not deemed a medical necessity by the payer (adjuster denial).
        NotMedicallyNecessary,
        /// 96: non-covered charge.
        NotCovered,
        /// 197: precertification / authorisation absent (no payment consent).
        ConsentAbsent,
        /// B7: provider not certified / eligible on the date of service.
        ProviderNotEligible,
    }

    impl Carc {
        /// The X12 code.
        pub const fn code(self) -> &'static str {
            match self {
                Carc::Deductible => "1",
                Carc::Coinsurance => "2",
                Carc::Copay => "3",
                Carc::Duplicate => "18",
                Carc::BeforeCoverage => "26",
                Carc::CoverageEnded => "27",
                Carc::TimelyFiling => "29",
                Carc::NotInsured => "31",
                Carc::ExceedsFeeSchedule => "45",
                Carc::NotMedicallyNecessary => "50",
                Carc::NotCovered => "96",
                Carc::ConsentAbsent => "197",
                Carc::ProviderNotEligible => "B7",
            }
        }
    }

    /// Claim Adjustment Group.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum Group {
        /// CO: contractual obligation (provider write-off).
        ContractualObligation,
        /// PR: patient responsibility.
        PatientResponsibility,
        /// OA: other adjustment.
        OtherAdjustment,
    }

    /// One adjustment of a line.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Adjustment {
        /// Group.
        pub group: Group,
        /// Reason.
        pub reason: Carc,
        /// Amount.
        pub amount: Balance,
    }

    /// The remittance of one line.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct LineResult {
        /// The line as submitted.
        pub line: ClaimLine,
        /// Allowed amount.
        pub allowed: Balance,
        /// The payer's share.
        pub payer_amount: Balance,
        /// The member's share.
        pub member_amount: Balance,
        /// Adjustments (at most four).
        pub adjustments: Vec<Adjustment>,
    }

    /// A claim's status.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum ClaimStatus {
        /// Paid from escrow.
        Paid,
        /// Approved; waiting for escrow (`settle`).
        ApprovedUnfunded,
        /// Waiting for an adjuster.
        PendingReview,
        /// Denied (see `denial`).
        Denied,
        /// Denied, appealed, waiting for an adjuster.
        UnderAppeal,
    }

    /// A claim with its remittance.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Claim {
        /// Its id.
        pub id: ClaimId,
        /// The plan.
        pub plan: PlanId,
        /// The member (patient).
        pub member: AccountId,
        /// The rendering provider (checked and paid).
        pub provider: AccountId,
        /// Who submitted it (the provider or the payer).
        pub submitter: AccountId,
        /// Date of service.
        pub service_date: Timestamp,
        /// Block time of submission.
        pub submitted_at: Timestamp,
        /// Status.
        pub status: ClaimStatus,
        /// The claim-level denial reason, if denied as a whole.
        pub denial: Option<Carc>,
        /// Per-line results.
        pub lines: Vec<LineResult>,
        /// Sum of billed amounts.
        pub billed: Balance,
        /// Sum of allowed amounts.
        pub allowed: Balance,
        /// The payer's share (paid or owed once approved).
        pub payer_amount: Balance,
        /// The member's share.
        pub member_amount: Balance,
        /// Deductible counted into the member's accumulator by this claim.
        pub deductible_applied: Balance,
        /// Hash of the appeal evidence, once appealed.
        pub appeal_evidence: Option<Hash>,
    }

    /// The peer contracts asked during adjudication.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Peers {
        /// staff_credentials.
        pub credentials: AccountId,
        /// consent_registry.
        pub consent: AccountId,
    }

    /// A plan was created.
    #[ink(event)]
    pub struct PlanCreated {
        /// The plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// Its payer.
        #[ink(topic)]
        pub payer: AccountId,
        /// Its terms.
        pub terms: PlanTerms,
    }

    /// A fee-schedule entry was set (`Some`) or removed (`None`).
    #[ink(event)]
    pub struct FeeChanged {
        /// The plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// The procedure.
        pub procedure: ProcedureCode,
        /// The allowed amount per unit, if covered.
        pub fee: Option<Balance>,
    }

    /// A member's coverage was set.
    #[ink(event)]
    pub struct MemberEnrolled {
        /// The plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// The member.
        #[ink(topic)]
        pub member: AccountId,
        /// The coverage.
        pub coverage: Coverage,
    }

    /// An adjuster was appointed (`active`) or removed.
    #[ink(event)]
    pub struct AdjusterChanged {
        /// The plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// The adjuster.
        #[ink(topic)]
        pub adjuster: AccountId,
        /// Appointed or removed.
        pub active: bool,
    }

    /// The escrow changed (funded, withdrawn).
    #[ink(event)]
    pub struct EscrowChanged {
        /// The plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// Amount added (positive: funding) or taken (withdrawal).
        pub funded: Balance,
        /// Amount withdrawn.
        pub withdrawn: Balance,
        /// The escrow after.
        pub escrow: Balance,
    }

    /// A claim was adjudicated (on submission, review or appeal).
    #[ink(event)]
    pub struct ClaimAdjudicated {
        /// The claim.
        #[ink(topic)]
        pub claim: ClaimId,
        /// Its plan.
        #[ink(topic)]
        pub plan: PlanId,
        /// Its provider.
        #[ink(topic)]
        pub provider: AccountId,
        /// The member.
        pub member: AccountId,
        /// The status.
        pub status: ClaimStatus,
        /// The claim-level denial reason.
        pub denial: Option<Carc>,
        /// The payer's share.
        pub payer_amount: Balance,
        /// The member's share.
        pub member_amount: Balance,
    }

    /// A claim's payer share was transferred to its provider.
    #[ink(event)]
    pub struct ClaimPaid {
        /// The claim.
        #[ink(topic)]
        pub claim: ClaimId,
        /// The provider.
        #[ink(topic)]
        pub provider: AccountId,
        /// The amount.
        pub amount: Balance,
    }

    /// A provider appealed a denial.
    #[ink(event)]
    pub struct ClaimAppealed {
        /// The claim.
        #[ink(topic)]
        pub claim: ClaimId,
        /// Hash of the evidence.
        pub evidence: Hash,
    }

    /// The peer addresses changed.
    #[ink(event)]
    pub struct PeersChanged {
        /// The new addresses.
        pub peers: Peers,
    }

    /// What pricing a set of lines produced.
    struct Priced {
        lines: Vec<LineResult>,
        billed: Balance,
        allowed: Balance,
        payer: Balance,
        member: Balance,
        deductible: Balance,
        accumulator: Accumulator,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct ClaimsAdjudication {
        admin: Admin,
        peers: Lazy<Peers>,
        next_plan: PlanId,
        next_claim: ClaimId,
        plans: Mapping<PlanId, Plan>,
        fees: Mapping<(PlanId, ProcedureCode), Balance>,
        adjusters: Mapping<(PlanId, AccountId), ()>,
        members: Mapping<(PlanId, AccountId), Coverage>,
        accumulators: Mapping<MemberYear, Accumulator>,
        claims: Mapping<ClaimId, Claim>,
        /// Fingerprint of (plan, member, provider, date, lines) -> first claim.
        fingerprints: Mapping<Hash, ClaimId>,
        member_claims: Mapping<(AccountId, u32), ClaimId>,
        member_claim_count: Mapping<AccountId, u32>,
        provider_claims: Mapping<(AccountId, u32), ClaimId>,
        provider_claim_count: Mapping<AccountId, u32>,
    }

    impl ClaimsAdjudication {
        /// Creates the contract, owned by the caller, asking `credentials`
        /// (staff_credentials) and `consent` (consent_registry).
        #[ink(constructor)]
        pub fn new(credentials: AccountId, consent: AccountId) -> Self {
            let mut peers = Lazy::new();
            peers.set(&Peers {
                credentials,
                consent,
            });
            Self {
                admin: Admin::new(Self::env().caller()),
                peers,
                next_plan: 1,
                next_claim: 1,
                plans: Mapping::default(),
                fees: Mapping::default(),
                adjusters: Mapping::default(),
                members: Mapping::default(),
                accumulators: Mapping::default(),
                claims: Mapping::default(),
                fingerprints: Mapping::default(),
                member_claims: Mapping::default(),
                member_claim_count: Mapping::default(),
                provider_claims: Mapping::default(),
                provider_claim_count: Mapping::default(),
            }
        }

        // ---------------------------------------------------------------- admin

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The account proposed as next owner, if any.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            self.admin.pending_owner()
        }

        /// Owner only: proposes `new_owner`, who must call `accept_ownership`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            Ok(self.admin.transfer_ownership(new_owner)?)
        }

        /// Proposed owner only: becomes the owner.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<()> {
            Ok(self.admin.accept_ownership()?)
        }

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.admin.is_paused()
        }

        /// Owner only: pauses every state change but the owner's.
        #[ink(message)]
        pub fn pause(&mut self) -> Result<()> {
            Ok(self.admin.pause()?)
        }

        /// Owner only: lifts the pause.
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<()> {
            Ok(self.admin.unpause()?)
        }

        /// Owner only: replaces this contract's code by the uploaded `code_hash`, keeping
        /// its storage.
        #[ink(message)]
        pub fn set_code(&mut self, code_hash: Hash) -> Result<()> {
            Ok(self.admin.set_code(code_hash)?)
        }

        /// The peer contracts.
        #[ink(message)]
        pub fn peers(&self) -> Peers {
            self.peers_or_default()
        }

        /// Owner only: sets the peer contract addresses.
        #[ink(message)]
        pub fn set_peers(&mut self, peers: Peers) -> Result<()> {
            self.admin.ensure_owner()?;
            self.peers.set(&peers);
            self.env().emit_event(PeersChanged { peers });
            Ok(())
        }

        // ---------------------------------------------------------------- plans

        /// A licensed payer: creates a plan with `terms`. Returns its id.
        #[ink(message)]
        pub fn create_plan(&mut self, terms: PlanTerms) -> Result<PlanId> {
            self.admin.ensure_not_paused()?;
            ensure!(
                terms.coinsurance_bps <= FULL_BPS
                    && terms.deductible <= terms.oop_max
                    && terms.copay <= terms.oop_max
                    && terms.timely_filing > 0,
                Error::InvalidTerms
            );
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

        /// The plan's payer: sets (`Some(fee)`) or removes (`None`) fee-schedule entries
        /// (allowed amount per unit), at most `MAX_FEES_PER_CALL` per call.
        #[ink(message)]
        pub fn set_fees(
            &mut self,
            plan_id: PlanId,
            fees: Vec<(ProcedureCode, Option<Balance>)>,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            ensure!(fees.len() <= MAX_FEES_PER_CALL, Error::TooManyFees);
            self.payer_plan(plan_id)?;
            for (procedure, fee) in fees {
                ensure!(Self::valid_code(&procedure), Error::InvalidLine);
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

        /// The plan's payer: sets `member`'s coverage (re-enrolling replaces it; set an
        /// `end` to disenrol).
        #[ink(message)]
        pub fn enroll(
            &mut self,
            plan_id: PlanId,
            member: AccountId,
            coverage: Coverage,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            self.payer_plan(plan_id)?;
            ensure!(
                coverage.end.is_none_or(|end| end > coverage.start),
                Error::InvalidCoverage
            );
            self.members.insert((plan_id, member), &coverage);
            self.env().emit_event(MemberEnrolled {
                plan: plan_id,
                member,
                coverage,
            });
            Ok(())
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
            self.admin.ensure_not_paused()?;
            let amount = self.env().transferred_value();
            ensure!(amount > 0, Error::ZeroAmount);
            let mut plan = self.payer_plan(plan_id)?;
            plan.escrow = plan.escrow.checked_add(amount).ok_or(Error::Overflow)?;
            plan.funded = plan.funded.checked_add(amount).ok_or(Error::Overflow)?;
            self.plans.insert(plan_id, &plan);
            self.env().emit_event(EscrowChanged {
                plan: plan_id,
                funded: amount,
                withdrawn: 0,
                escrow: plan.escrow,
            });
            Ok(plan.escrow)
        }

        /// The plan's payer: withdraws `amount`, at most what is not owed.
        #[ink(message)]
        pub fn withdraw(&mut self, plan_id: PlanId, amount: Balance) -> Result<Balance> {
            self.admin.ensure_not_paused()?;
            ensure!(amount > 0, Error::ZeroAmount);
            let mut plan = self.payer_plan(plan_id)?;
            let free = plan.escrow.saturating_sub(plan.owed);
            ensure!(amount <= free, Error::InsufficientEscrow);
            plan.escrow = plan.escrow.checked_sub(amount).ok_or(Error::Overflow)?;
            plan.withdrawn = plan.withdrawn.checked_add(amount).ok_or(Error::Overflow)?;
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

        // --------------------------------------------------------------- claims

        /// The rendering provider, or the plan's payer on its behalf: submits a claim and
        /// has it adjudicated at once (see the crate documentation). Returns its id.
        #[ink(message)]
        pub fn submit_claim(
            &mut self,
            plan_id: PlanId,
            member: AccountId,
            provider: AccountId,
            service_date: Timestamp,
            lines: Vec<ClaimLine>,
        ) -> Result<ClaimId> {
            self.admin.ensure_not_paused()?;
            let submitter = self.env().caller();
            let now = self.env().block_timestamp();
            let mut plan = self.plans.get(plan_id).ok_or(Error::UnknownPlan)?;
            ensure!(
                submitter == provider || submitter == plan.payer,
                Error::NotSubmitter
            );
            ensure!(!lines.is_empty(), Error::NoLines);
            ensure!(lines.len() <= MAX_LINES, Error::TooManyLines);
            ensure!(
                lines.iter().all(|l| l.billed > 0
                    && l.units > 0
                    && Self::valid_code(&l.procedure)
                    && l.diagnosis
                        .iter()
                        .all(|b| b.is_ascii_graphic() || *b == b' ')),
                Error::InvalidLine
            );
            ensure!(service_date <= now, Error::ServiceInFuture);

            let fingerprint = Self::fingerprint(plan_id, member, provider, service_date, &lines);
            let denial =
                self.claim_denial(&plan, member, provider, service_date, now, &fingerprint)?;

            let id = self.next_claim;
            self.next_claim = id.checked_add(1).ok_or(Error::Overflow)?;
            let mut claim = Claim {
                id,
                plan: plan_id,
                member,
                provider,
                submitter,
                service_date,
                submitted_at: now,
                status: ClaimStatus::Denied,
                denial,
                lines: Vec::new(),
                billed: 0,
                allowed: 0,
                payer_amount: 0,
                member_amount: 0,
                deductible_applied: 0,
                appeal_evidence: None,
            };
            if let Some(reason) = denial {
                claim.lines = lines
                    .iter()
                    .map(|line| LineResult {
                        line: *line,
                        allowed: 0,
                        payer_amount: 0,
                        member_amount: 0,
                        adjustments: ink::prelude::vec![Adjustment {
                            group: Group::ContractualObligation,
                            reason,
                            amount: line.billed,
                        }],
                    })
                    .collect();
                claim.billed = Self::sum(lines.iter().map(|l| l.billed))?;
            } else {
                self.fingerprints.insert(fingerprint, &id);
                self.price_and_decide(&mut plan, &mut claim, &lines, true)?;
            }
            append_indexed(
                &mut self.member_claims,
                &mut self.member_claim_count,
                member,
                &id,
            )
            .ok_or(Error::Overflow)?;
            append_indexed(
                &mut self.provider_claims,
                &mut self.provider_claim_count,
                provider,
                &id,
            )
            .ok_or(Error::Overflow)?;
            self.finish(&mut plan, claim)?;
            Ok(id)
        }

        /// An adjuster of the claim's plan: approves (paid, or approved-unfunded) or
        /// denies (with `reason`, e.g. not medically necessary) a claim pending review.
        /// A denial gives back the deductible and out-of-pocket amounts the claim had
        /// counted.
        #[ink(message)]
        pub fn review_claim(
            &mut self,
            claim_id: ClaimId,
            approve: bool,
            reason: Carc,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let (mut plan, mut claim) = self.adjuster_claim(claim_id)?;
            ensure!(
                claim.status == ClaimStatus::PendingReview,
                Error::NotPendingReview
            );
            if approve {
                self.approve(&mut plan, &mut claim)?;
            } else {
                self.release_accumulators(&claim)?;
                claim.status = ClaimStatus::Denied;
                claim.denial = Some(reason);
                // The lines keep their pricing for the record; a denial pays nothing.
                claim.allowed = 0;
                claim.payer_amount = 0;
                claim.member_amount = 0;
                claim.deductible_applied = 0;
            }
            self.finish(&mut plan, claim)
        }

        /// The claim's provider: appeals a denial, once, with the hash of its evidence.
        #[ink(message)]
        pub fn appeal(&mut self, claim_id: ClaimId, evidence: Hash) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let mut claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
            ensure!(claim.provider == self.env().caller(), Error::NotProvider);
            ensure!(claim.appeal_evidence.is_none(), Error::AlreadyAppealed);
            ensure!(claim.status == ClaimStatus::Denied, Error::NotDenied);
            claim.status = ClaimStatus::UnderAppeal;
            claim.appeal_evidence = Some(evidence);
            self.claims.insert(claim_id, &claim);
            self.env().emit_event(ClaimAppealed {
                claim: claim_id,
                evidence,
            });
            Ok(())
        }

        /// An adjuster of the claim's plan: decides an appeal. Upheld: the claim stays
        /// denied. Overturned: its lines are priced now (fee schedule and accumulators as
        /// they are) and it is paid or approved-unfunded; refused with `DuplicateClaim`
        /// when the same service was adjudicated as another claim.
        #[ink(message)]
        pub fn decide_appeal(&mut self, claim_id: ClaimId, overturn: bool) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let (mut plan, mut claim) = self.adjuster_claim(claim_id)?;
            ensure!(claim.status == ClaimStatus::UnderAppeal, Error::NotAppealed);
            if overturn {
                // A denied claim counts nothing in the accumulators (a review denial gave
                // its amounts back), so pricing starts afresh.
                let lines: Vec<ClaimLine> = claim.lines.iter().map(|r| r.line).collect();
                let fingerprint = Self::fingerprint(
                    claim.plan,
                    claim.member,
                    claim.provider,
                    claim.service_date,
                    &lines,
                );
                match self.fingerprints.get(fingerprint) {
                    // The same service was already adjudicated as another claim.
                    Some(other) if other != claim.id => return Err(Error::DuplicateClaim),
                    Some(_) => {}
                    None => {
                        self.fingerprints.insert(fingerprint, &claim.id);
                    }
                }
                claim.denial = None;
                self.price_and_decide(&mut plan, &mut claim, &lines, false)?;
            } else {
                claim.status = ClaimStatus::Denied;
            }
            self.finish(&mut plan, claim)
        }

        /// Anyone: pays an approved-unfunded claim once the plan's escrow covers it.
        #[ink(message)]
        pub fn settle(&mut self, claim_id: ClaimId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let mut claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
            ensure!(
                claim.status == ClaimStatus::ApprovedUnfunded,
                Error::NotUnfunded
            );
            let mut plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
            ensure!(plan.escrow >= claim.payer_amount, Error::InsufficientEscrow);
            plan.owed = plan
                .owed
                .checked_sub(claim.payer_amount)
                .ok_or(Error::Overflow)?;
            self.pay(&mut plan, &mut claim)?;
            self.finish(&mut plan, claim)
        }

        // -------------------------------------------------------------- queries

        /// The claim with its lines and remittance.
        #[ink(message)]
        pub fn claim(&self, claim_id: ClaimId) -> Option<Claim> {
            self.claims.get(claim_id)
        }

        /// A page of `member`'s claims, oldest first.
        #[ink(message)]
        pub fn claims_of_member(&self, member: AccountId, offset: u32, limit: u32) -> Vec<Claim> {
            let total = self.member_claim_count.get(member).unwrap_or(0);
            page_range(offset, limit, total)
                .filter_map(|i| self.member_claims.get((member, i)))
                .filter_map(|id| self.claims.get(id))
                .collect()
        }

        /// A page of `provider`'s claims, oldest first.
        #[ink(message)]
        pub fn claims_of_provider(
            &self,
            provider: AccountId,
            offset: u32,
            limit: u32,
        ) -> Vec<Claim> {
            let total = self.provider_claim_count.get(provider).unwrap_or(0);
            page_range(offset, limit, total)
                .filter_map(|i| self.provider_claims.get((provider, i)))
                .filter_map(|id| self.claims.get(id))
                .collect()
        }

        /// `member`'s accumulators in plan year `year` of plan `plan_id`.
        #[ink(message)]
        pub fn accumulator(&self, plan_id: PlanId, member: AccountId, year: u32) -> Accumulator {
            self.accumulators
                .get((plan_id, member, year))
                .unwrap_or_default()
        }

        /// The plan year of `at` in plan `plan_id`.
        #[ink(message)]
        pub fn plan_year(&self, plan_id: PlanId, at: Timestamp) -> Option<u32> {
            self.plans
                .get(plan_id)
                .map(|plan| Self::year_of(&plan.terms, at))
        }

        /// The plan with its terms and escrow.
        #[ink(message)]
        pub fn plan(&self, plan_id: PlanId) -> Option<Plan> {
            self.plans.get(plan_id)
        }

        /// (escrow, owed) of the plan.
        #[ink(message)]
        pub fn escrow(&self, plan_id: PlanId) -> Option<(Balance, Balance)> {
            self.plans.get(plan_id).map(|plan| (plan.escrow, plan.owed))
        }

        /// The allowed amount per unit for `procedure`, if covered.
        #[ink(message)]
        pub fn fee(&self, plan_id: PlanId, procedure: ProcedureCode) -> Option<Balance> {
            self.fees.get((plan_id, procedure))
        }

        /// `member`'s coverage in the plan.
        #[ink(message)]
        pub fn coverage(&self, plan_id: PlanId, member: AccountId) -> Option<Coverage> {
            self.members.get((plan_id, member))
        }

        /// True if `account` is an adjuster of the plan.
        #[ink(message)]
        pub fn is_adjuster(&self, plan_id: PlanId, account: AccountId) -> bool {
            self.adjusters.contains((plan_id, account))
        }

        // -------------------------------------------------------------- helpers

        fn peers_or_default(&self) -> Peers {
            self.peers.get().unwrap_or(Peers {
                credentials: AccountId::from([0; 32]),
                consent: AccountId::from([0; 32]),
            })
        }

        fn valid_code(code: &ProcedureCode) -> bool {
            code.iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }

        fn year_of(terms: &PlanTerms, at: Timestamp) -> u32 {
            let years = at.saturating_sub(terms.year_start) / PLAN_YEAR;
            u32::try_from(years).unwrap_or(u32::MAX)
        }

        fn sum(mut amounts: impl Iterator<Item = Balance>) -> Result<Balance> {
            amounts.try_fold(0, |acc: Balance, x| {
                acc.checked_add(x).ok_or(Error::Overflow)
            })
        }

        /// The plan, if the caller is its payer.
        fn payer_plan(&self, plan_id: PlanId) -> Result<Plan> {
            let plan = self.plans.get(plan_id).ok_or(Error::UnknownPlan)?;
            ensure!(plan.payer == self.env().caller(), Error::NotPayer);
            Ok(plan)
        }

        /// The claim and its plan, if the caller is an adjuster of that plan.
        fn adjuster_claim(&self, claim_id: ClaimId) -> Result<(Plan, Claim)> {
            let claim = self.claims.get(claim_id).ok_or(Error::UnknownClaim)?;
            ensure!(
                self.adjusters.contains((claim.plan, self.env().caller())),
                Error::NotAdjuster
            );
            let plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
            Ok((plan, claim))
        }

        fn set_adjuster(
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

        fn fingerprint(
            plan: PlanId,
            member: AccountId,
            provider: AccountId,
            service_date: Timestamp,
            lines: &[ClaimLine],
        ) -> Hash {
            let mut output = [0u8; 32];
            ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(
                &(plan, member, provider, service_date, lines),
                &mut output,
            );
            Hash::from(output)
        }

        /// The claim-level denial reason, if any: local checks first, then the peers.
        fn claim_denial(
            &self,
            plan: &Plan,
            member: AccountId,
            provider: AccountId,
            service_date: Timestamp,
            now: Timestamp,
            fingerprint: &Hash,
        ) -> Result<Option<Carc>> {
            if self.fingerprints.contains(fingerprint) {
                return Ok(Some(Carc::Duplicate));
            }
            match self.members.get((plan.id, member)) {
                None => return Ok(Some(Carc::NotInsured)),
                Some(coverage) if service_date < coverage.start => {
                    return Ok(Some(Carc::BeforeCoverage))
                }
                Some(Coverage { end: Some(end), .. }) if service_date >= end => {
                    return Ok(Some(Carc::CoverageEnded))
                }
                Some(_) => {}
            }
            if now.saturating_sub(service_date) > plan.terms.timely_filing {
                return Ok(Some(Carc::TimelyFiling));
            }
            if !self.credential_valid(provider, KindSet::BILLING_PROVIDER, service_date)? {
                return Ok(Some(Carc::ProviderNotEligible));
            }
            if !self.consent_given(member, plan.payer, service_date)? {
                return Ok(Some(Carc::ConsentAbsent));
            }
            Ok(None)
        }

        /// Prices `lines` against the plan's fee schedule and the member's accumulators
        /// for the service date's plan year (pure: nothing is written).
        fn price(
            &self,
            plan: &Plan,
            member: AccountId,
            year: u32,
            lines: &[ClaimLine],
        ) -> Result<Priced> {
            let terms = plan.terms;
            let mut acc = self
                .accumulators
                .get((plan.id, member, year))
                .unwrap_or_default();
            let mut out = Priced {
                lines: Vec::with_capacity(lines.len()),
                billed: 0,
                allowed: 0,
                payer: 0,
                member: 0,
                deductible: 0,
                accumulator: acc,
            };
            for line in lines {
                let mut result = LineResult {
                    line: *line,
                    allowed: 0,
                    payer_amount: 0,
                    member_amount: 0,
                    adjustments: Vec::new(),
                };
                out.billed = out.billed.checked_add(line.billed).ok_or(Error::Overflow)?;
                let Some(fee) = self.fees.get((plan.id, line.procedure)) else {
                    result.adjustments.push(Adjustment {
                        group: Group::ContractualObligation,
                        reason: Carc::NotCovered,
                        amount: line.billed,
                    });
                    out.lines.push(result);
                    continue;
                };
                let schedule = fee
                    .checked_mul(Balance::from(line.units))
                    .ok_or(Error::Overflow)?;
                let allowed = line.billed.min(schedule);
                if line.billed > allowed {
                    result.adjustments.push(Adjustment {
                        group: Group::ContractualObligation,
                        reason: Carc::ExceedsFeeSchedule,
                        amount: line.billed.checked_sub(allowed).ok_or(Error::Overflow)?,
                    });
                }
                // Member share: deductible, then copay, then coinsurance, each capped by
                // what is left of the out-of-pocket maximum.
                let mut oop_left = terms.oop_max.saturating_sub(acc.oop_spent);
                let mut rest = allowed;
                let take = |due: Balance, rest: &mut Balance, oop_left: &mut Balance| {
                    let share = due.min(*rest).min(*oop_left);
                    *rest = rest.saturating_sub(due.min(*rest));
                    *oop_left = oop_left.saturating_sub(share);
                    share
                };
                let deductible_due = terms.deductible.saturating_sub(acc.deductible_met);
                let deductible = take(deductible_due, &mut rest, &mut oop_left);
                let copay = take(terms.copay, &mut rest, &mut oop_left);
                let coinsurance_due = rest
                    .checked_mul(Balance::from(terms.coinsurance_bps))
                    .and_then(|x| x.checked_div(Balance::from(FULL_BPS)))
                    .ok_or(Error::Overflow)?;
                let coinsurance = take(coinsurance_due, &mut rest, &mut oop_left);
                for (reason, amount) in [
                    (Carc::Deductible, deductible),
                    (Carc::Copay, copay),
                    (Carc::Coinsurance, coinsurance),
                ] {
                    if amount > 0 {
                        result.adjustments.push(Adjustment {
                            group: Group::PatientResponsibility,
                            reason,
                            amount,
                        });
                    }
                }
                let member_share = deductible
                    .checked_add(copay)
                    .and_then(|x| x.checked_add(coinsurance))
                    .ok_or(Error::Overflow)?;
                acc.deductible_met = acc
                    .deductible_met
                    .checked_add(deductible)
                    .ok_or(Error::Overflow)?;
                acc.oop_spent = acc
                    .oop_spent
                    .checked_add(member_share)
                    .ok_or(Error::Overflow)?;
                result.allowed = allowed;
                result.member_amount = member_share;
                result.payer_amount = allowed.checked_sub(member_share).ok_or(Error::Overflow)?;
                out.allowed = out.allowed.checked_add(allowed).ok_or(Error::Overflow)?;
                out.member = out
                    .member
                    .checked_add(member_share)
                    .ok_or(Error::Overflow)?;
                out.payer = out
                    .payer
                    .checked_add(result.payer_amount)
                    .ok_or(Error::Overflow)?;
                out.deductible = out
                    .deductible
                    .checked_add(deductible)
                    .ok_or(Error::Overflow)?;
                out.lines.push(result);
            }
            out.accumulator = acc;
            Ok(out)
        }

        /// Prices the claim's lines, writes the accumulators and decides: denied (no line
        /// covered), pending review (over the threshold, only when `review` is true),
        /// or approved (paid / unfunded).
        fn price_and_decide(
            &mut self,
            plan: &mut Plan,
            claim: &mut Claim,
            lines: &[ClaimLine],
            review: bool,
        ) -> Result<()> {
            let year = Self::year_of(&plan.terms, claim.service_date);
            let priced = self.price(plan, claim.member, year, lines)?;
            self.accumulators
                .insert((plan.id, claim.member, year), &priced.accumulator);
            claim.lines = priced.lines;
            claim.billed = priced.billed;
            claim.allowed = priced.allowed;
            claim.payer_amount = priced.payer;
            claim.member_amount = priced.member;
            claim.deductible_applied = priced.deductible;
            if claim.allowed == 0 {
                claim.status = ClaimStatus::Denied;
                claim.denial = Some(Carc::NotCovered);
            } else if review && claim.payer_amount > plan.terms.review_threshold {
                claim.status = ClaimStatus::PendingReview;
            } else {
                self.approve(plan, claim)?;
            }
            Ok(())
        }

        /// Gives back what a claim had counted into the member's accumulators.
        fn release_accumulators(&mut self, claim: &Claim) -> Result<()> {
            let plan = self.plans.get(claim.plan).ok_or(Error::UnknownPlan)?;
            let year = Self::year_of(&plan.terms, claim.service_date);
            let key = (claim.plan, claim.member, year);
            let mut acc = self.accumulators.get(key).unwrap_or_default();
            acc.deductible_met = acc.deductible_met.saturating_sub(claim.deductible_applied);
            acc.oop_spent = acc.oop_spent.saturating_sub(claim.member_amount);
            self.accumulators.insert(key, &acc);
            Ok(())
        }

        /// Pays the claim if the escrow not already owed to earlier claims covers it,
        /// else records it as owed (first approved, first settled).
        fn approve(&mut self, plan: &mut Plan, claim: &mut Claim) -> Result<()> {
            if plan.escrow.saturating_sub(plan.owed) >= claim.payer_amount {
                self.pay(plan, claim)
            } else {
                plan.owed = plan
                    .owed
                    .checked_add(claim.payer_amount)
                    .ok_or(Error::Overflow)?;
                claim.status = ClaimStatus::ApprovedUnfunded;
                Ok(())
            }
        }

        /// Transfers the payer share from the plan's escrow to the provider.
        fn pay(&mut self, plan: &mut Plan, claim: &mut Claim) -> Result<()> {
            let amount = claim.payer_amount;
            plan.escrow = plan
                .escrow
                .checked_sub(amount)
                .ok_or(Error::InsufficientEscrow)?;
            plan.paid = plan.paid.checked_add(amount).ok_or(Error::Overflow)?;
            claim.status = ClaimStatus::Paid;
            if amount > 0 {
                self.transfer_out(claim.provider, amount)?;
                self.env().emit_event(ClaimPaid {
                    claim: claim.id,
                    provider: claim.provider,
                    amount,
                });
            }
            Ok(())
        }

        /// Sends `amount` native tokens from the contract to `to`.
        fn transfer_out(&self, to: AccountId, amount: Balance) -> Result<()> {
            ensure!(self.env().balance() >= amount, Error::TransferFailed);
            self.env()
                .transfer(to, amount)
                .map_err(|_| Error::TransferFailed)
        }

        /// Stores the plan and the claim and emits the adjudication event.
        fn finish(&mut self, plan: &mut Plan, claim: Claim) -> Result<()> {
            self.plans.insert(plan.id, plan);
            self.env().emit_event(ClaimAdjudicated {
                claim: claim.id,
                plan: claim.plan,
                provider: claim.provider,
                member: claim.member,
                status: claim.status,
                denial: claim.denial,
                payer_amount: claim.payer_amount,
                member_amount: claim.member_amount,
            });
            self.claims.insert(claim.id, &claim);
            Ok(())
        }

        /// Asks staff_credentials whether `account` held a valid credential of one of
        /// `kinds` at `at`.
        #[cfg(not(test))]
        fn credential_valid(
            &self,
            account: AccountId,
            kinds: KindSet,
            at: Timestamp,
        ) -> Result<bool> {
            use healthcare_traits::{flatten_peer_result, CredentialVerifier};
            use ink::codegen::TraitCallBuilder;
            let verifier: ink::contract_ref!(CredentialVerifier) =
                self.peers_or_default().credentials.into();
            let answer = verifier
                .call()
                .any_valid_at(account, kinds, at)
                .try_invoke();
            flatten_peer_result(answer).map_err(|e| match e {
                PeerError::Trapped => Error::CredentialContractTrapped,
                PeerError::Unreachable => Error::CredentialContractUnreachable,
            })
        }

        /// Asks consent_registry whether `member` consented to `payer` for payment of
        /// billing data at `at`.
        #[cfg(not(test))]
        fn consent_given(
            &self,
            member: AccountId,
            payer: AccountId,
            at: Timestamp,
        ) -> Result<bool> {
            use healthcare_traits::{flatten_peer_result, ConsentVerifier, DataCategory, Purpose};
            use ink::codegen::TraitCallBuilder;
            let registry: ink::contract_ref!(ConsentVerifier) =
                self.peers_or_default().consent.into();
            let answer = registry
                .call()
                .has_consent(member, payer, Purpose::Payment, DataCategory::Billing, at)
                .try_invoke();
            flatten_peer_result(answer).map_err(|e| match e {
                PeerError::Trapped => Error::ConsentContractTrapped,
                PeerError::Unreachable => Error::ConsentContractUnreachable,
            })
        }

        /// Unit tests: the answers come from `tests::set_peer_answers`; the drink sandbox
        /// tests run the real calls above.
        #[cfg(test)]
        fn credential_valid(
            &self,
            account: AccountId,
            kinds: KindSet,
            at: Timestamp,
        ) -> Result<bool> {
            crate::tests::credential_answer(account, kinds, at).map_err(|e| match e {
                PeerError::Trapped => Error::CredentialContractTrapped,
                PeerError::Unreachable => Error::CredentialContractUnreachable,
            })
        }

        #[cfg(test)]
        fn consent_given(
            &self,
            member: AccountId,
            payer: AccountId,
            at: Timestamp,
        ) -> Result<bool> {
            crate::tests::consent_answer(member, payer, at).map_err(|e| match e {
                PeerError::Trapped => Error::ConsentContractTrapped,
                PeerError::Unreachable => Error::ConsentContractUnreachable,
            })
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
            self.accumulators.insert((plan, member, year), &acc);
        }
    }
}

#[cfg(test)]
mod tests;
