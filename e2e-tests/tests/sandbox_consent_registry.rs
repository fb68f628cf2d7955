//! consent_registry with a real staff_credentials on pallet-contracts (drink sandbox,
//! release WASM): break-glass for a licensed, an unlicensed, a wrongly licensed and a
//! suspended clinician; credentials addresses that hold no contract, a contract without
//! the message, or a contract that traps; care relationships and delegates across
//! contracts; a peer change and a code change through the governor.

use consent_registry::consent_registry::{
    AccessEntry, BreakGlassOpened, Config, ConsentKind, ConsentRequest, Error, Relationship,
};
use e2e_tests::events::EventCheck;
use e2e_tests::suite::{
    apply_as, assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, deploy_credentials, enact, governor_arg, issue, operator, suspend,
};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::{
    Action, ClaimConsent, CredentialKind, DataCategories, DataCategory, PeerRole, Purpose,
    PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;

type Res<T> = Result<T, Error>;

fn deploy_registry(chain: &mut Sandbox, credentials: &drink::AccountId32) -> drink::AccountId32 {
    chain.deploy(
        "consent_registry",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (governor_arg(), ink_account(credentials)),
        ),
    )
}

/// The sandbox's own bookkeeping, on which every figure and event check relies: a call's
/// events and their topic entries are gone before the next call (removed one by one, not
/// by walking the topic prefix), and a dry run (a rolled-back storage transaction)
/// returns its events and leaves the state as it was.
#[test]
fn a_calls_events_are_cleared_before_the_next_and_a_dry_run_changes_nothing() {
    use drink::frame_support::__private::sp_io::storage::get;
    use drink::frame_support::__private::{storage_root, StateVersion};
    use drink::sandbox_api::prelude::SystemAPI;
    use drink::Sandbox as _;
    let mut chain = Sandbox::new();
    let credentials = deploy_credentials(&mut chain);
    issue(
        &mut chain,
        &credentials,
        &account(3),
        CredentialKind::MedicalLicence,
    );
    let topics: Vec<_> = chain
        .inner()
        .events()
        .into_iter()
        .flat_map(|record| record.topics)
        .collect();
    assert!(!topics.is_empty(), "issuing emits events with topics");
    let stored = |chain: &mut Sandbox| {
        chain.inner().execute_with(|| {
            topics
                .iter()
                .filter(|t| get(&e2e_tests::topic_key(t.as_ref())).is_some())
                .count()
        })
    };
    assert_eq!(stored(&mut chain), topics.len());
    e2e_tests::clear_events(chain.inner());
    assert!(chain.inner().events().is_empty());
    assert_eq!(stored(&mut chain), 0, "a topic entry outlived its call");

    let state = |chain: &mut Sandbox| {
        chain
            .inner()
            .execute_with(|| storage_root(StateVersion::V1))
    };
    let before = state(&mut chain);
    let request = e2e_tests::fixtures::credential(
        ink_account(&account(4)),
        CredentialKind::MedicalLicence,
        chain.time(),
    );
    let dry = chain
        .dry_raw_call(
            &credentials,
            &operator(),
            call_data(selector_bytes!("issue"), (request,)),
            0,
        )
        .expect("dry run");
    assert!(!dry.reverted && dry.events > 0, "the dry run issued");
    assert_eq!(state(&mut chain), before, "the dry run changed the state");
    assert!(
        chain.inner().events().is_empty(),
        "the dry run left its events"
    );
}

