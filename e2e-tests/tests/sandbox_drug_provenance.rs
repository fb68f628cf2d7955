//! drug_provenance with a real staff_credentials on pallet-contracts (drink sandbox,
//! release WASM): the prefix directory, manufacturer → wholesaler → pharmacy → dispense
//! with a partial receipt, licences checked both ways, a recall, a cold-chain quarantine,
//! a paid shipment moving real balances, a suspect-product investigation, suspect units
//! on their way back to a supplier reaching nobody but the regulator, `verify` in
//! every state; a wholesaler (licensed for the wrong kind) refused at dispensing, and
//! broken credentials peers (no contract, no such message, a trapping contract) refused
//! with typed errors that change nothing.

use drug_provenance::drug_provenance::{
    BatchRequest, Error, Investigation, PaymentReleased, ShipmentClosed, Verification,
    VerificationStatus,
};
use e2e_tests::events::EventCheck;
use e2e_tests::fixtures::{batch, GTIN, PREFIX};
use e2e_tests::suite::{
    apply_as, assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, deploy_suite, governor_arg, issue, operator, suspend, Deployed,
};
use e2e_tests::{account, call_data, ink_account, Sandbox};
use healthcare_traits::{CredentialKind, DAY, HOUR};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;

type Res<T> = Result<T, Error>;
type Account = drink::AccountId32;

fn verify(chain: &mut Sandbox, contract: &Account, lot: &[u8]) -> VerificationStatus {
    let v: Verification = chain.query(
        contract,
        call_data(selector_bytes!("verify"), (GTIN, lot.to_vec())),
    );
    v.status
}

/// The parties of a supply chain: a deployed registry whose regulator (the operator)
/// assigned [`PREFIX`] to `maker`, and the credentials contract.
struct Chain {
    chain: Sandbox,
    credentials: Account,
    provenance: Account,
    maker: Account,
    wholesaler: Account,
    pharmacy: Account,
}

impl Chain {
    fn new(licensed: bool) -> Self {
        let mut chain = Sandbox::new();
        // Every call's events, for the indexer's check at the end of a test.
        chain.record();
        let Deployed {
            credentials,
            provenance,
            ..
        } = deploy_suite(&mut chain);
        let (maker, wholesaler, pharmacy) = (account(2), account(3), account(4));
        let assigned = chain.call::<Res<()>>(
            &provenance,
            &operator(),
            call_data(
                selector_bytes!("assign_prefix"),
                (PREFIX.to_vec(), ink_account(&maker)),
            ),
        );
        assert_eq!(assigned.value, Ok(()));
        let mut parties = Self {
            chain,
            credentials,
            provenance,
            maker,
            wholesaler,
            pharmacy,
        };
        if licensed {
            parties.license();
        }
        parties
    }

    fn license(&mut self) {
        for (who, kind) in [
            (&self.maker, CredentialKind::ManufacturerLicence),
            (
                &self.wholesaler,
                CredentialKind::WholesaleDistributorLicence,
            ),
            (&self.pharmacy, CredentialKind::PharmacyLicence),
        ] {
            issue(&mut self.chain, &self.credentials, who, kind);
        }
    }

    fn call<T: parity_scale_codec::Decode>(&mut self, who: &Account, data: Vec<u8>) -> T {
        self.chain.call::<T>(&self.provenance, who, data).value
    }

    fn register(&mut self, request: BatchRequest) -> Res<u64> {
        let maker = self.maker.clone();
        self.call(
            &maker,
            call_data(selector_bytes!("register_batch"), (request,)),
        )
    }

    fn ship(&mut self, from: &Account, batch: u64, to: &Account, n: u64) -> Res<u64> {
        self.ship_priced(from, batch, to, n, None)
    }

    fn ship_priced(
        &mut self,
        from: &Account,
        batch: u64,
        to: &Account,
        n: u64,
        price: Option<u128>,
    ) -> Res<u64> {
        self.call(
            from,
            call_data(selector_bytes!("ship"), (batch, ink_account(to), n, price)),
        )
    }

    fn receive(&mut self, who: &Account, shipment: u64, accepted: u64) -> Res<()> {
        self.call(
            who,
            call_data(selector_bytes!("receive"), (shipment, accepted)),
        )
    }

    fn dispense(&mut self, batch: u64, n: u64) -> Res<()> {
        let pharmacy = self.pharmacy.clone();
        self.call(
            &pharmacy,
            call_data(
                selector_bytes!("dispense"),
                (batch, n, Some(Hash::from([8; 32]))),
            ),
        )
    }

    fn holders(&mut self, batch: u64) -> Vec<(AccountId, u64)> {
        self.chain.query(
            &self.provenance,
            call_data(selector_bytes!("holders"), (batch, 0u32, 10u32)),
        )
    }
}

