//! The events of drug_provenance: enough for an indexer to rebuild every batch, its
//! custody, cold chain, investigations, the GTIN directory and the payments on receipt
//! (and for `scripts/epcis-export.sh` to write a batch's EPCIS document).

use crate::model::{
    BatchId, BatchState, CentiCelsius, Gtin, InvestigationId, Outcome, ShipmentId, ShipmentState,
};
use healthcare_traits::{AccountId, Balance, Hash, Timestamp};
use ink::prelude::vec::Vec;

impl BatchRegistered {
    /// The event of `batch`'s registration.
    pub fn of(batch: &crate::model::Batch) -> Self {
        Self {
            batch: batch.id,
            manufacturer: batch.manufacturer,
            gtin: batch.gtin,
            lot: batch.lot.clone(),
            expiry: batch.expiry,
            quantity: batch.quantity,
            manufactured_at: batch.manufactured_at,
            metadata_hash: batch.metadata_hash,
            min_temp: batch.min_temp,
            max_temp: batch.max_temp,
            excursion_budget_secs: batch.excursion_budget_secs,
            max_sensor_gap_secs: batch.max_sensor_gap_secs,
        }
    }
}

/// A batch was registered.
#[ink::event]
pub struct BatchRegistered {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The manufacturer.
    #[ink(topic)]
    pub manufacturer: AccountId,
    /// GTIN-14.
    #[ink(topic)]
    pub gtin: Gtin,
    /// Lot.
    pub lot: Vec<u8>,
    /// Expiry.
    pub expiry: Timestamp,
    /// Units.
    pub quantity: u64,
    /// Time of manufacture.
    pub manufactured_at: Timestamp,
    /// Batch record hash.
    pub metadata_hash: Hash,
    /// Range low.
    pub min_temp: CentiCelsius,
    /// Range high.
    pub max_temp: CentiCelsius,
    /// Budget, seconds.
    pub excursion_budget_secs: u32,
    /// Longest allowed sensor silence, seconds.
    pub max_sensor_gap_secs: u32,
}

/// A shipment was sent.
#[ink::event]
pub struct Shipped {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The recipient.
    #[ink(topic)]
    pub to: AccountId,
    /// The sender.
    pub from: AccountId,
    /// Units.
    pub quantity: u64,
    /// A return to a supplier or the manufacturer.
    pub is_return: bool,
    /// Price per unit, if paid on receipt.
    pub price_per_unit: Option<Balance>,
}

/// A shipment was received (in full or in part), rejected or cancelled.
#[ink::event]
pub struct ShipmentClosed {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// Received, rejected or cancelled.
    pub state: ShipmentState,
    /// Units accepted (the rest went back to the sender).
    pub accepted: u64,
}

/// The buyer escrowed the price of a shipment.
#[ink::event]
pub struct PaymentEscrowed {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// The buyer.
    #[ink(topic)]
    pub buyer: AccountId,
    /// The amount.
    pub amount: Balance,
}

/// A shipment's escrow was released: to the seller for the units accepted, the rest back
/// to the buyer.
#[ink::event]
pub struct PaymentReleased {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// Paid to the seller.
    pub to_seller: Balance,
    /// Refunded to the buyer.
    pub refund: Balance,
}

/// A payout could not be transferred (e.g. below the existential deposit of an empty
/// account): it is owed and claimable with `claim_payout`.
#[ink::event]
pub struct PayoutOwed {
    /// The payee.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
}

/// A shipment was received while its seller held no valid licence: the seller's
/// payment is held until the seller is licensed again (`release_held_payment`) or a
/// regulator refunds it to the buyer (`refund_held_payment`).
#[ink::event]
pub struct PaymentHeld {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// The seller.
    #[ink(topic)]
    pub seller: AccountId,
    /// The amount held.
    pub amount: Balance,
}

/// A held seller's payment was paid out: to the seller, licensed again, or refunded to
/// the buyer by a regulator.
#[ink::event]
pub struct HeldPaymentReleased {
    /// The shipment.
    #[ink(topic)]
    pub shipment: ShipmentId,
    /// Who was paid.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
    /// True if refunded to the buyer.
    pub refunded: bool,
}

/// An owed payout was claimed.
#[ink::event]
pub struct PayoutClaimed {
    /// The payee.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
}

/// Units were dispensed.
#[ink::event]
pub struct Dispensed {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The pharmacy.
    #[ink(topic)]
    pub pharmacy: AccountId,
    /// Units.
    pub quantity: u64,
    /// Hash of the prescription, if given.
    pub prescription_hash: Option<Hash>,
}

