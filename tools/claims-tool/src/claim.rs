//! Claims as read from an 837 or a CSV file, and how they become on-chain claims.
//!
//! * **Amounts**: the 837's dollars with up to two decimals are cents; one cent is
//!   [`Amounts::per_cent`] of the chain's smallest unit (default 10^8, so that $1.00 is
//!   10^10, a hundredth of the dev chain's token). The 835 converts back exactly: an
//!   amount that is not a whole number of cents keeps its extra decimals.
//! * **Procedures**: SV101-2 (a 5-character CPT/HCPCS code) is priced; modifiers
//!   (SV101-3..6) are kept in the tool's output (835 SVC01, CSV) but not sent: the fee
//!   schedule and the duplicate rule are per procedure and day.
//! * **Diagnoses**: the claim's HI codes (ABK/ABF/BK/BF) go on chain only as the
//!   contract's salted commitment; the salt of each claim is derived from the secret in
//!   `OUT/.salt` (made on first use) and the claim's reference, so whoever holds that
//!   file can prove which codes were billed.
//! * **Service dates**: lines with different DTP*472 dates (or rendering providers)
//!   become one on-chain claim each; the 835 adds them up again under the CLM01.
//! * **Reference**: each on-chain claim carries BLAKE2-256 of `claims-tool/1`, the
//!   billing NPI, CLM01 and its service date: a resubmitted file is recognised by the
//!   contract (`claim_by_reference`), never by the tool's memory alone.

use crate::directory::Directory;
use crate::x277::{self, Rejection};
use chrono::{NaiveDate, TimeZone, Utc};
use claims_adjudication::claims_adjudication::{ClaimLine, ClaimRequest, ClaimSubmission};
use healthcare_traits::credentials::is_valid_npi;
use ink::primitives::{AccountId, Hash};

/// Where a problem is: the file and the segment (or CSV line) number, from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The input file.
    pub file: String,
    /// Segment number in the file (837) or line number (CSV); 0 for the whole file.
    pub position: usize,
    /// The claim's CLM01, when known.
    pub claim: Option<String>,
    /// What is wrong.
    pub reason: String,
    /// How the 277CA rejects the claim for it (`None`: a problem of the whole file, which
    /// the 999 answers).
    pub rejection: Option<Rejection>,
    /// The claim's place among the file's claims (CLM segments, from 0), when a claim's.
    pub ordinal: Option<usize>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = if self.file.ends_with(".csv") {
            "line"
        } else {
            "segment"
        };
        write!(f, "{}", self.file)?;
        if self.position > 0 {
            write!(f, " {unit} {}", self.position)?;
        }
        if let Some(claim) = &self.claim {
            write!(f, " (claim {claim})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// One service line as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// Its segment (SV1) or CSV line number.
    pub position: usize,
    /// The 5-character procedure code.
    pub procedure: String,
    /// Its modifiers, kept for the remittance.
    pub modifiers: Vec<String>,
    /// Billed amount in cents.
    pub cents: u128,
    /// Units of service.
    pub units: u32,
    /// Service date, CCYYMMDD.
    pub date: String,
    /// The line's rendering provider (loop 2420A), if it names one.
    pub rendering_npi: Option<String>,
}

/// One claim (CLM) as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceClaim {
    /// The input file.
    pub file: String,
    /// The CLM segment's (or the first CSV line's) number.
    pub position: usize,
    /// Its place among the file's claims (from 0): what the 277CA answers it by (CLM01s
    /// repeat, e.g. an original and its replacement).
    pub ordinal: usize,
    /// CLM01, the provider's claim number.
    pub clm01: String,
    /// The subscriber's member id (NM1*IL NM109).
    pub member_id: String,
    /// The billing provider's NPI (NM1*85).
    pub billing_npi: String,
    /// The claim's rendering provider (NM1*82 in loop 2310B), if any.
    pub rendering_npi: Option<String>,
    /// CLM05-1.
    pub place_of_service: String,
    /// CLM05-3, the claim frequency: `1` an original claim, `7` the replacement of the
    /// on-chain claim `original`, `8` its void.
    pub frequency: String,
    /// `REF*F8` (loop 2300), the payer's claim control number of the claim a
    /// replacement or void names: an on-chain claim id (the 835's `REF*F8`).
    pub original: Option<String>,
    /// ICD-10-CM codes without dots.
    pub diagnoses: Vec<String>,
    /// Its lines.
    pub lines: Vec<SourceLine>,
}

