//! # drug_provenance
//!
//! Batch-level track and trace to the US Drug Supply Chain Security Act (DSCSA), in the
//! vocabulary of GS1 EPCIS: licensed manufacturers register batches (GTIN-14 + lot) of
//! the GS1 company prefixes they own; custody moves in two steps (ship, then receive in
//! full or in part, reject, or cancel) between authorised trading partners checked both
//! ways; sensors report temperatures and a batch whose time out of range exceeds its
//! budget is quarantined, open excursions counting up to the present; holders flag
//! suspect product, manufacturers answer verification requests within 24 hours,
//! regulators declare product illegitimate or clear it; recalls and illegitimate
//! declarations freeze a batch everywhere; shipments can be paid on receipt from an
//! escrow; anyone verifies a product by GTIN and lot.
//!
//! ## Roles
//! * **governor** (the consortium's `governor` contract, named at instantiation; see
//!   docs/governance.md): through `Governed::apply`, sets the `staff_credentials`
//!   address, appoints regulators, recovers native tokens no escrow or payout accounts
//!   for and upgrades the code (after its delay); removes regulators, pauses and
//!   unpauses (at once).
//! * **regulator**: named at instantiation or appointed by the governor; keeps the
//!   GS1 company-prefix directory (prefix → manufacturer); recalls any batch; declares a
//!   batch illegitimate or clears a suspicion; lifts a quarantine with evidence.
//! * **manufacturer**: an account with a valid manufacturer licence (asked of
//!   `staff_credentials`) that owns the GTIN's company prefix in the directory; the
//!   batch's first holder; appoints its sensors; answers verification requests;
//!   recalls, declares illegitimate and clears suspicion of its batches (a quarantine
//!   of its own product is lifted by a regulator, not by it).
//! * **trading partner**: a holder ships only while it holds a valid manufacturer,
//!   wholesale-distributor or pharmacy licence, to a recipient with a valid wholesale or
//!   pharmacy licence (checked when sent *and* when received); a pharmacy dispenses.
//!   Returns (to the manufacturer, to the partner that supplied the holder, or to a
//!   regulator) need no licence and are allowed in every batch state.
//! * **buyer / seller**: a priced shipment's recipient escrows `price × quantity`; on
//!   receipt the seller is paid for the units accepted and the rest is refunded; a
//!   rejection or cancellation refunds everything. A seller whose licence lapsed before
//!   the receipt is not paid: its payment is held until it is licensed again, or a
//!   regulator refunds it to the buyer.
//! * **sensor**: appointed per batch by its manufacturer; submits readings.
//!
//! ## Invariants
//! * Conservation: for every batch, `quantity == Σ holdings + in_transit + dispensed +
//!   destroyed`, always.
//! * Money: the contract's balance covers `total_escrow` (the sum of the open escrows)
//!   plus `total_owed` (payouts whose transfer failed, claimable) plus `total_held`
//!   (sellers' payments held for a licence that lapsed); anything beyond is surplus.
//! * (GTIN, lot) is unique; a GTIN passes the GS1 check digit and its company prefix
//!   belongs to the registering manufacturer.
//! * Nothing is sold on (shipped, received, dispensed) from a recalled, illegitimate,
//!   quarantined or expired batch, or from a holder's suspect units: only returns and
//!   destruction take stock out of circulation. The suspicion follows the units: a
//!   holder's suspect units go nowhere but to destruction or to a regulator until the
//!   investigation clears them, and units on their way from a holder whose stock turns
//!   suspect are received by a regulator only (suspect there too; anyone else rejects
//!   them, or the sender cancels).
//! * Every message is O(1) or O(its input); history, holders and open investigations
//!   are paged.
//!
//! ## Cold chain
//! Each sensor's readings are taken as sample-and-hold: the interval from one reading of
//! a sensor to its next (or to its removal) counts as out of range when the earlier
//! reading was out of the batch's range, and an **open** excursion (latest reading out
//! of range) keeps counting up to the present in `verify`, `ship`, `receive` and
//! `dispense`: the batch is quarantined as soon as the budget is spent, whether or not a
//! new reading arrived (`check_cold_chain` records it). The batch's time out of range is
//! the sum over its sensors, kept in O(1) per batch. A batch whose sensors have been
//! silent longer than its `max_sensor_gap_secs` says so in `verify`. A quarantine is
//! lifted only by a regulator with a non-empty evidence hash (stability data);
//! the time out of range before it is forgiven.
//!
//! ## Pause
//! While paused nothing is registered, shipped or dispensed, no payment is escrowed and
//! no sensor is appointed; exits keep working (receiving, rejecting or cancelling a
//! shipment already under way, which pays or refunds its escrow, releasing or refunding
//! a held payment, and claiming a payout), stock still leaves circulation (returns and
//! destruction), and so do the safety actions: recalls, suspect flags, verification
//! answers, illegitimate declarations, sensor readings and cold-chain checks; the
//! governor applies no change but pausing, unpausing and removing a regulator while
//! paused.
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
pub use model::gs1;

