//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message and error variant, every refusal of an
//! unauthorised caller, and the trial rules (registration and IRB approval before
//! enrolment, re-consent after an amendment, withdrawal, data only from consented
//! participants of the anchoring site, signed device batches, the SUSAR clock, safety
//! signals, late results and outcome switching).
//!
//! The off-chain engine cannot make cross-contract calls: the peers are stand-ins that
//! answer like the real contracts (`healthcare_traits::stand_in`: [`credentials`],
//! [`research_consent`], [`delegate`]) or fail like broken ones; the real calls run in the drink sandbox tests
//! of `e2e-tests`.

use crate::clinical_trials::*;
use crate::model::{MAX_PARTICIPANTS_PER_BATCH, SUSAR_WINDOW, URGENT_SUSAR_WINDOW};
use healthcare_traits::anchoring::{
    proof_of, root_of, DeviceSignature, Registration, MAX_ATTESTED_KEYS, REGISTRATION_WINDOW,
};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::stand_in::{
    self, consent_fail, credentials, credentials_during, credentials_fail, delegate,
};
use healthcare_traits::testing::last_recorded;
use healthcare_traits::testing::{accounts, caller, events, now};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, DataCategories, DataCategory, Governed, KindSet,
    PeerError, PeerRole, Purpose, DAY, HOUR,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};

/// consent_registry (stand-in): `participant` consents to `sponsor` for research on
/// every data category (or withdraws it).
fn research_consent(participant: AccountId, sponsor: AccountId, given: bool) {
    let every = DataCategories::of(&DataCategory::ALL);
    stand_in::consent(participant, sponsor, Purpose::Research, every, given);
}

const T0: u64 = 1_000 * DAY;
/// The registered primary outcome's hash.
const OUTCOME: u8 = 0x0c;

fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}
fn regulator() -> AccountId {
    AccountId::from([0x52; 32])
}
/// A licensed device maker that attested devices 1 to 5 (see `setup`).
fn maker() -> AccountId {
    AccountId::from([0x4d; 32])
}
fn request() -> TrialRequest {
    TrialRequest {
        protocol_hash: h(1),
        registration_hash: h(2),
        primary_outcome_hash: h(0x0c),
        target_enrolment: 2,
        primary_completion: T0 + 365 * DAY,
        irb: accounts().charlie,
        categories: DataCategories::of(&[DataCategory::LabResults, DataCategory::Conditions]),
        signal_threshold: 2,
        signal_window: 7 * DAY,
    }
}

/// alice owns the contract; bob is an accredited sponsor, charlie the IRB, django and
/// frank licensed investigators, eve a patient who gave bob research consent; trial 1
/// is registered by bob, version 1 approved, django its investigator; `maker()`
/// attested devices 1 to 5. The caller is django.
fn setup() -> ClinicalTrials {
    let a = accounts();
    credentials(a.bob, &[CredentialKind::TrialSponsor]);
    credentials(a.charlie, &[CredentialKind::EthicsCommittee]);
    credentials(a.django, &[CredentialKind::MedicalLicence]);
    credentials(a.frank, &[CredentialKind::MedicalLicence]);
    credentials(maker(), &[CredentialKind::DeviceManufacturer]);
    research_consent(a.eve, a.bob, true);
    now(T0);
    let mut c = ClinicalTrials::new(
        a.alice,
        AccountId::from([0xc1; 32]),
        AccountId::from([0xc2; 32]),
        vec![regulator()],
    )
    .expect("new");
    caller(a.bob);
    assert_eq!(c.register_trial(request()), Ok(1));
    caller(a.charlie);
    c.approve_version(1, 1).expect("approve");
    caller(a.bob);
    c.add_investigator(1, a.django).expect("site");
    caller(maker());
    let keys = (1..=5)
        .map(|seed| DeviceSigner::from_seed(seed).key())
        .collect();
    c.attest_devices(h(0x4d), keys).expect("attest");
    caller(a.django);
    c
}

/// `device`'s proof of possession for `registrant` at trial `trial`, signed at
/// `issued_at`.
fn proof(
    c: &ClinicalTrials,
    device: &DeviceSigner,
    registrant: AccountId,
    trial: TrialId,
    issued_at: u64,
) -> DeviceSignature {
    device.sign(&c.registration_hash(Registration {
        registrant,
        key: device.key(),
        scope: trial,
        issued_at,
    }))
}

/// The caller registers `device` (attested by `maker()`) at trial 1, the device proving
/// possession now.
fn register(c: &mut ClinicalTrials, device: &DeviceSigner) -> Result<()> {
    let issued_at = ink::env::block_timestamp::<Env>();
    let signature = proof(c, device, ink::env::caller::<Env>(), 1, issued_at);
    c.register_device(1, device.key(), maker(), issued_at, signature)
}

/// `setup` plus eve consented to version 1 and enrolled by django as participant 1.
fn enrolled() -> ClinicalTrials {
    let a = accounts();
    let mut c = setup();
    caller(a.eve);
    c.consent_to_version(1, a.eve, 1, h(9)).expect("consent");
    caller(a.django);
    assert_eq!(c.enrol(1, a.eve), Ok(1));
    c
}

