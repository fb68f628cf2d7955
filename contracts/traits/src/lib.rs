//! # healthcare-traits
//!
//! The one crate every contract of the healthcare suite shares. It is a plain `no_std`
//! library, **not** a contract: contracts call each other *by address* through the
//! `#[ink::trait_definition]` interfaces defined here, never through each other's crates.
//!
//! * [`credentials`]: [`CredentialKind`], [`KindSet`] and the [`CredentialVerifier`]
//!   interface ("did `subject` hold a valid credential of `kind` at `at`?"), implemented by
//!   `staff_credentials`.
//! * [`consent`]: [`Purpose`] (HL7 v3 PurposeOfUse), [`DataCategory`] / [`DataCategories`]
//!   and the [`ConsentVerifier`] interface ("does `patient` consent to `grantee` for
//!   `purpose` and `category` at `at`?"), implemented by `consent_registry`.
//! * [`governance`]: the [`Action`]s the consortium's governor (`contracts/governor`)
//!   applies to a suite contract, the [`Governed`] interface through which it applies
//!   them, and [`Governance`], the governor address and pause flag every contract
//!   embeds, with the rules they share.
//! * [`monitoring`]: [`Loinc`] codes of measured quantities, the CPT 99454 rule and the
//!   [`MonitoringVerifier`] interface ("how many days of the 30 before this date had
//!   device data?"), implemented by `remote_monitoring` and asked by the claims contract.
//! * [`anchoring`]: Merkle roots of off-chain records with inclusion proofs checked on
//!   chain, and the ECDSA signatures of the devices that anchor them.
//! * [`timeline`]: the point-in-time index of records in force over a span (credentials,
//!   consents, care relationships), bounded in cost whatever the history.
//! * [`peer`]: how a cross-contract call's failure layers map to one [`PeerError`], and
//!   [`peer::ask`], the suite's questions to its peers by address.
//! * [`paging`]: the page bound every list getter uses.
//! * [`ensure!`]: early return with a typed error.
//! * `signer` (tests and the `testing` feature): a test device that signs like one in
//!   the field.
//! * `stand_in` (tests and the `testing` feature): the peers as the contracts' off-chain
//!   unit tests see them.
//! * `testing` (std only): the run length and report line of the contracts' model-based
//!   random tests.
//!
//! All timestamps are [`Timestamp`]s: milliseconds since the Unix epoch, the unit of
//! `pallet-timestamp` and of `self.env().block_timestamp()`.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod anchoring;
pub mod consent;
pub mod credentials;
pub mod governance;
pub mod monitoring;
pub mod paging;
pub mod peer;
#[cfg(any(test, feature = "testing"))]
pub mod signer;
#[cfg(any(test, feature = "testing"))]
pub mod stand_in;
#[cfg(feature = "std")]
pub mod testing;
pub mod timeline;

pub use consent::{
    ClaimConsent, ClaimConsentQuery, ConsentVerifier, DataCategories, DataCategory, Purpose,
    PurposeSet,
};
pub use credentials::{CredentialKind, CredentialQuery, CredentialVerifier, KindSet};
pub use governance::{Action, ApplyError, Governance, Governed, PeerRole};
pub use monitoring::{Loinc, MonitoringVerifier};
pub use paging::{append_indexed, page_range, MAX_PAGE_SIZE};
pub use peer::{flatten_peer_result, PeerError};

/// Milliseconds since the Unix epoch (the block timestamp unit of `pallet-timestamp`).
pub type Timestamp = u64;
/// The account type of the default ink! environment.
pub type AccountId = ink::primitives::AccountId;
/// The hash type of the default ink! environment (code hashes, document hashes).
pub type Hash = ink::primitives::Hash;
/// The balance type of the default ink! environment.
pub type Balance = <ink::env::DefaultEnvironment as ink::env::Environment>::Balance;

/// The most queries a batch query ([`CredentialVerifier::any_valid_at_each`],
/// [`ConsentVerifier::claim_consent_each`]) answers: what one batch of claims asks.
pub const MAX_BATCH_QUERIES: usize = 100;

/// One hour in [`Timestamp`] units.
pub const HOUR: Timestamp = 60 * 60 * 1000;
/// One day in [`Timestamp`] units.
pub const DAY: Timestamp = 24 * HOUR;

/// Returns early with `Err(From::from($err))` when `$cond` is false.
///
/// ```
/// # use healthcare_traits::ensure;
/// fn check(x: u32) -> Result<(), &'static str> {
///     ensure!(x > 2, "too small");
///     Ok(())
/// }
/// assert!(check(1).is_err());
/// ```
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $err:expr $(,)?) => {
        if !$cond {
            return ::core::result::Result::Err(::core::convert::From::from($err));
        }
    };
}
