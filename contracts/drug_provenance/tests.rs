//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, unauthorised callers, and a
//! property-style test of quantity conservation.
//!
//! The off-chain engine cannot make cross-contract calls, so the licences each account
//! holds are set with [`set_licences`]; the real call to staff_credentials runs in the
//! drink sandbox tests of `e2e-tests`.

use crate::drug_provenance::*;
use crate::gs1::{is_valid_gtin14, is_valid_lot};
use healthcare_traits::{Change, CredentialKind, KindSet, PeerError, PeerRole, DAY, HOUR};
use ink::env::test::{self, DefaultAccounts};
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static LICENCES: RefCell<HashMap<AccountId, core::result::Result<KindSet, PeerError>>> =
        RefCell::new(HashMap::new());
}

/// The kinds the (mocked) staff_credentials says `account` holds now.
pub(crate) fn set_licences(account: AccountId, held: core::result::Result<KindSet, PeerError>) {
    LICENCES.with(|l| l.borrow_mut().insert(account, held));
}

/// Used by the contract under `cfg(test)` instead of the cross-contract call.
pub(crate) fn licences_of(account: AccountId) -> core::result::Result<KindSet, PeerError> {
    LICENCES.with(|l| {
        l.borrow()
            .get(&account)
            .copied()
            .unwrap_or(Ok(KindSet::EMPTY))
    })
}

const T0: u64 = 1_000 * DAY;
const GTIN: Gtin = *b"00012345678905";

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
fn kinds(k: CredentialKind) -> core::result::Result<KindSet, PeerError> {
    Ok(KindSet::of(&[k]))
}

fn request(lot: &[u8]) -> BatchRequest {
    BatchRequest {
        gtin: GTIN,
        lot: lot.to_vec(),
        expiry: T0 + 365 * DAY,
        quantity: 1_000,
        manufactured_at: T0 - DAY,
        metadata_hash: Hash::from([5; 32]),
        min_temp: 200,
        max_temp: 800,
        excursion_budget_secs: 3_600,
    }
}

/// alice owns the contract; bob is a licensed manufacturer, charlie a wholesaler,
/// django a pharmacy; eve holds nothing. The caller is bob.
fn setup() -> DrugProvenance {
    let a = accounts();
    set_licences(a.bob, kinds(CredentialKind::ManufacturerLicence));
    set_licences(
        a.charlie,
        kinds(CredentialKind::WholesaleDistributorLicence),
    );
    set_licences(a.django, kinds(CredentialKind::PharmacyLicence));
    caller(a.alice);
    now(T0);
    let c = DrugProvenance::new(a.frank, DELAY, vec![]).expect("new");
    caller(a.bob);
    c
}

const DELAY: u64 = 60_000;

/// As the owner, proposes `change`, waits the delay and executes it; the clock goes back
/// and the caller becomes `back`.
fn enact(c: &mut DrugProvenance, change: Change, back: AccountId) {
    caller(accounts().alice);
    let id = c.propose_change(change).expect("propose");
    let start = ink::env::block_timestamp::<Env>();
    now(start + DELAY);
    c.execute_change(id).expect("execute");
    now(start);
    caller(back);
}

/// `setup` plus batch 1 (1000 units, lot "L1") held by bob.
fn with_batch() -> DrugProvenance {
    let mut c = setup();
    assert_eq!(c.register_batch(request(b"L1")), Ok(1));
    c
}

/// Sum of every holder's holding of the batch.
fn held(c: &DrugProvenance, batch: BatchId) -> u64 {
    c.holders(batch, 0, u32::MAX).iter().map(|(_, q)| q).sum()
}

fn conserved(c: &DrugProvenance, batch: BatchId) -> bool {
    let b = c.batch(batch).expect("batch");
    held(c, batch) + b.in_transit + b.dispensed + b.destroyed == b.quantity
}

// -------------------------------------------------------------------------- gs1

