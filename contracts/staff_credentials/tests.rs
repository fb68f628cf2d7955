//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, every privileged message
//! called by an unauthorised account. (Code changes with a real code hash and the
//! cross-contract use of `is_valid_at` run in the drink sandbox tests of `e2e-tests`.)

use crate::identifiers::{
    is_valid_dea, is_valid_identifier, is_valid_jurisdiction, is_valid_npi, is_valid_taxonomy,
};
use crate::staff_credentials::*;
use crate::{CODE_VERSION, MAX_PAGE_SIZE, MAX_STATUS_CHANGES};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::testing::last_recorded;
use healthcare_traits::testing::{accounts, caller, events, now};
use healthcare_traits::timeline::MAX_PER_BUCKET;
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, CredentialQuery, CredentialVerifier, Governed,
    KindSet, PeerRole, DAY, MAX_BATCH_QUERIES,
};
use ink::primitives::{AccountId, Hash};

const FROM: u64 = 1_000;
const UNTIL: u64 = 1_000_000;

fn request(subject: AccountId, kind: CredentialKind) -> CredentialRequest {
    let identifier = match kind {
        CredentialKind::NpiRegistration => b"1234567893".to_vec(),
        CredentialKind::DeaRegistration => b"AB1234563".to_vec(),
        _ => b"A-12345".to_vec(),
    };
    CredentialRequest {
        subject,
        kind,
        jurisdiction: *b"CA",
        specialty: (kind == CredentialKind::BoardCertification).then_some(*b"207R00000X"),
        identifier,
        valid_from: FROM,
        valid_until: UNTIL,
        evidence_hash: Hash::from([7; 32]),
        verified_at: 0,
    }
}

/// alice stands for the governor contract; bob is an issuer of every kind; the caller is
/// bob.
fn setup() -> StaffCredentials {
    let a = accounts();
    let c = StaffCredentials::new(a.alice, vec![(a.bob, KindSet::of(&CredentialKind::ALL))])
        .expect("new");
    caller(a.bob);
    c
}

