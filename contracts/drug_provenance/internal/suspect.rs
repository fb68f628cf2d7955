//! Suspect product and recalls: investigations, verification answers, illegitimate declarations, recalls.

use super::Step;
use crate::drug_provenance::DrugProvenance;
use crate::events::*;
use crate::model::*;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::{AccountId, Hash};

type Timestamp = u64;

impl DrugProvenance {
    /// The steps of `flag_suspect`, after the shell's checks.
    pub(crate) fn do_flag_suspect(
        &mut self,
        holder: AccountId,
        now: Timestamp,
        batch_id: BatchId,
    ) -> Result<InvestigationId> {
        let mut batch = self.batch_of(batch_id)?;
        ensure!(
            self.holdings.get((batch_id, holder)).unwrap_or(0) > 0,
            Error::NotHolder
        );
        let id = match batch.investigation {
            Some(id) => id,
            None => self.open_investigation(&mut batch, holder, now)?,
        };
        self.mark_suspect(&mut batch, holder, id)?;
        self.batches.insert(batch_id, &batch);
        Ok(id)
    }

    /// The steps of `respond_verification`, after the shell's checks.
    pub(crate) fn do_respond_verification(
        &mut self,
        caller: AccountId,
        id: InvestigationId,
        authentic: bool,
        evidence: Hash,
    ) -> Result<()> {
        let mut investigation = self
            .investigations
            .get(id)
            .ok_or(Error::UnknownInvestigation)?;
        let mut batch = self.batch_of(investigation.batch)?;
        ensure!(batch.manufacturer == caller, Error::NotManufacturer);
        ensure!(investigation.closed.is_none(), Error::InvestigationClosed);
        ensure!(
            investigation.responded_at.is_none(),
            Error::AlreadyResponded
        );
        let now = self.env().block_timestamp();
        investigation.responded_at = Some(now);
        investigation.authentic = Some(authentic);
        self.investigations.insert(id, &investigation);
        let step = Step {
            reference: u64::from(authentic),
            evidence: Some(evidence),
            ..Step::new(EventKind::VerificationResponded, caller)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch.id, &batch);
        self.env().emit_event(VerificationResponded {
            investigation: id,
            batch: batch.id,
            authentic,
            late: investigation.answered_late(),
            evidence,
        });
        Ok(())
    }

    /// The steps of `declare_illegitimate`, after the shell's checks.
    pub(crate) fn do_declare_illegitimate(
        &mut self,
        by: AccountId,
        batch_id: BatchId,
        evidence: Hash,
    ) -> Result<()> {
        let mut batch = self.batch_of(batch_id)?;
        self.ensure_authority(&batch, by)?;
        ensure!(
            batch.state != BatchState::Illegitimate,
            Error::AlreadyIllegitimate
        );
        batch.state = BatchState::Illegitimate;
        self.close_investigation(&mut batch, Outcome::Illegitimate, evidence, by)?;
        let step = Step {
            evidence: Some(evidence),
            ..Step::new(EventKind::DeclaredIllegitimate, by)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        self.env().emit_event(BatchStateChanged {
            batch: batch_id,
            state: BatchState::Illegitimate,
            by,
            reason: 0,
            evidence: Some(evidence),
            excursion_ms: 0,
        });
        Ok(())
    }

    /// The steps of `clear_suspicion`, after the shell's checks.
    pub(crate) fn do_clear_suspicion(
        &mut self,
        by: AccountId,
        batch_id: BatchId,
        evidence: Hash,
    ) -> Result<()> {
        let mut batch = self.batch_of(batch_id)?;
        self.ensure_authority(&batch, by)?;
        ensure!(batch.investigation.is_some(), Error::UnknownInvestigation);
        self.close_investigation(&mut batch, Outcome::Cleared, evidence, by)?;
        let step = Step {
            evidence: Some(evidence),
            ..Step::new(EventKind::SuspicionCleared, by)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        Ok(())
    }

    /// The steps of `recall`, after the shell's checks.
    pub(crate) fn do_recall(
        &mut self,
        caller: AccountId,
        batch_id: BatchId,
        reason: u16,
    ) -> Result<()> {
        let mut batch = self.batch_of(batch_id)?;
        self.ensure_authority(&batch, caller)?;
        ensure!(batch.state != BatchState::Recalled, Error::AlreadyRecalled);
        ensure!(
            batch.state != BatchState::Illegitimate,
            Error::AlreadyIllegitimate
        );
        batch.state = BatchState::Recalled;
        batch.recall_reason = Some(reason);
        let step = Step {
            reference: u64::from(reason),
            ..Step::new(EventKind::Recalled, caller)
        };
        self.push_event(&mut batch, step)?;
        self.batches.insert(batch_id, &batch);
        self.env().emit_event(BatchStateChanged {
            batch: batch_id,
            state: BatchState::Recalled,
            by: caller,
            reason,
            evidence: None,
            excursion_ms: 0,
        });
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

    /// Closes the batch's open investigation, if any, with `outcome`, as `by`.
    pub(crate) fn close_investigation(
        &mut self,
        batch: &mut Batch,
        outcome: Outcome,
        evidence: Hash,
        by: AccountId,
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
            by,
        });
        Ok(())
    }
}
