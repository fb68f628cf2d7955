//! The demo scenario of `scripts/run-local.sh`: one realistic day of the healthcare suite
//! as real signed transactions on a local node, against the contracts recorded in a
//! deployment file of `scripts/deploy.sh`.
//!
//! Usage: `scenario [deployments/local.json]`
//!
//! `//Alice` (the deployer, appointed issuer and regulator by `deploy.sh`) acts as the
//! licensing authority and the regulator; every other party is a new account funded by
//! Alice, so the scenario can run again and again against the same deployment. Each step
//! prints what was done, its result and the contract events it emitted; every expected
//! outcome is checked, and the program exits non-zero when one is not met.

use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimLine, ClaimStatus, ClaimsAdjudication, Coverage, PlanTerms,
};
use consent_registry::consent_registry::{
    ConsentKind, ConsentRegistry, ConsentRequest, Error as ConsentError,
};
use drug_provenance::drug_provenance::{DrugProvenance, Error as DrugError, VerificationStatus};
use e2e_tests::fixtures::{batch as batch_request, payment_consent, GTIN};
use healthcare_traits::{
    CredentialKind, CredentialVerifier, DataCategories, DataCategory, Purpose, PurposeSet, DAY,
};
use ink::primitives::{AccountId, Hash};
use ink_e2e::subxt::utils::AccountId32;
use ink_e2e::{
    alice, create_call_builder, CallBuilderFinal, CallDryRunResult, ChainBackend, Client,
    ContractsBackend, Keypair, PolkadotConfig, RpcClient,
};
use parity_scale_codec::{Decode, Encode};
use staff_credentials::staff_credentials::{CredentialRequest, StaffCredentials};
use std::collections::HashMap;
use std::fmt::Debug;
use std::process::ExitCode;
use std::str::FromStr;

type Env = ink::env::DefaultEnvironment;
type Node = Client<PolkadotConfig, Env>;
type Failure = Box<dyn std::error::Error>;
type Outcome<T> = Result<T, Failure>;

/// Balance given to each new party (the dev chain's unit is 10^12).
const FUNDING: u128 = 1_000_000_000_000_000;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "deployments/local.json".into());
    let runtime = match ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ERROR: no async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(scenario(&path)) {
        Ok(()) => {
            println!("\nScenario complete: every step had the expected outcome.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nERROR: scenario failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn now_ms() -> Outcome<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .try_into()?)
}

fn ss58(account: &AccountId) -> String {
    AccountId32(*account.as_ref()).to_string()
}

fn id(keypair: &Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}

fn ensure(condition: bool, what: &str) -> Outcome<()> {
    if condition {
        Ok(())
    } else {
        Err(format!("expected {what}").into())
    }
}

/// The deployment file's contracts, and the event names of their metadata.
struct Deployment {
    url: String,
    addresses: HashMap<String, AccountId>,
    /// Signature topic → "contract.Event".
    events: HashMap<[u8; 32], String>,
}

fn load(path: &str) -> Outcome<Deployment> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{path}: {e} (run scripts/deploy.sh first)"))?;
    let file: serde_json::Value = serde_json::from_str(&text)?;
    let url = file["url"]
        .as_str()
        .ok_or("deployment file without url")?
        .to_string();
    let directory = std::path::Path::new(path)
        .parent()
        .unwrap_or(std::path::Path::new("."));
    let mut addresses = HashMap::new();
    let mut events = HashMap::new();
    for name in e2e_tests::CONTRACTS {
        let entry = &file["contracts"][name];
        let address = entry["address"]
            .as_str()
            .ok_or(format!("{name} missing from {path}"))?;
        let address = AccountId32::from_str(address)
            .map_err(|e| format!("{name} address {address}: {e:?}"))?;
        addresses.insert(name.to_string(), AccountId::from(address.0));
        let metadata = entry["metadata"]
            .as_str()
            .ok_or(format!("{name} has no metadata path"))?;
        let metadata: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(directory.join(metadata))?)?;
        for event in metadata["spec"]["events"].as_array().into_iter().flatten() {
            let (Some(topic), Some(label)) =
                (event["signature_topic"].as_str(), event["label"].as_str())
            else {
                continue;
            };
            let mut bytes = [0u8; 32];
            let hex = topic.trim_start_matches("0x");
            for (i, byte) in bytes.iter_mut().enumerate() {
                *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2).unwrap_or("zz"), 16)?;
            }
            events.insert(bytes, format!("{name}.{label}"));
        }
    }
    Ok(Deployment {
        url,
        addresses,
        events,
    })
}

