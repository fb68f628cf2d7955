//! Compiled only under `#[cfg(test)]`: voids and replacements (X12 claim frequency 8 and
//! 7), with the same stand-in peers as `tests`, each rule against the party who would
//! slip past it: a stranger or a payer voiding a provider's claim, a provider voiding or
//! replacing what is paid, owed or under appeal, a replacement that bills the original's
//! services twice or is refused half-way.

use crate::claims_adjudication::*;
use crate::tests::{
    accounts, caller, care, line, monitored, now, payment_consent, reasons, request, setup, submit,
    submit_request, ALWAYS, LAB, OFFICE, RPM, T0, XRAY,
};
use healthcare_traits::testing::last_recorded;
use healthcare_traits::DAY;
use ink::primitives::Hash;

fn replacement(lines: Vec<ClaimLine>, reference: u8) -> ClaimSubmission {
    ClaimSubmission {
        request: request(lines),
        reference: Some(Hash::from([reference; 32])),
    }
}

/// Replaces claim `id` with `submission` (accepted) and reads the new claim.
fn replaced(c: &mut ClaimsAdjudication, id: ClaimId, submission: ClaimSubmission) -> Claim {
    let new = c.replace_claim(id, submission).expect("replaced");
    c.claim(new).expect("stored")
}

/// charlie's x-ray of 9 000 (30 units): above the review threshold, so it waits for
/// review with the payer share reserved and the deductible and out-of-pocket counted.
fn pending(c: &mut ClaimsAdjudication) -> Claim {
    let claim = submit(c, vec![line(XRAY, 9_000, 30)]);
    assert_eq!(claim.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0, 8_000)));
    assert_eq!(c.accumulator(1, accounts().django, 0).oop_spent, 1_000);
    claim
}

#[ink::test]
fn only_the_provider_or_the_corrector_it_named_voids_or_replaces_its_claims() {
    let a = accounts();
    let mut c = setup();
    let claim = pending(&mut c);
    // A stranger, and the payer of a claim the provider submitted itself.
    for who in [a.eve, a.frank, a.bob] {
        caller(who);
        assert_eq!(c.void_claim(claim.id), Err(Error::NotSubmitter));
        assert_eq!(
            c.replace_claim(claim.id, replacement(vec![line(XRAY, 300, 1)], 1)),
            Err(Error::NotSubmitter)
        );
    }
    assert_eq!(c.void_claim(99), Err(Error::UnknownClaim));
    assert_eq!(c.claim(claim.id), Some(claim.clone()));
    // The provider names its payer: it relays the provider's 837s (submits in its name)
    // and may void or replace what it submitted, never what the provider submitted.
    caller(a.charlie);
    c.set_corrector(a.bob, true)
        .expect("the provider names its payer");
    let named = last_recorded::<CorrectorChanged>();
    assert_eq!(
        (named.provider, named.corrector, named.allowed),
        (a.charlie, a.bob, true)
    );
    assert!(c.is_corrector(a.charlie, a.bob));
    caller(a.bob);
    let relayed = submit(&mut c, vec![line(LAB, 50, 1)]);
    assert_eq!(relayed.submitter, a.bob);
    caller(a.eve);
    c.review_claim(claim.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.bob);
    let denied_relayed = {
        let id = c
            .submit_claim(ClaimRequest {
                member: accounts().eve,
                ..request(vec![line(OFFICE, 100, 1)])
            })
            .expect("recorded");
        c.claim(id).expect("stored")
    };
    assert_eq!(denied_relayed.status, ClaimStatus::Denied);
    // A corrector still cannot void what the provider submitted itself.
    assert_eq!(c.void_claim(claim.id), Err(Error::NotSubmitter));
    c.void_claim(denied_relayed.id)
        .expect("the payer voids what it relayed");
    // Withdrawn: refused again (having submitted it is not enough: a payer voiding a
    // claim it relayed would escape paying it, and the provider's appeal).
    let again = c
        .submit_claim(ClaimRequest {
            member: accounts().eve,
            ..request(vec![line(LAB, 50, 1)])
        })
        .expect("recorded");
    caller(a.charlie);
    c.set_corrector(a.bob, false).expect("withdrawn");
    assert!(!c.is_corrector(a.charlie, a.bob));
    caller(a.bob);
    assert_eq!(c.void_claim(again), Err(Error::NotSubmitter));
    caller(a.charlie);
    c.void_claim(claim.id).expect("the provider voids its own");
    assert_eq!(
        c.claim(claim.id).map(|c| c.status),
        Some(ClaimStatus::Voided)
    );
}

