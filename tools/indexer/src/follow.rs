//! Following a node: every finalized block above the cursor stored in order (fetched 16
//! at a time, committed `per_commit` blocks per transaction), then the next finalized
//! blocks as they come. The node's chain must be the deployment's (its genesis hash) and
//! must still hold the last block stored (its hash): a development node restarted
//! without its database is a new chain with the same genesis, and is refused rather than
//! mixed in, whether its chain is longer or shorter than the database's. Every block
//! stored names its parent, which must be the last block stored.
//!
//! What is retried (1 s, doubling up to 10 s, unless `once`): a node that cannot be
//! reached or answers wrongly, and a database that is busy or reconnecting; forever, as a
//! restarted node or database is waited for. What stops: a URL that can never work, a
//! node of another chain, a database that refuses what it is given, and a node that
//! answers but cannot give a block [`SOURCE_TRIES`] connections in a row (its state
//! pruned, a block it cannot decode: one retry is right after a runtime upgrade, whose
//! new metadata a new connection reads).

use crate::source::NodeSource;
use crate::store::{self, Store};
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

/// How many connections in a row may fail to give a block, with nothing stored between,
/// before the failure is taken as permanent.
pub const SOURCE_TRIES: u32 = 5;

/// Why following stopped.
#[derive(Debug)]
pub enum Stop {
    /// The node could not be reached or answered wrongly: worth retrying.
    Connection(String),
    /// The node answered but could not give a block: retried [`SOURCE_TRIES`] times.
    Source(String),
    /// The URL can never work (malformed, or `ws://` to another host: use `wss://`).
    Url(String),
    /// The node is of another chain, or no longer holds the blocks stored.
    OtherChain(String),
    /// The database failed (retried when [`store::Error::is_transient`]).
    Store(store::Error),
}

impl From<store::Error> for Stop {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::OtherChain { .. } | store::Error::Gap { .. } => {
                Stop::OtherChain(e.to_string())
            }
            e => Stop::Store(e),
        }
    }
}

/// Whether following goes on after `stop`. `progressed`: blocks were stored since the
/// last stop; `failures`: the stops of [`Stop::Source`] in a row without progress.
pub fn retry(stop: &Stop, progressed: bool, failures: &mut u32) -> bool {
    if progressed {
        *failures = 0;
    }
    match stop {
        Stop::Connection(_) => true,
        Stop::Store(e) => e.is_transient(),
        Stop::Source(_) => {
            *failures = failures.saturating_add(1);
            *failures < SOURCE_TRIES
        }
        Stop::Url(_) | Stop::OtherChain(_) => false,
    }
}

impl From<Stop> for String {
    fn from(stop: Stop) -> Self {
        stop.to_string()
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Connection(why) | Stop::Source(why) => write!(f, "the node: {why}"),
            Stop::Url(why) => write!(f, "{why}"),
            Stop::OtherChain(why) => write!(f, "{why}"),
            Stop::Store(why) => write!(f, "the database: {why}"),
        }
    }
}

/// Follows the node until stopped (or, with `once`, until caught up); returns the
/// number of blocks stored.
pub async fn run(store: &Store, suite: &Suite, follow: &Follow) -> Result<u64, Stop> {
    // Refused at once: subxt refuses such a URL on every connection.
    match ink_e2e::subxt::utils::url_is_secure(&follow.url) {
        Ok(true) => {}
        Ok(false) => {
            return Err(Stop::Url(format!(
                "{}: an unencrypted ws:// URL is for this machine only; use wss:// for \
                 another host",
                follow.url
            )))
        }
        Err(e) => return Err(Stop::Url(format!("{}: {e}", follow.url))),
    }
    let mut stored = 0u64;
    let mut wait = Duration::from_secs(1);
    let mut failures = 0u32;
    loop {
        let before = stored;
        match turn(store, suite, follow, &mut stored).await {
            Ok(()) => return Ok(stored),
            Err(stop) if !follow.once && retry(&stop, stored > before, &mut failures) => {
                if stored > before {
                    wait = Duration::from_secs(1);
                }
                eprintln!("indexer: {stop}; connecting again in {} s", wait.as_secs());
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
        let cursor = store.cursor().await?;
        let head = source.finalized().await.map_err(Stop::Connection)?;
        if let Some(cursor) = cursor {
            // A node behind the database (resyncing, restored) is waited for; one that
            // holds another block at the cursor's height, or at the height of the last
            // block stored below its head, is another chain (a development node restarted
            // without its database is refused now, not once it has grown past the cursor).
            if head < cursor.block {
                if let Some((number, hash)) = store.block_at_or_below(head).await? {
                    if source
                        .hash(number)
                        .await
                        .map_err(Stop::Connection)?
                        .is_some_and(|node| node != hash)
                    {
                        return Err(Stop::OtherChain(format!(
                            "the node holds another block {number} than the one stored (a \
                             development chain restarted?): index it into a new database"
                        )));
                    }
                }
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
            catch_up(store, suite, &source, from, head, follow.per_commit, stored).await?;
        }
        if follow.once {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Stores blocks `from..=to`, with a progress bar when there are many; `stored` counts
/// each commit as it is made (a failure later in the range is not a turn without
/// progress).
async fn catch_up(
    store: &Store,
    suite: &Suite,
    source: &NodeSource,
    from: u64,
    to: u64,
    per_commit: usize,
    stored: &mut u64,
) -> Result<(), Stop> {
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
        .map_err(Stop::Source)
        .try_chunks(per_commit);
    while let Some(chunk) = blocks.next().await {
        let chunk = chunk.map_err(|e| e.1)?;
        let n = store.store_blocks(suite, &chunk).await?;
        *stored = stored.saturating_add(n);
        bar.inc(n);
    }
    bar.finish_and_clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_unreachable_is_retried_forever_a_block_it_cannot_give_only_so_many_times() {
        let mut failures = 0;
        for _ in 0..100 {
            assert!(retry(
                &Stop::Connection("refused".into()),
                false,
                &mut failures
            ));
        }
        for _ in 1..SOURCE_TRIES {
            assert!(retry(&Stop::Source("pruned".into()), false, &mut failures));
        }
        assert!(!retry(&Stop::Source("pruned".into()), false, &mut failures));
        // Blocks stored since the last failure start the count again.
        assert!(retry(&Stop::Source("pruned".into()), true, &mut failures));
        assert_eq!(failures, 1);
        for stop in [
            Stop::Url("ws://192.0.2.1".into()),
            Stop::OtherChain("restarted".into()),
            Stop::Store(store::Error::Value("past 2^63".into())),
            Stop::from(store::Error::Gap {
                block: 5,
                cursor: 3,
            }),
        ] {
            assert!(!retry(&stop, true, &mut failures), "{stop}");
        }
        assert!(retry(
            &Stop::Store(store::Error::Database(sqlx::Error::PoolTimedOut)),
            false,
            &mut failures
        ));
    }

    #[tokio::test]
    async fn an_unencrypted_url_to_another_host_is_refused_at_once() {
        let store = Store::open("sqlite::memory:").await.expect("opened");
        let suite = Suite::new::<&str>(&[]).expect("an empty suite");
        for url in ["ws://192.0.2.1:9944", "not a url"] {
            let follow = Follow {
                url: url.into(),
                genesis: [0; 32],
                start: 0,
                per_commit: 64,
                once: false,
            };
            let stop = tokio::time::timeout(Duration::from_secs(5), run(&store, &suite, &follow))
                .await
                .expect("refused at once, not retried");
            assert!(matches!(stop, Err(Stop::Url(_))), "{url}: {stop:?}");
        }
    }
}
