//! # trapping_peer
//!
//! A test contract, no part of the product: it implements the suite's cross-contract
//! interfaces (`CredentialVerifier`, `ConsentVerifier`, `MonitoringVerifier`,
//! `Governed`) with messages that **trap**, the
//! way a broken or malicious peer would (out of gas, a bug, an upgrade gone wrong). The
//! sandbox tests point a contract's peer address at it and check that every message
//! asking the peer fails with the typed `...ContractTrapped` error and changes nothing.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod trapping_peer {
    use healthcare_traits::{
        Action, ApplyError, ClaimConsent, ClaimConsentQuery, ConsentVerifier, CredentialKind,
        CredentialQuery, CredentialVerifier, DataCategories, DataCategory, Governed, KindSet,
        MonitoringVerifier, Purpose,
    };
    use ink::prelude::vec::Vec;

    /// No state.
    #[ink(storage)]
    #[derive(Default)]
    pub struct TrappingPeer {}

    impl TrappingPeer {
        /// A peer that traps on every query.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {}
        }

        /// A message that does not trap, so that the contract is callable at all.
        #[ink(message)]
        pub fn alive(&self) -> bool {
            true
        }
    }

    /// Traps: a panic in a contract aborts its execution (`unreachable` in the WASM).
    fn trap() -> ! {
        panic!("trapping_peer traps by design")
    }

    impl CredentialVerifier for TrappingPeer {
        /// Traps.
        #[ink(message)]
        fn is_valid_at(&self, _subject: AccountId, _kind: CredentialKind, _at: Timestamp) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn any_valid_at(&self, _subject: AccountId, _kinds: KindSet, _at: Timestamp) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn any_valid_at_each(&self, _queries: Vec<CredentialQuery>) -> Vec<bool> {
            trap()
        }
    }

    impl ConsentVerifier for TrappingPeer {
        /// Traps.
        #[ink(message)]
        fn has_consent(
            &self,
            _patient: AccountId,
            _grantee: AccountId,
            _purpose: Purpose,
            _category: DataCategory,
            _at: Timestamp,
        ) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn has_care_relationship(
            &self,
            _patient: AccountId,
            _provider: AccountId,
            _at: Timestamp,
        ) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn has_consent_all(
            &self,
            _patient: AccountId,
            _grantee: AccountId,
            _purpose: Purpose,
            _categories: DataCategories,
            _at: Timestamp,
        ) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn has_consent_all_each(
            &self,
            _patients: Vec<AccountId>,
            _grantee: AccountId,
            _purpose: Purpose,
            _categories: DataCategories,
            _at: Timestamp,
        ) -> Vec<bool> {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn has_consent_each(
            &self,
            _patient: AccountId,
            _grantees: Vec<AccountId>,
            _purpose: Purpose,
            _category: DataCategory,
            _at: Timestamp,
        ) -> Vec<bool> {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn acts_for_now(&self, _patient: AccountId, _account: AccountId) -> bool {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn claim_consent(
            &self,
            _patient: AccountId,
            _payer: AccountId,
            _provider: AccountId,
            _at: Timestamp,
        ) -> ClaimConsent {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn claim_consent_each(&self, _queries: Vec<ClaimConsentQuery>) -> Vec<ClaimConsent> {
            trap()
        }
    }

    impl MonitoringVerifier for TrappingPeer {
        /// Traps.
        #[ink(message)]
        fn monitored_days_until(
            &self,
            _patient: AccountId,
            _provider: AccountId,
            _until: Timestamp,
        ) -> u32 {
            trap()
        }
    }

    impl Governed for TrappingPeer {
        /// Traps.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            trap()
        }

        /// Traps.
        #[ink(message)]
        fn apply(&mut self, _action: Action) -> Result<(), ApplyError> {
            trap()
        }
    }
}
