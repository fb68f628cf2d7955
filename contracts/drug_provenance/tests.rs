//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Off-chain unit tests: every message, every error variant, unauthorised callers, the
//! DSCSA rules (trading partners both ways, GTIN owners, cold chain without blind spots,
//! suspect product, returns and partial receipts, payment on receipt), and a random
//! sequence checking quantity conservation and the escrow accounting after every step.
//!
//! The off-chain engine cannot make cross-contract calls, so the licences each account
//! holds are set with [`set_licences`] (answered per kind like the real registry); the
//! real call to staff_credentials runs in the drink sandbox tests of `e2e-tests`.

use crate::drug_provenance::*;
use crate::gs1::{is_valid_gtin14, is_valid_lot};
use healthcare_traits::governance::ActionApplied;
use healthcare_traits::testing::{accounts, caller, events, now};
use healthcare_traits::testing::{last_recorded, recorded};
use healthcare_traits::{
    stand_in, Action as Gov, ApplyError, CredentialKind, Governed, KindSet, PeerError, PeerRole,
    DAY, HOUR,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};

/// The kinds the stand-in staff_credentials (`healthcare_traits::stand_in`, asked through
/// the same `ask::any_valid_at` as in production) says `account` holds now, or the error
/// it fails with when asked about it.
pub(crate) fn set_licences(account: AccountId, held: core::result::Result<KindSet, PeerError>) {
    match held {
        Ok(kinds) => {
            stand_in::credentials_fail_for(account, None);
            stand_in::credential_kinds(account, kinds);
        }
        Err(error) => stand_in::credentials_fail_for(account, Some(error)),
    }
}

const T0: u64 = 1_000 * DAY;
const GTIN: Gtin = *b"00012345678905";
const PREFIX: &[u8] = b"0012345";
/// The off-chain engine's existential deposit: a balance is 0 or at least this.
pub(crate) const ED: u128 = 1_000_000;

/// The regulator (no default test account is left for it).
fn regulator() -> AccountId {
    AccountId::from([0x52; 32])
}
fn kinds(k: CredentialKind) -> core::result::Result<KindSet, PeerError> {
    Ok(KindSet::of(&[k]))
}
fn balance(account: AccountId) -> u128 {
    test::get_account_balance::<Env>(account).unwrap_or(0)
}
fn pay(amount: u128) {
    test::set_value_transferred::<Env>(amount);
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
        max_sensor_gap_secs: 0,
    }
}

/// alice stands for the governor contract; `regulator()` keeps the GTIN directory and gave bob the
/// company prefix of `GTIN`; bob is a licensed manufacturer, charlie a wholesaler,
/// django a pharmacy; eve holds nothing; frank is the credentials address. The caller is
/// bob.
fn setup() -> DrugProvenance {
    let a = accounts();
    set_licences(a.bob, kinds(CredentialKind::ManufacturerLicence));
    set_licences(
        a.charlie,
        kinds(CredentialKind::WholesaleDistributorLicence),
    );
    set_licences(a.django, kinds(CredentialKind::PharmacyLicence));
    now(T0);
    let mut c = DrugProvenance::new(a.alice, a.frank, vec![regulator()]).expect("new");
    caller(regulator());
    c.assign_prefix(PREFIX.to_vec(), a.bob).expect("prefix");
    caller(a.bob);
    c
}

/// As the governor, applies `action`; the caller is restored.
fn gov(c: &mut DrugProvenance, action: Gov) -> core::result::Result<(), ApplyError> {
    healthcare_traits::testing::as_caller(accounts().alice, || c.apply(action))
}

/// `setup` plus batch 1 (1000 units, lot "L1") held by bob.
fn with_batch() -> DrugProvenance {
    let mut c = setup();
    assert_eq!(c.register_batch(request(b"L1")), Ok(1));
    c
}

/// `with_batch` plus 100 units received by charlie from bob (shipment 1); the caller is
/// charlie.
fn at_wholesaler() -> DrugProvenance {
    let mut c = with_batch();
    let s = c.ship(1, accounts().charlie, 100, None).expect("ship");
    caller(accounts().charlie);
    c.receive(s, 100).expect("receive");
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

fn status(c: &DrugProvenance) -> VerificationStatus {
    c.verify(GTIN, b"L1".to_vec()).status
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
fn only_the_governor_applies_and_only_this_registrys_actions() {
    let a = accounts();
    let mut c = setup();
    assert_eq!(c.governor(), a.alice);
    assert_eq!(c.credentials_contract(), a.frank);
    assert!(c.is_regulator(regulator()));
    let to_eve = Gov::Peer(PeerRole::Credentials, a.eve);
    for action in [
        Gov::Pause,
        Gov::Unpause,
        to_eve,
        Gov::Regulator(a.eve),
        Gov::RemoveRegulator(regulator()),
        Gov::RecoverSurplus(a.bob),
    ] {
        assert_eq!(c.apply(action), Err(ApplyError::NotGovernor), "{action:?}");
    }
    for unsupported in [
        Gov::Peer(PeerRole::Consent, a.eve),
        Gov::Issuer(a.eve, KindSet::CLINICIAN),
        Gov::BreakGlass(1, 1, 1),
        Gov::SuspendCredential(1, 1),
    ] {
        assert_eq!(
            gov(&mut c, unsupported),
            Err(ApplyError::Unsupported),
            "{unsupported:?}"
        );
    }
    gov(&mut c, Gov::Regulator(a.eve)).expect("appoint");
    let changed = last_recorded::<RegulatorChanged>();
    assert_eq!((changed.regulator, changed.active), (a.eve, true));
    assert!(c.is_regulator(a.eve));
    assert_eq!(
        gov(&mut c, Gov::Regulator(a.eve)),
        Err(ApplyError::Invalid),
        "twice"
    );
    gov(&mut c, to_eve).expect("new credentials address");
    assert_eq!(c.credentials_contract(), a.eve);
    let applied = last_recorded::<ActionApplied>();
    assert_eq!((applied.action, applied.governor), (to_eve, a.alice));
    // Removing a regulator acts also while paused; appointing one does not.
    gov(&mut c, Gov::Pause).expect("pause");
    assert_eq!(
        gov(&mut c, Gov::Regulator(a.django)),
        Err(ApplyError::Paused)
    );
    gov(&mut c, Gov::RemoveRegulator(a.eve)).expect("remove while paused");
    assert_eq!(
        gov(&mut c, Gov::RemoveRegulator(a.eve)),
        Err(ApplyError::Invalid),
        "no longer a regulator"
    );
    assert!(!c.is_regulator(a.eve));
    let removed = last_recorded::<RegulatorChanged>();
    assert_eq!((removed.regulator, removed.active), (a.eve, false));
    gov(&mut c, Gov::Unpause).expect("unpause");
    assert_eq!(gov(&mut c, Gov::Unpause), Err(ApplyError::NotPaused));
}

#[ink::test]
fn constructor_refusals() {
    let a = accounts();
    assert_eq!(
        DrugProvenance::new(a.alice, a.frank, vec![a.eve, a.eve]).err(),
        Some(Error::RegulatorExists)
    );
    let c = DrugProvenance::new(a.alice, a.frank, vec![a.django]).expect("new");
    assert!(c.is_regulator(a.django));
}

#[ink::test]
fn pause_blocks_new_custody_and_payments_but_never_exits_or_safety_actions() {
    let a = accounts();
    let mut c = at_wholesaler();
    caller(a.bob);
    c.add_sensor(1, a.eve).expect("sensor");
    let shipment = c.ship(1, a.charlie, 10, Some(5)).expect("ship");
    let unpriced = c.ship(1, a.charlie, 5, None).expect("ship");
    let cancelled = c.ship(1, a.charlie, 3, None).expect("ship");
    gov(&mut c, Gov::Pause).expect("pause");
    assert!(c.paused());
    caller(a.bob);
    assert_eq!(c.register_batch(request(b"L2")), Err(Error::Paused));
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Paused));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Paused));
    assert_eq!(c.add_sensor(1, a.frank), Err(Error::Paused));
    assert_eq!(c.remove_sensor(1, a.eve), Err(Error::Paused));
    assert_eq!(
        c.lift_quarantine(1, Hash::from([1; 32])),
        Err(Error::Paused)
    );
    assert_eq!(
        c.clear_suspicion(1, Hash::from([1; 32])),
        Err(Error::Paused)
    );
    // Exits work while paused: the sender cancels a shipment under way, the recipient
    // receives an unpriced one and rejects a priced one (no new escrow while paused).
    c.cancel_shipment(cancelled).expect("cancel while paused");
    caller(a.charlie);
    pay(50);
    assert_eq!(c.escrow_payment(shipment), Err(Error::Paused));
    pay(0);
    assert_eq!(c.receive(shipment, 10), Err(Error::PaymentNotEscrowed));
    c.reject(shipment).expect("reject while paused");
    c.receive(unpriced, 5).expect("receive while paused");
    // Stock leaves circulation: returned and destroyed.
    let back = c.return_goods(1, a.bob, 1).expect("return while paused");
    c.destroy(1, 1, 0).expect("destroy while paused");
    caller(a.bob);
    c.receive(back, 1).expect("the manufacturer takes it back");
    caller(a.charlie);
    assert!(conserved(&c, 1));
    assert_eq!(status(&c), VerificationStatus::Authentic);
    // What makes patients safer works: readings, suspect flags, answers, declarations,
    // cold-chain checks and recalls.
    caller(a.eve);
    c.submit_reading(1, T0, 500).expect("reading while paused");
    caller(a.charlie);
    let investigation = c.flag_suspect(1).expect("flag while paused");
    caller(a.bob);
    c.respond_verification(investigation, false, Hash::from([2; 32]))
        .expect("answer while paused");
    c.check_cold_chain(1).expect("check while paused");
    c.recall(1, 1).expect("recall while paused");
    caller(regulator());
    c.declare_illegitimate(1, Hash::from([3; 32]))
        .expect("declaration while paused");
    assert_eq!(status(&c), VerificationStatus::Illegitimate);
}

