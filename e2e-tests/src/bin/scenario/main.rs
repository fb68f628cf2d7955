//! The demo scenario of `scripts/run-local.sh`: one realistic day of the healthcare suite
//! as real signed transactions on a local node, against the contracts recorded in a
//! deployment file of `scripts/deploy.sh`.
//!
//! Usage: `scenario [deployments/local.json]` (on the deployment's node), or
//! `scenario --sandbox` (no node needed: the same release `.wasm` deployed as
//! `scripts/deploy.sh` deploys them, on drink's pallet-contracts in this process, and the
//! same story; `scripts/run-local.sh` plays it this way while the node is being built).
//! `scenario --sandbox --index URL… [--replay-out FILE] [--bulk N]` then feeds the chain's
//! events to the indexer's databases and compares them with the contracts (`index.rs`);
//! `--bulk N` first adds a long history of N claims and more (`bulk.rs`).
//!
//! `//Alice` (the deployer, appointed issuer and regulator by `deploy.sh`) acts as the
//! licensing authority and the regulator; every other party is a new account funded by
//! Alice, so the scenario can run again and again against the same deployment. Remote
//! monitoring (`monitoring.rs`) comes before the payer's consent is revoked; the story
//! ends with a short clinical trial (`trial.rs`). Each step
//! prints what was done, its result and the contract events it emitted; every expected
//! outcome is checked, and the program exits non-zero when one is not met.

use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimLine, ClaimRequest, ClaimStatus, ClaimsAdjudication, Coverage, PlanTerms,
};
use consent_registry::consent_registry::{
    ConsentKind, ConsentRegistry, ConsentRequest, Error as ConsentError,
};
use drug_provenance::drug_provenance::{
    BatchRequest, DrugProvenance, Error as DrugError, VerificationStatus,
};
use e2e_tests::fixtures::{batch as batch_request, gtin_of, line, payment_consent};
use healthcare_traits::{
    CredentialKind, CredentialVerifier, DataCategories, DataCategory, Purpose, PurposeSet, DAY,
};
use ink::primitives::{AccountId, Hash};
use ink_e2e::{alice, create_call_builder, Keypair};
use staff_credentials::staff_credentials::{CredentialRequest, StaffCredentials};
use std::process::ExitCode;
use suite_client::{account_of, ss58, Deployment, Outcome, Session};

mod bulk;
mod index;
mod monitoring;
mod trial;

/// Balance given to each new party (the dev chain's unit is 10^12).
const FUNDING: u128 = 1_000_000_000_000_000;

/// The suite's currency on chain: 10^8 planck to the cent, the scale of the claims tool
/// (`--per-cent`) and of the dApp (`app/src/money.ts`), so that the demo's prices read as
/// dollars there ($1.00 is 10^10 planck, 0.01 of the dev chain's unit).
const CENT: u128 = 100_000_000;

/// The wholesaler's price per unit: $1.00.
const UNIT_PRICE: u128 = 100 * CENT;

/// A price as dollars and cents (`$120.00`), or with the planck beyond a cent.
fn dollars(planck: u128) -> String {
    let cents = planck / CENT;
    let rest = planck % CENT;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let text = format!("${grouped}.{:02}", cents % 100);
    if rest == 0 {
        text
    } else {
        format!("{text} and {rest} planck")
    }
}

/// What `--sandbox` may add: databases to index the chain into, a replay file, and a
/// long history after the demo.
#[derive(Default)]
struct IndexArgs {
    urls: Vec<String>,
    replay_out: Option<std::path::PathBuf>,
    bulk: u32,
    bulk_custody: u32,
}

