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

/// An access-log entry as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccess {
    /// Its place in the patient's access log.
    pub log_index: i64,
    /// Who accessed (SS58).
    pub accessor: String,
    /// Block time (ms).
    pub at_ms: i64,
    /// The declared purpose (`Treatment`, …).
    pub purpose: String,
    /// The record read; `None` for the opening of a break-glass grant.
    pub record: Option<i64>,
    /// The break-glass grant used or opened.
    pub emergency: Option<i64>,
}

/// A consent as the store holds it, with the delegation term it was recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConsent {
    /// Its id.
    pub consent: i64,
    /// Whose data (SS58).
    pub patient: String,
    /// The grantee (SS58).
    pub grantee: String,
    /// `Permit` or `Deny`.
    pub kind: String,
    /// The purposes' bits.
    pub purposes: i64,
    /// The data categories' bits.
    pub categories: i64,
    /// Start of its period (ms).
    pub valid_from_ms: i64,
    /// End of its period (ms), if any.
    pub valid_until_ms: Option<i64>,
    /// Who recorded it (SS58).
    pub recorded_by: String,
    /// The delegation term it was recorded under.
    pub delegation: Option<i64>,
    /// Block time it was recorded (ms).
    pub recorded_ms: i64,
    /// Who revoked it (SS58), if anyone did.
    pub revoked_by: Option<String>,
    /// Block time it was revoked (ms).
    pub revoked_ms: Option<i64>,
    /// The term's start and end (ms), when recorded under one the store holds.
    pub term: Option<(i64, i64)>,
}

impl Store {
    /// The patient's access log as the projection holds it, in log order.
    pub async fn access_log(&self, patient: &str) -> Result<Vec<StoredAccess>> {
        let rows = sqlx::query(
            "SELECT log_index, actor, at_ms, purpose, record, grant_id FROM audit_events \
             WHERE patient = $1 AND log_index IS NOT NULL ORDER BY log_index",
        )
        .bind(patient)
        .fetch_all(&self.pool)
        .await?;
        let mut log = Vec::new();
        for row in rows {
            log.push(StoredAccess {
                log_index: row.try_get(0)?,
                accessor: row.try_get(1)?,
                at_ms: row.try_get(2)?,
                purpose: row.try_get(3)?,
                record: row.try_get(4)?,
                emergency: row.try_get(5)?,
            });
        }
        Ok(log)
    }

    /// The patient's consents, by id, each with its delegation term.
    pub async fn consents_of(&self, patient: &str) -> Result<Vec<StoredConsent>> {
        let rows = sqlx::query(
            "SELECT c.consent, c.patient, c.grantee, c.kind, c.purposes, c.categories, \
             c.valid_from_ms, c.valid_until_ms, c.recorded_by, c.delegation, c.recorded_ms, \
             c.revoked_by, c.revoked_ms, t.from_ms, t.until_ms \
             FROM consents c LEFT JOIN delegation_terms t ON t.patient = c.patient \
             AND t.delegate = c.recorded_by AND t.term = c.delegation \
             WHERE c.patient = $1 ORDER BY c.consent",
        )
        .bind(patient)
        .fetch_all(&self.pool)
        .await?;
        let mut consents = Vec::new();
        for row in rows {
            let from: Option<i64> = row.try_get(13)?;
            let until: Option<i64> = row.try_get(14)?;
            consents.push(StoredConsent {
                consent: row.try_get(0)?,
                patient: row.try_get(1)?,
                grantee: row.try_get(2)?,
                kind: row.try_get(3)?,
                purposes: row.try_get(4)?,
                categories: row.try_get(5)?,
                valid_from_ms: row.try_get(6)?,
                valid_until_ms: row.try_get(7)?,
                recorded_by: row.try_get(8)?,
                delegation: row.try_get(9)?,
                recorded_ms: row.try_get(10)?,
                revoked_by: row.try_get(11)?,
                revoked_ms: row.try_get(12)?,
                term: from.zip(until),
            });
        }
        Ok(consents)
    }

    /// Every patient with an access-log entry, a break-glass step or a consent.
    pub async fn patients(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT patient FROM audit_events UNION SELECT patient FROM consents ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
