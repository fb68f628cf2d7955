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
#[ink::event]
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
    /// The member (no topic: pallet-contracts allows four, the event's signature is one).
    pub member: AccountId,
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

/// A claim's payer share was transferred to its provider.
#[ink::event]
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

/// The owner sent native tokens that no escrow accounts for (sent to the contract
/// outside `fund`) to `to`.
#[ink::event]
pub struct SurplusRecovered {
    /// The recipient.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
}

/// A claim was recorded under its submitter's reference (emitted before its
/// `ClaimAdjudicated`); the same reference is refused for the same plan and provider.
#[ink::event]
pub struct ClaimReferenced {
    /// The claim.
    #[ink(topic)]
    pub claim: ClaimId,
    /// The plan.
    pub plan: PlanId,
    /// The rendering provider.
    pub provider: AccountId,
    /// The submitter's reference.
    #[ink(topic)]
    pub reference: ClaimReference,
}
