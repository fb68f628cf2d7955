//! Compiled only under `#[cfg(test)]` (declared at the end of `lib.rs`).
//!
//! Model-based random test of custody, money and the freezes: random sequences of batch
//! registrations, priced and unpriced shipments, escrows, full and partial receipts,
//! rejections, cancellations, returns, dispensing, destruction, recalls, suspect flags,
//! verification answers, illegitimate declarations, cleared suspicions, the cold chain
//! (sensors appointed and removed, readings in and out of range, late ones among them,
//! checks, quarantines recorded and lifted), tokens drained from the contract (a fault:
//! the payouts it cannot cover are owed instead, never blocking custody) and sent to it
//! outside its messages (surplus), owed payouts claimed, the surplus recovered by the
//! governor (and by others: refused) and pauses, by
//! random callers (authorised and not), while the stand-in staff_credentials' answers
//! change (licences granted, dropped, the peer failing) and time moves forward (batches
//! expire). Run against the contract (off-chain engine) and against [`Model`], a
//! reference written plainly: batches, holdings, shipments and investigations in maps and
//! lists; the time out of range summed naively over each sensor's excursions.
//!
//! After every call the contract's answer (value or typed error) must equal the model's,
//! and: every batch conserves its quantity (`quantity == Σ holdings + in transit +
//! dispensed + destroyed`) and its holdings equal the model's; the payment escrow equals
//! the sum of the open shipments' escrows, the owed payouts (in total and per account)
//! and the held payments equal the model's, the contract's balance covers the three
//! unless tokens were drained, its surplus is what is left, and every party's balance
//! (the contract's as the engine reports it) moved exactly as the model's; nothing is sold on from a recalled or
//! illegitimate batch (no unit dispensed, no shipment but returns opened after it froze);
//! suspect units (by the contract's own `is_suspect` before the call) are received by
//! nobody but the regulator and never dispensed; and no exit or safety action is refused
//! with `Paused`.
//!
//! proptest shrinks a failing sequence and stores its seed under `proptest-regressions/`,
//! replayed first on the next run. The sequences come from a fixed seed unless
//! `MODEL_SEED` names another (`scripts/fuzz.sh`); `PROPTEST_CASES` sets their number.
//! A run fails, too, when no sequence reached one of the [`REQUIRED`] outcomes.

use crate::drug_provenance::*;
use crate::tests::{set_licences, ED};
use healthcare_traits::testing::prop::{config, finish, off_chain};
use healthcare_traits::testing::{drive, pause_model, reached, EXIT_WHILE_PAUSED};
use healthcare_traits::{
    Action as Gov, ApplyError, CredentialKind, Governed, KindSet, PeerError, DAY,
};
use ink::env::test;
use ink::env::DefaultEnvironment as Env;
use ink::primitives::{AccountId, Hash};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Sequences per run: 20 × 500 = 10 000 operations.
const CASES: u32 = 20;
const OPS: usize = 500;
const CONTRACT: &str = "drug_provenance";
/// Outcomes the sequences must reach (else the generator has gone blind somewhere).
const REQUIRED: &[&str] = &[
    EXIT_WHILE_PAUSED,
    "Ok",
    "NothingOwed",
    "TransferFailed",
    "AlreadyIllegitimate",
    "AlreadyRecalled",
    "AlreadyResponded",
    "DuplicateLot",
    "Expired",
    "GtinNotOwned",
    "Illegitimate",
    "InsufficientQuantity",
    "InvalidAcceptance",
    "InvestigationClosed",
    "ManufacturerNotLicensed",
    "NotASupplier",
    "NotHolder",
    "NotManufacturer",
    "NotQuarantined",
    "NotSensor",
    "InvalidReading",
    "Quarantined",
    "NotRecallAuthority",
    "NotRecipient",
    "NotSender",
    "NoHeldPayment",
    "NothingToEscrow",
    "PaymentNotEscrowed",
    "PharmacyNotLicensed",
    "Recalled",
    "RecipientNotLicensed",
    "SelfShipment",
    "ShipmentClosed",
    "SuspectProduct",
    "SuspectUnitsToRegulator",
    "UnknownBatch",
    "UnknownShipment",
    "ZeroQuantity",
    "Paused",
    "RegulatorExists",
    "UnknownRegulator",
];
const START: u64 = 1_000 * DAY;
const ACCOUNTS: u8 = 7;
const GTIN: Gtin = *b"00012345678905";
const PREFIX: &[u8] = b"0012345";

/// 0 the governor; 1 regulator; 2 manufacturer (owns the prefix); 3 wholesaler; 4 pharmacy;
/// 5 stranger; 6 a second manufacturer (owns no prefix).
fn account(i: u8) -> AccountId {
    // (Not [1; 32]: the off-chain engine's contract account.)
    AccountId::from([i.wrapping_add(0x11); 32])
}

