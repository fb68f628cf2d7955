//! The store's guarantees on both databases (SQLite, and a throwaway PostgreSQL cluster):
//! blocks stored whole and once, a replay refused without a change, a database of another
//! suite refused, events the metadata does not describe kept raw and reported, the same
//! history giving the same rows whatever the commit size and the database. Events are
//! built from the release metadata of `claims_adjudication` (scripts/build-contracts.sh).

#[path = "support/postgres.rs"]
mod postgres;

use indexer::block::{BlockData, RawEvent};
use indexer::store::{Error, Store};
use indexer::suite::Suite;

const CLAIMS: [u8; 32] = [8; 32];
const STRANGER_CONTRACT: [u8; 32] = [9; 32];
const RECIPIENT: [u8; 32] = [0x44; 32];

fn metadata() -> std::path::PathBuf {
    suite_client::bundle("claims_adjudication", "json")
}

fn suite() -> Suite {
    let path = metadata();
    Suite::new(&[("claims_adjudication".to_string(), CLAIMS, path.as_path())])
        .expect("the release metadata (scripts/build-contracts.sh claims_adjudication)")
}

/// The signature topic of the metadata's event `label`.
fn signature(label: &str) -> [u8; 32] {
    let text = std::fs::read_to_string(metadata()).expect("metadata");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let topic = json["spec"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|event| event["label"] == label)
        .and_then(|event| event["signature_topic"].as_str())
        .expect("the event");
    let bytes = suite_client::unhex(topic).expect("hex");
    <[u8; 32]>::try_from(bytes.as_slice()).expect("32 bytes")
}

/// `SurplusRecovered { to: RECIPIENT, amount }`, as the contract emits it.
fn surplus(index: u32, amount: u128) -> RawEvent {
    let mut data = RECIPIENT.to_vec();
    data.extend(amount.to_le_bytes());
    RawEvent {
        index,
        extrinsic: Some(1),
        contract: CLAIMS,
        topics: vec![signature("SurplusRecovered"), RECIPIENT],
        data,
    }
}

/// `ClaimVoided { claim, replaced_by: None, by: RECIPIENT }`.
fn voided(index: u32, claim: u64) -> RawEvent {
    let mut data = claim.to_le_bytes().to_vec();
    data.push(0);
    data.extend(RECIPIENT);
    let mut claim_topic = [0u8; 32];
    claim_topic[..8].copy_from_slice(&claim.to_le_bytes());
    RawEvent {
        index,
        extrinsic: Some(2),
        contract: CLAIMS,
        topics: vec![signature("ClaimVoided"), claim_topic],
        data,
    }
}

/// The history the tests store: decoded events, one the metadata does not know, one of
/// a contract that is not the suite's, and a block without events.
fn history() -> Vec<BlockData> {
    let block = |number: u64, events| BlockData {
        number,
        hash: [u8::try_from(number).expect("small"); 32],
        parent_hash: None,
        timestamp_ms: 1_700_000_000_000 + number * 6_000,
        events,
    };
    vec![
        block(
            3,
            vec![
                surplus(4, 1_000_000_000_000_000_000_000_000),
                RawEvent {
                    index: 5,
                    extrinsic: Some(1),
                    contract: CLAIMS,
                    topics: vec![[0xAB; 32]],
                    data: vec![1, 2, 3],
                },
                RawEvent {
                    contract: STRANGER_CONTRACT,
                    ..surplus(6, 1)
                },
            ],
        ),
        block(4, vec![]),
        block(7, vec![voided(2, 9)]),
    ]
}

