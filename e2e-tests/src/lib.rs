//! Test harness shared by the sandbox and node tests of the healthcare suite.
//!
//! The sandbox tests run the **release bundles** that `scripts/build-contracts.sh`
//! (`cargo contract build --release`) wrote to `$CARGO_TARGET_DIR/ink/<name>/`, on a real
//! `pallet-contracts` inside drink's in-process runtime ([`Sandbox`]). Calls are made with
//! SCALE-encoded arguments and decoded into the contracts' own Rust types, so a test reads
//! like the contract's API and breaks at compile time when that API changes.

use drink::minimal::MinimalSandbox;
use drink::pallet_contracts::{Determinism, StorageDeposit};
use drink::sandbox_api::prelude::*;
use drink::Sandbox as _;
use drink::{AccountId32, Weight};
use parity_scale_codec::{Decode, Encode};
use std::path::PathBuf;

pub use drink;

pub mod events;

/// The contracts of the suite, in deployment order (the governor first).
pub use suite_client::CONTRACTS;

/// The folder holding the bundles `cargo contract build` wrote: `$INK_BUNDLES_DIR`, else
/// `$CARGO_TARGET_DIR/ink`, else the scripts' default target directory.
pub fn bundle_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("INK_BUNDLES_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/healthcare-suite/target")
        });
    target.join("ink")
}

/// The release `.wasm` of contract `name`.
pub fn wasm_path(name: &str) -> PathBuf {
    bundle_dir().join(name).join(format!("{name}.wasm"))
}

/// The release `.wasm` paths of `names`, or which one is missing (with the hint to build).
pub fn wasm_paths(names: &[&str]) -> Result<Vec<PathBuf>, String> {
    names
        .iter()
        .map(|name| {
            let path = wasm_path(name);
            if path.exists() {
                Ok(path)
            } else {
                Err(format!(
                    "{} missing: run scripts/build-contracts.sh",
                    path.display()
                ))
            }
        })
        .collect()
}

/// The release `.wasm` bytes of contract `name`; panics with a hint when it was not built.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = wasm_path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Build the contracts first: scripts/build-contracts.sh",
            path.display()
        )
    })
}

/// An ink! account id from a sandbox account.
pub fn ink_account(account: &AccountId32) -> ink::primitives::AccountId {
    let bytes: [u8; 32] = *account.as_ref();
    ink::primitives::AccountId::from(bytes)
}

/// The sandbox account with every byte `n` (`[1; 32]` is the funded default actor; the
/// same accounts as `ink::env::test::default_accounts`).
pub fn account(n: u8) -> AccountId32 {
    AccountId32::new([n; 32])
}

/// The guardian of the governors the tests deploy (cancels pending operations and pauses
/// suite contracts, never proposes, approves or executes): account `0xca`.
pub fn guardian() -> ink::primitives::AccountId {
    ink::primitives::AccountId::from([0xca; 32])
}

/// [`guardian`] as a chain account (to sign its calls).
pub fn guardian_account() -> AccountId32 {
    AccountId32::new([0xca; 32])
}

/// The selector of message `name` when it is not in a trait (the contracts' own
/// messages): the first 4 bytes of the BLAKE2-256 hash of the name, what
/// `ink::selector_bytes!` computes at compile time.
pub fn selector(name: &str) -> [u8; 4] {
    let mut out = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(name.as_bytes(), &mut out);
    [out[0], out[1], out[2], out[3]]
}

/// Call data: a 4-byte selector followed by the SCALE-encoded arguments (a tuple).
pub fn call_data<A: Encode>(selector: [u8; 4], args: A) -> Vec<u8> {
    let mut data = selector.to_vec();
    args.encode_to(&mut data);
    data
}

/// What one call cost and returned.
#[derive(Debug)]
pub struct Outcome<T> {
    /// The decoded return value of the message (for `Result` messages: `Ok` or `Err`).
    pub value: T,
    /// True if the contract reverted its state (every `Err` a message returns).
    pub reverted: bool,
    /// Weight consumed: reference time (picoseconds).
    pub ref_time: u64,
    /// Weight consumed: proof size (bytes).
    pub proof_size: u64,
    /// Storage deposit charged (positive) or refunded (negative).
    pub storage_deposit: i128,
    /// Number of contract events emitted by the call (all contracts).
    pub events: usize,
    /// The emitted contract events: (emitting contract, topics, SCALE-encoded data), in
    /// order; decode the data with the event's Rust type.
    pub emitted: Vec<RawEmitted>,
    /// The emitted events of the suite's contracts decoded with their metadata, in order
    /// (see [`events`]; a call whose events the metadata does not describe panics).
    pub decoded: Vec<events::DecodedEvent>,
}

impl<T> Outcome<T> {
    /// The events of type `E` that `contract` emitted in this call, decoded, in order
    /// (matched by `E`'s signature topic, so that other events of the call are skipped;
    /// an anonymous `E` by having no topic, as only `ClaimAdjudicated` of the suite has).
    pub fn events_of<E>(&self, contract: &AccountId32) -> Vec<E>
    where
        E: ink::env::Event + Decode,
    {
        self.emitted
            .iter()
            .filter(|(emitter, topics, _)| {
                emitter == contract && topics.first().copied() == E::SIGNATURE_TOPIC
            })
            .filter_map(|(_, _, data)| E::decode(&mut &data[..]).ok())
            .collect()
    }
}

/// Why a call did not return a value.
#[derive(Debug)]
pub enum CallFailure {
    /// The runtime refused or the contract trapped (with the contract's debug output).
    Dispatch(String),
    /// The output did not decode as the expected type.
    Decode(String),
}

/// A contract event as a call emitted it: (emitting contract, topics, SCALE-encoded data).
pub type RawEmitted = (AccountId32, Vec<[u8; 32]>, Vec<u8>);

/// An in-process pallet-contracts chain with the suite's helpers.
pub struct Sandbox {
    inner: MinimalSandbox,
    gas_limit: Weight,
    /// The contracts deployed by [`Sandbox::deploy`]: address → name (for their metadata).
    names: std::collections::BTreeMap<AccountId32, String>,
    /// The contract events of the last deployment (its constructor's).
    deployed_events: Vec<RawEmitted>,
    /// Every call's and deployment's events since [`Sandbox::record`], with the block
    /// time: what an indexer test replays as blocks.
    journal: Option<Vec<Recorded>>,
}