#[test]
fn supply_chain_across_contracts() {
    let mut c = Chain::new(false);
    let (maker, wholesaler, pharmacy) = (c.maker.clone(), c.wholesaler.clone(), c.pharmacy.clone());
    let (stranger, sensor) = (account(5), account(6));
    let now = c.chain.time();

    // Only a regulator keeps the prefix directory; a prefix has one owner.
    let by_stranger: Res<()> = c.call(
        &stranger,
        call_data(
            selector_bytes!("assign_prefix"),
            (b"0099999".to_vec(), ink_account(&stranger)),
        ),
    );
    assert_eq!(by_stranger, Err(Error::NotRegulator));
    let taken: Res<()> = c.call(
        &operator(),
        call_data(
            selector_bytes!("assign_prefix"),
            (PREFIX.to_vec(), ink_account(&stranger)),
        ),
    );
    assert_eq!(taken, Err(Error::PrefixTaken));

    // Not yet licensed: registration refused.
    assert_eq!(
        c.register(batch(b"L1", 500, now)),
        Err(Error::ManufacturerNotLicensed)
    );
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L1"),
        VerificationStatus::Unknown
    );
    c.license();
    // A licensed manufacturer cannot register another company's GTIN.
    issue(
        &mut c.chain,
        &c.credentials,
        &stranger,
        CredentialKind::ManufacturerLicence,
    );
    let foreign: Res<u64> = c.call(
        &stranger,
        call_data(selector_bytes!("register_batch"), (batch(b"L1", 500, now),)),
    );
    assert_eq!(foreign, Err(Error::GtinNotOwned));

    assert_eq!(c.register(batch(b"L1", 500, now)), Ok(1));
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L1"),
        VerificationStatus::Authentic
    );

    // An unlicensed recipient is refused; nothing moves.
    let to_stranger = c.chain.call::<Res<u64>>(
        &c.provenance,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&account(7)), 10u64, None::<u128>),
        ),
    );
    assert_eq!(to_stranger.value, Err(Error::RecipientNotLicensed));
    assert!(to_stranger.reverted);

    // Manufacturer → wholesaler → pharmacy (which accepts 8 of 10) → patient.
    let s1 = c.ship(&maker, 1, &wholesaler, 100).expect("ship");
    assert_eq!(c.receive(&wholesaler, s1, 100), Ok(()));
    let s2 = c.ship(&wholesaler, 1, &pharmacy, 10).expect("ship");
    assert_eq!(c.receive(&pharmacy, s2, 11), Err(Error::InvalidAcceptance));
    assert_eq!(c.receive(&pharmacy, s2, 8), Ok(()));
    assert_eq!(c.dispense(1, 2), Ok(()));
    assert_eq!(
        c.holders(1),
        vec![
            (ink_account(&maker), 400),
            (ink_account(&wholesaler), 92),
            (ink_account(&pharmacy), 6)
        ]
    );

    // The sender's licence is checked too: a suspended wholesaler cannot sell on, but
    // can still return stock to its supplier.
    suspend(&mut c.chain, &c.credentials, 2);
    assert_eq!(
        c.ship(&wholesaler, 1, &pharmacy, 1),
        Err(Error::SenderNotLicensed)
    );
    let returned: Res<u64> = c.call(
        &wholesaler,
        call_data(
            selector_bytes!("return_goods"),
            (1u64, ink_account(&maker), 2u64),
        ),
    );
    let returned = returned.expect("return");
    assert_eq!(c.receive(&maker, returned, 2), Ok(()));

    // Cold chain: 40 minutes out of range against a 30-minute budget quarantines.
    let added: Res<()> = c.call(
        &maker,
        call_data(selector_bytes!("add_sensor"), (1u64, ink_account(&sensor))),
    );
    assert_eq!(added, Ok(()));
    c.chain.set_time(now + HOUR + HOUR / 3);
    for (t, value) in [
        (now + HOUR / 2, 1_500i32),
        (now + HOUR / 2 + 40 * 60_000, 500),
    ] {
        let read: Res<u64> = c.call(
            &sensor,
            call_data(selector_bytes!("submit_reading"), (1u64, t, value)),
        );
        assert!(read.is_ok());
    }
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L1"),
        VerificationStatus::Quarantined
    );
    assert_eq!(c.ship(&maker, 1, &pharmacy, 1), Err(Error::Quarantined));

    // A second lot is recalled: receiving and shipping stop.
    let l2 = c.register(batch(b"L2", 500, now)).expect("L2");
    let s3 = c.ship(&maker, l2, &pharmacy, 5).expect("ship");
    let recalled: Res<()> = c.call(&maker, call_data(selector_bytes!("recall"), (l2, 42u16)));
    assert_eq!(recalled, Ok(()));
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L2"),
        VerificationStatus::Recalled
    );
    assert_eq!(c.receive(&pharmacy, s3, 5), Err(Error::Recalled));
    assert_eq!(c.ship(&maker, l2, &wholesaler, 1), Err(Error::Recalled));

    // A third lot expires.
    let mut short = batch(b"L3", 10, now);
    short.expiry = now + 2 * HOUR;
    c.register(short).expect("L3");
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L3"),
        VerificationStatus::Authentic
    );
    c.chain.set_time(now + 2 * HOUR);
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L3"),
        VerificationStatus::Expired
    );
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"L9"),
        VerificationStatus::Unknown
    );
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}

