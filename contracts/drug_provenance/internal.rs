//! The contract's internal steps (no messages) over the storage of [`DrugProvenance`]:
//! here the access checks, the licence question and the custody record shared by
//! all; by concern in the submodules: the prefix directory and registration
//! (`directory`), custody (`custody`), payment on receipt (`escrow`), the cold chain
//! (`cold_chain`), suspect product and recalls (`suspect`), the governor's actions
//! (`governance`). Each message's `do_*` steps run after the shell's checks (pause,
//! caller, clock, role).

use crate::drug_provenance::DrugProvenance;
use crate::model::{Batch, BatchId, CustodyEvent, Error, EventKind, Result};
// The peer: the real cross-contract call, or in unit tests the shared stand-in that
// answers like it (the same function, the same body below).
#[cfg(not(test))]
use healthcare_traits::peer::ask;
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

mod cold_chain;
mod custody;
mod directory;
mod escrow;
mod governance;
mod suspect;

/// Licences a sender needs: manufacturer, wholesale distributor or pharmacy.
pub(crate) const SENDERS: KindSet = KindSet(
    CredentialKind::ManufacturerLicence.bit()
        | CredentialKind::WholesaleDistributorLicence.bit()
        | CredentialKind::PharmacyLicence.bit(),
);

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