pub mod events;
mod internal;
pub mod model;

#[ink::contract]
pub mod drug_provenance {
    pub use crate::events::*;
    use crate::internal::SENDERS;

    pub use crate::model::{
        Batch, BatchId, BatchRequest, BatchState, CentiCelsius, CustodyEvent, Error, EventKind,
        Gtin, Investigation, InvestigationId, Outcome, Result, SensorState, Shipment, ShipmentId,
        ShipmentState, Verification, VerificationStatus, RESPONSE_WINDOW,
    };
    use healthcare_traits::{ensure, page_range, ApplyError, Governance, Governed};
    use ink::prelude::vec::Vec;
    use ink::storage::{Lazy, Mapping};

    /// The unique key of a batch: GTIN and lot.
    type GtinLot = (Gtin, Vec<u8>);
    /// Units of a batch surrendered to a regulator by a holder: (batch, regulator, holder).
    type Surrender = (BatchId, AccountId, AccountId);

    /// The contract's storage.
    #[ink(storage)]
    pub struct DrugProvenance {
        pub(crate) governance: Governance,
        pub(crate) credentials: Lazy<AccountId>,
        pub(crate) next_batch: BatchId,
        pub(crate) next_shipment: ShipmentId,
        pub(crate) next_investigation: InvestigationId,
        /// Sum of the open escrows of priced shipments.
        pub(crate) total_escrow: Balance,
        /// Sum of the payouts whose transfer failed, claimable.
        pub(crate) total_owed: Balance,
        /// Sum of the sellers' payments held (see `held`).
        pub(crate) total_held: Balance,
        /// Shipment -> the seller's payment held because the seller held no valid
        /// licence at receipt.
        pub(crate) held: Mapping<ShipmentId, Balance>,
        pub(crate) regulators: Mapping<AccountId, ()>,
        /// GS1 company prefix -> the manufacturer that owns it.
        pub(crate) prefixes: Mapping<Vec<u8>, AccountId>,
        /// Company prefix -> how many assigned prefixes extend it (a prefix is refused
        /// while it contains or extends an assigned one).
        pub(crate) extended_prefixes: Mapping<Vec<u8>, u32>,
        pub(crate) batches: Mapping<BatchId, Batch>,
        pub(crate) by_gtin_lot: Mapping<GtinLot, BatchId>,
        pub(crate) holdings: Mapping<(BatchId, AccountId), u64>,
        /// (batch, index) -> holder, every account that ever held the batch.
        pub(crate) holder_list: Mapping<(BatchId, u32), AccountId>,
        /// (batch, holder) -> the partner that last shipped it units of the batch.
        pub(crate) suppliers: Mapping<(BatchId, AccountId), AccountId>,
        /// (batch, regulator, holder): the holder surrendered units of the batch to the
        /// regulator, who may send units back to it.
        pub(crate) surrendered: Mapping<Surrender, ()>,
        pub(crate) shipments: Mapping<ShipmentId, Shipment>,
        pub(crate) sensors: Mapping<(BatchId, AccountId), SensorState>,
        pub(crate) history: Mapping<(BatchId, u32), CustodyEvent>,
        pub(crate) investigations: Mapping<InvestigationId, Investigation>,
        /// (batch, holder) -> the investigation the holder's units are suspect under (in
        /// force while it is open).
        pub(crate) suspect: Mapping<(BatchId, AccountId), InvestigationId>,
        /// Open investigations, dense by swap-remove, and their count.
        pub(crate) open_list: Mapping<u32, InvestigationId>,
        pub(crate) open_count: u32,
        /// Payouts owed after a failed transfer.
        pub(crate) owed: Mapping<AccountId, Balance>,
    }