#[ink::test]
fn a_paid_owed_appealed_or_voided_claim_cannot_be_voided_or_replaced() {
    let a = accounts();
    let mut c = setup();
    let paid = submit(&mut c, vec![line(XRAY, 1_000, 1)]);
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(c.void_claim(paid.id), Err(Error::NotVoidable));
    assert_eq!(
        c.replace_claim(paid.id, replacement(vec![line(XRAY, 300, 1)], 1)),
        Err(Error::NotVoidable)
    );
    // Under appeal: denied at review, then appealed.
    let on = |days: u64, lines| ClaimRequest {
        service_date: T0 - days * DAY,
        ..request(lines)
    };
    let big = submit_request(&mut c, on(3, vec![line(XRAY, 9_000, 30)]));
    caller(a.eve);
    c.review_claim(big.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    c.appeal(big.id, Hash::from([3; 32])).expect("appeal");
    assert_eq!(c.void_claim(big.id), Err(Error::NotVoidable));
    // Owed: the payer took out all it could, so the escrow cannot pay it.
    caller(a.bob);
    let (escrow, owed, reserved) = c.escrow(1).expect("plan");
    c.withdraw(1, escrow - owed - reserved).expect("empty");
    caller(a.charlie);
    let owed = submit_request(&mut c, on(2, vec![line(XRAY, 3_000, 10)]));
    assert_eq!(owed.status, ClaimStatus::ApprovedUnfunded);
    assert_eq!(c.void_claim(owed.id), Err(Error::NotVoidable));
    // Voided once: not again, not replaced, never appealed.
    let denied = submit(&mut c, vec![line(*b"99999", 10, 1)]);
    assert_eq!(denied.status, ClaimStatus::Denied);
    c.void_claim(denied.id).expect("void");
    assert_eq!(c.void_claim(denied.id), Err(Error::NotVoidable));
    assert_eq!(
        c.replace_claim(denied.id, replacement(vec![line(OFFICE, 100, 1)], 2)),
        Err(Error::NotVoidable)
    );
    assert_eq!(
        c.appeal(denied.id, Hash::from([4; 32])),
        Err(Error::NotDenied)
    );
}

#[ink::test]
fn a_void_gives_back_the_reservation_the_accumulators_and_the_services() {
    let a = accounts();
    let mut c = setup();
    let claim = pending(&mut c);
    c.void_claim(claim.id).expect("void");
    let voided = c.claim(claim.id).expect("stored");
    assert_eq!(voided.status, ClaimStatus::Voided);
    assert_eq!(
        (
            voided.allowed,
            voided.payer_amount,
            voided.member_amount,
            voided.reserved
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)), "nothing reserved");
    assert_eq!(c.accumulator(1, a.django, 0), Accumulator::default());
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        None
    );
    let event = last_recorded::<ClaimVoided>();
    assert_eq!(
        (event.claim, event.replaced_by, event.by),
        (claim.id, None, a.charlie)
    );
    let adjudicated = last_recorded::<ClaimAdjudicated>();
    assert_eq!(
        (adjudicated.claim, adjudicated.status),
        (claim.id, ClaimStatus::Voided)
    );
    // Nothing left for an adjuster to decide, and the services can be billed again.
    caller(a.eve);
    assert_eq!(
        c.review_claim(claim.id, true, Carc::NotMedicallyNecessary),
        Err(Error::NotPendingReview)
    );
    caller(a.charlie);
    let again = submit(&mut c, vec![line(XRAY, 300, 1)]);
    assert_eq!(again.lines[0].allowed, 300);
}

