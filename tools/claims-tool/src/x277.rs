//! The 277CA claim acknowledgement (005010X214) of an 837P file: for every claim of every
//! transaction set the 999 accepted, whether the payer accepted it for adjudication
//! (`A2:20`, with the on-chain claim id the 835 also names in CLP07 as `REF*1K`) or
//! rejected it before adjudication, with the claim status category and code of X12 code
//! lists 507 and 508 ([`Rejection`]) and, when one service line caused it, that line
//! (loop 2220D).
//!
//! One 277 transaction set answers one 837 transaction set (its BHT03 in 2200B `TRN*2`),
//! with the payer as information source (2000A), the 837's submitter as information
//! receiver (2000B, with the counts and amounts accepted and rejected), each billing
//! provider (2000C, the same for its claims) and each patient (2000D) with its claims
//! (2200D: `TRN*2` the CLM01, `STC`, `REF*1K`, `DTP*472`). A set the 999 rejected gets no
//! 277 (the 277CA reports no syntax). An adjudicated claim is accepted whatever the
//! contract decided: its denials (CARC codes) are the 835's, not rejections.
//!
//! The segments are written by hand, like the 999 and the 835, and read back with
//! x12-types' `_277` model ([`check`]) before the file is written: that model's own printer
//! would write every 2000C loop before every 2000D loop, breaking the HL order.

use crate::claim::{cents, Problem};
use crate::remit::Envelope;
use crate::x837::{is_837p, nm1_2010, nonempty, npi};
use crate::x837p::{_837Loop2000, _837Loop2300, _837};
use claims_adjudication::claims_adjudication::Error;
use x12_types::util::Parser as _;
use x12_types::v005010::{Transmission, NM1, _277};

/// Why the payer rejected a claim before adjudication: STC01 (claim status category 507,
/// claim status 508 and, where 508 asks for one, the entity), a second status for STC10
/// where the first one needs it, and the claim's service line (from 0, in SV1 order) that
/// caused it, if one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    pub status: &'static str,
    pub second: Option<&'static str>,
    pub line: Option<u16>,
}

impl Rejection {
    const fn of(status: &'static str, second: Option<&'static str>) -> Self {
        Rejection {
            status,
            second,
            line: None,
        }
    }

    /// The same, caused by service line `line`.
    pub fn at(self, line: usize) -> Self {
        Rejection {
            line: Some(u16::try_from(line).unwrap_or(u16::MAX)),
            ..self
        }
    }
}

