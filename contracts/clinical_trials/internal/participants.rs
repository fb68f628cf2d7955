//! Participants: enrolment, consent to a protocol version, withdrawal.

use super::*;
use crate::clinical_trials::ClinicalTrials;
use crate::model::*;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl ClinicalTrials {
    /// The steps of `consent_to_version`, after the shell's checks.
    pub(crate) fn do_consent_to_version(
        &mut self,
        by: AccountId,
        trial: TrialId,
        participant: AccountId,
        version: Version,
        form_hash: Hash,
    ) -> Result<()> {
        let record = self.trial_of(trial)?;
        ensure!(record.current_version != 0, Error::NoApprovedProtocol);
        ensure!(version == record.current_version, Error::NotCurrentVersion);
        if let Some(number) = self.participant_of.get((trial, participant)) {
            let enrolled = self
                .participant(trial, number)
                .ok_or(Error::UnknownParticipant)?;
            ensure!(enrolled.withdrawn_at.is_none(), Error::Withdrawn);
        }
        self.ensure_acts_for(participant, by)?;
        ensure!(
            by == participant || !self.runs_trial(&record, by),
            Error::DelegateSelfGrant
        );
        self.version_consents.insert(
            (trial, participant),
            &VersionConsent {
                version,
                form_hash,
                at: self.env().block_timestamp(),
                by,
            },
        );
        self.env().emit_event(VersionConsented {
            trial,
            version,
            participant,
            by,
            form_hash,
        });
        Ok(())
    }

    /// The steps of `enrol`, after the shell's checks.
    pub(crate) fn do_enrol(
        &mut self,
        now: Timestamp,
        trial: TrialId,
        participant: AccountId,
    ) -> Result<ParticipantNo> {
        let mut record = self.trial_of(trial)?;
        let investigator = self.licensed_investigator(trial, now)?;
        record.check_enrolment_open()?;
        ensure!(
            !self.participant_of.contains((trial, participant)),
            Error::AlreadyEnrolled
        );
        self.ensure_consented_to_current(&record, participant)?;
        self.ensure_research_consent_each(&record, ink::prelude::vec![participant], now)?;
        let number = record.enrolled.checked_add(1).ok_or(Error::Overflow)?;
        record.enrolled = number;
        self.participants.insert(
            (trial, number),
            &Participant {
                number,
                account: participant,
                investigator,
                enrolled_at: now,
                withdrawn_at: None,
            },
        );
        self.participant_of.insert((trial, participant), &number);
        self.trials.insert(trial, &record);
        self.env().emit_event(ParticipantEnrolled {
            trial,
            investigator,
            number,
            participant,
            version: record.current_version,
        });
        Ok(number)
    }

    /// The steps of `withdraw`, after the shell's checks.
    pub(crate) fn do_withdraw(
        &mut self,
        by: AccountId,
        trial: TrialId,
        participant: AccountId,
    ) -> Result<()> {
        let number = self
            .participant_of
            .get((trial, participant))
            .ok_or(Error::UnknownParticipant)?;
        let mut enrolled = self
            .participants
            .get((trial, number))
            .ok_or(Error::UnknownParticipant)?;
        ensure!(enrolled.withdrawn_at.is_none(), Error::Withdrawn);
        self.ensure_acts_for(participant, by)?;
        enrolled.withdrawn_at = Some(self.env().block_timestamp());
        self.participants.insert((trial, number), &enrolled);
        self.env()
            .emit_event(ParticipantWithdrew { trial, number, by });
        Ok(())
    }
}
