//! `scripts/claims.sh`: the claims tool's command line (see the crate documentation and
//! docs/claims-tool.md).

use claims_tool::ack::{self, GroupAck};
use claims_tool::chain::{self, Fate};
use claims_tool::claim::{self, Action, Amounts, Prepared, Problem, SourceClaim};
use claims_tool::directory::Directory;
use claims_tool::partners::{self, Partners};
use claims_tool::payer::Payer;
use claims_tool::remit::{self, Envelope, Remitted};
use claims_tool::reversal::{Remittances, Reversal};
use claims_tool::x12in::{self, Header};
use claims_tool::x277::{self, Answer};
use claims_tool::{csvin, setup, x837};
use clap::{Parser, Subcommand};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use suite_client::{Deployment, Outcome, Session};

#[derive(Parser)]
#[command(
    name = "scripts/claims.sh",
    about = "Claims tool: X12 837P (or CSV) files in, submit_claims batches, X12 835 remittances out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Submits the claims of FILE... (837P, or .csv) to PLAN and writes OUT/<name>.835 and
    /// OUT/<name>.csv per file. Signs with $SUITE_SIGNER or --signer-file. Running it
    /// again submits nothing twice (the chain is asked for every claim's reference).
    Submit(SubmitArgs),
    /// Local dev node only: a payer, plan, providers and members for the sample files;
    /// writes OUT/DIRECTORY.csv, OUT/PARTNERS.csv (the sample files' sender TESTSUBMIT
    /// sends for both providers), OUT/PAYER.json and OUT/payer.secret and prints the plan
    /// id.
    DemoSetup {
        #[arg(long, default_value = "deployments/local.json")]
        deployment: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 100_000_000)]
        per_cent: u128,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Submit(args) => suite_client::block_on(submit(args)),
        Command::DemoSetup {
            deployment,
            out,
            per_cent,
        } => suite_client::block_on(async move {
            let deployment = Deployment::load(&deployment)?;
            let mut session = Session::connect(deployment, &[]).await?;
            let plan = setup::demo_setup(&mut session, &out, &Amounts { per_cent }).await?;
            println!("PLAN_ID={plan}");
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(clap::Args)]
struct SubmitArgs {
    /// 837P files (005010X222A2) or CSV files (.csv).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The deployment file.
    #[arg(long, default_value = "deployments/local.json")]
    deployment: PathBuf,
    /// Members' and providers' accounts: CSV with header kind,id,account.
    #[arg(long)]
    directory: PathBuf,
    /// The payer's trading partners and the providers each may send claims for: CSV with
    /// header sender,npi (`demo-setup` writes one).
    #[arg(long)]
    partners: PathBuf,
    /// The trading partner the payer's intake authenticated as the files' sender (an SFTP
    /// account, an AS2 certificate: its interchange sender id, ISA06). An interchange of
    /// another sender is refused whole (TA1); a claim for a provider the partner may not
    /// send for is rejected unsent (277CA A3:496).
    #[arg(long)]
    sender: String,
    /// The plan the claims are submitted to.
    #[arg(long)]
    plan: u32,
    /// The payer's identity in its remittances (PAYER.json: name, id, address, contacts;
    /// `demo-setup` writes one for its plan).
    #[arg(long)]
    payer: PathBuf,
    /// Folder for the remittances (and the diagnosis salt secret `.salt`).
    #[arg(long)]
    out: PathBuf,
    /// A file holding the signer's secret URI (else $SUITE_SIGNER).
    #[arg(long)]
    signer_file: Option<PathBuf>,
    /// The most claims per transaction (at most 100; smaller when the weight asks).
    #[arg(long, default_value_t = 100)]
    batch: usize,
    /// Smallest chain units per cent of the 837's dollars.
    #[arg(long, default_value_t = 100_000_000)]
    per_cent: u128,
}

/// The secret that salts diagnosis commitments: `OUT/.salt`, made on first use.
fn salt_secret(out: &Path) -> Outcome<[u8; 32]> {
    let path = out.join(".salt");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = suite_client::unhex(&text)?;
        return <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| format!("{}: not 32 bytes of hex", path.display()).into());
    }
    let secret: [u8; 32] = rand::random();
    std::fs::create_dir_all(out)?;
    suite_client::write_atomically(&path, suite_client::hex(&secret).as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(secret)
}

