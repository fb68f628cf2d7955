//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, unauthorised callers.
//!
//! The off-chain engine cannot make cross-contract calls, so staff_credentials is a
//! stand-in answering per account, kind and time like the real registry ([`licence`],
//! [`peer_fails`]); the real call (including peers that are no contract, trap or lack the
//! message) runs in the drink sandbox tests of `e2e-tests`.

use crate::consent_registry::*;
use crate::model::MAX_RATE;
use crate::MAX_DELEGATES;
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::testing::{accounts, caller, events, now};
use healthcare_traits::testing::{last_recorded, recorded};
use healthcare_traits::timeline::{LEVELS, MAX_OPEN, MAX_PER_BUCKET};
use healthcare_traits::{
    stand_in, Action as Gov, ApplyError, ConsentVerifier, CredentialKind, DataCategories,
    DataCategory, Governed, KindSet, PeerError, PeerRole, Purpose, PurposeSet, DAY, HOUR,
};
use ink::primitives::{AccountId, Hash};

/// The stand-in staff_credentials (`healthcare_traits::stand_in`, asked through the same
/// `ask::any_valid_at` as in production): `account` holds a credential of `kind` valid in
/// `[from, until)`.
pub(crate) fn licence(account: AccountId, kind: CredentialKind, from: u64, until: u64) {
    stand_in::credentials_during(account, &[kind], from, until);
}

/// The stand-in forgets every licence and failure (a new random sequence starts).
pub(crate) fn forget_licences() {
    stand_in::reset();
}

/// The stand-in fails like a broken peer when asked about `account`.
fn peer_fails(account: AccountId, error: PeerError) {
    stand_in::credentials_fail_for(account, Some(error));
}

const T0: u64 = 1_000 * DAY;
/// An account the default test accounts do not name.
fn grace() -> AccountId {
    AccountId::from([0x47; 32])
}

/// alice stands for the governor contract; the clock is at T0; the caller is bob (the
/// patient).
fn setup() -> ConsentRegistry {
    let a = accounts();
    now(T0);
    let c = ConsentRegistry::new(a.alice, a.frank).expect("new");
    caller(a.bob);
    c
}

/// As the governor, applies `action`; the caller is restored.
fn gov(c: &mut ConsentRegistry, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

fn permit(patient: AccountId, grantee: AccountId, purposes: &[Purpose]) -> ConsentRequest {
    ConsentRequest {
        patient,
        grantee,
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(purposes),
        categories: DataCategories::GENERAL,
        valid_from: T0,
        valid_until: Some(T0 + 30 * DAY),
    }
}

fn open_permit(patient: AccountId, grantee: AccountId, purposes: &[Purpose]) -> ConsentRequest {
    ConsentRequest {
        valid_until: None,
        ..permit(patient, grantee, purposes)
    }
}

fn deny(patient: AccountId, grantee: AccountId, purposes: &[Purpose]) -> ConsentRequest {
    ConsentRequest {
        kind: ConsentKind::Deny,
        valid_until: None,
        ..permit(patient, grantee, purposes)
    }
}

fn anchor(c: &mut ConsentRegistry, patient: AccountId, category: DataCategory) -> RecordId {
    c.anchor_record(patient, category, Hash::from([1; 32]), Hash::from([2; 32]))
        .expect("anchor")
}

const LAB: DataCategory = DataCategory::LabResults;

// ------------------------------------------------------------------------ admin

#[ink::test]
fn constructor_and_governance() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.governor(), a.alice);
    assert!(!c.paused());
    assert_eq!(c.credentials_contract(), a.frank);
    let config = c.config();
    assert_eq!(config, Config::DEFAULT);
    assert_eq!(config.break_glass_window, DAY);
    assert_eq!(config.max_per_window, 3);

    // bob is not the governor.
    let peer = Gov::Peer(PeerRole::Credentials, a.eve);
    for action in [
        Gov::Pause,
        Gov::Unpause,
        Gov::BreakGlass(HOUR, 1, HOUR),
        peer,
    ] {
        assert_eq!(c.apply(action), Err(ApplyError::NotGovernor));
    }
    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
    let as_action =
        |c: Config| Gov::BreakGlass(c.break_glass_window, c.max_per_window, c.rate_window);
    for bad in [
        Config {
            break_glass_window: HOUR - 1,
            ..config
        },
        Config {
            max_per_window: 0,
            ..config
        },
        Config {
            max_per_window: MAX_RATE + 1,
            ..config
        },
        Config {
            rate_window: 31 * DAY,
            ..config
        },
    ] {
        assert_eq!(gov(&mut c, as_action(bad)), Err(ApplyError::Invalid));
    }
    assert_eq!(c.config(), config);
    let new_config = Config {
        break_glass_window: 2 * HOUR,
        max_per_window: 1,
        rate_window: 7 * DAY,
    };
    let before = events();
    gov(&mut c, as_action(new_config)).expect("the governor sets the config");
    assert_eq!(events(), before + 2, "ConfigChanged, ActionApplied");
    assert_eq!(c.config(), new_config);
    let changed = last_recorded::<ConfigChanged>();
    assert_eq!(
        (
            changed.break_glass_window,
            changed.max_per_window,
            changed.rate_window
        ),
        (2 * HOUR, 1, 7 * DAY)
    );

    // Only its own peer; no roles or funds here.
    for unsupported in [
        Gov::Peer(PeerRole::Consent, a.eve),
        Gov::Issuer(a.eve, KindSet::CLINICIAN),
        Gov::Regulator(a.eve),
        Gov::RemoveRegulator(a.eve),
        Gov::RecoverSurplus(a.eve),
        Gov::SuspendCredential(1, 1),
    ] {
        assert_eq!(
            gov(&mut c, unsupported),
            Err(ApplyError::Unsupported),
            "{unsupported:?}"
        );
    }
    gov(&mut c, peer).expect("new credentials address");
    assert_eq!(c.credentials_contract(), a.eve);
    let applied = last_recorded::<ActionApplied>();
    assert_eq!((applied.action, applied.governor), (peer, a.alice));
    // Nothing but pausing and unpausing lands while paused.
    gov(&mut c, Gov::Pause).expect("pause");
    assert_eq!(gov(&mut c, as_action(config)), Err(ApplyError::Paused));
    assert_eq!(
        gov(&mut c, Gov::Peer(PeerRole::Credentials, a.frank)),
        Err(ApplyError::Paused)
    );
    assert_eq!(c.credentials_contract(), a.eve);
    gov(&mut c, Gov::Unpause).expect("unpause");
}

