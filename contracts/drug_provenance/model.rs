//! The supply-chain registry's data and rules in plain Rust (no storage, no environment):
//! the error enum, batches and their cold-chain arithmetic, shipments with payment on
//! receipt, suspect-product investigations, verification answers and GS1 checks.

use healthcare_traits::{ensure, AccountId, Balance, Hash, Timestamp, HOUR};
use ink::prelude::vec::Vec;

/// Id of a batch, from 1.
pub type BatchId = u64;
/// Id of a shipment, from 1.
pub type ShipmentId = u64;
/// Id of a suspect-product investigation, from 1.
pub type InvestigationId = u64;
/// A GTIN-14 as 14 ASCII digits.
pub type Gtin = [u8; 14];
/// Temperature in hundredths of a degree Celsius.
pub type CentiCelsius = i32;

/// Longest lot number (GS1 AI 10), in bytes.
pub const MAX_LOT_LEN: usize = 20;
/// Shortest and longest GS1 company prefix, in digits.
pub const MIN_PREFIX_LEN: usize = 6;
/// Longest GS1 company prefix, in digits.
pub const MAX_PREFIX_LEN: usize = 12;
/// DSCSA: a manufacturer answers a verification request within 24 hours.
pub const RESPONSE_WINDOW: Timestamp = 24 * HOUR;

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller holds none of this batch.
    NotHolder,
    /// The caller holds less than the quantity.
    InsufficientQuantity,
    /// A quantity of zero.
    ZeroQuantity,
    /// The sender holds no valid manufacturer, wholesale-distributor or pharmacy licence.
    SenderNotLicensed,
    /// The recipient holds no valid wholesale-distributor or pharmacy licence.
    RecipientNotLicensed,
    /// The caller holds no valid manufacturer licence.
    ManufacturerNotLicensed,
    /// The caller holds no valid pharmacy licence.
    PharmacyNotLicensed,
    /// The staff_credentials address holds no contract answering the query.
    CredentialContractUnreachable,
    /// The staff_credentials contract trapped.
    CredentialContractTrapped,
    /// The GTIN is not 14 digits with a valid GS1 check digit.
    InvalidGtin,
    /// The lot number is empty, too long or not printable ASCII.
    InvalidLot,
    /// A batch with this GTIN and lot exists.
    DuplicateLot,
    /// The caller owns no GS1 company prefix of this GTIN in the directory.
    GtinNotOwned,
    /// A company prefix must be 6 to 12 ASCII digits.
    InvalidPrefix,
    /// The company prefix belongs to another account.
    PrefixTaken,
    /// The company prefix is not in the directory.
    UnknownPrefix,
    /// The expiry is not after the manufacture time and now.
    InvalidExpiry,
    /// The manufacture time lies in the future.
    ManufacturedInFuture,
    /// The storage range is empty (`min >= max`).
    InvalidTemperatureRange,
    /// The batch has expired.
    Expired,
    /// The batch is recalled.
    Recalled,
    /// The batch was declared illegitimate.
    Illegitimate,
    /// The batch is quarantined (cold-chain budget spent).
    Quarantined,
    /// The batch is not quarantined.
    NotQuarantined,
    /// The caller's units of the batch are under a suspect-product investigation.
    SuspectProduct,
    /// No batch has this id.
    UnknownBatch,
    /// No shipment has this id.
    UnknownShipment,
    /// The caller is not the shipment's recipient.
    NotRecipient,
    /// The caller is not the shipment's sender.
    NotSender,
    /// The shipment was already received, rejected or cancelled.
    ShipmentClosed,
    /// A shipment to oneself.
    SelfShipment,
    /// Accepting more units than were shipped, or none (reject instead).
    InvalidAcceptance,
    /// A return goes to the batch's manufacturer or the caller's supplier only.
    NotASupplier,
    /// A priced shipment is received only once the buyer escrowed its amount.
    PaymentNotEscrowed,
    /// The shipment has no price, or its payment is already escrowed.
    NothingToEscrow,
    /// The transferred value is not the shipment's price.
    WrongAmount,
    /// Nothing is owed to the caller.
    NothingOwed,
    /// The native transfer failed.
    TransferFailed,
    /// The caller is not a sensor of this batch.
    NotSensor,
    /// The caller is not the batch's manufacturer.
    NotManufacturer,
    /// The caller is neither the manufacturer nor a regulator.
    NotRecallAuthority,
    /// The caller is not a regulator.
    NotRegulator,
    /// The batch is already recalled.
    AlreadyRecalled,
    /// The batch is already declared illegitimate.
    AlreadyIllegitimate,
    /// No investigation has this id, or the batch has no open one.
    UnknownInvestigation,
    /// The investigation is closed.
    InvestigationClosed,
    /// The manufacturer has already answered the verification request.
    AlreadyResponded,
    /// A reading from the future or not after the sensor's previous reading.
    InvalidReading,
    /// The account is already a regulator.
    RegulatorExists,
    /// The account is not a regulator.
    UnknownRegulator,
    /// A counter or amount would overflow.
    Overflow,
    /// The company prefix contains or extends one assigned already (`030000` and
    /// `0300001` cannot both be assigned: one GTIN would have two owners).
    PrefixOverlaps,
    /// Evidence given as the empty (all-zero) hash.
    NoEvidence,
    /// No seller's payment is held for this shipment.
    NoHeldPayment,
}