/// The claims of one input file and what became of them.
struct Input {
    path: PathBuf,
    claims: Vec<SourceClaim>,
    problems: Vec<Problem>,
    prepared: Vec<Prepared>,
    /// The interchange's sender and its functional groups as the 999 answers them (none
    /// for a CSV or a file that is no X12).
    acks: Option<(String, Vec<GroupAck>)>,
    /// The X12 file's text (for its 277CA).
    text: Option<String>,
    /// Its interchanges another than the authenticated sender sent: the file is refused
    /// whole and answered with a TA1.
    refused: Vec<Header>,
}

/// Reads the file at `path` that the trading partner `sender` sent.
fn read(path: &Path, sender: &str) -> Input {
    let name = path.display().to_string();
    // A problem of the whole file (the 999 or the TA1 answers it, not the 277CA).
    let of_file = |reason: String| Problem {
        file: name.clone(),
        position: 0,
        claim: None,
        reason,
        rejection: None,
        ordinal: None,
    };
    let mut acks = None;
    let mut x12 = None;
    let mut refused: Vec<Header> = Vec::new();
    let (claims, problems) = match std::fs::read(path) {
        Err(e) => (Vec::new(), vec![of_file(e.to_string())]),
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            if name.ends_with(".csv") {
                csvin::read(&name, &text)
            } else {
                let headers = x12in::headers(&text);
                refused = partners::foreign(&headers, sender)
                    .into_iter()
                    .cloned()
                    .collect();
                if let Some(first) = refused.first() {
                    // Nothing of a file with another's interchange is read.
                    let problem = of_file(format!(
                        "interchange {} was sent as {:?}, not as {sender:?}, the trading partner the intake authenticated: the file is refused whole ({})",
                        first.control,
                        first.sender,
                        if refused.iter().any(Header::answerable) {
                            "TA1 R 006"
                        } else {
                            "no TA1: its ISA is malformed"
                        }
                    ));
                    (Vec::new(), vec![problem])
                } else {
                    acks = ack::groups(&text);
                    x12 = Some(text.to_string());
                    x837::read(&name, &text)
                }
            }
        }
    };
    Input {
        path: path.to_path_buf(),
        claims,
        problems,
        prepared: Vec::new(),
        acks,
        text: x12,
        refused,
    }
}

