//! The contract's internal steps (no messages) over the storage of [`ClinicalTrials`]:
//! here the access checks, the checks a participant's data passes, list bookkeeping,
//! the safety-signal count and the calls to the peer contracts; by concern in the
//! submodules: trials, versions and sites (`registration`), participants
//! (`participants`), anchored and device data (`data`), adverse events (`safety`), the
//! governor's actions (`governance`). Each message's `do_*` steps run after the shell's
//! checks (pause, caller, clock, role).

use crate::clinical_trials::ClinicalTrials;
use crate::events::*;
use crate::model::{
    self, AdverseEvent, BatchId, Error, EventId, ParticipantNo, ProtocolVersion, ReportStatus,
    Result, Trial, TrialId, Version,
};
#[cfg(not(test))]
use healthcare_traits::peer::ask;
/// Unit tests ask the stand-ins, which answer (and fail) like the real peers; the drink
/// sandbox tests make the real calls.
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::Purpose;
use healthcare_traits::{ensure, page_range, CredentialKind, KindSet, PeerError};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::{AccountId, Hash};
use ink::storage::Mapping;

type Timestamp = u64;

mod data;
mod governance;
mod participants;
mod registration;
mod safety;

/// Stores `value` at `(trial, count)` of a dense per-trial list; returns the new count.
pub(crate) fn push_indexed<V, K>(
    list: &mut Mapping<(TrialId, u32), V, K>,
    trial: TrialId,
    count: u32,
    value: &V,
) -> Result<u32>
where
    V: ink::storage::traits::Packed + parity_scale_codec::EncodeLike,
    K: ink::storage::traits::StorageKey,
{
    let next = count.checked_add(1).ok_or(Error::Overflow)?;
    list.insert((trial, count), value);
    Ok(next)
}

impl ClinicalTrials {
    pub(crate) fn trial_of(&self, trial: TrialId) -> Result<Trial> {
        self.trials.get(trial).ok_or(Error::UnknownTrial)
    }

    pub(crate) fn version_of(&self, trial: TrialId, version: Version) -> Result<ProtocolVersion> {
        self.versions
            .get((trial, version))
            .ok_or(Error::UnknownVersion)
    }

    /// `Err(SponsorNotAccredited)` unless `sponsor` holds a valid trial-sponsor
    /// credential at `now`.
    pub(crate) fn ensure_sponsor_accredited(
        &self,
        sponsor: AccountId,
        now: Timestamp,
    ) -> Result<()> {
        ensure!(
            self.credential_valid(sponsor, KindSet::of(&[CredentialKind::TrialSponsor]), now)?,
            Error::SponsorNotAccredited
        );
        Ok(())
    }

    /// The trial, if the caller is its sponsor and still accredited.
    pub(crate) fn sponsored_by_caller(&self, trial: TrialId, now: Timestamp) -> Result<Trial> {
        let record = self.trial_of(trial)?;
        ensure!(record.sponsor == self.env().caller(), Error::NotSponsor);
        self.ensure_sponsor_accredited(record.sponsor, now)?;
        Ok(record)
    }

    /// The caller, if an active investigator of `trial` with a valid medical licence now.
    pub(crate) fn licensed_investigator(
        &self,
        trial: TrialId,
        now: Timestamp,
    ) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(
            self.investigators
                .get((trial, caller))
                .is_some_and(|site| site.removed_at.is_none()),
            Error::NotInvestigator
        );
        ensure!(
            self.credential_valid(caller, KindSet::of(&[CredentialKind::MedicalLicence]), now)?,
            Error::InvestigatorNotLicensed
        );
        Ok(caller)
    }

    pub(crate) fn set_suspended(
        &mut self,
        trial: TrialId,
        reason_hash: Option<Hash>,
    ) -> Result<()> {
        let by = self.env().caller();
        let mut record = self.trial_of(trial)?;
        ensure!(
            by == record.irb || self.regulators.contains(by),
            Error::NotOversight
        );
        let suspend = reason_hash.is_some();
        ensure!(
            record.suspended != suspend,
            if suspend {
                Error::EnrolmentSuspended
            } else {
                Error::EnrolmentNotSuspended
            }
        );
        record.suspended = suspend;
        self.trials.insert(trial, &record);
        self.env().emit_event(EnrolmentSuspensionChanged {
            trial,
            by,
            suspended: suspend,
            reason_hash,
        });
        Ok(())
    }

    /// `Err(NotActingForParticipant)` unless `by` is `participant` or a delegate in force
    /// (asked of consent_registry only when `by` is someone else).
    pub(crate) fn ensure_acts_for(&self, participant: AccountId, by: AccountId) -> Result<()> {
        ensure!(
            by == participant || self.acts_for(participant, by)?,
            Error::NotActingForParticipant
        );
        Ok(())
    }

    pub(crate) fn ensure_consented_to_current(
        &self,
        record: &Trial,
        participant: AccountId,
    ) -> Result<()> {
        ensure!(
            self.version_consents
                .get((record.id, participant))
                .is_some_and(|consent| consent.version == record.current_version),
            Error::NotConsentedToCurrentVersion
        );
        Ok(())
    }

    /// True if `account` runs `record`: its sponsor, its IRB or an active investigator.
    pub(crate) fn runs_trial(&self, record: &Trial, account: AccountId) -> bool {
        account == record.sponsor
            || account == record.irb
            || self
                .investigators
                .get((record.id, account))
                .is_some_and(|i| i.removed_at.is_none())
    }

    pub(crate) fn events_page<K: ink::storage::traits::StorageKey>(
        &self,
        list: &Mapping<(TrialId, u32), EventId, K>,
        trial: TrialId,
        offset: u32,
        limit: u32,
        count: u32,
    ) -> Vec<(AdverseEvent, ReportStatus)> {
        let now = self.env().block_timestamp();
        page_range(offset, limit, count)
            .filter_map(|i| list.get((trial, i)))
            .filter_map(|id| self.events.get(id))
            .map(|event| (event, event.status(now)))
            .collect()
    }

    pub(crate) fn credential_error(e: PeerError) -> Error {
        e.into_either(
            Error::CredentialContractTrapped,
            Error::CredentialContractUnreachable,
        )
    }

    pub(crate) fn consent_error(e: PeerError) -> Error {
        e.into_either(
            Error::ConsentContractTrapped,
            Error::ConsentContractUnreachable,
        )
    }

    /// Asks staff_credentials whether `account` held a valid credential of one of
    /// `kinds` at `at`.
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        ask::any_valid_at(self.peers().credentials, account, kinds, at)
            .map_err(Self::credential_error)
    }

    /// Asks consent_registry whether `account` is a delegate of `participant` now.
    pub(crate) fn acts_for(&self, participant: AccountId, account: AccountId) -> Result<bool> {
        ask::acts_for_now(self.peers().consent, participant, account).map_err(Self::consent_error)
    }
}
