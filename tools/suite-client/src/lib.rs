//! # suite-client
//!
//! What the suite's command-line programs (the operator tool `suite-admin`, the demo
//! scenario, the claims tool) share:
//!
//! * [`Deployment`]: `deployments/<network>.json` as `scripts/deploy.sh` writes it, with
//!   each contract's metadata (event names by signature topic, error variants with their
//!   documentation), and the atomic update of a contract's code hash after an upgrade;
//! * [`signer`]: the signer's secret URI from the environment variable `SUITE_SIGNER` or
//!   from a file, never from the command line (where every user of the machine sees it);
//! * [`Session`]: a connection to the deployment's node that dry-runs every transaction
//!   first and reports a refusal as the contract's own error, in words;
//! * [`message`]: any message of any contract by its selector (the admin messages share
//!   their selectors across contracts).

use ink::env::call::utils::{Argument, ArgumentList, EmptyArgumentList};
use ink::env::call::{build_call, ExecutionInput, Selector};
use ink::primitives::AccountId;
use ink_e2e::subxt::utils::AccountId32;
use ink_e2e::{CallBuilderFinal, ChainBackend, Client, ContractsBackend, Keypair, PolkadotConfig};
use parity_scale_codec::{Decode, Encode};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The contracts' environment.
pub type Env = ink::env::DefaultEnvironment;
/// A client of the node.
pub type Node = Client<PolkadotConfig, Env>;
/// Any failure, with a message meant for the operator.
pub type Failure = Box<dyn std::error::Error>;
/// A result with a [`Failure`].
pub type Outcome<T> = Result<T, Failure>;
/// A message to any contract whose arguments are one SCALE-encodable value (a tuple of
/// the message's arguments encodes exactly like the arguments one after another).
pub type Message<Args, R> =
    CallBuilderFinal<Env, ArgumentList<Argument<Args>, EmptyArgumentList>, R>;

include!(concat!(env!("OUT_DIR"), "/contracts.rs"));

/// The deployment file's JSON Schema, `deployments/deployment.schema.json` (the one the
/// deploy script and the dApp check with).
pub const DEPLOYMENT_SCHEMA: &str = include_str!("../../../deployments/deployment.schema.json");

/// Why `document` is not a deployment file of this suite (`None` if it is one): it must
/// match [`DEPLOYMENT_SCHEMA`] and name every contract of [`CONTRACTS`].
pub fn deployment_problem(document: &serde_json::Value) -> Option<String> {
    let schema: serde_json::Value = match serde_json::from_str(DEPLOYMENT_SCHEMA) {
        Ok(schema) => schema,
        Err(e) => return Some(format!("the schema itself is unreadable: {e}")),
    };
    let validator = match jsonschema::draft202012::new(&schema) {
        Ok(validator) => validator,
        Err(e) => return Some(format!("the schema itself is invalid: {e}")),
    };
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!(
                "at {}: {e}",
                if at.is_empty() { "the top level" } else { &at }
            )
        })
        .collect();
    if let Some(first) = errors.first() {
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Some(format!("{first}{more}"));
    }
    let missing: Vec<&str> = CONTRACTS
        .iter()
        .copied()
        .filter(|name| document["contracts"].get(name).is_none())
        .collect();
    (!missing.is_empty()).then(|| format!("it names no {}", missing.join(", ")))
}

/// The environment variable holding the signer's secret URI.
pub const SIGNER_VARIABLE: &str = "SUITE_SIGNER";

/// The folder of the bundles `cargo contract build` wrote: `$CARGO_TARGET_DIR/ink`, else
/// the scripts' default target directory.
pub fn bundle_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/healthcare-suite/target")
        });
    target.join("ink")
}

/// The bundle file `name.ext` (`wasm`, `json`, `contract`) of contract `name`.
pub fn bundle(name: &str, ext: &str) -> PathBuf {
    bundle_dir().join(name).join(format!("{name}.{ext}"))
}