/// The contract events of one call or deployment that did not revert, at `time_ms`.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The block time of the call.
    pub time_ms: u64,
    /// Its contract events: (emitting contract, topics, SCALE-encoded data), in order.
    pub events: Vec<RawEmitted>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A fresh chain; accounts 1..=10 and the guardian are funded, the block time is `1_700_000_000_000` ms.
    pub fn new() -> Self {
        let mut inner = MinimalSandbox::default();
        for n in 1..=10u8 {
            inner
                .mint_into(&account(n), 1_000_000_000_000_000)
                .expect("mint");
        }
        inner
            .mint_into(&guardian_account(), 1_000_000_000_000_000)
            .expect("mint");
        let mut sandbox = Self {
            inner,
            gas_limit: Weight::from_parts(100_000_000_000, 3 * 1024 * 1024),
            names: Default::default(),
            deployed_events: Vec::new(),
            journal: None,
        };
        sandbox.set_time(1_700_000_000_000);
        sandbox
    }

    /// Starts keeping every later call's and deployment's events (see [`Recorded`]).
    pub fn record(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The events kept since [`Sandbox::record`] (recording goes on, from empty).
    pub fn take_journal(&mut self) -> Vec<Recorded> {
        self.journal
            .as_mut()
            .map(core::mem::take)
            .unwrap_or_default()
    }

    /// The events kept since [`Sandbox::record`].
    pub fn journal(&self) -> &[Recorded] {
        self.journal.as_deref().unwrap_or_default()
    }

    fn note(&mut self, reverted: bool, events: &[RawEmitted]) {
        if reverted || events.is_empty() {
            return;
        }
        let time_ms = self.time();
        if let Some(journal) = self.journal.as_mut() {
            journal.push(Recorded {
                time_ms,
                events: events.to_vec(),
            });
        }
    }

    /// Sets the weight each call may use (default 0.1 s of ref_time and 3 MiB of proof;
    /// the bench raises it to a whole block's share for its largest batches).
    pub fn set_gas_limit(&mut self, ref_time: u64, proof_size: u64) {
        self.gas_limit = Weight::from_parts(ref_time, proof_size);
    }

    /// Sets the block timestamp (milliseconds, as the contracts expect).
    pub fn set_time(&mut self, ms: u64) {
        self.inner.set_timestamp(ms);
    }

    /// The current block timestamp (milliseconds).
    pub fn time(&mut self) -> u64 {
        self.inner.get_timestamp()
    }

    /// Free balance of `who`.
    pub fn balance(&mut self, who: &AccountId32) -> u128 {
        self.inner.free_balance(who)
    }

    /// Direct access to the drink sandbox.
    pub fn inner(&mut self) -> &mut MinimalSandbox {
        &mut self.inner
    }

    /// Burns `amount` of `who`'s free balance (keeping the account alive): a fault
    /// injected so that a transfer out of a contract fails, as one below the existential
    /// deposit does on a chain that has one (this runtime's is 1).
    pub fn burn(&mut self, who: &AccountId32, amount: u128) {
        use drink::frame_support::traits::fungible::Mutate;
        use drink::frame_support::traits::tokens::{Fortitude, Precision};
        self.inner
            .execute_with(|| {
                <drink::pallet_balances::Pallet<drink::minimal::MinimalSandboxRuntime> as Mutate<
                    AccountId32,
                >>::burn_from(who, amount, Precision::Exact, Fortitude::Force)
            })
            .expect("burn");
    }

    /// Mints `amount` into `who`'s free balance (tokens sent to a contract outside its
    /// messages, say).
    pub fn mint(&mut self, who: &AccountId32, amount: u128) {
        self.inner.mint_into(who, amount).expect("mint");
    }

    /// Uploads `name`'s release wasm as `origin`; returns its code hash.
    pub fn upload(&mut self, name: &str, origin: &AccountId32) -> [u8; 32] {
        let result = self
            .inner
            .upload_contract(wasm(name), origin.clone(), None, Determinism::Enforced)
            .unwrap_or_else(|e| panic!("upload of {name} refused: {e:?}"));
        result.code_hash.into()
    }

    /// Deploys `name`'s release wasm as `origin` with constructor call data `data`
    /// (e.g. `call_data(ink::selector_bytes!("new"), (peer,))`); returns its address.
    pub fn deploy(&mut self, name: &str, origin: &AccountId32, data: Vec<u8>) -> AccountId32 {
        // The bundle's name, and how many were deployed before (a second instance of the
        // same code with the same arguments needs another salt).
        let earlier = self.names.values().filter(|n| n.as_str() == name).count();
        let mut salt = name.as_bytes().to_vec();
        if earlier > 0 {
            salt.extend(earlier.to_le_bytes());
        }
        let result = self.inner.deploy_contract(
            wasm(name),
            0,
            data,
            salt,
            origin.clone(),
            self.gas_limit,
            None,
        );
        let debug = String::from_utf8_lossy(&result.debug_message).into_owned();
        let ok = result
            .result
            .unwrap_or_else(|e| panic!("deploy of {name} failed: {e:?} {debug}"));
        assert!(
            !ok.result.did_revert(),
            "constructor of {name} reverted: {debug}"
        );
        self.names.insert(ok.account_id.clone(), name.to_string());
        self.deployed_events = contract_emitted(
            result
                .events
                .iter()
                .flatten()
                .map(|record| (&record.event, &record.topics[..])),
        );
        let events = self.deployed_events.clone();
        self.note(false, &events);
        ok.account_id
    }

    /// [`Sandbox::deploy`], asserting that the constructor's events, decoded with the
    /// metadata, read `expected` (noted in `check`).
    #[track_caller]
    pub fn deploy_checked<S: AsRef<str>>(
        &mut self,
        check: &mut events::EventCheck,
        name: &str,
        origin: &AccountId32,
        data: Vec<u8>,
        expected: &[S],
    ) -> AccountId32 {
        let address = self.deploy(name, origin, data);
        let mut outcome = Outcome {
            value: (),
            reverted: false,
            ref_time: 0,
            proof_size: 0,
            storage_deposit: 0,
            events: self.deployed_events.len(),
            emitted: core::mem::take(&mut self.deployed_events),
            decoded: Vec::new(),
        };
        self.decode_events(&mut outcome);
        check.expect(&outcome.decoded, expected);
        address
    }

    /// The name of an account in decoded events: `@<n>` for [`account`]`(n)`,
    /// `@guardian`, `@<contract name>` for a deployed contract.
    pub fn account_name(&self, id: &[u8; 32]) -> Option<String> {
        if let Some(name) = self.names.get(&AccountId32::new(*id)) {
            return Some(format!("@{name}"));
        }
        match id {
            [0xca, ..] if id.iter().all(|b| *b == 0xca) => Some("@guardian".into()),
            [n @ 1..=10, ..] if id.iter().all(|b| b == n) => Some(format!("@{n}")),
            _ => None,
        }
    }

    /// Decodes `outcome`'s events of the deployed contracts with their metadata; panics
    /// when the metadata does not describe one exactly (`SANDBOX_PRINT_EVENTS=1` prints
    /// each, to write a test's table).
    fn decode_events<T>(&self, outcome: &mut Outcome<T>) {
        let names = |id: &[u8; 32]| self.account_name(id);
        outcome.decoded = outcome
            .emitted
            .iter()
            .filter_map(|(emitter, topics, data)| {
                let name = self.names.get(emitter)?;
                // A revision-2 build has the same events as its contract.
                let metadata_name = name.strip_suffix("_v2").unwrap_or(name);
                Some(
                    events::decode_event(metadata_name, topics, data, &names)
                        .unwrap_or_else(|e| panic!("an event the metadata does not describe: {e}")),
                )
            })
            .collect();
        if std::env::var_os("SANDBOX_PRINT_EVENTS").is_some() {
            for e in &outcome.decoded {
                eprintln!("event {}: {}", e.contract, e.text);
            }
        }
    }

    /// Calls `contract` as `caller` with `data`, transferring `value`; decodes the
    /// message's return value as `T` (the `MessageResult` layer is checked here).
    pub fn try_call<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
        value: u128,
    ) -> Result<Outcome<T>, CallFailure> {
        // Count only this call's events.
        clear_events(&mut self.inner);
        let raw = raw_call(
            &mut self.inner,
            self.gas_limit,
            contract,
            caller,
            data,
            value,
        )?;
        let decoded = <Result<T, ink::LangError>>::decode(&mut &raw.value[..])
            .map_err(|e| CallFailure::Decode(format!("{e}: {:?}", raw.value)))?
            .map_err(|e| CallFailure::Decode(format!("LangError {e:?}")))?;
        let mut outcome = Outcome {
            value: decoded,
            reverted: raw.reverted,
            ref_time: raw.ref_time,
            proof_size: raw.proof_size,
            storage_deposit: raw.storage_deposit,
            events: raw.events,
            emitted: raw.emitted,
            decoded: Vec::new(),
        };
        self.note(outcome.reverted, &outcome.emitted);
        self.decode_events(&mut outcome);
        Ok(outcome)
    }

    /// Calls `contract` as `caller` with `data`, transferring `value`; the outcome's value
    /// is the raw return data (`Result<value, LangError>` encoded).
    pub fn raw_call(
        &mut self,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
        value: u128,
    ) -> Result<Outcome<Vec<u8>>, CallFailure> {
        clear_events(&mut self.inner);
        let mut outcome = raw_call(
            &mut self.inner,
            self.gas_limit,
            contract,
            caller,
            data,
            value,
        )?;
        self.note(outcome.reverted, &outcome.emitted);
        self.decode_events(&mut outcome);
        Ok(outcome)
    }

    /// [`Sandbox::raw_call`] whose changes are undone afterwards (a dry run): inside a
    /// storage transaction rolled back, which costs what the call wrote (drink's own
    /// `dry_run` copies the whole state, each call slower as a history grows).
    pub fn dry_raw_call(
        &mut self,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
        value: u128,
    ) -> Result<Outcome<Vec<u8>>, CallFailure> {
        use drink::frame_support::__private::sp_io::storage::{
            rollback_transaction, start_transaction,
        };
        self.inner.execute_with(start_transaction);
        // Only this call's events (the earlier ones come back with the rollback).
        clear_events(&mut self.inner);
        let gas_limit = self.gas_limit;
        let inner = &mut self.inner;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            raw_call(inner, gas_limit, contract, caller, data, value)
        }));
        // Rolled back whatever happened, a panic included (a caller that catches it must
        // not go on inside the open transaction).
        self.inner.execute_with(rollback_transaction);
        let mut outcome = outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        self.decode_events(&mut outcome);
        Ok(outcome)
    }

    /// [`Sandbox::try_call`] that panics when the call gives no value.
    pub fn call<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
    ) -> Outcome<T> {
        self.try_call(contract, caller, data, 0)
            .unwrap_or_else(|e| panic!("call failed: {e:?}"))
    }

    /// Calls `contract` as `caller` with `data` and `value`, asserts that the call did
    /// not revert and that its events, decoded with the metadata, read `expected` (noted
    /// in `check`); returns the message's value.
    #[track_caller]
    pub fn call_checked<T: Decode + core::fmt::Debug, S: AsRef<str>>(
        &mut self,
        check: &mut events::EventCheck,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
        value: u128,
        expected: &[S],
    ) -> T {
        let out = self
            .try_call::<T>(contract, caller, data, value)
            .unwrap_or_else(|e| panic!("call failed: {e:?}"));
        assert!(!out.reverted, "the call reverted: {:?}", out.value);
        check.expect(&out.decoded, expected);
        out.value
    }

    /// The value a call returns, or a panic.
    pub fn query<T: Decode>(&mut self, contract: &AccountId32, data: Vec<u8>) -> T {
        let caller = account(1);
        self.call(contract, &caller, data).value
    }
}

