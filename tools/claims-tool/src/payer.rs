//! `PAYER.json`: who the payer is in its remittances (835 loop 1000A and the interchange
//! sender): its name, identifier, address and contacts, as the payer's configuration
//! states them. `demo-setup` writes one for its demo plan; a payer writes its own.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The payer's identity, as its 835s state it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payer {
    /// Its identifier: ISA06 / GS02 (at most 15 characters) and REF*2U.
    pub id: String,
    /// N1*PR: its name.
    pub name: String,
    /// N3: one or two address lines.
    pub address: Vec<String>,
    /// N4: city, two-letter state, ZIP code (5 or 9 digits).
    pub city: String,
    pub state: String,
    pub zip: String,
    /// PER*CX: the contact for claims questions (a name and a telephone number).
    pub claims_contact: Contact,
    /// PER*BL: the technical contact (a name and a telephone number).
    pub technical_contact: Contact,
}

/// A contact: a name and a 10-digit telephone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

/// Characters an X12 element may not carry here: the delimiters the tool writes.
fn clean(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{field} is empty"));
    }
    if value.len() > max {
        return Err(format!("{field} is longer than {max} characters"));
    }
    if value
        .chars()
        .any(|c| matches!(c, '*' | '~' | ':' | '^') || c.is_control())
    {
        return Err(format!(
            "{field} holds an X12 delimiter (* ~ : ^) or a control character"
        ));
    }
    Ok(())
}

impl Payer {
    /// Why this identity cannot be written into an 835, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        let checks = [
            clean("id", &self.id, 15),
            clean("name", &self.name, 60),
            clean("city", &self.city, 30),
            clean("claims_contact.name", &self.claims_contact.name, 60),
            clean("technical_contact.name", &self.technical_contact.name, 60),
        ];
        if let Some(Err(e)) = checks.into_iter().find(Result::is_err) {
            return Some(e);
        }
        if self.address.is_empty() || self.address.len() > 2 {
            return Some("address has one or two lines".into());
        }
        for line in &self.address {
            if let Err(e) = clean("address", line, 55) {
                return Some(e);
            }
        }
        if self.state.len() != 2 || !self.state.chars().all(|c| c.is_ascii_uppercase()) {
            return Some(format!("state {:?} is not a two-letter code", self.state));
        }
        if !(self.zip.len() == 5 || self.zip.len() == 9) || !digits(&self.zip) {
            return Some(format!("zip {:?} is not 5 or 9 digits", self.zip));
        }
        for contact in [&self.claims_contact, &self.technical_contact] {
            if contact.phone.len() != 10 || !digits(&contact.phone) {
                return Some(format!("phone {:?} is not 10 digits", contact.phone));
            }
        }
        None
    }

    /// Reads and checks `path`.
    pub fn read(path: &Path) -> Result<Payer, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let payer: Payer =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        match payer.problem() {
            Some(problem) => Err(format!("{}: {problem}", path.display())),
            None => Ok(payer),
        }
    }

    /// The 835's payer identification loop (1000A): N1, N3, N4, REF*2U, PER*CX, PER*BL.
    pub fn loop_1000a(&self) -> Vec<String> {
        vec![
            format!("N1*PR*{}", self.name),
            format!("N3*{}", self.address.join("*")),
            format!("N4*{}*{}*{}", self.city, self.state, self.zip),
            format!("REF*2U*{}", self.id),
            format!(
                "PER*CX*{}*TE*{}",
                self.claims_contact.name, self.claims_contact.phone
            ),
            format!(
                "PER*BL*{}*TE*{}",
                self.technical_contact.name, self.technical_contact.phone
            ),
        ]
    }

    /// The demo payer `demo-setup` writes for plan `plan`.
    pub fn demo(plan: u32) -> Payer {
        Payer {
            id: format!("DEMOPLAN{plan}"),
            name: format!("DEMO HEALTH PLAN {plan}"),
            address: vec!["1 DEMO PLAZA".into()],
            city: "SPRINGFIELD".into(),
            state: "IL".into(),
            zip: "62701".into(),
            claims_contact: Contact {
                name: "CLAIMS DEPARTMENT".into(),
                phone: "8005550100".into(),
            },
            technical_contact: Contact {
                name: "EDI SUPPORT".into(),
                phone: "8005550199".into(),
            },
        }
    }
}