/// An account id from its SS58 form.
pub fn parse_account(text: &str) -> Outcome<AccountId> {
    let account = AccountId32::from_str(text.trim())
        .map_err(|e| format!("{text:?} is no SS58 account: {e:?}"))?;
    Ok(AccountId::from(account.0))
}

/// The SS58 form of an account id (prefix 42).
pub fn ss58(account: &AccountId) -> String {
    AccountId32(*account.as_ref()).to_string()
}

/// The account of a key pair.
pub fn account_of(keypair: &Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}

/// `0x`-prefixed lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::from("0x");
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Bytes from `0x`-prefixed (or bare) hex.
pub fn unhex(text: &str) -> Outcome<Vec<u8>> {
    let text = text.trim().trim_start_matches("0x");
    if text.len() % 2 != 0 {
        return Err(format!("odd-length hex {text:?}").into());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(text.get(i..i + 2).unwrap_or("zz"), 16)
                .map_err(|e| format!("bad hex {text:?}: {e}").into())
        })
        .collect()
}

/// The signer's key pair, from the secret URI (`//Alice`, a mnemonic with an optional
/// `//derivation`, ...) in the file `file` when given, else in the environment variable
/// `SUITE_SIGNER`. Never from the command line: a process's arguments are visible to
/// every user of the machine.
pub fn signer(file: Option<&Path>) -> Outcome<Keypair> {
    let secret = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("signer file {}: {e}", path.display()))?,
        None => std::env::var(SIGNER_VARIABLE).map_err(|_| {
            format!("set {SIGNER_VARIABLE} to the signer's secret URI, or name a file with --signer-file")
        })?,
    };
    let uri = ink_e2e::subxt_signer::SecretUri::from_str(secret.trim())
        .map_err(|e| format!("the signer's secret is no secret URI: {e}"))?;
    Keypair::from_uri(&uri).map_err(|e| format!("the signer's secret: {e}").into())
}

/// A contract's error, as the index of its variant: every contract's `Error` is an enum of
/// unit variants, encoded as one byte; [`Deployment::error_text`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Decode, Encode)]
pub struct ErrorCode(pub u8);

/// `message` with `args` to the contract at `address`, returning `R`.
pub fn message<Args, R>(address: AccountId, selector: [u8; 4], args: Args) -> Message<Args, R>
where
    Args: Encode,
{
    build_call::<Env>()
        .call(address)
        .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(args))
        .returns::<R>()
}

/// One contract of a deployment.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Its address.
    pub address: AccountId,
    /// The code hash the deployment file records.
    pub code_hash: String,
    /// Its error variants by index: (name, documentation).
    pub errors: Vec<(String, String)>,
    /// Its metadata file (what an event decoder loads).
    pub metadata: PathBuf,
    /// The label of its one anonymous event without topic fields, if it has exactly one
    /// (`ClaimAdjudicated`): an event of the contract without topics is that one.
    pub anonymous: Option<String>,
}

/// A deployment file and the metadata it names.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The file.
    pub path: PathBuf,
    /// The node's URL.
    pub url: String,
    /// The network name.
    pub network: String,
    /// The contracts by name.
    pub contracts: BTreeMap<String, Contract>,
    /// Event names by signature topic (the shared governance event has one signature in
    /// every contract: the emitting contract's address tells which).
    pub events: HashMap<[u8; 32], String>,
    document: serde_json::Value,
}

