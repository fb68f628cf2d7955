//! drug_provenance with a real staff_credentials on pallet-contracts (drink sandbox,
//! release WASM): manufacturer → wholesaler → pharmacy → dispense, an unlicensed
//! recipient, a recall, a cold-chain quarantine, and `verify` in every state.

use drug_provenance::drug_provenance::{BatchRequest, Error, Verification, VerificationStatus};
use e2e_tests::suite::{
    assert_code_change_succeeds, assert_unknown_code_refused, deploy_credentials, issue, operator,
};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::{CredentialKind, DAY, HOUR};
use ink::primitives::Hash;
use ink::selector_bytes;

type Res<T> = Result<T, Error>;
const GTIN: [u8; 14] = *b"00012345678905";

fn request(lot: &[u8], now: u64, expiry: u64) -> BatchRequest {
    BatchRequest {
        gtin: GTIN,
        lot: lot.to_vec(),
        expiry,
        quantity: 500,
        manufactured_at: now - DAY,
        metadata_hash: Hash::from([4; 32]),
        min_temp: 200,
        max_temp: 800,
        excursion_budget_secs: 1_800,
    }
}

fn verify(chain: &mut Sandbox, contract: &drink::AccountId32, lot: &[u8]) -> VerificationStatus {
    let v: Verification = chain.query(
        contract,
        call_data(selector_bytes!("verify"), (GTIN, lot.to_vec())),
    );
    v.status
}