/// The licences each account starts with; `SetLicence` changes them.
fn initial_kinds(i: u8) -> KindSet {
    match i {
        2 | 6 => KindSet::of(&[CredentialKind::ManufacturerLicence]),
        3 => KindSet::of(&[CredentialKind::WholesaleDistributorLicence]),
        4 => KindSet::of(&[CredentialKind::PharmacyLicence]),
        _ => KindSet::EMPTY,
    }
}

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    Register {
        caller: u8,
        lot: u8,
        quantity: u64,
        expiry_days: u64,
    },
    /// Past the accounts, the caller is a holder of the batch.
    Ship {
        caller: u8,
        batch: u8,
        to: u8,
        quantity: u64,
        price: Option<u128>,
    },
    Return {
        caller: u8,
        batch: u8,
        to: u8,
        quantity: u64,
    },
    /// Past the accounts, the caller is the shipment's recipient.
    Escrow {
        caller: u8,
        shipment: u8,
        exact: bool,
    },
    Receive {
        caller: u8,
        shipment: u8,
        accepted: u64,
    },
    Reject {
        caller: u8,
        shipment: u8,
    },
    /// A held seller's payment: released to the seller (`refund` false) or refunded to
    /// the buyer by the caller (with evidence or the empty hash).
    Held {
        caller: u8,
        shipment: u8,
        refund: bool,
        evidence: bool,
    },
    /// Past the accounts, the caller is the shipment's sender.
    Cancel {
        caller: u8,
        shipment: u8,
    },
    Dispense {
        caller: u8,
        batch: u8,
        quantity: u64,
    },
    Destroy {
        caller: u8,
        batch: u8,
        quantity: u64,
    },
    Recall {
        caller: u8,
        batch: u8,
    },
    Flag {
        caller: u8,
        batch: u8,
    },
    Respond {
        caller: u8,
        investigation: u8,
        authentic: bool,
    },
    Declare {
        caller: u8,
        batch: u8,
    },
    Clear {
        caller: u8,
        batch: u8,
    },
    /// `who`'s licences become the kinds of `mask` (bit 0 manufacturer, 1 wholesaler,
    /// 2 pharmacy), or the peer fails for it.
    SetLicence {
        who: u8,
        mask: u8,
        fails: Option<bool>,
    },
    /// Cold chain: `caller` appoints or removes sensor `sensor` (an account) for the
    /// batch; a sensor reports a reading taken `back` ms ago, in or out of range; anyone
    /// checks the cold chain; `caller` lifts a quarantine (with evidence or the empty
    /// hash).
    Sensor {
        caller: u8,
        batch: u8,
        sensor: u8,
        add: bool,
    },
    Reading {
        sensor: u8,
        batch: u8,
        back: u64,
        out: bool,
    },
    CheckColdChain {
        batch: u8,
    },
    Lift {
        caller: u8,
        batch: u8,
        evidence: bool,
    },
    Pause(u8),
    Unpause(u8),
    /// Native tokens leave the contract outside its messages (a fault: the next payouts
    /// it cannot cover are owed instead), or arrive outside them (a gift: surplus).
    Drain(u128),
    Gift(u128),
    /// `caller` claims what it is owed after a failed payout.
    ClaimPayout(u8),
    /// `caller` (past the accounts: the governor) sends the surplus to `to`.
    Recover {
        caller: u8,
        to: u8,
    },
    /// `caller` (past the accounts: the governor) appoints (`appoint`) or removes
    /// regulator `who` (account 1, the first regulator, or 5, a stranger).
    Regulator {
        caller: u8,
        who: u8,
        appoint: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..ACCOUNTS;
    let holder = 0..2 * ACCOUNTS;
    // 0 names an unknown batch, 1 the latest, 2 the one before, ...
    let batch = prop_oneof![1 => Just(0u8), 10 => 1..4u8];
    let shipment = any::<u8>();
    let quantity = prop_oneof![0..3u64, 1..60u64, 50..400u64];
    prop_oneof![
        3 => (0..4 * DAY).prop_map(Op::Advance),
        3 => (prop_oneof![4 => Just(2u8), 1 => Just(6), 1 => who.clone()], 0..5u8, 0..500u64, 0..400u64)
            .prop_map(|(caller, lot, quantity, expiry_days)| Op::Register { caller, lot, quantity, expiry_days }),
        12 => (holder.clone(), batch.clone(), 0..2 * ACCOUNTS, quantity.clone(), prop::option::weighted(0.5, 0..50u128))
            .prop_map(|(caller, batch, to, quantity, price)| Op::Ship { caller, batch, to, quantity, price }),
        2 => (holder.clone(), batch.clone(), 0..ACCOUNTS, quantity.clone())
            .prop_map(|(caller, batch, to, quantity)| Op::Return { caller, batch, to, quantity }),
        4 => (holder.clone(), shipment, prop::bool::weighted(0.9))
            .prop_map(|(caller, shipment, exact)| Op::Escrow { caller, shipment, exact }),
        8 => (holder.clone(), shipment, quantity.clone())
            .prop_map(|(caller, shipment, accepted)| Op::Receive { caller, shipment, accepted }),
        1 => (holder.clone(), shipment).prop_map(|(caller, shipment)| Op::Reject { caller, shipment }),
        2 => (prop_oneof![Just(5u8), who.clone()], shipment, any::<bool>(), prop::bool::weighted(0.9))
            .prop_map(|(caller, shipment, refund, evidence)| Op::Held { caller, shipment, refund, evidence }),
        1 => (holder.clone(), shipment).prop_map(|(caller, shipment)| Op::Cancel { caller, shipment }),
        3 => (holder.clone(), batch.clone(), quantity.clone())
            .prop_map(|(caller, batch, quantity)| Op::Dispense { caller, batch, quantity }),
        1 => (holder.clone(), batch.clone(), quantity)
            .prop_map(|(caller, batch, quantity)| Op::Destroy { caller, batch, quantity }),
        2 => ((0..2 * ACCOUNTS).prop_map(|c| if c < ACCOUNTS { c } else { 5 }), batch.clone()).prop_map(|(caller, batch)| Op::Recall { caller, batch }),
        1 => (holder, batch.clone()).prop_map(|(caller, batch)| Op::Flag { caller, batch }),
        1 => (prop_oneof![Just(2u8), who.clone()], any::<u8>(), any::<bool>())
            .prop_map(|(caller, investigation, authentic)| Op::Respond { caller, investigation, authentic }),
        1 => ((0..2 * ACCOUNTS).prop_map(|c| if c < ACCOUNTS { c } else { 5 }), batch.clone()).prop_map(|(caller, batch)| Op::Declare { caller, batch }),
        1 => ((0..2 * ACCOUNTS).prop_map(|c| if c < ACCOUNTS { c } else { 5 }), batch.clone()).prop_map(|(caller, batch)| Op::Clear { caller, batch }),
        1 => (1..6u8, 0..8u8, prop::option::weighted(0.15, any::<bool>()))
            .prop_map(|(who, mask, fails)| Op::SetLicence { who, mask, fails }),
        2 => (prop_oneof![4 => Just(2u8), 1 => who.clone()], batch.clone(), prop_oneof![Just(5u8), Just(3u8), Just(6u8)], prop::bool::weighted(0.8))
            .prop_map(|(caller, batch, sensor, add)| Op::Sensor { caller, batch, sensor, add }),
        6 => (prop_oneof![4 => Just(5u8), 2 => Just(3u8), 2 => Just(6u8), 1 => who.clone()], batch.clone(), prop_oneof![0..3_600_000u64, 0..2 * DAY], prop::bool::weighted(0.4))
            .prop_map(|(sensor, batch, back, out)| Op::Reading { sensor, batch, back, out }),
        1 => batch.clone().prop_map(|batch| Op::CheckColdChain { batch }),
        1 => (prop_oneof![Just(1u8), who.clone()], batch, prop::bool::weighted(0.9))
            .prop_map(|(caller, batch, evidence)| Op::Lift { caller, batch, evidence }),
        1 => (0..ACCOUNTS).prop_map(Op::Pause),
        4 => (0..2 * ACCOUNTS).prop_map(Op::Unpause),
        1 => (0..3_000u128).prop_map(Op::Drain),
        2 => (0..3_000u128).prop_map(Op::Gift),
        2 => prop_oneof![3 => 2..5u8, 1 => who.clone()].prop_map(Op::ClaimPayout),
        1 => (0..2 * ACCOUNTS, who.clone()).prop_map(|(caller, to)| Op::Recover { caller, to }),
        1 => (ACCOUNTS..ACCOUNTS + 2, prop_oneof![Just(1u8), Just(5u8)], any::<bool>())
            .prop_map(|(caller, who, appoint)| Op::Regulator { caller, who, appoint }),
    ]
}

// ------------------------------------------------------------------------ the model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frozen {
    No,
    Recalled,
    Illegitimate,
}