impl SourceClaim {
    /// The NPI whose account is paid for `line`: the line's rendering provider, else the
    /// claim's, else the billing provider.
    pub fn provider_npi<'a>(&'a self, line: &'a SourceLine) -> &'a str {
        line.rendering_npi
            .as_deref()
            .or(self.rendering_npi.as_deref())
            .unwrap_or(&self.billing_npi)
    }

    /// The modifiers of line `index` of the on-chain part dated `service_date`.
    pub fn modifiers_of(&self, service_date: u64, index: usize) -> Option<&Vec<String>> {
        let date = ccyymmdd(service_date);
        self.lines
            .iter()
            .filter(|l| l.date == date)
            .nth(index)
            .map(|l| &l.modifiers)
    }
}

/// The scale between the 837's cents and the chain's smallest unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    /// Smallest units per cent.
    pub per_cent: u128,
}

impl Default for Amounts {
    fn default() -> Self {
        Self {
            per_cent: 100_000_000,
        }
    }
}

impl Amounts {
    /// `units` of the chain as dollars: at least two decimals, more only when needed.
    pub fn dollars(&self, units: u128) -> String {
        let per_dollar = self.per_cent.saturating_mul(100);
        let whole = units / per_dollar;
        let rest = units % per_dollar;
        let digits = per_dollar.to_string().len() - 1;
        let mut fraction = format!("{rest:0digits$}");
        while fraction.len() > 2 && fraction.ends_with('0') {
            fraction.pop();
        }
        format!("{whole}.{fraction}")
    }

    /// Cents as smallest units.
    pub fn units(&self, cents: u128) -> Option<u128> {
        cents.checked_mul(self.per_cent)
    }
}

/// Cents of an X12 decimal amount (`125`, `125.5`, `125.00`); none for anything else
/// (signs, exponents, more than two decimals, two points).
pub fn cents(text: &str) -> Option<u128> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
    {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: u128 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// Milliseconds at 00:00 UTC of a CCYYMMDD date.
pub fn date_ms(ccyymmdd: &str) -> Option<u64> {
    let date = NaiveDate::parse_from_str(ccyymmdd, "%Y%m%d").ok()?;
    let ms = Utc
        .from_utc_datetime(&date.and_hms_opt(0, 0, 0)?)
        .timestamp_millis();
    u64::try_from(ms).ok()
}

/// CCYYMMDD of a timestamp.
pub fn ccyymmdd(ms: u64) -> String {
    chrono::DateTime::<Utc>::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
        .map(|d| d.format("%Y%m%d").to_string())
        .unwrap_or_default()
}

/// YYYY-MM-DD of a timestamp.
pub fn iso_date(ms: u64) -> String {
    chrono::DateTime::<Utc>::from_timestamp_millis(i64::try_from(ms).unwrap_or(0))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The reference of the on-chain part of claim `clm01` of `billing_npi` dated `date`.
pub fn reference(billing_npi: &str, clm01: &str, date: &str) -> Hash {
    reference_of(&["claims-tool/1", billing_npi, clm01, date])
}

/// The reference of the replacement (claim frequency 7) of on-chain claim `original` by
/// claim `clm01` of `billing_npi` dated `date` with `content` (a salted digest of its lines
/// and diagnoses: the reference is public, the diagnoses must not be guessable from it):
/// another reference than the original's (usually the same CLM01 and date), the same for
/// every run of the same file, and another for a different correction of the same
/// original (which the chain then refuses: the original is replaced already).
pub fn replacement_reference(
    billing_npi: &str,
    clm01: &str,
    date: &str,
    original: u64,
    content: &str,
) -> Hash {
    let original = original.to_string();
    reference_of(&[
        "claims-tool/1",
        billing_npi,
        clm01,
        date,
        "7",
        &original,
        content,
    ])
}

fn reference_of(parts: &[&str]) -> Hash {
    let mut input = Vec::new();
    for part in parts {
        input.extend_from_slice(part.as_bytes());
        input.push(0);
    }
    Hash::from(blake2(&input))
}

fn blake2(input: &[u8]) -> [u8; 32] {
    let mut output = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(input, &mut output);
    output
}

/// What the tool does with a prepared claim (its CLM05-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Frequency 1: submits it (`submit_claims`).
    Submit,
    /// Frequency 7: replaces on-chain claim `.0` with it (`replace_claim`).
    Replace(u64),
    /// Frequency 8: voids on-chain claim `.0` (`void_claim`); nothing new is recorded.
    Void(u64),
}

/// One on-chain claim made of (part of) a source claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Index of the source claim in its file.
    pub source: usize,
    /// Its provider's account (for `claim_by_reference`).
    pub provider: AccountId,
    /// What is sent.
    pub submission: ClaimSubmission,
    /// Submitted, replacing or voiding.
    pub action: Action,
}

