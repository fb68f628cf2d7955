//! claims_adjudication with real staff_credentials and consent_registry on
//! pallet-contracts (drink sandbox, release WASM): a licensed provider named by the
//! patient is paid from escrow; a provider the patient never named, a pharmacist, a
//! revoked consent and line-level duplicates are denied; broken peers (no contract, no
//! such message, a trapping contract) are typed errors that change nothing; tokens sent
//! outside `fund` are recoverable surplus; peer and code changes through the governor.
//! (A payment that fails below the existential deposit needs the node's deposit: the
//! sandbox's is 1; `node_suite.rs` tests it.)

use claims_adjudication::claims_adjudication::{
    Carc, Claim, ClaimAdjudicated, ClaimLine, ClaimRequest, ClaimStatus, ClaimSubmission, Coverage,
    Error, Peers, PlanTerms,
};
use consent_registry::consent_registry::{
    ConsentKind, ConsentRequest, Error as ConsentError, Relationship,
};
use drink::sandbox_api::balance_api::BalanceAPI;
use e2e_tests::events::EventCheck;
use e2e_tests::fixtures::line;
use e2e_tests::suite::{
    apply_as, assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, deploy_suite, enact, issue, operator, Deployed,
};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::{
    Action, ApplyError, CredentialKind, DataCategories, DataCategory, PeerRole, Purpose,
    PurposeSet, DAY,
};
use ink::primitives::Hash;
use ink::selector_bytes;
use parity_scale_codec::Decode;

type Res<T> = Result<T, Error>;

fn terms(now: u64) -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 1_000_000,
        year_start: now - 100 * DAY,
        max_units: 100,
    }
}

struct World {
    chain: Sandbox,
    claims: drink::AccountId32,
    consent: drink::AccountId32,
}

const PAYER: u8 = 2;
const PROVIDER: u8 = 3;
const PATIENT: u8 = 4;
const UNLICENSED: u8 = 5;
const STRANGER_DOCTOR: u8 = 6;
const PHARMACIST: u8 = 7;

fn world() -> World {
    let mut chain = Sandbox::new();
    // Every call's events, for the indexer's check at the end of a test.
    chain.record();
    let (payer, provider, patient) = (account(PAYER), account(PROVIDER), account(PATIENT));
    let Deployed {
        credentials,
        consent,
        claims,
        ..
    } = deploy_suite(&mut chain);
    for (who, kind) in [
        (&payer, CredentialKind::PayerLicence),
        (&provider, CredentialKind::MedicalLicence),
        (&account(STRANGER_DOCTOR), CredentialKind::MedicalLicence),
        (&account(PHARMACIST), CredentialKind::PharmacistLicence),
    ] {
        issue(&mut chain, &credentials, who, kind);
    }
    let now = chain.time();

    // The patient consents to the payer for payment of billing data, and names the
    // provider as a care provider at the first visit, 30 days ago.
    let request = ConsentRequest {
        patient: ink_account(&patient),
        grantee: ink_account(&payer),
        kind: ConsentKind::Permit,
        purposes: PurposeSet::of(&[Purpose::Payment]),
        categories: DataCategories::of(&[DataCategory::Billing]),
        valid_from: now - 30 * DAY,
        valid_until: None,
    };
    let granted = chain.call::<Result<u64, ConsentError>>(
        &consent,
        &patient,
        call_data(selector_bytes!("grant"), (request,)),
    );
    assert_eq!(granted.value, Ok(1));
    let named = chain.call::<Result<u64, ConsentError>>(
        &consent,
        &patient,
        call_data(
            selector_bytes!("add_care_provider"),
            (
                ink_account(&patient),
                ink_account(&provider),
                now - 30 * DAY,
            ),
        ),
    );
    assert_eq!(named.value, Ok(1));

    // The payer sets up a plan, fees, the member and 100 000 in escrow.
    let plan = chain.call::<Res<u32>>(
        &claims,
        &payer,
        call_data(selector_bytes!("create_plan"), (terms(now),)),
    );
    assert_eq!(plan.value, Ok(1));
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99213", Some(100)), (*b"80053", Some(40))];
    let set = chain.call::<Res<()>>(
        &claims,
        &payer,
        call_data(selector_bytes!("set_fees"), (1u32, fees)),
    );
    assert_eq!(set.value, Ok(()));
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: None,
    };
    let enrolled = chain.call::<Res<()>>(
        &claims,
        &payer,
        call_data(
            selector_bytes!("enroll"),
            (1u32, ink_account(&patient), coverage),
        ),
    );
    assert_eq!(enrolled.value, Ok(()));
    let funded = chain
        .try_call::<Res<u128>>(
            &claims,
            &payer,
            call_data(selector_bytes!("fund"), (1u32,)),
            100_000,
        )
        .expect("fund");
    assert_eq!(funded.value, Ok(100_000));
    // The providers name the payer their relay (it submits their claims as from their
    // clearinghouse); without that it could not file a claim in their name.
    for provider in [PROVIDER, UNLICENSED, STRANGER_DOCTOR, PHARMACIST] {
        let named = chain.call::<Res<()>>(
            &claims,
            &account(provider),
            call_data(
                selector_bytes!("set_corrector"),
                (ink_account(&payer), true),
            ),
        );
        assert_eq!(named.value, Ok(()));
    }
    World {
        chain,
        claims,
        consent,
    }
}

fn request(provider: u8, service_date: u64, lines: Vec<ClaimLine>) -> ClaimRequest {
    ClaimRequest {
        plan: 1,
        member: ink_account(&account(PATIENT)),
        provider: ink_account(&account(provider)),
        service_date,
        emergency: false,
        lines,
    }
}