#[derive(Debug, Clone)]
struct MBatch {
    manufacturer: AccountId,
    expiry: u64,
    frozen: Frozen,
    /// Shipments that existed when the batch froze, and units dispensed by then.
    frozen_at: Option<(usize, u64)>,
    investigation: Option<u64>,
    in_transit: u64,
    dispensed: u64,
    destroyed: u64,
    /// Cold chain: each excursion a sensor reported (sensor, start, end once back in
    /// range or the sensor removed); the time a lifted quarantine forgave what came
    /// before; a quarantine recorded (by a reading, a check or a removal).
    excursions: Vec<(AccountId, u64, Option<u64>)>,
    counted_from: u64,
    quarantined: bool,
}

#[derive(Debug, Clone)]
struct MShipment {
    batch: usize,
    from: AccountId,
    to: AccountId,
    quantity: u64,
    price: Option<u128>,
    escrow: u128,
    open: bool,
    is_return: bool,
}

#[derive(Debug, Clone)]
struct MInvestigation {
    batch: usize,
    closed: bool,
    responded: bool,
}

struct Model {
    governor: AccountId,
    /// The regulators (account 1 at first; the governor appoints and removes them).
    regulators: BTreeSet<AccountId>,
    now: u64,
    paused: bool,
    batches: Vec<MBatch>,
    lots: Vec<u8>,
    holdings: BTreeMap<(usize, AccountId), u64>,
    suppliers: BTreeMap<(usize, AccountId), AccountId>,
    /// (batch, regulator, holder): the holder surrendered units to the regulator.
    surrendered: std::collections::BTreeSet<(usize, AccountId, AccountId)>,
    shipments: Vec<MShipment>,
    suspect: BTreeMap<(usize, AccountId), u64>,
    investigations: Vec<MInvestigation>,
    /// The appointed sensors of each batch and the time of each one's last reading.
    sensors: BTreeMap<(usize, AccountId), Option<u64>>,
    licences: BTreeMap<AccountId, core::result::Result<KindSet, PeerError>>,
    /// Sellers' payments held (shipment index -> amount): the seller's licence had
    /// lapsed at receipt.
    held: BTreeMap<usize, u128>,
    /// Native balances above the existential deposit.
    balances: BTreeMap<AccountId, u128>,
    /// The contract's native balance as the engine reports it to the contract (the
    /// off-chain engine counts the existential deposit in `balance()`, a chain does not).
    contract: u128,
    /// Payouts whose transfer failed, claimable.
    owed: BTreeMap<AccountId, u128>,
    /// Tokens were drained since the balance last covered every obligation.
    drained: bool,
}

fn peer(e: PeerError) -> Error {
    match e {
        PeerError::Trapped => Error::CredentialContractTrapped,
        PeerError::Unreachable => Error::CredentialContractUnreachable,
    }
}

impl Model {
    fn not_paused(&self) -> Result<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    fn licensed(&self, who: AccountId, kinds: KindSet) -> Result<bool> {
        match self
            .licences
            .get(&who)
            .copied()
            .unwrap_or(Ok(KindSet::EMPTY))
        {
            Ok(held) => Ok(held.0 & kinds.0 != 0),
            Err(e) => Err(peer(e)),
        }
    }

    fn batch(&self, id: u64) -> Result<usize> {
        usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .filter(|i| *i < self.batches.len())
            .ok_or(Error::UnknownBatch)
    }

    /// Units may be sold on: not recalled, not illegitimate, not quarantined, not
    /// expired.
    fn movable(&self, b: usize) -> Result<()> {
        let batch = &self.batches[b];
        match batch.frozen {
            Frozen::Recalled => Err(Error::Recalled),
            Frozen::Illegitimate => Err(Error::Illegitimate),
            Frozen::No if self.quarantined_at(b, self.now) => Err(Error::Quarantined),
            Frozen::No if self.now >= batch.expiry => Err(Error::Expired),
            Frozen::No => Ok(()),
        }
    }

    /// The batch's time out of range at `at`, summed over its sensors' excursions: each
    /// closed one from its start (or the last lifted quarantine, if later) to its end;
    /// the open ones together up to `at`, as the contract counts them in O(1) (one sum,
    /// floored at zero). At `now` every open excursion has started and the sum is
    /// exact; at a late reading's time (three sensors, one reporting late) an excursion
    /// another sensor opened after it offsets the others', so the value a late reading
    /// returns can be less than the exact one (never more): a known limit, kept visible
    /// here rather than hidden by the generator.
    fn excursion_at(&self, b: usize, at: u64) -> u64 {
        let batch = &self.batches[b];
        let from = |s: u64| s.max(batch.counted_from);
        let closed: u64 = batch
            .excursions
            .iter()
            .filter_map(|(_, s, end)| end.map(|e| e.saturating_sub(from(*s))))
            .sum();
        let open: i128 = batch
            .excursions
            .iter()
            .filter(|(_, _, end)| end.is_none())
            .map(|(_, s, _)| i128::from(at) - i128::from(from(*s)))
            .sum();
        closed + u64::try_from(open.max(0)).unwrap_or(0)
    }

    /// Quarantined at `at`: recorded, or (active) its time out of range over the hour's
    /// budget.
    fn quarantined_at(&self, b: usize, at: u64) -> bool {
        let batch = &self.batches[b];
        batch.frozen == Frozen::No && (batch.quarantined || self.excursion_at(b, at) > 3_600_000)
    }

    /// Records the quarantine of an active batch whose time out of range at `at`
    /// exceeds its budget.
    fn record_quarantine(&mut self, b: usize, at: u64) {
        if self.batches[b].frozen == Frozen::No && self.quarantined_at(b, at) {
            self.batches[b].quarantined = true;
        }
    }

    /// Closes `sensor`'s open excursion of batch `b` at `at`.
    fn close_excursion(&mut self, b: usize, sensor: AccountId, at: u64) {
        for e in self.batches[b].excursions.iter_mut() {
            if e.0 == sensor && e.2.is_none() {
                e.2 = Some(at);
            }
        }
    }

    fn not_suspect(&self, b: usize, holder: AccountId) -> Result<()> {
        let flagged = self.suspect.get(&(b, holder)).copied();
        if flagged.is_some() && flagged == self.batches[b].investigation {
            Err(Error::SuspectProduct)
        } else {
            Ok(())
        }
    }

    /// What `holder` keeps after giving up `quantity`.
    fn remaining(&self, b: usize, holder: AccountId, quantity: u64) -> Result<u64> {
        if quantity == 0 {
            return Err(Error::ZeroQuantity);
        }
        let held = self.holdings.get(&(b, holder)).copied().unwrap_or(0);
        if held == 0 {
            return Err(Error::NotHolder);
        }
        held.checked_sub(quantity)
            .ok_or(Error::InsufficientQuantity)
    }

    fn dispatch(
        &mut self,
        b: usize,
        from: AccountId,
        to: AccountId,
        quantity: u64,
        price: Option<u128>,
        is_return: bool,
    ) -> u64 {
        *self.holdings.get_mut(&(b, from)).unwrap() -= quantity;
        self.batches[b].in_transit += quantity;
        self.shipments.push(MShipment {
            batch: b,
            from,
            to,
            quantity,
            price,
            escrow: 0,
            open: true,
            is_return,
        });
        self.shipments.len() as u64
    }

