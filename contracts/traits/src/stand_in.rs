//! Stand-ins for the suite's peers in off-chain unit tests (tests and the `testing`
//! feature only): ink!'s off-chain engine cannot make cross-contract calls, so a
//! contract built for its unit tests asks these instead of
//! [`peer::ask`](crate::peer::ask), whose functions they mirror (same names, same
//! arguments, the peer's address first and ignored): a contract writes
//! `#[cfg(test)] use healthcare_traits::stand_in as ask;` and keeps one body per question. They answer like staff_credentials and
//! consent_registry (or fail like a broken peer, with the [`PeerError`] the real call
//! would give); the drink sandbox and node tests run the real calls.
//!
//! The state is per thread, and the test harness runs each test on a thread of its own:
//! every test starts with no credentials, no consents and working peers ([`reset`]
//! returns to that, for a test that sets up several times).

use crate::{
    AccountId, Action, ApplyError, ClaimConsent, ClaimConsentQuery, CredentialKind,
    CredentialQuery, DataCategories, DataCategory, KindSet, PeerError, Purpose, Timestamp,
};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// A period `[from, until)`.
type Period = (Timestamp, Timestamp);

fn inside(period: Option<&Period>, at: Timestamp) -> bool {
    period.is_some_and(|(from, until)| *from <= at && at < *until)
}

/// Records that a peer fails every question about `who` with `error` (or, with `None`,
/// answers about them again).
fn fail_for(
    failures: &mut HashMap<AccountId, PeerError>,
    who: AccountId,
    error: Option<PeerError>,
) {
    match error {
        Some(e) => failures.insert(who, e),
        None => failures.remove(&who),
    };
}

#[derive(Default)]
struct Peers {
    /// Per account: the kinds it holds and the period `[from, until)` they are valid.
    kinds: HashMap<AccountId, Vec<(KindSet, Timestamp, Timestamp)>>,
    credential_fail: Option<PeerError>,
    /// Per account: staff_credentials fails every question about it.
    credential_fail_for: HashMap<AccountId, PeerError>,
    /// (patient, grantee, purpose bit): the categories consented to, at every moment.
    consents: HashMap<(AccountId, AccountId, u8), u32>,
    /// (patient, grantee, purpose bit): the categories consented to during a period.
    consents_during: HashMap<(AccountId, AccountId, u8), (u32, Period)>,
    /// (patient, provider): the care relationship's period.
    care: HashMap<(AccountId, AccountId), Period>,
    delegates: HashSet<(AccountId, AccountId)>,
    consent_fail: Option<PeerError>,
    /// Per patient: consent_registry fails every question about them.
    consent_fail_for: HashMap<AccountId, PeerError>,
    /// (patient, provider): the days with device data remote_monitoring reports.
    monitored: HashMap<(AccountId, AccountId), u32>,
    /// Per patient: remote_monitoring fails every question about them.
    monitoring_fail_for: HashMap<AccountId, PeerError>,
    /// Per governed contract: the actions it applied, in order.
    applied: HashMap<AccountId, Vec<Action>>,
    /// Per governed contract: how it answers `apply` instead of applying.
    target_answer: HashMap<AccountId, Result<ApplyError, PeerError>>,
}

thread_local! {
    static PEERS: RefCell<Peers> = RefCell::new(Peers::default());
}

/// No credentials, no consents, no delegates, working peers.
pub fn reset() {
    PEERS.with(|p| *p.borrow_mut() = Peers::default());
}

/// staff_credentials: `account` holds valid credentials of exactly `kinds`, at every
/// moment asked (whatever it held before is forgotten).
pub fn credentials(account: AccountId, kinds: &[CredentialKind]) {
    credential_kinds(account, KindSet::of(kinds));
}

/// staff_credentials: `account` also holds a valid credential of each of `kinds` from
/// `from` until just before `until` (an expiry, or a suspension starting then), and only
/// then: a question about another moment is answered for that moment.
pub fn credentials_during(
    account: AccountId,
    kinds: &[CredentialKind],
    from: Timestamp,
    until: Timestamp,
) {
    PEERS.with(|p| {
        p.borrow_mut()
            .kinds
            .entry(account)
            .or_default()
            .push((KindSet::of(kinds), from, until))
    });
}

/// staff_credentials: `account` holds valid credentials of exactly `kinds`, at every
/// moment asked (whatever it held before is forgotten).
pub fn credential_kinds(account: AccountId, kinds: KindSet) {
    PEERS.with(|p| {
        p.borrow_mut()
            .kinds
            .insert(account, vec![(kinds, 0, Timestamp::MAX)])
    });
}

