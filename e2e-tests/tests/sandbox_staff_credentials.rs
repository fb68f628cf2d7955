//! staff_credentials on a real pallet-contracts (drink sandbox, release WASM):
//! issue → suspend → reinstate → revoke with `is_valid_at` at the times between, through
//! the cross-contract selector other contracts use; refusals revert with typed errors;
//! issuers appointed by the governor; a code change through the governor and the runtime.

use e2e_tests::events::EventCheck;
use e2e_tests::suite::{
    apply_as, assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, governor_arg,
};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::{Action, ApplyError, CredentialKind, KindSet};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;
use parity_scale_codec::{Decode, Encode};
use staff_credentials::events::IssuerAdded;
use staff_credentials::staff_credentials::{CredentialRequest, Error, Status};

type Res<T> = Result<T, Error>;

const T0: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;

fn licence(subject: AccountId) -> CredentialRequest {
    CredentialRequest {
        subject,
        kind: CredentialKind::MedicalLicence,
        jurisdiction: *b"CA",
        specialty: Some(*b"207R00000X"),
        identifier: b"A-123456".to_vec(),
        valid_from: T0,
        valid_until: T0 + 1_000 * HOUR,
        evidence_hash: Hash::from([7; 32]),
        verified_at: T0,
    }
}

/// staff_credentials deployed by `owner`, governed by the operator (account 1), with no
/// issuers.
fn deploy_registry(chain: &mut Sandbox, owner: &drink::AccountId32) -> drink::AccountId32 {
    chain.deploy(
        "staff_credentials",
        owner,
        call_data(
            selector_bytes!("new"),
            (governor_arg(), Vec::<(AccountId, KindSet)>::new()),
        ),
    )
}

