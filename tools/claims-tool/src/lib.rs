//! # claims-tool
//!
//! The payers' and providers' claims tool (`scripts/claims.sh`): X12 837P files (or their
//! CSV form) are read ([`x12in`], [`x837`], [`csvin`]), mapped to on-chain claims through a directory
//! of member and provider accounts ([`directory`], [`claim`]) for the providers the
//! authenticated sender may send for ([`partners`]), submitted in batches of
//! `submit_claims` ([`chain`]) and answered per input file with an X12 835 remittance and a CSV ([`remit`]), a 999
//! acknowledgement of its syntax ([`ack`]) and a 277CA acknowledgement of each claim
//! ([`x277`]), in the payer's name ([`payer`]). Everything but [`chain`] is plain Rust, tested without a node.

pub mod ack;
pub mod chain;
pub mod claim;
pub mod csvin;
pub mod directory;
pub mod partners;
pub mod payer;
pub mod remit;
pub mod reversal;
pub mod setup;
pub mod x12in;
pub mod x277;
pub mod x837;
pub mod x837p;

/// x12-types' parser derive writes `crate::util::Parser`: here x12-types' own trait, so
/// that the grammar in [`x837p`] parses with the crate's segment parsers and
/// `Transmission`.
mod util {
    pub(crate) use x12_types::util::Parser;
}

#[cfg(test)]
mod tests;
