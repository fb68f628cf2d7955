//! The performance report (`scripts/bench.sh`): what every state-changing message of the
//! suite costs in weight (ref_time, proof_size) and storage deposit, on the release WASM,
//! against a minimal fungible-token `transfer` (`e2e-tests/baseline_token`):
//! - in drink's pallet-contracts sandbox, on a fresh suite and again after `--records`
//!   prior records of each kind (credentials, consents, batches, claims) to show that no
//!   cost grows with the number of records;
//! - with `--node URL`, also on a real `substrate-contracts-node`, the same messages in the
//!   same states on a fresh suite, with the node's own block limits;
//!
//! plus `submit_claim` with 1, 5 and 20 lines, `submit_claims` batches (favourable ones of
//! one member and one provider, and a payer's mix of 100 members and 20 providers), code
//! sizes, and how many of each message fit in one block.
//!
//! Usage: `bench [--records N] [--node URL] [--tool SUMMARY] [--out docs/performance.md]`
//! (N defaults to 10 000; SUMMARY: the claims tool's summary lines from the same run).

mod chain;
mod measure;
mod mix;
mod monitoring;
mod report;
mod trials;
mod world;

use chain::{InSandbox, OnNode};
use e2e_tests::Sandbox;
use ink::env::hash::{Blake2x256, HashOutput};
use measure::{measure_all, measure_batches};
use report::{NodeRun, SandboxRun};
use std::time::Instant;
use world::world;

/// The contracts the bench deploys.
const NAMES: [&str; 7] = [
    "baseline_token",
    "staff_credentials",
    "consent_registry",
    "drug_provenance",
    "remote_monitoring",
    "claims_adjudication",
    "clinical_trials",
];

/// The code hash of each contract's release `.wasm` (blake2-256, as pallet-contracts
/// computes it).
fn code_hashes() -> Vec<(String, [u8; 32])> {
    NAMES
        .iter()
        .map(|name| {
            let mut hash = <Blake2x256 as HashOutput>::Type::default();
            ink::env::hash_bytes::<Blake2x256>(&e2e_tests::wasm(name), &mut hash);
            (name.to_string(), hash)
        })
        .collect()
}

/// The node's runtime name and spec version.
fn runtime_of(url: &str) -> String {
    let read = async {
        let api = ink_e2e::subxt::OnlineClient::<ink_e2e::PolkadotConfig>::from_url(url)
            .await
            .ok()?;
        let version = api.runtime_version();
        Some(format!(
            "substrate-contracts-node (runtime spec version {})",
            version.spec_version
        ))
    };
    ink_e2e::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()
        .and_then(|rt| rt.block_on(read))
        .unwrap_or_else(|| "substrate-contracts-node".to_string())
}

fn on_node(url: &str, hashes: &[(String, [u8; 32])]) -> NodeRun {
    eprintln!("==> measuring on the node at {url}");
    let started = Instant::now();
    let mut chain =
        OnNode::connect(url, &NAMES).unwrap_or_else(|e| panic!("the node at {url}: {e}"));
    let limits = chain.limits();
    let mut w = world(Box::new(chain), 0);
    measure_all(&mut w, hashes);
    let batches = measure_batches(&mut w);
    let mix = mix::measure_mix(&mut w);
    NodeRun {
        url: url.to_string(),
        runtime: runtime_of(url),
        costs: w.costs,
        batches,
        mix,
        limits,
        secs: started.elapsed().as_secs_f64(),
    }
}

fn main() {
    let mut records: u32 = 10_000;
    let mut out: Option<String> = None;
    let mut node: Option<String> = None;
    let mut tool: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--records" => {
                records = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("--records needs a number"))
            }
            "--out" => out = args.next(),
            "--node" => node = args.next(),
            "--tool" => tool = args.next(),
            other => panic!(
                "unknown argument {other} (bench [--records N] [--node URL] [--tool FILE] [--out FILE])"
            ),
        }
    }
    let hashes = code_hashes();

    eprintln!("==> sandbox: measuring on a fresh suite");
    let mut small = world(Box::new(InSandbox(Sandbox::new())), 0);
    measure_all(&mut small, &hashes);
    let batches = measure_batches(&mut small);
    let mix = mix::measure_mix(&mut small);
    eprintln!("==> sandbox: building {records} prior records of each kind, then measuring again");
    let started = Instant::now();
    let mut large = world(Box::new(InSandbox(Sandbox::new())), records);
    let build_secs = started.elapsed().as_secs_f64();
    measure_all(&mut large, &hashes);
    assert_eq!(small.costs.len(), large.costs.len());
    let run = SandboxRun {
        small: small.costs,
        large: large.costs,
        batches,
        mix,
        records,
        build_secs,
    };
    let node = node.map(|url| on_node(&url, &hashes));

    let date = std::process::Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .unwrap_or_default();
    // The claims tool's summary against the node (scripts/bench.sh runs it first).
    let tool = tool
        .and_then(|path| std::fs::read_to_string(path).ok())
        .filter(|text| !text.trim().is_empty());
    let report = report::report(&run, node.as_ref(), tool.as_deref(), date.trim());
    println!("{report}");
    if let Some(path) = out {
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        // Keep the hand-written analysis that follows the generated part.
        let marker = "<!-- analysis -->";
        let analysis = existing
            .find(marker)
            .map(|at| existing[at..].to_string())
            .unwrap_or_else(|| format!("{marker}\n"));
        std::fs::write(&path, format!("{report}\n{analysis}"))
            .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!("==> wrote {path}");
    }
}