/// As the governor, applies `action` (the governor contract's delay is its own affair,
/// tested in `contracts/governor`); the caller is restored.
fn gov(c: &mut StaffCredentials, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

/// [`gov`], which must succeed; the caller becomes `back`.
fn enact(c: &mut StaffCredentials, action: Gov, back: AccountId) {
    gov(c, action).expect("the governor's action");
    caller(back);
}

/// `setup` plus a medical licence for charlie issued by bob (id 1).
fn with_licence() -> StaffCredentials {
    let mut c = setup();
    let id = c
        .issue(request(accounts().charlie, CredentialKind::MedicalLicence))
        .expect("issue");
    assert_eq!(id, 1);
    c
}

// ------------------------------------------------------------------ identifiers

#[test]
fn npi_check_digit() {
    assert!(is_valid_npi(b"1234567893"));
    assert!(is_valid_npi(b"1245319599"));
    assert!(!is_valid_npi(b"1234567890"));
    assert!(!is_valid_npi(b"123456789"));
    assert!(!is_valid_npi(b"12345678931"));
    assert!(!is_valid_npi(b"12345678a3"));
}

#[test]
fn dea_check_digit() {
    assert!(is_valid_dea(b"AB1234563"));
    assert!(!is_valid_dea(b"AB1234564"));
    // 27 + 2 × 27 = 81: the check digit is 1 (81 mod 10), not 8.
    assert!(is_valid_dea(b"AB9999991"));
    assert!(!is_valid_dea(b"AB9999998"));
    assert!(!is_valid_dea(b"ab1234563"));
    assert!(!is_valid_dea(b"AB123456"));
    assert!(!is_valid_dea(b"A11234563"));
    assert!(!is_valid_dea(b""));
}

#[test]
fn formats() {
    assert!(is_valid_jurisdiction(b"NY"));
    assert!(!is_valid_jurisdiction(b"ny"));
    assert!(is_valid_taxonomy(b"207R00000X"));
    assert!(!is_valid_taxonomy(b"207r00000x"));
    assert!(is_valid_identifier(b"MD-1"));
    assert!(!is_valid_identifier(b""));
    assert!(!is_valid_identifier(b"with space"));
    assert!(!is_valid_identifier(&[b'A'; 33]));
    assert!(is_valid_identifier(&[b'A'; 32]));
}

// ------------------------------------------------------------------- governance

#[ink::test]
fn constructor_names_the_governor_and_checks_the_first_issuers() {
    let a = accounts();
    let c = StaffCredentials::new(a.django, vec![]).expect("new");
    assert_eq!(c.governor(), a.django);
    assert!(!c.paused());
    assert_eq!(c.issuer_count(), 0);
    assert_eq!(c.credential(1), None);
    // Initial issuers are checked like later ones.
    assert_eq!(
        StaffCredentials::new(a.django, vec![(a.bob, KindSet::EMPTY)]).err(),
        Some(Error::InvalidKindSet)
    );
}

#[ink::test]
fn only_the_governor_applies_and_only_this_registrys_actions() {
    let a = accounts();
    let mut c = setup();
    for who in [a.bob, a.charlie, a.django] {
        caller(who);
        assert_eq!(c.apply(Gov::Pause), Err(ApplyError::NotGovernor));
        assert_eq!(
            c.apply(Gov::Issuer(who, KindSet::CLINICIAN)),
            Err(ApplyError::NotGovernor)
        );
    }
    assert!(!c.paused());
    assert_eq!(c.issuer_kinds(a.charlie), None);
    // staff_credentials has no peers, regulators, settings or funds.
    for other in [
        Gov::Peer(PeerRole::Credentials, a.eve),
        Gov::Regulator(a.eve),
        Gov::RemoveRegulator(a.eve),
        Gov::BreakGlass(1, 1, 1),
        Gov::RecoverSurplus(a.eve),
    ] {
        assert_eq!(
            gov(&mut c, other),
            Err(ApplyError::Unsupported),
            "{other:?}"
        );
    }
    assert_eq!(
        gov(&mut c, Gov::Issuer(a.eve, KindSet::EMPTY)),
        Err(ApplyError::Invalid)
    );
    let before = events();
    gov(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN)).expect("appoint");
    assert_eq!(events(), before + 2, "IssuerAdded, ActionApplied");
    let applied = last_recorded::<ActionApplied>();
    assert_eq!(
        (applied.action, applied.governor),
        (Gov::Issuer(a.eve, KindSet::CLINICIAN), a.alice)
    );
    // Handed over to another governor: the old one is refused.
    gov(&mut c, Gov::HandOver(a.frank)).expect("hand over");
    assert_eq!(c.governor(), a.frank);
    assert_eq!(gov(&mut c, Gov::Pause), Err(ApplyError::NotGovernor));
    caller(a.frank);
    c.apply(Gov::Pause).expect("the new governor");
    assert!(c.paused());
}

#[ink::test]
fn pause_blocks_issuing_and_widening_but_never_safety_actions_or_narrowing() {
    let a = accounts();
    let mut c = with_licence();
    c.issue(request(a.django, CredentialKind::MedicalLicence))
        .expect("second licence");
    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
    gov(&mut c, Gov::Pause).expect("pause");
    assert!(c.paused());
    assert_eq!(gov(&mut c, Gov::Pause), Err(ApplyError::Paused));
    // No widening lands while paused; narrowing does.
    assert_eq!(
        gov(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN)),
        Err(ApplyError::Paused)
    );
    assert_eq!(c.issuer_kinds(a.eve), None);
    gov(
        &mut c,
        Gov::NarrowIssuer(a.bob, KindSet::of(&CredentialKind::ALL)),
    )
    .expect("narrowing works while paused");
    assert_eq!(
        c.issue(request(a.django, CredentialKind::MedicalLicence)),
        Err(Error::Paused)
    );
    assert_eq!(
        c.renew(1, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::Paused)
    );
    // Suspension and revocation make patients safer: never paused.
    now(2_000);
    c.suspend(1, 1).expect("suspension works while paused");
    assert_eq!(c.reinstate(1), Err(Error::Paused));
    c.revoke(2, 1).expect("revocation works while paused");
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, FROM));
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 2_000));
    assert!(!c.is_valid_at(a.django, CredentialKind::MedicalLicence, 2_000));
    gov(&mut c, Gov::Unpause).expect("unpause");
    c.reinstate(1).expect("works again");
}

