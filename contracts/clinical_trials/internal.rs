//! The contract's internal steps (no messages): access checks, the checks a participant's
//! data passes, list bookkeeping, the safety-signal count and the calls to the peer
//! contracts, over the storage of [`ClinicalTrials`].

use crate::clinical_trials::ClinicalTrials;
use crate::events::*;
use crate::model::{
    self, AdverseEvent, BatchId, DataBatch, Error, EventId, ParticipantNo, ProtocolVersion,
    ReportStatus, Result, Trial, TrialId, Version,
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
    pub(crate) fn appoint_regulator(&mut self, regulator: AccountId) -> Result<()> {
        ensure!(!self.regulators.contains(regulator), Error::RegulatorExists);
        self.regulators.insert(regulator, &());
        self.env().emit_event(RegulatorChanged {
            regulator,
            active: true,
        });
        Ok(())
    }

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

    /// `Ok` if data of participant `number` for a period ending at `until` is accepted
    /// from `investigator`'s site: enrolled there, not withdrawn before `until`, and
    /// consented to the version in force.
    pub(crate) fn ensure_data_accepted(
        &self,
        record: &Trial,
        number: ParticipantNo,
        investigator: AccountId,
        until: Timestamp,
    ) -> Result<AccountId> {
        let participant = self
            .participants
            .get((record.id, number))
            .ok_or(Error::UnknownParticipant)?;
        ensure!(
            participant.investigator == investigator,
            Error::ParticipantNotAtSite
        );
        participant.check_data_until(until)?;
        self.ensure_consented_to_current(record, participant.account)?;
        Ok(participant.account)
    }

    /// `Err(NoResearchConsent)` unless each of `participants` consents, in
    /// consent_registry, to the sponsor for research on every category of the trial
    /// `now` (one call for the whole batch): asked at enrolment and whenever data is
    /// anchored, so that a revoked research permit stops the participant's data at once,
    /// as in remote_monitoring.
    pub(crate) fn ensure_research_consent_each(
        &self,
        record: &Trial,
        participants: Vec<AccountId>,
        now: Timestamp,
    ) -> Result<()> {
        let answers = ask::has_consent_all_each(
            self.peers().consent,
            participants,
            record.sponsor,
            Purpose::Research,
            record.categories,
            now,
        )
        .map_err(Self::consent_error)?;
        ensure!(answers.iter().all(|given| *given), Error::NoResearchConsent);
        Ok(())
    }

    /// Stores `batch` under a new id, lists it under its trial and announces it.
    pub(crate) fn record_batch(
        &mut self,
        mut record: Trial,
        mut batch: DataBatch,
        participants: Vec<ParticipantNo>,
    ) -> Result<BatchId> {
        let id = self.next_batch;
        self.next_batch = id.checked_add(1).ok_or(Error::Overflow)?;
        batch.id = id;
        batch.participants = u32::try_from(participants.len()).map_err(|_| Error::Overflow)?;
        record.batch_count =
            push_indexed(&mut self.batch_list, record.id, record.batch_count, &id)?;
        self.batches.insert(id, &batch);
        self.trials.insert(record.id, &record);
        self.env().emit_event(DataAnchored {
            batch: id,
            trial: record.id,
            investigator: batch.investigator,
            device: batch.device,
            root: batch.root,
            count: batch.count,
            participants,
            from: batch.from,
            until: batch.until,
        });
        Ok(id)
    }

    /// Counts a serious event in the trial's current window; announces a safety signal
    /// when the count reaches the threshold (once per window).
    pub(crate) fn count_serious(&mut self, record: &Trial, now: Timestamp) -> Result<()> {
        let bucket = model::signal_bucket(now, record.signal_window);
        let count = self
            .signal_counts
            .get((record.id, bucket))
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        self.signal_counts.insert((record.id, bucket), &count);
        if count == record.signal_threshold {
            self.env().emit_event(SafetySignalRaised {
                trial: record.id,
                window_start: bucket.saturating_mul(record.signal_window),
                serious_events: count,
            });
        }
        Ok(())
    }

    /// Takes `event` off its trial's open-SUSAR list (swap-remove).
    pub(crate) fn close_susar(&mut self, record: &mut Trial, event: EventId) -> Result<()> {
        let index = self
            .open_susar_index
            .take(event)
            .ok_or(Error::UnknownEvent)?;
        let last = record.open_susars.checked_sub(1).ok_or(Error::Overflow)?;
        if index != last {
            if let Some(moved) = self.open_susar_list.get((record.id, last)) {
                self.open_susar_list.insert((record.id, index), &moved);
                self.open_susar_index.insert(moved, &index);
            }
        }
        self.open_susar_list.remove((record.id, last));
        record.open_susars = last;
        Ok(())
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
