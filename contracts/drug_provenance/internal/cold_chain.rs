//! The cold chain: sensors, readings, excursions and quarantine.

use super::Step;
use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::*;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl DrugProvenance {
    /// The steps of `add_sensor`, after the shell's checks.
    pub(crate) fn do_add_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
        let mut batch = self.manufactured_by_caller(batch_id)?;
        if !self.sensors.contains((batch_id, sensor)) {
            self.sensors.insert(
                (batch_id, sensor),
                &SensorState {
                    last_time: None,
                    last_out_of_range: false,
                },
            );
            batch.sensor_count = batch.sensor_count.checked_add(1).ok_or(Error::Overflow)?;
            self.batches.insert(batch_id, &batch);
        }
        self.env().emit_event(SensorChanged {
            batch: batch_id,
            sensor,
            active: true,
        });
        Ok(())
    }

    /// The steps of `remove_sensor`, after the shell's checks.
    pub(crate) fn do_remove_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
        let mut batch = self.manufactured_by_caller(batch_id)?;
        let state = self
            .sensors
            .get((batch_id, sensor))
            .ok_or(Error::NotSensor)?;
        let now = self.env().block_timestamp();
        self.close_interval(&mut batch, &state, sensor, now)?;
        batch.sensor_count = batch.sensor_count.checked_sub(1).ok_or(Error::Overflow)?;
        self.record_quarantine(&mut batch, sensor, now)?;
        self.batches.insert(batch_id, &batch);
        self.sensors.remove((batch_id, sensor));
        self.env().emit_event(SensorChanged {
            batch: batch_id,
            sensor,
            active: false,
        });
        Ok(())
    }

    /// The steps of `submit_reading`, after the shell's checks.
    pub(crate) fn do_submit_reading(
        &mut self,
        sensor: AccountId,
        now: Timestamp,
        batch_id: BatchId,
        time: Timestamp,
        value: CentiCelsius,
    ) -> Result<u64> {
        let mut batch = self.batch_of(batch_id)?;
        let mut state = self
            .sensors
            .get((batch_id, sensor))
            .ok_or(Error::NotSensor)?;
        ensure!(time <= now, Error::InvalidReading);
        if let Some(last) = state.last_time {
            ensure!(time > last, Error::InvalidReading);
        }
        self.close_interval(&mut batch, &state, sensor, time)?;
        state.last_time = Some(time);
        state.last_out_of_range = value < batch.min_temp || value > batch.max_temp;
        if state.last_out_of_range {
            batch.open_excursion(time)?;
        }
        batch.last_reading_at = Some(batch.last_reading_at.unwrap_or(0).max(time));
        self.sensors.insert((batch_id, sensor), &state);
        // Judged at the reading's time, so that a late upload of readings that came
        // back in range does not quarantine; `check_cold_chain` and every view judge
        // open excursions up to now.
        self.record_quarantine(&mut batch, sensor, time)?;
        self.batches.insert(batch_id, &batch);
        let excursion_ms = batch.excursion_at(time);
        self.env().emit_event(ReadingRecorded {
            batch: batch_id,
            sensor,
            time,
            value,
            excursion_ms,
        });
        Ok(excursion_ms)
    }

    /// The steps of `lift_quarantine`, after the shell's checks.
    pub(crate) fn do_lift_quarantine(
        &mut self,
        by: AccountId,
        batch_id: BatchId,
        evidence: Hash,
    ) -> Result<()> {
        ensure!(evidence != Hash::from([0; 32]), Error::NoEvidence);
        let now = self.env().block_timestamp();
        let mut batch = self.batch_of(batch_id)?;
        ensure!(
            batch.state_at(now) == BatchState::Quarantined,
            Error::NotQuarantined
        );
        batch.state = BatchState::Active;
        batch.restart_excursions(now);
        let step = Step {
            evidence: Some(evidence),
            ..Step::new(EventKind::QuarantineLifted, by)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        self.env().emit_event(BatchStateChanged {
            batch: batch_id,
            state: BatchState::Active,
            by,
            reason: 0,
            evidence: Some(evidence),
            excursion_ms: 0,
        });
        Ok(())
    }

    /// Counts the sensor's open excursion, if any, up to `until`.
    pub(crate) fn close_interval(
        &mut self,
        batch: &mut Batch,
        state: &SensorState,
        sensor: AccountId,
        until: Timestamp,
    ) -> Result<()> {
        if let (Some(last), true) = (state.last_time, state.last_out_of_range) {
            batch.close_excursion(last, until)?;
            let step = Step {
                reference: batch.excursion_ms,
                ..Step::new(EventKind::Excursion, sensor)
            };
            self.push_event(batch, step)?;
            self.env().emit_event(ExcursionClosed {
                batch: batch.id,
                sensor,
                excursion_ms: batch.excursion_ms,
            });
        }
        Ok(())
    }

    /// Records the quarantine of an active batch whose time out of range up to `now`
    /// exceeds its budget.
    pub(crate) fn record_quarantine(
        &mut self,
        batch: &mut Batch,
        by: AccountId,
        now: Timestamp,
    ) -> Result<()> {
        if batch.state == BatchState::Active && batch.state_at(now) == BatchState::Quarantined {
            batch.state = BatchState::Quarantined;
            let excursion_ms = batch.excursion_at(now);
            let step = Step {
                reference: excursion_ms,
                ..Step::new(EventKind::QuarantinedForExcursion, by)
            };
            self.push_event(batch, step)?;
            self.env().emit_event(BatchStateChanged {
                batch: batch.id,
                state: BatchState::Quarantined,
                by,
                reason: 0,
                evidence: None,
                excursion_ms,
            });
        }
        Ok(())
    }
}