/// Clears the previous call's events as `frame_system::reset_events` does, removing only
/// the topic entries those events wrote: `reset_events` clears the whole topic prefix,
/// which walks every topic key ever written and deleted (the sandbox never commits its
/// overlay, where a deleted key stays), each call slower than the last in a long history.
/// (A new block of the in-process chain, drink's `build_block`, still goes through
/// `reset_events`.)
pub fn clear_events(inner: &mut MinimalSandbox) {
    use drink::frame_support::storage::{storage_prefix, unhashed};
    let topics: std::collections::BTreeSet<_> = inner
        .events()
        .into_iter()
        .flat_map(|record| record.topics)
        .collect();
    inner.execute_with(|| {
        unhashed::kill(&storage_prefix(b"System", b"Events"));
        unhashed::kill(&storage_prefix(b"System", b"EventCount"));
        for topic in topics {
            unhashed::kill(&topic_key(topic.as_ref()));
        }
    });
}

/// The storage key of `frame_system`'s entry for `topic` (the events naming it).
pub fn topic_key(topic: &[u8]) -> Vec<u8> {
    use drink::frame_support::storage::storage_prefix;
    use drink::frame_support::{Blake2_128Concat, StorageHasher};
    let mut key = storage_prefix(b"System", b"EventTopics").to_vec();
    key.extend(Blake2_128Concat::hash(topic));
    key
}

/// One contract call on `inner`: its raw return data, weight, deposit and events.
fn raw_call(
    inner: &mut MinimalSandbox,
    gas_limit: Weight,
    contract: &AccountId32,
    caller: &AccountId32,
    data: Vec<u8>,
    value: u128,
) -> Result<Outcome<Vec<u8>>, CallFailure> {
    let result = inner.call_contract(
        contract.clone(),
        value,
        data,
        caller.clone(),
        gas_limit,
        None,
        Determinism::Enforced,
    );
    let debug = String::from_utf8_lossy(&result.debug_message).into_owned();
    let ret = result
        .result
        .map_err(|e| CallFailure::Dispatch(format!("{e:?} {debug}")))?;
    let emitted = contract_emitted(
        result
            .events
            .iter()
            .flatten()
            .map(|record| (&record.event, &record.topics[..])),
    );
    Ok(Outcome {
        reverted: ret.did_revert(),
        value: ret.data,
        ref_time: result.gas_consumed.ref_time(),
        proof_size: result.gas_consumed.proof_size(),
        storage_deposit: match result.storage_deposit {
            StorageDeposit::Charge(x) => i128::try_from(x).unwrap_or(i128::MAX),
            StorageDeposit::Refund(x) => -i128::try_from(x).unwrap_or(i128::MAX),
        },
        events: emitted.len(),
        emitted,
        decoded: Vec::new(),
    })
}