/// The payer submits (on the provider's behalf, as from its clearinghouse), so that the
/// provider's balance changes by its payments only (a submitter pays storage deposits).
fn submit_request(w: &mut World, request: ClaimRequest) -> Claim {
    let outcome = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PAYER),
        call_data(selector_bytes!("submit_claim"), (request,)),
    );
    let id = outcome.value.expect("submitted");
    println!(
        "submit_claim -> claim {id}: ref_time {} proof_size {} deposit {}",
        outcome.ref_time, outcome.proof_size, outcome.storage_deposit
    );
    // The last event is the adjudication, with the whole remittance.
    let (emitter, topics, data) = outcome.emitted.last().expect("an event").clone();
    assert_eq!(emitter, w.claims);
    // Anonymous: each topic would cost every claim a read and a write of the chain's
    // topic index.
    assert_eq!(
        topics,
        Vec::<[u8; 32]>::new(),
        "ClaimAdjudicated has no topics"
    );
    let event = ClaimAdjudicated::decode(&mut &data[..]).expect("ClaimAdjudicated");
    let claim: Option<Claim> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("claim"), (id,)));
    let claim = claim.expect("stored");
    assert_eq!(
        (event.claim, event.status, event.denial, event.payer_amount),
        (id, claim.status, claim.denial, claim.payer_amount)
    );
    assert_eq!(event.lines, claim.lines);
    claim
}

fn submit(w: &mut World, provider: u8, service_date: u64, lines: Vec<ClaimLine>) -> Claim {
    submit_request(w, request(provider, service_date, lines))
}

fn escrow(w: &mut World) -> Option<(u128, u128, u128)> {
    w.chain
        .query(&w.claims, call_data(selector_bytes!("escrow"), (1u32,)))
}

#[test]
fn adjudication_across_three_contracts() {
    let mut w = world();
    let now = w.chain.time();
    let provider = account(PROVIDER);

    // Licensed provider named by the patient, consenting patient: paid from escrow.
    let before = w.chain.balance(&provider);
    let paid = submit(
        &mut w,
        PROVIDER,
        now - 5 * DAY,
        vec![line(b"99213", 120), line(b"80053", 40)],
    );
    assert_eq!(paid.status, ClaimStatus::Paid);
    assert_eq!(paid.denial, None);
    // Deductible 500 takes all of the allowed 100 + 40: the payer owes nothing yet.
    assert_eq!(
        (paid.allowed, paid.member_amount, paid.payer_amount),
        (140, 140, 0)
    );
    let second = submit(&mut w, PROVIDER, now - 4 * DAY, vec![line(b"99213", 500)]);
    assert_eq!(second.status, ClaimStatus::Paid);
    // 100 allowed: the 360 deductible left takes all of it.
    assert_eq!(
        (second.allowed, second.member_amount, second.payer_amount),
        (100, 100, 0)
    );
    let payer_shares: Vec<u128> = [3, 2, 1, 0]
        .into_iter()
        .map(|days| {
            submit(
                &mut w,
                PROVIDER,
                now - days * DAY,
                vec![line(b"99213", 100)],
            )
        })
        .map(|claim| claim.payer_amount)
        .collect();
    // 260 of deductible left: two claims and 60 of the third, then its copay 20 and 20 %
    // of 20; the fourth pays copay 20 and 20 % of 80.
    assert_eq!(payer_shares, vec![0, 0, 40 - 20 - 4, 100 - 20 - 16]);
    let owed_to_provider: u128 = payer_shares.iter().sum();
    assert_eq!(
        w.chain.balance(&provider),
        before + owed_to_provider,
        "the provider was really paid"
    );
    assert_eq!(escrow(&mut w), Some((100_000 - owed_to_provider, 0, 0)));

    // Duplicates, line by line: reordered lines, another amount.
    let duplicate = submit(
        &mut w,
        PROVIDER,
        now - 5 * DAY,
        vec![line(b"80053", 41), line(b"99213", 120)],
    );
    assert_eq!(duplicate.status, ClaimStatus::Denied);
    assert_eq!(duplicate.denial, Some(Carc::Duplicate));

    // Unlicensed provider, and a pharmacist (licensed, wrong kind): CARC B7.
    for who in [UNLICENSED, PHARMACIST] {
        let refused = submit(&mut w, who, now - 5 * DAY, vec![line(b"99213", 100)]);
        assert_eq!(refused.denial, Some(Carc::ProviderNotEligible));
        assert_eq!(refused.payer_amount, 0);
    }

    // The patient revokes consent: claims for later services are denied (CARC 197).
    let revoked = w.chain.call::<Result<(), ConsentError>>(
        &w.consent,
        &account(PATIENT),
        call_data(selector_bytes!("revoke"), (1u64,)),
    );
    assert_eq!(revoked.value, Ok(()));
    w.chain.set_time(now + DAY);
    let after = submit(&mut w, PROVIDER, now + DAY, vec![line(b"99213", 100)]);
    assert_eq!(after.status, ClaimStatus::Denied);
    assert_eq!(after.denial, Some(Carc::ConsentAbsent));
    assert_eq!(w.chain.balance(&provider), before + owed_to_provider);
    // The indexer rebuilds every claim's state from the events alone.
    let claims = w.claims.clone();
    assert!(w.chain.assert_claims_indexed(&claims) > 0);
}