/// 33 "Subscriber and subscriber id not found" (the subscriber, IL): a member id the
/// payer's directory does not know.
pub const UNKNOWN_MEMBER: Rejection = Rejection::of("A3:33:IL", None);
/// 562 "Entity's National Provider Identifier (NPI)" of the billing provider (85).
pub const BILLING_NPI: Rejection = Rejection::of("A7:562:85", None);
/// 562 of the rendering provider (82).
pub const RENDERING_NPI: Rejection = Rejection::of("A7:562:82", None);
/// 54 "Duplicate of a previously processed claim/line".
pub const DUPLICATE: Rejection = Rejection::of("A3:54", None);
/// 116 "Claim submitted to incorrect payer": the plan does not exist.
pub const WRONG_PAYER: Rejection = Rejection::of("A3:116", None);
/// 496 "Submitter not approved for electronic claim submissions on behalf of this
/// entity" (the rendering provider).
pub const NOT_SUBMITTER: Rejection = Rejection::of("A3:496:82", None);
/// 496 of the billing provider (85): the trading partner that sent the claim may not send
/// for its billing provider (`PARTNERS.csv`).
pub const PARTNER_BILLING: Rejection = Rejection::of("A3:496:85", None);
/// 496 of a rendering provider (82): the trading partner may not send for it.
pub const PARTNER_RENDERING: Rejection = NOT_SUBMITTER;
/// 21 "Missing or invalid information" with 247 "Line information": no service line.
pub const NO_LINES: Rejection = Rejection::of("A6:21", Some("A6:247"));
/// 121 "Service line number greater than maximum allowable for payer".
pub const TOO_MANY_LINES: Rejection = Rejection::of("A7:121", None);
/// 454 "Procedure code for services rendered".
pub const PROCEDURE: Rejection = Rejection::of("A7:454", None);
/// 454 with 745 "Identifier Qualifier": SV101's qualifier is not HC.
pub const QUALIFIER: Rejection = Rejection::of("A7:454", Some("A7:745"));
/// 583 "Line Item Charge Amount" with 697 "Invalid Decimal Precision".
pub const AMOUNT_FORMAT: Rejection = Rejection::of("A7:583", Some("A7:697"));
/// 583 with 402 "Amount must be greater than zero".
pub const ZERO_AMOUNT: Rejection = Rejection::of("A7:583", Some("A7:402"));
/// 583 alone: above what the payer accepts on a line.
pub const AMOUNT_TOO_LARGE: Rejection = Rejection::of("A7:583", None);
/// 476 "Missing or invalid units of service" (none, not whole, or above the plan's).
pub const UNITS: Rejection = Rejection::of("A7:476", None);
/// 187 "Date(s) of service", missing.
pub const NO_SERVICE_DATE: Rejection = Rejection::of("A6:187", None);
/// 187, not a date.
pub const SERVICE_DATE: Rejection = Rejection::of("A7:187", None);
/// 510 "Future date", with 187 naming the date in error.
pub const FUTURE_DATE: Rejection = Rejection::of("A7:510", Some("A7:187"));
/// 21 with 247: a line the contract found invalid.
pub const INVALID_LINE: Rejection = Rejection::of("A7:21", Some("A7:247"));
/// 538 "Claim or Encounter Identifier": no CLM01.
pub const NO_CLAIM_ID: Rejection = Rejection::of("A6:538", None);
/// Received but not yet acknowledged (A1, 19 "Entity acknowledges receipt of
/// claim/encounter", the payer): the chain's answer was not read; running the tool again
/// settles it (the chain is asked for the claim's reference).
pub const RECEIVED: Rejection = Rejection::of("A1:19:PR", None);
/// 535 "Claim Frequency Code": CLM05-3 is not 1 (original), 7 (replacement) or 8 (void).
pub const FREQUENCY: Rejection = Rejection::of("A7:535", None);
/// 464 "Payer Assigned Claim Control Number", missing: a replacement or void without
/// `REF*F8` naming the claim it replaces or voids.
pub const NO_ORIGINAL: Rejection = Rejection::of("A6:464", None);
/// 464, invalid: `REF*F8` names no claim of this payer.
pub const ORIGINAL_NOT_FOUND: Rejection = Rejection::of("A7:464", None);
/// 464 with 562 of the billing provider, as a relational error (A8): the claim `REF*F8`
/// names is another provider's or another plan's.
pub const ORIGINAL_OF_ANOTHER: Rejection = Rejection::of("A8:464", Some("A8:562:85"));
/// 732 "Information submitted inconsistent with billing guidelines" with 464: the claim
/// `REF*F8` names is paid, owed or under appeal, which this payer does not reverse.
pub const ORIGINAL_FINAL: Rejection = Rejection::of("A7:732", Some("A7:464"));
/// 464 with 686 (the claim was voided): the claim `REF*F8` names was voided or replaced
/// already.
pub const ORIGINAL_VOIDED: Rejection = Rejection::of("A7:464", Some("A7:686"));
/// 732 with 187 "Date(s) of service": a replacement or void that spans more than one
/// on-chain claim (several service dates or rendering providers); each on-chain claim
/// (each `REF*F8` of the 835) is replaced or voided by a claim of its own.
pub const ORIGINAL_SPLIT: Rejection = Rejection::of("A7:732", Some("A7:187"));
/// 732 alone: a replacement the payer's own rules would deny (past the filing window,
/// the member not covered or not consenting at the service date, the provider not
/// licensed), refused with the original kept.
pub const REPLACEMENT_DENIED: Rejection = Rejection::of("A7:732", None);
/// 171 "Other insurance coverage information (health, liability, auto, etc.)" with 286
/// "Other payer's Explanation of Benefits/payment information", returned unprocessed
/// (A3): this plan is not the member's primary payer (2000B SBR01 is not `P`);
/// coordination of benefits is not processed, so the claim is not priced as if it were.
pub const NOT_PRIMARY: Rejection = Rejection::of("A3:171", Some("A3:286"));
/// 171 and 286 as a relational error (A8): SBR01 says primary, but the claim carries
/// another payer's adjudication (loop 2320's CAS or AMT, a 2330B remittance date, a
/// 2430).
pub const PRIOR_ON_PRIMARY: Rejection = Rejection::of("A8:171", Some("A8:286"));
/// 0 "Cannot provide further status electronically": a refusal the tool has no code for.
pub const OTHER: Rejection = Rejection::of("A3:0", None);