#[ink::test]
fn a_replacement_is_priced_as_the_new_version_and_no_duplicate_of_the_original() {
    let a = accounts();
    let mut c = setup();
    let claim = pending(&mut c);
    let new = replaced(&mut c, claim.id, replacement(vec![line(XRAY, 300, 1)], 1));
    let id = new.id;
    assert_eq!(
        new.lines[0].allowed, 300,
        "not a duplicate of the original's x-ray"
    );
    assert_eq!(new.status, ClaimStatus::Paid);
    // Only the new version counts: 300 toward the deductible, nothing reserved.
    assert_eq!(c.accumulator(1, a.django, 0).deductible_met, 300);
    assert_eq!(c.escrow(1), Some((10_000, 0, 0)));
    assert_eq!(
        c.claim(claim.id).map(|c| c.status),
        Some(ClaimStatus::Voided)
    );
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(id)
    );
    assert_eq!(
        c.claim_by_reference(1, a.charlie, Hash::from([1; 32])),
        Some(id)
    );
    let event = last_recorded::<ClaimVoided>();
    assert_eq!((event.claim, event.replaced_by), (claim.id, Some(id)));
    assert_eq!(c.replaced_by(claim.id), Some(id));
    assert_eq!(c.replaced_by(id), None);
    // A denied claim replaced by a corrected one (the member named a care provider since).
    let stranger = ink::primitives::AccountId::from([0x42; 32]);
    caller(a.bob);
    c.enroll(
        1,
        stranger,
        Coverage {
            start: T0 - 10 * DAY,
            end: None,
        },
    )
    .expect("enrol");
    payment_consent(stranger, a.bob, ALWAYS);
    caller(a.charlie);
    let denied_id = c
        .submit_claim(ClaimRequest {
            member: stranger,
            ..request(vec![line(LAB, 50, 1)])
        })
        .expect("recorded");
    assert_eq!(
        c.claim(denied_id).map(|c| c.denial),
        Some(Some(Carc::NoCareRelationship))
    );
    care(stranger, a.charlie, ALWAYS);
    let corrected = ClaimSubmission {
        request: ClaimRequest {
            member: stranger,
            ..request(vec![line(LAB, 50, 1)])
        },
        reference: Some(Hash::from([2; 32])),
    };
    let id = c.replace_claim(denied_id, corrected).expect("replaced");
    assert_eq!(c.claim(id).map(|c| c.denial), Some(None));
}

#[ink::test]
fn a_refused_replacement_changes_nothing() {
    let a = accounts();
    let mut c = setup();
    let claim = pending(&mut c);
    let used = c
        .submit_claims(vec![replacement(vec![line(LAB, 50, 1)], 9)])
        .expect("batch");
    assert!(used[0].is_ok());
    let refusals = [
        (
            ClaimSubmission {
                request: ClaimRequest {
                    provider: a.frank,
                    ..request(vec![line(XRAY, 300, 1)])
                },
                reference: None,
            },
            Error::ReplacementMismatch,
        ),
        (
            ClaimSubmission {
                request: ClaimRequest {
                    plan: 2,
                    ..request(vec![line(XRAY, 300, 1)])
                },
                reference: None,
            },
            Error::ReplacementMismatch,
        ),
        (
            ClaimSubmission {
                request: ClaimRequest {
                    service_date: T0 - 2 * DAY,
                    ..request(vec![line(XRAY, 300, 1)])
                },
                reference: None,
            },
            Error::ReplacementMismatch,
        ),
        (
            ClaimSubmission {
                request: ClaimRequest {
                    member: a.eve,
                    ..request(vec![line(XRAY, 300, 1)])
                },
                reference: None,
            },
            Error::ReplacementMismatch,
        ),
        // An emergency claimed in the replacement only: a claim denied for want of a
        // care relationship would go to an adjuster instead.
        (
            ClaimSubmission {
                request: ClaimRequest {
                    emergency: true,
                    ..request(vec![line(XRAY, 300, 1)])
                },
                reference: None,
            },
            Error::ReplacementMismatch,
        ),
        (replacement(vec![], 1), Error::NoLines),
        (
            replacement(vec![line(XRAY, 300, 1)], 9),
            Error::ReferenceUsed,
        ),
    ];
    let state = |c: &ClaimsAdjudication| {
        (
            c.claim(claim.id),
            c.escrow(1),
            c.accumulator(1, a.django, 0),
            c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        )
    };
    let before = state(&c);
    assert_eq!(before.3, Some(claim.id));
    for (submission, error) in refusals {
        assert_eq!(c.replace_claim(claim.id, submission), Err(error));
        assert_eq!(state(&c), before);
    }
    // A replacement the screening would deny (the member's payment consent did not
    // cover the service date after all): refused, the original kept, not voided into a
    // denial that can never be appealed.
    payment_consent(a.django, a.bob, (0, 1));
    assert_eq!(
        c.replace_claim(claim.id, replacement(vec![line(XRAY, 300, 1)], 3)),
        Err(Error::ReplacementDenied)
    );
    assert_eq!(state(&c), before);
}

