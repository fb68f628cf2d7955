//! The contract's internal steps (no messages): access checks, the calendars of days
//! with data, alerts and the calls to the peer contracts, over the storage of
//! [`RemoteMonitoring`].

use crate::events::*;
use crate::model::{
    self, Alert, AlertId, BatchId, Device, DeviceModel, Error, ModelId, OutOfRange, ReadingBatch,
    Result,
};
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::anchoring::DeviceKey;
#[cfg(not(test))]
use healthcare_traits::peer::ask;
/// Unit tests ask the stand-ins, which answer (and fail) like the real peers; the drink
/// sandbox tests make the real calls.
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::Purpose;
use healthcare_traits::{append_indexed, ensure, CredentialKind, DataCategory, KindSet, PeerError};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

/// One of a patient's calendars of days with data.
#[derive(Clone, Copy)]
pub(crate) enum Calendar {
    /// From any device.
    All,
    /// From one device.
    Device(DeviceKey),
    /// From the devices one provider paired (what it may bill as CPT 99454).
    Provider(AccountId),
}

/// An alert decided before a batch is recorded (so that a failing peer call comes
/// before any write).
pub(crate) struct PendingAlert {
    summary: OutOfRange,
    range: (i64, i64),
    notified: Vec<AccountId>,
}

impl RemoteMonitoring {
    pub(crate) fn model_of(&self, model: ModelId) -> Result<DeviceModel> {
        self.models.get(model).ok_or(Error::UnknownModel)
    }

    pub(crate) fn device_of(&self, key: DeviceKey) -> Result<Device> {
        self.devices.get(key).ok_or(Error::UnknownDevice)
    }

    /// The device and its model, if neither the device is revoked nor the model
    /// recalled.
    pub(crate) fn usable_device(&self, key: DeviceKey) -> Result<(Device, DeviceModel)> {
        let device = self.device_of(key)?;
        let record = self.model_of(device.model)?;
        ensure!(
            device.revoked_at.is_none() && record.recalled_at.is_none(),
            Error::DeviceRevoked
        );
        Ok((device, record))
    }