fn index_args(args: &[String]) -> Outcome<IndexArgs> {
    let mut out = IndexArgs::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("{arg} needs a value"))?
            .clone();
        match arg.as_str() {
            "--index" => out.urls.push(value),
            "--replay-out" => out.replay_out = Some(value.into()),
            "--bulk-custody" => {
                out.bulk_custody = value
                    .parse()
                    .map_err(|_| format!("--bulk-custody {value}: a number of shipments"))?
            }
            "--bulk" => {
                out.bulk = value
                    .parse()
                    .map_err(|_| format!("--bulk {value}: a number of claims"))?
            }
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = match args.first().map(String::as_str) {
        Some("--sandbox") => suite_client::block_on(async {
            let index = index_args(&args[1..])?;
            let journal = (!index.urls.is_empty() || index.replay_out.is_some())
                .then(e2e_tests::in_process::Journal::default);
            let mut demo = in_process(journal.clone())?;
            scenario(&mut demo).await?;
            if index.bulk > 0 {
                bulk::history(&mut demo, index.bulk).await?;
            }
            if index.bulk_custody > 0 {
                bulk::custody(&mut demo, index.bulk_custody).await?;
            }
            if let Some(journal) = journal {
                step("The indexer: every block of this chain into its databases, compared with the contracts");
                let recorded = journal
                    .lock()
                    .map_err(|_| "the journal's lock was poisoned")?
                    .clone();
                let blocks = e2e_tests::indexed::blocks(&recorded);
                index::check(&mut demo, &blocks, &index.urls, index.replay_out.as_deref()).await?;
            }
            Ok(())
        }),
        Some("--check-index") => suite_client::block_on(async {
            let url = args
                .get(1)
                .ok_or("--check-index needs the database's URL")?;
            let path = args.get(2).map_or("deployments/local.json", String::as_str);
            let deployment = Deployment::load(std::path::Path::new(path))?;
            let mut demo = Session::connect(deployment, &[]).await?;
            step("The indexer's database against the node's contracts");
            index::check_store(&mut demo, url).await
        }),
        path => {
            if args.len() > 1 {
                eprintln!(
                    "usage: scenario [DEPLOYMENT] | scenario --sandbox [--index URL]… \
                     [--replay-out FILE] [--bulk N] [--bulk-custody N] | \
                     scenario --check-index URL [DEPLOYMENT]"
                );
                return ExitCode::FAILURE;
            }
            let path = path.unwrap_or("deployments/local.json").to_string();
            suite_client::block_on(async {
                let deployment = Deployment::load(std::path::Path::new(&path))?;
                let mut demo = Session::connect(deployment, &[]).await?;
                scenario(&mut demo).await
            })
        }
    };
    match run {
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

/// The suite deployed on the in-process chain, as `scripts/deploy.sh` deploys it (//Alice
/// the deployer, issuer and regulator; the local 10 s time lock).
fn in_process(journal: Option<e2e_tests::in_process::Journal>) -> Outcome<Session> {
    e2e_tests::wasm_paths(&e2e_tests::CONTRACTS)?;
    let (chain, contracts) = match journal {
        Some(journal) => e2e_tests::in_process::Chain::with_suite_recorded(id(&alice()), journal)?,
        None => e2e_tests::in_process::Chain::with_suite(id(&alice()))?,
    };
    let deployment = Deployment::in_process(&contracts)?;
    Ok(Session::in_process(deployment, Box::new(chain)))
}

fn now_ms() -> Outcome<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis()
        .try_into()?)
}

fn id(keypair: &Keypair) -> AccountId {
    account_of(keypair)
}

fn ensure(condition: bool, what: &str) -> Outcome<()> {
    if condition {
        Ok(())
    } else {
        Err(format!("expected {what}").into())
    }
}

/// A new party: an account funded by //Alice, named for the printed story.
async fn party(demo: &mut Session, role: &str) -> Outcome<Keypair> {
    let keypair = demo.fund(&alice(), FUNDING).await?;
    let account = id(&keypair);
    println!("    {role:<22} {}", ss58(&account));
    demo.names.insert(account, role.to_string());
    Ok(keypair)
}

