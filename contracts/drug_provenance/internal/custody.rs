//! Custody: shipping, receiving, returning, dispensing and destroying units, the custody bookkeeping behind them.

use super::{Step, SENDERS};
use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::*;
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Balance = u128;
type Timestamp = u64;

impl DrugProvenance {
    /// The steps of `ship`, after the shell's checks.
    pub(crate) fn do_ship(
        &mut self,
        from: AccountId,
        now: Timestamp,
        batch_id: BatchId,
        to: AccountId,
        quantity: u64,
        price_per_unit: Option<Balance>,
    ) -> Result<ShipmentId> {
        // A price of 0 is no price.
        let price_per_unit = price_per_unit.filter(|price| *price > 0);
        let batch = self.batch_of(batch_id)?;
        batch.ensure_movable(now)?;
        ensure!(to != from, Error::SelfShipment);
        self.ensure_not_suspect(&batch, from)?;
        self.remaining(batch_id, from, quantity)?;
        ensure!(self.licensed(from, SENDERS)?, Error::SenderNotLicensed);
        ensure!(
            self.licensed(to, KindSet::TRADING_PARTNER)?,
            Error::RecipientNotLicensed
        );
        self.dispatch(batch, from, to, quantity, price_per_unit, false)
    }

    /// The steps of `return_goods`, after the shell's checks.
    pub(crate) fn do_return_goods(
        &mut self,
        from: AccountId,
        batch_id: BatchId,
        to: AccountId,
        quantity: u64,
    ) -> Result<ShipmentId> {
        let batch = self.batch_of(batch_id)?;
        ensure!(to != from, Error::SelfShipment);
        if !self.regulators.contains(to) {
            // Suspect units leave quarantine by no door, returns included: only to
            // a regulator or to destruction until the investigation clears them.
            self.ensure_not_suspect(&batch, from)?;
            ensure!(
                to == batch.manufacturer
                    || self.suppliers.get((batch_id, from)) == Some(to)
                    || self.surrendered.contains((batch_id, from, to)),
                Error::NotASupplier
            );
        }
        self.remaining(batch_id, from, quantity)?;
        self.dispatch(batch, from, to, quantity, None, true)
    }

    /// The steps of `receive`, after the shell's checks.
    pub(crate) fn do_receive(
        &mut self,
        caller: AccountId,
        shipment_id: ShipmentId,
        accepted: u64,
    ) -> Result<()> {
        let mut shipment = self.open_shipment(shipment_id)?;
        ensure!(shipment.to == caller, Error::NotRecipient);
        ensure!(
            accepted > 0 && accepted <= shipment.quantity,
            Error::InvalidAcceptance
        );
        let mut batch = self.batch_of(shipment.batch)?;
        // The suspicion follows the units: from a holder whose stock is suspect they
        // reach a regulator only.
        let suspect = self
            .ensure_not_suspect(&batch, shipment.from)
            .err()
            .and(batch.investigation);
        // (The regulator directory is read only when it matters: suspect units or a
        // return.)
        let by_regulator =
            (suspect.is_some() || shipment.is_return) && self.regulators.contains(caller);
        ensure!(suspect.is_none() || by_regulator, Error::SuspectProduct);
        let mut seller_licensed = true;
        if shipment.is_return {
            if by_regulator {
                // The regulator may send cleared units back to whoever surrendered
                // them (each surrenderer, not only the latest).
                self.surrendered
                    .insert((shipment.batch, caller, shipment.from), &());
            }
        } else {
            batch.ensure_movable(self.env().block_timestamp())?;
            ensure!(
                self.licensed(caller, KindSet::TRADING_PARTNER)?,
                Error::RecipientNotLicensed
            );
            ensure!(
                shipment.price_per_unit.is_none() || shipment.escrow > 0,
                Error::PaymentNotEscrowed
            );
            // Whether the seller is still licensed, asked only when it is to be paid.
            seller_licensed = shipment.escrow == 0 || self.licensed(shipment.from, SENDERS)?;
            self.suppliers
                .insert((shipment.batch, caller), &shipment.from);
        }
        self.take_delivery(&mut batch, &shipment, caller, accepted)?;
        self.close(
            &mut shipment,
            ShipmentState::Received,
            accepted,
            seller_licensed,
        )?;
        // After the shipment's closing event, as on the custody record (an indexer
        // rebuilds the record in event order).
        if let Some(investigation) = suspect {
            self.mark_suspect(&mut batch, caller, investigation)?;
        }
        self.batches.insert(batch.id, &batch);
        Ok(())
    }

