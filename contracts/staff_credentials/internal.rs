//! The contract's internal steps (no messages) over the storage of [`StaffCredentials`]:
//! issuing and renewing, status changes, the issuer directory, the point-in-time
//! index and the governor's actions. Each message's `do_*` steps run after the shell's
//! checks (pause, caller, clock, role).

use crate::events::*;
use crate::model::{self, *};
use crate::staff_credentials::{StaffCredentials, SubjectKind};
use crate::MAX_STATUS_CHANGES;
use healthcare_traits::timeline::{self, storage as index, Entry};
use healthcare_traits::{append_indexed, ensure, ApplyError, Governance, KindSet};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};
use ink::storage::Mapping;

type Timestamp = u64;

impl StaffCredentials {
    /// The storage of a new contract, every map empty and every counter at its start.
    pub(crate) fn with_storage(governor: AccountId) -> Self {
        Self {
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
        }
    }

    /// The steps of `issue`, after the shell's checks.
    pub(crate) fn do_issue(
        &mut self,
        issuer: AccountId,
        request: CredentialRequest,
    ) -> Result<CredentialId> {
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

    /// The steps of `renew`, after the shell's checks.
    pub(crate) fn do_renew(
        &mut self,
        now: Timestamp,
        id: CredentialId,
        valid_until: Timestamp,
        evidence_hash: Hash,
        verified_at: Timestamp,
    ) -> Result<()> {
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

    /// Suspends `credential` from now on, by the caller.
    pub(crate) fn suspend_credential(
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

    /// Revokes `credential` from now on, by the caller.
    pub(crate) fn revoke_credential(
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

    /// Appoints `issuer` with `kinds`, or sets the kinds of an existing issuer.
    pub(crate) fn set_issuer(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
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
    pub(crate) fn editable(&self, id: CredentialId, action: Action) -> Result<Credential> {
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
    pub(crate) fn record(
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

    pub(crate) fn index_mut(&mut self, key: SubjectKind) -> impl timeline::Write + '_ {
        index::ViewMut {
            headers: &mut self.index_headers,
            buckets: &mut self.index_buckets,
            key,
        }
    }

    /// The governor's `NarrowIssuer`: narrows the kinds `issuer` may issue, at once
    /// (widening is an `Issuer` action, after the delay). Credentials of the dropped
    /// kinds stay valid; the kinds' other issuers and the governor may suspend or
    /// revoke them.
    pub(crate) fn narrow_issuer_kinds(&mut self, issuer: AccountId, kinds: KindSet) -> Result<()> {
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
    pub(crate) fn remove_issuer(&mut self, issuer: AccountId) -> Result<()> {
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