/// `ClaimAdjudicated` is anonymous: decoders know it as the contract's one event without
/// topics. The layout it had before (a signature and a claim topic) matches no event of
/// the metadata and is kept raw; a contract without an anonymous event has nothing to
/// give a topicless event.
#[test]
fn the_anonymous_adjudication_decodes_by_having_no_topics_and_its_old_layout_does_not() {
    let mut w = world();
    let now = w.chain.time();
    let outcome = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PAYER),
        call_data(
            selector_bytes!("submit_claim"),
            (request(PROVIDER, now - DAY, vec![line(b"99213", 120)]),),
        ),
    );
    assert!(outcome.value.is_ok());
    let (_, topics, data) = outcome.emitted.last().expect("an event").clone();
    assert!(topics.is_empty());
    let claims = e2e_tests::events::metadata("claims_adjudication");
    let decoded = claims.decode(&[], &data).expect("decoded");
    assert_eq!(decoded.label, "ClaimAdjudicated");
    // As emitted before it was anonymous: the signature of `ClaimAdjudicated(...)` and
    // the claim id's topic.
    let old_signature: [u8; 32] = [0x73; 32];
    let mut claim_topic = [0u8; 32];
    claim_topic[..8].copy_from_slice(&1u64.to_le_bytes());
    assert!(matches!(
        claims.decode(&[old_signature, claim_topic], &data),
        Err(suite_events::DecodeError::UnknownSignature(s)) if s == old_signature
    ));
    // A topicless event with data that is not an adjudication is refused, not misread.
    assert!(matches!(
        claims.decode(&[], &[1, 2, 3]),
        Err(suite_events::DecodeError::Mismatch(_))
    ));
    assert!(matches!(
        e2e_tests::events::metadata("staff_credentials").decode(&[], &data),
        Err(suite_events::DecodeError::NoSignature)
    ));
}

#[test]
fn a_provider_the_patient_never_named_is_not_paid() {
    let mut w = world();
    let now = w.chain.time();
    let stranger = account(STRANGER_DOCTOR);
    let before = w.chain.balance(&stranger);
    let escrow_before = escrow(&mut w);
    // Burn the deductible first so that a payment would show.
    for days in [20, 19, 18, 17, 16, 15] {
        submit(
            &mut w,
            PROVIDER,
            now - days * DAY,
            vec![line(b"99213", 100)],
        );
    }
    let escrow_before_phantom = escrow(&mut w);
    assert_ne!(escrow_before, escrow_before_phantom);
    let phantom = submit(
        &mut w,
        STRANGER_DOCTOR,
        now - 5 * DAY,
        vec![line(b"99213", 100)],
    );
    assert_eq!(phantom.status, ClaimStatus::Denied);
    assert_eq!(phantom.denial, Some(Carc::NoCareRelationship));
    assert_eq!(w.chain.balance(&stranger), before);
    assert_eq!(escrow(&mut w), escrow_before_phantom, "escrow unchanged");
    // An emergency visit goes to manual review instead.
    let emergency = submit_request(
        &mut w,
        ClaimRequest {
            emergency: true,
            ..request(STRANGER_DOCTOR, now - 4 * DAY, vec![line(b"99213", 100)])
        },
    );
    assert_eq!(emergency.status, ClaimStatus::PendingReview);
    assert!(emergency.payer_amount > 0);
    // ... which reserves nothing: a provider the member never named holds no escrow.
    let (_, _, reserved) = escrow(&mut w).expect("plan");
    assert_eq!(reserved, 0);
    assert_eq!(emergency.reserved, 0);
}

/// A payer the provider has not named (or no longer names) its relay cannot file a
/// claim in the provider's name: else it could file a cheap one first and have the
/// provider's own denied as its duplicate.
#[test]
fn a_payer_the_provider_did_not_name_cannot_file_in_its_name() {
    let mut w = world();
    let now = w.chain.time();
    let withdrawn = w.chain.call::<Res<()>>(
        &w.claims,
        &account(PROVIDER),
        call_data(
            selector_bytes!("set_corrector"),
            (ink_account(&account(PAYER)), false),
        ),
    );
    assert_eq!(withdrawn.value, Ok(()));
    let cheap = request(PROVIDER, now - 2 * DAY, vec![line(b"99213", 1)]);
    let filed = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PAYER),
        call_data(selector_bytes!("submit_claim"), (cheap,)),
    );
    assert_eq!(filed.value, Err(Error::NotSubmitter));
    let own = request(PROVIDER, now - 2 * DAY, vec![line(b"99213", 150)]);
    let filed = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PROVIDER),
        call_data(selector_bytes!("submit_claim"), (own,)),
    );
    let id = filed.value.expect("the provider files its own");
    let claim: Option<Claim> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("claim"), (id,)));
    assert_eq!(claim.map(|c| c.status), Some(ClaimStatus::Paid));
}

