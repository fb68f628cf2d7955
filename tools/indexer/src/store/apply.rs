//! Writing a block: its events, their topics and what the projections make of them,
//! inside the commit's transaction.

use super::{big, Error, IndexedBlock, Result};
use crate::project::{self, custody, Op};
use sqlx::{Any, Row, Transaction};

/// Stores `block`; returns how many events it held and how many of them were kept raw
/// or not projected (with their reason).
pub(super) async fn store_block(
    tx: &mut Transaction<'static, Any>,
    block: &IndexedBlock,
) -> Result<(i64, i64)> {
    if block.events.is_empty() {
        return Ok((0, 0));
    }
    let mut not_read = 0i64;
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
            Ok((name, fields)) => {
                let (ops, error) = projected(&event.contract, name, fields);
                (Some(name.clone()), Some(fields.to_string()), ops, error)
            }
            Err(why) => (None, None, Vec::new(), Some(why.clone())),
        };
        if error.is_some() {
            not_read = not_read.saturating_add(1);
        }
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
    let events =
        i64::try_from(block.events.len()).map_err(|_| Error::Value("too many events".into()))?;
    Ok((events, not_read))
}

/// What the projections make of a decoded event: its operations, or none and the reason
/// stored in `events.error` (storing and re-projecting both write it, and re-projecting
/// compares with it).
pub(super) fn projected(
    contract: &str,
    name: &str,
    fields: &serde_json::Value,
) -> (Vec<Op>, Option<String>) {
    match project::project(contract, name, fields) {
        Ok(ops) => (ops, None),
        Err(why) => (Vec::new(), Some(format!("projection: {why}"))),
    }
}

/// Where an event sits: its block, index and time.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub(super) block: i64,
    pub(super) idx: i64,
    pub(super) ms: i64,
}

pub(super) async fn apply_op(tx: &mut Transaction<'static, Any>, at: At, op: Op) -> Result<()> {
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
        Op::Audit(a) => {
            sqlx::query(
                "INSERT INTO audit_events (block, idx, patient, kind, actor, purpose, record, \
                 grant_id, log_index, reason, expires_ms, at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(at.block)
            .bind(at.idx)
            .bind(a.patient)
            .bind(a.kind.to_string())
            .bind(a.actor)
            .bind(a.purpose)
            .bind(a.record)
            .bind(a.grant)
            .bind(a.log_index)
            .bind(a.reason)
            .bind(a.expires_ms)
            .bind(at.ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::Consent(c) => {
            sqlx::query(
                "INSERT INTO consents (consent, patient, grantee, kind, purposes, categories, \
                 valid_from_ms, valid_until_ms, recorded_by, delegation, recorded_block, \
                 recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(c.consent)
            .bind(c.patient)
            .bind(c.grantee)
            .bind(c.kind)
            .bind(c.purposes)
            .bind(c.categories)
            .bind(c.valid_from_ms)
            .bind(c.valid_until_ms)
            .bind(c.recorded_by)
            .bind(c.delegation)
            .bind(at.block)
            .bind(at.ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::ConsentRevoked { consent, by, at_ms } => {
            // A consent recorded before the indexer's first block has no row to update.
            sqlx::query("UPDATE consents SET revoked_by = $2, revoked_ms = $3 WHERE consent = $1")
                .bind(consent)
                .bind(by)
                .bind(at_ms)
                .execute(&mut **tx)
                .await?;
        }
        Op::Term(t) => {
            // A renewal keeps the term's start and moves its end, as the contract does.
            sqlx::query(
                "INSERT INTO delegation_terms (patient, delegate, term, relationship, from_ms, \
                 until_ms) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (patient, delegate, term) DO UPDATE \
                 SET relationship = excluded.relationship, until_ms = excluded.until_ms",
            )
            .bind(t.patient)
            .bind(t.delegate)
            .bind(t.term)
            .bind(t.relationship)
            .bind(at.ms)
            .bind(t.expires_ms)
            .execute(&mut **tx)
            .await?;
        }
        Op::TermEnded {
            patient,
            delegate,
            term,
            at_ms,
        } => {
            sqlx::query(
                "UPDATE delegation_terms SET until_ms = $4 \
                 WHERE patient = $1 AND delegate = $2 AND term = $3 AND until_ms > $4",
            )
            .bind(patient)
            .bind(delegate)
            .bind(term)
            .bind(at_ms)
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
