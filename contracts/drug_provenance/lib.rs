//! # drug_provenance
//!
//! Batch-level track and trace in the spirit of DSCSA and GS1 EPCIS: licensed
//! manufacturers register batches (GTIN-14 + lot), custody moves in two steps (ship, then
//! receive or reject) between authorised trading partners only, sensors report
//! temperatures and a batch whose time out of range exceeds its budget is quarantined,
//! recalls freeze a batch everywhere, pharmacies dispense, and anyone can verify a
//! product by GTIN and lot.
//!
//! ## Roles
//! * **owner** (the instantiator; two-step transfer): pauses, appoints regulators, sets
//!   the `staff_credentials` address, upgrades the code.
//! * **manufacturer**: an account with a valid manufacturer licence (asked of
//!   `staff_credentials` when it registers); the batch's first holder; appoints the
//!   batch's sensors; may recall its batches.
//! * **holder**: any account holding a quantity of a batch; ships, destroys and (with a
//!   valid pharmacy licence) dispenses.
//! * **recipient**: must hold a valid wholesale-distributor or pharmacy licence when a
//!   shipment is sent *and* when it is received (DSCSA authorised trading partner).
//! * **sensor**: appointed per batch by its manufacturer; submits readings.
//! * **regulator**: appointed by the owner; may recall any batch.
//!
//! ## Invariants
//! * Conservation: for every batch, `quantity == Σ holdings + in_transit + dispensed +
//!   destroyed`, always.
//! * (GTIN, lot) is unique; a GTIN passes the GS1 check digit.
//! * A recalled batch is never shipped, received or dispensed again; a quarantined or
//!   expired batch is never shipped or dispensed. Rejections (returns to the sender)
//!   and destruction stay possible so stock can be taken out of circulation.
//! * Every message is O(1) or O(its input); history and holders are paged.
//!
//! ## Cold chain
//! Each sensor's readings are taken as sample-and-hold: the interval from one reading of
//! a sensor to its next (or to the sensor's removal) counts as out of range when the
//! earlier reading was out of the batch's range. Readings of a sensor must come in time
//! order and not from the future. The batch's time out of range is the sum over its
//! sensors (a batch split across sites exposes each site's stock; overlapping excursions
//! of two sensors both count, which errs on the side of the patient). When it exceeds
//! the budget, the batch is quarantined.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub use healthcare_traits::MAX_PAGE_SIZE;

/// Longest lot number (GS1 AI 10), in bytes.
pub const MAX_LOT_LEN: usize = 20;

/// GS1 identifier checks.
pub mod gs1 {
    /// True if `gtin` is 14 ASCII digits whose last is the GS1 check digit of the first
    /// 13 (weights 3, 1, 3, ... from the right of the body).
    pub fn is_valid_gtin14(gtin: &[u8; 14]) -> bool {
        if !gtin.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let (body, check) = gtin.split_at(13);
        let sum = body.iter().rev().enumerate().fold(0u32, |sum, (i, b)| {
            let digit = u32::from(b.saturating_sub(b'0'));
            let weight = if i % 2 == 0 { 3 } else { 1 };
            sum.saturating_add(digit.saturating_mul(weight))
        });
        let expected = 10u32.saturating_sub(sum % 10) % 10;
        check
            .first()
            .is_some_and(|c| u32::from(c.saturating_sub(b'0')) == expected)
    }

    /// True for a lot number of 1..=20 printable ASCII characters.
    pub fn is_valid_lot(lot: &[u8]) -> bool {
        !lot.is_empty() && lot.len() <= super::MAX_LOT_LEN && lot.iter().all(u8::is_ascii_graphic)
    }
}

#[ink::contract]
pub mod drug_provenance {
    use super::gs1;
    use healthcare_traits::{
        ensure, page_range, Admin, Change, CredentialKind, KindSet, PeerError, PeerRole,
        PendingChange,
    };
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// Id of a batch, from 1.
    pub type BatchId = u64;
    /// Id of a shipment, from 1.
    pub type ShipmentId = u64;
    /// A GTIN-14 as 14 ASCII digits.
    pub type Gtin = [u8; 14];
    /// Temperature in hundredths of a degree Celsius.
    pub type CentiCelsius = i32;
    /// The unique key of a batch: GTIN and lot.
    type GtinLot = (Gtin, Vec<u8>);