/// As the governor (alice), applies `action`; the caller is restored.
fn gov(c: &mut ClinicalTrials, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

fn amendment(outcome: Option<Hash>, target: Option<u32>) -> Amendment {
    Amendment {
        protocol_hash: h(0x21),
        reason_hash: h(0x22),
        primary_outcome_hash: outcome,
        target_enrolment: target,
    }
}

fn serious(report_seriousness: Seriousness, expected: bool) -> EventReport {
    EventReport {
        trial: 1,
        participant: 1,
        seriousness: report_seriousness,
        expected,
        suspected: true,
        onset: T0,
        report_hash: h(0x5a),
    }
}

// ------------------------------------------------------------------------ admin

#[ink::test]
fn only_the_governor_applies_and_only_this_registrys_actions() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    assert_eq!(c.governor(), a.alice);
    assert!(c.is_regulator(regulator()));
    let to_eve = Gov::Peer(PeerRole::Consent, a.eve);
    for action in [
        Gov::Pause,
        Gov::Unpause,
        to_eve,
        Gov::Regulator(a.eve),
        Gov::RemoveRegulator(regulator()),
    ] {
        assert_eq!(c.apply(action), Err(ApplyError::NotGovernor), "{action:?}");
    }
    for unsupported in [
        Gov::Peer(PeerRole::Monitoring, a.eve),
        Gov::Issuer(a.eve, KindSet::CLINICIAN),
        Gov::BreakGlass(1, 1, 1),
        Gov::RecoverSurplus(a.eve),
        Gov::SuspendCredential(1, 1),
    ] {
        assert_eq!(
            gov(&mut c, unsupported),
            Err(ApplyError::Unsupported),
            "{unsupported:?}"
        );
    }
    gov(&mut c, to_eve).expect("consent");
    assert_eq!(c.peers().consent, a.eve);
    gov(&mut c, Gov::Peer(PeerRole::Credentials, a.frank)).expect("credentials");
    assert_eq!(c.peers().credentials, a.frank);
    let applied = last_recorded::<ActionApplied>();
    assert_eq!(
        (applied.action, applied.governor),
        (Gov::Peer(PeerRole::Credentials, a.frank), a.alice)
    );
    gov(&mut c, Gov::Regulator(a.eve)).expect("appoint");
    assert!(c.is_regulator(a.eve));
    let changed = last_recorded::<RegulatorChanged>();
    assert_eq!((changed.regulator, changed.active), (a.eve, true));
    assert_eq!(
        gov(&mut c, Gov::Regulator(a.eve)),
        Err(ApplyError::Invalid),
        "twice"
    );
    // Removing a regulator acts also while paused; appointing one does not.
    gov(&mut c, Gov::Pause).expect("pause");
    assert!(c.paused());
    assert_eq!(
        gov(&mut c, Gov::Regulator(a.django)),
        Err(ApplyError::Paused)
    );
    gov(&mut c, Gov::RemoveRegulator(a.eve)).expect("remove at once");
    assert_eq!(
        gov(&mut c, Gov::RemoveRegulator(a.eve)),
        Err(ApplyError::Invalid),
        "no longer a regulator"
    );
    assert!(!c.is_regulator(a.eve));
    gov(&mut c, Gov::Unpause).expect("unpause");
    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
}

#[ink::test]
fn constructor_refusals() {
    let a = accounts();
    assert_eq!(
        ClinicalTrials::new(a.alice, a.frank, a.frank, vec![a.eve, a.eve]).err(),
        Some(Error::RegulatorExists)
    );
}

#[ink::test]
fn pause_stops_growth_but_never_withdrawal_safety_or_results() {
    let a = accounts();
    let mut c = enrolled();
    gov(&mut c, Gov::Pause).expect("pause");
    caller(a.bob);
    assert_eq!(c.register_trial(request()), Err(Error::Paused));
    assert_eq!(
        c.propose_amendment(1, amendment(None, None)),
        Err(Error::Paused)
    );
    assert_eq!(c.add_investigator(1, a.frank), Err(Error::Paused));
    caller(a.charlie);
    assert_eq!(c.approve_version(1, 2), Err(Error::Paused));
    caller(a.frank);
    assert_eq!(
        c.consent_to_version(1, a.frank, 1, h(9)),
        Err(Error::Paused)
    );
    caller(a.django);
    assert_eq!(c.enrol(1, a.frank), Err(Error::Paused));
    assert_eq!(
        c.anchor_data(1, vec![1], h(7), 1, T0 - HOUR, T0),
        Err(Error::Paused)
    );
    assert_eq!(
        register(&mut c, &DeviceSigner::from_seed(2)),
        Err(Error::Paused)
    );
    let signer = DeviceSigner::from_seed(1);
    let batch = device_batch(&signer, 1, T0 - HOUR, T0);
    assert_eq!(
        c.anchor_device_data(batch, signer.sign(&c.device_batch_hash(batch))),
        Err(Error::Paused)
    );
    // What keeps participants safe and the record honest goes on.
    c.report_adverse_event(serious(Seriousness::Hospitalisation, false))
        .expect("safety report while paused");
    caller(a.bob);
    c.report_susar(1, h(0x77))
        .expect("SUSAR report while paused");
    c.remove_investigator(1, a.django)
        .expect("removal while paused");
    caller(regulator());
    c.suspend_enrolment(1, h(0x33))
        .expect("suspension while paused");
    caller(a.eve);
    c.withdraw(1, a.eve).expect("withdrawal while paused");
    caller(a.bob);
    c.post_results(1, h(0x44), h(OUTCOME))
        .expect("results while paused");
}

// ------------------------------------------------------------------ registration

#[ink::test]
fn only_an_accredited_sponsor_registers_a_well_formed_trial() {
    let a = accounts();
    let mut c = setup();
    caller(a.eve);
    assert_eq!(
        c.register_trial(request()),
        Err(Error::SponsorNotAccredited)
    );
    caller(a.bob);
    let bad = |f: fn(&mut TrialRequest)| {
        let mut r = request();
        f(&mut r);
        r
    };
    assert_eq!(
        c.register_trial(bad(|r| r.target_enrolment = 0)),
        Err(Error::InvalidTarget)
    );
    assert_eq!(
        c.register_trial(bad(|r| r.primary_completion = T0)),
        Err(Error::InvalidCompletionDate)
    );
    assert_eq!(
        c.register_trial(bad(|r| r.categories = DataCategories::default())),
        Err(Error::InvalidCategories)
    );
    assert_eq!(
        c.register_trial(bad(|r| r.categories = DataCategories(1 << 20))),
        Err(Error::InvalidCategories)
    );
    assert_eq!(
        c.register_trial(bad(|r| r.signal_threshold = 0)),
        Err(Error::InvalidSignalRule)
    );
    assert_eq!(
        c.register_trial(bad(|r| r.signal_window = HOUR)),
        Err(Error::InvalidSignalRule)
    );
    credentials_fail(Some(PeerError::Trapped));
    assert_eq!(
        c.register_trial(request()),
        Err(Error::CredentialContractTrapped)
    );
    credentials_fail(Some(PeerError::Unreachable));
    assert_eq!(
        c.register_trial(request()),
        Err(Error::CredentialContractUnreachable)
    );
    credentials_fail(None);
    let before = events();
    assert_eq!(c.register_trial(request()), Ok(2));
    assert_eq!(events(), before + 1);
    let e = last_recorded::<TrialRegistered>();
    let sent = request();
    assert_eq!(
        (
            e.trial,
            e.sponsor,
            e.irb,
            e.protocol_hash,
            e.registration_hash
        ),
        (
            2,
            a.bob,
            a.charlie,
            sent.protocol_hash,
            sent.registration_hash
        )
    );
    assert_eq!(
        (
            e.primary_outcome_hash,
            e.target_enrolment,
            e.primary_completion,
            e.categories
        ),
        (
            sent.primary_outcome_hash,
            sent.target_enrolment,
            sent.primary_completion,
            sent.categories
        )
    );
    assert_eq!(
        (e.signal_threshold, e.signal_window),
        (sent.signal_threshold, sent.signal_window)
    );
    assert_eq!(c.trial_count(), 2);
    let t = c.trial(2).expect("trial 2");
    assert_eq!(
        (t.sponsor, t.current_version, t.latest_version),
        (a.bob, 0, 1)
    );
    assert_eq!(c.trials(0, 10).len(), 2);
    assert_eq!(c.trials(1, 10)[0].id, 2);
    let v1 = c.protocol_version(2, 1).expect("version 1");
    assert_eq!((v1.protocol_hash, v1.approved_at), (h(1), None));
    c.next_trial = u32::MAX;
    assert_eq!(c.register_trial(request()), Err(Error::Overflow));
}

