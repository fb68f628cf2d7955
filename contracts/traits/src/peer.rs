//! Cross-contract calls and their failure layers.
//!
//! A call made with `ink::contract_ref!(Trait, ..).call().message(..).try_invoke()`
//! returns `Result<ink::MessageResult<T>, ink::env::Error>`: the outer layer fails when
//! the environment could not complete the call (callee trapped, reverted, is no contract,
//! or answered bytes that do not decode as `T`); the inner layer fails when the callee is
//! an ink! contract that does not know the selector ([`ink::LangError`]).
//! [`flatten_peer_result`] folds both layers into one [`PeerError`], which every contract
//! maps into a unit variant of its own error enum. Since the caller returns that error,
//! no state is changed by a failed peer call.

use ink::env::ReturnErrorCode;

/// `builder.try_invoke()` for a cross-contract call built with `contract_ref!(..).call()`:
/// through the weight-v2 host function `seal2.call` by default, or through the legacy
/// `seal1.call` when the calling contract is built with its `call-v1` feature (for chains
/// whose pallet-contracts predates `seal2.call`; see docs/deployment.md). The feature is
/// the calling crate's: the macro expands there.
#[macro_export]
macro_rules! try_invoke {
    ($builder:expr) => {{
        #[cfg(feature = "call-v1")]
        let answer = $builder.call_v1().try_invoke();
        #[cfg(not(feature = "call-v1"))]
        let answer = $builder.try_invoke();
        answer
    }};
}

/// Why a call to a peer contract gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PeerError {
    /// The callee trapped (panicked, ran out of gas or hit a bad instruction).
    Trapped,
    /// The address holds no contract of the expected interface: a plain account, a
    /// contract that answered with undecodable bytes, a reverted call, or an unknown
    /// selector.
    Unreachable,
}

impl PeerError {
    /// The calling contract's own error for this failure: `trapped` or `unreachable`.
    pub fn into_either<E>(self, trapped: E, unreachable: E) -> E {
        match self {
            PeerError::Trapped => trapped,
            PeerError::Unreachable => unreachable,
        }
    }
}

/// Folds the two failure layers of a `try_invoke()` into one [`PeerError`].
pub fn flatten_peer_result<T>(
    result: Result<ink::MessageResult<T>, ink::env::Error>,
) -> Result<T, PeerError> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_lang_error)) => Err(PeerError::Unreachable),
        Err(ink::env::Error::ReturnError(ReturnErrorCode::CalleeTrapped)) => {
            Err(PeerError::Trapped)
        }
        Err(_) => Err(PeerError::Unreachable),
    }
}

/// The suite's questions to its peers, asked by address: one function per message of
/// [`CredentialVerifier`](crate::CredentialVerifier),
/// [`ConsentVerifier`](crate::ConsentVerifier) and
/// [`MonitoringVerifier`](crate::MonitoringVerifier) that a contract asks, each the call
/// and its failure layers folded into a [`PeerError`]. A batch answer with fewer (or more)
/// entries than questions asked is [`PeerError::Unreachable`]: a peer of another
/// interface. The calls go through [`try_invoke!`](crate::try_invoke), so this crate's
/// `call-v1` feature (which each contract's `call-v1` feature enables) selects
/// `seal1.call`.
///
/// These are real cross-contract calls: off-chain unit tests (which cannot make them)
/// answer through each contract's stand-ins instead; the drink sandbox and node tests run
/// these.
pub mod ask {
    use super::{flatten_peer_result, PeerError};
    use crate::{
        AccountId, ClaimConsent, ClaimConsentQuery, ConsentVerifier, CredentialQuery,
        CredentialVerifier, DataCategories, DataCategory, KindSet, MonitoringVerifier, Purpose,
        Timestamp,
    };
    use crate::{Action, ApplyError, Governed};
    use ink::codegen::TraitCallBuilder;
    use ink::env::DefaultEnvironment;
    use ink::prelude::vec::Vec;

    type Credentials = ink::contract_ref!(CredentialVerifier, DefaultEnvironment);
    type Consents = ink::contract_ref!(ConsentVerifier, DefaultEnvironment);
    type Monitoring = ink::contract_ref!(MonitoringVerifier, DefaultEnvironment);
    type Target = ink::contract_ref!(Governed, DefaultEnvironment);

    /// Exactly one answer per question, or the peer is not what it claims to be.
    fn one_each<T>(answers: Vec<T>, asked: usize) -> Result<Vec<T>, PeerError> {
        if answers.len() == asked {
            Ok(answers)
        } else {
            Err(PeerError::Unreachable)
        }
    }

    #[cfg(test)]
    #[test]
    fn a_batch_answer_holds_one_answer_per_question() {
        assert_eq!(one_each(vec![true, false], 2), Ok(vec![true, false]));
        assert_eq!(one_each(vec![true], 2), Err(PeerError::Unreachable));
        assert_eq!(
            one_each(vec![true, true, true], 2),
            Err(PeerError::Unreachable)
        );
        assert_eq!(one_each(Vec::<bool>::new(), 0), Ok(vec![]));
    }

    /// staff_credentials: did `account` hold a valid credential of one of `kinds` at `at`?
    pub fn any_valid_at(
        credentials: AccountId,
        account: AccountId,
        kinds: KindSet,
        at: Timestamp,
    ) -> Result<bool, PeerError> {
        let peer: Credentials = credentials.into();
        flatten_peer_result(crate::try_invoke!(peer
            .call()
            .any_valid_at(account, kinds, at)))
    }

