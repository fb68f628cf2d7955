//! `scenario --sandbox --bulk N`: after the demo, a long history for the indexer's
//! backfill tests, as real transactions on the in-process chain, each checked: a payer's
//! plan receives N claims in batches of 25 (`submit_claims`: one `ClaimAdjudicated`
//! each, the same services billed again and again, so most are denied as duplicates or
//! left unfunded once the escrow runs out: every outcome is an event), and with each
//! batch a physician reads the patient's lab result ten times (ten access-log entries)
//! and the patient grants a research consent and revokes it. About 1.5 N events.

use super::{ensure, id, licence, now_ms, party, plan_terms, step, CENT};
use claims_adjudication::claims_adjudication::{
    ClaimReference, ClaimRequest, ClaimSubmission, ClaimsAdjudication, Coverage,
};
use claims_adjudication::MAX_CLAIMS_PER_BATCH;
use consent_registry::consent_registry::{ConsentKind, ConsentRegistry, ConsentRequest};
use drug_provenance::drug_provenance::{BatchRequest, DrugProvenance};
use e2e_tests::fixtures::{batch as batch_request, gtin_of, line, payment_consent};
use healthcare_traits::{CredentialKind, DataCategories, DataCategory, Purpose, PurposeSet, DAY};
use ink::primitives::{AccountId, Hash};
use ink_e2e::{alice, create_call_builder};
use staff_credentials::staff_credentials::StaffCredentials;
use suite_client::{Outcome, Session};

/// Plays the bulk history of `claims` claims; returns the claims submitted.
pub async fn history(demo: &mut Session, claims_wanted: u32) -> Outcome<u32> {
    step(&format!(
        "A long history for the indexer: {claims_wanted} claims in batches, record reads, consents granted and revoked"
    ));
    let authority = alice();
    let mut creds =
        create_call_builder::<StaffCredentials>(demo.deployment.address("staff_credentials")?);
    let mut consents =
        create_call_builder::<ConsentRegistry>(demo.deployment.address("consent_registry")?);
    let mut claims =
        create_call_builder::<ClaimsAdjudication>(demo.deployment.address("claims_adjudication")?);
    let physician = party(demo, "bulk: physician").await?;
    let payer = party(demo, "bulk: payer").await?;
    let patient = party(demo, "bulk: patient").await?;
    let now = now_ms()?;
    for (holder, kind, identifier) in [
        (&physician, CredentialKind::MedicalLicence, &b"A-700001"[..]),
        (&physician, CredentialKind::NpiRegistration, b"1234567893"),
        (&payer, CredentialKind::PayerLicence, b"INS-70001"),
    ] {
        let jurisdiction = if kind == CredentialKind::NpiRegistration {
            *b"US"
        } else {
            *b"CA"
        };
        demo.tx(
            &authority,
            &creds.issue(licence(id(holder), kind, identifier, jurisdiction, now)),
            0,
        )
        .await?
        .map_err(|e| format!("issue {kind:?}: {e:?}"))?;
    }
    let treatment = ConsentRequest {
        patient: id(&patient),
        grantee: id(&physician),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        categories: DataCategories::of(&[DataCategory::LabResults]),
        valid_from: now,
        valid_until: Some(now + 365 * DAY),
    };
    for request in [treatment, payment_consent(id(&patient), id(&payer), now)] {
        demo.tx(&patient, &consents.grant(request), 0)
            .await?
            .map_err(|e| format!("grant: {e:?}"))?;
    }
    demo.tx(
        &patient,
        &consents.add_care_provider(id(&patient), id(&physician), now - 30 * DAY),
        0,
    )
    .await?
    .map_err(|e| format!("add_care_provider: {e:?}"))?;
    let record = demo
        .tx(
            &physician,
            &consents.anchor_record(
                id(&patient),
                DataCategory::LabResults,
                Hash::from([0x5a; 32]),
                Hash::from([0xa5; 32]),
            ),
            0,
        )
        .await?
        .map_err(|e| format!("anchor_record: {e:?}"))?;
    let plan = demo
        .tx(&payer, &claims.create_plan(plan_terms(now)), 0)
        .await?
        .map_err(|e| format!("create_plan: {e:?}"))?;
    demo.tx(
        &payer,
        &claims.set_fees(plan, vec![(*b"99213", Some(12_000 * CENT))]),
        0,
    )
    .await?
    .map_err(|e| format!("set_fees: {e:?}"))?;
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    demo.tx(&payer, &claims.enroll(plan, id(&patient), coverage), 0)
        .await?
        .map_err(|e| format!("enroll: {e:?}"))?;
    demo.tx(&payer, &claims.fund(plan), 1_000_000 * CENT)
        .await?
        .map_err(|e| format!("fund: {e:?}"))?;
    let read = consents.access_record(id(&patient), record, Purpose::Treatment);
    // A quarter of the most a batch may carry: within one call's gas on the in-process
    // chain.
    let per_batch = u32::try_from(MAX_CLAIMS_PER_BATCH / 4)?;
    let (mut submitted, mut batches) = (0u32, 0u32);
    // Each round's wall time: flat when a call costs the same however long the history.
    let mut rounds = Vec::new();
    while submitted < claims_wanted {
        let round = std::time::Instant::now();
        let size = per_batch.min(claims_wanted - submitted);
        let batch: Vec<ClaimSubmission> = (0..size)
            .map(|k| {
                let n = submitted + k;
                let mut reference = [0u8; 32];
                reference[..4].copy_from_slice(&n.to_be_bytes());
                ClaimSubmission {
                    request: ClaimRequest {
                        plan,
                        member: id(&patient),
                        provider: id(&physician),
                        // Spread over the last 50 days: each day's claim after the first
                        // is a duplicate.
                        service_date: now - u64::from(1 + n % 50) * DAY,
                        emergency: false,
                        lines: vec![line(b"99213", 15_000 * CENT)],
                    },
                    reference: Some(ClaimReference::from(reference)),
                }
            })
            .collect();
        let results = demo
            .tx(&physician, &claims.submit_claims(batch), 0)
            .await?
            .map_err(|e| format!("submit_claims #{batches}: {e:?}"))?;
        ensure(
            results.len() == usize::try_from(size)? && results.iter().all(Result::is_ok),
            "every claim of the batch recorded",
        )?;
        submitted += size;
        for _ in 0..10 {
            demo.tx(&physician, &read, 0)
                .await?
                .map_err(|e| format!("access_record: {e:?}"))?;
        }
        let mut grantee = [0xb0u8; 32];
        grantee[..4].copy_from_slice(&batches.to_be_bytes());
        let consent = demo
            .tx(
                &patient,
                &consents.grant(ConsentRequest {
                    patient: id(&patient),
                    grantee: AccountId::from(grantee),
                    kind: ConsentKind::Permit,
                    purposes: PurposeSet::of(&[Purpose::Research]),
                    categories: DataCategories::of(&[DataCategory::LabResults]),
                    valid_from: now,
                    valid_until: Some(now + 30 * DAY),
                }),
                0,
            )
            .await?
            .map_err(|e| format!("grant: {e:?}"))?;
        demo.tx(&patient, &consents.revoke(consent), 0)
            .await?
            .map_err(|e| format!("revoke: {e:?}"))?;
        batches += 1;
        rounds.push(round.elapsed().as_secs_f64());
    }
    println!(
        "    {submitted} claims in {batches} batches, {} record reads, {batches} consents granted and revoked",
        batches * 10
    );
    let tenth = (rounds.len() / 10).max(1);
    let mean = |part: &[f64]| part.iter().sum::<f64>() * 1000.0 / part.len().max(1) as f64;
    if rounds.len() >= 10 {
        println!(
            "    a round (batch, reads, consent) took {:.0} ms in the first tenth, {:.0} ms in the last",
            mean(&rounds[..tenth]),
            mean(&rounds[rounds.len() - tenth..])
        );
    }
    Ok(submitted)
}