    impl DrugProvenance {
        /// Creates the registry, governed by `governor` (the consortium's governor
        /// contract), asking `credentials` (staff_credentials) about licences, with the
        /// first `regulators`.
        #[ink(constructor)]
        pub fn new(
            governor: AccountId,
            credentials: AccountId,
            regulators: Vec<AccountId>,
        ) -> Result<Self> {
            let mut contract = Self::with_storage(governor, credentials);
            for regulator in regulators {
                contract.appoint_regulator(regulator)?;
            }
            Ok(contract)
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

        /// The staff_credentials contract asked about licences.
        #[ink(message)]
        pub fn credentials_contract(&self) -> AccountId {
            self.credentials.get().unwrap_or(AccountId::from([0; 32]))
        }

        /// True if `account` is a regulator.
        #[ink(message)]
        pub fn is_regulator(&self, account: AccountId) -> bool {
            self.regulators.contains(account)
        }

        /// Native tokens held beyond the open escrows, the owed payouts and the held
        /// sellers' payments.
        #[ink(message)]
        pub fn surplus(&self) -> Balance {
            self.env()
                .balance()
                .saturating_sub(self.total_escrow)
                .saturating_sub(self.total_owed)
                .saturating_sub(self.total_held)
        }

        /// (open escrows, owed payouts, held sellers' payments): what the contract's
        /// balance must cover.
        #[ink(message)]
        pub fn held_funds(&self) -> (Balance, Balance, Balance) {
            (self.total_escrow, self.total_owed, self.total_held)
        }

        // ------------------------------------------------------------ directory

        /// A regulator: records `owner` as the owner of GS1 company prefix `prefix` (6 to
        /// 12 ASCII digits), as GTIN directories of industry networks do. A prefix that
        /// contains or extends an assigned one is refused (`PrefixOverlaps`): one GTIN
        /// never has two owners.
        #[ink(message)]
        pub fn assign_prefix(&mut self, prefix: Vec<u8>, owner: AccountId) -> Result<()> {
            let by = self.ensure_regulator()?;
            self.do_assign_prefix(by, prefix, owner)
        }

        /// A regulator: withdraws company prefix `prefix` from its owner (batches already
        /// registered stay).
        #[ink(message)]
        pub fn revoke_prefix(&mut self, prefix: Vec<u8>) -> Result<()> {
            let by = self.ensure_regulator()?;
            ensure!(self.prefixes.contains(&prefix), Error::UnknownPrefix);
            self.prefixes.remove(&prefix);
            self.count_extensions(&prefix, false)?;
            self.env().emit_event(PrefixChanged {
                prefix,
                owner: None,
                by,
            });
            Ok(())
        }

        /// The owner of company prefix `prefix`, if any.
        #[ink(message)]
        pub fn prefix_owner(&self, prefix: Vec<u8>) -> Option<AccountId> {
            self.prefixes.get(&prefix)
        }

        // ------------------------------------------------------------- batches

        /// A licensed manufacturer that owns the GTIN's company prefix: registers a batch
        /// and becomes its first holder. Returns the batch id.
        #[ink(message)]
        pub fn register_batch(&mut self, request: BatchRequest) -> Result<BatchId> {
            self.governance.ensure_running()?;
            let manufacturer = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_register_batch(manufacturer, now, request)
        }

        // ------------------------------------------------------------- custody

        /// A holder with a valid manufacturer, wholesale-distributor or pharmacy licence
        /// now: ships `quantity` of `batch` to `to`, who must hold a valid
        /// wholesale-distributor or pharmacy licence now, optionally at
        /// `price_per_unit` (paid on receipt from the buyer's escrow). The units are in
        /// transit until `to` receives, rejects, or the sender cancels. Returns the
        /// shipment id.
        #[ink(message)]
        pub fn ship(
            &mut self,
            batch_id: BatchId,
            to: AccountId,
            quantity: u64,
            price_per_unit: Option<Balance>,
        ) -> Result<ShipmentId> {
            self.governance.ensure_running()?;
            let from = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_ship(from, now, batch_id, to, quantity, price_per_unit)
        }

        /// A holder (also while paused: stock leaving circulation): returns `quantity` of
        /// `batch` to its manufacturer, to the partner that supplied the holder, or to a
        /// regulator (and a regulator to anyone who surrendered units of it). Allowed in
        /// every batch state (recalled, illegitimate, quarantined, expired) and without a
        /// licence check, so that stock can always leave circulation; the holder's
        /// suspect units go to a regulator only (or are destroyed) until the
        /// investigation clears them. Returns the shipment id.
        #[ink(message)]
        pub fn return_goods(
            &mut self,
            batch_id: BatchId,
            to: AccountId,
            quantity: u64,
        ) -> Result<ShipmentId> {
            let from = self.env().caller();
            self.do_return_goods(from, batch_id, to, quantity)
        }

        /// The recipient of a priced shipment: escrows its price (`price × quantity`,
        /// transferred with the call) before receiving it.
        #[ink(message, payable)]
        pub fn escrow_payment(&mut self, shipment_id: ShipmentId) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_escrow_payment(shipment_id)
        }