/// The rejection of a claim the contract refused with `error`.
pub fn of_error(error: &Error) -> Rejection {
    match error {
        Error::UnknownPlan => WRONG_PAYER,
        Error::NotSubmitter => NOT_SUBMITTER,
        Error::NoLines => NO_LINES,
        Error::TooManyLines => TOO_MANY_LINES,
        Error::InvalidLine => INVALID_LINE,
        Error::TooManyUnits => UNITS,
        Error::ServiceInFuture => FUTURE_DATE,
        Error::ReferenceUsed => DUPLICATE,
        Error::UnknownClaim => ORIGINAL_NOT_FOUND,
        Error::NotVoidable => ORIGINAL_FINAL,
        Error::ReplacementMismatch => ORIGINAL_OF_ANOTHER,
        Error::ReplacementDenied => REPLACEMENT_DENIED,
        _ => OTHER,
    }
}

/// What the payer answers for one claim (CLM) of the 837.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Accepted for adjudication: recorded on chain as claim `id` (its first part's, the
    /// 835's CLP07); `refused`: the rejections of parts of it (other service dates or
    /// rendering providers) the contract refused, each a further STC.
    Accepted { id: u64, refused: Vec<Rejection> },
    /// Rejected before adjudication.
    Rejected(Rejection),
}

impl Answer {
    /// The answer to a claim the tool could not send.
    pub fn of_problem(problem: &Problem) -> Answer {
        Answer::Rejected(problem.rejection.unwrap_or(OTHER))
    }
}

/// The answers the tool's own problems give, by each claim's place among its file's
/// claims: a claim's first problem rejects it (a problem of the whole file answers none).
pub fn problem_answers(problems: &[Problem]) -> std::collections::HashMap<usize, Answer> {
    let mut answers = std::collections::HashMap::new();
    for problem in problems {
        if let Some(ordinal) = problem.ordinal {
            answers
                .entry(ordinal)
                .or_insert_with(|| Answer::of_problem(problem));
        }
    }
    answers
}

/// Cents as an X12 amount (`125`, `125.5`, `0`).
fn dollars(cents: u128) -> String {
    let (whole, rest) = (cents / 100, cents % 100);
    match rest {
        0 => whole.to_string(),
        r if r % 10 == 0 => format!("{whole}.{}", r / 10),
        r => format!("{whole}.{r:02}"),
    }
}

/// An X12 element copied from the 837: the delimiters this file writes removed.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '*' | '~' | ':' | '^') && !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// NM1 elements 02 to 09 of `name` (entity type, last or organisation name, first and
/// middle name), the rest left empty, for the 277's NM1 of the same party.
fn name_of(name: &NM1) -> (String, String, String) {
    let field = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_default();
    (name._02.to_string(), field(&name._03), field(&name._04))
}

