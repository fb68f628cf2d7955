//! # indexer
//!
//! Follows the suite's contract events into a database that the read APIs (EPCIS 2.0,
//! FHIR R4, claims) query: every event of every suite contract decoded with its
//! contract's metadata ([`suite`], through `suite-events`), stored with its block in
//! **one transaction per commit** together with the projections ([`project`]) and the
//! cursor ([`store`]): nothing is lost or stored twice, whatever is killed when, and a
//! restart resumes after the last block stored. SQLite (a file) is the embedded default,
//! PostgreSQL the production store; one code path serves both.
//!
//! Blocks come from a node (finalized blocks) or from a replay file ([`block`]), the
//! same [`block::BlockData`] either way.

pub mod api;
pub mod block;
pub mod follow;
pub mod project;
pub mod source;
pub mod store;
pub mod suite;

use block::BlockData;
use store::Store;
use suite::Suite;

/// Stores the blocks of `blocks` above the store's cursor and up to `until` (all when
/// `None`), `per_commit` blocks per transaction; returns the number of blocks stored. A
/// file that holds the block at the cursor's height must hold the one stored (else it is
/// of another chain); a block naming its parent must follow the last block stored.
pub async fn backfill(
    store: &Store,
    suite: &Suite,
    blocks: &[BlockData],
    until: Option<u64>,
    per_commit: usize,
) -> store::Result<u64> {
    let cursor = store.cursor().await?;
    if let Some(cursor) = cursor {
        if blocks
            .iter()
            .any(|block| block.number == cursor.block && block.hash != cursor.hash)
        {
            return Err(store::Error::OtherChain {
                block: cursor.block,
            });
        }
    }
    let from = cursor.map(|cursor| cursor.block);
    let pending: Vec<&BlockData> = blocks
        .iter()
        .filter(|block| from.is_none_or(|from| block.number > from))
        .filter(|block| until.is_none_or(|until| block.number <= until))
        .collect();
    let mut stored = 0u64;
    for chunk in pending.chunks(per_commit.max(1)) {
        let done = store.store_blocks(suite, chunk.iter().copied()).await?;
        stored = stored.saturating_add(done);
    }
    Ok(stored)
}