#[ink::test]
fn pause_stops_granting_and_access_but_never_safety_actions() {
    let a = accounts();
    let mut c = setup();
    let consent = c
        .grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");
    let record = anchor(&mut c, a.bob, LAB);
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + 10 * DAY)
        .expect("delegate");
    c.add_care_provider(a.bob, a.charlie, T0).expect("care");
    licence(a.eve, CredentialKind::MedicalLicence, 0, u64::MAX);
    caller(a.eve);
    let grant = c.open_break_glass(a.bob, 1).expect("open");
    let second = {
        caller(grace());
        licence(grace(), CredentialKind::NursingLicence, 0, u64::MAX);
        c.open_break_glass(a.bob, 2).expect("open")
    };
    gov(&mut c, Gov::Pause).expect("pause");
    assert_eq!(gov(&mut c, Gov::Pause), Err(ApplyError::Paused));

    // What grants, anchors, accesses or opens is refused ...
    caller(a.bob);
    assert_eq!(
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::Paused)
    );
    assert_eq!(
        c.appoint_delegate(a.eve, Relationship::Caregiver, T0 + DAY),
        Err(Error::Paused)
    );
    assert_eq!(c.add_care_provider(a.bob, a.eve, T0), Err(Error::Paused));
    assert_eq!(
        c.anchor_record(a.bob, LAB, Hash::from([1; 32]), Hash::from([2; 32])),
        Err(Error::Paused)
    );
    assert_eq!(c.remove_record(record), Err(Error::Paused));
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::Paused)
    );
    caller(a.eve);
    assert_eq!(c.open_break_glass(a.charlie, 1), Err(Error::Paused));

    // ... what makes the patient safer works.
    now(T0 + HOUR);
    caller(a.bob);
    c.revoke(consent).expect("revoke while paused");
    c.end_care(a.bob, a.charlie).expect("end care while paused");
    c.acknowledge_break_glass(grant).expect("ack while paused");
    c.close_break_glass(grant).expect("close while paused");
    caller(a.django);
    c.close_break_glass(second)
        .expect("a delegate closes while paused");
    caller(a.bob);
    c.remove_delegate(a.django)
        .expect("remove delegate while paused");
    // Queries still answer.
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Treatment, LAB, T0));
    assert!(!c.has_consent(a.bob, a.charlie, Purpose::Treatment, LAB, T0 + HOUR));
    assert!(c.has_care_relationship(a.bob, a.charlie, T0));
    assert!(!c.has_care_relationship(a.bob, a.charlie, T0 + HOUR));
    assert_eq!(c.live_break_glass(a.eve, a.bob), None);
    gov(&mut c, Gov::Unpause).expect("unpause");
}

// --------------------------------------------------------------------- consents

#[ink::test]
fn grant_and_query_consent() {
    let a = accounts();
    let mut c = setup();
    let before = events();
    let id = c
        .grant(permit(
            a.bob,
            a.charlie,
            &[Purpose::Treatment, Purpose::Payment],
        ))
        .expect("grant");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<ConsentRecorded>();
    assert_eq!(
        (e.id, e.patient, e.grantee, e.kind, e.purposes, e.categories),
        (
            id,
            a.bob,
            a.charlie,
            ConsentKind::Permit,
            PurposeSet::of(&[Purpose::Treatment, Purpose::Payment]),
            DataCategories::GENERAL
        )
    );
    assert_eq!(
        (e.valid_from, e.valid_until, e.recorded_by, e.delegation),
        (T0, Some(T0 + 30 * DAY), a.bob, None)
    );
    let consent = c.consent(id).expect("stored");
    assert_eq!(consent.recorded_by, a.bob);
    assert_eq!(consent.recorded_at, T0);
    assert_eq!(consent.delegation, None);
    assert_eq!(c.consent_count_of(a.bob), 1);
    assert_eq!(c.consents_of(a.bob, 0, 10), vec![consent]);
    assert_eq!(c.consents_of(a.bob, 1, 10), vec![]);

    let has = |c: &ConsentRegistry, p, cat, t| c.has_consent(a.bob, a.charlie, p, cat, t);
    assert!(has(&c, Purpose::Treatment, LAB, T0));
    assert!(has(
        &c,
        Purpose::Payment,
        DataCategory::Billing,
        T0 + 29 * DAY
    ));
    assert!(!has(&c, Purpose::Treatment, LAB, T0 - 1), "before");
    assert!(!has(&c, Purpose::Treatment, LAB, T0 + 30 * DAY), "after");
    assert!(!has(&c, Purpose::Research, LAB, T0), "other purpose");
    assert!(
        !has(&c, Purpose::Treatment, DataCategory::MentalHealth, T0),
        "sensitive"
    );
    assert!(!c.has_consent(a.bob, a.django, Purpose::Treatment, LAB, T0));
    assert_eq!(
        c.check_consent(a.bob, a.charlie, Purpose::Treatment, LAB, T0 + 31 * DAY),
        Err(Error::NoConsent)
    );
}

#[ink::test]
fn grant_refusals() {
    let a = accounts();
    let mut c = setup();
    // A stranger cannot grant for bob.
    caller(a.eve);
    assert_eq!(
        c.grant(permit(a.bob, a.eve, &[Purpose::Treatment])),
        Err(Error::NotPatientOrDelegate)
    );
    caller(a.bob);
    let mut r = permit(a.bob, a.charlie, &[]);
    assert_eq!(c.grant(r.clone()), Err(Error::BadScope));
    r = permit(a.bob, a.charlie, &[Purpose::Treatment]);
    r.categories = DataCategories(0);
    assert_eq!(c.grant(r.clone()), Err(Error::BadScope));
    r.categories = DataCategories(1 << 20);
    assert_eq!(c.grant(r.clone()), Err(Error::BadScope));
    r = permit(a.bob, a.charlie, &[Purpose::Treatment]);
    r.purposes = PurposeSet(1 << 7);
    assert_eq!(c.grant(r), Err(Error::BadScope));
    r = permit(a.bob, a.charlie, &[Purpose::Treatment]);
    r.valid_until = Some(r.valid_from);
    assert_eq!(c.grant(r.clone()), Err(Error::BadPeriod));
    r.valid_from = T0 - 10 * DAY;
    r.valid_until = Some(T0 - DAY);
    assert_eq!(c.grant(r), Err(Error::BadPeriod), "already ended");
}