/// `--bulk-custody N`: a manufacturer ships to a wholesaler one unit at a time, N times,
/// the wholesaler receiving each (two custody entries), a new batch every 100 shipments;
/// returns the custody entries written.
pub async fn custody(demo: &mut Session, shipments: u32) -> Outcome<u32> {
    step(&format!(
        "A long supply-chain history for the indexer: {shipments} shipments received"
    ));
    let authority = alice();
    let mut creds =
        create_call_builder::<StaffCredentials>(demo.deployment.address("staff_credentials")?);
    let mut drugs =
        create_call_builder::<DrugProvenance>(demo.deployment.address("drug_provenance")?);
    let manufacturer = party(demo, "bulk: manufacturer").await?;
    let wholesaler = party(demo, "bulk: wholesaler").await?;
    let now = now_ms()?;
    for (holder, kind, identifier) in [
        (
            &manufacturer,
            CredentialKind::ManufacturerLicence,
            &b"FEI-7000001"[..],
        ),
        (
            &wholesaler,
            CredentialKind::WholesaleDistributorLicence,
            b"WD-70001",
        ),
    ] {
        demo.tx(
            &authority,
            &creds.issue(licence(id(holder), kind, identifier, *b"CA", now)),
            0,
        )
        .await?
        .map_err(|e| format!("issue {kind:?}: {e:?}"))?;
    }
    let prefix = format!("8{:08}", (now / 1_000) % 100_000_000).into_bytes();
    let gtin = gtin_of(&prefix, b"002").ok_or("a GTIN of the prefix")?;
    demo.tx(
        &authority,
        &drugs.assign_prefix(prefix, id(&manufacturer)),
        0,
    )
    .await?
    .map_err(|e| format!("assign_prefix: {e:?}"))?;
    let (mut batch, mut entries) = (0u64, 0u32);
    for n in 0..shipments {
        if n % 100 == 0 {
            let lot = format!("B{}-{n}", now % 1_000_000).into_bytes();
            batch = demo
                .tx(
                    &manufacturer,
                    &drugs.register_batch(BatchRequest {
                        gtin,
                        ..batch_request(&lot, 100, now)
                    }),
                    0,
                )
                .await?
                .map_err(|e| format!("register_batch: {e:?}"))?;
            entries += 1;
        }
        let shipment = demo
            .tx(
                &manufacturer,
                &drugs.ship(batch, id(&wholesaler), 1, None),
                0,
            )
            .await?
            .map_err(|e| format!("ship #{n}: {e:?}"))?;
        demo.tx(&wholesaler, &drugs.receive(shipment, 1), 0)
            .await?
            .map_err(|e| format!("receive #{n}: {e:?}"))?;
        entries += 2;
    }
    println!("    {shipments} shipments received: {entries} custody entries");
    Ok(entries)
}
