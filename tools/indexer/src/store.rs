//! The database: SQLite (a file, the embedded default) or PostgreSQL, through one code
//! path (sqlx's `Any` driver; every placeholder written `$n`, which both accept). Blocks
//! are written in order, each batch of blocks with its events, its projections and the
//! new cursor in **one transaction**: a block is stored whole or not at all, and a block
//! at or below the cursor is refused, so a restart after any interruption resumes where
//! the last commit ended and nothing is stored twice.

use crate::block::BlockData;
use crate::project::{self, custody, Op};
use crate::suite::SuiteEvent;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Row, Transaction};
use std::fmt;

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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(e) => write!(f, "database: {e}"),
            Error::Replayed { block, cursor } => write!(
                f,
                "block {block} is at or below the last block stored ({cursor})"
            ),
            Error::OtherSuite { stored } => write!(
                f,
                "the database indexes another suite ({stored}): use another database"
            ),
            Error::Value(why) => write!(f, "{why}"),
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

impl Store {
    /// Opens (creating if needed) the database at `url` (`sqlite://FILE`, `sqlite::memory:`
    /// or `postgres://…`) and brings its tables up to date.
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
            .map_err(|_| Error::Value(format!("{url} is not an indexer's database")))?;
        Ok(Self { pool, postgres })
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
        if stored == fingerprint {
            Ok(())
        } else {
            Err(Error::OtherSuite { stored })
        }
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
        let mut cursor = read_cursor(&mut tx).await?.map(|c| c.block);
        for block in blocks {
            if let Some(cursor) = cursor.filter(|c| block.number <= *c) {
                return Err(Error::Replayed {
                    block: block.number,
                    cursor,
                });
            }
            store_block(&mut tx, block).await?;
            cursor = Some(block.number);
        }
        sqlx::query(
            "INSERT INTO cursor (id, block, hash, timestamp_ms) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET block = excluded.block, hash = excluded.hash, \
             timestamp_ms = excluded.timestamp_ms",
        )
        .bind(big(last.number, "block")?)
        .bind(last.hash.to_vec())
        .bind(big(last.timestamp_ms, "timestamp")?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What is stored: the cursor, the events, and those kept raw or not projected
    /// (with the first reasons).
    pub async fn status(&self) -> Result<serde_json::Value> {
        let cursor = self.cursor().await?;
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&self.pool)
            .await?;
        let problems = sqlx::query(
            "SELECT block, idx, contract, error FROM events WHERE error IS NOT NULL \
             ORDER BY block, idx LIMIT 10",
        )
        .fetch_all(&self.pool)
        .await?;
        let unread: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE error IS NOT NULL")
            .fetch_one(&self.pool)
            .await?;
        let mut first = Vec::new();
        for row in problems {
            first.push(serde_json::json!({
                "block": row.try_get::<i64, _>(0)?,
                "index": row.try_get::<i64, _>(1)?,
                "contract": row.try_get::<String, _>(2)?,
                "error": row.try_get::<String, _>(3)?,
            }));
        }
        Ok(serde_json::json!({
            "database": if self.postgres { "PostgreSQL" } else { "SQLite" },
            "complete_through_block": cursor.map(|c| c.block),
            "complete_through_hash": cursor.map(|c| crate::block::hex(&c.hash)),
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

/// A claim as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    /// The claim.
    pub claim: i64,
    /// Its plan.
    pub plan: i64,
    /// The plan's payer (SS58), if the plan's creation was indexed.
    pub payer: Option<String>,
    /// Its provider (SS58).
    pub provider: String,
    /// The member (SS58).
    pub member: String,
    /// Its status.
    pub status: String,
    /// The payer's share (decimal).
    pub payer_amount: String,
    /// The member's share (decimal).
    pub member_amount: String,
}

/// A custody entry as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStep {
    /// Its index in the batch's history.
    pub seq: i64,
    /// The entry.
    pub step: custody::Step,
    /// Its block time (ms).
    pub at_ms: i64,
}

impl Store {
    /// Every claim, by id.
    pub async fn claims(&self) -> Result<Vec<StoredClaim>> {
        let rows = sqlx::query(
            "SELECT claim, plan, payer, provider, member, status, payer_amount, member_amount \
             FROM claims ORDER BY claim",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut claims = Vec::new();
        for row in rows {
            claims.push(StoredClaim {
                claim: row.try_get(0)?,
                plan: row.try_get(1)?,
                payer: row.try_get(2)?,
                provider: row.try_get(3)?,
                member: row.try_get(4)?,
                status: row.try_get(5)?,
                payer_amount: row.try_get(6)?,
                member_amount: row.try_get(7)?,
            });
        }
        Ok(claims)
    }

    /// The length of the batch's projected history, if the batch is stored.
    pub async fn batch(&self, batch: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT history_len FROM batches WHERE batch = $1")
                .bind(batch)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The batch's projected custody history, in order.
    pub async fn custody(&self, batch: i64) -> Result<Vec<StoredStep>> {
        let rows = sqlx::query(
            "SELECT seq, kind, actor, counterparty, quantity, reference, evidence, at_ms \
             FROM custody WHERE batch = $1 ORDER BY seq",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        let mut steps = Vec::new();
        for row in rows {
            let kind: String = row.try_get(1)?;
            steps.push(StoredStep {
                seq: row.try_get(0)?,
                step: custody::Step {
                    kind: custody::kind_name(&kind)
                        .ok_or_else(|| Error::Value(format!("unknown custody kind {kind}")))?,
                    actor: row.try_get(2)?,
                    counterparty: row.try_get(3)?,
                    quantity: row.try_get(4)?,
                    reference: row.try_get(5)?,
                    evidence: row.try_get(6)?,
                },
                at_ms: row.try_get(7)?,
            });
        }
        Ok(steps)
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
        hash: <[u8; 32]>::try_from(hash.as_slice())
            .map_err(|_| Error::Value("the cursor's hash is not 32 bytes".into()))?,
        timestamp_ms: unsigned(row.try_get(2)?, "timestamp")?,
    }))
}

async fn store_block(tx: &mut Transaction<'static, Any>, block: &IndexedBlock) -> Result<()> {
    if block.events.is_empty() {
        return Ok(());
    }
    let number = big(block.number, "block")?;
    let at_ms = big(block.timestamp_ms, "timestamp")?;
    sqlx::query(
        "INSERT INTO blocks (number, hash, timestamp_ms, event_count) VALUES ($1, $2, $3, $4)",
    )
    .bind(number)
    .bind(block.hash.to_vec())
    .bind(at_ms)
    .bind(i64::try_from(block.events.len()).map_err(|_| Error::Value("too many events".into()))?)
    .execute(&mut **tx)
    .await?;
    for event in &block.events {
        let idx = i64::from(event.index);
        // An event the metadata does not describe, or one a projection cannot read, is
        // stored with the reason (and counted by `status`), never dropped.
        let (name, json, ops, error) = match &event.decoded {
            Ok((name, fields)) => match project::project(&event.contract, name, fields) {
                Ok(ops) => (Some(name.clone()), Some(fields.to_string()), ops, None),
                Err(why) => (
                    Some(name.clone()),
                    Some(fields.to_string()),
                    Vec::new(),
                    Some(format!("projection: {why}")),
                ),
            },
            Err(why) => (None, None, Vec::new(), Some(why.clone())),
        };
        sqlx::query(
            "INSERT INTO events (block, idx, extrinsic, contract, address, name, json, raw, error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(number)
        .bind(idx)
        .bind(event.extrinsic.map(i64::from))
        .bind(event.contract.clone())
        .bind(event.address.to_vec())
        .bind(name)
        .bind(json)
        .bind(event.raw.clone())
        .bind(error)
        .execute(&mut **tx)
        .await?;
        for (pos, topic) in (0i64..).zip(&event.topics) {
            sqlx::query(
                "INSERT INTO event_topics (block, idx, pos, topic) VALUES ($1, $2, $3, $4)",
            )
            .bind(number)
            .bind(idx)
            .bind(pos)
            .bind(topic.to_vec())
            .execute(&mut **tx)
            .await?;
        }
        let at = At {
            block: number,
            idx,
            ms: at_ms,
        };
        for op in ops {
            apply_op(tx, at, op).await?;
        }
    }
    Ok(())
}

/// Where an event sits: its block, index and time.
#[derive(Debug, Clone, Copy)]
struct At {
    block: i64,
    idx: i64,
    ms: i64,
}

async fn apply_op(tx: &mut Transaction<'static, Any>, at: At, op: Op) -> Result<()> {
    match op {
        Op::Plan { plan, payer } => {
            sqlx::query("INSERT INTO plans (plan, payer, block) VALUES ($1, $2, $3) ON CONFLICT (plan) DO NOTHING")
                .bind(plan)
                .bind(payer)
                .bind(at.block)
                .execute(&mut **tx)
                .await?;
        }
        Op::Claim(c) => {
            let payer: Option<String> =
                sqlx::query_scalar("SELECT payer FROM plans WHERE plan = $1")
                    .bind(c.plan)
                    .fetch_optional(&mut **tx)
                    .await?;
            sqlx::query(
                "INSERT INTO claims (claim, plan, payer, provider, member, reference, status, denial, \
                 payer_amount, member_amount, lines, submitted_block, submitted_ms, updated_block, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $13) \
                 ON CONFLICT (claim) DO UPDATE SET status = excluded.status, denial = excluded.denial, \
                 reference = COALESCE(excluded.reference, claims.reference), \
                 payer_amount = excluded.payer_amount, member_amount = excluded.member_amount, \
                 lines = excluded.lines, updated_block = excluded.updated_block, updated_ms = excluded.updated_ms",
            )
            .bind(c.claim)
            .bind(c.plan)
            .bind(payer)
            .bind(c.provider)
            .bind(c.member)
            .bind(c.reference)
            .bind(c.status)
            .bind(c.denial)
            .bind(c.payer_amount)
            .bind(c.member_amount)
            .bind(c.lines)
            .bind(at.block)
            .bind(at.ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::ClaimAppealed { claim, evidence } => {
            sqlx::query(
                "UPDATE claims SET status = 'UnderAppeal', appeal_evidence = $2, updated_block = $3, \
                 updated_ms = $4 WHERE claim = $1",
            )
            .bind(claim)
            .bind(evidence)
            .bind(at.block)
            .bind(at.ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::ClaimVoided {
            claim,
            replaced_by,
            by,
        } => {
            sqlx::query("UPDATE claims SET replaced_by = $2, voided_by = $3 WHERE claim = $1")
                .bind(claim)
                .bind(replaced_by)
                .bind(by)
                .execute(&mut **tx)
                .await?;
        }
        Op::Batch(b) => {
            sqlx::query(
                "INSERT INTO batches (batch, manufacturer, gtin, lot, expiry_ms, history_len) \
                 VALUES ($1, $2, $3, $4, $5, 0)",
            )
            .bind(b.batch)
            .bind(b.manufacturer)
            .bind(b.gtin)
            .bind(b.lot)
            .bind(b.expiry_ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::Shipment(s) => {
            sqlx::query(
                "INSERT INTO shipments (shipment, batch, sender, receiver, quantity, is_return) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.shipment)
            .bind(s.batch)
            .bind(s.sender)
            .bind(s.receiver)
            .bind(s.quantity)
            .bind(i64::from(s.is_return))
            .execute(&mut **tx)
            .await?;
        }
        Op::Custody(pending) => {
            let shipment = match pending.shipment() {
                Some(id) => shipment_row(tx, id).await?,
                None => None,
            };
            let manufacturer: Option<String> = match pending.manufacturer_of() {
                Some(batch) => {
                    sqlx::query_scalar("SELECT manufacturer FROM batches WHERE batch = $1")
                        .bind(batch)
                        .fetch_optional(&mut **tx)
                        .await?
                }
                None => None,
            };
            let Some((batch, steps)) = pending.resolve(shipment.as_ref(), manufacturer.as_deref())
            else {
                return Ok(());
            };
            let seq: Option<i64> =
                sqlx::query_scalar("SELECT history_len FROM batches WHERE batch = $1")
                    .bind(batch)
                    .fetch_optional(&mut **tx)
                    .await?;
            // Steps of a batch registered before the indexer's first block have no place
            // in a history it does not hold.
            let Some(mut seq) = seq else {
                return Ok(());
            };
            for (sub, step) in (0i64..).zip(steps) {
                sqlx::query(
                    "INSERT INTO custody (block, idx, sub, batch, seq, kind, actor, counterparty, \
                     quantity, reference, evidence, at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(at.block)
                .bind(at.idx)
                .bind(sub)
                .bind(batch)
                .bind(seq)
                .bind(step.kind.to_string())
                .bind(step.actor)
                .bind(step.counterparty)
                .bind(step.quantity)
                .bind(step.reference)
                .bind(step.evidence)
                .bind(at.ms)
                .execute(&mut **tx)
                .await?;
                seq = seq.saturating_add(1);
            }
            sqlx::query("UPDATE batches SET history_len = $2 WHERE batch = $1")
                .bind(batch)
                .bind(seq)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn shipment_row(
    tx: &mut Transaction<'static, Any>,
    shipment: i64,
) -> Result<Option<custody::ShipmentRow>> {
    let row = sqlx::query(
        "SELECT shipment, batch, sender, receiver, quantity, is_return FROM shipments WHERE shipment = $1",
    )
    .bind(shipment)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(custody::ShipmentRow {
        shipment: row.try_get(0)?,
        batch: row.try_get(1)?,
        sender: row.try_get(2)?,
        receiver: row.try_get(3)?,
        quantity: row.try_get(4)?,
        is_return: row.try_get::<i64, _>(5)? != 0,
    }))
}

/// How a column is read back for a dump.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    Text,
    Bytes,
}

type Columns = &'static [(&'static str, Kind)];

/// Every table with its primary-key order and columns.
const TABLES: &[(&str, &str, Columns)] = {
    use Kind::*;
    &[
        ("meta", "key", &[("key", Text), ("value", Text)]),
        (
            "cursor",
            "id",
            &[("block", Int), ("hash", Bytes), ("timestamp_ms", Int)],
        ),
        (
            "blocks",
            "number",
            &[
                ("number", Int),
                ("hash", Bytes),
                ("timestamp_ms", Int),
                ("event_count", Int),
            ],
        ),
        (
            "events",
            "block, idx",
            &[
                ("block", Int),
                ("idx", Int),
                ("extrinsic", Int),
                ("contract", Text),
                ("address", Bytes),
                ("name", Text),
                ("json", Text),
                ("raw", Bytes),
                ("error", Text),
            ],
        ),
        (
            "event_topics",
            "block, idx, pos",
            &[("block", Int), ("idx", Int), ("pos", Int), ("topic", Bytes)],
        ),
        (
            "plans",
            "plan",
            &[("plan", Int), ("payer", Text), ("block", Int)],
        ),
        (
            "claims",
            "claim",
            &[
                ("claim", Int),
                ("plan", Int),
                ("payer", Text),
                ("provider", Text),
                ("member", Text),
                ("reference", Text),
                ("status", Text),
                ("denial", Text),
                ("payer_amount", Text),
                ("member_amount", Text),
                ("lines", Text),
                ("appeal_evidence", Text),
                ("replaced_by", Int),
                ("voided_by", Text),
                ("submitted_block", Int),
                ("submitted_ms", Int),
                ("updated_block", Int),
                ("updated_ms", Int),
            ],
        ),
        (
            "batches",
            "batch",
            &[
                ("batch", Int),
                ("manufacturer", Text),
                ("gtin", Text),
                ("lot", Text),
                ("expiry_ms", Int),
                ("history_len", Int),
            ],
        ),
        (
            "shipments",
            "shipment",
            &[
                ("shipment", Int),
                ("batch", Int),
                ("sender", Text),
                ("receiver", Text),
                ("quantity", Int),
                ("is_return", Int),
            ],
        ),
        (
            "custody",
            "block, idx, sub",
            &[
                ("block", Int),
                ("idx", Int),
                ("sub", Int),
                ("batch", Int),
                ("seq", Int),
                ("kind", Text),
                ("actor", Text),
                ("counterparty", Text),
                ("quantity", Int),
                ("reference", Int),
                ("evidence", Text),
                ("at_ms", Int),
            ],
        ),
    ]
};

fn column(row: &AnyRow, i: usize, kind: Kind) -> Result<serde_json::Value> {
    Ok(match kind {
        Kind::Int => serde_json::json!(row.try_get::<Option<i64>, _>(i)?),
        Kind::Text => serde_json::json!(row.try_get::<Option<String>, _>(i)?),
        Kind::Bytes => serde_json::json!(row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map(|bytes| crate::block::hex(&bytes))),
    })
}
