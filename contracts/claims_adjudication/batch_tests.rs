//! Compiled only under `#[cfg(test)]`: `submit_claims`, the batch submission, against the
//! same stand-in peers as `tests` (the drink sandbox tests compare it with separate
//! `submit_claim` calls on the real contracts).

use crate::claims_adjudication::*;
use crate::tests::{
    accounts, caller, consent_fails, credentials_fail, gov, line, name_relay, now, request, setup,
    LAB, OFFICE, T0, XRAY,
};
use crate::MAX_CLAIMS_PER_BATCH;
use healthcare_traits::{Action as Gov, PeerError, DAY};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::Hash;

fn plain(request: ClaimRequest) -> ClaimSubmission {
    ClaimSubmission {
        request,
        reference: None,
    }
}

fn referenced(request: ClaimRequest, reference: u8) -> ClaimSubmission {
    ClaimSubmission {
        request,
        reference: Some(Hash::from([reference; 32])),
    }
}

/// A batch of every kind of claim: paid, duplicate of a line earlier in the batch,
/// refused (unknown plan, no lines, future date), not a member, no care relationship
/// (frank is credentialed but unknown to django: an emergency goes to review).
fn mixed_batch() -> Vec<ClaimRequest> {
    let a = accounts();
    vec![
        request(vec![line(OFFICE, 150, 1), line(LAB, 60, 1)]),
        request(vec![line(LAB, 60, 1), line(XRAY, 400, 1)]),
        ClaimRequest {
            plan: 9,
            ..request(vec![line(OFFICE, 1, 1)])
        },
        request(vec![]),
        ClaimRequest {
            service_date: T0 + 1,
            ..request(vec![line(OFFICE, 1, 1)])
        },
        ClaimRequest {
            member: a.eve,
            ..request(vec![line(OFFICE, 100, 1)])
        },
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(OFFICE, 100, 2)])
        },
        ClaimRequest {
            service_date: T0 - 3 * DAY,
            emergency: true,
            provider: a.frank,
            ..request(vec![line(XRAY, 300, 1)])
        },
    ]
}

#[ink::test]
fn a_batch_gives_each_claim_what_submit_claim_gives_it() {
    let a = accounts();
    // The same plan, peers and requests on two contracts (two callee accounts): one
    // takes the batch, the other the claims one by one.
    crate::tests::licence(
        a.frank,
        healthcare_traits::CredentialKind::MedicalLicence,
        crate::tests::ALWAYS,
    );
    let mut batch = setup();
    // The payer submits, on behalf of charlie and frank (who named it their relay).
    name_relay(&mut batch, &[a.charlie, a.frank], a.bob);
    caller(a.bob);
    let batch_results = batch
        .submit_claims(mixed_batch().into_iter().map(plain).collect())
        .expect("batch");
    test::set_callee::<Env>(a.django);
    let mut single = setup();
    name_relay(&mut single, &[a.charlie, a.frank], a.bob);
    caller(a.bob);
    let mut single_results = Vec::new();
    for request in mixed_batch() {
        single_results.push(single.submit_claim(request));
    }
    assert_eq!(batch_results, single_results);
    assert_eq!(
        batch_results,
        vec![
            Ok(1),
            Ok(2),
            Err(Error::UnknownPlan),
            Err(Error::NoLines),
            Err(Error::ServiceInFuture),
            Ok(3),
            Ok(4),
            Ok(5),
        ]
    );
    test::set_callee::<Env>(test::default_accounts::<Env>().alice);
    // ink!'s off-chain engine keeps storage per callee: compare claim by claim.
    let from_batch: Vec<Option<Claim>> = (1..=5).map(|id| batch.claim(id)).collect();
    test::set_callee::<Env>(a.django);
    let from_single: Vec<Option<Claim>> = (1..=5).map(|id| single.claim(id)).collect();
    assert_eq!(from_batch, from_single);
    // And the plan (what the claims reserved and paid) and every party's claim list.
    let ids = |claims: Vec<Claim>| claims.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let view = |c: &ClaimsAdjudication| {
        (
            c.plan(1),
            c.escrow(1),
            [a.django, a.eve, a.frank].map(|m| ids(c.claims_of_member(m, 0, 50))),
            [a.charlie, a.frank].map(|p| ids(c.claims_of_provider(p, 0, 50))),
        )
    };
    let single_view = view(&single);
    test::set_callee::<Env>(test::default_accounts::<Env>().alice);
    let batch_view = view(&batch);
    assert_eq!(batch_view, single_view);
    assert_eq!(batch_view.2[1], vec![3], "eve's claim in eve's list only");
    let statuses: Vec<(ClaimStatus, Option<Carc>)> = from_batch
        .iter()
        .flatten()
        .map(|claim| (claim.status, claim.denial))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (ClaimStatus::Paid, None),
            (ClaimStatus::Paid, None),
            (ClaimStatus::Denied, Some(Carc::NotInsured)),
            (ClaimStatus::Paid, None),
            (ClaimStatus::PendingReview, None),
        ]
    );
    // The lab line of claim 2 repeats claim 1's: denied as a duplicate within the batch.
    let second = from_batch[1].clone().expect("claim 2");
    assert_eq!(second.lines[0].adjustments[0].reason, Carc::Duplicate);
}