#[test]
fn payment_on_receipt_moves_real_balances() {
    let mut c = Chain::new(true);
    let (maker, wholesaler) = (c.maker.clone(), c.wholesaler.clone());
    let now = c.chain.time();
    c.register(batch(b"P1", 100, now)).expect("batch");
    let price = 1_000_000_000u128;
    let s = c
        .ship_priced(&maker, 1, &wholesaler, 10, Some(price))
        .expect("ship");
    // Not receivable before the escrow; the escrow must be exact.
    assert_eq!(
        c.receive(&wholesaler, s, 10),
        Err(Error::PaymentNotEscrowed)
    );
    let escrow = |c: &mut Chain, value: u128| {
        c.chain
            .try_call::<Res<()>>(
                &c.provenance,
                &wholesaler,
                call_data(selector_bytes!("escrow_payment"), (s,)),
                value,
            )
            .expect("call")
            .value
    };
    assert_eq!(escrow(&mut c, 10 * price - 1), Err(Error::WrongAmount));
    let (buyer_before, seller_before) = (c.chain.balance(&wholesaler), c.chain.balance(&maker));
    let contract_before = c.chain.balance(&c.provenance);
    assert_eq!(escrow(&mut c, 10 * price), Ok(()));
    assert_eq!(escrow(&mut c, 10 * price), Err(Error::NothingToEscrow));
    assert_eq!(c.chain.balance(&c.provenance), contract_before + 10 * price);
    let held: (u128, u128, u128) = c
        .chain
        .query(&c.provenance, call_data(selector_bytes!("held_funds"), ()));
    assert_eq!(held, (10 * price, 0, 0));
    // 7 accepted: the seller gets 7 units' price, the buyer 3 back; the events say so.
    let received = c.chain.call::<Res<()>>(
        &c.provenance.clone(),
        &wholesaler,
        call_data(selector_bytes!("receive"), (s, 7u64)),
    );
    assert_eq!(received.value, Ok(()));
    let released: Vec<PaymentReleased> = received.events_of(&c.provenance);
    assert_eq!(released.len(), 1);
    assert_eq!(
        (
            released[0].shipment,
            released[0].to_seller,
            released[0].refund
        ),
        (s, 7 * price, 3 * price)
    );
    let closed: Vec<ShipmentClosed> = received.events_of(&c.provenance);
    assert_eq!(
        closed
            .iter()
            .map(|e| (e.shipment, e.accepted))
            .collect::<Vec<_>>(),
        vec![(s, 7)]
    );
    assert_eq!(c.chain.balance(&maker), seller_before + 7 * price);
    // (the buyer also paid the fees of its calls)
    let buyer_after = c.chain.balance(&wholesaler);
    assert!(buyer_after <= buyer_before - 7 * price);
    assert!(buyer_after > buyer_before - 8 * price);
    assert_eq!(c.chain.balance(&c.provenance), contract_before);
    let held: (u128, u128, u128) = c
        .chain
        .query(&c.provenance, call_data(selector_bytes!("held_funds"), ()));
    assert_eq!(held, (0, 0, 0));
    assert_eq!(
        c.holders(1),
        vec![(ink_account(&maker), 93), (ink_account(&wholesaler), 7)]
    );
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}