#[test]
fn gtin_check_digit() {
    assert!(is_valid_gtin14(b"00012345678905"));
    assert!(is_valid_gtin14(b"10012345678902"));
    assert!(is_valid_gtin14(b"00360002914522"));
    assert!(!is_valid_gtin14(b"00012345678904"));
    assert!(!is_valid_gtin14(b"0001234567890A"));
    assert!(is_valid_lot(b"LOT-2026-01"));
    assert!(!is_valid_lot(b""));
    assert!(!is_valid_lot(b"has space"));
    assert!(!is_valid_lot(&[b'A'; 21]));
}

// ------------------------------------------------------------------------ admin

#[ink::test]
fn admin_messages_are_owner_only() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.owner(), a.alice);
    assert_eq!(c.credentials_contract(), a.frank);
    assert_eq!(c.pending_owner(), None);
    assert_eq!(c.change_delay(), DELAY);
    let to_eve = Change::Peer(PeerRole::Credentials, a.eve);
    assert_eq!(c.transfer_ownership(a.bob), Err(Error::NotOwner));
    assert_eq!(c.accept_ownership(), Err(Error::NotPendingOwner));
    assert_eq!(c.pause(), Err(Error::NotOwner));
    assert_eq!(c.unpause(), Err(Error::NotOwner));
    assert_eq!(c.propose_change(to_eve), Err(Error::NotOwner));
    assert_eq!(c.execute_change(1), Err(Error::NotOwner));
    assert_eq!(c.cancel_change(1), Err(Error::NotOwner));
    assert_eq!(c.remove_regulator(a.eve), Err(Error::NotOwner));

    caller(a.alice);
    for unsupported in [
        Change::Peer(PeerRole::Consent, a.eve),
        Change::Issuer(a.eve, KindSet::CLINICIAN),
    ] {
        assert_eq!(c.propose_change(unsupported), Err(Error::UnsupportedChange));
    }
    let id = c.propose_change(to_eve).expect("propose");
    assert_eq!(c.execute_change(id), Err(Error::TooEarly));
    enact(&mut c, Change::Regulator(a.eve), a.alice);
    assert!(c.is_regulator(a.eve));
    assert_eq!(c.credentials_contract(), a.frank);
    now(T0 + DELAY);
    c.execute_change(id).expect("execute");
    assert_eq!(c.credentials_contract(), a.eve);
    // Appointing a regulator twice fails when executed (nothing changes).
    let twice = c.propose_change(Change::Regulator(a.eve)).expect("propose");
    now(T0 + 2 * DELAY);
    assert_eq!(c.execute_change(twice), Err(Error::RegulatorExists));
    c.remove_regulator(a.eve).expect("remove at once");
    assert_eq!(c.remove_regulator(a.eve), Err(Error::UnknownRegulator));
    assert!(!c.is_regulator(a.eve));
    assert_eq!(c.unpause(), Err(Error::NotPaused));
    c.transfer_ownership(a.django).expect("propose");
    caller(a.django);
    c.accept_ownership().expect("accept");
    assert_eq!(c.owner(), a.django);
}

#[ink::test]
fn constructor_refusals() {
    let a = accounts();
    caller(a.alice);
    assert_eq!(
        DrugProvenance::new(a.frank, 31 * DAY, vec![]).err(),
        Some(Error::InvalidDelay)
    );
    assert_eq!(
        DrugProvenance::new(a.frank, 0, vec![a.eve, a.eve]).err(),
        Some(Error::RegulatorExists)
    );
    let c = DrugProvenance::new(a.frank, 0, vec![a.django]).expect("new");
    assert!(c.is_regulator(a.django));
}

#[ink::test]
fn pause_blocks_custody_but_never_a_recall() {
    let a = accounts();
    let mut c = with_batch();
    let shipment = c.ship(1, a.charlie, 10).expect("ship");
    caller(a.alice);
    c.pause().expect("pause");
    assert!(c.paused());
    caller(a.bob);
    assert_eq!(c.register_batch(request(b"L2")), Err(Error::Paused));
    assert_eq!(c.ship(1, a.charlie, 1), Err(Error::Paused));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Paused));
    assert_eq!(c.destroy(1, 1, 0), Err(Error::Paused));
    assert_eq!(c.add_sensor(1, a.eve), Err(Error::Paused));
    assert_eq!(c.remove_sensor(1, a.eve), Err(Error::Paused));
    assert_eq!(c.submit_reading(1, T0, 500), Err(Error::Paused));
    caller(a.charlie);
    assert_eq!(c.receive(shipment), Err(Error::Paused));
    assert_eq!(c.reject(shipment), Err(Error::Paused));
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()).status,
        VerificationStatus::Authentic
    );
    // A recall makes patients safer: it works while paused.
    caller(a.bob);
    c.recall(1, 1).expect("recall while paused");
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()).status,
        VerificationStatus::Recalled
    );
}