#[test]
fn a_stranger_cannot_freeze_the_escrow_nor_a_delegate_make_itself_the_provider() {
    let mut w = world();
    let now = w.chain.time();
    let stranger = account(STRANGER_DOCTOR);
    // The stranger itself submits a claim billing `billed` on one line.
    let bill = |w: &mut World, billed: u128| {
        let lines = vec![line(b"99213", billed)];
        let submitted = request(STRANGER_DOCTOR, now - 5 * DAY, lines);
        w.chain
            .call::<Res<u64>>(
                &w.claims,
                &stranger,
                call_data(selector_bytes!("submit_claim"), (submitted,)),
            )
            .value
    };
    // A licensed stranger bills the most a line may bill for the payer's member: denied
    // CARC 242, and its appeal is refused (no admission), so nothing is reserved.
    let id = bill(&mut w, claims_adjudication::MAX_LINE_BILLED).expect("recorded");
    let appealed = w.chain.call::<Res<()>>(
        &w.claims,
        &stranger,
        call_data(selector_bytes!("appeal"), (id, [9u8; 32])),
    );
    assert_eq!(appealed.value, Err(Error::NotAdmitted));
    assert_eq!(escrow(&mut w), Some((100_000, 0, 0)));
    // An amount past the bound is refused outright.
    assert_eq!(
        bill(&mut w, claims_adjudication::MAX_LINE_BILLED + 1),
        Err(Error::InvalidLine)
    );
    // The payer can still withdraw everything.
    let withdrawn = w.chain.call::<Res<u128>>(
        &w.claims,
        &account(PAYER),
        call_data(selector_bytes!("withdraw"), (1u32, 100_000u128)),
    );
    assert_eq!(withdrawn.value, Ok(0));

    // The patient makes the stranger its delegate; the delegate cannot name itself the
    // patient's provider, so its claims stay denied.
    let appointed = w.chain.call::<Result<(), ConsentError>>(
        &w.consent,
        &account(PATIENT),
        call_data(
            selector_bytes!("appoint_delegate"),
            (
                ink_account(&stranger),
                Relationship::PowerOfAttorney,
                now + 30 * DAY,
            ),
        ),
    );
    assert_eq!(appointed.value, Ok(()));
    let named = w.chain.call::<Result<u64, ConsentError>>(
        &w.consent,
        &stranger,
        call_data(
            selector_bytes!("add_care_provider"),
            (
                ink_account(&account(PATIENT)),
                ink_account(&stranger),
                now - 10 * DAY,
            ),
        ),
    );
    assert_eq!(named.value, Err(ConsentError::DelegateSelfGrant));
    let claim = submit(
        &mut w,
        STRANGER_DOCTOR,
        now - 4 * DAY,
        vec![line(b"99213", 100)],
    );
    assert_eq!(claim.denial, Some(Carc::NoCareRelationship));
}

/// Points the claims contract's `role` peer at `peer` (by the governor) and checks
/// that a submission fails with `expected` and changes nothing: no claim, no escrow or
/// balance change.
fn broken_peer_changes_nothing(role: PeerRole, peer: Option<&str>, expected: Error) {
    let mut w = world();
    let now = w.chain.time();
    let address = match peer {
        None => account(9),
        Some("baseline_token") => w.chain.deploy(
            "baseline_token",
            &operator(),
            call_data(selector_bytes!("new"), (1_000u128,)),
        ),
        Some(name) => w
            .chain
            .deploy(name, &operator(), call_data(selector_bytes!("new"), ())),
    };
    let claims = w.claims.clone();
    assert_eq!(
        enact(
            &mut w.chain,
            &claims,
            Action::Peer(role, ink_account(&address))
        ),
        Ok(())
    );
    let peers: Peers = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("peers"), ()));
    match role {
        PeerRole::Credentials => assert_eq!(peers.credentials, ink_account(&address)),
        PeerRole::Consent => assert_eq!(peers.consent, ink_account(&address)),
        PeerRole::Monitoring => assert_eq!(peers.monitoring, ink_account(&address)),
    }
    let escrow_before = escrow(&mut w);
    let balances = (
        w.chain.balance(&account(PROVIDER)),
        w.chain.balance(&w.claims.clone()),
    );
    let outcome = w.chain.call::<Res<u64>>(
        &w.claims,
        &account(PROVIDER),
        call_data(
            selector_bytes!("submit_claim"),
            (request(PROVIDER, now - DAY, vec![line(b"99213", 100)]),),
        ),
    );
    assert_eq!(outcome.value, Err(expected), "{role:?} {peer:?}");
    assert!(outcome.reverted);
    assert_eq!(outcome.events, 0);
    // A batch asks the same peer once for all its claims: the same error.
    let batch = vec![
        ClaimSubmission {
            request: request(PROVIDER, now - DAY, vec![line(b"99213", 100)]),
            reference: None,
        },
        ClaimSubmission {
            request: request(PROVIDER, now - 2 * DAY, vec![line(b"80053", 40)]),
            reference: Some([1; 32].into()),
        },
    ];
    let outcome = w.chain.call::<Res<Vec<Res<u64>>>>(
        &w.claims,
        &account(PROVIDER),
        call_data(selector_bytes!("submit_claims"), (batch,)),
    );
    assert_eq!(outcome.value, Err(expected), "batch: {role:?} {peer:?}");
    assert!(outcome.reverted);
    assert_eq!(outcome.events, 0);
    let none: Option<Claim> = w
        .chain
        .query(&w.claims, call_data(selector_bytes!("claim"), (1u64,)));
    assert_eq!(none, None, "no claim recorded");
    assert_eq!(escrow(&mut w), escrow_before);
    assert_eq!(
        (
            w.chain.balance(&account(PROVIDER)),
            w.chain.balance(&w.claims.clone())
        ),
        balances
    );
}

#[test]
fn a_missing_consent_peer_is_a_typed_error_and_changes_nothing() {
    broken_peer_changes_nothing(PeerRole::Consent, None, Error::ConsentContractUnreachable);
}

#[test]
fn a_consent_peer_without_the_message_is_a_typed_error() {
    broken_peer_changes_nothing(
        PeerRole::Consent,
        Some("baseline_token"),
        Error::ConsentContractUnreachable,
    );
}

#[test]
fn a_trapping_consent_peer_is_a_typed_error_and_changes_nothing() {
    broken_peer_changes_nothing(
        PeerRole::Consent,
        Some("trapping_peer"),
        Error::ConsentContractTrapped,
    );
}

#[test]
fn a_trapping_credentials_peer_is_a_typed_error_and_changes_nothing() {
    broken_peer_changes_nothing(
        PeerRole::Credentials,
        Some("trapping_peer"),
        Error::CredentialContractTrapped,
    );
}