async fn check(url: &str) -> Vec<String> {
    let store = Store::open(url).await.expect("opened");
    let suite = suite();
    store
        .claim_suite(&suite.fingerprint())
        .await
        .expect("claimed");
    let blocks = history();
    assert_eq!(
        indexer::backfill(&store, &suite, &blocks, Some(4), 1)
            .await
            .expect("stored"),
        2
    );
    assert_eq!(
        store.cursor().await.expect("cursor").map(|c| c.block),
        Some(4)
    );
    let partial = store.dump().await.expect("dump");
    assert_eq!(
        indexer::backfill(&store, &suite, &blocks, None, 64)
            .await
            .expect("resumed"),
        1,
        "a second run stores only the blocks above the cursor"
    );
    let full = store.dump().await.expect("dump");
    assert!(full.len() > partial.len());

    // A block at or below the cursor is refused and changes nothing.
    let replay = indexer::store::IndexedBlock::new(&blocks[2], &suite);
    match store.apply(&[replay]).await {
        Err(Error::Replayed {
            block: 7,
            cursor: 7,
        }) => {}
        other => panic!("the replay was not refused: {other:?}"),
    }
    assert_eq!(store.dump().await.expect("dump"), full);

    // Another suite's indexer may not write here.
    match store.claim_suite("claims_adjudication=0x00").await {
        Err(Error::OtherSuite { .. }) => {}
        other => panic!("another suite was not refused: {other:?}"),
    }

    let status = store.status().await.expect("status");
    assert_eq!(status["complete_through_block"], 7);
    assert_eq!(
        status["events"], 3,
        "the stranger contract's event is not the suite's"
    );
    assert_eq!(status["events_not_read"], 1);
    let why = status["first_events_not_read"][0]["error"]
        .as_str()
        .expect("a reason");
    assert!(
        why.contains("no event with signature topic 0xabab"),
        "{why}"
    );
    let decoded = full
        .iter()
        .find(|line| line.contains("SurplusRecovered"))
        .expect("the decoded event");
    assert!(
        decoded.contains(r#"\"amount\":\"1000000000000000000000000\""#),
        "a balance past 2^53 is a decimal string: {decoded}"
    );
    full
}

#[tokio::test]
async fn sqlite_and_postgresql_store_the_same_history_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = format!("sqlite://{}", dir.path().join("index.db").display());
    let sqlite = check(&file).await;

    // A reader opens an existing database only, and changes nothing.
    let missing = dir.path().join("missing.db");
    let refused = Store::open_existing(&format!("sqlite://{}", missing.display())).await;
    assert!(refused.is_err(), "a missing database was opened");
    assert!(!missing.exists(), "a reader created a database");
    let reader = Store::open_existing(&file)
        .await
        .expect("an existing database");
    assert_eq!(reader.dump().await.expect("dump"), sqlite);

    // Reopened, the file resumes at its cursor.
    let store = Store::open(&file).await.expect("reopened");
    assert_eq!(
        store.cursor().await.expect("cursor").map(|c| c.block),
        Some(7)
    );
    assert_eq!(store.dump().await.expect("dump"), sqlite);

    // Projected again from the stored events (the two decoded ones): the same rows.
    assert_eq!(
        store.projections_version().await.expect("version"),
        Some(indexer::store::PROJECTIONS)
    );
    assert_eq!(store.reproject().await.expect("reprojected"), 2);
    assert_eq!(store.dump().await.expect("dump"), sqlite);

    // One commit of everything gives the rows of one commit per block.
    let memory = Store::open("sqlite::memory:").await.expect("opened");
    let suite = suite();
    memory
        .claim_suite(&suite.fingerprint())
        .await
        .expect("claimed");
    indexer::backfill(&memory, &suite, &history(), None, 1000)
        .await
        .expect("stored");
    assert_eq!(memory.dump().await.expect("dump"), sqlite);

    if let Some(cluster) = postgres::Postgres::start() {
        assert_eq!(
            check(&cluster.url).await,
            sqlite,
            "PostgreSQL's rows differ"
        );
    }
}

/// Block `number` (hash `[hash; 32]`) naming `[parent; 32]` as its parent.
fn linked(number: u64, hash: u8, parent: u8) -> BlockData {
    BlockData {
        number,
        hash: [hash; 32],
        parent_hash: Some([parent; 32]),
        timestamp_ms: 1_700_000_000_000 + number * 6_000,
        events: vec![surplus(1, u128::from(number))],
    }
}

#[tokio::test]
async fn a_block_after_a_missing_one_or_of_another_chain_is_refused_and_changes_nothing() {
    let store = Store::open("sqlite::memory:").await.expect("opened");
    let suite = suite();
    store
        .claim_suite(&suite.fingerprint())
        .await
        .expect("claimed");
    indexer::backfill(
        &store,
        &suite,
        &[linked(1, 1, 0), linked(2, 2, 1)],
        None,
        64,
    )
    .await
    .expect("stored");
    let before = store.dump().await.expect("dump");
    // The line of block 3 is missing from the file.
    match indexer::backfill(&store, &suite, &[linked(4, 4, 3)], None, 64).await {
        Err(Error::Gap {
            block: 4,
            cursor: 2,
        }) => {}
        other => panic!("a gap was not refused: {other:?}"),
    }
    // A block 3 whose parent is not the block 2 stored.
    match indexer::backfill(&store, &suite, &[linked(3, 3, 9)], None, 64).await {
        Err(Error::OtherChain { block: 3 }) => {}
        other => panic!("another chain's block was not refused: {other:?}"),
    }
    // A file holding another block 2 than the one stored, even without parent hashes.
    let mut other = linked(2, 7, 1);
    other.parent_hash = None;
    let mut next = linked(3, 3, 7);
    next.parent_hash = None;
    match indexer::backfill(&store, &suite, &[other, next], None, 64).await {
        Err(Error::OtherChain { block: 2 }) => {}
        other => panic!("another chain's file was not refused: {other:?}"),
    }
    assert_eq!(store.dump().await.expect("dump"), before);
    // Within one commit the second block must follow the first, too.
    match indexer::backfill(
        &store,
        &suite,
        &[linked(3, 3, 2), linked(5, 5, 4)],
        None,
        64,
    )
    .await
    {
        Err(Error::Gap {
            block: 5,
            cursor: 3,
        }) => {}
        other => panic!("a gap inside a commit was not refused: {other:?}"),
    }
    assert_eq!(store.dump().await.expect("dump"), before);
    indexer::backfill(&store, &suite, &[linked(3, 3, 2)], None, 64)
        .await
        .expect("the next block of the same chain");
    assert_eq!(
        store.block_at_or_below(9).await.expect("read"),
        Some((3, [3; 32]))
    );
}