#[ink::test]
fn a_patient_who_changes_their_mind_every_day_is_never_locked_out() {
    let a = accounts();
    let mut c = setup();
    // Two years of an open-ended permit granted in the morning and revoked at night.
    for day in 0..730u64 {
        now(T0 + day * DAY + HOUR);
        let id = c
            .grant(ConsentRequest {
                valid_from: T0 + day * DAY + HOUR,
                ..open_permit(a.bob, a.charlie, &[Purpose::Treatment])
            })
            .expect("grant");
        now(T0 + day * DAY + 20 * HOUR);
        c.revoke(id).expect("revoke");
    }
    for day in [0u64, 1, 100, 364, 365, 729] {
        let morning = T0 + day * DAY + HOUR;
        assert!(c.has_consent(a.bob, a.charlie, Purpose::Treatment, LAB, morning));
        assert!(c.has_consent(
            a.bob,
            a.charlie,
            Purpose::Treatment,
            LAB,
            morning + 18 * HOUR
        ));
        assert!(!c.has_consent(
            a.bob,
            a.charlie,
            Purpose::Treatment,
            LAB,
            morning + 19 * HOUR
        ));
        assert!(!c.has_consent(
            a.bob,
            a.charlie,
            Purpose::Treatment,
            LAB,
            morning - 2 * HOUR
        ));
    }
    assert_eq!(c.consent_count_of(a.bob), 730);
}

#[ink::test]
fn too_many_consents_around_one_moment_only() {
    let a = accounts();
    let mut c = setup();
    // At most MAX_OPEN open-ended consents to one grantee at once.
    let mut ids = Vec::new();
    for _ in 0..MAX_OPEN {
        ids.push(
            c.grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
                .expect("within bound"),
        );
    }
    assert_eq!(
        c.grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::TooManyConsents)
    );
    // Ending one makes room; another grantee has its own index. The refusal used no id
    // (the counter moves only once the index has taken the consent).
    now(T0 + HOUR);
    c.revoke(ids[0]).expect("revoke");
    let next = c
        .grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("room again");
    assert_eq!(next, ids[ids.len() - 1] + 1);
    c.grant(open_permit(a.bob, a.django, &[Purpose::Treatment]))
        .expect("other grantee");
    // Minute-long consents of one day fill every level around that day, no other day.
    let day = T0 + 10 * DAY;
    let mut granted = 0u64;
    let refusal = loop {
        let from = day + granted * 60_000;
        match c.grant(ConsentRequest {
            valid_from: from,
            valid_until: Some(from + 30_000),
            ..permit(a.bob, a.eve, &[Purpose::Treatment])
        }) {
            Ok(_) => granted += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(refusal, Error::TooManyConsents);
    assert_eq!(granted, (MAX_PER_BUCKET * usize::from(LEVELS)) as u64);
    c.grant(ConsentRequest {
        valid_from: T0 + 20_000 * DAY,
        valid_until: Some(T0 + 20_000 * DAY + 30_000),
        ..permit(a.bob, a.eve, &[Purpose::Treatment])
    })
    .expect("a later period");
}

#[ink::test]
fn revocation_takes_effect_from_its_moment() {
    let a = accounts();
    let mut c = setup();
    let id = c
        .grant(permit(a.bob, a.charlie, &[Purpose::Payment]))
        .expect("grant");
    let open = c
        .grant(open_permit(a.bob, a.django, &[Purpose::Payment]))
        .expect("open grant");
    now(T0 + 5 * DAY);
    // Only the patient or a delegate revokes.
    caller(a.charlie);
    assert_eq!(c.revoke(id), Err(Error::NotPatientOrDelegate));
    caller(a.bob);
    assert_eq!(c.revoke(99), Err(Error::UnknownConsent));
    let before = events();
    c.revoke(id).expect("revoke");
    c.revoke(open).expect("revoke open");
    assert_eq!(events(), before + 2);
    let revoked: Vec<_> = recorded::<ConsentRevoked>()
        .iter()
        .map(|e| (e.id, e.patient, e.revoked_by, e.at))
        .collect();
    assert_eq!(
        revoked,
        vec![
            (id, a.bob, a.bob, T0 + 5 * DAY),
            (open, a.bob, a.bob, T0 + 5 * DAY)
        ]
    );
    assert_eq!(c.revoke(id), Err(Error::AlreadyRevoked));
    let cat = DataCategory::Billing;
    for grantee in [a.charlie, a.django] {
        assert!(c.has_consent(a.bob, grantee, Purpose::Payment, cat, T0 + 5 * DAY - 1));
        assert!(!c.has_consent(a.bob, grantee, Purpose::Payment, cat, T0 + 5 * DAY));
    }
    assert_eq!(c.consent(id).expect("kept").revoked_at, Some(T0 + 5 * DAY));
}

#[ink::test]
fn deny_wins_and_does_not_reach_back() {
    let a = accounts();
    let mut c = setup();
    c.grant(permit(
        a.bob,
        a.charlie,
        &[Purpose::Treatment, Purpose::Research],
    ))
    .expect("permit");
    now(T0 + DAY);
    let mut d = deny(a.bob, a.charlie, &[Purpose::Research]);
    d.valid_from = T0 - DAY; // back-dated: takes effect only from its recording
    c.grant(d).expect("deny");
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Research, LAB, T0 + DAY - 1));
    assert_eq!(
        c.check_consent(a.bob, a.charlie, Purpose::Research, LAB, T0 + DAY),
        Err(Error::ConsentDenied)
    );
    // The deny's scope is research only.
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Treatment, LAB, T0 + DAY));
}

#[ink::test]
fn back_dated_permit_covers_an_earlier_visit() {
    let a = accounts();
    let mut c = setup();
    let mut r = permit(a.bob, a.charlie, &[Purpose::Payment]);
    r.valid_from = T0 - 10 * DAY;
    c.grant(r).expect("permit");
    assert!(c.has_consent(
        a.bob,
        a.charlie,
        Purpose::Payment,
        DataCategory::Billing,
        T0 - 5 * DAY
    ));
}