async fn submit(args: SubmitArgs) -> Outcome<()> {
    let started = Instant::now();
    let amounts = Amounts {
        per_cent: args.per_cent,
    };
    let directory = Directory::load(&args.directory)?;
    let partners = Partners::load(&args.partners)?;
    partners
        .check_exclusive(&directory)
        .map_err(|e| format!("{}: {e}", args.partners.display()))?;
    if !partners.knows(&args.sender) {
        return Err(format!(
            "{}: {:?} is no trading partner (no row names it as sender)",
            args.partners.display(),
            args.sender
        )
        .into());
    }
    // The payer's identity is checked before anything is sent.
    let payer = Payer::read(&args.payer)?;
    let secret = salt_secret(&args.out)?;
    // The CLP loops earlier 835s of this folder carried: what a correction reverses.
    let mut remittances = Remittances::load(&args.out)?;
    let signer = suite_client::signer(args.signer_file.as_deref())?;
    let mut inputs: Vec<Input> = args.files.iter().map(|p| read(p, &args.sender)).collect();
    for input in &mut inputs {
        for (i, source) in input.claims.iter().enumerate() {
            // Only claims for the partner's own providers are prepared.
            let prepared = partners::authorize(source, &args.sender, &partners)
                .and_then(|()| claim::prepare(source, i, args.plan, &directory, &amounts, &secret));
            match prepared {
                Ok(parts) => input.prepared.extend(parts),
                Err(problem) => input.problems.push(problem),
            }
        }
    }
    for problem in inputs.iter().flat_map(|i| &i.problems) {
        eprintln!("skipped: {problem}");
    }
    let deployment = Deployment::load(&args.deployment)?;
    let mut session = Session::connect(deployment, &[]).await?;
    let limits = suite_client::block_limits(&session.deployment.url).await;

    // What the chain already holds (a resumed run), asked claim by claim.
    let mut fates: HashMap<(usize, usize), Fate> = HashMap::new();
    let mut pending: Vec<(usize, usize)> = Vec::new();
    // Replacements and voids (claim frequency 7 and 8) go one by one, after the claims
    // of the run (an original and its replacement may come in the same run).
    let mut corrections: Vec<(usize, usize)> = Vec::new();
    for (f, input) in inputs.iter().enumerate() {
        for (p, prepared) in input.prepared.iter().enumerate() {
            if prepared.action != Action::Submit {
                corrections.push((f, p));
                continue;
            }
            match chain::on_chain(&mut session, &signer, prepared).await? {
                Some(claim) => {
                    fates.insert((f, p), Fate::AlreadyOnChain(claim));
                }
                None => pending.push((f, p)),
            }
        }
    }
    let already = fates.len();
    let queue: Vec<&Prepared> = pending
        .iter()
        .map(|(f, p)| &inputs[*f].prepared[*p])
        .collect();
    let bar = indicatif::ProgressBar::new(u64::try_from(queue.len())?);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} claims  {per_sec}  ETA {eta}",
        )
        .map_err(|e| format!("progress bar: {e}"))?,
    );
    let sending = Instant::now();
    let (done, measured) = chain::submit_all(
        &mut session,
        &signer,
        &queue,
        args.batch,
        limits.batch_budget,
        &mut |n| bar.inc(u64::try_from(n).unwrap_or(0)),
    )
    .await?;
    bar.finish_and_clear();
    let send_time = sending.elapsed();
    let submitted = done.len();
    for (key, fate) in pending.into_iter().zip(done) {
        fates.insert(key, fate);
    }
    let (mut submitted, mut already) = (submitted, already);
    // The remitted denials that replacements and voids corrected: reversed in the 835.
    let mut reversals: HashMap<(usize, usize), Reversal> = HashMap::new();
    for (f, p) in corrections {
        let prepared = &inputs[f].prepared[p];
        let fate = chain::correct(&mut session, &signer, prepared).await?;
        if let Some(original) =
            chain::corrected_original(&mut session, &signer, prepared, &fate).await?
        {
            if let Some(reversal) = remittances.reversal_of(&original) {
                reversals.insert((f, p), reversal);
            }
        }
        match fate {
            Fate::Submitted(_) => submitted += 1,
            Fate::AlreadyOnChain(_) => already += 1,
            Fate::Refused { .. } => {}
        }
        fates.insert((f, p), fate);
    }

    // Remittances per input file.
    std::fs::create_dir_all(&args.out)?;
    let mut totals = Summary::default();
    let first_control = control_base(&args.out);
    for (f, input) in inputs.iter().enumerate() {
        let mut parts: BTreeMap<usize, Vec<claims_adjudication::claims_adjudication::Claim>> =
            BTreeMap::new();
        let mut reversed: HashMap<usize, Vec<Reversal>> = HashMap::new();
        let mut skipped: Vec<(String, String)> = input
            .problems
            .iter()
            .map(|p| (p.claim.clone().unwrap_or_default(), p.to_string()))
            .collect();
        for (p, prepared) in input.prepared.iter().enumerate() {
            match fates.get(&(f, p)) {
                Some(Fate::Submitted(c)) | Some(Fate::AlreadyOnChain(c)) => {
                    parts.entry(prepared.source).or_default().push(c.clone());
                    if let Some(original) = reversals.get(&(f, p)) {
                        reversed
                            .entry(prepared.source)
                            .or_default()
                            .push(original.clone());
                    }
                }
                Some(Fate::Refused { reason, .. }) => {
                    let clm01 = input.claims[prepared.source].clm01.clone();
                    eprintln!(
                        "refused by the contract: {} claim {clm01}: {reason}",
                        input.path.display()
                    );
                    skipped.push((clm01, format!("refused: {reason}")));
                }
                None => {}
            }
        }
        let remitted: Vec<Remitted> = parts
            .into_iter()
            .map(|(source, parts)| Remitted {
                source: &input.claims[source],
                parts,
                reversed: reversed.remove(&source).unwrap_or_default(),
            })
            .collect();
        // Each interchange the payer sends has its own control number (ISA13, GS06): per
        // input file, its 835, then its 999 (or the TA1 refusing it), then its 277CA, going
        // on from run to run.
        let envelope = Envelope {
            payer: payer.clone(),
            control: control_number(first_control, 3 * u64::try_from(f)? + 1),
            date: chrono::Utc::now().format("%Y%m%d").to_string(),
            time: chrono::Utc::now().format("%H%M").to_string(),
        };
        let envelope_999 = Envelope {
            control: control_number(envelope.control, 2),
            ..envelope.clone()
        };
        let envelope_277 = Envelope {
            control: control_number(envelope.control, 3),
            ..envelope.clone()
        };
        let stem = input
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("claims")
            .to_string();
        // A TA1 answers the interchanges whose ISA can be answered (a malformed one is
        // refused without, its CSV says why).
        let refused: Vec<&Header> = input.refused.iter().filter(|h| h.answerable()).collect();
        if !refused.is_empty() {
            let ta1 = partners::ta1(&envelope_999, &args.sender, &refused);
            // Read back before it is written.
            partners::check_ta1(&ta1)?;
            suite_client::write_atomically(&args.out.join(format!("{stem}.ta1")), ta1.as_bytes())?;
        }
        if let Some((submitter, groups)) = &input.acks {
            let x999 = ack::x999(&envelope_999, submitter, groups);
            // Read back with x12-types before it is written.
            ack::check(&x999)?;
            suite_client::write_atomically(&args.out.join(format!("{stem}.999")), x999.as_bytes())?;
            let answers = answers(f, input, &fates);
            let answer = |ordinal: usize| answers.of(ordinal);
            let text = input.text.as_deref().unwrap_or("");
            if let Some(x277) = x277::x277(&envelope_277, submitter, text, &answer) {
                // Read back with x12-types and its totals checked before it is written.
                let counts = x277::check(&x277)?;
                totals.acknowledged.0 += counts.accepted;
                totals.acknowledged.1 += counts.rejected;
                suite_client::write_atomically(
                    &args.out.join(format!("{stem}.277")),
                    x277.as_bytes(),
                )?;
            }
        }
        let x835_path = args.out.join(format!("{stem}.835"));
        if remitted.iter().any(Remitted::remitted) {
            let x835 = remit::x835(&envelope, &amounts, &remitted)?;
            // Read back with x12-types and balanced, before anything is written.
            remit::check(&x835)?;
            suite_client::write_atomically(&x835_path, x835.as_bytes())?;
            remittances.record(&x835);
        } else {
            // No claim of the file is paid or denied yet: no remittance (an empty 835 would
            // say a payment of nothing was made; one an earlier run wrote is kept: it was
            // sent); the CSV says where each claim stands.
            println!(
                "{}: {}, no 835 (see {stem}.csv)",
                input.path.display(),
                if remitted.is_empty() {
                    "no claim read"
                } else {
                    "no claim final yet"
                }
            );
        }
        let csv = remit::csv(&amounts, &remitted, &skipped);
        suite_client::write_atomically(&args.out.join(format!("{stem}.csv")), csv.as_bytes())?;
        totals.add(&remitted, skipped.len());
    }
    remittances.save(&args.out)?;
    let next = control_number(first_control, 3 * u64::try_from(inputs.len())? + 1);
    suite_client::write_atomically(&args.out.join(CONTROL_FILE), next.to_string().as_bytes())?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "claims: {} adjudicated ({submitted} submitted now, {already} already on chain), {} skipped; lines: {}",
        totals.claims, totals.skipped, totals.lines
    );
    println!(
        "277CA: {} claims accepted for adjudication, {} rejected",
        totals.acknowledged.0, totals.acknowledged.1
    );
    println!(
        "paid: {} (payer), patient responsibility: {}",
        amounts.dollars(totals.paid),
        amounts.dollars(totals.patient)
    );
    let denied: Vec<String> = totals
        .denied
        .iter()
        .map(|(carc, n)| format!("CARC {carc}: {n}"))
        .collect();
    println!(
        "denied claims by reason: {}",
        if denied.is_empty() {
            "none".into()
        } else {
            denied.join(", ")
        }
    );
    let rate = if send_time.as_secs_f64() > 0.0 {
        submitted as f64 / send_time.as_secs_f64()
    } else {
        0.0
    };
    println!(
        "time: {elapsed:.1} s in all, {:.1} s sending; {rate:.1} claims/s; remittances in {}",
        send_time.as_secs_f64(),
        args.out.display()
    );
    // The node's own weights (its dry runs), for planning: what users pay.
    if let Some((by_ref_time, by_pov)) = measured.per_block(&limits, POV_BUDGET) {
        let claims = u128::from(measured.claims);
        println!(
            "node weight: {} batches, per claim ref_time {} ps and proof_size {} B; claims per block: {by_ref_time} by ref_time (normal share {} ps), {by_pov} by a 5 MiB proof budget (75 %)",
            measured.batches,
            measured.ref_time / claims,
            measured.proof_size / claims,
            limits.normal
        );
    }
    Ok(())
}

