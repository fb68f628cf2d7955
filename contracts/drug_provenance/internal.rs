//! The contract's internal steps (no messages): access checks, custody bookkeeping,
//! escrow payouts, investigations and cold-chain accounting, over the storage of
//! [`DrugProvenance`].

use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::{
    Batch, BatchId, BatchState, CustodyEvent, Error, EventKind, Investigation, InvestigationId,
    Outcome, Result, SensorState, Shipment, ShipmentId, ShipmentState, RESPONSE_WINDOW,
};
// The peer: the real cross-contract call, or in unit tests the shared stand-in that
// answers like it (the same function, the same body below).
#[cfg(not(test))]
use healthcare_traits::peer::ask;
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::{ensure, KindSet};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Balance = u128;
type Timestamp = u64;

/// A custody event to record.
pub(crate) struct Step {
    pub(crate) kind: EventKind,
    pub(crate) actor: AccountId,
    pub(crate) counterparty: Option<AccountId>,
    pub(crate) quantity: u64,
    pub(crate) reference: u64,
    pub(crate) evidence: Option<Hash>,
}

impl Step {
    pub(crate) fn new(kind: EventKind, actor: AccountId) -> Self {
        Self {
            kind,
            actor,
            counterparty: None,
            quantity: 0,
            reference: 0,
            evidence: None,
        }
    }
}

impl DrugProvenance {
    /// Counts `prefix` in (`add`) or out of the extension counts of its shorter
    /// prefixes.
    pub(crate) fn count_extensions(&mut self, prefix: &[u8], add: bool) -> Result<()> {
        for shorter in crate::model::gs1::shorter_prefixes(prefix) {
            let count = self.extended_prefixes.get(shorter).unwrap_or(0);
            let count = if add {
                count.checked_add(1).ok_or(Error::Overflow)?
            } else {
                count.saturating_sub(1)
            };
            if count == 0 {
                self.extended_prefixes.remove(shorter);
            } else {
                self.extended_prefixes.insert(shorter, &count);
            }
        }
        Ok(())
    }

    pub(crate) fn appoint_regulator(&mut self, regulator: AccountId) -> Result<()> {
        ensure!(!self.regulators.contains(regulator), Error::RegulatorExists);
        self.regulators.insert(regulator, &());
        self.env().emit_event(RegulatorChanged {
            regulator,
            active: true,
        });
        Ok(())
    }

    pub(crate) fn ensure_regulator(&self) -> Result<AccountId> {
        let caller = self.env().caller();
        ensure!(self.regulators.contains(caller), Error::NotRegulator);
        Ok(caller)
    }

    /// The batch's manufacturer or a regulator.
    pub(crate) fn ensure_authority(&self, batch: &Batch, caller: AccountId) -> Result<()> {
        ensure!(
            batch.manufacturer == caller || self.regulators.contains(caller),
            Error::NotRecallAuthority
        );
        Ok(())
    }

    pub(crate) fn batch_of(&self, batch_id: BatchId) -> Result<Batch> {
        self.batches.get(batch_id).ok_or(Error::UnknownBatch)
    }

    pub(crate) fn manufactured_by_caller(&self, batch_id: BatchId) -> Result<Batch> {
        let batch = self.batch_of(batch_id)?;
        ensure!(
            batch.manufacturer == self.env().caller(),
            Error::NotManufacturer
        );
        Ok(batch)
    }

    /// `Err(SuspectProduct)` when `holder`'s units are flagged under the batch's open
    /// investigation.
    pub(crate) fn ensure_not_suspect(&self, batch: &Batch, holder: AccountId) -> Result<()> {
        let flagged = self.suspect.get((batch.id, holder));
        ensure!(
            flagged.is_none() || flagged != batch.investigation,
            Error::SuspectProduct
        );
        Ok(())
    }