healthcare_traits::impl_from_paused!(Error);

impl From<healthcare_traits::PeerError> for Error {
    fn from(e: healthcare_traits::PeerError) -> Self {
        match e {
            healthcare_traits::PeerError::Trapped => Error::CredentialContractTrapped,
            healthcare_traits::PeerError::Unreachable => Error::CredentialContractUnreachable,
        }
    }
}

/// The result type of every fallible message.
pub type Result<T> = core::result::Result<T, Error>;

/// GS1 identifier checks.
pub mod gs1 {
    use super::{Gtin, MAX_LOT_LEN, MAX_PREFIX_LEN, MIN_PREFIX_LEN};

    /// The GS1 check digit (ASCII) of the 13 digits `body` of a GTIN-14 (weights 3, 1,
    /// 3, ... from the right), or `None` if `body` is not 13 ASCII digits.
    pub fn check_digit(body: &[u8]) -> Option<u8> {
        if body.len() != 13 || !body.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum = body.iter().rev().enumerate().fold(0u32, |sum, (i, b)| {
            let digit = u32::from(b.saturating_sub(b'0'));
            let weight = if i % 2 == 0 { 3 } else { 1 };
            sum.saturating_add(digit.saturating_mul(weight))
        });
        let expected = 10u32.saturating_sub(sum % 10) % 10;
        u8::try_from(expected).ok().map(|d| d.saturating_add(b'0'))
    }

    /// True if `gtin` is 14 ASCII digits whose last is the GS1 check digit of the first 13.
    pub fn is_valid_gtin14(gtin: &Gtin) -> bool {
        let (body, check) = gtin.split_at(13);
        check.first().is_some_and(|c| check_digit(body) == Some(*c))
    }

    /// True for a lot number of 1..=20 printable ASCII characters.
    pub fn is_valid_lot(lot: &[u8]) -> bool {
        !lot.is_empty() && lot.len() <= MAX_LOT_LEN && lot.iter().all(u8::is_ascii_graphic)
    }

    /// True for a GS1 company prefix: 6 to 12 ASCII digits.
    pub fn is_valid_prefix(prefix: &[u8]) -> bool {
        (MIN_PREFIX_LEN..=MAX_PREFIX_LEN).contains(&prefix.len())
            && prefix.iter().all(u8::is_ascii_digit)
    }

