//! Consents: grants and revocations, and the point-in-time index they are read through.

use super::*;
use crate::consent_registry::ConsentRegistry;
use crate::consent_registry::Indexed;
use crate::events::*;
use crate::model;
use healthcare_traits::append_indexed;
use healthcare_traits::ensure;
use healthcare_traits::timeline::{self, Entry};
use ink::codegen::Env;

type Timestamp = u64;

impl ConsentRegistry {
    /// The steps of `grant`, after the shell's checks.
    pub(crate) fn do_grant(
        &mut self,
        now: Timestamp,
        request: ConsentRequest,
    ) -> Result<ConsentId> {
        let (recorded_by, delegation) = self.actor(request.patient)?;
        request.check_scope()?;
        model::check_backdate(request.valid_from, now)?;
        let mut valid_until = request.valid_until;
        if let Some(term) = delegation {
            request.check_delegate(recorded_by)?;
            let term_end = self
                .term(request.patient, recorded_by, term)
                .map(|t| t.until);
            valid_until = model::earliest(valid_until, term_end);
        }
        model::check_until(request.valid_from, valid_until, now)?;
        // Every check (the index can be full) before the first write.
        let id = self.next_consent;
        let next_consent = id.checked_add(1).ok_or(Error::Overflow)?;
        let consent = request.consent(id, valid_until, recorded_by, delegation, now);
        timeline::insert(
            &mut self.index(Indexed::Consents, (consent.patient, consent.grantee)),
            Entry::new(id, consent.start(), consent.valid_until),
        )
        .map_err(|_| Error::TooManyConsents)?;
        self.next_consent = next_consent;
        append_indexed(
            &mut self.patient_consents,
            &mut self.patient_consent_count,
            consent.patient,
            &id,
        )
        .ok_or(Error::Overflow)?;
        self.consents.insert(id, &consent);
        self.env().emit_event(ConsentRecorded::of(&consent));
        Ok(id)
    }

    /// The steps of `revoke`, after the shell's checks.
    pub(crate) fn do_revoke(&mut self, id: ConsentId) -> Result<()> {
        let mut consent = self.consents.get(id).ok_or(Error::UnknownConsent)?;
        let (revoked_by, delegation) = self.actor(consent.patient)?;
        ensure!(
            delegation.is_none()
                || consent.kind != ConsentKind::Deny
                || consent.recorded_by != consent.patient,
            Error::PatientDeny
        );
        ensure!(consent.revoked_at.is_none(), Error::AlreadyRevoked);
        let at = self.env().block_timestamp();
        consent.revoked_at = Some(at);
        self.consents.insert(id, &consent);
        if consent.valid_until.is_none() {
            timeline::close(
                &mut self.index(Indexed::Consents, (consent.patient, consent.grantee)),
                id,
                at,
            );
        }
        self.env().emit_event(ConsentRevoked {
            id,
            patient: consent.patient,
            revoked_by,
            at,
        });
        Ok(())
    }
}
