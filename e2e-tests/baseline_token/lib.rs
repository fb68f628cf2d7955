//! # baseline_token
//!
//! A minimal fungible token (balances and `transfer`, nothing else), built with the same
//! toolchain and release profile as the suite. It is no part of the product: the
//! performance report (`scripts/bench.sh`, `docs/performance.md`) measures every message
//! of the suite against the cost of this `transfer`, the smallest useful state change a
//! contract can make (two balance reads, two balance writes, one event).
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
pub mod baseline_token {
    use ink::storage::Mapping;

    /// Balances and the total supply.
    #[ink(storage)]
    pub struct BaselineToken {
        total_supply: Balance,
        balances: Mapping<AccountId, Balance>,
    }

    /// Errors.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The sender's balance is lower than the amount.
        InsufficientBalance,
    }

    /// Result of this contract's messages.
    pub type Result<T> = core::result::Result<T, Error>;

    /// Tokens moved.
    #[ink(event)]
    pub struct Transferred {
        /// Sender.
        #[ink(topic)]
        from: AccountId,
        /// Recipient.
        #[ink(topic)]
        to: AccountId,
        /// Amount.
        value: Balance,
    }

    impl BaselineToken {
        /// Mints `total_supply` to the caller.
        #[ink(constructor)]
        pub fn new(total_supply: Balance) -> Self {
            let mut balances = Mapping::default();
            balances.insert(Self::env().caller(), &total_supply);
            Self {
                total_supply,
                balances,
            }
        }

        /// The total supply.
        #[ink(message)]
        pub fn total_supply(&self) -> Balance {
            self.total_supply
        }

        /// The balance of `owner`.
        #[ink(message)]
        pub fn balance_of(&self, owner: AccountId) -> Balance {
            self.balances.get(owner).unwrap_or(0)
        }

        /// Moves `value` from the caller to `to`.
        #[ink(message)]
        pub fn transfer(&mut self, to: AccountId, value: Balance) -> Result<()> {
            let from = self.env().caller();
            let from_balance = self.balance_of(from);
            let remaining = from_balance
                .checked_sub(value)
                .ok_or(Error::InsufficientBalance)?;
            self.balances.insert(from, &remaining);
            let to_balance = self.balance_of(to);
            // Cannot overflow: the sum of all balances is the total supply.
            self.balances.insert(to, &to_balance.saturating_add(value));
            self.env().emit_event(Transferred { from, to, value });
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[ink::test]
        fn transfer_moves_tokens_and_refuses_overdrafts() {
            let accounts = ink::env::test::default_accounts::<ink::env::DefaultEnvironment>();
            let mut token = BaselineToken::new(100);
            assert_eq!(token.transfer(accounts.bob, 30), Ok(()));
            assert_eq!(token.balance_of(accounts.alice), 70);
            assert_eq!(token.balance_of(accounts.bob), 30);
            assert_eq!(token.total_supply(), 100);
            assert_eq!(
                token.transfer(accounts.bob, 71),
                Err(Error::InsufficientBalance)
            );
        }
    }
}
