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

/// The contracts of the suite, in deployment order.
pub const CONTRACTS: [&str; 6] = [
    "staff_credentials",
    "consent_registry",
    "drug_provenance",
    "remote_monitoring",
    "claims_adjudication",
    "clinical_trials",
];

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

/// The canceller every test suite names at instantiation (cancels pending changes and
/// pauses, never proposes or executes): account `0xca`.
pub fn canceller() -> ink::primitives::AccountId {
    ink::primitives::AccountId::from([0xca; 32])
}

/// [`canceller`] as a chain account (to sign its calls).
pub fn canceller_account() -> AccountId32 {
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
    pub emitted: Vec<(AccountId32, Vec<[u8; 32]>, Vec<u8>)>,
    /// The emitted events of the suite's contracts decoded with their metadata, in order
    /// (see [`events`]; a call whose events the metadata does not describe panics).
    pub decoded: Vec<events::DecodedEvent>,
}

impl<T> Outcome<T> {
    /// The events of type `E` that `contract` emitted in this call, decoded, in order
    /// (matched by `E`'s signature topic, so that other events of the call are skipped).
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

/// An in-process pallet-contracts chain with the suite's helpers.
pub struct Sandbox {
    inner: MinimalSandbox,
    gas_limit: Weight,
    /// The contracts deployed by [`Sandbox::deploy`]: address → name (for their metadata).
    names: std::collections::BTreeMap<AccountId32, String>,
    /// The contract events of the last deployment (its constructor's).
    deployed_events: Vec<(AccountId32, Vec<[u8; 32]>, Vec<u8>)>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A fresh chain; accounts 1..=10 and the canceller are funded, the block time is `1_700_000_000_000` ms.
    pub fn new() -> Self {
        let mut inner = MinimalSandbox::default();
        for n in 1..=10u8 {
            inner
                .mint_into(&account(n), 1_000_000_000_000_000)
                .expect("mint");
        }
        inner
            .mint_into(&canceller_account(), 1_000_000_000_000_000)
            .expect("mint");
        let mut sandbox = Self {
            inner,
            gas_limit: Weight::from_parts(100_000_000_000, 3 * 1024 * 1024),
            names: Default::default(),
            deployed_events: Vec::new(),
        };
        sandbox.set_time(1_700_000_000_000);
        sandbox
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
        let salt = name.as_bytes().to_vec();
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
    /// `@canceller`, `@<contract name>` for a deployed contract.
    pub fn account_name(&self, id: &[u8; 32]) -> Option<String> {
        if let Some(name) = self.names.get(&AccountId32::new(*id)) {
            return Some(format!("@{name}"));
        }
        match id {
            [0xca, ..] if id.iter().all(|b| *b == 0xca) => Some("@canceller".into()),
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
        self.inner.reset_events();
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
        self.inner.reset_events();
        let mut outcome = raw_call(
            &mut self.inner,
            self.gas_limit,
            contract,
            caller,
            data,
            value,
        )?;
        self.decode_events(&mut outcome);
        Ok(outcome)
    }

    /// [`Sandbox::raw_call`] whose changes are undone afterwards (a dry run).
    pub fn dry_raw_call(
        &mut self,
        contract: &AccountId32,
        caller: &AccountId32,
        data: Vec<u8>,
        value: u128,
    ) -> Result<Outcome<Vec<u8>>, CallFailure> {
        let gas_limit = self.gas_limit;
        let mut outcome = self
            .inner
            .dry_run(|inner| raw_call(inner, gas_limit, contract, caller, data, value))?;
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
) -> Vec<(AccountId32, Vec<[u8; 32]>, Vec<u8>)> {
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

/// Deployment helpers shared by the cross-contract sandbox tests.
pub mod suite {
    use super::{account, call_data, ink_account, Sandbox};
    use drink::AccountId32;
    use healthcare_traits::{Change, CredentialKind, KindSet};
    use ink::primitives::Hash;
    use ink::selector_bytes;
    use staff_credentials::staff_credentials::Error as CredentialError;

    /// The account that deploys every contract and is staff_credentials' issuer.
    pub fn operator() -> AccountId32 {
        account(1)
    }

    /// Deploys staff_credentials without a time lock, with the operator as issuer of
    /// every kind.
    pub fn deploy_credentials(chain: &mut Sandbox) -> AccountId32 {
        chain.deploy(
            "staff_credentials",
            &operator(),
            call_data(
                selector_bytes!("new"),
                (
                    0u64,
                    vec![(ink_account(&operator()), KindSet::of(&CredentialKind::ALL))],
                    crate::canceller(),
                ),
            ),
        )
    }

    /// As the operator (the owner), proposes `change` on `contract` and executes it after
    /// waiting the contract's delay (the clock moves forward by it). Returns the result of
    /// the execution, decoded with the contract's error type `E`.
    pub fn enact<E>(chain: &mut Sandbox, contract: &AccountId32, change: Change) -> Result<(), E>
    where
        E: parity_scale_codec::Decode + core::fmt::Debug,
    {
        let id = chain
            .call::<Result<u32, E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("propose_change"), (change,)),
            )
            .value?;
        let delay: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        let now = chain.time();
        chain.set_time(now + delay);
        chain
            .call::<Result<(), E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("execute_change"), (id,)),
            )
            .value
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

    /// Asserts that a code change to a code hash the chain does not know is refused at
    /// proposal with `expected` (the contract's `CodeNotFound`) and changes nothing.
    pub fn assert_unknown_code_refused<E>(chain: &mut Sandbox, contract: &AccountId32, expected: E)
    where
        E: parity_scale_codec::Decode + core::fmt::Debug + PartialEq,
    {
        let outcome = chain.call::<Result<u32, E>>(
            contract,
            &operator(),
            call_data(
                selector_bytes!("propose_change"),
                (Change::Code(Hash::from([0xAB; 32])),),
            ),
        );
        assert_eq!(outcome.value, Err(expected));
        assert!(outcome.reverted);
        assert_eq!(outcome.events, 0);
        let pending: Vec<healthcare_traits::PendingChange> =
            chain.query(contract, call_data(selector_bytes!("pending_changes"), ()));
        assert!(pending.is_empty());
    }

    /// A real upgrade of `contract` (deployed from bundle `name`) to revision 2 of its code
    /// (bundle `<name>_v2`, built with the `upgrade-rehearsal` feature: the same storage
    /// layout, `code_version() == 2`) through the time lock, with every admin event
    /// decoded: the proposal (`ChangeProposed`: id, change, `executable_at` = now + delay)
    /// is refused before its delay (`TooEarly`, nothing changes) and cancelled
    /// (`ChangeCancelled`: id, by); proposed again, it executes after the delay
    /// (`ChangeExecuted` and `CodeUpgraded`: the new code hash, by the owner), whereupon
    /// the contract at the same address answers `code_version() == 2`. The caller checks
    /// that its records survived.
    pub fn assert_real_upgrade<E>(chain: &mut Sandbox, contract: &AccountId32, name: &str)
    where
        E: parity_scale_codec::Decode + core::fmt::Debug,
    {
        use healthcare_traits::admin::{
            ChangeCancelled, ChangeExecuted, ChangeProposed, CodeUpgraded,
        };
        let version = |chain: &mut Sandbox| -> u16 {
            chain.query(contract, call_data(selector_bytes!("code_version"), ()))
        };
        assert_eq!(
            version(chain),
            1,
            "{name} runs revision 1 before the upgrade"
        );
        let v2 = Hash::from(chain.upload(&format!("{name}_v2"), &operator()));
        let change = Change::Code(v2);
        let mut delay: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        if delay == 0 {
            // A contract deployed without a delay gets one first (itself a change).
            delay = healthcare_traits::HOUR;
            assert!(enact::<E>(chain, contract, Change::Delay(delay)).is_ok());
        }
        let owner = ink_account(&operator());
        let admin_view =
            |chain: &mut Sandbox| -> (ink::primitives::AccountId, ink::primitives::AccountId) {
                (
                    chain.query(contract, call_data(selector_bytes!("owner"), ())),
                    chain.query(contract, call_data(selector_bytes!("canceller"), ())),
                )
            };
        let admin_before = admin_view(chain);
        let propose = |chain: &mut Sandbox| -> u32 {
            let now = chain.time();
            let out = chain.call::<Result<u32, E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("propose_change"), (change,)),
            );
            let proposed = out.events_of::<ChangeProposed>(contract);
            let id = out.value.expect("propose the upgrade");
            assert_eq!(proposed.len(), 1, "{name}: one ChangeProposed");
            assert_eq!(proposed[0].id, id);
            assert_eq!(proposed[0].change, change);
            assert_eq!(proposed[0].executable_at, now + delay);
            id
        };
        let execute = |chain: &mut Sandbox, id: u32| {
            chain.call::<Result<(), E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("execute_change"), (id,)),
            )
        };
        // Refused before the delay, changing nothing.
        let id = propose(chain);
        let early = execute(chain, id);
        assert_eq!(
            format!("{:?}", early.value),
            "Err(TooEarly)",
            "{name}: executed early"
        );
        assert!(early.reverted && early.emitted.is_empty());
        assert_eq!(version(chain), 1);
        // Cancelled by the owner: it never executes.
        let out = chain.call::<Result<(), E>>(
            contract,
            &operator(),
            call_data(selector_bytes!("cancel_change"), (id,)),
        );
        assert!(out.value.is_ok(), "{name}: cancel {:?}", out.value);
        let cancelled = out.events_of::<ChangeCancelled>(contract);
        assert_eq!(cancelled.len(), 1, "{name}: one ChangeCancelled");
        assert_eq!((cancelled[0].id, cancelled[0].by), (id, owner));
        let now = chain.time();
        chain.set_time(now + delay);
        assert_eq!(
            format!("{:?}", execute(chain, id).value),
            "Err(NoPendingChange)",
            "{name}: a cancelled change executed"
        );
        // Proposed again and executed after the delay.
        let id = propose(chain);
        let now = chain.time();
        chain.set_time(now + delay);
        let done = execute(chain, id);
        assert!(done.value.is_ok(), "{name}: execute {:?}", done.value);
        let executed = done.events_of::<ChangeExecuted>(contract);
        assert_eq!(executed.len(), 1, "{name}: one ChangeExecuted");
        assert_eq!((executed[0].id, executed[0].change), (id, change));
        let upgraded = done.events_of::<CodeUpgraded>(contract);
        assert_eq!(upgraded.len(), 1, "{name}: one CodeUpgraded");
        assert_eq!((upgraded[0].code_hash, upgraded[0].by), (v2, owner));
        assert_eq!(
            version(chain),
            2,
            "{name} runs revision 2 after the upgrade"
        );
        // Its own storage kept: owner, canceller and delay as they were.
        assert_eq!(admin_view(chain), admin_before);
        let kept: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        assert_eq!(kept, delay);
    }

    /// The admin events of `contract` (deployed from bundle `name` by the operator, who
    /// owns it) decoded with its metadata and checked in `check`: the canceller pauses and
    /// the owner unpauses; ownership passes to account 9 in two steps and back; an upgrade
    /// to revision 2 (`<name>_v2`) is proposed, cancelled, proposed again and executed
    /// after the delay. Leaves the contract on revision 2, owned by the operator.
    pub fn check_admin_events<E>(
        chain: &mut Sandbox,
        contract: &AccountId32,
        name: &str,
        check: &mut crate::events::EventCheck,
    ) where
        E: parity_scale_codec::Decode + core::fmt::Debug,
    {
        let heir = account(9);
        let mut send =
            |chain: &mut Sandbox, who: &AccountId32, data: Vec<u8>, expected: &[String]| {
                let out = chain.call::<Result<(), E>>(contract, who, data);
                assert!(out.value.is_ok(), "{name}: {:?}", out.value);
                check.expect(&out.decoded, expected);
            };
        let canceller = crate::canceller_account();
        send(
            chain,
            &canceller,
            call_data(selector_bytes!("pause"), ()),
            &["ContractPaused { by: @canceller }".into()],
        );
        send(
            chain,
            &operator(),
            call_data(selector_bytes!("unpause"), ()),
            &["ContractUnpaused { by: @1 }".into()],
        );
        send(
            chain,
            &operator(),
            call_data(selector_bytes!("transfer_ownership"), (ink_account(&heir),)),
            &["OwnershipTransferStarted { owner: @1, new_owner: @9 }".into()],
        );
        send(
            chain,
            &heir,
            call_data(selector_bytes!("accept_ownership"), ()),
            &["OwnershipTransferred { previous_owner: @1, new_owner: @9 }".into()],
        );
        send(
            chain,
            &heir,
            call_data(
                selector_bytes!("transfer_ownership"),
                (ink_account(&operator()),),
            ),
            &["OwnershipTransferStarted { owner: @9, new_owner: @1 }".into()],
        );
        send(
            chain,
            &operator(),
            call_data(selector_bytes!("accept_ownership"), ()),
            &["OwnershipTransferred { previous_owner: @9, new_owner: @1 }".into()],
        );
        let v2 = chain.upload(&format!("{name}_v2"), &operator());
        let v2_hex: String = v2.iter().map(|b| format!("{b:02x}")).collect();
        let change = Change::Code(Hash::from(v2));
        let delay: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        let propose = |chain: &mut Sandbox, check: &mut crate::events::EventCheck| -> u32 {
            let now = chain.time();
            let out = chain.call::<Result<u32, E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("propose_change"), (change,)),
            );
            let id = out.value.expect("propose the upgrade");
            check.expect(
                &out.decoded,
                &[format!(
                    "ChangeProposed {{ id: {id}, change: Code(0x{v2_hex}), executable_at: {} }}",
                    now + delay
                )],
            );
            id
        };
        let id = propose(chain, check);
        let out = chain.call::<Result<(), E>>(
            contract,
            &canceller,
            call_data(selector_bytes!("cancel_change"), (id,)),
        );
        assert!(out.value.is_ok(), "{name}: cancel {:?}", out.value);
        check.expect(
            &out.decoded,
            &[format!("ChangeCancelled {{ id: {id}, by: @canceller }}")],
        );
        let id = propose(chain, check);
        let now = chain.time();
        chain.set_time(now + delay);
        let out = chain.call::<Result<(), E>>(
            contract,
            &operator(),
            call_data(selector_bytes!("execute_change"), (id,)),
        );
        assert!(out.value.is_ok(), "{name}: execute {:?}", out.value);
        check.expect(
            &out.decoded,
            &[
                format!("CodeUpgraded {{ code_hash: 0x{v2_hex}, by: @1 }}"),
                format!("ChangeExecuted {{ id: {id}, change: Code(0x{v2_hex}) }}"),
            ],
        );
    }

    /// The owner proposes an upgrade of `contract` to real, different code (the trapping
    /// peer's), then pauses: after the delay the upgrade does not execute while paused;
    /// the canceller cancels it (also while paused), cannot unpause, and pauses again
    /// after the owner unpaused; the cancelled upgrade never executes and the contract
    /// still runs its own code.
    pub fn assert_canceller_stops_a_paused_upgrade<E>(chain: &mut Sandbox, contract: &AccountId32)
    where
        E: parity_scale_codec::Decode + core::fmt::Debug,
    {
        let send = |chain: &mut Sandbox, who: &AccountId32, message: &str, args: Vec<u8>| {
            let mut data = crate::selector(message).to_vec();
            data.extend(args);
            let value = chain.call::<Result<(), E>>(contract, who, data).value;
            value.map_err(|e| format!("{e:?}"))
        };
        let evil = Hash::from(chain.upload("trapping_peer", &operator()));
        let id = chain
            .call::<Result<u32, E>>(
                contract,
                &operator(),
                call_data(selector_bytes!("propose_change"), (Change::Code(evil),)),
            )
            .value
            .expect("propose");
        let (owner, canceller) = (operator(), crate::canceller_account());
        let id_arg = parity_scale_codec::Encode::encode(&id);
        assert_eq!(send(chain, &owner, "pause", vec![]), Ok(()));
        let delay: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        let now = chain.time();
        chain.set_time(now + delay);
        assert_eq!(
            send(chain, &owner, "execute_change", id_arg.clone()),
            Err("Paused".to_string())
        );
        assert_eq!(
            send(chain, &canceller, "cancel_change", id_arg.clone()),
            Ok(())
        );
        assert_eq!(
            send(chain, &canceller, "unpause", vec![]),
            Err("NotOwner".to_string())
        );
        assert_eq!(send(chain, &owner, "unpause", vec![]), Ok(()));
        assert_eq!(
            send(chain, &owner, "execute_change", id_arg),
            Err("NoPendingChange".to_string())
        );
        assert_eq!(send(chain, &canceller, "pause", vec![]), Ok(()));
        assert_eq!(send(chain, &owner, "unpause", vec![]), Ok(()));
        // Still its own code: it answers its own queries.
        let still: u64 = chain.query(contract, call_data(selector_bytes!("change_delay"), ()));
        assert_eq!(still, delay);
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

    /// The time lock `scripts/deploy.sh` gives a local dev node (10 s).
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
    }

    impl Chain {
        /// The six contracts deployed by `deployer` (funded here), who is the initial
        /// issuer of every credential kind and the regulator, with the local time lock;
        /// returns the chain and the contracts' (name, address) in deployment order.
        pub fn with_suite(deployer: AccountId) -> Outcome<(Self, Vec<(&'static str, AccountId)>)> {
            let mut sandbox = Sandbox::new();
            sandbox.set_time(now_ms());
            let origin = chain_account(deployer);
            sandbox
                .inner()
                .mint_into(&origin, 1_000_000_000_000_000_000)
                .map_err(|e| format!("mint: {e:?}"))?;
            let address = |a: &AccountId32| AccountId::from(<[u8; 32]>::from(a.clone()));
            let credentials = sandbox.deploy(
                "staff_credentials",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        LOCAL_DELAY_MS,
                        vec![(deployer, KindSet::of(&CredentialKind::ALL))],
                        crate::canceller(),
                    ),
                ),
            );
            let consent = sandbox.deploy(
                "consent_registry",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (address(&credentials), LOCAL_DELAY_MS, crate::canceller()),
                ),
            );
            let drugs = sandbox.deploy(
                "drug_provenance",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        address(&credentials),
                        LOCAL_DELAY_MS,
                        vec![deployer],
                        crate::canceller(),
                    ),
                ),
            );
            let monitoring = sandbox.deploy(
                "remote_monitoring",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        address(&credentials),
                        address(&consent),
                        LOCAL_DELAY_MS,
                        crate::canceller(),
                    ),
                ),
            );
            let claims = sandbox.deploy(
                "claims_adjudication",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        address(&credentials),
                        address(&consent),
                        address(&monitoring),
                        LOCAL_DELAY_MS,
                        crate::canceller(),
                    ),
                ),
            );
            let trials = sandbox.deploy(
                "clinical_trials",
                &origin,
                call_data(
                    selector_bytes!("new"),
                    (
                        address(&credentials),
                        address(&consent),
                        LOCAL_DELAY_MS,
                        vec![deployer],
                        crate::canceller(),
                    ),
                ),
            );
            let contracts = vec![
                ("staff_credentials", address(&credentials)),
                ("consent_registry", address(&consent)),
                ("drug_provenance", address(&drugs)),
                ("remote_monitoring", address(&monitoring)),
                ("claims_adjudication", address(&claims)),
                ("clinical_trials", address(&trials)),
            ];
            Ok((Self { sandbox }, contracts))
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
