//! Remote monitoring's data and rules in plain Rust (no storage, no environment): the
//! error enum, device models and devices, the signed batch of readings and its checks,
//! the calendar of days with data (bit words, one bit per UTC day), alert thresholds and
//! the bounded care team.

use healthcare_traits::anchoring::DeviceKey;
use healthcare_traits::monitoring::MONITORING_PERIOD_DAYS;
use healthcare_traits::{AccountId, DataCategory, Hash, Loinc, Timestamp, DAY};
use ink::prelude::vec::Vec;

/// Id of a device model, from 1.
pub type ModelId = u32;
/// Id of an anchored batch of readings, from 1.
pub type BatchId = u64;
/// Id of an alert, from 1.
pub type AlertId = u64;

/// The longest period one batch covers, in UTC days (its day mask is a `u32`).
pub const MAX_BATCH_DAYS: u64 = 31;
/// Most members of a patient's care team (the patient removes one to add another).
pub const MAX_CARE_TEAM: usize = 8;
/// The domain a device's signature over a batch is bound to.
pub const READINGS_DOMAIN: &[u8] = b"healthcare-suite/remote_monitoring/readings/v1";
/// The domain of a device's proof of possession at registration (see
/// `healthcare_traits::anchoring::Registration`).
pub const REGISTRATION_DOMAIN: &[u8] = b"healthcare-suite/remote_monitoring/register-device/v1";

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller holds no valid device-manufacturer credential.
    ManufacturerNotLicensed,
    /// The caller is not the model's manufacturer.
    NotManufacturer,
    /// No device model has this id.
    UnknownModel,
    /// The model was recalled: its devices are revoked, no new one is registered.
    ModelRecalled,
    /// The caller holds no valid medical or nursing licence now.
    ClinicianNotLicensed,
    /// No device has this key.
    UnknownDevice,
    /// A device with this key is registered already.
    DeviceExists,
    /// The device was revoked (by its manufacturer, or by a recall of its model).
    DeviceRevoked,
    /// The device is paired with a patient already.
    AlreadyPaired,
    /// The device is not paired with a patient.
    NotPaired,
    /// The caller is not the care provider that registered the device.
    NotDeviceProvider,
    /// The caller is neither the patient, a delegate in force, nor (where allowed) the
    /// device's provider or the care-team member concerned.
    NotActingForPatient,
    /// The patient has not consented to the provider for treatment with the model's
    /// data category (asked of consent_registry).
    NoTreatmentConsent,
    /// The signature was not made with the device's key over this batch (or, at
    /// registration, over this registration).
    BadSignature,
    /// A period that is empty, lies in the future, or covers more than
    /// `MAX_BATCH_DAYS` days.
    BadPeriod,
    /// A period starting before the end of the device's previous batch, or before the
    /// device was paired with its patient.
    OverlappingPeriod,
    /// A day mask that is empty, marks days outside the period, or more days than
    /// readings.
    BadDays,
    /// A batch without readings, or an out-of-range summary counting none or more than
    /// the batch holds.
    EmptyBatch,
    /// A LOINC code that is malformed or fails its check digit.
    InvalidLoinc,
    /// A threshold whose low bound is not below its high bound.
    InvalidThreshold,
    /// The caller is not a member of the patient's care team.
    NotCareTeam,
    /// The care team holds `MAX_CARE_TEAM` members already.
    CareTeamFull,
    /// The account is in the care team already.
    AlreadyInCareTeam,
    /// The staff_credentials address holds no contract answering the query.
    CredentialContractUnreachable,
    /// The staff_credentials contract trapped.
    CredentialContractTrapped,
    /// The consent_registry address holds no contract answering the query.
    ConsentContractUnreachable,
    /// The consent_registry contract trapped.
    ConsentContractTrapped,
    /// A counter would overflow.
    Overflow,
    /// A delegate named itself a member of the patient's care team: a delegate acts for
    /// the patient, never in its own favour.
    DelegateSelfGrant,
    /// The model's manufacturer has not attested this key under the model.
    NotAttested,
    /// A registration proof signed more than `anchoring::REGISTRATION_WINDOW` away from
    /// the block time.
    StaleProof,
    /// More than `anchoring::MAX_ATTESTED_KEYS` keys in one attestation.
    TooManyKeys,
}

