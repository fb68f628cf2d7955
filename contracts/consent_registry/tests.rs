//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, unauthorised callers.
//!
//! The off-chain engine cannot make cross-contract calls, so the answer of
//! staff_credentials is set per clinician with [`set_credential_answer`]; the real call
//! (including a peer that is no contract) runs in the drink sandbox tests of `e2e-tests`.

use crate::consent_registry::*;
use crate::{MAX_CONSENTS_PER_GRANTEE, MAX_DELEGATES};
use healthcare_traits::{
    ConsentVerifier, DataCategories, DataCategory, PeerError, Purpose, PurposeSet, DAY, HOUR,
};
use ink::env::test::{self, DefaultAccounts};
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static CREDENTIALS: RefCell<HashMap<AccountId, core::result::Result<bool, PeerError>>> =
        RefCell::new(HashMap::new());
}

/// What the (mocked) staff_credentials answers about `clinician`.
pub(crate) fn set_credential_answer(
    clinician: AccountId,
    answer: core::result::Result<bool, PeerError>,
) {
    CREDENTIALS.with(|c| c.borrow_mut().insert(clinician, answer));
}

/// Used by the contract under `cfg(test)` instead of the cross-contract call.
pub(crate) fn credential_answer(clinician: AccountId) -> core::result::Result<bool, PeerError> {
    CREDENTIALS.with(|c| c.borrow().get(&clinician).copied().unwrap_or(Ok(false)))
}

const T0: u64 = 1_000 * DAY;

fn accounts() -> DefaultAccounts<Env> {
    test::default_accounts::<Env>()
}
fn caller(account: AccountId) {
    test::set_caller::<Env>(account);
}
fn now(t: u64) {
    test::set_block_timestamp::<Env>(t);
}
fn events() -> usize {
    test::recorded_events().count()
}

/// alice owns the registry; the clock is at T0; the caller is bob (the patient).
fn setup() -> ConsentRegistry {
    let a = accounts();
    caller(a.alice);
    now(T0);
    let c = ConsentRegistry::new(a.frank);
    caller(a.bob);
    c
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

fn deny(patient: AccountId, grantee: AccountId, purposes: &[Purpose]) -> ConsentRequest {
    ConsentRequest {
        kind: ConsentKind::Deny,
        valid_until: None,
        ..permit(patient, grantee, purposes)
    }
}

// ------------------------------------------------------------------------ admin

#[ink::test]
fn constructor_and_admin() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.owner(), a.alice);
    assert_eq!(c.pending_owner(), None);
    assert!(!c.paused());
    let config = c.config();
    assert_eq!(config.credentials, a.frank);
    assert_eq!(config.break_glass_window, DAY);
    assert_eq!(config.max_per_window, 3);

    // bob is not the owner.
    assert_eq!(c.transfer_ownership(a.bob), Err(Error::NotOwner));
    assert_eq!(c.pause(), Err(Error::NotOwner));
    assert_eq!(c.unpause(), Err(Error::NotOwner));
    assert_eq!(c.set_code(Hash::from([1; 32])), Err(Error::NotOwner));
    assert_eq!(c.set_config(config.clone()), Err(Error::NotOwner));
    assert_eq!(c.accept_ownership(), Err(Error::NotPendingOwner));

    caller(a.alice);
    assert_eq!(c.unpause(), Err(Error::NotPaused));
    let mut bad = config.clone();
    bad.break_glass_window = HOUR - 1;
    assert_eq!(c.set_config(bad), Err(Error::BadConfig));
    let mut bad = config.clone();
    bad.max_per_window = 0;
    assert_eq!(c.set_config(bad), Err(Error::BadConfig));
    let mut bad = config.clone();
    bad.rate_window = 31 * DAY;
    assert_eq!(c.set_config(bad), Err(Error::BadConfig));
    let new_config = Config {
        credentials: a.eve,
        break_glass_window: 2 * HOUR,
        max_per_window: 1,
        rate_window: 7 * DAY,
    };
    c.set_config(new_config.clone()).expect("owner sets config");
    assert_eq!(c.config(), new_config);

    c.transfer_ownership(a.django).expect("propose");
    caller(a.django);
    c.accept_ownership().expect("accept");
    assert_eq!(c.owner(), a.django);
}