#[ink::test]
fn nobody_is_enrolled_before_the_irb_approves_the_protocol() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    let trial = c.register_trial(request()).expect("trial 2");
    c.add_investigator(trial, a.django).expect("site");
    caller(a.eve);
    assert_eq!(
        c.consent_to_version(trial, a.eve, 1, h(9)),
        Err(Error::NoApprovedProtocol)
    );
    caller(a.django);
    assert_eq!(c.enrol(trial, a.eve), Err(Error::NoApprovedProtocol));
    // Only the IRB of record, accredited, approves.
    caller(a.bob);
    assert_eq!(c.approve_version(trial, 1), Err(Error::NotEthicsCommittee));
    caller(a.charlie);
    assert_eq!(c.approve_version(99, 1), Err(Error::UnknownTrial));
    assert_eq!(c.approve_version(trial, 2), Err(Error::UnknownVersion));
    credentials(a.charlie, &[]);
    assert_eq!(
        c.approve_version(trial, 1),
        Err(Error::EthicsCommitteeNotAccredited)
    );
    credentials(a.charlie, &[CredentialKind::EthicsCommittee]);
    c.approve_version(trial, 1).expect("approve");
    assert_eq!(c.approve_version(trial, 1), Err(Error::AlreadyApproved));
    assert_eq!(c.trial(trial).expect("trial").current_version, 1);
    caller(a.eve);
    c.consent_to_version(trial, a.eve, 1, h(9))
        .expect("consent");
    caller(a.django);
    assert_eq!(c.enrol(trial, a.eve), Ok(1));
}

#[ink::test]
fn amendments_need_approval_and_re_consent() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.django);
    assert_eq!(
        c.propose_amendment(1, amendment(None, None)),
        Err(Error::NotSponsor)
    );
    caller(a.bob);
    assert_eq!(
        c.propose_amendment(9, amendment(None, None)),
        Err(Error::UnknownTrial)
    );
    assert_eq!(
        c.propose_amendment(1, amendment(None, Some(0))),
        Err(Error::InvalidTarget)
    );
    let v2 = c
        .propose_amendment(1, amendment(Some(h(0x0d)), Some(3)))
        .expect("amend");
    assert_eq!(v2, 2);
    let proposed = c.protocol_version(1, 2).expect("v2");
    assert!(proposed.outcome_changed);
    assert_eq!(proposed.reason_hash, Some(h(0x22)));
    assert_eq!(
        c.propose_amendment(1, amendment(None, None)),
        Err(Error::AmendmentPending)
    );
    // While an amendment waits, nobody is enrolled; the old version stays in force.
    caller(a.frank);
    c.consent_to_version(1, a.frank, 1, h(9))
        .expect("consent to the version in force");
    assert_eq!(
        c.consent_to_version(1, a.frank, 2, h(9)),
        Err(Error::NotCurrentVersion)
    );
    research_consent(a.frank, a.bob, true);
    caller(a.django);
    assert_eq!(c.enrol(1, a.frank), Err(Error::AmendmentPending));
    c.anchor_data(1, vec![1], h(7), 1, T0 - HOUR, T0)
        .expect("data under version 1");
    caller(a.charlie);
    c.approve_version(1, 2).expect("approve v2");
    assert_eq!(c.trial(1).expect("trial").target_enrolment, 3);
    // Eve's data waits for her consent to version 2; so does frank's enrolment.
    caller(a.django);
    assert_eq!(
        c.anchor_data(1, vec![1], h(7), 1, T0 - HOUR, T0),
        Err(Error::NotConsentedToCurrentVersion)
    );
    assert_eq!(
        c.enrol(1, a.frank),
        Err(Error::NotConsentedToCurrentVersion)
    );
    caller(a.eve);
    c.consent_to_version(1, a.eve, 2, h(10))
        .expect("re-consent");
    assert_eq!(c.version_consent(1, a.eve).expect("consent").version, 2);
    caller(a.django);
    c.anchor_data(1, vec![1], h(7), 1, T0 - HOUR, T0)
        .expect("data after re-consent");
    assert_eq!(c.protocol_versions(1, 0, 10).len(), 2);
}

// ------------------------------------------------------------------------ sites

#[ink::test]
fn the_sponsor_adds_and_removes_investigators() {
    let a = accounts();
    let mut c = setup();
    caller(a.django);
    assert_eq!(c.add_investigator(1, a.frank), Err(Error::NotSponsor));
    assert_eq!(c.remove_investigator(1, a.django), Err(Error::NotSponsor));
    caller(a.bob);
    assert_eq!(
        c.add_investigator(1, a.django),
        Err(Error::InvestigatorExists)
    );
    assert_eq!(
        c.remove_investigator(1, a.frank),
        Err(Error::NotInvestigator)
    );
    c.add_investigator(1, a.frank).expect("add frank");
    c.remove_investigator(1, a.frank).expect("remove frank");
    assert_eq!(
        c.remove_investigator(1, a.frank),
        Err(Error::NotInvestigator)
    );
    caller(a.frank);
    assert_eq!(c.enrol(1, a.eve), Err(Error::NotInvestigator));
    caller(a.bob);
    c.add_investigator(1, a.frank).expect("re-add frank");
    assert_eq!(c.investigators(1, 0, 10).len(), 2, "listed once");
    assert!(c
        .investigator(1, a.frank)
        .expect("frank")
        .removed_at
        .is_none());
    // A sponsor that lost its accreditation acts no more.
    credentials(a.bob, &[]);
    assert_eq!(
        c.add_investigator(1, a.eve),
        Err(Error::SponsorNotAccredited)
    );
}

