//! The governor's events: every step of an operation and every change to the council,
//! with topics on the operation id and the accounts, enough to rebuild the pending list,
//! the approvals and the council from the events alone.

use crate::model::{Call, Council};
use healthcare_traits::{AccountId, Hash, Timestamp};
use ink::prelude::vec::Vec;

/// The governor was created with this council.
#[ink::event]
pub struct GovernorCreated {
    /// The first council.
    pub council: Council,
}

/// A member proposed an operation (their proposal counts as their approval).
#[ink::event]
pub struct OperationProposed {
    /// The operation's id: the hash of its calls and salt.
    #[ink(topic)]
    pub id: Hash,
    /// The member who proposed it.
    #[ink(topic)]
    pub proposer: AccountId,
    /// Its calls.
    pub calls: Vec<Call>,
    /// The salt that makes the id unique.
    pub salt: Hash,
    /// The time it expires if it gathers too few approvals.
    pub expires_at: Timestamp,
}

/// A member approved an operation.
#[ink::event]
pub struct OperationApproved {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
    /// The member.
    #[ink(topic)]
    pub member: AccountId,
    /// Approvals of current members now.
    pub approvals: u32,
}

/// A member took back its approval.
#[ink::event]
pub struct ApprovalRevoked {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
    /// The member.
    #[ink(topic)]
    pub member: AccountId,
    /// Approvals of current members now.
    pub approvals: u32,
    /// False if the operation fell below the threshold and is no longer queued.
    pub still_queued: bool,
}

/// An operation reached the threshold: it may run from `ready_at` on.
#[ink::event]
pub struct OperationQueued {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
    /// The earliest time it runs.
    pub ready_at: Timestamp,
    /// The time it expires if nobody executes it.
    pub expires_at: Timestamp,
}

/// An operation ran: every call succeeded.
#[ink::event]
pub struct OperationExecuted {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
    /// The member who executed it.
    #[ink(topic)]
    pub by: AccountId,
}

/// An operation was cancelled by the guardian or withdrawn by its proposer.
#[ink::event]
pub struct OperationCancelled {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
    /// The guardian or the proposer.
    #[ink(topic)]
    pub by: AccountId,
}

/// An expired operation was cleared from the pending list.
#[ink::event]
pub struct OperationExpired {
    /// The operation.
    #[ink(topic)]
    pub id: Hash,
}

/// The guardian paused a suite contract.
#[ink::event]
pub struct TargetPaused {
    /// The contract.
    #[ink(topic)]
    pub target: AccountId,
    /// The guardian.
    #[ink(topic)]
    pub by: AccountId,
}

/// An executed operation changed the council.
#[ink::event]
pub struct CouncilChanged {
    /// The operation that changed it.
    #[ink(topic)]
    pub id: Hash,
    /// The council now.
    pub council: Council,
}

/// An executed operation replaced the governor's code (storage kept).
#[ink::event]
pub struct GovernorUpgraded {
    /// The operation that replaced it.
    #[ink(topic)]
    pub id: Hash,
    /// The new code hash.
    #[ink(topic)]
    pub code_hash: Hash,
}