#[ink::test]
fn a_replacement_after_the_filing_window_is_refused_and_the_original_kept() {
    let a = accounts();
    let mut c = setup();
    // A claim filed in time with one cheap line, denied at review...
    let stub = pending(&mut c);
    caller(a.eve);
    c.review_claim(stub.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    let denied = c.claim(stub.id).expect("stored");
    // ...cannot be replaced by the real claim once the window (90 days from the service
    // date) has closed: the replacement is filed now.
    now(T0 + 90 * DAY);
    caller(a.charlie);
    assert_eq!(
        c.replace_claim(stub.id, replacement(vec![line(XRAY, 300, 1)], 1)),
        Err(Error::ReplacementDenied)
    );
    assert_eq!(c.claim(stub.id), Some(denied));
    // Within the window it is replaced, filed at its own submission.
    now(T0 + 10 * DAY);
    let new = replaced(&mut c, stub.id, replacement(vec![line(XRAY, 300, 1)], 1));
    assert_eq!(new.submitted_at, T0 + 10 * DAY);
    assert_eq!(new.lines[0].allowed, 300);
}

#[ink::test]
fn a_void_gives_back_the_device_supply_it_held() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    caller(a.charlie);
    monitored(a.django, a.charlie, 16);
    // The device supply with an x-ray big enough to wait for review.
    let held = submit(&mut c, vec![line(RPM, 60, 1), line(XRAY, 9_000, 30)]);
    assert_eq!(held.status, ClaimStatus::PendingReview);
    assert_eq!(held.lines[0].allowed, 60);
    let again = ClaimRequest {
        service_date: T0 - 2 * DAY,
        ..request(vec![line(RPM, 60, 1)])
    };
    let refused = submit_request(&mut c, again.clone());
    assert_eq!(refused.lines[0].allowed, 0);
    assert_eq!(refused.lines[0].adjustments[0].reason, Carc::PeriodMaximum);
    c.void_claim(held.id).expect("void");
    let billed = submit_request(&mut c, again);
    assert_eq!(billed.lines[0].allowed, 60, "the supply is free again");
}

/// charlie's x-ray of 9 000, denied by the adjuster at review.
fn denied_at_review(c: &mut ClaimsAdjudication) -> Claim {
    let big = pending(c);
    caller(accounts().eve);
    c.review_claim(big.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(accounts().charlie);
    c.claim(big.id).expect("stored")
}

#[ink::test]
fn a_service_an_adjuster_denied_billed_again_under_the_threshold_is_a_duplicate() {
    let a = accounts();
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(denied.id)
    );
    // The same x-ray trimmed to 13 units: its payer share (2 900) is under the review
    // threshold, so it would be paid at once over the adjuster's denial.
    let trimmed = submit(&mut c, vec![line(XRAY, 3_900, 13)]);
    assert_eq!(reasons(&trimmed), vec![Carc::Duplicate]);
    assert_eq!(trimmed.status, ClaimStatus::Denied);
    // Voiding the denial first does not free it either.
    c.void_claim(denied.id).expect("void");
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(denied.id)
    );
    let after_void = submit(&mut c, vec![line(XRAY, 3_900, 13)]);
    assert_eq!(reasons(&after_void), vec![Carc::Duplicate]);
    assert_eq!(
        c.escrow(1),
        Some((10_000, 0, 0)),
        "nothing paid or reserved"
    );
}

