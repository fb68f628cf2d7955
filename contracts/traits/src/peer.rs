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

#[cfg(test)]
mod tests {
    use super::*;

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