    /// The shorter company prefixes `prefix` extends, shortest first (those of 6 digits
    /// up to one fewer than its own).
    pub fn shorter_prefixes(prefix: &[u8]) -> impl Iterator<Item = &[u8]> {
        (MIN_PREFIX_LEN..prefix.len()).filter_map(move |len| prefix.get(..len))
    }

    /// The company prefixes a GTIN-14 may carry, shortest first: the digits after the
    /// indicator digit, 6 to 12 of them (the GS1 prefix length is not in the GTIN; the
    /// directory says which one is assigned).
    pub fn candidate_prefixes(gtin: &Gtin) -> impl Iterator<Item = &[u8]> {
        (MIN_PREFIX_LEN..=MAX_PREFIX_LEN).filter_map(move |len| gtin.get(1..len.saturating_add(1)))
    }
}

/// A batch's state.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum BatchState {
    /// In circulation.
    Active,
    /// Cold-chain budget spent: no shipping, receiving or dispensing until a regulator or
    /// the manufacturer lifts it with stability evidence.
    Quarantined,
    /// Recalled: frozen everywhere; only returns and destruction.
    Recalled,
    /// Declared illegitimate (DSCSA): frozen everywhere; only returns and destruction.
    Illegitimate,
}

/// What a manufacturer submits to register a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct BatchRequest {
    /// GTIN-14 (14 ASCII digits, GS1 check digit), of a company prefix the caller owns.
    pub gtin: Gtin,
    /// Lot number (1..=20 printable ASCII characters).
    pub lot: Vec<u8>,
    /// Expiry time.
    pub expiry: Timestamp,
    /// Units produced.
    pub quantity: u64,
    /// Time of manufacture.
    pub manufactured_at: Timestamp,
    /// Hash of the batch record / certificate of analysis.
    pub metadata_hash: Hash,
    /// Lowest allowed storage temperature.
    pub min_temp: CentiCelsius,
    /// Highest allowed storage temperature.
    pub max_temp: CentiCelsius,
    /// Total time out of range allowed before quarantine, in seconds.
    pub excursion_budget_secs: u32,
    /// Longest silence of the batch's sensors before `verify` reports it, in seconds
    /// (0: no requirement).
    pub max_sensor_gap_secs: u32,
}

impl BatchRequest {
    /// The request's own checks at `now`, in the order the contract answers them: a valid
    /// GTIN-14 and lot, units, a manufacture time not in the future, an expiry after it
    /// and after now, a temperature range. (Who owns the GTIN's prefix, whether the lot is
    /// new and the manufacturer's licence are the contract's checks, after these.)
    pub fn check(&self, now: Timestamp) -> Result<()> {
        ensure!(gs1::is_valid_gtin14(&self.gtin), Error::InvalidGtin);
        ensure!(gs1::is_valid_lot(&self.lot), Error::InvalidLot);
        ensure!(self.quantity > 0, Error::ZeroQuantity);
        ensure!(self.manufactured_at <= now, Error::ManufacturedInFuture);
        ensure!(
            self.expiry > self.manufactured_at && self.expiry > now,
            Error::InvalidExpiry
        );
        ensure!(
            self.min_temp < self.max_temp,
            Error::InvalidTemperatureRange
        );
        Ok(())
    }