#[ink::test]
fn the_governor_suspends_and_revokes_any_credential_also_while_paused() {
    let a = accounts();
    let mut c = with_licence();
    gov(&mut c, Gov::Pause).expect("pause");
    now(2_000);
    assert_eq!(
        gov(&mut c, Gov::SuspendCredential(9, 1)),
        Err(ApplyError::Invalid),
        "no such credential"
    );
    gov(&mut c, Gov::SuspendCredential(1, 7)).expect("suspend");
    let suspended = last_recorded::<CredentialSuspended>();
    assert_eq!(
        (suspended.id, suspended.reason, suspended.by),
        (1, 7, a.alice)
    );
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 2_000));
    assert_eq!(
        gov(&mut c, Gov::SuspendCredential(1, 7)),
        Err(ApplyError::Invalid),
        "already suspended"
    );
    gov(&mut c, Gov::RevokeCredential(1, 8)).expect("revoke");
    let revoked = last_recorded::<CredentialRevoked>();
    assert_eq!((revoked.id, revoked.reason, revoked.by), (1, 8, a.alice));
    assert_eq!(
        gov(&mut c, Gov::RevokeCredential(1, 8)),
        Err(ApplyError::Invalid),
        "revocation is final"
    );
    assert_eq!(c.credential(1).expect("cred").status(), Status::Revoked);
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
    assert_eq!(CODE_VERSION, revision);
}

// ---------------------------------------------------------------------- issuers

#[ink::test]
fn issuer_management() {
    let a = accounts();
    let mut c = setup();
    // Not the governor.
    assert_eq!(
        c.apply(Gov::NarrowIssuer(a.bob, KindSet::CLINICIAN)),
        Err(ApplyError::NotGovernor)
    );
    assert_eq!(
        c.apply(Gov::RemoveIssuer(a.bob)),
        Err(ApplyError::NotGovernor)
    );
    enact(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN), a.alice);
    enact(
        &mut c,
        Gov::Issuer(a.frank, KindSet::TRADING_PARTNER),
        a.alice,
    );
    assert_eq!(c.issuer_count(), 3);
    assert_eq!(
        c.issuers(0, 10),
        vec![
            (a.bob, KindSet::of(&CredentialKind::ALL)),
            (a.eve, KindSet::CLINICIAN),
            (a.frank, KindSet::TRADING_PARTNER)
        ]
    );
    assert_eq!(c.issuers(1, 1), vec![(a.eve, KindSet::CLINICIAN)]);
    assert_eq!(c.issuers(5, 1), vec![]);

    // Narrowing is an action of its own, never a widening (the governor runs it at once;
    // a widening waits its delay).
    for refused in [
        Gov::NarrowIssuer(a.django, KindSet::CLINICIAN),
        Gov::NarrowIssuer(a.eve, KindSet::EMPTY),
        Gov::NarrowIssuer(a.eve, KindSet::BILLING_PROVIDER),
    ] {
        assert_eq!(
            gov(&mut c, refused),
            Err(ApplyError::Invalid),
            "{refused:?}"
        );
    }
    assert_eq!(c.issuer_kinds(a.eve), Some(KindSet::CLINICIAN));
    gov(
        &mut c,
        Gov::NarrowIssuer(a.eve, KindSet::of(&[CredentialKind::NursingLicence])),
    )
    .expect("narrow");
    assert_eq!(
        c.issuer_kinds(a.eve),
        Some(KindSet::of(&[CredentialKind::NursingLicence]))
    );
    enact(
        &mut c,
        Gov::Issuer(a.eve, KindSet::BILLING_PROVIDER),
        a.alice,
    );
    assert_eq!(c.issuer_kinds(a.eve), Some(KindSet::BILLING_PROVIDER));

    // Swap-remove keeps the list dense.
    gov(&mut c, Gov::RemoveIssuer(a.bob)).expect("remove bob");
    assert_eq!(
        gov(&mut c, Gov::RemoveIssuer(a.bob)),
        Err(ApplyError::Invalid)
    );
    assert_eq!(c.issuer_count(), 2);
    assert_eq!(
        c.issuers(0, 10),
        vec![
            (a.frank, KindSet::TRADING_PARTNER),
            (a.eve, KindSet::BILLING_PROVIDER)
        ]
    );
    gov(&mut c, Gov::RemoveIssuer(a.eve)).expect("remove eve");
    gov(&mut c, Gov::RemoveIssuer(a.frank)).expect("remove frank");
    assert_eq!(c.issuers(0, 10), vec![]);
    assert_eq!(c.issuer_kinds(a.frank), None);
}

