//! The credential registry's data and rules in plain Rust (no storage, no environment):
//! the error enum, credentials with their status timelines, request validation and who
//! may change a credential. The contract in `lib.rs` stores these and calls the rules.

use crate::identifiers;
use healthcare_traits::{AccountId, CredentialKind, Hash, KindSet, Timestamp};
use ink::prelude::vec::Vec;

/// Identifier of a credential, assigned in issue order from 1.
pub type CredentialId = u64;
/// An issuer's reason code for a suspension or revocation (e.g. a board action code).
pub type ReasonCode = u16;

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller is not an issuer.
    NotIssuer,
    /// The issuer may not issue (or no longer handles) this kind.
    KindNotAllowed,
    /// The account is not an issuer.
    UnknownIssuer,
    /// An issuer's kind set is empty or names unknown kinds.
    InvalidKindSet,
    /// A narrowing (`NarrowIssuer`) to a set that is not a subset of the issuer's kinds
    /// (widening is an `Issuer` action, which waits the governor's delay).
    NotANarrowing,
    /// No credential has this id.
    UnknownCredential,
    /// The caller may not make this change to this credential (it did not issue it, and
    /// its issuer still holds its kind; or only its issuer may renew or reinstate it).
    NotCredentialIssuer,
    /// `valid_until` is not after `valid_from`.
    InvalidPeriod,
    /// The primary-source verification time lies in the future.
    VerificationInFuture,
    /// The identifier of an NPI registration fails the NPI format or check digit.
    InvalidNpi,
    /// The identifier of a DEA registration fails the DEA format or check digit.
    InvalidDea,
    /// The identifier is empty, too long or not printable ASCII.
    InvalidIdentifier,
    /// The jurisdiction is not two upper-case letters.
    InvalidJurisdiction,
    /// The specialty is missing (board certification) or not a 10-character code.
    InvalidSpecialty,
    /// The subject holds too many credentials of this kind around this period (the
    /// point-in-time index is full there; see the crate documentation).
    TooManyCredentials,
    /// The credential's status history is full (`MAX_STATUS_CHANGES`).
    HistoryFull,
    /// Only an active credential can be suspended.
    NotActive,
    /// Only a suspended credential can be reinstated.
    NotSuspended,
    /// The credential is revoked; revocation is final.
    AlreadyRevoked,
    /// The credential has expired; issue a new one instead of renewing.
    CredentialExpired,
    /// A renewal must move `valid_until` later.
    RenewalNotLater,
    /// A renewal's verification is older than the credential's latest one.
    StaleVerification,
    /// A counter would overflow.
    Overflow,
}

healthcare_traits::impl_from_paused!(Error);

/// The result type of every fallible message.
pub type Result<T> = core::result::Result<T, Error>;

/// A credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Status {
    /// In good standing.
    Active,
    /// Temporarily not valid; may be reinstated.
    Suspended,
    /// Permanently not valid.
    Revoked,
}

/// One entry of a credential's status timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct StatusChange {
    /// Block time from which the status holds.
    pub at: Timestamp,
    /// The status from then on.
    pub status: Status,
    /// The reason code (0 for a reinstatement).
    pub reason: ReasonCode,
}

/// What an issuer submits to issue a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct CredentialRequest {
    /// The account that holds the credential.
    pub subject: AccountId,
    /// What it attests.
    pub kind: CredentialKind,
    /// Two-letter state or country code of the issuing jurisdiction.
    pub jurisdiction: [u8; 2],
    /// NUCC taxonomy / specialty code; required for a board certification.
    pub specialty: Option<[u8; 10]>,
    /// Licence or registration number (the NPI for an NPI registration).
    pub identifier: Vec<u8>,
    /// Start of validity.
    pub valid_from: Timestamp,
    /// End of validity (exclusive).
    pub valid_until: Timestamp,
    /// Hash of the verified source document.
    pub evidence_hash: Hash,
    /// When the issuer verified it at the primary source (not in the future).
    pub verified_at: Timestamp,
}

impl CredentialRequest {
    /// The credential this request issues as `id`, by `issuer` at `now`, with no status
    /// change yet.
    pub fn credential(self, id: CredentialId, issuer: AccountId, now: Timestamp) -> Credential {
        Credential {
            id,
            subject: self.subject,
            kind: self.kind,
            issuer,
            jurisdiction: self.jurisdiction,
            specialty: self.specialty,
            identifier: self.identifier,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            evidence_hash: self.evidence_hash,
            verified_at: self.verified_at,
            issued_at: now,
            history: Vec::new(),
        }
    }
}

/// A credential as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Credential {
    /// Its id.
    pub id: CredentialId,
    /// The holder.
    pub subject: AccountId,
    /// What it attests.
    pub kind: CredentialKind,
    /// The issuer that issued it (and alone may renew or reinstate it).
    pub issuer: AccountId,
    /// Issuing jurisdiction.
    pub jurisdiction: [u8; 2],
    /// Specialty / taxonomy code.
    pub specialty: Option<[u8; 10]>,
    /// Licence or registration number.
    pub identifier: Vec<u8>,
    /// Start of validity.
    pub valid_from: Timestamp,
    /// End of validity (exclusive); extended by renewals.
    pub valid_until: Timestamp,
    /// Hash of the latest verified source document.
    pub evidence_hash: Hash,
    /// Time of the latest primary-source verification.
    pub verified_at: Timestamp,
    /// Block time of issuance.
    pub issued_at: Timestamp,
    /// Status changes in time order; the status before the first one is active.
    pub history: Vec<StatusChange>,
}