/// staff_credentials fails every question with `error` (or works again with `None`).
pub fn credentials_fail(error: Option<PeerError>) {
    PEERS.with(|p| p.borrow_mut().credential_fail = error);
}

/// staff_credentials fails every question about `account` with `error` (or answers
/// about it again with `None`).
pub fn credentials_fail_for(account: AccountId, error: Option<PeerError>) {
    PEERS.with(|p| fail_for(&mut p.borrow_mut().credential_fail_for, account, error));
}

/// consent_registry: `patient` consents to `grantee` for `purpose` on `categories`
/// (`given`), or withdraws that consent (`!given`).
pub fn consent(
    patient: AccountId,
    grantee: AccountId,
    purpose: Purpose,
    categories: DataCategories,
    given: bool,
) {
    PEERS.with(|p| {
        let mut p = p.borrow_mut();
        let held = p
            .consents
            .entry((patient, grantee, purpose.bit()))
            .or_default();
        if given {
            *held |= categories.0;
        } else {
            *held &= !categories.0;
        }
    });
}

/// consent_registry: `patient` consents to `grantee` for `purpose` on `categories` from
/// `from` until just before `until`, and only then (replacing an earlier such period of
/// the same patient, grantee and purpose).
pub fn consent_during(
    patient: AccountId,
    grantee: AccountId,
    purpose: Purpose,
    categories: DataCategories,
    from: Timestamp,
    until: Timestamp,
) {
    PEERS.with(|p| {
        p.borrow_mut().consents_during.insert(
            (patient, grantee, purpose.bit()),
            (categories.0, (from, until)),
        )
    });
}

/// consent_registry: `patient` named `provider` as a care provider from `from` until
/// just before `until` (replacing an earlier period of the pair).
pub fn care_during(patient: AccountId, provider: AccountId, from: Timestamp, until: Timestamp) {
    PEERS.with(|p| {
        p.borrow_mut()
            .care
            .insert((patient, provider), (from, until))
    });
}

/// consent_registry fails every question about `patient` with `error` (or answers about
/// them again with `None`).
pub fn consent_fail_for(patient: AccountId, error: Option<PeerError>) {
    PEERS.with(|p| fail_for(&mut p.borrow_mut().consent_fail_for, patient, error));
}

/// remote_monitoring: `patient` had data from devices `provider` paired with them on
/// `days` of any 30 days asked about.
pub fn monitored_days(patient: AccountId, provider: AccountId, days: u32) {
    PEERS.with(|p| p.borrow_mut().monitored.insert((patient, provider), days));
}

/// remote_monitoring fails every question about `patient` with `error` (or answers
/// about them again with `None`).
pub fn monitoring_fail_for(patient: AccountId, error: Option<PeerError>) {
    PEERS.with(|p| fail_for(&mut p.borrow_mut().monitoring_fail_for, patient, error));
}

/// consent_registry: `delegate` acts for `patient` from now on.
pub fn delegate(patient: AccountId, delegate: AccountId) {
    PEERS.with(|p| p.borrow_mut().delegates.insert((patient, delegate)));
}

/// consent_registry fails every question with `error` (or works again with `None`).
pub fn consent_fail(error: Option<PeerError>) {
    PEERS.with(|p| p.borrow_mut().consent_fail = error);
}

/// staff_credentials and / or consent_registry trap on every question (`false`: working).
pub fn break_peers(credentials: bool, consent: bool) {
    credentials_fail(credentials.then_some(PeerError::Trapped));
    consent_fail(consent.then_some(PeerError::Trapped));
}

/// `CredentialVerifier::any_valid_at`.
pub fn any_valid_at(
    _credentials: AccountId,
    account: AccountId,
    kinds: KindSet,
    at: Timestamp,
) -> Result<bool, PeerError> {
    PEERS.with(|p| {
        let p = p.borrow();
        match p
            .credential_fail
            .or_else(|| p.credential_fail_for.get(&account).copied())
        {
            Some(e) => Err(e),
            None => Ok(p.kinds.get(&account).is_some_and(|periods| {
                periods
                    .iter()
                    .any(|(held, from, until)| *from <= at && at < *until && held.0 & kinds.0 != 0)
            })),
        }
    })
}

