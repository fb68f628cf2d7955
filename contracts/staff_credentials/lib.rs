//! # staff_credentials
//!
//! The credential registry of the healthcare suite: licensing authorities (*issuers*)
//! issue, renew, suspend, reinstate and revoke credentials of persons and organisations
//! (medical, nursing and pharmacist licences, NPI and DEA registrations, board
//! certifications, manufacturer / wholesaler / pharmacy / payer licences). Other contracts
//! ask it, by address, through [`healthcare_traits::CredentialVerifier`]: "did this account hold a valid
//! credential of kind K at time T?".
//!
//! ## Roles
//! * **owner** (the instantiator; two-step transfer): appoints and removes issuers and sets
//!   the kinds each may issue; pauses and unpauses; upgrades the code (`set_code`).
//! * **issuer** (a licensing authority): issues credentials of its allowed kinds and
//!   renews, suspends, reinstates and revokes the credentials *it* issued, while it is
//!   still allowed their kind. When an issuer is removed, its credentials keep their
//!   validity and are taken over by every issuer allowed their kind, so that they can
//!   still be suspended or revoked.
//! * **subject**: the account holding a credential. Anyone may read everything: the
//!   registry holds professional data only (licence numbers, codes, hashes of the verified
//!   documents), never health data.
//!
//! ## Validity at a point in time
//! A credential is valid at `t` when `valid_from <= t < valid_until` and its status at `t`
//! is active. The status is a timeline: every suspension, reinstatement and revocation is
//! recorded with the block time it was made and only takes effect from then on, so a
//! credential revoked today was still valid yesterday and a lifted suspension leaves a
//! gap. Expiry needs no transaction. A renewal only extends a live credential
//! (`valid_until` grows), so it never changes the answer for a past moment at which the
//! credential had already expired.
//!
//! ## Bounds (every message is O(1) whatever the number of credentials)
//! * [`MAX_STATUS_CHANGES`] status changes per credential (room for a final revocation is
//!   always kept: a suspension or reinstatement that would fill it is refused with
//!   [`Error::HistoryFull`]).
//! * [`MAX_CREDENTIALS_PER_KIND`] credentials per subject and kind, of every status (e.g.
//!   medical licences in that many jurisdictions; a renewal extends a credential and adds
//!   none): [`Error::TooManyCredentials`] beyond. Ended credentials stay counted because
//!   `is_valid_at` must still answer for the past; `is_valid_at` reads at most that many
//!   records.
//! * List getters are paged with at most [`MAX_PAGE_SIZE`] entries a page.
//!
//! ## Invariants
//! * A credential's kind is one its issuer was allowed when it was issued;
//!   `valid_from < valid_until`; an NPI identifier passes the NPI check digit and a DEA
//!   identifier the DEA check digit.
//! * Revocation is final. Status changes are appended, never rewritten.
//! * While paused, issuers can change nothing; the owner can still manage issuers and
//!   every query keeps answering.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::{CredentialKind, KindSet, MAX_PAGE_SIZE};

/// Status changes kept per credential (suspensions, reinstatements, the revocation).
pub const MAX_STATUS_CHANGES: u32 = 16;
/// Credentials one subject may hold of one kind (all statuses, renewals included).
pub const MAX_CREDENTIALS_PER_KIND: u32 = 16;
/// Longest licence / registration identifier, in bytes.
pub const MAX_IDENTIFIER_LEN: u32 = 32;
/// Revision of this code, reported by `code_version`. The `upgrade-rehearsal` feature
/// builds the same contract as revision 2 (same storage layout, another code hash): the
/// node tests upload it and switch a live instance to it with `set_code`.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

/// Identifier validation (NPI and DEA check digits, jurisdiction and taxonomy formats).
pub mod identifiers {
    /// True if `npi` is 10 ASCII digits whose last digit is the Luhn check digit of the
    /// first nine prefixed with `80840` (the NPPES rule).
    pub fn is_valid_npi(npi: &[u8]) -> bool {
        if npi.len() != 10 || !npi.iter().all(u8::is_ascii_digit) {
            return false;
        }
        // Luhn over "80840" + the ten digits: walk from the right, doubling every second.
        let digits = b"80840".iter().chain(npi.iter()).rev();
        let mut sum: u32 = 0;
        for (position, byte) in digits.enumerate() {
            let digit = u32::from(byte.saturating_sub(b'0'));
            let value = if position % 2 == 1 {
                let doubled = digit.saturating_mul(2);
                if doubled > 9 {
                    doubled.saturating_sub(9)
                } else {
                    doubled
                }
            } else {
                digit
            };
            sum = sum.saturating_add(value);
        }
        sum % 10 == 0
    }

