//! `demo-setup`: on a local dev node, a payer with a plan for the sample files' members
//! and providers, so that `submit` has someone to pay. Every party is a new account
//! derived from the dev seed (`//Alice//claims-demo-<nonce>//...`, funded by `//Alice`,
//! who `deploy.sh` made credential issuer): the payer (licensed), the providers of the
//! sample NPIs (medical licence and NPI registration), the members (each consents to the
//! payer for payment from 1 January 2026 and names both providers as care providers).
//! Writes `OUT/DIRECTORY.csv`, `OUT/PARTNERS.csv` (the sample files' sender sends for
//! both providers), `OUT/PAYER.json` (the demo payer's identity in its
//! remittances), `OUT/payer.secret` (the payer's secret URI, mode 0600)
//! and prints the plan id.

use crate::claim::{date_ms, Amounts};
use crate::directory::Directory;
use claims_adjudication::claims_adjudication::{ClaimsAdjudication, Coverage, PlanTerms};
use consent_registry::consent_registry::{ConsentKind, ConsentRegistry, ConsentRequest};
use healthcare_traits::{CredentialKind, DataCategories, DataCategory, Purpose, PurposeSet, DAY};
use ink::primitives::Hash;
use ink_e2e::{alice, create_call_builder, ChainBackend, Keypair};
use staff_credentials::staff_credentials::{CredentialRequest, StaffCredentials};
use std::path::Path;
use std::str::FromStr;
use suite_client::{account_of, ss58, Outcome, Session};

/// The sample files' members.
pub const MEMBERS: [&str; 6] = [
    "TMB1001", "TMB1002", "TMB1003", "TMB1004", "TMB1005", "TMB1006",
];
/// The sample files' valid NPIs.
pub const PROVIDERS: [&str; 2] = ["1234567893", "1987654328"];
/// The sample files' interchange sender (ISA06): the demo trading partner, sending for
/// both providers.
pub const SENDER: &str = "TESTSUBMIT";
/// The demo fee schedule in dollars: office visits, labs, ECG.
pub const FEES: [(&str, u128); 6] = [
    ("99213", 100),
    ("99214", 150),
    ("85025", 30),
    ("80053", 60),
    ("36415", 10),
    ("93000", 50),
];
/// 1 January 2026, 00:00 UTC: when coverage, consents and care relationships start.
pub const FROM: &str = "20260101";

fn keypair(uri: &str) -> Outcome<Keypair> {
    let uri =
        ink_e2e::subxt_signer::SecretUri::from_str(uri).map_err(|e| format!("secret URI: {e}"))?;
    Keypair::from_uri(&uri).map_err(|e| format!("key: {e}").into())
}

async fn fund(session: &mut Session, to: &Keypair, amount: u128) -> Outcome<()> {
    use ink_e2e::subxt::dynamic::Value;
    session
        .node()?
        .runtime_call(
            &alice(),
            "Balances",
            "transfer_keep_alive",
            vec![
                Value::unnamed_variant("Id", [Value::from_bytes(account_of(to))]),
                Value::u128(amount),
            ],
        )
        .await
        .map_err(|e| format!("funding: {e:?}"))?;
    Ok(())
}