impl Deployment {
    /// Reads `path` and every metadata file it names.
    pub fn load(path: &Path) -> Outcome<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e} (run scripts/deploy.sh first)", path.display()))?;
        let document: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a deployment file: {e}", path.display()))?;
        if let Some(problem) = deployment_problem(&document) {
            return Err(format!(
                "{} is not a deployment file of this suite ({problem}): deploy again with scripts/deploy.sh",
                path.display()
            )
            .into());
        }
        let url = document["url"]
            .as_str()
            .ok_or("deployment file without url")?
            .to_string();
        let network = document["network"].as_str().unwrap_or("local").to_string();
        let directory = path.parent().unwrap_or(Path::new("."));
        let mut contracts = BTreeMap::new();
        let mut events = HashMap::new();
        let entries = document["contracts"]
            .as_object()
            .ok_or("deployment file without contracts")?;
        for (name, entry) in entries {
            let address = entry["address"]
                .as_str()
                .ok_or(format!("{name} has no address in {}", path.display()))?;
            let metadata_path = entry["metadata"]
                .as_str()
                .ok_or(format!("{name} has no metadata path"))?;
            let metadata: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(directory.join(metadata_path))
                    .map_err(|e| format!("{name} metadata {metadata_path}: {e}"))?,
            )?;
            event_names(&metadata, &mut events)?;
            contracts.insert(
                name.clone(),
                Contract {
                    address: parse_account(address)?,
                    code_hash: entry["code_hash"].as_str().unwrap_or_default().to_string(),
                    errors: error_variants(&metadata, name),
                    metadata: directory.join(metadata_path),
                    anonymous: anonymous_event(&metadata),
                },
            );
        }
        Ok(Self {
            path: path.to_path_buf(),
            url,
            network,
            contracts,
            events,
            document,
        })
    }

    /// The suite as deployed on the in-process chain: `contracts` (name, address), with
    /// the metadata of their release bundles.
    pub fn in_process(contracts: &[(&str, AccountId)]) -> Outcome<Self> {
        let mut map = BTreeMap::new();
        let mut events = HashMap::new();
        for (name, address) in contracts {
            let path = bundle(name, "json");
            let metadata: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "{}: {e} (run scripts/build-contracts.sh first)",
                        path.display()
                    )
                })?)?;
            event_names(&metadata, &mut events)?;
            map.insert(
                name.to_string(),
                Contract {
                    address: *address,
                    code_hash: metadata["source"]["hash"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    errors: error_variants(&metadata, name),
                    anonymous: anonymous_event(&metadata),
                    metadata: path,
                },
            );
        }
        Ok(Self {
            path: PathBuf::from("(in process)"),
            url: "the in-process sandbox (no node)".into(),
            network: "sandbox".into(),
            contracts: map,
            events,
            document: serde_json::Value::Null,
        })
    }

    /// The contract named `name`.
    pub fn contract(&self, name: &str) -> Outcome<&Contract> {
        self.contracts
            .get(name)
            .ok_or_else(|| format!("{name} is not in {}", self.path.display()).into())
    }

    /// The address of contract `name`.
    pub fn address(&self, name: &str) -> Outcome<AccountId> {
        Ok(self.contract(name)?.address)
    }

    /// The contract whose address is `address`, if any.
    pub fn name_of(&self, address: &AccountId) -> Option<&str> {
        self.contracts
            .iter()
            .find(|(_, c)| c.address == *address)
            .map(|(name, _)| name.as_str())
    }

    /// Error variant `index` of contract `name`, in words: "Name: documentation".
    pub fn error_text(&self, name: &str, index: u8) -> String {
        self.contracts
            .get(name)
            .and_then(|c| c.errors.get(usize::from(index)))
            .map(|(variant, docs)| format!("{variant}: {docs}"))
            .unwrap_or_else(|| format!("error #{index}"))
    }

    /// Records that contract `name` now runs `code_hash` (after an executed upgrade): its
    /// metadata `metadata` is copied beside the file and the file is rewritten atomically.
    pub fn record_code(&mut self, name: &str, code_hash: &str, metadata: &Path) -> Outcome<()> {
        let short = code_hash.trim_start_matches("0x").get(..8).unwrap_or("new");
        let relative = format!("{}/{name}-{short}.json", self.network);
        let directory = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        write_atomically(&directory.join(&relative), &std::fs::read(metadata)?)?;
        let mut document = self.document.clone();
        let entry = document
            .get_mut("contracts")
            .and_then(|c| c.get_mut(name))
            .ok_or(format!("{name} is not in {}", self.path.display()))?;
        entry["code_hash"] = serde_json::Value::from(code_hash);
        entry["metadata"] = serde_json::Value::from(relative);
        if let Some(problem) = deployment_problem(&document) {
            return Err(format!(
                "not recording {name}'s code {code_hash}: {} would not match deployments/deployment.schema.json ({problem})",
                self.path.display()
            )
            .into());
        }
        let mut text = serde_json::to_string_pretty(&document)?;
        text.push('\n');
        write_atomically(&self.path, text.as_bytes())?;
        self.document = document;
        if let Some(contract) = self.contracts.get_mut(name) {
            contract.code_hash = code_hash.to_string();
        }
        Ok(())
    }
}

