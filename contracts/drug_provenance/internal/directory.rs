//! The GS1 company-prefix directory and batch registration.

use super::Step;
use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::*;
use healthcare_traits::{ensure, CredentialKind, KindSet};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

impl DrugProvenance {
    /// The steps of `assign_prefix`, after the shell's checks.
    pub(crate) fn do_assign_prefix(
        &mut self,
        by: AccountId,
        prefix: Vec<u8>,
        owner: AccountId,
    ) -> Result<()> {
        ensure!(gs1::is_valid_prefix(&prefix), Error::InvalidPrefix);
        match self.prefixes.get(&prefix) {
            Some(current) => ensure!(current == owner, Error::PrefixTaken),
            None => {
                ensure!(
                    !self.extended_prefixes.contains(&prefix)
                        && !gs1::shorter_prefixes(&prefix)
                            .any(|shorter| self.prefixes.contains(shorter)),
                    Error::PrefixOverlaps
                );
                self.count_extensions(&prefix, true)?;
            }
        }
        self.prefixes.insert(&prefix, &owner);
        self.env().emit_event(PrefixChanged {
            prefix,
            owner: Some(owner),
            by,
        });
        Ok(())
    }

    /// The steps of `register_batch`, after the shell's checks.
    pub(crate) fn do_register_batch(
        &mut self,
        manufacturer: AccountId,
        now: Timestamp,
        request: BatchRequest,
    ) -> Result<BatchId> {
        request.check(now)?;
        ensure!(
            gs1::candidate_prefixes(&request.gtin)
                .any(|prefix| self.prefixes.get(prefix) == Some(manufacturer)),
            Error::GtinNotOwned
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
        let quantity = request.quantity;
        let mut batch = request.into_batch(id, manufacturer, now);
        self.credit(&mut batch, manufacturer, quantity)?;
        let step = Step {
            quantity,
            ..Step::new(EventKind::Registered, manufacturer)
        };
        self.push_event(&mut batch, step)?;
        self.by_gtin_lot.insert(&key, &id);
        self.batches.insert(id, &batch);
        self.env().emit_event(BatchRegistered::of(&batch));
        Ok(id)
    }

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
}
