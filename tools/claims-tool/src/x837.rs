//! X12 837P (005010X222A2) files read with the typed 005010 model of the `x12-types`
//! crate: every claim (loop 2300) with its subscriber's member id (2010BA NM1*IL), the
//! billing provider's NPI (2010AA NM1*85), the rendering provider's (2310B / 2420A
//! NM1*82), the HI diagnoses and the SV1 service lines with their DTP*472 dates.
//!
//! `x12-types` reads `*` and `~` only and no CR: the file is first rewritten with its own
//! delimiters (ISA byte 4 and 106) mapped to those, one segment per line, so that a
//! problem's segment number is the segment's place in the file (ISA = 1).

use crate::claim::{cents, Problem, SourceClaim, SourceLine};
use crate::x12in::receive;
use crate::x277::{self, Rejection};
use crate::x837p::{_837Loop2000, _837Loop2300, _837Loop2400, _837};
use std::collections::HashMap;
use x12_types::v005010::{GS, HI, NM1, ST};

/// The file's text with `*` and `~\n` as delimiters.
pub(crate) fn normalize(raw: &str) -> Result<String, String> {
    let text = raw.trim_start_matches('\u{feff}').trim();
    let bytes = text.as_bytes();
    if !text.starts_with("ISA") || bytes.len() < 106 {
        return Err("not an X12 file: it does not start with a 106-character ISA segment".into());
    }
    let (element, terminator) = (char::from(bytes[3]), char::from(bytes[105]));
    let mut out = String::with_capacity(text.len() + text.len() / 40);
    for c in text.chars() {
        if c == terminator {
            out.push_str("~\n");
        } else if c == '\r' || c == '\n' {
        } else if c == element {
            out.push('*');
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// The segment number of the segment at the start of `rest`, a tail of `text`.
pub(crate) fn segment_at(text: &str, rest: &str) -> usize {
    let offset = text.len().saturating_sub(rest.len());
    text.get(..offset)
        .map_or(0, |head| head.matches('~').count())
        + 1
}

pub(crate) fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// NM109 when NM108 is XX (an NPI).
pub(crate) fn npi(name: &NM1) -> Option<String> {
    (name._08.as_ref()?.to_string() == "XX")
        .then(|| nonempty(&name._09).map(str::to_string))
        .flatten()
}

pub(crate) fn nm1_2010<'a>(hl: &'a _837Loop2000, code: &str) -> Option<&'a NM1> {
    hl.loop_2010
        .iter()
        .map(|l| &l.nm1)
        .find(|n| n._01.to_string() == code)
}

fn hi_elements(hi: &HI) -> impl Iterator<Item = &str> + '_ {
    std::iter::once(Some(hi._01.as_str()))
        .chain(
            [
                &hi._02, &hi._03, &hi._04, &hi._05, &hi._06, &hi._07, &hi._08, &hi._09, &hi._10,
                &hi._11, &hi._12,
            ]
            .into_iter()
            .map(|o| o.as_deref()),
        )
        .flatten()
        .filter(|s| !s.is_empty())
}