#[test]
fn a_seller_suspended_before_receipt_is_paid_only_when_licensed_again_or_refunded() {
    let mut c = Chain::new(true);
    let (maker, wholesaler) = (c.maker.clone(), c.wholesaler.clone());
    let now = c.chain.time();
    c.register(batch(b"P2", 100, now)).expect("batch");
    let price = 1_000_000_000u128;
    let s = c
        .ship_priced(&maker, 1, &wholesaler, 10, Some(price))
        .expect("ship");
    let escrowed = c
        .chain
        .try_call::<Res<()>>(
            &c.provenance,
            &wholesaler,
            call_data(selector_bytes!("escrow_payment"), (s,)),
            10 * price,
        )
        .expect("call")
        .value;
    assert_eq!(escrowed, Ok(()));
    // The manufacturer's licence (credential 1) is suspended while the goods travel:
    // the wholesaler receives them, the manufacturer is not paid.
    suspend(&mut c.chain, &c.credentials, 1);
    let seller_before = c.chain.balance(&maker);
    assert_eq!(c.receive(&wholesaler, s, 10), Ok(()));
    assert_eq!(c.chain.balance(&maker), seller_before);
    let held: (u128, u128, u128) = c
        .chain
        .query(&c.provenance, call_data(selector_bytes!("held_funds"), ()));
    assert_eq!(held, (0, 0, 10 * price));
    let release = |c: &mut Chain| -> Res<u128> {
        let provenance = c.provenance.clone();
        c.chain
            .call::<Res<u128>>(
                &provenance,
                &account(9),
                call_data(selector_bytes!("release_held_payment"), (s,)),
            )
            .value
    };
    assert_eq!(release(&mut c), Err(Error::SenderNotLicensed));
    // A regulator refunds it to the buyer, with evidence.
    let buyer_before = c.chain.balance(&wholesaler);
    let refunded: Res<u128> = c.call(
        &operator(),
        call_data(
            selector_bytes!("refund_held_payment"),
            (s, Hash::from([5; 32])),
        ),
    );
    assert_eq!(refunded, Ok(10 * price));
    assert_eq!(c.chain.balance(&wholesaler), buyer_before + 10 * price);
    assert_eq!(release(&mut c), Err(Error::NoHeldPayment));
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}

#[test]
fn suspect_product_is_investigated_and_cleared() {
    let mut c = Chain::new(true);
    let (maker, wholesaler, pharmacy) = (c.maker.clone(), c.wholesaler.clone(), c.pharmacy.clone());
    let now = c.chain.time();
    c.register(batch(b"S1", 100, now)).expect("batch");
    let s = c.ship(&maker, 1, &pharmacy, 10).expect("ship");
    c.receive(&pharmacy, s, 10).expect("receive");
    let s = c.ship(&maker, 1, &wholesaler, 10).expect("ship");
    c.receive(&wholesaler, s, 10).expect("receive");

    // The pharmacy flags its units: they are frozen for it, not for the wholesaler.
    let id: Res<u64> = c.call(
        &pharmacy,
        call_data(selector_bytes!("flag_suspect"), (1u64,)),
    );
    let id = id.expect("flag");
    assert_eq!(c.dispense(1, 1), Err(Error::SuspectProduct));
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"S1"),
        VerificationStatus::Suspect
    );
    assert_eq!(c.ship(&wholesaler, 1, &pharmacy, 1).map(|_| ()), Ok(()));
    // Only the manufacturer answers the verification request, within 24 hours.
    let evidence = Hash::from([3; 32]);
    let by_other: Res<()> = c.call(
        &wholesaler,
        call_data(
            selector_bytes!("respond_verification"),
            (id, true, evidence),
        ),
    );
    assert_eq!(by_other, Err(Error::NotManufacturer));
    c.chain.set_time(now + 2 * HOUR);
    let answered: Res<()> = c.call(
        &maker,
        call_data(
            selector_bytes!("respond_verification"),
            (id, true, evidence),
        ),
    );
    assert_eq!(answered, Ok(()));
    let investigation: Option<Investigation> = c.chain.query(
        &c.provenance,
        call_data(selector_bytes!("investigation"), (id,)),
    );
    let investigation = investigation.expect("investigation");
    assert_eq!(investigation.responded_at, Some(now + 2 * HOUR));
    assert_eq!(investigation.authentic, Some(true));
    assert!(!investigation.answered_late());
    // The regulator clears it: the pharmacy may dispense again.
    let cleared: Res<()> = c.call(
        &operator(),
        call_data(selector_bytes!("clear_suspicion"), (1u64, evidence)),
    );
    assert_eq!(cleared, Ok(()));
    assert_eq!(c.dispense(1, 1), Ok(()));
    let open: u32 = c.chain.query(
        &c.provenance,
        call_data(selector_bytes!("open_investigation_count"), ()),
    );
    assert_eq!(open, 0);

    // A second flag, then an illegitimate declaration freezes the batch everywhere.
    let _: u64 = c
        .call::<Res<u64>>(
            &pharmacy,
            call_data(selector_bytes!("flag_suspect"), (1u64,)),
        )
        .expect("flag");
    let declared: Res<()> = c.call(
        &operator(),
        call_data(selector_bytes!("declare_illegitimate"), (1u64, evidence)),
    );
    assert_eq!(declared, Ok(()));
    assert_eq!(
        verify(&mut c.chain, &c.provenance, b"S1"),
        VerificationStatus::Illegitimate
    );
    assert_eq!(c.ship(&maker, 1, &wholesaler, 1), Err(Error::Illegitimate));
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}

