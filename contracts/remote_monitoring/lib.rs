//! # remote_monitoring
//!
//! Remote patient monitoring whose every anchored batch of readings is provable and
//! attributable: a licensed manufacturer registers device models and attests the keys it
//! built into their devices; a licensed care provider holding a device registers it by
//! its public key, with the device's own proof of possession, and pairs it with a patient
//! under the
//! patient's treatment consent (asked of `consent_registry`); the device, or a gateway
//! holding its key, anchors signed batches of readings as Merkle roots (signature checked
//! on chain with `ecdsa_recover`); the UTC days with data are kept per patient and per
//! device, which is what CPT 99454 bills (at least 16 days in 30, asked by
//! `claims_adjudication` through `MonitoringVerifier`); a batch whose out-of-range
//! summary breaches the clinician's threshold raises an alert to the care-team members
//! the patient's consent covers at that moment. Readings stay off chain: only roots,
//! counts, LOINC codes, periods, day masks and the out-of-range summary (how many
//! readings lay outside which range, and a salted commitment to the worst, never its
//! value) go on chain.
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, sets the `staff_credentials` and
//!   `consent_registry` addresses and upgrades the code (after its delay); pauses and
//!   unpauses (at once).
//! * **manufacturer**: an account with a valid `DeviceManufacturer` credential when it
//!   registers a model or attests keys under it; recalls its models (every device of a
//!   recalled model is revoked at once) and revokes single devices.
//! * **care provider**: a valid medical or nursing licence whenever it acts; registers
//!   devices, pairs them with patients, unpairs them; as a care-team member holding the
//!   patient's treatment consent for the data category now, sets alert thresholds.
//! * **patient** (or a **delegate** in force in `consent_registry`): names the care team,
//!   unpairs devices; sees its pairings, batches, calendar and alerts.
//! * **device / gateway**: signs batches with the device's key; anyone may relay them.
//!
//! ## Invariants
//! * A device is registered only under a key its model's manufacturer attested, by the
//!   account the device signed a fresh registration for (`anchoring::Registration`:
//!   registrant, key, model, time within the hour), once.
//! * A device is paired only under a treatment consent, in force at pairing, of its
//!   patient to its provider for the model's data category.
//! * An anchored batch was signed by the key of a registered, paired, unrevoked device of
//!   an unrecalled model over this contract's address and every field of the batch;
//!   its period has ended, starts at or after the device's previous batch and its
//!   pairing, and covers at most 31 days; its day mask lies inside the period.
//! * A day counts once per patient (and once per patient and device) however many
//!   batches cover it; nothing is ever unmarked.
//! * An alert names only care-team members whose treatment consent for the model's
//!   category is in force when it is raised.
//! * A threshold (per patient, LOINC quantity and data category; it judges the readings
//!   of that category's device models) is set, changed or cleared only by a licensed
//!   care-team clinician holding the patient's treatment consent for the category at
//!   that moment, whoever set it before; every change is an event naming the clinician
//!   and the threshold it replaced.
//! * Every message is O(1) or O(its input); care teams hold at most 8 members; every
//!   list is paged.
//!
//! ## Pause
//! While paused no model or device is registered, paired or anchored, no threshold or
//! care-team member added. Unpairing, revocations, recalls and leaving a care team keep
//! working.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Revision of this code, reported by `code_version`. The `upgrade-rehearsal` feature
/// builds the same contract as revision 2 (same storage layout, another code hash): the
/// sandbox tests switch a live instance to it through the governor.
pub const CODE_VERSION: u16 = if cfg!(feature = "upgrade-rehearsal") {
    2
} else {
    1
};

pub mod events;
mod internal;
pub mod model;

