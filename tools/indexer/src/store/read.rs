//! What the store answers the checks and the APIs with: claims, custody histories,
//! access logs and consents as the projections hold them.

use super::{Error, Result, Store};
use crate::project::custody;
use sqlx::Row;

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
