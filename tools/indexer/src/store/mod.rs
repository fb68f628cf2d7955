//! The database: SQLite (a file, the embedded default) or PostgreSQL, through one code
//! path (sqlx's `Any` driver; every placeholder written `$n`, which both accept). Blocks
//! are written in order, each batch of blocks with its events, its projections and the
//! new cursor in **one transaction**: a block is stored whole or not at all, and a block
//! at or below the cursor is refused, so a restart after any interruption resumes where
//! the last commit ended and nothing is stored twice.

use crate::block::BlockData;
use crate::suite::SuiteEvent;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};
use std::fmt;

mod apply;
mod read;
mod reproject;
mod tables;

use apply::store_block;
pub use read::{StoredAccess, StoredClaim, StoredConsent, StoredStep};
pub use reproject::{projection_tables, PROJECTIONS};
use tables::{column, TABLES};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Why the store refused or failed.
#[derive(Debug)]
pub enum Error {
    /// The database failed.
    Database(sqlx::Error),
    /// A block at or below the cursor (it is stored already).
    Replayed {
        /// The block offered.
        block: u64,
        /// The last block stored.
        cursor: u64,
    },
    /// The database indexes another suite.
    OtherSuite {
        /// The suite it indexes.
        stored: String,
    },
    /// A value does not fit a column (a number past 2^63).
    Value(String),
    /// A block that names its parent but does not come right after the last block stored:
    /// the blocks between are missing.
    Gap {
        /// The block offered.
        block: u64,
        /// The last block stored.
        cursor: u64,
    },
    /// A block that is not of the chain of the blocks stored (its parent, or the block at
    /// its height, is another).
    OtherChain {
        /// The block offered.
        block: u64,
    },
}

impl Error {
    /// Whether another try may succeed: the connection to the database lost or refused,
    /// the pool exhausted, a lock held by another writer, a serialization conflict.
    /// Anything else fails again the same way.
    pub fn is_transient(&self) -> bool {
        let Error::Database(e) = self else {
            return false;
        };
        match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), extended codes included.
                    code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
                } else {
                    // PostgreSQL: connection exceptions, serialization failure, deadlock,
                    // too many connections, shutting down or starting up.
                    code.starts_with("08")
                        || ["40001", "40P01", "53300", "57P01", "57P02", "57P03"]
                            .contains(&code.as_ref())
                }
            }
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(e) => write!(f, "{e}"),
            Error::Replayed { block, cursor } => write!(
                f,
                "block {block} is at or below the last block stored ({cursor})"
            ),
            Error::OtherSuite { stored } => write!(
                f,
                "the database indexes another suite ({stored}): use another database"
            ),
            Error::Value(why) => write!(f, "{why}"),
            Error::Gap { block, cursor } => write!(
                f,
                "block {block} does not follow the last block stored ({cursor}): the blocks \
                 between are missing"
            ),
            Error::OtherChain { block } => write!(
                f,
                "block {block} is not of the chain of the blocks stored: index it into a new \
                 database"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The command line and the tests report a store's error as its text.
impl From<Error> for String {
    fn from(e: Error) -> Self {
        e.to_string()
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Database(e)
    }
}

/// The result of a store operation.
pub type Result<T> = std::result::Result<T, Error>;

/// The last block stored: every answer is complete up to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Its number.
    pub block: u64,
    /// Its hash.
    pub hash: [u8; 32],
    /// Its time (ms).
    pub timestamp_ms: u64,
}

/// A block with the suite's events in it, decoded.
#[derive(Debug, Clone)]
pub struct IndexedBlock {
    /// The block's number, hash and time (its raw events are not kept: `events` are the
    /// suite's).
    pub number: u64,
    /// Its hash.
    pub hash: [u8; 32],
    /// Its parent's hash, when the source gives it.
    pub parent_hash: Option<[u8; 32]>,
    /// Its time (ms).
    pub timestamp_ms: u64,
    /// The suite's events.
    pub events: Vec<SuiteEvent>,
}

impl IndexedBlock {
    /// `block` with the suite's events decoded by `suite`.
    pub fn new(block: &BlockData, suite: &crate::suite::Suite) -> Self {
        Self {
            number: block.number,
            hash: block.hash,
            parent_hash: block.parent_hash,
            timestamp_ms: block.timestamp_ms,
            events: suite.events(block),
        }
    }
}

