//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, every privileged message
//! called by an unauthorised account. (`set_code` with a real code hash and the
//! cross-contract use of `is_valid_at` run in the drink sandbox tests of `e2e-tests`.)

use crate::identifiers::{
    is_valid_dea, is_valid_identifier, is_valid_jurisdiction, is_valid_npi, is_valid_taxonomy,
};
use crate::staff_credentials::*;
use crate::{CODE_VERSION, MAX_CREDENTIALS_PER_KIND, MAX_PAGE_SIZE, MAX_STATUS_CHANGES};
use healthcare_traits::{CredentialKind, CredentialVerifier, KindSet};
use ink::env::test::{self, DefaultAccounts};
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};

const FROM: u64 = 1_000;
const UNTIL: u64 = 1_000_000;

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

/// alice owns the contract; bob is an issuer of every kind; the caller is bob.
fn setup() -> StaffCredentials {
    let a = accounts();
    caller(a.alice);
    let mut c = StaffCredentials::new();
    c.add_issuer(a.bob, KindSet::of(&CredentialKind::ALL))
        .expect("add issuer");
    caller(a.bob);
    c
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

// ------------------------------------------------------------------------ admin

#[ink::test]
fn constructor_sets_owner() {
    let a = accounts();
    caller(a.alice);
    let c = StaffCredentials::default();
    assert_eq!(c.owner(), a.alice);
    assert_eq!(c.pending_owner(), None);
    assert!(!c.paused());
    assert_eq!(c.issuer_count(), 0);
    assert_eq!(c.credential(1), None);
}

#[ink::test]
fn two_step_ownership_transfer() {
    let a = accounts();
    let mut c = setup();
    // bob is not the owner.
    assert_eq!(c.transfer_ownership(a.bob), Err(Error::NotOwner));
    caller(a.alice);
    c.transfer_ownership(a.django).expect("propose");
    assert_eq!(c.pending_owner(), Some(a.django));
    assert_eq!(c.owner(), a.alice);
    // Only the proposed account can accept.
    caller(a.eve);
    assert_eq!(c.accept_ownership(), Err(Error::NotPendingOwner));
    caller(a.django);
    let before = events();
    c.accept_ownership().expect("accept");
    assert_eq!(events(), before + 1);
    assert_eq!(c.owner(), a.django);
    assert_eq!(c.pending_owner(), None);
    // The old owner lost its rights.
    caller(a.alice);
    assert_eq!(c.pause(), Err(Error::NotOwner));
    assert_eq!(c.accept_ownership(), Err(Error::NotPendingOwner));
}

#[ink::test]
fn pause_blocks_issuers_but_not_queries_or_admin() {
    let a = accounts();
    let mut c = with_licence();
    assert_eq!(c.pause(), Err(Error::NotOwner));
    assert_eq!(c.unpause(), Err(Error::NotOwner));
    caller(a.alice);
    assert_eq!(c.unpause(), Err(Error::NotPaused));
    c.pause().expect("pause");
    assert!(c.paused());
    assert_eq!(c.pause(), Err(Error::Paused));
    // The owner still manages issuers while paused.
    c.add_issuer(a.eve, KindSet::CLINICIAN)
        .expect("admin works while paused");
    caller(a.bob);
    assert_eq!(
        c.issue(request(a.django, CredentialKind::MedicalLicence)),
        Err(Error::Paused)
    );
    assert_eq!(
        c.renew(1, UNTIL + 1, Hash::from([1; 32]), 0),
        Err(Error::Paused)
    );
    assert_eq!(c.suspend(1, 1), Err(Error::Paused));
    assert_eq!(c.reinstate(1), Err(Error::Paused));
    assert_eq!(c.revoke(1, 1), Err(Error::Paused));
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, FROM));
    caller(a.alice);
    c.unpause().expect("unpause");
    caller(a.bob);
    c.suspend(1, 1).expect("works again");
}

#[ink::test]
fn set_code_is_owner_only() {
    let mut c = setup();
    assert_eq!(c.set_code(Hash::from([9; 32])), Err(Error::NotOwner));
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let c = setup();
    assert_eq!(c.code_version(), CODE_VERSION);
    assert_eq!(
        CODE_VERSION,
        if cfg!(feature = "upgrade-rehearsal") {
            2
        } else {
            1
        }
    );
}

// ---------------------------------------------------------------------- issuers