#[ink::test]
fn orphaned_credentials_are_suspended_by_stewards_but_not_renewed() {
    let a = accounts();
    let mut c = with_licence();
    gov(&mut c, Gov::RemoveIssuer(a.bob)).expect("remove");
    assert_eq!(c.suspend(1, 1), Err(Error::NotIssuer));
    assert_eq!(
        c.issue(request(a.django, CredentialKind::MedicalLicence)),
        Err(Error::NotIssuer)
    );
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, FROM));
    // An issuer of the kind becomes its steward: suspension and revocation only.
    enact(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN), a.eve);
    now(2_000);
    assert_eq!(
        c.renew(1, UNTIL * 2, Hash::from([1; 32]), 0),
        Err(Error::NotCredentialIssuer)
    );
    c.suspend(1, 3)
        .expect("orphaned credentials can be suspended");
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 2_000));
    assert_eq!(c.reinstate(1), Err(Error::NotCredentialIssuer));
    // An issuer of another kind is no steward.
    enact(
        &mut c,
        Gov::Issuer(a.frank, KindSet::TRADING_PARTNER),
        a.frank,
    );
    assert_eq!(c.revoke(1, 1), Err(Error::KindNotAllowed));
    caller(a.eve);
    c.revoke(1, 4).expect("the steward revokes");
}

#[ink::test]
fn narrowed_issuers_lose_dropped_kinds_to_stewards() {
    let a = accounts();
    let mut c = with_licence();
    c.issue(request(a.django, CredentialKind::MedicalLicence))
        .expect("second");
    gov(&mut c, Gov::NarrowIssuer(a.bob, KindSet::TRADING_PARTNER)).expect("narrow");
    assert_eq!(c.suspend(1, 1), Err(Error::KindNotAllowed));
    assert_eq!(
        c.renew(1, UNTIL * 2, Hash::from([1; 32]), 0),
        Err(Error::KindNotAllowed)
    );
    // Another issuer of the kind may suspend and revoke it ...
    enact(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN), a.eve);
    now(2_000);
    c.suspend(1, 5).expect("steward suspends");
    assert_eq!(c.reinstate(1), Err(Error::NotCredentialIssuer));
    // The governor account is no issuer: as a caller it may not revoke (it revokes
    // through `apply`).
    caller(a.alice);
    assert_eq!(c.revoke(2, 6), Err(Error::NotIssuer));
    assert_eq!(c.reinstate(1), Err(Error::NotIssuer));
}

// ---------------------------------------------------------------------- issuing

#[ink::test]
fn issue_stores_indexes_and_emits() {
    let a = accounts();
    let mut c = setup();
    now(500);
    let before = events();
    let id = c
        .issue(request(a.charlie, CredentialKind::NpiRegistration))
        .expect("issue");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<CredentialIssued>();
    let sent = request(a.charlie, CredentialKind::NpiRegistration);
    assert_eq!(
        (
            e.id,
            e.subject,
            e.issuer,
            e.kind,
            e.identifier,
            e.valid_until
        ),
        (
            id,
            a.charlie,
            a.bob,
            sent.kind,
            sent.identifier,
            sent.valid_until
        )
    );
    assert_eq!(
        (
            e.jurisdiction,
            e.specialty,
            e.valid_from,
            e.evidence_hash,
            e.verified_at
        ),
        (
            sent.jurisdiction,
            sent.specialty,
            sent.valid_from,
            sent.evidence_hash,
            sent.verified_at
        )
    );
    let cred = c.credential(id).expect("stored");
    assert_eq!(cred.subject, a.charlie);
    assert_eq!(cred.issuer, a.bob);
    assert_eq!(cred.kind, CredentialKind::NpiRegistration);
    assert_eq!(cred.identifier, b"1234567893".to_vec());
    assert_eq!(cred.issued_at, 500);
    assert_eq!(cred.status(), Status::Active);
    assert_eq!(c.credential_count_of(a.charlie), 1);
    assert_eq!(c.credentials_of(a.charlie, 0, 10), vec![cred]);

    let id2 = c
        .issue(request(a.charlie, CredentialKind::BoardCertification))
        .expect("issue board");
    assert_eq!(id2, id + 1);
    assert_eq!(c.credential_count_of(a.charlie), 2);
    assert_eq!(c.credentials_of(a.charlie, 1, 10)[0].id, id2);
    assert_eq!(c.credentials_of(a.charlie, 2, 10), vec![]);
    assert_eq!(c.credentials_of(a.django, 0, 10), vec![]);
}