healthcare_traits::impl_from_paused!(Error);

impl From<healthcare_traits::anchoring::ProofError> for Error {
    fn from(e: healthcare_traits::anchoring::ProofError) -> Self {
        match e {
            healthcare_traits::anchoring::ProofError::Stale => Error::StaleProof,
            healthcare_traits::anchoring::ProofError::BadSignature => Error::BadSignature,
        }
    }
}

/// The result type of every fallible message.
pub type Result<T> = core::result::Result<T, Error>;

/// The peer contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Peers {
    /// staff_credentials.
    pub credentials: AccountId,
    /// consent_registry.
    pub consent: AccountId,
}

/// A device model registered by its manufacturer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct DeviceModel {
    /// Its id.
    pub id: ModelId,
    /// The manufacturer (held a device-manufacturer credential when registering it).
    pub manufacturer: AccountId,
    /// Hash of the model's device record (UDI device identifier, FDA listing, labelling).
    pub model_hash: Hash,
    /// The category of the data its devices produce (consent to a provider for
    /// treatment with it is what pairing asks).
    pub category: DataCategory,
    /// Block time registered.
    pub registered_at: Timestamp,
    /// Block time recalled, if recalled (every device of the model is revoked from then).
    pub recalled_at: Option<Timestamp>,
    /// Hash of the recall notice.
    pub recall_hash: Option<Hash>,
}

/// A device registered by a care provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Device {
    /// Its compressed secp256k1 public key.
    pub key: DeviceKey,
    /// Its model.
    pub model: ModelId,
    /// The care provider that registered it (and pairs it).
    pub provider: AccountId,
    /// Block time registered.
    pub registered_at: Timestamp,
    /// The patient it is paired with, if any.
    pub patient: Option<AccountId>,
    /// The index of the current pairing in the patient's pairing list.
    pub pairing: u32,
    /// Block time of the current pairing (0 when unpaired).
    pub paired_at: Timestamp,
    /// Block time revoked by its manufacturer, if revoked.
    pub revoked_at: Option<Timestamp>,
    /// End of the period of its latest batch.
    pub last_until: Timestamp,
    /// Batches it anchored.
    pub batch_count: u32,
}

/// One pairing of a device with a patient, kept in the patient's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Pairing {
    /// The device.
    pub device: DeviceKey,
    /// The provider that paired it.
    pub provider: AccountId,
    /// Block time paired.
    pub paired_at: Timestamp,
    /// Block time unpaired, if unpaired.
    pub unpaired_at: Option<Timestamp>,
}

/// A batch's summary of its readings outside an alert range, as the device computed it:
/// how many, the range it applied (normally the patient's `threshold` for the quantity,
/// read from this contract; thousandths of the quantity's UCUM unit, 120 mmHg is
/// 120 000), and a salted commitment to the worst of them ([`worst_commitment`]), so
/// that no reading value goes on chain. Whoever holds the readings and the salt checks
/// the commitment off chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct OutOfRange {
    /// Readings outside `range`.
    pub count: u32,
    /// The range the device applied (low, high; low below high).
    pub range: (i64, i64),
    /// `worst_commitment(worst, salt)` of the worst reading (the furthest outside).
    pub worst_commitment: Hash,
}

impl OutOfRange {
    /// True if a reading outside the applied range is outside `threshold` too (the
    /// applied range contains the threshold's): only then does the summary breach it.
    pub const fn breaches(&self, threshold: &Threshold) -> bool {
        self.range.0 <= threshold.low && self.range.1 >= threshold.high
    }
}

/// The commitment to a batch's worst reading `worst` (thousandths of the unit) with
/// `salt` (32 random bytes the device keeps with the readings): BLAKE2-256 of the SCALE
/// encoding of `(worst, salt)`.
pub fn worst_commitment(worst: i64, salt: [u8; 32]) -> Hash {
    let mut out = [0u8; 32];
    ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(&(worst, salt), &mut out);
    Hash::from(out)
}

