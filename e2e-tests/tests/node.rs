//! Node tests: the release bundles against a real `substrate-contracts-node --dev`,
//! spawned for the test (from `$CONTRACTS_NODE`, else `substrate-contracts-node` on
//! PATH) and driven by real signed transactions through ink_e2e.

use e2e_tests::{wasm_paths, CONTRACTS};
use healthcare_traits::{
    Action, ApplyError, CredentialKind, CredentialVerifier, Governed, KindSet,
};
use ink::primitives::{AccountId, Hash};
use ink_e2e::{
    alice, bob, ChainBackend, Client, ContractsBackend, PolkadotConfig, TestNodeProcess,
};
use staff_credentials::staff_credentials::{
    CredentialRequest, StaffCredentials, StaffCredentialsRef,
};

type Env = ink::env::DefaultEnvironment;
type TestResult = Result<(), Box<dyn std::error::Error>>;

fn account_of(keypair: &ink_e2e::Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}

fn run(test: impl std::future::Future<Output = TestResult>) -> TestResult {
    ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(test)
}

async fn node_and_client() -> Result<
    (TestNodeProcess<PolkadotConfig>, Client<PolkadotConfig, Env>),
    Box<dyn std::error::Error>,
> {
    let node = TestNodeProcess::<PolkadotConfig>::build_with_env_or_default()
        .spawn()
        .await
        .map_err(|e| {
            format!("could not start substrate-contracts-node (run scripts/setup.sh): {e}")
        })?;
    let paths = wasm_paths(&CONTRACTS)?;
    let client = Client::<PolkadotConfig, Env>::new(node.rpc(), paths).await?;
    Ok((node, client))
}

/// Every release bundle is accepted by the node's pallet-contracts (code upload).
#[test]
fn every_bundle_uploads_to_the_node() -> TestResult {
    run(async {
        let (_node, mut client) = node_and_client().await?;
        for name in CONTRACTS {
            let uploaded = client
                .upload(name, &alice())
                .submit()
                .await
                .map_err(|e| format!("upload of {name} refused by the node: {e:?}"))?;
            assert_ne!(uploaded.code_hash, Hash::from([0; 32]), "{name}");
        }
        Ok(())
    })
}

/// staff_credentials on the node: an issuer is appointed, issues a licence, and the
/// cross-contract query answers for the moment of a real block.
#[test]
fn credential_issued_and_checked_on_the_node() -> TestResult {
    run(async {
        let (_node, mut client) = node_and_client().await?;
        let mut constructor = StaffCredentialsRef::new(
            account_of(&alice()),
            vec![(account_of(&alice()), KindSet::CLINICIAN)],
        );
        let registry = client
            .instantiate("staff_credentials", &alice(), &mut constructor)
            .submit()
            .await
            .map_err(|e| format!("instantiate: {e:?}"))?;
        let mut calls = registry.call_builder::<StaffCredentials>();

        // Bob is not the governor: the dry run shows the typed error.
        let refused = calls.apply(Action::Issuer(account_of(&bob()), KindSet::CLINICIAN));
        let dry = client.call(&bob(), &refused).dry_run().await?;
        assert_eq!(dry.return_value(), Err(ApplyError::NotGovernor));

        let now: u64 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
            .try_into()?;
        let hour = 3_600_000;
        let issue = calls.issue(CredentialRequest {
            subject: account_of(&bob()),
            kind: CredentialKind::MedicalLicence,
            jurisdiction: *b"NY",
            specialty: None,
            identifier: b"NY-998877".to_vec(),
            valid_from: now - hour,
            valid_until: now + 24 * hour,
            evidence_hash: Hash::from([3; 32]),
            verified_at: now - hour,
        });
        let issued = client
            .call(&alice(), &issue)
            .submit()
            .await
            .map_err(|e| format!("issue: {e:?}"))?;
        assert_eq!(issued.return_value(), Ok(1));

        let query = calls.is_valid_at(account_of(&bob()), CredentialKind::MedicalLicence, now);
        let valid = client
            .call(&alice(), &query)
            .dry_run()
            .await?
            .return_value();
        assert!(valid);
        let later = calls.is_valid_at(
            account_of(&bob()),
            CredentialKind::MedicalLicence,
            now + 48 * hour,
        );
        assert!(!client
            .call(&alice(), &later)
            .dry_run()
            .await?
            .return_value());
        let balance = client.free_balance(account_of(&bob())).await?;
        assert!(balance > 0);
        Ok(())
    })
}