#[test]
fn a_provider_creating_a_plan_is_refused() {
    let mut w = world();
    let now = w.chain.time();
    let refused = w.chain.call::<Res<u32>>(
        &w.claims,
        &account(PROVIDER),
        call_data(selector_bytes!("create_plan"), (terms(now),)),
    );
    assert_eq!(refused.value, Err(Error::PayerNotLicensed));
    assert!(refused.reverted);
}

#[test]
fn tokens_sent_outside_fund_are_recoverable_surplus() {
    let mut w = world();
    let claims = w.claims.clone();
    let surplus: u128 = w
        .chain
        .query(&claims, call_data(selector_bytes!("surplus"), ()));
    assert_eq!(surplus, 0, "every token held is in an escrow");
    // A plain transfer to the contract account, outside `fund`.
    w.chain.inner().mint_into(&claims, 777).expect("transfer");
    let surplus: u128 = w
        .chain
        .query(&claims, call_data(selector_bytes!("surplus"), ()));
    assert_eq!(surplus, 777);
    // A payer cannot take it; the governor can.
    let take = Action::RecoverSurplus(ink_account(&account(PAYER)));
    let refused = apply_as(&mut w.chain, &claims, &account(PAYER), take);
    assert_eq!(refused.value, Err(ApplyError::NotGovernor));
    let recipient = account(21);
    let recover = Action::RecoverSurplus(ink_account(&recipient));
    let recovered = apply_as(&mut w.chain, &claims, &operator(), recover);
    assert_eq!(recovered.value, Ok(()));
    assert_eq!(w.chain.balance(&recipient), 777);
    assert_eq!(escrow(&mut w), Some((100_000, 0, 0)));
}

#[test]
fn code_changes_go_through_the_governor() {
    let mut w = world();
    let claims = w.claims.clone();
    assert_unknown_code_refused(&mut w.chain, &claims);
    assert_guardian_stops_an_upgrade(&mut w.chain, &claims);
    assert_real_upgrade(&mut w.chain, &claims, "claims_adjudication");
    assert_eq!(escrow(&mut w), Some((100_000, 0, 0)), "storage kept");
}

/// The claims of the batch test: paid, duplicates (of a line earlier in the batch and of
/// a line twice in one claim), refused ones (unknown plan, no lines, future date), a
/// provider the patient never named, an emergency by that provider (review), a
/// pharmacist (not a billing provider), a non-member, a procedure not covered.
fn mixed_requests(now: u64) -> Vec<ClaimRequest> {
    let patient = ink_account(&account(PATIENT));
    vec![
        request(
            PROVIDER,
            now - 5 * DAY,
            vec![line(b"99213", 120), line(b"80053", 40)],
        ),
        request(PROVIDER, now - 5 * DAY, vec![line(b"80053", 45)]),
        request(
            PROVIDER,
            now - 4 * DAY,
            vec![
                ClaimLine {
                    units: 6,
                    ..line(b"99213", 900)
                },
                line(b"99213", 90),
            ],
        ),
        ClaimRequest {
            plan: 7,
            ..request(PROVIDER, now - DAY, vec![line(b"99213", 100)])
        },
        request(PROVIDER, now - DAY, vec![]),
        request(PROVIDER, now + DAY, vec![line(b"99213", 100)]),
        request(STRANGER_DOCTOR, now - 3 * DAY, vec![line(b"99213", 100)]),
        ClaimRequest {
            emergency: true,
            ..request(STRANGER_DOCTOR, now - 2 * DAY, vec![line(b"99213", 100)])
        },
        request(PHARMACIST, now - 2 * DAY, vec![line(b"99213", 100)]),
        ClaimRequest {
            member: ink_account(&account(UNLICENSED)),
            ..request(PROVIDER, now - 2 * DAY, vec![line(b"99213", 100)])
        },
        request(PROVIDER, now - 3 * DAY, vec![line(b"93000", 60)]),
        ClaimRequest {
            member: patient,
            ..request(
                PROVIDER,
                now - DAY,
                vec![line(b"99213", 100), line(b"80053", 40)],
            )
        },
    ]
}

