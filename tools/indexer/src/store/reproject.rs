//! Re-projection: the projection tables rebuilt from the stored events, in chain order, in
//! one transaction. A database written by a build whose projections were older (a table
//! added by a later migration starts empty: consent_registry's arrived with 0003) is
//! re-projected when opened, so that no answer claims completeness through a block while
//! missing what the events up to it say.

use super::apply::{apply_op, projected, At};
use super::tables::TABLES;
use super::{Result, Store};
use sqlx::Row;

/// The version of the projections this build writes. Raise it with every change to what
/// a projection makes of the events (a table added, a column filled differently).
/// 1: plans, claims, batches, shipments, custody; 2: audit_events, consents,
/// delegation_terms.
pub const PROJECTIONS: i64 = 2;

/// The tables that record what was stored; every other table of the store is made from
/// the events, and a re-projection empties it (no table can be left out of it).
const RECORD_TABLES: &[&str] = &["meta", "cursor", "blocks", "events", "event_topics"];

/// The tables made from the events (no table refers to another: any order deletes).
pub fn projection_tables() -> impl Iterator<Item = &'static str> {
    TABLES
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| !RECORD_TABLES.contains(name))
}

/// Events read per statement while re-projecting.
const PAGE: i64 = 2_000;

impl Store {
    /// The projections' version the database was written with: none for an empty
    /// database, 1 for one written before the version was recorded.
    pub async fn projections_version(&self) -> Result<Option<i64>> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'projections'")
                .fetch_optional(&self.pool)
                .await?;
        if let Some(value) = stored {
            return Ok(Some(value.parse().unwrap_or(0)));
        }
        Ok(self.cursor().await?.map(|_| 1))
    }

    /// Re-projects the database if it was written with older projections than this
    /// build's; records the version either way. Returns the events re-projected, if it did.
    pub async fn bring_projections_up_to_date(&self) -> Result<Option<u64>> {
        match self.projections_version().await? {
            Some(version) if version < PROJECTIONS => Ok(Some(self.reproject().await?)),
            _ => {
                self.record_projections(&self.pool).await?;
                Ok(None)
            }
        }
    }

    async fn record_projections<'e, E>(&self, executor: E) -> Result<()>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('projections', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(PROJECTIONS.to_string())
        .execute(executor)
        .await?;
        Ok(())
    }

    /// Empties every projection table and projects every stored event again, in chain
    /// order, in one transaction (readers see the old projections until it commits): an
    /// event a projection could not read before is read again, and its reason kept or
    /// cleared. Returns how many events were projected.
    pub async fn reproject(&self) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        self.lock_writers(&mut tx).await?;
        for table in projection_tables() {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        let (mut block, mut idx, mut count) = (-1i64, -1i64, 0u64);
        loop {
            let rows = sqlx::query(
                "SELECT e.block, e.idx, e.contract, e.name, e.json, e.error, b.timestamp_ms \
                 FROM events e JOIN blocks b ON b.number = e.block \
                 WHERE e.json IS NOT NULL AND (e.block > $1 OR (e.block = $1 AND e.idx > $2)) \
                 ORDER BY e.block, e.idx LIMIT $3",
            )
            .bind(block)
            .bind(idx)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else { break };
            (block, idx) = (last.try_get(0)?, last.try_get(1)?);
            for row in &rows {
                let at = At {
                    block: row.try_get(0)?,
                    idx: row.try_get(1)?,
                    ms: row.try_get(6)?,
                };
                let (contract, name): (String, String) = (row.try_get(2)?, row.try_get(3)?);
                let (json, error): (String, Option<String>) = (row.try_get(4)?, row.try_get(5)?);
                let fields = serde_json::from_str(&json)
                    .map_err(|e| super::Error::Value(format!("stored event JSON: {e}")))?;
                let (ops, now) = projected(&contract, &name, &fields);
                for op in ops {
                    apply_op(&mut tx, at, op).await?;
                }
                if now != error {
                    sqlx::query("UPDATE events SET error = $3 WHERE block = $1 AND idx = $2")
                        .bind(at.block)
                        .bind(at.idx)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                count = count.saturating_add(1);
            }
        }
        sqlx::query(
            "UPDATE cursor SET events_not_read = \
             (SELECT COUNT(*) FROM events WHERE error IS NOT NULL) WHERE id = 1",
        )
        .execute(&mut *tx)
        .await?;
        self.record_projections(&mut *tx).await?;
        tx.commit().await?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::projection_tables;

    /// The tables scripts/indexer-kill-check.py empties to make an older database.
    #[test]
    fn the_projection_tables_are_every_table_made_from_the_events() {
        let tables: Vec<_> = projection_tables().collect();
        assert_eq!(
            tables,
            [
                "plans",
                "claims",
                "batches",
                "shipments",
                "custody",
                "audit_events",
                "consents",
                "delegation_terms"
            ]
        );
    }
}