    /// The batch this request registers as `id`, by `manufacturer` at `now`: active,
    /// nothing moved yet (the contract credits the units to the manufacturer).
    pub fn into_batch(self, id: BatchId, manufacturer: AccountId, now: Timestamp) -> Batch {
        Batch {
            id,
            gtin: self.gtin,
            lot: self.lot,
            manufacturer,
            expiry: self.expiry,
            quantity: self.quantity,
            manufactured_at: self.manufactured_at,
            metadata_hash: self.metadata_hash,
            min_temp: self.min_temp,
            max_temp: self.max_temp,
            excursion_budget_secs: self.excursion_budget_secs,
            max_sensor_gap_secs: self.max_sensor_gap_secs,
            excursion_ms: 0,
            sensor_count: 0,
            open_excursions: 0,
            open_since_sum: 0,
            counted_from: now,
            last_reading_at: None,
            state: BatchState::Active,
            recall_reason: None,
            investigation: None,
            in_transit: 0,
            dispensed: 0,
            destroyed: 0,
            holder_count: 0,
            event_count: 0,
        }
    }
}

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Batch {
    /// Its id.
    pub id: BatchId,
    /// GTIN-14.
    pub gtin: Gtin,
    /// Lot number.
    pub lot: Vec<u8>,
    /// The manufacturer (first holder).
    pub manufacturer: AccountId,
    /// Expiry time.
    pub expiry: Timestamp,
    /// Units registered.
    pub quantity: u64,
    /// Time of manufacture.
    pub manufactured_at: Timestamp,
    /// Hash of the batch record.
    pub metadata_hash: Hash,
    /// Lowest allowed temperature.
    pub min_temp: CentiCelsius,
    /// Highest allowed temperature.
    pub max_temp: CentiCelsius,
    /// Budget out of range, seconds.
    pub excursion_budget_secs: u32,
    /// Longest allowed sensor silence, seconds (0: none required).
    pub max_sensor_gap_secs: u32,
    /// Time out of range of closed intervals, milliseconds (since `counted_from`).
    pub excursion_ms: u64,
    /// Appointed sensors.
    pub sensor_count: u32,
    /// Sensors whose latest reading was out of range (open excursions).
    pub open_excursions: u32,
    /// Sum of the open excursions' start times (each at least `counted_from`): with
    /// `open_excursions` it gives the time out of range up to any moment in O(1).
    pub open_since_sum: u128,
    /// Excursions count from here (a lifted quarantine forgives the time before).
    pub counted_from: Timestamp,
    /// Time of the latest reading of any sensor.
    pub last_reading_at: Option<Timestamp>,
    /// State as last written (a quarantine also follows from the time out of range:
    /// see [`Batch::state_at`]).
    pub state: BatchState,
    /// The recall's reason code, if recalled.
    pub recall_reason: Option<u16>,
    /// The open suspect-product investigation, if any.
    pub investigation: Option<InvestigationId>,
    /// Units in pending shipments.
    pub in_transit: u64,
    /// Units dispensed.
    pub dispensed: u64,
    /// Units destroyed.
    pub destroyed: u64,
    /// Number of distinct holders so far.
    pub holder_count: u32,
    /// Number of history events.
    pub event_count: u32,
}

impl Batch {
    /// Time out of range up to `now`, open excursions included (ms).
    pub fn excursion_at(&self, now: Timestamp) -> u64 {
        let open = u128::from(self.open_excursions)
            .saturating_mul(u128::from(now))
            .saturating_sub(self.open_since_sum);
        let open = u64::try_from(open).unwrap_or(u64::MAX);
        self.excursion_ms.saturating_add(open)
    }

    /// The budget out of range, in milliseconds.
    pub fn budget_ms(&self) -> u64 {
        u64::from(self.excursion_budget_secs).saturating_mul(1_000)
    }

    /// The state at `now`: an active batch whose time out of range (open excursions
    /// counted up to `now`) exceeds its budget is quarantined, whether or not a reading
    /// or a transaction recorded it yet.
    pub fn state_at(&self, now: Timestamp) -> BatchState {
        if self.state == BatchState::Active && self.excursion_at(now) > self.budget_ms() {
            BatchState::Quarantined
        } else {
            self.state
        }
    }

    /// True if the batch has sensors and none reported for longer than the allowed gap.
    pub fn sensors_silent(&self, now: Timestamp) -> bool {
        if self.max_sensor_gap_secs == 0 || self.sensor_count == 0 {
            return false;
        }
        let gap = u64::from(self.max_sensor_gap_secs).saturating_mul(1_000);
        let since = self.last_reading_at.unwrap_or(self.manufactured_at);
        now.saturating_sub(since) > gap
    }