#[ink::test]
fn the_irb_or_a_regulator_suspends_and_resumes_enrolment() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    assert_eq!(c.suspend_enrolment(1, h(3)), Err(Error::NotOversight));
    assert_eq!(c.resume_enrolment(1), Err(Error::NotOversight));
    caller(a.charlie);
    assert_eq!(c.suspend_enrolment(9, h(3)), Err(Error::UnknownTrial));
    assert_eq!(c.resume_enrolment(1), Err(Error::EnrolmentNotSuspended));
    c.suspend_enrolment(1, h(3)).expect("suspend");
    assert_eq!(c.suspend_enrolment(1, h(3)), Err(Error::EnrolmentSuspended));
    caller(a.eve);
    c.consent_to_version(1, a.eve, 1, h(9)).expect("consent");
    caller(a.django);
    assert_eq!(c.enrol(1, a.eve), Err(Error::EnrolmentSuspended));
    caller(regulator());
    c.resume_enrolment(1).expect("resume");
    caller(a.django);
    assert_eq!(c.enrol(1, a.eve), Ok(1));
}

// ----------------------------------------------------------------- participants

#[ink::test]
fn an_investigator_whose_licence_lapsed_at_the_moment_of_enrolment_is_refused() {
    let a = accounts();
    let mut c = setup();
    caller(a.eve);
    c.consent_to_version(1, a.eve, 1, h(9)).expect("consent");
    // django's licence runs out at T0 + 1 day and is back from T0 + 3 days (a
    // suspension in between): asked at each moment, not once for all time.
    credentials(a.django, &[]);
    credentials_during(
        a.django,
        &[CredentialKind::MedicalLicence],
        T0 - DAY,
        T0 + DAY,
    );
    credentials_during(
        a.django,
        &[CredentialKind::MedicalLicence],
        T0 + 3 * DAY,
        T0 + 400 * DAY,
    );
    research_consent(a.frank, a.bob, true);
    caller(a.frank);
    c.consent_to_version(1, a.frank, 1, h(9)).expect("consent");
    caller(a.django);
    now(T0 + DAY - 1);
    assert_eq!(c.enrol(1, a.eve), Ok(1), "licensed until then");
    now(T0 + DAY);
    assert_eq!(c.enrol(1, a.frank), Err(Error::InvestigatorNotLicensed));
    now(T0 + 2 * DAY);
    assert_eq!(c.enrol(1, a.frank), Err(Error::InvestigatorNotLicensed));
    now(T0 + 3 * DAY);
    assert_eq!(c.enrol(1, a.frank), Ok(2));
}

#[ink::test]
fn enrolment_needs_a_licensed_investigator_and_both_consents() {
    let a = accounts();
    let mut c = setup();
    caller(a.frank);
    assert_eq!(c.enrol(1, a.eve), Err(Error::NotInvestigator));
    caller(a.django);
    assert_eq!(c.enrol(9, a.eve), Err(Error::UnknownTrial));
    assert_eq!(c.enrol(1, a.eve), Err(Error::NotConsentedToCurrentVersion));
    caller(a.eve);
    c.consent_to_version(1, a.eve, 1, h(9)).expect("consent");
    research_consent(a.eve, a.bob, false);
    caller(a.django);
    assert_eq!(c.enrol(1, a.eve), Err(Error::NoResearchConsent));
    research_consent(a.eve, a.bob, true);
    consent_fail(Some(PeerError::Unreachable));
    assert_eq!(c.enrol(1, a.eve), Err(Error::ConsentContractUnreachable));
    consent_fail(Some(PeerError::Trapped));
    assert_eq!(c.enrol(1, a.eve), Err(Error::ConsentContractTrapped));
    consent_fail(None);
    credentials(a.django, &[CredentialKind::NursingLicence]);
    assert_eq!(c.enrol(1, a.eve), Err(Error::InvestigatorNotLicensed));
    credentials(a.django, &[CredentialKind::MedicalLicence]);
    let before = events();
    assert_eq!(c.enrol(1, a.eve), Ok(1));
    assert_eq!(events(), before + 1);
    let e = last_recorded::<ParticipantEnrolled>();
    assert_eq!(
        (e.trial, e.investigator, e.number, e.participant, e.version),
        (1, a.django, 1, a.eve, 1)
    );
    assert_eq!(c.enrol(1, a.eve), Err(Error::AlreadyEnrolled));
    assert_eq!(c.participant_number(1, a.eve), Some(1));
    let p = c.participant(1, 1).expect("participant 1");
    assert_eq!(
        (p.account, p.investigator, p.withdrawn_at),
        (a.eve, a.django, None)
    );
    // The target (2) stops enrolment.
    for who in [a.frank, a.charlie] {
        research_consent(who, a.bob, true);
        caller(who);
        c.consent_to_version(1, who, 1, h(9)).expect("consent");
    }
    caller(a.django);
    assert_eq!(c.enrol(1, a.frank), Ok(2));
    assert_eq!(c.enrol(1, a.charlie), Err(Error::TargetReached));
    assert_eq!(c.participants(1, 0, 10).len(), 2);
}

