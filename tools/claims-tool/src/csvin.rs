//! The CSV form of claims: one row per service line, header
//! `claim_ref,member_id,provider_npi,service_date,place_of_service,procedure,modifiers,amount,units,diagnoses`
//! (`service_date` YYYY-MM-DD, `amount` in dollars, `modifiers` and `diagnoses`
//! `|`-separated). Rows with the same `claim_ref` are one claim; `provider_npi` is both
//! the billing and the rendering provider.

use crate::claim::{cents, Problem, SourceClaim, SourceLine};

#[derive(serde::Deserialize)]
struct Row {
    claim_ref: String,
    member_id: String,
    provider_npi: String,
    service_date: String,
    place_of_service: String,
    procedure: String,
    modifiers: String,
    amount: String,
    units: String,
    diagnoses: String,
}

/// The claims of a CSV file, and the rows that could not be read.
pub fn read(file: &str, text: &str) -> (Vec<SourceClaim>, Vec<Problem>) {
    let mut claims: Vec<SourceClaim> = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut broken: Vec<String> = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let position = i + 2;
        let problem = |claim: Option<String>, reason: String| Problem {
            file: file.to_string(),
            position,
            claim,
            reason,
            // No 277CA answers a CSV file.
            rejection: None,
            ordinal: None,
        };
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.push(problem(None, format!("not a claim row: {e}")));
                continue;
            }
        };
        let reference = row.claim_ref.trim().to_string();
        if broken.contains(&reference) {
            continue;
        }
        let date = row.service_date.trim().replace('-', "");
        let line = (|| -> Result<SourceLine, String> {
            // What goes into the 835 as written: X12's characters only, no delimiter.
            for (name, value, most) in [
                ("claim_ref", row.claim_ref.as_str(), 38),
                ("member_id", row.member_id.as_str(), 80),
                ("provider_npi", row.provider_npi.as_str(), 80),
                ("place_of_service", row.place_of_service.as_str(), 2),
                ("procedure", row.procedure.as_str(), 48),
                ("modifiers", row.modifiers.as_str(), 48),
            ] {
                x12_text(name, value.trim(), most)?;
            }
            if date.len() != 8 || crate::claim::date_ms(&date).is_none() {
                return Err(format!(
                    "service date {:?} is no YYYY-MM-DD date",
                    row.service_date
                ));
            }
            Ok(SourceLine {
                position,
                procedure: row.procedure.trim().to_ascii_uppercase(),
                modifiers: split(&row.modifiers),
                cents: cents(row.amount.trim())
                    .ok_or_else(|| format!("amount {:?} is no dollar amount", row.amount))?,
                units: row
                    .units
                    .trim()
                    .parse()
                    .map_err(|_| format!("units {:?} is no whole number", row.units))?,
                date: date.clone(),
                rendering_npi: None,
            })
        })();
        let line = match line {
            Ok(line) => line,
            Err(reason) => {
                problems.push(problem(Some(reference.clone()), reason));
                claims.retain(|c| c.clm01 != reference);
                broken.push(reference);
                continue;
            }
        };
        match claims.iter_mut().find(|c| c.clm01 == reference) {
            Some(claim) => claim.lines.push(line),
            None => claims.push(SourceClaim {
                file: file.to_string(),
                position,
                ordinal: claims.len(),
                clm01: reference,
                member_id: row.member_id.trim().to_string(),
                billing_npi: row.provider_npi.trim().to_string(),
                rendering_npi: None,
                place_of_service: row.place_of_service.trim().to_string(),
                // The CSV form carries original claims only.
                frequency: "1".into(),
                original: None,
                diagnoses: split(&row.diagnoses),
                lines: vec![line],
            }),
        }
    }
    (claims, problems)
}

/// `value` as an X12 element of at most `most` characters: ASCII letters, digits, space
/// and punctuation, none of the delimiters the tool writes (`*`, `~`, `:`, `^`; `|`
/// separates the CSV's lists).
fn x12_text(name: &str, value: &str, most: usize) -> Result<(), String> {
    let bad = value
        .chars()
        .find(|c| !(c.is_ascii_graphic() || *c == ' ') || matches!(c, '*' | '~' | ':' | '^'));
    if let Some(c) = bad {
        return Err(format!(
            "{name} {value:?} holds {c:?}, which X12 cannot carry"
        ));
    }
    if value.chars().count() > most {
        return Err(format!("{name} {value:?} is longer than {most} characters"));
    }
    Ok(())
}

fn split(text: &str) -> Vec<String> {
    text.split('|')
        .map(|s| s.trim().replace('.', "").to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}
