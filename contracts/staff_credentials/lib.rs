//! # staff_credentials
//!
//! The credential registry of the healthcare suite: licensing authorities (*issuers*)
//! issue, renew, suspend, reinstate and revoke credentials of persons and organisations
//! (medical, nursing and pharmacist licences, NPI and DEA registrations, board
//! certifications, manufacturer / wholesaler / pharmacy / payer licences). Other contracts
//! ask it, by address, through [`healthcare_traits::CredentialVerifier`]: "did this account
//! hold a valid credential of kind K at time T?".
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, appoints issuers and widens their
//!   kinds and upgrades the code (after its delay), narrows or removes issuers, suspends
//!   or revokes any credential (a safety action) and pauses and unpauses (at once).
//! * **issuer** (a licensing authority): issues credentials of its allowed kinds and
//!   renews, suspends, reinstates and revokes the credentials *it* issued while it still
//!   handles their kind. The first issuers are named at instantiation.
//! * **steward**: when a credential's issuer is removed or no longer handles the kind, the
//!   issuers of that kind may suspend and revoke it (not renew or reinstate it: that needs
//!   the original issuer or a new credential).
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
//! ## Bounds (every message is O(1) or O(its input), whatever the history)
//! * A subject may hold any number of successive credentials of a kind over the years:
//!   `is_valid_at` reads the [`healthcare_traits::timeline`] index of (subject, kind),
//!   which answers for any moment from the few buckets that can cover it. The
//!   per-moment bound: the index holds [`healthcare_traits::timeline::MAX_PER_BUCKET`]
//!   credentials per bucket (a credential of about a year lands in buckets of 1 024 days,
//!   so a subject can hold about eight yearly credentials of one kind in parallel
//!   jurisdictions, renewed as new credentials each year, or any number renewed in place)
//!   before [`Error::TooManyCredentials`]; the refusal only concerns that period.
//! * [`MAX_STATUS_CHANGES`] status changes per credential (room for a final revocation is
//!   always kept: a suspension or reinstatement that would fill it is refused with
//!   [`Error::HistoryFull`]).
//! * List getters are paged with at most [`MAX_PAGE_SIZE`] entries a page.
//!
//! ## Invariants
//! * A credential's kind is one its issuer was allowed when it was issued;
//!   `valid_from < valid_until`; an NPI identifier passes the NPI check digit and a DEA
//!   identifier the DEA check digit.
//! * Revocation is final. Status changes are appended, never rewritten.
//! * While paused, nothing is issued, renewed or reinstated; suspensions and revocations
//!   (safety actions), the governor's actions that take effect at once and every query
//!   keep working.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::{CredentialKind, KindSet, MAX_PAGE_SIZE};

pub mod events;
pub mod identifiers;
mod internal;
pub mod model;

/// Status changes kept per credential (suspensions, reinstatements, the revocation).
pub const MAX_STATUS_CHANGES: u32 = 16;
/// Longest licence / registration identifier, in bytes.
pub const MAX_IDENTIFIER_LEN: u32 = 32;
/// Revision of this code, reported by `code_version`. The `upgrade-rehearsal` feature
/// builds the same contract as revision 2 (same storage layout, another code hash): the
/// node tests upload it and switch a live instance to it through the governor.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

#[ink::contract]
pub mod staff_credentials {

    pub use crate::events::*;