// --------------------------------------------------------------------- register

#[ink::test]
fn register_batch_makes_the_manufacturer_first_holder() {
    let a = accounts();
    let mut c = setup();
    let before = events();
    let id = c.register_batch(request(b"L1")).expect("register");
    assert_eq!(events(), before + 1);
    let b = c.batch(id).expect("batch");
    assert_eq!(b.manufacturer, a.bob);
    assert_eq!(b.state, BatchState::Active);
    assert_eq!(c.holding(id, a.bob), 1_000);
    assert_eq!(c.holders(id, 0, 10), vec![(a.bob, 1_000)]);
    let h = c.history(id, 0, 10);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].kind, EventKind::Registered);
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()),
        Verification {
            status: VerificationStatus::Authentic,
            batch: Some(id),
            manufacturer: Some(a.bob),
            expiry: Some(T0 + 365 * DAY)
        }
    );
    assert_eq!(
        c.verify(GTIN, b"L9".to_vec()).status,
        VerificationStatus::Unknown
    );
    assert_eq!(c.batch(9), None);
    assert!(conserved(&c, id));
}

#[ink::test]
fn register_refusals() {
    let a = accounts();
    let mut c = setup();
    let mut r = request(b"L1");
    r.gtin = *b"00012345678904";
    assert_eq!(c.register_batch(r), Err(Error::InvalidGtin));
    assert_eq!(c.register_batch(request(b"")), Err(Error::InvalidLot));
    let mut r = request(b"L1");
    r.quantity = 0;
    assert_eq!(c.register_batch(r), Err(Error::ZeroQuantity));
    let mut r = request(b"L1");
    r.expiry = T0;
    assert_eq!(c.register_batch(r), Err(Error::InvalidExpiry));
    let mut r = request(b"L1");
    r.manufactured_at = T0 + 1;
    assert_eq!(c.register_batch(r), Err(Error::ManufacturedInFuture));
    let mut r = request(b"L1");
    r.min_temp = r.max_temp;
    assert_eq!(c.register_batch(r), Err(Error::InvalidTemperatureRange));
    c.register_batch(request(b"L1")).expect("first");
    assert_eq!(c.register_batch(request(b"L1")), Err(Error::DuplicateLot));
    // Not a manufacturer, or the credential contract fails.
    caller(a.charlie);
    assert_eq!(
        c.register_batch(request(b"L2")),
        Err(Error::ManufacturerNotLicensed)
    );
    set_licences(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        c.register_batch(request(b"L2")),
        Err(Error::CredentialContractUnreachable)
    );
    set_licences(a.charlie, Err(PeerError::Trapped));
    assert_eq!(
        c.register_batch(request(b"L2")),
        Err(Error::CredentialContractTrapped)
    );
    assert_eq!(
        c.verify(GTIN, b"L2".to_vec()).status,
        VerificationStatus::Unknown
    );
}

// ---------------------------------------------------------------------- custody

