//! The suite across contracts on a real `substrate-contracts-node --dev` (spawned for the
//! test), by signed transactions: a claim by the provider the patient named, paid from
//! escrow with the provider's balance really increased, then denied after the patient
//! revokes consent; break-glass by a licensed clinician in the patient's access log; a
//! pharmacy dispensing from a batch and a recall freezing it; an upgrade of
//! staff_credentials through the consortium's governor (refused before the threshold and
//! the delay, executed after it, every record kept); a
//! clinical trial enrolling a participant only under research consent and checking a
//! device's signature with the node's `ecdsa_recover`.

use claims_adjudication::claims_adjudication::{
    Carc, ClaimRequest, ClaimStatus, ClaimsAdjudication, ClaimsAdjudicationRef, Coverage, PlanTerms,
};
use consent_registry::consent_registry::{
    ConsentRegistry, ConsentRegistryRef, Error as ConsentError,
};
use drug_provenance::drug_provenance::{
    DrugProvenance, DrugProvenanceRef, Error as DrugError, VerificationStatus,
};
use e2e_tests::fixtures::{batch, line, payment_consent, GTIN, PREFIX};
use e2e_tests::{wasm_paths, CONTRACTS};
use governor::governor::{Call, Error as GovernorError, Governor, GovernorRef};
use healthcare_traits::{Action, CredentialKind, CredentialVerifier, KindSet, DAY};
use ink::primitives::{AccountId, Hash};
use ink_e2e::subxt::dynamic::Value;
use ink_e2e::{
    alice, bob, charlie, dave, eve, ferdie, ChainBackend, Client, ContractsBackend, Keypair,
    PolkadotConfig, TestNodeProcess,
};
use remote_monitoring::remote_monitoring::RemoteMonitoringRef;
use staff_credentials::staff_credentials::{
    CredentialRequest, StaffCredentials, StaffCredentialsRef,
};

use std::str::FromStr;

type Env = ink::env::DefaultEnvironment;
type Node = Client<PolkadotConfig, Env>;
type Failure = Box<dyn std::error::Error>;

fn id(keypair: &Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}

fn now_ms() -> Result<u64, Failure> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .try_into()?)
}

fn run(test: impl std::future::Future<Output = Result<(), Failure>>) -> Result<(), Failure> {
    ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(test)
}

async fn start() -> Result<(TestNodeProcess<PolkadotConfig>, Node), Failure> {
    let node = TestNodeProcess::<PolkadotConfig>::build_with_env_or_default()
        .spawn()
        .await
        .map_err(|e| format!("could not start substrate-contracts-node: {e}"))?;
    // With revision 2 of staff_credentials, for the upgrade test.
    let mut names = CONTRACTS.to_vec();
    names.push("staff_credentials_v2");
    let paths = wasm_paths(&names)?;
    let client = Node::new(node.rpc(), paths).await?;
    Ok((node, client))
}

/// Alice sends `amount` to `to` (creating its account if needed).
async fn send_funds(client: &mut Node, to: AccountId, amount: u128) -> Result<(), Failure> {
    client
        .runtime_call(
            &alice(),
            "Balances",
            "transfer_allow_death",
            vec![
                Value::unnamed_variant("Id", vec![Value::from_bytes(to)]),
                Value::u128(amount),
            ],
        )
        .await
        .map_err(|e| format!("fund {to:?}: {e:?}"))?;
    Ok(())
}

