//! # suite-admin
//!
//! The operator's commands for a deployed healthcare suite, driven by the deployment file
//! `scripts/deploy.sh` wrote (`scripts/admin.sh` runs this binary):
//!
//! * `status`: each contract's owner, canceller, pending owner, pause flag, time-lock delay and
//!   pending changes;
//! * time-locked changes: `propose-upgrade`, `propose-peer`, `propose-delay`,
//!   `propose-issuer`, `propose-regulator`, `propose-canceller`, then `execute` after the
//!   delay (an executed upgrade is recorded in the deployment file) or `cancel` (by the
//!   owner or the canceller);
//! * at once: `pause` / `unpause`, `transfer-ownership` / `accept-ownership`,
//!   `narrow-issuer`, `remove-issuer`, `remove-regulator`.
//!
//! The signer's secret URI comes from the environment variable `SUITE_SIGNER` or from a
//! file named by `--signer-file`, never from the command line. Every transaction is
//! dry-run first: a refusal prints the contract's own error in words and sends nothing.

use clap::{Parser, Subcommand};
use healthcare_traits::{Change, CredentialKind, KindSet, PeerRole, PendingChange};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;
use ink_e2e::Keypair;
use std::path::PathBuf;
use std::process::ExitCode;
use suite_client::{
    bundle, bundle_dir, hex, message, parse_account, signer, ss58, Deployment, ErrorCode, Outcome,
    Session, CONTRACTS,
};

#[derive(Parser)]
#[command(
    name = "scripts/admin.sh",
    about = "Operator commands for a deployed healthcare suite (time-locked changes, pause, roles, ownership)"
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
    /// Owner, pending owner, pause flag, delay and pending changes of every contract.
    Status,
    /// Uploads the release code of CONTRACT (or of bundle --bundle) and proposes it.
    ProposeUpgrade {
        contract: String,
        /// The bundle to switch to (default: CONTRACT's own build).
        #[arg(long)]
        bundle: Option<String>,
    },
    /// Proposes that CONTRACT calls ADDRESS for ROLE (credentials, consent, or monitoring
    /// for claims_adjudication).
    ProposePeer {
        contract: String,
        role: String,
        address: String,
    },
    /// Proposes a new time-lock delay (e.g. 2d, 48h, 30s) for CONTRACT, or `all`.
    ProposeDelay { contract: String, delay: String },
    /// Proposes ACCOUNT as issuer of KINDS (`all`, or names like MedicalLicence,NpiRegistration).
    ProposeIssuer { account: String, kinds: String },
    /// Proposes ACCOUNT as regulator of drug_provenance (default) or clinical_trials.
    ProposeRegulator {
        account: String,
        #[arg(long, default_value = "drug_provenance", value_parser = ["drug_provenance", "clinical_trials"])]
        contract: String,
    },
    /// Proposes ACCOUNT as the canceller of CONTRACT, or `all` (the canceller in office
    /// cannot cancel this change).
    ProposeCanceller { account: String, contract: String },
    /// Executes pending change ID of CONTRACT (once its delay has passed).
    Execute { contract: String, id: u32 },
    /// Cancels pending change ID of CONTRACT.
    Cancel { contract: String, id: u32 },
    /// Pauses CONTRACT, or `all`.
    Pause { contract: String },
    /// Lifts the pause of CONTRACT, or `all`.
    Unpause { contract: String },
    /// Proposes ACCOUNT (e.g. a multisig) as the next owner of CONTRACT, or `all`.
    TransferOwnership { contract: String, account: String },
    /// The proposed owner (the signer) accepts CONTRACT, or `all`.
    AcceptOwnership { contract: String },
    /// Narrows the kinds ACCOUNT may issue, at once.
    NarrowIssuer { account: String, kinds: String },
    /// Removes issuer ACCOUNT, at once.
    RemoveIssuer { account: String },
    /// Removes regulator ACCOUNT of drug_provenance (default) or clinical_trials, at once.
    RemoveRegulator {
        account: String,
        #[arg(long, default_value = "drug_provenance", value_parser = ["drug_provenance", "clinical_trials"])]
        contract: String,
    },
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