    /// True if `dea` is two ASCII letters and seven digits where the last digit is
    /// `(d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10`.
    pub fn is_valid_dea(dea: &[u8]) -> bool {
        let (letters, digits) = dea.split_at(dea.len().min(2));
        if dea.len() != 9
            || !letters.iter().all(u8::is_ascii_uppercase)
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return false;
        }
        let d = |i: usize| u32::from(digits.get(i).copied().unwrap_or(b'0').saturating_sub(b'0'));
        let odd = d(0).saturating_add(d(2)).saturating_add(d(4));
        let even = d(1).saturating_add(d(3)).saturating_add(d(5));
        odd.saturating_add(even.saturating_mul(2)) % 10 == d(6)
    }

    /// True for two upper-case ASCII letters (an ISO 3166 country or a US state code).
    pub fn is_valid_jurisdiction(code: &[u8; 2]) -> bool {
        code.iter().all(u8::is_ascii_uppercase)
    }

    /// True for a NUCC-style taxonomy code: ten upper-case ASCII letters or digits.
    pub fn is_valid_taxonomy(code: &[u8; 10]) -> bool {
        code.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }

    /// True for a non-empty printable-ASCII identifier of at most
    /// [`MAX_IDENTIFIER_LEN`](super::MAX_IDENTIFIER_LEN) bytes.
    pub fn is_valid_identifier(id: &[u8]) -> bool {
        !id.is_empty()
            && u32::try_from(id.len()).is_ok_and(|len| len <= super::MAX_IDENTIFIER_LEN)
            && id.iter().all(|b| b.is_ascii_graphic())
    }
}

#[ink::contract]
pub mod staff_credentials {
    use super::{identifiers, MAX_CREDENTIALS_PER_KIND, MAX_STATUS_CHANGES};
    use healthcare_traits::{
        append_indexed, ensure, page_range, Admin, CredentialKind, CredentialVerifier, KindSet,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// Identifier of a credential, assigned in issue order from 1.
    pub type CredentialId = u64;
    /// An issuer's reason code for a suspension or revocation (e.g. a board action code).
    pub type ReasonCode = u16;
    /// The ids of one subject's credentials of one kind.
    type KindIndex = Vec<CredentialId>;

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is not the owner.
        NotOwner,
        /// The caller is not the proposed next owner.
        NotPendingOwner,
        /// The contract is paused.
        Paused,
        /// `unpause` while not paused.
        NotPaused,
        /// `set_code` with an unknown code hash.
        CodeNotFound,
        /// The caller is not an issuer.
        NotIssuer,
        /// The issuer may not issue this kind.
        KindNotAllowed,
        /// The account is already an issuer.
        IssuerExists,
        /// The account is not an issuer.
        UnknownIssuer,
        /// An issuer's kind set is empty or names unknown kinds.
        InvalidKindSet,
        /// No credential has this id.
        UnknownCredential,
        /// The caller did not issue this credential (and its issuer is still appointed).
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
        /// The subject already holds `MAX_CREDENTIALS_PER_KIND` credentials of this kind.
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

    healthcare_traits::impl_from_admin_error!(Error);

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
        /// The issuer's reason code (0 for a reinstatement).
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
        /// The issuer that issued it (and alone may change it).
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

        fn history_len(&self) -> u32 {
            u32::try_from(self.history.len()).unwrap_or(u32::MAX)
        }
    }

    /// An issuer was appointed.
    #[ink(event)]
    pub struct IssuerAdded {
        /// The issuer.
        #[ink(topic)]
        pub issuer: AccountId,
        /// The kinds it may issue.
        pub kinds: KindSet,
    }

    /// An issuer's allowed kinds changed.
    #[ink(event)]
    pub struct IssuerKindsUpdated {
        /// The issuer.
        #[ink(topic)]
        pub issuer: AccountId,
        /// The kinds it may issue from now on.
        pub kinds: KindSet,
    }

    /// An issuer was removed; the credentials it issued keep their validity.
    #[ink(event)]
    pub struct IssuerRemoved {
        /// The former issuer.
        #[ink(topic)]
        pub issuer: AccountId,
    }