impl Credential {
    /// The status in force at `at`.
    pub fn status_at(&self, at: Timestamp) -> Status {
        self.history
            .iter()
            .rev()
            .find(|change| change.at <= at)
            .map_or(Status::Active, |change| change.status)
    }

    /// The current status (the last change, or active).
    pub fn status(&self) -> Status {
        self.history
            .last()
            .map_or(Status::Active, |change| change.status)
    }

    /// True if the credential was valid at `at`.
    pub fn is_valid_at(&self, at: Timestamp) -> bool {
        self.valid_from <= at && at < self.valid_until && self.status_at(at) == Status::Active
    }

    /// The number of status changes recorded.
    pub fn history_len(&self) -> u32 {
        u32::try_from(self.history.len()).unwrap_or(u32::MAX)
    }
}

/// An issuer: the kinds it may issue and its place in the paged list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct IssuerInfo {
    /// The kinds it may issue.
    pub kinds: KindSet,
    /// Its index in the issuer list.
    pub(crate) index: u32,
}

/// A change to an existing credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Extend its validity.
    Renew,
    /// Lift a suspension.
    Reinstate,
    /// Suspend it.
    Suspend,
    /// Revoke it for good.
    Revoke,
}

impl Action {
    /// Suspension and revocation make patients safer: they never wait for the pause to
    /// be lifted and stay possible when the credential's issuer is gone.
    pub const fn is_safety_action(self) -> bool {
        matches!(self, Action::Suspend | Action::Revoke)
    }
}

/// Who may make `action` to a credential of `kind` issued by `credential_issuer`:
/// `caller_kinds` are the caller's kinds if it is an issuer, `issuer_kinds` the
/// credential issuer's kinds if it is still an issuer.
///
/// * The issuer of the credential, while it may still issue the kind: every action.
/// * Any issuer allowed the kind: suspension and revocation of a credential whose issuer
///   is gone or no longer handles the kind (stewardship passes to the kind's issuers,
///   but renewal and reinstatement need the original issuer or a new credential).
///
/// (The governor suspends or revokes any credential through `apply`, without this check.)
pub fn authorise(
    action: Action,
    kind: CredentialKind,
    credential_issuer: AccountId,
    caller: AccountId,
    caller_kinds: Option<KindSet>,
    issuer_kinds: Option<KindSet>,
) -> Result<()> {
    let kinds = caller_kinds.ok_or(Error::NotIssuer)?;
    if !kinds.contains(kind) {
        return Err(Error::KindNotAllowed);
    }
    if caller == credential_issuer {
        return Ok(());
    }
    let stewardless = !issuer_kinds.is_some_and(|issuer| issuer.contains(kind));
    if stewardless && action.is_safety_action() {
        Ok(())
    } else {
        Err(Error::NotCredentialIssuer)
    }
}

/// Checks a request against the formats of its kind (`now` bounds the verification time).
pub fn validate(request: &CredentialRequest, now: Timestamp) -> Result<()> {
    use healthcare_traits::ensure;
    ensure!(
        request.valid_until > request.valid_from,
        Error::InvalidPeriod
    );
    ensure!(request.verified_at <= now, Error::VerificationInFuture);
    ensure!(
        identifiers::is_valid_jurisdiction(&request.jurisdiction),
        Error::InvalidJurisdiction
    );
    match request.specialty {
        Some(code) => ensure!(
            identifiers::is_valid_taxonomy(&code),
            Error::InvalidSpecialty
        ),
        None => ensure!(
            request.kind != CredentialKind::BoardCertification,
            Error::InvalidSpecialty
        ),
    }
    ensure!(
        identifiers::is_valid_identifier(&request.identifier),
        Error::InvalidIdentifier
    );
    match request.kind {
        CredentialKind::NpiRegistration => {
            ensure!(
                identifiers::is_valid_npi(&request.identifier),
                Error::InvalidNpi
            )
        }
        CredentialKind::DeaRegistration => {
            ensure!(
                identifiers::is_valid_dea(&request.identifier),
                Error::InvalidDea
            )
        }
        _ => {}
    }
    Ok(())
}

/// Checks an issuer's kind set: not empty, only known kinds.
pub fn valid_kind_set(kinds: KindSet) -> Result<()> {
    if !kinds.is_empty() && kinds.is_well_formed() {
        Ok(())
    } else {
        Err(Error::InvalidKindSet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MED: CredentialKind = CredentialKind::MedicalLicence;

    fn who(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[test]
    fn stewardship_rules() {
        let med = Some(KindSet::of(&[MED]));
        let other = Some(KindSet::of(&[CredentialKind::PharmacistLicence]));
        let (issuer, peer, stranger) = (who(1), who(2), who(3));
        for action in [
            Action::Renew,
            Action::Reinstate,
            Action::Suspend,
            Action::Revoke,
        ] {
            // The issuer itself, still allowed the kind: everything.
            assert_eq!(authorise(action, MED, issuer, issuer, med, med), Ok(()));
            // The issuer narrowed: nothing.
            assert_eq!(
                authorise(action, MED, issuer, issuer, other, other),
                Err(Error::KindNotAllowed)
            );
            // Another issuer of the kind while the issuer still handles it: nothing.
            assert_eq!(
                authorise(action, MED, issuer, peer, med, med),
                Err(Error::NotCredentialIssuer)
            );
            // Not an issuer.
            assert_eq!(
                authorise(action, MED, issuer, stranger, None, med),
                Err(Error::NotIssuer)
            );
            let safety = action.is_safety_action();
            // The issuer removed or narrowed: the kind's issuers may only suspend / revoke.
            for issuer_kinds in [None, other] {
                assert_eq!(
                    authorise(action, MED, issuer, peer, med, issuer_kinds).is_ok(),
                    safety
                );
            }
        }
    }
}