// -------------------------------------------------------------- gtin directory

#[ink::test]
fn only_the_owner_of_a_company_prefix_registers_its_gtins() {
    let a = accounts();
    let mut c = setup();
    // A second licensed manufacturer cannot register bob's GTIN.
    set_licences(a.eve, kinds(CredentialKind::ManufacturerLicence));
    caller(a.eve);
    assert_eq!(c.register_batch(request(b"L1")), Err(Error::GtinNotOwned));
    // Only regulators keep the directory.
    assert_eq!(
        c.assign_prefix(b"0099999".to_vec(), a.eve),
        Err(Error::NotRegulator)
    );
    assert_eq!(c.revoke_prefix(PREFIX.to_vec()), Err(Error::NotRegulator));
    caller(regulator());
    assert_eq!(
        c.assign_prefix(b"00123".to_vec(), a.eve),
        Err(Error::InvalidPrefix)
    );
    assert_eq!(
        c.assign_prefix(b"00X2345".to_vec(), a.eve),
        Err(Error::InvalidPrefix)
    );
    assert_eq!(
        c.assign_prefix(PREFIX.to_vec(), a.eve),
        Err(Error::PrefixTaken)
    );
    assert_eq!(
        c.revoke_prefix(b"0099999".to_vec()),
        Err(Error::UnknownPrefix)
    );
    // A prefix that contains or extends bob's is refused (one GTIN, one owner).
    for overlapping in [&b"001234"[..], b"00123456", b"001234567890"] {
        assert_eq!(
            c.assign_prefix(overlapping.to_vec(), a.eve),
            Err(Error::PrefixOverlaps),
            "{overlapping:?}"
        );
    }
    c.assign_prefix(b"001235".to_vec(), a.eve)
        .expect("a neighbour");
    let before = events();
    c.assign_prefix(PREFIX.to_vec(), a.bob)
        .expect("assigning again to the owner is fine");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<PrefixChanged>();
    assert_eq!(
        (e.prefix, e.owner, e.by),
        (PREFIX.to_vec(), Some(a.bob), regulator())
    );
    assert_eq!(c.prefix_owner(PREFIX.to_vec()), Some(a.bob));
    // bob registers; once the prefix is withdrawn, no longer.
    caller(a.bob);
    c.register_batch(request(b"L1")).expect("owner registers");
    caller(regulator());
    c.revoke_prefix(PREFIX.to_vec()).expect("revoke");
    assert_eq!(c.prefix_owner(PREFIX.to_vec()), None);
    caller(a.bob);
    assert_eq!(c.register_batch(request(b"L2")), Err(Error::GtinNotOwned));
    // A longer prefix of the same GTIN can belong to another company.
    caller(regulator());
    c.assign_prefix(b"001234567".to_vec(), a.eve)
        .expect("assign");
    caller(a.eve);
    c.register_batch(request(b"L3"))
        .expect("eve owns a longer prefix");
}

// --------------------------------------------------------------------- register

#[ink::test]
fn register_batch_makes_the_manufacturer_first_holder() {
    let a = accounts();
    let mut c = setup();
    let before = events();
    let id = c.register_batch(request(b"L1")).expect("register");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<BatchRegistered>();
    let sent = request(b"L1");
    assert_eq!(
        (e.batch, e.manufacturer, e.gtin, e.lot, e.expiry, e.quantity),
        (id, a.bob, sent.gtin, sent.lot, sent.expiry, sent.quantity)
    );
    assert_eq!(
        (e.manufactured_at, e.metadata_hash, e.min_temp, e.max_temp),
        (
            sent.manufactured_at,
            sent.metadata_hash,
            sent.min_temp,
            sent.max_temp
        )
    );
    assert_eq!(
        (e.excursion_budget_secs, e.max_sensor_gap_secs),
        (sent.excursion_budget_secs, sent.max_sensor_gap_secs)
    );
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
            expiry: Some(T0 + 365 * DAY),
            excursion_ms: 0,
            sensors_silent: false,
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
    // Owning the prefix is not enough without a manufacturer licence, or when the
    // credentials contract fails.
    caller(regulator());
    c.assign_prefix(b"0012346".to_vec(), a.charlie)
        .expect("prefix for charlie");
    caller(a.charlie);
    let mut other = request(b"L2");
    other.gtin = *b"00012346000002";
    assert!(is_valid_gtin14(&other.gtin));
    assert_eq!(
        c.register_batch(other.clone()),
        Err(Error::ManufacturerNotLicensed)
    );
    set_licences(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        c.register_batch(other.clone()),
        Err(Error::CredentialContractUnreachable)
    );
    set_licences(a.charlie, Err(PeerError::Trapped));
    assert_eq!(
        c.register_batch(other),
        Err(Error::CredentialContractTrapped)
    );
}

// ---------------------------------------------------------------------- custody