/// Counts and amounts of claims accepted and rejected.
#[derive(Default, Clone, Copy)]
struct Tally {
    accepted: usize,
    accepted_cents: u128,
    rejected: usize,
    rejected_cents: u128,
}

impl Tally {
    fn add(&mut self, accepted: bool, cents: u128) {
        if accepted {
            self.accepted += 1;
            self.accepted_cents = self.accepted_cents.saturating_add(cents);
        } else {
            self.rejected += 1;
            self.rejected_cents = self.rejected_cents.saturating_add(cents);
        }
    }

    fn total(&self) -> u128 {
        self.accepted_cents.saturating_add(self.rejected_cents)
    }

    /// QTY and AMT of the accepted (`accepted`, `90` / `QA`) and rejected (`AA` / `QC`).
    fn segments(&self, accepted: &str, rejected: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.accepted > 0 {
            out.push(format!("QTY*{accepted}*{}", self.accepted));
        }
        if self.rejected > 0 {
            out.push(format!("QTY*{rejected}*{}", self.rejected));
        }
        if self.accepted > 0 {
            out.push(format!("AMT*YU*{}", dollars(self.accepted_cents)));
        }
        if self.rejected > 0 {
            out.push(format!("AMT*YY*{}", dollars(self.rejected_cents)));
        }
        out
    }
}

/// The STC of a claim (2200D) or a line (2220D, no amount): status, date, action (WQ
/// accepted, U rejected), the claim's charge, STC10.
fn stc(
    status: &str,
    date: &str,
    accepted: bool,
    amount: Option<&str>,
    second: Option<&str>,
) -> String {
    let mut out = format!("STC*{status}*{date}*{}", if accepted { "WQ" } else { "U" });
    if amount.is_some() || second.is_some() {
        out.push('*');
        out.push_str(amount.unwrap_or(""));
    }
    if let Some(second) = second {
        out.push_str("******");
        out.push_str(second);
    }
    out
}

/// The service dates of a claim: `D8*date` or `RD8*first-last`.
fn service_dates(claim: &_837Loop2300) -> Option<String> {
    let mut dates: Vec<String> = claim
        .loop_2400
        .iter()
        .flat_map(|l| &l.dtp)
        .chain(&claim.dtp)
        .filter(|d| d._01.to_string() == "472")
        .flat_map(|d| d._03.split('-').map(str::to_string).collect::<Vec<_>>())
        .filter(|d| d.len() == 8 && d.chars().all(|c| c.is_ascii_digit()))
        .collect();
    dates.sort();
    match (dates.first(), dates.last()) {
        (Some(first), Some(last)) if first == last => Some(format!("D8*{first}")),
        (Some(first), Some(last)) => Some(format!("RD8*{first}-{last}")),
        _ => None,
    }
}

/// The 2220D loop of the 837 line `line` of `claim` that caused `rejection`.
fn line_loop(claim: &_837Loop2300, line: usize, rejection: &Rejection, date: &str) -> Vec<String> {
    let Some(service) = claim.loop_2400.get(line) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match &service.sv1 {
        Some(sv1) => {
            let composite = clean_composite(&sv1._01);
            // SVC02 is required: the line's charge if it is an amount, else 0.
            let charge = sv1
                ._02
                .as_deref()
                .and_then(|a| cents(a.trim()))
                .unwrap_or(0);
            let charge = dollars(charge);
            let units = sv1._04.as_deref().map(clean).unwrap_or_default();
            out.push(format!("SVC*{composite}*{charge}*****{units}"));
        }
        // No SV1 to name: the line's number instead (the loop still needs an SVC).
        None => out.push(format!("SVC*HC:*0*****{}", line + 1)),
    }
    out.push(stc(rejection.status, date, false, None, rejection.second));
    out.push(format!("REF*FJ*{}", line + 1));
    if let Some(dtp) = service
        .dtp
        .iter()
        .find(|d| d._01.to_string() == "472")
        .map(|d| format!("DTP*472*{}*{}", d._02, clean(&d._03)))
    {
        out.push(dtp);
    }
    out
}

