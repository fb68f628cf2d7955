//! `scenario --sandbox --index URL …`: after the demo, every committed call of the
//! in-process chain (one block each, its contract events in order) goes through the
//! indexer into each database named (`sqlite::memory:`, `sqlite://FILE`,
//! `postgres://…`), and the indexer's rows are compared with the contracts' own answers:
//! every claim (`claim`: provider, member, plan, status, shares) and every batch's custody
//! history (`history`: each entry's kind, parties, quantity, reference, evidence and
//! time), both ways (nothing missing, nothing extra). The databases must hold the same
//! rows, the first written one block per commit and the others 64 blocks per commit.
//! `--replay-out FILE` also writes the blocks as a replay file (and `FILE.contracts.json`,
//! the contracts' addresses) for `indexer backfill`.

use claims_adjudication::claims_adjudication::{Claim, ClaimsAdjudication};
use drug_provenance::drug_provenance::{Batch, CustodyEvent, DrugProvenance};
use e2e_tests::Recorded;
use indexer::block::{BlockData, RawEvent};
use indexer::store::Store;
use indexer::suite::Suite;
use ink_e2e::{alice, create_call_builder};
use std::path::Path;
use suite_client::{ss58, Outcome, Session};

/// The journal as blocks: the n-th committed call is block n, at its call's time.
pub fn blocks(journal: &[Recorded]) -> Vec<BlockData> {
    (1u64..)
        .zip(journal)
        .map(|(number, recorded)| {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&number.to_be_bytes());
            BlockData {
                number,
                hash,
                timestamp_ms: recorded.time_ms,
                events: (0u32..)
                    .zip(&recorded.events)
                    .map(|(index, (contract, topics, data))| RawEvent {
                        index,
                        extrinsic: Some(0),
                        contract: <[u8; 32]>::from(contract.clone()),
                        topics: topics.clone(),
                        data: data.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

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
    let list: Vec<(String, [u8; 32], &Path)> = contracts
        .iter()
        .map(|(name, address, path)| (name.clone(), *address, path.as_path()))
        .collect();
    let suite = Suite::new(&list)?;
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
        let store = Store::open(url).await.map_err(text)?;
        store
            .claim_suite(&suite.fingerprint())
            .await
            .map_err(text)?;
        let per_commit = if n == 0 { 1 } else { 64 };
        indexer::backfill(&store, &suite, blocks, None, per_commit)
            .await
            .map_err(text)?;
        let (claims, batches, stopped) = compare(demo, &store).await?;
        let status = store.status().await.map_err(text)?;
        let dump = store.dump().await.map_err(text)?;
        println!(
            "    {}: {} events stored ({} not read) through block {}; {claims} claims and \
             {batches} custody histories equal to the contracts'{}",
            status["database"].as_str().unwrap_or("?"),
            status["events"],
            status["events_not_read"],
            status["complete_through_block"],
            if stopped > 0 {
                format!(" ({stopped} of them up to an entry the events do not describe)")
            } else {
                String::new()
            }
        );
        if status["events_not_read"] != 0 {
            return Err(format!(
                "the indexer could not read some of the suite's events: {}",
                status["first_events_not_read"]
            )
            .into());
        }
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

/// Compares the store's claims and custody with the contracts' answers; returns the
/// claims and batches compared and the batches whose projection stopped at a gap.
async fn compare(demo: &mut Session, store: &Store) -> Outcome<(usize, usize, usize)> {
    let reader = alice();
    let claims =
        create_call_builder::<ClaimsAdjudication>(demo.deployment.address("claims_adjudication")?);
    let drugs = create_call_builder::<DrugProvenance>(demo.deployment.address("drug_provenance")?);
    let stored = store.claims().await.map_err(text)?;
    let last = stored.last().map_or(0, |c| c.claim);
    let mut compared = 0usize;
    for id in 0..=last.saturating_add(1) {
        let on_chain: Option<Claim> = demo
            .read(&reader, &claims.claim(u64::try_from(id).map_err(text)?))
            .await?;
        let row = stored.iter().find(|c| c.claim == id);
        match (on_chain, row) {
            (None, None) => {}
            (Some(claim), Some(row)) => {
                let expected = (
                    i64::from(claim.plan),
                    ss58(&claim.provider),
                    ss58(&claim.member),
                    format!("{:?}", claim.status),
                    claim.payer_amount.to_string(),
                    claim.member_amount.to_string(),
                );
                let got = (
                    row.plan,
                    row.provider.clone(),
                    row.member.clone(),
                    row.status.clone(),
                    row.payer_amount.clone(),
                    row.member_amount.clone(),
                );
                if expected != got {
                    return Err(format!(
                        "claim {id}: the contract holds {expected:?}, the indexer {got:?}"
                    )
                    .into());
                }
                if row.payer.is_none() {
                    return Err(format!("claim {id}: the indexer has no payer for it").into());
                }
                compared = compared.saturating_add(1);
            }
            (on_chain, row) => {
                return Err(format!(
                    "claim {id}: on chain {}, in the indexer {}",
                    on_chain.is_some(),
                    row.is_some()
                )
                .into())
            }
        }
    }
    let mut batches = 0usize;
    let mut stopped = 0usize;
    for id in 0u64.. {
        let batch: Option<Batch> = demo.read(&reader, &drugs.batch(id)).await?;
        let key = i64::try_from(id).map_err(text)?;
        let stored = store.batch(key).await.map_err(text)?;
        let (batch, (length, gap)) = match (batch, stored) {
            (None, None) if id == 0 => continue,
            (None, None) => break,
            (Some(batch), Some(stored)) => (batch, stored),
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
        while u32::try_from(history.len()).map_err(text)? < batch.event_count {
            let offset = u32::try_from(history.len()).map_err(text)?;
            let page: Vec<CustodyEvent> =
                demo.read(&reader, &drugs.history(id, offset, 50)).await?;
            if page.is_empty() {
                break;
            }
            history.extend(page);
        }
        let steps = store.custody(key).await.map_err(text)?;
        let expected_len = if gap.is_some() {
            stopped = stopped.saturating_add(1);
            usize::try_from(length).map_err(text)?
        } else {
            history.len()
        };
        if steps.len() != expected_len || expected_len > history.len() {
            return Err(format!(
                "batch {id}: {} entries on chain, {} in the indexer (gap: {gap:?})",
                history.len(),
                steps.len()
            )
            .into());
        }
        for (entry, stored) in history.iter().zip(&steps) {
            let expected = (
                format!("{:?}", entry.kind),
                ss58(&entry.actor),
                entry.counterparty.as_ref().map(ss58),
                i64::try_from(entry.quantity).map_err(text)?,
                i64::try_from(entry.reference).map_err(text)?,
                entry.evidence.map(|h| suite_client::hex(h.as_ref())),
                i64::try_from(entry.at).map_err(text)?,
            );
            let got = (
                stored.step.kind.to_string(),
                stored.step.actor.clone(),
                stored.step.counterparty.clone(),
                stored.step.quantity,
                stored.step.reference,
                stored.step.evidence.clone(),
                stored.at_ms,
            );
            if expected != got {
                return Err(format!(
                    "batch {id} entry {}: the contract holds {expected:?}, the indexer {got:?}",
                    stored.seq
                )
                .into());
            }
        }
        batches = batches.saturating_add(1);
    }
    Ok((compared, batches, stopped))
}
