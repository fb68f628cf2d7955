//! `indexer`: the suite's events into a database (see the crate's documentation).
//!
//! ```text
//! indexer run --db sqlite://suite.db --deployment deployments/local.json
//! indexer backfill --db sqlite://suite.db --deployment deployments/local.json --replay blocks.jsonl
//! indexer dump --db sqlite://suite.db
//! indexer status --db sqlite://suite.db
//! indexer reproject --db sqlite://suite.db
//! ```

use clap::{Parser, Subcommand};
use indexer::{block, store::Store, suite::Suite};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "The suite's contract events into SQLite or PostgreSQL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Follows the deployment's node: every finalized block from the deployment's block
    /// (or above the database's last block) stored, then new ones as they are finalized.
    Run {
        /// The database: sqlite://FILE or postgres://USER@HOST:PORT/DB (a password from
        /// PGPASSWORD or ~/.pgpass, never the command line).
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
        /// The suite's deployment file (its node, chain, contracts and their metadata).
        #[arg(long)]
        deployment: PathBuf,
        /// Stop once the finalized head is stored.
        #[arg(long)]
        once: bool,
        /// Blocks per transaction.
        #[arg(long, default_value_t = 64)]
        per_commit: usize,
    },
    /// Stores the blocks of a replay file above the database's last block.
    Backfill {
        /// The database: sqlite://FILE, sqlite::memory: or postgres://USER@HOST:PORT/DB.
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
        /// The suite's deployment file (its contracts and their metadata).
        #[arg(long, conflicts_with = "contracts")]
        deployment: Option<PathBuf>,
        /// Instead of a deployment: a JSON object of contract name → address (0x… or
        /// SS58), with the metadata of the release bundles (target/ink).
        #[arg(long)]
        contracts: Option<PathBuf>,
        /// The replay file: one block per line.
        #[arg(long)]
        replay: PathBuf,
        /// The last block to store.
        #[arg(long)]
        until: Option<u64>,
        /// Blocks per transaction.
        #[arg(long, default_value_t = 64)]
        per_commit: usize,
    },
    /// Answers the read API over HTTP (docs/indexer.md) from the database.
    Serve {
        /// The database.
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
        /// Where to listen; beyond the loopback only with a token.
        #[arg(long, default_value = "127.0.0.1:9955")]
        listen: std::net::SocketAddr,
        /// A file holding the bearer token that requests from other hosts must show.
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// A JSON file mapping SS58 addresses to the supply chain parties' PGLN URIs, for
        /// EPCIS answers (`{"5Grw...": "urn:epc:id:pgln:0614141.00001"}`); other accounts
        /// are written `urn:x-ss58:ADDRESS`.
        #[arg(long)]
        parties: Option<PathBuf>,
        /// The URL clients reach the API at, for the links of FHIR Bundles (default:
        /// http://LISTEN).
        #[arg(long)]
        public_url: Option<String>,
        /// An origin whose pages may read the API from a browser (CORS), such as the
        /// dApp's http://127.0.0.1:4173; repeatable.
        #[arg(long)]
        allow_origin: Vec<String>,
    },
    /// Prints every table, rows in primary-key order, one JSON line per row.
    Dump {
        /// The database.
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
    },
    /// Rebuilds every projection table from the stored events, in one transaction (done
    /// by itself when a newer build opens a database with older projections).
    Reproject {
        /// The database.
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
    },
    /// Prints the last block stored and the events stored.
    Status {
        /// The database.
        #[arg(long, env = "INDEXER_DB", hide_env_values = true)]
        db: String,
    },
}

fn contracts_file(path: &Path) -> Result<Suite, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut list = Vec::new();
    for (name, address) in map {
        let account = suite_client::parse_account(&address)
            .map(|account| *account.as_ref())
            .or_else(|_| {
                suite_client::unhex(&address)
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
                    .ok_or(format!("{name}: {address:?} is no account"))
            })?;
        list.push((name.clone(), account, suite_client::bundle(&name, "json")));
    }
    Suite::new(&list)
}