/// A credential the licensing authority issues: verified yesterday, valid from 30 days
/// ago for two years.
fn licence(
    subject: AccountId,
    kind: CredentialKind,
    identifier: &[u8],
    jurisdiction: [u8; 2],
    now: u64,
) -> CredentialRequest {
    CredentialRequest {
        subject,
        kind,
        jurisdiction,
        specialty: None,
        identifier: identifier.to_vec(),
        valid_from: now - 30 * DAY,
        valid_until: now + 2 * 365 * DAY,
        evidence_hash: Hash::from([7; 32]),
        verified_at: now - DAY,
    }
}

/// The demo's plan: deductible $50.00, copay $25.00, coinsurance 20 %, out-of-pocket
/// maximum $3,000.00, 90 days to file, review above $5,000.00, a year that began 100 days
/// ago.
fn plan_terms(now: u64) -> PlanTerms {
    PlanTerms {
        deductible: 5_000 * CENT,
        copay: 2_500 * CENT,
        coinsurance_bps: 2_000,
        oop_max: 300_000 * CENT,
        timely_filing: 90 * DAY,
        review_threshold: 500_000 * CENT,
        year_start: now - 100 * DAY,
        max_units: 100,
    }
}

fn step(text: &str) {
    println!("\n==> {text}");
}

fn describe(claim: &Claim) -> String {
    let mut text = format!(
        "claim #{} {:?}: billed {}, allowed {}, payer pays {}, patient owes {}",
        claim.id,
        claim.status,
        dollars(claim.billed),
        dollars(claim.allowed),
        dollars(claim.payer_amount),
        dollars(claim.member_amount)
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
            .map(|a| format!("{:?}-{} {}", a.group, a.reason.code(), dollars(a.amount)))
            .collect();
        text.push_str(&format!(
            "\n        line {procedure}: billed {}, allowed {}, payer {}, patient {}, adjustments [{}]",
            dollars(line.line.billed),
            dollars(line.allowed),
            dollars(line.payer_amount),
            dollars(line.member_amount),
            adjustments.join(", ")
        ));
    }
    text
}