#[test]
fn credential_lifecycle_and_point_in_time_validity() {
    let mut chain = Sandbox::new();
    let (owner, board, doctor, stranger) = (account(1), account(2), account(3), account(4));
    chain.set_time(T0 - 2 * HOUR);
    let registry = deploy_registry(&mut chain, &owner);

    // Only the governor appoints issuers.
    let appoint = Action::Issuer(ink_account(&board), KindSet::CLINICIAN);
    let refused = apply_as(&mut chain, &registry, &stranger, appoint);
    assert_eq!(refused.value, Err(ApplyError::NotGovernor));
    assert!(refused.reverted);
    let added = apply_as(&mut chain, &registry, &owner, appoint);
    assert_eq!(added.value, Ok(()));
    // IssuerAdded, then the governance's ActionApplied.
    assert_eq!(added.events, 2);
    let event = <IssuerAdded as Decode>::decode(&mut &added.emitted[0].2[..]).expect("IssuerAdded");
    assert_eq!(event.issuer, ink_account(&board));
    assert_eq!(event.kinds, KindSet::CLINICIAN);
    let applied =
        <ActionApplied as Decode>::decode(&mut &added.emitted[1].2[..]).expect("ActionApplied");
    assert_eq!(
        (applied.action, applied.governor),
        (appoint, ink_account(&owner))
    );

    // Issue at T0.
    chain.set_time(T0);
    let issued = chain.call::<Res<u64>>(
        &registry,
        &board,
        call_data(selector_bytes!("issue"), (licence(ink_account(&doctor)),)),
    );
    assert_eq!(issued.value, Ok(1));
    assert!(!issued.reverted);
    assert!(issued.storage_deposit > 0, "a credential occupies storage");

    // A refused issue reverts with a typed error and writes nothing.
    let mut bad = licence(ink_account(&doctor));
    bad.valid_until = bad.valid_from;
    let refused = chain.call::<Res<u64>>(
        &registry,
        &board,
        call_data(selector_bytes!("issue"), (bad,)),
    );
    assert_eq!(refused.value, Err(Error::InvalidPeriod));
    assert!(refused.reverted);
    assert_eq!(refused.events, 0);
    let count: u32 = chain.query(
        &registry,
        call_data(
            selector_bytes!("credential_count_of"),
            (ink_account(&doctor),),
        ),
    );
    assert_eq!(count, 1);

    // Suspend at T0+10h, reinstate at T0+20h, revoke at T0+30h.
    for (hours, selector, args) in [
        (10, selector_bytes!("suspend"), (1u64, 42u16).encode()),
        (20, selector_bytes!("reinstate"), (1u64,).encode()),
        (30, selector_bytes!("revoke"), (1u64, 7u16).encode()),
    ] {
        chain.set_time(T0 + hours * HOUR);
        let mut data = selector.to_vec();
        data.extend(args);
        let done = chain.call::<Res<()>>(&registry, &board, data);
        assert_eq!(done.value, Ok(()), "at +{hours}h");
        assert_eq!(done.events, 1);
    }

    let valid_at = |chain: &mut Sandbox, t: u64| -> bool {
        chain.query(
            &registry,
            call_data(
                selector_bytes!("CredentialVerifier::is_valid_at"),
                (ink_account(&doctor), CredentialKind::MedicalLicence, t),
            ),
        )
    };
    assert!(!valid_at(&mut chain, T0 - 1), "before valid_from");
    assert!(valid_at(&mut chain, T0 + 5 * HOUR), "issued, active");
    assert!(!valid_at(&mut chain, T0 + 15 * HOUR), "suspended");
    assert!(valid_at(&mut chain, T0 + 25 * HOUR), "reinstated");
    assert!(!valid_at(&mut chain, T0 + 35 * HOUR), "revoked");
    let any: bool = chain.query(
        &registry,
        call_data(
            selector_bytes!("CredentialVerifier::any_valid_at"),
            (ink_account(&doctor), KindSet::CLINICIAN, T0 + 25 * HOUR),
        ),
    );
    assert!(any);

    let credential: Option<staff_credentials::staff_credentials::Credential> =
        chain.query(&registry, call_data(selector_bytes!("credential"), (1u64,)));
    let credential = credential.expect("stored");
    assert_eq!(credential.status(), Status::Revoked);
    assert_eq!(credential.history.len(), 3);

    // Revocation is final.
    let again = chain.call::<Res<()>>(
        &registry,
        &board,
        call_data(selector_bytes!("revoke"), (1u64, 7u16)),
    );
    assert_eq!(again.value, Err(Error::AlreadyRevoked));
}

#[test]
fn code_changes_go_through_the_governor_and_the_runtime() {
    let mut chain = Sandbox::new();
    let (owner, stranger) = (account(1), account(4));
    let registry = chain.deploy(
        "staff_credentials",
        &owner,
        call_data(
            selector_bytes!("new"),
            (
                governor_arg(),
                vec![(ink_account(&owner), KindSet::CLINICIAN)],
            ),
        ),
    );
    assert_unknown_code_refused(&mut chain, &registry);
    let code_hash = Hash::from(chain.upload("staff_credentials", &owner));
    let refused = apply_as(&mut chain, &registry, &stranger, Action::Code(code_hash));
    assert_eq!(refused.value, Err(ApplyError::NotGovernor));
    assert_guardian_stops_an_upgrade(&mut chain, &registry);
    assert_real_upgrade(&mut chain, &registry, "staff_credentials");
    let kinds: Option<KindSet> = chain.query(
        &registry,
        call_data(selector_bytes!("issuer_kinds"), (ink_account(&owner),)),
    );
    assert_eq!(kinds, Some(KindSet::CLINICIAN));
}