#[test]
fn suspect_units_returned_between_real_partners_reach_only_the_regulator() {
    let mut c = Chain::new(true);
    let (maker, wholesaler, pharmacy) = (c.maker.clone(), c.wholesaler.clone(), c.pharmacy.clone());
    let now = c.chain.time();
    c.register(batch(b"Q1", 100, now)).expect("batch");
    let s = c.ship(&maker, 1, &wholesaler, 20).expect("ship");
    c.receive(&wholesaler, s, 20).expect("receive");
    let s = c.ship(&wholesaler, 1, &pharmacy, 10).expect("ship");
    c.receive(&pharmacy, s, 10).expect("receive");
    let give_back = |c: &mut Chain, from: &Account, to: &Account, n: u64| -> Res<u64> {
        c.call(
            from,
            call_data(selector_bytes!("return_goods"), (1u64, ink_account(to), n)),
        )
    };
    // The pharmacy sends units back to its supplier, then flags its stock while they
    // are on their way: the wholesaler cannot take them in to ship them on.
    let back = give_back(&mut c, &pharmacy, &wholesaler, 5).expect("return");
    c.call::<Res<u64>>(
        &pharmacy,
        call_data(selector_bytes!("flag_suspect"), (1u64,)),
    )
    .expect("flag");
    let before = c.holders(1);
    let out = c.chain.call::<Res<()>>(
        &c.provenance.clone(),
        &wholesaler,
        call_data(selector_bytes!("receive"), (back, 5u64)),
    );
    assert_eq!(out.value, Err(Error::SuspectProduct));
    assert!(out.reverted);
    assert_eq!(c.holders(1), before);
    assert_eq!(
        give_back(&mut c, &pharmacy, &wholesaler, 1),
        Err(Error::SuspectProduct)
    );
    let cancelled: Res<()> = c.call(
        &pharmacy,
        call_data(selector_bytes!("cancel_shipment"), (back,)),
    );
    assert_eq!(cancelled, Ok(()));
    // To the regulator they go, and stay suspect there.
    let sample = give_back(&mut c, &pharmacy, &operator(), 5).expect("to the regulator");
    assert_eq!(c.receive(&operator(), sample, 5), Ok(()));
    let suspect = |c: &mut Chain, who: &Account| -> bool {
        c.chain.query(
            &c.provenance,
            call_data(selector_bytes!("is_suspect"), (1u64, ink_account(who))),
        )
    };
    assert!(suspect(&mut c, &operator()));
    assert!(suspect(&mut c, &pharmacy));
    assert!(!suspect(&mut c, &wholesaler));
    assert_eq!(c.dispense(1, 1), Err(Error::SuspectProduct));
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}

#[test]
fn code_changes_go_through_the_governor() {
    let mut chain = Sandbox::new();
    let provenance = chain.deploy(
        "drug_provenance",
        &operator(),
        call_data(
            selector_bytes!("new"),
            (
                governor_arg(),
                ink_account(&account(9)),
                vec![ink_account(&operator())],
            ),
        ),
    );
    assert_unknown_code_refused(&mut chain, &provenance);
    assert_guardian_stops_an_upgrade(&mut chain, &provenance);
    let assigned = chain.call::<Res<()>>(
        &provenance,
        &operator(),
        call_data(
            selector_bytes!("assign_prefix"),
            (PREFIX.to_vec(), ink_account(&account(2))),
        ),
    );
    assert_eq!(assigned.value, Ok(()));
    assert_real_upgrade(&mut chain, &provenance, "drug_provenance");
    // Storage kept: the GS1 company-prefix directory.
    let owner: Option<AccountId> = chain.query(
        &provenance,
        call_data(selector_bytes!("prefix_owner"), (PREFIX.to_vec(),)),
    );
    assert_eq!(owner, Some(ink_account(&account(2))));
}

#[test]
fn a_wholesaler_dispensing_is_refused_and_changes_nothing() {
    let mut c = Chain::new(true);
    let (maker, wholesaler) = (c.maker.clone(), c.wholesaler.clone());
    let now = c.chain.time();
    assert_eq!(c.register(batch(b"W1", 100, now)), Ok(1));
    assert_eq!(c.ship(&maker, 1, &wholesaler, 40), Ok(1));
    assert_eq!(c.receive(&wholesaler, 1, 40), Ok(()));
    // Licensed, but for the wrong kind: a wholesale distributor is no dispenser.
    let before = c.holders(1);
    let out = c.chain.call::<Res<()>>(
        &c.provenance.clone(),
        &wholesaler,
        call_data(selector_bytes!("dispense"), (1u64, 5u64, None::<Hash>)),
    );
    assert_eq!(out.value, Err(Error::PharmacyNotLicensed));
    assert!(out.reverted);
    assert_eq!(out.events, 0);
    assert_eq!(c.holders(1), before);
}