/// The database.
pub struct Store {
    pool: AnyPool,
    postgres: bool,
}

/// The file of an `sqlite://FILE?…` URL.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    (!path.is_empty()).then(|| path.to_string())
}

/// A u64 as the database's BIGINT.
fn big(value: u64, what: &str) -> Result<i64> {
    i64::try_from(value).map_err(|_| Error::Value(format!("{what} {value} is past 2^63")))
}

/// A BIGINT read back as the u64 it was.
fn unsigned(value: i64, what: &str) -> Result<u64> {
    u64::try_from(value).map_err(|_| Error::Value(format!("{what} {value} is negative")))
}

/// Stored bytes read back as the 32 they were (a hash, an address).
fn bytes32(bytes: &[u8], what: &str) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| Error::Value(format!("{what} is not 32 bytes")))
}

impl Store {
    /// Opens (creating if needed) the database at `url` (`sqlite://FILE`, `sqlite::memory:`
    /// or `postgres://…`) and brings its tables up to date (a writer then claims the
    /// suite, [`Store::claim_suite`], which re-projects older projections).
    pub async fn open(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let url = if url.starts_with("sqlite://") && !url.contains('?') {
            format!("{url}?mode=rwc")
        } else {
            url.to_string()
        };
        let memory = url.starts_with("sqlite::memory:");
        let options = if memory {
            // One connection, kept for good: each new connection to `:memory:` would be
            // another, empty database.
            AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            AnyPoolOptions::new().max_connections(4)
        };
        let pool = options.connect(&url).await?;
        let postgres = pool.acquire().await?.backend_name() == "PostgreSQL";
        if postgres {
            POSTGRES.run(&pool).await.map_err(sqlx::Error::from)?;
        } else {
            // Readers beside the writer, and a killed writer loses nothing committed.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
            SQLITE.run(&pool).await.map_err(sqlx::Error::from)?;
            // The file holds who was treated by whom for what (public on chain, but here
            // in one place): readable by its owner only.
            if let Some(path) = sqlite_file(&url) {
                use std::os::unix::fs::PermissionsExt;
                for file in [path.clone(), format!("{path}-wal"), format!("{path}-shm")] {
                    if std::path::Path::new(&file).exists() {
                        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                            .map_err(|e| Error::Value(format!("{file}: {e}")))?;
                    }
                }
            }
        }
        Ok(Self { pool, postgres })
    }

    /// Opens an existing database (never creating one: a mistyped path is an error) and
    /// migrates it, for `indexer reproject`.
    pub async fn open_to_reproject(url: &str) -> Result<Self> {
        if let Some(path) = sqlite_file(url) {
            if !std::path::Path::new(&path).exists() {
                return Err(Error::Value(format!("{path}: no such database")));
            }
        }
        Self::open(url).await
    }