#[ink::test]
fn issue_refusals() {
    let a = accounts();
    let mut c = setup();
    // Not an issuer at all.
    caller(a.eve);
    assert_eq!(
        c.issue(request(a.charlie, CredentialKind::MedicalLicence)),
        Err(Error::NotIssuer)
    );
    // An issuer limited to clinician kinds.
    enact(&mut c, Gov::Issuer(a.eve, KindSet::CLINICIAN), a.eve);
    assert_eq!(
        c.issue(request(a.charlie, CredentialKind::PharmacyLicence)),
        Err(Error::KindNotAllowed)
    );
    caller(a.bob);
    let mut r = request(a.charlie, CredentialKind::MedicalLicence);
    r.valid_until = r.valid_from;
    assert_eq!(c.issue(r), Err(Error::InvalidPeriod));

    now(10);
    let mut r = request(a.charlie, CredentialKind::MedicalLicence);
    r.verified_at = 11;
    assert_eq!(c.issue(r), Err(Error::VerificationInFuture));

    let mut r = request(a.charlie, CredentialKind::MedicalLicence);
    r.jurisdiction = *b"c1";
    assert_eq!(c.issue(r), Err(Error::InvalidJurisdiction));

    let mut r = request(a.charlie, CredentialKind::BoardCertification);
    r.specialty = None;
    assert_eq!(c.issue(r), Err(Error::InvalidSpecialty));
    let mut r = request(a.charlie, CredentialKind::MedicalLicence);
    r.specialty = Some(*b"207r00000x");
    assert_eq!(c.issue(r), Err(Error::InvalidSpecialty));

    let mut r = request(a.charlie, CredentialKind::MedicalLicence);
    r.identifier = Vec::new();
    assert_eq!(c.issue(r), Err(Error::InvalidIdentifier));

    let mut r = request(a.charlie, CredentialKind::NpiRegistration);
    r.identifier = b"1234567890".to_vec();
    assert_eq!(c.issue(r), Err(Error::InvalidNpi));

    let mut r = request(a.charlie, CredentialKind::DeaRegistration);
    r.identifier = b"AB1234564".to_vec();
    assert_eq!(c.issue(r), Err(Error::InvalidDea));

    assert_eq!(c.credential_count_of(a.charlie), 0);
}