    /// `Ok` if units of the batch may be sold on (shipped, received, dispensed) at `now`.
    pub fn ensure_movable(&self, now: Timestamp) -> Result<()> {
        match self.state_at(now) {
            BatchState::Recalled => Err(Error::Recalled),
            BatchState::Illegitimate => Err(Error::Illegitimate),
            BatchState::Quarantined => Err(Error::Quarantined),
            BatchState::Active if now >= self.expiry => Err(Error::Expired),
            BatchState::Active => Ok(()),
        }
    }

    /// Records that a sensor's open excursion started at `start` ends (at `until`).
    pub fn close_excursion(&mut self, start: Timestamp, until: Timestamp) -> Result<()> {
        let start = start.max(self.counted_from);
        self.excursion_ms = self
            .excursion_ms
            .checked_add(until.saturating_sub(start))
            .ok_or(Error::Overflow)?;
        self.open_excursions = self.open_excursions.checked_sub(1).ok_or(Error::Overflow)?;
        self.open_since_sum = self
            .open_since_sum
            .checked_sub(u128::from(start))
            .ok_or(Error::Overflow)?;
        Ok(())
    }

    /// Records that a sensor's excursion opened at `start`.
    pub fn open_excursion(&mut self, start: Timestamp) -> Result<()> {
        let start = start.max(self.counted_from);
        self.open_excursions = self.open_excursions.checked_add(1).ok_or(Error::Overflow)?;
        self.open_since_sum = self
            .open_since_sum
            .checked_add(u128::from(start))
            .ok_or(Error::Overflow)?;
        Ok(())
    }

    /// Forgives the time out of range before `now` (a lifted quarantine): open
    /// excursions count again from `now`.
    pub fn restart_excursions(&mut self, now: Timestamp) {
        self.excursion_ms = 0;
        self.counted_from = now;
        self.open_since_sum = u128::from(self.open_excursions).saturating_mul(u128::from(now));
    }
}

/// A sensor's latest reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct SensorState {
    /// Time of the latest reading, if any.
    pub last_time: Option<Timestamp>,
    /// Whether it was out of range.
    pub last_out_of_range: bool,
}

/// A shipment's state.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ShipmentState {
    /// Sent, awaiting the recipient.
    Pending,
    /// Received (in full, or in part: see `accepted`; the rest went back to the sender).
    Received,
    /// Rejected: every unit went back to the sender.
    Rejected,
    /// Cancelled by the sender before receipt: every unit went back.
    Cancelled,
}

/// A shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Shipment {
    /// Its id.
    pub id: ShipmentId,
    /// The batch.
    pub batch: BatchId,
    /// Sender (the seller of a priced shipment).
    pub from: AccountId,
    /// Recipient (the buyer of a priced shipment).
    pub to: AccountId,
    /// Units.
    pub quantity: u64,
    /// Units accepted on receipt.
    pub accepted: u64,
    /// Block time it was sent.
    pub shipped_at: Timestamp,
    /// State.
    pub state: ShipmentState,
    /// A return to a supplier or the manufacturer (allowed in every batch state).
    pub is_return: bool,
    /// Price per unit, if the shipment is paid on receipt.
    pub price_per_unit: Option<Balance>,
    /// What the buyer escrowed (`price × quantity` once paid, 0 before and after).
    pub escrow: Balance,
}

impl Shipment {
    /// The amount a priced shipment costs.
    pub fn amount(&self) -> Result<Balance> {
        self.price_per_unit
            .unwrap_or(0)
            .checked_mul(Balance::from(self.quantity))
            .ok_or(Error::Overflow)
    }

    /// How the escrow splits when `accepted` units are received: (to the seller, back to
    /// the buyer).
    pub fn settlement(&self, accepted: u64) -> Result<(Balance, Balance)> {
        let to_seller = self
            .price_per_unit
            .unwrap_or(0)
            .checked_mul(Balance::from(accepted))
            .ok_or(Error::Overflow)?
            .min(self.escrow);
        Ok((to_seller, self.escrow.saturating_sub(to_seller)))
    }
}