/// The contract events among a call's runtime events (each with its topics): (emitting
/// contract, topics, SCALE-encoded data), in order.
fn contract_emitted<'a, H: AsRef<[u8]> + 'a>(
    records: impl Iterator<Item = (&'a drink::minimal::RuntimeEvent, &'a [H])>,
) -> Vec<RawEmitted> {
    records
        .filter_map(|(event, topics)| match event {
            drink::minimal::RuntimeEvent::Contracts(
                drink::pallet_contracts::Event::ContractEmitted { contract, data },
            ) => Some((
                contract.clone(),
                topics
                    .iter()
                    .filter_map(|t| <[u8; 32]>::try_from(t.as_ref()).ok())
                    .collect(),
                data.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// The indexer (`tools/indexer`) fed with a sandbox's recorded calls, one block per call,
/// and its rows compared with the contracts' own answers.
pub mod indexed {
    use super::{call_data, Recorded, Sandbox};
    use claims_adjudication::claims_adjudication::Claim;
    use consent_registry::consent_registry::{AccessEntry, Consent, Term};
    use drink::AccountId32;
    use drug_provenance::drug_provenance::{Batch, CustodyEvent};
    use epcis_export::Parties;
    use indexer::api::epcis;
    use indexer::block::{BlockData, RawEvent};
    use indexer::store::{
        Error as StoreError, Store, StoredAccess, StoredClaim, StoredConsent, StoredStep,
    };
    use indexer::suite::Suite;
    use ink::selector_bytes;
    use serde_json::json;
    use suite_client::ss58;

    /// The journal as blocks: the n-th recorded call is block n, at its call's time, each
    /// naming block n − 1 as its parent (hashes made of the numbers).
    pub fn blocks(journal: &[Recorded]) -> Vec<BlockData> {
        let hash = |number: u64| {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&number.to_be_bytes());
            hash
        };
        (1u64..)
            .zip(journal)
            .map(|(number, recorded)| BlockData {
                number,
                hash: hash(number),
                parent_hash: Some(hash(number.saturating_sub(1))),
                timestamp_ms: recorded.time_ms,
                events: (0u32..)
                    .zip(&recorded.events)
                    .map(|(index, (contract, topics, data))| RawEvent {
                        index,
                        extrinsic: Some(0),
                        contract: <[u8; 32]>::from(contract.clone()),
                        topics: topics.clone(),
                        data: data.clone(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Whether claim `id` is the same on chain and in the indexer (provider, member,
    /// plan, status, shares, and a payer known to the indexer): `Ok(true)` when both hold
    /// it, `Ok(false)` when neither does, else the difference.
    pub fn same_claim(
        id: i64,
        on_chain: Option<&Claim>,
        row: Option<&StoredClaim>,
    ) -> Result<bool, String> {
        match (on_chain, row) {
            (None, None) => Ok(false),
            (Some(claim), Some(row)) => {
                let expected = (
                    i64::from(claim.plan),
                    ss58(&claim.provider),
                    ss58(&claim.member),
                    format!("{:?}", claim.status),
                    claim.payer_amount.to_string(),
                    claim.member_amount.to_string(),
                );
                let got = (
                    row.plan,
                    row.provider.clone(),
                    row.member.clone(),
                    row.status.clone(),
                    row.payer_amount.clone(),
                    row.member_amount.clone(),
                );
                if expected != got {
                    return Err(format!(
                        "claim {id}: the contract holds {expected:?}, the indexer {got:?}"
                    ));
                }
                if row.payer.is_none() {
                    return Err(format!("claim {id}: the indexer has no payer for it"));
                }
                Ok(true)
            }
            (on_chain, row) => Err(format!(
                "claim {id}: on chain {}, in the indexer {}",
                on_chain.is_some(),
                row.is_some()
            )),
        }
    }

    /// The first difference between batch `batch`'s history on chain and the indexer's
    /// custody rows, if any.
    pub fn same_custody(
        batch: u64,
        history: &[CustodyEvent],
        steps: &[StoredStep],
    ) -> Result<(), String> {
        if steps.len() != history.len() {
            return Err(format!(
                "batch {batch}: {} entries on chain, {} in the indexer (on chain: {:?}; \
                 indexed: {:?})",
                history.len(),
                steps.len(),
                history
                    .iter()
                    .map(|e| format!("{:?} at {}", e.kind, e.at))
                    .collect::<Vec<_>>(),
                steps
                    .iter()
                    .map(|s| format!("{:?} at {}", s.step, s.at_ms))
                    .collect::<Vec<_>>()
            ));
        }
        for (entry, stored) in history.iter().zip(steps) {
            let number = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            let expected = (
                format!("{:?}", entry.kind),
                ss58(&entry.actor),
                entry.counterparty.as_ref().map(ss58),
                number(entry.quantity),
                number(entry.reference),
                entry.evidence.map(|h| suite_client::hex(h.as_ref())),
                number(entry.at),
            );
            let got = (
                stored.step.kind.to_string(),
                stored.step.actor.clone(),
                stored.step.counterparty.clone(),
                stored.step.quantity,
                stored.step.reference,
                stored.step.evidence.clone(),
                stored.at_ms,
            );
            if expected != got {
                return Err(format!(
                    "batch {batch} entry {}: the contract holds {expected:?}, the indexer {got:?}",
                    stored.seq
                ));
            }
        }
        Ok(())
    }

    /// The first difference between `patient`'s access log on chain and the indexer's,
    /// if any: each entry's accessor, time, purpose, record and break-glass grant, in log
    /// order.
    pub fn same_access(
        patient: &str,
        on_chain: &[AccessEntry],
        stored: &[StoredAccess],
    ) -> Result<(), String> {
        if on_chain.len() != stored.len() {
            return Err(format!(
                "{patient}: {} access-log entries on chain, {} in the indexer",
                on_chain.len(),
                stored.len()
            ));
        }
        for ((index, entry), row) in (0i64..).zip(on_chain).zip(stored) {
            let expected = (
                index,
                ss58(&entry.accessor),
                i64::try_from(entry.at).unwrap_or(i64::MAX),
                format!("{:?}", entry.purpose),
                entry.record.and_then(|r| i64::try_from(r).ok()),
                entry.emergency.and_then(|g| i64::try_from(g).ok()),
            );
            let got = (
                row.log_index,
                row.accessor.clone(),
                row.at_ms,
                row.purpose.clone(),
                row.record,
                row.emergency,
            );
            if expected != got {
                return Err(format!(
                    "{patient} access {index}: the contract holds {expected:?}, the indexer {got:?}"
                ));
            }
        }
        Ok(())
    }

    /// The first difference between `patient`'s consents on chain (each with the
    /// delegation term it was recorded under, if any) and the indexer's, if any.
    pub fn same_consents(
        patient: &str,
        on_chain: &[(Consent, Option<Term>)],
        stored: &[StoredConsent],
    ) -> Result<(), String> {
        if on_chain.len() != stored.len() {
            return Err(format!(
                "{patient}: {} consents on chain, {} in the indexer",
                on_chain.len(),
                stored.len()
            ));
        }
        let ms = |t: u64| i64::try_from(t).unwrap_or(i64::MAX);
        for ((consent, term), row) in on_chain.iter().zip(stored) {
            let expected_who = (
                i64::try_from(consent.id).unwrap_or(i64::MAX),
                ss58(&consent.patient),
                ss58(&consent.grantee),
                format!("{:?}", consent.kind),
                i64::from(consent.purposes.0),
                i64::from(consent.categories.0),
            );
            let expected_period = (
                ms(consent.valid_from),
                consent.valid_until.map(ms),
                ss58(&consent.recorded_by),
                consent.delegation.map(i64::from),
                ms(consent.recorded_at),
                consent.revoked_at.map(ms),
                term.map(|t| (ms(t.from), ms(t.until))),
            );
            let got_who = (
                row.consent,
                row.patient.clone(),
                row.grantee.clone(),
                row.kind.clone(),
                row.purposes,
                row.categories,
            );
            let got_period = (
                row.valid_from_ms,
                row.valid_until_ms,
                row.recorded_by.clone(),
                row.delegation,
                row.recorded_ms,
                row.revoked_ms,
                row.term,
            );
            let (expected, got) = ((expected_who, expected_period), (got_who, got_period));
            if expected != got {
                return Err(format!(
                    "{patient} consent {}: the contract holds {expected:?}, the indexer {got:?}",
                    consent.id
                ));
            }
        }
        Ok(())
    }

    /// Every call `sandbox` recorded since [`Sandbox::record`], for `contract` named
    /// `name`, indexed into an SQLite database in memory; `read` reads it back (in the
    /// same runtime: an in-memory database lives as long as its connection).
    fn indexed<T>(
        sandbox: &Sandbox,
        name: &str,
        contract: &AccountId32,
        read: impl for<'a> FnOnce(
            &'a Store,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = indexer::store::Result<T>> + 'a>,
        >,
    ) -> T {
        let blocks = blocks(sandbox.journal());
        let metadata = suite_client::bundle(name, "json");
        let address = <[u8; 32]>::from(contract.clone());
        let suite = Suite::new(&[(name.into(), address, metadata.as_path())])
            .expect("the contract's release metadata");
        suite_client::block_on(async {
            let store = Store::open("sqlite::memory:").await?;
            store.claim_suite(&suite.fingerprint()).await?;
            indexer::backfill(&store, &suite, &blocks, None, 16).await?;
            read(&store).await.map_err(Into::into)
        })
        .expect("indexed and read back")
    }

    impl Sandbox {
        /// Indexes every call recorded since [`Sandbox::record`] and asserts that each
        /// claim of the `claims_adjudication` at `claims` is, in the indexer, what the
        /// contract holds (and that the indexer has no other); returns the number of
        /// claims compared.
        #[track_caller]
        pub fn assert_claims_indexed(&mut self, claims: &AccountId32) -> usize {
            let stored = indexed(self, "claims_adjudication", claims, |store| {
                Box::pin(store.claims())
            });
            let last = stored.last().map_or(0, |c| c.claim);
            let mut compared = 0;
            for id in 0..=last.saturating_add(1) {
                let on_chain: Option<Claim> = self.query(
                    claims,
                    call_data(selector_bytes!("claim"), (u64::try_from(id).unwrap_or(0),)),
                );
                let row = stored.iter().find(|c| c.claim == id);
                match same_claim(id, on_chain.as_ref(), row) {
                    Ok(true) => compared += 1,
                    Ok(false) => {}
                    Err(difference) => panic!("{difference}"),
                }
            }
            compared
        }

        /// Indexes every call recorded since [`Sandbox::record`] into an SQLite database
        /// in memory and asserts that each batch of the `drug_provenance` at `provenance`
        /// has, in the indexer, the custody history the contract holds, entry by entry and
        /// complete (and that the indexer has no other batch); returns the number of
        /// batches compared.
        #[track_caller]
        pub fn assert_custody_indexed(&mut self, provenance: &AccountId32) -> usize {
            let mut histories: Vec<Vec<CustodyEvent>> = Vec::new();
            let mut classes: Vec<Batch> = Vec::new();
            for id in 1u64.. {
                let batch: Option<Batch> =
                    self.query(provenance, call_data(selector_bytes!("batch"), (id,)));
                let Some(batch) = batch else { break };
                let mut history: Vec<CustodyEvent> = Vec::new();
                while history.len() < usize::try_from(batch.event_count).unwrap_or(usize::MAX) {
                    let offset = u32::try_from(history.len()).unwrap_or(u32::MAX);
                    let page: Vec<CustodyEvent> = self.query(
                        provenance,
                        call_data(selector_bytes!("history"), (id, offset, 50u32)),
                    );
                    if page.is_empty() {
                        break;
                    }
                    history.extend(page);
                }
                histories.push(history);
                classes.push(batch);
            }
            let count = i64::try_from(histories.len()).expect("a small count");
            let uris: Vec<String> = classes.iter().map(epcis_export::batch_uri).collect();
            let stored = indexed(self, "drug_provenance", provenance, |store| {
                Box::pin(async move {
                    let mut batches = Vec::new();
                    // One more than the chain holds: the indexer must not hold it.
                    for key in 1..=count.saturating_add(1) {
                        batches.push((store.batch(key).await?, store.custody(key).await?));
                    }
                    // Each batch's EPCIS events, as the read API answers a query by its
                    // class.
                    let mut answers = Vec::new();
                    for uri in &uris {
                        let pairs = [
                            ("MATCH_epcClass".to_string(), uri.clone()),
                            ("perPage".to_string(), "1000".to_string()),
                        ];
                        let query = epcis::events_query(&pairs)
                            .map_err(|e| StoreError::Value(e.to_string()))?;
                        let page = epcis::events_page(store, &query, &Parties::default())
                            .await
                            .map_err(|e| StoreError::Value(e.to_string()))?;
                        answers.push(page.events);
                    }
                    Ok((batches, answers))
                })
            });
            let (stored, answers) = stored;
            for (id, (history, (batch, steps))) in (1u64..).zip(histories.iter().zip(&stored)) {
                assert!(batch.is_some(), "batch {id} is not indexed");
                if let Err(difference) = same_custody(id, history, steps) {
                    panic!("{difference}");
                }
            }
            // The EPCIS answer of each batch is the export's document of its history:
            // the same events, in the same order, with the same fields, plus where each
            // is on the chain.
            for ((batch, history), answer) in classes.iter().zip(&histories).zip(&answers) {
                assert_eq!(
                    answer.len(),
                    history.len(),
                    "batch {}: EPCIS events",
                    batch.id
                );
                for ((index, event), rendered) in (0u32..).zip(history).zip(answer) {
                    let mut rendered = rendered.clone();
                    let object = rendered.as_object_mut().expect("an event is an object");
                    let id = object.remove("eventID").expect("an eventID");
                    assert!(id
                        .as_str()
                        .is_some_and(|id| id.starts_with("urn:x-healthcare-suite:event:")));
                    let recorded = object.remove("recordTime").expect("a recordTime");
                    assert_eq!(recorded, json!(epcis_export::iso_time(event.at)));
                    let exported =
                        epcis_export::object_event(batch, index, event, &Parties::default());
                    assert_eq!(rendered, exported, "batch {} event {index}", batch.id);
                }
            }
            let extra = stored.last().and_then(|(batch, _)| *batch);
            assert_eq!(extra, None, "the indexer holds a batch the chain does not");
            histories.len()
        }

        /// Indexes every call recorded since [`Sandbox::record`] and asserts that the
        /// access log and the consents of each of `patients` (with the delegation terms
        /// they were recorded under) are, in the indexer, what the `consent_registry` at
        /// `registry` holds, and that the indexer knows no other patient; returns the
        /// access-log entries and consents compared.
        #[track_caller]
        pub fn assert_consents_indexed(
            &mut self,
            registry: &AccountId32,
            patients: &[AccountId32],
        ) -> usize {
            let mut expected = Vec::new();
            for patient in patients {
                let who = super::ink_account(patient);
                let mut log: Vec<AccessEntry> = Vec::new();
                loop {
                    let offset = u32::try_from(log.len()).unwrap_or(u32::MAX);
                    let page: Vec<AccessEntry> = self.query(
                        registry,
                        call_data(selector_bytes!("access_log"), (who, offset, 50u32)),
                    );
                    if page.is_empty() {
                        break;
                    }
                    log.extend(page);
                }
                let mut consents: Vec<(Consent, Option<Term>)> = Vec::new();
                loop {
                    let offset = u32::try_from(consents.len()).unwrap_or(u32::MAX);
                    let page: Vec<Consent> = self.query(
                        registry,
                        call_data(selector_bytes!("consents_of"), (who, offset, 50u32)),
                    );
                    if page.is_empty() {
                        break;
                    }
                    for consent in page {
                        let term: Option<Term> = match consent.delegation {
                            Some(serial) => self.query(
                                registry,
                                call_data(
                                    selector_bytes!("delegation_term"),
                                    (who, consent.recorded_by, serial),
                                ),
                            ),
                            None => None,
                        };
                        consents.push((consent, term));
                    }
                }
                expected.push((ss58(&who), log, consents));
            }
            let names: Vec<String> = expected.iter().map(|(name, _, _)| name.clone()).collect();
            let (known, stored) = indexed(self, "consent_registry", registry, |store| {
                Box::pin(async move {
                    let mut stored = Vec::new();
                    for name in &names {
                        stored.push((
                            store.access_log(name).await?,
                            store.consents_of(name).await?,
                        ));
                    }
                    Ok((store.patients().await?, stored))
                })
            });
            let mut compared = 0usize;
            for ((patient, log, consents), (stored_log, stored_consents)) in
                expected.iter().zip(&stored)
            {
                if let Err(difference) = same_access(patient, log, stored_log) {
                    panic!("{difference}");
                }
                if let Err(difference) = same_consents(patient, consents, stored_consents) {
                    panic!("{difference}");
                }
                compared = compared
                    .saturating_add(log.len())
                    .saturating_add(consents.len());
            }
            for patient in known {
                assert!(
                    expected.iter().any(|(name, _, _)| *name == patient),
                    "the indexer holds patient {patient}, not one of the test's"
                );
            }
            compared
        }
    }
}

/// Deployment helpers shared by the cross-contract sandbox tests.
///
/// The suite contracts a test deploys obey the operator's account as their governor
/// (it calls `Governed::apply` directly: [`enact`]), so that a test changes a peer or a
/// role in one call; the governor contract's own rules are tested in
/// `sandbox_governor.rs` and in the helpers below that hand a contract over to a real
/// governor ([`assert_real_upgrade`], [`assert_guardian_stops_an_upgrade`]).
pub mod suite {
    use super::{account, call_data, ink_account, Sandbox};
    use drink::AccountId32;
    use governor::governor::{Call, Error as GovernorError};
    use healthcare_traits::{Action, ApplyError, CredentialKind, KindSet, HOUR};
    use ink::primitives::Hash;
    use ink::selector_bytes;
    use staff_credentials::staff_credentials::Error as CredentialError;

    /// The account that deploys every contract, governs it in the tests (the governor
    /// argument of every constructor) and is staff_credentials' issuer.
    pub fn operator() -> AccountId32 {
        account(1)
    }

    /// [`operator`] as the governor argument of a constructor.
    pub fn governor_arg() -> ink::primitives::AccountId {
        ink_account(&operator())
    }

    /// Deploys staff_credentials governed by the operator, with the operator as issuer of
    /// every kind.
    pub fn deploy_credentials(chain: &mut Sandbox) -> AccountId32 {
        chain.deploy(
            "staff_credentials",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    governor_arg(),
                    vec![(ink_account(&operator()), KindSet::of(&CredentialKind::ALL))],
                ),
            ),
        )
    }

    /// The six contracts of the suite as [`deploy_suite`] deployed them.
    pub struct Deployed {
        pub credentials: AccountId32,
        pub consent: AccountId32,
        pub provenance: AccountId32,
        pub monitoring: AccountId32,
        pub claims: AccountId32,
        pub trials: AccountId32,
    }

    /// Deploys the six contracts in the order of `contracts/suite.json` (each after the
    /// peers its constructor names), each governed by the operator, who is also
    /// staff_credentials' issuer of every kind and the regulator of drug_provenance and
    /// clinical_trials: the world every sandbox test starts from (tests of a broken peer
    /// deploy the contract under test again with it).
    pub fn deploy_suite(chain: &mut Sandbox) -> Deployed {
        let credentials = deploy_credentials(chain);
        let regulators = vec![governor_arg()];
        let consent = chain.deploy(
            "consent_registry",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (governor_arg(), ink_account(&credentials)),
            ),
        );
        let provenance = chain.deploy(
            "drug_provenance",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    governor_arg(),
                    ink_account(&credentials),
                    regulators.clone(),
                ),
            ),
        );
        let monitoring = chain.deploy(
            "remote_monitoring",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    governor_arg(),
                    ink_account(&credentials),
                    ink_account(&consent),
                ),
            ),
        );
        let claims = chain.deploy(
            "claims_adjudication",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    governor_arg(),
                    ink_account(&credentials),
                    ink_account(&consent),
                    ink_account(&monitoring),
                ),
            ),
        );
        let trials = chain.deploy(
            "clinical_trials",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    governor_arg(),
                    ink_account(&credentials),
                    ink_account(&consent),
                    regulators,
                ),
            ),
        );
        Deployed {
            credentials,
            consent,
            provenance,
            monitoring,
            claims,
            trials,
        }
    }

    /// `Governed::apply(action)` on `contract` as `by` (its governor, or not).
    pub fn apply_as(
        chain: &mut Sandbox,
        contract: &AccountId32,
        by: &AccountId32,
        action: Action,
    ) -> crate::Outcome<Result<(), ApplyError>> {
        chain.call(
            contract,
            by,
            call_data(selector_bytes!("Governed::apply"), (action,)),
        )
    }

    /// As the operator (the contract's governor), applies `action` to `contract`.
    pub fn enact(
        chain: &mut Sandbox,
        contract: &AccountId32,
        action: Action,
    ) -> Result<(), ApplyError> {
        apply_as(chain, contract, &operator(), action).value
    }

    /// A governor contract: members @1, @2 and @3, two of whom must approve, a one-hour
    /// delay, the guardian `0xca`.
    pub fn deploy_governor(chain: &mut Sandbox) -> AccountId32 {
        let members: Vec<_> = (1..=3).map(|n| ink_account(&account(n))).collect();
        chain.deploy(
            "governor",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (members, 2u32, HOUR, crate::guardian()),
            ),
        )
    }

    /// On governor `governor`: @1 proposes `calls` with salt `salt`, @2 approves; returns
    /// the operation's id.
    pub fn propose_approved(
        chain: &mut Sandbox,
        governor: &AccountId32,
        calls: Vec<Call>,
        salt: u8,
    ) -> Hash {
        let id = chain
            .call::<Result<Hash, GovernorError>>(
                governor,
                &account(1),
                call_data(selector_bytes!("propose"), (calls, Hash::from([salt; 32]))),
            )
            .value
            .expect("propose");
        let approved = chain.call::<Result<(), GovernorError>>(
            governor,
            &account(2),
            call_data(selector_bytes!("approve"), (id,)),
        );
        assert_eq!(approved.value, Ok(()));
        id
    }

    /// On governor `governor`: `by` executes operation `id`.
    pub fn execute(
        chain: &mut Sandbox,
        governor: &AccountId32,
        by: &AccountId32,
        id: Hash,
    ) -> crate::Outcome<Result<(), GovernorError>> {
        chain.call(governor, by, call_data(selector_bytes!("execute"), (id,)))
    }

    /// On governor `governor`: one operation of `calls`, approved, run after the delay
    /// (the clock moves forward by it).
    pub fn govern(chain: &mut Sandbox, governor: &AccountId32, calls: Vec<Call>, salt: u8) {
        let id = propose_approved(chain, governor, calls, salt);
        let now = chain.time();
        chain.set_time(now + HOUR);
        let done = execute(chain, governor, &account(3), id);
        assert_eq!(done.value, Ok(()), "the governor's operation");
    }

    /// The operator hands `contract` over to a new governor contract (deployed here),
    /// which is returned.
    pub fn hand_over(chain: &mut Sandbox, contract: &AccountId32) -> AccountId32 {
        let governor = deploy_governor(chain);
        assert_eq!(
            enact(chain, contract, Action::HandOver(ink_account(&governor))),
            Ok(())
        );
        governor
    }

    /// Governor `governor` hands `contract` back to the operator.
    pub fn hand_back(chain: &mut Sandbox, governor: &AccountId32, contract: &AccountId32) {
        let back = Call::Apply(ink_account(contract), Action::HandOver(governor_arg()));
        govern(chain, governor, vec![back], 0xb0);
        let now: ink::primitives::AccountId = chain.query(
            contract,
            call_data(selector_bytes!("Governed::governor"), ()),
        );
        assert_eq!(now, governor_arg());
    }

    /// Issues `subject` a credential of `kind`, valid from a year before the current
    /// block time to a year after it. Returns its id.
    pub fn issue(
        chain: &mut Sandbox,
        registry: &AccountId32,
        subject: &AccountId32,
        kind: CredentialKind,
    ) -> u64 {
        let now = chain.time();
        let request = crate::fixtures::credential(ink_account(subject), kind, now);
        chain
            .call::<Result<u64, CredentialError>>(
                registry,
                &operator(),
                call_data(selector_bytes!("issue"), (request,)),
            )
            .value
            .expect("issue credential")
    }

    /// Asserts that a code change to a code hash the chain does not know is refused with
    /// `CodeNotFound`, and that an account other than the governor is refused with
    /// `NotGovernor`; both change nothing and emit nothing.
    pub fn assert_unknown_code_refused(chain: &mut Sandbox, contract: &AccountId32) {
        let unknown = Action::Code(Hash::from([0xAB; 32]));
        let outcome = apply_as(chain, contract, &operator(), unknown);
        assert_eq!(outcome.value, Err(ApplyError::CodeNotFound));
        assert!(outcome.reverted);
        assert_eq!(outcome.events, 0);
        for stranger in [account(9), crate::guardian_account()] {
            let outcome = apply_as(chain, contract, &stranger, Action::Pause);
            assert_eq!(outcome.value, Err(ApplyError::NotGovernor));
            assert!(outcome.reverted && outcome.decoded.is_empty());
        }
        let paused: bool = chain.query(contract, call_data(selector_bytes!("paused"), ()));
        assert!(!paused);
    }

    /// A real upgrade of `contract` (deployed from bundle `name`, governed by the
    /// operator) to revision 2 of its code (bundle `<name>_v2`, built with the
    /// `upgrade-rehearsal` feature: the same storage layout, `code_version() == 2`)
    /// through a governor contract it is handed over to: the operation is refused before
    /// its delay (`NotReady`, nothing changes) and cancelled by the guardian
    /// (`OperationCancelled`); proposed again, it runs after the delay, the contract
    /// announcing `ActionApplied { action: Code(v2), governor: @governor }`, whereupon it
    /// answers `code_version() == 2` at the same address. The contract is handed back to
    /// the operator; the caller checks that its records survived.
    pub fn assert_real_upgrade(chain: &mut Sandbox, contract: &AccountId32, name: &str) {
        let version = |chain: &mut Sandbox| -> u16 {
            chain.query(contract, call_data(selector_bytes!("code_version"), ()))
        };
        assert_eq!(
            version(chain),
            1,
            "{name} runs revision 1 before the upgrade"
        );
        let governor = hand_over(chain, contract);
        let v2 = Hash::from(chain.upload(&format!("{name}_v2"), &operator()));
        let v2_hex: String = v2.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let upgrade = vec![Call::Apply(ink_account(contract), Action::Code(v2))];
        // Refused before the delay, changing nothing.
        let id = propose_approved(chain, &governor, upgrade.clone(), 1);
        let early = execute(chain, &governor, &account(3), id);
        assert_eq!(early.value, Err(GovernorError::NotReady), "{name}");
        assert!(early.reverted && early.emitted.is_empty());
        assert_eq!(version(chain), 1);
        // Cancelled by the guardian: it never runs.
        let cancelled = chain.call::<Result<(), GovernorError>>(
            &governor,
            &crate::guardian_account(),
            call_data(selector_bytes!("cancel"), (id,)),
        );
        assert_eq!(cancelled.value, Ok(()), "{name}: the guardian cancels");
        let now = chain.time();
        chain.set_time(now + HOUR);
        assert_eq!(
            execute(chain, &governor, &account(3), id).value,
            Err(GovernorError::Cancelled)
        );
        assert_eq!(version(chain), 1);
        // Proposed again and run after the delay.
        let id = propose_approved(chain, &governor, upgrade, 2);
        let now = chain.time();
        chain.set_time(now + HOUR);
        let done = execute(chain, &governor, &account(3), id);
        assert_eq!(done.value, Ok(()), "{name}: the upgrade runs");
        let applied: Vec<&str> = done
            .decoded
            .iter()
            .filter(|e| e.contract == name)
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(
            applied,
            [format!(
                "ActionApplied {{ action: Code(0x{v2_hex}), governor: @governor }}"
            )],
            "{name}"
        );
        assert_eq!(
            version(chain),
            2,
            "{name} runs revision 2 after the upgrade"
        );
        hand_back(chain, &governor, contract);
    }

    /// The governance events of `contract` (deployed from bundle `name`, governed by the
    /// operator) decoded with its metadata and checked in `check`: paused, unpaused and
    /// upgraded to revision 2 (`<name>_v2`) by its governor, each an `ActionApplied`.
    /// Leaves the contract on revision 2.
    pub fn check_governance_events(
        chain: &mut Sandbox,
        contract: &AccountId32,
        name: &str,
        check: &mut crate::events::EventCheck,
    ) {
        let v2 = chain.upload(&format!("{name}_v2"), &operator());
        let v2_hex: String = v2.iter().map(|b| format!("{b:02x}")).collect();
        for (action, text) in [
            (Action::Pause, "Pause".to_string()),
            (Action::Unpause, "Unpause".to_string()),
            (Action::Code(Hash::from(v2)), format!("Code(0x{v2_hex})")),
        ] {
            let out = apply_as(chain, contract, &operator(), action);
            assert_eq!(out.value, Ok(()), "{name}: {action:?}");
            check.expect(
                &out.decoded,
                &[format!("ActionApplied {{ action: {text}, governor: @1 }}")],
            );
        }
    }

    /// The consortium would upgrade `contract` to other code (the trapping peer's): the
    /// guardian pauses the contract through the governor at once, so that the approved
    /// upgrade cannot run after its delay (`TargetRefused(0, Paused)`: nothing lands while
    /// the contract's users are shut in), then cancels it; the members lift the pause (an
    /// operation of its own, at once); the cancelled upgrade never runs and the contract
    /// still runs its own code. Handed over to a governor for this and back after.
    pub fn assert_guardian_stops_an_upgrade(chain: &mut Sandbox, contract: &AccountId32) {
        let governor = hand_over(chain, contract);
        let evil = Hash::from(chain.upload("trapping_peer", &operator()));
        let target = ink_account(contract);
        let id = propose_approved(
            chain,
            &governor,
            vec![Call::Apply(target, Action::Code(evil))],
            1,
        );
        let guardian = crate::guardian_account();
        let paused = chain.call::<Result<(), GovernorError>>(
            &governor,
            &guardian,
            call_data(selector_bytes!("pause"), (target,)),
        );
        assert_eq!(paused.value, Ok(()), "the guardian pauses");
        let now = chain.time();
        chain.set_time(now + HOUR);
        assert_eq!(
            execute(chain, &governor, &account(3), id).value,
            Err(GovernorError::TargetRefused(0, ApplyError::Paused))
        );
        let cancelled = chain.call::<Result<(), GovernorError>>(
            &governor,
            &guardian,
            call_data(selector_bytes!("cancel"), (id,)),
        );
        assert_eq!(cancelled.value, Ok(()), "the guardian cancels");
        govern(
            chain,
            &governor,
            vec![Call::Apply(target, Action::Unpause)],
            2,
        );
        assert_eq!(
            execute(chain, &governor, &account(3), id).value,
            Err(GovernorError::Cancelled)
        );
        // Still its own code: it answers its own queries.
        let version: u16 = chain.query(contract, call_data(selector_bytes!("code_version"), ()));
        assert_eq!(version, 1);
        let paused: bool = chain.query(contract, call_data(selector_bytes!("paused"), ()));
        assert!(!paused);
        hand_back(chain, &governor, contract);
    }

    /// Suspends credential `id` from the current block time on.
    pub fn suspend(chain: &mut Sandbox, registry: &AccountId32, id: u64) {
        let done = chain.call::<Result<(), CredentialError>>(
            registry,
            &operator(),
            call_data(selector_bytes!("suspend"), (id, 1u16)),
        );
        assert_eq!(done.value, Ok(()));
    }
}

