//! Delegates: appointment and removal, with the terms they act under.

use super::*;
use crate::consent_registry::ConsentRegistry;
use crate::events::*;
use crate::MAX_DELEGATES;
use healthcare_traits::ensure;
use ink::codegen::Env;
use ink::primitives::AccountId;

type Timestamp = u64;

impl ConsentRegistry {
    /// The steps of `appoint_delegate`, after the shell's checks.
    pub(crate) fn do_appoint_delegate(
        &mut self,
        patient: AccountId,
        now: Timestamp,
        delegate: AccountId,
        relationship: Relationship,
        expires_at: Timestamp,
    ) -> Result<()> {
        ensure!(expires_at > now, Error::BadPeriod);
        let pair = (patient, delegate);
        let mut current = match self.delegates.get(pair) {
            Some(existing) if existing.live_at(now) => existing,
            Some(lapsed) => Delegate {
                term: self.next_term(pair)?,
                appointed_at: now,
                ..lapsed
            },
            None => {
                let count = self.delegate_count.get(patient).unwrap_or(0);
                ensure!(count < MAX_DELEGATES, Error::TooManyDelegates);
                self.delegate_list.insert((patient, count), &delegate);
                self.delegate_count
                    .insert(patient, &count.checked_add(1).ok_or(Error::Overflow)?);
                Delegate {
                    account: delegate,
                    relationship,
                    appointed_at: now,
                    expires_at,
                    term: self.next_term(pair)?,
                    index: count,
                }
            }
        };
        current.relationship = relationship;
        current.expires_at = expires_at;
        self.terms.insert(
            (patient, delegate, current.term),
            &Term {
                from: current.appointed_at,
                until: expires_at,
            },
        );
        self.delegates.insert(pair, &current);
        self.env().emit_event(DelegateAppointed {
            patient,
            delegate,
            relationship,
            term: current.term,
            expires_at,
        });
        Ok(())
    }

    /// The steps of `remove_delegate`, after the shell's checks.
    pub(crate) fn do_remove_delegate(
        &mut self,
        patient: AccountId,
        now: Timestamp,
        delegate: AccountId,
    ) -> Result<()> {
        let removed = self
            .delegates
            .take((patient, delegate))
            .ok_or(Error::UnknownDelegate)?;
        let key = (patient, delegate, removed.term);
        if let Some(mut term) = self.terms.get(key) {
            term.until = term.until.min(now);
            self.terms.insert(key, &term);
        }
        let last = self
            .delegate_count
            .get(patient)
            .unwrap_or(0)
            .checked_sub(1)
            .ok_or(Error::Overflow)?;
        if removed.index != last {
            if let Some(moved) = self.delegate_list.get((patient, last)) {
                self.delegate_list.insert((patient, removed.index), &moved);
                if let Some(mut info) = self.delegates.get((patient, moved)) {
                    info.index = removed.index;
                    self.delegates.insert((patient, moved), &info);
                }
            }
        }
        self.delegate_list.remove((patient, last));
        self.delegate_count.insert(patient, &last);
        self.env().emit_event(DelegateRemoved {
            patient,
            delegate,
            term: removed.term,
            at: now,
        });
        Ok(())
    }
}
