//! Payment on receipt: the buyer's escrow, the seller's payout, held payments and failed transfers.

use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::*;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::AccountId;

type Balance = u128;

impl DrugProvenance {
    /// The steps of `escrow_payment`, after the shell's checks.
    pub(crate) fn do_escrow_payment(&mut self, shipment_id: ShipmentId) -> Result<()> {
        let mut shipment = self.open_shipment(shipment_id)?;
        let buyer = self.env().caller();
        ensure!(shipment.to == buyer, Error::NotRecipient);
        ensure!(
            shipment.price_per_unit.is_some() && shipment.escrow == 0,
            Error::NothingToEscrow
        );
        let amount = shipment.amount()?;
        ensure!(self.env().transferred_value() == amount, Error::WrongAmount);
        shipment.escrow = amount;
        self.total_escrow = self
            .total_escrow
            .checked_add(amount)
            .ok_or(Error::Overflow)?;
        self.shipments.insert(shipment_id, &shipment);
        self.env().emit_event(PaymentEscrowed {
            shipment: shipment_id,
            buyer,
            amount,
        });
        Ok(())
    }

    /// The steps of `claim_payout`, after the shell's checks.
    pub(crate) fn do_claim_payout(&mut self, to: AccountId) -> Result<Balance> {
        let amount = self.owed.get(to).ok_or(Error::NothingOwed)?;
        let total_owed = self.total_owed.checked_sub(amount).ok_or(Error::Overflow)?;
        // (A plain transfer runs no code, so nothing can re-enter before the write.)
        self.transfer_out(to, amount)?;
        self.owed.remove(to);
        self.total_owed = total_owed;
        self.env().emit_event(PayoutClaimed { to, amount });
        Ok(amount)
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
}