#[ink::test]
fn manufacturer_to_wholesaler_to_pharmacy_to_patient() {
    let a = accounts();
    let mut c = with_batch();
    let s1 = c.ship(1, a.charlie, 600, None).expect("ship to wholesaler");
    assert_eq!(c.batch(1).expect("b").in_transit, 600);
    assert_eq!(c.shipment(s1).expect("s").state, ShipmentState::Pending);
    assert!(conserved(&c, 1));
    caller(a.charlie);
    c.receive(s1, 600).expect("receive");
    assert_eq!(c.holding(1, a.charlie), 600);
    assert_eq!(c.supplier_of(1, a.charlie), Some(a.bob));
    assert_eq!(c.shipment(s1).expect("s").state, ShipmentState::Received);
    let s2 = c.ship(1, a.django, 100, None).expect("ship to pharmacy");
    caller(a.django);
    c.receive(s2, 100).expect("pharmacy receives");
    let before = events();
    c.dispense(1, 3, Some(Hash::from([9; 32])))
        .expect("dispense");
    assert_eq!(events(), before + 1);
    let e = last_recorded::<Dispensed>();
    assert_eq!(
        (e.batch, e.pharmacy, e.quantity, e.prescription_hash),
        (1, a.django, 3, Some(Hash::from([9; 32])))
    );
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
fn trading_partners_are_checked_both_ways() {
    let a = accounts();
    let mut c = at_wholesaler();
    // The recipient must be a wholesaler or a pharmacy ...
    assert_eq!(c.ship(1, a.eve, 1, None), Err(Error::RecipientNotLicensed));
    // ... and the sender a manufacturer, wholesaler or pharmacy: charlie's licence
    // lapses, so it can no longer ship.
    set_licences(a.charlie, Ok(KindSet::EMPTY));
    assert_eq!(c.ship(1, a.django, 1, None), Err(Error::SenderNotLicensed));
    // A pharmacist's licence (a person's) is no trading partner's.
    set_licences(a.charlie, kinds(CredentialKind::PharmacistLicence));
    assert_eq!(c.ship(1, a.django, 1, None), Err(Error::SenderNotLicensed));
    set_licences(a.charlie, Err(PeerError::Trapped));
    assert_eq!(
        c.ship(1, a.django, 1, None),
        Err(Error::CredentialContractTrapped)
    );
    assert_eq!(c.holding(1, a.charlie), 100, "nothing moved");
}

#[ink::test]
fn shipping_refusals() {
    let a = accounts();
    let mut c = with_batch();
    assert_eq!(c.ship(9, a.charlie, 1, None), Err(Error::UnknownBatch));
    assert_eq!(c.ship(1, a.bob, 1, None), Err(Error::SelfShipment));
    assert_eq!(c.ship(1, a.charlie, 0, None), Err(Error::ZeroQuantity));
    assert_eq!(
        c.ship(1, a.charlie, 1_001, None),
        Err(Error::InsufficientQuantity)
    );
    assert_eq!(
        c.ship(1, a.charlie, 2, Some(u128::MAX)),
        Err(Error::Overflow),
        "a price no buyer could escrow"
    );
    set_licences(a.charlie, Err(PeerError::Unreachable));
    assert_eq!(
        c.ship(1, a.charlie, 1, None),
        Err(Error::CredentialContractUnreachable)
    );
    assert_eq!(c.holding(1, a.bob), 1_000, "nothing moved");
    caller(a.eve);
    assert_eq!(c.ship(1, a.django, 1, None), Err(Error::NotHolder));
}

#[ink::test]
fn receiving_in_part_rejecting_and_cancelling() {
    let a = accounts();
    let mut c = with_batch();
    let s = c.ship(1, a.charlie, 50, None).expect("ship");
    assert_eq!(c.receive(s, 50), Err(Error::NotRecipient));
    assert_eq!(c.reject(s), Err(Error::NotRecipient));
    caller(a.charlie);
    assert_eq!(c.receive(99, 1), Err(Error::UnknownShipment));
    assert_eq!(c.cancel_shipment(s), Err(Error::NotSender));
    assert_eq!(c.receive(s, 0), Err(Error::InvalidAcceptance));
    assert_eq!(c.receive(s, 51), Err(Error::InvalidAcceptance));
    // The licence is re-checked on receipt.
    set_licences(a.charlie, Ok(KindSet::EMPTY));
    assert_eq!(c.receive(s, 50), Err(Error::RecipientNotLicensed));
    set_licences(
        a.charlie,
        kinds(CredentialKind::WholesaleDistributorLicence),
    );
    // A shortage: 30 accepted, the 20 others go back to the sender.
    c.receive(s, 30).expect("partial receipt");
    assert_eq!(c.holding(1, a.charlie), 30);
    assert_eq!(c.holding(1, a.bob), 970);
    let shipment = c.shipment(s).expect("s");
    assert_eq!(
        (shipment.state, shipment.accepted),
        (ShipmentState::Received, 30)
    );
    assert_eq!(c.receive(s, 1), Err(Error::ShipmentClosed));
    assert_eq!(c.reject(s), Err(Error::ShipmentClosed));
    assert!(conserved(&c, 1));
    // Rejecting returns every unit.
    caller(a.bob);
    let s = c.ship(1, a.charlie, 40, None).expect("ship");
    caller(a.charlie);
    c.reject(s).expect("reject");
    assert_eq!(c.holding(1, a.bob), 970);
    // The sender cancels before receipt.
    caller(a.bob);
    let s = c.ship(1, a.charlie, 40, None).expect("ship");
    assert_eq!(c.batch(1).expect("b").in_transit, 40);
    c.cancel_shipment(s).expect("cancel");
    assert_eq!(c.cancel_shipment(s), Err(Error::ShipmentClosed));
    assert_eq!(c.shipment(s).expect("s").state, ShipmentState::Cancelled);
    assert_eq!(c.holding(1, a.bob), 970);
    assert_eq!(c.batch(1).expect("b").in_transit, 0);
    assert!(conserved(&c, 1));
    let kinds: Vec<_> = c.history(1, 0, 20).iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds[1..],
        [
            EventKind::Shipped,
            EventKind::Received,
            EventKind::Rejected,
            EventKind::Shipped,
            EventKind::Rejected,
            EventKind::Shipped,
            EventKind::Cancelled
        ]
    );
}

#[ink::test]
fn the_custody_history_names_each_steps_party_units_and_shipment() {
    let a = accounts();
    let mut c = with_batch();
    let step = |c: &DrugProvenance| {
        let h = c.history(1, 0, 200);
        let e = *h.last().expect("a step");
        (e.kind, e.actor, e.counterparty, e.quantity, e.reference)
    };
    assert_eq!(step(&c), (EventKind::Registered, a.bob, None, 1_000, 0));
    let sent = c.ship(1, a.charlie, 30, None).expect("ship");
    assert_eq!(
        step(&c),
        (EventKind::Shipped, a.bob, Some(a.charlie), 30, sent)
    );
    // A price of 0 is no price.
    let free = c.ship(1, a.charlie, 4, Some(0)).expect("ship");
    assert_eq!(c.shipment(free).expect("shipment").price_per_unit, None);
    let cancelled = c.ship(1, a.charlie, 5, None).expect("ship");
    c.cancel_shipment(cancelled).expect("cancel");
    assert_eq!(
        step(&c),
        (EventKind::Cancelled, a.bob, Some(a.charlie), 5, cancelled)
    );
    let rejected = c.ship(1, a.charlie, 7, None).expect("ship");
    caller(a.charlie);
    c.reject(rejected).expect("reject");
    assert_eq!(
        step(&c),
        (EventKind::Rejected, a.charlie, Some(a.bob), 7, rejected)
    );
    c.receive(sent, 30).expect("receive");
    assert_eq!(
        step(&c),
        (EventKind::Received, a.charlie, Some(a.bob), 30, sent)
    );
    // A partial receipt: the rest goes back to the sender, a step of its own.
    c.receive(free, 3).expect("receive in part");
    let h = c.history(1, 0, 200);
    let last_two: Vec<_> = h[h.len() - 2..]
        .iter()
        .map(|e| (e.kind, e.actor, e.counterparty, e.quantity, e.reference))
        .collect();
    assert_eq!(
        last_two,
        vec![
            (EventKind::Received, a.charlie, Some(a.bob), 3, free),
            (EventKind::Rejected, a.charlie, Some(a.bob), 1, free),
        ]
    );
    // Unpaid shipments settle nothing: no payment event for them.
    assert!(recorded::<PaymentReleased>().is_empty());
    let closed: Vec<_> = recorded::<ShipmentClosed>()
        .iter()
        .map(|e| (e.shipment, e.batch, e.state, e.accepted))
        .collect();
    assert_eq!(
        closed,
        vec![
            (cancelled, 1, ShipmentState::Cancelled, 0),
            (rejected, 1, ShipmentState::Rejected, 0),
            (sent, 1, ShipmentState::Received, 30),
            (free, 1, ShipmentState::Received, 3),
        ]
    );
    let investigation = c.flag_suspect(1).expect("flag");
    assert_eq!(
        step(&c),
        (EventKind::SuspectFlagged, a.charlie, None, 0, investigation)
    );
}