#[test]
fn a_batch_gives_each_claim_what_separate_submit_claim_calls_give() {
    let mut batched = world();
    let mut separate = world();
    let now = batched.chain.time();
    assert_eq!(now, separate.chain.time());
    let requests = mixed_requests(now);

    let mut one_by_one = Vec::new();
    let mut separate_events = Vec::new();
    for request in requests.clone() {
        let outcome = separate.chain.call::<Res<u64>>(
            &separate.claims,
            &account(PAYER),
            call_data(selector_bytes!("submit_claim"), (request,)),
        );
        separate_events.extend(outcome.events_of::<ClaimAdjudicated>(&separate.claims));
        one_by_one.push(outcome.value);
    }
    let batch: Vec<ClaimSubmission> = requests
        .into_iter()
        .enumerate()
        .map(|(i, request)| ClaimSubmission {
            request,
            reference: Some([u8::try_from(i).expect("few"); 32].into()),
        })
        .collect();
    let outcome = batched.chain.call::<Res<Vec<Res<u64>>>>(
        &batched.claims,
        &account(PAYER),
        call_data(selector_bytes!("submit_claims"), (batch.clone(),)),
    );
    println!(
        "submit_claims of {} claims: ref_time {} proof_size {}",
        batch.len(),
        outcome.ref_time,
        outcome.proof_size
    );
    let results = outcome.value.clone().expect("batch accepted");
    assert_eq!(results, one_by_one);
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        9,
        "{results:?}"
    );
    assert_eq!(results[3], Err(Error::UnknownPlan));
    assert_eq!(results[4], Err(Error::NoLines));
    assert_eq!(results[5], Err(Error::ServiceInFuture));
    // The same events, each recorded claim's carrying its reference.
    let batched_events = outcome.events_of::<ClaimAdjudicated>(&batched.claims);
    assert_eq!(batched_events.len(), separate_events.len());
    assert_eq!(batched_events.len(), 9);
    let recorded: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| i)
        .collect();
    for ((a, b), i) in batched_events.iter().zip(&separate_events).zip(recorded) {
        assert_eq!(
            (
                a.claim,
                a.plan,
                a.provider,
                a.member,
                a.status,
                a.denial,
                a.payer_amount,
                a.member_amount,
                &a.lines
            ),
            (
                b.claim,
                b.plan,
                b.provider,
                b.member,
                b.status,
                b.denial,
                b.payer_amount,
                b.member_amount,
                &b.lines
            )
        );
        assert_eq!(b.reference, None);
        assert_eq!(a.reference, batch[i].reference);
    }
    assert!(batched_events
        .iter()
        .any(|e| e.status == ClaimStatus::Paid && e.payer_amount > 0));

    // Every claim, the escrow and the provider's balance agree.
    for id in 1..=9u64 {
        let a: Option<Claim> = batched
            .chain
            .query(&batched.claims, call_data(selector_bytes!("claim"), (id,)));
        let b: Option<Claim> = separate
            .chain
            .query(&separate.claims, call_data(selector_bytes!("claim"), (id,)));
        assert_eq!(a, b, "claim {id}");
    }
    let statuses: Vec<(ClaimStatus, Option<Carc>)> = (1..=9u64)
        .filter_map(|id| {
            batched
                .chain
                .query::<Option<Claim>>(&batched.claims, call_data(selector_bytes!("claim"), (id,)))
        })
        .map(|c| (c.status, c.denial))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (ClaimStatus::Paid, None),
            (ClaimStatus::Denied, Some(Carc::Duplicate)),
            (ClaimStatus::Paid, None),
            (ClaimStatus::Denied, Some(Carc::NoCareRelationship)),
            (ClaimStatus::PendingReview, None),
            (ClaimStatus::Denied, Some(Carc::ProviderNotEligible)),
            (ClaimStatus::Denied, Some(Carc::NotInsured)),
            (ClaimStatus::Denied, Some(Carc::NotCovered)),
            (ClaimStatus::Paid, None),
        ]
    );
    assert_eq!(escrow(&mut batched), escrow(&mut separate));
    assert_eq!(
        batched.chain.balance(&account(PROVIDER)),
        separate.chain.balance(&account(PROVIDER))
    );

    // Sent again: every reference is recognised, nothing is adjudicated twice.
    let again = batched.chain.call::<Res<Vec<Res<u64>>>>(
        &batched.claims,
        &account(PAYER),
        call_data(selector_bytes!("submit_claims"), (batch,)),
    );
    let again = again.value.expect("batch accepted");
    assert_eq!(again.len(), 12);
    assert!(again
        .iter()
        .enumerate()
        .all(|(i, r)| if results[i].is_ok() {
            *r == Err(Error::ReferenceUsed)
        } else {
            *r == results[i]
        }));
    let by_reference: Option<u64> = batched.chain.query(
        &batched.claims,
        call_data(
            selector_bytes!("claim_by_reference"),
            (
                1u32,
                ink_account(&account(PROVIDER)),
                ink::primitives::Hash::from([2u8; 32]),
            ),
        ),
    );
    assert_eq!(by_reference, Some(3));
    // The indexer rebuilds every claim's state from the events alone, batched or not.
    for w in [&mut batched, &mut separate] {
        let claims = w.claims.clone();
        assert!(w.chain.assert_claims_indexed(&claims) > 0);
    }
}