/// Request values shared by the node tests, the demo scenario and the bench.
pub mod fixtures {
    use claims_adjudication::claims_adjudication::ClaimLine;
    use consent_registry::consent_registry::{ConsentKind, ConsentRequest};
    use drug_provenance::drug_provenance::BatchRequest;
    use healthcare_traits::{
        CredentialKind, DataCategories, DataCategory, Purpose, PurposeSet, DAY,
    };
    use ink::primitives::{AccountId, Hash};

    /// A credential of `kind` for `subject`, valid from a year before `now` to a year
    /// after it, verified at `now` (an identifier valid for its kind).
    pub fn credential(
        subject: AccountId,
        kind: CredentialKind,
        now: u64,
    ) -> staff_credentials::staff_credentials::CredentialRequest {
        let identifier = match kind {
            CredentialKind::NpiRegistration => b"1234567893".to_vec(),
            CredentialKind::DeaRegistration => b"AB1234563".to_vec(),
            _ => b"LIC-0001".to_vec(),
        };
        staff_credentials::staff_credentials::CredentialRequest {
            subject,
            kind,
            jurisdiction: *b"CA",
            specialty: (kind == CredentialKind::BoardCertification).then_some(*b"207R00000X"),
            identifier,
            valid_from: now - 365 * DAY,
            valid_until: now + 365 * DAY,
            evidence_hash: Hash::from([0xEE; 32]),
            verified_at: now,
        }
    }