    /// The caller, if it holds a valid device-manufacturer credential now.
    pub(crate) fn licensed_manufacturer(&self, now: Timestamp) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(
            self.credential_valid(
                caller,
                KindSet::of(&[CredentialKind::DeviceManufacturer]),
                now
            )?,
            Error::ManufacturerNotLicensed
        );
        Ok(caller)
    }

    /// The caller, if it holds a valid medical or nursing licence now.
    pub(crate) fn licensed_clinician(&self, now: Timestamp) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(
            self.credential_valid(caller, KindSet::CLINICIAN, now)?,
            Error::ClinicianNotLicensed
        );
        Ok(caller)
    }

    /// `Err(NotActingForPatient)` unless `by` is `patient` or a delegate in force (asked
    /// of consent_registry only when `by` is someone else).
    pub(crate) fn ensure_acts_for(&self, patient: AccountId, by: AccountId) -> Result<()> {
        ensure!(
            by == patient || self.acts_for(patient, by)?,
            Error::NotActingForPatient
        );
        Ok(())
    }

    /// Marks the days of `mask` (from `first_day`) in the patient's calendar, in the
    /// patient's calendar of `device` and in the patient's calendar of the device's
    /// `provider` (what CPT 99454 bills): at most two words each.
    pub(crate) fn mark_days(
        &mut self,
        patient: AccountId,
        device: DeviceKey,
        provider: AccountId,
        first_day: u64,
        mask: u32,
    ) {
        for (word, bits) in model::mask_words(first_day, mask) {
            if bits == 0 {
                continue;
            }
            let all = self.patient_days.get((patient, word)).unwrap_or(0);
            if all | bits != all {
                self.patient_days.insert((patient, word), &(all | bits));
            }
            let own = self.device_days.get((patient, device, word)).unwrap_or(0);
            if own | bits != own {
                self.device_days
                    .insert((patient, device, word), &(own | bits));
            }
            let monitored = self
                .provider_days
                .get((patient, provider, word))
                .unwrap_or(0);
            if monitored | bits != monitored {
                self.provider_days
                    .insert((patient, provider, word), &(monitored | bits));
            }
        }
    }

    /// The days with data among `days` (≤ 64) days from `first_day` in one of
    /// `patient`'s calendars (two words read at most).
    pub(crate) fn days_with_data(
        &self,
        patient: AccountId,
        calendar: Calendar,
        first_day: u64,
        days: u32,
    ) -> u32 {
        let read = |word: u64| {
            match calendar {
                Calendar::All => self.patient_days.get((patient, word)),
                Calendar::Device(key) => self.device_days.get((patient, key, word)),
                Calendar::Provider(provider) => self.provider_days.get((patient, provider, word)),
            }
            .unwrap_or(0)
        };
        let word = model::word_of(first_day);
        model::count_days(first_day, days, read(word), read(word.saturating_add(1)))
    }

    /// The alert `batch` raises, if its out-of-range summary breaches the patient's
    /// threshold for its quantity: the threshold, the summary and the care-team members
    /// the patient's treatment consent for `category` covers now (one call to
    /// consent_registry). Writes nothing.
    pub(crate) fn pending_alert(
        &self,
        patient: AccountId,
        batch: &ReadingBatch,
        category: DataCategory,
        now: Timestamp,
    ) -> Result<Option<PendingAlert>> {
        let Some(summary) = batch.out_of_range else {
            return Ok(None);
        };
        let Some(threshold) = self.thresholds.get((patient, batch.quantity, category)) else {
            return Ok(None);
        };
        if !summary.breaches(&threshold) {
            return Ok(None);
        }
        let team = self.care_teams.get(patient).unwrap_or_default();
        let notified: Vec<AccountId> = if team.is_empty() {
            Vec::new()
        } else {
            let answers = self.consented_members(patient, team.clone(), category, now)?;
            team.into_iter()
                .zip(answers)
                .filter_map(|(member, consented)| consented.then_some(member))
                .collect()
        };
        Ok(Some(PendingAlert {
            summary,
            range: (threshold.low, threshold.high),
            notified,
        }))
    }

    /// Records `pending`, raised by batch `id`, in the patient's log and announces it
    /// to each notified member.
    pub(crate) fn raise_alert(
        &mut self,
        patient: AccountId,
        id: BatchId,
        batch: &ReadingBatch,
        pending: PendingAlert,
        now: Timestamp,
    ) -> Result<AlertId> {
        let alert = self.next_alert;
        self.next_alert = alert.checked_add(1).ok_or(Error::Overflow)?;
        append_indexed(
            &mut self.patient_alerts,
            &mut self.alert_count,
            patient,
            &alert,
        )
        .ok_or(Error::Overflow)?;
        self.env().emit_event(AlertRaised {
            alert,
            patient,
            device: batch.device,
            batch: id,
            quantity: batch.quantity,
            out_of_range: pending.summary,
            notified: pending.notified.clone(),
        });
        for member in &pending.notified {
            self.env().emit_event(AlertSent {
                alert,
                member: *member,
            });
        }
        self.alerts.insert(
            alert,
            &Alert {
                id: alert,
                patient,
                device: batch.device,
                batch: id,
                quantity: batch.quantity,
                out_of_range: pending.summary,
                threshold: pending.range,
                raised_at: now,
                notified: pending.notified,
            },
        );
        Ok(alert)
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

    /// Asks consent_registry whether `patient` consents to `provider` for treatment with
    /// `category` at `at`.
    pub(crate) fn treatment_consent(
        &self,
        patient: AccountId,
        provider: AccountId,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<bool> {
        let consent = self.peers().consent;
        ask::has_consent(consent, patient, provider, Purpose::Treatment, category, at)
            .map_err(Self::consent_error)
    }

    /// Asks consent_registry, in one call, which of `team` the patient's treatment
    /// consent for `category` covers at `at`.
    pub(crate) fn consented_members(
        &self,
        patient: AccountId,
        team: Vec<AccountId>,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<Vec<bool>> {
        let consent = self.peers().consent;
        ask::has_consent_each(consent, patient, team, Purpose::Treatment, category, at)
            .map_err(Self::consent_error)
    }

    /// Asks consent_registry whether `account` is a delegate of `patient` now.
    pub(crate) fn acts_for(&self, patient: AccountId, account: AccountId) -> Result<bool> {
        ask::acts_for_now(self.peers().consent, patient, account).map_err(Self::consent_error)
    }
}
