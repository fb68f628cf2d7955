//! Readings: signed batches anchored, the calendars of days with data, alerts.

use super::*;
use crate::model::*;
use crate::model::{self, day_of};
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::anchoring::{self, DeviceKey, DeviceSignature};
use healthcare_traits::ensure;
use healthcare_traits::{append_indexed, DataCategory};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

impl RemoteMonitoring {
    /// The steps of `anchor_readings`, after the shell's checks.
    pub(crate) fn do_anchor_readings(
        &mut self,
        now: Timestamp,
        batch: ReadingBatch,
        signature: DeviceSignature,
    ) -> Result<BatchId> {
        let (mut device, record) = self.usable_device(batch.device)?;
        let patient = device.patient.ok_or(Error::NotPaired)?;
        model::check_batch(&batch, device.last_until, device.paired_at, now)?;
        ensure!(
            anchoring::signed_by(&self.readings_hash(batch), &signature, &batch.device),
            Error::BadSignature
        );
        // Revoked consent stops the data at once: nothing is anchored (and no day
        // counted for CPT 99454) while the patient's treatment consent to the
        // device's provider is not in force.
        ensure!(
            self.treatment_consent(patient, device.provider, record.category, now)?,
            Error::NoTreatmentConsent
        );
        // The peer call (if an alert is due) before any write.
        let pending = self.pending_alert(patient, &batch, record.category, now)?;
        let id = self.next_batch;
        self.next_batch = id.checked_add(1).ok_or(Error::Overflow)?;
        let index = device.batch_count;
        device.batch_count = index.checked_add(1).ok_or(Error::Overflow)?;
        device.last_until = batch.until;
        self.devices.insert(batch.device, &device);
        self.device_batches.insert((batch.device, index), &id);
        self.mark_days(
            patient,
            batch.device,
            device.provider,
            day_of(batch.from),
            batch.days,
        );
        // The batch first, then the alert it raised (the order an indexer reads).
        self.env()
            .emit_event(ReadingsAnchored::of(id, patient, &batch));
        let alert = match pending {
            Some(pending) => Some(self.raise_alert(patient, id, &batch, pending, now)?),
            None => None,
        };
        self.batches
            .insert(id, &batch.anchored(id, patient, now, alert));
        Ok(id)
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
}
