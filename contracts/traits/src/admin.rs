//! The administrative state every contract of the suite embeds: two-step ownership
//! transfer, pause / unpause, and **time-locked changes**: a code upgrade, a new peer
//! contract address, a new time-lock delay or a widened trusted role is first
//! *proposed* (an event announces it with the earliest time it can take effect), can be
//! read by anyone while pending, is *executed* by the owner once the delay has passed,
//! and can be *cancelled* by the owner before that. Users who distrust a pending change
//! have the delay to leave (withdraw an escrow, move a deployment) before it lands.
//!
//! Each contract stores one [`Admin`] inline in its root storage and exposes thin
//! messages that forward here and map [`AdminError`] into the contract's own error enum
//! (see [`impl_from_admin_error!`](crate::impl_from_admin_error)). The events below are
//! emitted from here, so every contract announces administrative changes the same way.
//!
//! An independent **canceller**, named at instantiation (a regulator, a safety officer,
//! later the consortium's guardian), checks the owner: it may cancel any pending change
//! and pause the contract, and can never propose, execute or unpause. Replacing the
//! canceller is itself a time-locked change ([`Change::Canceller`]) that the canceller
//! cannot cancel, so that a lost or rogue canceller never blocks the contract for good,
//! while everyone still sees the replacement coming for the whole delay.
//!
//! Invariants: there is always exactly one owner and one canceller; ownership only moves
//! when the proposed account accepts; only the owner unpauses, proposes or executes; the
//! owner or the canceller pauses and cancels (the canceller every change but its own
//! replacement); no change executes while the contract is paused; a change executes no
//! earlier than `delay` after it was proposed, where `delay` is the delay in force when
//! it was proposed; at most [`MAX_PENDING`] changes are pending.

use crate::{AccountId, Hash, Timestamp, DAY};
use ink::env::DefaultEnvironment;
use ink::prelude::vec::Vec;

/// Most changes pending at once.
pub const MAX_PENDING: usize = 8;
/// Longest time-lock delay (a longer one could freeze upgrades for good).
pub const MAX_DELAY: Timestamp = 30 * DAY;

/// Why an administrative action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum AdminError {
    /// The caller is not the owner.
    NotOwner,
    /// The caller is not the account proposed as the next owner (or none is proposed).
    NotPendingOwner,
    /// The contract is paused.
    Paused,
    /// `unpause` on a contract that is not paused.
    NotPaused,
    /// A code change names a code hash the chain does not know.
    CodeNotFound,
    /// The change's delay has not passed yet.
    TooEarly,
    /// No pending change has this id.
    NoPendingChange,
    /// `MAX_PENDING` changes are already pending.
    TooManyPendingChanges,
    /// This contract has no such peer or role.
    UnsupportedChange,
    /// A delay above `MAX_DELAY`.
    InvalidDelay,
    /// The caller is neither the owner nor the canceller (or, as the canceller, tried
    /// to cancel its own replacement).
    NotOwnerOrCanceller,
}

/// The peer contracts a contract may call, by role.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PeerRole {
    /// `staff_credentials` (the `CredentialVerifier`).
    Credentials,
    /// `consent_registry` (the `ConsentVerifier`).
    Consent,
    /// `remote_monitoring` (the `MonitoringVerifier`), asked by `claims_adjudication`.
    Monitoring,
}

pub use change::Change;

/// `Change` in a module of its own: the `Encode` derive of an enum with fields writes its
/// variant index with a `usize as u8` cast (always in range: six variants), which the
/// contract lint run denies everywhere else.
mod change {
    #![allow(clippy::cast_possible_truncation)]
    use super::PeerRole;
    use crate::{AccountId, Hash, KindSet, Timestamp};

    /// A change that waits for the time-lock delay.
    ///
    /// The SCALE encoding is the variant index: append, never reorder.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Change {
        /// Replace the contract's code by this uploaded code hash (storage is kept).
        Code(Hash),
        /// Call this address for the peer role from now on.
        Peer(PeerRole, AccountId),
        /// Set the time-lock delay (milliseconds, at most `MAX_DELAY`).
        Delay(Timestamp),
        /// staff_credentials: appoint this issuer, or let it issue these kinds (a widening;
        /// narrowing and removal act at once).
        Issuer(AccountId, KindSet),
        /// drug_provenance, clinical_trials: appoint this regulator (removal acts at once).
        Regulator(AccountId),
        /// Make this account the canceller (every contract; the canceller in office
        /// cannot cancel this change).
        Canceller(AccountId),
    }
}