#[ink::test]
fn manufacturer_to_wholesaler_to_pharmacy_to_patient() {
    let a = accounts();
    let mut c = with_batch();
    let s1 = c.ship(1, a.charlie, 600).expect("ship to wholesaler");
    assert_eq!(c.batch(1).expect("b").in_transit, 600);
    assert_eq!(c.shipment(s1).expect("s").state, ShipmentState::Pending);
    assert!(conserved(&c, 1));
    caller(a.charlie);
    c.receive(s1).expect("receive");
    assert_eq!(c.holding(1, a.charlie), 600);
    assert_eq!(c.shipment(s1).expect("s").state, ShipmentState::Received);
    let s2 = c.ship(1, a.django, 100).expect("ship to pharmacy");
    caller(a.django);
    c.receive(s2).expect("pharmacy receives");
    let before = events();
    c.dispense(1, 3, Some(Hash::from([9; 32])))
        .expect("dispense");
    assert_eq!(events(), before + 1);
    assert_eq!(c.holding(1, a.django), 97);
    assert_eq!(c.batch(1).expect("b").dispensed, 3);
    assert!(conserved(&c, 1));
    assert_eq!(
        c.holders(1, 0, 10),
        vec![(a.bob, 400), (a.charlie, 500), (a.django, 97)]
    );
    let kinds: Vec<_> = c.history(1, 0, 10).iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Registered,
            EventKind::Shipped,
            EventKind::Received,
            EventKind::Shipped,
            EventKind::Received,
            EventKind::Dispensed
        ]
    );
    assert_eq!(c.history(1, 5, 10).len(), 1);
}

#[ink::test]
fn shipping_refusals() {
    let a = accounts();
    let mut c = with_batch();
    assert_eq!(c.ship(9, a.charlie, 1), Err(Error::UnknownBatch));
    assert_eq!(c.ship(1, a.eve, 1), Err(Error::RecipientNotLicensed));
    assert_eq!(c.ship(1, a.bob, 1), Err(Error::SelfShipment));
    assert_eq!(c.ship(1, a.charlie, 0), Err(Error::ZeroQuantity));
    assert_eq!(
        c.ship(1, a.charlie, 1_001),
        Err(Error::InsufficientQuantity)
    );
    set_licences(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        c.ship(1, a.charlie, 1),
        Err(Error::CredentialContractUnreachable)
    );
    assert_eq!(c.holding(1, a.bob), 1_000, "nothing moved");
    caller(a.eve);
    assert_eq!(c.ship(1, a.django, 1), Err(Error::NotHolder));
}

#[ink::test]
fn receiving_refusals_and_rejection() {
    let a = accounts();
    let mut c = with_batch();
    let s = c.ship(1, a.charlie, 50).expect("ship");
    assert_eq!(c.receive(s), Err(Error::NotRecipient));
    assert_eq!(c.reject(s), Err(Error::NotRecipient));
    caller(a.charlie);
    assert_eq!(c.receive(99), Err(Error::UnknownShipment));
    // The licence is re-checked on receipt.
    set_licences(a.charlie, Ok(KindSet::EMPTY));
    assert_eq!(c.receive(s), Err(Error::RecipientNotLicensed));
    // Rejecting returns the units to the sender.
    c.reject(s).expect("reject");
    assert_eq!(c.holding(1, a.bob), 1_000);
    assert_eq!(c.batch(1).expect("b").in_transit, 0);
    assert_eq!(c.receive(s), Err(Error::ShipmentClosed));
    assert_eq!(c.reject(s), Err(Error::ShipmentClosed));
    assert!(conserved(&c, 1));
}

#[ink::test]
fn dispensing_needs_a_pharmacy_and_an_unexpired_batch() {
    let a = accounts();
    let mut c = with_batch();
    // The manufacturer is no pharmacy.
    assert_eq!(c.dispense(1, 1, None), Err(Error::PharmacyNotLicensed));
    let s = c.ship(1, a.django, 10).expect("ship");
    caller(a.django);
    c.receive(s).expect("receive");
    assert_eq!(c.dispense(1, 11, None), Err(Error::InsufficientQuantity));
    set_licences(a.eve, kinds(CredentialKind::PharmacyLicence));
    caller(a.eve);
    assert_eq!(c.dispense(1, 1, None), Err(Error::NotHolder));
    caller(a.django);
    assert_eq!(c.dispense(1, 0, None), Err(Error::ZeroQuantity));
    now(T0 + 365 * DAY);
    assert_eq!(c.dispense(1, 1, None), Err(Error::Expired));
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()).status,
        VerificationStatus::Expired
    );
    caller(a.django);
    assert_eq!(c.ship(1, a.charlie, 1), Err(Error::Expired));
    // Expired stock can be destroyed.
    c.destroy(1, 9, 3).expect("destroy");
    assert_eq!(c.batch(1).expect("b").destroyed, 9);
    assert!(conserved(&c, 1));
    assert_eq!(c.destroy(1, 2, 3), Err(Error::InsufficientQuantity));
    c.destroy(1, 1, 3).expect("destroy the last unit");
    assert_eq!(c.destroy(1, 1, 3), Err(Error::NotHolder));
    caller(a.eve);
    assert_eq!(c.destroy(1, 1, 3), Err(Error::NotHolder));
    assert_eq!(c.destroy(9, 1, 3), Err(Error::UnknownBatch));
}