// ---------------------------------------------------------- care relationships

#[ink::test]
fn back_dated_records_are_bounded_so_that_ended_ones_never_fill_a_pairs_index() {
    let a = accounts();
    let mut c = setup();
    // Today's clock: a record back-dated to 1970 and ended would span more than the
    // index's longest bucket (about 45 years) and stay in the pair's header for good;
    // eight of them would lock the patient out of naming that provider again.
    let today = 20_000 * DAY;
    now(today);
    c.appoint_delegate(a.django, Relationship::Guardian, today + 400 * DAY)
        .expect("appoint");
    caller(a.django);
    assert_eq!(
        c.add_care_provider(a.bob, a.charlie, 0),
        Err(Error::BackdatedTooFar)
    );
    assert_eq!(
        c.add_care_provider(a.bob, a.charlie, today - MAX_BACKDATE - 1),
        Err(Error::BackdatedTooFar)
    );
    let far_back = ConsentRequest {
        valid_from: today - MAX_BACKDATE - 1,
        valid_until: None,
        ..permit(a.bob, a.eve, &[Purpose::Treatment])
    };
    assert_eq!(c.grant(far_back), Err(Error::BackdatedTooFar));
    assert_eq!(c.consent_count_of(a.bob), 0);
    // At the bound, named and ended over and over: every ended record leaves the
    // header, and the patient still names the provider afterwards.
    for _ in 0..MAX_OPEN + 2 {
        c.add_care_provider(a.bob, a.charlie, today - MAX_BACKDATE)
            .expect("named");
        c.end_care(a.bob, a.charlie).expect("ended");
    }
    caller(a.bob);
    c.add_care_provider(a.bob, a.charlie, today)
        .expect("the patient still names the provider");
    assert!(c.has_care_relationship(a.bob, a.charlie, today));
}

#[ink::test]
fn care_relationships_are_named_once_and_answer_for_any_moment() {
    let a = accounts();
    let mut c = setup();
    // A stranger cannot name a provider for bob.
    caller(a.charlie);
    assert_eq!(
        c.add_care_provider(a.bob, a.charlie, T0),
        Err(Error::NotPatientOrDelegate)
    );
    caller(a.bob);
    let before = events();
    // Named at the first visit, ten days ago.
    let id = c
        .add_care_provider(a.bob, a.charlie, T0 - 10 * DAY)
        .expect("name provider");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<CareRelationshipStarted>();
    assert_eq!(
        (
            e.id,
            e.patient,
            e.provider,
            e.from,
            e.recorded_by,
            e.delegation
        ),
        (id, a.bob, a.charlie, T0 - 10 * DAY, a.bob, None)
    );
    assert_eq!(
        c.add_care_provider(a.bob, a.charlie, T0),
        Err(Error::CareRelationshipOpen)
    );
    let care = c.care_relationship(id).expect("stored");
    assert_eq!(care.from, T0 - 10 * DAY);
    assert_eq!(care.ended_at, None);
    assert_eq!(c.care_of(a.bob, 0, 10), vec![care]);
    assert!(!c.has_care_relationship(a.bob, a.charlie, T0 - 10 * DAY - 1));
    assert!(c.has_care_relationship(a.bob, a.charlie, T0 - 10 * DAY));
    assert!(c.has_care_relationship(a.bob, a.charlie, T0 + 400 * DAY));
    assert!(!c.has_care_relationship(a.bob, a.django, T0));
    // One visit or a hundred: named once.
    now(T0 + 100 * DAY);
    caller(a.django);
    assert_eq!(
        c.end_care(a.bob, a.charlie),
        Err(Error::NotPatientOrDelegate)
    );
    caller(a.bob);
    assert_eq!(
        c.end_care(a.bob, a.django),
        Err(Error::UnknownCareRelationship)
    );
    c.end_care(a.bob, a.charlie).expect("end");
    assert_eq!(
        c.end_care(a.bob, a.charlie),
        Err(Error::UnknownCareRelationship)
    );
    assert!(c.has_care_relationship(a.bob, a.charlie, T0 + 100 * DAY - 1));
    assert!(!c.has_care_relationship(a.bob, a.charlie, T0 + 100 * DAY));
    // Care resumes later: a second period.
    now(T0 + 200 * DAY);
    c.add_care_provider(a.bob, a.charlie, T0 + 200 * DAY)
        .expect("again");
    assert!(!c.has_care_relationship(a.bob, a.charlie, T0 + 150 * DAY));
    assert!(c.has_care_relationship(a.bob, a.charlie, T0 + 200 * DAY));
    assert_eq!(c.care_of(a.bob, 0, 10).len(), 2);

    // The payer's question in one call.
    c.grant(open_permit(a.bob, a.eve, &[Purpose::Payment]))
        .expect("payment consent");
    assert_eq!(
        c.claim_consent(a.bob, a.eve, a.charlie, T0 + 200 * DAY),
        healthcare_traits::ClaimConsent {
            care_relationship: true,
            payment_consent: true
        }
    );
    assert_eq!(
        c.claim_consent(a.bob, a.eve, a.charlie, T0 - 20 * DAY),
        healthcare_traits::ClaimConsent {
            care_relationship: false,
            payment_consent: false
        }
    );
    // The batch query answers each query as the single one does, in order, and at most
    // MAX_BATCH_QUERIES of them.
    let query = |patient, payer, provider, at| healthcare_traits::ClaimConsentQuery {
        patient,
        payer,
        provider,
        at,
    };
    let queries = vec![
        query(a.bob, a.eve, a.charlie, T0 + 200 * DAY),
        query(a.bob, a.eve, a.charlie, T0 - 20 * DAY),
        query(a.bob, a.django, a.charlie, T0 + 200 * DAY),
        query(a.bob, a.eve, a.django, T0 + 200 * DAY),
    ];
    let single: Vec<healthcare_traits::ClaimConsent> = queries
        .iter()
        .map(|q| c.claim_consent(q.patient, q.payer, q.provider, q.at))
        .collect();
    assert_eq!(c.claim_consent_each(queries), single);
    assert_eq!(
        (single[2].payment_consent, single[2].care_relationship),
        (false, true)
    );
    assert_eq!(
        (single[3].payment_consent, single[3].care_relationship),
        (true, false)
    );
    let many = vec![
        query(a.bob, a.eve, a.charlie, T0 + 200 * DAY);
        healthcare_traits::MAX_BATCH_QUERIES + 1
    ];
    assert_eq!(
        c.claim_consent_each(many).len(),
        healthcare_traits::MAX_BATCH_QUERIES
    );
}