    /// A credential was issued.
    #[ink(event)]
    pub struct CredentialIssued {
        /// Its id.
        #[ink(topic)]
        pub id: CredentialId,
        /// The holder.
        #[ink(topic)]
        pub subject: AccountId,
        /// The issuer.
        #[ink(topic)]
        pub issuer: AccountId,
        /// What it attests.
        pub kind: CredentialKind,
        /// Issuing jurisdiction.
        pub jurisdiction: [u8; 2],
        /// Specialty / taxonomy code.
        pub specialty: Option<[u8; 10]>,
        /// Licence or registration number.
        pub identifier: Vec<u8>,
        /// Start of validity.
        pub valid_from: Timestamp,
        /// End of validity (exclusive).
        pub valid_until: Timestamp,
        /// Hash of the verified source document.
        pub evidence_hash: Hash,
        /// Time of primary-source verification.
        pub verified_at: Timestamp,
    }

    /// A credential's validity was extended.
    #[ink(event)]
    pub struct CredentialRenewed {
        /// Its id.
        #[ink(topic)]
        pub id: CredentialId,
        /// The holder.
        #[ink(topic)]
        pub subject: AccountId,
        /// The new end of validity.
        pub valid_until: Timestamp,
        /// Hash of the newly verified document.
        pub evidence_hash: Hash,
        /// Time of the new primary-source verification.
        pub verified_at: Timestamp,
    }

    /// A credential was suspended from `at` on.
    #[ink(event)]
    pub struct CredentialSuspended {
        /// Its id.
        #[ink(topic)]
        pub id: CredentialId,
        /// The holder.
        #[ink(topic)]
        pub subject: AccountId,
        /// The issuer's reason code.
        pub reason: ReasonCode,
        /// Block time from which it is suspended.
        pub at: Timestamp,
    }

    /// A suspended credential was reinstated from `at` on.
    #[ink(event)]
    pub struct CredentialReinstated {
        /// Its id.
        #[ink(topic)]
        pub id: CredentialId,
        /// The holder.
        #[ink(topic)]
        pub subject: AccountId,
        /// Block time from which it is active again.
        pub at: Timestamp,
    }

    /// A credential was revoked from `at` on, for good.
    #[ink(event)]
    pub struct CredentialRevoked {
        /// Its id.
        #[ink(topic)]
        pub id: CredentialId,
        /// The holder.
        #[ink(topic)]
        pub subject: AccountId,
        /// The issuer's reason code.
        pub reason: ReasonCode,
        /// Block time from which it is revoked.
        pub at: Timestamp,
    }

    /// An issuer: the kinds it may issue and its place in the paged list.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct IssuerInfo {
        /// The kinds it may issue.
        pub kinds: KindSet,
        /// Its index in the issuer list.
        index: u32,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct StaffCredentials {
        /// Owner, pending owner, pause flag.
        admin: Admin,
        /// The id the next credential gets.
        next_id: CredentialId,
        /// Issuers by account.
        issuers: Mapping<AccountId, IssuerInfo>,
        /// Issuer list for paging: index -> account (kept dense by swap-remove).
        issuer_list: Mapping<u32, AccountId>,
        /// Length of `issuer_list`.
        issuer_count: u32,
        /// Credentials by id.
        credentials: Mapping<CredentialId, Credential>,
        /// A subject's credentials in issue order: (subject, index) -> id.
        by_subject: Mapping<(AccountId, u32), CredentialId>,
        /// How many credentials a subject has.
        subject_count: Mapping<AccountId, u32>,
        /// Ids of a subject's credentials of one kind (at most
        /// `MAX_CREDENTIALS_PER_KIND`): what `is_valid_at` reads.
        by_subject_kind: Mapping<(AccountId, CredentialKind), KindIndex>,
    }