/// A proposed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct PendingChange {
    /// Its id (per contract, from 1).
    pub id: u32,
    /// What it changes.
    pub change: Change,
    /// Block time it was proposed.
    pub proposed_at: Timestamp,
    /// The earliest block time the owner may execute it.
    pub executable_at: Timestamp,
}

/// An ownership transfer was proposed; it completes when `new_owner` accepts.
#[ink::event]
pub struct OwnershipTransferStarted {
    /// The current owner, who proposed it.
    #[ink(topic)]
    pub owner: AccountId,
    /// The proposed next owner.
    #[ink(topic)]
    pub new_owner: AccountId,
}

/// Ownership moved from `previous_owner` to `new_owner`.
#[ink::event]
pub struct OwnershipTransferred {
    /// The owner before.
    #[ink(topic)]
    pub previous_owner: AccountId,
    /// The owner now.
    #[ink(topic)]
    pub new_owner: AccountId,
}

/// The contract was paused: messages that grant, pay or move goods are refused until
/// unpaused; exits, safety actions and queries keep working.
#[ink::event]
pub struct ContractPaused {
    /// The owner or the canceller, who paused it.
    #[ink(topic)]
    pub by: AccountId,
}

/// The contract was unpaused.
#[ink::event]
pub struct ContractUnpaused {
    /// The owner who unpaused it.
    #[ink(topic)]
    pub by: AccountId,
}

/// A change was proposed; the owner may execute it from `executable_at` on.
#[ink::event]
pub struct ChangeProposed {
    /// Its id.
    #[ink(topic)]
    pub id: u32,
    /// What it changes.
    pub change: Change,
    /// The earliest execution time.
    pub executable_at: Timestamp,
}

/// A pending change took effect.
#[ink::event]
pub struct ChangeExecuted {
    /// Its id.
    #[ink(topic)]
    pub id: u32,
    /// What it changed.
    pub change: Change,
}

/// A pending change was cancelled.
#[ink::event]
pub struct ChangeCancelled {
    /// Its id.
    #[ink(topic)]
    pub id: u32,
    /// The owner or the canceller, who cancelled it.
    #[ink(topic)]
    pub by: AccountId,
}

/// The contract's code was replaced; its storage is kept as it was.
#[ink::event]
pub struct CodeUpgraded {
    /// The new code hash.
    #[ink(topic)]
    pub code_hash: Hash,
    /// The owner who upgraded it.
    #[ink(topic)]
    pub by: AccountId,
}

/// Ownership, pause flag, pending transfer, time-lock delay and pending changes of one
/// contract.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Admin {
    owner: AccountId,
    pending_owner: Option<AccountId>,
    paused: bool,
    delay: Timestamp,
    last_change: u32,
    pending: Vec<PendingChange>,
    canceller: AccountId,
}

fn caller() -> AccountId {
    ink::env::caller::<DefaultEnvironment>()
}

fn now() -> Timestamp {
    ink::env::block_timestamp::<DefaultEnvironment>()
}

fn emit<E: ink::scale::Encode + ink::env::Event>(event: E) {
    ink::env::emit_event::<DefaultEnvironment, _>(event);
}

impl Admin {
    /// A new, unpaused admin state owned by `owner` with time-lock `delay` (ms) and
    /// canceller `canceller`.
    pub fn new(
        owner: AccountId,
        delay: Timestamp,
        canceller: AccountId,
    ) -> Result<Self, AdminError> {
        if delay > MAX_DELAY {
            return Err(AdminError::InvalidDelay);
        }
        Ok(Self {
            owner,
            pending_owner: None,
            paused: false,
            delay,
            last_change: 0,
            pending: Vec::new(),
            canceller,
        })
    }

    /// The current owner.
    pub fn owner(&self) -> AccountId {
        self.owner
    }

    /// The current canceller.
    pub fn canceller(&self) -> AccountId {
        self.canceller
    }

    /// The caller, if the owner or the canceller.
    fn owner_or_canceller(&self) -> Result<AccountId, AdminError> {
        let caller = caller();
        if caller == self.owner || caller == self.canceller {
            Ok(caller)
        } else {
            Err(AdminError::NotOwnerOrCanceller)
        }
    }

    /// The account proposed as next owner, if any.
    pub fn pending_owner(&self) -> Option<AccountId> {
        self.pending_owner
    }

