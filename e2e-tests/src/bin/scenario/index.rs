//! `scenario --sandbox --index URL …`: after the demo, every committed call of the
//! in-process chain (one block each, its contract events in order) goes through the
//! indexer into each database named (`sqlite::memory:`, `sqlite://FILE`,
//! `postgres://…`), and the indexer's rows are compared with the contracts' own answers:
//! every claim (`claim`: provider, member, plan, status, shares) and every batch's custody
//! history (`history`: each entry's kind, parties, quantity, reference, evidence and
//! time), both ways (nothing missing, nothing extra); every patient's access log
//! (`access_log`) and consents (`consents_of`, with their delegation terms), for every
//! patient the indexer knows and every account the scenario named. The databases must hold the same
//! rows, the first written one block per commit and the others 64 blocks per commit.
//! `--replay-out FILE` also writes the blocks as a replay file (and `FILE.contracts.json`,
//! the contracts' addresses) for `indexer backfill`.
//!
//! `scenario --check-index URL [DEPLOYMENT]` compares a database `indexer run` wrote from
//! a node with that node's contracts, the same way.

use claims_adjudication::claims_adjudication::{Claim, ClaimsAdjudication};
use consent_registry::consent_registry::{AccessEntry, Consent, ConsentRegistry, Term};
use drug_provenance::drug_provenance::{Batch, CustodyEvent, DrugProvenance};
use indexer::block::BlockData;
use indexer::store::Store;
use indexer::suite::Suite;
use ink_e2e::{alice, create_call_builder};
use std::path::Path;
use suite_client::{Outcome, Session};

/// Indexes `blocks` into each of `urls` and compares the rows with the contracts.
pub async fn check(
    demo: &mut Session,
    blocks: &[BlockData],
    urls: &[String],
    replay_out: Option<&Path>,
) -> Outcome<()> {
    let contracts: Vec<(String, [u8; 32], std::path::PathBuf)> = demo
        .deployment
        .contracts
        .iter()
        .map(|(name, c)| (name.clone(), *c.address.as_ref(), c.metadata.clone()))
        .collect();
    let suite = Suite::new(&contracts)?;
    if let Some(path) = replay_out {
        indexer::block::write_replay(path, blocks)?;
        let map: serde_json::Map<String, serde_json::Value> = contracts
            .iter()
            .map(|(name, address, _)| {
                (
                    name.clone(),
                    serde_json::Value::String(suite_client::hex(address)),
                )
            })
            .collect();
        let side = path.with_extension("contracts.json");
        std::fs::write(&side, serde_json::Value::Object(map).to_string())
            .map_err(|e| format!("{}: {e}", side.display()))?;
        println!(
            "    replay file: {} ({} blocks), contracts: {}",
            path.display(),
            blocks.len(),
            side.display()
        );
    }
    let mut first: Option<Vec<String>> = None;
    for (n, url) in urls.iter().enumerate() {
        let store = Store::open(url).await?;
        store.claim_suite(&suite.fingerprint()).await?;
        let per_commit = if n == 0 { 1 } else { 64 };
        indexer::backfill(&store, &suite, blocks, None, per_commit).await?;
        compare_and_report(demo, &store).await?;
        let dump = store.dump().await?;
        match &first {
            None => first = Some(dump),
            Some(rows) if *rows == dump => {}
            Some(rows) => {
                let differ = rows
                    .iter()
                    .zip(&dump)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("{a}\n    against\n{b}"))
                    .unwrap_or_else(|| format!("{} rows against {}", rows.len(), dump.len()));
                return Err(format!("{url} holds other rows than {}: {differ}", urls[0]).into());
            }
        }
    }
    Ok(())
}

/// Compares the indexer's database at `url` (written by `indexer run`) with the
/// contracts of `demo`'s deployment.
pub async fn check_store(demo: &mut Session, url: &str) -> Outcome<()> {
    let store = Store::open(url).await?;
    compare_and_report(demo, &store).await
}

/// Compares the store with the contracts, says so, and fails if the indexer could not
/// read an event of the suite.
async fn compare_and_report(demo: &mut Session, store: &Store) -> Outcome<()> {
    let (claims, batches) = compare(demo, store).await?;
    let (patients, entries) = compare_consents(demo, store).await?;
    let status = store.status().await?;
    println!(
        "    {}: {} events stored ({} not read) through block {}; {claims} claims, \
         {batches} custody histories and {patients} patients' access logs and consents \
         ({entries} entries) equal to the contracts'",
        status["database"].as_str().unwrap_or("?"),
        status["events"],
        status["events_not_read"],
        status["complete_through_block"],
    );
    if status["events_not_read"] != 0 {
        return Err(format!(
            "the indexer could not read some of the suite's events: {}",
            status["first_events_not_read"]
        )
        .into());
    }
    Ok(())
}

