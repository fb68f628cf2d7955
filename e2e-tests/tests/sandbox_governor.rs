//! governor on a real pallet-contracts (drink sandbox, release WASM): the consortium
//! upgrades the governor itself to revision 2 through its own operation (refused before
//! the threshold and the delay, a rival operation cancelled by the guardian, storage kept,
//! the new code observed); council changes through operations; calls to a target that
//! traps, obeys another governor, has no `apply` or is a plain account leave the
//! operation pending with the typed reason and change nothing; the guardian's pause
//! reaching a suite contract at once, lifted by an operation; every event type decoded
//! with the metadata.

use e2e_tests::events::EventCheck;
use e2e_tests::suite::{execute, propose_approved};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use governor::governor::{Call, Council, CouncilChange, Error, Operation, State};
use healthcare_traits::{Action, DAY, HOUR};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;

type Res<T> = Result<T, Error>;

/// Members @1, @2, @3 (two must approve), a one-hour delay, the canceller as guardian.
fn deploy(chain: &mut Sandbox, check: &mut EventCheck) -> drink::AccountId32 {
    let members: Vec<AccountId> = (1..=3).map(|n| ink_account(&account(n))).collect();
    chain.deploy_checked(
        check,
        "governor",
        &account(1),
        call_data(
            selector_bytes!("new"),
            (members, 2u32, HOUR, e2e_tests::guardian()),
        ),
        &[
            "GovernorCreated { council: Council { members: [Member { account: @1, term: 0 }, \
           Member { account: @2, term: 1 }, Member { account: @3, term: 2 }], threshold: 2, \
           delay: 3600000, guardian: @guardian, next_term: 3 } }",
        ],
    )
}