// -------------------------------------------------------------------- delegates

#[ink::test]
fn delegates_act_for_the_patient_until_expiry() {
    let a = accounts();
    let mut c = setup();
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + DAY)
        .expect("appoint");
    assert_eq!(
        c.appoint_delegate(a.eve, Relationship::Caregiver, T0),
        Err(Error::BadPeriod)
    );
    let d = c.delegate(a.bob, a.django).expect("stored");
    assert_eq!(d.relationship, Relationship::Guardian);
    assert_eq!(d.expires_at, T0 + DAY);
    assert_eq!(d.term, 1);
    assert_eq!(
        c.delegation_term(a.bob, a.django, 1),
        Some(Term {
            from: T0,
            until: T0 + DAY
        })
    );

    caller(a.django);
    let id = c
        .grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("delegate grants");
    let consent = c.consent(id).expect("c");
    assert_eq!(consent.recorded_by, a.django);
    assert_eq!(consent.delegation, Some(1));
    // Capped by the delegation's expiry.
    assert_eq!(consent.valid_until, Some(T0 + DAY));
    c.revoke(id).expect("delegate revokes");
    // A delegate's own appointment is for itself as patient, never for bob.
    c.appoint_delegate(a.eve, Relationship::Caregiver, T0 + DAY)
        .expect("django appoints for django");
    assert_eq!(c.delegate(a.bob, a.eve), None);
    caller(a.eve);
    assert_eq!(
        c.grant(permit(a.bob, a.eve, &[Purpose::Treatment])),
        Err(Error::NotPatientOrDelegate)
    );

    // After expiry the delegate is refused.
    now(T0 + DAY);
    caller(a.django);
    assert_eq!(
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::NotPatientOrDelegate)
    );
}

#[ink::test]
fn delegates_act_for_the_patient_not_for_themselves() {
    let a = accounts();
    let mut c = setup();
    let patient_deny = c
        .grant(deny(a.bob, a.charlie, &[Purpose::Research]))
        .expect("patient's deny");
    let patient_permit = c
        .grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("patient's permit");
    c.appoint_delegate(a.django, Relationship::PowerOfAttorney, T0 + 30 * DAY)
        .expect("appoint");
    caller(a.django);
    // No permit naming itself (a deny naming itself is fine).
    assert_eq!(
        c.grant(permit(a.bob, a.django, &[Purpose::Treatment])),
        Err(Error::DelegateSelfGrant)
    );
    c.grant(deny(a.bob, a.django, &[Purpose::Research]))
        .expect("a deny naming itself");
    // No care relationship naming itself (a licensed delegate would then bill the
    // patient's plan as its provider); naming another provider is fine.
    assert_eq!(
        c.add_care_provider(a.bob, a.django, T0 - 10 * DAY),
        Err(Error::DelegateSelfGrant)
    );
    assert!(!c.has_care_relationship(a.bob, a.django, T0));
    c.add_care_provider(a.bob, a.eve, T0)
        .expect("another provider");
    // No revoking the patient's deny; the patient's permits it may revoke.
    assert_eq!(c.revoke(patient_deny), Err(Error::PatientDeny));
    let own_deny = c
        .grant(deny(a.bob, a.eve, &[Purpose::Research]))
        .expect("own deny");
    c.revoke(own_deny).expect("its own deny");
    c.revoke(patient_permit).expect("a patient's permit");
    caller(a.bob);
    c.revoke(patient_deny)
        .expect("the patient revokes its own deny");
    // The patient may name the delegate as its provider.
    c.add_care_provider(a.bob, a.django, T0)
        .expect("named by the patient");
}

#[ink::test]
fn what_a_delegate_recorded_ends_with_its_delegation() {
    let a = accounts();
    let mut c = setup();
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + 100 * DAY)
        .expect("appoint");
    caller(a.django);
    c.grant(open_permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");
    c.add_care_provider(a.bob, a.eve, T0).expect("care");
    caller(a.bob);
    now(T0 + 10 * DAY);
    // Re-appointing a live delegate keeps its term (and what it recorded).
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + 200 * DAY)
        .expect("extend");
    assert_eq!(c.delegate(a.bob, a.django).expect("d").term, 1);
    now(T0 + 20 * DAY);
    c.remove_delegate(a.django).expect("remove");
    assert_eq!(
        c.delegation_term(a.bob, a.django, 1).expect("kept").until,
        T0 + 20 * DAY
    );
    let t = Purpose::Treatment;
    assert!(c.has_consent(a.bob, a.charlie, t, LAB, T0 + 20 * DAY - 1));
    assert!(!c.has_consent(a.bob, a.charlie, t, LAB, T0 + 20 * DAY));
    assert!(c.has_care_relationship(a.bob, a.eve, T0 + 20 * DAY - 1));
    assert!(!c.has_care_relationship(a.bob, a.eve, T0 + 20 * DAY));
    // A new appointment is a new term: the old records stay ended.
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + 300 * DAY)
        .expect("new term");
    assert_eq!(c.delegate(a.bob, a.django).expect("d").term, 2);
    assert!(!c.has_consent(a.bob, a.charlie, t, LAB, T0 + 25 * DAY));
    // A lapsed delegation is renewed as a new term too.
    now(T0 + 300 * DAY);
    c.appoint_delegate(a.django, Relationship::Caregiver, T0 + 400 * DAY)
        .expect("after lapse");
    assert_eq!(c.delegate(a.bob, a.django).expect("d").term, 3);
}