/// SV101 with `:` between its components whatever the 837's separator was: the caller's
/// file was normalised to `*` and `~` only, its components keep their own separator.
fn clean_composite(composite: &str) -> String {
    composite
        .split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(":")
}

/// One 837 claim as the 277 reports it.
struct Reported<'a> {
    claim: &'a _837Loop2300,
    answer: Answer,
    cents: u128,
}

/// A patient (837 subscriber or patient loop) and its claims.
struct Patient<'a> {
    name: (String, String, String),
    member_id: String,
    claims: Vec<Reported<'a>>,
}

/// A billing provider and its patients.
struct Provider<'a> {
    name: (String, String, String),
    npi: String,
    patients: Vec<Patient<'a>>,
}

/// The 277 set (numbered `number`) answering the 837 set `set`, received in interchange
/// `received` (its ISA13); `answer` gives each claim's answer by its place among the
/// file's claims, counted on from `ordinal`.
fn set_277(
    envelope: &Envelope,
    received: &str,
    set: &_837,
    number: usize,
    ordinal: &mut usize,
    answer: &dyn Fn(usize) -> Answer,
) -> Vec<String> {
    let by_id = |id: &str| set.loop_2000.iter().find(|l| l.hl._01.trim() == id);
    let parent = |hl: &_837Loop2000| by_id(hl.hl._02.as_deref()?.trim());
    let mut providers: Vec<Provider> = Vec::new();
    for hl in set.loop_2000.iter().filter(|l| !l.loop_2300.is_empty()) {
        // The claims are counted in the 837 reader's order, also those left out below.
        let first = *ordinal;
        *ordinal += hl.loop_2300.len();
        // As the 837 reader: the claim's member is the subscriber (HL 22), itself or the
        // patient's (HL 23) parent; the billing provider is the subscriber's parent.
        let subscriber = match hl.hl._03.to_string().as_str() {
            "23" => parent(hl),
            _ => Some(hl),
        };
        let Some(billing) = subscriber.and_then(parent) else {
            continue;
        };
        let billing_name = nm1_2010(billing, "85");
        let billing_npi = billing_name.and_then(npi).unwrap_or_default();
        let member = subscriber.and_then(|s| nm1_2010(s, "IL"));
        let member_id = member
            .and_then(|n| nonempty(&n._09))
            .map(clean)
            .unwrap_or_default();
        // The patient's name: the patient loop's NM1*QC, else the subscriber's.
        let patient_name = nm1_2010(hl, "QC").or(member);
        let claims = hl
            .loop_2300
            .iter()
            .enumerate()
            .map(|(k, claim)| Reported {
                claim,
                answer: answer(first + k),
                cents: cents(claim.clm._02.as_deref().unwrap_or("").trim()).unwrap_or(0),
            })
            .collect();
        let patient = Patient {
            name: patient_name.map(name_of).unwrap_or_default(),
            member_id,
            claims,
        };
        match providers.iter_mut().find(|p| p.npi == billing_npi) {
            Some(provider) => provider.patients.push(patient),
            None => providers.push(Provider {
                name: billing_name.map(name_of).unwrap_or_default(),
                npi: billing_npi,
                patients: vec![patient],
            }),
        }
    }
    let accepted = |r: &Reported| matches!(r.answer, Answer::Accepted { .. });
    let mut all = Tally::default();
    for reported in providers
        .iter()
        .flat_map(|p| &p.patients)
        .flat_map(|p| &p.claims)
    {
        all.add(accepted(reported), reported.cents);
    }
    let date = &envelope.date;
    let submitter = set
        .loop_1000
        .iter()
        .map(|l| &l.nm1)
        .find(|n| n._01.to_string() == "41");
    let (kind, last, first) = submitter.map(name_of).unwrap_or_default();
    let submitter_id = submitter
        .and_then(|n| nonempty(&n._09))
        .map(clean)
        .unwrap_or_default();
    let mut out = vec![
        format!("ST*277*{number:04}*005010X214"),
        format!(
            "BHT*0085*08*{}-{number}*{date}*{}*TH",
            envelope.control, envelope.time
        ),
        "HL*1**20*1".to_string(),
        format!(
            "NM1*PR*2*{}*****PI*{}",
            envelope.payer.name, envelope.payer.id
        ),
        format!("TRN*1*{received}"),
        format!("DTP*050*D8*{date}"),
        format!("DTP*009*D8*{date}"),
        format!("HL*2*1*21*{}", if providers.is_empty() { 0 } else { 1 }),
        format!("NM1*41*{kind}*{last}*{first}****46*{submitter_id}"),
        format!(
            "TRN*2*{}",
            set.bht._03.as_deref().map(clean).unwrap_or_default()
        ),
        format!("STC*A1:19:PR*{date}*WQ*{}", dollars(all.total())),
    ];
    out.extend(all.segments("90", "AA"));
    let mut hl = 2usize;
    for provider in &providers {
        hl += 1;
        let provider_hl = hl;
        let mut tally = Tally::default();
        for reported in provider.patients.iter().flat_map(|p| &p.claims) {
            tally.add(accepted(reported), reported.cents);
        }
        let (kind, last, first) = &provider.name;
        out.push(format!("HL*{provider_hl}*2*19*1"));
        out.push(format!(
            "NM1*85*{kind}*{last}*{first}****XX*{}",
            provider.npi
        ));
        out.push(format!("TRN*1*{}", provider.npi));
        out.push(format!("STC*A1:19:PR**WQ*{}", dollars(tally.total())));
        out.extend(tally.segments("QA", "QC"));
        for patient in &provider.patients {
            hl += 1;
            let (kind, last, first) = &patient.name;
            out.push(format!("HL*{hl}*{provider_hl}*PT"));
            out.push(format!(
                "NM1*QC*{kind}*{last}*{first}****MI*{}",
                patient.member_id
            ));
            for reported in &patient.claims {
                let claim = reported.claim;
                let charge = dollars(reported.cents);
                out.push(format!("TRN*2*{}", clean(&claim.clm._01)));
                let mut lines = Vec::new();
                match &reported.answer {
                    Answer::Accepted { id, refused } => {
                        out.push(stc("A2:20:PR", date, true, Some(&charge), None));
                        for rejection in refused {
                            out.push(stc(
                                rejection.status,
                                date,
                                false,
                                Some(&charge),
                                rejection.second,
                            ));
                        }
                        out.push(format!("REF*1K*{id}"));
                    }
                    Answer::Rejected(rejection) => {
                        out.push(stc(
                            rejection.status,
                            date,
                            false,
                            Some(&charge),
                            rejection.second,
                        ));
                        if let Some(line) = rejection.line {
                            lines = line_loop(claim, usize::from(line), rejection, date);
                        }
                    }
                }
                if let Some(dates) = service_dates(claim) {
                    out.push(format!("DTP*472*{dates}"));
                }
                out.extend(lines);
            }
        }
    }
    out.push(format!("SE*{}*{number:04}", out.len() + 1));
    out
}

