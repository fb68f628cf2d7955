//! # governor
//!
//! The consortium's governor of the healthcare suite: one time-locked, M-of-N place
//! through which the suite's contracts are upgraded, re-pointed at their peers, given
//! issuers and regulators, configured, paused and unpaused (after OpenZeppelin's
//! `TimelockController`, with a Safe-style threshold of members instead of one proposer
//! key).
//!
//! ## Roles
//! * **members** (payers, hospitals, pharmacies, regulators; at most
//!   [`model::MAX_MEMBERS`]): propose operations, approve them (a proposal is the
//!   proposer's approval), take an approval back, and execute ready operations. A
//!   proposer may withdraw its own pending operation.
//! * **guardian** (a safety officer, a regulator; never a member): cancels any pending
//!   operation but the one that replaces it, and pauses a suite contract at once. It can
//!   never propose, approve or execute.
//! * **anyone**: reads everything, and clears an expired operation from the pending list.
//!
//! ## An operation
//! One to [`model::MAX_CALLS`] calls, each an `Action` applied to a suite contract
//! (`Governed::apply`) or a change to the governor itself (members, threshold, delay,
//! guardian, code), identified by the hash of its calls and a salt. Once the approvals of
//! current members reach the threshold it is *queued*: ready at once if every call only
//! narrows or stops (`Action::takes_effect_at_once`: pausing and unpausing, removing or
//! narrowing a role, suspending or revoking a credential), otherwise after the delay in
//! force when it was queued, so that everyone the change affects can react (leave, move
//! an escrow, ask the guardian). Any member then executes it: its calls run in order, all
//! or none (a target that refuses or traps reverts the whole execution and leaves the
//! operation pending, the reason reported).
//!
//! ## Invariants
//! * An operation runs at most once: executed, cancelled and expired ids are never
//!   pending again (the same calls need another salt).
//! * It runs only while at least the threshold of *current* members approve it (a
//!   removed member's approval stops counting; a raised threshold applies to operations
//!   already pending) and, when it does not only narrow or stop, no earlier than the delay
//!   after it was queued.
//! * Changes to the council are operations of the governor, checked so that the council
//!   always has 1 to `MAX_MEMBERS` distinct members, a threshold between 1 and their
//!   number, a delay of at most `MAX_DELAY` and a guardian who is no member.
//! * A guardian change and an unpause stand alone in their operation.
//! * Bounds: [`model::MAX_PENDING_PER_MEMBER`] pending operations per proposer,
//!   [`model::MAX_PENDING`] in all; an operation expires [`model::APPROVAL_WINDOW`] after
//!   its proposal if not queued, [`model::GRACE_PERIOD`] after it became ready if not
//!   executed, and anyone may then clear it, so the list never stays full.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod events;
pub mod model;

/// Revision of this code, reported by `code_version`.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

#[ink::contract]
pub mod governor {
    pub use crate::events::*;
    use crate::model::{self, call_error, check_calls, check_room, council_after};
    pub use crate::model::{Call, Council, CouncilChange, Error, Member, Operation, Result, State};
    #[cfg(not(test))]
    use healthcare_traits::peer::ask;
    /// Unit tests ask the stand-ins, which apply (or refuse, or fail) like real suite
    /// contracts; the drink sandbox tests make the real calls.
    #[cfg(test)]
    use healthcare_traits::stand_in as ask;
    use healthcare_traits::{page_range, Action};
    use ink::env::hash::Blake2x256;
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// The contract's storage.
    #[ink(storage)]
    pub struct Governor {
        /// Members, threshold, delay, guardian.
        council: Lazy<Council>,
        /// Every operation ever proposed, by id.
        operations: Mapping<Hash, Operation>,
        /// The ids of the pending operations, oldest first (at most `MAX_PENDING`).
        pending: Lazy<Vec<Hash>>,
        /// Pending operations per proposer.
        pending_by: Mapping<AccountId, u32>,
    }

    impl Governor {
        /// Creates the governor of a consortium: `members`, of whom `threshold` must
        /// approve an operation, the `delay` (ms) changes wait once approved, and the
        /// `guardian` (no member).
        #[ink(constructor)]
        pub fn new(
            members: Vec<AccountId>,
            threshold: u32,
            delay: Timestamp,
            guardian: AccountId,
        ) -> Result<Self> {
            let council = Council::new(members, threshold, delay, guardian)?;
            let mut governor = Self {
                council: Lazy::new(),
                operations: Mapping::default(),
                pending: Lazy::new(),
                pending_by: Mapping::default(),
            };
            governor.council.set(&council);
            governor.env().emit_event(GovernorCreated { council });
            Ok(governor)
        }