#[ink::test]
fn participants_and_their_delegates_consent_and_withdraw_nobody_else() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.frank);
    assert_eq!(
        c.consent_to_version(1, a.eve, 1, h(9)),
        Err(Error::NotActingForParticipant)
    );
    assert_eq!(c.withdraw(1, a.eve), Err(Error::NotActingForParticipant));
    consent_fail(Some(PeerError::Trapped));
    assert_eq!(c.withdraw(1, a.eve), Err(Error::ConsentContractTrapped));
    consent_fail(None);
    assert_eq!(c.withdraw(1, a.frank), Err(Error::UnknownParticipant));
    delegate(a.eve, a.frank);
    c.consent_to_version(1, a.eve, 1, h(11))
        .expect("delegate consents");
    assert_eq!(c.version_consent(1, a.eve).expect("consent").by, a.frank);
    now(T0 + DAY);
    c.withdraw(1, a.eve).expect("delegate withdraws");
    assert_eq!(c.withdraw(1, a.eve), Err(Error::Withdrawn));
    assert_eq!(
        c.consent_to_version(1, a.eve, 1, h(9)),
        Err(Error::Withdrawn)
    );
    assert_eq!(
        c.participant(1, 1).expect("p1").withdrawn_at,
        Some(T0 + DAY)
    );
    // Data collected before the withdrawal stays usable; later data is refused.
    now(T0 + 2 * DAY);
    caller(a.django);
    c.anchor_data(1, vec![1], h(7), 1, T0, T0 + DAY)
        .expect("data up to the withdrawal");
    assert_eq!(
        c.anchor_data(1, vec![1], h(7), 1, T0, T0 + DAY + 1),
        Err(Error::Withdrawn)
    );
    // A withdrawn participant is not enrolled again.
    assert_eq!(c.enrol(1, a.eve), Err(Error::AlreadyEnrolled));
}

#[ink::test]
fn a_delegate_who_runs_the_trial_cannot_consent_for_the_participant() {
    let a = accounts();
    let mut c = enrolled();
    let candidate = AccountId::from([0x55; 32]);
    // The investigator, the sponsor and the IRB as the candidate's delegates: refused
    // (each would sign the candidate into its own trial).
    for runner in [a.django, a.bob, a.charlie] {
        delegate(candidate, runner);
        caller(runner);
        assert_eq!(
            c.consent_to_version(1, candidate, 1, h(12)),
            Err(Error::DelegateSelfGrant),
            "{runner:?}"
        );
    }
    assert_eq!(c.version_consent(1, candidate), None);
    // A delegate with no part in the trial may; so may the candidate.
    delegate(candidate, a.frank);
    caller(a.frank);
    c.consent_to_version(1, candidate, 1, h(12))
        .expect("an independent delegate");
    caller(candidate);
    c.consent_to_version(1, candidate, 1, h(13))
        .expect("the candidate");
}

// ------------------------------------------------------------------------ data

#[ink::test]
fn sites_anchor_data_of_their_own_consented_participants_and_proofs_are_checked() {
    let a = accounts();
    let mut c = enrolled();
    let records: Vec<Hash> = (0..5).map(|i| h(0x80 + i)).collect();
    let root = root_of(&records).expect("root");
    caller(a.django);
    let too_many = vec![1; MAX_PARTICIPANTS_PER_BATCH + 1];
    assert_eq!(
        c.anchor_data(1, too_many, root, 500, T0 - HOUR, T0),
        Err(Error::TooManyParticipants)
    );
    assert_eq!(
        c.anchor_data(1, vec![], root, 5, T0 - HOUR, T0),
        Err(Error::EmptyBatch)
    );
    assert_eq!(
        c.anchor_data(1, vec![1, 1], root, 1, T0 - HOUR, T0),
        Err(Error::EmptyBatch)
    );
    assert_eq!(
        c.anchor_data(1, vec![1], root, 5, T0, T0),
        Err(Error::BadPeriod)
    );
    assert_eq!(
        c.anchor_data(1, vec![1], root, 5, T0, T0 + 1),
        Err(Error::BadPeriod)
    );
    assert_eq!(
        c.anchor_data(1, vec![2], root, 5, T0 - HOUR, T0),
        Err(Error::UnknownParticipant)
    );
    assert_eq!(
        c.anchor_data(9, vec![1], root, 5, T0 - HOUR, T0),
        Err(Error::UnknownTrial)
    );
    caller(a.bob);
    c.add_investigator(1, a.frank).expect("second site");
    caller(a.frank);
    assert_eq!(
        c.anchor_data(1, vec![1], root, 5, T0 - HOUR, T0),
        Err(Error::ParticipantNotAtSite)
    );
    caller(a.django);
    let before = events();
    let batch = c
        .anchor_data(1, vec![1], root, 5, T0 - HOUR, T0)
        .expect("anchor");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<DataAnchored>();
    assert_eq!(
        (e.batch, e.trial, e.investigator, e.device, e.root, e.count),
        (batch, 1, a.django, None, root, 5)
    );
    assert_eq!((e.participants, e.from, e.until), (vec![1], T0 - HOUR, T0));
    let anchored = c.batch(batch).expect("batch");
    assert_eq!(
        (anchored.count, anchored.participants, anchored.device),
        (5, 1, None)
    );
    assert_eq!(c.batches_of(1, 0, 10).len(), 1);
    for (i, record) in records.iter().enumerate() {
        let proof = proof_of(&records, i).expect("proof");
        assert!(c.verify_inclusion(batch, *record, proof.clone()));
        let mut tampered = proof;
        tampered[0] = h(0xff);
        assert!(!c.verify_inclusion(batch, *record, tampered));
    }
    assert!(!c.verify_inclusion(batch, h(0x99), proof_of(&records, 0).expect("proof")));
    assert!(!c.verify_inclusion(99, records[0], vec![]));
}

// --------------------------------------------------------------------- devices

fn device_batch(signer: &DeviceSigner, sequence: u64, from: u64, until: u64) -> DeviceBatch {
    DeviceBatch {
        device: signer.key(),
        trial: 1,
        participant: 1,
        root: h(0x70),
        count: 12,
        from,
        until,
        sequence,
    }
}

