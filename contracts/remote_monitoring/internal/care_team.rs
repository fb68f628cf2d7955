//! The care team and the alert thresholds it sets.

use super::*;
use crate::model;
use crate::model::*;
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::ensure;
use healthcare_traits::{DataCategory, Loinc};
use ink::codegen::Env;
use ink::primitives::AccountId;

type Timestamp = u64;

impl RemoteMonitoring {
    /// The steps of `add_care_team_member`, after the shell's checks.
    pub(crate) fn do_add_care_team_member(
        &mut self,
        by: AccountId,
        patient: AccountId,
        member: AccountId,
    ) -> Result<()> {
        ensure!(by == patient || member != by, Error::DelegateSelfGrant);
        let mut team = self.care_teams.get(patient).unwrap_or_default();
        model::join_team(&mut team, member)?;
        self.care_teams.insert(patient, &team);
        self.env().emit_event(CareTeamChanged {
            patient,
            member,
            active: true,
            by,
        });
        Ok(())
    }

    /// The steps of `remove_care_team_member`, after the shell's checks.
    pub(crate) fn do_remove_care_team_member(
        &mut self,
        by: AccountId,
        patient: AccountId,
        member: AccountId,
    ) -> Result<()> {
        if by != member {
            self.ensure_acts_for(patient, by)?;
        }
        let mut team = self.care_teams.get(patient).unwrap_or_default();
        model::leave_team(&mut team, member)?;
        self.care_teams.insert(patient, &team);
        self.env().emit_event(CareTeamChanged {
            patient,
            member,
            active: false,
            by,
        });
        Ok(())
    }

    /// The steps of `set_threshold`, after the shell's checks.
    pub(crate) fn do_set_threshold(
        &mut self,
        now: Timestamp,
        by: AccountId,
        patient: AccountId,
        quantity: Loinc,
        category: DataCategory,
        range: Option<(i64, i64)>,
    ) -> Result<()> {
        ensure!(quantity.is_valid(), Error::InvalidLoinc);
        ensure!(
            self.care_teams
                .get(patient)
                .is_some_and(|team| team.contains(&by)),
            Error::NotCareTeam
        );
        ensure!(
            range.is_none_or(|(low, high)| low < high),
            Error::InvalidThreshold
        );
        self.licensed_clinician(now)?;
        ensure!(
            self.treatment_consent(patient, by, category, now)?,
            Error::NoTreatmentConsent
        );
        let key = (patient, quantity, category);
        let previous = self.thresholds.get(key);
        match range {
            Some((low, high)) => {
                self.thresholds.insert(
                    key,
                    &Threshold {
                        low,
                        high,
                        set_by: by,
                        set_at: now,
                    },
                );
            }
            None => self.thresholds.remove(key),
        }
        self.env().emit_event(ThresholdChanged {
            patient,
            quantity,
            category,
            range,
            by,
            previous,
        });
        Ok(())
    }
}