        /// The shipment's recipient (also while paused: an exit): receives `accepted` of its
        /// units (all, or fewer for a shortage or damage: the rest goes back to the
        /// sender). Re-checks the recipient's licence (a return's recipient needs none)
        /// and, but for a return, that the batch may be sold on. Units whose sender's
        /// stock is suspect now are received by a regulator only, and stay suspect there
        /// (anyone else rejects them, or the sender cancels). A priced shipment pays
        /// the seller for the units accepted and refunds the rest of the escrow; a seller
        /// holding no valid licence now is not paid: its payment is held
        /// (`held_payment`).
        #[ink(message)]
        pub fn receive(&mut self, shipment_id: ShipmentId, accepted: u64) -> Result<()> {
            let caller = self.env().caller();
            self.do_receive(caller, shipment_id, accepted)
        }

        /// The shipment's recipient (also while paused: an exit): rejects it; every unit
        /// goes back to the sender and a priced shipment's escrow back to the buyer.
        /// Allowed in every batch state.
        #[ink(message)]
        pub fn reject(&mut self, shipment_id: ShipmentId) -> Result<()> {
            let shipment = self.open_shipment(shipment_id)?;
            ensure!(shipment.to == self.env().caller(), Error::NotRecipient);
            self.send_back(shipment, EventKind::Rejected, ShipmentState::Rejected)
        }

        /// The shipment's sender (also while paused: an exit): cancels it before it is
        /// received; every unit comes back and a priced shipment's escrow goes back to the
        /// buyer.
        #[ink(message)]
        pub fn cancel_shipment(&mut self, shipment_id: ShipmentId) -> Result<()> {
            let shipment = self.open_shipment(shipment_id)?;
            ensure!(shipment.from == self.env().caller(), Error::NotSender);
            self.send_back(shipment, EventKind::Cancelled, ShipmentState::Cancelled)
        }

        /// Anyone (also while paused: an exit): pays a held seller's payment to the
        /// seller, licensed again now.
        #[ink(message)]
        pub fn release_held_payment(&mut self, shipment_id: ShipmentId) -> Result<Balance> {
            let (shipment, amount) = self.held_for(shipment_id)?;
            ensure!(
                self.licensed(shipment.from, SENDERS)?,
                Error::SenderNotLicensed
            );
            self.pay_held(shipment_id, shipment.from, amount, false)
        }

        /// A regulator (also while paused): refunds a held seller's payment to the buyer
        /// (the seller's licence was revoked for cause), citing `evidence` (non-zero).
        #[ink(message)]
        pub fn refund_held_payment(
            &mut self,
            shipment_id: ShipmentId,
            evidence: Hash,
        ) -> Result<Balance> {
            self.ensure_regulator()?;
            ensure!(evidence != Hash::from([0; 32]), Error::NoEvidence);
            let (shipment, amount) = self.held_for(shipment_id)?;
            self.pay_held(shipment_id, shipment.to, amount, true)
        }

        /// The seller's payment held for `shipment_id` (0 if none).
        #[ink(message)]
        pub fn held_payment(&self, shipment_id: ShipmentId) -> Balance {
            self.held.get(shipment_id).unwrap_or(0)
        }

        /// Anyone owed a payout whose transfer failed: claims it.
        #[ink(message)]
        pub fn claim_payout(&mut self) -> Result<Balance> {
            let to = self.env().caller();
            self.do_claim_payout(to)
        }

        /// What is owed to `account` after a failed transfer.
        #[ink(message)]
        pub fn payout_owed(&self, account: AccountId) -> Balance {
            self.owed.get(account).unwrap_or(0)
        }

        /// A holder with a valid pharmacy licence: dispenses `quantity` to patients.
        #[ink(message)]
        pub fn dispense(
            &mut self,
            batch_id: BatchId,
            quantity: u64,
            prescription_hash: Option<Hash>,
        ) -> Result<()> {
            self.governance.ensure_running()?;
            let pharmacy = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_dispense(pharmacy, now, batch_id, quantity, prescription_hash)
        }