struct Demo {
    client: Node,
    deployment: Deployment,
    names: HashMap<AccountId, String>,
}

impl Demo {
    fn name(&self, account: &AccountId) -> String {
        self.names
            .get(account)
            .cloned()
            .unwrap_or_else(|| ss58(account))
    }

    /// Submits `message` signed by `who` (dry run first, so that a refusal reads as the
    /// contract's typed error), prints the events and returns the message's value.
    async fn tx<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
        value: u128,
    ) -> Outcome<R>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode + Debug,
    {
        let dry = self.dry_run(who, message, value).await?;
        if dry.exec_return_value().did_revert() {
            return Err(format!("the contract refused: {:?}", dry.message_result()).into());
        }
        let result = self
            .client
            .call(who, message)
            .value(value)
            .submit()
            .await
            .map_err(|e| format!("submit: {e:?}"))?;
        let mut emitted = Vec::new();
        for event in result.contract_emitted_events()? {
            let label = event
                .topics
                .first()
                .and_then(|topic| self.deployment.events.get(&topic.0))
                .cloned()
                .unwrap_or_else(|| "unknown event".into());
            emitted.push(label);
        }
        let signer = self.name(&id(who));
        println!(
            "    [tx signed by the {signer}; events: {}]",
            if emitted.is_empty() {
                "none".to_string()
            } else {
                emitted.join(", ")
            }
        );
        decoded(&result.dry_run)
    }

    /// Dry-runs `message` signed by `who` with `value`; an error when the node refuses it.
    async fn dry_run<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
        value: u128,
    ) -> Outcome<CallDryRunResult<Env, R>>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode,
    {
        let dry = self
            .client
            .call(who, message)
            .value(value)
            .dry_run()
            .await
            .map_err(|e| format!("dry run: {e:?}"))?;
        if let Err(e) = &dry.exec_result.result {
            return Err(format!("the node refused the call: {e:?}").into());
        }
        Ok(dry)
    }

    /// Dry-runs `message` and returns its value (a read, or a call expected to fail).
    async fn read<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
    ) -> Outcome<R>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode,
    {
        let dry = self.dry_run(who, message, 0).await?;
        decoded(&dry)
    }

    async fn party(&mut self, role: &str) -> Outcome<Keypair> {
        let keypair = self.client.create_and_fund_account(&alice(), FUNDING).await;
        let account = id(&keypair);
        println!("    {role:<22} {}", ss58(&account));
        self.names.insert(account, role.to_string());
        Ok(keypair)
    }

    fn address(&self, name: &str) -> Outcome<AccountId> {
        Ok(*self
            .deployment
            .addresses
            .get(name)
            .ok_or(format!("{name} not deployed"))?)
    }
}

/// The message's return value from a dry run, or why it was not dispatched.
fn decoded<R: Decode>(dry: &CallDryRunResult<Env, R>) -> Outcome<R> {
    dry.message_result()
        .map_err(|e| format!("the contract did not dispatch the message: {e:?}").into())
}

fn step(text: &str) {
    println!("\n==> {text}");
}

fn describe(claim: &Claim) -> String {
    let mut text = format!(
        "claim #{} {:?}: billed {}, allowed {}, payer pays {}, patient owes {}",
        claim.id,
        claim.status,
        claim.billed,
        claim.allowed,
        claim.payer_amount,
        claim.member_amount
    );
    if let Some(denial) = claim.denial {
        text.push_str(&format!(
            ", denied with CARC {} ({denial:?})",
            denial.code()
        ));
    }
    for line in &claim.lines {
        let procedure = String::from_utf8_lossy(&line.line.procedure);
        let adjustments: Vec<String> = line
            .adjustments
            .iter()
            .map(|a| format!("{:?}-{} {}", a.group, a.reason.code(), a.amount))
            .collect();
        text.push_str(&format!(
            "\n        line {procedure}: billed {}, allowed {}, payer {}, patient {}, adjustments [{}]",
            line.line.billed,
            line.allowed,
            line.payer_amount,
            line.member_amount,
            adjustments.join(", ")
        ));
    }
    text
}