fn hex(hash: &Hash) -> String {
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn propose(
    chain: &mut Sandbox,
    governor: &drink::AccountId32,
    by: u8,
    calls: Vec<Call>,
    salt: u8,
) -> e2e_tests::Outcome<Res<Hash>> {
    chain.call(
        governor,
        &account(by),
        call_data(selector_bytes!("propose"), (calls, Hash::from([salt; 32]))),
    )
}

fn send(
    chain: &mut Sandbox,
    governor: &drink::AccountId32,
    by: &drink::AccountId32,
    message: [u8; 4],
    id: Hash,
) -> e2e_tests::Outcome<Res<()>> {
    chain.call(governor, by, call_data(message, (id,)))
}

fn operation(chain: &mut Sandbox, governor: &drink::AccountId32, id: Hash) -> Option<Operation> {
    chain.query(governor, call_data(selector_bytes!("operation"), (id,)))
}

#[test]
fn the_consortium_upgrades_its_governor_through_its_own_time_locked_operation() {
    let mut chain = Sandbox::new();
    let mut check = EventCheck::new();
    let t0 = chain.time();
    let governor = deploy(&mut chain, &mut check);
    let v2 = Hash::from(chain.upload("governor_v2", &account(1)));
    let version = |chain: &mut Sandbox| -> u16 {
        chain.query(&governor, call_data(selector_bytes!("code_version"), ()))
    };
    assert_eq!(version(&mut chain), 1);

    // A stranger and the guardian cannot propose.
    for who in [account(5), e2e_tests::guardian_account()] {
        let refused = chain.call::<Res<Hash>>(
            &governor,
            &who,
            call_data(
                selector_bytes!("propose"),
                (
                    vec![Call::Council(CouncilChange::Code(v2))],
                    Hash::from([1; 32]),
                ),
            ),
        );
        assert_eq!(refused.value, Err(Error::NotMember));
        assert!(refused.reverted && refused.decoded.is_empty());
    }

    // @1 proposes the upgrade; its proposal is its approval.
    let upgrade = vec![Call::Council(CouncilChange::Code(v2))];
    let proposed = propose(&mut chain, &governor, 1, upgrade.clone(), 1);
    let id = proposed.value.expect("propose");
    let expected_id: Hash = chain.query(
        &governor,
        call_data(
            selector_bytes!("operation_id"),
            (upgrade.clone(), Hash::from([1u8; 32])),
        ),
    );
    assert_eq!(id, expected_id);
    check.expect(
        &proposed.decoded,
        &[
            format!(
                "OperationProposed {{ id: 0x{}, proposer: @1, calls: [Council(Code(0x{}))], \
                 salt: [0x01; 32], expires_at: {} }}",
                hex(&id),
                hex(&v2),
                t0 + 14 * DAY
            ),
            format!(
                "OperationApproved {{ id: 0x{}, member: @1, approvals: 1 }}",
                hex(&id)
            ),
        ],
    );
    // Replayed with the same salt: refused.
    assert_eq!(
        propose(&mut chain, &governor, 2, upgrade.clone(), 1).value,
        Err(Error::AlreadyProposed)
    );
    // One approval of two: not executable.
    let early = send(
        &mut chain,
        &governor,
        &account(1),
        selector_bytes!("execute"),
        id,
    );
    assert_eq!(early.value, Err(Error::NotEnoughApprovals));
    assert!(early.reverted);

    // @2 approves, withdraws and approves again: queued for one hour from then.
    let approved = send(
        &mut chain,
        &governor,
        &account(2),
        selector_bytes!("approve"),
        id,
    );
    assert_eq!(approved.value, Ok(()));
    let revoked = send(
        &mut chain,
        &governor,
        &account(2),
        selector_bytes!("revoke_approval"),
        id,
    );
    check.expect(
        &revoked.decoded,
        &[format!(
            "ApprovalRevoked {{ id: 0x{}, member: @2, approvals: 1, still_queued: false }}",
            hex(&id)
        )],
    );
    chain.set_time(t0 + 10);
    let approved = send(
        &mut chain,
        &governor,
        &account(2),
        selector_bytes!("approve"),
        id,
    );
    assert_eq!(approved.value, Ok(()));
    check.expect(
        &approved.decoded,
        &[
            format!(
                "OperationApproved {{ id: 0x{}, member: @2, approvals: 2 }}",
                hex(&id)
            ),
            format!(
                "OperationQueued {{ id: 0x{}, ready_at: {}, expires_at: {} }}",
                hex(&id),
                t0 + 10 + HOUR,
                t0 + 10 + HOUR + 14 * DAY
            ),
        ],
    );

    // A rival operation (lowering the threshold to 1) is cancelled by the guardian.
    let rival = vec![Call::Council(CouncilChange::Threshold(1))];
    let rival_id = propose(&mut chain, &governor, 3, rival, 2)
        .value
        .expect("rival");
    let cancelled = send(
        &mut chain,
        &governor,
        &e2e_tests::guardian_account(),
        selector_bytes!("cancel"),
        rival_id,
    );
    check.expect(
        &cancelled.decoded,
        &[format!(
            "OperationCancelled {{ id: 0x{}, by: @guardian }}",
            hex(&rival_id)
        )],
    );
    // A council change that stays pending across the upgrade.
    let admit = vec![Call::Council(CouncilChange::AddMember(ink_account(
        &account(4),
    )))];
    let admit_id = propose(&mut chain, &governor, 3, admit, 3)
        .value
        .expect("admit");

    // Before the delay: refused, nothing changed.
    chain.set_time(t0 + 10 + HOUR - 1);
    let early = send(
        &mut chain,
        &governor,
        &account(3),
        selector_bytes!("execute"),
        id,
    );
    assert_eq!(early.value, Err(Error::NotReady));
    assert!(early.reverted && early.decoded.is_empty());
    assert_eq!(version(&mut chain), 1);

    // After it: any member executes; the governor runs revision 2 at the same address.
    chain.set_time(t0 + 10 + HOUR);
    let council_before: Council = chain.query(&governor, call_data(selector_bytes!("council"), ()));
    let done = send(
        &mut chain,
        &governor,
        &account(3),
        selector_bytes!("execute"),
        id,
    );
    assert_eq!(done.value, Ok(()));
    check.expect(
        &done.decoded,
        &[
            format!(
                "GovernorUpgraded {{ id: 0x{}, code_hash: 0x{} }}",
                hex(&id),
                hex(&v2)
            ),
            format!("OperationExecuted {{ id: 0x{}, by: @3 }}", hex(&id)),
        ],
    );
    assert_eq!(version(&mut chain), 2);
    // Its storage kept: the council, the pending operation, the history.
    let council_after: Council = chain.query(&governor, call_data(selector_bytes!("council"), ()));
    assert_eq!(council_after, council_before);
    let pending: Vec<Hash> = chain.query(
        &governor,
        call_data(selector_bytes!("pending"), (0u32, 10u32)),
    );
    assert_eq!(pending, vec![admit_id]);
    assert_eq!(
        operation(&mut chain, &governor, id).map(|o| o.state),
        Some(State::Executed)
    );
    assert_eq!(
        send(
            &mut chain,
            &governor,
            &account(1),
            selector_bytes!("execute"),
            id
        )
        .value,
        Err(Error::AlreadyExecuted)
    );

    // Revision 2 runs the pending council change: @4 becomes a member.
    let approved = send(
        &mut chain,
        &governor,
        &account(1),
        selector_bytes!("approve"),
        admit_id,
    );
    assert_eq!(approved.value, Ok(()));
    chain.set_time(t0 + 10 + 2 * HOUR);
    let admitted = send(
        &mut chain,
        &governor,
        &account(4),
        selector_bytes!("execute"),
        admit_id,
    );
    assert_eq!(admitted.value, Err(Error::NotMember), "not yet a member");
    let admitted = send(
        &mut chain,
        &governor,
        &account(2),
        selector_bytes!("execute"),
        admit_id,
    );
    check.expect(
        &admitted.decoded,
        &[
            format!(
                "CouncilChanged {{ id: 0x{}, council: Council {{ members: [Member {{ account: @1, \
                 term: 0 }}, Member {{ account: @2, term: 1 }}, Member {{ account: @3, term: 2 }}, \
                 Member {{ account: @4, term: 3 }}], threshold: 2, delay: 3600000, guardian: \
                 @guardian, next_term: 4 }} }}",
                hex(&admit_id)
            ),
            format!("OperationExecuted {{ id: 0x{}, by: @2 }}", hex(&admit_id)),
        ],
    );
    let is_member: bool = chain.query(
        &governor,
        call_data(selector_bytes!("is_member"), (ink_account(&account(4)),)),
    );
    assert!(is_member);

    // An operation nobody else approves expires, and anyone clears it.
    let lonely = propose(
        &mut chain,
        &governor,
        4,
        vec![Call::Council(CouncilChange::Delay(DAY))],
        4,
    )
    .value
    .expect("propose");
    chain.set_time(t0 + 10 + 2 * HOUR + 14 * DAY);
    let cleared = send(
        &mut chain,
        &governor,
        &account(9),
        selector_bytes!("expire"),
        lonely,
    );
    check.expect(
        &cleared.decoded,
        &[format!("OperationExpired {{ id: 0x{} }}", hex(&lonely))],
    );
    // TargetPaused: `a_guardian_pause_reaches_a_governed_contract_at_once`. ActionApplied
    // is the governed contracts' event, which ink! 5 lists in the metadata of every
    // contract linking healthcare_traits; each contract's sandbox test checks it.
    check.assert_all_checked_but("governor", &["TargetPaused", "ActionApplied"]);
}

#[test]
fn a_target_that_traps_obeys_another_governor_or_is_no_governed_contract_leaves_the_operation_pending(
) {
    let mut chain = Sandbox::new();
    let mut check = EventCheck::new();
    let governor = deploy(&mut chain, &mut check);
    let trapping = chain.deploy(
        "trapping_peer",
        &account(1),
        call_data(selector_bytes!("new"), ()),
    );
    // A suite contract that obeys another governor (the operator's account).
    let registry = e2e_tests::suite::deploy_credentials(&mut chain);
    let token = chain.deploy(
        "baseline_token",
        &account(1),
        call_data(selector_bytes!("new"), (1_000u128,)),
    );
    let plain = account(7);
    let guardian = e2e_tests::guardian_account();
    let cases = [
        (&trapping, Error::TargetTrapped(0)),
        (
            &registry,
            Error::TargetRefused(0, healthcare_traits::ApplyError::NotGovernor),
        ),
        (&token, Error::TargetUnreachable(0)),
        (&plain, Error::TargetUnreachable(0)),
    ];
    for (n, (target, error)) in cases.into_iter().enumerate() {
        // The guardian's pause is refused with the reason.
        let paused = chain.call::<Res<()>>(
            &governor,
            &guardian,
            call_data(selector_bytes!("pause"), (ink_account(target),)),
        );
        assert_eq!(paused.value, Err(error));
        assert!(paused.reverted && paused.decoded.is_empty());
        // An operation pausing it runs at once once approved, and fails the same way.
        let calls = vec![Call::Apply(ink_account(target), Action::Pause)];
        let id = propose_approved(&mut chain, &governor, calls, n as u8);
        let failed = execute(&mut chain, &governor, &account(1), id);
        assert_eq!(failed.value, Err(error));
        assert!(failed.reverted && failed.decoded.is_empty());
        let op = operation(&mut chain, &governor, id).expect("known");
        assert_eq!((op.state, op.approvals.len()), (State::Pending, 2));
    }
    // A member is no guardian.
    let refused = chain.call::<Res<()>>(
        &governor,
        &account(1),
        call_data(selector_bytes!("pause"), (ink_account(&trapping),)),
    );
    assert_eq!(refused.value, Err(Error::NotGuardian));
}

#[test]
fn a_guardian_pause_reaches_a_governed_contract_at_once() {
    let mut chain = Sandbox::new();
    let mut check = EventCheck::new();
    let governor = deploy(&mut chain, &mut check);
    let registry = chain.deploy(
        "staff_credentials",
        &account(1),
        call_data(
            selector_bytes!("new"),
            (
                ink_account(&governor),
                Vec::<(AccountId, healthcare_traits::KindSet)>::new(),
            ),
        ),
    );
    let paused = chain.call::<Res<()>>(
        &governor,
        &e2e_tests::guardian_account(),
        call_data(selector_bytes!("pause"), (ink_account(&registry),)),
    );
    assert_eq!(paused.value, Ok(()));
    check.expect(
        &paused.decoded,
        &[
            "ActionApplied { action: Pause, governor: @governor }",
            "TargetPaused { target: @staff_credentials, by: @guardian }",
        ],
    );
    let is_paused: bool = chain.query(&registry, call_data(selector_bytes!("paused"), ()));
    assert!(is_paused);
    // Paused twice: the registry's refusal, reported.
    let again = chain.call::<Res<()>>(
        &governor,
        &e2e_tests::guardian_account(),
        call_data(selector_bytes!("pause"), (ink_account(&registry),)),
    );
    assert_eq!(
        again.value,
        Err(Error::TargetRefused(
            0,
            healthcare_traits::ApplyError::Paused
        ))
    );
    // The members lift it with an operation of its own, at once once approved.
    let unpause = vec![Call::Apply(ink_account(&registry), Action::Unpause)];
    let id = propose_approved(&mut chain, &governor, unpause, 9);
    let done = execute(&mut chain, &governor, &account(2), id);
    assert_eq!(done.value, Ok(()));
    let is_paused: bool = chain.query(&registry, call_data(selector_bytes!("paused"), ()));
    assert!(!is_paused);
}