/// `all` or one contract of the deployment.
fn targets(deployment: &Deployment, contract: &str) -> Outcome<Vec<String>> {
    if contract == "all" {
        return Ok(deployment.contracts.keys().cloned().collect());
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

fn describe(change: &Change) -> String {
    match change {
        Change::Code(hash) => format!("code -> {}", hex(hash.as_ref())),
        Change::Peer(role, address) => format!("peer {role:?} -> {}", ss58(address)),
        Change::Delay(ms) => format!("time-lock delay -> {ms} ms"),
        Change::Issuer(account, kinds) => format!(
            "issuer {} may issue {:?}",
            ss58(account),
            kinds.kinds().collect::<Vec<_>>()
        ),
        Change::Regulator(account) => format!("regulator {}", ss58(account)),
        Change::Canceller(account) => format!("canceller {}", ss58(account)),
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

struct Admin {
    session: Session,
    signer: Keypair,
}

impl Admin {
    /// An admin message with no value: dry-run, then submitted.
    async fn send<Args, T>(&mut self, contract: &str, selector: [u8; 4], args: Args) -> Outcome<T>
    where
        Args: parity_scale_codec::Encode + Sync + Clone,
        T: parity_scale_codec::Decode + Send + std::fmt::Debug,
    {
        let address = self.session.deployment.address(contract)?;
        let call = message::<Args, Result<T, ErrorCode>>(address, selector, args);
        match self.session.tx(&self.signer, &call, 0).await? {
            Ok(value) => Ok(value),
            Err(code) => Err(format!(
                "{contract} refused: {}",
                self.session.deployment.error_text(contract, code.0)
            )
            .into()),
        }
    }

    async fn read<R>(&mut self, contract: &str, selector: [u8; 4]) -> Outcome<R>
    where
        R: parity_scale_codec::Decode + Send,
    {
        let address = self.session.deployment.address(contract)?;
        let call = message::<(), R>(address, selector, ());
        self.session.read(&self.signer, &call).await
    }

    async fn propose(&mut self, contract: &str, change: Change) -> Outcome<()> {
        let id: u32 = self
            .send(contract, selector_bytes!("propose_change"), (change,))
            .await?;
        let pending: Vec<PendingChange> = self
            .read(contract, selector_bytes!("pending_changes"))
            .await?;
        let at = pending
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.executable_at)
            .unwrap_or_default();
        println!(
            "{contract}: change #{id} proposed ({}); executable from {} ms ({} s from now); run `scripts/admin.sh execute {contract} {id}` then",
            describe(&change),
            at,
            at.saturating_sub(now_ms()) / 1_000
        );
        Ok(())
    }

    async fn status(&mut self) -> Outcome<()> {
        let names: Vec<String> = self.session.deployment.contracts.keys().cloned().collect();
        for name in names {
            let owner: AccountId = self.read(&name, selector_bytes!("owner")).await?;
            let canceller: AccountId = self.read(&name, selector_bytes!("canceller")).await?;
            let pending_owner: Option<AccountId> =
                self.read(&name, selector_bytes!("pending_owner")).await?;
            let paused: bool = self.read(&name, selector_bytes!("paused")).await?;
            let delay: u64 = self.read(&name, selector_bytes!("change_delay")).await?;
            let pending: Vec<PendingChange> =
                self.read(&name, selector_bytes!("pending_changes")).await?;
            println!(
                "{name} at {}",
                ss58(&self.session.deployment.address(&name)?)
            );
            println!("    owner {}; canceller {}", ss58(&owner), ss58(&canceller));
            if let Some(next) = pending_owner {
                println!("    proposed next owner {}", ss58(&next));
            }
            println!("    paused: {paused}; time-lock delay: {delay} ms");
            if pending.is_empty() {
                println!("    no pending change");
            }
            for change in pending {
                let wait = change.executable_at.saturating_sub(now_ms());
                println!(
                    "    pending #{}: {}; executable at {} ({})",
                    change.id,
                    describe(&change.change),
                    change.executable_at,
                    if wait == 0 {
                        "now".to_string()
                    } else {
                        format!("in {} s", wait / 1_000)
                    }
                );
            }
        }
        Ok(())
    }

    /// Executes change `id`; after a code change, records the new code hash (and the
    /// metadata of the bundle that has it) in the deployment file.
    async fn execute(&mut self, contract: &str, id: u32) -> Outcome<()> {
        let pending: Vec<PendingChange> = self
            .read(contract, selector_bytes!("pending_changes"))
            .await?;
        let pending = pending
            .iter()
            .find(|p| p.id == id)
            .copied()
            .ok_or_else(|| format!("{contract} has no pending change #{id}"))?;
        let change = pending.change;
        if now_ms() >= pending.executable_at {
            // The delay has passed by the clock; the chain's latest block may be older (a
            // --dev node seals blocks only for transactions): then give it a new one.
            let address = self.session.deployment.address(contract)?;
            let call = message::<_, Result<(), ErrorCode>>(
                address,
                selector_bytes!("execute_change"),
                (id,),
            );
            let dry = self.session.dry_run(&self.signer, &call, 0).await?;
            if dry.reverted {
                self.session.advance_block(&self.signer).await?;
            }
        }
        self.send::<_, ()>(contract, selector_bytes!("execute_change"), (id,))
            .await?;
        println!("{contract}: change #{id} executed ({})", describe(&change));
        if let Change::Code(hash) = change {
            let code_hash = hex(hash.as_ref());
            match metadata_with_hash(&code_hash) {
                Some(metadata) => {
                    self.session
                        .deployment
                        .record_code(contract, &code_hash, &metadata)?;
                    println!(
                        "    recorded code {code_hash} and its metadata in {}",
                        self.session.deployment.path.display()
                    );
                }
                None => {
                    return Err(format!(
                        "{contract} now runs {code_hash}, but no built bundle has that code: record it in {} by hand",
                        self.session.deployment.path.display()
                    )
                    .into())
                }
            }
        }
        Ok(())
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
    match cli.command {
        Command::Status => admin.status().await?,
        Command::ProposeUpgrade { contract, bundle } => {
            deployment.contract(&contract)?;
            let name = bundle.unwrap_or_else(|| contract.clone());
            let code_hash: Hash = admin.session.upload(&admin.signer, &name).await?;
            println!("{name}: code {} on chain", hex(code_hash.as_ref()));
            admin.propose(&contract, Change::Code(code_hash)).await?;
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
            let address = match deployment.contracts.get(&address) {
                Some(peer) => peer.address,
                None => parse_account(&address)?,
            };
            admin
                .propose(&contract, Change::Peer(role, address))
                .await?;
        }
        Command::ProposeDelay { contract, delay } => {
            let ms = parse_delay(&delay)?;
            for name in targets(&deployment, &contract)? {
                admin.propose(&name, Change::Delay(ms)).await?;
            }
        }
        Command::ProposeIssuer { account, kinds } => {
            let change = Change::Issuer(parse_account(&account)?, parse_kinds(&kinds)?);
            admin.propose("staff_credentials", change).await?;
        }
        Command::ProposeRegulator { account, contract } => {
            let change = Change::Regulator(parse_account(&account)?);
            admin.propose(&contract, change).await?;
        }
        Command::ProposeCanceller { account, contract } => {
            let change = Change::Canceller(parse_account(&account)?);
            for name in targets(&deployment, &contract)? {
                admin.propose(&name, change).await?;
            }
        }
        Command::Execute { contract, id } => admin.execute(&contract, id).await?,
        Command::Cancel { contract, id } => {
            admin
                .send::<_, ()>(&contract, selector_bytes!("cancel_change"), (id,))
                .await?;
            println!("{contract}: change #{id} cancelled");
        }
        Command::Pause { contract } => {
            for name in targets(&deployment, &contract)? {
                admin
                    .send::<_, ()>(&name, selector_bytes!("pause"), ())
                    .await?;
                println!("{name}: paused (safety actions keep working)");
            }
        }
        Command::Unpause { contract } => {
            for name in targets(&deployment, &contract)? {
                admin
                    .send::<_, ()>(&name, selector_bytes!("unpause"), ())
                    .await?;
                println!("{name}: unpaused");
            }
        }
        Command::TransferOwnership { contract, account } => {
            let next = parse_account(&account)?;
            for name in targets(&deployment, &contract)? {
                admin
                    .send::<_, ()>(&name, selector_bytes!("transfer_ownership"), (next,))
                    .await?;
                println!("{name}: {account} proposed as owner; it must accept");
            }
        }
        Command::AcceptOwnership { contract } => {
            for name in targets(&deployment, &contract)? {
                admin
                    .send::<_, ()>(&name, selector_bytes!("accept_ownership"), ())
                    .await?;
                println!("{name}: ownership accepted");
            }
        }
        Command::NarrowIssuer { account, kinds } => {
            let args = (parse_account(&account)?, parse_kinds(&kinds)?);
            admin
                .send::<_, ()>(
                    "staff_credentials",
                    selector_bytes!("narrow_issuer_kinds"),
                    args,
                )
                .await?;
            println!("staff_credentials: {account} narrowed to {kinds}");
        }
        Command::RemoveIssuer { account } => {
            admin
                .send::<_, ()>(
                    "staff_credentials",
                    selector_bytes!("remove_issuer"),
                    (parse_account(&account)?,),
                )
                .await?;
            println!("staff_credentials: issuer {account} removed");
        }
        Command::RemoveRegulator { account, contract } => {
            admin
                .send::<_, ()>(
                    &contract,
                    selector_bytes!("remove_regulator"),
                    (parse_account(&account)?,),
                )
                .await?;
            println!("{contract}: regulator {account} removed");
        }
    }
    Ok(())
}