async fn scenario(path: &str) -> Outcome<()> {
    let deployment = load(path)?;
    println!("Healthcare suite scenario on {}", deployment.url);
    for (name, address) in &deployment.addresses {
        println!("    {name:<22} {}", ss58(address));
    }
    let rpc = RpcClient::from_url(deployment.url.clone())
        .await
        .map_err(|e| format!("no node at {}: {e}", deployment.url))?;
    let client = Node::new(rpc, Vec::<std::path::PathBuf>::new()).await?;
    let mut demo = Demo {
        client,
        deployment,
        names: HashMap::new(),
    };
    let authority = alice();
    demo.names
        .insert(id(&authority), "licensing authority".into());
    let mut creds = create_call_builder::<StaffCredentials>(demo.address("staff_credentials")?);
    let mut consents = create_call_builder::<ConsentRegistry>(demo.address("consent_registry")?);
    let mut drugs = create_call_builder::<DrugProvenance>(demo.address("drug_provenance")?);
    let mut claims =
        create_call_builder::<ClaimsAdjudication>(demo.address("claims_adjudication")?);
    let kinds = demo
        .read(&authority, &creds.issuer_kinds(id(&authority)))
        .await?;
    ensure(
        kinds.is_some(),
        "//Alice to be an issuer of staff_credentials (deploy with scripts/deploy.sh defaults)",
    )?;

    step("New parties, each a fresh account funded by //Alice");
    let manufacturer = demo.party("manufacturer").await?;
    let wholesaler = demo.party("wholesaler").await?;
    let pharmacy = demo.party("pharmacy").await?;
    let physician = demo.party("physician (provider)").await?;
    let nurse = demo.party("emergency nurse").await?;
    let payer = demo.party("payer").await?;
    let patient = demo.party("patient").await?;
    let stranger = demo.party("unlicensed account").await?;
    let now = now_ms()?;

    step("The licensing authority issues credentials");
    let licences = [
        (
            &manufacturer,
            CredentialKind::ManufacturerLicence,
            &b"FEI-3001234567"[..],
        ),
        (
            &wholesaler,
            CredentialKind::WholesaleDistributorLicence,
            b"WD-88121",
        ),
        (&pharmacy, CredentialKind::PharmacyLicence, b"PHY-55120"),
        (&physician, CredentialKind::MedicalLicence, b"A-129934"),
        (&physician, CredentialKind::NpiRegistration, b"1234567893"),
        (&nurse, CredentialKind::NursingLicence, b"RN-771203"),
        (&payer, CredentialKind::PayerLicence, b"INS-20931"),
    ];
    for (holder, kind, identifier) in licences {
        let issue = creds.issue(CredentialRequest {
            subject: id(holder),
            kind,
            jurisdiction: if kind == CredentialKind::NpiRegistration {
                *b"US"
            } else {
                *b"CA"
            },
            specialty: None,
            identifier: identifier.to_vec(),
            valid_from: now - 30 * DAY,
            valid_until: now + 2 * 365 * DAY,
            evidence_hash: Hash::from([7; 32]),
            verified_at: now - DAY,
        });
        let credential = demo.tx(&authority, &issue, 0).await?;
        let credential = credential.map_err(|e| format!("issue {kind:?}: {e:?}"))?;
        let holder_name = demo.name(&id(holder));
        println!("    credential #{credential}: {kind:?} for the {holder_name}");
    }
    let valid = demo
        .read(
            &authority,
            &creds.is_valid_at(id(&pharmacy), CredentialKind::PharmacyLicence, now),
        )
        .await?;
    ensure(valid, "the pharmacy licence to be valid")?;
    println!("    is_valid_at(pharmacy, PharmacyLicence, now) = {valid}");

    step("The manufacturer registers a batch and ships it down the supply chain");
    let lot = format!("L{}", now % 100_000_000).into_bytes();
    let lot_text = String::from_utf8_lossy(&lot).to_string();
    let register = drugs.register_batch(batch_request(&lot, 1_000, now));
    let batch = demo
        .tx(&manufacturer, &register, 0)
        .await?
        .map_err(|e| format!("register_batch: {e:?}"))?;
    println!(
        "    batch #{batch}: GTIN {} lot {lot_text}, 1000 units, 2-8 °C",
        String::from_utf8_lossy(&GTIN)
    );
    let refused = demo
        .read(&manufacturer, &drugs.ship(batch, id(&stranger), 10))
        .await?;
    ensure(
        refused == Err(DrugError::RecipientNotLicensed),
        "shipping to an unlicensed account to be refused (RecipientNotLicensed)",
    )?;
    println!("    ship 10 units to the unlicensed account: refused with {refused:?}");
    let shipment = demo
        .tx(&manufacturer, &drugs.ship(batch, id(&wholesaler), 400), 0)
        .await?
        .map_err(|e| format!("ship: {e:?}"))?;
    println!("    shipment #{shipment}: 400 units to the wholesaler");
    demo.tx(&wholesaler, &drugs.receive(shipment), 0)
        .await?
        .map_err(|e| format!("receive: {e:?}"))?;
    println!("    the wholesaler received shipment #{shipment}");
    let shipment = demo
        .tx(&wholesaler, &drugs.ship(batch, id(&pharmacy), 40), 0)
        .await?
        .map_err(|e| format!("ship: {e:?}"))?;
    demo.tx(&pharmacy, &drugs.receive(shipment), 0)
        .await?
        .map_err(|e| format!("receive: {e:?}"))?;
    println!("    shipment #{shipment}: 40 units to the pharmacy, received");
    demo.tx(
        &pharmacy,
        &drugs.dispense(batch, 2, Some(Hash::from([9; 32]))),
        0,
    )
    .await?
    .map_err(|e| format!("dispense: {e:?}"))?;
    let held = demo
        .read(&pharmacy, &drugs.holding(batch, id(&pharmacy)))
        .await?;
    ensure(
        held == 38,
        "the pharmacy to hold 38 units after dispensing 2",
    )?;
    println!("    the pharmacy dispensed 2 units against a prescription hash; it holds {held}");
    let verification = demo
        .read(&stranger, &drugs.verify(GTIN, lot.clone()))
        .await?;
    ensure(
        verification.status == VerificationStatus::Authentic,
        "the batch to verify as authentic",
    )?;
    println!("    verify(GTIN, lot) by anyone: {:?}", verification.status);

    step("The patient consents, the physician anchors and reads a record");
    let grant = consents.grant(ConsentRequest {
        patient: id(&patient),
        grantee: id(&physician),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        categories: DataCategories::of(&[DataCategory::Conditions, DataCategory::LabResults]),
        valid_from: now,
        valid_until: Some(now + 365 * DAY),
    });
    let treatment = demo
        .tx(&patient, &grant, 0)
        .await?
        .map_err(|e| format!("grant: {e:?}"))?;
    println!("    consent #{treatment}: the physician may use conditions and lab results for treatment, for a year");
    let grant = consents.grant(payment_consent(id(&patient), id(&payer), now));
    let payment = demo
        .tx(&patient, &grant, 0)
        .await?
        .map_err(|e| format!("grant: {e:?}"))?;
    println!(
        "    consent #{payment}: the payer may use billing data for payment (back-dated 30 days)"
    );
    let anchor = consents.anchor_record(
        id(&patient),
        DataCategory::LabResults,
        Hash::from([0xab; 32]),
        Hash::from([0xcd; 32]),
    );
    let record = demo
        .tx(&physician, &anchor, 0)
        .await?
        .map_err(|e| format!("anchor_record: {e:?}"))?;
    println!("    record #{record}: a lab result anchored by its hash (the data stays off chain)");
    demo.tx(
        &physician,
        &consents.access_record(id(&patient), record, Purpose::Treatment),
        0,
    )
    .await?
    .map_err(|e| format!("access_record: {e:?}"))?;
    println!("    the physician accessed record #{record} for treatment (logged)");
    let refused = demo
        .read(
            &stranger,
            &consents.access_record(id(&patient), record, Purpose::Treatment),
        )
        .await?;
    ensure(
        refused == Err(ConsentError::NoConsent),
        "an access without consent to be refused (NoConsent)",
    )?;
    println!("    the unlicensed account tries the same: refused with {refused:?}");

    step("The payer sets up a plan, enrols the patient and funds the escrow");
    let create = claims.create_plan(PlanTerms {
        deductible: 5_000,
        copay: 2_500,
        coinsurance_bps: 2_000,
        oop_max: 300_000,
        timely_filing: 90 * DAY,
        review_threshold: 500_000,
        year_start: now - 100 * DAY,
    });
    let plan = demo
        .tx(&payer, &create, 0)
        .await?
        .map_err(|e| format!("create_plan: {e:?}"))?;
    println!("    plan #{plan}: deductible 5000, copay 2500, coinsurance 20 %, out-of-pocket max 300000 (amounts in the chain's smallest unit, read as cents)");
    demo.tx(
        &payer,
        &claims.set_fees(
            plan,
            vec![(*b"99213", Some(12_000)), (*b"80053", Some(4_500))],
        ),
        0,
    )
    .await?
    .map_err(|e| format!("set_fees: {e:?}"))?;
    println!("    fee schedule: 99213 (office visit) 12000, 80053 (metabolic panel) 4500");
    demo.tx(
        &payer,
        &claims.enroll(
            plan,
            id(&patient),
            Coverage {
                start: now - 60 * DAY,
                end: None,
            },
        ),
        0,
    )
    .await?
    .map_err(|e| format!("enroll: {e:?}"))?;
    println!("    the patient is enrolled from 60 days ago");
    let escrow = demo
        .tx(&payer, &claims.fund(plan), 1_000_000)
        .await?
        .map_err(|e| format!("fund: {e:?}"))?;
    ensure(escrow == 1_000_000, "an escrow of 1000000")?;
    println!("    escrow funded: {escrow}");

    step("The payer submits the physician's claim; it is adjudicated and paid at once");
    let lines = vec![
        ClaimLine {
            procedure: *b"99213",
            diagnosis: *b"E119   ",
            billed: 15_000,
            units: 1,
        },
        ClaimLine {
            procedure: *b"80053",
            diagnosis: *b"E119   ",
            billed: 6_000,
            units: 1,
        },
    ];
    let before = demo.client.free_balance(id(&physician)).await?;
    let submit = claims.submit_claim(
        plan,
        id(&patient),
        id(&physician),
        now - 3 * DAY,
        lines.clone(),
    );
    // Submitted by the payer on the physician's behalf, so that the physician's balance
    // changes by the payment alone (a submitter pays the transaction fee).
    let first = demo
        .tx(&payer, &submit, 0)
        .await?
        .map_err(|e| format!("submit_claim: {e:?}"))?;
    let claim = demo
        .read(&payer, &claims.claim(first))
        .await?
        .ok_or("claim missing")?;
    println!("    {}", describe(&claim));
    let after = demo.client.free_balance(id(&physician)).await?;
    ensure(claim.status == ClaimStatus::Paid, "the claim to be paid")?;
    // 99213: allowed 12000 (fee schedule); deductible 5000, copay 2500, 20 % of the
    // remaining 4500 = 900: the payer pays 3600. 80053: allowed 4500; copay 2500, 20 % of
    // 2000 = 400: the payer pays 1600.
    let amounts: Vec<_> = claim
        .lines
        .iter()
        .map(|l| (l.allowed, l.payer_amount, l.member_amount))
        .collect();
    ensure(
        amounts == [(12_000, 3_600, 8_400), (4_500, 1_600, 2_900)]
            && (claim.allowed, claim.payer_amount, claim.member_amount) == (16_500, 5_200, 11_300),
        "the lines priced by the plan's terms: payer 3600 + 1600, patient 8400 + 2900",
    )?;
    ensure(
        after == before + claim.payer_amount,
        "the physician's balance to grow by the payer's amount",
    )?;
    println!(
        "    the physician's balance grew by {} (from {before} to {after})",
        after - before
    );

    step("The physician submits the same claim again: a duplicate");
    let again = demo
        .tx(&physician, &submit, 0)
        .await?
        .map_err(|e| format!("submit_claim: {e:?}"))?;
    let claim = demo
        .read(&payer, &claims.claim(again))
        .await?
        .ok_or("claim missing")?;
    println!("    {}", describe(&claim));
    ensure(
        claim.denial == Some(Carc::Duplicate),
        "the duplicate to be denied with CARC 18",
    )?;

    step("Emergency: a licensed nurse opens break-glass access");
    let grant = demo
        .tx(&nurse, &consents.open_break_glass(id(&patient), 1), 0)
        .await?
        .map_err(|e| format!("open_break_glass: {e:?}"))?;
    println!("    break-glass grant #{grant} for the nurse (purpose EmergencyTreatment only)");
    demo.tx(
        &nurse,
        &consents.access_record(id(&patient), record, Purpose::EmergencyTreatment),
        0,
    )
    .await?
    .map_err(|e| format!("emergency access: {e:?}"))?;
    let refused = demo
        .read(&stranger, &consents.open_break_glass(id(&patient), 1))
        .await?;
    ensure(
        refused == Err(ConsentError::CredentialCheckFailed),
        "break-glass by an unlicensed account to be refused (CredentialCheckFailed)",
    )?;
    println!("    the unlicensed account tries break-glass: refused with {refused:?}");
    let log = demo
        .read(&patient, &consents.access_log(id(&patient), 0, 50))
        .await?;
    println!("    the patient's access log:");
    for entry in &log {
        let emergency = entry
            .emergency
            .map(|g| format!(" under break-glass grant #{g}"))
            .unwrap_or_default();
        let record = entry
            .record
            .map(|r| format!(" record #{r}"))
            .unwrap_or_default();
        println!(
            "      {} {:?}{record}{emergency}",
            demo.name(&entry.accessor),
            entry.purpose
        );
    }
    ensure(
        log.iter()
            .any(|e| e.accessor == id(&nurse) && e.emergency == Some(grant)),
        "the nurse's emergency access in the log",
    )?;
    demo.tx(&patient, &consents.acknowledge_break_glass(grant), 0)
        .await?
        .map_err(|e| format!("acknowledge_break_glass: {e:?}"))?;
    println!("    the patient acknowledged grant #{grant}");

    step("The patient revokes the payer's consent: the next claim is denied");
    demo.tx(&patient, &consents.revoke(payment), 0)
        .await?
        .map_err(|e| format!("revoke: {e:?}"))?;
    println!("    consent #{payment} revoked");
    let revoked_at = demo
        .read(&patient, &consents.consent(payment))
        .await?
        .and_then(|c| c.revoked_at)
        .ok_or("consent not revoked")?;
    let follow_up = claims.submit_claim(
        plan,
        id(&patient),
        id(&physician),
        revoked_at,
        vec![lines[0]],
    );
    let denied = demo
        .tx(&physician, &follow_up, 0)
        .await?
        .map_err(|e| format!("submit_claim: {e:?}"))?;
    let claim = demo
        .read(&payer, &claims.claim(denied))
        .await?
        .ok_or("claim missing")?;
    println!("    {}", describe(&claim));
    ensure(
        claim.denial == Some(Carc::ConsentAbsent),
        "the claim to be denied with CARC 197",
    )?;

    step("A recall freezes the batch");
    demo.tx(&manufacturer, &drugs.recall(batch, 2), 0)
        .await?
        .map_err(|e| format!("recall: {e:?}"))?;
    println!("    the manufacturer recalled batch #{batch}");
    let refused = demo
        .read(&pharmacy, &drugs.dispense(batch, 1, None))
        .await?;
    ensure(
        refused == Err(DrugError::Recalled),
        "dispensing a recalled batch to be refused (Recalled)",
    )?;
    println!("    the pharmacy tries to dispense: refused with {refused:?}");
    let verification = demo.read(&stranger, &drugs.verify(GTIN, lot)).await?;
    ensure(
        verification.status == VerificationStatus::Recalled,
        "the batch to verify as recalled",
    )?;
    println!("    verify(GTIN, lot): {:?}", verification.status);
    Ok(())
}