        /// A holder (also while paused: stock leaving circulation): destroys `quantity`
        /// (allowed in every state, so recalled, illegitimate, quarantined, expired or
        /// suspect stock leaves circulation).
        #[ink(message)]
        pub fn destroy(&mut self, batch_id: BatchId, quantity: u64, reason: u16) -> Result<()> {
            let holder = self.env().caller();
            self.do_destroy(holder, batch_id, quantity, reason)
        }

        // ----------------------------------------------------------- cold chain

        /// The batch's manufacturer: appoints `sensor` for the batch.
        #[ink(message)]
        pub fn add_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_add_sensor(batch_id, sensor)
        }

        /// The batch's manufacturer: removes `sensor`; its open excursion, if any, is
        /// counted up to now.
        #[ink(message)]
        pub fn remove_sensor(&mut self, batch_id: BatchId, sensor: AccountId) -> Result<()> {
            self.governance.ensure_running()?;
            self.do_remove_sensor(batch_id, sensor)
        }

        /// A sensor of the batch (also while paused): records a reading taken at `time`
        /// (not in the future, after the sensor's previous one). Quarantines the batch
        /// when its time out of range at `time` exceeds the budget. Returns that time
        /// out of range (ms): closed excursions, and the open ones counted together up to
        /// `time` (for a late reading, an excursion another sensor opened after `time`
        /// offsets the others: the value can fall short, never exceed; the batch's state
        /// at now counts every open excursion up to now).
        #[ink(message)]
        pub fn submit_reading(
            &mut self,
            batch_id: BatchId,
            time: Timestamp,
            value: CentiCelsius,
        ) -> Result<u64> {
            let sensor = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_submit_reading(sensor, now, batch_id, time, value)
        }

        /// Anyone (also while paused): records the quarantine of a batch whose open
        /// excursions spent its budget since the last reading. Returns its state.
        #[ink(message)]
        pub fn check_cold_chain(&mut self, batch_id: BatchId) -> Result<BatchState> {
            let mut batch = self.batch_of(batch_id)?;
            let now = self.env().block_timestamp();
            self.record_quarantine(&mut batch, self.env().caller(), now)?;
            self.batches.insert(batch_id, &batch);
            Ok(batch.state)
        }

        /// A regulator: lifts a quarantine with the hash of the stability data that
        /// clears the product (not empty: `NoEvidence`). Not the manufacturer, whose
        /// product it is: its stability data goes to a regulator. The time out of range
        /// before is forgiven; open excursions count again from now.
        #[ink(message)]
        pub fn lift_quarantine(&mut self, batch_id: BatchId, evidence: Hash) -> Result<()> {
            self.governance.ensure_running()?;
            let by = self.ensure_regulator()?;
            self.do_lift_quarantine(by, batch_id, evidence)
        }

        /// True if `sensor` is appointed for the batch.
        #[ink(message)]
        pub fn is_sensor(&self, batch_id: BatchId, sensor: AccountId) -> bool {
            self.sensors.contains((batch_id, sensor))
        }

        // ------------------------------------------------------ suspect product

        /// A holder (also while paused): flags its units of the batch as suspect; they
        /// are quarantined for it (no shipping or dispensing; returns and destruction
        /// stay possible) while the batch's investigation is open. Opens the
        /// investigation (the manufacturer's answer is due within 24 hours) if none is.
        /// Returns the investigation id.
        #[ink(message)]
        pub fn flag_suspect(&mut self, batch_id: BatchId) -> Result<InvestigationId> {
            let holder = self.env().caller();
            let now = self.env().block_timestamp();
            self.do_flag_suspect(holder, now, batch_id)
        }

        /// The batch's manufacturer (also while paused): answers the verification request
        /// of investigation `id`, authentic or not, with the hash of its evidence. The
        /// response time is recorded against the 24-hour requirement.
        #[ink(message)]
        pub fn respond_verification(
            &mut self,
            id: InvestigationId,
            authentic: bool,
            evidence: Hash,
        ) -> Result<()> {
            let caller = self.env().caller();
            self.do_respond_verification(caller, id, authentic, evidence)
        }