// ------------------------------------------------------------------- cold chain

#[ink::test]
fn excursion_over_budget_quarantines() {
    let a = accounts();
    let mut c = with_batch();
    // Only the manufacturer appoints sensors.
    caller(a.charlie);
    assert_eq!(c.add_sensor(1, a.eve), Err(Error::NotManufacturer));
    assert_eq!(c.remove_sensor(1, a.eve), Err(Error::NotManufacturer));
    caller(a.bob);
    assert_eq!(c.add_sensor(9, a.eve), Err(Error::UnknownBatch));
    c.add_sensor(1, a.eve).expect("sensor");
    assert!(c.is_sensor(1, a.eve));
    caller(a.frank);
    assert_eq!(c.submit_reading(1, T0, 500), Err(Error::NotSensor));

    caller(a.eve);
    now(T0 + 10 * HOUR);
    assert_eq!(
        c.submit_reading(1, T0 + 11 * HOUR, 500),
        Err(Error::InvalidReading)
    );
    assert_eq!(c.submit_reading(1, T0, 500), Ok(0));
    assert_eq!(c.submit_reading(1, T0, 500), Err(Error::InvalidReading));
    // Out of range from T0+1h; 30 min later back in range: 30 min used.
    assert_eq!(c.submit_reading(1, T0 + HOUR, 1_200), Ok(0));
    assert_eq!(c.submit_reading(1, T0 + HOUR + HOUR / 2, 500), Ok(HOUR / 2));
    assert_eq!(c.batch(1).expect("b").state, BatchState::Active);
    // Out of range again for 40 min: 70 min > 60 min budget.
    c.submit_reading(1, T0 + 2 * HOUR, -100).expect("cold");
    assert_eq!(
        c.submit_reading(1, T0 + 2 * HOUR + 40 * 60_000, 500),
        Ok(70 * 60_000)
    );
    assert_eq!(c.batch(1).expect("b").state, BatchState::Quarantined);
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()).status,
        VerificationStatus::Quarantined
    );
    caller(a.bob);
    assert_eq!(c.ship(1, a.charlie, 1), Err(Error::Quarantined));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Quarantined));
    let kinds: Vec<_> = c.history(1, 0, 10).iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Registered,
            EventKind::Excursion,
            EventKind::Excursion,
            EventKind::QuarantinedForExcursion
        ]
    );
    c.remove_sensor(1, a.eve).expect("remove");
    assert_eq!(c.remove_sensor(1, a.eve), Err(Error::NotSensor));
    caller(a.eve);
    assert_eq!(
        c.submit_reading(1, T0 + 3 * HOUR, 500),
        Err(Error::NotSensor)
    );
}

#[ink::test]
fn removing_a_sensor_does_not_hide_an_open_excursion() {
    let a = accounts();
    let mut c = with_batch();
    c.add_sensor(1, a.eve).expect("sensor");
    caller(a.eve);
    c.submit_reading(1, T0, 1_500).expect("too warm");
    now(T0 + 2 * HOUR);
    caller(a.bob);
    c.remove_sensor(1, a.eve).expect("remove");
    let b = c.batch(1).expect("b");
    assert_eq!(b.excursion_ms, 2 * HOUR);
    assert_eq!(b.state, BatchState::Quarantined);
    // Re-adding it starts a fresh sensor; the excursion stays counted.
    c.add_sensor(1, a.eve).expect("again");
    assert_eq!(c.batch(1).expect("b").excursion_ms, 2 * HOUR);
}

// ----------------------------------------------------------------------- recall

