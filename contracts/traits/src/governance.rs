//! What the consortium's **governor** asks of a suite contract, declared once for the
//! suite: the [`Action`]s it applies, the [`ApplyError`]s a contract answers with, and
//! the [`Governed`] interface through which it asks.
//!
//! The governor (`contracts/governor`) holds the consortium's members, its threshold,
//! its minimum delay and its guardian; an operation is one or more calls, each an
//! [`Action`] for a suite contract (or a change to the governor itself), that runs once
//! enough members approved it and, unless every action in it [takes effect at
//! once](Action::takes_effect_at_once), once the delay has passed. A suite contract
//! applies an action only when the caller is its governor.

use crate::{AccountId, Hash, KindSet, PeerRole, Timestamp};

pub use action::Action;

/// `Action` in a module of its own: the `Encode` derive of an enum with fields writes its
/// variant index with a `usize as u8` cast (always in range), which the contract lint
/// run denies everywhere else.
mod action {
    #![allow(clippy::cast_possible_truncation)]
    use super::{AccountId, Hash, KindSet, PeerRole, Timestamp};

    /// One change the governor applies to a suite contract ([`Governed::apply`]).
    ///
    /// A contract answers [`ApplyError::Unsupported`] to an action that is not its own
    /// (an issuer for a contract without issuers, a peer role it never calls).
    ///
    /// The SCALE encoding is the variant index: append, never reorder.
    ///
    /// [`Governed::apply`]: super::Governed::apply
    /// [`ApplyError::Unsupported`]: super::ApplyError::Unsupported
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Action {
        /// Every contract: replace the code by this uploaded code hash (storage kept;
        /// refused while paused).
        Code(Hash),
        /// Every contract: call this address for the peer role from now on (refused
        /// while paused).
        Peer(PeerRole, AccountId),
        /// staff_credentials: appoint this issuer, or widen the kinds it may issue to
        /// these.
        Issuer(AccountId, KindSet),
        /// staff_credentials: narrow the kinds this issuer may issue to these (at once).
        NarrowIssuer(AccountId, KindSet),
        /// staff_credentials: remove this issuer (at once).
        RemoveIssuer(AccountId),
        /// staff_credentials: suspend this credential with this reason code (at once: a
        /// safety action, also while paused).
        SuspendCredential(u64, u16),
        /// staff_credentials: revoke this credential with this reason code (at once: a
        /// safety action, also while paused).
        RevokeCredential(u64, u16),
        /// drug_provenance, clinical_trials: appoint this regulator.
        Regulator(AccountId),
        /// drug_provenance, clinical_trials: remove this regulator (at once).
        RemoveRegulator(AccountId),
        /// consent_registry: the break-glass window (ms), the most break-glass grants one
        /// clinician may open per rate window, and the rate window (ms).
        BreakGlass(Timestamp, u32, Timestamp),
        /// drug_provenance, claims_adjudication: send the native tokens no escrow, payout
        /// or held payment accounts for to this account.
        RecoverSurplus(AccountId),
        /// Every contract: pause (at once; exits, safety actions and queries keep
        /// working).
        Pause,
        /// Every contract: lift the pause (at once).
        Unpause,
        /// Every contract: obey this governor from now on.
        HandOver(AccountId),
    }
}

impl Action {
    /// True for the actions that only narrow what others may do, or stop business
    /// (pausing, lifting a pause, removing or narrowing a role, suspending or revoking a
    /// credential): the governor runs them as soon as enough members approved, without
    /// the delay, which exists so that the people a change affects can react before it
    /// lands. Everything that widens a role, moves money, changes code, a peer or a
    /// setting, or hands the contract over waits the delay.
    pub fn takes_effect_at_once(&self) -> bool {
        matches!(
            self,
            Action::NarrowIssuer(..)
                | Action::RemoveIssuer(_)
                | Action::SuspendCredential(..)
                | Action::RevokeCredential(..)
                | Action::RemoveRegulator(_)
                | Action::Pause
                | Action::Unpause
        )
    }
}

/// Why a suite contract refused an [`Action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ApplyError {
    /// The caller is not this contract's governor.
    NotGovernor,
    /// The contract is paused (a code, peer or role change never lands during a pause).
    Paused,
    /// `Unpause` while not paused.
    NotPaused,
    /// `Code` names a code hash the chain does not know.
    CodeNotFound,
    /// The action is not this contract's (no such role, peer or setting here).
    Unsupported,
    /// The contract's own rules refuse the action's arguments (an unknown issuer,
    /// regulator or credential, a widening sent as a narrowing, a setting out of range,
    /// nothing to recover).
    Invalid,
}

/// The interface every suite contract offers its governor.
#[ink::trait_definition]
pub trait Governed {
    /// The governor this contract obeys.
    #[ink(message)]
    fn governor(&self) -> AccountId;

    /// Governor only: applies `action` (see [`Action`]); refused with the reason, and
    /// nothing changed, otherwise.
    #[ink(message)]
    fn apply(&mut self, action: Action) -> Result<(), ApplyError>;

    /// True while paused.
    #[ink(message)]
    fn paused(&self) -> bool;

    /// The revision of the code running at this address.
    #[ink(message)]
    fn code_version(&self) -> u16;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_narrowing_and_stopping_take_effect_at_once() {
        let a = AccountId::from([1; 32]);
        let at_once = [
            Action::NarrowIssuer(a, KindSet::EMPTY),
            Action::RemoveIssuer(a),
            Action::SuspendCredential(1, 0),
            Action::RevokeCredential(1, 0),
            Action::RemoveRegulator(a),
            Action::Pause,
            Action::Unpause,
        ];
        let delayed = [
            Action::Code(Hash::from([2; 32])),
            Action::Peer(PeerRole::Consent, a),
            Action::Issuer(a, KindSet::EMPTY),
            Action::Regulator(a),
            Action::BreakGlass(1, 1, 1),
            Action::RecoverSurplus(a),
            Action::HandOver(a),
        ];
        assert!(at_once.iter().all(Action::takes_effect_at_once));
        assert!(!delayed.iter().any(Action::takes_effect_at_once));
    }
}