#[ink::test]
fn devices_anchor_signed_batches_in_sequence() {
    let a = accounts();
    let mut c = enrolled();
    let device = DeviceSigner::from_seed(1);
    let impostor = DeviceSigner::from_seed(2);
    caller(a.eve);
    assert_eq!(register(&mut c, &device), Err(Error::NotInvestigator));
    caller(a.django);
    register(&mut c, &device).expect("register");
    assert_eq!(register(&mut c, &device), Err(Error::DeviceExists));
    assert_eq!(
        c.device(device.key()).expect("device").investigator,
        a.django
    );
    now(T0 + DAY);
    // Relayed by anyone: a gateway account.
    caller(a.charlie);
    let first = device_batch(&device, 1, T0, T0 + HOUR);
    let hash = c.device_batch_hash(first);
    assert_eq!(
        c.anchor_device_data(first, impostor.sign(&hash)),
        Err(Error::BadSignature),
        "signed by another key"
    );
    let mut altered = first;
    altered.count = 13;
    assert_eq!(
        c.anchor_device_data(altered, device.sign(&hash)),
        Err(Error::BadSignature),
        "batch altered after signing"
    );
    let unknown = device_batch(&impostor, 1, T0, T0 + HOUR);
    assert_eq!(
        c.anchor_device_data(unknown, impostor.sign(&c.device_batch_hash(unknown))),
        Err(Error::UnknownDevice)
    );
    let mut elsewhere = first;
    elsewhere.trial = 2;
    assert_eq!(
        c.anchor_device_data(elsewhere, device.sign(&c.device_batch_hash(elsewhere))),
        Err(Error::UnknownDevice)
    );
    let id = c
        .anchor_device_data(first, device.sign(&hash))
        .expect("signed batch");
    assert_eq!(c.batch(id).expect("batch").device, Some(device.key()));
    assert_eq!(
        c.anchor_device_data(first, device.sign(&hash)),
        Err(Error::StaleBatch),
        "replayed"
    );
    let overlapping = device_batch(&device, 2, T0 + HOUR - 1, T0 + 2 * HOUR);
    assert_eq!(
        c.anchor_device_data(overlapping, device.sign(&c.device_batch_hash(overlapping))),
        Err(Error::StaleBatch)
    );
    let future = device_batch(&device, 2, T0 + HOUR, T0 + 2 * DAY);
    assert_eq!(
        c.anchor_device_data(future, device.sign(&c.device_batch_hash(future))),
        Err(Error::BadPeriod)
    );
    let mut empty = device_batch(&device, 2, T0 + HOUR, T0 + 2 * HOUR);
    empty.count = 0;
    assert_eq!(
        c.anchor_device_data(empty, device.sign(&c.device_batch_hash(empty))),
        Err(Error::EmptyBatch)
    );
    let next = device_batch(&device, 2, T0 + HOUR, T0 + 2 * HOUR);
    c.anchor_device_data(next, device.sign(&c.device_batch_hash(next)))
        .expect("next batch");
    // Retired by its investigator or the sponsor only; a retired device anchors no more.
    assert_eq!(c.retire_device(device.key()), Err(Error::NotInvestigator));
    assert_eq!(c.retire_device(impostor.key()), Err(Error::UnknownDevice));
    caller(a.bob);
    c.retire_device(device.key()).expect("retire");
    assert_eq!(c.retire_device(device.key()), Err(Error::DeviceRetired));
    let after = device_batch(&device, 3, T0 + 2 * HOUR, T0 + 3 * HOUR);
    assert_eq!(
        c.anchor_device_data(after, device.sign(&c.device_batch_hash(after))),
        Err(Error::DeviceRetired)
    );
}

#[ink::test]
fn a_site_device_is_registered_only_by_whoever_holds_it_under_its_makers_attestation() {
    let a = accounts();
    let mut c = enrolled();
    let device = DeviceSigner::from_seed(20);
    // An investigator who makes up a "device": no maker vouches for its key.
    assert_eq!(register(&mut c, &device), Err(Error::NotAttested));
    // Another account attesting it: only a licensed maker's attestation counts.
    caller(a.frank);
    assert_eq!(
        c.attest_devices(h(1), vec![device.key()]),
        Err(Error::ManufacturerNotLicensed)
    );
    caller(maker());
    assert_eq!(
        c.attest_devices(h(0x4d), vec![device.key(); MAX_ATTESTED_KEYS + 1]),
        Err(Error::TooManyKeys)
    );
    let before = events();
    c.attest_devices(h(0x4d), vec![device.key()])
        .expect("attest");
    assert_eq!(events() - before, 1);
    let e = last_recorded::<DevicesAttested>();
    assert_eq!(
        (e.maker, e.model_hash, e.keys),
        (maker(), h(0x4d), vec![device.key()])
    );
    assert_eq!(c.attested_model(device.key(), maker()), Some(h(0x4d)));
    assert_eq!(c.attested_model(device.key(), a.frank), None);
    caller(a.django);
    // Named under a maker that did not attest it.
    let signature = proof(&c, &device, a.django, 1, T0);
    assert_eq!(
        c.register_device(1, device.key(), a.frank, T0, signature),
        Err(Error::NotAttested)
    );
    // Someone who saw the key: a proof for another registrant, another trial or by
    // another key proves nothing.
    for bad in [
        proof(&c, &device, a.frank, 1, T0),
        proof(&c, &device, a.django, 2, T0),
        proof(&c, &DeviceSigner::from_seed(21), a.django, 1, T0),
    ] {
        assert_eq!(
            c.register_device(1, device.key(), maker(), T0, bad),
            Err(Error::BadSignature)
        );
    }
    now(T0 + 2 * REGISTRATION_WINDOW);
    for issued_at in [
        T0 + REGISTRATION_WINDOW - 1,
        T0 + 3 * REGISTRATION_WINDOW + 1,
    ] {
        let stale = proof(&c, &device, a.django, 1, issued_at);
        assert_eq!(
            c.register_device(1, device.key(), maker(), issued_at, stale),
            Err(Error::StaleProof)
        );
    }
    register(&mut c, &device).expect("the holder registers");
    assert_eq!(c.device(device.key()).map(|d| d.maker), Some(maker()));
    gov(&mut c, Gov::Pause).expect("pause");
    caller(maker());
    assert_eq!(
        c.attest_devices(h(0x4d), vec![device.key()]),
        Err(Error::Paused)
    );
}

#[ink::test]
fn device_data_follows_the_participant_rules() {
    let a = accounts();
    let mut c = enrolled();
    let device = DeviceSigner::from_seed(3);
    caller(a.django);
    register(&mut c, &device).expect("register");
    caller(a.eve);
    now(T0 + HOUR);
    c.withdraw(1, a.eve).expect("withdraw");
    now(T0 + DAY);
    let batch = device_batch(&device, 1, T0, T0 + 2 * HOUR);
    assert_eq!(
        c.anchor_device_data(batch, device.sign(&c.device_batch_hash(batch))),
        Err(Error::Withdrawn)
    );
    let before = device_batch(&device, 1, T0, T0 + HOUR);
    c.anchor_device_data(before, device.sign(&c.device_batch_hash(before)))
        .expect("readings taken before the withdrawal");
}