#[ink::test]
fn too_many_credentials_around_one_period_and_none_later() {
    let a = accounts();
    let mut c = setup();
    // Second-long credentials in the same day fill every level of the index around it.
    let day = 100 * DAY;
    let mut issued = 0u32;
    let result = loop {
        let mut r = request(a.charlie, CredentialKind::NursingLicence);
        r.valid_from = day + u64::from(issued) * 1_000;
        r.valid_until = r.valid_from + 1_000;
        match c.issue(r) {
            Ok(_) => issued += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(result, Error::TooManyCredentials);
    assert_eq!(
        issued,
        u32::try_from(MAX_PER_BUCKET).unwrap() * u32::from(healthcare_traits::timeline::LEVELS)
    );
    // A later period is not affected, nor another kind; the refusal used no id.
    let mut r = request(a.charlie, CredentialKind::NursingLicence);
    r.valid_from = 50_000 * DAY;
    r.valid_until = r.valid_from + DAY;
    let later = c.issue(r).expect("later period");
    assert_eq!(later, u64::from(issued) + 1);
    c.issue(request(a.charlie, CredentialKind::MedicalLicence))
        .expect("other kind");
    // Every one still answers exactly; paging is capped.
    let k = CredentialKind::NursingLicence;
    for i in [0, issued / 2, issued - 1] {
        let from = day + u64::from(i) * 1_000;
        assert!(c.is_valid_at(a.charlie, k, from), "credential {i}");
    }
    assert!(!c.is_valid_at(a.charlie, k, day + u64::from(issued) * 1_000));
    assert!(c.is_valid_at(a.charlie, k, 50_000 * DAY));
    let page = c.credentials_of(a.charlie, 0, u32::MAX);
    assert_eq!(page.len(), MAX_PAGE_SIZE as usize);
}

#[ink::test]
fn forty_successive_yearly_credentials_answer_exactly() {
    let a = accounts();
    let mut c = setup();
    let year = 365 * DAY;
    let start = 1_000 * DAY;
    // Re-licensed every year for 40 years, each licence valid 360 days: a 5-day lapse.
    for i in 0..40u64 {
        now(start + i * year);
        let mut r = request(a.charlie, CredentialKind::MedicalLicence);
        r.valid_from = start + i * year;
        r.valid_until = r.valid_from + 360 * DAY;
        r.verified_at = r.valid_from;
        c.issue(r).expect("yearly licence");
    }
    let k = CredentialKind::MedicalLicence;
    for i in 0..40u64 {
        let from = start + i * year;
        assert!(c.is_valid_at(a.charlie, k, from), "start of year {i}");
        assert!(c.is_valid_at(a.charlie, k, from + 180 * DAY), "inside {i}");
        assert!(
            c.is_valid_at(a.charlie, k, from + 360 * DAY - 1),
            "last ms {i}"
        );
        assert!(!c.is_valid_at(a.charlie, k, from + 360 * DAY), "lapse {i}");
        assert!(!c.is_valid_at(a.charlie, k, from + 364 * DAY), "lapse {i}");
    }
    assert!(!c.is_valid_at(a.charlie, k, start - 1));
    assert!(!c.is_valid_at(a.charlie, k, start + 40 * year));
    assert_eq!(c.credential_count_of(a.charlie), 40);
}

#[ink::test]
fn id_overflow_is_an_error() {
    let a = accounts();
    let mut c = setup();
    c.set_next_id(u64::MAX);
    assert_eq!(
        c.issue(request(a.charlie, CredentialKind::MedicalLicence)),
        Err(Error::Overflow)
    );
}

// ----------------------------------------------------------- validity in time

#[ink::test]
fn validity_period_and_expiry() {
    let a = accounts();
    let c = with_licence();
    let k = CredentialKind::MedicalLicence;
    assert!(!c.is_valid_at(a.charlie, k, FROM - 1));
    assert!(c.is_valid_at(a.charlie, k, FROM));
    assert!(c.is_valid_at(a.charlie, k, UNTIL - 1));
    assert!(
        !c.is_valid_at(a.charlie, k, UNTIL),
        "expires without a transaction"
    );
    // Another kind or subject is not valid.
    assert!(!c.is_valid_at(a.charlie, CredentialKind::NursingLicence, FROM));
    assert!(!c.is_valid_at(a.django, k, FROM));
    assert!(c.credential_valid_at(1, FROM));
    assert!(!c.credential_valid_at(2, FROM));
    assert!(c.any_valid_at(a.charlie, KindSet::CLINICIAN, FROM));
    assert!(!c.any_valid_at(a.charlie, KindSet::TRADING_PARTNER, FROM));
    assert!(!c.any_valid_at(a.charlie, KindSet::EMPTY, FROM));
    // The batch query answers each query as the single one does, in order, and at most
    // MAX_BATCH_QUERIES of them.
    let query = |subject, kinds, at| CredentialQuery { subject, kinds, at };
    let queries = vec![
        query(a.charlie, KindSet::CLINICIAN, FROM),
        query(a.charlie, KindSet::CLINICIAN, UNTIL),
        query(a.django, KindSet::CLINICIAN, FROM),
        query(a.charlie, KindSet::TRADING_PARTNER, FROM),
        query(a.charlie, KindSet::of(&[k]), FROM - 1),
    ];
    let single: Vec<bool> = queries
        .iter()
        .map(|q| c.any_valid_at(q.subject, q.kinds, q.at))
        .collect();
    assert_eq!(single, vec![true, false, false, false, false]);
    assert_eq!(c.any_valid_at_each(queries), single);
    assert_eq!(c.any_valid_at_each(vec![]), Vec::<bool>::new());
    let many = vec![query(a.charlie, KindSet::CLINICIAN, FROM); MAX_BATCH_QUERIES + 5];
    assert_eq!(c.any_valid_at_each(many), vec![true; MAX_BATCH_QUERIES]);
}

#[ink::test]
fn suspend_reinstate_revoke_timeline() {
    let a = accounts();
    let mut c = with_licence();
    let k = CredentialKind::MedicalLicence;
    now(2_000);
    let before = events();
    c.suspend(1, 42).expect("suspend");
    now(3_000);
    c.reinstate(1).expect("reinstate");
    now(4_000);
    c.revoke(1, 7).expect("revoke");
    assert_eq!(events(), before + 3);
    let e = last_recorded::<CredentialSuspended>();
    assert_eq!(
        (e.id, e.subject, e.reason, e.at, e.by),
        (1, a.charlie, 42, 2_000, a.bob)
    );
    let e = last_recorded::<CredentialReinstated>();
    assert_eq!((e.id, e.subject, e.at), (1, a.charlie, 3_000));
    let e = last_recorded::<CredentialRevoked>();
    assert_eq!(
        (e.id, e.subject, e.reason, e.at, e.by),
        (1, a.charlie, 7, 4_000, a.bob)
    );

    let cred = c.credential(1).expect("cred");
    assert_eq!(cred.status(), Status::Revoked);
    assert_eq!(
        cred.history,
        vec![
            StatusChange {
                at: 2_000,
                status: Status::Suspended,
                reason: 42
            },
            StatusChange {
                at: 3_000,
                status: Status::Active,
                reason: 0
            },
            StatusChange {
                at: 4_000,
                status: Status::Revoked,
                reason: 7
            },
        ]
    );
    // Before the suspension: valid. During it: a gap. After reinstatement: valid
    // again until the revocation, which is final.
    assert!(c.is_valid_at(a.charlie, k, 1_999));
    assert!(!c.is_valid_at(a.charlie, k, 2_000));
    assert!(!c.is_valid_at(a.charlie, k, 2_999));
    assert!(c.is_valid_at(a.charlie, k, 3_000));
    assert!(c.is_valid_at(a.charlie, k, 3_999));
    assert!(!c.is_valid_at(a.charlie, k, 4_000));
    assert!(!c.is_valid_at(a.charlie, k, UNTIL - 1));
    assert_eq!(cred.status_at(2_500), Status::Suspended);
    assert_eq!(cred.status_at(10), Status::Active);
}

#[ink::test]
fn status_change_refusals() {
    let mut c = with_licence();
    assert_eq!(c.reinstate(1), Err(Error::NotSuspended));
    assert_eq!(c.suspend(99, 1), Err(Error::UnknownCredential));
    assert_eq!(c.reinstate(99), Err(Error::UnknownCredential));
    assert_eq!(c.revoke(99, 1), Err(Error::UnknownCredential));
    assert_eq!(
        c.renew(99, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::UnknownCredential)
    );
    c.suspend(1, 1).expect("suspend");
    assert_eq!(c.suspend(1, 1), Err(Error::NotActive));
    c.revoke(1, 1).expect("revoke a suspended credential");
    assert_eq!(c.revoke(1, 1), Err(Error::AlreadyRevoked));
    assert_eq!(c.suspend(1, 1), Err(Error::AlreadyRevoked));
    assert_eq!(c.reinstate(1), Err(Error::AlreadyRevoked));
    assert_eq!(
        c.renew(1, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::AlreadyRevoked)
    );
}

#[ink::test]
fn only_the_credentials_issuer_changes_it() {
    let a = accounts();
    let mut c = with_licence();
    enact(
        &mut c,
        Gov::Issuer(a.eve, KindSet::of(&CredentialKind::ALL)),
        a.bob,
    );
    // A stranger is not an issuer.
    caller(a.django);
    assert_eq!(c.suspend(1, 1), Err(Error::NotIssuer));
    assert_eq!(c.reinstate(1), Err(Error::NotIssuer));
    assert_eq!(c.revoke(1, 1), Err(Error::NotIssuer));
    assert_eq!(
        c.renew(1, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::NotIssuer)
    );
    // Another issuer did not issue it.
    caller(a.eve);
    assert_eq!(c.suspend(1, 1), Err(Error::NotCredentialIssuer));
    assert_eq!(c.reinstate(1), Err(Error::NotCredentialIssuer));
    assert_eq!(c.revoke(1, 1), Err(Error::NotCredentialIssuer));
    assert_eq!(
        c.renew(1, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::NotCredentialIssuer)
    );
    assert_eq!(c.credential(1).expect("cred").history, vec![]);
}

#[ink::test]
fn history_is_bounded_and_keeps_room_for_revocation() {
    let a = accounts();
    let mut c = with_licence();
    let mut t = 2_000;
    let mut result = Ok(());
    // Alternate suspend / reinstate until refused.
    for i in 0..MAX_STATUS_CHANGES {
        now(t);
        t += 10;
        result = if i % 2 == 0 {
            c.suspend(1, 1)
        } else {
            c.reinstate(1)
        };
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(Error::HistoryFull));
    let len = c.credential(1).expect("cred").history.len() as u32;
    assert_eq!(len, MAX_STATUS_CHANGES - 1);
    // Revocation still fits.
    c.revoke(1, 9).expect("revocation always fits");
    assert_eq!(
        c.credential(1).expect("cred").history.len() as u32,
        MAX_STATUS_CHANGES
    );
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, t));
}