#[ink::test]
fn the_custody_history_names_units_reasons_answers_and_evidence() {
    let a = accounts();
    let mut c = with_batch();
    let step = |c: &DrugProvenance| {
        let e = *c.history(1, 0, 200).last().expect("a step");
        (e.kind, e.actor, e.quantity, e.reference, e.evidence)
    };
    let s = c.ship(1, a.django, 10, None).expect("ship");
    caller(a.django);
    c.receive(s, 10).expect("receive");
    c.dispense(1, 3, None).expect("dispense");
    assert_eq!(step(&c), (EventKind::Dispensed, a.django, 3, 0, None));
    c.destroy(1, 2, 7).expect("destroy");
    assert_eq!(step(&c), (EventKind::Destroyed, a.django, 2, 7, None));
    let (answer, cleared, declared) = (
        Hash::from([2; 32]),
        Hash::from([4; 32]),
        Hash::from([3; 32]),
    );
    let investigation = c.flag_suspect(1).expect("flag");
    caller(a.bob);
    c.respond_verification(investigation, true, answer)
        .expect("answer");
    assert_eq!(
        step(&c),
        (EventKind::VerificationResponded, a.bob, 0, 1, Some(answer))
    );
    caller(regulator());
    c.clear_suspicion(1, cleared).expect("clear");
    assert_eq!(
        step(&c),
        (
            EventKind::SuspicionCleared,
            regulator(),
            0,
            0,
            Some(cleared)
        )
    );
    caller(a.django);
    c.flag_suspect(1).expect("flag again");
    caller(regulator());
    c.declare_illegitimate(1, declared).expect("declare");
    assert_eq!(
        step(&c),
        (
            EventKind::DeclaredIllegitimate,
            regulator(),
            0,
            0,
            Some(declared)
        )
    );
    // A recall's reason.
    caller(a.bob);
    let other = c.register_batch(request(b"L2")).expect("register");
    c.recall(other, 9).expect("recall");
    let e = *c.history(other, 0, 10).last().expect("a step");
    assert_eq!(
        (e.kind, e.actor, e.reference),
        (EventKind::Recalled, a.bob, 9)
    );
}

#[ink::test]
fn a_dispenser_returns_product_to_its_supplier_or_the_manufacturer() {
    let a = accounts();
    let mut c = at_wholesaler();
    let s = c.ship(1, a.django, 20, None).expect("ship to pharmacy");
    caller(a.django);
    c.receive(s, 20).expect("receive");
    // Only to its supplier or the manufacturer.
    assert_eq!(c.return_goods(1, a.eve, 1), Err(Error::NotASupplier));
    assert_eq!(c.return_goods(1, a.django, 1), Err(Error::SelfShipment));
    let back = c.return_goods(1, a.charlie, 5).expect("to the supplier");
    assert!(c.shipment(back).expect("s").is_return);
    caller(a.charlie);
    c.receive(back, 5).expect("the supplier takes it back");
    // A recalled batch: nothing is sold on, but it goes back to the manufacturer.
    caller(a.bob);
    c.recall(1, 9).expect("recall");
    caller(a.django);
    assert_eq!(c.dispense(1, 1, None), Err(Error::Recalled));
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Recalled));
    let home = c.return_goods(1, a.bob, 15).expect("to the manufacturer");
    caller(a.bob);
    c.receive(home, 15).expect("the manufacturer takes it back");
    assert_eq!(c.holding(1, a.django), 0);
    // A normal shipment of a recalled batch cannot be received.
    caller(a.charlie);
    assert_eq!(c.ship(1, a.django, 1, None), Err(Error::Recalled));
    assert!(conserved(&c, 1));
}

#[ink::test]
fn dispensing_needs_a_pharmacy_and_an_unexpired_batch() {
    let a = accounts();
    let mut c = with_batch();
    // The manufacturer is no pharmacy.
    assert_eq!(c.dispense(1, 1, None), Err(Error::PharmacyNotLicensed));
    let s = c.ship(1, a.django, 10, None).expect("ship");
    caller(a.django);
    c.receive(s, 10).expect("receive");
    assert_eq!(c.dispense(1, 11, None), Err(Error::InsufficientQuantity));
    set_licences(a.eve, kinds(CredentialKind::PharmacyLicence));
    caller(a.eve);
    assert_eq!(c.dispense(1, 1, None), Err(Error::NotHolder));
    caller(a.django);
    assert_eq!(c.dispense(1, 0, None), Err(Error::ZeroQuantity));
    now(T0 + 365 * DAY);
    assert_eq!(c.dispense(1, 1, None), Err(Error::Expired));
    assert_eq!(status(&c), VerificationStatus::Expired);
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Expired));
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

// ------------------------------------------------------------ payment on receipt

#[ink::test]
fn payment_on_receipt() {
    let a = accounts();
    let mut c = with_batch();
    test::set_account_balance::<Env>(test::callee::<Env>(), ED);
    test::set_account_balance::<Env>(a.bob, ED);
    test::set_account_balance::<Env>(a.charlie, ED + 10_000);
    let s = c.ship(1, a.charlie, 100, Some(7)).expect("priced shipment");
    assert_eq!(c.shipment(s).expect("s").price_per_unit, Some(7));
    caller(a.charlie);
    // No receipt before the buyer's escrow.
    assert_eq!(c.receive(s, 100), Err(Error::PaymentNotEscrowed));
    pay(699);
    assert_eq!(c.escrow_payment(s), Err(Error::WrongAmount));
    caller(a.django);
    pay(700);
    assert_eq!(c.escrow_payment(s), Err(Error::NotRecipient));
    caller(a.charlie);
    c.escrow_payment(s).expect("escrow 700");
    // (the off-chain engine does not move transferred value: do it by hand)
    test::set_account_balance::<Env>(a.charlie, ED + 10_000 - 700);
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + 700);
    assert_eq!(c.escrow_payment(s), Err(Error::NothingToEscrow));
    pay(0);
    assert_eq!(c.held_funds(), (700, 0, 0));
    assert_eq!(c.shipment(s).expect("s").escrow, 700);
    // 90 accepted: the seller is paid 630, the buyer refunded 70.
    c.receive(s, 90).expect("receive");
    assert_eq!(balance(a.bob), ED + 630);
    assert_eq!(balance(a.charlie), ED + 10_000 - 630);
    assert_eq!(c.held_funds(), (0, 0, 0));
    assert_eq!(c.shipment(s).expect("s").escrow, 0);
    // Unpriced shipments have nothing to escrow.
    caller(a.bob);
    let free = c.ship(1, a.charlie, 1, None).expect("unpriced");
    caller(a.charlie);
    assert_eq!(c.escrow_payment(free), Err(Error::NothingToEscrow));
}

