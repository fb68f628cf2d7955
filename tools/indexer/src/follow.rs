//! Following a node: every finalized block above the cursor stored in order (fetched 16
//! at a time, committed `per_commit` blocks per transaction), then the next finalized
//! blocks as they come. The node's chain must be the deployment's (its genesis hash) and
//! must still hold the last block stored (its hash): a development node restarted
//! without its database is a new chain with the same genesis, and is refused rather than
//! mixed in. A dropped connection is retried (1 s, doubling up to 10 s) unless `once`.

use crate::source::NodeSource;
use crate::store::Store;
use crate::suite::Suite;
use futures::stream::{self, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// What to follow and how.
pub struct Follow {
    /// The node's URL.
    pub url: String,
    /// The chain's genesis hash, as the deployment records it.
    pub genesis: [u8; 32],
    /// The first block to read when the database is empty (the deployment's block).
    pub start: u64,
    /// Blocks per transaction.
    pub per_commit: usize,
    /// Stop once the finalized head at the start is stored (and on the first error).
    pub once: bool,
}

/// Why following stopped.
#[derive(Debug)]
pub enum Stop {
    /// The node went away or answered wrongly: worth retrying.
    Connection(String),
    /// The node is of another chain, or no longer holds the blocks stored.
    OtherChain(String),
    /// The database failed.
    Store(String),
}

impl From<Stop> for String {
    fn from(stop: Stop) -> Self {
        stop.to_string()
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Connection(why) => write!(f, "the node: {why}"),
            Stop::OtherChain(why) => write!(f, "{why}"),
            Stop::Store(why) => write!(f, "the database: {why}"),
        }
    }
}

/// Follows the node until stopped (or, with `once`, until caught up); returns the
/// number of blocks stored.
pub async fn run(store: &Store, suite: &Suite, follow: &Follow) -> Result<u64, Stop> {
    let mut stored = 0u64;
    let mut wait = Duration::from_secs(1);
    loop {
        let before = stored;
        match turn(store, suite, follow, &mut stored).await {
            Ok(()) => return Ok(stored),
            Err(Stop::Connection(why)) if !follow.once => {
                if stored > before {
                    wait = Duration::from_secs(1);
                }
                eprintln!("indexer: {why}; connecting again in {} s", wait.as_secs());
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
            Err(stop) => return Err(stop),
        }
    }
}

/// One connection's worth of following.
async fn turn(store: &Store, suite: &Suite, follow: &Follow, stored: &mut u64) -> Result<(), Stop> {
    let source = NodeSource::connect(&follow.url)
        .await
        .map_err(Stop::Connection)?;
    let genesis = source.genesis().await.map_err(Stop::Connection)?;
    if genesis != follow.genesis {
        return Err(Stop::OtherChain(format!(
            "the node at {} is of another chain (genesis {}, the deployment's {})",
            follow.url,
            crate::block::hex(&genesis),
            crate::block::hex(&follow.genesis)
        )));
    }
    loop {
        let cursor = store
            .cursor()
            .await
            .map_err(|e| Stop::Store(e.to_string()))?;
        let head = source.finalized().await.map_err(Stop::Connection)?;
        if let Some(cursor) = cursor {
            // A node behind the database (resyncing, restored) is waited for; one that
            // holds another block at the cursor's height is another chain.
            if head < cursor.block {
                return Err(Stop::Connection(format!(
                    "the node's finalized head {head} is below the last block stored ({})",
                    cursor.block
                )));
            }
            match source.hash(cursor.block).await.map_err(Stop::Connection)? {
                Some(hash) if hash == cursor.hash => {}
                Some(_) => {
                    return Err(Stop::OtherChain(format!(
                        "the node holds another block {} than the one stored (a development \
                         chain restarted?): index it into a new database",
                        cursor.block
                    )))
                }
                None => {
                    return Err(Stop::Connection(format!(
                        "the node does not have block {} yet",
                        cursor.block
                    )))
                }
            }
        }
        let from = cursor.map_or(follow.start, |c| c.block.saturating_add(1));
        if from <= head {
            let done = catch_up(store, suite, &source, from, head, follow.per_commit).await?;
            *stored = stored.saturating_add(done);
        }
        if follow.once {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Stores blocks `from..=to`, with a progress bar when there are many.
async fn catch_up(
    store: &Store,
    suite: &Suite,
    source: &NodeSource,
    from: u64,
    to: u64,
    per_commit: usize,
) -> Result<u64, Stop> {
    let total = to.saturating_sub(from).saturating_add(1);
    let bar = if total > 100 {
        ProgressBar::new(total)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} blocks, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let per_commit = per_commit.max(1);
    let mut blocks = stream::iter(from..=to)
        .map(|number| source.block(number))
        .buffered(16)
        .map_err(Stop::Connection)
        .try_chunks(per_commit);
    let mut stored = 0u64;
    while let Some(chunk) = blocks.next().await {
        let chunk = chunk.map_err(|e| e.1)?;
        let n = store
            .store_blocks(suite, &chunk)
            .await
            .map_err(|e| Stop::Store(e.to_string()))?;
        stored = stored.saturating_add(n);
        bar.inc(n);
    }
    bar.finish_and_clear();
    Ok(stored)
}