/// The on-chain claims of `claim` in plan `plan` (one per service date and rendering
/// provider), or why it cannot be sent. `secret` salts the diagnosis commitments.
// A problem carries its file, place, claim, reason and 277CA status: returned once per
// claim that cannot be sent, so its size costs nothing worth a box.
#[allow(clippy::result_large_err)]
pub fn prepare(
    claim: &SourceClaim,
    index: usize,
    plan: u32,
    directory: &Directory,
    amounts: &Amounts,
    secret: &[u8; 32],
) -> Result<Vec<Prepared>, Problem> {
    let problem = |position: usize, rejection: Rejection, reason: String| Problem {
        file: claim.file.clone(),
        position,
        claim: Some(claim.clm01.clone()),
        reason,
        rejection: Some(rejection),
        ordinal: Some(claim.ordinal),
    };
    if claim.clm01.is_empty() {
        return Err(problem(
            claim.position,
            x277::NO_CLAIM_ID,
            "the claim has no CLM01".into(),
        ));
    }
    if claim.lines.is_empty() {
        return Err(problem(
            claim.position,
            x277::NO_LINES,
            "the claim has no service lines".into(),
        ));
    }
    // Every NPI the claim names is a real one (each line's paid NPI is checked below).
    if !is_valid_npi(claim.billing_npi.as_bytes()) {
        return Err(problem(
            claim.position,
            x277::BILLING_NPI,
            format!(
                "billing provider NPI {:?} has a bad check digit (or is not ten digits)",
                claim.billing_npi
            ),
        ));
    }
    if let Some(npi) = claim
        .rendering_npi
        .as_ref()
        .filter(|npi| !is_valid_npi(npi.as_bytes()))
    {
        return Err(problem(
            claim.position,
            x277::RENDERING_NPI,
            format!("rendering provider NPI {npi:?} has a bad check digit (or is not ten digits)"),
        ));
    }
    // A replacement or void names the on-chain claim it replaces or voids.
    let correction = match claim.frequency.as_str() {
        "1" => None,
        frequency @ ("7" | "8") => {
            let original = claim.original.as_deref().ok_or_else(|| {
                problem(
                    claim.position,
                    x277::NO_ORIGINAL,
                    format!("claim frequency {frequency} without REF*F8 naming the claim"),
                )
            })?;
            let id: u64 = original.trim().parse().map_err(|_| {
                problem(
                    claim.position,
                    x277::ORIGINAL_NOT_FOUND,
                    format!("REF*F8 {original:?} is no claim id of this payer"),
                )
            })?;
            Some((frequency == "7", id))
        }
        other => {
            return Err(problem(
                claim.position,
                x277::FREQUENCY,
                format!("claim frequency (CLM05-3) {other:?} is not 1, 7 or 8"),
            ))
        }
    };
    let member = directory.member(&claim.member_id).ok_or_else(|| {
        problem(
            claim.position,
            x277::UNKNOWN_MEMBER,
            format!("member id {:?} is not in the directory", claim.member_id),
        )
    })?;
    // The provider a line is paid to, as the 277CA names it in a rejection: the line's
    // rendering provider (that line), the claim's, or the billing provider.
    let npi_rejection =
        |k: usize, line: &SourceLine| match (&line.rendering_npi, &claim.rendering_npi) {
            (Some(_), _) => x277::RENDERING_NPI.at(k),
            (None, Some(_)) => x277::RENDERING_NPI,
            (None, None) => x277::BILLING_NPI,
        };
    // (service date, NPI paid) and the lines (with their index in the claim) of each part.
    type Part<'a> = ((String, String), Vec<(usize, &'a SourceLine)>);
    let mut parts: Vec<Part> = Vec::new();
    for (k, line) in claim.lines.iter().enumerate() {
        let npi = claim.provider_npi(line);
        if !is_valid_npi(npi.as_bytes()) {
            return Err(problem(
                line.position,
                npi_rejection(k, line),
                format!("NPI {npi:?} has a bad check digit (or is not ten digits)"),
            ));
        }
        let key = (line.date.clone(), npi.to_string());
        match parts.iter_mut().find(|(key_, _)| *key_ == key) {
            Some((_, lines)) => lines.push((k, line)),
            None => parts.push((key, vec![(k, line)])),
        }
    }
    if correction.is_some() && parts.len() != 1 {
        return Err(problem(
            claim.position,
            x277::ORIGINAL_SPLIT,
            format!(
                "a replacement or void spans {} on-chain claims (service dates or rendering providers): send one per on-chain claim",
                parts.len()
            ),
        ));
    }
    let emergency = claim.place_of_service == "23";
    let mut prepared = Vec::new();
    for ((date, npi), lines) in parts {
        let (first, first_line) = lines.first().copied().ok_or_else(|| {
            problem(
                claim.position,
                x277::NO_LINES,
                "the claim has no service lines".into(),
            )
        })?;
        let provider = directory.provider(&npi).ok_or_else(|| {
            problem(
                claim.position,
                npi_rejection(first, first_line),
                format!("NPI {npi} is not in the directory"),
            )
        })?;
        let service_date = date_ms(&date).ok_or_else(|| {
            problem(
                first_line.position,
                x277::SERVICE_DATE,
                format!("service date {date:?} is no CCYYMMDD date"),
            )
        })?;
        if lines.len() > claims_adjudication::MAX_LINES {
            return Err(problem(
                claim.position,
                x277::TOO_MANY_LINES,
                format!(
                    "more than {} lines on {date}",
                    claims_adjudication::MAX_LINES
                ),
            ));
        }
        let (reference, action) = match correction {
            None => (
                reference(&claim.billing_npi, &claim.clm01, &date),
                Action::Submit,
            ),
            Some((true, id)) => {
                let content: Vec<String> = lines
                    .iter()
                    .map(|(_, l)| {
                        format!(
                            "{}:{}:{}:{}",
                            l.procedure,
                            l.modifiers.join("+"),
                            l.cents,
                            l.units
                        )
                    })
                    .chain([claim.diagnoses.join("+"), claim.place_of_service.clone()])
                    .collect();
                // Salted with the secret that salts the diagnosis commitments.
                let mut salted = secret.to_vec();
                salted.extend_from_slice(content.join("|").as_bytes());
                let digest: String = blake2(&salted).iter().map(|b| format!("{b:02x}")).collect();
                (
                    replacement_reference(&claim.billing_npi, &claim.clm01, &date, id, &digest),
                    Action::Replace(id),
                )
            }
            Some((false, id)) => (
                reference(&claim.billing_npi, &claim.clm01, &date),
                Action::Void(id),
            ),
        };
        let mut salt_input = secret.to_vec();
        salt_input.extend_from_slice(reference.as_ref());
        let salt = blake2(&salt_input);
        let codes: Vec<&str> = claim.diagnoses.iter().map(String::as_str).collect();
        let commitment = claims_adjudication::diagnosis_commitment(&salt, &codes);
        let mut chain_lines = Vec::new();
        for (k, line) in lines {
            let procedure: [u8; 5] = line
                .procedure
                .as_bytes()
                .try_into()
                .ok()
                .filter(|p: &[u8; 5]| {
                    p.iter()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                })
                .ok_or_else(|| {
                    problem(
                        line.position,
                        x277::PROCEDURE.at(k),
                        format!("procedure {:?} is no 5-character code", line.procedure),
                    )
                })?;
            if line.cents == 0 {
                return Err(problem(
                    line.position,
                    x277::ZERO_AMOUNT.at(k),
                    "a zero amount".into(),
                ));
            }
            if line.units == 0 {
                return Err(problem(
                    line.position,
                    x277::UNITS.at(k),
                    "a zero unit count".into(),
                ));
            }
            let billed = amounts.units(line.cents).ok_or_else(|| {
                problem(
                    line.position,
                    x277::AMOUNT_TOO_LARGE.at(k),
                    "amount too large".into(),
                )
            })?;
            chain_lines.push(ClaimLine {
                procedure,
                diagnosis_commitment: commitment,
                billed,
                units: line.units,
            });
        }
        prepared.push(Prepared {
            source: index,
            provider,
            submission: ClaimSubmission {
                request: ClaimRequest {
                    plan,
                    member,
                    provider,
                    service_date,
                    emergency,
                    lines: chain_lines,
                },
                reference: Some(reference),
            },
            action,
        });
    }
    Ok(prepared)
}