#[ink::test]
fn a_rejection_cancellation_or_recall_refunds_the_buyer() {
    let a = accounts();
    let mut c = with_batch();
    test::set_account_balance::<Env>(test::callee::<Env>(), ED);
    test::set_account_balance::<Env>(a.charlie, ED + 10_000);
    let escrowed = |c: &mut DrugProvenance, s: ShipmentId, amount: u128| {
        caller(a.charlie);
        pay(amount);
        c.escrow_payment(s).expect("escrow");
        pay(0);
        let contract = balance(test::callee::<Env>());
        test::set_account_balance::<Env>(test::callee::<Env>(), contract + amount);
        test::set_account_balance::<Env>(a.charlie, balance(a.charlie) - amount);
    };
    caller(a.bob);
    let rejected = c.ship(1, a.charlie, 10, Some(3)).expect("ship");
    escrowed(&mut c, rejected, 30);
    c.reject(rejected).expect("reject");
    assert_eq!(balance(a.charlie), ED + 10_000);
    caller(a.bob);
    let cancelled = c.ship(1, a.charlie, 10, Some(3)).expect("ship");
    escrowed(&mut c, cancelled, 30);
    caller(a.bob);
    c.cancel_shipment(cancelled).expect("cancel");
    assert_eq!(balance(a.charlie), ED + 10_000);
    // Recalled before receipt: the buyer cannot receive it, rejects it and gets it all.
    let recalled = c.ship(1, a.charlie, 10, Some(3)).expect("ship");
    escrowed(&mut c, recalled, 30);
    caller(a.bob);
    c.recall(1, 4).expect("recall");
    caller(a.charlie);
    assert_eq!(c.receive(recalled, 10), Err(Error::Recalled));
    c.reject(recalled).expect("reject");
    assert_eq!(balance(a.charlie), ED + 10_000);
    assert_eq!(c.held_funds(), (0, 0, 0));
    assert_eq!(balance(test::callee::<Env>()), ED);
    assert!(conserved(&c, 1));
}

#[ink::test]
fn a_seller_whose_licence_lapsed_before_receipt_is_not_paid_until_licensed_again() {
    let a = accounts();
    let mut c = with_batch();
    test::set_account_balance::<Env>(test::callee::<Env>(), ED);
    test::set_account_balance::<Env>(a.bob, ED);
    test::set_account_balance::<Env>(a.charlie, ED + 10_000);
    let escrowed = |c: &mut DrugProvenance| {
        caller(a.bob);
        let s = c.ship(1, a.charlie, 10, Some(3)).expect("ship");
        caller(a.charlie);
        pay(30);
        c.escrow_payment(s).expect("escrow");
        pay(0);
        let contract = balance(test::callee::<Env>());
        test::set_account_balance::<Env>(test::callee::<Env>(), contract + 30);
        test::set_account_balance::<Env>(a.charlie, balance(a.charlie) - 30);
        s
    };
    let first = escrowed(&mut c);
    let second = escrowed(&mut c);
    // The seller's licence lapses while the goods are in transit: the buyer still
    // receives (an exit), the units are its own, but the seller is not paid.
    set_licences(a.bob, Ok(KindSet::EMPTY));
    caller(a.charlie);
    c.receive(first, 8).expect("receive");
    assert_eq!(balance(a.bob), ED, "nothing paid to the unlicensed seller");
    assert_eq!(
        balance(a.charlie),
        ED + 10_000 - 60 + 6,
        "the shortage refunded"
    );
    assert_eq!(c.held_payment(first), 24);
    assert_eq!(c.held_funds(), (30, 0, 24));
    assert_eq!(c.surplus(), ED, "only the existential deposit is free");
    // Nobody releases it while the seller is unlicensed; nobody but a regulator
    // refunds it; only a held payment is released.
    assert_eq!(c.release_held_payment(first), Err(Error::SenderNotLicensed));
    assert_eq!(
        c.refund_held_payment(first, Hash::from([5; 32])),
        Err(Error::NotRegulator)
    );
    assert_eq!(c.release_held_payment(second), Err(Error::NoHeldPayment));
    assert_eq!(c.release_held_payment(99), Err(Error::UnknownShipment));
    // Licensed again: anyone releases it to the seller, once.
    set_licences(a.bob, kinds(CredentialKind::ManufacturerLicence));
    assert_eq!(c.release_held_payment(first), Ok(24));
    assert_eq!(balance(a.bob), ED + 24);
    assert_eq!(c.release_held_payment(first), Err(Error::NoHeldPayment));
    // Revoked for cause: a regulator refunds the second payment to the buyer, with
    // evidence.
    set_licences(a.bob, Ok(KindSet::EMPTY));
    c.receive(second, 10).expect("receive");
    assert_eq!(c.held_funds(), (0, 0, 30));
    caller(regulator());
    assert_eq!(
        c.refund_held_payment(second, Hash::from([0; 32])),
        Err(Error::NoEvidence)
    );
    let before = balance(a.charlie);
    assert_eq!(c.refund_held_payment(second, Hash::from([5; 32])), Ok(30));
    assert_eq!(balance(a.charlie), before + 30);
    assert_eq!(c.held_funds(), (0, 0, 0));
    assert_eq!(balance(test::callee::<Env>()), ED);
}

#[ink::test]
fn a_payout_that_cannot_be_transferred_is_owed_and_claimed() {
    let a = accounts();
    let mut c = with_batch();
    test::set_account_balance::<Env>(a.charlie, ED + 1_000);
    let s = c.ship(1, a.charlie, 10, Some(5)).expect("ship");
    caller(a.charlie);
    pay(50);
    c.escrow_payment(s).expect("escrow");
    pay(0);
    // The contract's balance is short (on chain: e.g. an amount below the existential
    // deposit to an empty account): the receipt still completes; the payout is owed.
    test::set_account_balance::<Env>(test::callee::<Env>(), 0);
    c.receive(s, 10).expect("receive");
    assert_eq!(c.payout_owed(a.bob), 50);
    assert_eq!(c.held_funds(), (0, 50, 0));
    caller(a.bob);
    assert_eq!(c.claim_payout(), Err(Error::TransferFailed));
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + 50);
    let before = balance(a.bob);
    assert_eq!(c.claim_payout(), Ok(50));
    assert_eq!(balance(a.bob), before + 50);
    assert_eq!(c.claim_payout(), Err(Error::NothingOwed));
    assert_eq!(c.held_funds(), (0, 0, 0));
}