/// Deploys staff_credentials governed by `governor`, with alice as issuer of every kind,
/// and issues each `(subject, kind)` a credential valid from a year ago to a year ahead.
async fn credentials(
    client: &mut Node,
    holders: &[(&Keypair, CredentialKind)],
    governor: AccountId,
) -> Result<AccountId, Failure> {
    let registry = client
        .instantiate(
            "staff_credentials",
            &alice(),
            &mut StaffCredentialsRef::new(
                governor,
                vec![(id(&alice()), KindSet::of(&CredentialKind::ALL))],
            ),
        )
        .submit()
        .await
        .map_err(|e| format!("instantiate staff_credentials: {e:?}"))?;
    let mut calls = registry.call_builder::<StaffCredentials>();
    let now = now_ms()?;
    for (holder, kind) in holders {
        let issue = calls.issue(CredentialRequest {
            subject: id(holder),
            kind: *kind,
            jurisdiction: *b"CA",
            specialty: None,
            identifier: b"LIC-1".to_vec(),
            valid_from: now - 365 * DAY,
            valid_until: now + 365 * DAY,
            evidence_hash: Hash::from([1; 32]),
            verified_at: now - DAY,
        });
        client
            .call(&alice(), &issue)
            .submit()
            .await
            .map_err(|e| format!("issue {kind:?}: {e:?}"))?;
    }
    Ok(registry.account_id)
}

/// Deploys drug_provenance (alice its governor and regulator) asking `registry` for licences;
/// alice assigns the fixtures' GS1 company prefix to `maker`.
async fn provenance(
    client: &mut Node,
    registry: AccountId,
    maker: &Keypair,
) -> Result<AccountId, Failure> {
    let provenance = client
        .instantiate(
            "drug_provenance",
            &alice(),
            &mut DrugProvenanceRef::new(id(&alice()), registry, vec![id(&alice())]),
        )
        .submit()
        .await
        .map_err(|e| format!("instantiate drug_provenance: {e:?}"))?;
    let mut calls = ink_e2e::create_call_builder::<DrugProvenance>(provenance.account_id);
    let assigned = client
        .call(&alice(), &calls.assign_prefix(PREFIX.to_vec(), id(maker)))
        .submit()
        .await
        .map_err(|e| format!("assign_prefix: {e:?}"))?;
    assert_eq!(assigned.return_value(), Ok(()));
    Ok(provenance.account_id)
}

