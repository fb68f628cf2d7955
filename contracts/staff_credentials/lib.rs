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
    use super::MAX_STATUS_CHANGES;
    pub use crate::events::*;
    use crate::model;
    pub use crate::model::{
        Action, Credential, CredentialId, CredentialRequest, Error, IssuerInfo, ReasonCode, Result,
        Status, StatusChange,
    };
    use healthcare_traits::timeline::{self, storage as index, Bucket, BucketKey, Entry, Header};
    use healthcare_traits::{
        append_indexed, ensure, page_range, ApplyError, CredentialKind, CredentialQuery,
        CredentialVerifier, Governance, Governed, KindSet, MAX_BATCH_QUERIES,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::Mapping;

    /// The key of the point-in-time index: one subject's credentials of one kind.
    type SubjectKind = (AccountId, CredentialKind);

    /// The contract's storage.
    #[ink(storage)]
    pub struct StaffCredentials {
        /// The governor and the pause flag.
        governance: Governance,
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
        /// Point-in-time index of (subject, kind): headers.
        index_headers: Mapping<SubjectKind, Header>,
        /// Point-in-time index of (subject, kind): buckets.
        index_buckets: Mapping<BucketKey<SubjectKind>, Bucket>,
    }

    impl StaffCredentials {
        /// Creates the registry, governed by `governor` (the consortium's governor
        /// contract), with the first `issuers` and their kinds.
        #[ink(constructor)]
        pub fn new(governor: AccountId, issuers: Vec<(AccountId, KindSet)>) -> Result<Self> {
            let mut contract = Self {
                governance: Governance::new(governor),
                next_id: 1,
                issuers: Mapping::default(),
                issuer_list: Mapping::default(),
                issuer_count: 0,
                credentials: Mapping::default(),
                by_subject: Mapping::default(),
                subject_count: Mapping::default(),
                index_headers: Mapping::default(),
                index_buckets: Mapping::default(),
            };
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

        /// The governor's `NarrowIssuer`: narrows the kinds `issuer` may issue, at once
        /// (widening is an `Issuer` action, after the delay). Credentials of the dropped
        /// kinds stay valid; the kinds' other issuers and the governor may suspend or
        /// revoke them.
        fn narrow_issuer_kinds(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
            model::valid_kind_set(kinds)?;
            let mut info = self.issuers.get(issuer).ok_or(Error::UnknownIssuer)?;
            ensure!(kinds.is_subset_of(info.kinds), Error::NotANarrowing);
            info.kinds = kinds;
            self.issuers.insert(issuer, &info);
            self.env().emit_event(IssuerKindsUpdated { issuer, kinds });
            Ok(())
        }

        /// The governor's `RemoveIssuer`: removes `issuer`, at once. Its credentials keep
        /// their validity; the issuers of their kinds and the governor may suspend or
        /// revoke them.
        fn remove_issuer(&mut self, issuer: AccountId) -> Result<()> {
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
            self.governance.ensure_running()?;
            let issuer = self.env().caller();
            let info = self.issuers.get(issuer).ok_or(Error::NotIssuer)?;
            ensure!(info.kinds.contains(request.kind), Error::KindNotAllowed);
            model::validate(&request, self.env().block_timestamp())?;

            // Every check (the index can be full) before the first write.
            let id = self.next_id;
            let next_id = id.checked_add(1).ok_or(Error::Overflow)?;
            let key = (request.subject, request.kind);
            timeline::insert(
                &mut self.index_mut(key),
                Entry::new(id, request.valid_from, Some(request.valid_until)),
            )
            .map_err(|_| Error::TooManyCredentials)?;
            self.next_id = next_id;
            append_indexed(
                &mut self.by_subject,
                &mut self.subject_count,
                request.subject,
                &id,
            )
            .ok_or(Error::Overflow)?;
            let credential = request.credential(id, issuer, self.env().block_timestamp());
            self.credentials.insert(id, &credential);
            self.env().emit_event(CredentialIssued::of(&credential));
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
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            let mut credential = self.editable(id, Action::Renew)?;
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
            let old = Entry::new(id, credential.valid_from, Some(credential.valid_until));
            {
                let mut index = self.index_mut((credential.subject, credential.kind));
                timeline::remove(&mut index, old);
                timeline::insert(
                    &mut index,
                    Entry {
                        end: valid_until,
                        ..old
                    },
                )
                .map_err(|_| Error::TooManyCredentials)?;
            }
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

        /// Its issuer or a steward of its kind (also while paused; the governor through
        /// `apply`): suspends an active credential from now on.
        #[ink(message)]
        pub fn suspend(&mut self, id: CredentialId, reason: ReasonCode) -> Result<()> {
            let credential = self.editable(id, Action::Suspend)?;
            self.suspend_credential(credential, reason)
        }

        /// Suspends `credential` from now on, by the caller.
        fn suspend_credential(
            &mut self,
            mut credential: Credential,
            reason: ReasonCode,
        ) -> Result<()> {
            let id = credential.id;
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
                by: self.env().caller(),
            });
            Ok(())
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

        /// Revokes `credential` from now on, by the caller.
        fn revoke_credential(
            &mut self,
            mut credential: Credential,
            reason: ReasonCode,
        ) -> Result<()> {
            let id = credential.id;
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
                by: self.env().caller(),
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

        /// Appoints `issuer` with `kinds`, or sets the kinds of an existing issuer.
        fn set_issuer(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
            model::valid_kind_set(kinds)?;
            match self.issuers.get(issuer) {
                Some(mut info) => {
                    info.kinds = kinds;
                    self.issuers.insert(issuer, &info);
                    self.env().emit_event(IssuerKindsUpdated { issuer, kinds });
                }
                None => {
                    let index = self.issuer_count;
                    self.issuer_count = index.checked_add(1).ok_or(Error::Overflow)?;
                    self.issuers.insert(issuer, &IssuerInfo { kinds, index });
                    self.issuer_list.insert(index, &issuer);
                    self.env().emit_event(IssuerAdded { issuer, kinds });
                }
            }
            Ok(())
        }

        /// Loads credential `id` for `action` by the caller (see [`model::authorise`]).
        fn editable(&self, id: CredentialId, action: Action) -> Result<Credential> {
            let caller = self.env().caller();
            let credential = self.credentials.get(id).ok_or(Error::UnknownCredential)?;
            model::authorise(
                action,
                credential.kind,
                credential.issuer,
                caller,
                self.issuer_kinds(caller),
                self.issuer_kinds(credential.issuer),
            )?;
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

        fn index_mut(&mut self, key: SubjectKind) -> impl timeline::Write + '_ {
            index::ViewMut {
                headers: &mut self.index_headers,
                buckets: &mut self.index_buckets,
                key,
            }
        }

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
    struct Reads {
        index: timeline::Memo<SubjectKind>,
        credentials: timeline::Recall<Credential>,
    }

    impl healthcare_traits::governance::Governs for StaffCredentials {
        fn governance(&mut self) -> &mut Governance {
            &mut self.governance
        }

        /// The governor's actions that are this contract's own: issuers, and suspending or
        /// revoking any credential.
        fn apply_own(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            use healthcare_traits::Action as Governance;
            let done = match action {
                Governance::Issuer(issuer, kinds) => self.set_issuer(issuer, kinds),
                Governance::NarrowIssuer(issuer, kinds) => self.narrow_issuer_kinds(issuer, kinds),
                Governance::RemoveIssuer(issuer) => self.remove_issuer(issuer),
                Governance::SuspendCredential(id, reason) => self
                    .credentials
                    .get(id)
                    .ok_or(Error::UnknownCredential)
                    .and_then(|c| self.suspend_credential(c, reason)),
                Governance::RevokeCredential(id, reason) => self
                    .credentials
                    .get(id)
                    .ok_or(Error::UnknownCredential)
                    .and_then(|c| self.revoke_credential(c, reason)),
                _ => return Err(ApplyError::Unsupported),
            };
            done.map_err(|_| ApplyError::Invalid)
        }
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
