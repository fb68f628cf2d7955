//! Registration: trials, protocol versions and amendments, investigators and their sites.

use super::*;
use crate::clinical_trials::ClinicalTrials;
use crate::model::*;
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl ClinicalTrials {
    /// The steps of `register_trial`, after the shell's checks.
    pub(crate) fn do_register_trial(
        &mut self,
        sponsor: AccountId,
        now: Timestamp,
        request: TrialRequest,
    ) -> Result<TrialId> {
        model::check_request(&request, now)?;
        self.ensure_sponsor_accredited(sponsor, now)?;
        let id = self.next_trial;
        self.next_trial = id.checked_add(1).ok_or(Error::Overflow)?;
        self.trials.insert(id, &request.trial(id, sponsor, now));
        self.versions.insert((id, 1), &request.first_version(now));
        self.env()
            .emit_event(TrialRegistered::of(id, sponsor, &request));
        Ok(id)
    }

    /// The steps of `propose_amendment`, after the shell's checks.
    pub(crate) fn do_propose_amendment(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        amendment: Amendment,
    ) -> Result<Version> {
        let mut record = self.sponsored_by_caller(trial, now)?;
        ensure!(record.results.is_none(), Error::ResultsAlreadyPosted);
        ensure!(
            record.latest_version == record.current_version,
            Error::AmendmentPending
        );
        let current = self.version_of(trial, record.current_version)?;
        let target = amendment
            .target_enrolment
            .unwrap_or(current.target_enrolment);
        ensure!(
            target > 0 && target >= record.enrolled,
            Error::InvalidTarget
        );
        let outcome = amendment
            .primary_outcome_hash
            .unwrap_or(current.primary_outcome_hash);
        let version = record
            .latest_version
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        let proposed = ProtocolVersion {
            version,
            protocol_hash: amendment.protocol_hash,
            reason_hash: Some(amendment.reason_hash),
            primary_outcome_hash: outcome,
            outcome_changed: outcome != current.primary_outcome_hash,
            target_enrolment: target,
            proposed_at: now,
            approved_at: None,
        };
        self.versions.insert((trial, version), &proposed);
        record.latest_version = version;
        self.trials.insert(trial, &record);
        self.env().emit_event(AmendmentProposed {
            trial,
            version,
            protocol_hash: proposed.protocol_hash,
            reason_hash: amendment.reason_hash,
            primary_outcome_hash: outcome,
            outcome_changed: proposed.outcome_changed,
            target_enrolment: target,
        });
        Ok(version)
    }

    /// The steps of `approve_version`, after the shell's checks.
    pub(crate) fn do_approve_version(
        &mut self,
        irb: AccountId,
        now: Timestamp,
        trial: TrialId,
        version: Version,
    ) -> Result<()> {
        let mut record = self.trial_of(trial)?;
        ensure!(record.irb == irb, Error::NotEthicsCommittee);
        let mut proposed = self.version_of(trial, version)?;
        ensure!(proposed.approved_at.is_none(), Error::AlreadyApproved);
        ensure!(version == record.latest_version, Error::UnknownVersion);
        ensure!(
            self.credential_valid(irb, KindSet::of(&[CredentialKind::EthicsCommittee]), now)?,
            Error::EthicsCommitteeNotAccredited
        );
        proposed.approved_at = Some(now);
        self.versions.insert((trial, version), &proposed);
        if !self
            .approved_outcomes
            .contains((trial, proposed.primary_outcome_hash))
        {
            self.approved_outcomes
                .insert((trial, proposed.primary_outcome_hash), &version);
        }
        record.current_version = version;
        record.target_enrolment = proposed.target_enrolment;
        self.trials.insert(trial, &record);
        self.env().emit_event(VersionApproved {
            trial,
            version,
            irb,
        });
        Ok(())
    }

    /// The steps of `add_investigator`, after the shell's checks.
    pub(crate) fn do_add_investigator(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        investigator: AccountId,
    ) -> Result<()> {
        let mut record = self.sponsored_by_caller(trial, now)?;
        match self.investigators.get((trial, investigator)) {
            Some(existing) if existing.removed_at.is_none() => {
                return Err(Error::InvestigatorExists)
            }
            Some(_) => {}
            None => {
                record.investigator_count = push_indexed(
                    &mut self.investigator_list,
                    trial,
                    record.investigator_count,
                    &investigator,
                )?;
            }
        }
        self.investigators.insert(
            (trial, investigator),
            &Investigator {
                account: investigator,
                added_at: now,
                removed_at: None,
            },
        );
        self.trials.insert(trial, &record);
        self.env().emit_event(InvestigatorChanged {
            trial,
            investigator,
            active: true,
        });
        Ok(())
    }

    /// The steps of `remove_investigator`, after the shell's checks.
    pub(crate) fn do_remove_investigator(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        investigator: AccountId,
    ) -> Result<()> {
        self.sponsored_by_caller(trial, now)?;
        let mut site = self
            .investigators
            .get((trial, investigator))
            .filter(|site| site.removed_at.is_none())
            .ok_or(Error::NotInvestigator)?;
        site.removed_at = Some(now);
        self.investigators.insert((trial, investigator), &site);
        self.env().emit_event(InvestigatorChanged {
            trial,
            investigator,
            active: false,
        });
        Ok(())
    }

    /// The steps of `post_results`, after the shell's checks.
    pub(crate) fn do_post_results(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        results_hash: Hash,
        reported_outcome_hash: Hash,
    ) -> Result<Results> {
        let mut record = self.sponsored_by_caller(trial, now)?;
        ensure!(record.results.is_none(), Error::ResultsAlreadyPosted);
        // Switched unless the outcome was approved before the first participant was
        // enrolled: an amendment after enrolment began cannot make a new outcome
        // look pre-specified.
        let first_enrolled = self.participants.get((trial, 1)).map(|p| p.enrolled_at);
        let approved_at = self
            .approved_outcomes
            .get((trial, reported_outcome_hash))
            .and_then(|version| self.versions.get((trial, version)))
            .and_then(|version| version.approved_at);
        let results = Results {
            results_hash,
            reported_outcome_hash,
            posted_at: now,
            late: model::results_late(record.primary_completion, now),
            outcome_switched: model::outcome_switched(approved_at, first_enrolled),
        };
        record.results = Some(results);
        self.trials.insert(trial, &record);
        self.env().emit_event(ResultsPosted {
            trial,
            results_hash,
            reported_outcome_hash,
            late: results.late,
            outcome_switched: results.outcome_switched,
        });
        Ok(results)
    }
}
