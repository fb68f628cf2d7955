//! # consent_registry
//!
//! **Skeleton.** This crate holds the contract's constructor, its administrative state
//! and the addresses of the peer contracts it will call; its behaviour is specified by
//! its own issue and is not implemented yet.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod consent_registry {
    use healthcare_traits::Admin;

    /// The contract's storage.
    #[ink(storage)]
    pub struct ConsentRegistry {
        /// Owner, pending owner, pause flag.
        admin: Admin,
        /// The staff_credentials contract (break-glass checks).
        credentials: AccountId,
    }

    impl ConsentRegistry {
        /// Creates the contract, owned by the caller.
        #[ink(constructor)]
        pub fn new(credentials: AccountId) -> Self {
            Self {
                admin: Admin::new(Self::env().caller()),
                credentials,
            }
        }

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The staff_credentials contract this registry asks.
        #[ink(message)]
        pub fn credentials_contract(&self) -> AccountId {
            self.credentials
        }
    }
}
