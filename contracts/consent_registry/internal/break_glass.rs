//! Break-glass: emergency access opened, acknowledged and closed.

use super::*;
use crate::consent_registry::ConsentRegistry;
use crate::events::*;
use crate::model;
use healthcare_traits::ensure;
use healthcare_traits::Purpose;
use ink::codegen::Env;
use ink::primitives::AccountId;

type Timestamp = u64;

impl ConsentRegistry {
    /// The steps of `open_break_glass`, after the shell's checks.
    pub(crate) fn do_open_break_glass(
        &mut self,
        clinician: AccountId,
        now: Timestamp,
        patient: AccountId,
        reason: u16,
    ) -> Result<GrantId> {
        let config = self.config();
        let recent = model::rate_limit(
            &self.rate.get(clinician).unwrap_or_default(),
            now,
            config.max_per_window,
            config.rate_window,
        )
        .ok_or(Error::RateLimited)?;
        ensure!(
            self.clinician_licensed(clinician, now)?,
            Error::CredentialCheckFailed
        );
        self.rate.insert(clinician, &recent);
        let id = self.next_grant;
        self.next_grant = id.checked_add(1).ok_or(Error::Overflow)?;
        let expires_at = now
            .checked_add(config.break_glass_window)
            .ok_or(Error::Overflow)?;
        self.grants.insert(
            id,
            &BreakGlass {
                id,
                clinician,
                patient,
                reason,
                opened_at: now,
                expires_at,
                closed_at: None,
                acknowledged_at: None,
                acknowledged_by: None,
            },
        );
        self.live_grant.insert((clinician, patient), &id);
        let log_index = self.log(
            patient,
            AccessEntry {
                accessor: clinician,
                at: now,
                purpose: Purpose::EmergencyTreatment,
                record: None,
                emergency: Some(id),
            },
        )?;
        self.env().emit_event(BreakGlassOpened {
            id,
            patient,
            clinician,
            reason,
            expires_at,
            log_index,
        });
        Ok(id)
    }

    /// The steps of `acknowledge_break_glass`, after the shell's checks.
    pub(crate) fn do_acknowledge_break_glass(&mut self, id: GrantId) -> Result<()> {
        let mut grant = self.grants.get(id).ok_or(Error::UnknownGrant)?;
        let caller = self.env().caller();
        let now = self.env().block_timestamp();
        let guardian = self
            .delegates
            .get((grant.patient, caller))
            .is_some_and(|d| d.live_at(now) && d.relationship == Relationship::Guardian);
        ensure!(
            caller == grant.patient || guardian,
            Error::NotPatientOrGuardian
        );
        ensure!(grant.acknowledged_at.is_none(), Error::AlreadyAcknowledged);
        grant.acknowledged_at = Some(now);
        grant.acknowledged_by = Some(caller);
        self.grants.insert(id, &grant);
        self.env().emit_event(BreakGlassAcknowledged {
            id,
            patient: grant.patient,
            by: caller,
        });
        Ok(())
    }

    /// The steps of `close_break_glass`, after the shell's checks.
    pub(crate) fn do_close_break_glass(&mut self, id: GrantId) -> Result<()> {
        let mut grant = self.grants.get(id).ok_or(Error::UnknownGrant)?;
        let (by, _) = self.actor(grant.patient)?;
        let at = self.env().block_timestamp();
        ensure!(grant.live_at(at), Error::GrantNotLive);
        grant.closed_at = Some(at);
        self.grants.insert(id, &grant);
        self.env().emit_event(BreakGlassClosed {
            id,
            patient: grant.patient,
            by,
            at,
        });
        Ok(())
    }
}