#[ink::test]
fn delegate_list_is_bounded_and_paged() {
    let a = accounts();
    let mut c = setup();
    for n in 0..MAX_DELEGATES {
        c.appoint_delegate(
            AccountId::from([100 + n as u8; 32]),
            Relationship::Caregiver,
            T0 + DAY,
        )
        .expect("within bound");
    }
    assert_eq!(
        c.appoint_delegate(a.django, Relationship::Caregiver, T0 + DAY),
        Err(Error::TooManyDelegates)
    );
    // Re-appointing an existing delegate replaces it.
    c.appoint_delegate(
        AccountId::from([100; 32]),
        Relationship::Guardian,
        T0 + 2 * DAY,
    )
    .expect("replace");
    assert_eq!(c.delegates_of(a.bob, 0, 100).len(), MAX_DELEGATES as usize);
    assert_eq!(
        c.delegates_of(a.bob, 0, 1)[0].relationship,
        Relationship::Guardian
    );

    assert_eq!(c.remove_delegate(a.django), Err(Error::UnknownDelegate));
    let before = events();
    c.remove_delegate(AccountId::from([100; 32]))
        .expect("remove first");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<DelegateRemoved>();
    assert_eq!(
        (e.patient, e.delegate, e.term, e.at),
        (a.bob, AccountId::from([100; 32]), 1, T0)
    );
    let left = c.delegates_of(a.bob, 0, 100);
    assert_eq!(left.len(), MAX_DELEGATES as usize - 1);
    assert_eq!(
        left[0].account,
        AccountId::from([100 + MAX_DELEGATES as u8 - 1; 32])
    );
    assert_eq!(c.delegate(a.bob, AccountId::from([100; 32])), None);
    c.remove_delegate(left[0].account).expect("remove moved");
    c.appoint_delegate(a.django, Relationship::Caregiver, T0 + DAY)
        .expect("room again");
}

// ---------------------------------------------------------------------- records

#[ink::test]
fn anchors_by_patient_and_treating_grantee() {
    let a = accounts();
    let mut c = setup();
    let (content, locator) = (Hash::from([1; 32]), Hash::from([2; 32]));
    let own = c
        .anchor_record(a.bob, DataCategory::Imaging, content, locator)
        .expect("patient anchors");
    // A grantee without treatment consent is refused.
    caller(a.charlie);
    assert_eq!(
        c.anchor_record(a.bob, DataCategory::Imaging, content, locator),
        Err(Error::NoConsent)
    );
    caller(a.bob);
    c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");
    caller(a.charlie);
    let theirs = c
        .anchor_record(a.bob, DataCategory::Imaging, content, locator)
        .expect("treating grantee anchors");
    assert_eq!(
        c.anchor_record(a.bob, DataCategory::SubstanceUse, content, locator),
        Err(Error::NoConsent),
        "category not covered"
    );
    let record = c.record(theirs).expect("stored");
    assert_eq!(record.anchored_by, a.charlie);
    assert_eq!(record.patient, a.bob);
    assert_eq!(c.records_of(a.bob, 0, 10).len(), 2);

    // Only the patient removes an anchor (not even a delegate).
    assert_eq!(c.remove_record(own), Err(Error::NotPatient));
    caller(a.bob);
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + DAY)
        .expect("delegate");
    caller(a.django);
    assert_eq!(c.remove_record(own), Err(Error::NotPatient));
    caller(a.bob);
    assert_eq!(c.remove_record(99), Err(Error::UnknownRecord));
    c.remove_record(own).expect("remove");
    assert_eq!(c.record(own), None);
    assert_eq!(c.records_of(a.bob, 0, 10), vec![record]);
    assert_eq!(c.remove_record(own), Err(Error::UnknownRecord));
}

// ----------------------------------------------------------------------- access

#[ink::test]
fn access_is_consented_and_logged() {
    let a = accounts();
    let mut c = setup();
    let record = anchor(&mut c, a.bob, LAB);
    c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");

    caller(a.charlie);
    let before = events();
    assert_eq!(c.access_record(a.bob, record, Purpose::Treatment), Ok(0));
    assert_eq!(events(), before + 1);
    let e = last_recorded::<RecordAccessed>();
    assert_eq!(
        (
            e.record,
            e.patient,
            e.accessor,
            e.purpose,
            e.emergency,
            e.log_index
        ),
        (record, a.bob, a.charlie, Purpose::Treatment, None, 0)
    );
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Research),
        Err(Error::NoConsent)
    );
    assert_eq!(
        c.access_record(a.bob, 99, Purpose::Treatment),
        Err(Error::UnknownRecord)
    );
    assert_eq!(
        c.access_record(a.django, record, Purpose::Treatment),
        Err(Error::UnknownRecord),
        "record of another patient"
    );
    // The patient reads their own record.
    caller(a.bob);
    assert_eq!(c.access_record(a.bob, record, Purpose::Treatment), Ok(1));
    now(T0 + 31 * DAY);
    caller(a.charlie);
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::NoConsent)
    );

    assert_eq!(c.access_count_of(a.bob), 2);
    let log = c.access_log(a.bob, 0, 10);
    assert_eq!(
        log[0],
        AccessEntry {
            accessor: a.charlie,
            at: T0,
            purpose: Purpose::Treatment,
            record: Some(record),
            emergency: None
        }
    );
    assert_eq!(log[1].accessor, a.bob);
    assert_eq!(c.access_log(a.bob, 1, 1).len(), 1);

    // Entries naming a removed anchor stay.
    caller(a.bob);
    c.remove_record(record).expect("remove");
    assert_eq!(c.access_log(a.bob, 0, 10).len(), 2);
}

#[ink::test]
fn denied_access_is_refused() {
    let a = accounts();
    let mut c = setup();
    let record = anchor(&mut c, a.bob, LAB);
    c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");
    c.grant(deny(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("deny");
    caller(a.charlie);
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::ConsentDenied)
    );
}

// ------------------------------------------------------------------ break-glass