/// The claims of an 837P file, and what could not be read: a file that is no 837P, or
/// whose segments do not fit the grammar, gives one problem and no claims; a claim with a
/// malformed line (amount, units, date) gives a problem and is left out.
pub fn read(file: &str, raw: &str) -> (Vec<SourceClaim>, Vec<Problem>) {
    let whole_file = |position: usize, reason: String| Problem {
        file: file.to_string(),
        position,
        claim: None,
        reason,
        rejection: None,
        ordinal: None,
    };
    let received = match receive(raw) {
        Ok(received) => received,
        Err(reason) => return (Vec::new(), vec![whole_file(1, reason)]),
    };
    if received.sender.is_none() {
        return (
            Vec::new(),
            vec![whole_file(
                1,
                "ISA06 (the sender) is empty or holds characters X12 cannot carry: no 999 or 277CA could answer the file, so none of it is read".into(),
            )],
        );
    }
    let text = &received.text;
    // The segment numbers of every CLM and SV1, in file order (the walk below visits the
    // claims and lines in the same order).
    let mut clm_positions = Vec::new();
    let mut sv1_positions = Vec::new();
    for (i, segment) in text.split('~').enumerate() {
        let id = segment.trim().split('*').next().unwrap_or("");
        match id {
            "CLM" => clm_positions.push(i + 1),
            "SV1" => sv1_positions.push(i + 1),
            _ => {}
        }
    }
    let mut claims = Vec::new();
    let mut problems = Vec::new();
    let (mut clm_index, mut sv1_index) = (0usize, 0usize);
    for (isa, transmission) in &received.interchanges {
        let separator = isa._16.chars().next().unwrap_or(':');
        for group in &transmission.functional_group {
            for set in &group.segments {
                if !is_837p(&group.gs, &set.st) {
                    // Not read (the 999 rejects the set), its claims counted as the
                    // 277CA counts them.
                    let held: Vec<&_837Loop2300> =
                        set.loop_2000.iter().flat_map(|l| &l.loop_2300).collect();
                    problems.push(whole_file(
                        clm_positions.get(clm_index).copied().unwrap_or(0),
                        format!(
                            "transaction set {} is no 837P (GS08 {}, ST01 {}): not read",
                            set.st._02, group.gs._08, set.st._01
                        ),
                    ));
                    clm_index += held.len();
                    sv1_index += held
                        .iter()
                        .flat_map(|c| &c.loop_2400)
                        .filter(|l| l.sv1.is_some())
                        .count();
                    continue;
                }
                for (claim, problem) in walk(file, set, separator) {
                    let position = clm_positions.get(clm_index).copied().unwrap_or(0);
                    let ordinal = clm_index;
                    clm_index += 1;
                    let lines = claim.lines.len();
                    let line_positions: Vec<usize> = (0..lines)
                        .map(|k| sv1_positions.get(sv1_index + k).copied().unwrap_or(0))
                        .collect();
                    sv1_index += lines;
                    match problem {
                        Some((line, (reason, rejection))) => problems.push(Problem {
                            file: file.to_string(),
                            position: line
                                .and_then(|k| line_positions.get(k).copied())
                                .unwrap_or(position),
                            claim: Some(claim.clm01.clone()),
                            reason,
                            rejection: Some(match line {
                                Some(k) => rejection.at(k),
                                None => rejection,
                            }),
                            ordinal: Some(ordinal),
                        }),
                        None => {
                            let mut claim = claim;
                            claim.position = position;
                            claim.ordinal = ordinal;
                            for (line, at) in claim.lines.iter_mut().zip(line_positions) {
                                line.position = at;
                            }
                            claims.push(claim);
                        }
                    }
                }
            }
        }
    }
    if let Some(stop) = &received.stop {
        problems.push(whole_file(stop.position, stop.reason()));
    }
    (claims, problems)
}

/// Whether a transaction set under this GS is an 837P: GS01 HC, GS08 005010X222...,
/// ST01 837.
pub(crate) fn is_837p(gs: &GS, st: &ST) -> bool {
    gs._01 == "HC" && gs._08.starts_with("005010X222") && st._01 == "837"
}

/// A claim's problem: the index of its faulty line (if a line), the reason and how the
/// 277CA rejects it.
type ClaimProblem = Option<(Option<usize>, (String, Rejection))>;

/// The claims of one transaction set, each with its first problem, if any.
fn walk(file: &str, set: &_837, separator: char) -> Vec<(SourceClaim, ClaimProblem)> {
    let by_id: HashMap<&str, &_837Loop2000> =
        set.loop_2000.iter().map(|l| (l.hl._01.trim(), l)).collect();
    let parent = |hl: &_837Loop2000| -> Option<&_837Loop2000> {
        by_id.get(hl.hl._02.as_deref()?.trim()).copied()
    };
    let mut out = Vec::new();
    for hl in &set.loop_2000 {
        if hl.loop_2300.is_empty() {
            continue;
        }
        // A claim hangs under the subscriber (HL03 22) or under a patient (HL03 23) whose
        // parent is the subscriber; the member is the subscriber (NM1*QC has no id).
        let subscriber = match hl.hl._03.to_string().as_str() {
            "23" => parent(hl),
            _ => Some(hl),
        };
        let billing = subscriber.and_then(parent);
        // Our plan's place in the member's coverage: 2000B SBR01 (P primary, S secondary…).
        let responsibility = subscriber
            .and_then(|s| s.sbr.as_ref())
            .map(|sbr| sbr._01.trim().to_string());
        let member_id = subscriber
            .and_then(|s| nm1_2010(s, "IL"))
            .and_then(|n| nonempty(&n._09))
            .unwrap_or_default()
            .to_string();
        let billing_npi = billing
            .and_then(|b| nm1_2010(b, "85"))
            .and_then(npi)
            .unwrap_or_default();
        for loop_2300 in &hl.loop_2300 {
            out.push(claim_of(
                file,
                loop_2300,
                &member_id,
                &billing_npi,
                responsibility.as_deref(),
                separator,
            ));
        }
    }
    out
}