#[ink::test]
fn tokens_sent_outside_escrow_are_recoverable_surplus() {
    let a = accounts();
    let mut c = with_batch();
    test::set_account_balance::<Env>(test::callee::<Env>(), ED + 500);
    // (the off-chain balance includes the existential deposit; the chain's does not)
    assert_eq!(c.surplus(), ED + 500);
    let before = balance(a.django);
    assert_eq!(
        c.apply(Gov::RecoverSurplus(a.django)),
        Err(ApplyError::NotGovernor)
    );
    assert_eq!(gov(&mut c, Gov::RecoverSurplus(a.django)), Ok(()));
    assert_eq!(balance(a.django), before + ED + 500);
    let recovered = last_recorded::<SurplusRecovered>();
    assert_eq!((recovered.to, recovered.amount), (a.django, ED + 500));
    assert_eq!(
        gov(&mut c, Gov::RecoverSurplus(a.django)),
        Err(ApplyError::Invalid),
        "nothing left to recover"
    );
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
    assert!(!c.is_sensor(1, a.frank));
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
    // The range's bounds are in range.
    assert_eq!(c.submit_reading(1, T0 + 10 * 60_000, 200), Ok(0));
    assert_eq!(c.submit_reading(1, T0 + 20 * 60_000, 800), Ok(0));
    // Out of range from T0+1h; 30 min later back in range: 30 min used.
    c.submit_reading(1, T0 + HOUR, 1_200).expect("warm");
    assert_eq!(c.submit_reading(1, T0 + HOUR + HOUR / 2, 500), Ok(HOUR / 2));
    assert_eq!(c.batch(1).expect("b").state, BatchState::Active);
    // Out of range again for 40 min: 70 min > 60 min budget.
    c.submit_reading(1, T0 + 2 * HOUR, -100).expect("cold");
    assert_eq!(
        c.submit_reading(1, T0 + 2 * HOUR + 40 * 60_000, 500),
        Ok(70 * 60_000)
    );
    assert_eq!(c.batch(1).expect("b").state, BatchState::Quarantined);
    assert_eq!(status(&c), VerificationStatus::Quarantined);
    caller(a.bob);
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Quarantined));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Quarantined));
    // Each excursion step carries the time out of range counted so far (ms), the
    // quarantine the total that exceeded the budget.
    let steps: Vec<_> = c
        .history(1, 0, 10)
        .iter()
        .map(|e| (e.kind, e.reference))
        .collect();
    assert_eq!(
        steps,
        vec![
            (EventKind::Registered, 0),
            (EventKind::Excursion, HOUR / 2),
            (EventKind::Excursion, 70 * 60_000),
            (EventKind::QuarantinedForExcursion, 70 * 60_000)
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
fn an_open_excursion_counts_up_to_now_without_a_new_reading() {
    let a = accounts();
    let mut c = at_wholesaler();
    caller(a.bob);
    let s = c.ship(1, a.charlie, 10, None).expect("ship");
    c.add_sensor(1, a.eve).expect("sensor");
    caller(a.eve);
    c.submit_reading(1, T0, 1_500)
        .expect("too warm, then silence");
    // 59 minutes later nothing is wrong yet ...
    now(T0 + 59 * 60_000);
    assert_eq!(status(&c), VerificationStatus::Authentic);
    assert_eq!(c.verify(GTIN, b"L1".to_vec()).excursion_ms, 59 * 60_000);
    // ... after the hour the budget is spent, though no reading came: verify, ship,
    // receive and dispense see it.
    now(T0 + HOUR + 1);
    assert_eq!(status(&c), VerificationStatus::Quarantined);
    caller(a.bob);
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Quarantined));
    caller(a.charlie);
    assert_eq!(c.receive(s, 10), Err(Error::Quarantined));
    assert_eq!(c.ship(1, a.django, 1, None), Err(Error::Quarantined));
    assert_eq!(
        c.batch(1).expect("b").state,
        BatchState::Active,
        "not written yet"
    );
    // Anyone records it.
    caller(a.frank);
    assert_eq!(c.check_cold_chain(1), Ok(BatchState::Quarantined));
    assert_eq!(c.batch(1).expect("b").state, BatchState::Quarantined);
    assert_eq!(c.check_cold_chain(9), Err(Error::UnknownBatch));
    // The quarantined shipment goes back; stock can be destroyed.
    caller(a.charlie);
    c.reject(s).expect("reject");
    c.destroy(1, 5, 1).expect("destroy");
    assert!(conserved(&c, 1));
}

#[ink::test]
fn a_quarantine_is_lifted_only_with_evidence_by_a_regulator() {
    let a = accounts();
    let mut c = with_batch();
    let evidence = Hash::from([7; 32]);
    caller(regulator());
    assert_eq!(c.lift_quarantine(1, evidence), Err(Error::NotQuarantined));
    caller(a.bob);
    c.add_sensor(1, a.eve).expect("sensor");
    caller(a.eve);
    c.submit_reading(1, T0, 1_500).expect("warm");
    now(T0 + 2 * HOUR);
    // Neither a holder nor the manufacturer itself lifts it; nor a regulator without
    // evidence.
    for who in [a.charlie, a.bob] {
        caller(who);
        assert_eq!(c.lift_quarantine(1, evidence), Err(Error::NotRegulator));
    }
    caller(regulator());
    assert_eq!(
        c.lift_quarantine(1, Hash::from([0; 32])),
        Err(Error::NoEvidence)
    );
    c.lift_quarantine(1, evidence)
        .expect("stability data clears it");
    assert_eq!(status(&c), VerificationStatus::Authentic);
    let last = c.history(1, 0, 20).pop().expect("event");
    assert_eq!(
        (last.kind, last.evidence),
        (EventKind::QuarantineLifted, Some(evidence))
    );
    // The open excursion counts again from the lift.
    now(T0 + 2 * HOUR + 30 * 60_000);
    assert_eq!(c.verify(GTIN, b"L1".to_vec()).excursion_ms, 30 * 60_000);
    now(T0 + 3 * HOUR + 1);
    assert_eq!(status(&c), VerificationStatus::Quarantined);
}

#[ink::test]
fn silent_sensors_show_in_verify_and_removal_does_not_hide_an_excursion() {
    let a = accounts();
    let mut c = setup();
    let mut r = request(b"L1");
    r.max_sensor_gap_secs = 900;
    c.register_batch(r).expect("register");
    assert!(!c.verify(GTIN, b"L1".to_vec()).sensors_silent, "no sensor");
    c.add_sensor(1, a.eve).expect("sensor");
    caller(a.eve);
    c.submit_reading(1, T0, 500).expect("reading");
    now(T0 + 15 * 60_000);
    assert!(!c.verify(GTIN, b"L1".to_vec()).sensors_silent);
    now(T0 + 15 * 60_000 + 1);
    assert!(c.verify(GTIN, b"L1".to_vec()).sensors_silent);
    c.submit_reading(1, T0 + 15 * 60_000, 1_500).expect("warm");
    assert!(!c.verify(GTIN, b"L1".to_vec()).sensors_silent);
    now(T0 + 15 * 60_000 + 2 * HOUR);
    caller(a.bob);
    c.remove_sensor(1, a.eve).expect("remove");
    let b = c.batch(1).expect("b");
    assert_eq!(b.excursion_ms, 2 * HOUR);
    assert_eq!(b.state, BatchState::Quarantined);
    // Re-adding it starts a fresh sensor; the excursion stays counted.
    c.add_sensor(1, a.eve).expect("again");
    assert_eq!(c.batch(1).expect("b").excursion_ms, 2 * HOUR);
}

// --------------------------------------------------------------- suspect product