#[ink::test]
fn a_replacement_of_a_claim_an_adjuster_denied_waits_for_review_whatever_its_amount() {
    let a = accounts();
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    let new = replaced(
        &mut c,
        denied.id,
        replacement(vec![line(XRAY, 3_900, 13)], 1),
    );
    let id = new.id;
    assert_eq!(
        new.payer_amount, 2_900,
        "under the review threshold of 5 000"
    );
    assert_eq!(new.status, ClaimStatus::PendingReview);
    assert_eq!(new.reserved, 2_900);
    assert_eq!(c.escrow(1), Some((10_000, 0, 2_900)));
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(id),
        "the original gave the service to its correction"
    );
    // A correction of a claim only the machine denied is priced as a new claim.
    let uncovered = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(*b"99999", 3_000, 10)])
        },
    );
    assert_eq!(reasons(&uncovered), vec![Carc::NotCovered]);
    let corrected = c
        .replace_claim(
            uncovered.id,
            ClaimSubmission {
                request: ClaimRequest {
                    service_date: T0 - 2 * DAY,
                    ..request(vec![line(LAB, 50, 1)])
                },
                reference: Some(Hash::from([2; 32])),
            },
        )
        .expect("replaced");
    assert_eq!(
        c.claim(corrected).map(|c| c.status),
        Some(ClaimStatus::Paid)
    );
}

#[ink::test]
fn a_replacement_after_an_upheld_appeal_waits_for_review() {
    let a = accounts();
    let mut c = setup();
    // Denied by the machine (a code the plan does not cover), appealed, upheld.
    let uncovered = submit(&mut c, vec![line(*b"99999", 3_000, 10)]);
    assert_eq!(uncovered.status, ClaimStatus::Denied);
    c.appeal(uncovered.id, Hash::from([7; 32])).expect("appeal");
    caller(a.eve);
    c.decide_appeal(uncovered.id, false).expect("upheld");
    caller(a.charlie);
    let new = replaced(
        &mut c,
        uncovered.id,
        replacement(vec![line(XRAY, 3_000, 10)], 1),
    );
    assert_eq!(new.payer_amount, 2_000);
    assert_eq!(new.status, ClaimStatus::PendingReview);
    assert_eq!(c.escrow(1), Some((10_000, 0, 2_000)));
}

#[ink::test]
fn an_overturned_appeal_denied_again_at_its_checks_frees_the_services_it_held() {
    let a = accounts();
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    c.appeal(denied.id, Hash::from([7; 32])).expect("appeal");
    // The member's payment consent turns out not to cover the service date.
    payment_consent(a.django, a.bob, (0, 1));
    caller(a.eve);
    c.decide_appeal(denied.id, true).expect("overturned");
    let again = c.claim(denied.id).expect("stored");
    assert_eq!(again.status, ClaimStatus::Denied);
    assert_eq!(again.denial, Some(Carc::ConsentAbsent));
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        None,
        "a claim denied whole holds nothing"
    );
}

#[ink::test]
fn naming_a_corrector_waits_for_the_pause_to_end_but_withdrawing_does_not() {
    let a = accounts();
    let mut c = setup();
    crate::tests::gov(&mut c, healthcare_traits::Action::Pause).expect("paused");
    assert_eq!(c.set_corrector(a.bob, true), Err(Error::Paused));
    assert!(!c.is_corrector(a.charlie, a.bob));
    c.set_corrector(a.bob, false)
        .expect("a safety action, open while paused");
}