/// The 277CA interchange answering the 837 file `raw` sent by `submitter`: one 277 set
/// per 837P transaction set (in the file's interchanges up to the first one the 999
/// rejects), from the payer of `envelope`; `answer` gives each claim's answer by its
/// place among the file's claims (from 0, as the 837 reader counts them). `None` when
/// the file holds no 837P set.
pub fn x277(
    envelope: &Envelope,
    submitter: &str,
    raw: &str,
    answer: &dyn Fn(usize) -> Answer,
) -> Option<String> {
    // Read as the 837 reader reads it: the same interchanges, stopping where it stops.
    let received = crate::x12in::receive(raw).ok()?;
    let mut sets = Vec::new();
    for (isa, transmission) in &received.interchanges {
        for group in &transmission.functional_group {
            for set in &group.segments {
                let answered = is_837p(&group.gs, &set.st);
                sets.push((
                    isa._13.to_string().trim().to_string(),
                    set.clone(),
                    answered,
                ));
            }
        }
    }
    let answered = sets.iter().filter(|(_, _, answered)| *answered).count();
    if answered == 0 {
        return None;
    }
    let mut out = envelope.open(submitter, "HN", "005010X214");
    let mut ordinal = 0;
    let mut number = 0;
    for (received, set, answered) in &sets {
        if *answered {
            number += 1;
            out.extend(set_277(
                envelope,
                received,
                set,
                number,
                &mut ordinal,
                answer,
            ));
        } else {
            // Counted as the 837 reader counts them.
            ordinal += set
                .loop_2000
                .iter()
                .map(|l| l.loop_2300.len())
                .sum::<usize>();
        }
    }
    out.extend(envelope.close(answered));
    Some(crate::remit::segments(out))
}