    /// Opens an indexer's existing database at `url` to read it: nothing is created or
    /// migrated (a mistyped URL is an error, not a new empty database). A SQLite file is
    /// opened `mode=rw`, not `ro`: a reader of a WAL database may have to create its
    /// shared-memory file.
    pub async fn open_existing(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let url = match url.strip_prefix("sqlite://") {
            Some(rest) if !rest.contains('?') => format!("sqlite://{rest}?mode=rw"),
            _ => url.to_string(),
        };
        if url.starts_with("sqlite::memory:") {
            return Err(Error::Value(
                "an in-memory database holds nothing to read".into(),
            ));
        }
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await?;
        let postgres = pool.acquire().await?.backend_name() == "PostgreSQL";
        sqlx::query("SELECT COUNT(*) FROM cursor")
            .fetch_one(&pool)
            .await
            .map_err(|_| Error::Value("not an indexer's database".into()))?;
        let store = Self { pool, postgres };
        // A reader answers only from a database as new as its build: tables migrated and
        // projections made by this build's rules (a writer of this build brings both up to
        // date when it opens the database).
        let migrator = if postgres { &POSTGRES } else { &SQLITE };
        let newest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&store.pool)
                .await?;
        let projections = store.projections_version().await?;
        if applied.unwrap_or(0) < newest || projections.is_some_and(|v| v < PROJECTIONS) {
            return Err(Error::Value(
                "the database was written by an older indexer: run this build's `indexer run` \
                 (or `backfill`, or `reproject`) on it first"
                    .into(),
            ));
        }
        Ok(store)
    }

    /// True for PostgreSQL, false for SQLite.
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// The connection pool (the read APIs query it).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Records that the database indexes the suite `fingerprint`, or refuses if it indexes
    /// another.
    pub async fn claim_suite(&self, fingerprint: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('suite', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(fingerprint.to_string())
        .execute(&self.pool)
        .await?;
        let stored: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'suite'")
            .fetch_one(&self.pool)
            .await?;
        if stored != fingerprint {
            return Err(Error::OtherSuite { stored });
        }
        // Only a writer of this suite brings older projections up to date.
        if let Some(events) = self.bring_projections_up_to_date().await? {
            eprintln!(
                "indexer: the projections were older than this build's: {events} stored events projected again"
            );
        }
        Ok(())
    }

    /// The address (SS58) of the suite's contract `name`, from the suite the database
    /// indexes, if it has one.
    pub async fn contract_address(&self, name: &str) -> Result<Option<String>> {
        let suite: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'suite'")
                .fetch_optional(&self.pool)
                .await?;
        let Some(suite) = suite else {
            return Ok(None);
        };
        for entry in suite.split(',') {
            if let Some(hex) = entry.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                let bytes = crate::block::unhex(hex).map_err(Error::Value)?;
                let bytes = bytes32(&bytes, &format!("{name}'s address"))?;
                return Ok(Some(suite_client::ss58(&bytes.into())));
            }
        }
        Ok(None)
    }

    /// Serializes writers on PostgreSQL (a `run` and a `reproject` at once would interleave
    /// their rows): a lock only writers take, held to the end of `tx`; readers are not
    /// blocked. SQLite has one writer at a time anyway.
    async fn lock_writers(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<()> {
        if self.postgres {
            sqlx::query("LOCK TABLE cursor IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// The highest stored block holding suite events at or below `number`, with its hash.
    pub async fn block_at_or_below(&self, number: u64) -> Result<Option<(u64, [u8; 32])>> {
        let row = sqlx::query(
            "SELECT number, hash FROM blocks WHERE number <= $1 ORDER BY number DESC LIMIT 1",
        )
        .bind(big(number, "block")?)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let hash: Vec<u8> = row.try_get(1)?;
        Ok(Some((
            unsigned(row.try_get(0)?, "block")?,
            bytes32(&hash, "a stored block's hash")?,
        )))
    }

    /// The last block stored, if any.
    pub async fn cursor(&self) -> Result<Option<Cursor>> {
        let mut connection = self.pool.acquire().await?;
        read_cursor(&mut connection).await
    }

    /// Decodes `blocks` with `suite` and stores them in one transaction ([`Store::apply`]);
    /// returns how many.
    pub async fn store_blocks<'a>(
        &self,
        suite: &crate::suite::Suite,
        blocks: impl IntoIterator<Item = &'a BlockData>,
    ) -> Result<u64> {
        let indexed: Vec<IndexedBlock> = blocks
            .into_iter()
            .map(|block| IndexedBlock::new(block, suite))
            .collect();
        self.apply(&indexed).await?;
        Ok(u64::try_from(indexed.len()).unwrap_or(u64::MAX))
    }

    /// Stores `blocks` (in increasing order, all above the cursor) with their events and
    /// projections, and moves the cursor to the last, in one transaction.
    pub async fn apply(&self, blocks: &[IndexedBlock]) -> Result<()> {
        let Some(last) = blocks.last() else {
            return Ok(());
        };
        let mut tx = self.pool.begin().await?;
        self.lock_writers(&mut tx).await?;
        let mut previous = read_cursor(&mut tx).await?.map(|c| (c.block, c.hash));
        let (mut events, mut not_read) = (0i64, 0i64);
        for block in blocks {
            if let Some((cursor, hash)) = previous {
                if block.number <= cursor {
                    return Err(Error::Replayed {
                        block: block.number,
                        cursor,
                    });
                }
                // A block that names its parent must be the next one, on the same chain
                // (checked under the writers' lock: for every caller).
                if let Some(parent) = block.parent_hash {
                    if block.number != cursor.saturating_add(1) {
                        return Err(Error::Gap {
                            block: block.number,
                            cursor,
                        });
                    }
                    if parent != hash {
                        return Err(Error::OtherChain {
                            block: block.number,
                        });
                    }
                }
            }
            let (stored, unread) = store_block(&mut tx, block).await?;
            events = events.saturating_add(stored);
            not_read = not_read.saturating_add(unread);
            previous = Some((block.number, block.hash));
        }
        sqlx::query(
            "INSERT INTO cursor (id, block, hash, timestamp_ms, events, events_not_read) \
             VALUES (1, $1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET block = excluded.block, hash = excluded.hash, \
             timestamp_ms = excluded.timestamp_ms, \
             events = cursor.events + excluded.events, \
             events_not_read = cursor.events_not_read + excluded.events_not_read",
        )
        .bind(big(last.number, "block")?)
        .bind(last.hash.to_vec())
        .bind(big(last.timestamp_ms, "timestamp")?)
        .bind(events)
        .bind(not_read)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What is stored: the cursor, the events, and those kept raw or not projected
    /// (with the first reasons).
    pub async fn status(&self) -> Result<serde_json::Value> {
        // One statement: the cursor, the counts moved with it (no scan of the events) and
        // the first events not read (by the partial index of 0004), all of one commit.
        let rows = sqlx::query(
            "SELECT cur.block, cur.hash, cur.events, cur.events_not_read, \
             e.block, e.idx, e.contract, e.error FROM cursor cur LEFT JOIN \
             (SELECT block, idx, contract, error FROM events WHERE error IS NOT NULL \
             ORDER BY block, idx LIMIT 10) e ON TRUE WHERE cur.id = 1 ORDER BY e.block, e.idx",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut through = None;
        let mut hash = None;
        let (mut events, mut unread) = (0i64, 0i64);
        let mut first = Vec::new();
        for row in &rows {
            through = Some(unsigned(row.try_get(0)?, "block")?);
            hash = Some(crate::block::hex(&row.try_get::<Vec<u8>, _>(1)?));
            events = row.try_get(2)?;
            unread = row.try_get(3)?;
            let Some(block) = row.try_get::<Option<i64>, _>(4)? else {
                continue;
            };
            first.push(serde_json::json!({
                "block": block,
                "index": row.try_get::<Option<i64>, _>(5)?,
                "contract": row.try_get::<Option<String>, _>(6)?,
                "error": row.try_get::<Option<String>, _>(7)?,
            }));
        }
        Ok(serde_json::json!({
            "database": if self.postgres { "PostgreSQL" } else { "SQLite" },
            "complete_through_block": through,
            "complete_through_hash": hash,
            "events": events,
            "events_not_read": unread,
            "first_events_not_read": first,
        }))
    }

    /// Every table, rows ordered by primary key, one JSON line per row: equal for two
    /// databases that hold the same history (whatever interrupted either).
    pub async fn dump(&self) -> Result<Vec<String>> {
        let mut lines = Vec::new();
        for (table, order, columns) in TABLES {
            let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
            let sql = format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "));
            for row in sqlx::query(&sql).fetch_all(&self.pool).await? {
                let mut values = Vec::new();
                for (i, (_, kind)) in columns.iter().enumerate() {
                    values.push(column(&row, i, *kind)?);
                }
                lines.push(format!("{table} {}", serde_json::Value::Array(values)));
            }
        }
        Ok(lines)
    }
}

async fn read_cursor(connection: &mut sqlx::AnyConnection) -> Result<Option<Cursor>> {
    let row = sqlx::query("SELECT block, hash, timestamp_ms FROM cursor WHERE id = 1")
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let hash: Vec<u8> = row.try_get(1)?;
    Ok(Some(Cursor {
        block: unsigned(row.try_get(0)?, "block")?,
        hash: bytes32(&hash, "the cursor's hash")?,
        timestamp_ms: unsigned(row.try_get(2)?, "timestamp")?,
    }))
}