/// Every event type of staff_credentials, decoded with its metadata (not its Rust types),
/// each field checked once: a table of calls and the events each must emit.
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut chain = Sandbox::new();
    let mut check = EventCheck::new();
    let (owner, board, doctor) = (account(1), account(2), account(3));
    chain.set_time(T0);
    let registry = deploy_registry(&mut chain, &owner);
    let clinician = KindSet::CLINICIAN.0;
    let with_npi = KindSet::of(&[
        CredentialKind::MedicalLicence,
        CredentialKind::NursingLicence,
        CredentialKind::NpiRegistration,
    ]);
    for (kinds, event) in [
        (KindSet::CLINICIAN, "IssuerAdded"),
        (with_npi, "IssuerKindsUpdated"),
    ] {
        let action = Action::Issuer(ink_account(&board), kinds);
        let out = apply_as(&mut chain, &registry, &owner, action);
        assert_eq!(out.value, Ok(()));
        check.expect(
            &out.decoded,
            &[
                format!("{event} {{ issuer: @2, kinds: KindSet({}) }}", kinds.0),
                format!(
                    "ActionApplied {{ action: Issuer(@2, KindSet({})), governor: @1 }}",
                    kinds.0
                ),
            ],
        );
    }
    let narrow = Action::NarrowIssuer(ink_account(&board), KindSet::CLINICIAN);
    let narrowed = apply_as(&mut chain, &registry, &owner, narrow);
    assert_eq!(narrowed.value, Ok(()));
    check.expect(
        &narrowed.decoded,
        &[
            format!("IssuerKindsUpdated {{ issuer: @2, kinds: KindSet({clinician}) }}"),
            format!(
                "ActionApplied {{ action: NarrowIssuer(@2, KindSet({clinician})), governor: @1 }}"
            ),
        ],
    );
    let t = chain.time();
    let mut request = licence(ink_account(&doctor));
    request.valid_from = t;
    request.valid_until = t + 1_000 * HOUR;
    request.verified_at = t;
    let issued: Res<u64> = chain.call_checked(
        &mut check,
        &registry,
        &board,
        call_data(selector_bytes!("issue"), (request,)),
        0,
        &[format!(
            "CredentialIssued {{ id: 1, subject: @3, issuer: @2, kind: MedicalLicence, \
             jurisdiction: b\"CA\", specialty: Some(b\"207R00000X\"), identifier: b\"A-123456\", \
             valid_from: {t}, valid_until: {}, evidence_hash: [0x07; 32], verified_at: {t} }}",
            t + 1_000 * HOUR
        )],
    );
    assert_eq!(issued, Ok(1));
    let steps: [(&str, Vec<u8>, String); 4] = [
        (
            "renew",
            (1u64, t + 2_000 * HOUR, Hash::from([8; 32]), t).encode(),
            format!(
                "CredentialRenewed {{ id: 1, subject: @3, valid_until: {}, \
                 evidence_hash: [0x08; 32], verified_at: {t} }}",
                t + 2_000 * HOUR
            ),
        ),
        (
            "suspend",
            (1u64, 42u16).encode(),
            format!("CredentialSuspended {{ id: 1, subject: @3, reason: 42, at: {t}, by: @2 }}"),
        ),
        (
            "reinstate",
            (1u64,).encode(),
            format!("CredentialReinstated {{ id: 1, subject: @3, at: {t} }}"),
        ),
        (
            "revoke",
            (1u64, 7u16).encode(),
            format!("CredentialRevoked {{ id: 1, subject: @3, reason: 7, at: {t}, by: @2 }}"),
        ),
    ];
    for (message, args, event) in steps {
        let mut data = e2e_tests::selector(message).to_vec();
        data.extend(args);
        let done: Res<()> = chain.call_checked(&mut check, &registry, &board, data, 0, &[event]);
        assert_eq!(done, Ok(()), "{message}");
    }
    let removed = apply_as(
        &mut chain,
        &registry,
        &owner,
        Action::RemoveIssuer(ink_account(&board)),
    );
    assert_eq!(removed.value, Ok(()));
    check.expect(
        &removed.decoded,
        &[
            "IssuerRemoved { issuer: @2 }",
            "ActionApplied { action: RemoveIssuer(@2), governor: @1 }",
        ],
    );
    check_governance_events(&mut chain, &registry, "staff_credentials", &mut check);
    check.assert_all_checked("staff_credentials");
}
