//! The events of claims_adjudication: enough for an indexer to rebuild plans, fee
//! schedules, enrolment, escrow movements and every claim with its line remittances.

use crate::model::{
    Carc, ClaimId, ClaimReference, ClaimStatus, Coverage, LineResult, PlanId, PlanTerms,
    ProcedureCode,
};
use healthcare_traits::{AccountId, Balance, Hash};
use ink::prelude::vec::Vec;

/// A plan was created.
#[ink::event]
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
#[ink::event]
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
#[ink::event]
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
#[ink::event]
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

/// The payer funded or withdrew escrow.
#[ink::event]
pub struct EscrowChanged {
    /// The plan.
    #[ink(topic)]
    pub plan: PlanId,
    /// Amount added.
    pub funded: Balance,
    /// Amount withdrawn.
    pub withdrawn: Balance,
    /// The escrow after.
    pub escrow: Balance,
}

/// A claim was adjudicated (on submission, review or appeal).
///
/// Anonymous, without topics: each topic, the signature's included, costs the chain a
/// read and a write of its topic index (about 0.13 ms of ref_time and 2.5 KB of proof on
/// substrate-contracts-node), the largest part of a batched claim's weight after its
/// storage. It is the contract's only event without topics, which is how decoders know it
/// (ink! 5's rule for anonymous events, as dedot and polkadot.js apply it: the one
/// anonymous event with as many topic fields as the record has topics).
#[ink::event(anonymous)]
pub struct ClaimAdjudicated {
    /// The claim (no topic: readers find a claim's events in the data, an indexer by
    /// its claim column).
    pub claim: ClaimId,
    /// Its plan (no topic, as the claim; an indexer reads it from the data).
    pub plan: PlanId,
    /// Its provider (no topic, as the plan: a provider lists its claims with
    /// `claims_of_provider`).
    pub provider: AccountId,
    /// The member (no topic: as little linkable data as the job allows).
    pub member: AccountId,
    /// The submitter's reference the claim was recorded under (`submit_claims`), if any;
    /// `claim_by_reference` finds the claim by it.
    pub reference: Option<ClaimReference>,
    /// The status.
    pub status: ClaimStatus,
    /// The claim-level denial reason.
    pub denial: Option<Carc>,
    /// The payer's share.
    pub payer_amount: Balance,
    /// The member's share.
    pub member_amount: Balance,
    /// The remittance of each line.
    pub lines: Vec<LineResult>,
}

/// A claim was voided, or replaced by a later claim (its `ClaimAdjudicated` with status
/// `Voided` comes just before).
#[ink::event]
pub struct ClaimVoided {
    /// The claim voided.
    #[ink(topic)]
    pub claim: ClaimId,
    /// The claim that replaces it, if a replacement voided it.
    pub replaced_by: Option<ClaimId>,
    /// Who voided it (its provider, or whoever submitted it).
    pub by: AccountId,
}

/// A provider let a corrector submit claims in its name and void and replace those it
/// submitted, or withdrew that.
#[ink::event]
pub struct CorrectorChanged {
    /// The provider.
    #[ink(topic)]
    pub provider: AccountId,
    /// The corrector (its payer, a clearinghouse).
    #[ink(topic)]
    pub corrector: AccountId,
    /// Allowed from now on, or no longer.
    pub allowed: bool,
}

/// A provider appealed a denial.
#[ink::event]
pub struct ClaimAppealed {
    /// The claim.
    #[ink(topic)]
    pub claim: ClaimId,
    /// Hash of the evidence.
    pub evidence: Hash,
    /// Amount reserved in the plan's escrow until the appeal is decided.
    pub reserved: Balance,
}

/// The governor sent native tokens that no escrow accounts for (sent to the contract
/// outside `fund`) to `to`.
#[ink::event]
pub struct SurplusRecovered {
    /// The recipient.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
}