/// Where the next free interchange control number is kept, in the output folder.
const CONTROL_FILE: &str = ".interchange";

/// The first interchange control number of this run: the one the last run left in
/// `OUT/.interchange`, else 1.
fn control_base(out: &Path) -> u32 {
    std::fs::read_to_string(out.join(CONTROL_FILE))
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .filter(|n| (1..=MAX_CONTROL).contains(n))
        .unwrap_or(1)
}

/// The largest ISA13 (nine digits).
const MAX_CONTROL: u32 = 999_999_999;

/// The control number `offset` after `base`, from 1 to `MAX_CONTROL` and round again.
fn control_number(base: u32, offset: u64) -> u32 {
    let n = (u64::from(base) + offset.saturating_sub(1) - 1) % u64::from(MAX_CONTROL) + 1;
    u32::try_from(n).unwrap_or(1)
}

/// A parachain's proof-of-validity budget for normal transactions: 75 % of 5 MiB.
const POV_BUDGET: u128 = 5 * 1024 * 1024 * 3 / 4;

#[derive(Default)]
struct Summary {
    claims: usize,
    lines: usize,
    skipped: usize,
    paid: u128,
    patient: u128,
    denied: BTreeMap<String, usize>,
    /// Claims the 277CAs accepted and rejected.
    acknowledged: (usize, usize),
}