    /// staff_credentials: [`any_valid_at`] for each of `queries`, in one call.
    pub fn any_valid_at_each(
        credentials: AccountId,
        queries: Vec<CredentialQuery>,
    ) -> Result<Vec<bool>, PeerError> {
        let asked = queries.len();
        let peer: Credentials = credentials.into();
        let answers =
            flatten_peer_result(crate::try_invoke!(peer.call().any_valid_at_each(queries)))?;
        one_each(answers, asked)
    }

    /// consent_registry: does `patient` consent to `grantee` for `purpose` and `category`
    /// at `at`?
    pub fn has_consent(
        consent: AccountId,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<bool, PeerError> {
        let peer: Consents = consent.into();
        flatten_peer_result(crate::try_invoke!(peer
            .call()
            .has_consent(patient, grantee, purpose, category, at)))
    }

    /// consent_registry: did each of `patients` consent to `grantee` for `purpose` and
    /// every category of `categories` at `at`? One call for them all (also for one).
    pub fn has_consent_all_each(
        consent: AccountId,
        patients: Vec<AccountId>,
        grantee: AccountId,
        purpose: Purpose,
        categories: DataCategories,
        at: Timestamp,
    ) -> Result<Vec<bool>, PeerError> {
        let asked = patients.len();
        let peer: Consents = consent.into();
        let answers = flatten_peer_result(crate::try_invoke!(peer
            .call()
            .has_consent_all_each(patients, grantee, purpose, categories, at)))?;
        one_each(answers, asked)
    }

    /// consent_registry: [`has_consent`] for each of `grantees`, in one call.
    pub fn has_consent_each(
        consent: AccountId,
        patient: AccountId,
        grantees: Vec<AccountId>,
        purpose: Purpose,
        category: DataCategory,
        at: Timestamp,
    ) -> Result<Vec<bool>, PeerError> {
        let asked = grantees.len();
        let peer: Consents = consent.into();
        let answers = flatten_peer_result(crate::try_invoke!(peer
            .call()
            .has_consent_each(patient, grantees, purpose, category, at)))?;
        one_each(answers, asked)
    }

    /// consent_registry: is `account` the patient or one of their delegates now?
    pub fn acts_for_now(
        consent: AccountId,
        patient: AccountId,
        account: AccountId,
    ) -> Result<bool, PeerError> {
        let peer: Consents = consent.into();
        flatten_peer_result(crate::try_invoke!(peer
            .call()
            .acts_for_now(patient, account)))
    }

    /// consent_registry: `member`'s care relationship with `provider` and payment consent
    /// to `payer` at `at`, in one call.
    pub fn claim_consent(
        consent: AccountId,
        member: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> Result<ClaimConsent, PeerError> {
        let peer: Consents = consent.into();
        flatten_peer_result(crate::try_invoke!(peer
            .call()
            .claim_consent(member, payer, provider, at)))
    }

    /// consent_registry: [`claim_consent`] for each of `queries`, in one call.
    pub fn claim_consent_each(
        consent: AccountId,
        queries: Vec<ClaimConsentQuery>,
    ) -> Result<Vec<ClaimConsent>, PeerError> {
        let asked = queries.len();
        let peer: Consents = consent.into();
        let answers =
            flatten_peer_result(crate::try_invoke!(peer.call().claim_consent_each(queries)))?;
        one_each(answers, asked)
    }

    /// remote_monitoring: on how many of the 30 days ending with `until`'s day did
    /// `patient` have data from devices `provider` paired with the patient?
    pub fn monitored_days_until(
        monitoring: AccountId,
        patient: AccountId,
        provider: AccountId,
        until: Timestamp,
    ) -> Result<u32, PeerError> {
        let peer: Monitoring = monitoring.into();
        flatten_peer_result(crate::try_invoke!(peer
            .call()
            .monitored_days_until(patient, provider, until)))
    }

    /// A suite contract governed by the caller: apply `action` (the outer layer is the
    /// call's failure, the inner one the contract's refusal).
    pub fn apply(target: AccountId, action: Action) -> Result<Result<(), ApplyError>, PeerError> {
        let mut peer: Target = target.into();
        flatten_peer_result(crate::try_invoke!(peer.call_mut().apply(action)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_the_callers_own() {
        assert_eq!(
            PeerError::Trapped.into_either("trapped", "unreachable"),
            "trapped"
        );
        assert_eq!(
            PeerError::Unreachable.into_either("trapped", "unreachable"),
            "unreachable"
        );
    }

    #[test]
    fn layers_are_folded() {
        assert_eq!(flatten_peer_result::<bool>(Ok(Ok(true))), Ok(true));
        assert_eq!(
            flatten_peer_result::<bool>(Ok(Err(ink::LangError::CouldNotReadInput))),
            Err(PeerError::Unreachable)
        );
        assert_eq!(
            flatten_peer_result::<bool>(Err(ink::env::Error::ReturnError(
                ReturnErrorCode::CalleeTrapped
            ))),
            Err(PeerError::Trapped)
        );
        assert_eq!(
            flatten_peer_result::<bool>(Err(ink::env::Error::ReturnError(
                ReturnErrorCode::CalleeReverted
            ))),
            Err(PeerError::Unreachable)
        );
        assert_eq!(
            flatten_peer_result::<bool>(Err(ink::env::Error::Decode("empty output".into()))),
            Err(PeerError::Unreachable)
        );
    }
}