#[ink::contract]
pub mod remote_monitoring {
    pub use crate::events::*;
    use crate::internal::Calendar;
    use crate::model::{self, day_of};
    pub use crate::model::{
        worst_commitment, Alert, AlertId, AnchoredBatch, BatchId, Device, DeviceModel, Error,
        ModelId, OutOfRange, Pairing, Peers, ReadingBatch, Result, Threshold, MAX_BATCH_DAYS,
        MAX_CARE_TEAM, READINGS_DOMAIN, REGISTRATION_DOMAIN,
    };
    use healthcare_traits::anchoring::{self, DeviceKey, DeviceSignature, Registration};
    use healthcare_traits::monitoring::MONITORING_PERIOD_DAYS;
    use healthcare_traits::{
        page_range, ApplyError, DataCategory, Governance, Governed, Loinc, MonitoringVerifier,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// (patient, device, word): the key of a patient's calendar of one device.
    pub(crate) type DeviceDaysKey = (AccountId, DeviceKey, u64);
    /// (patient, provider, word): the key of a patient's calendar of the devices one
    /// provider paired.
    pub(crate) type ProviderDaysKey = (AccountId, AccountId, u64);

    /// Whose threshold of which quantity, for which data category's readings.
    type ThresholdKey = (AccountId, Loinc, DataCategory);

    /// The contract's storage.
    #[ink(storage)]
    pub struct RemoteMonitoring {
        pub(crate) governance: Governance,
        pub(crate) peers: Lazy<Peers>,
        pub(crate) next_model: ModelId,
        pub(crate) next_batch: BatchId,
        pub(crate) next_alert: AlertId,
        pub(crate) models: Mapping<ModelId, DeviceModel>,
        pub(crate) devices: Mapping<DeviceKey, Device>,
        /// (key, model) -> when the model's manufacturer attested the key.
        pub(crate) attestations: Mapping<(DeviceKey, ModelId), Timestamp>,
        pub(crate) device_batches: Mapping<(DeviceKey, u32), BatchId>,
        pub(crate) batches: Mapping<BatchId, AnchoredBatch>,
        pub(crate) pairings: Mapping<(AccountId, u32), Pairing>,
        pub(crate) pairing_count: Mapping<AccountId, u32>,
        /// (patient, word) -> the days with data from any device (see `model::word_of`).
        pub(crate) patient_days: Mapping<(AccountId, u64), u64>,
        /// (patient, device, word) -> the days with data from that device.
        pub(crate) device_days: Mapping<DeviceDaysKey, u64>,
        /// (patient, provider, word) -> the days with data from the devices that provider
        /// paired with the patient (what the provider may bill as CPT 99454).
        pub(crate) provider_days: Mapping<ProviderDaysKey, u64>,
        pub(crate) thresholds: Mapping<ThresholdKey, Threshold>,
        pub(crate) care_teams: Mapping<AccountId, Vec<AccountId>>,
        pub(crate) alerts: Mapping<AlertId, Alert>,
        pub(crate) patient_alerts: Mapping<(AccountId, u32), AlertId>,
        pub(crate) alert_count: Mapping<AccountId, u32>,
    }

    impl RemoteMonitoring {
        /// Creates the contract, governed by `governor` (the consortium's governor
        /// contract), asking `credentials` (staff_credentials) about licences and `consent`
        /// (consent_registry) about consents and delegates.
        #[ink(constructor)]
        pub fn new(
            governor: AccountId,
            credentials: AccountId,
            consent: AccountId,
        ) -> Result<Self> {
            Ok(Self::with_storage(governor, credentials, consent))
        }

        // ----------------------------------------------------------- governance

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.governance.is_paused()
        }

        /// The revision of the code running at this address ([`crate::CODE_VERSION`]), so
        /// that an operator can see which code an upgrade left in place.
        #[ink(message)]
        pub fn code_version(&self) -> u16 {
            crate::CODE_VERSION
        }

        /// The peer contracts.
        #[ink(message)]
        pub fn peers(&self) -> Peers {
            self.peers.get().unwrap_or(Peers {
                credentials: AccountId::from([0; 32]),
                consent: AccountId::from([0; 32]),
            })
        }

        // ------------------------------------------------------ models, devices

        /// A licensed device manufacturer: registers a device model (the hash of its
        /// device record; the data category its devices produce). Returns its id.
        #[ink(message)]
        pub fn register_model(
            &mut self,
            model_hash: Hash,
            category: DataCategory,
        ) -> Result<ModelId> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_register_model(now, model_hash, category)
        }

        /// The model's manufacturer (also while paused): recalls it; every device of
        /// the model is revoked from now on (one write, whatever their number).
        #[ink(message)]
        pub fn recall_model(&mut self, model: ModelId, recall_hash: Hash) -> Result<()> {
            self.do_recall_model(model, recall_hash)
        }