/// The kind of a custody event (EPCIS business step).
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum EventKind {
    /// Commissioning: the batch was registered.
    Registered,
    /// Shipping.
    Shipped,
    /// Receiving (quantity: the units accepted).
    Received,
    /// Units went back to their sender (a rejection, or the rest of a partial receipt).
    Rejected,
    /// Dispensing.
    Dispensed,
    /// Destroying.
    Destroyed,
    /// Time out of range was added (reference: total milliseconds so far).
    Excursion,
    /// The batch was quarantined.
    QuarantinedForExcursion,
    /// Recalling (reference: reason code).
    Recalled,
    /// A shipment was cancelled by its sender; the units went back.
    Cancelled,
    /// A quarantine was lifted with stability evidence.
    QuarantineLifted,
    /// A holder flagged its units as suspect (reference: investigation).
    SuspectFlagged,
    /// The manufacturer answered the verification request (reference: 1 authentic, 0
    /// not authentic).
    VerificationResponded,
    /// The batch was declared illegitimate.
    DeclaredIllegitimate,
    /// The suspicion was cleared.
    SuspicionCleared,
}

/// One custody event of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct CustodyEvent {
    /// Block time.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// Who did it.
    pub actor: AccountId,
    /// The other party (recipient, sender), if any.
    pub counterparty: Option<AccountId>,
    /// Units concerned (0 if none).
    pub quantity: u64,
    /// Shipment id, reason code, investigation id or excursion milliseconds, by kind.
    pub reference: u64,
    /// Hash of the evidence (stability data, investigation findings), if any.
    pub evidence: Option<Hash>,
}

/// What a scanner learns from `verify`, most severe first.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum VerificationStatus {
    /// No batch with this GTIN and lot: suspect product.
    Unknown,
    /// Registered, in circulation, not expired.
    Authentic,
    /// Registered but past its expiry.
    Expired,
    /// Recalled.
    Recalled,
    /// Quarantined after a cold-chain excursion.
    Quarantined,
    /// Under a suspect-product investigation.
    Suspect,
    /// Declared illegitimate.
    Illegitimate,
}

/// The answer of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Verification {
    /// The status.
    pub status: VerificationStatus,
    /// The batch, if known.
    pub batch: Option<BatchId>,
    /// Its manufacturer, if known.
    pub manufacturer: Option<AccountId>,
    /// Its expiry, if known.
    pub expiry: Option<Timestamp>,
    /// Time out of range so far, open excursions included (ms).
    pub excursion_ms: u64,
    /// The batch's sensors have been silent longer than allowed: its cold chain is
    /// unknown since.
    pub sensors_silent: bool,
}

impl Verification {
    /// The answer for a batch at `now`.
    pub fn of(batch: &Batch, now: Timestamp) -> Self {
        let status = match batch.state_at(now) {
            BatchState::Illegitimate => VerificationStatus::Illegitimate,
            BatchState::Recalled => VerificationStatus::Recalled,
            _ if batch.investigation.is_some() => VerificationStatus::Suspect,
            BatchState::Quarantined => VerificationStatus::Quarantined,
            BatchState::Active if now >= batch.expiry => VerificationStatus::Expired,
            BatchState::Active => VerificationStatus::Authentic,
        };
        Self {
            status,
            batch: Some(batch.id),
            manufacturer: Some(batch.manufacturer),
            expiry: Some(batch.expiry),
            excursion_ms: batch.excursion_at(now),
            sensors_silent: batch.sensors_silent(now),
        }
    }

    /// The answer for a GTIN and lot no batch has.
    pub const UNKNOWN: Verification = Verification {
        status: VerificationStatus::Unknown,
        batch: None,
        manufacturer: None,
        expiry: None,
        excursion_ms: 0,
        sensors_silent: false,
    };
}