    /// Why a message was refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub enum Error {
        /// The caller is not the owner.
        NotOwner,
        /// The caller is not the proposed next owner.
        NotPendingOwner,
        /// The contract is paused.
        Paused,
        /// `unpause` while not paused.
        NotPaused,
        /// A proposed code change names a code hash the chain does not know.
        CodeNotFound,
        /// The change's time-lock delay has not passed yet.
        TooEarly,
        /// No pending change has this id.
        NoPendingChange,
        /// Too many changes are pending already.
        TooManyPendingChanges,
        /// This contract has no such peer or role (its peer is `Credentials`; its role
        /// `Regulator`).
        UnsupportedChange,
        /// A time-lock delay above the maximum.
        InvalidDelay,
        /// The caller holds none of this batch.
        NotHolder,
        /// The caller holds less than the quantity.
        InsufficientQuantity,
        /// A quantity of zero.
        ZeroQuantity,
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
        /// The batch is quarantined.
        Quarantined,
        /// No batch has this id.
        UnknownBatch,
        /// No shipment has this id.
        UnknownShipment,
        /// The caller is not the shipment's recipient.
        NotRecipient,
        /// The shipment was already received or rejected.
        ShipmentClosed,
        /// A shipment to oneself.
        SelfShipment,
        /// The caller is not a sensor of this batch.
        NotSensor,
        /// The caller is not the batch's manufacturer.
        NotManufacturer,
        /// The caller is neither the manufacturer nor a regulator.
        NotRecallAuthority,
        /// The batch is already recalled.
        AlreadyRecalled,
        /// A reading from the future or not after the sensor's previous reading.
        InvalidReading,
        /// The account is already a regulator.
        RegulatorExists,
        /// The account is not a regulator.
        UnknownRegulator,
        /// A counter would overflow.
        Overflow,
    }

    healthcare_traits::impl_from_admin_error!(Error);

    impl From<PeerError> for Error {
        fn from(e: PeerError) -> Self {
            match e {
                PeerError::Trapped => Error::CredentialContractTrapped,
                PeerError::Unreachable => Error::CredentialContractUnreachable,
            }
        }
    }

    /// The result type of every fallible message.
    pub type Result<T> = core::result::Result<T, Error>;

    /// A batch's state.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum BatchState {
        /// In circulation.
        Active,
        /// Cold-chain budget exceeded: no shipping or dispensing.
        Quarantined,
        /// Recalled: no shipping, receiving or dispensing.
        Recalled,
    }

    /// What a manufacturer submits to register a batch.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    pub struct BatchRequest {
        /// GTIN-14 (14 ASCII digits, GS1 check digit).
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
        /// Time out of range so far, milliseconds.
        pub excursion_ms: u64,
        /// State.
        pub state: BatchState,
        /// The recall's reason code, if recalled.
        pub recall_reason: Option<u16>,
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

    /// A shipment's state.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum ShipmentState {
        /// Sent, awaiting the recipient.
        Pending,
        /// Received.
        Received,
        /// Rejected (returned to the sender).
        Rejected,
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
        /// Sender.
        pub from: AccountId,
        /// Recipient.
        pub to: AccountId,
        /// Units.
        pub quantity: u64,
        /// Block time it was sent.
        pub shipped_at: Timestamp,
        /// State.
        pub state: ShipmentState,
    }

    /// The kind of a custody event (EPCIS business step).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub enum EventKind {
        /// Commissioning: the batch was registered.
        Registered,
        /// Shipping.
        Shipped,
        /// Receiving.
        Received,
        /// A shipment was rejected back to its sender.
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
        /// Shipment id, reason code or excursion milliseconds, by kind.
        pub reference: u64,
    }

    /// What a scanner learns from `verify`.
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

    /// A batch was registered.
    #[ink(event)]
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
    }

    /// A shipment was sent.
    #[ink(event)]
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
    }

    /// A shipment was received or rejected.
    #[ink(event)]
    pub struct ShipmentClosed {
        /// The shipment.
        #[ink(topic)]
        pub shipment: ShipmentId,
        /// The batch.
        #[ink(topic)]
        pub batch: BatchId,
        /// Received or rejected.
        pub state: ShipmentState,
    }

    /// Units were dispensed.
    #[ink(event)]
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
    #[ink(event)]
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
    #[ink(event)]
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
    #[ink(event)]
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

    /// The batch's state changed (quarantine or recall).
    #[ink(event)]
    pub struct BatchStateChanged {
        /// The batch.
        #[ink(topic)]
        pub batch: BatchId,
        /// The new state.
        pub state: BatchState,
        /// Who caused it (the sensor, the manufacturer or the regulator).
        #[ink(topic)]
        pub by: AccountId,
        /// Reason code (recall) or 0.
        pub reason: u16,
    }

    /// A regulator was appointed (`active`) or removed.
    #[ink(event)]
    pub struct RegulatorChanged {
        /// The regulator.
        #[ink(topic)]
        pub regulator: AccountId,
        /// Appointed (true) or removed (false).
        pub active: bool,
    }

    /// The contract's storage.
    #[ink(storage)]
    pub struct DrugProvenance {
        admin: Admin,
        credentials: Lazy<AccountId>,
        next_batch: BatchId,
        next_shipment: ShipmentId,
        regulators: Mapping<AccountId, ()>,
        batches: Mapping<BatchId, Batch>,
        by_gtin_lot: Mapping<GtinLot, BatchId>,
        holdings: Mapping<(BatchId, AccountId), u64>,
        /// (batch, index) -> holder, every account that ever held the batch.
        holder_list: Mapping<(BatchId, u32), AccountId>,
        shipments: Mapping<ShipmentId, Shipment>,
        sensors: Mapping<(BatchId, AccountId), SensorState>,
        history: Mapping<(BatchId, u32), CustodyEvent>,
    }

    impl DrugProvenance {
        /// Creates the registry, owned by the caller, asking `credentials`
        /// (staff_credentials) about licences, with time-lock `change_delay` (ms, at most
        /// 30 days) and the first `regulators`.
        #[ink(constructor)]
        pub fn new(
            credentials: AccountId,
            change_delay: Timestamp,
            regulators: Vec<AccountId>,
        ) -> Result<Self> {
            let mut lazy = Lazy::new();
            lazy.set(&credentials);
            let mut contract = Self {
                admin: Admin::new(Self::env().caller(), change_delay)?,
                credentials: lazy,
                next_batch: 1,
                next_shipment: 1,
                regulators: Mapping::default(),
                batches: Mapping::default(),
                by_gtin_lot: Mapping::default(),
                holdings: Mapping::default(),
                holder_list: Mapping::default(),
                shipments: Mapping::default(),
                sensors: Mapping::default(),
                history: Mapping::default(),
            };
            for regulator in regulators {
                contract.appoint_regulator(regulator)?;
            }
            Ok(contract)
        }

        // ---------------------------------------------------------------- admin

        /// The owner.
        #[ink(message)]
        pub fn owner(&self) -> AccountId {
            self.admin.owner()
        }

        /// The account proposed as next owner, if any.
        #[ink(message)]
        pub fn pending_owner(&self) -> Option<AccountId> {
            self.admin.pending_owner()
        }

        /// Owner only: proposes `new_owner`, who must call `accept_ownership`.
        #[ink(message)]
        pub fn transfer_ownership(&mut self, new_owner: AccountId) -> Result<()> {
            Ok(self.admin.transfer_ownership(new_owner)?)
        }

        /// Proposed owner only: becomes the owner.
        #[ink(message)]
        pub fn accept_ownership(&mut self) -> Result<()> {
            Ok(self.admin.accept_ownership()?)
        }

        /// True while paused.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.admin.is_paused()
        }

        /// Owner only: pauses every state change but the owner's.
        #[ink(message)]
        pub fn pause(&mut self) -> Result<()> {
            Ok(self.admin.pause()?)
        }

        /// Owner only: lifts the pause.
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<()> {
            Ok(self.admin.unpause()?)
        }

        /// Owner only: proposes a time-locked change (`Code`, `Delay`,
        /// `Peer(Credentials, address)` or `Regulator(account)`). Returns its id.
        #[ink(message)]
        pub fn propose_change(&mut self, change: Change) -> Result<u32> {
            let supported = matches!(
                change,
                Change::Peer(PeerRole::Credentials, _) | Change::Regulator(_)
            );
            Ok(self.admin.propose(change, supported)?)
        }

        /// Owner only: executes pending change `id` once its delay has passed.
        #[ink(message)]
        pub fn execute_change(&mut self, id: u32) -> Result<()> {
            match self.admin.execute(id)? {
                Change::Peer(PeerRole::Credentials, address) => self.credentials.set(&address),
                Change::Regulator(regulator) => self.appoint_regulator(regulator)?,
                _ => {}
            }
            Ok(())
        }

        /// Owner only: cancels pending change `id`.
        #[ink(message)]
        pub fn cancel_change(&mut self, id: u32) -> Result<()> {
            Ok(self.admin.cancel(id)?)
        }

        /// The pending changes, oldest first (at most a handful).
        #[ink(message)]
        pub fn pending_changes(&self) -> Vec<PendingChange> {
            self.admin.pending_changes()
        }

        /// The time-lock delay (ms) a change proposed now waits.
        #[ink(message)]
        pub fn change_delay(&self) -> Timestamp {
            self.admin.delay()
        }

        /// The staff_credentials contract asked about licences.
        #[ink(message)]
        pub fn credentials_contract(&self) -> AccountId {
            self.credentials.get().unwrap_or(AccountId::from([0; 32]))
        }

        /// Owner only: removes a regulator, at once (appointing one is a time-locked
        /// `Regulator` change).
        #[ink(message)]
        pub fn remove_regulator(&mut self, regulator: AccountId) -> Result<()> {
            self.admin.ensure_owner()?;
            ensure!(self.regulators.contains(regulator), Error::UnknownRegulator);
            self.regulators.remove(regulator);
            self.env().emit_event(RegulatorChanged {
                regulator,
                active: false,
            });
            Ok(())
        }

        /// True if `account` is a regulator.
        #[ink(message)]
        pub fn is_regulator(&self, account: AccountId) -> bool {
            self.regulators.contains(account)
        }

        fn appoint_regulator(&mut self, regulator: AccountId) -> Result<()> {
            ensure!(!self.regulators.contains(regulator), Error::RegulatorExists);
            self.regulators.insert(regulator, &());
            self.env().emit_event(RegulatorChanged {
                regulator,
                active: true,
            });
            Ok(())
        }

        // ------------------------------------------------------------- batches

        /// A licensed manufacturer: registers a batch and becomes its first holder.
        /// Returns the batch id.
        #[ink(message)]
        pub fn register_batch(&mut self, request: BatchRequest) -> Result<BatchId> {
            self.admin.ensure_not_paused()?;
            let manufacturer = self.env().caller();
            let now = self.env().block_timestamp();
            ensure!(gs1::is_valid_gtin14(&request.gtin), Error::InvalidGtin);
            ensure!(gs1::is_valid_lot(&request.lot), Error::InvalidLot);
            ensure!(request.quantity > 0, Error::ZeroQuantity);
            ensure!(request.manufactured_at <= now, Error::ManufacturedInFuture);
            ensure!(
                request.expiry > request.manufactured_at && request.expiry > now,
                Error::InvalidExpiry
            );
            ensure!(
                request.min_temp < request.max_temp,
                Error::InvalidTemperatureRange
            );
            let key = (request.gtin, request.lot.clone());
            ensure!(!self.by_gtin_lot.contains(&key), Error::DuplicateLot);
            ensure!(
                self.licensed(
                    manufacturer,
                    KindSet::of(&[CredentialKind::ManufacturerLicence])
                )?,
                Error::ManufacturerNotLicensed
            );

            let id = self.next_batch;
            self.next_batch = id.checked_add(1).ok_or(Error::Overflow)?;
            let mut batch = Batch {
                id,
                gtin: request.gtin,
                lot: request.lot,
                manufacturer,
                expiry: request.expiry,
                quantity: request.quantity,
                manufactured_at: request.manufactured_at,
                metadata_hash: request.metadata_hash,
                min_temp: request.min_temp,
                max_temp: request.max_temp,
                excursion_budget_secs: request.excursion_budget_secs,
                excursion_ms: 0,
                state: BatchState::Active,
                recall_reason: None,
                in_transit: 0,
                dispensed: 0,
                destroyed: 0,
                holder_count: 0,
                event_count: 0,
            };
            self.credit(&mut batch, manufacturer, request.quantity)?;
            self.push_event(
                &mut batch,
                EventKind::Registered,
                manufacturer,
                None,
                request.quantity,
                0,
            )?;
            self.by_gtin_lot.insert(&key, &id);
            self.batches.insert(id, &batch);
            self.env().emit_event(BatchRegistered {
                batch: id,
                manufacturer,
                gtin: batch.gtin,
                lot: batch.lot,
                expiry: batch.expiry,
                quantity: batch.quantity,
                manufactured_at: batch.manufactured_at,
                metadata_hash: batch.metadata_hash,
                min_temp: batch.min_temp,
                max_temp: batch.max_temp,
                excursion_budget_secs: batch.excursion_budget_secs,
            });
            Ok(id)
        }

        /// A holder: ships `quantity` of `batch` to `to`, who must hold a valid
        /// wholesale-distributor or pharmacy licence now. The units are in transit until
        /// `to` receives or rejects them. Returns the shipment id.
        #[ink(message)]
        pub fn ship(
            &mut self,
            batch_id: BatchId,
            to: AccountId,
            quantity: u64,
        ) -> Result<ShipmentId> {
            self.admin.ensure_not_paused()?;
            let from = self.env().caller();
            let now = self.env().block_timestamp();
            let mut batch = self.batch_of(batch_id)?;
            Self::ensure_movable(&batch, now)?;
            ensure!(to != from, Error::SelfShipment);
            let left = self.remaining(batch_id, from, quantity)?;
            ensure!(
                self.licensed(to, KindSet::TRADING_PARTNER)?,
                Error::RecipientNotLicensed
            );
            self.holdings.insert((batch_id, from), &left);

            batch.in_transit = batch
                .in_transit
                .checked_add(quantity)
                .ok_or(Error::Overflow)?;
            let id = self.next_shipment;
            self.next_shipment = id.checked_add(1).ok_or(Error::Overflow)?;
            self.shipments.insert(
                id,
                &Shipment {
                    id,
                    batch: batch_id,
                    from,
                    to,
                    quantity,
                    shipped_at: now,
                    state: ShipmentState::Pending,
                },
            );
            self.push_event(&mut batch, EventKind::Shipped, from, Some(to), quantity, id)?;
            self.batches.insert(batch_id, &batch);
            self.env().emit_event(Shipped {
                shipment: id,
                batch: batch_id,
                to,
                from,
                quantity,
            });
            Ok(id)
        }

        /// The shipment's recipient: receives it (re-checks its licence; refused for a
        /// recalled batch).
        #[ink(message)]
        pub fn receive(&mut self, shipment_id: ShipmentId) -> Result<()> {
            self.close_shipment(shipment_id, ShipmentState::Received)
        }

        /// The shipment's recipient: rejects it; the units return to the sender.
        #[ink(message)]
        pub fn reject(&mut self, shipment_id: ShipmentId) -> Result<()> {
            self.close_shipment(shipment_id, ShipmentState::Rejected)
        }

        /// A holder with a valid pharmacy licence: dispenses `quantity` to patients.
        #[ink(message)]
        pub fn dispense(
            &mut self,
            batch_id: BatchId,
            quantity: u64,
            prescription_hash: Option<Hash>,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let pharmacy = self.env().caller();
            let now = self.env().block_timestamp();
            let mut batch = self.batch_of(batch_id)?;
            Self::ensure_movable(&batch, now)?;
            let left = self.remaining(batch_id, pharmacy, quantity)?;
            ensure!(
                self.licensed(pharmacy, KindSet::of(&[CredentialKind::PharmacyLicence]))?,
                Error::PharmacyNotLicensed
            );
            self.holdings.insert((batch_id, pharmacy), &left);
            batch.dispensed = batch
                .dispensed
                .checked_add(quantity)
                .ok_or(Error::Overflow)?;
            self.push_event(
                &mut batch,
                EventKind::Dispensed,
                pharmacy,
                None,
                quantity,
                0,
            )?;
            self.batches.insert(batch_id, &batch);
            self.env().emit_event(Dispensed {
                batch: batch_id,
                pharmacy,
                quantity,
                prescription_hash,
            });
            Ok(())
        }

        /// A holder: destroys `quantity` (allowed in every state, so recalled or
        /// quarantined stock leaves circulation).
        #[ink(message)]
        pub fn destroy(&mut self, batch_id: BatchId, quantity: u64, reason: u16) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let holder = self.env().caller();
            let mut batch = self.batch_of(batch_id)?;
            let left = self.remaining(batch_id, holder, quantity)?;
            self.holdings.insert((batch_id, holder), &left);
            batch.destroyed = batch
                .destroyed
                .checked_add(quantity)
                .ok_or(Error::Overflow)?;
            self.push_event(
                &mut batch,
                EventKind::Destroyed,
                holder,
                None,
                quantity,
                u64::from(reason),
            )?;
            self.batches.insert(batch_id, &batch);
            self.env().emit_event(Destroyed {
                batch: batch_id,
                holder,
                quantity,
                reason,
            });
            Ok(())
        }

        // ----------------------------------------------------------- cold chain

        /// The batch's manufacturer: appoints `sensor` for the batch.
        #[ink(message)]
        pub fn add_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let batch = self.batch_of(batch_id)?;
            ensure!(
                batch.manufacturer == self.env().caller(),
                Error::NotManufacturer
            );
            if !self.sensors.contains((batch_id, sensor)) {
                self.sensors.insert(
                    (batch_id, sensor),
                    &SensorState {
                        last_time: None,
                        last_out_of_range: false,
                    },
                );
            }
            self.env().emit_event(SensorChanged {
                batch: batch_id,
                sensor,
                active: true,
            });
            Ok(())
        }

        /// The batch's manufacturer: removes `sensor`.
        #[ink(message)]
        pub fn remove_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let batch = self.batch_of(batch_id)?;
            ensure!(
                batch.manufacturer == self.env().caller(),
                Error::NotManufacturer
            );
            let state = self
                .sensors
                .get((batch_id, sensor))
                .ok_or(Error::NotSensor)?;
            // A sensor last seen out of range counts as out of range until it is removed,
            // so removing (and re-adding) it cannot hide an excursion.
            let mut batch = batch;
            let now = self.env().block_timestamp();
            self.close_interval(&mut batch, &state, sensor, now)?;
            self.quarantine_if_over_budget(&mut batch, sensor)?;
            self.batches.insert(batch_id, &batch);
            self.sensors.remove((batch_id, sensor));
            self.env().emit_event(SensorChanged {
                batch: batch_id,
                sensor,
                active: false,
            });
            Ok(())
        }

        /// A sensor of the batch: records a reading taken at `time` (not in the future,
        /// after the sensor's previous one). Quarantines the batch when its time out of
        /// range exceeds the budget. Returns the batch's total time out of range (ms).
        #[ink(message)]
        pub fn submit_reading(
            &mut self,
            batch_id: BatchId,
            time: Timestamp,
            value: CentiCelsius,
        ) -> Result<u64> {
            self.admin.ensure_not_paused()?;
            let sensor = self.env().caller();
            let now = self.env().block_timestamp();
            let mut batch = self.batch_of(batch_id)?;
            let mut state = self
                .sensors
                .get((batch_id, sensor))
                .ok_or(Error::NotSensor)?;
            ensure!(time <= now, Error::InvalidReading);
            if let Some(last) = state.last_time {
                ensure!(time > last, Error::InvalidReading);
            }
            self.close_interval(&mut batch, &state, sensor, time)?;
            state.last_time = Some(time);
            state.last_out_of_range = value < batch.min_temp || value > batch.max_temp;
            self.sensors.insert((batch_id, sensor), &state);
            self.quarantine_if_over_budget(&mut batch, sensor)?;
            self.batches.insert(batch_id, &batch);
            self.env().emit_event(ReadingRecorded {
                batch: batch_id,
                sensor,
                time,
                value,
                excursion_ms: batch.excursion_ms,
            });
            Ok(batch.excursion_ms)
        }

        /// True if `sensor` is appointed for the batch.
        #[ink(message)]
        pub fn is_sensor(&self, batch_id: BatchId, sensor: AccountId) -> bool {
            self.sensors.contains((batch_id, sensor))
        }

        // --------------------------------------------------------------- recall

        /// The batch's manufacturer or a regulator (also while paused: a safety action):
        /// recalls the batch with `reason`.
        /// Shipping, receiving and dispensing of it stop everywhere; holders stay
        /// queryable.
        #[ink(message)]
        pub fn recall(&mut self, batch_id: BatchId, reason: u16) -> Result<()> {
            let caller = self.env().caller();
            let mut batch = self.batch_of(batch_id)?;
            ensure!(
                batch.manufacturer == caller || self.regulators.contains(caller),
                Error::NotRecallAuthority
            );
            ensure!(batch.state != BatchState::Recalled, Error::AlreadyRecalled);
            batch.state = BatchState::Recalled;
            batch.recall_reason = Some(reason);
            self.push_event(
                &mut batch,
                EventKind::Recalled,
                caller,
                None,
                0,
                u64::from(reason),
            )?;
            self.batches.insert(batch_id, &batch);
            self.env().emit_event(BatchStateChanged {
                batch: batch_id,
                state: BatchState::Recalled,
                by: caller,
                reason,
            });
            Ok(())
        }

        // -------------------------------------------------------------- queries

        /// What a scanner needs for (GTIN, lot): unknown / authentic / expired /
        /// recalled / quarantined, with manufacturer and expiry.
        #[ink(message)]
        pub fn verify(&self, gtin: Gtin, lot: Vec<u8>) -> Verification {
            let Some(batch) = self
                .by_gtin_lot
                .get((gtin, lot))
                .and_then(|id| self.batches.get(id))
            else {
                return Verification {
                    status: VerificationStatus::Unknown,
                    batch: None,
                    manufacturer: None,
                    expiry: None,
                };
            };
            let status = match batch.state {
                BatchState::Recalled => VerificationStatus::Recalled,
                BatchState::Quarantined => VerificationStatus::Quarantined,
                BatchState::Active if self.env().block_timestamp() >= batch.expiry => {
                    VerificationStatus::Expired
                }
                BatchState::Active => VerificationStatus::Authentic,
            };
            Verification {
                status,
                batch: Some(batch.id),
                manufacturer: Some(batch.manufacturer),
                expiry: Some(batch.expiry),
            }
        }

        /// The batch with this id.
        #[ink(message)]
        pub fn batch(&self, batch_id: BatchId) -> Option<Batch> {
            self.batches.get(batch_id)
        }

        /// The shipment with this id.
        #[ink(message)]
        pub fn shipment(&self, shipment_id: ShipmentId) -> Option<Shipment> {
            self.shipments.get(shipment_id)
        }

        /// Units of the batch `holder` holds.
        #[ink(message)]
        pub fn holding(&self, batch_id: BatchId, holder: AccountId) -> u64 {
            self.holdings.get((batch_id, holder)).unwrap_or(0)
        }

        /// A page of the accounts that have held the batch, with what they hold now.
        #[ink(message)]
        pub fn holders(&self, batch_id: BatchId, offset: u32, limit: u32) -> Vec<(AccountId, u64)> {
            let total = self.batches.get(batch_id).map_or(0, |b| b.holder_count);
            page_range(offset, limit, total)
                .filter_map(|i| self.holder_list.get((batch_id, i)))
                .map(|holder| (holder, self.holding(batch_id, holder)))
                .collect()
        }

        /// A page of the batch's custody events, oldest first.
        #[ink(message)]
        pub fn history(&self, batch_id: BatchId, offset: u32, limit: u32) -> Vec<CustodyEvent> {
            let total = self.batches.get(batch_id).map_or(0, |b| b.event_count);
            page_range(offset, limit, total)
                .filter_map(|i| self.history.get((batch_id, i)))
                .collect()
        }

        // -------------------------------------------------------------- helpers

        fn batch_of(&self, batch_id: BatchId) -> Result<Batch> {
            self.batches.get(batch_id).ok_or(Error::UnknownBatch)
        }

        /// Shipping and dispensing need an active, unexpired batch.
        fn ensure_movable(batch: &Batch, now: Timestamp) -> Result<()> {
            match batch.state {
                BatchState::Recalled => Err(Error::Recalled),
                BatchState::Quarantined => Err(Error::Quarantined),
                BatchState::Active if now >= batch.expiry => Err(Error::Expired),
                BatchState::Active => Ok(()),
            }
        }

        /// Adds the interval from the sensor's last reading to `until` to the batch's
        /// time out of range if that reading was out of range.
        fn close_interval(
            &mut self,
            batch: &mut Batch,
            state: &SensorState,
            sensor: AccountId,
            until: Timestamp,
        ) -> Result<()> {
            if let (Some(last), true) = (state.last_time, state.last_out_of_range) {
                let added = until.checked_sub(last).ok_or(Error::Overflow)?;
                batch.excursion_ms = batch
                    .excursion_ms
                    .checked_add(added)
                    .ok_or(Error::Overflow)?;
                let total = batch.excursion_ms;
                self.push_event(batch, EventKind::Excursion, sensor, None, 0, total)?;
            }
            Ok(())
        }

        /// Quarantines an active batch whose time out of range exceeds its budget.
        fn quarantine_if_over_budget(&mut self, batch: &mut Batch, by: AccountId) -> Result<()> {
            let budget_ms = u64::from(batch.excursion_budget_secs).saturating_mul(1_000);
            if batch.state == BatchState::Active && batch.excursion_ms > budget_ms {
                batch.state = BatchState::Quarantined;
                let total = batch.excursion_ms;
                self.push_event(
                    batch,
                    EventKind::QuarantinedForExcursion,
                    by,
                    None,
                    0,
                    total,
                )?;
                self.env().emit_event(BatchStateChanged {
                    batch: batch.id,
                    state: BatchState::Quarantined,
                    by,
                    reason: 0,
                });
            }
            Ok(())
        }

        /// What `holder` would hold after giving up `quantity` (nothing is written).
        fn remaining(&self, batch_id: BatchId, holder: AccountId, quantity: u64) -> Result<u64> {
            ensure!(quantity > 0, Error::ZeroQuantity);
            let held = self.holdings.get((batch_id, holder)).unwrap_or(0);
            ensure!(held > 0, Error::NotHolder);
            held.checked_sub(quantity)
                .ok_or(Error::InsufficientQuantity)
        }

        /// Adds `quantity` to `holder`'s holding, listing a new holder.
        fn credit(&mut self, batch: &mut Batch, holder: AccountId, quantity: u64) -> Result<()> {
            let key = (batch.id, holder);
            match self.holdings.get(key) {
                Some(held) => {
                    self.holdings
                        .insert(key, &held.checked_add(quantity).ok_or(Error::Overflow)?);
                }
                None => {
                    self.holdings.insert(key, &quantity);
                    self.holder_list
                        .insert((batch.id, batch.holder_count), &holder);
                    batch.holder_count =
                        batch.holder_count.checked_add(1).ok_or(Error::Overflow)?;
                }
            }
            Ok(())
        }

        fn push_event(
            &mut self,
            batch: &mut Batch,
            kind: EventKind,
            actor: AccountId,
            counterparty: Option<AccountId>,
            quantity: u64,
            reference: u64,
        ) -> Result<()> {
            self.history.insert(
                (batch.id, batch.event_count),
                &CustodyEvent {
                    at: self.env().block_timestamp(),
                    kind,
                    actor,
                    counterparty,
                    quantity,
                    reference,
                },
            );
            batch.event_count = batch.event_count.checked_add(1).ok_or(Error::Overflow)?;
            Ok(())
        }

        fn close_shipment(
            &mut self,
            shipment_id: ShipmentId,
            outcome: ShipmentState,
        ) -> Result<()> {
            self.admin.ensure_not_paused()?;
            let caller = self.env().caller();
            let mut shipment = self
                .shipments
                .get(shipment_id)
                .ok_or(Error::UnknownShipment)?;
            ensure!(shipment.to == caller, Error::NotRecipient);
            ensure!(
                shipment.state == ShipmentState::Pending,
                Error::ShipmentClosed
            );
            let mut batch = self.batch_of(shipment.batch)?;
            let (kind, receiver) = if outcome == ShipmentState::Received {
                ensure!(batch.state != BatchState::Recalled, Error::Recalled);
                ensure!(
                    self.licensed(caller, KindSet::TRADING_PARTNER)?,
                    Error::RecipientNotLicensed
                );
                (EventKind::Received, shipment.to)
            } else {
                (EventKind::Rejected, shipment.from)
            };
            batch.in_transit = batch
                .in_transit
                .checked_sub(shipment.quantity)
                .ok_or(Error::Overflow)?;
            self.credit(&mut batch, receiver, shipment.quantity)?;
            let counterparty = Some(shipment.from);
            self.push_event(
                &mut batch,
                kind,
                caller,
                counterparty,
                shipment.quantity,
                shipment_id,
            )?;
            shipment.state = outcome;
            self.shipments.insert(shipment_id, &shipment);
            self.batches.insert(shipment.batch, &batch);
            self.env().emit_event(ShipmentClosed {
                shipment: shipment_id,
                batch: shipment.batch,
                state: outcome,
            });
            Ok(())
        }

        /// Asks staff_credentials whether `account` holds a valid credential of one of
        /// `kinds` now.
        #[cfg(not(test))]
        fn licensed(&self, account: AccountId, kinds: KindSet) -> Result<bool> {
            use healthcare_traits::{flatten_peer_result, CredentialVerifier};
            use ink::codegen::TraitCallBuilder;
            let verifier: ink::contract_ref!(CredentialVerifier) =
                self.credentials_contract().into();
            let answer = healthcare_traits::try_invoke!(verifier.call().any_valid_at(
                account,
                kinds,
                self.env().block_timestamp()
            ));
            Ok(flatten_peer_result(answer)?)
        }

        /// Off-chain unit tests cannot make cross-contract calls: they set the kinds
        /// each account holds with `tests::set_licences`; the drink sandbox tests run
        /// the real call above.
        #[cfg(test)]
        fn licensed(&self, account: AccountId, kinds: KindSet) -> Result<bool> {
            let held = crate::tests::licences_of(account)?;
            Ok(held.0 & kinds.0 != 0)
        }
    }

    #[cfg(test)]
    impl DrugProvenance {
        pub(crate) fn set_counters(&mut self, value: u64) {
            self.next_batch = value;
            self.next_shipment = value;
        }
    }
}

#[cfg(test)]
mod tests;