#[test]
fn break_glass_checks_the_clinician_credential_across_contracts() {
    let mut chain = Sandbox::new();
    let (patient, clinician, impostor) = (account(2), account(3), account(4));
    chain.record();
    let credentials = deploy_credentials(&mut chain);
    let registry = deploy_registry(&mut chain, &credentials);
    let licence = issue(
        &mut chain,
        &credentials,
        &clinician,
        CredentialKind::MedicalLicence,
    );

    // Licensed: the grant opens, is logged flagged as emergency, and emits an event.
    let opened = chain.call::<Res<u64>>(
        &registry,
        &clinician,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 12u16),
        ),
    );
    assert_eq!(opened.value, Ok(1));
    assert_eq!(opened.events, 1);
    let event: Vec<BreakGlassOpened> = opened.events_of(&registry);
    assert_eq!(event.len(), 1);
    assert_eq!(
        (
            event[0].id,
            event[0].patient,
            event[0].clinician,
            event[0].reason,
            event[0].log_index
        ),
        (1, ink_account(&patient), ink_account(&clinician), 12, 0)
    );
    assert_eq!(event[0].expires_at, chain.time() + DAY);
    println!(
        "open_break_glass with a cross-contract credential check: ref_time {} proof_size {}",
        opened.ref_time, opened.proof_size
    );
    let log: Vec<AccessEntry> = chain.query(
        &registry,
        call_data(
            selector_bytes!("access_log"),
            (ink_account(&patient), 0u32, 10u32),
        ),
    );
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].accessor, ink_account(&clinician));
    assert_eq!(log[0].purpose, Purpose::EmergencyTreatment);
    assert_eq!(log[0].emergency, Some(1));

    // The patient acknowledges it.
    let ack = chain.call::<Res<()>>(
        &registry,
        &patient,
        call_data(selector_bytes!("acknowledge_break_glass"), (1u64,)),
    );
    assert_eq!(ack.value, Ok(()));

    // Licensed for the wrong kind (a pharmacist is no clinician for break-glass).
    let pharmacist = account(7);
    issue(
        &mut chain,
        &credentials,
        &pharmacist,
        CredentialKind::PharmacistLicence,
    );
    let wrong_kind = chain.call::<Res<u64>>(
        &registry,
        &pharmacist,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 12u16),
        ),
    );
    assert_eq!(wrong_kind.value, Err(Error::CredentialCheckFailed));
    assert!(wrong_kind.reverted);

    // Unlicensed: refused with a typed error, nothing written.
    let refused = chain.call::<Res<u64>>(
        &registry,
        &impostor,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 12u16),
        ),
    );
    assert_eq!(refused.value, Err(Error::CredentialCheckFailed));
    assert!(refused.reverted);
    assert_eq!(refused.events, 0);

    // Suspended: refused too.
    let later = chain.time() + 1_000;
    chain.set_time(later);
    suspend(&mut chain, &credentials, licence);
    let suspended = chain.call::<Res<u64>>(
        &registry,
        &clinician,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 12u16),
        ),
    );
    assert_eq!(suspended.value, Err(Error::CredentialCheckFailed));
    let count: u32 = chain.query(
        &registry,
        call_data(selector_bytes!("access_count_of"), (ink_account(&patient),)),
    );
    assert_eq!(count, 1, "only the licensed opening is logged");
    // Refused openings leave no trace in the indexer either.
    assert_eq!(chain.assert_consents_indexed(&registry, &[patient]), 1);
}

/// Points the registry's credentials address at `peer` (none, a contract without the
/// message, a contract that traps) and checks the typed error and that nothing changed.
fn broken_peer_fails_cleanly(peer: Option<&str>, expected: Error) {
    let mut chain = Sandbox::new();
    let (patient, clinician) = (account(2), account(3));
    let address = match peer {
        None => account(9),
        Some("baseline_token") => chain.deploy(
            "baseline_token",
            &operator(),
            call_data(selector_bytes!("new"), (1_000u128,)),
        ),
        Some(name) => chain.deploy(name, &operator(), call_data(selector_bytes!("new"), ())),
    };
    let registry = deploy_registry(&mut chain, &address);
    let balance = chain.balance(&clinician);
    let outcome = chain.call::<Res<u64>>(
        &registry,
        &clinician,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 1u16),
        ),
    );
    assert_eq!(outcome.value, Err(expected), "{peer:?}");
    assert!(outcome.reverted, "no state change");
    assert_eq!(outcome.events, 0);
    assert!(
        chain.balance(&clinician) >= balance - 1_000_000_000,
        "only fees"
    );
    let count: u32 = chain.query(
        &registry,
        call_data(selector_bytes!("access_count_of"), (ink_account(&patient),)),
    );
    assert_eq!(count, 0);
    let live: Option<u64> = chain.query(
        &registry,
        call_data(
            selector_bytes!("live_break_glass"),
            (ink_account(&clinician), ink_account(&patient)),
        ),
    );
    assert_eq!(live, None);
}