    fn shipment(&self, id: u64) -> Result<usize> {
        let s = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .filter(|i| *i < self.shipments.len())
            .ok_or(Error::UnknownShipment)?;
        if self.shipments[s].open {
            Ok(s)
        } else {
            Err(Error::ShipmentClosed)
        }
    }

    /// A payout: transferred, or owed when the balance cannot cover it (it never blocks
    /// the custody step that pays it).
    fn pay(&mut self, to: AccountId, amount: u128) {
        if amount == 0 {
            return;
        }
        if self.contract >= amount {
            self.contract -= amount;
            *self.balances.entry(to).or_default() += amount;
        } else {
            *self.owed.entry(to).or_default() += amount;
        }
    }

    /// What the balance must cover: open escrows, owed payouts, held payments.
    fn obligations(&self) -> u128 {
        let escrow: u128 = self
            .shipments
            .iter()
            .filter(|s| s.open)
            .map(|s| s.escrow)
            .sum();
        escrow + self.owed.values().sum::<u128>() + self.held.values().sum::<u128>()
    }

    /// Closes shipment `s` with `accepted` units received: the seller gets the price of
    /// what was accepted (never more than the escrow; held instead when `seller_paid`
    /// is false), the buyer the rest of the escrow.
    fn close(&mut self, s: usize, accepted: u64, seller_paid: bool) {
        let shipment = self.shipments[s].clone();
        let to_seller = (shipment.price.unwrap_or(0) * u128::from(accepted)).min(shipment.escrow);
        self.shipments[s].open = false;
        self.shipments[s].escrow = 0;
        if shipment.escrow > 0 {
            if seller_paid || to_seller == 0 {
                self.pay(shipment.from, to_seller);
            } else {
                self.held.insert(s, to_seller);
            }
            self.pay(shipment.to, shipment.escrow - to_seller);
        }
    }

    fn send_back(&mut self, s: usize) {
        let shipment = self.shipments[s].clone();
        self.batches[shipment.batch].in_transit -= shipment.quantity;
        *self
            .holdings
            .entry((shipment.batch, shipment.from))
            .or_default() += shipment.quantity;
        self.close(s, 0, true);
    }

    fn authority(&self, b: usize, caller: AccountId) -> Result<()> {
        if self.batches[b].manufacturer == caller || self.regulators.contains(&caller) {
            Ok(())
        } else {
            Err(Error::NotRecallAuthority)
        }
    }

    fn freeze(&mut self, b: usize, state: Frozen) {
        let (shipments, dispensed) = (self.shipments.len(), self.batches[b].dispensed);
        let batch = &mut self.batches[b];
        batch.frozen = state;
        batch.frozen_at.get_or_insert((shipments, dispensed));
    }

    fn close_investigation(&mut self, b: usize) {
        if let Some(id) = self.batches[b].investigation.take() {
            self.investigations[id as usize - 1].closed = true;
        }
    }

    /// The caller `caller` names: an account, or past the accounts a holder of `batch`.
    fn caller_or_holder(&self, caller: u8, batch: u64) -> AccountId {
        if caller < ACCOUNTS {
            account(caller)
        } else {
            self.a_holder(batch)
        }
    }

    /// A holder of batch `b` (the first in account order), or account 5.
    fn a_holder(&self, b: u64) -> AccountId {
        let b = usize::try_from(b).unwrap_or(0).saturating_sub(1);
        self.holdings
            .iter()
            .find(|((batch, _), held)| *batch == b && **held > 0)
            .map_or(account(5), |((_, who), _)| *who)
    }
}

/// The batch an op's `batch` names: 0 an unknown one, 1 the latest, 2 the one before...
fn batch_id(m: &Model, batch: u8) -> u64 {
    let len = m.batches.len() as u64;
    match u64::from(batch) {
        0 => len + 1,
        back => len.saturating_sub(back - 1).max(1),
    }
}

fn pick(len: usize, id: u8) -> u64 {
    1 + u64::from(id) % (len as u64 + 1)
}

/// Like [`pick`], but for values from 128 the latest open shipment (if any).
fn pick_open(m: &Model, id: u8) -> u64 {
    match m.shipments.iter().rposition(|s| s.open) {
        Some(i) if id >= 128 => i as u64 + 1,
        _ => pick(m.shipments.len(), id),
    }
}

/// The licences a sender (and a seller paid at receipt) needs.
fn senders() -> KindSet {
    KindSet::of(&[
        CredentialKind::ManufacturerLicence,
        CredentialKind::WholesaleDistributorLicence,
        CredentialKind::PharmacyLicence,
    ])
}

fn set_contract_balance(m: &Model) {
    test::set_account_balance::<Env>(test::callee::<Env>(), m.contract);
}