/// How an investigation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Outcome {
    /// The suspicion was cleared: the flagged units are sellable again.
    Cleared,
    /// The batch was declared illegitimate.
    Illegitimate,
}

/// A suspect-product investigation of one batch (DSCSA): opened by a holder's flag,
/// answered by the manufacturer (within 24 hours), closed by a regulator or the
/// manufacturer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Investigation {
    /// Its id.
    pub id: InvestigationId,
    /// The batch.
    pub batch: BatchId,
    /// The holder who opened it.
    pub opened_by: AccountId,
    /// Block time it was opened.
    pub opened_at: Timestamp,
    /// The manufacturer's answer is due by then (opened + 24 h).
    pub respond_by: Timestamp,
    /// When the manufacturer answered, if it did.
    pub responded_at: Option<Timestamp>,
    /// The manufacturer's answer: authentic or not.
    pub authentic: Option<bool>,
    /// When and how it was closed.
    pub closed: Option<(Timestamp, Outcome)>,
    /// Its place in the list of open investigations.
    pub(crate) open_index: u32,
}

impl Investigation {
    /// True while open and unanswered past the 24-hour deadline.
    pub fn overdue_at(&self, now: Timestamp) -> bool {
        self.closed.is_none() && self.responded_at.is_none() && now > self.respond_by
    }

