//! The contract's internal steps (no messages) over the storage of [`ConsentRegistry`]:
//! here who acts (patient or delegate) and the consent, care and claim questions read
//! through the point-in-time index; by concern in the submodules: consents
//! (`consents`), care relationships (`care`), delegates (`delegates`), records and
//! audited access (`records`), break-glass (`break_glass`), the governor's actions and
//! the initial storage (`governance`). Each message's `do_*` steps run after the
//! shell's checks (pause, caller, clock, role).

use crate::consent_registry::{ConsentRegistry, Indexed};
use crate::model::*;
// The peer: the real cross-contract call, or in unit tests the shared stand-in that
// answers like it (the same function, the same body below).
#[cfg(not(test))]
use healthcare_traits::peer::ask;
#[cfg(test)]
use healthcare_traits::stand_in as ask;
use healthcare_traits::timeline::{self, storage as index};
use healthcare_traits::{
    append_indexed, ClaimConsent, DataCategories, DataCategory, KindSet, Purpose,
};
use ink::codegen::Env;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

mod break_glass;
mod care;
mod consents;
mod delegates;
mod governance;
mod records;

/// (patient, grantee or provider).
pub(crate) type Pair = (AccountId, AccountId);
/// The key of the point-in-time index: which records (consents or care
/// relationships) of which pair. One index for both keeps one copy of its code.
pub(crate) type IndexKey = (Indexed, Pair);

/// What one message's consent and care checks have read, so that a batch of queries
/// reads each index entry, consent and care relationship once (see
/// [`timeline::Memo`]).
#[derive(Default)]
pub(crate) struct Reads {
    index: timeline::Memo<IndexKey>,
    consents: timeline::Recall<Consent>,
    care: timeline::Recall<CareRelationship>,
}
/// (patient, delegate, serial): the key of a delegation term.
pub(crate) type TermKey = (AccountId, AccountId, TermSerial);

impl ConsentRegistry {
    /// The caller and, for a delegate, its current term: the caller must be `patient`
    /// or a delegate of `patient` whose delegation is in force now.
    pub(crate) fn actor(&self, patient: AccountId) -> Result<(AccountId, Option<TermSerial>)> {
        let caller = self.env().caller();
        if caller == patient {
            return Ok((caller, None));
        }
        let now = self.env().block_timestamp();
        match self.delegates.get((patient, caller)) {
            Some(delegate) if delegate.live_at(now) => Ok((caller, Some(delegate.term))),
            _ => Err(Error::NotPatientOrDelegate),
        }
    }

    pub(crate) fn term(
        &self,
        patient: AccountId,
        delegate: AccountId,
        serial: TermSerial,
    ) -> Option<Term> {
        self.terms.get((patient, delegate, serial))
    }

    /// True if a record made under delegation term `term` of `recorded_by` (none: by
    /// the patient) may be in force at `at`.
    pub(crate) fn term_covers(
        &self,
        patient: AccountId,
        recorded_by: AccountId,
        term: Option<TermSerial>,
        at: Timestamp,
    ) -> bool {
        term.is_none_or(|serial| {
            self.term(patient, recorded_by, serial)
                .is_some_and(|t| t.covers(at))
        })
    }

    pub(crate) fn next_term(&mut self, pair: Pair) -> Result<TermSerial> {
        let serial = self
            .last_term
            .get(pair)
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(Error::Overflow)?;
        self.last_term.insert(pair, &serial);
        Ok(serial)
    }

    pub(crate) fn index(&mut self, what: Indexed, pair: Pair) -> impl timeline::Write + '_ {
        index::ViewMut {
            headers: &mut self.index_headers,
            buckets: &mut self.index_buckets,
            key: (what, pair),
        }
    }

    /// The ids of the records of `what` for `pair` that may be in force at `at`.
    pub(crate) fn candidates(
        &self,
        reads: &Reads,
        what: Indexed,
        pair: Pair,
        at: Timestamp,
    ) -> Vec<u64> {
        let view = index::View {
            headers: &self.index_headers,
            buckets: &self.index_buckets,
            key: (what, pair),
        };
        timeline::query(&reads.index.view((what, pair), view), at)
    }

    /// `has_consent_all`, reading through `reads`: `check_consent` passes for every
    /// category of a non-empty, well-formed `categories` (at most 13 decisions over the
    /// one index entry and the consents of the pair, each read once).
    pub(crate) fn consents_to_all_in(
        &self,
        reads: &Reads,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        categories: DataCategories,
        at: Timestamp,
    ) -> bool {
        !categories.is_empty()
            && categories.is_well_formed()
            && DataCategory::ALL
                .into_iter()
                .filter(|category| categories.contains(*category))
                .all(|category| {
                    self.consent_in(reads, patient, grantee, purpose, category, at)
                        .is_ok()
                })
    }

    /// `check_consent`, reading through `reads`.
    pub(crate) fn consent_in(
        &self,
        reads: &Reads,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<()> {
        let candidates: Vec<(Consent, bool)> = self
            .candidates(reads, Indexed::Consents, (patient, grantee), at)
            .into_iter()
            .filter_map(|id| reads.consents.get(id, |id| self.consents.get(id)))
            .map(|consent| {
                let in_force = consent.in_force_at(at)
                    && self.term_covers(patient, consent.recorded_by, consent.delegation, at);
                (consent, in_force)
            })
            .collect();
        crate::model::decide(
            candidates.iter().map(|(c, in_force)| (c, *in_force)),
            purpose,
            category,
        )
    }

    /// `has_care_relationship`, reading through `reads`.
    pub(crate) fn care_in(
        &self,
        reads: &Reads,
        patient: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> bool {
        self.candidates(reads, Indexed::Care, (patient, provider), at)
            .into_iter()
            .filter_map(|id| reads.care.get(id, |id| self.care.get(id)))
            .any(|care| {
                care.in_force_at(at)
                    && self.term_covers(patient, care.recorded_by, care.delegation, at)
            })
    }

    /// `claim_consent`, reading through `reads`.
    pub(crate) fn claim_consent_in(
        &self,
        reads: &Reads,
        patient: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> ClaimConsent {
        ClaimConsent {
            care_relationship: self.care_in(reads, patient, provider, at),
            payment_consent: self
                .consent_in(
                    reads,
                    patient,
                    payer,
                    Purpose::Payment,
                    DataCategory::Billing,
                    at,
                )
                .is_ok(),
        }
    }

    pub(crate) fn live_grant_of(
        &self,
        clinician: AccountId,
        patient: AccountId,
        now: Timestamp,
    ) -> Option<GrantId> {
        self.live_grant
            .get((clinician, patient))
            .and_then(|id| self.grants.get(id))
            .filter(|grant| grant.live_at(now))
            .map(|grant| grant.id)
    }

    pub(crate) fn log(&mut self, patient: AccountId, entry: AccessEntry) -> Result<u32> {
        append_indexed(
            &mut self.access_log,
            &mut self.access_count,
            patient,
            &entry,
        )
        .ok_or(Error::Overflow)
    }

    /// Asks staff_credentials whether `clinician` holds a valid medical or nursing
    /// licence at `now`.
    pub(crate) fn clinician_licensed(&self, clinician: AccountId, now: Timestamp) -> Result<bool> {
        let credentials = self.credentials_contract();
        Ok(ask::any_valid_at(
            credentials,
            clinician,
            KindSet::CLINICIAN,
            now,
        )?)
    }
}