fn step(c: &mut DrugProvenance, m: &mut Model, op: &Op) -> (String, String) {
    let s = |r: &dyn std::fmt::Debug| format!("{r:?}");
    let who = |i: u8| account(i);
    match *op {
        Op::Advance(dt) => {
            m.now += dt;
            test::set_block_timestamp::<Env>(m.now);
            (String::new(), String::new())
        }
        Op::Register {
            caller,
            lot,
            quantity,
            expiry_days,
        } => {
            let request = BatchRequest {
                gtin: GTIN,
                lot: vec![b'L', b'0' + lot],
                expiry: m.now + expiry_days * DAY,
                quantity,
                manufactured_at: m.now - DAY,
                metadata_hash: Hash::from([5; 32]),
                min_temp: 200,
                max_temp: 800,
                excursion_budget_secs: 3_600,
                max_sensor_gap_secs: 0,
            };
            test::set_caller::<Env>(who(caller));
            let got = c.register_batch(request.clone());
            let want = (|| -> Result<u64> {
                m.not_paused()?;
                if quantity == 0 {
                    return Err(Error::ZeroQuantity);
                }
                if expiry_days == 0 {
                    return Err(Error::InvalidExpiry);
                }
                if caller != 2 {
                    return Err(Error::GtinNotOwned);
                }
                if m.lots.contains(&lot) {
                    return Err(Error::DuplicateLot);
                }
                let kinds = KindSet::of(&[CredentialKind::ManufacturerLicence]);
                if !m.licensed(who(caller), kinds)? {
                    return Err(Error::ManufacturerNotLicensed);
                }
                m.lots.push(lot);
                m.batches.push(MBatch {
                    manufacturer: who(caller),
                    expiry: request.expiry,
                    frozen: Frozen::No,
                    frozen_at: None,
                    investigation: None,
                    in_transit: 0,
                    dispensed: 0,
                    destroyed: 0,
                    excursions: Vec::new(),
                    // Time out of range counts from the registration.
                    counted_from: m.now,
                    quarantined: false,
                });
                m.holdings
                    .insert((m.batches.len() - 1, who(caller)), quantity);
                Ok(m.batches.len() as u64)
            })();
            (s(&got), s(&want))
        }
        Op::Ship {
            caller,
            batch,
            to,
            quantity,
            price,
        } => {
            let batch = batch_id(m, batch);
            let from = m.caller_or_holder(caller, batch);
            // Past the accounts: the wholesaler or the pharmacy.
            let to = if to < ACCOUNTS {
                who(to)
            } else {
                who(3 + to % 2)
            };
            test::set_caller::<Env>(from);
            let got = c.ship(batch, to, quantity, price);
            let want = (|| -> Result<u64> {
                m.not_paused()?;
                let price = price.filter(|p| *p > 0);
                let b = m.batch(batch)?;
                m.movable(b)?;
                if to == from {
                    return Err(Error::SelfShipment);
                }
                m.not_suspect(b, from)?;
                m.remaining(b, from, quantity)?;
                if !m.licensed(from, senders())? {
                    return Err(Error::SenderNotLicensed);
                }
                if !m.licensed(to, KindSet::TRADING_PARTNER)? {
                    return Err(Error::RecipientNotLicensed);
                }
                Ok(m.dispatch(b, from, to, quantity, price, false))
            })();
            (s(&got), s(&want))
        }
        Op::Return {
            caller,
            batch,
            to,
            quantity,
        } => {
            let batch = batch_id(m, batch);
            let from = m.caller_or_holder(caller, batch);
            let b = usize::try_from(batch).unwrap_or(0).saturating_sub(1);
            // Half the time to the holder's supplier (or to one who surrendered units to
            // it).
            let surrenderer = m
                .surrendered
                .iter()
                .find(|(batch, regulator, _)| *batch == b && *regulator == from)
                .map(|(_, _, holder)| *holder);
            let to = m
                .suppliers
                .get(&(b, from))
                .copied()
                .or(surrenderer)
                .filter(|_| to % 2 == 0)
                .unwrap_or(who(to));
            test::set_caller::<Env>(from);
            let got = c.return_goods(batch, to, quantity);
            // Stock leaving circulation: works while paused.
            let want = (|| -> Result<u64> {
                let b = m.batch(batch)?;
                if to == from {
                    return Err(Error::SelfShipment);
                }
                // To a regulator always; suspect units nowhere else.
                if !m.regulators.contains(&to) {
                    m.not_suspect(b, from)?;
                    if to != m.batches[b].manufacturer
                        && m.suppliers.get(&(b, from)) != Some(&to)
                        && !m.surrendered.contains(&(b, from, to))
                    {
                        return Err(Error::NotASupplier);
                    }
                }
                m.remaining(b, from, quantity)?;
                Ok(m.dispatch(b, from, to, quantity, None, true))
            })();
            (s(&got), s(&want))
        }
        Op::Escrow {
            caller,
            shipment,
            exact,
        } => {
            let id = pick_open(m, shipment);
            let known = usize::try_from(id - 1)
                .ok()
                .and_then(|i| m.shipments.get(i))
                .cloned();
            let buyer = match (caller, &known) {
                (c, _) if c < ACCOUNTS => who(c),
                (_, Some(sh)) => sh.to,
                _ => who(5),
            };
            let amount = known
                .as_ref()
                .map_or(0, |sh| sh.price.unwrap_or(0) * u128::from(sh.quantity));
            let sent = if exact { amount } else { amount + 1 };
            test::set_caller::<Env>(buyer);
            test::set_value_transferred::<Env>(sent);
            let got = c.escrow_payment(id);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let sh = m.shipment(id)?;
                if m.shipments[sh].to != buyer {
                    return Err(Error::NotRecipient);
                }
                if m.shipments[sh].price.is_none() || m.shipments[sh].escrow != 0 {
                    return Err(Error::NothingToEscrow);
                }
                if sent != amount {
                    return Err(Error::WrongAmount);
                }
                m.shipments[sh].escrow = amount;
                // The buyer pays with the call.
                *m.balances.entry(buyer).or_default() -= amount;
                m.contract += amount;
                Ok(())
            })();
            // The engine does not move a call's value: moved here when the call succeeded
            // (a refused call's value goes back to the caller on a chain).
            if got.is_ok() {
                test::transfer_in::<Env>(sent);
            }
            test::set_value_transferred::<Env>(0);
            (s(&got), s(&want))
        }
        Op::Receive {
            caller,
            shipment,
            accepted,
        } => {
            let id = pick_open(m, shipment);
            let recipient = usize::try_from(id - 1)
                .ok()
                .and_then(|i| m.shipments.get(i))
                .map_or(who(5), |sh| sh.to);
            let caller = if caller < ACCOUNTS {
                who(caller)
            } else {
                recipient
            };
            // Mostly everything or half (a shortage), sometimes an arbitrary count.
            let accepted = match usize::try_from(id - 1)
                .ok()
                .and_then(|i| m.shipments.get(i))
            {
                Some(sh) if accepted % 3 == 1 => sh.quantity.div_ceil(2),
                Some(sh) if accepted % 3 == 2 => sh.quantity,
                _ => accepted,
            };
            test::set_caller::<Env>(caller);
            // The contract's own view before the call: are the sender's units suspect?
            let from_suspect = c
                .shipment(id)
                .is_some_and(|sh| c.is_suspect(sh.batch, sh.from));
            let got = c.receive(id, accepted);
            // Suspect units never reach anyone but a regulator (a pharmacy least of all).
            if got.is_ok() && from_suspect && !m.regulators.contains(&caller) {
                return (format!("{caller:?} received suspect units"), String::new());
            }
            // An exit: works while paused.
            let want = (|| -> Result<()> {
                let sh = m.shipment(id)?;
                let shipment = m.shipments[sh].clone();
                if shipment.to != caller {
                    return Err(Error::NotRecipient);
                }
                if accepted == 0 || accepted > shipment.quantity {
                    return Err(Error::InvalidAcceptance);
                }
                let b = shipment.batch;
                // The suspicion follows the units: to a regulator only, suspect there.
                let suspect = m
                    .not_suspect(b, shipment.from)
                    .err()
                    .and(m.batches[b].investigation);
                if suspect.is_some() && !m.regulators.contains(&caller) {
                    return Err(Error::SuspectProduct);
                }
                let mut seller_paid = true;
                if shipment.is_return {
                    if m.regulators.contains(&caller) {
                        m.surrendered.insert((b, caller, shipment.from));
                    }
                } else {
                    m.movable(b)?;
                    if !m.licensed(caller, KindSet::TRADING_PARTNER)? {
                        return Err(Error::RecipientNotLicensed);
                    }
                    if shipment.price.is_some() && shipment.escrow == 0 {
                        return Err(Error::PaymentNotEscrowed);
                    }
                    seller_paid = shipment.escrow == 0 || m.licensed(shipment.from, senders())?;
                    m.suppliers.insert((b, caller), shipment.from);
                }
                if let Some(id) = suspect {
                    m.suspect.insert((b, caller), id);
                    reached(CONTRACT, "SuspectUnitsToRegulator");
                }
                m.batches[b].in_transit -= shipment.quantity;
                *m.holdings.entry((b, caller)).or_default() += accepted;
                let rest = shipment.quantity - accepted;
                if rest > 0 {
                    *m.holdings.entry((b, shipment.from)).or_default() += rest;
                }
                m.close(sh, accepted, seller_paid);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Held {
            caller,
            shipment,
            refund,
            evidence,
        } => {
            let id = pick(m.shipments.len(), shipment);
            let caller = who(caller);
            test::set_caller::<Env>(caller);
            let evidence = Hash::from([u8::from(evidence); 32]);
            let got = if refund {
                c.refund_held_payment(id, evidence)
            } else {
                c.release_held_payment(id)
            };
            // An exit: works while paused.
            let want = (|| -> Result<u128> {
                if refund {
                    if !m.regulators.contains(&caller) {
                        return Err(Error::NotRegulator);
                    }
                    if evidence == Hash::from([0; 32]) {
                        return Err(Error::NoEvidence);
                    }
                }
                let sh = usize::try_from(id - 1)
                    .ok()
                    .filter(|i| *i < m.shipments.len())
                    .ok_or(Error::UnknownShipment)?;
                let amount = *m.held.get(&sh).ok_or(Error::NoHeldPayment)?;
                let shipment = m.shipments[sh].clone();
                let to = if refund {
                    shipment.to
                } else {
                    if !m.licensed(shipment.from, senders())? {
                        return Err(Error::SenderNotLicensed);
                    }
                    shipment.from
                };
                m.held.remove(&sh);
                m.pay(to, amount);
                Ok(amount)
            })();
            (s(&got), s(&want))
        }
        Op::Reject { caller, shipment } | Op::Cancel { caller, shipment } => {
            // The recipient rejects; the sender cancels.
            let reject = matches!(op, Op::Reject { .. });
            let id = pick_open(m, shipment);
            let party = |sh: &MShipment| if reject { sh.to } else { sh.from };
            let own = usize::try_from(id - 1)
                .ok()
                .and_then(|i| m.shipments.get(i))
                .map_or(who(5), party);
            let caller = if caller < ACCOUNTS { who(caller) } else { own };
            test::set_caller::<Env>(caller);
            let got = if reject {
                c.reject(id)
            } else {
                c.cancel_shipment(id)
            };
            // Exits: work while paused.
            let want = (|| -> Result<()> {
                let sh = m.shipment(id)?;
                if party(&m.shipments[sh]) != caller {
                    return Err(if reject {
                        Error::NotRecipient
                    } else {
                        Error::NotSender
                    });
                }
                m.send_back(sh);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Dispense {
            caller,
            batch,
            quantity,
        } => {
            let batch = batch_id(m, batch);
            let pharmacy = m.caller_or_holder(caller, batch);
            test::set_caller::<Env>(pharmacy);
            let suspect = c.is_suspect(batch, pharmacy);
            let got = c.dispense(batch, quantity, None);
            if got.is_ok() && suspect {
                return ("suspect units dispensed".into(), String::new());
            }
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let b = m.batch(batch)?;
                m.movable(b)?;
                m.not_suspect(b, pharmacy)?;
                let left = m.remaining(b, pharmacy, quantity)?;
                let kinds = KindSet::of(&[CredentialKind::PharmacyLicence]);
                if !m.licensed(pharmacy, kinds)? {
                    return Err(Error::PharmacyNotLicensed);
                }
                m.holdings.insert((b, pharmacy), left);
                m.batches[b].dispensed += quantity;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Destroy {
            caller,
            batch,
            quantity,
        } => {
            let batch = batch_id(m, batch);
            let holder = m.caller_or_holder(caller, batch);
            test::set_caller::<Env>(holder);
            let got = c.destroy(batch, quantity, 1);
            // Stock leaving circulation: works while paused.
            let want = (|| -> Result<()> {
                let b = m.batch(batch)?;
                let left = m.remaining(b, holder, quantity)?;
                m.holdings.insert((b, holder), left);
                m.batches[b].destroyed += quantity;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Sensor {
            caller,
            batch,
            sensor,
            add,
        } => {
            let batch = batch_id(m, batch);
            let sensor = who(sensor);
            test::set_caller::<Env>(who(caller));
            let got = if add {
                c.add_sensor(batch, sensor)
            } else {
                c.remove_sensor(batch, sensor)
            };
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let b = m.batch(batch)?;
                if m.batches[b].manufacturer != who(caller) {
                    return Err(Error::NotManufacturer);
                }
                if add {
                    m.sensors.entry((b, sensor)).or_insert(None);
                } else {
                    if m.sensors.remove(&(b, sensor)).is_none() {
                        return Err(Error::NotSensor);
                    }
                    let now = m.now;
                    m.close_excursion(b, sensor, now);
                    m.record_quarantine(b, now);
                }
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Reading {
            sensor,
            batch,
            back,
            out,
        } => {
            let batch = batch_id(m, batch);
            let sensor = who(sensor);
            let time = m.now.saturating_sub(back);
            test::set_caller::<Env>(sensor);
            let value = if out { 1_200 } else { 500 };
            let got = c.submit_reading(batch, time, value);
            let want = (|| -> Result<u64> {
                let b = m.batch(batch)?;
                let last = *m.sensors.get(&(b, sensor)).ok_or(Error::NotSensor)?;
                if last.is_some_and(|last| time <= last) {
                    return Err(Error::InvalidReading);
                }
                m.close_excursion(b, sensor, time);
                if out {
                    m.batches[b].excursions.push((sensor, time, None));
                }
                m.sensors.insert((b, sensor), Some(time));
                m.record_quarantine(b, time);
                Ok(m.excursion_at(b, time))
            })();
            (s(&got), s(&want))
        }
        Op::CheckColdChain { batch } => {
            let batch = batch_id(m, batch);
            let got = c.check_cold_chain(batch);
            let want = (|| -> Result<BatchState> {
                let b = m.batch(batch)?;
                let now = m.now;
                m.record_quarantine(b, now);
                Ok(match m.batches[b].frozen {
                    Frozen::Recalled => BatchState::Recalled,
                    Frozen::Illegitimate => BatchState::Illegitimate,
                    Frozen::No if m.batches[b].quarantined => BatchState::Quarantined,
                    Frozen::No => BatchState::Active,
                })
            })();
            (s(&got), s(&want))
        }
        Op::Lift {
            caller,
            batch,
            evidence,
        } => {
            let batch = batch_id(m, batch);
            test::set_caller::<Env>(who(caller));
            let hash = Hash::from([u8::from(evidence); 32]);
            let got = c.lift_quarantine(batch, hash);
            let want = (|| -> Result<()> {
                m.not_paused()?;
                if !m.regulators.contains(&who(caller)) {
                    return Err(Error::NotRegulator);
                }
                if !evidence {
                    return Err(Error::NoEvidence);
                }
                let b = m.batch(batch)?;
                if !m.quarantined_at(b, m.now) {
                    return Err(Error::NotQuarantined);
                }
                m.batches[b].quarantined = false;
                m.batches[b].counted_from = m.now;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Recall { caller, batch } => {
            let batch = batch_id(m, batch);
            test::set_caller::<Env>(who(caller));
            let got = c.recall(batch, 7);
            let want = (|| -> Result<()> {
                let b = m.batch(batch)?;
                m.authority(b, who(caller))?;
                match m.batches[b].frozen {
                    Frozen::Recalled => return Err(Error::AlreadyRecalled),
                    Frozen::Illegitimate => return Err(Error::AlreadyIllegitimate),
                    Frozen::No => {}
                }
                m.freeze(b, Frozen::Recalled);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Flag { caller, batch } => {
            let batch = batch_id(m, batch);
            let holder = m.caller_or_holder(caller, batch);
            test::set_caller::<Env>(holder);
            let got = c.flag_suspect(batch);
            let want = (|| -> Result<u64> {
                let b = m.batch(batch)?;
                if m.holdings.get(&(b, holder)).copied().unwrap_or(0) == 0 {
                    return Err(Error::NotHolder);
                }
                let id = match m.batches[b].investigation {
                    Some(id) => id,
                    None => {
                        m.investigations.push(MInvestigation {
                            batch: b,
                            closed: false,
                            responded: false,
                        });
                        let id = m.investigations.len() as u64;
                        m.batches[b].investigation = Some(id);
                        id
                    }
                };
                m.suspect.insert((b, holder), id);
                Ok(id)
            })();
            (s(&got), s(&want))
        }
        Op::Respond {
            caller,
            investigation,
            authentic,
        } => {
            let id = pick(m.investigations.len(), investigation);
            test::set_caller::<Env>(who(caller));
            let got = c.respond_verification(id, authentic, Hash::from([6; 32]));
            let want = (|| -> Result<()> {
                let i = usize::try_from(id - 1)
                    .ok()
                    .filter(|i| *i < m.investigations.len())
                    .ok_or(Error::UnknownInvestigation)?;
                let inv = m.investigations[i].clone();
                if m.batches[inv.batch].manufacturer != who(caller) {
                    return Err(Error::NotManufacturer);
                }
                if inv.closed {
                    return Err(Error::InvestigationClosed);
                }
                if inv.responded {
                    return Err(Error::AlreadyResponded);
                }
                m.investigations[i].responded = true;
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Declare { caller, batch } => {
            let batch = batch_id(m, batch);
            test::set_caller::<Env>(who(caller));
            let got = c.declare_illegitimate(batch, Hash::from([8; 32]));
            let want = (|| -> Result<()> {
                let b = m.batch(batch)?;
                m.authority(b, who(caller))?;
                if m.batches[b].frozen == Frozen::Illegitimate {
                    return Err(Error::AlreadyIllegitimate);
                }
                m.freeze(b, Frozen::Illegitimate);
                m.close_investigation(b);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::Clear { caller, batch } => {
            let batch = batch_id(m, batch);
            test::set_caller::<Env>(who(caller));
            let got = c.clear_suspicion(batch, Hash::from([9; 32]));
            let want = (|| -> Result<()> {
                m.not_paused()?;
                let b = m.batch(batch)?;
                m.authority(b, who(caller))?;
                if m.batches[b].investigation.is_none() {
                    return Err(Error::UnknownInvestigation);
                }
                m.close_investigation(b);
                Ok(())
            })();
            (s(&got), s(&want))
        }
        Op::SetLicence {
            who: i,
            mask,
            fails,
        } => {
            let held = match fails {
                Some(true) => Err(PeerError::Trapped),
                Some(false) => Err(PeerError::Unreachable),
                None => {
                    let kinds = [
                        CredentialKind::ManufacturerLicence,
                        CredentialKind::WholesaleDistributorLicence,
                        CredentialKind::PharmacyLicence,
                    ];
                    Ok(KindSet::of(
                        &(0..3)
                            .filter(|bit| mask & (1 << bit) != 0)
                            .map(|bit| kinds[bit])
                            .collect::<Vec<_>>(),
                    ))
                }
            };
            set_licences(who(i), held);
            m.licences.insert(who(i), held);
            (String::new(), String::new())
        }
        Op::Pause(caller) | Op::Unpause(caller) => {
            // Past the accounts: the governor (account 0).
            let caller = if caller < ACCOUNTS { caller } else { 0 };
            let pause = matches!(op, Op::Pause(_));
            test::set_caller::<Env>(account(caller));
            let got = c.apply(if pause { Gov::Pause } else { Gov::Unpause });
            let by_governor = account(caller) == m.governor;
            let want = pause_model(pause, by_governor, &mut m.paused);
            (format!("{got:?}"), format!("{want:?}"))
        }
        Op::Drain(amount) => {
            // (The engine sets a balance of at least the existential deposit, or none.)
            m.contract = m.contract.saturating_sub(amount);
            if m.contract < ED {
                m.contract = 0;
            }
            m.drained = true;
            set_contract_balance(m);
            (String::new(), String::new())
        }
        Op::Gift(amount) => {
            // The stranger sends tokens to the contract outside its messages.
            let donor = who(5);
            test::set_caller::<Env>(donor);
            test::transfer_in::<Env>(amount);
            test::set_value_transferred::<Env>(0);
            *m.balances.entry(donor).or_default() -= amount;
            m.contract += amount;
            if m.contract >= m.obligations() {
                m.drained = false;
            }
            (String::new(), String::new())
        }
        Op::ClaimPayout(caller) => {
            let caller = who(caller);
            test::set_caller::<Env>(caller);
            let got = c.claim_payout();
            // An exit: works while paused.
            let want = (|| -> Result<u128> {
                let amount = *m.owed.get(&caller).ok_or(Error::NothingOwed)?;
                if m.contract < amount {
                    return Err(Error::TransferFailed);
                }
                m.owed.remove(&caller);
                m.pay(caller, amount);
                Ok(amount)
            })();
            (s(&got), s(&want))
        }
        Op::Regulator {
            caller,
            who: r,
            appoint,
        } => {
            // Past the accounts: the governor (account 0) half the time, else account 2.
            let caller = if caller == ACCOUNTS { who(0) } else { who(2) };
            let regulator = who(r);
            test::set_caller::<Env>(caller);
            let got = c.apply(if appoint {
                Gov::Regulator(regulator)
            } else {
                Gov::RemoveRegulator(regulator)
            });
            let want: core::result::Result<(), ApplyError> = if caller != m.governor {
                Err(ApplyError::NotGovernor)
            } else if appoint && m.paused {
                // Appointing waits for the pause to end; removing acts also while paused.
                Err(ApplyError::Paused)
            } else if appoint == m.regulators.contains(&regulator) {
                reached(
                    CONTRACT,
                    if appoint {
                        "RegulatorExists"
                    } else {
                        "UnknownRegulator"
                    },
                );
                Err(ApplyError::Invalid)
            } else {
                if appoint {
                    m.regulators.insert(regulator);
                } else {
                    m.regulators.remove(&regulator);
                }
                Ok(())
            };
            (
                format!("{got:?} {}", c.is_regulator(regulator)),
                format!("{want:?} {}", m.regulators.contains(&regulator)),
            )
        }
        Op::Recover { caller, to } => {
            let caller = if caller < ACCOUNTS {
                who(caller)
            } else {
                m.governor
            };
            test::set_caller::<Env>(caller);
            let got = c.apply(Gov::RecoverSurplus(who(to)));
            let want = (|| -> core::result::Result<(), ApplyError> {
                if caller != m.governor {
                    return Err(ApplyError::NotGovernor);
                }
                if m.paused {
                    // Money moves only while running.
                    return Err(ApplyError::Paused);
                }
                let amount = m.contract.saturating_sub(m.obligations());
                if amount == 0 {
                    reached(CONTRACT, "NothingOwed");
                    return Err(ApplyError::Invalid);
                }
                m.pay(who(to), amount);
                Ok(())
            })();
            (s(&got), s(&want))
        }
    }
}

/// Conservation, holdings, money and the freezes.
fn compare(c: &DrugProvenance, m: &Model) -> std::result::Result<(), String> {
    if c.paused() != m.paused {
        return Err(format!("paused() {} != {}", c.paused(), m.paused));
    }
    for (i, want) in m.batches.iter().enumerate() {
        let id = i as u64 + 1;
        let batch = c.batch(id).ok_or("batch missing")?;
        let mut held = 0;
        for holder in (0..ACCOUNTS).map(account) {
            let (got, model) = (
                c.holding(id, holder),
                m.holdings.get(&(i, holder)).copied().unwrap_or(0),
            );
            if got != model {
                return Err(format!(
                    "batch {id}: holding of {holder:?} {got} != {model}"
                ));
            }
            held += got;
        }
        if batch.quantity != held + batch.in_transit + batch.dispensed + batch.destroyed {
            return Err(format!(
                "batch {id} does not conserve its quantity: {batch:?}"
            ));
        }
        if (batch.in_transit, batch.dispensed, batch.destroyed)
            != (want.in_transit, want.dispensed, want.destroyed)
        {
            return Err(format!("batch {id} differs: {batch:?}"));
        }
        if let Some((shipments, dispensed)) = want.frozen_at {
            if batch.dispensed != dispensed {
                return Err(format!("batch {id}: dispensed after it froze"));
            }
            for later in shipments..m.shipments.len() {
                let shipment = c.shipment(later as u64 + 1).ok_or("shipment missing")?;
                if shipment.batch == id && !shipment.is_return {
                    return Err(format!("batch {id}: shipped on after it froze"));
                }
            }
        }
    }
    let open: u128 = m
        .shipments
        .iter()
        .filter(|s| s.open)
        .map(|s| s.escrow)
        .sum();
    let (escrow, owed, held) = c.held_funds();
    let balance = test::get_account_balance::<Env>(test::callee::<Env>()).unwrap_or(0);
    let held_want: u128 = m.held.values().sum();
    let owed_want: u128 = m.owed.values().sum();
    // The balance covers every obligation unless tokens were drained (a fault).
    if escrow != open
        || owed != owed_want
        || held != held_want
        || balance != m.contract
        || (!m.drained && m.contract < escrow + owed + held)
        || c.surplus() != m.contract.saturating_sub(escrow + owed + held)
    {
        return Err(format!(
            "escrow {escrow} (open shipments {open}), owed {owed} (model {owed_want}), \
             held {held} (model {held_want}), balance {balance} (model {}), surplus {}",
            m.contract,
            c.surplus()
        ));
    }
    for i in 0..ACCOUNTS {
        let (got, want) = (
            c.payout_owed(account(i)),
            m.owed.get(&account(i)).copied().unwrap_or(0),
        );
        if got != want {
            return Err(format!("payout owed to {i}: {got} != {want}"));
        }
    }
    for (who, want) in &m.balances {
        let got = test::get_account_balance::<Env>(*who).unwrap_or(0);
        if got != ED + want {
            return Err(format!("balance of {who:?}: {got} != {}", ED + want));
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> std::result::Result<(), TestCaseError> {
    off_chain(|| {
        test::set_block_timestamp::<Env>(START);
        test::set_caller::<Env>(account(0));
        let mut m = Model {
            governor: account(0),
            regulators: BTreeSet::from([account(1)]),
            now: START,
            paused: false,
            batches: Vec::new(),
            lots: Vec::new(),
            holdings: BTreeMap::new(),
            suppliers: BTreeMap::new(),
            surrendered: Default::default(),
            shipments: Vec::new(),
            suspect: BTreeMap::new(),
            investigations: Vec::new(),
            sensors: BTreeMap::new(),
            licences: BTreeMap::new(),
            held: BTreeMap::new(),
            balances: BTreeMap::new(),
            contract: ED,
            owed: BTreeMap::new(),
            drained: false,
        };
        for i in 0..ACCOUNTS {
            set_licences(account(i), Ok(initial_kinds(i)));
            m.licences.insert(account(i), Ok(initial_kinds(i)));
            // Every party starts with 10^12 above the existential deposit.
            test::set_account_balance::<Env>(account(i), ED + 1_000_000_000_000);
            m.balances.insert(account(i), 1_000_000_000_000);
        }
        let mut c = DrugProvenance::new(account(0), account(6), vec![account(1)]).expect("new");
        set_contract_balance(&m);
        test::set_caller::<Env>(account(1));
        c.assign_prefix(PREFIX.to_vec(), account(2))
            .expect("prefix");
        let first = Op::Register {
            caller: 2,
            lot: 9,
            quantity: 300,
            expiry_days: 60,
        };
        let (got, want) = step(&mut c, &mut m, &first);
        assert_eq!(got, want);
        let mut state = (c, m);
        drive(
            CONTRACT,
            &mut state,
            ops,
            |(c, m), op| step(c, m, op),
            |(c, m), _| compare(c, m),
            // Receipts, rejections, cancellations, held payments, stock leaving
            // circulation and the safety actions (the cold chain's readings and checks
            // among them).
            |(c, _), op| {
                c.paused()
                    && matches!(
                        op,
                        Op::Receive { .. }
                            | Op::Reject { .. }
                            | Op::Cancel { .. }
                            | Op::Held { .. }
                            | Op::ClaimPayout(_)
                            | Op::Return { .. }
                            | Op::Destroy { .. }
                            | Op::Recall { .. }
                            | Op::Flag { .. }
                            | Op::Respond { .. }
                            | Op::Declare { .. }
                            | Op::Reading { .. }
                            | Op::CheckColdChain { .. }
                    )
            },
        )?;
        Ok(())
    })
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn model_based_drug_provenance(ops in prop::collection::vec(op(), OPS)) {
        run(&ops)?;
        finish(CONTRACT, OPS, CASES, REQUIRED)?;
    }
}