        /// A regulator or the batch's manufacturer (also while paused): declares the batch
        /// illegitimate with the hash of the findings: frozen everywhere (only returns and
        /// destruction), its open investigation closed.
        #[ink(message)]
        pub fn declare_illegitimate(&mut self, batch_id: BatchId, evidence: Hash) -> Result<()> {
            let by = self.env().caller();
            self.do_declare_illegitimate(by, batch_id, evidence)
        }

        /// A regulator or the batch's manufacturer: clears the suspicion on the batch with
        /// the hash of the findings; the flagged units are sellable again.
        #[ink(message)]
        pub fn clear_suspicion(&mut self, batch_id: BatchId, evidence: Hash) -> Result<()> {
            self.governance.ensure_running()?;
            let by = self.env().caller();
            self.do_clear_suspicion(by, batch_id, evidence)
        }

        /// The investigation with this id.
        #[ink(message)]
        pub fn investigation(&self, id: InvestigationId) -> Option<Investigation> {
            self.investigations.get(id)
        }

        /// How many investigations are open.
        #[ink(message)]
        pub fn open_investigation_count(&self) -> u32 {
            self.open_count
        }

        /// A page of the open investigations, each with whether the manufacturer's answer
        /// is overdue now (past the 24-hour deadline, unanswered).
        #[ink(message)]
        pub fn open_investigations(&self, offset: u32, limit: u32) -> Vec<(Investigation, bool)> {
            let now = self.env().block_timestamp();
            page_range(offset, limit, self.open_count)
                .filter_map(|i| self.open_list.get(i))
                .filter_map(|id| self.investigations.get(id))
                .map(|investigation| {
                    let overdue = investigation.overdue_at(now);
                    (investigation, overdue)
                })
                .collect()
        }

        /// True if `holder`'s units of the batch are suspect now.
        #[ink(message)]
        pub fn is_suspect(&self, batch_id: BatchId, holder: AccountId) -> bool {
            self.batches
                .get(batch_id)
                .is_some_and(|batch| self.ensure_not_suspect(&batch, holder).is_err())
        }

        // --------------------------------------------------------------- recall

        /// The batch's manufacturer or a regulator (also while paused): recalls the batch
        /// with `reason`. Shipping, receiving and dispensing of it stop everywhere;
        /// returns and destruction stay possible; holders stay queryable.
        #[ink(message)]
        pub fn recall(&mut self, batch_id: BatchId, reason: u16) -> Result<()> {
            let caller = self.env().caller();
            self.do_recall(caller, batch_id, reason)
        }

        // -------------------------------------------------------------- queries

        /// What a scanner needs for (GTIN, lot): unknown / authentic / expired / recalled /
        /// quarantined / suspect / illegitimate, with manufacturer, expiry, the time out of
        /// range up to now and whether the sensors have gone silent.
        #[ink(message)]
        pub fn verify(&self, gtin: Gtin, lot: Vec<u8>) -> Verification {
            self.by_gtin_lot
                .get((gtin, lot))
                .and_then(|id| self.batches.get(id))
                .map_or(Verification::UNKNOWN, |batch| {
                    Verification::of(&batch, self.env().block_timestamp())
                })
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

        /// The partner that last supplied `holder` with units of the batch.
        #[ink(message)]
        pub fn supplier_of(&self, batch_id: BatchId, holder: AccountId) -> Option<AccountId> {
            self.suppliers.get((batch_id, holder))
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
    }

    impl Governed for DrugProvenance {
        /// The governor this contract obeys.
        #[ink(message)]
        fn governor(&self) -> AccountId {
            self.governance.governor()
        }

        /// Governor only: applies `action`: pausing and unpausing, a code change, a hand-over
        /// to another governor, the staff_credentials address (`Peer(Credentials, _)`), a
        /// regulator appointed or removed, the surplus recovered (`RecoverSurplus`);
        /// `Unsupported` for any other, `Invalid` when the registry's rules refuse it. Only
        /// pausing, unpausing and removing a regulator apply while paused.
        #[ink(message)]
        fn apply(
            &mut self,
            action: healthcare_traits::Action,
        ) -> core::result::Result<(), ApplyError> {
            healthcare_traits::governance::apply(self, action)
        }
    }

    #[cfg(test)]
    impl DrugProvenance {
        pub(crate) fn set_counters(&mut self, value: u64) {
            self.next_batch = value;
            self.next_shipment = value;
            self.next_investigation = value;
        }
    }
}

#[cfg(test)]
mod model_based;
#[cfg(test)]
mod tests;