#[ink::test]
fn suspect_product_is_quarantined_for_its_holder_and_investigated() {
    let a = accounts();
    let mut c = at_wholesaler();
    let s = c.ship(1, a.django, 20, None).expect("ship");
    caller(a.django);
    c.receive(s, 20).expect("receive");
    caller(a.eve);
    assert_eq!(c.flag_suspect(1), Err(Error::NotHolder));
    // The pharmacy flags its units: they are quarantined for it.
    caller(a.django);
    let before = events();
    let id = c.flag_suspect(1).expect("flag");
    assert_eq!(events(), before + 2, "InvestigationOpened, SuspectFlagged");
    let e = last_recorded::<InvestigationOpened>();
    assert_eq!(
        (e.investigation, e.batch, e.opened_by, e.respond_by),
        (id, 1, a.django, T0 + RESPONSE_WINDOW)
    );
    let e = last_recorded::<SuspectFlagged>();
    assert_eq!((e.investigation, e.batch, e.holder), (id, 1, a.django));
    assert!(c.is_suspect(1, a.django));
    assert!(!c.is_suspect(1, a.charlie));
    assert_eq!(c.dispense(1, 1, None), Err(Error::SuspectProduct));
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::SuspectProduct));
    // Nor back to its supplier (who could ship them on while the investigation is
    // open): suspect units go nowhere but to destruction.
    assert_eq!(c.return_goods(1, a.charlie, 5), Err(Error::SuspectProduct));
    assert_eq!(status(&c), VerificationStatus::Suspect);
    // A second holder's flag joins the same investigation.
    caller(a.charlie);
    assert_eq!(c.flag_suspect(1), Ok(id));
    assert!(c.is_suspect(1, a.charlie));
    assert_eq!(c.open_investigation_count(), 1);
    let investigation = c.investigation(id).expect("stored");
    assert_eq!(investigation.respond_by, T0 + RESPONSE_WINDOW);
    assert_eq!(c.open_investigations(0, 10), vec![(investigation, false)]);
    // 24 hours pass unanswered: overdue.
    now(T0 + RESPONSE_WINDOW + 1);
    assert!(c.open_investigations(0, 10)[0].1, "overdue");
    // Only the manufacturer answers, once; the late answer shows.
    assert_eq!(
        c.respond_verification(id, true, Hash::from([1; 32])),
        Err(Error::NotManufacturer)
    );
    caller(a.bob);
    assert_eq!(
        c.respond_verification(99, true, Hash::from([1; 32])),
        Err(Error::UnknownInvestigation)
    );
    c.respond_verification(id, true, Hash::from([1; 32]))
        .expect("answer");
    assert_eq!(
        c.respond_verification(id, true, Hash::from([1; 32])),
        Err(Error::AlreadyResponded)
    );
    let answered = c.investigation(id).expect("i");
    assert!(answered.answered_late());
    assert_eq!(answered.authentic, Some(true));
    assert!(
        !c.open_investigations(0, 10)[0].1,
        "answered: no longer overdue"
    );
    // Cleared by the regulator: the units are sellable again.
    caller(a.charlie);
    assert_eq!(
        c.clear_suspicion(1, Hash::from([2; 32])),
        Err(Error::NotRecallAuthority)
    );
    caller(regulator());
    c.clear_suspicion(1, Hash::from([2; 32])).expect("clear");
    assert_eq!(
        c.clear_suspicion(1, Hash::from([2; 32])),
        Err(Error::UnknownInvestigation)
    );
    assert_eq!(c.open_investigation_count(), 0);
    assert_eq!(
        c.investigation(id).expect("i").closed,
        Some((T0 + RESPONSE_WINDOW + 1, Outcome::Cleared))
    );
    assert!(!c.is_suspect(1, a.django));
    assert_eq!(status(&c), VerificationStatus::Authentic);
    caller(a.django);
    c.dispense(1, 1, None).expect("sellable again");
    caller(a.bob);
    assert_eq!(
        c.respond_verification(id, false, Hash::from([1; 32])),
        Err(Error::InvestigationClosed)
    );
}

#[ink::test]
fn closing_one_investigation_keeps_the_others_open_and_listed() {
    let a = accounts();
    let mut c = with_batch();
    assert_eq!(c.register_batch(request(b"L2")), Ok(2));
    assert_eq!(c.register_batch(request(b"L3")), Ok(3));
    let first = c.flag_suspect(1).expect("flag 1");
    let second = c.flag_suspect(2).expect("flag 2");
    let third = c.flag_suspect(3).expect("flag 3");
    let open = |c: &DrugProvenance| -> Vec<_> {
        c.open_investigations(0, 10)
            .iter()
            .map(|(i, _)| (i.id, i.batch))
            .collect()
    };
    assert_eq!(open(&c), vec![(first, 1), (second, 2), (third, 3)]);
    caller(regulator());
    // Closing one in the middle moves the last into its place.
    c.clear_suspicion(1, Hash::from([2; 32])).expect("clear 1");
    assert_eq!(c.open_investigation_count(), 2);
    assert_eq!(open(&c), vec![(third, 3), (second, 2)]);
    // The moved one still closes cleanly, and the last one too.
    c.clear_suspicion(3, Hash::from([2; 32])).expect("clear 3");
    assert_eq!(open(&c), vec![(second, 2)]);
    c.clear_suspicion(2, Hash::from([2; 32])).expect("clear 2");
    assert!(open(&c).is_empty());
    caller(a.bob);
    assert!(!c.is_suspect(3, a.bob));
}

#[ink::test]
fn suspect_units_follow_the_units_in_transit_and_reach_only_a_regulator() {
    let a = accounts();
    let mut c = at_wholesaler();
    // charlie ships to the pharmacy, then flags its stock of the batch while the
    // shipment is on its way: those units are suspect too, wherever they go.
    let on_the_way = c.ship(1, a.django, 20, None).expect("ship");
    let id = c.flag_suspect(1).expect("flag");
    caller(a.django);
    assert_eq!(c.receive(on_the_way, 20), Err(Error::SuspectProduct));
    assert_eq!(c.holding(1, a.django), 0);
    // The pharmacy's exit stays open: it rejects them, back to the suspect holder.
    c.reject(on_the_way).expect("reject");
    assert_eq!(c.holding(1, a.charlie), 100);
    // A return already under way when its sender flags: the supplier cannot take the
    // units in (and ship them on); the sender's own cancel stays open.
    caller(regulator());
    c.clear_suspicion(1, Hash::from([2; 32])).expect("clear");
    caller(a.charlie);
    let s = c.ship(1, a.django, 20, None).expect("ship");
    caller(a.django);
    c.receive(s, 20).expect("receive");
    let back = c.return_goods(1, a.charlie, 5).expect("return");
    let id2 = c.flag_suspect(1).expect("flag again");
    assert_ne!(id, id2, "a new investigation");
    caller(a.charlie);
    assert_eq!(c.receive(back, 5), Err(Error::SuspectProduct));
    caller(a.django);
    c.cancel_shipment(back).expect("cancel");
    // Suspect units go to a regulator (also while paused: a safety action), and stay
    // suspect there: nobody but the regulator receives them.
    assert_eq!(c.return_goods(1, a.charlie, 5), Err(Error::SuspectProduct));
    assert_eq!(c.return_goods(1, a.eve, 5), Err(Error::SuspectProduct));
    gov(&mut c, Gov::Pause).expect("pause");
    caller(a.django);
    let sample = c.return_goods(1, regulator(), 6).expect("to the regulator");
    caller(regulator());
    c.receive(sample, 6).expect("the regulator takes them");
    gov(&mut c, Gov::Unpause).expect("unpause");
    assert!(c.is_suspect(1, regulator()));
    assert_eq!(c.holding(1, regulator()), 6);
    caller(regulator());
    assert_eq!(c.return_goods(1, a.django, 1), Err(Error::SuspectProduct));
    c.destroy(1, 1, 3).expect("the regulator destroys a sample");
    // Cleared: the regulator sends the rest back to whoever surrendered them.
    c.clear_suspicion(1, Hash::from([3; 32])).expect("clear");
    assert!(!c.is_suspect(1, regulator()));
    let home = c
        .return_goods(1, a.django, 5)
        .expect("back to the pharmacy");
    caller(a.django);
    c.receive(home, 5).expect("received");
    c.dispense(1, 1, None).expect("sellable again");
    // Anyone may hand units to a regulator, suspect or not; the regulator sends units
    // back to each who surrendered some, and to nobody else.
    caller(a.charlie);
    let sample = c.return_goods(1, regulator(), 2).expect("a sample");
    caller(regulator());
    c.receive(sample, 2).expect("received");
    assert_eq!(c.return_goods(1, a.eve, 1), Err(Error::NotASupplier));
    let back = c
        .return_goods(1, a.django, 1)
        .expect("to the first surrenderer");
    let sample_back = c.return_goods(1, a.charlie, 1).expect("to the latest");
    caller(a.django);
    c.receive(back, 1).expect("received");
    caller(a.charlie);
    c.receive(sample_back, 1).expect("received");
    assert!(conserved(&c, 1));
}