#[test]
fn a_credentials_address_without_a_contract_fails_cleanly() {
    broken_peer_fails_cleanly(None, Error::CredentialContractUnreachable);
}

#[test]
fn a_credentials_contract_without_the_message_fails_cleanly() {
    broken_peer_fails_cleanly(Some("baseline_token"), Error::CredentialContractUnreachable);
}

#[test]
fn a_trapping_credentials_contract_fails_cleanly() {
    broken_peer_fails_cleanly(Some("trapping_peer"), Error::CredentialContractTrapped);
}

#[test]
fn consent_is_answered_across_contracts_by_the_shared_selector() {
    let mut chain = Sandbox::new();
    let (patient, payer, guardian) = (account(2), account(5), account(6));
    let credentials = deploy_credentials(&mut chain);
    let registry = deploy_registry(&mut chain, &credentials);
    let now = chain.time();

    // A guardian, appointed by the patient, grants payment consent.
    let appointed = chain.call::<Res<()>>(
        &registry,
        &patient,
        call_data(
            selector_bytes!("appoint_delegate"),
            (
                ink_account(&guardian),
                Relationship::Guardian,
                now + 30 * DAY,
            ),
        ),
    );
    assert_eq!(appointed.value, Ok(()));
    let request = ConsentRequest {
        patient: ink_account(&patient),
        grantee: ink_account(&payer),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Payment]),
        categories: DataCategories::of(&[DataCategory::Billing]),
        valid_from: now - DAY,
        valid_until: None,
    };
    let granted = chain.call::<Res<u64>>(
        &registry,
        &guardian,
        call_data(selector_bytes!("grant"), (request,)),
    );
    assert_eq!(granted.value, Ok(1));

    let has = |chain: &mut Sandbox, at: u64| -> bool {
        chain.query(
            &registry,
            call_data(
                selector_bytes!("ConsentVerifier::has_consent"),
                (
                    ink_account(&patient),
                    ink_account(&payer),
                    Purpose::Payment,
                    DataCategory::Billing,
                    at,
                ),
            ),
        )
    };
    assert!(has(&mut chain, now));
    chain.set_time(now + DAY);
    let revoked = chain.call::<Res<()>>(
        &registry,
        &patient,
        call_data(selector_bytes!("revoke"), (1u64,)),
    );
    assert_eq!(revoked.value, Ok(()));
    assert!(
        has(&mut chain, now),
        "history before the revocation stays true"
    );
    assert!(!has(&mut chain, now + DAY));

    // A record anchored by the patient is accessed by no one without consent.
    let anchored = chain.call::<Res<u64>>(
        &registry,
        &patient,
        call_data(
            selector_bytes!("anchor_record"),
            (
                ink_account(&patient),
                DataCategory::Billing,
                Hash::from([1; 32]),
                Hash::from([2; 32]),
            ),
        ),
    );
    assert_eq!(anchored.value, Ok(1));
    let access = chain.call::<Res<u32>>(
        &registry,
        &payer,
        call_data(
            selector_bytes!("access_record"),
            (ink_account(&patient), 1u64, Purpose::Payment),
        ),
    );
    assert_eq!(access.value, Err(Error::NoConsent));

    // The guardian named a care provider; it ends when the patient removes the guardian.
    let provider = account(7);
    let named = chain.call::<Res<u64>>(
        &registry,
        &guardian,
        call_data(
            selector_bytes!("add_care_provider"),
            (ink_account(&patient), ink_account(&provider), now),
        ),
    );
    assert_eq!(named.value, Ok(1));
    let answer = |chain: &mut Sandbox, at: u64| -> ClaimConsent {
        chain.query(
            &registry,
            call_data(
                selector_bytes!("ConsentVerifier::claim_consent"),
                (
                    ink_account(&patient),
                    ink_account(&payer),
                    ink_account(&provider),
                    at,
                ),
            ),
        )
    };
    assert_eq!(
        answer(&mut chain, now + DAY / 2),
        ClaimConsent {
            care_relationship: true,
            payment_consent: true
        }
    );
    chain.set_time(now + 2 * DAY);
    let removed = chain.call::<Res<()>>(
        &registry,
        &patient,
        call_data(
            selector_bytes!("remove_delegate"),
            (ink_account(&guardian),),
        ),
    );
    assert_eq!(removed.value, Ok(()));
    let has_care = |chain: &mut Sandbox, at: u64| -> bool {
        chain.query(
            &registry,
            call_data(
                selector_bytes!("ConsentVerifier::has_care_relationship"),
                (ink_account(&patient), ink_account(&provider), at),
            ),
        )
    };
    assert!(has_care(&mut chain, now + 2 * DAY - 1));
    assert!(!has_care(&mut chain, now + 2 * DAY));
}