/// What a 277CA read back says: claims accepted and rejected (2200D), and the same
/// counted by the sets' 2200B QTY segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub accepted: usize,
    pub rejected: usize,
}

/// Reads a 277CA this tool wrote back with x12-types and checks it: each set's 2200B
/// counts and amounts (QTY 90/AA, AMT YU/YY) are those of its claims' STCs, and every
/// accepted claim names its on-chain claim (`REF*1K`). Only for the tool's own output
/// (x12-types' parser does not stop on some malformed 277s).
pub fn check(text: &str) -> Result<Counts, String> {
    let flat: String = text.lines().collect();
    let (_, transmission) = Transmission::<_277>::parse(flat.as_str())
        .map_err(|e| format!("the 277CA does not read back: {e}"))?;
    let mut counts = Counts::default();
    for group in &transmission.functional_group {
        for set in &group.segments {
            let mut tally = Tally::default();
            for claim in set.loop_2000d.iter().flat_map(|d| &d.loop_2200d) {
                let stc = claim.stc.first().ok_or("a claim without STC")?;
                let accepted = stc._01.starts_with("A2:");
                let amount = stc._04.as_deref().and_then(cents).unwrap_or(0);
                tally.add(accepted, amount);
                let named = claim.r#ref.iter().any(|r| r._01.to_string() == "1K");
                if accepted != named {
                    return Err(format!(
                        "claim {:?}: accepted claims (and only they) carry REF*1K",
                        claim.trn.first().map(|t| t._02.clone())
                    ));
                }
            }
            let receiver = set
                .loop_2000b
                .iter()
                .flat_map(|b| &b.loop_2200b)
                .next()
                .ok_or("no 2200B")?;
            let qty = |code: &str| {
                receiver
                    .qty
                    .iter()
                    .find(|q| q._01.to_string() == code)
                    .and_then(|q| q._02.as_deref()?.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let amt = |code: &str| {
                receiver
                    .amt
                    .iter()
                    .find(|a| a._01.to_string() == code)
                    .and_then(|a| cents(&a._02))
                    .unwrap_or(0)
            };
            if (qty("90"), qty("AA"), amt("YU"), amt("YY"))
                != (
                    tally.accepted,
                    tally.rejected,
                    tally.accepted_cents,
                    tally.rejected_cents,
                )
            {
                return Err(format!(
                    "set {}: the 2200B totals do not match its claims",
                    set.st._02
                ));
            }
            counts.accepted += tally.accepted;
            counts.rejected += tally.rejected;
        }
    }
    Ok(counts)
}