#[ink::test]
fn recall_freezes_the_batch() {
    let a = accounts();
    let mut c = with_batch();
    let s = c.ship(1, a.charlie, 10).expect("ship");
    let s2 = c.ship(1, a.charlie, 10).expect("ship");
    caller(a.charlie);
    assert_eq!(c.recall(1, 1), Err(Error::NotRecallAuthority));
    enact(&mut c, Change::Regulator(a.frank), a.frank);
    assert_eq!(c.recall(9, 1), Err(Error::UnknownBatch));
    c.recall(1, 77).expect("regulator recalls");
    caller(a.alice);
    c.remove_regulator(a.frank).expect("remove regulator");
    caller(a.frank);
    assert_eq!(c.recall(1, 1), Err(Error::NotRecallAuthority));
    assert_eq!(c.batch(1).expect("b").recall_reason, Some(77));
    caller(a.bob);
    assert_eq!(c.recall(1, 1), Err(Error::AlreadyRecalled));
    assert_eq!(c.ship(1, a.charlie, 1), Err(Error::Recalled));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Recalled));
    caller(a.charlie);
    assert_eq!(c.receive(s), Err(Error::Recalled));
    c.reject(s).expect("returns are allowed");
    assert_eq!(
        c.verify(GTIN, b"L1".to_vec()).status,
        VerificationStatus::Recalled
    );
    // Holders stay queryable; stock can be destroyed.
    assert_eq!(c.holders(1, 0, 10), vec![(a.bob, 990)]);
    caller(a.bob);
    c.destroy(1, 990, 1).expect("destroy recalled stock");
    assert!(conserved(&c, 1));
    let b = c.batch(1).expect("b");
    assert_eq!((b.in_transit, b.destroyed), (10, 990));
    let _ = s2;
}

#[ink::test]
fn manufacturer_recalls_its_own_batch() {
    let mut c = with_batch();
    c.recall(1, 5).expect("manufacturer recalls");
    assert_eq!(c.batch(1).expect("b").state, BatchState::Recalled);
}

#[ink::test]
fn counter_overflow_is_an_error() {
    let a = accounts();
    let mut c = with_batch();
    c.set_counters(u64::MAX);
    assert_eq!(c.register_batch(request(b"L2")), Err(Error::Overflow));
    assert_eq!(c.ship(1, a.charlie, 1), Err(Error::Overflow));
}

// ---------------------------------------------------------------- conservation

/// A random walk of ship / receive / reject / dispense / destroy among five parties;
/// after every step (accepted or refused) the batch's units are all accounted for.
#[ink::test]
fn quantity_is_conserved_over_random_operations() {
    let a = accounts();
    let mut c = with_batch();
    // charlie wholesaler, django and eve pharmacies, frank unlicensed.
    set_licences(a.eve, kinds(CredentialKind::PharmacyLicence));
    let parties = [a.bob, a.charlie, a.django, a.eve, a.frank];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut pending: Vec<ShipmentId> = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for step in 0..400 {
        let actor = parties[next(5) as usize];
        caller(actor);
        let quantity = next(120);
        let result = match next(5) {
            0 => c
                .ship(1, parties[next(5) as usize], quantity)
                .map(|id| pending.push(id)),
            1 | 2 if !pending.is_empty() => {
                let s = pending[next(pending.len() as u64) as usize];
                let to = c.shipment(s).expect("s").to;
                caller(to);
                let r = if next(3) == 0 {
                    c.reject(s)
                } else {
                    c.receive(s)
                };
                if r.is_ok() {
                    pending.retain(|p| *p != s);
                }
                r
            }
            3 => c.dispense(1, quantity, None),
            _ => c.destroy(1, quantity / 4, 0),
        };
        if result.is_ok() {
            accepted += 1;
        } else {
            refused += 1;
        }
        assert!(conserved(&c, 1), "step {step}: {result:?}");
        let b = c.batch(1).expect("b");
        let open: u64 = pending
            .iter()
            .map(|s| c.shipment(*s).expect("s").quantity)
            .sum();
        assert_eq!(b.in_transit, open, "step {step}");
    }
    assert!(
        accepted > 50 && refused > 50,
        "{accepted} accepted, {refused} refused"
    );
}