    /// True while the contract is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// The time-lock delay in force (ms).
    pub fn delay(&self) -> Timestamp {
        self.delay
    }

    /// The pending changes, oldest first.
    pub fn pending_changes(&self) -> Vec<PendingChange> {
        self.pending.clone()
    }

    /// `Ok` if the caller of the current message is the owner.
    pub fn ensure_owner(&self) -> Result<(), AdminError> {
        if caller() == self.owner {
            Ok(())
        } else {
            Err(AdminError::NotOwner)
        }
    }

    /// `Ok` unless the contract is paused.
    pub fn ensure_not_paused(&self) -> Result<(), AdminError> {
        if self.paused {
            Err(AdminError::Paused)
        } else {
            Ok(())
        }
    }

    /// Owner only: proposes `new_owner`; replaces an earlier proposal.
    pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<(), AdminError> {
        self.ensure_owner()?;
        self.pending_owner = Some(new_owner);
        emit(OwnershipTransferStarted {
            owner: self.owner,
            new_owner,
        });
        Ok(())
    }

    /// Proposed owner only: completes the transfer.
    pub fn accept_ownership(&mut self) -> Result<(), AdminError> {
        let caller = caller();
        if self.pending_owner != Some(caller) {
            return Err(AdminError::NotPendingOwner);
        }
        let previous_owner = self.owner;
        self.owner = caller;
        self.pending_owner = None;
        emit(OwnershipTransferred {
            previous_owner,
            new_owner: caller,
        });
        Ok(())
    }

    /// The owner or the canceller: pauses the contract.
    pub fn pause(&mut self) -> Result<(), AdminError> {
        let by = self.owner_or_canceller()?;
        self.ensure_not_paused()?;
        self.paused = true;
        emit(ContractPaused { by });
        Ok(())
    }

    /// Owner only: unpauses the contract.
    pub fn unpause(&mut self) -> Result<(), AdminError> {
        self.ensure_owner()?;
        if !self.paused {
            return Err(AdminError::NotPaused);
        }
        self.paused = false;
        emit(ContractUnpaused { by: self.owner });
        Ok(())
    }

    /// Owner only: proposes `change`, executable after the delay in force now. `supported`
    /// tells whether the contract has the peer role or trusted role the change names
    /// (code and delay changes are supported everywhere). A code change is refused here
    /// when the chain does not know the code hash. Returns the change's id.
    pub fn propose(&mut self, change: Change, supported: bool) -> Result<u32, AdminError> {
        self.ensure_owner()?;
        match change {
            Change::Code(code_hash) => check_code_exists(code_hash)?,
            Change::Delay(delay) if delay > MAX_DELAY => return Err(AdminError::InvalidDelay),
            Change::Delay(_) | Change::Canceller(_) => {}
            Change::Peer(..) | Change::Issuer(..) | Change::Regulator(_) => {
                if !supported {
                    return Err(AdminError::UnsupportedChange);
                }
            }
        }
        if self.pending.len() >= MAX_PENDING {
            return Err(AdminError::TooManyPendingChanges);
        }
        let id = self
            .last_change
            .checked_add(1)
            .ok_or(AdminError::TooManyPendingChanges)?;
        let proposed_at = now();
        let executable_at = proposed_at.saturating_add(self.delay);
        self.last_change = id;
        self.pending.push(PendingChange {
            id,
            change,
            proposed_at,
            executable_at,
        });
        emit(ChangeProposed {
            id,
            change,
            executable_at,
        });
        Ok(id)
    }

    /// Owner only, never while paused: executes pending change `id` once its delay has
    /// passed. Code and delay changes are applied here; the change is returned so that
    /// the contract applies the ones that are its own (peer addresses, roles) in the same
    /// message. (A pause stops new business, never exits: a change executing during a
    /// pause would land while the people the delay protects could not react.)
    pub fn execute(&mut self, id: u32) -> Result<Change, AdminError> {
        self.ensure_owner()?;
        self.ensure_not_paused()?;
        let position = self
            .pending
            .iter()
            .position(|p| p.id == id)
            .ok_or(AdminError::NoPendingChange)?;
        let pending = self.pending[position];
        if now() < pending.executable_at {
            return Err(AdminError::TooEarly);
        }
        self.pending.remove(position);
        match pending.change {
            Change::Code(code_hash) => {
                ink::env::set_code_hash::<DefaultEnvironment>(&code_hash)
                    .map_err(|_| AdminError::CodeNotFound)?;
                emit(CodeUpgraded {
                    code_hash,
                    by: self.owner,
                });
            }
            Change::Delay(delay) => self.delay = delay,
            Change::Canceller(canceller) => self.canceller = canceller,
            Change::Peer(..) | Change::Issuer(..) | Change::Regulator(_) => {}
        }
        emit(ChangeExecuted {
            id,
            change: pending.change,
        });
        Ok(pending.change)
    }