#[ink::test]
fn issuer_management() {
    let a = accounts();
    let mut c = setup();
    // Not the owner.
    assert_eq!(
        c.add_issuer(a.eve, KindSet::CLINICIAN),
        Err(Error::NotOwner)
    );
    assert_eq!(
        c.update_issuer_kinds(a.bob, KindSet::CLINICIAN),
        Err(Error::NotOwner)
    );
    assert_eq!(c.remove_issuer(a.bob), Err(Error::NotOwner));
    caller(a.alice);
    assert_eq!(
        c.add_issuer(a.eve, KindSet::EMPTY),
        Err(Error::InvalidKindSet)
    );
    assert_eq!(
        c.add_issuer(a.eve, KindSet(1 << 12)),
        Err(Error::InvalidKindSet)
    );
    assert_eq!(
        c.add_issuer(a.bob, KindSet::CLINICIAN),
        Err(Error::IssuerExists)
    );
    c.add_issuer(a.eve, KindSet::CLINICIAN).expect("eve");
    c.add_issuer(a.frank, KindSet::TRADING_PARTNER)
        .expect("frank");
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

    assert_eq!(
        c.update_issuer_kinds(a.django, KindSet::CLINICIAN),
        Err(Error::UnknownIssuer)
    );
    assert_eq!(
        c.update_issuer_kinds(a.eve, KindSet::EMPTY),
        Err(Error::InvalidKindSet)
    );
    c.update_issuer_kinds(a.eve, KindSet::BILLING_PROVIDER)
        .expect("update");
    assert_eq!(c.issuer_kinds(a.eve), Some(KindSet::BILLING_PROVIDER));

    // Swap-remove keeps the list dense.
    c.remove_issuer(a.bob).expect("remove bob");
    assert_eq!(c.remove_issuer(a.bob), Err(Error::UnknownIssuer));
    assert_eq!(c.issuer_count(), 2);
    assert_eq!(
        c.issuers(0, 10),
        vec![
            (a.frank, KindSet::TRADING_PARTNER),
            (a.eve, KindSet::BILLING_PROVIDER)
        ]
    );
    c.remove_issuer(a.eve).expect("remove eve");
    c.remove_issuer(a.frank).expect("remove frank");
    assert_eq!(c.issuers(0, 10), vec![]);
    assert_eq!(c.issuer_kinds(a.frank), None);
}

#[ink::test]
fn removed_issuer_cannot_act_but_its_credentials_stay_valid() {
    let a = accounts();
    let mut c = with_licence();
    caller(a.alice);
    c.remove_issuer(a.bob).expect("remove");
    caller(a.bob);
    assert_eq!(c.suspend(1, 1), Err(Error::NotIssuer));
    assert_eq!(
        c.issue(request(a.django, CredentialKind::MedicalLicence)),
        Err(Error::NotIssuer)
    );
    assert!(c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, FROM));
    // Another issuer of the kind takes the orphaned credential over.
    caller(a.alice);
    c.add_issuer(a.eve, KindSet::CLINICIAN).expect("eve");
    caller(a.eve);
    now(2_000);
    c.suspend(1, 3)
        .expect("orphaned credentials can be suspended");
    assert!(!c.is_valid_at(a.charlie, CredentialKind::MedicalLicence, 2_000));
}

#[ink::test]
fn an_issuer_whose_kinds_narrowed_cannot_change_older_credentials() {
    let a = accounts();
    let mut c = with_licence();
    caller(a.alice);
    c.update_issuer_kinds(a.bob, KindSet::TRADING_PARTNER)
        .expect("narrow");
    caller(a.bob);
    assert_eq!(c.suspend(1, 1), Err(Error::KindNotAllowed));
    assert_eq!(
        c.renew(1, UNTIL * 2, Hash::from([1; 32]), 0),
        Err(Error::KindNotAllowed)
    );
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
    caller(a.alice);
    c.add_issuer(a.eve, KindSet::CLINICIAN).expect("eve");
    caller(a.eve);
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
fn too_many_credentials_of_one_kind() {
    let a = accounts();
    let mut c = setup();
    for _ in 0..MAX_CREDENTIALS_PER_KIND {
        c.issue(request(a.charlie, CredentialKind::NursingLicence))
            .expect("within bound");
    }
    assert_eq!(
        c.issue(request(a.charlie, CredentialKind::NursingLicence)),
        Err(Error::TooManyCredentials)
    );
    // Other kinds are counted separately.
    c.issue(request(a.charlie, CredentialKind::MedicalLicence))
        .expect("other kind");
    // Paging is capped.
    let total = MAX_CREDENTIALS_PER_KIND + 1;
    assert_eq!(c.credential_count_of(a.charlie), total);
    let page = c.credentials_of(a.charlie, 0, u32::MAX);
    assert_eq!(page.len(), total.min(MAX_PAGE_SIZE) as usize);
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
    caller(a.alice);
    c.add_issuer(a.eve, KindSet::of(&CredentialKind::ALL))
        .expect("eve");
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
    let cred = c.credential(1).expect("cred");
    assert_eq!(cred.valid_until, UNTIL * 2);
    assert_eq!(cred.evidence_hash, Hash::from([2; 32]));
    assert_eq!(cred.verified_at, 4_999);
    assert!(c.is_valid_at(a.charlie, k, UNTIL + 1));

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