/// Sets up the demo plan; returns its id.
pub async fn demo_setup(session: &mut Session, out: &Path, amounts: &Amounts) -> Outcome<u32> {
    let nonce: u64 = rand::random();
    let base = format!("//Alice//claims-demo-{nonce:016x}");
    let authority = alice();
    let from = date_ms(FROM).ok_or("start date")?;
    let now = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let dollars = |d: u128| amounts.units(d * 100).unwrap_or(u128::MAX);
    let unit: u128 = 1_000_000_000_000;
    let mut creds =
        create_call_builder::<StaffCredentials>(session.deployment.address("staff_credentials")?);
    let mut consents =
        create_call_builder::<ConsentRegistry>(session.deployment.address("consent_registry")?);
    let mut claims = create_call_builder::<ClaimsAdjudication>(
        session.deployment.address("claims_adjudication")?,
    );
    let mut directory = Directory::default();

    let payer_uri = format!("{base}//payer");
    let payer = keypair(&payer_uri)?;
    fund(session, &payer, 100_000 * unit).await?;
    let licence = |subject, kind, identifier: &str| CredentialRequest {
        subject,
        kind,
        jurisdiction: if kind == CredentialKind::NpiRegistration {
            *b"US"
        } else {
            *b"CA"
        },
        specialty: None,
        identifier: identifier.as_bytes().to_vec(),
        valid_from: from,
        valid_until: now + 5 * 365 * DAY,
        evidence_hash: Hash::from([7; 32]),
        verified_at: now - DAY,
    };
    session
        .tx(
            &authority,
            &creds.issue(licence(
                account_of(&payer),
                CredentialKind::PayerLicence,
                "INS-DEMO",
            )),
            0,
        )
        .await?
        .map_err(|e| format!("payer licence: {e:?}"))?;
    let mut providers = Vec::new();
    for npi in PROVIDERS {
        let provider = keypair(&format!("{base}//provider//{npi}"))?;
        fund(session, &provider, 10 * unit).await?;
        session
            .tx(
                &authority,
                &creds.issue(licence(
                    account_of(&provider),
                    CredentialKind::NpiRegistration,
                    npi,
                )),
                0,
            )
            .await?
            .map_err(|e| format!("NPI registration {npi}: {e:?}"))?;
        // The payer relays the provider's 837s, replacements and voids included.
        session
            .tx(
                &provider,
                &claims.set_corrector(account_of(&payer), true),
                0,
            )
            .await?
            .map_err(|e| format!("corrector of {npi}: {e:?}"))?;
        directory.add_provider(npi, account_of(&provider));
        providers.push(provider);
    }
    let plan = session
        .tx(
            &payer,
            &claims.create_plan(PlanTerms {
                deductible: dollars(200),
                copay: dollars(20),
                coinsurance_bps: 2_000,
                oop_max: dollars(2_000),
                timely_filing: 10 * 365 * DAY,
                review_threshold: dollars(1_000),
                year_start: from,
                // The most units one 837 service line may bill in the demo plan.
                max_units: 100,
            }),
            0,
        )
        .await?
        .map_err(|e| format!("create_plan: {e:?}"))?;
    let fees = FEES
        .iter()
        .map(|(code, fee)| {
            let code: [u8; 5] = code.as_bytes().try_into().unwrap_or(*b"00000");
            (code, Some(dollars(*fee)))
        })
        .collect();
    session
        .tx(&payer, &claims.set_fees(plan, fees), 0)
        .await?
        .map_err(|e| format!("set_fees: {e:?}"))?;
    for member_id in MEMBERS {
        let member = keypair(&format!("{base}//member//{member_id}"))?;
        fund(session, &member, 10 * unit).await?;
        let account = account_of(&member);
        session
            .tx(
                &payer,
                &claims.enroll(
                    plan,
                    account,
                    Coverage {
                        start: from,
                        end: None,
                    },
                ),
                0,
            )
            .await?
            .map_err(|e| format!("enroll {member_id}: {e:?}"))?;
        session
            .tx(
                &member,
                &consents.grant(ConsentRequest {
                    patient: account,
                    grantee: account_of(&payer),
                    kind: ConsentKind::Permit,
                    purposes: PurposeSet::of(&[Purpose::Payment]),
                    categories: DataCategories::of(&[DataCategory::Billing]),
                    valid_from: from,
                    valid_until: None,
                }),
                0,
            )
            .await?
            .map_err(|e| format!("consent of {member_id}: {e:?}"))?;
        for provider in &providers {
            session
                .tx(
                    &member,
                    &consents.add_care_provider(account, account_of(provider), from),
                    0,
                )
                .await?
                .map_err(|e| format!("care relationship of {member_id}: {e:?}"))?;
        }
        directory.add_member(member_id, account);
    }
    session
        .tx(&payer, &claims.fund(plan), 1_000 * unit)
        .await?
        .map_err(|e| format!("fund: {e:?}"))?;
    std::fs::create_dir_all(out)?;
    suite_client::write_atomically(&out.join("DIRECTORY.csv"), directory.to_csv().as_bytes())?;
    let mut partners = crate::partners::Partners::default();
    for npi in PROVIDERS {
        partners.add(SENDER, npi)?;
    }
    suite_client::write_atomically(&out.join("PARTNERS.csv"), partners.to_csv().as_bytes())?;
    let payer_identity = serde_json::to_string_pretty(&crate::payer::Payer::demo(plan))?;
    suite_client::write_atomically(&out.join("PAYER.json"), payer_identity.as_bytes())?;
    let secret = out.join("payer.secret");
    suite_client::write_atomically(&secret, format!("{payer_uri}\n").as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))?;
    }
    println!(
        "plan {plan}: payer {} (secret URI in {}), {} members, {} providers, escrow 1000 units of the chain",
        ss58(&account_of(&payer)),
        secret.display(),
        MEMBERS.len(),
        PROVIDERS.len()
    );
    Ok(plan)
}