/// Adds the event names of `metadata` by signature topic to `events`.
fn event_names(
    metadata: &serde_json::Value,
    events: &mut HashMap<[u8; 32], String>,
) -> Outcome<()> {
    for event in metadata["spec"]["events"].as_array().into_iter().flatten() {
        if let (Some(topic), Some(label)) =
            (event["signature_topic"].as_str(), event["label"].as_str())
        {
            if let Ok(bytes) = <[u8; 32]>::try_from(unhex(topic)?) {
                events.insert(bytes, label.to_string());
            }
        }
    }
    Ok(())
}

/// The label of `metadata`'s one anonymous event without topic fields, if it has exactly
/// one (ink! 5's rule for knowing an event that carries no signature topic).
fn anonymous_event(metadata: &serde_json::Value) -> Option<String> {
    let labels: Vec<&str> = metadata["spec"]["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|event| event["signature_topic"].is_null())
        .filter(|event| {
            !event["args"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|arg| arg["indexed"].as_bool() == Some(true))
        })
        .filter_map(|event| event["label"].as_str())
        .collect();
    match labels.as_slice() {
        [label] => Some((*label).to_string()),
        _ => None,
    }
}

/// The variants of contract `name`'s `Error` enum in its metadata, by index.
fn error_variants(metadata: &serde_json::Value, name: &str) -> Vec<(String, String)> {
    let types = metadata["types"].as_array().cloned().unwrap_or_default();
    let mut variants: Vec<(String, String)> = Vec::new();
    for entry in &types {
        let ty = &entry["type"];
        let path: Vec<&str> = ty["path"]
            .as_array()
            .map(|p| p.iter().filter_map(|s| s.as_str()).collect())
            .unwrap_or_default();
        if path.first() != Some(&name) || path.last() != Some(&"Error") {
            continue;
        }
        for variant in ty["def"]["variant"]["variants"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = variant["index"].as_u64().unwrap_or(0);
            let label = variant["name"].as_str().unwrap_or("?").to_string();
            let docs = variant["docs"]
                .as_array()
                .map(|d| {
                    d.iter()
                        .filter_map(|s| s.as_str())
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            let index = usize::try_from(index).unwrap_or(usize::MAX);
            if variants.len() <= index {
                variants.resize(index.saturating_add(1), ("?".into(), String::new()));
            }
            if let Some(slot) = variants.get_mut(index) {
                *slot = (label, docs);
            }
        }
    }
    variants
}

/// Runs `future` to completion on a single-threaded async runtime (what the command-line
/// tools' `main`s share).
pub fn block_on<T>(future: impl std::future::Future<Output = Outcome<T>>) -> Outcome<T> {
    ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no async runtime: {e}"))?
        .block_on(future)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// that a reader never sees half a file; readable by a web server (0644).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Outcome<()> {
    use std::io::Write;
    let directory = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory)?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let result = (|| -> Outcome<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o644))?;
        }
        std::fs::rename(&temporary, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// What one contract call did: on a node's dry run, or on a chain in this process.
#[derive(Debug, Clone, Default)]
pub struct Called {
    /// The contract reverted (its message returned an error, or it trapped).
    pub reverted: bool,
    /// Its return data (the encoded `Result<message value, LangError>`).
    pub data: Vec<u8>,
    /// The weight it consumed: ref_time (picoseconds).
    pub ref_time: u64,
    /// The weight it consumed: proof_size (bytes).
    pub proof_size: u64,
    /// The events it emitted (a dry run on a node reports none).
    pub events: Vec<Emitted>,
}

/// A contract event: the emitting contract, its topics and its SCALE-encoded data.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// The emitting contract.
    pub contract: AccountId,
    /// Its topics; the first is the event's signature.
    pub topics: Vec<[u8; 32]>,
    /// Its data.
    pub data: Vec<u8>,
}

impl Called {
    /// The message's return value, or why it was not dispatched.
    pub fn value<R: Decode>(&self) -> Outcome<R> {
        <Result<R, ink::LangError>>::decode(&mut &self.data[..])
            .map_err(|e| format!("undecodable return value: {e}"))?
            .map_err(|e| format!("the contract did not dispatch the message: {e:?}").into())
    }
}

/// A chain in this process (the drink sandbox of `e2e-tests`, running the same release
/// `.wasm` on pallet-contracts): what a [`Session`] needs of it. Its block time follows
/// the clock, as a node's does.
pub trait InProcess {
    /// Calls `callee` as `origin` with `input`, transferring `value`; keeps what the call
    /// changed only when `commit` (else a dry run).
    fn call(
        &mut self,
        origin: AccountId,
        callee: AccountId,
        value: u128,
        input: Vec<u8>,
        commit: bool,
    ) -> Outcome<Called>;
    /// Gives `account` `amount` new tokens.
    fn mint(&mut self, account: AccountId, amount: u128) -> Outcome<()>;
    /// Free balance of `account`.
    fn balance(&mut self, account: AccountId) -> u128;
    /// A new block at the current time.
    fn advance_block(&mut self);
}

/// Where a session's transactions go.
enum Backend {
    /// A node (`deployment.url`).
    Node(Box<Node>),
    /// A chain in this process; `accounts` counts the accounts it has funded.
    InProcess {
        chain: Box<dyn InProcess>,
        accounts: u32,
    },
}

/// A connection to a deployment's node, or to a chain in this process.
pub struct Session {
    backend: Backend,
    /// The deployment.
    pub deployment: Deployment,
    /// Names to print for accounts (parties of a scenario).
    pub names: HashMap<AccountId, String>,
}

impl Session {
    /// Connects to the deployment's node; `bundles` names the contracts whose code the
    /// session may upload (their release `.wasm`).
    pub async fn connect(deployment: Deployment, bundles: &[&str]) -> Outcome<Self> {
        let rpc = ink_e2e::RpcClient::from_url(&deployment.url)
            .await
            .map_err(|e| format!("no node at {}: {e}", deployment.url))?;
        let paths: Vec<PathBuf> = bundles.iter().map(|name| bundle(name, "wasm")).collect();
        let client = Node::new(rpc, paths).await?;
        Ok(Self {
            backend: Backend::Node(Box::new(client)),
            deployment,
            names: HashMap::new(),
        })
    }

    /// A session on `chain`, a chain in this process where `deployment`'s contracts run.
    pub fn in_process(deployment: Deployment, chain: Box<dyn InProcess>) -> Self {
        Self {
            backend: Backend::InProcess { chain, accounts: 0 },
            deployment,
            names: HashMap::new(),
        }
    }

    /// The node client (an error on a chain in this process).
    pub fn node(&mut self) -> Outcome<&mut Node> {
        match &mut self.backend {
            Backend::Node(node) => Ok(node.as_mut()),
            Backend::InProcess { .. } => Err("this needs a node, not the in-process chain".into()),
        }
    }

    /// A printable name for `account`: a party's role, a contract's name, or SS58.
    pub fn name(&self, account: &AccountId) -> String {
        if let Some(name) = self.names.get(account) {
            return name.clone();
        }
        self.deployment
            .name_of(account)
            .map(str::to_string)
            .unwrap_or_else(|| ss58(account))
    }

    /// Dry-runs `message` signed by `who` with `value`; an error when the chain refuses it
    /// before the contract runs (a revert is in [`Called::reverted`]).
    pub async fn dry_run<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
        value: u128,
    ) -> Outcome<Called>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode,
    {
        match &mut self.backend {
            Backend::Node(node) => {
                let dry = node
                    .call(who, message)
                    .value(value)
                    .dry_run()
                    .await
                    .map_err(|e| format!("dry run: {e:?}"))?;
                if let Err(e) = &dry.exec_result.result {
                    return Err(format!("the node refused the call: {e:?}").into());
                }
                let returned = dry.exec_return_value();
                Ok(Called {
                    reverted: returned.did_revert(),
                    data: returned.data.clone(),
                    ref_time: dry.exec_result.gas_consumed.ref_time(),
                    proof_size: dry.exec_result.gas_consumed.proof_size(),
                    events: Vec::new(),
                })
            }
            Backend::InProcess { chain, .. } => {
                let params = message.clone().params();
                let input = params.exec_input().encode();
                chain.call(account_of(who), *params.callee(), value, input, false)
            }
        }
    }

    /// Dry-runs `message` and returns its value (a read, or a call expected to fail).
    pub async fn read<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
    ) -> Outcome<R>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode,
    {
        self.dry_run(who, message, 0).await?.value()
    }

    /// The contract's refusal in words, when a call reverted: its error variant and
    /// documentation from the metadata (the return data of a reverted message is the
    /// encoded `Ok(Err(variant))`).
    fn refusal(&self, contract: &AccountId, data: &[u8]) -> String {
        let name = self.deployment.name_of(contract).unwrap_or("the contract");
        match data {
            [0, 1, index, ..] => format!(
                "{name} refused: {}",
                self.deployment.error_text(name, *index)
            ),
            _ => format!("{name} reverted ({})", hex(data)),
        }
    }

    /// Submits `message` to `contract` signed by `who`, dry-running it first so that a
    /// refusal reads as the contract's error in words and nothing is sent; prints the
    /// events it emitted; returns the message's value.
    pub async fn tx<Args, R>(
        &mut self,
        who: &Keypair,
        message: &CallBuilderFinal<Env, Args, R>,
        value: u128,
    ) -> Outcome<R>
    where
        Args: Sync + Encode + Clone,
        R: Send + Decode + Debug,
    {
        let contract = *message.clone().params().callee();
        // On a node, a dry run first: a refusal costs no fee and the call's weight is
        // known. In process, the call itself: a reverted call changes nothing there, and
        // a dry run copies the whole state each time.
        if matches!(self.backend, Backend::Node(_)) {
            let dry = self.dry_run(who, message, value).await?;
            if dry.reverted {
                return Err(self.refusal(&contract, &dry.data).into());
            }
        }
        let (events, value) = match &mut self.backend {
            Backend::Node(node) => {
                let result = node
                    .call(who, message)
                    .value(value)
                    .submit()
                    .await
                    .map_err(|e| format!("submit: {e:?}"))?;
                let events: Vec<Emitted> = result
                    .contract_emitted_events()?
                    .into_iter()
                    .map(|event| Emitted {
                        contract: event.event.contract,
                        topics: event.topics.iter().map(|t| t.0).collect(),
                        data: event.event.data.clone(),
                    })
                    .collect();
                (events, decoded(&result.dry_run)?)
            }
            Backend::InProcess { chain, .. } => {
                let input = message.clone().params().exec_input().encode();
                let done = chain.call(account_of(who), contract, value, input, true)?;
                if done.reverted {
                    return Err(self.refusal(&contract, &done.data).into());
                }
                let value = done.value()?;
                (done.events, value)
            }
        };
        let emitted: Vec<String> = events
            .iter()
            .map(|event| {
                let label = match event.topics.first() {
                    Some(topic) => self.deployment.events.get(topic).cloned(),
                    None => self
                        .deployment
                        .contracts
                        .values()
                        .find(|c| c.address == event.contract)
                        .and_then(|c| c.anonymous.clone()),
                }
                .unwrap_or_else(|| "unknown event".into());
                format!("{}.{label}", self.name(&event.contract))
            })
            .collect();
        println!(
            "    [tx signed by {}; events: {}]",
            self.name(&account_of(who)),
            if emitted.is_empty() {
                "none".to_string()
            } else {
                emitted.join(", ")
            }
        );
        Ok(value)
    }

    /// Uploads the release code of contract `name`; returns its code hash (also when the
    /// chain already had it). Needs a node.
    pub async fn upload(&mut self, who: &Keypair, name: &str) -> Outcome<ink::primitives::Hash> {
        let uploaded = self
            .node()?
            .upload(name, who)
            .submit()
            .await
            .map_err(|e| format!("upload of {name}: {e:?}"))?;
        Ok(uploaded.code_hash)
    }

    /// Gives the chain a new block at the current time (on a node, a `System.remark`
    /// signed by `who`): a `--dev` node seals blocks only when transactions arrive, so
    /// without one its latest block time (what dry runs see) can lag behind the clock.
    pub async fn advance_block(&mut self, who: &Keypair) -> Outcome<()> {
        match &mut self.backend {
            Backend::Node(node) => {
                node.runtime_call(
                    who,
                    "System",
                    "remark",
                    vec![ink_e2e::subxt::dynamic::Value::from_bytes(
                        b"healthcare-suite",
                    )],
                )
                .await
                .map_err(|e| format!("remark: {e:?}"))?;
            }
            Backend::InProcess { chain, .. } => chain.advance_block(),
        }
        Ok(())
    }

    /// Free balance of `account`.
    pub async fn balance(&mut self, account: AccountId) -> Outcome<u128> {
        match &mut self.backend {
            Backend::Node(node) => node
                .free_balance(account)
                .await
                .map_err(|e| format!("balance: {e:?}").into()),
            Backend::InProcess { chain, .. } => Ok(chain.balance(account)),
        }
    }

    /// A new account holding `amount`: on a node funded by `from`, on the in-process
    /// chain minted (`//Party//N`, N counting up from 1).
    pub async fn fund(&mut self, from: &Keypair, amount: u128) -> Outcome<Keypair> {
        match &mut self.backend {
            Backend::Node(node) => Ok(node.create_and_fund_account(from, amount).await),
            Backend::InProcess { chain, accounts } => {
                *accounts = accounts.saturating_add(1);
                let uri =
                    ink_e2e::subxt_signer::SecretUri::from_str(&format!("//Party//{accounts}"))
                        .map_err(|e| format!("party key: {e}"))?;
                let keypair = Keypair::from_uri(&uri).map_err(|e| format!("party key: {e}"))?;
                chain.mint(account_of(&keypair), amount)?;
                Ok(keypair)
            }
        }
    }
}