/// `ConsentVerifier::has_consent_all`: false for an empty set, like the real registry.
pub fn has_consent_all(
    _consent: AccountId,
    patient: AccountId,
    grantee: AccountId,
    purpose: Purpose,
    categories: DataCategories,
    at: Timestamp,
) -> Result<bool, PeerError> {
    PEERS.with(|p| {
        let p = p.borrow();
        let key = (patient, grantee, purpose.bit());
        let always = p.consents.get(&key).copied().unwrap_or(0);
        let now = p
            .consents_during
            .get(&key)
            .filter(|(_, period)| inside(Some(period), at))
            .map_or(0, |(held, _)| *held);
        match p
            .consent_fail
            .or_else(|| p.consent_fail_for.get(&patient).copied())
        {
            Some(e) => Err(e),
            None => Ok(!categories.is_empty() && (always | now) & categories.0 == categories.0),
        }
    })
}

/// `ConsentVerifier::has_consent`.
pub fn has_consent(
    consent: AccountId,
    patient: AccountId,
    grantee: AccountId,
    purpose: Purpose,
    category: DataCategory,
    at: Timestamp,
) -> Result<bool, PeerError> {
    has_consent_all(
        consent,
        patient,
        grantee,
        purpose,
        DataCategories::of(&[category]),
        at,
    )
}

/// `ConsentVerifier::has_consent_all_each`.
pub fn has_consent_all_each(
    consent: AccountId,
    patients: Vec<AccountId>,
    grantee: AccountId,
    purpose: Purpose,
    categories: DataCategories,
    at: Timestamp,
) -> Result<Vec<bool>, PeerError> {
    patients
        .into_iter()
        .map(|patient| has_consent_all(consent, patient, grantee, purpose, categories, at))
        .collect()
}

/// `ConsentVerifier::has_consent_each`.
pub fn has_consent_each(
    consent: AccountId,
    patient: AccountId,
    grantees: Vec<AccountId>,
    purpose: Purpose,
    category: DataCategory,
    at: Timestamp,
) -> Result<Vec<bool>, PeerError> {
    grantees
        .into_iter()
        .map(|grantee| has_consent(consent, patient, grantee, purpose, category, at))
        .collect()
}

/// `CredentialVerifier::any_valid_at_each`: each query as the single one would be.
pub fn any_valid_at_each(
    credentials: AccountId,
    queries: Vec<CredentialQuery>,
) -> Result<Vec<bool>, PeerError> {
    queries
        .into_iter()
        .map(|q| any_valid_at(credentials, q.subject, q.kinds, q.at))
        .collect()
}

/// `ConsentVerifier::claim_consent`: the care relationship with `provider` and the
/// payment consent to `payer` (billing data), at `at`.
pub fn claim_consent(
    consent: AccountId,
    patient: AccountId,
    payer: AccountId,
    provider: AccountId,
    at: Timestamp,
) -> Result<ClaimConsent, PeerError> {
    let payment_consent = has_consent(
        consent,
        patient,
        payer,
        Purpose::Payment,
        DataCategory::Billing,
        at,
    )?;
    let care_relationship = PEERS.with(|p| inside(p.borrow().care.get(&(patient, provider)), at));
    Ok(ClaimConsent {
        care_relationship,
        payment_consent,
    })
}

/// `ConsentVerifier::claim_consent_each`: each query as the single one would be.
pub fn claim_consent_each(
    consent: AccountId,
    queries: Vec<ClaimConsentQuery>,
) -> Result<Vec<ClaimConsent>, PeerError> {
    queries
        .into_iter()
        .map(|q| claim_consent(consent, q.patient, q.payer, q.provider, q.at))
        .collect()
}

/// `MonitoringVerifier::monitored_days_until`: the days set with [`monitored_days`].
pub fn monitored_days_until(
    _monitoring: AccountId,
    patient: AccountId,
    provider: AccountId,
    _until: Timestamp,
) -> Result<u32, PeerError> {
    PEERS.with(|p| {
        let p = p.borrow();
        match p.monitoring_fail_for.get(&patient) {
            Some(e) => Err(*e),
            None => Ok(p.monitored.get(&(patient, provider)).copied().unwrap_or(0)),
        }
    })
}

/// `ConsentVerifier::acts_for_now`: the patient, or one of their delegates.
pub fn acts_for_now(
    _consent: AccountId,
    patient: AccountId,
    account: AccountId,
) -> Result<bool, PeerError> {
    PEERS.with(|p| {
        let p = p.borrow();
        match p.consent_fail {
            Some(e) => Err(e),
            None => Ok(patient == account || p.delegates.contains(&(patient, account))),
        }
    })
}

