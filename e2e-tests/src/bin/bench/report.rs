//! The report: docs/performance.md's generated part, from the sandbox's measurements and,
//! when a node was reached, the node's beside them.

use crate::measure::Batch;
use crate::mix::Mix;
use crate::world::Cost;
use e2e_tests::bundle_dir;
use std::fmt::Write as _;
use suite_client::BlockLimits;

/// The node's (substrate-contracts-node 0.42) block: 2 s of ref_time, 75 % of it for
/// normal dispatch; each extrinsic also pays `ExtrinsicBaseWeight` (frame-support 38:
/// 107 074 ns). Used for the sandbox's columns; the node's columns use the limits the
/// node reports.
pub const BLOCK_REF_TIME: u64 = 2_000_000_000_000;
pub const NORMAL_DISPATCH_PERCENT: u64 = 75;
pub const EXTRINSIC_BASE_REF_TIME: u64 = 107_074_000;
/// pallet-contracts' weight for loading code, per byte (`call_with_code_per_byte`, in
/// the pallet-contracts 31 that drink 0.18 runs); each loaded byte is also a byte of
/// proof.
pub const CODE_LOAD_PER_BYTE: u64 = 33_471;
/// A parachain's proof-of-validity budget (5 MiB, 75 % normal), for the proof_size column.
pub const PARACHAIN_POV: u64 = 5 * 1024 * 1024;

/// What the sandbox measured.
pub struct SandboxRun {
    /// Every message on a fresh suite.
    pub small: Vec<Cost>,
    /// The same after `records` prior records of each kind.
    pub large: Vec<Cost>,
    pub batches: Vec<Batch>,
    /// The payer's mix on the fresh suite.
    pub mix: Mix,
    pub records: u32,
    /// Seconds it took to write the prior records.
    pub build_secs: f64,
}

/// What the node measured (fresh suite only).
pub struct NodeRun {
    pub url: String,
    /// The runtime's name and spec version.
    pub runtime: String,
    pub costs: Vec<Cost>,
    pub batches: Vec<Batch>,
    pub mix: Mix,
    pub limits: BlockLimits,
    /// Seconds the node's measurements took.
    pub secs: f64,
}

pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A signed amount with thin spaces between thousands.
fn signed(value: i128) -> String {
    let digits = thousands(u64::try_from(value.unsigned_abs()).unwrap_or(u64::MAX));
    if value < 0 {
        format!("−{digits}")
    } else {
        digits
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b.max(1) as f64
}

fn size_of(name: &str) -> u64 {
    std::fs::metadata(bundle_dir().join(name).join(format!("{name}.wasm")))
        .map(|m| m.len())
        .unwrap_or(0)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

/// Rows that record several records in one call (50 device keys; one reading batch and
/// an alert to each of two care-team members): measured and shown, but not single-record
/// messages for the 3× target. `submit_claim` has its own target (5 lines ≤ 10×).
const MULTI_RECORD: [&str; 2] = [
    "attest_devices (50 keys)",
    "anchor_readings (alert to 2 members)",
];

/// The worst single-record message and its ratio, and the 5-line claim's ratio (ref_time
/// to the baseline).
fn single_targets(costs: &[Cost]) -> (f64, String, f64) {
    let baseline = costs[0].ref_time;
    let mut worst: (f64, String) = (0.0, String::new());
    let mut claim5 = 0.0;
    for c in costs {
        let r = ratio(c.ref_time, baseline);
        if c.message.starts_with("submit_claim (5") {
            claim5 = r;
        } else if !c.message.starts_with("submit_claim")
            && c.contract != "baseline_token"
            && !MULTI_RECORD.contains(&c.message.as_str())
            && r > worst.0
        {
            worst = (r, format!("{}: `{}`", c.contract, c.message));
        }
    }
    (worst.0, worst.1, claim5)
}

/// The batch of 100: per-claim ratio to the baseline, claims per block by ref_time.
fn batch_targets(batches: &[Batch], baseline: u64, normal: u64, base: u64) -> (f64, u64) {
    batches
        .iter()
        .find(|b| b.claims == 100)
        .map(|b| {
            let n = b.claims as u64;
            (
                ratio(b.ref_time / n, baseline),
                per_block(b, normal, base).0,
            )
        })
        .unwrap_or((0.0, 0))
}

/// A target's node cells: its figure and verdict, or "not measured".
fn cell(value: Option<String>, ok: Option<bool>) -> String {
    match (value, ok) {
        (Some(v), Some(ok)) => format!("{v} | {}", verdict(ok)),
        _ => "not measured | ".to_string(),
    }
}

/// Claims per block of batches like `b`: by ref_time (whole batches in `normal`, each
/// paying `base` once) and by a 5 MiB proof-of-validity budget.
fn per_block(b: &Batch, normal: u64, base: u64) -> (u64, u64) {
    let n = b.claims as u64;
    let pov = PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT;
    let by_proof = if b.proof_size > pov {
        pov * n / b.proof_size.max(1)
    } else {
        pov / b.proof_size.max(1) * n
    };
    (normal / (b.ref_time + base) * n, by_proof)
}

/// What the contract made of the mix's claims, in words.
fn mix_outcome(mix: &Mix) -> String {
    let list = |reasons: &[(claims_adjudication::claims_adjudication::Carc, usize)]| {
        reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason:?} (CARC {})", reason.code()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let denied: usize = mix.denied.iter().map(|(_, n)| n).sum();
    let lines: usize = mix.lines_denied.iter().map(|(_, n)| n).sum();
    format!(
        "{} claims, {} lines; {} paid to their providers at once; {denied} claims denied whole ({}); {lines} more lines denied in claims otherwise adjudicated ({})",
        mix.batch.claims,
        mix.lines,
        mix.paid,
        list(&mix.denied),
        list(&mix.lines_denied)
    )
}

fn batch_table(batches: &[Batch], baseline: u64, normal: u64, base: u64) -> String {
    let pov = PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| claims in the batch | ref_time (ps) | per claim | per claim × baseline | proof_size (B) | per claim | claims per block (ref_time) | claims per block (5 MiB PoV) |"
    );
    let _ = writeln!(t, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for b in batches {
        let n = b.claims as u64;
        let per_claim = b.ref_time / n;
        let (by_ref_time, by_proof) = per_block(b, normal, base);
        let _ = writeln!(
            t,
            "| {} | {} | {} | {:.2} | {} | {} | {} | {} |",
            b.claims,
            thousands(b.ref_time),
            thousands(per_claim),
            ratio(per_claim, baseline),
            thousands(b.proof_size),
            thousands(b.proof_size / n),
            thousands(by_ref_time),
            if b.proof_size > pov {
                format!(
                    "{} (the batch alone is over the budget)",
                    thousands(by_proof)
                )
            } else {
                thousands(by_proof)
            },
        );
    }
    t
}

fn sandbox_table(run: &SandboxRun) -> (String, f64) {
    let records = run.records;
    let baseline = &run.small[0];
    let budget = BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT;
    let pov = PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| contract | message | ref_time (ps) | × baseline | of which own code load | proof_size (B) | × baseline | storage deposit | ref_time after {records} records | ratio | proof_size after | ratio | per block (ref_time) | per block (5 MiB PoV) |"
    );
    let _ = writeln!(
        table,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut worst_scaling: f64 = 0.0;
    for (s, l) in run.small.iter().zip(&run.large) {
        assert_eq!(s.message, l.message);
        let scale_ref = ratio(l.ref_time, s.ref_time);
        let scale_proof = ratio(l.proof_size, s.proof_size);
        worst_scaling = worst_scaling.max(scale_ref).max(scale_proof);
        let load = CODE_LOAD_PER_BYTE * size_of(s.contract);
        let _ = writeln!(
            table,
            "| {} | `{}` | {} | {:.2} | {:.0} % | {} | {:.2} | {} | {} | {:.3} | {} | {:.3} | {} | {} |",
            s.contract,
            s.message,
            thousands(s.ref_time),
            ratio(s.ref_time, baseline.ref_time),
            load as f64 * 100.0 / s.ref_time as f64,
            thousands(s.proof_size),
            ratio(s.proof_size, baseline.proof_size),
            s.deposit,
            thousands(l.ref_time),
            scale_ref,
            thousands(l.proof_size),
            scale_proof,
            thousands(budget / (s.ref_time + EXTRINSIC_BASE_REF_TIME)),
            thousands(pov / s.proof_size.max(1)),
        );
    }
    (table, worst_scaling)
}

fn node_table(sandbox: &[Cost], node: &NodeRun) -> String {
    let pov = PARACHAIN_POV / 100 * NORMAL_DISPATCH_PERCENT;
    let nb = &node.costs[0];
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| contract | message | ref_time sandbox | ref_time node | node ÷ sandbox | node × baseline | proof_size sandbox | proof_size node | node ÷ sandbox | node × baseline | deposit sandbox | deposit node | node: per block (ref_time) | node: per block (5 MiB PoV) |"
    );
    let _ = writeln!(
        t,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (s, n) in sandbox.iter().zip(&node.costs) {
        assert_eq!(s.message, n.message);
        let _ = writeln!(
            t,
            "| {} | `{}` | {} | {} | {:.2} | {:.2} | {} | {} | {:.1} | {:.2} | {} | {} | {} | {} |",
            s.contract,
            s.message,
            thousands(s.ref_time),
            thousands(n.ref_time),
            ratio(n.ref_time, s.ref_time),
            ratio(n.ref_time, nb.ref_time),
            thousands(s.proof_size),
            thousands(n.proof_size),
            ratio(n.proof_size, s.proof_size),
            ratio(n.proof_size, nb.proof_size),
            signed(s.deposit),
            signed(n.deposit),
            thousands(node.limits.normal / (n.ref_time + node.limits.base_extrinsic)),
            thousands(pov / n.proof_size.max(1)),
        );
    }
    t
}

fn sizes_table() -> (String, u64) {
    let mut sizes = String::new();
    let _ = writeln!(
        sizes,
        "| contract | optimised .wasm | × baseline | under 48 KiB |"
    );
    let _ = writeln!(sizes, "|---|---:|---:|---|");
    let base_size = size_of("baseline_token");
    let mut largest = 0;
    for name in [
        "baseline_token",
        "staff_credentials",
        "consent_registry",
        "drug_provenance",
        "remote_monitoring",
        "claims_adjudication",
        "clinical_trials",
    ] {
        let size = size_of(name);
        if name != "baseline_token" {
            largest = largest.max(size);
        }
        let _ = writeln!(
            sizes,
            "| {name} | {} B ({:.1} KiB) | {:.1} | {} |",
            thousands(size),
            size as f64 / 1024.0,
            size as f64 / base_size.max(1) as f64,
            if size < 48 * 1024 { "yes" } else { "**no**" }
        );
    }
    (sizes, largest)
}

/// The payer's mix's two target rows (claims per block by ref_time, per 5 MiB proof).
fn mix_targets(run: &SandboxRun, node: Option<&NodeRun>, budget: u64) -> String {
    let mut report = String::new();
    let (mix_block, mix_proof) = per_block(&run.mix.batch, budget, EXTRINSIC_BASE_REF_TIME);
    let node_mix = node.map(|n| per_block(&n.mix.batch, n.limits.normal, n.limits.base_extrinsic));
    let _ = writeln!(
        report,
        "| payer's mix (100 members, 20 providers): ≥ 1 000 claims per block by ref_time | {} | {} | {} |",
        thousands(mix_block),
        verdict(mix_block >= 1_000),
        cell(
            node_mix.map(|(b, _)| thousands(b)),
            node_mix.map(|(b, _)| b >= 1_000)
        )
    );
    let _ = writeln!(
        report,
        "| payer's mix: ≥ 150 claims per 5 MiB proof budget | {} | {} | {} |",
        thousands(mix_proof),
        verdict(mix_proof >= 150),
        cell(
            node_mix.map(|(_, p)| thousands(p)),
            node_mix.map(|(_, p)| p >= 150)
        )
    );
    report
}

/// The report's targets table: each target with the sandbox's figure and the node's, and
/// whether it is met.
fn targets(run: &SandboxRun, node: Option<&NodeRun>, worst_scaling: f64, largest: u64) -> String {
    let records = run.records;
    let baseline = run.small[0].ref_time;
    let budget = BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT;
    let (worst_single, worst_message, claim5) = single_targets(&run.small);
    let (per_claim_100, per_block_100) =
        batch_targets(&run.batches, baseline, budget, EXTRINSIC_BASE_REF_TIME);
    let mut report = String::new();
    let _ = writeln!(report, "## Targets\n");
    let _ = writeln!(
        report,
        "| target | sandbox | | node | |\n|---|---|---|---|---|"
    );
    let node_single = node.map(|n| single_targets(&n.costs));
    let node_batch = node.map(|n| {
        batch_targets(
            &n.batches,
            n.costs[0].ref_time,
            n.limits.normal,
            n.limits.base_extrinsic,
        )
    });
    let _ = writeln!(
        report,
        "| every single-record message ≤ 3× the baseline transfer's ref_time | worst {worst_single:.2}× ({worst_message}) | {} | {} |",
        verdict(worst_single <= 3.0),
        cell(
            node_single
                .as_ref()
                .map(|(w, m, _)| format!("worst {w:.2}× ({m})")),
            node_single.as_ref().map(|(w, _, _)| *w <= 3.0)
        )
    );
    let _ = writeln!(
        report,
        "| `submit_claim` with 5 lines ≤ 10× | {claim5:.2}× | {} | {} |",
        verdict(claim5 <= 10.0),
        cell(
            node_single.as_ref().map(|(_, _, c)| format!("{c:.2}×")),
            node_single.as_ref().map(|(_, _, c)| *c <= 10.0)
        )
    );
    let _ = writeln!(
        report,
        "| `submit_claims` of 100 (one member, one provider: favourable) ≥ 1 000 claims per block by ref_time | {} | {} | {} |",
        thousands(per_block_100),
        verdict(per_block_100 >= 1_000),
        cell(
            node_batch.map(|(_, b)| thousands(b)),
            node_batch.map(|(_, b)| b >= 1_000)
        )
    );
    let _ = writeln!(
        report,
        "| `submit_claims` of 100 (favourable): per-claim ref_time ≤ 1.5× the baseline transfer | {per_claim_100:.2}× | {} | {} |",
        verdict(per_claim_100 <= 1.5),
        cell(
            node_batch.map(|(r, _)| format!("{r:.2}×")),
            node_batch.map(|(r, _)| r <= 1.5)
        )
    );
    report.push_str(&mix_targets(run, node, budget));
    let _ = writeln!(
        report,
        "| large/small ≤ 1.2 for every message ({records} prior records of each kind) | worst {worst_scaling:.3} | {} | sandbox only | |",
        verdict(worst_scaling <= 1.2)
    );
    let _ = writeln!(
        report,
        "| every contract's optimised `.wasm` < 48 KiB | largest {:.1} KiB | {} | same code | |\n",
        largest as f64 / 1024.0,
        verdict(largest < 48 * 1024)
    );
    report
}

/// The payer's mix: what it is, what the contract made of it, its batch in the sandbox
/// and on the node.
fn mix_section(run: &SandboxRun, node: Option<&NodeRun>, baseline: u64, budget: u64) -> String {
    let mut report = String::new();
    let _ = writeln!(report, "\n## A payer's mix (`submit_claims`)\n");
    let _ = writeln!(
        report,
        "One `submit_claims` call of 100 claims as a payer receives them, submitted by the payer on its providers' behalf: 100 distinct members and 20 providers, one to three lines each, service dates spread over the plan year (one every three days), each member with its own coverage, accumulator, payment consent and (for 90 of them) care relationship; a share denied for the usual reasons (`e2e-tests/src/bin/bench/mix.rs`). Unlike the batches above, nearly every claim reads and writes its own member's records.\n\nSandbox: {}.\n",
        mix_outcome(&run.mix)
    );
    report.push_str(&batch_table(
        std::slice::from_ref(&run.mix.batch),
        baseline,
        budget,
        EXTRINSIC_BASE_REF_TIME,
    ));
    if let Some(n) = node {
        let _ = writeln!(report, "\nNode: {}.\n", mix_outcome(&n.mix));
        report.push_str(&batch_table(
            std::slice::from_ref(&n.mix.batch),
            n.costs[0].ref_time,
            n.limits.normal,
            n.limits.base_extrinsic,
        ));
    }
    report
}

/// The generated part of docs/performance.md.
pub fn report(run: &SandboxRun, node: Option<&NodeRun>, tool: Option<&str>, date: &str) -> String {
    let records = run.records;
    let build_secs = run.build_secs;
    let baseline = run.small[0].ref_time;
    let budget = BLOCK_REF_TIME / 100 * NORMAL_DISPATCH_PERCENT;
    let (table, worst_scaling) = sandbox_table(run);
    let (sizes, largest) = sizes_table();

    let mut report = String::new();
    let _ = writeln!(report, "# Performance report\n");
    let _ = writeln!(
        report,
        "Written by `scripts/bench.sh` on {date} (ink! 5.1.1, rustc 1.86.0, cargo-contract 5.0.3 release builds; drink 0.18 sandbox{}). Do not edit by hand: run the script again.\n",
        match node {
            Some(n) => format!("; {} at {}", n.runtime, n.url),
            None => "; no node was reached in this run".to_string(),
        }
    );
    report.push_str(&targets(run, node, worst_scaling, largest));
    let _ = writeln!(
        report,
        "## Weight and storage deposit per message (sandbox)\n"
    );
    let _ = writeln!(
        report,
        "Each state-changing message measured once on a fresh suite, in a realistic state (the parties licensed, a plan with fees, an enrolled member with escrow, the payer's payment consent), and again, in the same state, after {records} credentials, {records} consents (one per patient), {records} batches and {records} claims had been written ({build_secs:.0} s to build). The baseline is `baseline_token.transfer` to a new holder (first row). *ref_time* and *proof_size* are the weight the contract call consumed (drink's `gas_consumed`); the storage deposit is in the chain's smallest unit (negative: refunded). *Per block* is how many such calls fit in the normal-dispatch share (75 %) of a substrate-contracts-node block (2 s of ref_time; each call also pays the extrinsic base weight of 107 µs), and by proof size in a parachain's 5 MiB proof-of-validity budget (75 %); the node itself has no proof-size limit.\n"
    );
    report.push_str(&table);
    match node {
        Some(n) => {
            let _ = writeln!(report, "\n## The node beside the sandbox\n");
            let _ = writeln!(
                report,
                "The same messages in the same order and states, on a fresh suite deployed to {} at {} in the same run ({:.0} s), each dry-run before it was signed, as a client does: *ref_time*, *proof_size* (the dry run's `gas_consumed`) and storage deposit are what the node's own pallet-contracts charges. The baseline is again the token transfer. *Per block* uses the node's own limits read from `System.BlockWeights`{}: {} ps of ref_time for normal dispatch, {} ps per extrinsic; and a 5 MiB proof-of-validity budget (75 %).\n",
                n.runtime,
                n.url,
                n.secs,
                if n.limits.from_node { "" } else { " (**not readable: defaults used**)" },
                thousands(n.limits.normal),
                thousands(n.limits.base_extrinsic),
            );
            report.push_str(&node_table(&run.small, n));
        }
        None => {
            let _ = writeln!(
                report,
                "\n## The node beside the sandbox\n\nNot measured in this run: no node answered (`scripts/bench.sh` starts one when `substrate-contracts-node` is installed).\n"
            );
        }
    }
    let _ = writeln!(
        report,
        "\n## Batched claims of one member and one provider (`submit_claims`, favourable)\n"
    );
    let _ = writeln!(
        report,
        "One `submit_claims` call of N one-line claims on the fresh suite (distinct service days and procedures: none is a duplicate; the member, provider and plan of the table above), signed by the provider, each claim with a reference. Per-claim figures divide the call's weight by N; *claims per block* counts whole batches in the normal-dispatch share of a block (each batch pays the extrinsic base weight once) and in a 5 MiB proof-of-validity budget.\n\nSandbox:\n"
    );
    report.push_str(&batch_table(
        &run.batches,
        baseline,
        budget,
        EXTRINSIC_BASE_REF_TIME,
    ));
    if let Some(n) = node {
        let _ = writeln!(report, "\nNode (its own block limits):\n");
        report.push_str(&batch_table(
            &n.batches,
            n.costs[0].ref_time,
            n.limits.normal,
            n.limits.base_extrinsic,
        ));
    }
    report.push_str(&mix_section(run, node, baseline, budget));
    let _ = writeln!(report, "\n## The claims tool against the node\n");
    match (tool, node) {
        (Some(summary), Some(n)) => {
            let _ = writeln!(
                report,
                "`scripts/claims.sh submit` of 2 000 synthetic one-line claims (`tools/claims-tool/samples/generate.py`: six members, one provider, six procedures) for a new demo plan on the node at {}, in the same run: its summary, with the node's own per-claim weight from the tool's dry runs (100 claims to a batch).\n\n```text\n{}\n```",
                n.url,
                summary.trim_end()
            );
        }
        _ => {
            let _ = writeln!(
                report,
                "Not measured in this run (it needs a node: `scripts/bench.sh` runs the claims tool on the node it measures)."
            );
        }
    }
    let _ = writeln!(report, "\n## Code size\n");
    report.push_str(&sizes);
    report
}