    /// A valid GTIN-14 (check digit 5) of company prefix [`PREFIX`].
    pub const GTIN: [u8; 14] = *b"00012345678905";

    /// The GS1 company prefix of [`GTIN`] (its digits after the indicator digit).
    pub const PREFIX: &[u8] = b"0012345";

    /// The GTIN-14 of indicator digit 0, company `prefix` and item reference `item`
    /// (together 12 digits), with its check digit; `None` if they do not fit.
    pub fn gtin_of(prefix: &[u8], item: &[u8]) -> Option<[u8; 14]> {
        let mut body = vec![b'0'];
        body.extend_from_slice(prefix);
        body.extend_from_slice(item);
        let check = drug_provenance::gs1::check_digit(&body)?;
        body.push(check);
        body.try_into().ok()
    }

    /// A 2–8 °C batch of `quantity` units of [`GTIN`] with lot `lot`, made a day before
    /// `now`, expiring a year after it, with an excursion budget of 30 minutes.
    pub fn batch(lot: &[u8], quantity: u64, now: u64) -> BatchRequest {
        BatchRequest {
            gtin: GTIN,
            lot: lot.to_vec(),
            expiry: now + 365 * DAY,
            quantity,
            manufactured_at: now - DAY,
            metadata_hash: Hash::from([2; 32]),
            min_temp: 200,
            max_temp: 800,
            excursion_budget_secs: 1_800,
            max_sensor_gap_secs: 0,
        }
    }