#[test]
fn claims_paid_from_escrow_then_denied_after_revocation_and_break_glass_logged(
) -> Result<(), Failure> {
    run(async {
        let (_node, mut client) = start().await?;
        let (payer, provider, patient, clinician) = (bob(), charlie(), dave(), eve());
        let registry = credentials(
            &mut client,
            &[
                (&payer, CredentialKind::PayerLicence),
                (&provider, CredentialKind::MedicalLicence),
                (&clinician, CredentialKind::NursingLicence),
            ],
            id(&alice()),
        )
        .await?;
        let consent = client
            .instantiate(
                "consent_registry",
                &alice(),
                &mut ConsentRegistryRef::new(id(&alice()), registry),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate consent_registry: {e:?}"))?;
        let monitoring = client
            .instantiate(
                "remote_monitoring",
                &alice(),
                &mut RemoteMonitoringRef::new(id(&alice()), registry, consent.account_id),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate remote_monitoring: {e:?}"))?;
        let claims = client
            .instantiate(
                "claims_adjudication",
                &alice(),
                &mut ClaimsAdjudicationRef::new(
                    id(&alice()),
                    registry,
                    consent.account_id,
                    monitoring.account_id,
                ),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate claims_adjudication: {e:?}"))?;
        let mut consents = consent.call_builder::<ConsentRegistry>();
        let mut adjudication = claims.call_builder::<ClaimsAdjudication>();
        let now = now_ms()?;

        // The patient consents to the payer for payment of billing data.
        let grant = consents.grant(payment_consent(id(&patient), id(&payer), now));
        client
            .call(&patient, &grant)
            .submit()
            .await
            .map_err(|e| format!("grant: {e:?}"))?;
        // ... and names the provider as a care provider, once, from the first visit.
        let name = consents.add_care_provider(id(&patient), id(&provider), now - 10 * DAY);
        client
            .call(&patient, &name)
            .submit()
            .await
            .map_err(|e| format!("add_care_provider: {e:?}"))?;

        // The payer's plan: no deductible, copay 10, 20 % coinsurance; 1 000 000 in escrow.
        let create = adjudication.create_plan(PlanTerms {
            deductible: 0,
            copay: 10,
            coinsurance_bps: 2_000,
            oop_max: 10_000,
            timely_filing: 90 * DAY,
            review_threshold: 1_000_000_000,
            year_start: now - 100 * DAY,
            max_units: 100,
        });
        client
            .call(&payer, &create)
            .submit()
            .await
            .map_err(|e| format!("create_plan: {e:?}"))?;
        let fees = adjudication.set_fees(1, vec![(*b"99213", Some(1_000))]);
        client
            .call(&payer, &fees)
            .submit()
            .await
            .map_err(|e| format!("set_fees: {e:?}"))?;
        let enroll = adjudication.enroll(
            1,
            id(&patient),
            Coverage {
                start: now - 60 * DAY,
                end: None,
            },
        );
        client
            .call(&payer, &enroll)
            .submit()
            .await
            .map_err(|e| format!("enroll: {e:?}"))?;
        let fund = adjudication.fund(1);
        client
            .call(&payer, &fund)
            .value(1_000_000)
            .submit()
            .await
            .map_err(|e| format!("fund: {e:?}"))?;

        // The provider names the payer its relay; the payer submits the provider's
        // claim: paid at once from escrow.
        client
            .call(&provider, &adjudication.set_corrector(id(&payer), true))
            .submit()
            .await
            .map_err(|e| format!("set_corrector: {e:?}"))?;
        let claim_for = |service_date, billed| ClaimRequest {
            plan: 1,
            member: id(&patient),
            provider: id(&provider),
            service_date,
            emergency: false,
            lines: vec![line(b"99213", billed)],
        };
        let before = client.free_balance(id(&provider)).await?;
        let submit = adjudication.submit_claim(claim_for(now - 2 * DAY, 1_200));
        let submitted = client
            .call(&payer, &submit)
            .submit()
            .await
            .map_err(|e| format!("submit_claim: {e:?}"))?;
        assert_eq!(submitted.return_value(), Ok(1));
        let claim = client
            .call(&payer, &adjudication.claim(1))
            .dry_run()
            .await?
            .return_value()
            .ok_or("claim 1 missing")?;
        assert_eq!(claim.status, ClaimStatus::Paid);
        // allowed 1000, copay 10, 20 % of 990 = 198: the payer pays 792.
        assert_eq!(
            (claim.allowed, claim.member_amount, claim.payer_amount),
            (1_000, 208, 792)
        );
        assert_eq!(client.free_balance(id(&provider)).await?, before + 792);

        // A licensed provider whose account does not exist yet: 792 is below the node's
        // existential deposit, so the transfer fails. The adjudication stands (the claim
        // is payment-failed and owed) and `settle` pays it once the account exists.
        // It names the payer its relay first (it must exist to sign that), then empties
        // its account, which the node removes.
        let newcomer_key = Keypair::from_uri(
            &ink_e2e::subxt_signer::SecretUri::from_str("//Newcomer")
                .map_err(|e| format!("uri: {e:?}"))?,
        )
        .map_err(|e| format!("newcomer key: {e:?}"))?;
        let newcomer = id(&newcomer_key);
        send_funds(&mut client, newcomer, 1_000_000_000_000_000).await?;
        client
            .call(&newcomer_key, &adjudication.set_corrector(id(&payer), true))
            .submit()
            .await
            .map_err(|e| format!("newcomer's set_corrector: {e:?}"))?;
        client
            .runtime_call(
                &newcomer_key,
                "Balances",
                "transfer_all",
                vec![
                    Value::unnamed_variant("Id", vec![Value::from_bytes(id(&alice()))]),
                    Value::bool(false),
                ],
            )
            .await
            .map_err(|e| format!("empty the newcomer: {e:?}"))?;
        assert_eq!(client.free_balance(newcomer).await?, 0);
        let mut creds = ink_e2e::create_call_builder::<StaffCredentials>(registry);
        client
            .call(
                &alice(),
                &creds.issue(CredentialRequest {
                    subject: newcomer,
                    kind: CredentialKind::MedicalLicence,
                    jurisdiction: *b"CA",
                    specialty: None,
                    identifier: b"LIC-NEW".to_vec(),
                    valid_from: now - 365 * DAY,
                    valid_until: now + 365 * DAY,
                    evidence_hash: Hash::from([1; 32]),
                    verified_at: now - DAY,
                }),
            )
            .submit()
            .await
            .map_err(|e| format!("issue: {e:?}"))?;
        let name = consents.add_care_provider(id(&patient), newcomer, now - 10 * DAY);
        client
            .call(&patient, &name)
            .submit()
            .await
            .map_err(|e| format!("add_care_provider: {e:?}"))?;
        let submit = adjudication.submit_claim(ClaimRequest {
            provider: newcomer,
            ..claim_for(now - 3 * DAY, 1_200)
        });
        let owed = client
            .call(&payer, &submit)
            .submit()
            .await
            .map_err(|e| format!("submit_claim: {e:?}"))?
            .return_value()
            .map_err(|e| format!("{e:?}"))?;
        let claim = client
            .call(&payer, &adjudication.claim(owed))
            .dry_run()
            .await?
            .return_value()
            .ok_or("claim missing")?;
        assert_eq!(claim.status, ClaimStatus::PaymentFailed);
        assert_eq!(claim.payer_amount, 792);
        let escrow = client
            .call(&payer, &adjudication.escrow(1))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(escrow, Some((1_000_000 - 792, 792, 0)));
        // Settling while the transfer still fails keeps the claim owed (at the back of
        // the plan's queue: here alone in it) and moves no money.
        client
            .call(&payer, &adjudication.settle(owed))
            .submit()
            .await
            .map_err(|e| format!("settle (failing): {e:?}"))?;
        let still = client
            .call(&payer, &adjudication.claim(owed))
            .dry_run()
            .await?
            .return_value()
            .ok_or("claim missing")?;
        assert_eq!(still.status, ClaimStatus::PaymentFailed);
        let next = client
            .call(&payer, &adjudication.next_owed(1))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(next, Some(owed));
        let existential = 1_000_000_000u128;
        send_funds(&mut client, newcomer, existential).await?;
        client
            .call(&payer, &adjudication.settle(owed))
            .submit()
            .await
            .map_err(|e| format!("settle: {e:?}"))?;
        assert_eq!(client.free_balance(newcomer).await?, existential + 792);

        // The patient revokes: a claim for a later service is denied (CARC 197).
        let revoke = consents.revoke(1);
        client
            .call(&patient, &revoke)
            .submit()
            .await
            .map_err(|e| format!("revoke: {e:?}"))?;
        // A service at the very moment of the revocation (the latest block's time, which
        // is also the time a dry run sees).
        let later = client
            .call(&patient, &consents.consent(1))
            .dry_run()
            .await?
            .return_value()
            .and_then(|c| c.revoked_at)
            .ok_or("consent 1 not revoked")?;
        let submit = adjudication.submit_claim(claim_for(later, 1_100));
        let denied_id = client
            .call(&payer, &submit)
            .submit()
            .await
            .map_err(|e| format!("second submit_claim: {e:?}"))?
            .return_value()
            .map_err(|e| format!("{e:?}"))?;
        let denied = client
            .call(&payer, &adjudication.claim(denied_id))
            .dry_run()
            .await?
            .return_value()
            .ok_or("claim 2 missing")?;
        assert_eq!(denied.status, ClaimStatus::Denied);
        assert_eq!(denied.denial, Some(Carc::ConsentAbsent));
        assert_eq!(client.free_balance(id(&provider)).await?, before + 792);

        // Break-glass by the licensed nurse shows in the patient's access log.
        let open = consents.open_break_glass(id(&patient), 99);
        let opened = client
            .call(&clinician, &open)
            .submit()
            .await
            .map_err(|e| format!("open_break_glass: {e:?}"))?;
        assert_eq!(opened.return_value(), Ok(1));
        let log = client
            .call(&patient, &consents.access_log(id(&patient), 0, 10))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].accessor, id(&clinician));
        assert_eq!(log[0].emergency, Some(1));
        // An unlicensed account is refused.
        let refused = client
            .call(&ferdie(), &consents.open_break_glass(id(&patient), 99))
            .dry_run()
            .await?;
        assert_eq!(
            refused.return_value(),
            Err(ConsentError::CredentialCheckFailed)
        );
        Ok(())
    })
}

#[test]
fn batch_to_a_licensed_pharmacy_dispensed_then_recalled() -> Result<(), Failure> {
    run(async {
        let (_node, mut client) = start().await?;
        let (maker, pharmacy, stranger) = (bob(), charlie(), ferdie());
        let registry = credentials(
            &mut client,
            &[
                (&maker, CredentialKind::ManufacturerLicence),
                (&pharmacy, CredentialKind::PharmacyLicence),
            ],
            id(&alice()),
        )
        .await?;
        let provenance = provenance(&mut client, registry, &maker).await?;
        let mut calls = ink_e2e::create_call_builder::<DrugProvenance>(provenance);
        let now = now_ms()?;
        let register = calls.register_batch(batch(b"NODE-1", 100, now));
        let registered = client
            .call(&maker, &register)
            .submit()
            .await
            .map_err(|e| format!("register_batch: {e:?}"))?;
        assert_eq!(registered.return_value(), Ok(1));

        // Shipping to an unlicensed account is refused.
        let refused = client
            .call(&maker, &calls.ship(1, id(&stranger), 5, None))
            .dry_run()
            .await?;
        assert_eq!(refused.return_value(), Err(DrugError::RecipientNotLicensed));

        let ship = calls.ship(1, id(&pharmacy), 10, None);
        client
            .call(&maker, &ship)
            .submit()
            .await
            .map_err(|e| format!("ship: {e:?}"))?;
        let receive = calls.receive(1, 10);
        client
            .call(&pharmacy, &receive)
            .submit()
            .await
            .map_err(|e| format!("receive: {e:?}"))?;
        let dispense = calls.dispense(1, 2, None);
        client
            .call(&pharmacy, &dispense)
            .submit()
            .await
            .map_err(|e| format!("dispense: {e:?}"))?;
        let held = client
            .call(&pharmacy, &calls.holding(1, id(&pharmacy)))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(held, 8);

        // A recall freezes the batch.
        let recall = calls.recall(1, 7);
        client
            .call(&maker, &recall)
            .submit()
            .await
            .map_err(|e| format!("recall: {e:?}"))?;
        let verify = client
            .call(&pharmacy, &calls.verify(GTIN, b"NODE-1".to_vec()))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(verify.status, VerificationStatus::Recalled);
        let frozen = client
            .call(&pharmacy, &calls.dispense(1, 1, None))
            .dry_run()
            .await?;
        assert_eq!(frozen.return_value(), Err(DrugError::Recalled));
        Ok(())
    })
}

/// The governor's delay in the upgrade test (ms): long enough to see a refusal, short for
/// a test.
const UPGRADE_DELAY: u64 = 6_000;

#[test]
fn upgraded_staff_credentials_keeps_every_record_readable_and_usable() -> Result<(), Failure> {
    run(async {
        let (_node, mut client) = start().await?;
        let (maker, pharmacy, nurse) = (bob(), charlie(), dave());
        // The consortium: alice, bob and charlie, two of whom approve; ferdie the guardian.
        let governor = client
            .instantiate(
                "governor",
                &alice(),
                &mut GovernorRef::new(
                    vec![id(&alice()), id(&bob()), id(&charlie())],
                    2,
                    UPGRADE_DELAY,
                    id(&ferdie()),
                ),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate governor: {e:?}"))?;
        let mut council = governor.call_builder::<Governor>();
        let registry = credentials(
            &mut client,
            &[
                (&maker, CredentialKind::ManufacturerLicence),
                (&pharmacy, CredentialKind::PharmacyLicence),
                (&nurse, CredentialKind::NursingLicence),
            ],
            governor.account_id,
        )
        .await?;
        let provenance = provenance(&mut client, registry, &maker).await?;
        let mut creds = ink_e2e::create_call_builder::<StaffCredentials>(registry);
        let mut drugs = ink_e2e::create_call_builder::<DrugProvenance>(provenance);
        let now = now_ms()?;

        // Before: revision 1 and three credentials, one suspended.
        let version = client
            .call(&alice(), &creds.code_version())
            .dry_run()
            .await?
            .return_value();
        assert_eq!(version, 1);
        client
            .call(&alice(), &creds.suspend(3, 7))
            .submit()
            .await
            .map_err(|e| format!("suspend: {e:?}"))?;
        let mut before = Vec::new();
        for credential in 1..=3 {
            let record = client
                .call(&alice(), &creds.credential(credential))
                .dry_run()
                .await?
                .return_value()
                .ok_or("credential missing before the upgrade")?;
            before.push(record);
        }

        // Revision 2 uploaded; the consortium proposes the switch, which runs only with
        // two approvals and after the governor's delay.
        let uploaded = client
            .upload("staff_credentials_v2", &alice())
            .submit()
            .await
            .map_err(|e| format!("upload revision 2: {e:?}"))?;
        let upgrade = vec![Call::Apply(registry, Action::Code(uploaded.code_hash))];
        let salt = Hash::from([1; 32]);
        let refused = client
            .call(&dave(), &council.propose(upgrade.clone(), salt))
            .dry_run()
            .await?;
        assert_eq!(refused.return_value(), Err(GovernorError::NotMember));
        let proposed = client
            .call(&alice(), &council.propose(upgrade, salt))
            .submit()
            .await
            .map_err(|e| format!("propose the upgrade: {e:?}"))?;
        let operation = proposed.return_value().map_err(|e| format!("{e:?}"))?;
        let alone = client
            .call(&alice(), &council.execute(operation))
            .dry_run()
            .await?;
        assert_eq!(alone.return_value(), Err(GovernorError::NotEnoughApprovals));
        client
            .call(&bob(), &council.approve(operation))
            .submit()
            .await
            .map_err(|e| format!("approve the upgrade: {e:?}"))?;
        let queued = client
            .call(&alice(), &council.operation(operation))
            .dry_run()
            .await?
            .return_value()
            .ok_or("the operation is unknown")?;
        let ready_at = queued.ready_at.ok_or("not queued after two approvals")?;
        let early = client
            .call(&alice(), &council.execute(operation))
            .dry_run()
            .await?;
        assert_eq!(early.return_value(), Err(GovernorError::NotReady));
        let version = client
            .call(&alice(), &creds.code_version())
            .dry_run()
            .await?
            .return_value();
        assert_eq!(version, 1, "nothing changes before the delay");
        let wait = ready_at.saturating_sub(now_ms()?).saturating_add(1_500);
        std::thread::sleep(std::time::Duration::from_millis(wait));
        // A --dev node seals a block only when a transaction arrives: a remark gives the
        // chain a block at the current time, so that the execution's dry run (and its
        // gas estimate) sees the delay passed.
        client
            .runtime_call(
                &alice(),
                "System",
                "remark",
                vec![Value::from_bytes(b"time passes")],
            )
            .await
            .map_err(|e| format!("remark: {e:?}"))?;
        let executed = client
            .call(&charlie(), &council.execute(operation))
            .submit()
            .await
            .map_err(|e| format!("execute the upgrade: {e:?}"))?;
        assert_eq!(executed.return_value(), Ok(()));
        let version = client
            .call(&alice(), &creds.code_version())
            .dry_run()
            .await?
            .return_value();
        assert_eq!(version, 2, "the new code runs at the same address");

        // Every record written before is still there, unchanged.
        for (index, record) in before.iter().enumerate() {
            let credential = u64::try_from(index)? + 1;
            let after = client
                .call(&alice(), &creds.credential(credential))
                .dry_run()
                .await?
                .return_value();
            assert_eq!(after.as_ref(), Some(record));
        }
        let listed = client
            .call(&alice(), &creds.credentials_of(id(&nurse), 0, 10))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(listed, vec![before[2].clone()]);
        let kinds = client
            .call(&alice(), &creds.issuer_kinds(id(&alice())))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(kinds, Some(KindSet::of(&CredentialKind::ALL)));

        // ... and usable: the suspension is lifted, a new credential takes the next id.
        client
            .call(&alice(), &creds.reinstate(3))
            .submit()
            .await
            .map_err(|e| format!("reinstate after the upgrade: {e:?}"))?;
        let issued = client
            .call(
                &alice(),
                &creds.issue(CredentialRequest {
                    subject: id(&nurse),
                    kind: CredentialKind::NpiRegistration,
                    jurisdiction: *b"US",
                    specialty: None,
                    identifier: b"1234567893".to_vec(),
                    valid_from: now - DAY,
                    valid_until: now + 365 * DAY,
                    evidence_hash: Hash::from([3; 32]),
                    verified_at: now - DAY,
                }),
            )
            .submit()
            .await
            .map_err(|e| format!("issue after the upgrade: {e:?}"))?;
        assert_eq!(issued.return_value(), Ok(4));
        let later = now_ms()?;
        for (holder, kind) in [
            (&nurse, CredentialKind::NursingLicence),
            (&nurse, CredentialKind::NpiRegistration),
            (&pharmacy, CredentialKind::PharmacyLicence),
        ] {
            let valid = client
                .call(&alice(), &creds.is_valid_at(id(holder), kind, later))
                .dry_run()
                .await?
                .return_value();
            assert!(valid, "{kind:?} valid after the upgrade");
        }

        // The peers keep calling it at the same address: a licensed manufacturer ships
        // to a licensed pharmacy.
        let register = drugs.register_batch(batch(b"UPGRADE-1", 50, now));
        client
            .call(&maker, &register)
            .submit()
            .await
            .map_err(|e| format!("register_batch after the upgrade: {e:?}"))?;
        let shipped = client
            .call(&maker, &drugs.ship(1, id(&pharmacy), 5, None))
            .submit()
            .await
            .map_err(|e| format!("ship after the upgrade: {e:?}"))?;
        assert_eq!(shipped.return_value(), Ok(1));
        Ok(())
    })
}

#[test]
fn a_trial_enrols_under_consent_and_checks_a_device_signature_on_the_node() -> Result<(), Failure> {
    use clinical_trials::clinical_trials::{
        ClinicalTrials, ClinicalTrialsRef, DeviceBatch, Error as TrialError, TrialRequest,
    };
    use consent_registry::consent_registry::{ConsentKind, ConsentRequest};
    use healthcare_traits::anchoring::Registration;
    use healthcare_traits::signer::DeviceSigner;
    use healthcare_traits::{DataCategories, DataCategory, Purpose, PurposeSet, HOUR};
    run(async {
        let (_node, mut client) = start().await?;
        let (sponsor, irb, site, patient, gateway) = (bob(), charlie(), dave(), eve(), ferdie());
        // The device's maker also relays its batches (any account may).
        let maker = ferdie();
        let registry = credentials(
            &mut client,
            &[
                (&sponsor, CredentialKind::TrialSponsor),
                (&irb, CredentialKind::EthicsCommittee),
                (&site, CredentialKind::MedicalLicence),
                (&maker, CredentialKind::DeviceManufacturer),
            ],
            id(&alice()),
        )
        .await?;
        let consent = client
            .instantiate(
                "consent_registry",
                &alice(),
                &mut ConsentRegistryRef::new(id(&alice()), registry),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate consent_registry: {e:?}"))?;
        let trials = client
            .instantiate(
                "clinical_trials",
                &alice(),
                &mut ClinicalTrialsRef::new(
                    id(&alice()),
                    registry,
                    consent.account_id,
                    vec![id(&alice())],
                ),
            )
            .submit()
            .await
            .map_err(|e| format!("instantiate clinical_trials: {e:?}"))?;
        let mut calls = trials.call_builder::<ClinicalTrials>();
        let mut consents = consent.call_builder::<ConsentRegistry>();
        let now = now_ms()?;
        let categories = DataCategories::of(&[DataCategory::LabResults]);
        let register = calls.register_trial(TrialRequest {
            protocol_hash: Hash::from([1; 32]),
            registration_hash: Hash::from([2; 32]),
            primary_outcome_hash: Hash::from([3; 32]),
            target_enrolment: 5,
            primary_completion: now + 100 * DAY,
            irb: id(&irb),
            categories,
            signal_threshold: 2,
            signal_window: DAY,
        });
        let registered = client.call(&sponsor, &register).submit().await;
        assert_eq!(
            registered.map_err(|e| format!("{e:?}"))?.return_value(),
            Ok(1)
        );
        client
            .call(&irb, &calls.approve_version(1, 1))
            .submit()
            .await
            .map_err(|e| format!("approve_version: {e:?}"))?;
        client
            .call(&sponsor, &calls.add_investigator(1, id(&site)))
            .submit()
            .await
            .map_err(|e| format!("add_investigator: {e:?}"))?;
        client
            .call(
                &patient,
                &calls.consent_to_version(1, id(&patient), 1, Hash::from([9; 32])),
            )
            .submit()
            .await
            .map_err(|e| format!("consent_to_version: {e:?}"))?;

        // Without research consent in consent_registry the dry run refuses.
        let refused = client
            .call(&site, &calls.enrol(1, id(&patient)))
            .dry_run()
            .await?
            .return_value();
        assert_eq!(refused, Err(TrialError::NoResearchConsent));
        let grant = consents.grant(ConsentRequest {
            patient: id(&patient),
            grantee: id(&sponsor),
            kind: ConsentKind::Permit,
            purposes: PurposeSet::of(&[Purpose::Research]),
            categories,
            valid_from: now,
            valid_until: None,
        });
        client
            .call(&patient, &grant)
            .submit()
            .await
            .map_err(|e| format!("grant: {e:?}"))?;
        let enrolled = client
            .call(&site, &calls.enrol(1, id(&patient)))
            .submit()
            .await
            .map_err(|e| format!("enrol: {e:?}"))?;
        assert_eq!(enrolled.return_value(), Ok(1));

        // A device its maker attested, registered with its proof of possession; its
        // batch: the node's ecdsa_recover checks both signatures.
        let device = DeviceSigner::from_seed(7);
        client
            .call(
                &maker,
                &calls.attest_devices(Hash::from([0x4d; 32]), vec![device.key()]),
            )
            .submit()
            .await
            .map_err(|e| format!("attest_devices: {e:?}"))?;
        let issued_at = now_ms()?;
        let registration = Registration {
            registrant: id(&site),
            key: device.key(),
            scope: 1,
            issued_at,
        };
        let hash = client
            .call(&site, &calls.registration_hash(registration))
            .dry_run()
            .await?
            .return_value();
        let register =
            calls.register_device(1, device.key(), id(&maker), issued_at, device.sign(&hash));
        let registered = client
            .call(&site, &register)
            .submit()
            .await
            .map_err(|e| format!("register_device: {e:?}"))?;
        assert_eq!(registered.return_value(), Ok(()));
        let until = now_ms()? - 60_000;
        let readings = DeviceBatch {
            device: device.key(),
            trial: 1,
            participant: 1,
            root: Hash::from([0x70; 32]),
            count: 10,
            from: until - HOUR,
            until,
            sequence: 1,
        };
        let hash = client
            .call(&gateway, &calls.device_batch_hash(readings))
            .dry_run()
            .await?
            .return_value();
        let forged = client
            .call(
                &gateway,
                &calls.anchor_device_data(readings, DeviceSigner::from_seed(8).sign(&hash)),
            )
            .dry_run()
            .await?
            .return_value();
        assert_eq!(forged, Err(TrialError::BadSignature));
        let anchored = client
            .call(
                &gateway,
                &calls.anchor_device_data(readings, device.sign(&hash)),
            )
            .submit()
            .await
            .map_err(|e| format!("anchor_device_data: {e:?}"))?;
        assert_eq!(anchored.return_value(), Ok(1));
        Ok(())
    })
}