        // ------------------------------------------------------------ members

        /// Member only: proposes an operation of `calls` with `salt` (any value that makes
        /// the id new), approved by the caller. Returns its id.
        #[ink(message)]
        pub fn propose(&mut self, calls: Vec<Call>, salt: Hash) -> Result<Hash> {
            let council = self.council_now();
            let proposer = self.env().caller();
            council.ensure_member(proposer)?;
            check_calls(&calls, self.env().account_id())?;
            // Checked again when it runs: the council may change meanwhile.
            council_after(&council, &calls)?;
            let id = self.operation_id(calls.clone(), salt);
            if self.operations.contains(id) {
                return Err(Error::AlreadyProposed);
            }
            let mut pending = self.pending.get_or_default();
            let proposer_pending = self.pending_by.get(proposer).unwrap_or(0);
            check_room(proposer_pending, pending.len())?;
            let now = self.env().block_timestamp();
            let mut operation = Operation::new(proposer, calls.clone(), now);
            let queued = operation.approve(&council, proposer, now)?;

            pending.push(id);
            self.pending.set(&pending);
            let count = proposer_pending.checked_add(1).ok_or(Error::Overflow)?;
            self.pending_by.insert(proposer, &count);
            self.operations.insert(id, &operation);
            self.env().emit_event(OperationProposed {
                id,
                proposer,
                calls,
                salt,
                expires_at: now.saturating_add(model::APPROVAL_WINDOW),
            });
            self.emit_approved(id, &operation, &council, proposer, queued);
            Ok(id)
        }

        /// Member only: approves pending operation `id` (or queues one whose approvals
        /// reached a lowered threshold).
        #[ink(message)]
        pub fn approve(&mut self, id: Hash) -> Result<()> {
            let council = self.council_now();
            let member = self.env().caller();
            let mut operation = self.load(id)?;
            let queued = operation.approve(&council, member, self.env().block_timestamp())?;
            self.operations.insert(id, &operation);
            self.emit_approved(id, &operation, &council, member, queued);
            Ok(())
        }

        /// Member only: takes back the caller's approval of pending operation `id`.
        #[ink(message)]
        pub fn revoke_approval(&mut self, id: Hash) -> Result<()> {
            let council = self.council_now();
            let member = self.env().caller();
            let mut operation = self.load(id)?;
            operation.revoke(&council, member, self.env().block_timestamp())?;
            self.operations.insert(id, &operation);
            self.env().emit_event(ApprovalRevoked {
                id,
                member,
                approvals: operation.approvals_by(&council),
                still_queued: operation.ready_at.is_some(),
            });
            Ok(())
        }

        /// Member only: runs ready operation `id`, its calls in order, all or none. A call
        /// its target refuses (or a target that traps or is no governed contract) fails
        /// the whole execution, which changes nothing and leaves the operation pending.
        #[ink(message)]
        pub fn execute(&mut self, id: Hash) -> Result<()> {
            let council = self.council_now();
            let by = self.env().caller();
            let mut operation = self.load(id)?;
            operation.check_execute(&council, by, self.env().block_timestamp())?;
            let next = council_after(&council, &operation.calls)?;
            for (index, call) in operation.calls.iter().enumerate() {
                match *call {
                    Call::Apply(target, action) => call_error(index, ask::apply(target, action))?,
                    Call::Council(CouncilChange::Code(code_hash)) => {
                        self.env()
                            .set_code_hash(&code_hash)
                            .map_err(|_| Error::CodeNotFound)?;
                        self.env().emit_event(GovernorUpgraded { id, code_hash });
                    }
                    Call::Council(_) => {}
                }
            }
            operation.state = State::Executed;
            self.close(id, &operation)?;
            if next != council {
                self.council.set(&next);
                self.env().emit_event(CouncilChanged { id, council: next });
            }
            self.env().emit_event(OperationExecuted { id, by });
            Ok(())
        }

        // ----------------------------------------------------------- guardian

        /// The guardian (any pending operation but its own replacement), or the proposer
        /// while a member (its own): cancels pending operation `id`.
        #[ink(message)]
        pub fn cancel(&mut self, id: Hash) -> Result<()> {
            let by = self.env().caller();
            let mut operation = self.load(id)?;
            operation.check_cancel(&self.council_now(), by)?;
            operation.state = State::Cancelled;
            self.close(id, &operation)?;
            self.env().emit_event(OperationCancelled { id, by });
            Ok(())
        }

