//! Submission: which claims the chain already holds (by reference), batches of
//! `submit_claims` sized to the block's weight and dry-run first, and the adjudicated
//! claims read back from the events.

use crate::claim::Prepared;
use claims_adjudication::claims_adjudication::{
    Claim, ClaimAdjudicated, ClaimId, ClaimReferenced, ClaimStatus, ClaimsAdjudication, Error,
};
use claims_adjudication::MAX_CLAIMS_PER_BATCH;
use ink::primitives::{AccountId, Hash};
use ink_e2e::{create_call_builder, ContractsBackend, Keypair};
use parity_scale_codec::{Decode, Encode};
use std::collections::HashMap;
use suite_client::{account_of, Outcome, Session};

/// The most bytes of encoded claims one batch carries: ink! 5 contracts read their input
/// into a 16 KiB buffer (selector, vector length and call overhead take the rest).
pub const MAX_BATCH_BYTES: usize = 16_000;

/// The contract's name in the deployment file.
pub const CONTRACT: &str = "claims_adjudication";

/// What happened to one prepared claim.
#[derive(Debug, Clone)]
pub enum Fate {
    /// Adjudicated now.
    Submitted(Claim),
    /// The chain already held it under its reference (a resumed run).
    AlreadyOnChain(Claim),
    /// The contract refused it (in words).
    Refused(String),
}

/// The most ref_time (picoseconds) one batch may use: half of the node's largest normal
/// extrinsic, so that a block keeps room for other transactions; a fixed 1 s of compute
/// when the node does not tell.
pub async fn batch_budget(url: &str) -> u64 {
    use ink_e2e::subxt::ext::scale_value::At;
    let read = async {
        let api = ink_e2e::subxt::OnlineClient::<ink_e2e::PolkadotConfig>::from_url(url)
            .await
            .ok()?;
        let weights = api
            .constants()
            .at(&ink_e2e::subxt::dynamic::constant("System", "BlockWeights"))
            .ok()?
            .to_value()
            .ok()?;
        let normal = weights.at("per_class")?.at("normal")?;
        let limit = normal
            .at("max_extrinsic")
            .and_then(|v| v.at(0))
            .or_else(|| weights.at("max_block"))?;
        limit.at("ref_time")?.as_u128()
    };
    read.await
        .and_then(|v| u64::try_from(v / 2).ok())
        .unwrap_or(1_000_000_000_000)
}

/// The claim the chain recorded under `prepared`'s reference, if any.
pub async fn on_chain(
    session: &mut Session,
    signer: &Keypair,
    prepared: &Prepared,
) -> Outcome<Option<Claim>> {
    let address = session.deployment.address(CONTRACT)?;
    let claims = create_call_builder::<ClaimsAdjudication>(address);
    let Some(reference) = prepared.submission.reference else {
        return Ok(None);
    };
    let id = session
        .read(
            signer,
            &claims.claim_by_reference(
                prepared.submission.request.plan,
                prepared.provider,
                reference,
            ),
        )
        .await?;
    match id {
        Some(id) => Ok(session.read(signer, &claims.claim(id)).await?),
        None => Ok(None),
    }
}

fn refusal(session: &Session, error: &Error) -> String {
    let index = error.encode().first().copied().unwrap_or(u8::MAX);
    session.deployment.error_text(CONTRACT, index)
}

/// Dry-runs `batch`: its weight and per-claim answers, or why the whole batch is refused.
async fn dry_run(
    session: &mut Session,
    signer: &Keypair,
    batch: &[&Prepared],
) -> Outcome<(u64, Vec<Result<ClaimId, Error>>)> {
    let address = session.deployment.address(CONTRACT)?;
    let mut claims = create_call_builder::<ClaimsAdjudication>(address);
    let submissions = batch.iter().map(|p| p.submission.clone()).collect();
    let message = claims.submit_claims(submissions);
    let dry = session
        .client
        .call(signer, &message)
        .dry_run()
        .await
        .map_err(|e| format!("dry run: {e:?}"))?;
    if let Err(e) = &dry.exec_result.result {
        return Err(format!("the node refused the batch: {e:?}").into());
    }
    let weight = dry.exec_result.gas_required.ref_time();
    match suite_client::decoded(&dry)? {
        Ok(results) => Ok((weight, results)),
        Err(e) => Err(format!("the batch was refused: {}", refusal(session, &e)).into()),
    }
}

