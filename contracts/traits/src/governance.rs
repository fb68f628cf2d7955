//! What the consortium's **governor** asks of a suite contract, declared once for the
//! suite: the [`Action`]s it applies, the [`ApplyError`]s a contract answers with, the
//! [`Governed`] interface through which it asks, and [`Governance`], the state every
//! suite contract embeds (its governor and its pause flag) with the rules every contract
//! shares.
//!
//! The governor (`contracts/governor`) holds the consortium's members, its threshold,
//! its minimum delay and its guardian; an operation is one or more calls, each an
//! [`Action`] for a suite contract (or a change to the governor itself), that runs once
//! enough members approved it and, unless every action in it [takes effect at
//! once](Action::takes_effect_at_once), once the delay has passed. A suite contract
//! applies an action only when the caller is its governor.
//!
//! Invariants: a contract applies an action only when its governor calls; a paused
//! contract applies no action but the ones that take effect at once (pausing, unpausing,
//! narrowing or removing a role, a safety action), so that no code, peer, role, setting
//! or money change lands while the people the delay protects are shut in; a pause never
//! stops an exit or a safety action (each contract's own rule).

use crate::{AccountId, Hash, KindSet, Timestamp};
use ink::env::DefaultEnvironment;

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
}

/// A contract applied an action of its governor.
#[ink::event]
pub struct ActionApplied {
    /// What it applied.
    pub action: Action,
    /// The governor that asked.
    #[ink(topic)]
    pub governor: AccountId,
}

/// The answer of [`Governance::ensure_running`] while paused; each contract maps it into
/// its own `Paused` error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paused;

/// A suite contract's side of `Governed::apply`: where its [`Governance`] is and how it
/// applies the actions that are its own. Every contract's `apply` message is
/// [`apply`]`(self, action)`.
pub trait Governs {
    /// The contract's governance state.
    fn governance(&mut self) -> &mut Governance;

    /// Applies one of the contract's own actions (peers, roles, settings, money), or
    /// answers why not (`Unsupported` for an action that is not its own).
    fn apply_own(&mut self, action: Action) -> Result<(), ApplyError>;
}

/// The body of every contract's `Governed::apply`: the shared rules
/// ([`Governance::apply`]), then the contract's own action, then `ActionApplied`.
pub fn apply<C: Governs>(contract: &mut C, action: Action) -> Result<(), ApplyError> {
    let by = contract.governance().governor();
    if let Some(own) = contract.governance().apply(action)? {
        contract.apply_own(own)?;
    }
    contract.governance().applied(action, by);
    Ok(())
}

/// Implements `From<Paused>` for a contract's error enum `$error`, which must have a
/// unit variant `Paused`.
#[macro_export]
macro_rules! impl_from_paused {
    ($error:ident) => {
        impl ::core::convert::From<$crate::governance::Paused> for $error {
            fn from(_: $crate::governance::Paused) -> Self {
                $error::Paused
            }
        }
    };
}

/// The governance state every suite contract stores inline in its root storage: the
/// governor it obeys and its pause flag.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Governance {
    governor: AccountId,
    paused: bool,
}

impl Governance {
    /// Running, obeying `governor`.
    pub fn new(governor: AccountId) -> Self {
        Self {
            governor,
            paused: false,
        }
    }

    /// The governor.
    pub fn governor(&self) -> AccountId {
        self.governor
    }

    /// True while paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// `Ok` unless paused.
    pub fn ensure_running(&self) -> Result<(), Paused> {
        if self.paused {
            Err(Paused)
        } else {
            Ok(())
        }
    }

    /// The first half of every contract's `apply`: refuses a caller that is not the
    /// governor and, while paused, every action but those that take effect at once;
    /// applies pausing, unpausing, a code change and a hand-over to another governor;
    /// returns the contract's own actions (peers, roles, settings, money) for it to apply.
    pub fn apply(&mut self, action: Action) -> Result<Option<Action>, ApplyError> {
        if ink::env::caller::<DefaultEnvironment>() != self.governor {
            return Err(ApplyError::NotGovernor);
        }
        match action {
            Action::Pause if self.paused => Err(ApplyError::Paused),
            Action::Pause => {
                self.paused = true;
                Ok(None)
            }
            Action::Unpause if !self.paused => Err(ApplyError::NotPaused),
            Action::Unpause => {
                self.paused = false;
                Ok(None)
            }
            _ if self.paused && !action.takes_effect_at_once() => Err(ApplyError::Paused),
            Action::Code(code_hash) => {
                ink::env::set_code_hash::<DefaultEnvironment>(&code_hash)
                    .map_err(|_| ApplyError::CodeNotFound)?;
                Ok(None)
            }
            Action::HandOver(governor) => {
                self.governor = governor;
                Ok(None)
            }
            own => Ok(Some(own)),
        }
    }