/// The node, chain and first block a deployment file records.
fn deployment_chain(path: &Path) -> Result<(String, [u8; 32], u64), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let url = json["url"].as_str().ok_or("the deployment has no url")?;
    let genesis = json["genesis_hash"]
        .as_str()
        .and_then(|hex| suite_client::unhex(hex).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or("the deployment has no genesis_hash")?;
    // Files written before `deployed_block` was recorded: from the chain's first block.
    let start = json["deployed_block"].as_u64().unwrap_or(1);
    Ok((url.to_string(), genesis, start))
}

/// Says how many blocks were stored and up to which block the database is complete.
async fn stored_through(store: &Store, stored: u64) -> Result<(), String> {
    let cursor = store.cursor().await?;
    println!(
        "{stored} blocks stored; complete through block {}",
        cursor.map_or("none".to_string(), |c| c.block.to_string())
    );
    Ok(())
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Run {
            db,
            deployment,
            once,
            per_commit,
        } => {
            let suite = Suite::from_deployment(&deployment)?;
            let (url, genesis, start) = deployment_chain(&deployment)?;
            let store = Store::open(&db).await?;
            store.claim_suite(&suite.fingerprint()).await?;
            let follow = indexer::follow::Follow {
                url,
                genesis,
                start,
                per_commit,
                once,
            };
            let stored = indexer::follow::run(&store, &suite, &follow).await?;
            stored_through(&store, stored).await?;
        }
        Command::Backfill {
            db,
            deployment,
            contracts,
            replay,
            until,
            per_commit,
        } => {
            let suite = match (deployment, contracts) {
                (Some(path), _) => Suite::from_deployment(&path)?,
                (None, Some(path)) => contracts_file(&path)?,
                (None, None) => return Err("name the suite: --deployment or --contracts".into()),
            };
            let blocks = block::read_replay(&replay)?;
            if blocks.iter().any(|block| block.parent_hash.is_none()) {
                eprintln!(
                    "indexer: {}: blocks without a parent_hash: a missing block or another \
                     chain's block among them cannot be detected",
                    replay.display()
                );
            }
            let store = Store::open(&db).await?;
            store.claim_suite(&suite.fingerprint()).await?;
            let stored = indexer::backfill(&store, &suite, &blocks, until, per_commit).await?;
            stored_through(&store, stored).await?;
        }
        Command::Serve {
            db,
            listen,
            token_file,
            parties,
            public_url,
            allow_origin,
        } => {
            let parties = match parties {
                Some(path) => epcis_export::Parties::load(&path)?,
                None => epcis_export::Parties::default(),
            };
            let token = match token_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?
                        .trim()
                        .to_string(),
                )
                .filter(|token| !token.is_empty()),
                None => None,
            };
            if !listen.ip().is_loopback() && token.is_none() {
                return Err(format!(
                    "listening on {listen} needs --token-file: requests from other hosts must \
                     show a bearer token"
                ));
            }
            let store = Store::open_existing(&db).await?;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| format!("{listen}: {e}"))?;
            println!("indexer: serving the read API on http://{listen}");
            let registry = store.contract_address("consent_registry").await?;
            let config = indexer::api::Config {
                token,
                parties,
                public_url: public_url.unwrap_or_else(|| format!("http://{listen}")),
                registry,
                allow_origins: allow_origin,
            };
            let app = indexer::api::router(std::sync::Arc::new(store), config);
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())?;
        }
        Command::Dump { db } => {
            let store = Store::open_existing(&db).await?;
            for line in store.dump().await? {
                println!("{line}");
            }
        }
        Command::Reproject { db } => {
            let store = Store::open_to_reproject(&db).await?;
            let events = store.reproject().await?;
            println!("indexer: {events} stored events projected again");
        }
        Command::Status { db } => {
            let store = Store::open_existing(&db).await?;
            let status = store.status().await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&status).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("indexer: {why}");
            ExitCode::FAILURE
        }
    }
}