/// What a device (or its gateway, holding its key) signs and anchors: see
/// `healthcare_traits::anchoring::payload_hash`, domain [`READINGS_DOMAIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ReadingBatch {
    /// The signing device's key.
    pub device: DeviceKey,
    /// Merkle root of the readings' hashes.
    pub root: Hash,
    /// Readings in the tree.
    pub count: u32,
    /// The measured quantity.
    pub quantity: Loinc,
    /// Start of the period covered.
    pub from: Timestamp,
    /// End of the period covered (exclusive).
    pub until: Timestamp,
    /// The UTC days with at least one reading: bit `i` is day `day_of(from) + i`.
    pub days: u32,
    /// Readings outside an alert range, if any (see [`OutOfRange`]).
    pub out_of_range: Option<OutOfRange>,
}

impl ReadingBatch {
    /// This batch as anchored: `id`, for `patient`, at `now`, with the `alert` it raised.
    pub fn anchored(
        &self,
        id: BatchId,
        patient: AccountId,
        now: Timestamp,
        alert: Option<AlertId>,
    ) -> AnchoredBatch {
        AnchoredBatch {
            id,
            device: self.device,
            patient,
            root: self.root,
            count: self.count,
            quantity: self.quantity,
            from: self.from,
            until: self.until,
            days: self.days,
            out_of_range: self.out_of_range,
            anchored_at: now,
            alert,
        }
    }
}

/// An anchored batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AnchoredBatch {
    /// Its id.
    pub id: BatchId,
    /// The device that signed it.
    pub device: DeviceKey,
    /// The patient the device was paired with.
    pub patient: AccountId,
    /// Merkle root of the readings' hashes.
    pub root: Hash,
    /// Readings in the tree.
    pub count: u32,
    /// The measured quantity.
    pub quantity: Loinc,
    /// Start of the period covered.
    pub from: Timestamp,
    /// End of the period covered (exclusive).
    pub until: Timestamp,
    /// The days with readings (bit `i`: day `day_of(from) + i`).
    pub days: u32,
    /// The out-of-range summary, if any.
    pub out_of_range: Option<OutOfRange>,
    /// Block time anchored.
    pub anchored_at: Timestamp,
    /// The alert it raised, if any.
    pub alert: Option<AlertId>,
}

/// A clinician's alert range for one patient and quantity, in thousandths of the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Threshold {
    /// Values below this raise an alert.
    pub low: i64,
    /// Values above this raise an alert.
    pub high: i64,
    /// The clinician who set it.
    pub set_by: AccountId,
    /// Block time set.
    pub set_at: Timestamp,
}

impl Threshold {
    /// True if `value` lies outside `[low, high]`.
    pub const fn breached_by(&self, value: i64) -> bool {
        value < self.low || value > self.high
    }
}

/// An alert raised by an out-of-range batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Alert {
    /// Its id.
    pub id: AlertId,
    /// The patient.
    pub patient: AccountId,
    /// The device.
    pub device: DeviceKey,
    /// The batch that raised it.
    pub batch: BatchId,
    /// The quantity.
    pub quantity: Loinc,
    /// The batch's out-of-range summary.
    pub out_of_range: OutOfRange,
    /// The threshold it breached (low, high).
    pub threshold: (i64, i64),
    /// Block time raised.
    pub raised_at: Timestamp,
    /// The care-team members the patient's treatment consent covered when it was raised:
    /// the only ones notified.
    pub notified: Vec<AccountId>,
}

/// The UTC day number of `at` (days since the Unix epoch).
pub fn day_of(at: Timestamp) -> u64 {
    at.checked_div(DAY).unwrap_or(0)
}