#[ink::test]
fn break_glass_for_a_licensed_clinician() {
    let a = accounts();
    let mut c = setup();
    let record = anchor(&mut c, a.bob, DataCategory::Allergies);
    let notes = anchor(&mut c, a.bob, DataCategory::MentalHealth);
    let addiction = anchor(&mut c, a.bob, DataCategory::SubstanceUse);
    licence(
        a.eve,
        CredentialKind::NursingLicence,
        T0 - DAY,
        T0 + 10 * DAY,
    );
    caller(a.eve);
    // Without a grant, no emergency access.
    assert_eq!(
        c.access_record(a.bob, record, Purpose::EmergencyTreatment),
        Err(Error::NoConsent)
    );
    let before = events();
    let grant = c.open_break_glass(a.bob, 7).expect("open");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<BreakGlassOpened>();
    assert_eq!(
        (e.id, e.patient, e.clinician, e.reason, e.expires_at),
        (grant, a.bob, a.eve, 7, T0 + DAY)
    );
    assert_eq!(c.live_break_glass(a.eve, a.bob), Some(grant));
    let g = c.break_glass(grant).expect("stored");
    assert_eq!(g.expires_at, T0 + DAY);
    assert_eq!(g.reason, 7);

    // Emergency access works, even over a deny, and is flagged.
    caller(a.bob);
    c.grant(deny(a.bob, a.eve, &[Purpose::EmergencyTreatment]))
        .expect("deny");
    caller(a.eve);
    assert_eq!(
        c.access_record(a.bob, record, Purpose::EmergencyTreatment),
        Ok(1)
    );
    // Substance-use records are covered in an emergency; psychotherapy notes never.
    assert_eq!(
        c.access_record(a.bob, addiction, Purpose::EmergencyTreatment),
        Ok(2)
    );
    assert_eq!(
        c.access_record(a.bob, notes, Purpose::EmergencyTreatment),
        Err(Error::NotCoveredByBreakGlass)
    );
    // Only for emergency treatment.
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::NoConsent)
    );
    let log = c.access_log(a.bob, 0, 10);
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].record, None, "the opening is logged");
    assert_eq!(log[0].emergency, Some(grant));
    assert_eq!(log[1].record, Some(record));
    assert_eq!(log[1].emergency, Some(grant));

    // The window closes.
    now(T0 + DAY);
    assert_eq!(c.live_break_glass(a.eve, a.bob), None);
    assert_eq!(
        c.access_record(a.bob, record, Purpose::EmergencyTreatment),
        Err(Error::ConsentDenied)
    );
    caller(a.bob);
    assert_eq!(c.close_break_glass(grant), Err(Error::GrantNotLive));

    // The patient acknowledges, once.
    caller(a.charlie);
    assert_eq!(
        c.acknowledge_break_glass(grant),
        Err(Error::NotPatientOrGuardian)
    );
    caller(a.bob);
    assert_eq!(c.acknowledge_break_glass(99), Err(Error::UnknownGrant));
    c.acknowledge_break_glass(grant).expect("ack");
    let g = c.break_glass(grant).expect("g");
    assert_eq!(g.acknowledged_at, Some(T0 + DAY));
    assert_eq!(g.acknowledged_by, Some(a.bob));
    assert_eq!(
        c.acknowledge_break_glass(grant),
        Err(Error::AlreadyAcknowledged)
    );
}

#[ink::test]
fn guardians_acknowledge_and_patients_or_delegates_close_early() {
    let a = accounts();
    let mut c = setup();
    let record = anchor(&mut c, a.bob, LAB);
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + 10 * DAY)
        .expect("guardian");
    c.appoint_delegate(a.charlie, Relationship::Caregiver, T0 + 10 * DAY)
        .expect("caregiver");
    licence(a.eve, CredentialKind::MedicalLicence, 0, u64::MAX);
    caller(a.eve);
    let grant = c.open_break_glass(a.bob, 1).expect("open");
    caller(a.charlie);
    assert_eq!(
        c.acknowledge_break_glass(grant),
        Err(Error::NotPatientOrGuardian)
    );
    caller(a.django);
    c.acknowledge_break_glass(grant)
        .expect("the guardian acknowledges");
    assert_eq!(
        c.break_glass(grant).expect("g").acknowledged_by,
        Some(a.django)
    );
    // Only the patient or a delegate closes it.
    caller(grace());
    assert_eq!(c.close_break_glass(grant), Err(Error::NotPatientOrDelegate));
    assert_eq!(c.close_break_glass(99), Err(Error::UnknownGrant));
    now(T0 + HOUR);
    caller(a.charlie);
    c.close_break_glass(grant).expect("a caregiver closes it");
    assert_eq!(c.break_glass(grant).expect("g").closed_at, Some(T0 + HOUR));
    assert_eq!(c.close_break_glass(grant), Err(Error::GrantNotLive));
    caller(a.eve);
    assert_eq!(c.live_break_glass(a.eve, a.bob), None);
    assert_eq!(
        c.access_record(a.bob, record, Purpose::EmergencyTreatment),
        Err(Error::NoConsent)
    );
}

#[ink::test]
fn break_glass_asks_for_the_right_licence_and_refusals_change_nothing() {
    let a = accounts();
    let mut c = setup();
    caller(a.eve);
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialCheckFailed)
    );
    // A pharmacist is no clinician for break-glass; a lapsed nurse neither.
    licence(a.eve, CredentialKind::PharmacistLicence, 0, u64::MAX);
    licence(a.eve, CredentialKind::NursingLicence, 0, T0);
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialCheckFailed)
    );
    peer_fails(a.eve, PeerError::Unreachable);
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialContractUnreachable)
    );
    peer_fails(a.eve, PeerError::Trapped);
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialContractTrapped)
    );
    assert_eq!(c.access_count_of(a.bob), 0);
    assert_eq!(c.live_break_glass(a.eve, a.bob), None);
}

#[ink::test]
fn break_glass_rate_limit_is_a_sliding_window() {
    let a = accounts();
    let mut c = setup();
    licence(a.eve, CredentialKind::MedicalLicence, 0, u64::MAX);
    licence(a.frank, CredentialKind::MedicalLicence, 0, u64::MAX);
    // Three openings at the end of one day ...
    caller(a.eve);
    for (i, patient) in [a.bob, a.charlie, a.django].into_iter().enumerate() {
        now(T0 + 23 * HOUR + i as u64);
        c.open_break_glass(patient, 1).expect("within limit");
    }
    // ... leave none at the start of the next: no double allowance at a boundary.
    now(T0 + DAY + HOUR);
    assert_eq!(c.open_break_glass(a.alice, 1), Err(Error::RateLimited));
    // Another clinician has its own budget.
    caller(a.frank);
    c.open_break_glass(a.alice, 1).expect("frank");
    // A full window after the first two openings, two are allowed again.
    caller(a.eve);
    now(T0 + DAY + 23 * HOUR + 1);
    c.open_break_glass(a.alice, 1).expect("window slid");
    c.open_break_glass(a.frank, 1).expect("window slid");
    assert_eq!(c.open_break_glass(grace(), 1), Err(Error::RateLimited));
}

