//! # suite-admin
//!
//! The consortium's commands for a deployed healthcare suite, through its governor
//! (docs/governance.md), driven by the deployment file `scripts/deploy.sh` wrote
//! (`scripts/admin.sh` runs this binary):
//!
//! * `status`: the council (members, threshold, delay, guardian), each contract's
//!   governor, pause flag and code revision, and the pending operations with their
//!   approvals and the time left;
//! * a member proposes an operation: `propose-upgrade`, `propose-peer`, `propose-issuer`,
//!   `propose-narrow-issuer`, `propose-remove-issuer`, `propose-regulator`,
//!   `propose-remove-regulator`, `propose-break-glass`, `propose-recover-surplus`,
//!   `propose-pause`, `propose-unpause`, and changes of the council: `propose-add-member`,
//!   `propose-remove-member`, `propose-threshold`, `propose-delay`, `propose-guardian`;
//! * members `approve`, `revoke` their approval, and `execute` a ready operation (an
//!   executed upgrade is recorded in the deployment file); the guardian or the proposer
//!   `cancel`s it; anyone `expire`s an expired one;
//! * the guardian `pause`s a contract at once.
//!
//! The signer's secret URI comes from the environment variable `SUITE_SIGNER` or from a
//! file named by `--signer-file`, never from the command line. Every transaction is
//! dry-run first: a refusal prints the contract's own error in words and sends nothing.

use clap::{Parser, Subcommand};
use governor::governor::{Call, Council, CouncilChange, Error as GovernorError, Operation};
use healthcare_traits::{Action, CredentialKind, KindSet, PeerRole};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;
use ink_e2e::Keypair;
use std::path::PathBuf;
use std::process::ExitCode;
use suite_client::{
    bundle, bundle_dir, hex, message, parse_account, signer, ss58, Deployment, Outcome, Session,
    CONTRACTS,
};

#[derive(Parser)]
#[command(
    name = "scripts/admin.sh",
    about = "The consortium's commands for a deployed healthcare suite, through its governor"
)]
struct Cli {
    /// The deployment file.
    #[arg(long, default_value = "deployments/local.json")]
    deployment: PathBuf,
    /// A file holding the signer's secret URI (else the SUITE_SIGNER variable).
    #[arg(long)]
    signer_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The council, every contract's governor, pause flag and revision, and the pending
    /// operations.
    Status,
    /// Uploads the release code of CONTRACT (or of bundle --bundle) and proposes the switch
    /// (CONTRACT may be `governor`).
    ProposeUpgrade {
        contract: String,
        /// The bundle to switch to (default: CONTRACT's own build).
        #[arg(long)]
        bundle: Option<String>,
    },
    /// Proposes that CONTRACT calls ADDRESS (or a contract of the deployment) for ROLE
    /// (credentials, consent, or monitoring for claims_adjudication).
    ProposePeer {
        contract: String,
        role: String,
        address: String,
    },
    /// Proposes ACCOUNT as issuer of KINDS (`all`, or names like MedicalLicence,NpiRegistration).
    ProposeIssuer { account: String, kinds: String },
    /// Proposes narrowing the kinds ACCOUNT may issue to KINDS (runs once approved).
    ProposeNarrowIssuer { account: String, kinds: String },
    /// Proposes removing issuer ACCOUNT (runs once approved).
    ProposeRemoveIssuer { account: String },
    /// Proposes ACCOUNT as regulator of drug_provenance (default) or clinical_trials.
    ProposeRegulator {
        account: String,
        #[arg(long, default_value = "drug_provenance", value_parser = ["drug_provenance", "clinical_trials"])]
        contract: String,
    },
    /// Proposes removing regulator ACCOUNT (runs once approved).
    ProposeRemoveRegulator {
        account: String,
        #[arg(long, default_value = "drug_provenance", value_parser = ["drug_provenance", "clinical_trials"])]
        contract: String,
    },
    /// Proposes consent_registry's break-glass settings: WINDOW (e.g. 24h), at most RATE
    /// openings per clinician in RATE_WINDOW (e.g. 24h).
    ProposeBreakGlass {
        window: String,
        rate: u32,
        rate_window: String,
    },
    /// Proposes sending CONTRACT's surplus (tokens no escrow accounts for) to ACCOUNT.
    ProposeRecoverSurplus { contract: String, account: String },
    /// Proposes pausing CONTRACT, or `all` (runs once approved; the guardian pauses at
    /// once with `pause`).
    ProposePause { contract: String },
    /// Proposes lifting the pause of CONTRACT (an operation of its own; runs once approved).
    ProposeUnpause { contract: String },
    /// Proposes admitting ACCOUNT to the council.
    ProposeAddMember { account: String },
    /// Proposes removing ACCOUNT from the council (its approvals stop counting at once).
    ProposeRemoveMember { account: String },
    /// Proposes requiring M approvals.
    ProposeThreshold { m: u32 },
    /// Proposes a new delay (e.g. 2d, 48h, 30s) for operations queued from then on.
    ProposeDelay { delay: String },
    /// Proposes ACCOUNT as the guardian (an operation of its own, which the guardian in
    /// office cannot cancel).
    ProposeGuardian { account: String },
    /// Approves operation ID (0x… as `status` prints it).
    Approve { id: String },
    /// Takes back the signer's approval of operation ID.
    Revoke { id: String },
    /// Executes ready operation ID.
    Execute { id: String },
    /// Cancels operation ID (the guardian, or its proposer).
    Cancel { id: String },
    /// Clears expired operation ID from the pending list.
    Expire { id: String },
    /// The guardian pauses CONTRACT, or `all`, at once.
    Pause { contract: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match suite_client::block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR: {e}");
            eprintln!("       nothing was sent for the failing step");
            ExitCode::FAILURE
        }
    }
}