#[ink::test]
fn a_replacement_that_drops_a_denied_service_leaves_it_held() {
    let a = accounts();
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    // The correction bills something else; the x-ray the adjuster denied stays denied.
    let id = c
        .replace_claim(denied.id, replacement(vec![line(LAB, 50, 1)], 1))
        .expect("replaced");
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, XRAY),
        Some(denied.id)
    );
    assert_eq!(
        c.service_holder(1, a.django, a.charlie, T0 - DAY, LAB),
        Some(id)
    );
    let trimmed = submit(&mut c, vec![line(XRAY, 3_900, 13)]);
    assert_eq!(reasons(&trimmed), vec![Carc::Duplicate]);
}

#[ink::test]
fn a_rechecked_replacement_waits_for_the_adjuster() {
    let a = accounts();
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    let id = c
        .replace_claim(denied.id, replacement(vec![line(XRAY, 3_900, 13)], 1))
        .expect("replaced");
    // Neither voided (which would free the x-ray for a new claim under the threshold)
    // nor replaced again (by a claim priced against the threshold) meanwhile.
    assert_eq!(c.void_claim(id), Err(Error::NotVoidable));
    assert_eq!(
        c.replace_claim(id, replacement(vec![line(XRAY, 3_900, 13)], 2)),
        Err(Error::NotVoidable)
    );
    let trimmed = submit(&mut c, vec![line(XRAY, 3_000, 10)]);
    assert_eq!(reasons(&trimmed), vec![Carc::Duplicate]);
    // Denied again by the adjuster: a person's denial again, corrected only through
    // review.
    caller(a.eve);
    c.review_claim(id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    let again = c
        .replace_claim(id, replacement(vec![line(XRAY, 3_000, 10)], 3))
        .expect("replaced");
    assert_eq!(
        c.claim(again).map(|c| c.status),
        Some(ClaimStatus::PendingReview)
    );
}

#[ink::test]
fn a_rechecked_replacement_the_member_pays_whole_is_reviewed_too() {
    let mut c = setup();
    let denied = denied_at_review(&mut c);
    // 400 allowed, all of it deductible: the payer's share is 0, the member's 400.
    let new = replaced(&mut c, denied.id, replacement(vec![line(XRAY, 400, 2)], 1));
    assert_eq!((new.payer_amount, new.member_amount), (0, 400));
    assert_eq!(new.status, ClaimStatus::PendingReview);
}

#[ink::test]
fn a_relay_cannot_void_a_claim_a_person_denied() {
    let a = accounts();
    let mut c = setup();
    caller(a.charlie);
    c.set_corrector(a.bob, true).expect("named");
    caller(a.bob);
    let relayed = submit(&mut c, vec![line(XRAY, 9_000, 30)]);
    assert_eq!(relayed.status, ClaimStatus::PendingReview);
    caller(a.eve);
    c.review_claim(relayed.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    // The payer's own adjuster denied it; its relay voiding it would end the provider's
    // appeal and leave the service denied for good.
    caller(a.bob);
    assert_eq!(c.void_claim(relayed.id), Err(Error::NotSubmitter));
    assert_eq!(
        c.replace_claim(relayed.id, replacement(vec![line(XRAY, 300, 1)], 1)),
        Err(Error::NotSubmitter)
    );
    caller(a.charlie);
    c.appeal(relayed.id, Hash::from([7; 32]))
        .expect("the provider still appeals");
}

/// charlie's device supply (CPT 99454, fee 60, 16 monitored days) with an x-ray big
/// enough for review, denied by the adjuster; the caller is charlie.
fn supply_denied_at_review(c: &mut ClaimsAdjudication) -> Claim {
    let a = accounts();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    monitored(a.django, a.charlie, 16);
    caller(a.charlie);
    let held = submit(c, vec![line(RPM, 60, 1), line(XRAY, 9_000, 30)]);
    assert_eq!(held.status, ClaimStatus::PendingReview);
    caller(a.eve);
    c.review_claim(held.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    caller(a.charlie);
    held
}

#[ink::test]
fn a_device_supply_a_person_denied_does_not_bind_another_provider() {
    let a = accounts();
    let mut c = setup();
    supply_denied_at_review(&mut c);
    // Its own provider billing the period again: refused.
    let own = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(RPM, 60, 1)])
        },
    );
    assert_eq!(reasons(&own), vec![Carc::PeriodMaximum]);
    // Another provider who monitors the member too: paid.
    crate::tests::licence(
        a.frank,
        healthcare_traits::CredentialKind::MedicalLicence,
        ALWAYS,
    );
    care(a.django, a.frank, ALWAYS);
    monitored(a.django, a.frank, 16);
    caller(a.frank);
    let other = submit_request(
        &mut c,
        ClaimRequest {
            provider: a.frank,
            service_date: T0 - 2 * DAY,
            ..request(vec![line(RPM, 60, 1)])
        },
    );
    assert_eq!(other.lines[0].allowed, 60, "{other:?}");
    assert_eq!(c.supply_holder(a.django, T0 - 2 * DAY), Some(other.id));
}

