//! Care relationships: a patient's providers, added and ended.

use super::*;
use crate::consent_registry::ConsentRegistry;
use crate::consent_registry::Indexed;
use crate::events::*;
use crate::model;
use healthcare_traits::append_indexed;
use healthcare_traits::ensure;
use healthcare_traits::timeline::{self, Entry};
use ink::codegen::Env;
use ink::primitives::AccountId;

type Timestamp = u64;

impl ConsentRegistry {
    /// The steps of `add_care_provider`, after the shell's checks.
    pub(crate) fn do_add_care_provider(
        &mut self,
        patient: AccountId,
        provider: AccountId,
        from: Timestamp,
    ) -> Result<CareId> {
        let (recorded_by, delegation) = self.actor(patient)?;
        ensure!(
            delegation.is_none() || provider != recorded_by,
            Error::DelegateSelfGrant
        );
        model::check_backdate(from, self.env().block_timestamp())?;
        let pair = (patient, provider);
        ensure!(!self.open_care.contains(pair), Error::CareRelationshipOpen);
        let id = self.next_care;
        let next_care = id.checked_add(1).ok_or(Error::Overflow)?;
        timeline::insert(
            &mut self.index(Indexed::Care, pair),
            Entry::new(id, from, None),
        )
        .map_err(|_| Error::TooManyConsents)?;
        self.next_care = next_care;
        append_indexed(
            &mut self.patient_care,
            &mut self.patient_care_count,
            patient,
            &id,
        )
        .ok_or(Error::Overflow)?;
        self.open_care.insert(pair, &id);
        self.care.insert(
            id,
            &CareRelationship {
                id,
                patient,
                provider,
                from,
                ended_at: None,
                recorded_by,
                recorded_at: self.env().block_timestamp(),
                delegation,
            },
        );
        self.env().emit_event(CareRelationshipStarted {
            id,
            patient,
            provider,
            from,
            recorded_by,
            delegation,
        });
        Ok(id)
    }

    /// The steps of `end_care`, after the shell's checks.
    pub(crate) fn do_end_care(&mut self, patient: AccountId, provider: AccountId) -> Result<()> {
        let (ended_by, _) = self.actor(patient)?;
        let pair = (patient, provider);
        let id = self
            .open_care
            .take(pair)
            .ok_or(Error::UnknownCareRelationship)?;
        let mut relationship = self.care.get(id).ok_or(Error::UnknownCareRelationship)?;
        let at = self.env().block_timestamp();
        relationship.ended_at = Some(at);
        self.care.insert(id, &relationship);
        timeline::close(&mut self.index(Indexed::Care, pair), id, at);
        self.env().emit_event(CareRelationshipEnded {
            id,
            patient,
            provider,
            ended_by,
            at,
        });
        Ok(())
    }
}