    /// `patient`'s open-ended permit for `payer` to use billing data for payment, back-dated
    /// 30 days from `now` (so that it covers recent services).
    pub fn payment_consent(patient: AccountId, payer: AccountId, now: u64) -> ConsentRequest {
        ConsentRequest {
            patient,
            grantee: payer,
            kind: ConsentKind::Permit,
            purposes: PurposeSet::of(&[Purpose::Payment]),
            categories: DataCategories::of(&[DataCategory::Billing]),
            valid_from: now - 30 * DAY,
            valid_until: None,
        }
    }

    /// The salt of the fixtures' diagnosis commitments (a real claim file draws one at
    /// random per claim).
    pub const SALT: [u8; 32] = [0x5A; 32];

    /// One claim line: `procedure` billed at `billed`, one unit, with the commitment to
    /// diagnosis E11.9.
    pub fn line(procedure: &[u8; 5], billed: u128) -> ClaimLine {
        ClaimLine {
            procedure: *procedure,
            diagnosis_commitment: claims_adjudication::diagnosis_commitment(&SALT, &["E11.9"]),
            billed,
            units: 1,
        }
    }
}

/// The suite on a chain in this process, for the demo scenario when no node is installed
/// (`scenario --sandbox`): the same release `.wasm` on drink's pallet-contracts, deployed as
/// `scripts/deploy.sh` deploys it, with the block time following the clock.
pub mod in_process {
    use super::{call_data, Sandbox};
    use drink::sandbox_api::prelude::*;
    use drink::AccountId32;
    use healthcare_traits::{CredentialKind, KindSet};
    use ink::primitives::AccountId;
    use ink::selector_bytes;
    use suite_client::{Called, Emitted, InProcess, Outcome};