#[ink::test]
fn pause_blocks_every_state_change() {
    let a = accounts();
    let mut c = setup();
    let id = c
        .grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");
    let record = c
        .anchor_record(
            a.bob,
            DataCategory::LabResults,
            Hash::from([1; 32]),
            Hash::from([2; 32]),
        )
        .expect("anchor");
    caller(a.alice);
    c.pause().expect("pause");
    assert_eq!(c.pause(), Err(Error::Paused));
    caller(a.bob);
    assert_eq!(
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::Paused)
    );
    assert_eq!(c.revoke(id), Err(Error::Paused));
    assert_eq!(
        c.appoint_delegate(a.django, Relationship::Caregiver, T0 + DAY),
        Err(Error::Paused)
    );
    assert_eq!(c.remove_delegate(a.django), Err(Error::Paused));
    assert_eq!(
        c.anchor_record(
            a.bob,
            DataCategory::LabResults,
            Hash::from([1; 32]),
            Hash::from([2; 32])
        ),
        Err(Error::Paused)
    );
    assert_eq!(c.remove_record(record), Err(Error::Paused));
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::Paused)
    );
    assert_eq!(c.open_break_glass(a.bob, 1), Err(Error::Paused));
    assert_eq!(c.acknowledge_break_glass(1), Err(Error::Paused));
    // Queries still answer.
    assert!(c.has_consent(
        a.bob,
        a.charlie,
        Purpose::Treatment,
        DataCategory::LabResults,
        T0
    ));
    caller(a.alice);
    c.unpause().expect("unpause");
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
    let consent = c.consent(id).expect("stored");
    assert_eq!(consent.recorded_by, a.bob);
    assert_eq!(consent.recorded_at, T0);
    assert_eq!(c.consent_count_of(a.bob), 1);
    assert_eq!(c.consents_of(a.bob, 0, 10), vec![consent]);
    assert_eq!(c.consents_of(a.bob, 1, 10), vec![]);

    let has = |c: &ConsentRegistry, p, cat, t| c.has_consent(a.bob, a.charlie, p, cat, t);
    assert!(has(&c, Purpose::Treatment, DataCategory::LabResults, T0));
    assert!(has(
        &c,
        Purpose::Payment,
        DataCategory::Billing,
        T0 + 29 * DAY
    ));
    assert!(
        !has(&c, Purpose::Treatment, DataCategory::LabResults, T0 - 1),
        "before"
    );
    assert!(
        !has(
            &c,
            Purpose::Treatment,
            DataCategory::LabResults,
            T0 + 30 * DAY
        ),
        "after"
    );
    assert!(
        !has(&c, Purpose::Research, DataCategory::LabResults, T0),
        "other purpose"
    );
    assert!(
        !has(&c, Purpose::Treatment, DataCategory::MentalHealth, T0),
        "sensitive"
    );
    assert!(!c.has_consent(
        a.bob,
        a.django,
        Purpose::Treatment,
        DataCategory::LabResults,
        T0
    ));
    assert_eq!(
        c.check_consent(
            a.bob,
            a.charlie,
            Purpose::Treatment,
            DataCategory::LabResults,
            T0 + 31 * DAY
        ),
        Err(Error::ConsentExpired)
    );
    assert_eq!(
        c.check_consent(
            a.bob,
            a.django,
            Purpose::Treatment,
            DataCategory::LabResults,
            T0
        ),
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
    for _ in 0..MAX_CONSENTS_PER_GRANTEE {
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
            .expect("within bound");
    }
    assert_eq!(
        c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment])),
        Err(Error::TooManyConsents)
    );
    // Another grantee has its own bound.
    c.grant(permit(a.bob, a.django, &[Purpose::Treatment]))
        .expect("other grantee");
}

