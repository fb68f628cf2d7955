//! Safety: adverse events, SUSAR reports and the safety-signal count.

use super::*;
use crate::clinical_trials::ClinicalTrials;
use crate::model::*;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::Hash;

type Timestamp = u64;

impl ClinicalTrials {
    /// The steps of `report_adverse_event`, after the shell's checks.
    pub(crate) fn do_report_adverse_event(
        &mut self,
        now: Timestamp,
        report: EventReport,
    ) -> Result<EventId> {
        let mut record = self.trial_of(report.trial)?;
        let caller = self.env().caller();
        let investigator = if caller == record.irb || self.regulators.contains(caller) {
            caller
        } else {
            self.licensed_investigator(report.trial, now)?
        };
        self.participant(report.trial, report.participant)
            .ok_or(Error::UnknownParticipant)?;
        report.check_onset(record.registered_at, now)?;
        let id = self.next_event;
        self.next_event = id.checked_add(1).ok_or(Error::Overflow)?;
        let due = model::susar_due(&report, now)?;
        self.events
            .insert(id, &report.event(id, investigator, now, due));
        record.event_count =
            push_indexed(&mut self.event_list, report.trial, record.event_count, &id)?;
        if due.is_some() {
            self.open_susar_index.insert(id, &record.open_susars);
            record.open_susars = push_indexed(
                &mut self.open_susar_list,
                report.trial,
                record.open_susars,
                &id,
            )?;
        }
        self.env()
            .emit_event(AdverseEventReported::of(id, &report, due));
        if report.seriousness.is_serious() {
            self.count_serious(&record, now)?;
        }
        self.trials.insert(report.trial, &record);
        Ok(id)
    }

    /// The steps of `report_susar`, after the shell's checks.
    pub(crate) fn do_report_susar(
        &mut self,
        now: Timestamp,
        event: EventId,
        report_hash: Hash,
    ) -> Result<ReportStatus> {
        let mut reported = self.events.get(event).ok_or(Error::UnknownEvent)?;
        let mut record = self.sponsored_by_caller(reported.trial, now)?;
        ensure!(reported.due.is_some(), Error::NotSusar);
        ensure!(reported.regulator_report.is_none(), Error::AlreadyReported);
        reported.regulator_report = Some((now, report_hash));
        let status = reported.status(now);
        if status == ReportStatus::Late {
            record.late_susars = record.late_susars.checked_add(1).ok_or(Error::Overflow)?;
        }
        self.close_susar(&mut record, event)?;
        self.events.insert(event, &reported);
        self.trials.insert(reported.trial, &record);
        self.env().emit_event(SusarReported {
            event,
            trial: reported.trial,
            report_hash,
            status,
        });
        Ok(status)
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
}