/// A batch of `MAX_CLAIMS_PER_BATCH` claims is more than ink!'s default 16 KiB input
/// buffer: the release build (scripts/build-contracts.sh, `INK_INPUT_BUFFER`) reads it
/// whole, and the claims land on the member's and the provider's paged lists in order.
#[test]
fn a_full_batch_larger_than_16_kib_is_read_and_listed() {
    let mut w = world();
    // A block's normal share, as a node allows one transaction.
    w.chain.set_gas_limit(1_500_000_000_000, 5 * 1024 * 1024);
    let now = w.chain.time();
    let batch: Vec<ClaimSubmission> = (0..claims_adjudication::MAX_CLAIMS_PER_BATCH)
        .map(|i| ClaimSubmission {
            request: request(
                PROVIDER,
                now - DAY,
                vec![line(b"99213", 100), line(b"80053", 40)],
            ),
            reference: Some([u8::try_from(i).expect("few"); 32].into()),
        })
        .collect();
    let data = call_data(selector_bytes!("submit_claims"), (batch,));
    assert!(data.len() > 16 * 1024, "{} bytes", data.len());
    let outcome = w
        .chain
        .call::<Res<Vec<Res<u64>>>>(&w.claims, &account(PROVIDER), data);
    let ids: Vec<u64> = outcome
        .value
        .expect("batch accepted")
        .into_iter()
        .map(|r| r.expect("recorded"))
        .collect();
    assert_eq!(ids, (1..=100).collect::<Vec<u64>>());
    // The first claim holds the services; the others are line-level duplicates.
    let provider_ids = |w: &mut World, offset: u32| -> Vec<u64> {
        w.chain
            .query::<Vec<Claim>>(
                &w.claims,
                call_data(
                    selector_bytes!("claims_of_provider"),
                    (ink_account(&account(PROVIDER)), offset, 50u32),
                ),
            )
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(provider_ids(&mut w, 0), (1..=50).collect::<Vec<u64>>());
    assert_eq!(provider_ids(&mut w, 50), (51..=100).collect::<Vec<u64>>());
    let member: Vec<Claim> = w.chain.query(
        &w.claims,
        call_data(
            selector_bytes!("claims_of_member"),
            (ink_account(&account(PATIENT)), 90u32, 50u32),
        ),
    );
    assert_eq!(
        member.iter().map(|c| c.id).collect::<Vec<_>>(),
        (91..=100).collect::<Vec<u64>>()
    );
    assert!(member[9]
        .lines
        .iter()
        .all(|l| l.adjustments.iter().any(|a| a.reason == Carc::Duplicate)));
}

/// Every event type of claims_adjudication, decoded with its metadata (not its Rust
/// types), each field checked once: a table of calls and the events each must emit.
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut w = world();
    let mut check = EventCheck::new();
    let claims = w.claims.clone();
    let (payer, provider, patient, adjuster) = (
        account(PAYER),
        account(PROVIDER),
        account(PATIENT),
        account(8),
    );
    let now = w.chain.time();
    fn call<T: Decode + core::fmt::Debug>(
        w: &mut World,
        check: &mut EventCheck,
        who: &drink::AccountId32,
        data: Vec<u8>,
        value: u128,
        events: &[String],
    ) -> T {
        let claims = w.claims.clone();
        w.chain
            .call_checked(check, &claims, who, data, value, events)
    }
    let t = terms(now);
    let r: Res<u32> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("create_plan"), (t,)),
        0,
        &[format!(
            "PlanCreated {{ plan: 2, payer: @2, terms: PlanTerms {{ deductible: 500, copay: 20, \
             coinsurance_bps: 2000, oop_max: 1000, timely_filing: {}, review_threshold: 1000000, \
             year_start: {}, max_units: 100 }} }}",
            90 * DAY,
            now - 100 * DAY
        )],
    );
    assert_eq!(r, Ok(2));
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99213", Some(100)), (*b"80053", None)];
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("set_fees"), (2u32, fees)),
        0,
        &[
            "FeeChanged { plan: 2, procedure: b\"99213\", fee: Some(100) }".into(),
            "FeeChanged { plan: 2, procedure: b\"80053\", fee: None }".into(),
        ],
    );
    assert_eq!(r, Ok(()));
    let coverage = Coverage {
        start: now - 60 * DAY,
        end: Some(now + 300 * DAY),
    };
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(
            selector_bytes!("enroll"),
            (2u32, ink_account(&patient), coverage),
        ),
        0,
        &[format!(
            "MemberEnrolled {{ plan: 2, member: @4, coverage: Coverage {{ start: {}, end: Some({}) }} }}",
            now - 60 * DAY,
            now + 300 * DAY
        )],
    );
    assert_eq!(r, Ok(()));
    let adjusters = |w: &mut World, check: &mut EventCheck, message: &str, active: bool| {
        let r: Res<()> = call(
            w,
            check,
            &payer,
            call_data(e2e_tests::selector(message), (2u32, ink_account(&adjuster))),
            0,
            &[format!(
                "AdjusterChanged {{ plan: 2, adjuster: @8, active: {active} }}"
            )],
        );
        assert_eq!(r, Ok(()));
    };
    adjusters(&mut w, &mut check, "add_adjuster", true);
    let r: Res<u128> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("fund"), (2u32,)),
        10_000,
        &["EscrowChanged { plan: 2, funded: 10000, withdrawn: 0, escrow: 10000 }".into()],
    );
    assert_eq!(r, Ok(10_000));
    let r: Res<u128> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("withdraw"), (2u32, 1_000u128)),
        0,
        &["EscrowChanged { plan: 2, funded: 0, withdrawn: 1000, escrow: 9000 }".into()],
    );
    assert_eq!(r, Ok(9_000));
    // A claim whose only line has no fee on the plan: denied as not covered, then
    // appealed by the provider and overturned.
    let mut request = request(PROVIDER, now - DAY, vec![line(b"80053", 50)]);
    request.plan = 2;
    let dx = line(b"80053", 50).diagnosis_commitment;
    let dx: String = dx.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let denied = {
        format!(
            "ClaimAdjudicated {{ claim: 1, plan: 2, provider: @3, member: @4, reference: None, \
             status: Denied, denial: Some(NotCovered), payer_amount: 0, member_amount: 0, \
             lines: [LineResult {{ line: ClaimLine {{ procedure: b\"80053\", \
             diagnosis_commitment: 0x{dx}, billed: 50, units: 1 }}, allowed: 0, payer_amount: 0, \
             member_amount: 0, adjustments: [Adjustment {{ group: ContractualObligation, \
             reason: NotCovered, amount: 50 }}] }}] }}"
        )
    };
    let r: Res<u64> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("submit_claim"), (request,)),
        0,
        &[denied],
    );
    assert_eq!(r, Ok(1));
    // The payer then lists the procedure at 40: the appeal reserves what an overturn
    // can cost (min(billed, fee)), and the overturned claim is priced again (the
    // deductible takes the 40 allowed; 10 over the fee schedule).
    let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"80053", Some(40))];
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &payer,
        call_data(selector_bytes!("set_fees"), (2u32, fees)),
        0,
        &["FeeChanged { plan: 2, procedure: b\"80053\", fee: Some(40) }".into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &provider,
        call_data(selector_bytes!("appeal"), (1u64, Hash::from([0x0a; 32]))),
        0,
        &["ClaimAppealed { claim: 1, evidence: [0x0a; 32], reserved: 40 }".into()],
    );
    assert_eq!(r, Ok(()));
    // The indexer has the claim under appeal too.
    assert!(w.chain.assert_claims_indexed(&claims) > 0);
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &adjuster,
        call_data(selector_bytes!("decide_appeal"), (1u64, true)),
        0,
        &[format!(
            "ClaimAdjudicated {{ claim: 1, plan: 2, provider: @3, member: @4, reference: None, \
             status: Paid, denial: None, payer_amount: 0, member_amount: 40, \
             lines: [LineResult {{ line: ClaimLine {{ procedure: b\"80053\", \
             diagnosis_commitment: 0x{dx}, billed: 50, units: 1 }}, allowed: 40, payer_amount: 0, \
             member_amount: 40, adjustments: [Adjustment {{ group: ContractualObligation, \
             reason: ExceedsFeeSchedule, amount: 10 }}, Adjustment {{ group: PatientResponsibility, \
             reason: Deductible, amount: 40 }}] }}] }}"
        )],
    );
    assert_eq!(r, Ok(()));
    // A claim denied as not covered (no fee for 99214), replaced by a corrected one
    // (claim frequency 7); another voided (frequency 8).
    let uncovered = |w: &mut World, check: &mut EventCheck, id: u64| {
        let mut denied = crate::request(PROVIDER, now - 2 * DAY, vec![line(b"99214", 70)]);
        denied.plan = 2;
        let r: Res<u64> = call(
            w,
            check,
            &provider,
            call_data(selector_bytes!("submit_claim"), (denied,)),
            0,
            &[format!(
                "ClaimAdjudicated {{ claim: {id}, plan: 2, provider: @3, member: @4, reference: None, \
                 status: Denied, denial: Some(NotCovered), payer_amount: 0, member_amount: 0, \
                 lines: [LineResult {{ line: ClaimLine {{ procedure: b\"99214\", \
                 diagnosis_commitment: 0x{dx}, billed: 70, units: 1 }}, allowed: 0, payer_amount: 0, \
                 member_amount: 0, adjustments: [Adjustment {{ group: ContractualObligation, \
                 reason: NotCovered, amount: 70 }}] }}] }}"
            )],
        );
        assert_eq!(r, Ok(id));
    };
    let voided = |id: u64| {
        format!(
            "ClaimAdjudicated {{ claim: {id}, plan: 2, provider: @3, member: @4, reference: None, \
             status: Voided, denial: Some(NotCovered), payer_amount: 0, member_amount: 0, \
             lines: [LineResult {{ line: ClaimLine {{ procedure: b\"99214\", \
             diagnosis_commitment: 0x{dx}, billed: 70, units: 1 }}, allowed: 0, payer_amount: 0, \
             member_amount: 0, adjustments: [Adjustment {{ group: ContractualObligation, \
             reason: NotCovered, amount: 70 }}] }}] }}"
        )
    };
    // The provider lets its payer relay its replacements and voids.
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &provider,
        call_data(
            selector_bytes!("set_corrector"),
            (ink_account(&payer), true),
        ),
        0,
        &["CorrectorChanged { provider: @3, corrector: @2, allowed: true }".into()],
    );
    assert_eq!(r, Ok(()));
    uncovered(&mut w, &mut check, 2);
    let mut corrected = crate::request(PROVIDER, now - 2 * DAY, vec![line(b"99213", 70)]);
    corrected.plan = 2;
    let replacement = ClaimSubmission {
        request: corrected,
        reference: Some(Hash::from([0x0b; 32])),
    };
    let r: Res<u64> = call(
        &mut w,
        &mut check,
        &provider,
        call_data(selector_bytes!("replace_claim"), (2u64, replacement)),
        0,
        &[
            voided(2),
            "ClaimVoided { claim: 2, replaced_by: Some(3), by: @3 }".into(),
            format!(
                "ClaimAdjudicated {{ claim: 3, plan: 2, provider: @3, member: @4, \
                 reference: Some([0x0b; 32]), status: Paid, denial: None, payer_amount: 0, \
                 member_amount: 70, lines: [LineResult {{ line: ClaimLine {{ procedure: b\"99213\", \
                 diagnosis_commitment: 0x{dx}, billed: 70, units: 1 }}, allowed: 70, payer_amount: 0, \
                 member_amount: 70, adjustments: [Adjustment {{ group: PatientResponsibility, \
                 reason: Deductible, amount: 70 }}] }}] }}"
            ),
        ],
    );
    assert_eq!(r, Ok(3));
    uncovered(&mut w, &mut check, 4);
    let r: Res<()> = call(
        &mut w,
        &mut check,
        &provider,
        call_data(selector_bytes!("void_claim"), (4u64,)),
        0,
        &[
            voided(4),
            "ClaimVoided { claim: 4, replaced_by: None, by: @3 }".into(),
        ],
    );
    assert_eq!(r, Ok(()));
    adjusters(&mut w, &mut check, "remove_adjuster", false);
    // Tokens sent outside `fund` are surplus the governor recovers.
    w.chain.mint(&claims, 777);
    let recover = Action::RecoverSurplus(ink_account(&account(9)));
    let out = apply_as(&mut w.chain, &claims, &operator(), recover);
    assert_eq!(out.value, Ok(()));
    check.expect(
        &out.decoded,
        &[
            "SurplusRecovered { to: @9, amount: 777 }",
            "ActionApplied { action: RecoverSurplus(@9), governor: @1 }",
        ],
    );
    check_governance_events(&mut w.chain, &claims, "claims_adjudication", &mut check);
    check.assert_all_checked("claims_adjudication");
    // The indexer rebuilds every claim's state from the events alone (appealed, decided,
    // replaced and voided claims among them).
    let claims = w.claims.clone();
    assert!(w.chain.assert_claims_indexed(&claims) > 0);
}