    /// The last step of every contract's `apply`: announces `action` as applied (the
    /// governor that asked, the one before a hand-over).
    pub fn applied(&self, action: Action, by: AccountId) {
        ink::env::emit_event::<DefaultEnvironment, _>(ActionApplied {
            action,
            governor: by,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ink::env::test;

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

    fn as_(who: u8) {
        test::set_caller::<DefaultEnvironment>(AccountId::from([who; 32]));
    }

    #[ink::test]
    fn only_the_governor_applies_and_a_pause_lets_only_narrowing_actions_through() {
        let governor = AccountId::from([1; 32]);
        let mut g = Governance::new(governor);
        assert_eq!((g.governor(), g.is_paused()), (governor, false));
        assert_eq!(g.ensure_running(), Ok(()));
        as_(2);
        assert_eq!(g.apply(Action::Pause), Err(ApplyError::NotGovernor));
        assert!(!g.is_paused());
        as_(1);
        assert_eq!(g.apply(Action::Unpause), Err(ApplyError::NotPaused));
        assert_eq!(g.apply(Action::Pause), Ok(None));
        assert!(g.is_paused());
        assert_eq!(g.ensure_running(), Err(Paused));
        assert_eq!(g.apply(Action::Pause), Err(ApplyError::Paused));
        let other = AccountId::from([3; 32]);
        for delayed in [
            Action::Code(Hash::from([2; 32])),
            Action::Peer(PeerRole::Consent, other),
            Action::Issuer(other, KindSet::EMPTY),
            Action::Regulator(other),
            Action::BreakGlass(1, 1, 1),
            Action::RecoverSurplus(other),
            Action::HandOver(other),
        ] {
            assert_eq!(g.apply(delayed), Err(ApplyError::Paused), "{delayed:?}");
        }
        let narrowing = Action::RemoveRegulator(other);
        assert_eq!(g.apply(narrowing), Ok(Some(narrowing)));
        assert_eq!(g.apply(Action::Unpause), Ok(None));
        assert!(!g.is_paused());
        let own = Action::Regulator(other);
        assert_eq!(g.apply(own), Ok(Some(own)));
        // A hand-over: the new governor alone applies from now on.
        assert_eq!(g.apply(Action::HandOver(other)), Ok(None));
        assert_eq!(g.governor(), other);
        assert_eq!(g.apply(Action::Pause), Err(ApplyError::NotGovernor));
        g.applied(Action::HandOver(other), governor);
        let event: ActionApplied = crate::testing::last_recorded();
        assert_eq!(
            (event.action, event.governor),
            (Action::HandOver(other), governor)
        );
    }

    /// A contract for the shared `apply` body: it records its own actions, and refuses
    /// a regulator.
    struct Registry {
        governance: Governance,
        own: Vec<Action>,
    }

    impl Governs for Registry {
        fn governance(&mut self) -> &mut Governance {
            &mut self.governance
        }
        fn apply_own(&mut self, action: Action) -> Result<(), ApplyError> {
            match action {
                Action::Regulator(_) => Err(ApplyError::Invalid),
                Action::Peer(..) => {
                    self.own.push(action);
                    Ok(())
                }
                _ => Err(ApplyError::Unsupported),
            }
        }
    }

    #[ink::test]
    fn the_shared_apply_runs_the_rules_then_the_contracts_own_action_then_announces_it() {
        let governor = AccountId::from([1; 32]);
        let other = AccountId::from([3; 32]);
        let mut r = Registry {
            governance: Governance::new(governor),
            own: Vec::new(),
        };
        let peer = Action::Peer(PeerRole::Consent, other);
        as_(2);
        assert_eq!(apply(&mut r, peer), Err(ApplyError::NotGovernor));
        as_(1);
        assert_eq!(
            apply(&mut r, Action::Regulator(other)),
            Err(ApplyError::Invalid)
        );
        assert_eq!(
            apply(&mut r, Action::RecoverSurplus(other)),
            Err(ApplyError::Unsupported)
        );
        assert!(r.own.is_empty());
        assert_eq!(ink::env::test::recorded_events().count(), 0);
        assert_eq!(apply(&mut r, peer), Ok(()));
        assert_eq!(r.own, vec![peer]);
        let event: ActionApplied = crate::testing::last_recorded();
        assert_eq!((event.action, event.governor), (peer, governor));
        // The shared rules' own actions never reach the contract.
        assert_eq!(apply(&mut r, Action::Pause), Ok(()));
        assert_eq!(r.own, vec![peer]);
        assert!(r.governance.is_paused());
    }

    #[test]
    fn a_code_change_is_the_shared_rules_never_the_contracts() {
        // Off-chain, `set_code_hash` is not implemented (it panics): reaching it proves
        // that `Code` is switched here, not handed to the contract as its own action.
        let reached_set_code_hash = std::panic::catch_unwind(|| {
            let mut answer = None;
            ink::env::test::run_test::<DefaultEnvironment, _>(|accounts| {
                test::set_caller::<DefaultEnvironment>(accounts.alice);
                let mut g = Governance::new(accounts.alice);
                answer = Some(g.apply(Action::Code(Hash::from([9; 32]))));
                Ok(())
            })
            .ok();
            answer
        });
        assert!(
            reached_set_code_hash.is_err(),
            "Code was handed on: {reached_set_code_hash:?}"
        );
    }
}