/// Whether a claim carries another payer's adjudication: in loop 2320 an adjustment
/// (CAS) or an amount paid (AMT*D), not covered (A8) or left to the patient (EAF), a
/// 2330B payer's remittance date (DTP*573), or any line's 2430 (SVD). Its presence, not its
/// value: a zero, negative or malformed prior payment is a prior payment all the same.
fn prior_adjudication(loop_2300: &_837Loop2300) -> bool {
    loop_2300.loop_2320.iter().any(|other| {
        !other.cas.is_empty()
            || other
                .amt
                .iter()
                .any(|amt| matches!(amt._01.to_string().as_str(), "D" | "A8" | "EAF"))
            || other.loop_2330.iter().any(|party| {
                party.nm1._01.to_string() == "PR"
                    && party
                        .dtp
                        .as_ref()
                        .is_some_and(|d| d._01.to_string() == "573")
            })
    }) || loop_2300
        .loop_2400
        .iter()
        .any(|line| !line.loop_2430.is_empty())
}

/// Why a claim is not ours to price as it stands (coordination of benefits is not
/// processed: a secondary claim priced as primary would pay what the other payer paid
/// again): our plan not primary for the member (2000B SBR01 other than `P`, or no SBR),
/// or a claim that says primary but carries another payer's adjudication.
fn coordination(
    responsibility: Option<&str>,
    loop_2300: &_837Loop2300,
) -> Option<(String, Rejection)> {
    match responsibility {
        Some("P") if prior_adjudication(loop_2300) => Some((
            "2000B SBR01 says this plan is primary, but loop 2320/2430 carries another payer's \
             adjudication"
                .to_string(),
            x277::PRIOR_ON_PRIMARY,
        )),
        Some("P") => None,
        other => Some((
            format!(
                "this plan is payer {:?} (2000B SBR01), not primary: coordination of benefits is \
                 not processed",
                other.unwrap_or("none")
            ),
            x277::NOT_PRIMARY,
        )),
    }
}