#[test]
fn supply_chain_across_contracts() {
    let mut chain = Sandbox::new();
    let (maker, wholesaler, pharmacy, stranger, sensor) =
        (account(2), account(3), account(4), account(5), account(6));
    let credentials = deploy_credentials(&mut chain);
    let provenance = chain.deploy(
        "drug_provenance",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (
                ink_account(&credentials),
                0u64,
                Vec::<ink::primitives::AccountId>::new(),
            ),
        ),
    );
    let now = chain.time();

    // Not yet licensed: registration refused.
    let refused = chain.call::<Res<u64>>(
        &provenance,
        &maker,
        call_data(
            selector_bytes!("register_batch"),
            (request(b"L1", now, now + 365 * DAY),),
        ),
    );
    assert_eq!(refused.value, Err(Error::ManufacturerNotLicensed));
    assert_eq!(
        verify(&mut chain, &provenance, b"L1"),
        VerificationStatus::Unknown
    );

    issue(
        &mut chain,
        &credentials,
        &maker,
        CredentialKind::ManufacturerLicence,
    );
    issue(
        &mut chain,
        &credentials,
        &wholesaler,
        CredentialKind::WholesaleDistributorLicence,
    );
    issue(
        &mut chain,
        &credentials,
        &pharmacy,
        CredentialKind::PharmacyLicence,
    );

    let registered = chain.call::<Res<u64>>(
        &provenance,
        &maker,
        call_data(
            selector_bytes!("register_batch"),
            (request(b"L1", now, now + 365 * DAY),),
        ),
    );
    assert_eq!(registered.value, Ok(1));
    assert_eq!(
        verify(&mut chain, &provenance, b"L1"),
        VerificationStatus::Authentic
    );

    // An unlicensed recipient is refused; nothing moves.
    let to_stranger = chain.call::<Res<u64>>(
        &provenance,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&stranger), 10u64),
        ),
    );
    assert_eq!(to_stranger.value, Err(Error::RecipientNotLicensed));
    assert!(to_stranger.reverted);

    // Manufacturer → wholesaler → pharmacy → patient.
    let step = |chain: &mut Sandbox, who: &drink::AccountId32, data: Vec<u8>| {
        let outcome = chain.call::<Res<u64>>(&provenance, who, data);
        outcome.value.expect("step")
    };
    let s1 = step(
        &mut chain,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&wholesaler), 100u64),
        ),
    );
    let received = chain.call::<Res<()>>(
        &provenance,
        &wholesaler,
        call_data(selector_bytes!("receive"), (s1,)),
    );
    assert_eq!(received.value, Ok(()));
    let s2 = step(
        &mut chain,
        &wholesaler,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&pharmacy), 10u64),
        ),
    );
    let received = chain.call::<Res<()>>(
        &provenance,
        &pharmacy,
        call_data(selector_bytes!("receive"), (s2,)),
    );
    assert_eq!(received.value, Ok(()));
    let dispensed = chain.call::<Res<()>>(
        &provenance,
        &pharmacy,
        call_data(
            selector_bytes!("dispense"),
            (1u64, 2u64, Some(Hash::from([8; 32]))),
        ),
    );
    assert_eq!(dispensed.value, Ok(()));
    let holders: Vec<(ink::primitives::AccountId, u64)> = chain.query(
        &provenance,
        call_data(selector_bytes!("holders"), (1u64, 0u32, 10u32)),
    );
    assert_eq!(
        holders,
        vec![
            (ink_account(&maker), 400),
            (ink_account(&wholesaler), 90),
            (ink_account(&pharmacy), 8)
        ]
    );

    // Cold chain: 40 minutes out of range against a 30-minute budget quarantines.
    let added = chain.call::<Res<()>>(
        &provenance,
        &maker,
        call_data(selector_bytes!("add_sensor"), (1u64, ink_account(&sensor))),
    );
    assert_eq!(added.value, Ok(()));
    chain.set_time(now + HOUR + HOUR / 3);
    for (t, value) in [
        (now + HOUR / 2, 1_500i32),
        (now + HOUR / 2 + 40 * 60_000, 500),
    ] {
        let read = chain.call::<Res<u64>>(
            &provenance,
            &sensor,
            call_data(selector_bytes!("submit_reading"), (1u64, t, value)),
        );
        assert!(read.value.is_ok());
    }
    assert_eq!(
        verify(&mut chain, &provenance, b"L1"),
        VerificationStatus::Quarantined
    );
    let frozen = chain.call::<Res<u64>>(
        &provenance,
        &wholesaler,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&pharmacy), 1u64),
        ),
    );
    assert_eq!(frozen.value, Err(Error::Quarantined));

    // A second lot is recalled: shipping, receiving and dispensing stop.
    let l2 = step(
        &mut chain,
        &maker,
        call_data(
            selector_bytes!("register_batch"),
            (request(b"L2", now, now + 365 * DAY),),
        ),
    );
    let s3 = step(
        &mut chain,
        &maker,
        call_data(selector_bytes!("ship"), (l2, ink_account(&pharmacy), 5u64)),
    );
    let recalled = chain.call::<Res<()>>(
        &provenance,
        &maker,
        call_data(selector_bytes!("recall"), (l2, 42u16)),
    );
    assert_eq!(recalled.value, Ok(()));
    assert_eq!(
        verify(&mut chain, &provenance, b"L2"),
        VerificationStatus::Recalled
    );
    let receive = chain.call::<Res<()>>(
        &provenance,
        &pharmacy,
        call_data(selector_bytes!("receive"), (s3,)),
    );
    assert_eq!(receive.value, Err(Error::Recalled));
    let ship = chain.call::<Res<u64>>(
        &provenance,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (l2, ink_account(&wholesaler), 1u64),
        ),
    );
    assert_eq!(ship.value, Err(Error::Recalled));

    // A third lot expires.
    step(
        &mut chain,
        &maker,
        call_data(
            selector_bytes!("register_batch"),
            (request(b"L3", now, now + 2 * HOUR),),
        ),
    );
    assert_eq!(
        verify(&mut chain, &provenance, b"L3"),
        VerificationStatus::Authentic
    );
    chain.set_time(now + 2 * HOUR);
    assert_eq!(
        verify(&mut chain, &provenance, b"L3"),
        VerificationStatus::Expired
    );
    assert_eq!(
        verify(&mut chain, &provenance, b"L9"),
        VerificationStatus::Unknown
    );
}

#[test]
fn code_changes_go_through_the_time_lock() {
    let mut chain = Sandbox::new();
    let provenance = chain.deploy(
        "drug_provenance",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (
                ink_account(&account(9)),
                0u64,
                Vec::<ink::primitives::AccountId>::new(),
            ),
        ),
    );
    assert_unknown_code_refused(&mut chain, &provenance, Error::CodeNotFound);
    assert_code_change_succeeds::<Error>(&mut chain, &provenance, "drug_provenance");
}