    /// The governor's delay `scripts/deploy.sh` gives a local dev node (10 s).
    pub const LOCAL_DELAY_MS: u64 = 10_000;

    fn now_ms() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }

    fn chain_account(account: AccountId) -> AccountId32 {
        AccountId32::new(*account.as_ref())
    }

    /// A drink sandbox whose block time is the clock's at every call.
    pub struct Chain {
        sandbox: Sandbox,
        journal: Option<Journal>,
    }

    /// Every committed call's events on a [`Chain`] (its deployments' included), shared
    /// with whoever replays them (the scenario's indexer check).
    pub type Journal = std::sync::Arc<std::sync::Mutex<Vec<super::Recorded>>>;

    impl Chain {
        /// The governor (the deployer its only member, the local delay) and the six
        /// contracts it governs, deployed by `deployer` (funded here), who is the initial
        /// issuer of every credential kind and the regulator;
        /// returns the chain and the contracts' (name, address) in deployment order.
        pub fn with_suite(deployer: AccountId) -> Outcome<(Self, Vec<(&'static str, AccountId)>)> {
            Self::deploy_suite(deployer, None)
        }

        /// [`Chain::with_suite`], keeping every committed call's events, from the
        /// deployments on, in `journal`.
        pub fn with_suite_recorded(
            deployer: AccountId,
            journal: Journal,
        ) -> Outcome<(Self, Vec<(&'static str, AccountId)>)> {
            Self::deploy_suite(deployer, Some(journal))
        }

        fn deploy_suite(
            deployer: AccountId,
            journal: Option<Journal>,
        ) -> Outcome<(Self, Vec<(&'static str, AccountId)>)> {
            let mut sandbox = Sandbox::new();
            if journal.is_some() {
                sandbox.record();
            }
            sandbox.set_time(now_ms());
            let origin = chain_account(deployer);
            sandbox
                .inner()
                .mint_into(&origin, 1_000_000_000_000_000_000)
                .map_err(|e| format!("mint: {e:?}"))?;
            let address = |a: &AccountId32| AccountId::from(<[u8; 32]>::from(a.clone()));
            let governor = sandbox.deploy(
                "governor",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (vec![deployer], 1u32, LOCAL_DELAY_MS, crate::guardian()),
                ),
            );
            let g = address(&governor);
            let credentials = sandbox.deploy(
                "staff_credentials",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (g, vec![(deployer, KindSet::of(&CredentialKind::ALL))]),
                ),
            );
            let consent = sandbox.deploy(
                "consent_registry",
                &origin,
                call_data(selector_bytes!("new"), (g, address(&credentials))),
            );
            let drugs = sandbox.deploy(
                "drug_provenance",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (g, address(&credentials), vec![deployer]),
                ),
            );
            let monitoring = sandbox.deploy(
                "remote_monitoring",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (g, address(&credentials), address(&consent)),
                ),
            );
            let claims = sandbox.deploy(
                "claims_adjudication",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        g,
                        address(&credentials),
                        address(&consent),
                        address(&monitoring),
                    ),
                ),
            );
            let trials = sandbox.deploy(
                "clinical_trials",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (g, address(&credentials), address(&consent), vec![deployer]),
                ),
            );
            let contracts = vec![
                ("governor", g),
                ("staff_credentials", address(&credentials)),
                ("consent_registry", address(&consent)),
                ("drug_provenance", address(&drugs)),
                ("remote_monitoring", address(&monitoring)),
                ("claims_adjudication", address(&claims)),
                ("clinical_trials", address(&trials)),
            ];
            let mut chain = Self { sandbox, journal };
            chain.keep_journal();
            Ok((chain, contracts))
        }

        /// Moves what the sandbox recorded to the shared journal.
        fn keep_journal(&mut self) {
            if let Some(journal) = &self.journal {
                let recorded = self.sandbox.take_journal();
                journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(recorded);
            }
        }
    }

    impl InProcess for Chain {
        fn call(
            &mut self,
            origin: AccountId,
            callee: AccountId,
            value: u128,
            input: Vec<u8>,
            commit: bool,
        ) -> Outcome<Called> {
            self.sandbox.set_time(now_ms());
            let (contract, caller) = (chain_account(callee), chain_account(origin));
            let outcome = if commit {
                self.sandbox.raw_call(&contract, &caller, input, value)
            } else {
                self.sandbox.dry_raw_call(&contract, &caller, input, value)
            };
            self.keep_journal();
            let outcome = outcome.map_err(|e| format!("the chain refused the call: {e:?}"))?;
            Ok(Called {
                reverted: outcome.reverted,
                data: outcome.value,
                ref_time: outcome.ref_time,
                proof_size: outcome.proof_size,
                events: outcome
                    .emitted
                    .into_iter()
                    .map(|(contract, topics, data)| Emitted {
                        contract: AccountId::from(<[u8; 32]>::from(contract)),
                        topics,
                        data,
                    })
                    .collect(),
            })
        }

        fn mint(&mut self, account: AccountId, amount: u128) -> Outcome<()> {
            self.sandbox
                .inner()
                .mint_into(&chain_account(account), amount)
                .map(|_| ())
                .map_err(|e| format!("mint: {e:?}").into())
        }

        fn balance(&mut self, account: AccountId) -> u128 {
            self.sandbox.balance(&chain_account(account))
        }

        fn advance_block(&mut self) {
            self.sandbox.inner().build_block();
            self.sandbox.set_time(now_ms());
        }
    }
}
