//! Where the bench runs: drink's in-process pallet-contracts (the sandbox), or a real
//! `substrate-contracts-node` reached over RPC. Both run the same release `.wasm` with the
//! same SCALE-encoded calls; each reports the weight a call consumed and the storage
//! deposit it paid as its own pallet-contracts measures them.

use drink::pallet_contracts::StorageDeposit;
use drink::sandbox_api::prelude::*;
use drink::AccountId32;
use drink::Weight;
use e2e_tests::{account, wasm_paths, Sandbox};
use ink::env::call::{build_create, ExecutionInput, Selector};
use ink_e2e::subxt::dynamic::Value;
use ink_e2e::subxt_signer::SecretUri;
use ink_e2e::{ChainBackend, ContractsBackend, Keypair};
use parity_scale_codec::{Encode, Output};
use staff_credentials::staff_credentials::StaffCredentialsRef;
use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;
use suite_client::{message, Node};

/// Who signs a call: party `N(n)` of the bench (1 is the operator), or the `i`-th holder
/// of the prior records of kind `tag`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Party {
    N(u8),
    Bulk(u32, u8),
}

/// What one call returned and cost.
pub struct Measured {
    /// The return data (`Result<value, LangError>` encoded).
    pub data: Vec<u8>,
    /// The contract reverted (nothing it did was kept).
    pub reverted: bool,
    pub ref_time: u64,
    pub proof_size: u64,
    /// Charged (positive) or refunded (negative), in the chain's smallest unit.
    pub deposit: i128,
}

/// What the bench needs of a chain.
pub trait Chain {
    /// The account of `party`.
    fn id(&self, party: Party) -> AccountId32;
    /// Gives `party` enough to pay for its calls.
    fn fund(&mut self, party: Party);
    /// Instantiates the release code of contract `name` as the operator with constructor
    /// input `data`; its address.
    fn deploy(&mut self, name: &str, data: Vec<u8>) -> AccountId32;
    /// Calls `contract` as `caller`; keeps the call's changes only when `commit` and the
    /// contract did not revert.
    fn call(
        &mut self,
        contract: &AccountId32,
        caller: Party,
        data: Vec<u8>,
        value: u128,
        commit: bool,
    ) -> Measured;
    /// The latest block's timestamp (ms).
    fn time(&mut self) -> u64;
    /// Makes the next block's time at least `ms` later than now: the sandbox sets its
    /// clock; for a node (whose dev chain makes a block per transaction, stamped with the
    /// wall clock) the bench sleeps that long.
    fn advance(&mut self, ms: u64);
    /// The weight a call may use (the sandbox's default is below a block's share; a node's
    /// dry run is always given the block's limit).
    fn set_gas_limit(&mut self, ref_time: u64, proof_size: u64);
}

fn deposit(storage: &StorageDeposit<u128>) -> i128 {
    match storage {
        StorageDeposit::Charge(x) => i128::try_from(*x).unwrap_or(i128::MAX),
        StorageDeposit::Refund(x) => -i128::try_from(*x).unwrap_or(i128::MAX),
    }
}

/// The drink sandbox (pallet-contracts 31).
pub struct InSandbox(pub Sandbox);

impl Chain for InSandbox {
    fn id(&self, party: Party) -> AccountId32 {
        match party {
            Party::N(n) => account(n),
            Party::Bulk(i, tag) => {
                let mut bytes = [tag; 32];
                bytes[..4].copy_from_slice(&i.to_le_bytes());
                AccountId32::new(bytes)
            }
        }
    }

    fn fund(&mut self, party: Party) {
        let who = self.id(party);
        self.0
            .inner()
            .mint_into(&who, 1_000_000_000_000_000)
            .unwrap_or_else(|e| panic!("mint: {e:?}"));
    }

    fn deploy(&mut self, name: &str, data: Vec<u8>) -> AccountId32 {
        self.0.deploy(name, &account(1), data)
    }