        /// Guardian only: pauses suite contract `target` at once (its exits, safety
        /// actions and queries keep working; lifting the pause is an operation).
        #[ink(message)]
        pub fn pause(&mut self, target: AccountId) -> Result<()> {
            let by = self.env().caller();
            if by != self.council_now().guardian {
                return Err(Error::NotGuardian);
            }
            if target == self.env().account_id() {
                return Err(Error::TargetIsGovernor);
            }
            call_error(0, ask::apply(target, Action::Pause))?;
            self.env().emit_event(TargetPaused { target, by });
            Ok(())
        }

        // ------------------------------------------------------------- anyone

        /// Anyone: clears expired operation `id` from the pending list (its proposer
        /// gets the room back).
        #[ink(message)]
        pub fn expire(&mut self, id: Hash) -> Result<()> {
            let mut operation = self.load(id)?;
            operation.check_expired(self.env().block_timestamp())?;
            operation.state = State::Expired;
            self.close(id, &operation)?;
            self.env().emit_event(OperationExpired { id });
            Ok(())
        }

        /// The council: members, threshold, delay, guardian.
        #[ink(message)]
        pub fn council(&self) -> Council {
            self.council_now()
        }

        /// True if `account` is a member.
        #[ink(message)]
        pub fn is_member(&self, account: AccountId) -> bool {
            self.council_now().is_member(account)
        }

        /// Operation `id`, if it was ever proposed.
        #[ink(message)]
        pub fn operation(&self, id: Hash) -> Option<Operation> {
            self.operations.get(id)
        }

        /// When operation `id` expires (from then on anyone may clear it with `expire`):
        /// the grace period after it became ready, else the approval window after it was
        /// proposed. `None` for an unknown operation.
        #[ink(message)]
        pub fn expires_at(&self, id: Hash) -> Option<Timestamp> {
            self.operations.get(id).map(|op| op.expires_at())
        }

        /// How many current members approve operation `id` (0 for an unknown one).
        #[ink(message)]
        pub fn approvals(&self, id: Hash) -> u32 {
            self.operations
                .get(id)
                .map_or(0, |op| op.approvals_by(&self.council_now()))
        }

        /// A page of the pending operations' ids, oldest first (at most `MAX_PAGE_SIZE`).
        #[ink(message)]
        pub fn pending(&self, offset: u32, limit: u32) -> Vec<Hash> {
            let pending = self.pending.get_or_default();
            let total = u32::try_from(pending.len()).unwrap_or(u32::MAX);
            page_range(offset, limit, total)
                .filter_map(|i| {
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| pending.get(i).copied())
                })
                .collect()
        }

        /// How many operations are pending (expired ones not yet cleared included).
        #[ink(message)]
        pub fn pending_count(&self) -> u32 {
            u32::try_from(self.pending.get_or_default().len()).unwrap_or(u32::MAX)
        }

        /// How many operations `member` has pending.
        #[ink(message)]
        pub fn pending_by(&self, member: AccountId) -> u32 {
            self.pending_by.get(member).unwrap_or(0)
        }

        /// The id an operation of `calls` with `salt` has: the BLAKE2-256 hash of their
        /// SCALE encoding.
        #[ink(message)]
        pub fn operation_id(&self, calls: Vec<Call>, salt: Hash) -> Hash {
            let mut out = [0u8; 32];
            ink::env::hash_encoded::<Blake2x256, _>(&(calls, salt), &mut out);
            Hash::from(out)
        }

        /// The revision of the code running at this address ([`crate::CODE_VERSION`]).
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        // ------------------------------------------------------------ helpers

        fn council_now(&self) -> Council {
            // Set by the constructor, never removed.
            self.council.get_or_default()
        }

        fn load(&self, id: Hash) -> Result<Operation> {
            self.operations.get(id).ok_or(Error::UnknownOperation)
        }

        /// Stores ended operation `id` and drops it from the pending list.
        fn close(&mut self, id: Hash, operation: &Operation) -> Result<()> {
            let mut pending = self.pending.get_or_default();
            pending.retain(|p| *p != id);
            self.pending.set(&pending);
            let count = self.pending_by.get(operation.proposer).unwrap_or(0);
            self.pending_by.insert(
                operation.proposer,
                &count.checked_sub(1).ok_or(Error::Overflow)?,
            );
            self.operations.insert(id, operation);
            Ok(())
        }

        fn emit_approved(
            &self,
            id: Hash,
            operation: &Operation,
            council: &Council,
            member: AccountId,
            queued: Option<Timestamp>,
        ) {
            self.env().emit_event(OperationApproved {
                id,
                member,
                approvals: operation.approvals_by(council),
            });
            if let Some(ready_at) = queued {
                self.env().emit_event(OperationQueued {
                    id,
                    ready_at,
                    expires_at: operation.expires_at(),
                });
            }
        }
    }
}

#[cfg(test)]
mod model_based;
#[cfg(test)]
mod tests;
