//! The questions to the peers (staff_credentials, consent_registry, remote_monitoring), each failure mapped to this contract's error.

use super::*;
use crate::claims_adjudication::ClaimsAdjudication;
use healthcare_traits::KindSet;
use healthcare_traits::{ClaimConsent, ClaimConsentQuery, CredentialQuery, PeerError};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

type Timestamp = u64;

impl ClaimsAdjudication {
    pub(crate) fn credential_error(e: PeerError) -> Error {
        e.into_either(
            Error::CredentialContractTrapped,
            Error::CredentialContractUnreachable,
        )
    }

    pub(crate) fn consent_error(e: PeerError) -> Error {
        e.into_either(
            Error::ConsentContractTrapped,
            Error::ConsentContractUnreachable,
        )
    }

    pub(crate) fn monitoring_error(e: PeerError) -> Error {
        e.into_either(
            Error::MonitoringContractTrapped,
            Error::MonitoringContractUnreachable,
        )
    }

    /// Asks remote_monitoring on how many of the 30 days ending with `until`'s day
    /// `member` had data from devices `provider` paired with the member (CPT 99454
    /// needs 16).
    pub(crate) fn monitored_days(
        &self,
        member: AccountId,
        provider: AccountId,
        until: Timestamp,
    ) -> Result<u32> {
        ask::monitored_days_until(self.peers().monitoring, member, provider, until)
            .map_err(Self::monitoring_error)
    }

    /// Asks staff_credentials whether `account` held a valid credential of one of
    /// `kinds` at `at`.
    pub(crate) fn credential_valid(
        &self,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool> {
        ask::any_valid_at(self.peers().credentials, account, kinds, at)
            .map_err(Self::credential_error)
    }

    /// Asks consent_registry, in one call, for `member`'s care relationship with
    /// `provider` and payment consent to `payer` at `at`.
    pub(crate) fn claim_consent(
        &self,
        member: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> Result<ClaimConsent> {
        ask::claim_consent(self.peers().consent, member, payer, provider, at)
            .map_err(Self::consent_error)
    }

    /// Asks staff_credentials `queries` in one call.
    pub(crate) fn credentials_valid(&self, queries: Vec<CredentialQuery>) -> Result<Vec<bool>> {
        ask::any_valid_at_each(self.peers().credentials, queries).map_err(Self::credential_error)
    }

    /// Asks consent_registry `queries` in one call.
    pub(crate) fn claim_consents(
        &self,
        queries: Vec<ClaimConsentQuery>,
    ) -> Result<Vec<ClaimConsent>> {
        ask::claim_consent_each(self.peers().consent, queries).map_err(Self::consent_error)
    }
}
