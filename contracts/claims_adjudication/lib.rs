//! # claims_adjudication
//!
//! **Skeleton.** This crate holds the contract's constructor, its administrative state
//! and the addresses of the peer contracts it will call; its behaviour is specified by
//! its own issue and is not implemented yet.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod claims_adjudication {
    use healthcare_traits::Admin;

    /// The contract's storage.
    #[ink(storage)]
    pub struct ClaimsAdjudication {
        /// Owner, pending owner, pause flag.
        admin: Admin,
        /// The staff_credentials contract (provider and payer checks).
        credentials: AccountId,
        /// The consent_registry contract (payment consent checks).
        consent: AccountId,
    }

    impl ClaimsAdjudication {
        /// Creates the contract, owned by the caller.
        #[ink(constructor)]
        pub fn new(credentials: AccountId, consent: AccountId) -> Self {
            Self {
                admin: Admin::new(Self::env().caller()),
                credentials,
                consent,
            }
        }

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The peer contracts: (staff_credentials, consent_registry).
        #[ink(message)]
        pub fn peer_contracts(&self) -> (AccountId, AccountId) {
            (self.credentials, self.consent)
        }
    }
}