#[ink::test]
fn a_credential_is_valid_from_its_first_moment_to_just_before_its_end() {
    let a = accounts();
    let c = with_licence();
    let k = CredentialKind::MedicalLicence;
    let cred = c.credential(1).expect("cred");
    assert!(!c.is_valid_at(a.charlie, k, cred.valid_from - 1));
    assert!(c.is_valid_at(a.charlie, k, cred.valid_from));
    assert!(c.is_valid_at(a.charlie, k, cred.valid_until - 1));
    assert!(!c.is_valid_at(a.charlie, k, cred.valid_until));
    // Asked by id, likewise.
    assert!(c.credential_valid_at(1, cred.valid_until - 1));
    assert!(!c.credential_valid_at(1, cred.valid_until));
    assert!(!c.credential_valid_at(1, cred.valid_from - 1));
}

#[ink::test]
fn renewal_extends_live_credentials_only() {
    let a = accounts();
    let mut c = with_licence();
    let k = CredentialKind::MedicalLicence;
    now(5_000);
    assert_eq!(
        c.renew(1, UNTIL, Hash::from([1; 32]), 0),
        Err(Error::RenewalNotLater)
    );
    assert_eq!(
        c.renew(1, UNTIL * 2, Hash::from([1; 32]), 5_001),
        Err(Error::VerificationInFuture)
    );
    let before = events();
    c.renew(1, UNTIL * 2, Hash::from([2; 32]), 4_999)
        .expect("renew");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<CredentialRenewed>();
    assert_eq!(
        (
            e.id,
            e.subject,
            e.valid_until,
            e.evidence_hash,
            e.verified_at
        ),
        (1, a.charlie, UNTIL * 2, Hash::from([2; 32]), 4_999)
    );
    let cred = c.credential(1).expect("cred");
    assert_eq!(cred.valid_until, UNTIL * 2);
    assert_eq!(cred.evidence_hash, Hash::from([2; 32]));
    assert_eq!(cred.verified_at, 4_999);
    assert!(c.is_valid_at(a.charlie, k, UNTIL + 1));
    // Nor on a verification older than the one on record (an issuer replaying old
    // evidence to extend a licence).
    assert_eq!(
        c.renew(1, UNTIL * 3, Hash::from([3; 32]), 4_000),
        Err(Error::StaleVerification)
    );

    // Once expired, a credential cannot be renewed (that would make the lapse valid).
    now(UNTIL * 2);
    assert_eq!(
        c.renew(1, UNTIL * 3, Hash::from([3; 32]), 0),
        Err(Error::CredentialExpired)
    );
}

#[ink::test]
fn several_credentials_of_one_kind_any_valid_counts() {
    let a = accounts();
    let mut c = with_licence();
    let mut ny = request(a.charlie, CredentialKind::MedicalLicence);
    ny.jurisdiction = *b"NY";
    ny.valid_from = UNTIL;
    ny.valid_until = UNTIL * 2;
    c.issue(ny).expect("second licence");
    now(2_000);
    c.revoke(1, 1).expect("revoke the first");
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 1_999));
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 2_000));
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, UNTIL));
}
