//! The contract's internal steps (no messages) over the storage of [`RemoteMonitoring`]:
//! here the access checks and the calls to the peer contracts; by concern in the
//! submodules: device models, keys and pairings (`devices`), anchored readings, the
//! calendars of days with data and alerts (`readings`), the care team and thresholds
//! (`care_team`), the governor's actions and the initial storage (`governance`). Each
//! message's `do_*` steps run after the shell's checks (pause, caller, clock, role).

use crate::events::*;
use crate::model::{AlertId, BatchId, Error, ModelId, OutOfRange, Result};
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::anchoring::DeviceKey;
#[cfg(not(test))]
use healthcare_traits::peer::ask;
/// Unit tests ask the stand-ins, which answer (and fail) like the real peers; the drink
/// sandbox tests make the real calls.
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::Purpose;
use healthcare_traits::{ensure, CredentialKind, DataCategory, KindSet, PeerError};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

mod care_team;
mod devices;
mod governance;
mod readings;

/// One of a patient's calendars of days with data.
#[derive(Clone, Copy)]
pub(crate) enum Calendar {
    /// From any device.
    All,
    /// From one device.
    Device(DeviceKey),
    /// From the devices one provider paired (what it may bill as CPT 99454).
    Provider(AccountId),
}

/// An alert decided before a batch is recorded (so that a failing peer call comes
/// before any write).
pub(crate) struct PendingAlert {
    summary: OutOfRange,
    range: (i64, i64),
    notified: Vec<AccountId>,
}

impl RemoteMonitoring {
    /// The caller, if it holds a valid device-manufacturer credential now.
    pub(crate) fn licensed_manufacturer(&self, now: Timestamp) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(
            self.credential_valid(
                caller,
                KindSet::of(&[CredentialKind::DeviceManufacturer]),
                now
            )?,
            Error::ManufacturerNotLicensed
        );
        Ok(caller)
    }

    /// The caller, if it holds a valid medical or nursing licence now.
    pub(crate) fn licensed_clinician(&self, now: Timestamp) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(
            self.credential_valid(caller, KindSet::CLINICIAN, now)?,
            Error::ClinicianNotLicensed
        );
        Ok(caller)
    }

    /// `Err(NotActingForPatient)` unless `by` is `patient` or a delegate in force (asked
    /// of consent_registry only when `by` is someone else).
    pub(crate) fn ensure_acts_for(&self, patient: AccountId, by: AccountId) -> Result<()> {
        ensure!(
            by == patient || self.acts_for(patient, by)?,
            Error::NotActingForPatient
        );
        Ok(())
    }

    pub(crate) fn credential_error(e: PeerError) -> Error {
        e.into_either(
            Error::CredentialContractTrapped,
            Error::CredentialContractUnreachable,
        )
    }

    pub(crate) fn consent_error(e: PeerError) -> Error {
        e.into_either(
            Error::ConsentContractTrapped,
            Error::ConsentContractUnreachable,
        )
    }

    /// Asks staff_credentials whether `account` held a valid credential of one of
    /// `kinds` at `at`.
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        ask::any_valid_at(self.peers().credentials, account, kinds, at)
            .map_err(Self::credential_error)
    }

    /// Asks consent_registry whether `patient` consents to `provider` for treatment with
    /// `category` at `at`.
    pub(crate) fn treatment_consent(
        &self,
        patient: AccountId,
        provider: AccountId,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<bool> {
        let consent = self.peers().consent;
        ask::has_consent(consent, patient, provider, Purpose::Treatment, category, at)
            .map_err(Self::consent_error)
    }

    /// Asks consent_registry, in one call, which of `team` the patient's treatment
    /// consent for `category` covers at `at`.
    pub(crate) fn consented_members(
        &self,
        patient: AccountId,
        team: Vec<AccountId>,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<Vec<bool>> {
        let consent = self.peers().consent;
        ask::has_consent_each(consent, patient, team, Purpose::Treatment, category, at)
            .map_err(Self::consent_error)
    }

    /// Asks consent_registry whether `account` is a delegate of `patient` now.
    pub(crate) fn acts_for(&self, patient: AccountId, account: AccountId) -> Result<bool> {
        ask::acts_for_now(self.peers().consent, patient, account).map_err(Self::consent_error)
    }
}