#[ink::test]
fn batch_refusals_change_nothing() {
    let a = accounts();
    let mut c = setup();
    let one = || vec![plain(request(vec![line(OFFICE, 100, 1)]))];
    assert_eq!(
        c.submit_claims(vec![
            plain(request(vec![line(OFFICE, 100, 1)]));
            MAX_CLAIMS_PER_BATCH + 1
        ]),
        Err(Error::TooManyClaims)
    );
    // A peer failing refuses the whole batch with its typed error.
    for (fail, expected) in [
        (PeerError::Unreachable, Error::CredentialContractUnreachable),
        (PeerError::Trapped, Error::CredentialContractTrapped),
    ] {
        credentials_fail(a.charlie, Some(fail));
        assert_eq!(c.submit_claims(one()), Err(expected));
    }
    credentials_fail(a.charlie, None);
    for (fail, expected) in [
        (PeerError::Unreachable, Error::ConsentContractUnreachable),
        (PeerError::Trapped, Error::ConsentContractTrapped),
    ] {
        consent_fails(a.django, Some(fail));
        assert_eq!(c.submit_claims(one()), Err(expected));
    }
    consent_fails(a.django, None);
    // A caller that is neither provider nor payer is refused claim by claim.
    caller(a.frank);
    assert_eq!(c.submit_claims(one()), Ok(vec![Err(Error::NotSubmitter)]));
    caller(a.charlie);
    gov(&mut c, Gov::Pause).expect("pause");
    assert_eq!(c.submit_claims(one()), Err(Error::Paused));
    gov(&mut c, Gov::Unpause).expect("unpause");
    // Nothing was recorded: the next claim is claim 1; an empty batch does nothing.
    assert_eq!(c.claims_of_provider(a.charlie, 0, 10), vec![]);
    assert_eq!(c.submit_claims(vec![]), Ok(vec![]));
    assert_eq!(c.submit_claims(one()), Ok(vec![Ok(1)]));
}

#[ink::test]
fn a_reference_is_used_once_per_plan_and_provider() {
    let a = accounts();
    let mut c = setup();
    name_relay(&mut c, &[a.charlie], a.bob);
    let office = |date| ClaimRequest {
        service_date: date,
        ..request(vec![line(OFFICE, 100, 1)])
    };
    let results = c
        .submit_claims(vec![
            referenced(office(T0 - DAY), 7),
            referenced(office(T0 - 2 * DAY), 7),
            referenced(office(T0 - 3 * DAY), 8),
        ])
        .expect("batch");
    assert_eq!(results, vec![Ok(1), Err(Error::ReferenceUsed), Ok(2)]);
    let seven = Hash::from([7; 32]);
    assert_eq!(c.claim_by_reference(1, a.charlie, seven), Some(1));
    assert_eq!(c.claim_by_reference(1, a.frank, seven), None);
    assert_eq!(c.claim_by_reference(2, a.charlie, seven), None);
    // Sent again (a resumed run): recognised, nothing adjudicated twice.
    assert_eq!(
        c.submit_claims(vec![referenced(office(T0 - 4 * DAY), 8)]),
        Ok(vec![Err(Error::ReferenceUsed)])
    );
    assert_eq!(c.claims_of_member(a.django, 0, 10).len(), 2);
    // A denied claim holds its reference too.
    caller(a.bob);
    let stranger = ClaimRequest {
        member: a.eve,
        ..office(T0)
    };
    assert_eq!(
        c.submit_claims(vec![referenced(stranger.clone(), 9)]),
        Ok(vec![Ok(3)])
    );
    assert_eq!(
        c.submit_claims(vec![referenced(stranger, 9)]),
        Ok(vec![Err(Error::ReferenceUsed)])
    );
    now(T0 + DAY);
    assert_eq!(
        c.claim(3).map(|claim| claim.denial),
        Some(Some(Carc::NotInsured))
    );
}

#[ink::test]
fn claim_lists_page_across_single_and_batched_submissions() {
    let a = accounts();
    let mut c = setup();
    caller(a.charlie);
    let one = || request(vec![line(OFFICE, 100, 1)]);
    let mut expected = Vec::new();
    // Singles and batches of every size around a stored page (CLAIMS_PER_PAGE ids).
    for size in [1usize, 1, 1, 20, 1, 13, 16, 3, 33] {
        if size == 1 {
            expected.push(c.submit_claim(one()).expect("claim"));
        } else {
            let results = c
                .submit_claims((0..size).map(|_| plain(one())).collect())
                .expect("batch");
            expected.extend(results.into_iter().map(|r| r.expect("recorded")));
        }
    }
    assert_eq!(expected, (1..=89).collect::<Vec<u64>>());
    let total = u32::try_from(expected.len()).expect("few");
    let ids = |claims: Vec<Claim>| claims.into_iter().map(|c| c.id).collect::<Vec<_>>();
    for offset in (0..=total + 2).step_by(3) {
        for limit in [0u32, 1, 7, 16, 17, 50, 200] {
            let start = usize::try_from(offset.min(total)).expect("few");
            let end = usize::try_from(
                offset
                    .saturating_add(limit.min(crate::MAX_PAGE_SIZE))
                    .min(total),
            )
            .expect("few");
            let want = expected[start..end.max(start)].to_vec();
            assert_eq!(ids(c.claims_of_provider(a.charlie, offset, limit)), want);
            assert_eq!(ids(c.claims_of_member(a.django, offset, limit)), want);
        }
    }
    assert!(c.claims_of_member(a.eve, 0, 10).is_empty());
}
