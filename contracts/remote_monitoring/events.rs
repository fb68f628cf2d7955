//! The events of remote_monitoring: enough for an indexer to rebuild every model,
//! device, pairing, anchored batch, calendar of days with data, threshold, care team and
//! alert. Topics are on ids (model, device, batch, alert) and on the accounts that need
//! to find their own events: the patient (their pairings and alerts) and each notified
//! care-team member (`AlertSent`).

use crate::model::{AlertId, BatchId, ModelId, OutOfRange, Threshold};
use healthcare_traits::anchoring::DeviceKey;
use healthcare_traits::{AccountId, DataCategory, Hash, Loinc, Timestamp};
use ink::prelude::vec::Vec;

/// A manufacturer registered a device model.
#[ink::event]
pub struct ModelRegistered {
    /// The model.
    #[ink(topic)]
    pub model: ModelId,
    /// The manufacturer.
    #[ink(topic)]
    pub manufacturer: AccountId,
    /// Hash of the model's device record.
    pub model_hash: Hash,
    /// The data category its devices produce.
    pub category: DataCategory,
}

/// A manufacturer recalled a model: every device of it is revoked from now on.
#[ink::event]
pub struct ModelRecalled {
    /// The model.
    #[ink(topic)]
    pub model: ModelId,
    /// Hash of the recall notice.
    pub recall_hash: Hash,
}

/// A manufacturer attested keys it built into devices of one of its models: each may
/// now be registered under the model by whoever holds the device.
#[ink::event]
pub struct DevicesAttested {
    /// The model.
    #[ink(topic)]
    pub model: ModelId,
    /// The manufacturer.
    #[ink(topic)]
    pub manufacturer: AccountId,
    /// The devices' keys.
    pub keys: Vec<DeviceKey>,
}

/// A care provider registered a device.
#[ink::event]
pub struct DeviceRegistered {
    /// The device's key.
    #[ink(topic)]
    pub device: DeviceKey,
    /// Its model.
    #[ink(topic)]
    pub model: ModelId,
    /// The provider.
    #[ink(topic)]
    pub provider: AccountId,
}

/// The manufacturer revoked one device (lost, faulty, key compromised).
#[ink::event]
pub struct DeviceRevoked {
    /// The device's key.
    #[ink(topic)]
    pub device: DeviceKey,
    /// Hash of the reason.
    pub reason_hash: Hash,
}

/// A provider paired a device with a patient (under the patient's treatment consent).
#[ink::event]
pub struct DevicePaired {
    /// The device's key.
    #[ink(topic)]
    pub device: DeviceKey,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The provider.
    #[ink(topic)]
    pub provider: AccountId,
    /// Index of the pairing in the patient's pairing list.
    pub pairing: u32,
}

/// A device was unpaired from its patient.
#[ink::event]
pub struct DeviceUnpaired {
    /// The device's key.
    #[ink(topic)]
    pub device: DeviceKey,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// Who unpaired it (the patient, a delegate or the provider).
    pub by: AccountId,
}

impl ReadingsAnchored {
    /// The event of `batch`'s anchoring as `id` for `patient`.
    pub fn of(id: BatchId, patient: AccountId, batch: &crate::model::ReadingBatch) -> Self {
        Self {
            batch: id,
            device: batch.device,
            patient,
            root: batch.root,
            count: batch.count,
            quantity: batch.quantity,
            from: batch.from,
            until: batch.until,
            days: batch.days,
            out_of_range: batch.out_of_range,
        }
    }
}

/// A batch of readings was anchored; its days are marked in the calendars.
#[ink::event]
pub struct ReadingsAnchored {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The device that signed it.
    #[ink(topic)]
    pub device: DeviceKey,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// Merkle root of the readings' hashes.
    pub root: Hash,
    /// Readings in the tree.
    pub count: u32,
    /// The quantity.
    pub quantity: Loinc,
    /// Start of the period.
    pub from: Timestamp,
    /// End of the period (exclusive).
    pub until: Timestamp,
    /// The days with readings (bit `i`: day of `from` plus `i`).
    pub days: u32,
    /// The out-of-range summary, if any.
    pub out_of_range: Option<OutOfRange>,
}

/// A clinician set or cleared an alert threshold.
#[ink::event]
pub struct ThresholdChanged {
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The quantity.
    pub quantity: Loinc,
    /// The data category whose readings the range judges.
    pub category: DataCategory,
    /// The new range (low, high), or `None` when cleared.
    pub range: Option<(i64, i64)>,
    /// The clinician.
    pub by: AccountId,
    /// The threshold it replaced (its range, setter and time), if any.
    pub previous: Option<Threshold>,
}

/// A member joined or left a patient's care team.
#[ink::event]
pub struct CareTeamChanged {
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The member.
    #[ink(topic)]
    pub member: AccountId,
    /// True when joined.
    pub active: bool,
    /// Who made the change.
    pub by: AccountId,
}

/// An out-of-range batch breached the patient's threshold.
#[ink::event]
pub struct AlertRaised {
    /// The alert.
    #[ink(topic)]
    pub alert: AlertId,
    /// The patient.
    #[ink(topic)]
    pub patient: AccountId,
    /// The device.
    #[ink(topic)]
    pub device: DeviceKey,
    /// The batch.
    pub batch: BatchId,
    /// The quantity.
    pub quantity: Loinc,
    /// The out-of-range summary.
    pub out_of_range: OutOfRange,
    /// The care-team members notified (those the patient's consent covers now).
    pub notified: Vec<AccountId>,
}

/// One care-team member was notified of an alert (one event per member, so that each
/// finds its alerts by topic).
#[ink::event]
pub struct AlertSent {
    /// The alert.
    #[ink(topic)]
    pub alert: AlertId,
    /// The member.
    #[ink(topic)]
    pub member: AccountId,
}