#[ink::test]
fn counters_overflow_is_an_error() {
    let a = accounts();
    let mut c = setup();
    c.set_counters(u64::MAX);
    assert_eq!(
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::Overflow)
    );
    assert_eq!(
        c.add_care_provider(a.bob, a.charlie, T0),
        Err(Error::Overflow)
    );
    assert_eq!(
        c.anchor_record(
            a.bob,
            DataCategory::Imaging,
            Hash::from([1; 32]),
            Hash::from([2; 32])
        ),
        Err(Error::Overflow)
    );
    licence(a.bob, CredentialKind::MedicalLicence, 0, u64::MAX);
    assert_eq!(c.open_break_glass(a.charlie, 1), Err(Error::Overflow));
}

#[ink::test]
fn research_consent_covers_every_category_asked_or_none() {
    let a = accounts();
    let mut c = setup();
    let lab_and_conditions =
        DataCategories::of(&[DataCategory::LabResults, DataCategory::Conditions]);
    c.grant(ConsentRequest {
        categories: lab_and_conditions,
        ..open_permit(a.bob, a.charlie, &[Purpose::Research])
    })
    .expect("research permit");
    assert!(c.has_consent_all(a.bob, a.charlie, Purpose::Research, lab_and_conditions, T0));
    assert!(c.has_consent_all(
        a.bob,
        a.charlie,
        Purpose::Research,
        DataCategories::of(&[DataCategory::LabResults]),
        T0
    ));
    // One category not covered, another purpose, another grantee, an earlier moment,
    // an empty or malformed set: no.
    let with_genomic = DataCategories::of(&[DataCategory::LabResults, DataCategory::Genomic]);
    assert!(!c.has_consent_all(a.bob, a.charlie, Purpose::Research, with_genomic, T0));
    assert!(!c.has_consent_all(a.bob, a.charlie, Purpose::Treatment, lab_and_conditions, T0));
    assert!(!c.has_consent_all(a.bob, a.django, Purpose::Research, lab_and_conditions, T0));
    assert!(!c.has_consent_all(
        a.bob,
        a.charlie,
        Purpose::Research,
        lab_and_conditions,
        T0 - 1
    ));
    assert!(!c.has_consent_all(
        a.bob,
        a.charlie,
        Purpose::Research,
        DataCategories::default(),
        T0
    ));
    assert!(!c.has_consent_all(
        a.bob,
        a.charlie,
        Purpose::Research,
        DataCategories(1 << 20),
        T0
    ));
    // A deny of one category takes the whole answer.
    c.grant(ConsentRequest {
        categories: DataCategories::of(&[DataCategory::Conditions]),
        ..deny(a.bob, a.charlie, &[Purpose::Research])
    })
    .expect("deny");
    assert!(!c.has_consent_all(a.bob, a.charlie, Purpose::Research, lab_and_conditions, T0));
}

#[ink::test]
fn has_consent_all_each_answers_per_patient_in_order_and_at_most_a_batch() {
    let a = accounts();
    let mut c = setup();
    let lab = DataCategories::of(&[DataCategory::LabResults]);
    for patient in [a.bob, a.eve] {
        caller(patient);
        c.grant(ConsentRequest {
            categories: lab,
            ..open_permit(patient, a.charlie, &[Purpose::Research])
        })
        .expect("research permit");
    }
    let asked = vec![a.bob, a.django, a.eve];
    assert_eq!(
        c.has_consent_all_each(asked.clone(), a.charlie, Purpose::Research, lab, T0),
        vec![true, false, true]
    );
    // Each answer is `has_consent_all`'s.
    for (patient, answer) in asked.iter().zip([true, false, true]) {
        assert_eq!(
            c.has_consent_all(*patient, a.charlie, Purpose::Research, lab, T0),
            answer
        );
    }
    let many = vec![a.bob; healthcare_traits::MAX_BATCH_QUERIES + 1];
    assert_eq!(
        c.has_consent_all_each(many, a.charlie, Purpose::Research, lab, T0)
            .len(),
        healthcare_traits::MAX_BATCH_QUERIES
    );
}

#[ink::test]
fn has_consent_each_answers_per_grantee_in_order() {
    let a = accounts();
    let mut c = setup();
    c.grant(ConsentRequest {
        categories: DataCategories::of(&[DataCategory::VitalSigns]),
        ..open_permit(a.bob, a.charlie, &[Purpose::Treatment])
    })
    .expect("permit");
    let team = vec![a.django, a.charlie, a.eve, a.charlie];
    assert_eq!(
        c.has_consent_each(
            a.bob,
            team.clone(),
            Purpose::Treatment,
            DataCategory::VitalSigns,
            T0
        ),
        vec![false, true, false, true]
    );
    assert_eq!(
        c.has_consent_each(
            a.bob,
            team,
            Purpose::Treatment,
            DataCategory::LabResults,
            T0
        ),
        vec![false; 4]
    );
    // At most MAX_BATCH_QUERIES answers.
    let many = vec![a.charlie; healthcare_traits::MAX_BATCH_QUERIES + 5];
    assert_eq!(
        c.has_consent_each(
            a.bob,
            many,
            Purpose::Treatment,
            DataCategory::VitalSigns,
            T0
        )
        .len(),
        healthcare_traits::MAX_BATCH_QUERIES
    );
}

#[ink::test]
fn acts_for_now_is_the_patient_or_a_live_delegate() {
    let a = accounts();
    let mut c = setup();
    assert!(c.acts_for_now(a.bob, a.bob));
    assert!(!c.acts_for_now(a.bob, a.django));
    c.appoint_delegate(a.django, Relationship::Guardian, T0 + DAY)
        .expect("appoint");
    assert!(c.acts_for_now(a.bob, a.django));
    assert!(!c.acts_for_now(a.django, a.bob), "not the other way round");
    now(T0 + DAY);
    assert!(!c.acts_for_now(a.bob, a.django), "expired");
    now(T0);
    c.remove_delegate(a.django).expect("remove");
    assert!(!c.acts_for_now(a.bob, a.django), "removed");
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
}