    /// True if the manufacturer answered after the deadline.
    pub fn answered_late(&self) -> bool {
        self.responded_at.is_some_and(|at| at > self.respond_by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcare_traits::DAY;

    #[test]
    fn a_manufacturer_answers_within_24_hours_and_late_means_after_the_deadline() {
        assert_eq!(RESPONSE_WINDOW, DAY);
        let opened = Investigation {
            id: 1,
            batch: 1,
            opened_by: AccountId::from([1; 32]),
            opened_at: 0,
            respond_by: DAY,
            responded_at: None,
            authentic: None,
            closed: None,
            open_index: 0,
        };
        assert!(!opened.overdue_at(DAY), "due at the deadline, not overdue");
        assert!(opened.overdue_at(DAY + 1));
        assert!(!opened.answered_late());
        let on_time = Investigation {
            responded_at: Some(DAY),
            ..opened
        };
        assert!(!on_time.answered_late(), "answered at the deadline");
        assert!(!on_time.overdue_at(DAY + 1), "answered: not overdue");
        let late = Investigation {
            responded_at: Some(DAY + 1),
            ..opened
        };
        assert!(late.answered_late());
    }

    #[test]
    fn a_gtin_check_digit_needs_exactly_13_digits() {
        assert_eq!(gs1::check_digit(b"0001234567890"), Some(b'5'));
        assert_eq!(gs1::check_digit(b"00012345678905"), None, "14 digits");
        assert_eq!(gs1::check_digit(b"000123456789"), None, "12 digits");
        assert_eq!(
            gs1::check_digit(b"000123456789A"),
            None,
            "13, not all digits"
        );
    }

    fn batch() -> Batch {
        Batch {
            id: 1,
            gtin: *b"00012345678905",
            lot: b"L1".to_vec(),
            manufacturer: AccountId::from([1; 32]),
            expiry: 400 * DAY,
            quantity: 10,
            manufactured_at: 0,
            metadata_hash: Hash::from([0; 32]),
            min_temp: 200,
            max_temp: 800,
            excursion_budget_secs: 3_600,
            max_sensor_gap_secs: 3_600,
            excursion_ms: 0,
            sensor_count: 1,
            open_excursions: 0,
            open_since_sum: 0,
            counted_from: 0,
            last_reading_at: Some(0),
            state: BatchState::Active,
            recall_reason: None,
            investigation: None,
            in_transit: 0,
            dispensed: 0,
            destroyed: 0,
            holder_count: 1,
            event_count: 1,
        }
    }

    #[test]
    fn gs1_checks() {
        assert!(gs1::is_valid_gtin14(b"00012345678905"));
        assert!(!gs1::is_valid_gtin14(b"00012345678904"));
        assert!(gs1::is_valid_prefix(b"0012345"));
        assert!(!gs1::is_valid_prefix(b"12345"));
        assert!(!gs1::is_valid_prefix(b"0012345678901"));
        assert!(!gs1::is_valid_prefix(b"00123a5"));
        let prefixes: Vec<&[u8]> = gs1::candidate_prefixes(b"00012345678905").collect();
        assert_eq!(prefixes.first(), Some(&&b"001234"[..]));
        assert_eq!(prefixes.last(), Some(&&b"001234567890"[..]));
        assert_eq!(prefixes.len(), 7);
    }

    #[test]
    fn an_open_excursion_counts_up_to_now_and_quarantines_without_a_new_reading() {
        let mut b = batch();
        b.open_excursion(1_000).unwrap();
        assert_eq!(b.excursion_at(1_000 + HOUR), HOUR);
        assert_eq!(b.state_at(1_000 + HOUR), BatchState::Active);
        assert_eq!(b.state_at(1_001 + HOUR), BatchState::Quarantined);
        assert_eq!(b.ensure_movable(1_001 + HOUR), Err(Error::Quarantined));
        // Closing it keeps the time counted.
        b.close_excursion(1_000, 1_000 + HOUR / 2).unwrap();
        assert_eq!(b.excursion_at(10 * HOUR), HOUR / 2);
        // Two open excursions count twice.
        b.open_excursion(2 * HOUR).unwrap();
        b.open_excursion(2 * HOUR).unwrap();
        assert_eq!(b.excursion_at(2 * HOUR + 10), HOUR / 2 + 20);
        // A lifted quarantine forgives the time before.
        b.restart_excursions(3 * HOUR);
        assert_eq!(b.excursion_at(3 * HOUR), 0);
        assert_eq!(b.excursion_at(3 * HOUR + 5), 10);
        b.close_excursion(2 * HOUR, 3 * HOUR + 5).unwrap();
        assert_eq!(b.excursion_ms, 5);
    }

    #[test]
    fn silent_sensors_and_verification_order() {
        let mut b = batch();
        assert!(!b.sensors_silent(HOUR));
        assert!(b.sensors_silent(HOUR + 1));
        b.max_sensor_gap_secs = 0;
        assert!(!b.sensors_silent(100 * HOUR));
        assert_eq!(
            Verification::of(&b, 0).status,
            VerificationStatus::Authentic
        );
        assert_eq!(
            Verification::of(&b, 400 * DAY).status,
            VerificationStatus::Expired
        );
        b.investigation = Some(1);
        assert_eq!(Verification::of(&b, 0).status, VerificationStatus::Suspect);
        b.state = BatchState::Recalled;
        assert_eq!(Verification::of(&b, 0).status, VerificationStatus::Recalled);
        b.state = BatchState::Illegitimate;
        assert_eq!(
            Verification::of(&b, 0).status,
            VerificationStatus::Illegitimate
        );
    }

    #[test]
    fn settlement_pays_what_was_accepted() {
        let s = Shipment {
            id: 1,
            batch: 1,
            from: AccountId::from([1; 32]),
            to: AccountId::from([2; 32]),
            quantity: 10,
            accepted: 0,
            shipped_at: 0,
            state: ShipmentState::Pending,
            is_return: false,
            price_per_unit: Some(7),
            escrow: 70,
        };
        assert_eq!(s.amount(), Ok(70));
        assert_eq!(s.settlement(10), Ok((70, 0)));
        assert_eq!(s.settlement(4), Ok((28, 42)));
        assert_eq!(s.settlement(0), Ok((0, 70)));
        let unpaid = Shipment { escrow: 0, ..s };
        assert_eq!(unpaid.settlement(4), Ok((0, 0)));
    }
}