/// `ship` with the credentials address switched (by the governor) to `peer`: a
/// typed error, nothing written, no event, the holdings as they were.
fn broken_peer_changes_nothing(peer: Option<&str>, expected: Error) {
    let mut c = Chain::new(true);
    let (maker, wholesaler) = (c.maker.clone(), c.wholesaler.clone());
    let now = c.chain.time();
    assert_eq!(c.register(batch(b"B1", 100, now)), Ok(1));
    let address = match peer {
        None => account(9),
        Some("baseline_token") => c.chain.deploy(
            "baseline_token",
            &operator(),
            call_data(selector_bytes!("new"), (1_000u128,)),
        ),
        Some(name) => c
            .chain
            .deploy(name, &operator(), call_data(selector_bytes!("new"), ())),
    };
    let provenance = c.provenance.clone();
    let switched = e2e_tests::suite::enact(
        &mut c.chain,
        &provenance,
        healthcare_traits::Action::Peer(
            healthcare_traits::PeerRole::Credentials,
            ink_account(&address),
        ),
    );
    assert_eq!(switched, Ok(()));
    let before = c.holders(1);
    let out = c.chain.call::<Res<u64>>(
        &provenance,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&wholesaler), 10u64, None::<u128>),
        ),
    );
    assert_eq!(out.value, Err(expected), "{peer:?}");
    assert!(out.reverted);
    assert_eq!(out.events, 0);
    assert_eq!(c.holders(1), before);
    let shipment: Option<drug_provenance::drug_provenance::Shipment> = c
        .chain
        .query(&provenance, call_data(selector_bytes!("shipment"), (1u64,)));
    assert_eq!(shipment, None, "no shipment recorded");
}

#[test]
fn a_credentials_address_without_a_contract_is_a_typed_error() {
    broken_peer_changes_nothing(None, Error::CredentialContractUnreachable);
}

#[test]
fn a_credentials_contract_without_the_message_is_a_typed_error() {
    broken_peer_changes_nothing(Some("baseline_token"), Error::CredentialContractUnreachable);
}

#[test]
fn a_trapping_credentials_contract_is_a_typed_error() {
    broken_peer_changes_nothing(Some("trapping_peer"), Error::CredentialContractTrapped);
}