/// Submits `batch` (dry-run first; the claims the contract refuses are not sent) and
/// returns each claim's fate, in order.
async fn submit_batch(
    session: &mut Session,
    signer: &Keypair,
    batch: &[&Prepared],
) -> Outcome<Vec<Fate>> {
    let (_, answers) = dry_run(session, signer, batch).await?;
    let mut fates: Vec<Option<Fate>> = answers
        .iter()
        .map(|a| a.as_ref().err().map(|e| Fate::Refused(refusal(session, e))))
        .collect();
    let sending: Vec<&Prepared> = batch
        .iter()
        .zip(&answers)
        .filter(|(_, a)| a.is_ok())
        .map(|(p, _)| *p)
        .collect();
    if sending.is_empty() {
        return Ok(fates.into_iter().flatten().collect());
    }
    let address = session.deployment.address(CONTRACT)?;
    let mut claims = create_call_builder::<ClaimsAdjudication>(address);
    let message = claims.submit_claims(sending.iter().map(|p| p.submission.clone()).collect());
    let result = session
        .client
        .call(signer, &message)
        .submit()
        .await
        .map_err(|e| format!("submit_claims: {e:?}"))?;
    let mut references: HashMap<ClaimId, Hash> = HashMap::new();
    let mut adjudicated: HashMap<ClaimId, ClaimAdjudicated> = HashMap::new();
    let referenced = <ClaimReferenced as ink::env::Event>::SIGNATURE_TOPIC;
    let adjudication = <ClaimAdjudicated as ink::env::Event>::SIGNATURE_TOPIC;
    for event in result.contract_emitted_events()? {
        let emitter: AccountId = event.event.contract;
        if emitter != address {
            continue;
        }
        let topic = event.topics.first().map(|t| t.0);
        let data = &event.event.data;
        if topic == referenced {
            let e = ClaimReferenced::decode(&mut &data[..])?;
            references.insert(e.claim, e.reference);
        } else if topic == adjudication {
            let e = ClaimAdjudicated::decode(&mut &data[..])?;
            adjudicated.insert(e.claim, e);
        }
    }
    let by_reference: HashMap<Hash, ClaimId> =
        references.into_iter().map(|(id, r)| (r, id)).collect();
    let submitter = account_of(signer);
    let mut sent = sending.iter();
    for fate in fates.iter_mut().filter(|f| f.is_none()) {
        let Some(prepared) = sent.next() else { break };
        let found = prepared
            .submission
            .reference
            .and_then(|r| by_reference.get(&r))
            .and_then(|id| adjudicated.remove(id));
        *fate = Some(match found {
            Some(event) => Fate::Submitted(claim_of(prepared, submitter, event)),
            None => Fate::Refused("no adjudication event for the claim".into()),
        });
    }
    Ok(fates.into_iter().flatten().collect())
}

/// The stored claim, rebuilt from its adjudication event and the request.
fn claim_of(prepared: &Prepared, submitter: AccountId, event: ClaimAdjudicated) -> Claim {
    let request = &prepared.submission.request;
    let denied = event.status == ClaimStatus::Denied;
    Claim {
        id: event.claim,
        plan: event.plan,
        member: event.member,
        provider: event.provider,
        submitter,
        service_date: request.service_date,
        submitted_at: 0,
        emergency: request.emergency,
        status: event.status,
        denial: event.denial,
        billed: event.lines.iter().map(|l| l.line.billed).sum(),
        allowed: if denied {
            0
        } else {
            event.lines.iter().map(|l| l.allowed).sum()
        },
        payer_amount: event.payer_amount,
        member_amount: event.member_amount,
        deductible_applied: 0,
        appeal_evidence: None,
        lines: event.lines,
    }
}

/// Submits `pending` in batches of at most `largest` claims whose dry-run weight fits
/// `budget`, halving a batch that does not fit; `progress` is told of every claim done.
pub async fn submit_all(
    session: &mut Session,
    signer: &Keypair,
    pending: &[&Prepared],
    largest: usize,
    budget: u64,
    progress: &mut dyn FnMut(usize),
) -> Outcome<Vec<Fate>> {
    let mut fates = Vec::with_capacity(pending.len());
    let mut size = largest.clamp(1, MAX_CLAIMS_PER_BATCH);
    let mut start = 0;
    while start < pending.len() {
        let mut end = (start + size).min(pending.len());
        // The encoded batch must fit the contract's 16 KiB input buffer.
        while end > start + 1
            && pending[start..end]
                .iter()
                .map(|p| p.submission.encoded_size())
                .sum::<usize>()
                > MAX_BATCH_BYTES
        {
            end -= 1;
        }
        let batch = &pending[start..end];
        let fits = match dry_run(session, signer, batch).await {
            Ok((weight, _)) => weight <= budget,
            // Too heavy for the node's limits shows as a failed dry run.
            Err(e) if batch.len() > 1 => {
                let text = e.to_string();
                if text.contains("was refused:") {
                    return Err(e);
                }
                false
            }
            Err(e) => return Err(e),
        };
        if !fits && batch.len() > 1 {
            size = (batch.len() / 2).max(1);
            continue;
        }
        let done = submit_batch(session, signer, batch).await?;
        progress(done.len());
        fates.extend(done);
        start = end;
    }
    Ok(fates)
}