#[ink::test]
fn a_removed_sites_devices_anchor_no_data_collected_after_its_removal() {
    // The sponsor removes a site (it enrols and anchors no more); its registered,
    // unretired device must not keep adding data for the site's participants.
    let a = accounts();
    let mut c = enrolled();
    let device = DeviceSigner::from_seed(4);
    caller(a.django);
    register(&mut c, &device).expect("register");
    now(T0 + 2 * HOUR);
    caller(a.bob);
    c.remove_investigator(1, a.django)
        .expect("the sponsor removes the site");
    now(T0 + DAY);
    caller(a.charlie);
    let after = device_batch(&device, 1, T0 + HOUR, T0 + 3 * HOUR);
    let anchored = c.batches_of(1, 0, 10).len();
    assert_eq!(
        c.anchor_device_data(after, device.sign(&c.device_batch_hash(after))),
        Err(Error::SiteRemoved),
        "readings reaching past the removal"
    );
    assert_eq!(c.batches_of(1, 0, 10).len(), anchored, "nothing anchored");
    // Readings taken before the removal, relayed late, are still the site's data.
    let before = device_batch(&device, 1, T0, T0 + 2 * HOUR);
    c.anchor_device_data(before, device.sign(&c.device_batch_hash(before)))
        .expect("readings taken before the removal");
}

#[ink::test]
fn a_revoked_research_permit_stops_the_participants_data_like_a_withdrawal() {
    let a = accounts();
    let mut c = enrolled();
    let device = DeviceSigner::from_seed(3);
    caller(a.django);
    register(&mut c, &device).expect("register");
    now(T0 + DAY);
    c.anchor_data(1, vec![1], h(7), 1, T0, T0 + HOUR)
        .expect("while the permit holds");
    // The participant revokes the sponsor's research permit in consent_registry but
    // keeps the version consent here: no more data of theirs is accepted.
    research_consent(a.eve, a.bob, false);
    let anchored = c.batches_of(1, 0, 10).len();
    assert_eq!(
        c.anchor_data(1, vec![1], h(8), 1, T0 + HOUR, T0 + 2 * HOUR),
        Err(Error::NoResearchConsent)
    );
    let batch = device_batch(&device, 1, T0 + HOUR, T0 + 2 * HOUR);
    assert_eq!(
        c.anchor_device_data(batch, device.sign(&c.device_batch_hash(batch))),
        Err(Error::NoResearchConsent)
    );
    // A broken registry is a typed error; nothing is written either way.
    research_consent(a.eve, a.bob, true);
    consent_fail(Some(PeerError::Trapped));
    assert_eq!(
        c.anchor_data(1, vec![1], h(8), 1, T0 + HOUR, T0 + 2 * HOUR),
        Err(Error::ConsentContractTrapped)
    );
    consent_fail(None);
    assert_eq!(c.batches_of(1, 0, 10).len(), anchored);
    assert_eq!(c.device(device.key()).map(|d| d.sequence), Some(0));
}

// ---------------------------------------------------------------------- safety

#[ink::test]
fn susars_run_the_7_and_15_day_clocks() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.django);
    now(T0 + HOUR);
    let fatal = c
        .report_adverse_event(serious(Seriousness::Death, false))
        .expect("fatal SUSAR");
    let other = c
        .report_adverse_event(serious(Seriousness::Hospitalisation, false))
        .expect("SUSAR");
    let expected = c
        .report_adverse_event(serious(Seriousness::Hospitalisation, true))
        .expect("expected: not a SUSAR");
    let mild = c
        .report_adverse_event(serious(Seriousness::NonSerious, false))
        .expect("not serious");
    let (event, status) = c.adverse_event(fatal).expect("fatal");
    assert_eq!(
        (event.due, status),
        (Some(T0 + HOUR + URGENT_SUSAR_WINDOW), ReportStatus::Pending)
    );
    assert_eq!(
        c.adverse_event(other).expect("other").0.due,
        Some(T0 + HOUR + SUSAR_WINDOW)
    );
    assert_eq!(
        c.adverse_event(expected).expect("e").1,
        ReportStatus::NotDue
    );
    assert_eq!(c.adverse_event(mild).expect("m").1, ReportStatus::NotDue);
    assert_eq!(c.open_susars(1, 0, 10).len(), 2);
    assert_eq!(c.adverse_events_of(1, 0, 10).len(), 4);
    // Eight days on: the fatal one is overdue, the other still pending.
    now(T0 + HOUR + 8 * DAY);
    let statuses: Vec<ReportStatus> = c.open_susars(1, 0, 10).iter().map(|(_, s)| *s).collect();
    assert_eq!(statuses, vec![ReportStatus::Overdue, ReportStatus::Pending]);
    caller(a.django);
    assert_eq!(c.report_susar(fatal, h(0x61)), Err(Error::NotSponsor));
    caller(a.bob);
    assert_eq!(c.report_susar(99, h(0x61)), Err(Error::UnknownEvent));
    assert_eq!(c.report_susar(expected, h(0x61)), Err(Error::NotSusar));
    assert_eq!(c.report_susar(fatal, h(0x61)), Ok(ReportStatus::Late));
    assert_eq!(c.report_susar(fatal, h(0x61)), Err(Error::AlreadyReported));
    assert_eq!(c.report_susar(other, h(0x62)), Ok(ReportStatus::OnTime));
    assert!(c.open_susars(1, 0, 10).is_empty());
    let t = c.trial(1).expect("trial");
    assert_eq!((t.open_susars, t.late_susars), (0, 1));
    assert_eq!(c.adverse_event(fatal).expect("f").1, ReportStatus::Late);
}

#[ink::test]
fn adverse_events_cannot_be_silenced_by_removing_the_site() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.bob);
    c.add_investigator(1, a.frank).expect("site 2");
    // The sponsor removes the participant's own investigator at once ...
    let removed = c.remove_investigator(1, a.django);
    assert!(removed.is_ok(), "{removed:?}");
    // ... yet another site's investigator, the IRB and a regulator still report.
    for reporter in [a.frank, a.charlie, regulator()] {
        caller(reporter);
        let id = c
            .report_adverse_event(serious(Seriousness::Death, false))
            .expect("reported");
        assert_eq!(c.adverse_event(id).expect("event").0.investigator, reporter);
    }
    // The removed investigator and a stranger cannot.
    caller(a.django);
    assert_eq!(
        c.report_adverse_event(serious(Seriousness::Death, false)),
        Err(Error::NotInvestigator)
    );
}