        /// The model's manufacturer, licensed now: attests the compressed secp256k1 keys
        /// (at most `MAX_ATTESTED_KEYS`) it built into devices of the model, not
        /// recalled. Only an attested key can be registered under the model.
        #[ink(message)]
        pub fn attest_devices(&mut self, model: ModelId, keys: Vec<DeviceKey>) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_attest_devices(model, keys)
        }

        /// A licensed care provider (medical or nursing licence) holding the device:
        /// registers it by its compressed secp256k1 public key under a model not
        /// recalled whose manufacturer attested the key. `signature` is the device's
        /// proof of possession: its signature over `registration_hash` of the
        /// registration (the caller, the key, the model as scope, `issued_at`), signed
        /// within `anchoring::REGISTRATION_WINDOW` of the block time.
        #[ink(message)]
        pub fn register_device(
            &mut self,
            key: DeviceKey,
            model: ModelId,
            issued_at: Timestamp,
            signature: DeviceSignature,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_register_device(now, key, model, issued_at, signature)
        }

        /// The hash a device signs to prove possession of its key at registration on
        /// this contract (`anchoring::payload_hash` with `REGISTRATION_DOMAIN`).
        #[ink(message)]
        pub fn registration_hash(&self, registration: Registration) -> Hash {
            anchoring::payload_hash(REGISTRATION_DOMAIN, &self.env().account_id(), &registration)
        }

        /// When the model's manufacturer attested `key` under `model`, if it did.
        #[ink(message)]
        pub fn attested_at(&self, key: DeviceKey, model: ModelId) -> Option<Timestamp> {
            self.attestations.get((key, model))
        }

        /// The device's manufacturer (also while paused): revokes one device for good.
        #[ink(message)]
        pub fn revoke_device(&mut self, key: DeviceKey, reason_hash: Hash) -> Result<()> {
            self.do_revoke_device(key, reason_hash)
        }

        /// The device's provider, licensed now: pairs the device with `patient`, who
        /// consents to the provider for treatment with the model's data category now
        /// (asked of consent_registry). The provider joins the patient's care team if
        /// not in it. Returns the pairing's index in the patient's list.
        #[ink(message)]
        pub fn pair_device(&mut self, key: DeviceKey, patient: AccountId) -> Result<u32> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_pair_device(now, key, patient)
        }

        /// The patient, a delegate in force, or the device's provider (also while
        /// paused): unpairs the device; it anchors nothing more until paired again.
        #[ink(message)]
        pub fn unpair_device(&mut self, key: DeviceKey) -> Result<()> {
            let by = self.env().caller();
            self.do_unpair_device(by, key)
        }

        // ------------------------------------------------------------- readings

        /// Anyone (the device or a gateway relaying it): anchors a batch of readings
        /// that a paired, unrevoked device signed (`signature` over
        /// `readings_hash(batch)`). Marks the batch's days in the patient's calendars;
        /// an out-of-range summary over a range containing the patient's threshold for
        /// the quantity (so that its readings lie outside the threshold too) raises an
        /// alert to the consented care team. Returns the batch id.
        #[ink(message)]
        pub fn anchor_readings(
            &mut self,
            batch: ReadingBatch,
            signature: DeviceSignature,
        ) -> Result<BatchId> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            self.do_anchor_readings(now, batch, signature)
        }

        /// The hash a device signs for `batch` on this contract
        /// (`healthcare_traits::anchoring::payload_hash` with `READINGS_DOMAIN`).
        #[ink(message)]
        pub fn readings_hash(&self, batch: ReadingBatch) -> Hash {
            anchoring::payload_hash(READINGS_DOMAIN, &self.env().account_id(), &batch)
        }

        /// True if `record` (the hash of one reading) is in anchored batch `batch`,
        /// by its Merkle `proof` (sibling hashes from the leaf up).
        #[ink(message)]
        pub fn verify_reading(&self, batch: BatchId, record: Hash, proof: Vec<Hash>) -> bool {
            self.batches
                .get(batch)
                .is_some_and(|anchored| anchoring::verify(&anchored.root, &record, &proof))
        }

        // ------------------------------------------------- care team, thresholds

        /// The patient or a delegate in force: adds `member` to the care team (at most
        /// `MAX_CARE_TEAM`; alerts reach a member only while the patient's treatment
        /// consent covers it). A delegate never adds itself (`DelegateSelfGrant`): a
        /// team member may set the patient's thresholds.
        #[ink(message)]
        pub fn add_care_team_member(
            &mut self,
            patient: AccountId,
            member: AccountId,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let by = self.env().caller();
            self.ensure_acts_for(patient, by)?;
            self.do_add_care_team_member(by, patient, member)
        }

        /// The patient, a delegate in force, or the member itself (also while paused):
        /// removes `member` from the care team; its thresholds stay until replaced.
        #[ink(message)]
        pub fn remove_care_team_member(
            &mut self,
            patient: AccountId,
            member: AccountId,
        ) -> Result<()> {
            let by = self.env().caller();
            self.do_remove_care_team_member(by, patient, member)
        }

        /// A licensed clinician of the patient's care team holding the patient's treatment
        /// consent for `category` now (asked of `consent_registry`): sets the alert range
        /// of `quantity` for `patient`'s data of `category` (the data category of the
        /// device models whose readings it judges; `low` < `high`, thousandths of the UCUM
        /// unit), or clears it with `None`. Whoever set the range before, it is changed
        /// only under current consent: a member without it (or whose consent the patient
        /// revoked) cannot widen or clear a range to silence alerts. Every change is an
        /// event naming the clinician and the range it replaced.
        #[ink(message)]
        pub fn set_threshold(
            &mut self,
            patient: AccountId,
            quantity: Loinc,
            category: DataCategory,
            range: Option<(i64, i64)>,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let now = self.env().block_timestamp();
            let by = self.env().caller();
            self.do_set_threshold(now, by, patient, quantity, category, range)
        }

        // -------------------------------------------------------------- queries

        /// The model with this id.
        #[ink(message)]
        pub fn model(&self, id: ModelId) -> Option<DeviceModel> {
            self.models.get(id)
        }

        /// The number of models registered.
        #[ink(message)]
        pub fn model_count(&self) -> ModelId {
            self.next_model.saturating_sub(1)
        }

        /// The device with this key.
        #[ink(message)]
        pub fn device(&self, key: DeviceKey) -> Option<Device> {
            self.devices.get(key)
        }

        /// True if the device is registered, not revoked, its model not recalled.
        #[ink(message)]
        pub fn device_usable(&self, key: DeviceKey) -> bool {
            self.usable_device(key).is_ok()
        }

        /// The patient's pairings, oldest first, paged.
        #[ink(message)]
        pub fn pairings_of(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<Pairing> {
            let count = self.pairing_count.get(patient).unwrap_or(0);
            page_range(offset, limit, count)
                .filter_map(|i| self.pairings.get((patient, i)))
                .collect()
        }

        /// The anchored batch with this id.
        #[ink(message)]
        pub fn batch(&self, id: BatchId) -> Option<AnchoredBatch> {
            self.batches.get(id)
        }

        /// The device's batches, oldest first, paged.
        #[ink(message)]
        pub fn batches_of_device(
            &self,
            key: DeviceKey,
            offset: u32,
            limit: u32,
        ) -> Vec<AnchoredBatch> {
            let count = self.devices.get(key).map_or(0, |d| d.batch_count);
            page_range(offset, limit, count)
                .filter_map(|i| self.device_batches.get((key, i)))
                .filter_map(|id| self.batches.get(id))
                .collect()
        }

        /// The patient's care team.
        #[ink(message)]
        pub fn care_team(&self, patient: AccountId) -> Vec<AccountId> {
            self.care_teams.get(patient).unwrap_or_default()
        }

        /// The alert range of `quantity` for `patient`'s data of `category`, if set.
        #[ink(message)]
        pub fn threshold(
            &self,
            patient: AccountId,
            quantity: Loinc,
            category: DataCategory,
        ) -> Option<Threshold> {
            self.thresholds.get((patient, quantity, category))
        }

        /// The alert with this id.
        #[ink(message)]
        pub fn alert(&self, id: AlertId) -> Option<Alert> {
            self.alerts.get(id)
        }

        /// The patient's alerts, oldest first, paged (the patient's log).
        #[ink(message)]
        pub fn alerts_of(&self, patient: AccountId, offset: u32, limit: u32) -> Vec<Alert> {
            let count = self.alert_count.get(patient).unwrap_or(0);
            page_range(offset, limit, count)
                .filter_map(|i| self.patient_alerts.get((patient, i)))
                .filter_map(|id| self.alerts.get(id))
                .collect()
        }

        /// The number of the patient's alerts.
        #[ink(message)]
        pub fn alert_count_of(&self, patient: AccountId) -> u32 {
            self.alert_count.get(patient).unwrap_or(0)
        }

        /// The number of days with data among the 30 UTC days starting with the day of
        /// `start`: from any device of `patient`, or from `device` only (while paired
        /// with the patient). CPT 99454 needs at least 16.
        #[ink(message)]
        pub fn monitored_days(
            &self,
            patient: AccountId,
            device: Option<DeviceKey>,
            start: Timestamp,
        ) -> u32 {
            let calendar = device.map_or(Calendar::All, Calendar::Device);
            self.days_with_data(patient, calendar, day_of(start), MONITORING_PERIOD_DAYS)
        }
    }

    impl Governed for RemoteMonitoring {
        /// The governor this contract obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, a peer address (`Peer(Credentials | Consent, _)`);
        /// `Unsupported` for any other. Only pausing and unpausing apply while paused.
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
        }
    }

    impl MonitoringVerifier for RemoteMonitoring {
        /// The days with data from devices `provider` paired with `patient` in the 30
        /// days ending with the day of `until` (what `provider` may bill as CPT 99454).
        #[ink(message)]
        fn monitored_days_until(
            &self,
            patient: AccountId,
            provider: AccountId,
            until: Timestamp,
        ) -> u32 {
            let (first, days) = model::period_until(until);
            self.days_with_data(patient, Calendar::Provider(provider), first, days)
        }
    }

    #[cfg(test)]
    impl RemoteMonitoring {
        pub(crate) fn set_counters(&mut self, value: u64) {
            self.next_model = u32::try_from(value).unwrap_or(u32::MAX);
            self.next_batch = value;
            self.next_alert = value;
        }
    }
}

#[cfg(test)]
mod model_based;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
