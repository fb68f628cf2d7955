//! Data: anchored batches, device keys and their attestations, signed device batches.

use super::*;
use crate::clinical_trials::ClinicalTrials;
use crate::model::*;
use healthcare_traits::anchoring::{
    self, DeviceKey, DeviceSignature, Registration, MAX_ATTESTED_KEYS,
};
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl ClinicalTrials {
    /// The steps of `anchor_data`, after the shell's checks.
    pub(crate) fn do_anchor_data(
        &mut self,
        trial: TrialId,
        participants: Vec<ParticipantNo>,
        root: Hash,
        count: u32,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<BatchId> {
        let now = self.env().block_timestamp();
        check_batch_size(count, participants.len())?;
        check_period(from, until, now)?;
        let record = self.trial_of(trial)?;
        let investigator = self.licensed_investigator(trial, now)?;
        let mut accounts = Vec::with_capacity(participants.len());
        for number in &participants {
            accounts.push(self.ensure_data_accepted(&record, *number, investigator, until)?);
        }
        self.ensure_research_consent_each(&record, accounts, now)?;
        self.record_batch(
            record,
            DataBatch {
                id: 0,
                trial,
                investigator,
                device: None,
                root,
                count,
                participants: 0,
                from,
                until,
                anchored_at: now,
            },
            participants,
        )
    }

    /// The steps of `attest_devices`, after the shell's checks.
    pub(crate) fn do_attest_devices(
        &mut self,
        model_hash: Hash,
        keys: Vec<DeviceKey>,
    ) -> Result<()> {
        ensure!(keys.len() <= MAX_ATTESTED_KEYS, Error::TooManyKeys);
        let maker = self.env().caller();
        let now = self.env().block_timestamp();
        ensure!(
            self.credential_valid(
                maker,
                KindSet::of(&[CredentialKind::DeviceManufacturer]),
                now
            )?,
            Error::ManufacturerNotLicensed
        );
        for key in &keys {
            self.attestations.insert((*key, maker), &model_hash);
        }
        self.env().emit_event(DevicesAttested {
            maker,
            model_hash,
            keys,
        });
        Ok(())
    }

    /// The steps of `register_device`, after the shell's checks.
    pub(crate) fn do_register_device(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        key: DeviceKey,
        maker: AccountId,
        issued_at: Timestamp,
        signature: DeviceSignature,
    ) -> Result<()> {
        self.trial_of(trial)?;
        let investigator = self.licensed_investigator(trial, now)?;
        ensure!(!self.devices.contains(key), Error::DeviceExists);
        ensure!(self.attestations.contains((key, maker)), Error::NotAttested);
        let registration = Registration {
            registrant: investigator,
            key,
            scope: trial,
            issued_at,
        };
        anchoring::check_possession(
            REGISTRATION_DOMAIN,
            &self.env().account_id(),
            &registration,
            &signature,
            now,
        )?;
        self.devices.insert(
            key,
            &Device {
                key,
                trial,
                investigator,
                maker,
                registered_at: now,
                retired_at: None,
                sequence: 0,
                last_until: 0,
            },
        );
        self.env().emit_event(DeviceChanged {
            trial,
            investigator,
            device: key,
            retired: false,
        });
        Ok(())
    }

    /// The steps of `retire_device`, after the shell's checks.
    pub(crate) fn do_retire_device(&mut self, caller: AccountId, key: DeviceKey) -> Result<()> {
        let mut device = self.devices.get(key).ok_or(Error::UnknownDevice)?;
        let record = self.trial_of(device.trial)?;
        ensure!(
            caller == device.investigator || caller == record.sponsor,
            Error::NotInvestigator
        );
        ensure!(device.retired_at.is_none(), Error::DeviceRetired);
        device.retired_at = Some(self.env().block_timestamp());
        self.devices.insert(key, &device);
        self.env().emit_event(DeviceChanged {
            trial: device.trial,
            investigator: device.investigator,
            device: key,
            retired: true,
        });
        Ok(())
    }

    /// The steps of `anchor_device_data`, after the shell's checks.
    pub(crate) fn do_anchor_device_data(
        &mut self,
        now: Timestamp,
        batch: DeviceBatch,
        signature: DeviceSignature,
    ) -> Result<BatchId> {
        let mut device = self.devices.get(batch.device).ok_or(Error::UnknownDevice)?;
        ensure!(device.trial == batch.trial, Error::UnknownDevice);
        device.check_next(&batch)?;
        check_batch_size(batch.count, 1)?;
        check_period(batch.from, batch.until, now)?;
        ensure!(
            anchoring::signed_by(&self.device_batch_hash(batch), &signature, &batch.device),
            Error::BadSignature
        );
        let record = self.trial_of(batch.trial)?;
        self.investigators
            .get((batch.trial, device.investigator))
            .ok_or(Error::NotInvestigator)?
            .check_data_until(batch.until)?;
        let participant = self.ensure_data_accepted(
            &record,
            batch.participant,
            device.investigator,
            batch.until,
        )?;
        self.ensure_research_consent_each(&record, ink::prelude::vec![participant], now)?;
        device.sequence = batch.sequence;
        device.last_until = batch.until;
        self.devices.insert(batch.device, &device);
        self.record_batch(
            record,
            DataBatch {
                id: 0,
                trial: batch.trial,
                investigator: device.investigator,
                device: Some(batch.device),
                root: batch.root,
                count: batch.count,
                participants: 0,
                from: batch.from,
                until: batch.until,
                anchored_at: now,
            },
            ink::prelude::vec![batch.participant],
        )
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
}
