//! The administrative state every contract of the suite embeds: two-step ownership
//! transfer, pause / unpause and an owner-only code upgrade through `set_code_hash`.
//!
//! Each contract stores one [`Admin`] inline in its root storage (it is read by nearly
//! every message, so keeping it inline costs no extra storage read) and exposes thin
//! messages (`owner`, `pending_owner`, `transfer_ownership`, `accept_ownership`,
//! `pause`, `unpause`, `paused`, `set_code`) that forward here and map [`AdminError`]
//! into the contract's own error enum. The events below are emitted from here, so every
//! contract announces administrative changes the same way.
//!
//! Invariants: there is always exactly one owner; ownership only moves when the proposed
//! account accepts; only the owner pauses, unpauses, proposes or upgrades.

use crate::{AccountId, Hash};
use ink::env::DefaultEnvironment;

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
    /// `set_code` with a code hash the chain does not know.
    CodeNotFound,
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

/// The contract was paused: state-changing messages are refused until unpaused.
#[ink::event]
pub struct ContractPaused {
    /// The owner who paused it.
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

/// Ownership, pause flag and pending transfer of one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Admin {
    owner: AccountId,
    pending_owner: Option<AccountId>,
    paused: bool,
}

fn caller() -> AccountId {
    ink::env::caller::<DefaultEnvironment>()
}

impl Admin {
    /// A new, unpaused admin state owned by `owner`.
    pub fn new(owner: AccountId) -> Self {
        Self {
            owner,
            pending_owner: None,
            paused: false,
        }
    }

    /// The current owner.
    pub fn owner(&self) -> AccountId {
        self.owner
    }

    /// The account proposed as next owner, if any.
    pub fn pending_owner(&self) -> Option<AccountId> {
        self.pending_owner
    }

    /// True while the contract is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
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
        ink::env::emit_event::<DefaultEnvironment, _>(OwnershipTransferStarted {
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
        ink::env::emit_event::<DefaultEnvironment, _>(OwnershipTransferred {
            previous_owner,
            new_owner: caller,
        });
        Ok(())
    }

    /// Owner only: pauses the contract.
    pub fn pause(&mut self) -> Result<(), AdminError> {
        self.ensure_owner()?;
        self.ensure_not_paused()?;
        self.paused = true;
        ink::env::emit_event::<DefaultEnvironment, _>(ContractPaused { by: self.owner });
        Ok(())
    }

    /// Owner only: unpauses the contract.
    pub fn unpause(&mut self) -> Result<(), AdminError> {
        self.ensure_owner()?;
        if !self.paused {
            return Err(AdminError::NotPaused);
        }
        self.paused = false;
        ink::env::emit_event::<DefaultEnvironment, _>(ContractUnpaused { by: self.owner });
        Ok(())
    }

    /// Owner only: replaces the contract's code with the already uploaded `code_hash`.
    /// Storage is kept; the new code must read the same storage layout.
    pub fn set_code(&self, code_hash: Hash) -> Result<(), AdminError> {
        self.ensure_owner()?;
        ink::env::set_code_hash::<DefaultEnvironment>(&code_hash)
            .map_err(|_| AdminError::CodeNotFound)?;
        ink::env::emit_event::<DefaultEnvironment, _>(CodeUpgraded {
            code_hash,
            by: self.owner,
        });
        Ok(())
    }
}

/// Implements `From<AdminError>` for a contract's error enum `$error`, which must have
/// the unit variants `NotOwner`, `NotPendingOwner`, `Paused`, `NotPaused` and
/// `CodeNotFound` (same names, same meaning), so that every contract maps the shared
/// admin errors the same way.
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
                }
            }
        }
    };
}