/// The message's return value from a dry run, or why it was not dispatched.
pub fn decoded<R: Decode>(dry: &ink_e2e::CallDryRunResult<Env, R>) -> Outcome<R> {
    dry.message_result()
        .map_err(|e| format!("the contract did not dispatch the message: {e:?}").into())
}

/// The node's block limits, read from `System.BlockWeights`.
#[derive(Debug, Clone, Copy)]
pub struct BlockLimits {
    /// The normal class's share of a block's ref_time (picoseconds).
    pub normal: u64,
    /// The ref_time every extrinsic pays on top of its call.
    pub base_extrinsic: u64,
    /// Half of the largest normal extrinsic: the most one batch may use.
    pub batch_budget: u64,
    /// Read from the node (false: the defaults of a substrate-contracts-node).
    pub from_node: bool,
}

/// The node's block limits; when the node does not tell, 1 s of compute per batch and a
/// substrate-contracts-node's 2 s blocks (75 % normal, 107 µs per extrinsic).
pub async fn block_limits(url: &str) -> BlockLimits {
    use ink_e2e::subxt::ext::scale_value::At;
    let read = async {
        let api = ink_e2e::subxt::OnlineClient::<ink_e2e::PolkadotConfig>::from_url(url)
            .await
            .ok()?;
        let weights = api
            .constants()
            .at(&ink_e2e::subxt::dynamic::constant("System", "BlockWeights"))
            .ok()?
            .to_value()
            .ok()?;
        let normal = weights.at("per_class")?.at("normal")?;
        let ref_time = |v: &ink_e2e::subxt::ext::scale_value::Value<u32>| {
            v.at("ref_time")
                .and_then(|r| r.as_u128())
                .and_then(|r| u64::try_from(r).ok())
        };
        let largest = normal
            .at("max_extrinsic")
            .and_then(|v| v.at(0))
            .or_else(|| weights.at("max_block"))?;
        let total = normal
            .at("max_total")
            .and_then(|v| v.at(0))
            .or_else(|| weights.at("max_block"))?;
        Some(BlockLimits {
            normal: ref_time(total)?,
            base_extrinsic: normal.at("base_extrinsic").and_then(ref_time).unwrap_or(0),
            batch_budget: ref_time(largest)? / 2,
            from_node: true,
        })
    };
    read.await.unwrap_or(BlockLimits {
        normal: 1_500_000_000_000,
        base_extrinsic: 107_000_000,
        batch_budget: 1_000_000_000_000,
        from_node: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contracts_one_anonymous_event_without_topic_fields_names_its_topicless_events() {
        let event = |label: &str, signature: Option<&str>, indexed: bool| {
            serde_json::json!({
                "label": label,
                "signature_topic": signature,
                "args": [{"label": "id", "indexed": indexed}],
            })
        };
        let metadata =
            |events: Vec<serde_json::Value>| serde_json::json!({"spec": {"events": events}});
        let signed = event("Signed", Some("0x01"), true);
        let one = metadata(vec![signed.clone(), event("ClaimAdjudicated", None, false)]);
        assert_eq!(anonymous_event(&one).as_deref(), Some("ClaimAdjudicated"));
        // An anonymous event with a topic field is not topicless; two without are ambiguous.
        let with_topic = metadata(vec![signed, event("Other", None, true)]);
        assert_eq!(anonymous_event(&with_topic), None);
        let two = metadata(vec![event("A", None, false), event("B", None, false)]);
        assert_eq!(anonymous_event(&two), None);
    }

    fn written_by_deploy() -> serde_json::Value {
        let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        let contracts: serde_json::Map<String, serde_json::Value> = CONTRACTS
            .iter()
            .map(|name| {
                (
                    name.to_string(),
                    serde_json::json!({
                        "address": alice,
                        "code_hash": format!("0x{}", "cd".repeat(32)),
                        "metadata": format!("local/{name}-cdcdcdcd.json"),
                        "constructor_args": {},
                    }),
                )
            })
            .collect();
        serde_json::json!({
            "network": "local",
            "url": "ws://127.0.0.1:9944",
            "chain": "Development",
            "genesis_hash": format!("0x{}", "ab".repeat(32)),
            "deployed_at": "2026-12-06T01:00:00+00:00",
            "deployer": alice,
            "consortium": {"members": [alice], "threshold": 1, "delay_ms": 10000, "guardian": alice},
            "roles": {"issuers": [alice], "regulators": []},
            "contracts": contracts,
        })
    }

    #[test]
    fn a_deployment_file_is_checked_against_the_schema_and_the_list_of_contracts() {
        assert_eq!(deployment_problem(&written_by_deploy()), None);
        let mut short_hash = written_by_deploy();
        short_hash["contracts"]["governor"]["code_hash"] = "0x12".into();
        let problem = deployment_problem(&short_hash).unwrap_or_default();
        assert!(
            problem.contains("/contracts/governor/code_hash"),
            "{problem}"
        );
        let mut no_council = written_by_deploy();
        no_council.as_object_mut().map(|d| d.remove("consortium"));
        assert!(deployment_problem(&no_council).is_some());
        let mut missing = written_by_deploy();
        missing["contracts"]
            .as_object_mut()
            .map(|c| c.remove("clinical_trials"));
        assert_eq!(
            deployment_problem(&missing).as_deref(),
            Some("it names no clinical_trials")
        );
    }

    #[test]
    fn contracts_is_the_list_of_contracts_suite_json_in_its_order() {
        let text = include_str!("../../../contracts/suite.json");
        let suite: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let names: Vec<&str> = suite["contracts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(CONTRACTS.to_vec(), names);
        assert_eq!(CONTRACTS.first(), Some(&"governor"), "the governor first");
    }
}