    fn call(
        &mut self,
        contract: &AccountId32,
        caller: Party,
        data: Vec<u8>,
        value: u128,
        commit: bool,
    ) -> Measured {
        let caller = self.id(caller);
        let outcome = if commit {
            self.0.raw_call(contract, &caller, data, value)
        } else {
            self.0.dry_raw_call(contract, &caller, data, value)
        }
        .unwrap_or_else(|e| panic!("call failed: {e:?}"));
        Measured {
            data: outcome.value,
            reverted: outcome.reverted,
            ref_time: outcome.ref_time,
            proof_size: outcome.proof_size,
            deposit: outcome.storage_deposit,
        }
    }

    fn time(&mut self) -> u64 {
        self.0.time()
    }

    fn advance(&mut self, ms: u64) {
        let now = self.0.time();
        self.0.set_time(now + ms);
    }

    fn set_gas_limit(&mut self, ref_time: u64, proof_size: u64) {
        self.0.set_gas_limit(ref_time, proof_size);
    }
}

/// Arguments already SCALE-encoded: written as they are.
#[derive(Clone)]
struct Raw(Vec<u8>);

impl Encode for Raw {
    fn size_hint(&self) -> usize {
        self.0.len()
    }
    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        dest.write(&self.0);
    }
}

fn split(data: Vec<u8>) -> ([u8; 4], Raw) {
    let selector: [u8; 4] = data
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .unwrap_or_else(|| panic!("call data without a selector"));
    (selector, Raw(data[4..].to_vec()))
}

/// A `substrate-contracts-node` (pallet-contracts 38 in contracts-node 0.42's runtime):
/// each call is dry-run (the measurement: `gas_consumed` and `storage_deposit`, as a
/// client sees them before signing), then submitted with the weight the dry run required.
/// Parties are `//Bench//…` accounts funded by `//Alice`.
pub struct OnNode {
    runtime: ink_e2e::tokio::runtime::Runtime,
    client: Node,
    url: String,
    keys: RefCell<HashMap<Party, Keypair>>,
}

impl OnNode {
    /// Connects to the node at `url` with the release code of `names`.
    pub fn connect(url: &str, names: &[&str]) -> Result<Self, String> {
        let runtime = ink_e2e::tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("tokio: {e}"))?;
        let paths = wasm_paths(names)?;
        let client = runtime.block_on(async {
            let rpc = ink_e2e::RpcClient::from_url(url)
                .await
                .map_err(|e| format!("no node at {url}: {e}"))?;
            Node::new(rpc, paths)
                .await
                .map_err(|e| format!("node client: {e}"))
        })?;
        Ok(Self {
            runtime,
            client,
            url: url.to_string(),
            keys: RefCell::new(HashMap::new()),
        })
    }

    fn keypair(&self, party: Party) -> Keypair {
        self.keys
            .borrow_mut()
            .entry(party)
            .or_insert_with(|| {
                let uri = match party {
                    Party::N(n) => format!("//Bench//{n}"),
                    Party::Bulk(i, tag) => format!("//Bench//{tag}//{i}"),
                };
                let uri = SecretUri::from_str(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
                Keypair::from_uri(&uri).unwrap_or_else(|e| panic!("key: {e}"))
            })
            .clone()
    }

    /// The node's block limits (`System.BlockWeights`).
    pub fn limits(&mut self) -> suite_client::BlockLimits {
        let url = self.url.clone();
        self.runtime.block_on(suite_client::block_limits(&url))
    }
}

impl Chain for OnNode {
    fn id(&self, party: Party) -> AccountId32 {
        AccountId32::new(self.keypair(party).public_key().0)
    }

