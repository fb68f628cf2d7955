//! Submission: which claims the chain already holds (by reference), batches of
//! `submit_claims` sized to the block's weight and dry-run first, and the adjudicated
//! claims read back from the events.

use crate::claim::{Action, Prepared};
use crate::x277::{self, Rejection};
use claims_adjudication::claims_adjudication::{
    Claim, ClaimAdjudicated, ClaimId, ClaimStatus, ClaimsAdjudication, Error,
};
use claims_adjudication::MAX_CLAIMS_PER_BATCH;
use ink::primitives::{AccountId, Hash};
use ink_e2e::{create_call_builder, CallBuilderFinal, ContractsBackend, Keypair};
use parity_scale_codec::{Decode, Encode};
use std::collections::HashMap;
use suite_client::{account_of, BlockLimits, Outcome, Session};

/// The most bytes of encoded claims one batch carries: ink! 5 contracts read their input
/// into a static buffer, which `scripts/build-contracts.sh` makes 64 KiB for every
/// contract (`INK_INPUT_BUFFER` in scripts/common.sh; ink!'s default is 16 KiB); the
/// selector, the vector's length and the call's overhead take the rest.
pub const MAX_BATCH_BYTES: usize = 64_000;

/// The contract's name in the deployment file.
pub const CONTRACT: &str = "claims_adjudication";

/// What happened to one prepared claim.
#[derive(Debug, Clone)]
pub enum Fate {
    /// Adjudicated now.
    Submitted(Claim),
    /// The chain already held it under its reference (a resumed run).
    AlreadyOnChain(Claim),
    /// The contract refused it: in words, and as the 277CA rejects it.
    Refused {
        reason: String,
        rejection: Rejection,
    },
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

/// What the node's dry runs said the sent batches weigh (`gas_consumed`, the weight a
/// transaction is charged; `gas_required` is a little more, the limit it must carry).
#[derive(Debug, Default, Clone, Copy)]
pub struct Measured {
    /// Batches sent.
    pub batches: u64,
    /// Claims in them.
    pub claims: u64,
    /// Their ref_time (picoseconds).
    pub ref_time: u128,
    /// Their proof_size (bytes).
    pub proof_size: u128,
}

impl Measured {
    fn add(&mut self, claims: usize, (ref_time, proof_size): (u64, u64)) {
        self.batches += 1;
        self.claims += u64::try_from(claims).unwrap_or(u64::MAX);
        self.ref_time += u128::from(ref_time);
        self.proof_size += u128::from(proof_size);
    }