/// Units were destroyed.
#[ink::event]
pub struct Destroyed {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The holder.
    #[ink(topic)]
    pub holder: AccountId,
    /// Units.
    pub quantity: u64,
    /// Reason code.
    pub reason: u16,
}

/// A sensor was appointed (`active`) or removed for a batch.
#[ink::event]
pub struct SensorChanged {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The sensor.
    #[ink(topic)]
    pub sensor: AccountId,
    /// Appointed (true) or removed (false).
    pub active: bool,
}

/// A temperature reading was recorded.
#[ink::event]
pub struct ReadingRecorded {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The sensor.
    #[ink(topic)]
    pub sensor: AccountId,
    /// Reading time.
    pub time: Timestamp,
    /// Temperature.
    pub value: CentiCelsius,
    /// The batch's total time out of range after this reading, ms.
    pub excursion_ms: u64,
}

/// The batch's state changed (quarantine, quarantine lifted, recall, illegitimate).
#[ink::event]
pub struct BatchStateChanged {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The new state.
    pub state: BatchState,
    /// Who caused it (a sensor, anyone who checked the cold chain, the manufacturer or
    /// a regulator).
    #[ink(topic)]
    pub by: AccountId,
    /// Reason code (recall) or 0.
    pub reason: u16,
    /// Hash of the evidence (stability data, investigation findings), if any.
    pub evidence: Option<Hash>,
    /// For a quarantine, the batch's time out of range that exceeded its budget (ms, the
    /// custody entry's reference); 0 for the other changes.
    pub excursion_ms: u64,
}

/// A sensor's excursion (its readings out of range) was counted up to its next reading
/// or its removal: the batch's custody record has an `Excursion` entry.
#[ink::event]
pub struct ExcursionClosed {
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The sensor.
    pub sensor: AccountId,
    /// The batch's total time out of range counted so far, ms (the entry's reference).
    pub excursion_ms: u64,
}

/// A regulator was appointed (`active`) or removed.
#[ink::event]
pub struct RegulatorChanged {
    /// The regulator.
    #[ink(topic)]
    pub regulator: AccountId,
    /// Appointed (true) or removed (false).
    pub active: bool,
}

/// A GS1 company prefix was assigned to its owner (`Some`) or withdrawn (`None`).
#[ink::event]
pub struct PrefixChanged {
    /// The company prefix (6 to 12 ASCII digits).
    pub prefix: Vec<u8>,
    /// Its owner from now on, if any.
    #[ink(topic)]
    pub owner: Option<AccountId>,
    /// The regulator who changed it.
    #[ink(topic)]
    pub by: AccountId,
}

/// A suspect-product investigation was opened.
#[ink::event]
pub struct InvestigationOpened {
    /// The investigation.
    #[ink(topic)]
    pub investigation: InvestigationId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The holder who opened it.
    #[ink(topic)]
    pub opened_by: AccountId,
    /// The manufacturer's answer is due by then.
    pub respond_by: Timestamp,
}

/// A holder flagged its units of a batch as suspect (they are quarantined for it).
#[ink::event]
pub struct SuspectFlagged {
    /// The investigation.
    #[ink(topic)]
    pub investigation: InvestigationId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// The holder.
    #[ink(topic)]
    pub holder: AccountId,
}

/// The manufacturer answered a verification request.
#[ink::event]
pub struct VerificationResponded {
    /// The investigation.
    #[ink(topic)]
    pub investigation: InvestigationId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// Authentic or not.
    pub authentic: bool,
    /// Answered after the 24-hour deadline.
    pub late: bool,
    /// Hash of the manufacturer's evidence.
    pub evidence: Hash,
}

/// An investigation was closed.
#[ink::event]
pub struct InvestigationClosed {
    /// The investigation.
    #[ink(topic)]
    pub investigation: InvestigationId,
    /// The batch.
    #[ink(topic)]
    pub batch: BatchId,
    /// Cleared or illegitimate.
    pub outcome: Outcome,
    /// Hash of the findings.
    pub evidence: Hash,
    /// Who closed it (the manufacturer or a regulator).
    pub by: AccountId,
}

/// The governor sent native tokens that no escrow or payout accounts for to `to`.
#[ink::event]
pub struct SurplusRecovered {
    /// The recipient.
    #[ink(topic)]
    pub to: AccountId,
    /// The amount.
    pub amount: Balance,
}