#[ink::test]
fn illegitimate_product_is_frozen_everywhere_but_can_leave_circulation() {
    let a = accounts();
    let mut c = at_wholesaler();
    caller(a.charlie);
    let id = c.flag_suspect(1).expect("flag");
    caller(a.bob);
    c.respond_verification(id, false, Hash::from([1; 32]))
        .expect("not authentic");
    caller(a.django);
    assert_eq!(
        c.declare_illegitimate(1, Hash::from([3; 32])),
        Err(Error::NotRecallAuthority)
    );
    caller(regulator());
    c.declare_illegitimate(1, Hash::from([3; 32]))
        .expect("illegitimate");
    assert_eq!(
        c.declare_illegitimate(1, Hash::from([3; 32])),
        Err(Error::AlreadyIllegitimate)
    );
    assert_eq!(
        c.investigation(id).expect("i").closed.map(|(_, o)| o),
        Some(Outcome::Illegitimate)
    );
    assert_eq!(status(&c), VerificationStatus::Illegitimate);
    caller(a.bob);
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Illegitimate));
    assert_eq!(c.recall(1, 1), Err(Error::AlreadyIllegitimate));
    // Returned to the manufacturer and destroyed, never sold on.
    caller(a.charlie);
    let back = c.return_goods(1, a.bob, 60).expect("return");
    c.destroy(1, 40, 8).expect("destroy");
    caller(a.bob);
    c.receive(back, 60).expect("back home");
    c.destroy(1, 960, 8).expect("destroy");
    assert!(conserved(&c, 1));
    assert_eq!(c.batch(1).expect("b").destroyed, 1_000);
}

// ----------------------------------------------------------------------- recall

#[ink::test]
fn recall_freezes_the_batch() {
    let a = accounts();
    let mut c = with_batch();
    let s = c.ship(1, a.charlie, 10, None).expect("ship");
    caller(a.charlie);
    assert_eq!(c.recall(1, 1), Err(Error::NotRecallAuthority));
    caller(regulator());
    assert_eq!(c.recall(9, 1), Err(Error::UnknownBatch));
    c.recall(1, 77).expect("regulator recalls");
    gov(&mut c, Gov::RemoveRegulator(regulator())).expect("remove regulator");
    caller(regulator());
    assert_eq!(c.recall(1, 1), Err(Error::NotRecallAuthority));
    assert_eq!(c.batch(1).expect("b").recall_reason, Some(77));
    caller(a.bob);
    assert_eq!(c.recall(1, 1), Err(Error::AlreadyRecalled));
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Recalled));
    assert_eq!(c.dispense(1, 1, None), Err(Error::Recalled));
    caller(a.charlie);
    assert_eq!(c.receive(s, 10), Err(Error::Recalled));
    c.reject(s).expect("returns are allowed");
    assert_eq!(status(&c), VerificationStatus::Recalled);
    // Holders stay queryable; stock can be destroyed.
    assert_eq!(c.holders(1, 0, 10), vec![(a.bob, 1_000)]);
    caller(a.bob);
    c.destroy(1, 990, 1).expect("destroy recalled stock");
    assert!(conserved(&c, 1));
    assert_eq!(c.batch(1).expect("b").destroyed, 990);
}

#[ink::test]
fn counter_overflow_is_an_error() {
    let a = accounts();
    let mut c = at_wholesaler();
    c.set_counters(u64::MAX);
    caller(a.bob);
    let mut r = request(b"L2");
    r.quantity = 5;
    assert_eq!(c.register_batch(r), Err(Error::Overflow));
    assert_eq!(c.ship(1, a.charlie, 1, None), Err(Error::Overflow));
    caller(a.charlie);
    assert_eq!(c.flag_suspect(1), Err(Error::Overflow));
}

// ------------------------------------------------------- conservation and money

/// A random sequence of priced and unpriced shipments, escrows, full and partial
/// receipts, rejections, cancellations, returns, dispensing, destruction and a recall
/// among five parties; after every step (accepted or refused) the batch's units are all
/// accounted for, the open escrows add up to what the contract holds for them, and
/// nothing moves in a recalled batch but returns and destruction.
#[ink::test]
fn units_and_escrow_are_conserved_over_random_operations() {
    let a = accounts();
    let mut c = with_batch();
    // charlie wholesaler, django and eve pharmacies, frank unlicensed.
    set_licences(a.eve, kinds(CredentialKind::PharmacyLicence));
    let parties = [a.bob, a.charlie, a.django, a.eve, a.frank];
    for party in parties {
        test::set_account_balance::<Env>(party, ED + 1_000_000);
    }
    test::set_account_balance::<Env>(test::callee::<Env>(), ED);
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut shipments: Vec<ShipmentId> = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for step in 0..800 {
        let actor = parties[next(5) as usize];
        caller(actor);
        let quantity = next(120);
        let before = c.batch(1).expect("b");
        let result = match next(10) {
            0 | 1 => {
                let price = [None, Some(next(5) + 1)][next(2) as usize].map(u128::from);
                c.ship(1, parties[next(5) as usize], quantity, price)
                    .map(|id| shipments.push(id))
            }
            2 => c
                .return_goods(1, parties[next(5) as usize], quantity)
                .map(|id| shipments.push(id)),
            3..=5 if !shipments.is_empty() => {
                let s = shipments[next(shipments.len() as u64) as usize];
                let shipment = c.shipment(s).expect("s");
                match next(5) {
                    0 => {
                        caller(shipment.to);
                        let amount = shipment.amount().unwrap_or(0);
                        pay(amount);
                        let r = c.escrow_payment(s);
                        pay(0);
                        if r.is_ok() {
                            let buyer = balance(shipment.to);
                            test::set_account_balance::<Env>(shipment.to, buyer - amount);
                            let contract = balance(test::callee::<Env>());
                            test::set_account_balance::<Env>(
                                test::callee::<Env>(),
                                contract + amount,
                            );
                        }
                        r
                    }
                    1 => {
                        caller(shipment.to);
                        c.reject(s)
                    }
                    2 => {
                        caller(shipment.from);
                        c.cancel_shipment(s)
                    }
                    _ => {
                        caller(shipment.to);
                        let take = 1 + next(shipment.quantity.max(1));
                        c.receive(s, take)
                    }
                }
            }
            6 => c.dispense(1, quantity, None),
            7 => c.destroy(1, quantity / 4, 0),
            8 if step > 600 && before.state == BatchState::Active => c.recall(1, 1),
            _ => c.flag_suspect(1).map(|_| ()),
        };
        if result.is_ok() {
            accepted += 1;
        } else {
            refused += 1;
        }
        let b = c.batch(1).expect("b");
        assert!(conserved(&c, 1), "step {step}: {result:?}");
        let open: Vec<Shipment> = shipments
            .iter()
            .map(|s| c.shipment(*s).expect("s"))
            .filter(|s| s.state == ShipmentState::Pending)
            .collect();
        assert_eq!(
            b.in_transit,
            open.iter().map(|s| s.quantity).sum::<u64>(),
            "step {step}"
        );
        let escrows: u128 = open.iter().map(|s| s.escrow).sum();
        let (held_escrow, owed, held) = c.held_funds();
        assert_eq!(held_escrow, escrows, "step {step}");
        assert_eq!(owed, 0, "step {step}: every payout was transferred");
        assert_eq!(held, 0, "step {step}: every seller is licensed");
        assert_eq!(
            balance(test::callee::<Env>()),
            ED + held_escrow,
            "step {step}: the contract holds exactly the open escrows"
        );
        if before.state == BatchState::Recalled && result.is_ok() {
            assert_eq!(
                b.dispensed, before.dispensed,
                "step {step}: dispensed when recalled"
            );
        }
    }
    assert!(
        accepted > 100 && refused > 100,
        "{accepted} accepted, {refused} refused"
    );
}

#[ink::test]
fn code_version_is_this_builds_revision() {
    let revision = healthcare_traits::testing::build_revision(cfg!(feature = "upgrade-rehearsal"));
    assert_eq!(setup().code_version(), revision);
}