    fn fund(&mut self, party: Party) {
        let who: [u8; 32] = *self.id(party).as_ref();
        let alice = ink_e2e::alice();
        self.runtime
            .block_on(self.client.runtime_call(
                &alice,
                "Balances",
                "transfer_allow_death",
                vec![
                    Value::unnamed_variant("Id", [Value::from_bytes(who)]),
                    Value::u128(1_000_000_000_000_000),
                ],
            ))
            .unwrap_or_else(|e| panic!("funding {party:?}: {e:?}"));
    }

    fn deploy(&mut self, name: &str, data: Vec<u8>) -> AccountId32 {
        let (selector, args) = split(data);
        // Only the input and the code (found by `name`) reach the chain; the reference
        // type is the builder's formality.
        let mut constructor = build_create::<StaffCredentialsRef>()
            .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(args))
            .returns::<StaffCredentialsRef>();
        let operator = self.keypair(Party::N(1));
        let done = self
            .runtime
            .block_on(
                self.client
                    .instantiate(name, &operator, &mut constructor)
                    .submit(),
            )
            .unwrap_or_else(|e| panic!("instantiate {name}: {e:?}"));
        AccountId32::new(done.account_id.0)
    }

    fn call(
        &mut self,
        contract: &AccountId32,
        caller: Party,
        data: Vec<u8>,
        value: u128,
        commit: bool,
    ) -> Measured {
        let (selector, args) = split(data);
        let address = e2e_tests::ink_account(contract);
        let call = message::<Raw, ()>(address, selector, args);
        let signer = self.keypair(caller);
        let dry = self
            .runtime
            .block_on(self.client.call(&signer, &call).value(value).dry_run())
            .unwrap_or_else(|e| panic!("dry run: {e:?}"));
        let returned = dry
            .exec_result
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("the node refused the call: {e:?}"))
            .clone();
        let measured = Measured {
            data: returned.data.clone(),
            reverted: returned.did_revert(),
            ref_time: dry.exec_result.gas_consumed.ref_time(),
            proof_size: dry.exec_result.gas_consumed.proof_size(),
            deposit: deposit(&dry.exec_result.storage_deposit),
        };
        if commit && !measured.reverted {
            let required = dry.exec_result.gas_required;
            // A margin, as ink_e2e's own submit gives: the state may move between the
            // dry run and the block.
            let limit = Weight::from_parts(
                required.ref_time() / 10 * 11,
                required.proof_size() / 10 * 11,
            );
            self.runtime
                .block_on(
                    self.client
                        .call(&signer, &call)
                        .value(value)
                        .gas_limit(limit)
                        .submit(),
                )
                .unwrap_or_else(|e| panic!("submit: {e:?}"));
        }
        measured
    }

    fn time(&mut self) -> u64 {
        let url = self.url.clone();
        self.runtime.block_on(async {
            use ink_e2e::subxt::backend::legacy::LegacyRpcMethods;
            let rpc = ink_e2e::RpcClient::from_url(&url)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            // The best block (dry runs run on it), not the latest finalised one.
            let best = LegacyRpcMethods::<ink_e2e::PolkadotConfig>::new(rpc.clone())
                .chain_get_block_hash(None)
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("no best block"));
            let api = ink_e2e::subxt::OnlineClient::<ink_e2e::PolkadotConfig>::from_rpc_client(rpc)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            let now = api
                .storage()
                .at(best)
                .fetch(&ink_e2e::subxt::dynamic::storage(
                    "Timestamp",
                    "Now",
                    Vec::<Value>::new(),
                ))
                .await
                .unwrap_or_else(|e| panic!("Timestamp.Now: {e}"))
                .unwrap_or_else(|| panic!("no Timestamp.Now in the best block"));
            now.to_value()
                .unwrap_or_else(|e| panic!("Timestamp.Now: {e}"))
                .as_u128()
                .and_then(|v| u64::try_from(v).ok())
                .unwrap_or_else(|| panic!("Timestamp.Now is no number"))
        })
    }

    fn advance(&mut self, ms: u64) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }

    fn set_gas_limit(&mut self, _ref_time: u64, _proof_size: u64) {}
}