/// Every event type of drug_provenance, decoded with its metadata (not its Rust types),
/// each field checked once: a table of calls and the events each must emit.
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut c = Chain::new(true);
    let mut check = EventCheck::new();
    let (maker, wholesaler, pharmacy, sensor) = (
        c.maker.clone(),
        c.wholesaler.clone(),
        c.pharmacy.clone(),
        account(5),
    );
    let regulator = operator();
    let provenance = c.provenance.clone();
    let t = c.chain.time();
    let price = 1_000_000_000u128;
    // One call: its value and its events.
    fn call<T: parity_scale_codec::Decode + core::fmt::Debug>(
        c: &mut Chain,
        check: &mut EventCheck,
        who: &Account,
        data: Vec<u8>,
        value: u128,
        events: &[String],
    ) -> T {
        let provenance = c.provenance.clone();
        c.chain
            .call_checked(check, &provenance, who, data, value, events)
    }
    let hex = |b: u8| format!("[0x{b:02x}; 32]");

    // The GS1 directory.
    for (message, owner) in [("assign_prefix", Some(&maker)), ("revoke_prefix", None)] {
        let mut data = e2e_tests::selector(message).to_vec();
        match owner {
            Some(owner) => data.extend(parity_scale_codec::Encode::encode(&(
                b"0099999".to_vec(),
                ink_account(owner),
            ))),
            None => data.extend(parity_scale_codec::Encode::encode(&(b"0099999".to_vec(),))),
        }
        let shown = owner.map_or("None".to_string(), |_| "Some(@2)".into());
        let r: Res<()> = call(
            &mut c,
            &mut check,
            &regulator,
            data,
            0,
            &[format!(
                "PrefixChanged {{ prefix: b\"0099999\", owner: {shown}, by: @1 }}"
            )],
        );
        assert_eq!(r, Ok(()));
    }
    // A batch and its cold chain.
    let request = batch(b"E1", 100, t);
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(selector_bytes!("register_batch"), (request,)),
        0,
        &[format!(
            "BatchRegistered {{ batch: 1, manufacturer: @2, gtin: b\"00012345678905\", \
             lot: b\"E1\", expiry: {}, quantity: 100, manufactured_at: {}, \
             metadata_hash: [0x02; 32], min_temp: 200, max_temp: 800, \
             excursion_budget_secs: 1800, max_sensor_gap_secs: 0 }}",
            t + 365 * DAY,
            t - DAY
        )],
    );
    assert!(r.is_ok());
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(selector_bytes!("add_sensor"), (1u64, ink_account(&sensor))),
        0,
        &["SensorChanged { batch: 1, sensor: @5, active: true }".into()],
    );
    assert_eq!(r, Ok(()));
    // Out of range for two seconds, then back in range: the excursion is counted.
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &sensor,
        call_data(selector_bytes!("submit_reading"), (1u64, t, 900i32)),
        0,
        &[format!(
            "ReadingRecorded {{ batch: 1, sensor: @5, time: {t}, value: 900, excursion_ms: 0 }}"
        )],
    );
    assert_eq!(r, Ok(0));
    c.chain.set_time(t + 2_000);
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &sensor,
        call_data(selector_bytes!("submit_reading"), (1u64, t + 2_000, 500i32)),
        0,
        &[
            "ExcursionClosed { batch: 1, sensor: @5, excursion_ms: 2000 }".into(),
            format!(
                "ReadingRecorded {{ batch: 1, sensor: @5, time: {}, value: 500, \
                 excursion_ms: 2000 }}",
                t + 2_000
            ),
        ],
    );
    assert_eq!(r, Ok(2_000));
    // The rest of the story at the batch's registration time, as before.
    c.chain.set_time(t);
    // A paid shipment, received in part: the seller paid, the buyer refunded the rest.
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&wholesaler), 10u64, Some(price)),
        ),
        0,
        &[format!(
            "Shipped {{ shipment: 1, batch: 1, to: @3, from: @2, quantity: 10, \
             is_return: false, price_per_unit: Some({price}) }}"
        )],
    );
    assert!(r.is_ok());
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &wholesaler,
        call_data(selector_bytes!("escrow_payment"), (1u64,)),
        10 * price,
        &[format!(
            "PaymentEscrowed {{ shipment: 1, buyer: @3, amount: {} }}",
            10 * price
        )],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &wholesaler,
        call_data(selector_bytes!("receive"), (1u64, 7u64)),
        0,
        &[
            format!(
                "PaymentReleased {{ shipment: 1, to_seller: {}, refund: {} }}",
                7 * price,
                3 * price
            ),
            "ShipmentClosed { shipment: 1, batch: 1, state: Received, accepted: 7 }".into(),
        ],
    );
    assert_eq!(r, Ok(()));
    // The seller's licence suspended before receipt: its payment is held, and released
    // once it is licensed again.
    let ship_paid = |c: &mut Chain, check: &mut EventCheck, id: u64| {
        let shipped = c.ship_priced(&maker, 1, &wholesaler, 1, Some(price));
        assert_eq!(shipped, Ok(id));
        let escrowed = c
            .chain
            .try_call::<Res<()>>(
                &provenance,
                &wholesaler,
                call_data(selector_bytes!("escrow_payment"), (id,)),
                price,
            )
            .expect("escrow");
        assert_eq!(escrowed.value, Ok(()));
        check.expect(
            &escrowed.decoded,
            &[format!(
                "PaymentEscrowed {{ shipment: {id}, buyer: @3, amount: {price} }}"
            )],
        );
    };
    ship_paid(&mut c, &mut check, 2);
    suspend(&mut c.chain, &c.credentials, 1);
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &wholesaler,
        call_data(selector_bytes!("receive"), (2u64, 1u64)),
        0,
        &[
            format!("PaymentHeld {{ shipment: 2, seller: @2, amount: {price} }}"),
            format!("PaymentReleased {{ shipment: 2, to_seller: {price}, refund: 0 }}"),
            "ShipmentClosed { shipment: 2, batch: 1, state: Received, accepted: 1 }".into(),
        ],
    );
    assert_eq!(r, Ok(()));
    let reinstated = c
        .chain
        .call::<Result<(), staff_credentials::staff_credentials::Error>>(
            &c.credentials.clone(),
            &operator(),
            call_data(selector_bytes!("reinstate"), (1u64,)),
        );
    assert_eq!(reinstated.value, Ok(()));
    let r: Res<u128> = call(
        &mut c,
        &mut check,
        &account(9),
        call_data(selector_bytes!("release_held_payment"), (2u64,)),
        0,
        &[format!(
            "HeldPaymentReleased {{ shipment: 2, to: @2, amount: {price}, refunded: false }}"
        )],
    );
    assert_eq!(r, Ok(price));
    // A payout whose transfer fails is owed, and claimed later.
    ship_paid(&mut c, &mut check, 3);
    c.chain.burn(&provenance, price);
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &wholesaler,
        call_data(selector_bytes!("receive"), (3u64, 1u64)),
        0,
        &[
            format!("PayoutOwed {{ to: @2, amount: {price} }}"),
            format!("PaymentReleased {{ shipment: 3, to_seller: {price}, refund: 0 }}"),
            "ShipmentClosed { shipment: 3, batch: 1, state: Received, accepted: 1 }".into(),
        ],
    );
    assert_eq!(r, Ok(()));
    c.chain.mint(&provenance, price);
    let r: Res<u128> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(selector_bytes!("claim_payout"), ()),
        0,
        &[format!("PayoutClaimed {{ to: @2, amount: {price} }}")],
    );
    assert_eq!(r, Ok(price));
    // Tokens sent outside the escrows are surplus the governor recovers.
    c.chain.mint(&provenance, 5 * price);
    let surplus: u128 = c
        .chain
        .query(&provenance, call_data(selector_bytes!("surplus"), ()));
    assert_eq!(surplus, 5 * price);
    let recover = healthcare_traits::Action::RecoverSurplus(ink_account(&account(9)));
    let out = apply_as(&mut c.chain, &provenance, &operator(), recover);
    assert_eq!(out.value, Ok(()));
    check.expect(
        &out.decoded,
        &[
            format!("SurplusRecovered {{ to: @9, amount: {} }}", 5 * price),
            "ActionApplied { action: RecoverSurplus(@9), governor: @1 }".to_string(),
        ],
    );
    // On to the pharmacy: dispensed, destroyed, then suspect and cleared.
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &wholesaler,
        call_data(
            selector_bytes!("ship"),
            (1u64, ink_account(&pharmacy), 5u64, None::<u128>),
        ),
        0,
        &[
            "Shipped { shipment: 4, batch: 1, to: @4, from: @3, quantity: 5, is_return: false, \
           price_per_unit: None }"
                .into(),
        ],
    );
    assert!(r.is_ok());
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &pharmacy,
        call_data(selector_bytes!("receive"), (4u64, 5u64)),
        0,
        &["ShipmentClosed { shipment: 4, batch: 1, state: Received, accepted: 5 }".into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &pharmacy,
        call_data(
            selector_bytes!("dispense"),
            (1u64, 1u64, Some(Hash::from([0x0d; 32]))),
        ),
        0,
        &[format!(
            "Dispensed {{ batch: 1, pharmacy: @4, quantity: 1, prescription_hash: Some({}) }}",
            hex(0x0d)
        )],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &pharmacy,
        call_data(selector_bytes!("destroy"), (1u64, 1u64, 3u16)),
        0,
        &["Destroyed { batch: 1, holder: @4, quantity: 1, reason: 3 }".into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<u64> = call(
        &mut c,
        &mut check,
        &pharmacy,
        call_data(selector_bytes!("flag_suspect"), (1u64,)),
        0,
        &[
            format!(
                "InvestigationOpened {{ investigation: 1, batch: 1, opened_by: @4, respond_by: {} }}",
                t + DAY
            ),
            "SuspectFlagged { investigation: 1, batch: 1, holder: @4 }".into(),
        ],
    );
    assert_eq!(r, Ok(1));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(
            selector_bytes!("respond_verification"),
            (1u64, true, Hash::from([0x0e; 32])),
        ),
        0,
        &[format!(
            "VerificationResponded {{ investigation: 1, batch: 1, authentic: true, late: false, \
             evidence: {} }}",
            hex(0x0e)
        )],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &regulator,
        call_data(
            selector_bytes!("clear_suspicion"),
            (1u64, Hash::from([0x0f; 32])),
        ),
        0,
        &[format!(
            "InvestigationClosed {{ investigation: 1, batch: 1, outcome: Cleared, evidence: {}, \
             by: @1 }}",
            hex(0x0f)
        )],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut c,
        &mut check,
        &maker,
        call_data(selector_bytes!("recall"), (1u64, 9u16)),
        0,
        &[
            "BatchStateChanged { batch: 1, state: Recalled, by: @2, reason: 9, evidence: None, \
             excursion_ms: 0 }"
                .into(),
        ],
    );
    assert_eq!(r, Ok(()));
    // Regulators: appointed and removed by the governor.
    for (action, text, active) in [
        (
            healthcare_traits::Action::Regulator(ink_account(&account(8))),
            "Regulator(@8)",
            true,
        ),
        (
            healthcare_traits::Action::RemoveRegulator(ink_account(&account(8))),
            "RemoveRegulator(@8)",
            false,
        ),
    ] {
        let out = apply_as(&mut c.chain, &provenance, &operator(), action);
        assert_eq!(out.value, Ok(()));
        check.expect(
            &out.decoded,
            &[
                format!("RegulatorChanged {{ regulator: @8, active: {active} }}"),
                format!("ActionApplied {{ action: {text}, governor: @1 }}"),
            ],
        );
    }
    check_governance_events(&mut c.chain, &provenance, "drug_provenance", &mut check);
    check.assert_all_checked("drug_provenance");
    // The indexer rebuilds every batch's custody record from the events alone.
    let provenance = c.provenance.clone();
    assert!(c.chain.assert_custody_indexed(&provenance) > 0);
}
