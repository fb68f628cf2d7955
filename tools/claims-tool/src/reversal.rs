//! Reversals (835 CLP02 `22`) of remitted denials that a replacement or void corrected.
//!
//! A payer that reprocesses a claim reverses, in its next 835, exactly what an earlier
//! 835 said of it, so that the provider's patient accounting can undo it. The tool keeps
//! every CLP loop it wrote (from the CLP to the segment before the next CLP or the SE), in
//! `OUT/.remitted.json`, by the on-chain claim ids the loop covers (its `REF*F8`s). The
//! reversal of a corrected claim is its recorded loop with CLP02 `22` and every amount and
//! unit count negated (CLP03 to CLP05, SVC02, SVC03, SVC05, the CAS amounts, AMT): the
//! original's CLM01, member, place of service and modifiers as they were remitted.
//!
//! Only a denial remitted alone is reversed: a loop with CLP02 `4` covering that one
//! on-chain claim, which is now voided (by a void, or replaced). A claim never remitted (a
//! void of a claim pending review; an earlier 835 written from another output folder) has
//! nothing to reverse. Nor has a part of an 837 claim that was split over service dates
//! or rendering providers (its CLP summed every part; reversing it would reverse the other
//! parts too): such a correction is answered by the 277CA and the CSV, and the 835 says
//! nothing of the corrected part.

use claims_adjudication::claims_adjudication::{Claim, ClaimStatus};
use std::collections::BTreeMap;
use std::path::Path;

/// The record of the CLP loops written, in the output folder.
const RECORD_FILE: &str = ".remitted.json";

/// One CLP loop as an 835 carried it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Loop {
    /// The on-chain claim ids it covers (its `REF*F8`s).
    pub parts: Vec<u64>,
    /// Its segments, without terminators.
    pub segments: Vec<String>,
}

/// The reversal of a remitted denial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reversal {
    /// The corrected claim as the chain holds it now (voided).
    pub claim: Claim,
    /// The CLP loop reversing it.
    pub segments: Vec<String>,
}

/// Every CLP loop written from an output folder, by the on-chain claim ids it covers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Remittances {
    loops: BTreeMap<u64, Loop>,
}

impl Remittances {
    /// The record kept in `out` (none yet: empty).
    pub fn load(out: &Path) -> Result<Self, String> {
        let path = out.join(RECORD_FILE);
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
            Ok(text) => serde_json::from_str(&text)
                .map(|loops| Remittances { loops })
                .map_err(|e| format!("{}: {e}", path.display())),
        }
    }

    /// Writes the record into `out`.
    pub fn save(&self, out: &Path) -> Result<(), String> {
        let text = serde_json::to_string(&self.loops).map_err(|e| e.to_string())?;
        suite_client::write_atomically(&out.join(RECORD_FILE), text.as_bytes())
            .map_err(|e| format!("{}: {e}", out.join(RECORD_FILE).display()))
    }

    /// Records the CLP loops of an 835 about to be sent (reversals are not recorded: they
    /// are never reversed).
    pub fn record(&mut self, x835: &str) {
        for found in loops(x835) {
            if clp_status(&found) == Some("22") {
                continue;
            }
            for part in &found.parts {
                self.loops.insert(*part, found.clone());
            }
        }
    }

    /// The reversal of `original`, a claim a replacement or void corrected, if an 835 of
    /// this folder remitted it alone as denied.
    pub fn reversal_of(&self, original: &Claim) -> Option<Reversal> {
        if original.status != ClaimStatus::Voided {
            return None;
        }
        let remitted = self.loops.get(&original.id)?;
        (remitted.parts == [original.id] && clp_status(remitted) == Some("4")).then(|| Reversal {
            claim: original.clone(),
            segments: remitted.segments.iter().map(|s| negated(s)).collect(),
        })
    }
}

/// CLP02 of a loop.
fn clp_status(found: &Loop) -> Option<&str> {
    found.segments.first()?.split('*').nth(2)
}

/// The CLP loops of an 835's text.
fn loops(x835: &str) -> Vec<Loop> {
    let mut out: Vec<Loop> = Vec::new();
    let mut current: Option<Loop> = None;
    for segment in x835.split('~').map(str::trim).filter(|s| !s.is_empty()) {
        let id = segment.split('*').next().unwrap_or("");
        if matches!(id, "CLP" | "SE" | "PLB") {
            out.extend(current.take());
        }
        if id == "CLP" {
            current = Some(Loop {
                parts: Vec::new(),
                segments: Vec::new(),
            });
        }
        if let Some(found) = current.as_mut() {
            if let Some(part) = segment
                .strip_prefix("REF*F8*")
                .and_then(|id| id.parse().ok())
            {
                found.parts.push(part);
            }
            found.segments.push(segment.to_string());
        }
    }
    out.extend(current);
    out
}

/// `value` negated as X12 writes it (a leading minus; zero stays as it is).
fn negate(value: &str) -> String {
    if value.is_empty() || crate::remit::fixed(value) == Some(0) {
        value.to_string()
    } else if let Some(magnitude) = value.strip_prefix('-') {
        magnitude.to_string()
    } else {
        format!("-{value}")
    }
}

/// A segment of a CLP loop as its reversal states it.
fn negated(segment: &str) -> String {
    let mut elements: Vec<String> = segment.split('*').map(str::to_string).collect();
    let (status, amounts): (Option<usize>, &[usize]) = match elements[0].as_str() {
        "CLP" => (Some(2), &[3, 4, 5]),
        "SVC" => (None, &[2, 3, 5]),
        "CAS" => (None, &[3, 6, 9, 12, 15, 18]),
        "AMT" => (None, &[2]),
        _ => (None, &[]),
    };
    if let Some(element) = status.and_then(|i| elements.get_mut(i)) {
        *element = "22".into();
    }
    for i in amounts {
        if let Some(element) = elements.get_mut(*i) {
            *element = negate(element);
        }
    }
    elements.join("*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_negated_amounts_and_units_only() {
        assert_eq!(
            negated("CLP*PCN-1*4*270.50*0.00*0.00*12*2*11*1"),
            "CLP*PCN-1*22*-270.50*0.00*0.00*12*2*11*1"
        );
        assert_eq!(
            negated("SVC*HC:99214:25*185.00*0.00**1"),
            "SVC*HC:99214:25*-185.00*0.00**-1"
        );
        assert_eq!(
            negated("CAS*PR*3*20.00**2*16.00"),
            "CAS*PR*3*-20.00**2*-16.00"
        );
        assert_eq!(negated("AMT*B6*100.00"), "AMT*B6*-100.00");
        assert_eq!(negated("DTM*472*20261111"), "DTM*472*20261111");
        assert_eq!(
            negated("NM1*QC*1******MI*TMB1001"),
            "NM1*QC*1******MI*TMB1001"
        );
        assert_eq!(negate("-5.00"), "5.00");
        assert_eq!(negate("0"), "0");
    }
}