    /// The owner, or the canceller (but for the canceller's own replacement): cancels
    /// pending change `id`, also while paused.
    pub fn cancel(&mut self, id: u32) -> Result<(), AdminError> {
        let by = self.owner_or_canceller()?;
        let position = self
            .pending
            .iter()
            .position(|p| p.id == id)
            .ok_or(AdminError::NoPendingChange)?;
        if by != self.owner && matches!(self.pending[position].change, Change::Canceller(_)) {
            return Err(AdminError::NotOwnerOrCanceller);
        }
        self.pending.remove(position);
        emit(ChangeCancelled { id, by });
        Ok(())
    }
}

/// `Ok` if the chain knows `code_hash`: the contract switches to it and straight back to
/// its own code in the same message (pallet-contracts has no host function that only
/// asks), so nothing changes but the check. The unknown hash fails the first switch
/// before anything changes (`CodeNotFound`); a known one moves the code reference counts
/// up and back down (no deposit moves at the 0 % code-hash lockup of the dev node and
/// the sandbox) and leaves two `ContractCodeUpdated` runtime events. The own hash is read
/// first: after the first switch `own_code_hash` answers the candidate's.
fn check_code_exists(code_hash: Hash) -> Result<(), AdminError> {
    let own =
        ink::env::own_code_hash::<DefaultEnvironment>().map_err(|_| AdminError::CodeNotFound)?;
    if own == code_hash {
        return Ok(());
    }
    ink::env::set_code_hash::<DefaultEnvironment>(&code_hash)
        .map_err(|_| AdminError::CodeNotFound)?;
    ink::env::set_code_hash::<DefaultEnvironment>(&own).map_err(|_| AdminError::CodeNotFound)
}

