//! Records: anchored hashes, their removal, and audited access.

use super::*;
use crate::consent_registry::ConsentRegistry;
use crate::events::*;
use crate::model::break_glass_covers;
use healthcare_traits::ensure;
use healthcare_traits::{append_indexed, DataCategory, Purpose};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl ConsentRegistry {
    /// The steps of `anchor_record`, after the shell's checks.
    pub(crate) fn do_anchor_record(
        &mut self,
        caller: AccountId,
        now: Timestamp,
        patient: AccountId,
        category: DataCategory,
        content_hash: Hash,
        locator_hash: Hash,
    ) -> Result<RecordId> {
        if caller != patient {
            self.check_consent(patient, caller, Purpose::Treatment, category, now)?;
        }
        let id = self.next_record;
        self.next_record = id.checked_add(1).ok_or(Error::Overflow)?;
        append_indexed(
            &mut self.patient_records,
            &mut self.patient_record_count,
            patient,
            &id,
        )
        .ok_or(Error::Overflow)?;
        self.records.insert(
            id,
            &Record {
                id,
                patient,
                category,
                content_hash,
                locator_hash,
                anchored_by: caller,
                anchored_at: now,
            },
        );
        self.env().emit_event(RecordAnchored {
            id,
            patient,
            anchored_by: caller,
            category,
            content_hash,
            locator_hash,
        });
        Ok(id)
    }

    /// The steps of `remove_record`, after the shell's checks.
    pub(crate) fn do_remove_record(&mut self, id: RecordId) -> Result<()> {
        let record = self.records.get(id).ok_or(Error::UnknownRecord)?;
        ensure!(record.patient == self.env().caller(), Error::NotPatient);
        self.records.remove(id);
        self.env().emit_event(RecordRemoved {
            id,
            patient: record.patient,
        });
        Ok(())
    }

    /// The steps of `access_record`, after the shell's checks.
    pub(crate) fn do_access_record(
        &mut self,
        patient: AccountId,
        record_id: RecordId,
        purpose: Purpose,
    ) -> Result<u32> {
        let record = self
            .records
            .get(record_id)
            .filter(|record| record.patient == patient)
            .ok_or(Error::UnknownRecord)?;
        let accessor = self.env().caller();
        let now = self.env().block_timestamp();
        let mut emergency = None;
        if accessor != patient {
            let consent = self.check_consent(patient, accessor, purpose, record.category, now);
            if consent.is_err() && purpose == Purpose::EmergencyTreatment {
                emergency = self.live_grant_of(accessor, patient, now);
                if emergency.is_some() {
                    ensure!(
                        break_glass_covers(record.category),
                        Error::NotCoveredByBreakGlass
                    );
                }
            }
            if emergency.is_none() {
                consent?;
            }
        }
        let log_index = self.log(
            patient,
            AccessEntry {
                accessor,
                at: now,
                purpose,
                record: Some(record_id),
                emergency,
            },
        )?;
        self.env().emit_event(RecordAccessed {
            record: record_id,
            patient,
            accessor,
            purpose,
            emergency,
            log_index,
        });
        Ok(log_index)
    }
}