    /// Claims per block: by ref_time in `limits.normal` (each batch also pays the
    /// extrinsic base weight) and by proof size in `pov` bytes; `None` before any batch.
    pub fn per_block(&self, limits: &BlockLimits, pov: u128) -> Option<(u128, u128)> {
        let (batches, claims) = (u128::from(self.batches), u128::from(self.claims));
        if batches == 0 || claims == 0 {
            return None;
        }
        let ref_time = self.ref_time + batches * u128::from(limits.base_extrinsic);
        let proof = self.proof_size.max(1);
        Some((
            u128::from(limits.normal) * claims / ref_time.max(1),
            pov * claims / proof,
        ))
    }
}

/// A dry run's verdict on a batch.
struct DryRun {
    /// `gas_required.ref_time`: what the batch must be given.
    required: u64,
    /// `gas_consumed`: (ref_time, proof_size) it is charged.
    consumed: (u64, u64),
    /// Each claim's answer.
    answers: Vec<Result<ClaimId, Error>>,
}

/// Dry-runs `batch`: its weight and per-claim answers, or why the whole batch is refused.
async fn dry_run(session: &mut Session, signer: &Keypair, batch: &[&Prepared]) -> Outcome<DryRun> {
    let address = session.deployment.address(CONTRACT)?;
    let mut claims = create_call_builder::<ClaimsAdjudication>(address);
    let submissions = batch.iter().map(|p| p.submission.clone()).collect();
    let message = claims.submit_claims(submissions);
    let dry = session
        .node()?
        .call(signer, &message)
        .dry_run()
        .await
        .map_err(|e| format!("dry run: {e:?}"))?;
    if let Err(e) = &dry.exec_result.result {
        return Err(format!("the node refused the batch: {e:?}").into());
    }
    let required = dry.exec_result.gas_required.ref_time();
    let consumed = &dry.exec_result.gas_consumed;
    let consumed = (consumed.ref_time(), consumed.proof_size());
    match suite_client::decoded(&dry)? {
        Ok(answers) => Ok(DryRun {
            required,
            consumed,
            answers,
        }),
        Err(e) => Err(format!("the batch was refused: {}", refusal(session, &e)).into()),
    }
}

/// Submits `batch` (dry-run first; the claims the contract refuses are not sent) and
/// returns each claim's fate, in order; adds what was sent to `measured`.
async fn submit_batch(
    session: &mut Session,
    signer: &Keypair,
    batch: &[&Prepared],
    first: DryRun,
    measured: &mut Measured,
) -> Outcome<Vec<Fate>> {
    let answers = first.answers;
    let mut fates: Vec<Option<Fate>> = answers
        .iter()
        .map(|a| {
            a.as_ref().err().map(|e| Fate::Refused {
                reason: refusal(session, e),
                rejection: x277::of_error(e),
            })
        })
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
    // The weight of what is sent (the refused claims left out).
    let consumed = if sending.len() < batch.len() {
        dry_run(session, signer, &sending).await?.consumed
    } else {
        first.consumed
    };
    measured.add(sending.len(), consumed);
    let address = session.deployment.address(CONTRACT)?;
    let mut claims = create_call_builder::<ClaimsAdjudication>(address);
    let message = claims.submit_claims(sending.iter().map(|p| p.submission.clone()).collect());
    let result = session
        .node()?
        .call(signer, &message)
        .submit()
        .await
        .map_err(|e| format!("submit_claims: {e:?}"))?;
    // Each recorded claim's `ClaimAdjudicated` event carries the reference it was
    // recorded under. It is the contract's one event without topics (anonymous, and
    // without topic fields: every other event starts with its signature).
    let mut by_reference: HashMap<Hash, ClaimAdjudicated> = HashMap::new();
    for event in result.contract_emitted_events()? {
        let emitter: AccountId = event.event.contract;
        if emitter != address || !event.topics.is_empty() {
            continue;
        }
        let e = ClaimAdjudicated::decode(&mut &event.event.data[..])?;
        if let Some(reference) = e.reference {
            by_reference.insert(reference, e);
        }
    }
    let submitter = account_of(signer);
    let mut sent = sending.iter();
    for fate in fates.iter_mut().filter(|f| f.is_none()) {
        let Some(prepared) = sent.next() else { break };
        let found = prepared
            .submission
            .reference
            .and_then(|r| by_reference.remove(&r));
        *fate = Some(match found {
            Some(event) => Fate::Submitted(claim_of(prepared, submitter, event)),
            None => Fate::Refused {
                reason: "no adjudication event for the claim".into(),
                rejection: x277::RECEIVED,
            },
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
        reserved: 0,
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
) -> Outcome<(Vec<Fate>, Measured)> {
    let mut measured = Measured::default();
    let mut fates = Vec::with_capacity(pending.len());
    let mut size = largest.clamp(1, MAX_CLAIMS_PER_BATCH);
    let mut start = 0;
    while start < pending.len() {
        let mut end = (start + size).min(pending.len());
        // The encoded batch must fit the contract's input buffer.
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
        let dry = match dry_run(session, signer, batch).await {
            Ok(dry) => Some(dry),
            // Too heavy for the node's limits shows as a failed dry run.
            Err(e) if batch.len() > 1 => {
                let text = e.to_string();
                if text.contains("was refused:") {
                    return Err(e);
                }
                None
            }
            Err(e) => return Err(e),
        };
        let fits = dry.as_ref().is_some_and(|d| d.required <= budget);
        if !fits && batch.len() > 1 {
            size = (batch.len() / 2).max(1);
            continue;
        }
        // A single claim is sent even above the budget (the node is the judge).
        let Some(dry) = dry else {
            return Err("a batch without a dry run".into());
        };
        let done = submit_batch(session, signer, batch, dry, &mut measured).await?;
        progress(done.len());
        fates.extend(done);
        start = end;
    }
    Ok((fates, measured))
}

/// The claim that `prepared`, a replacement or void, corrected, as the chain holds it
/// now (a void's is its fate's claim), once the correction is on chain; `None` for an
/// original claim or a correction refused.
pub async fn corrected_original(
    session: &mut Session,
    signer: &Keypair,
    prepared: &Prepared,
    fate: &Fate,
) -> Outcome<Option<Claim>> {
    let (Fate::Submitted(on_chain) | Fate::AlreadyOnChain(on_chain)) = fate else {
        return Ok(None);
    };
    match prepared.action {
        Action::Submit => Ok(None),
        Action::Void(_) => Ok(Some(on_chain.clone())),
        Action::Replace(original) => {
            let address = session.deployment.address(CONTRACT)?;
            let claims = create_call_builder::<ClaimsAdjudication>(address);
            session.read(signer, &claims.claim(original)).await
        }
    }
}

/// Sends a replacement or void (`prepared.action`): the original the claim names is
/// read first, so that the 277CA tells a missing original, another provider's and one
/// voided before apart; then the call is dry-run (a refusal is not sent) and sent. A
/// rerun finds the replacement under its own reference, or the original voided.
pub async fn correct(
    session: &mut Session,
    signer: &Keypair,
    prepared: &Prepared,
) -> Outcome<Fate> {
    let (original_id, replace) = match prepared.action {
        Action::Replace(id) => (id, true),
        Action::Void(id) => (id, false),
        Action::Submit => return Err("an original claim is not a correction".into()),
    };
    if replace {
        if let Some(claim) = on_chain(session, signer, prepared).await? {
            return Ok(Fate::AlreadyOnChain(claim));
        }
    }
    let refused = |rejection: Rejection, reason: String| Ok(Fate::Refused { reason, rejection });
    let address = session.deployment.address(CONTRACT)?;
    let mut claims = create_call_builder::<ClaimsAdjudication>(address);
    let Some(original) = session.read(signer, &claims.claim(original_id)).await? else {
        return refused(
            x277::ORIGINAL_NOT_FOUND,
            format!("REF*F8 {original_id}: no such claim"),
        );
    };
    let request = &prepared.submission.request;
    if original.provider != request.provider || original.plan != request.plan {
        return refused(
            x277::ORIGINAL_OF_ANOTHER,
            format!("REF*F8 {original_id}: another provider's or plan's claim"),
        );
    }
    if original.member != request.member || original.service_date != request.service_date {
        return refused(
            x277::ORIGINAL_OF_ANOTHER,
            format!(
                "REF*F8 {original_id}: another member's or service date's claim (a new claim: void it and submit)"
            ),
        );
    }
    if replace && original.emergency != request.emergency {
        return refused(
            x277::ORIGINAL_OF_ANOTHER,
            format!(
                "REF*F8 {original_id}: the original was {}an emergency and a replacement keeps that (void it and submit)",
                if original.emergency { "" } else { "not " }
            ),
        );
    }
    if original.status == ClaimStatus::Voided {
        let replaced = session
            .read(signer, &claims.replaced_by(original_id))
            .await?;
        return match (replace, replaced) {
            // Voided on its own (by an earlier run of this file, or before it): done.
            (false, None) => Ok(Fate::AlreadyOnChain(original)),
            (_, Some(by)) => refused(
                x277::ORIGINAL_VOIDED,
                format!("REF*F8 {original_id}: replaced by claim {by} (correct that one)"),
            ),
            (true, None) => refused(
                x277::ORIGINAL_VOIDED,
                format!("REF*F8 {original_id}: voided before"),
            ),
        };
    }
    if original.denied_by_a_person() && original.provider != account_of(signer) {
        return refused(
            x277::ORIGINAL_FINAL,
            format!(
                "REF*F8 {original_id}: denied by the payer's adjuster: the provider appeals it, or corrects it itself (a relay may not)"
            ),
        );
    }
    let answer = if replace {
        let message = claims.replace_claim(original_id, prepared.submission.clone());
        send_checked(session, signer, &message).await?
    } else {
        send_checked(session, signer, &claims.void_claim(original_id)).await?
    };
    match answer {
        Sent::Done => {}
        Sent::Refused(e) => return refused(x277::of_error(&e), refusal(session, &e)),
        // The state moved between the dry run and the block (an adjuster decided, the
        // provider voided it from the dApp): this claim is answered, the run goes on.
        Sent::Failed(reason) => return refused(x277::RECEIVED, reason),
    }
    let now = if replace {
        on_chain(session, signer, prepared).await?
    } else {
        session.read(signer, &claims.claim(original_id)).await?
    };
    match now {
        Some(claim) => Ok(Fate::Submitted(claim)),
        None => refused(x277::RECEIVED, "the claim was not read back".into()),
    }
}

/// What became of a correction sent with [`send_checked`].
enum Sent {
    /// In a block.
    Done,
    /// The contract refused it in the dry run: nothing sent.
    Refused(Error),
    /// Accepted by the dry run, then failed in the block (the state changed between).
    Failed(String),
}

/// Dry-runs `message` and sends it only if the contract accepts it.
async fn send_checked<Args, T>(
    session: &mut Session,
    signer: &Keypair,
    message: &CallBuilderFinal<ink::env::DefaultEnvironment, Args, Result<T, Error>>,
) -> Outcome<Sent>
where
    Args: Sync + Encode + Clone,
    T: Send + Decode,
{
    let node = session.node()?;
    let dry = node
        .call(signer, message)
        .dry_run()
        .await
        .map_err(|e| format!("dry run: {e:?}"))?;
    if let Err(e) = suite_client::decoded(&dry)? {
        return Ok(Sent::Refused(e));
    }
    Ok(match node.call(signer, message).submit().await {
        Ok(_) => Sent::Done,
        Err(e) => Sent::Failed(format!(
            "sent after its dry run but not seen in a block (it may still land: run again, the chain is read first): {e:?}"
        )),
    })
}