/// A governed contract: `target` refuses every action with `Ok(reason)` or fails like a
/// broken peer with `Err(error)` (`None`: applies them again).
pub fn target_answers(target: AccountId, answer: Option<Result<ApplyError, PeerError>>) {
    PEERS.with(|p| {
        let mut p = p.borrow_mut();
        match answer {
            Some(answer) => p.target_answer.insert(target, answer),
            None => p.target_answer.remove(&target),
        }
    });
}

/// The actions `target` applied so far, oldest first.
pub fn applied(target: AccountId) -> Vec<Action> {
    PEERS.with(|p| p.borrow().applied.get(&target).cloned().unwrap_or_default())
}

/// `Governed::apply`: every address is a governed contract that applies every action
/// (and records it), unless told otherwise with [`target_answers`].
pub fn apply(target: AccountId, action: Action) -> Result<Result<(), ApplyError>, PeerError> {
    PEERS.with(|p| {
        let mut p = p.borrow_mut();
        match p.target_answer.get(&target) {
            Some(Ok(reason)) => Ok(Err(*reason)),
            Some(Err(error)) => Err(*error),
            None => {
                p.applied.entry(target).or_default().push(action);
                Ok(Ok(()))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_like_the_peers() {
        let (alice, bob) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
        let peer = AccountId::from([9; 32]);
        let lab = DataCategory::ALL[0];
        assert_eq!(any_valid_at(peer, alice, KindSet::CLINICIAN, 0), Ok(false));
        credentials(alice, &[CredentialKind::MedicalLicence]);
        assert_eq!(any_valid_at(peer, alice, KindSet::CLINICIAN, 0), Ok(true));
        // A licence valid for a period answers for the moment asked.
        credentials(bob, &[]);
        credentials_during(bob, &[CredentialKind::NursingLicence], 100, 200);
        for (at, valid) in [(99, false), (100, true), (199, true), (200, false)] {
            assert_eq!(any_valid_at(peer, bob, KindSet::CLINICIAN, at), Ok(valid));
        }
        credentials_fail(Some(PeerError::Trapped));
        assert_eq!(
            any_valid_at(peer, alice, KindSet::CLINICIAN, 0),
            Err(PeerError::Trapped)
        );

        let both = DataCategories::of(&DataCategory::ALL[..2]);
        consent(
            alice,
            bob,
            Purpose::Research,
            DataCategories::of(&[lab]),
            true,
        );
        assert_eq!(
            has_consent(peer, alice, bob, Purpose::Research, lab, 0),
            Ok(true)
        );
        assert_eq!(
            has_consent(peer, alice, bob, Purpose::Treatment, lab, 0),
            Ok(false)
        );
        assert_eq!(
            has_consent_all(peer, alice, bob, Purpose::Research, both, 0),
            Ok(false)
        );
        assert_eq!(
            has_consent_all(peer, alice, bob, Purpose::Research, DataCategories(0), 0),
            Ok(false)
        );
        assert_eq!(
            has_consent_each(peer, alice, vec![bob, alice], Purpose::Research, lab, 0),
            Ok(vec![true, false])
        );
        consent(alice, bob, Purpose::Research, both, false);
        assert_eq!(
            has_consent(peer, alice, bob, Purpose::Research, lab, 0),
            Ok(false)
        );

        assert_eq!(acts_for_now(peer, alice, alice), Ok(true));
        assert_eq!(acts_for_now(peer, alice, bob), Ok(false));
        delegate(alice, bob);
        assert_eq!(acts_for_now(peer, alice, bob), Ok(true));
        consent_fail(Some(PeerError::Unreachable));
        assert_eq!(acts_for_now(peer, alice, bob), Err(PeerError::Unreachable));
    }

    #[test]
    fn governed_targets_apply_or_answer_as_told() {
        let (a, b) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
        assert_eq!(apply(a, Action::Pause), Ok(Ok(())));
        assert_eq!(applied(a), vec![Action::Pause]);
        assert!(applied(b).is_empty());
        target_answers(a, Some(Ok(ApplyError::Paused)));
        assert_eq!(apply(a, Action::Unpause), Ok(Err(ApplyError::Paused)));
        target_answers(a, Some(Err(PeerError::Trapped)));
        assert_eq!(apply(a, Action::Unpause), Err(PeerError::Trapped));
        assert_eq!(applied(a), vec![Action::Pause]);
        target_answers(a, None);
        assert_eq!(apply(a, Action::Unpause), Ok(Ok(())));
        assert_eq!(applied(a), vec![Action::Pause, Action::Unpause]);
    }
}