/// `all` or one governed contract of the deployment.
fn targets(deployment: &Deployment, contract: &str) -> Outcome<Vec<String>> {
    if contract == "all" {
        return Ok(deployment
            .contracts
            .keys()
            .filter(|name| name.as_str() != "governor")
            .cloned()
            .collect());
    }
    deployment.contract(contract)?;
    Ok(vec![contract.to_string()])
}

/// Milliseconds from `30s`, `15m`, `48h`, `2d` or plain milliseconds.
fn parse_delay(text: &str) -> Outcome<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (e.g. 30s, 48h, 2d)"))?;
    let factor = match unit {
        "" | "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("unknown unit in {text:?} (ms, s, m, h, d)").into()),
    };
    value
        .checked_mul(factor)
        .ok_or_else(|| format!("{text} is too long").into())
}

/// A kind set from `all` or comma-separated kind names.
fn parse_kinds(text: &str) -> Outcome<KindSet> {
    if text == "all" {
        return Ok(KindSet::of(&CredentialKind::ALL));
    }
    let mut kinds = Vec::new();
    for name in text.split(',').map(str::trim) {
        let kind = CredentialKind::ALL
            .into_iter()
            .find(|k| format!("{k:?}").eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "unknown credential kind {name:?}; kinds: {}",
                    CredentialKind::ALL
                        .iter()
                        .map(|k| format!("{k:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        kinds.push(kind);
    }
    Ok(KindSet::of(&kinds))
}

/// An operation id printed by `status` (0x and 64 hex digits).
fn parse_id(text: &str) -> Outcome<Hash> {
    let digits = text.trim().trim_start_matches("0x");
    if digits.len() != 64 {
        return Err(format!("not an operation id: {text:?} (0x and 64 hex digits)").into());
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        let pair = digits.get(2 * i..2 * i + 2).ok_or("not an operation id")?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| format!("not hex: {text:?}"))?;
    }
    Ok(Hash::from(bytes))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn in_words(ms: u64) -> String {
    if ms == 0 {
        "now".to_string()
    } else {
        format!("in {} s", ms / 1_000)
    }
}

struct Admin {
    session: Session,
    signer: Keypair,
}

impl Admin {
    fn governor(&self) -> Outcome<AccountId> {
        self.session.deployment.address("governor")
    }

    /// A governor message: dry-run, then submitted (a refusal reads as the governor's
    /// error in words).
    async fn send<Args, T>(&mut self, selector: [u8; 4], args: Args) -> Outcome<T>
    where
        Args: parity_scale_codec::Encode + Sync + Clone,
        T: parity_scale_codec::Decode + Send + std::fmt::Debug,
    {
        let call = message::<Args, Result<T, GovernorError>>(self.governor()?, selector, args);
        self.session
            .tx(&self.signer, &call, 0)
            .await?
            .map_err(|e| format!("governor refused: {e:?}").into())
    }

    async fn read<Args, R>(
        &mut self,
        address: AccountId,
        selector: [u8; 4],
        args: Args,
    ) -> Outcome<R>
    where
        Args: parity_scale_codec::Encode + Sync + Clone,
        R: parity_scale_codec::Decode + Send,
    {
        let call = message::<Args, R>(address, selector, args);
        self.session.read(&self.signer, &call).await
    }

    fn describe(&self, call: &Call) -> String {
        let name = |address: &AccountId| {
            self.session
                .deployment
                .name_of(address)
                .map(str::to_string)
                .unwrap_or_else(|| ss58(address))
        };
        match call {
            Call::Apply(target, action) => format!("{}: {}", name(target), action_text(action)),
            Call::Council(change) => format!("governor: {}", council_text(change)),
        }
    }

    /// Proposes `calls` with a fresh salt; prints the id and what comes next.
    async fn propose(&mut self, calls: Vec<Call>) -> Outcome<()> {
        let mut salt = [0u8; 32];
        salt[..8].copy_from_slice(&now_ms().to_le_bytes());
        let described: Vec<String> = calls.iter().map(|c| self.describe(c)).collect();
        let id: Hash = self
            .send(selector_bytes!("propose"), (calls, Hash::from(salt)))
            .await?;
        let id = hex(id.as_ref());
        println!("operation {id} proposed: {}", described.join("; "));
        println!("    other members approve it: scripts/admin.sh approve {id}");
        println!("    once ready, any member runs it: scripts/admin.sh execute {id}");
        Ok(())
    }

    async fn status(&mut self) -> Outcome<()> {
        let governor = self.governor()?;
        let council: Council = self.read(governor, selector_bytes!("council"), ()).await?;
        println!("governor at {}", ss58(&governor));
        println!(
            "    {} of {} members approve an operation; delay {} ms; guardian {}",
            council.threshold,
            council.members.len(),
            council.delay,
            ss58(&council.guardian)
        );
        for member in &council.members {
            println!("    member {}", ss58(&member.account));
        }
        let names: Vec<String> = self
            .session
            .deployment
            .contracts
            .keys()
            .filter(|n| n.as_str() != "governor")
            .cloned()
            .collect();
        for name in names {
            let address = self.session.deployment.address(&name)?;
            let obeys: AccountId = self
                .read(address, selector_bytes!("Governed::governor"), ())
                .await?;
            let paused: bool = self.read(address, selector_bytes!("paused"), ()).await?;
            let version: u16 = self
                .read(address, selector_bytes!("code_version"), ())
                .await?;
            println!(
                "{name} at {}: revision {version}; paused: {paused}; governed by {}",
                ss58(&address),
                if obeys == governor {
                    "the governor".to_string()
                } else {
                    ss58(&obeys)
                }
            );
        }
        let pending: Vec<Hash> = self
            .read(governor, selector_bytes!("pending"), (0u32, 50u32))
            .await?;
        if pending.is_empty() {
            println!("no pending operation");
        }
        for id in pending {
            let operation: Option<Operation> = self
                .read(governor, selector_bytes!("operation"), (id,))
                .await?;
            let approvals: u32 = self
                .read(governor, selector_bytes!("approvals"), (id,))
                .await?;
            let Some(operation) = operation else { continue };
            let calls: Vec<String> = operation.calls.iter().map(|c| self.describe(c)).collect();
            println!("pending {}", hex(id.as_ref()));
            println!("    {}", calls.join("; "));
            println!(
                "    proposed by {}; {approvals} of {} approvals; {}",
                ss58(&operation.proposer),
                council.threshold,
                match operation.ready_at {
                    Some(at) =>
                        format!("ready {} (at {at})", in_words(at.saturating_sub(now_ms()))),
                    None => "not queued yet".to_string(),
                }
            );
        }
        Ok(())
    }

    /// Executes operation `id`; records the new code hash of every contract it upgraded
    /// (and the metadata of the bundle that has it) in the deployment file.
    async fn execute(&mut self, id: Hash) -> Outcome<()> {
        let governor = self.governor()?;
        let operation: Operation = self
            .read::<_, Option<Operation>>(governor, selector_bytes!("operation"), (id,))
            .await?
            .ok_or_else(|| format!("no operation {}", hex(id.as_ref())))?;
        if operation.ready_at.is_some_and(|at| now_ms() >= at) {
            // Ready by the clock; the chain's latest block may be older (a --dev node
            // seals blocks only for transactions): then give it a new one.
            let call = message::<_, Result<(), GovernorError>>(
                governor,
                selector_bytes!("execute"),
                (id,),
            );
            let dry = self.session.dry_run(&self.signer, &call, 0).await?;
            if dry.reverted {
                self.session.advance_block(&self.signer).await?;
            }
        }
        self.send::<_, ()>(selector_bytes!("execute"), (id,))
            .await?;
        println!("operation {} executed", hex(id.as_ref()));
        for call in &operation.calls {
            let (name, hash) = match call {
                Call::Apply(target, Action::Code(hash)) => (
                    self.session.deployment.name_of(target).map(str::to_string),
                    hash,
                ),
                Call::Council(CouncilChange::Code(hash)) => (Some("governor".to_string()), hash),
                _ => continue,
            };
            let Some(name) = name else { continue };
            let code_hash = hex(hash.as_ref());
            let metadata = metadata_with_hash(&code_hash).ok_or_else(|| {
                format!(
                    "{name} now runs {code_hash}, but no built bundle has that code: record it in {} by hand",
                    self.session.deployment.path.display()
                )
            })?;
            self.session
                .deployment
                .record_code(&name, &code_hash, &metadata)?;
            println!(
                "    recorded {name}'s code {code_hash} and its metadata in {}",
                self.session.deployment.path.display()
            );
        }
        Ok(())
    }
}

fn action_text(action: &Action) -> String {
    let kinds = |k: &KindSet| format!("{:?}", k.kinds().collect::<Vec<_>>());
    match action {
        Action::Code(hash) => format!("code -> {}", hex(hash.as_ref())),
        Action::Peer(role, address) => format!("peer {role:?} -> {}", ss58(address)),
        Action::Issuer(a, k) => format!("issuer {} may issue {}", ss58(a), kinds(k)),
        Action::NarrowIssuer(a, k) => format!("issuer {} narrowed to {}", ss58(a), kinds(k)),
        Action::RemoveIssuer(a) => format!("issuer {} removed", ss58(a)),
        Action::SuspendCredential(id, reason) => {
            format!("credential {id} suspended (reason {reason})")
        }
        Action::RevokeCredential(id, reason) => {
            format!("credential {id} revoked (reason {reason})")
        }
        Action::Regulator(a) => format!("regulator {}", ss58(a)),
        Action::RemoveRegulator(a) => format!("regulator {} removed", ss58(a)),
        Action::BreakGlass(window, rate, rate_window) => {
            format!("break-glass window {window} ms, at most {rate} per {rate_window} ms")
        }
        Action::RecoverSurplus(to) => format!("surplus to {}", ss58(to)),
        Action::Pause => "pause".to_string(),
        Action::Unpause => "unpause".to_string(),
        Action::HandOver(to) => format!("handed over to governor {}", ss58(to)),
    }
}

fn council_text(change: &CouncilChange) -> String {
    match change {
        CouncilChange::AddMember(a) => format!("admit member {}", ss58(a)),
        CouncilChange::RemoveMember(a) => format!("remove member {}", ss58(a)),
        CouncilChange::Threshold(m) => format!("threshold {m}"),
        CouncilChange::Delay(ms) => format!("delay {ms} ms"),
        CouncilChange::Guardian(a) => format!("guardian {}", ss58(a)),
        CouncilChange::Code(hash) => format!("code -> {}", hex(hash.as_ref())),
    }
}

/// The metadata file of a built bundle whose code hash is `code_hash`.
fn metadata_with_hash(code_hash: &str) -> Option<PathBuf> {
    std::fs::read_dir(bundle_dir())
        .ok()?
        .flatten()
        .map(|entry| bundle(&entry.file_name().to_string_lossy(), "json"))
        .find(|path| {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .and_then(|json| json["source"]["hash"].as_str().map(str::to_string))
                .is_some_and(|hash| hash.eq_ignore_ascii_case(code_hash))
        })
}

async fn run(cli: Cli) -> Outcome<()> {
    let deployment = Deployment::load(&cli.deployment)?;
    let signer = signer(cli.signer_file.as_deref())?;
    let mut bundles: Vec<&str> = CONTRACTS.to_vec();
    let extra = match &cli.command {
        Command::ProposeUpgrade {
            bundle: Some(name), ..
        } => Some(name.clone()),
        _ => None,
    };
    if let Some(name) = extra.as_deref() {
        bundles.push(name);
    }
    let session = Session::connect(deployment, &bundles).await?;
    let mut admin = Admin { session, signer };
    let deployment = admin.session.deployment.clone();
    let at = |name: &str| deployment.address(name);
    let account = |text: &str| match deployment.contracts.get(text) {
        Some(contract) => Ok(contract.address),
        None => parse_account(text),
    };
    match cli.command {
        Command::Status => admin.status().await?,
        Command::ProposeUpgrade { contract, bundle } => {
            let address = at(&contract)?;
            let name = bundle.unwrap_or_else(|| contract.clone());
            let code_hash: Hash = admin.session.upload(&admin.signer, &name).await?;
            println!("{name}: code {} on chain", hex(code_hash.as_ref()));
            let call = if contract == "governor" {
                Call::Council(CouncilChange::Code(code_hash))
            } else {
                Call::Apply(address, Action::Code(code_hash))
            };
            admin.propose(vec![call]).await?;
        }
        Command::ProposePeer {
            contract,
            role,
            address,
        } => {
            let role = match role.to_ascii_lowercase().as_str() {
                "credentials" => PeerRole::Credentials,
                "consent" => PeerRole::Consent,
                "monitoring" => PeerRole::Monitoring,
                other => {
                    return Err(format!(
                        "unknown peer role {other:?} (credentials, consent, monitoring)"
                    )
                    .into())
                }
            };
            let call = Call::Apply(at(&contract)?, Action::Peer(role, account(&address)?));
            admin.propose(vec![call]).await?;
        }
        Command::ProposeIssuer { account: a, kinds } => {
            let action = Action::Issuer(parse_account(&a)?, parse_kinds(&kinds)?);
            admin
                .propose(vec![Call::Apply(at("staff_credentials")?, action)])
                .await?;
        }
        Command::ProposeNarrowIssuer { account: a, kinds } => {
            let action = Action::NarrowIssuer(parse_account(&a)?, parse_kinds(&kinds)?);
            admin
                .propose(vec![Call::Apply(at("staff_credentials")?, action)])
                .await?;
        }
        Command::ProposeRemoveIssuer { account: a } => {
            let action = Action::RemoveIssuer(parse_account(&a)?);
            admin
                .propose(vec![Call::Apply(at("staff_credentials")?, action)])
                .await?;
        }
        Command::ProposeRegulator {
            account: a,
            contract,
        } => {
            let action = Action::Regulator(parse_account(&a)?);
            admin
                .propose(vec![Call::Apply(at(&contract)?, action)])
                .await?;
        }
        Command::ProposeRemoveRegulator {
            account: a,
            contract,
        } => {
            let action = Action::RemoveRegulator(parse_account(&a)?);
            admin
                .propose(vec![Call::Apply(at(&contract)?, action)])
                .await?;
        }
        Command::ProposeBreakGlass {
            window,
            rate,
            rate_window,
        } => {
            let action =
                Action::BreakGlass(parse_delay(&window)?, rate, parse_delay(&rate_window)?);
            admin
                .propose(vec![Call::Apply(at("consent_registry")?, action)])
                .await?;
        }
        Command::ProposeRecoverSurplus {
            contract,
            account: a,
        } => {
            let action = Action::RecoverSurplus(account(&a)?);
            admin
                .propose(vec![Call::Apply(at(&contract)?, action)])
                .await?;
        }
        Command::ProposePause { contract } => {
            let mut calls = Vec::new();
            for name in targets(&deployment, &contract)? {
                calls.push(Call::Apply(at(&name)?, Action::Pause));
            }
            admin.propose(calls).await?;
        }
        Command::ProposeUnpause { contract } => {
            let call = Call::Apply(at(&contract)?, Action::Unpause);
            admin.propose(vec![call]).await?;
        }
        Command::ProposeAddMember { account: a } => {
            let change = CouncilChange::AddMember(parse_account(&a)?);
            admin.propose(vec![Call::Council(change)]).await?;
        }
        Command::ProposeRemoveMember { account: a } => {
            let change = CouncilChange::RemoveMember(parse_account(&a)?);
            admin.propose(vec![Call::Council(change)]).await?;
        }
        Command::ProposeThreshold { m } => {
            admin
                .propose(vec![Call::Council(CouncilChange::Threshold(m))])
                .await?;
        }
        Command::ProposeDelay { delay } => {
            let change = CouncilChange::Delay(parse_delay(&delay)?);
            admin.propose(vec![Call::Council(change)]).await?;
        }
        Command::ProposeGuardian { account: a } => {
            let change = CouncilChange::Guardian(parse_account(&a)?);
            admin.propose(vec![Call::Council(change)]).await?;
        }
        Command::Approve { id } => {
            let id = parse_id(&id)?;
            admin
                .send::<_, ()>(selector_bytes!("approve"), (id,))
                .await?;
            println!("operation {} approved", hex(id.as_ref()));
        }
        Command::Revoke { id } => {
            let id = parse_id(&id)?;
            admin
                .send::<_, ()>(selector_bytes!("revoke_approval"), (id,))
                .await?;
            println!("approval of operation {} taken back", hex(id.as_ref()));
        }
        Command::Execute { id } => admin.execute(parse_id(&id)?).await?,
        Command::Cancel { id } => {
            let id = parse_id(&id)?;
            admin
                .send::<_, ()>(selector_bytes!("cancel"), (id,))
                .await?;
            println!("operation {} cancelled", hex(id.as_ref()));
        }
        Command::Expire { id } => {
            let id = parse_id(&id)?;
            admin
                .send::<_, ()>(selector_bytes!("expire"), (id,))
                .await?;
            println!("expired operation {} cleared", hex(id.as_ref()));
        }
        Command::Pause { contract } => {
            for name in targets(&deployment, &contract)? {
                admin
                    .send::<_, ()>(selector_bytes!("pause"), (at(&name)?,))
                    .await?;
                println!("{name}: paused by the guardian (safety actions keep working)");
            }
        }
    }
    Ok(())
}
