//! Devices: models, attested keys, registration, revocation and pairing with patients.

use super::*;
use crate::model;
use crate::model::*;
use crate::remote_monitoring::RemoteMonitoring;
use healthcare_traits::anchoring::{
    self, DeviceKey, DeviceSignature, Registration, MAX_ATTESTED_KEYS,
};
use healthcare_traits::ensure;
use healthcare_traits::{append_indexed, DataCategory};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl RemoteMonitoring {
    /// The steps of `register_model`, after the shell's checks.
    pub(crate) fn do_register_model(
        &mut self,
        now: Timestamp,
        model_hash: Hash,
        category: DataCategory,
    ) -> Result<ModelId> {
        let manufacturer = self.licensed_manufacturer(now)?;
        let id = self.next_model;
        self.next_model = id.checked_add(1).ok_or(Error::Overflow)?;
        self.models.insert(
            id,
            &DeviceModel {
                id,
                manufacturer,
                model_hash,
                category,
                registered_at: now,
                recalled_at: None,
                recall_hash: None,
            },
        );
        self.env().emit_event(ModelRegistered {
            model: id,
            manufacturer,
            model_hash,
            category,
        });
        Ok(id)
    }

    /// The steps of `recall_model`, after the shell's checks.
    pub(crate) fn do_recall_model(&mut self, model: ModelId, recall_hash: Hash) -> Result<()> {
        let mut record = self.model_of(model)?;
        ensure!(
            record.manufacturer == self.env().caller(),
            Error::NotManufacturer
        );
        ensure!(record.recalled_at.is_none(), Error::ModelRecalled);
        record.recalled_at = Some(self.env().block_timestamp());
        record.recall_hash = Some(recall_hash);
        self.models.insert(model, &record);
        self.env().emit_event(ModelRecalled { model, recall_hash });
        Ok(())
    }

    /// The steps of `attest_devices`, after the shell's checks.
    pub(crate) fn do_attest_devices(&mut self, model: ModelId, keys: Vec<DeviceKey>) -> Result<()> {
        ensure!(keys.len() <= MAX_ATTESTED_KEYS, Error::TooManyKeys);
        let record = self.model_of(model)?;
        ensure!(
            record.manufacturer == self.env().caller(),
            Error::NotManufacturer
        );
        ensure!(record.recalled_at.is_none(), Error::ModelRecalled);
        let now = self.env().block_timestamp();
        let manufacturer = self.licensed_manufacturer(now)?;
        for key in &keys {
            self.attestations.insert((*key, model), &now);
        }
        self.env().emit_event(DevicesAttested {
            model,
            manufacturer,
            keys,
        });
        Ok(())
    }

    /// The steps of `register_device`, after the shell's checks.
    pub(crate) fn do_register_device(
        &mut self,
        now: Timestamp,
        key: DeviceKey,
        model: ModelId,
        issued_at: Timestamp,
        signature: DeviceSignature,
    ) -> Result<()> {
        let provider = self.licensed_clinician(now)?;
        let record = self.model_of(model)?;
        ensure!(record.recalled_at.is_none(), Error::ModelRecalled);
        ensure!(!self.devices.contains(key), Error::DeviceExists);
        ensure!(self.attestations.contains((key, model)), Error::NotAttested);
        let registration = Registration {
            registrant: provider,
            key,
            scope: model,
            issued_at,
        };
        anchoring::check_possession(
            REGISTRATION_DOMAIN,
            &self.env().account_id(),
            &registration,
            &signature,
            now,
        )?;
        self.devices.insert(
            key,
            &Device {
                key,
                model,
                provider,
                registered_at: now,
                patient: None,
                pairing: 0,
                paired_at: 0,
                revoked_at: None,
                last_until: 0,
                batch_count: 0,
            },
        );
        self.env().emit_event(DeviceRegistered {
            device: key,
            model,
            provider,
        });
        Ok(())
    }

    /// The steps of `revoke_device`, after the shell's checks.
    pub(crate) fn do_revoke_device(&mut self, key: DeviceKey, reason_hash: Hash) -> Result<()> {
        let mut device = self.device_of(key)?;
        let record = self.model_of(device.model)?;
        ensure!(
            record.manufacturer == self.env().caller(),
            Error::NotManufacturer
        );
        ensure!(device.revoked_at.is_none(), Error::DeviceRevoked);
        device.revoked_at = Some(self.env().block_timestamp());
        self.devices.insert(key, &device);
        self.env().emit_event(DeviceRevoked {
            device: key,
            reason_hash,
        });
        Ok(())
    }

    /// The steps of `pair_device`, after the shell's checks.
    pub(crate) fn do_pair_device(
        &mut self,
        now: Timestamp,
        key: DeviceKey,
        patient: AccountId,
    ) -> Result<u32> {
        let (mut device, record) = self.usable_device(key)?;
        ensure!(
            device.provider == self.env().caller(),
            Error::NotDeviceProvider
        );
        ensure!(device.patient.is_none(), Error::AlreadyPaired);
        self.licensed_clinician(now)?;
        ensure!(
            self.treatment_consent(patient, device.provider, record.category, now)?,
            Error::NoTreatmentConsent
        );
        let mut team = self.care_teams.get(patient).unwrap_or_default();
        if !team.contains(&device.provider) {
            model::join_team(&mut team, device.provider)?;
            self.care_teams.insert(patient, &team);
            self.env().emit_event(CareTeamChanged {
                patient,
                member: device.provider,
                active: true,
                by: device.provider,
            });
        }
        let pairing = append_indexed(
            &mut self.pairings,
            &mut self.pairing_count,
            patient,
            &Pairing {
                device: key,
                provider: device.provider,
                paired_at: now,
                unpaired_at: None,
            },
        )
        .ok_or(Error::Overflow)?;
        device.patient = Some(patient);
        device.pairing = pairing;
        device.paired_at = now;
        self.devices.insert(key, &device);
        self.env().emit_event(DevicePaired {
            device: key,
            patient,
            provider: device.provider,
            pairing,
        });
        Ok(pairing)
    }

    /// The steps of `unpair_device`, after the shell's checks.
    pub(crate) fn do_unpair_device(&mut self, by: AccountId, key: DeviceKey) -> Result<()> {
        let mut device = self.device_of(key)?;
        let patient = device.patient.ok_or(Error::NotPaired)?;
        if by != device.provider {
            self.ensure_acts_for(patient, by)?;
        }
        if let Some(mut pairing) = self.pairings.get((patient, device.pairing)) {
            pairing.unpaired_at = Some(self.env().block_timestamp());
            self.pairings.insert((patient, device.pairing), &pairing);
        }
        device.patient = None;
        device.paired_at = 0;
        self.devices.insert(key, &device);
        self.env().emit_event(DeviceUnpaired {
            device: key,
            patient,
            by,
        });
        Ok(())
    }

    pub(crate) fn model_of(&self, model: ModelId) -> Result<DeviceModel> {
        self.models.get(model).ok_or(Error::UnknownModel)
    }

    pub(crate) fn device_of(&self, key: DeviceKey) -> Result<Device> {
        self.devices.get(key).ok_or(Error::UnknownDevice)
    }

    /// The device and its model, if neither the device is revoked nor the model
    /// recalled.
    pub(crate) fn usable_device(&self, key: DeviceKey) -> Result<(Device, DeviceModel)> {
        let device = self.device_of(key)?;
        let record = self.model_of(device.model)?;
        ensure!(
            device.revoked_at.is_none() && record.recalled_at.is_none(),
            Error::DeviceRevoked
        );
        Ok((device, record))
    }
}