#[ink::test]
fn adverse_event_reports_are_checked() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.eve);
    assert_eq!(
        c.report_adverse_event(serious(Seriousness::Death, false)),
        Err(Error::NotInvestigator)
    );
    caller(a.django);
    let mut unknown = serious(Seriousness::Death, false);
    unknown.participant = 7;
    assert_eq!(
        c.report_adverse_event(unknown),
        Err(Error::UnknownParticipant)
    );
    let mut future = serious(Seriousness::Death, false);
    future.onset = T0 + 1;
    assert_eq!(c.report_adverse_event(future), Err(Error::BadOnset));
    let mut early = serious(Seriousness::Death, false);
    early.onset = T0 - 1;
    assert_eq!(c.report_adverse_event(early), Err(Error::BadOnset));
    c.next_event = u64::MAX;
    assert_eq!(
        c.report_adverse_event(serious(Seriousness::Death, false)),
        Err(Error::Overflow)
    );
}

#[ink::test]
fn serious_events_raise_one_safety_signal_per_window() {
    let mut c = enrolled();
    let topic = <SafetySignalRaised as ink::env::Event>::SIGNATURE_TOPIC.expect("topic");
    let signals = || {
        test::recorded_events()
            .filter(|e| e.topics.first().map(|t| t.as_slice()) == Some(topic.as_slice()))
            .count()
    };
    let start = signals();
    c.report_adverse_event(serious(Seriousness::Hospitalisation, true))
        .expect("first");
    c.report_adverse_event(serious(Seriousness::NonSerious, true))
        .expect("not serious: not counted");
    assert_eq!(c.serious_events_in_window(1, T0), 1);
    assert_eq!(signals(), start);
    c.report_adverse_event(serious(Seriousness::Disability, true))
        .expect("second: the threshold");
    assert_eq!(signals(), start + 1);
    c.report_adverse_event(serious(Seriousness::Disability, true))
        .expect("third: no second signal");
    assert_eq!(signals(), start + 1);
    assert_eq!(c.serious_events_in_window(1, T0), 3);
    assert_eq!(c.serious_events_in_window(1, T0 + 7 * DAY), 0);
    assert_eq!(c.serious_events_in_window(9, T0), 0);
}

// --------------------------------------------------------------------- results

#[ink::test]
fn results_on_time_on_the_registered_outcome_are_clean() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.django);
    assert_eq!(
        c.post_results(1, h(0x44), h(OUTCOME)),
        Err(Error::NotSponsor)
    );
    caller(a.bob);
    assert_eq!(
        c.post_results(9, h(0x44), h(OUTCOME)),
        Err(Error::UnknownTrial)
    );
    now(T0 + 365 * DAY + 365 * DAY);
    let results = c.post_results(1, h(0x44), h(OUTCOME)).expect("post");
    assert!(!results.late && !results.outcome_switched);
    assert_eq!(c.trial(1).expect("trial").results, Some(results));
    assert_eq!(
        c.post_results(1, h(0x44), h(OUTCOME)),
        Err(Error::ResultsAlreadyPosted)
    );
    assert_eq!(
        c.propose_amendment(1, amendment(None, None)),
        Err(Error::ResultsAlreadyPosted)
    );
}

#[ink::test]
fn late_results_and_switched_outcomes_are_marked() {
    let a = accounts();
    let mut c = enrolled();
    caller(a.bob);
    // An amendment proposed but never approved does not make its outcome legitimate.
    c.propose_amendment(1, amendment(Some(h(0x0e)), None))
        .expect("amend");
    now(T0 + 365 * DAY + 365 * DAY + 1);
    let results = c.post_results(1, h(0x44), h(0x0e)).expect("post");
    assert!(results.late);
    assert!(results.outcome_switched);
}

#[ink::test]
fn an_outcome_approved_before_enrolment_is_not_a_switch() {
    let a = accounts();
    let mut c = setup();
    caller(a.bob);
    c.propose_amendment(1, amendment(Some(h(0x0e)), None))
        .expect("amend");
    now(T0 + DAY);
    caller(a.charlie);
    c.approve_version(1, 2).expect("approve");
    // The first participant enrols under version 2.
    now(T0 + 2 * DAY);
    caller(a.eve);
    c.consent_to_version(1, a.eve, 2, h(9)).expect("consent");
    caller(a.django);
    c.enrol(1, a.eve).expect("enrol");
    caller(a.bob);
    let results = c.post_results(1, h(0x44), h(0x0e)).expect("post");
    assert!(!results.outcome_switched);
    assert!(!results.late);
    // The originally registered outcome stays legitimate too.
    assert!(c.approved_outcomes.contains((1, h(OUTCOME))));
}

#[ink::test]
fn an_outcome_approved_after_enrolment_began_is_a_switch() {
    let a = accounts();
    let mut c = enrolled();
    // After primary completion the sponsor amends the primary outcome, and its IRB
    // approves: the results on the new outcome are still marked switched.
    now(T0 + 366 * DAY);
    caller(a.bob);
    c.propose_amendment(1, amendment(Some(h(0x0e)), None))
        .expect("amend");
    caller(a.charlie);
    c.approve_version(1, 2).expect("approve");
    caller(a.bob);
    let results = c.post_results(1, h(0x44), h(0x0e)).expect("post");
    assert!(results.outcome_switched);
    // (The registered outcome, pre-specified before enrolment, is no switch: see
    // `results_on_time_on_the_registered_outcome_are_clean`.)
}

#[ink::test]
fn counters_refuse_to_overflow() {
    let a = accounts();
    let mut c = enrolled();
    c.next_batch = u64::MAX;
    assert_eq!(
        c.anchor_data(1, vec![1], h(7), 1, T0 - HOUR, T0),
        Err(Error::Overflow)
    );
    let mut t = c.trial(1).expect("trial");
    t.latest_version = u32::MAX;
    t.current_version = u32::MAX;
    c.trials.insert(1, &t);
    let v1 = c.protocol_version(1, 1).expect("v1");
    c.versions.insert((1, u32::MAX), &v1);
    caller(a.bob);
    assert_eq!(
        c.propose_amendment(1, amendment(None, None)),
        Err(Error::Overflow)
    );
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
}