/// `Ok` if `batch` may follow the device's previous batches now: readings in it, a
/// period that has ended, starts no earlier than the previous batch's end and the
/// pairing, and covers at most [`MAX_BATCH_DAYS`] days; a day mask inside the period
/// marking no more days than readings; an out-of-range summary counting 1 to `count`
/// readings outside a range whose low bound is below its high bound.
pub fn check_batch(
    batch: &ReadingBatch,
    last_until: Timestamp,
    paired_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    if batch.count == 0
        || batch
            .out_of_range
            .is_some_and(|o| o.count == 0 || o.count > batch.count)
    {
        return Err(Error::EmptyBatch);
    }
    if !batch.quantity.is_valid() {
        return Err(Error::InvalidLoinc);
    }
    if batch.out_of_range.is_some_and(|o| o.range.0 >= o.range.1) {
        return Err(Error::InvalidThreshold);
    }
    if batch.from >= batch.until || batch.until > now {
        return Err(Error::BadPeriod);
    }
    let last_day = day_of(batch.until.saturating_sub(1));
    let span = last_day
        .saturating_sub(day_of(batch.from))
        .saturating_add(1);
    if span > MAX_BATCH_DAYS {
        return Err(Error::BadPeriod);
    }
    if batch.from < last_until || batch.from < paired_at {
        return Err(Error::OverlappingPeriod);
    }
    // `span` is at most 31 here: the mask may use bits 0 .. span only.
    let outside = u32::try_from(span)
        .ok()
        .and_then(|span| u64::from(batch.days).checked_shr(span))
        .unwrap_or(0);
    if batch.days == 0 || outside != 0 || batch.days.count_ones() > batch.count {
        return Err(Error::BadDays);
    }
    Ok(())
}

/// The calendar of days with data is kept in 64-bit words: word `w` holds days
/// `64w ..= 64w + 63`, day `d` at bit `d % 64`.
pub fn word_of(day: u64) -> u64 {
    day.checked_div(64).unwrap_or(0)
}

/// The position of `day` in its word.
fn bit_of(day: u64) -> u32 {
    u32::try_from(day.checked_rem(64).unwrap_or(0)).unwrap_or(0)
}

/// The two words' bits to set for the days of `mask` counted from `first_day`: `(word
/// of first_day, its bits)` and `(the next word, its bits)` (zero when the period stays
/// in one word).
pub fn mask_words(first_day: u64, mask: u32) -> [(u64, u64); 2] {
    let word = word_of(first_day);
    let shifted = u128::from(mask).checked_shl(bit_of(first_day)).unwrap_or(0);
    let low = u64::try_from(shifted & u128::from(u64::MAX)).unwrap_or(u64::MAX);
    let high = u64::try_from(shifted.checked_shr(64).unwrap_or(0)).unwrap_or(u64::MAX);
    [(word, low), (word.saturating_add(1), high)]
}

/// The number of days with data among the `days` days from `first_day` (`days` ≤ 64),
/// given the words `low` (word of `first_day`) and `high` (the next word).
pub fn count_days(first_day: u64, days: u32, low: u64, high: u64) -> u32 {
    let both = u128::from(low) | u128::from(high).checked_shl(64).unwrap_or(0);
    let window = both.checked_shr(bit_of(first_day)).unwrap_or(0);
    let mask = if days >= 64 {
        u128::from(u64::MAX)
    } else {
        1u128.checked_shl(days).unwrap_or(0).saturating_sub(1)
    };
    (window & mask).count_ones()
}

/// The CPT 99454 period that ends with the day of `until`: its first day and its length,
/// 30 days (fewer only when `until` lies in the epoch's first 29 days).
pub fn period_until(until: Timestamp) -> (u64, u32) {
    let last = day_of(until);
    let first = last.saturating_sub(u64::from(MONITORING_PERIOD_DAYS).saturating_sub(1));
    let days = u32::try_from(last.saturating_add(1))
        .map_or(MONITORING_PERIOD_DAYS, |since_epoch| {
            since_epoch.min(MONITORING_PERIOD_DAYS)
        });
    (first, days)
}

/// Adds `member` to `team`.
pub fn join_team(team: &mut Vec<AccountId>, member: AccountId) -> Result<()> {
    if team.contains(&member) {
        return Err(Error::AlreadyInCareTeam);
    }
    if team.len() >= MAX_CARE_TEAM {
        return Err(Error::CareTeamFull);
    }
    team.push(member);
    Ok(())
}

/// Removes `member` from `team`.
pub fn leave_team(team: &mut Vec<AccountId>, member: AccountId) -> Result<()> {
    let at = team
        .iter()
        .position(|m| *m == member)
        .ok_or(Error::NotCareTeam)?;
    team.swap_remove(at);
    Ok(())
}