    /// Moves a received shipment's units: `accepted` to the recipient, the rest back to
    /// the sender, each move on the batch's custody record (the caller stores the batch).
    fn take_delivery(
        &mut self,
        batch: &mut Batch,
        shipment: &Shipment,
        caller: AccountId,
        accepted: u64,
    ) -> Result<()> {
        batch.in_transit = batch
            .in_transit
            .checked_sub(shipment.quantity)
            .ok_or(Error::Overflow)?;
        self.credit(batch, caller, accepted)?;
        let step = Step {
            counterparty: Some(shipment.from),
            quantity: accepted,
            reference: shipment.id,
            ..Step::new(EventKind::Received, caller)
        };
        self.push_event(batch, step)?;
        let rest = shipment.quantity.saturating_sub(accepted);
        if rest > 0 {
            self.credit(batch, shipment.from, rest)?;
            let step = Step {
                counterparty: Some(shipment.from),
                quantity: rest,
                reference: shipment.id,
                ..Step::new(EventKind::Rejected, caller)
            };
            self.push_event(batch, step)?;
        }
        Ok(())
    }

    /// The steps of `dispense`, after the shell's checks.
    pub(crate) fn do_dispense(
        &mut self,
        pharmacy: AccountId,
        now: Timestamp,
        batch_id: BatchId,
        quantity: u64,
        prescription_hash: Option<Hash>,
    ) -> Result<()> {
        let mut batch = self.batch_of(batch_id)?;
        batch.ensure_movable(now)?;
        self.ensure_not_suspect(&batch, pharmacy)?;
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
        let step = Step {
            quantity,
            ..Step::new(EventKind::Dispensed, pharmacy)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        self.env().emit_event(Dispensed {
            batch: batch_id,
            pharmacy,
            quantity,
            prescription_hash,
        });
        Ok(())
    }

    /// The steps of `destroy`, after the shell's checks.
    pub(crate) fn do_destroy(
        &mut self,
        holder: AccountId,
        batch_id: BatchId,
        quantity: u64,
        reason: u16,
    ) -> Result<()> {
        let mut batch = self.batch_of(batch_id)?;
        let left = self.remaining(batch_id, holder, quantity)?;
        self.holdings.insert((batch_id, holder), &left);
        batch.destroyed = batch
            .destroyed
            .checked_add(quantity)
            .ok_or(Error::Overflow)?;
        let step = Step {
            quantity,
            reference: u64::from(reason),
            ..Step::new(EventKind::Destroyed, holder)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        self.env().emit_event(Destroyed {
            batch: batch_id,
            holder,
            quantity,
            reason,
        });
        Ok(())
    }

    pub(crate) fn open_shipment(&self, shipment_id: ShipmentId) -> Result<Shipment> {
        let shipment = self
            .shipments
            .get(shipment_id)
            .ok_or(Error::UnknownShipment)?;
        ensure!(
            shipment.state == ShipmentState::Pending,
            Error::ShipmentClosed
        );
        Ok(shipment)
    }

    /// Moves `quantity` of `from`'s units into a new pending shipment to `to`.
    pub(crate) fn dispatch(
        &mut self,
        mut batch: Batch,
        from: AccountId,
        to: AccountId,
        quantity: u64,
        price_per_unit: Option<Balance>,
        is_return: bool,
    ) -> Result<ShipmentId> {
        // The amount must be representable: a buyer must be able to escrow it.
        if let Some(price) = price_per_unit {
            price
                .checked_mul(Balance::from(quantity))
                .ok_or(Error::Overflow)?;
        }
        let left = self.remaining(batch.id, from, quantity)?;
        self.holdings.insert((batch.id, from), &left);
        batch.in_transit = batch
            .in_transit
            .checked_add(quantity)
            .ok_or(Error::Overflow)?;
        let id = self.next_shipment;
        self.next_shipment = id.checked_add(1).ok_or(Error::Overflow)?;
        let shipment = Shipment {
            id,
            batch: batch.id,
            from,
            to,
            quantity,
            accepted: 0,
            shipped_at: self.env().block_timestamp(),
            state: ShipmentState::Pending,
            is_return,
            price_per_unit,
            escrow: 0,
        };
        self.shipments.insert(id, &shipment);
        let step = Step {
            counterparty: Some(to),
            quantity,
            reference: id,
            ..Step::new(EventKind::Shipped, from)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch.id, &batch);
        self.env().emit_event(Shipped {
            shipment: id,
            batch: batch.id,
            to,
            from,
            quantity,
            is_return,
            price_per_unit,
        });
        Ok(id)
    }

    /// Every unit of `shipment` back to its sender (a rejection or cancellation).
    pub(crate) fn send_back(
        &mut self,
        mut shipment: Shipment,
        kind: EventKind,
        outcome: ShipmentState,
    ) -> Result<()> {
        let mut batch = self.batch_of(shipment.batch)?;
        batch.in_transit = batch
            .in_transit
            .checked_sub(shipment.quantity)
            .ok_or(Error::Overflow)?;
        self.credit(&mut batch, shipment.from, shipment.quantity)?;
        let step = Step {
            counterparty: Some(if kind == EventKind::Cancelled {
                shipment.to
            } else {
                shipment.from
            }),
            quantity: shipment.quantity,
            reference: shipment.id,
            ..Step::new(kind, self.env().caller())
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch.id, &batch);
        self.close(&mut shipment, outcome, 0, true)
    }

    /// Closes `shipment` with `outcome` and `accepted` units, releasing its escrow:
    /// the accepted units' price to the seller, the rest to the buyer.
    /// Closes `shipment` with `accepted` units received and settles its escrow: the
    /// seller's share paid, or held when `seller_licensed` is false; the rest refunded.
    pub(crate) fn close(
        &mut self,
        shipment: &mut Shipment,
        outcome: ShipmentState,
        accepted: u64,
        seller_licensed: bool,
    ) -> Result<()> {
        let (to_seller, refund) = shipment.settlement(accepted)?;
        let escrow = shipment.escrow;
        shipment.state = outcome;
        shipment.accepted = accepted;
        shipment.escrow = 0;
        self.shipments.insert(shipment.id, shipment);
        if escrow > 0 {
            self.total_escrow = self
                .total_escrow
                .checked_sub(escrow)
                .ok_or(Error::Overflow)?;
            if seller_licensed || to_seller == 0 {
                self.pay_out(shipment.from, to_seller)?;
            } else {
                self.held.insert(shipment.id, &to_seller);
                self.total_held = self
                    .total_held
                    .checked_add(to_seller)
                    .ok_or(Error::Overflow)?;
                self.env().emit_event(PaymentHeld {
                    shipment: shipment.id,
                    seller: shipment.from,
                    amount: to_seller,
                });
            }
            self.pay_out(shipment.to, refund)?;
            self.env().emit_event(PaymentReleased {
                shipment: shipment.id,
                to_seller,
                refund,
            });
        }
        self.env().emit_event(ShipmentClosed {
            shipment: shipment.id,
            batch: shipment.batch,
            state: outcome,
            accepted,
        });
        Ok(())
    }

    /// What `holder` would hold after giving up `quantity` (nothing is written).
    pub(crate) fn remaining(
        &self,
        batch_id: BatchId,
        holder: AccountId,
        quantity: u64,
    ) -> Result<u64> {
        ensure!(quantity > 0, Error::ZeroQuantity);
        let held = self.holdings.get((batch_id, holder)).unwrap_or(0);
        ensure!(held > 0, Error::NotHolder);
        held.checked_sub(quantity)
            .ok_or(Error::InsufficientQuantity)
    }
}