    pub use crate::model::{
        Action, Credential, CredentialId, CredentialRequest, Error, IssuerInfo, ReasonCode, Result,
        Status, StatusChange,
    };
    use healthcare_traits::timeline::{self, storage as index, Bucket, BucketKey, Header};
    use healthcare_traits::{
        page_range, ApplyError, CredentialKind, CredentialQuery, CredentialVerifier, Governance,
        Governed, KindSet, MAX_BATCH_QUERIES,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// The key of the point-in-time index: one subject's credentials of one kind.
    pub(crate) type SubjectKind = (AccountId, CredentialKind);

    /// The contract's storage.
    #[ink(storage)]
    pub struct StaffCredentials {
        /// The governor and the pause flag.
        pub(crate) governance: Governance,
        /// The id the next credential gets.
        pub(crate) next_id: CredentialId,
        /// Issuers by account.
        pub(crate) issuers: Mapping<AccountId, IssuerInfo>,
        /// Issuer list for paging: index -> account (kept dense by swap-remove).
        pub(crate) issuer_list: Mapping<u32, AccountId>,
        /// Length of `issuer_list`.
        pub(crate) issuer_count: u32,
        /// Credentials by id.
        pub(crate) credentials: Mapping<CredentialId, Credential>,
        /// A subject's credentials in issue order: (subject, index) -> id.
        pub(crate) by_subject: Mapping<(AccountId, u32), CredentialId>,
        /// How many credentials a subject has.
        pub(crate) subject_count: Mapping<AccountId, u32>,
        /// Point-in-time index of (subject, kind): headers.
        pub(crate) index_headers: Mapping<SubjectKind, Header>,
        /// Point-in-time index of (subject, kind): buckets.
        pub(crate) index_buckets: Mapping<BucketKey<SubjectKind>, Bucket>,
    }

    impl StaffCredentials {
        /// Creates the registry, governed by `governor` (the consortium's governor
        /// contract), with the first `issuers` and their kinds.
        #[ink(constructor)]
        pub fn new(governor: AccountId, issuers: Vec<(AccountId, KindSet)>) -> Result<Self> {
            let mut contract = Self::with_storage(governor);
            for (issuer, kinds) in issuers {
                contract.set_issuer(issuer, kinds)?;
            }
            Ok(contract)
        }

        // ----------------------------------------------------------- governance

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.governance.is_paused()
        }

        /// The revision of the code running at this address ([`CODE_VERSION`]), so that an
        /// operator can see which code an upgrade left in place.
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        // -------------------------------------------------------------- issuers

        /// Issuer only: issues a credential of a kind the caller may issue. Returns its id.
        #[ink(message)]
        pub fn issue(&mut self, request: CredentialRequest) -> Result<CredentialId> {
            self.governance.ensure_running()?;
            let issuer = self.env().caller();
            self.do_issue(issuer, request)
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
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_renew(now, id, valid_until, evidence_hash, verified_at)
        }

        /// Its issuer or a steward of its kind (also while paused; the governor through
        /// `apply`): suspends an active credential from now on.
        #[ink(message)]
        pub fn suspend(&mut self, id: CredentialId, reason: ReasonCode) -> Result<()> {
            let credential = self.editable(id, Action::Suspend)?;
            self.suspend_credential(credential, reason)
        }

        /// The credential's issuer only: lifts a suspension from now on (the suspended
        /// period stays a gap in validity).
        #[ink(message)]
        pub fn reinstate(&mut self, id: CredentialId) -> Result<()> {
            self.governance.ensure_running()?;
            let mut credential = self.editable(id, Action::Reinstate)?;
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

        /// Its issuer or a steward of its kind (also while paused; the governor through
        /// `apply`): revokes it from now on, for good.
        #[ink(message)]
        pub fn revoke(&mut self, id: CredentialId, reason: ReasonCode) -> Result<()> {
            let credential = self.editable(id, Action::Revoke)?;
            self.revoke_credential(credential, reason)
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

        /// `is_valid_at` reading through `reads`: a batch of queries reads each index
        /// header, bucket and credential once.
        fn valid_at(
            &self,
            reads: &Reads,
            subject: AccountId,
            kind: CredentialKind,
            at: Timestamp,
        ) -> bool {
            let view = index::View {
                headers: &self.index_headers,
                buckets: &self.index_buckets,
                key: (subject, kind),
            };
            timeline::query(&reads.index.view((subject, kind), view), at)
                .into_iter()
                .filter_map(|id| reads.credentials.get(id, |id| self.credentials.get(id)))
                .any(|credential| credential.is_valid_at(at))
        }

        fn any_valid_in(
            &self,
            reads: &Reads,
            subject: AccountId,
            kinds: KindSet,
            at: Timestamp,
        ) -> bool {
            kinds
                .kinds()
                .any(|kind| self.valid_at(reads, subject, kind, at))
        }
    }

    /// What one message's credential checks have read (see [`timeline::Memo`]).
    #[derive(Default)]
    pub(crate) struct Reads {
        index: timeline::Memo<SubjectKind>,
        credentials: timeline::Recall<Credential>,
    }

    impl Governed for StaffCredentials {
        /// The governor this registry obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, an issuer appointed, widened, narrowed or removed, a
        /// credential suspended or revoked (`Unsupported` for any other; `Invalid` when the
        /// registry's rules refuse it). Nothing but pausing, unpausing, narrowing and safety
        /// actions is applied while paused.
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
        }
    }

    impl CredentialVerifier for StaffCredentials {
        /// True if `subject` held a credential of `kind` valid at `at` (reads the few
        /// index buckets that can cover `at`, then the candidate credentials).
        #[ink(message)]
        fn is_valid_at(&self, subject: AccountId, kind: CredentialKind, at: Timestamp) -> bool {
            self.valid_at(&Reads::default(), subject, kind, at)
        }

        /// True if `subject` held a valid credential of one of `kinds` at `at`.
        #[ink(message)]
        fn any_valid_at(&self, subject: AccountId, kinds: KindSet, at: Timestamp) -> bool {
            self.any_valid_in(&Reads::default(), subject, kinds, at)
        }

        /// `any_valid_at` for each of the first `MAX_BATCH_QUERIES` queries, in order;
        /// each index entry and credential the queries share is read once.
        #[ink(message)]
        fn any_valid_at_each(&self, queries: Vec<CredentialQuery>) -> Vec<bool> {
            let reads = Reads::default();
            queries
                .iter()
                .take(MAX_BATCH_QUERIES)
                .map(|q| self.any_valid_in(&reads, q.subject, q.kinds, q.at))
                .collect()
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
mod model_based;
#[cfg(test)]
mod tests;