#[ink::test]
fn another_providers_supply_does_not_free_a_period_a_person_denied() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.set_fees(1, vec![(RPM, Some(60))]).expect("fees");
    crate::tests::licence(
        a.frank,
        healthcare_traits::CredentialKind::MedicalLicence,
        ALWAYS,
    );
    care(a.django, a.frank, ALWAYS);
    monitored(a.django, a.charlie, 16);
    monitored(a.django, a.frank, 16);
    now(T0 + 60 * DAY);
    let on = |day: u64, provider: ink::primitives::AccountId, lines| ClaimRequest {
        provider,
        service_date: T0 + day * DAY,
        ..request(lines)
    };
    // charlie's supply of day 20, with an x-ray big enough for review: denied.
    caller(a.charlie);
    let denied = submit_request(
        &mut c,
        on(20, a.charlie, vec![line(RPM, 60, 1), line(XRAY, 9_000, 30)]),
    );
    caller(a.eve);
    c.review_claim(denied.id, false, Carc::NotMedicallyNecessary)
        .expect("deny");
    // frank's supply of day 49 is paid (the denial binds charlie only) ...
    caller(a.frank);
    let other = submit_request(&mut c, on(49, a.frank, vec![line(RPM, 60, 1)]));
    assert_eq!(other.lines[0].allowed, 60);
    // ... and does not free charlie's denied period: day 19 is 30 days from frank's,
    // one from the denied one.
    caller(a.charlie);
    let again = submit_request(&mut c, on(19, a.charlie, vec![line(RPM, 60, 1)]));
    assert_eq!(reasons(&again), vec![Carc::PeriodMaximum]);
}

#[ink::test]
fn a_correction_of_a_supply_a_person_denied_takes_it_over() {
    let a = accounts();
    let mut c = setup();
    let denied = supply_denied_at_review(&mut c);
    let new = replaced(&mut c, denied.id, replacement(vec![line(RPM, 60, 1)], 1));
    assert_eq!(new.lines[0].allowed, 60, "{new:?}");
    assert_eq!(new.status, ClaimStatus::PendingReview);
    assert_eq!(c.supply_holder(a.django, T0 - DAY), Some(new.id));
}

#[ink::test]
fn an_overturned_appeal_denied_again_at_its_checks_frees_its_supply() {
    let a = accounts();
    let mut c = setup();
    let denied = supply_denied_at_review(&mut c);
    c.appeal(denied.id, Hash::from([7; 32])).expect("appeal");
    // Overturned, but the member's payment consent no longer covers the service date:
    // denied whole, it holds nothing.
    payment_consent(a.django, a.bob, (0, 1));
    caller(a.eve);
    c.decide_appeal(denied.id, true).expect("overturned");
    assert_eq!(
        c.claim(denied.id).and_then(|c| c.denial),
        Some(Carc::ConsentAbsent)
    );
    payment_consent(a.django, a.bob, ALWAYS);
    caller(a.charlie);
    let supply = submit_request(
        &mut c,
        ClaimRequest {
            service_date: T0 - 2 * DAY,
            ..request(vec![line(RPM, 60, 1)])
        },
    );
    assert_eq!(supply.lines[0].allowed, 60, "{supply:?}");
}