#[test]
fn peer_and_code_changes_go_through_the_governor() {
    let mut chain = Sandbox::new();
    let credentials = deploy_credentials(&mut chain);
    let registry = deploy_registry(&mut chain, &account(9));
    assert_unknown_code_refused(&mut chain, &registry);
    assert_eq!(
        enact(
            &mut chain,
            &registry,
            Action::Peer(PeerRole::Credentials, ink_account(&credentials)),
        ),
        Ok(())
    );
    let peer: ink::primitives::AccountId = chain.query(
        &registry,
        call_data(selector_bytes!("credentials_contract"), ()),
    );
    assert_eq!(peer, ink_account(&credentials));
    assert_guardian_stops_an_upgrade(&mut chain, &registry);
    assert_real_upgrade(&mut chain, &registry, "consent_registry");
    // Storage kept: the peer enacted before the upgrade.
    let peer: ink::primitives::AccountId = chain.query(
        &registry,
        call_data(selector_bytes!("credentials_contract"), ()),
    );
    assert_eq!(peer, ink_account(&credentials));
}

/// Every event type of consent_registry, decoded with its metadata (not its Rust types),
/// each field checked once: a table of calls and the events each must emit.
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut chain = Sandbox::new();
    let mut check = EventCheck::new();
    let (patient, clinician, delegate) = (account(2), account(3), account(4));
    chain.record();
    let credentials = deploy_credentials(&mut chain);
    let registry = deploy_registry(&mut chain, &credentials);
    issue(
        &mut chain,
        &credentials,
        &clinician,
        CredentialKind::MedicalLicence,
    );
    let t = chain.time();
    // A call answering `Ok(())` with one event.
    let step = |chain: &mut Sandbox,
                check: &mut EventCheck,
                who: &drink::AccountId32,
                data: Vec<u8>,
                event: String| {
        let done: Res<()> = chain.call_checked(check, &registry, who, data, 0, &[event]);
        assert_eq!(done, Ok(()));
    };
    step(
        &mut chain,
        &mut check,
        &patient,
        call_data(
            selector_bytes!("appoint_delegate"),
            (ink_account(&delegate), Relationship::Caregiver, t + DAY),
        ),
        format!(
            "DelegateAppointed {{ patient: @2, delegate: @4, relationship: Caregiver, term: 1, \
             expires_at: {} }}",
            t + DAY
        ),
    );
    let request = ConsentRequest {
        patient: ink_account(&patient),
        grantee: ink_account(&clinician),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        categories: DataCategories::of(&[DataCategory::Medications]),
        valid_from: t,
        valid_until: None,
    };
    let granted: Res<u64> = chain.call_checked(
        &mut check,
        &registry,
        &delegate,
        call_data(selector_bytes!("grant"), (request,)),
        0,
        &[format!(
            "ConsentRecorded {{ id: 1, patient: @2, grantee: @3, kind: Permit, \
             purposes: PurposeSet(1), categories: DataCategories(4), valid_from: {t}, \
             valid_until: Some({}), recorded_by: @4, delegation: Some(1) }}",
            // A delegate's consent ends with its delegation at the latest.
            t + DAY
        )],
    );
    assert_eq!(granted, Ok(1));
    let care: Res<u64> = chain.call_checked(
        &mut check,
        &registry,
        &delegate,
        call_data(
            selector_bytes!("add_care_provider"),
            (ink_account(&patient), ink_account(&clinician), t),
        ),
        0,
        &[format!(
            "CareRelationshipStarted {{ id: 1, patient: @2, provider: @3, from: {t}, \
             recorded_by: @4, delegation: Some(1) }}"
        )],
    );
    assert_eq!(care, Ok(1));
    let anchored: Res<u64> = chain.call_checked(
        &mut check,
        &registry,
        &clinician,
        call_data(
            selector_bytes!("anchor_record"),
            (
                ink_account(&patient),
                DataCategory::Medications,
                Hash::from([0x11; 32]),
                Hash::from([0x22; 32]),
            ),
        ),
        0,
        &[
            "RecordAnchored { id: 1, patient: @2, anchored_by: @3, category: Medications, \
           content_hash: [0x11; 32], locator_hash: [0x22; 32] }",
        ],
    );
    assert_eq!(anchored, Ok(1));
    let accessed: Res<u32> = chain.call_checked(
        &mut check,
        &registry,
        &clinician,
        call_data(
            selector_bytes!("access_record"),
            (ink_account(&patient), 1u64, Purpose::Treatment),
        ),
        0,
        &[
            "RecordAccessed { record: 1, patient: @2, accessor: @3, purpose: Treatment, \
           emergency: None, log_index: 0 }",
        ],
    );
    assert_eq!(accessed, Ok(0));
    // The delegate's consent ends with its removal (after the record's use).
    step(
        &mut chain,
        &mut check,
        &patient,
        call_data(
            selector_bytes!("remove_delegate"),
            (ink_account(&delegate),),
        ),
        format!("DelegateRemoved {{ patient: @2, delegate: @4, term: 1, at: {t} }}"),
    );
    let opened: Res<u64> = chain.call_checked(
        &mut check,
        &registry,
        &clinician,
        call_data(
            selector_bytes!("open_break_glass"),
            (ink_account(&patient), 12u16),
        ),
        0,
        &[format!(
            "BreakGlassOpened {{ id: 1, patient: @2, clinician: @3, reason: 12, \
             expires_at: {}, log_index: 1 }}",
            t + DAY
        )],
    );
    assert_eq!(opened, Ok(1));
    for (data, event) in [
        (
            call_data(selector_bytes!("acknowledge_break_glass"), (1u64,)),
            "BreakGlassAcknowledged { id: 1, patient: @2, by: @2 }".to_string(),
        ),
        (
            call_data(selector_bytes!("close_break_glass"), (1u64,)),
            format!("BreakGlassClosed {{ id: 1, patient: @2, by: @2, at: {t} }}"),
        ),
        (
            call_data(selector_bytes!("revoke"), (1u64,)),
            format!("ConsentRevoked {{ id: 1, patient: @2, revoked_by: @2, at: {t} }}"),
        ),
        (
            call_data(
                selector_bytes!("end_care"),
                (ink_account(&patient), ink_account(&clinician)),
            ),
            format!(
                "CareRelationshipEnded {{ id: 1, patient: @2, provider: @3, ended_by: @2, \
                 at: {t} }}"
            ),
        ),
        (
            call_data(selector_bytes!("remove_record"), (1u64,)),
            "RecordRemoved { id: 1, patient: @2 }".to_string(),
        ),
    ] {
        step(&mut chain, &mut check, &patient, data, event);
    }
    let config = Config {
        break_glass_window: 2 * DAY,
        max_per_window: 5,
        rate_window: 3 * DAY,
    };
    let set = Action::BreakGlass(
        config.break_glass_window,
        config.max_per_window,
        config.rate_window,
    );
    let out = apply_as(&mut chain, &registry, &operator(), set);
    assert_eq!(out.value, Ok(()));
    check.expect(
        &out.decoded,
        &[
            format!(
                "ConfigChanged {{ break_glass_window: {}, max_per_window: 5, rate_window: {} }}",
                2 * DAY,
                3 * DAY
            ),
            format!(
                "ActionApplied {{ action: BreakGlass({}, 5, {}), governor: @1 }}",
                2 * DAY,
                3 * DAY
            ),
        ],
    );
    check_governance_events(&mut chain, &registry, "consent_registry", &mut check);
    check.assert_all_checked("consent_registry");
    // The indexer rebuilds the access log and the consents (the delegate's with the term
    // its removal ended) from these events alone.
    assert!(chain.assert_consents_indexed(&registry, &[patient]) >= 3);
}