/// Each claim's 277CA answer in one input file, by its place among the file's claims.
struct Answers(HashMap<usize, Answer>);

impl Answers {
    fn of(&self, ordinal: usize) -> Answer {
        self.0
            .get(&ordinal)
            .cloned()
            .unwrap_or(Answer::Rejected(x277::RECEIVED))
    }
}

/// The answers to the claims of input `f`: accepted if the chain recorded any part of
/// the claim (its first part's id, as the 835's CLP07), with the rejections of the parts
/// the contract refused; rejected with the contract's refusal or the tool's problem.
fn answers(f: usize, input: &Input, fates: &HashMap<(usize, usize), Fate>) -> Answers {
    let mut answers = x277::problem_answers(&input.problems);
    for (s, source) in input.claims.iter().enumerate() {
        let mut id = None;
        let mut refused = Vec::new();
        for (p, _) in input
            .prepared
            .iter()
            .enumerate()
            .filter(|(_, prepared)| prepared.source == s)
        {
            match fates.get(&(f, p)) {
                Some(Fate::Submitted(c)) | Some(Fate::AlreadyOnChain(c)) => {
                    id.get_or_insert(c.id);
                }
                Some(Fate::Refused { rejection, .. }) => refused.push(*rejection),
                None => {}
            }
        }
        let answer = match (id, refused.first()) {
            (Some(id), _) => Answer::Accepted { id, refused },
            (None, Some(rejection)) => Answer::Rejected(*rejection),
            // Not prepared: its problem answers it.
            (None, None) => continue,
        };
        answers.insert(source.ordinal, answer);
    }
    Answers(answers)
}

impl Summary {
    fn add(&mut self, remitted: &[Remitted], skipped: usize) {
        use claim_adjudication_status::*;
        self.skipped += skipped;
        for claim in remitted {
            for part in &claim.parts {
                self.claims += 1;
                self.lines += part.lines.len();
                if part.status == Paid {
                    self.paid += part.payer_amount;
                    self.patient += part.member_amount;
                }
                if part.status == Denied {
                    let carc = part.denial.map_or("?", |d| d.code()).to_string();
                    *self.denied.entry(carc).or_default() += 1;
                }
            }
        }
    }
}

mod claim_adjudication_status {
    pub use claims_adjudication::claims_adjudication::ClaimStatus::{Denied, Paid};
}