async fn scenario(demo: &mut Session) -> Outcome<()> {
    println!("Healthcare suite scenario on {}", demo.deployment.url);
    for (name, contract) in &demo.deployment.contracts {
        println!("    {name:<22} {}", ss58(&contract.address));
    }
    let authority = alice();
    demo.names
        .insert(id(&authority), "licensing authority".into());
    let mut creds =
        create_call_builder::<StaffCredentials>(demo.deployment.address("staff_credentials")?);
    let mut consents =
        create_call_builder::<ConsentRegistry>(demo.deployment.address("consent_registry")?);
    let mut drugs =
        create_call_builder::<DrugProvenance>(demo.deployment.address("drug_provenance")?);
    let mut claims =
        create_call_builder::<ClaimsAdjudication>(demo.deployment.address("claims_adjudication")?);
    let kinds = demo
        .read(&authority, &creds.issuer_kinds(id(&authority)))
        .await?;
    ensure(
        kinds.is_some(),
        "//Alice to be an issuer of staff_credentials (deploy with scripts/deploy.sh defaults)",
    )?;

    step("New parties, each a fresh account funded by //Alice");
    let manufacturer = party(demo, "manufacturer").await?;
    let wholesaler = party(demo, "wholesaler").await?;
    let pharmacy = party(demo, "pharmacy").await?;
    let physician = party(demo, "physician (provider)").await?;
    let other_physician = party(demo, "physician the patient never saw").await?;
    let nurse = party(demo, "emergency nurse").await?;
    let payer = party(demo, "payer").await?;
    let patient = party(demo, "patient").await?;
    let stranger = party(demo, "unlicensed account").await?;
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
        (
            &other_physician,
            CredentialKind::MedicalLicence,
            b"A-551020",
        ),
        (&nurse, CredentialKind::NursingLicence, b"RN-771203"),
        (&payer, CredentialKind::PayerLicence, b"INS-20931"),
    ];
    for (holder, kind, identifier) in licences {
        let jurisdiction = if kind == CredentialKind::NpiRegistration {
            *b"US"
        } else {
            *b"CA"
        };
        let issue = creds.issue(licence(id(holder), kind, identifier, jurisdiction, now));
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

    step("The regulator assigns a GS1 company prefix; the manufacturer registers a batch");
    // A fresh prefix per run, so that the scenario can run again on the same chain.
    let prefix = format!("9{:08}", (now / 1_000) % 100_000_000).into_bytes();
    let gtin = gtin_of(&prefix, b"001").ok_or("a GTIN of the prefix")?;
    demo.tx(
        &authority,
        &drugs.assign_prefix(prefix.clone(), id(&manufacturer)),
        0,
    )
    .await?
    .map_err(|e| format!("assign_prefix: {e:?}"))?;
    println!(
        "    prefix {} assigned to the manufacturer",
        String::from_utf8_lossy(&prefix)
    );
    let lot = format!("L{}", now % 100_000_000).into_bytes();
    let lot_text = String::from_utf8_lossy(&lot).to_string();
    let register = drugs.register_batch(BatchRequest {
        gtin,
        ..batch_request(&lot, 1_000, now)
    });
    let batch = demo
        .tx(&manufacturer, &register, 0)
        .await?
        .map_err(|e| format!("register_batch: {e:?}"))?;
    println!(
        "    batch #{batch}: GTIN {} lot {lot_text}, 1000 units, 2-8 °C",
        String::from_utf8_lossy(&gtin)
    );

    step("The batch moves down the supply chain, the pharmacy paying on receipt");
    let refused = demo
        .read(&manufacturer, &drugs.ship(batch, id(&stranger), 10, None))
        .await?;
    ensure(
        refused == Err(DrugError::RecipientNotLicensed),
        "shipping to an unlicensed account to be refused (RecipientNotLicensed)",
    )?;
    println!("    ship 10 units to the unlicensed account: refused with {refused:?}");
    let shipment = demo
        .tx(
            &manufacturer,
            &drugs.ship(batch, id(&wholesaler), 400, None),
            0,
        )
        .await?
        .map_err(|e| format!("ship: {e:?}"))?;
    println!("    shipment #{shipment}: 400 units to the wholesaler");
    demo.tx(&wholesaler, &drugs.receive(shipment, 400), 0)
        .await?
        .map_err(|e| format!("receive: {e:?}"))?;
    println!("    the wholesaler received shipment #{shipment}");
    let shipment = demo
        .tx(
            &wholesaler,
            &drugs.ship(batch, id(&pharmacy), 40, Some(UNIT_PRICE)),
            0,
        )
        .await?
        .map_err(|e| format!("ship: {e:?}"))?;
    println!(
        "    shipment #{shipment}: 40 units to the pharmacy at {} per unit",
        dollars(UNIT_PRICE)
    );
    let early = demo.read(&pharmacy, &drugs.receive(shipment, 40)).await?;
    ensure(
        early == Err(DrugError::PaymentNotEscrowed),
        "receiving before paying into escrow to be refused (PaymentNotEscrowed)",
    )?;
    let seller_before = demo.balance(id(&wholesaler)).await?;
    demo.tx(&pharmacy, &drugs.escrow_payment(shipment), 40 * UNIT_PRICE)
        .await?
        .map_err(|e| format!("escrow_payment: {e:?}"))?;
    println!("    the pharmacy escrowed {}", dollars(40 * UNIT_PRICE));
    demo.tx(&pharmacy, &drugs.receive(shipment, 40), 0)
        .await?
        .map_err(|e| format!("receive: {e:?}"))?;
    let paid = demo
        .balance(id(&wholesaler))
        .await?
        .saturating_sub(seller_before);
    ensure(
        paid == 40 * UNIT_PRICE,
        "the wholesaler to be paid 40 units' price on receipt",
    )?;
    println!("    received; the wholesaler was paid {paid}");
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
    demo.tx(&pharmacy, &drugs.destroy(batch, 1, 3), 0)
        .await?
        .map_err(|e| format!("destroy: {e:?}"))?;
    println!("    the pharmacy destroyed 1 damaged unit (reason code 3)");
    let verification = demo
        .read(&stranger, &drugs.verify(gtin, lot.clone()))
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
    let name = consents.add_care_provider(id(&patient), id(&physician), now - 30 * DAY);
    let care = demo
        .tx(&patient, &name, 0)
        .await?
        .map_err(|e| format!("add_care_provider: {e:?}"))?;
    println!("    care relationship #{care}: the patient names the physician as a care provider, once, from the first visit 30 days ago (claims from providers the patient never named are not paid)");
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
    let create = claims.create_plan(plan_terms(now));
    let plan = demo
        .tx(&payer, &create, 0)
        .await?
        .map_err(|e| format!("create_plan: {e:?}"))?;
    println!("    plan #{plan}: deductible $50.00, copay $25.00, coinsurance 20 %, out-of-pocket max $3,000.00 (10^8 planck to the cent, the claims tool's and the app's scale)");
    demo.tx(
        &payer,
        &claims.set_fees(
            plan,
            vec![
                (*b"99213", Some(12_000 * CENT)),
                (*b"80053", Some(4_500 * CENT)),
            ],
        ),
        0,
    )
    .await?
    .map_err(|e| format!("set_fees: {e:?}"))?;
    println!("    fee schedule: 99213 (office visit) $120.00, 80053 (metabolic panel) $45.00");
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
        .tx(&payer, &claims.fund(plan), 1_000_000 * CENT)
        .await?
        .map_err(|e| format!("fund: {e:?}"))?;
    ensure(escrow == 1_000_000 * CENT, "an escrow of $10,000.00")?;
    println!("    escrow funded: {}", dollars(escrow));

    step("The payer submits the physician's claim; it is adjudicated and paid at once");
    // The diagnosis (E11.9) never goes on chain: each line carries a salted commitment.
    let lines: Vec<ClaimLine> = vec![line(b"99213", 15_000 * CENT), line(b"80053", 6_000 * CENT)];
    let claim_for = |service_date, lines: Vec<ClaimLine>| ClaimRequest {
        plan,
        member: id(&patient),
        provider: id(&physician),
        service_date,
        emergency: false,
        lines,
    };
    // The physician names the payer its relay (it submits the physician's 837s); no
    // payer can file a claim in a provider's name otherwise.
    demo.tx(&physician, &claims.set_corrector(id(&payer), true), 0)
        .await?
        .map_err(|e| format!("set_corrector: {e:?}"))?;
    let before = demo.balance(id(&physician)).await?;
    let submit = claims.submit_claim(claim_for(now - 3 * DAY, lines.clone()));
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
    let after = demo.balance(id(&physician)).await?;
    ensure(claim.status == ClaimStatus::Paid, "the claim to be paid")?;
    // 99213: allowed $120 (fee schedule); deductible $50, copay $25, 20 % of the
    // remaining $45 = $9: the payer pays $36. 80053: allowed $45; copay $25, 20 % of
    // $20 = $4: the payer pays $16.
    let amounts: Vec<_> = claim
        .lines
        .iter()
        .map(|l| (l.allowed, l.payer_amount, l.member_amount))
        .collect();
    ensure(
        amounts
            == [
                (12_000 * CENT, 3_600 * CENT, 8_400 * CENT),
                (4_500 * CENT, 1_600 * CENT, 2_900 * CENT),
            ]
            && (claim.allowed, claim.payer_amount, claim.member_amount)
                == (16_500 * CENT, 5_200 * CENT, 11_300 * CENT),
        "the lines priced by the plan's terms: payer $36.00 + $16.00, patient $84.00 + $29.00",
    )?;
    ensure(
        after == before + claim.payer_amount,
        "the physician's balance to grow by the payer's amount",
    )?;
    println!(
        "    the physician's balance grew by {} (from {before} to {after} planck)",
        dollars(after - before)
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

    step("A licensed physician the patient never named bills for the patient: not paid");
    let before_phantom = demo.balance(id(&other_physician)).await?;
    let phantom = claims.submit_claim(ClaimRequest {
        provider: id(&other_physician),
        ..claim_for(now - 2 * DAY, vec![lines[0]])
    });
    // It files the claim itself (it never named the payer its relay); it pays the
    // transaction fee, and is paid nothing.
    let phantom = demo
        .tx(&other_physician, &phantom, 0)
        .await?
        .map_err(|e| format!("submit_claim: {e:?}"))?;
    let claim = demo
        .read(&payer, &claims.claim(phantom))
        .await?
        .ok_or("claim missing")?;
    println!("    {}", describe(&claim));
    ensure(
        claim.denial == Some(Carc::NoCareRelationship)
            && claim.payer_amount == 0
            && demo.balance(id(&other_physician)).await? <= before_phantom,
        "a claim without a care relationship to be denied with CARC 242 and nothing paid",
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

    let device_maker = monitoring::remote_monitoring(
        demo,
        monitoring::Cast {
            physician: &physician,
            patient: &patient,
            payer: &payer,
            gateway: &stranger,
            plan,
        },
    )
    .await?;

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
    let follow_up = claims.submit_claim(claim_for(revoked_at, vec![lines[0]]));
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

    step("The pharmacy flags a suspect pack; the manufacturer answers; the regulator clears it");
    let investigation = demo
        .tx(&pharmacy, &drugs.flag_suspect(batch), 0)
        .await?
        .map_err(|e| format!("flag_suspect: {e:?}"))?;
    let frozen = demo
        .read(&pharmacy, &drugs.dispense(batch, 1, None))
        .await?;
    ensure(
        frozen == Err(DrugError::SuspectProduct),
        "the pharmacy's suspect units not to be dispensed (SuspectProduct)",
    )?;
    println!("    investigation #{investigation} opened; the pharmacy's units are frozen");
    demo.tx(
        &manufacturer,
        &drugs.respond_verification(investigation, true, Hash::from([0x0A; 32])),
        0,
    )
    .await?
    .map_err(|e| format!("respond_verification: {e:?}"))?;
    let answer = demo
        .read(&stranger, &drugs.investigation(investigation))
        .await?
        .ok_or("the investigation")?;
    ensure(
        answer.authentic == Some(true) && !answer.answered_late(),
        "the manufacturer to confirm the product within 24 hours",
    )?;
    println!("    the manufacturer confirmed the product as authentic, in time");
    demo.tx(
        &authority,
        &drugs.clear_suspicion(batch, Hash::from([0x0B; 32])),
        0,
    )
    .await?
    .map_err(|e| format!("clear_suspicion: {e:?}"))?;
    let cleared = demo
        .read(&pharmacy, &drugs.dispense(batch, 1, None))
        .await?;
    ensure(cleared == Ok(()), "the cleared units to be dispensable")?;
    println!("    the regulator cleared the suspicion; the pharmacy may dispense again");

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
    let verification = demo.read(&stranger, &drugs.verify(gtin, lot)).await?;
    ensure(
        verification.status == VerificationStatus::Recalled,
        "the batch to verify as recalled",
    )?;
    println!("    verify(GTIN, lot): {:?}", verification.status);

    trial::clinical_trial(
        demo,
        trial::Cast {
            physician: &physician,
            maker: &device_maker,
            patient: &patient,
            gateway: &stranger,
        },
    )
    .await
}
