//! `epcis-export`: writes the custody history of a `drug_provenance` batch, read from the
//! chain of a deployment file, as a GS1 EPCIS 2.0 JSON-LD document
//! (`scripts/epcis-export.sh` runs it; `tools/epcis-validate` checks the result against
//! the EPCIS 2.0 JSON schemas).
//!
//! ```text
//! scripts/epcis-export.sh --gtin 00012345678905 --lot L1 --out L1.epcis.json
//! scripts/epcis-export.sh --batch 3 --parties parties.json
//! ```
//!
//! Only reads (dry runs): nothing is signed or sent.

use clap::Parser;
use drug_provenance::drug_provenance::{Batch, CustodyEvent, DrugProvenance};
use drug_provenance::MAX_PAGE_SIZE;
use epcis_export::{document, Parties};
use ink_e2e::create_call_builder;
use std::path::PathBuf;
use std::process::ExitCode;
use suite_client::{write_atomically, Deployment, Outcome, Session};

#[derive(Parser)]
#[command(
    name = "scripts/epcis-export.sh",
    about = "Writes a drug_provenance batch's custody history as an EPCIS 2.0 JSON-LD document"
)]
struct Cli {
    /// The deployment file.
    #[arg(long, default_value = "deployments/local.json")]
    deployment: PathBuf,
    /// The batch's id.
    #[arg(long, conflicts_with_all = ["gtin", "lot"], required_unless_present = "gtin")]
    batch: Option<u64>,
    /// The batch's GTIN-14 (with --lot).
    #[arg(long, requires = "lot")]
    gtin: Option<String>,
    /// The batch's lot number (with --gtin).
    #[arg(long, requires = "gtin")]
    lot: Option<String>,
    /// A JSON file mapping SS58 addresses to the parties' PGLN URIs
    /// (`{"5Grw...": "urn:epc:id:pgln:0614141.00001"}`); other accounts are written as
    /// `urn:x-ss58:ADDRESS`.
    #[arg(long)]
    parties: Option<PathBuf>,
    /// Where to write the document (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match suite_client::block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Outcome<()> {
    let parties = match &cli.parties {
        Some(path) => Parties::load(path)?,
        None => Parties::default(),
    };
    let deployment = Deployment::load(&cli.deployment)?;
    let address = deployment.address("drug_provenance")?;
    let mut session = Session::connect(deployment, &[]).await?;
    // Reads are dry runs: any origin will do, none signs anything.
    let reader = ink_e2e::alice();
    let calls = create_call_builder::<DrugProvenance>(address);
    let id = match (cli.batch, cli.gtin, cli.lot) {
        (Some(id), _, _) => id,
        (None, Some(gtin), Some(lot)) => {
            let gtin: [u8; 14] = gtin
                .as_bytes()
                .try_into()
                .map_err(|_| format!("{gtin}: a GTIN-14 has 14 digits"))?;
            let verification = session
                .read(&reader, &calls.verify(gtin, lot.clone().into_bytes()))
                .await?;
            verification.batch.ok_or_else(|| {
                format!(
                    "no batch of GTIN {} lot {lot}",
                    String::from_utf8_lossy(&gtin)
                )
            })?
        }
        _ => return Err("name the batch: --batch ID, or --gtin and --lot".into()),
    };
    let batch: Batch = session
        .read(&reader, &calls.batch(id))
        .await?
        .ok_or_else(|| format!("no batch #{id}"))?;
    let mut history: Vec<CustodyEvent> = Vec::new();
    while history.len() < usize::try_from(batch.event_count)? {
        let offset = u32::try_from(history.len())?;
        let page = session
            .read(&reader, &calls.history(id, offset, MAX_PAGE_SIZE))
            .await?;
        if page.is_empty() {
            break;
        }
        history.extend(page);
    }
    let now = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let doc = document(&batch, &history, &parties, now);
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match cli.out {
        Some(path) => {
            write_atomically(&path, text.as_bytes())?;
            eprintln!(
                "wrote {} ({} EPCIS events of batch #{id})",
                path.display(),
                history.len()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}