    impl StaffCredentials {
        /// Creates the registry, owned by the caller, with no issuers.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                admin: Admin::new(Self::env().caller()),
                next_id: 1,
                issuers: Mapping::default(),
                issuer_list: Mapping::default(),
                issuer_count: 0,
                credentials: Mapping::default(),
                by_subject: Mapping::default(),
                subject_count: Mapping::default(),
                by_subject_kind: Mapping::default(),
            }
        }

        // ---------------------------------------------------------------- admin

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The account proposed as next owner, if any.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            self.admin.pending_owner()
        }

        /// Owner only: proposes `new_owner`, who must call `accept_ownership`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            Ok(self.admin.transfer_ownership(new_owner)?)
        }

        /// Proposed owner only: becomes the owner.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<()> {
            Ok(self.admin.accept_ownership()?)
        }

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.admin.is_paused()
        }

        /// Owner only: pauses every issuer action.
        #[ink(message)]
        pub fn pause(&mut self) -> Result<()> {
            Ok(self.admin.pause()?)
        }

        /// Owner only: lifts the pause.
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<()> {
            Ok(self.admin.unpause()?)
        }

        /// Owner only: replaces this contract's code by the uploaded `code_hash`, keeping
        /// its storage.
        #[ink(message)]
        pub fn set_code(&mut self, code_hash: Hash) -> Result<()> {
            Ok(self.admin.set_code(code_hash)?)
        }

        /// The revision of the code running at this address ([`CODE_VERSION`]), so that an
        /// operator can see which code an upgrade left in place.
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        /// Owner only: appoints `issuer`, allowed to issue `kinds`.
        #[ink(message)]
        pub fn add_issuer(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
            self.admin.ensure_owner()?;
            ensure!(
                !kinds.is_empty() && kinds.is_well_formed(),
                Error::InvalidKindSet
            );
            ensure!(!self.issuers.contains(issuer), Error::IssuerExists);
            let index = self.issuer_count;
            self.issuer_count = index.checked_add(1).ok_or(Error::Overflow)?;
            self.issuers.insert(issuer, &IssuerInfo { kinds, index });
            self.issuer_list.insert(index, &issuer);
            self.env().emit_event(IssuerAdded { issuer, kinds });
            Ok(())
        }

        /// Owner only: changes the kinds `issuer` may issue from now on (credentials
        /// already issued are unaffected).
        #[ink(message)]
        pub fn update_issuer_kinds(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
            self.admin.ensure_owner()?;
            ensure!(
                !kinds.is_empty() && kinds.is_well_formed(),
                Error::InvalidKindSet
            );
            let mut info = self.issuers.get(issuer).ok_or(Error::UnknownIssuer)?;
            info.kinds = kinds;
            self.issuers.insert(issuer, &info);
            self.env().emit_event(IssuerKindsUpdated { issuer, kinds });
            Ok(())
        }

        /// Owner only: removes `issuer`. Its credentials keep their validity but can no
        /// longer be changed by it.
        #[ink(message)]
        pub fn remove_issuer(&mut self, issuer: AccountId) -> Result<()> {
            self.admin.ensure_owner()?;
            let info = self.issuers.take(issuer).ok_or(Error::UnknownIssuer)?;
            // Swap-remove from the dense list: O(1).
            let last = self.issuer_count.checked_sub(1).ok_or(Error::Overflow)?;
            if info.index != last {
                if let Some(moved) = self.issuer_list.get(last) {
                    self.issuer_list.insert(info.index, &moved);
                    if let Some(mut moved_info) = self.issuers.get(moved) {
                        moved_info.index = info.index;
                        self.issuers.insert(moved, &moved_info);
                    }
                }
            }
            self.issuer_list.remove(last);
            self.issuer_count = last;
            self.env().emit_event(IssuerRemoved { issuer });
            Ok(())
        }

        // -------------------------------------------------------------- issuers

        /// Issuer only: issues a credential of a kind the caller may issue. Returns its id.
        #[ink(message)]
        pub fn issue(&mut self, request: CredentialRequest) -> Result<CredentialId> {
            self.admin.ensure_not_paused()?;
            let issuer = self.env().caller();
            let info = self.issuers.get(issuer).ok_or(Error::NotIssuer)?;
            ensure!(info.kinds.contains(request.kind), Error::KindNotAllowed);
            Self::validate(&request, self.env().block_timestamp())?;

            let key = (request.subject, request.kind);
            let mut of_kind = self.by_subject_kind.get(key).unwrap_or_default();
            ensure!(
                u32::try_from(of_kind.len()).is_ok_and(|n| n < MAX_CREDENTIALS_PER_KIND),
                Error::TooManyCredentials
            );
            let id = self.next_id;
            self.next_id = id.checked_add(1).ok_or(Error::Overflow)?;
            append_indexed(
                &mut self.by_subject,
                &mut self.subject_count,
                request.subject,
                &id,
            )
            .ok_or(Error::Overflow)?;
            of_kind.push(id);
            self.by_subject_kind.insert(key, &of_kind);
            let credential = Credential {
                id,
                subject: request.subject,
                kind: request.kind,
                issuer,
                jurisdiction: request.jurisdiction,
                specialty: request.specialty,
                identifier: request.identifier,
                valid_from: request.valid_from,
                valid_until: request.valid_until,
                evidence_hash: request.evidence_hash,
                verified_at: request.verified_at,
                issued_at: self.env().block_timestamp(),
                history: Vec::new(),
            };
            self.credentials.insert(id, &credential);
            self.env().emit_event(CredentialIssued {
                id,
                subject: credential.subject,
                issuer,
                kind: credential.kind,
                jurisdiction: credential.jurisdiction,
                specialty: credential.specialty,
                identifier: credential.identifier,
                valid_from: credential.valid_from,
                valid_until: credential.valid_until,
                evidence_hash: credential.evidence_hash,
                verified_at: credential.verified_at,
            });
            Ok(id)
        }

        /// The credential's issuer only: extends a live (unexpired, unrevoked) credential
        /// to `valid_until` after a new primary-source verification.
        #[ink(message)]
        pub fn renew(
            &mut self,
            id: CredentialId,
            valid_until: Timestamp,
            evidence_hash: Hash,
            verified_at: Timestamp,
        ) -> Result<()> {
            let now = self.env().block_timestamp();
            let mut credential = self.editable(id)?;
            ensure!(
                credential.status() != Status::Revoked,
                Error::AlreadyRevoked
            );
            ensure!(now < credential.valid_until, Error::CredentialExpired);
            ensure!(valid_until > credential.valid_until, Error::RenewalNotLater);
            ensure!(verified_at <= now, Error::VerificationInFuture);
            ensure!(
                verified_at >= credential.verified_at,
                Error::StaleVerification
            );
            credential.valid_until = valid_until;
            credential.evidence_hash = evidence_hash;
            credential.verified_at = verified_at;
            self.credentials.insert(id, &credential);
            self.env().emit_event(CredentialRenewed {
                id,
                subject: credential.subject,
                valid_until,
                evidence_hash,
                verified_at,
            });
            Ok(())
        }

        /// The credential's issuer only: suspends an active credential from now on.
        #[ink(message)]
        pub fn suspend(&mut self, id: CredentialId, reason: ReasonCode) -> Result<()> {
            let mut credential = self.editable(id)?;
            match credential.status() {
                Status::Active => {}
                Status::Revoked => return Err(Error::AlreadyRevoked),
                Status::Suspended => return Err(Error::NotActive),
            }
            let at = self.record(&mut credential, Status::Suspended, reason, 2)?;
            self.env().emit_event(CredentialSuspended {
                id,
                subject: credential.subject,
                reason,
                at,
            });
            Ok(())
        }

        /// The credential's issuer only: lifts a suspension from now on (the suspended
        /// period stays a gap in validity).
        #[ink(message)]
        pub fn reinstate(&mut self, id: CredentialId) -> Result<()> {
            let mut credential = self.editable(id)?;
            match credential.status() {
                Status::Suspended => {}
                Status::Revoked => return Err(Error::AlreadyRevoked),
                Status::Active => return Err(Error::NotSuspended),
            }
            let at = self.record(&mut credential, Status::Active, 0, 2)?;
            self.env().emit_event(CredentialReinstated {
                id,
                subject: credential.subject,
                at,
            });
            Ok(())
        }

        /// The credential's issuer only: revokes it from now on, for good.
        #[ink(message)]
        pub fn revoke(&mut self, id: CredentialId, reason: ReasonCode) -> Result<()> {
            let mut credential = self.editable(id)?;
            ensure!(
                credential.status() != Status::Revoked,
                Error::AlreadyRevoked
            );
            let at = self.record(&mut credential, Status::Revoked, reason, 1)?;
            self.env().emit_event(CredentialRevoked {
                id,
                subject: credential.subject,
                reason,
                at,
            });
            Ok(())
        }

        // -------------------------------------------------------------- queries

        /// The credential with this id.
        #[ink(message)]
        pub fn credential(&self, id: CredentialId) -> Option<Credential> {
            self.credentials.get(id)
        }

        /// True if the credential `id` was valid at `at`.
        #[ink(message)]
        pub fn credential_valid_at(&self, id: CredentialId, at: Timestamp) -> bool {
            self.credentials
                .get(id)
                .is_some_and(|credential| credential.is_valid_at(at))
        }

        /// How many credentials `subject` has (all kinds and statuses).
        #[ink(message)]
        pub fn credential_count_of(&self, subject: AccountId) -> u32 {
            self.subject_count.get(subject).unwrap_or(0)
        }

        /// A page of `subject`'s credentials in issue order (at most `MAX_PAGE_SIZE`).
        #[ink(message)]
        pub fn credentials_of(
            &self,
            subject: AccountId,
            offset: u32,
            limit: u32,
        ) -> Vec<Credential> {
            page_range(offset, limit, self.credential_count_of(subject))
                .filter_map(|i| self.by_subject.get((subject, i)))
                .filter_map(|id| self.credentials.get(id))
                .collect()
        }

        /// The kinds `account` may issue, if it is an issuer.
        #[ink(message)]
        pub fn issuer_kinds(&self, account: AccountId) -> Option<KindSet> {
            self.issuers.get(account).map(|info| info.kinds)
        }

        /// How many issuers there are.
        #[ink(message)]
        pub fn issuer_count(&self) -> u32 {
            self.issuer_count
        }

        /// A page of issuers with their kinds (at most `MAX_PAGE_SIZE`).
        #[ink(message)]
        pub fn issuers(&self, offset: u32, limit: u32) -> Vec<(AccountId, KindSet)> {
            page_range(offset, limit, self.issuer_count)
                .filter_map(|i| self.issuer_list.get(i))
                .filter_map(|account| self.issuers.get(account).map(|info| (account, info.kinds)))
                .collect()
        }

        // -------------------------------------------------------------- helpers

        fn validate(request: &CredentialRequest, now: Timestamp) -> Result<()> {
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

        /// Loads credential `id` for a change by the caller: not paused; the caller is an
        /// issuer still allowed the credential's kind; and it issued the credential, or
        /// the credential's issuer was removed (orphaned credentials are taken over by
        /// the issuers of their kind, so they can still be suspended or revoked).
        fn editable(&self, id: CredentialId) -> Result<Credential> {
            self.admin.ensure_not_paused()?;
            let caller = self.env().caller();
            let info = self.issuers.get(caller).ok_or(Error::NotIssuer)?;
            let credential = self.credentials.get(id).ok_or(Error::UnknownCredential)?;
            ensure!(info.kinds.contains(credential.kind), Error::KindNotAllowed);
            ensure!(
                credential.issuer == caller || !self.issuers.contains(credential.issuer),
                Error::NotCredentialIssuer
            );
            Ok(credential)
        }

        /// Appends a status change at the current block time, keeping `room` history
        /// slots free after it is appended minus one (so a revocation always fits), and
        /// stores the credential. Returns the time of the change.
        fn record(
            &mut self,
            credential: &mut Credential,
            status: Status,
            reason: ReasonCode,
            room: u32,
        ) -> Result<Timestamp> {
            let needed = credential.history_len().saturating_add(room);
            ensure!(needed <= MAX_STATUS_CHANGES, Error::HistoryFull);
            let at = self.env().block_timestamp();
            credential.history.push(StatusChange { at, status, reason });
            self.credentials.insert(credential.id, credential);
            Ok(at)
        }
    }

    impl Default for StaffCredentials {
        fn default() -> Self {
            Self::new()
        }
    }

    impl CredentialVerifier for StaffCredentials {
        /// True if `subject` held a credential of `kind` valid at `at` (reads at most
        /// `MAX_CREDENTIALS_PER_KIND` credentials).
        #[ink(message)]
        fn is_valid_at(&self, subject: AccountId, kind: CredentialKind, at: Timestamp) -> bool {
            self.by_subject_kind
                .get((subject, kind))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| self.credentials.get(id))
                .any(|credential| credential.is_valid_at(at))
        }

        /// True if `subject` held a valid credential of one of `kinds` at `at`.
        #[ink(message)]
        fn any_valid_at(&self, subject: AccountId, kinds: KindSet, at: Timestamp) -> bool {
            kinds
                .kinds()
                .any(|kind| self.is_valid_at(subject, kind, at))
        }
    }

    #[cfg(test)]
    impl StaffCredentials {
        /// Test hook: moves the id counter (to reach `Error::Overflow`).
        pub(crate) fn set_next_id(&mut self, id: CredentialId) {
            self.next_id = id;
        }
    }
}

#[cfg(test)]
mod tests;