#[ink::test]
fn revocation_takes_effect_from_its_moment() {
    let a = accounts();
    let mut c = setup();
    let id = c
        .grant(permit(a.bob, a.charlie, &[Purpose::Payment]))
        .expect("grant");
    now(T0 + 5 * DAY);
    // Only the patient or a delegate revokes.
    caller(a.charlie);
    assert_eq!(c.revoke(id), Err(Error::NotPatientOrDelegate));
    caller(a.bob);
    assert_eq!(c.revoke(99), Err(Error::UnknownConsent));
    let before = events();
    c.revoke(id).expect("revoke");
    assert_eq!(events(), before + 1);
    assert_eq!(c.revoke(id), Err(Error::AlreadyRevoked));
    let cat = DataCategory::Billing;
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Payment, cat, T0 + 5 * DAY - 1));
    assert!(!c.has_consent(a.bob, a.charlie, Purpose::Payment, cat, T0 + 5 * DAY));
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
    let cat = DataCategory::LabResults;
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Research, cat, T0 + DAY - 1));
    assert_eq!(
        c.check_consent(a.bob, a.charlie, Purpose::Research, cat, T0 + DAY),
        Err(Error::ConsentDenied)
    );
    // The deny's scope is research only.
    assert!(c.has_consent(a.bob, a.charlie, Purpose::Treatment, cat, T0 + DAY));
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

    caller(a.django);
    let id = c
        .grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("delegate grants");
    assert_eq!(c.consent(id).expect("c").recorded_by, a.django);
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

    // Only the patient removes an anchor.
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
    let record = c
        .anchor_record(
            a.bob,
            DataCategory::LabResults,
            Hash::from([1; 32]),
            Hash::from([2; 32]),
        )
        .expect("anchor");
    c.grant(permit(a.bob, a.charlie, &[Purpose::Treatment]))
        .expect("grant");

    caller(a.charlie);
    let before = events();
    assert_eq!(c.access_record(a.bob, record, Purpose::Treatment), Ok(0));
    assert_eq!(events(), before + 1);
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
        Err(Error::ConsentExpired)
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
    let record = c
        .anchor_record(
            a.bob,
            DataCategory::LabResults,
            Hash::from([1; 32]),
            Hash::from([2; 32]),
        )
        .expect("anchor");
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
    let record = c
        .anchor_record(
            a.bob,
            DataCategory::Allergies,
            Hash::from([1; 32]),
            Hash::from([2; 32]),
        )
        .expect("anchor");
    set_credential_answer(a.eve, Ok(true));
    caller(a.eve);
    // Without a grant, no emergency access.
    assert_eq!(
        c.access_record(a.bob, record, Purpose::EmergencyTreatment),
        Err(Error::NoConsent)
    );
    let before = events();
    let grant = c.open_break_glass(a.bob, 7).expect("open");
    assert_eq!(events(), before + 1);
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
    // Only for emergency treatment.
    assert_eq!(
        c.access_record(a.bob, record, Purpose::Treatment),
        Err(Error::NoConsent)
    );
    let log = c.access_log(a.bob, 0, 10);
    assert_eq!(log.len(), 2);
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

    // The patient acknowledges, once.
    caller(a.charlie);
    assert_eq!(c.acknowledge_break_glass(grant), Err(Error::NotPatient));
    caller(a.bob);
    assert_eq!(c.acknowledge_break_glass(99), Err(Error::UnknownGrant));
    c.acknowledge_break_glass(grant).expect("ack");
    assert_eq!(
        c.break_glass(grant).expect("g").acknowledged_at,
        Some(T0 + DAY)
    );
    assert_eq!(
        c.acknowledge_break_glass(grant),
        Err(Error::AlreadyAcknowledged)
    );
}

#[ink::test]
fn break_glass_refusals_change_nothing() {
    let a = accounts();
    let mut c = setup();
    caller(a.eve);
    set_credential_answer(a.eve, Ok(false));
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialCheckFailed)
    );
    set_credential_answer(a.eve, Err(PeerError::Unreachable));
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialContractUnreachable)
    );
    set_credential_answer(a.eve, Err(PeerError::Trapped));
    assert_eq!(
        c.open_break_glass(a.bob, 1),
        Err(Error::CredentialContractTrapped)
    );
    assert_eq!(c.access_count_of(a.bob), 0);
    assert_eq!(c.live_break_glass(a.eve, a.bob), None);
}

#[ink::test]
fn break_glass_is_rate_limited_per_clinician() {
    let a = accounts();
    let mut c = setup();
    set_credential_answer(a.eve, Ok(true));
    set_credential_answer(a.frank, Ok(true));
    caller(a.eve);
    for patient in [a.bob, a.charlie, a.django] {
        c.open_break_glass(patient, 1).expect("within limit");
    }
    assert_eq!(c.open_break_glass(a.alice, 1), Err(Error::RateLimited));
    // Another clinician has its own budget.
    caller(a.frank);
    c.open_break_glass(a.alice, 1).expect("frank");
    // The window rolls over.
    now(T0 + DAY);
    caller(a.eve);
    c.open_break_glass(a.alice, 1).expect("new window");
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
        c.anchor_record(
            a.bob,
            DataCategory::Imaging,
            Hash::from([1; 32]),
            Hash::from([2; 32])
        ),
        Err(Error::Overflow)
    );
    set_credential_answer(a.bob, Ok(true));
    assert_eq!(c.open_break_glass(a.charlie, 1), Err(Error::Overflow));
}