/// One claim (loop 2300) of `member_id`, billed by `billing_npi`, under a subscriber
/// whose SBR01 is `responsibility`: its SourceClaim, with as many lines as SV1 segments
/// (the caller numbers them in order), and the first problem found in it.
fn claim_of(
    file: &str,
    loop_2300: &_837Loop2300,
    member_id: &str,
    billing_npi: &str,
    responsibility: Option<&str>,
    separator: char,
) -> (SourceClaim, ClaimProblem) {
    let clm = &loop_2300.clm;
    let facility: Vec<&str> = clm._05.as_deref().unwrap_or("").split(separator).collect();
    let place_of_service = facility.first().copied().unwrap_or("").to_string();
    let frequency = facility.get(2).copied().unwrap_or("1").trim().to_string();
    let originals: Vec<&str> = loop_2300
        .r#ref
        .iter()
        .filter(|r| r._01.to_string() == "F8")
        .filter_map(|r| nonempty(&r._02))
        .collect();
    let original = originals.first().map(|id| id.to_string());
    let diagnoses = loop_2300
        .hi
        .iter()
        .flat_map(hi_elements)
        .filter_map(|element| {
            let mut parts = element.split(separator);
            let (qualifier, code) = (parts.next()?, parts.next()?);
            matches!(qualifier, "ABK" | "ABF" | "BK" | "BF")
                .then(|| code.replace('.', "").to_ascii_uppercase())
        })
        .collect();
    let rendering_npi = loop_2300
        .loop_2310
        .iter()
        .map(|l| &l.nm1)
        .find(|n| n._01.to_string() == "82")
        .and_then(npi);
    let claim_date = loop_2300
        .dtp
        .iter()
        .find(|d| d._01.to_string() == "472")
        .map(|d| d._03.split('-').next().unwrap_or("").to_string());
    let mut problem: ClaimProblem = None;
    // A void (8) is not priced: its COB loops do not matter.
    if frequency != "8" {
        problem = coordination(responsibility, loop_2300).map(|reason| (None, reason));
    }
    if originals
        .iter()
        .any(|id| Some(*id) != originals.first().copied())
    {
        // Which claim it corrects would be a guess: none is.
        problem.get_or_insert((
            None,
            (
                format!("REF*F8 names several claims: {}", originals.join(", ")),
                x277::ORIGINAL_NOT_FOUND,
            ),
        ));
    }
    let mut lines = Vec::new();
    for (k, loop_2400) in loop_2300.loop_2400.iter().enumerate() {
        let line = service_line(loop_2400, separator, claim_date.as_deref());
        match line {
            Ok(line) => lines.push(line),
            Err(reason) => {
                problem.get_or_insert((Some(k), reason));
            }
        }
    }
    let claim = SourceClaim {
        file: file.to_string(),
        position: 0,
        ordinal: 0,
        clm01: clm._01.trim().to_string(),
        member_id: member_id.to_string(),
        billing_npi: billing_npi.to_string(),
        rendering_npi,
        place_of_service,
        frequency,
        original,
        diagnoses,
        lines,
    };
    // Count every line of the claim (the caller numbers SV1 segments in order).
    let counted = loop_2300.loop_2400.len();
    let mut claim = claim;
    if claim.lines.len() != counted {
        // Keep the line count equal to the SV1 segments for numbering.
        claim.lines.resize(
            counted,
            SourceLine {
                position: 0,
                procedure: String::new(),
                modifiers: Vec::new(),
                cents: 0,
                units: 0,
                date: String::new(),
                rendering_npi: None,
            },
        );
    }
    (claim, problem)
}

/// One service line (loop 2400): its SV1 (an HC procedure, up to four modifiers, a
/// dollar amount, whole units) and its DTP*472 date, or the claim's (`claim_date`).
fn service_line(
    loop_2400: &_837Loop2400,
    separator: char,
    claim_date: Option<&str>,
) -> Result<SourceLine, (String, Rejection)> {
    let sv1 = loop_2400
        .sv1
        .as_ref()
        .ok_or(("a service line without SV1".to_string(), x277::NO_LINES))?;
    let mut composite = sv1._01.split(separator);
    let qualifier = composite.next().unwrap_or("");
    let procedure = composite.next().unwrap_or("").trim().to_ascii_uppercase();
    let modifiers: Vec<String> = composite
        .take(4)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    let amount = sv1._02.as_deref().unwrap_or("").trim();
    let units = nonempty(&sv1._04).unwrap_or("1");
    let date = loop_2400
        .dtp
        .iter()
        .find(|d| d._01.to_string() == "472")
        .map(|d| d._03.split('-').next().unwrap_or("").to_string())
        .or_else(|| claim_date.map(str::to_string));
    if !matches!(qualifier, "HC" | "") {
        return Err((
            format!("SV101 qualifier {qualifier:?} is not HC"),
            x277::QUALIFIER,
        ));
    }
    let cents = cents(amount).ok_or_else(|| {
        (
            format!("SV102 {amount:?} is no dollar amount"),
            x277::AMOUNT_FORMAT,
        )
    })?;
    let units: u32 = units
        .parse::<f64>()
        .ok()
        .filter(|u| u.fract() == 0.0 && *u >= 1.0 && *u <= f64::from(u32::MAX))
        .map(|u| u as u32)
        .ok_or_else(|| {
            (
                format!("SV104 {units:?} is no whole number of units"),
                x277::UNITS,
            )
        })?;
    let date = date.filter(|d| crate::claim::date_ms(d).is_some()).ok_or((
        "no DTP*472 service date (CCYYMMDD) for the line".to_string(),
        x277::NO_SERVICE_DATE,
    ))?;
    Ok(SourceLine {
        position: 0,
        procedure,
        modifiers,
        cents,
        units,
        date,
        rendering_npi: loop_2400
            .loop_2420
            .iter()
            .map(|l| &l.nm1)
            .find(|n| n._01.to_string() == "82")
            .and_then(npi),
    })
}