/// Compares the store's claims and custody with the contracts' answers; returns the
/// claims and batches compared.
async fn compare(demo: &mut Session, store: &Store) -> Outcome<(usize, usize)> {
    let reader = alice();
    let claims =
        create_call_builder::<ClaimsAdjudication>(demo.deployment.address("claims_adjudication")?);
    let drugs = create_call_builder::<DrugProvenance>(demo.deployment.address("drug_provenance")?);
    let stored = store.claims().await?;
    let last = stored.last().map_or(0, |c| c.claim);
    let mut compared = 0usize;
    for id in 0..=last.saturating_add(1) {
        let on_chain: Option<Claim> = demo
            .read(&reader, &claims.claim(u64::try_from(id)?))
            .await?;
        let row = stored.iter().find(|c| c.claim == id);
        if e2e_tests::indexed::same_claim(id, on_chain.as_ref(), row)? {
            compared = compared.saturating_add(1);
        }
    }
    let mut batches = 0usize;
    for id in 0u64.. {
        let batch: Option<Batch> = demo.read(&reader, &drugs.batch(id)).await?;
        let key = i64::try_from(id)?;
        let stored = store.batch(key).await?;
        let batch = match (batch, stored) {
            (None, None) if id == 0 => continue,
            (None, None) => break,
            (Some(batch), Some(_)) => batch,
            (batch, stored) => {
                return Err(format!(
                    "batch {id}: on chain {}, in the indexer {}",
                    batch.is_some(),
                    stored.is_some()
                )
                .into())
            }
        };
        let mut history: Vec<CustodyEvent> = Vec::new();
        while u32::try_from(history.len())? < batch.event_count {
            let offset = u32::try_from(history.len())?;
            let page: Vec<CustodyEvent> =
                demo.read(&reader, &drugs.history(id, offset, 50)).await?;
            if page.is_empty() {
                break;
            }
            history.extend(page);
        }
        let steps = store.custody(key).await?;
        e2e_tests::indexed::same_custody(id, &history, &steps)?;
        batches = batches.saturating_add(1);
    }
    Ok((compared, batches))
}

/// Compares every patient's access log and consents in the store with the registry's;
/// returns the patients with any and the entries compared.
async fn compare_consents(demo: &mut Session, store: &Store) -> Outcome<(usize, usize)> {
    let reader = alice();
    let registry =
        create_call_builder::<ConsentRegistry>(demo.deployment.address("consent_registry")?);
    let mut patients = store.patients().await?;
    for account in demo.names.keys() {
        let name = suite_client::ss58(account);
        if !patients.contains(&name) {
            patients.push(name);
        }
    }
    let (mut with_any, mut entries) = (0usize, 0usize);
    for patient in &patients {
        let who = suite_client::parse_account(patient)?;
        let mut log: Vec<AccessEntry> = Vec::new();
        loop {
            let offset = u32::try_from(log.len())?;
            let page = demo
                .read(&reader, &registry.access_log(who, offset, 50))
                .await?;
            if page.is_empty() {
                break;
            }
            log.extend(page);
        }
        let mut consents: Vec<(Consent, Option<Term>)> = Vec::new();
        loop {
            let offset = u32::try_from(consents.len())?;
            let page = demo
                .read(&reader, &registry.consents_of(who, offset, 50))
                .await?;
            if page.is_empty() {
                break;
            }
            for consent in page {
                let term = match consent.delegation {
                    Some(serial) => {
                        demo.read(
                            &reader,
                            &registry.delegation_term(who, consent.recorded_by, serial),
                        )
                        .await?
                    }
                    None => None,
                };
                consents.push((consent, term));
            }
        }
        e2e_tests::indexed::same_access(patient, &log, &store.access_log(patient).await?)?;
        e2e_tests::indexed::same_consents(patient, &consents, &store.consents_of(patient).await?)?;
        if !log.is_empty() || !consents.is_empty() {
            with_any = with_any.saturating_add(1);
            entries = entries
                .saturating_add(log.len())
                .saturating_add(consents.len());
        }
    }
    Ok((with_any, entries))
}