    /// Marks `holder`'s units of the batch suspect under `investigation` (its flag, or
    /// suspect units it received), with the custody step and the event.
    pub(crate) fn mark_suspect(
        &mut self,
        batch: &mut Batch,
        holder: AccountId,
        investigation: InvestigationId,
    ) -> Result<()> {
        self.suspect.insert((batch.id, holder), &investigation);
        let step = Step {
            reference: investigation,
            ..Step::new(EventKind::SuspectFlagged, holder)
        };
        self.push_event(batch, step)?;
        self.env().emit_event(SuspectFlagged {
            investigation,
            batch: batch.id,
            holder,
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

    /// Shipment `shipment_id` and the seller's payment held for it.
    pub(crate) fn held_for(&self, shipment_id: ShipmentId) -> Result<(Shipment, Balance)> {
        let shipment = self
            .shipments
            .get(shipment_id)
            .ok_or(Error::UnknownShipment)?;
        let amount = self.held.get(shipment_id).ok_or(Error::NoHeldPayment)?;
        Ok((shipment, amount))
    }

    /// Pays `amount`, the seller's payment held for `shipment` (see [`Self::held_for`]),
    /// to `to` (the seller, or the buyer when `refunded`).
    pub(crate) fn pay_held(
        &mut self,
        shipment: ShipmentId,
        to: AccountId,
        amount: Balance,
        refunded: bool,
    ) -> Result<Balance> {
        self.held.remove(shipment);
        self.total_held = self.total_held.checked_sub(amount).ok_or(Error::Overflow)?;
        self.pay_out(to, amount)?;
        self.env().emit_event(HeldPaymentReleased {
            shipment,
            to,
            amount,
            refunded,
        });
        Ok(amount)
    }

    /// Transfers `amount` to `to`, or records it as owed (claimable) when the
    /// transfer fails, so that a payment never blocks custody.
    pub(crate) fn pay_out(&mut self, to: AccountId, amount: Balance) -> Result<()> {
        if amount == 0 || self.transfer_out(to, amount).is_ok() {
            return Ok(());
        }
        let owed = self
            .owed
            .get(to)
            .unwrap_or(0)
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        self.owed.insert(to, &owed);
        self.total_owed = self.total_owed.checked_add(amount).ok_or(Error::Overflow)?;
        self.env().emit_event(PayoutOwed { to, amount });
        Ok(())
    }

    pub(crate) fn transfer_out(&self, to: AccountId, amount: Balance) -> Result<()> {
        ensure!(self.env().balance() >= amount, Error::TransferFailed);
        self.env()
            .transfer(to, amount)
            .map_err(|_| Error::TransferFailed)
    }

    /// Opens an investigation of `batch` by `holder`.
    pub(crate) fn open_investigation(
        &mut self,
        batch: &mut Batch,
        holder: AccountId,
        now: Timestamp,
    ) -> Result<InvestigationId> {
        let id = self.next_investigation;
        self.next_investigation = id.checked_add(1).ok_or(Error::Overflow)?;
        let index = self.open_count;
        self.open_count = index.checked_add(1).ok_or(Error::Overflow)?;
        let respond_by = now.saturating_add(RESPONSE_WINDOW);
        self.investigations.insert(
            id,
            &Investigation {
                id,
                batch: batch.id,
                opened_by: holder,
                opened_at: now,
                respond_by,
                responded_at: None,
                authentic: None,
                closed: None,
                open_index: index,
            },
        );
        self.open_list.insert(index, &id);
        batch.investigation = Some(id);
        self.env().emit_event(InvestigationOpened {
            investigation: id,
            batch: batch.id,
            opened_by: holder,
            respond_by,
        });
        Ok(id)
    }

    /// Closes the batch's open investigation, if any, with `outcome`.
    pub(crate) fn close_investigation(
        &mut self,
        batch: &mut Batch,
        outcome: Outcome,
        evidence: Hash,
    ) -> Result<()> {
        let Some(id) = batch.investigation.take() else {
            return Ok(());
        };
        let mut investigation = self
            .investigations
            .get(id)
            .ok_or(Error::UnknownInvestigation)?;
        investigation.closed = Some((self.env().block_timestamp(), outcome));
        // Swap-remove from the open list: O(1).
        let last = self.open_count.checked_sub(1).ok_or(Error::Overflow)?;
        if investigation.open_index != last {
            if let Some(moved) = self.open_list.get(last) {
                self.open_list.insert(investigation.open_index, &moved);
                if let Some(mut other) = self.investigations.get(moved) {
                    other.open_index = investigation.open_index;
                    self.investigations.insert(moved, &other);
                }
            }
        }
        self.open_list.remove(last);
        self.open_count = last;
        self.investigations.insert(id, &investigation);
        self.env().emit_event(InvestigationClosed {
            investigation: id,
            batch: batch.id,
            outcome,
            evidence,
        });
        Ok(())
    }

    /// Counts the sensor's open excursion, if any, up to `until`.
    pub(crate) fn close_interval(
        &mut self,
        batch: &mut Batch,
        state: &SensorState,
        sensor: AccountId,
        until: Timestamp,
    ) -> Result<()> {
        if let (Some(last), true) = (state.last_time, state.last_out_of_range) {
            batch.close_excursion(last, until)?;
            let step = Step {
                reference: batch.excursion_ms,
                ..Step::new(EventKind::Excursion, sensor)
            };
            self.push_event(batch, step)?;
        }
        Ok(())
    }

    /// Records the quarantine of an active batch whose time out of range up to `now`
    /// exceeds its budget.
    pub(crate) fn record_quarantine(
        &mut self,
        batch: &mut Batch,
        by: AccountId,
        now: Timestamp,
    ) -> Result<()> {
        if batch.state == BatchState::Active && batch.state_at(now) == BatchState::Quarantined {
            batch.state = BatchState::Quarantined;
            let step = Step {
                reference: batch.excursion_at(now),
                ..Step::new(EventKind::QuarantinedForExcursion, by)
            };
            self.push_event(batch, step)?;
            self.env().emit_event(BatchStateChanged {
                batch: batch.id,
                state: BatchState::Quarantined,
                by,
                reason: 0,
                evidence: None,
            });
        }
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

    /// Adds `quantity` to `holder`'s holding, listing a new holder.
    pub(crate) fn credit(
        &mut self,
        batch: &mut Batch,
        holder: AccountId,
        quantity: u64,
    ) -> Result<()> {
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
                batch.holder_count = batch.holder_count.checked_add(1).ok_or(Error::Overflow)?;
            }
        }
        Ok(())
    }

    pub(crate) fn push_event(&mut self, batch: &mut Batch, step: Step) -> Result<()> {
        self.history.insert(
            (batch.id, batch.event_count),
            &CustodyEvent {
                at: self.env().block_timestamp(),
                kind: step.kind,
                actor: step.actor,
                counterparty: step.counterparty,
                quantity: step.quantity,
                reference: step.reference,
                evidence: step.evidence,
            },
        );
        batch.event_count = batch.event_count.checked_add(1).ok_or(Error::Overflow)?;
        Ok(())
    }

    /// Asks staff_credentials whether `account` holds a valid credential of one of
    /// `kinds` now.
    pub(crate) fn licensed(&self, account: AccountId, kinds: KindSet) -> Result<bool> {
        let now = self.env().block_timestamp();
        Ok(ask::any_valid_at(
            self.credentials_contract(),
            account,
            kinds,
            now,
        )?)
    }
}