/// Implements `From<AdminError>` for a contract's error enum `$error`, which must have
/// unit variants named like every [`AdminError`] variant (same meaning), so that every
/// contract maps the shared admin errors the same way.
#[macro_export]
macro_rules! impl_from_admin_error {
    ($error:ident) => {
        impl ::core::convert::From<$crate::AdminError> for $error {
            fn from(error: $crate::AdminError) -> Self {
                match error {
                    $crate::AdminError::NotOwner => $error::NotOwner,
                    $crate::AdminError::NotPendingOwner => $error::NotPendingOwner,
                    $crate::AdminError::Paused => $error::Paused,
                    $crate::AdminError::NotPaused => $error::NotPaused,
                    $crate::AdminError::CodeNotFound => $error::CodeNotFound,
                    $crate::AdminError::TooEarly => $error::TooEarly,
                    $crate::AdminError::NoPendingChange => $error::NoPendingChange,
                    $crate::AdminError::TooManyPendingChanges => $error::TooManyPendingChanges,
                    $crate::AdminError::UnsupportedChange => $error::UnsupportedChange,
                    $crate::AdminError::InvalidDelay => $error::InvalidDelay,
                    $crate::AdminError::NotOwnerOrCanceller => $error::NotOwnerOrCanceller,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    //! The shared admin on its own, in ink!'s off-chain engine: every rule of the module
    //! doc and every event's fields (each contract's unit tests drive it through its
    //! messages too). Code changes need the chain's code store: the sandbox tests.
    use super::*;
    use ink::env::test::{self, recorded_events};
    use ink::scale::Decode;

    const OWNER: [u8; 32] = [1; 32];
    const CANCELLER: [u8; 32] = [2; 32];
    const STRANGER: [u8; 32] = [3; 32];
    const HEIR: [u8; 32] = [4; 32];
    const T0: Timestamp = 1_000 * DAY;
    const DELAY: Timestamp = 2 * DAY;

    fn acc(who: [u8; 32]) -> AccountId {
        AccountId::from(who)
    }
    fn as_(who: [u8; 32]) {
        test::set_caller::<DefaultEnvironment>(acc(who));
    }
    fn at(t: Timestamp) {
        test::set_block_timestamp::<DefaultEnvironment>(t);
    }
    /// The data of the last event emitted, decoded as `E`.
    fn last<E: Decode>() -> E {
        let event = recorded_events().last().expect("an event");
        E::decode(&mut &event.data[..]).expect("decodes")
    }
    fn events() -> usize {
        recorded_events().count()
    }
    fn admin() -> Admin {
        as_(OWNER);
        at(T0);
        Admin::new(acc(OWNER), DELAY, acc(CANCELLER)).expect("new")
    }
    fn peer() -> Change {
        Change::Peer(PeerRole::Consent, acc(STRANGER))
    }

    #[ink::test]
    fn the_delay_is_bounded_by_thirty_days() {
        assert_eq!(MAX_DELAY, 30 * DAY);
        assert!(Admin::new(acc(OWNER), MAX_DELAY, acc(CANCELLER)).is_ok());
        assert_eq!(
            Admin::new(acc(OWNER), MAX_DELAY + 1, acc(CANCELLER)).err(),
            Some(AdminError::InvalidDelay)
        );
        let mut a = admin();
        assert_eq!(
            a.propose(Change::Delay(MAX_DELAY + 1), true),
            Err(AdminError::InvalidDelay)
        );
        assert_eq!(a.propose(Change::Delay(MAX_DELAY), true), Ok(1));
    }

    #[ink::test]
    fn a_new_admin_is_owned_running_and_has_nothing_pending() {
        let a = admin();
        assert_eq!((a.owner(), a.canceller()), (acc(OWNER), acc(CANCELLER)));
        assert_eq!(a.pending_owner(), None);
        assert!(!a.is_paused());
        assert_eq!(a.delay(), DELAY);
        assert!(a.pending_changes().is_empty());
        assert_eq!(a.ensure_owner(), Ok(()));
        assert_eq!(a.ensure_not_paused(), Ok(()));
        as_(CANCELLER);
        assert_eq!(a.ensure_owner(), Err(AdminError::NotOwner));
    }

    #[ink::test]
    fn ownership_moves_only_when_the_proposed_owner_accepts() {
        let mut a = admin();
        as_(STRANGER);
        assert_eq!(
            a.transfer_ownership(acc(STRANGER)),
            Err(AdminError::NotOwner)
        );
        as_(HEIR);
        assert_eq!(a.accept_ownership(), Err(AdminError::NotPendingOwner));
        as_(OWNER);
        a.transfer_ownership(acc(HEIR)).expect("propose");
        let started: OwnershipTransferStarted = last();
        assert_eq!((started.owner, started.new_owner), (acc(OWNER), acc(HEIR)));
        assert_eq!(a.pending_owner(), Some(acc(HEIR)));
        assert_eq!(a.owner(), acc(OWNER), "not before acceptance");
        as_(STRANGER);
        assert_eq!(a.accept_ownership(), Err(AdminError::NotPendingOwner));
        as_(HEIR);
        a.accept_ownership().expect("accept");
        let moved: OwnershipTransferred = last();
        assert_eq!(
            (moved.previous_owner, moved.new_owner),
            (acc(OWNER), acc(HEIR))
        );
        assert_eq!((a.owner(), a.pending_owner()), (acc(HEIR), None));
        assert_eq!(a.accept_ownership(), Err(AdminError::NotPendingOwner));
        assert_eq!(a.ensure_owner(), Ok(()));
    }

    #[ink::test]
    fn the_owner_or_the_canceller_pauses_and_only_the_owner_unpauses() {
        let mut a = admin();
        as_(STRANGER);
        assert_eq!(a.pause(), Err(AdminError::NotOwnerOrCanceller));
        as_(CANCELLER);
        let before = events();
        a.pause().expect("the canceller pauses");
        assert_eq!(events(), before + 1);
        assert_eq!(last::<ContractPaused>().by, acc(CANCELLER));
        assert!(a.is_paused());
        assert_eq!(a.ensure_not_paused(), Err(AdminError::Paused));
        assert_eq!(a.pause(), Err(AdminError::Paused));
        assert_eq!(a.unpause(), Err(AdminError::NotOwner));
        as_(OWNER);
        a.unpause().expect("unpause");
        assert_eq!(last::<ContractUnpaused>().by, acc(OWNER));
        assert!(!a.is_paused());
        assert_eq!(a.unpause(), Err(AdminError::NotPaused));
        a.pause().expect("the owner pauses");
        assert_eq!(last::<ContractPaused>().by, acc(OWNER));
    }

    #[ink::test]
    fn changes_wait_the_delay_in_force_when_proposed_and_never_run_while_paused() {
        let mut a = admin();
        as_(CANCELLER);
        assert_eq!(
            a.propose(Change::Delay(DAY), true),
            Err(AdminError::NotOwner)
        );
        as_(OWNER);
        assert_eq!(a.propose(peer(), false), Err(AdminError::UnsupportedChange));
        let id = a.propose(Change::Delay(DAY), true).expect("propose");
        assert_eq!(id, 1);
        let proposed: ChangeProposed = last();
        assert_eq!(
            (proposed.id, proposed.change, proposed.executable_at),
            (1, Change::Delay(DAY), T0 + DELAY)
        );
        assert_eq!(
            a.pending_changes(),
            vec![PendingChange {
                id: 1,
                change: Change::Delay(DAY),
                proposed_at: T0,
                executable_at: T0 + DELAY,
            }]
        );
        assert_eq!(a.propose(peer(), true), Ok(2));
        at(T0 + DELAY - 1);
        assert_eq!(a.execute(1), Err(AdminError::TooEarly));
        at(T0 + DELAY);
        as_(CANCELLER);
        assert_eq!(a.execute(1), Err(AdminError::NotOwner));
        as_(OWNER);
        assert_eq!(a.execute(9), Err(AdminError::NoPendingChange));
        a.pause().expect("pause");
        assert_eq!(a.execute(1), Err(AdminError::Paused));
        a.unpause().expect("unpause");
        assert_eq!(a.execute(1), Ok(Change::Delay(DAY)));
        let executed: ChangeExecuted = last();
        assert_eq!((executed.id, executed.change), (1, Change::Delay(DAY)));
        assert_eq!(a.delay(), DAY);
        assert_eq!(a.execute(1), Err(AdminError::NoPendingChange));
        // A peer change is the contract's to apply: returned, and gone from the list.
        assert_eq!(a.execute(2), Ok(peer()));
        assert!(a.pending_changes().is_empty());
        // The next proposal waits the new delay.
        assert_eq!(a.propose(Change::Canceller(acc(HEIR)), true), Ok(3));
        assert_eq!(a.pending_changes()[0].executable_at, T0 + DELAY + DAY);
        at(T0 + DELAY + DAY);
        assert_eq!(a.execute(3), Ok(Change::Canceller(acc(HEIR))));
        assert_eq!(a.canceller(), acc(HEIR));
    }

    #[ink::test]
    fn at_most_max_pending_changes_wait_at_once() {
        let mut a = admin();
        for id in 1..=MAX_PENDING {
            assert_eq!(a.propose(peer(), true), Ok(id as u32));
        }
        assert_eq!(
            a.propose(peer(), true),
            Err(AdminError::TooManyPendingChanges)
        );
        a.cancel(1).expect("cancel");
        assert_eq!(a.propose(peer(), true), Ok(MAX_PENDING as u32 + 1));
    }

    #[ink::test]
    fn the_canceller_cancels_any_change_but_its_own_replacement() {
        let mut a = admin();
        let delay = a.propose(Change::Delay(DAY), true).expect("delay");
        let replacement = a
            .propose(Change::Canceller(acc(HEIR)), true)
            .expect("canceller");
        as_(STRANGER);
        assert_eq!(a.cancel(delay), Err(AdminError::NotOwnerOrCanceller));
        as_(CANCELLER);
        assert_eq!(a.cancel(9), Err(AdminError::NoPendingChange));
        assert_eq!(a.cancel(replacement), Err(AdminError::NotOwnerOrCanceller));
        a.pause().expect("pause");
        let before = events();
        a.cancel(delay).expect("cancel while paused");
        assert_eq!(events(), before + 1);
        let cancelled: ChangeCancelled = last();
        assert_eq!((cancelled.id, cancelled.by), (delay, acc(CANCELLER)));
        assert_eq!(a.pending_changes().len(), 1);
        assert_eq!(a.pending_changes()[0].id, replacement);
        as_(OWNER);
        a.cancel(replacement).expect("the owner cancels it");
        assert_eq!(last::<ChangeCancelled>().by, acc(OWNER));
        assert!(a.pending_changes().is_empty());
    }
}
