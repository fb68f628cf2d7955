//! `PARTNERS.csv`: the payer's trading partners and the providers each may send claims
//! for. Header `sender,npi`; one row per (partner, NPI): `sender` is the partner's
//! interchange sender id (its ISA06 as sent, without the padding), `npi` a provider it
//! sends for: a billing provider, or a rendering provider of a group it bills for.
//!
//! Why: the tool submits as the payer, which the contract lets it do for every provider
//! that named the payer its relay (`set_corrector`). Whoever could drop an 837 in the
//! payer's intake would otherwise speak for all of them: submit claims in their name, or
//! void and replace their pending claims (CLM05-3 8 and 7). So the payer's intake, which
//! authenticates each connection (an SFTP account, an AS2 certificate, one intake folder
//! per partner), runs the tool with `--sender`, the partner it authenticated; the tool
//! never takes a file's word for who sent it:
//!
//! * an interchange whose ISA06 is not that partner's is refused whole, nothing of its
//!   file read, and answered with a **TA1** (`R`, note code 006 "Invalid Interchange
//!   Sender ID") instead of a 999;
//! * a claim naming a provider (billing, the claim's rendering provider or a line's)
//!   that is not that partner's in `PARTNERS.csv` is not sent and its 277CA rejects it:
//!   `A3:496:85` (496 "Submitter not approved for electronic claim submissions on behalf
//!   of this entity", the billing provider) or `A3:496:82` (a rendering provider).

use crate::claim::{Problem, SourceClaim};
use crate::directory::Directory;
use crate::remit::Envelope;
use crate::x12in::Header;
use crate::x277::{self, Rejection};
use healthcare_traits::credentials::is_valid_npi;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The trading partners and the NPIs each may send for.
#[derive(Debug, Default, Clone)]
pub struct Partners {
    providers: BTreeMap<String, BTreeSet<String>>,
}

#[derive(serde::Deserialize)]
struct Row {
    sender: String,
    npi: String,
}

/// Whether X12 can carry `id` as a sender id (ISA06: 1 to 15 characters of the basic
/// set, none of the tool's delimiters).
fn is_sender_id(id: &str) -> bool {
    (1..=15).contains(&id.len())
        && id
            .chars()
            .all(|c| (c.is_ascii_graphic() || c == ' ') && !matches!(c, '*' | '~' | ':' | '^'))
}

impl Partners {
    /// Reads `path`; every row is checked (sender id X12 can carry, NPI check digit).
    pub fn load(path: &Path) -> Result<Self, String> {
        let mut partners = Partners::default();
        for (line, row) in crate::directory::csv_rows::<Row>(path, &["sender", "npi"])? {
            partners
                .add(&row.sender, &row.npi)
                .map_err(|e| format!("{} line {line}: {e}", path.display()))?;
        }
        Ok(partners)
    }

    /// Lets `sender` send claims for `npi`.
    pub fn add(&mut self, sender: &str, npi: &str) -> Result<(), String> {
        let (sender, npi) = (sender.trim(), npi.trim());
        if !is_sender_id(sender) {
            return Err(format!(
                "sender {sender:?} is no interchange sender id (1 to 15 characters X12 can carry)"
            ));
        }
        if !is_valid_npi(npi.as_bytes()) {
            return Err(format!(
                "{npi:?} is no NPI (ten digits with a valid check digit)"
            ));
        }
        self.providers
            .entry(sender.to_string())
            .or_default()
            .insert(npi.to_string());
        Ok(())
    }

    /// Whether `sender` is a trading partner (sends for some provider).
    pub fn knows(&self, sender: &str) -> bool {
        self.providers.contains_key(sender)
    }

    /// Whether `sender` may send claims for `npi`.
    pub fn may_send(&self, sender: &str, npi: &str) -> bool {
        self.providers
            .get(sender)
            .is_some_and(|npis| npis.contains(npi))
    }

    /// Whether `sender` may name `npi` in a claim: an NPI of its own, or no NPI at all (a
    /// bad check digit: not a provider of anyone's, rejected as such, `A7:562`, by
    /// [`crate::claim::prepare`], and in no directory).
    fn may_name(&self, sender: &str, npi: &str) -> bool {
        !is_valid_npi(npi.as_bytes()) || self.may_send(sender, npi)
    }

    /// Checks that every provider account is spoken for by one trading partner at most:
    /// the contract knows a claim's provider by its account, not by the NPI or the
    /// partner it came through, so a partner allowed to send for one NPI of an account
    /// could otherwise replace or void the claims another partner sent for the same
    /// account (an NPI listed under two partners, or two NPIs of one account, say an
    /// individual's and its practice's, under two partners). A provider that moves to
    /// another clearinghouse moves its rows.
    pub fn check_exclusive(&self, directory: &Directory) -> Result<(), String> {
        let mut spoken_for: BTreeMap<[u8; 32], (&str, &str)> = BTreeMap::new();
        let accounts: BTreeMap<&str, [u8; 32]> = directory
            .providers()
            .map(|(npi, account)| (npi, *account.as_ref()))
            .collect();
        for (sender, npis) in &self.providers {
            for npi in npis {
                let Some(account) = accounts.get(npi.as_str()) else {
                    continue;
                };
                match spoken_for.get(account) {
                    Some((other, other_npi)) if *other != sender.as_str() => {
                        return Err(format!(
                            "the provider account of NPI {npi} ({sender}) and NPI {other_npi} ({other}) is listed under two trading partners: the contract tells claims apart by account, so each provider's claims must come through one partner (a provider that changes clearinghouse moves its rows)"
                        ));
                    }
                    Some(_) => {}
                    None => {
                        spoken_for.insert(*account, (sender.as_str(), npi.as_str()));
                    }
                }
            }
        }
        Ok(())
    }

    /// The file's rows, for writing it.
    pub fn to_csv(&self) -> String {
        let mut rows = vec!["sender,npi".to_string()];
        for (sender, npis) in &self.providers {
            rows.extend(npis.iter().map(|npi| format!("{sender},{npi}")));
        }
        rows.join("\n") + "\n"
    }
}

/// Why `sender` may not send `claim`: the first provider it names (billing, the claim's
/// rendering provider, then each line's) that is not `sender`'s, as a problem its 277CA
/// answers. Checked before anything else of the claim, so that a stranger's claims learn
/// nothing (a member id's existence, say) from their rejections.
// A problem carries its file, place, claim, reason and 277CA status: returned once per
// claim refused, so its size costs nothing worth a box.
#[allow(clippy::result_large_err)]
pub fn authorize(claim: &SourceClaim, sender: &str, partners: &Partners) -> Result<(), Problem> {
    let refuse = |npi: &str, position: usize, rejection: Rejection, role: &str| {
        Problem {
        file: claim.file.clone(),
        position,
        claim: Some(claim.clm01.clone()),
        reason: format!(
            "{role} NPI {npi} is not a provider the trading partner {sender:?} may send claims for (PARTNERS.csv)"
        ),
        rejection: Some(rejection),
        ordinal: Some(claim.ordinal),
    }
    };
    if !partners.may_name(sender, &claim.billing_npi) {
        return Err(refuse(
            &claim.billing_npi,
            claim.position,
            x277::PARTNER_BILLING,
            "billing provider",
        ));
    }
    if let Some(npi) = &claim.rendering_npi {
        if !partners.may_name(sender, npi) {
            return Err(refuse(
                npi,
                claim.position,
                x277::PARTNER_RENDERING,
                "rendering provider",
            ));
        }
    }
    for (k, line) in claim.lines.iter().enumerate() {
        if let Some(npi) = &line.rendering_npi {
            if !partners.may_name(sender, npi) {
                return Err(refuse(
                    npi,
                    line.position,
                    x277::PARTNER_RENDERING.at(k),
                    "the line's rendering provider",
                ));
            }
        }
    }
    Ok(())
}

/// The interchanges of a file that `sender` did not send (their ISA06 is another's).
pub fn foreign<'a>(headers: &'a [Header], sender: &str) -> Vec<&'a Header> {
    headers.iter().filter(|h| h.sender != sender).collect()
}

/// The TA1 interchange refusing `refused` (each: `R`, note code 006, "Invalid Interchange
/// Sender ID"), from the payer of `envelope` to `receiver`, the partner that sent them.
pub fn ta1(envelope: &Envelope, receiver: &str, refused: &[&Header]) -> String {
    let mut out = vec![envelope.isa(receiver)];
    for header in refused {
        out.push(format!(
            "TA1*{}*{}*{}*R*006",
            header.control, header.date, header.time
        ));
    }
    // No functional group: a TA1 stands in the interchange envelope alone.
    out.push(format!("IEA*0*{:09}", envelope.control));
    crate::remit::segments(out)
}

/// Reads a TA1 interchange back: its ISA with x12-types, then each TA1 (five elements:
/// a nine-digit control number, a six-digit date, a four-digit time, `A`, `E` or `R`, a
/// three-digit note code) and the IEA closing it with no group. Returns the TA1s read.
pub fn check_ta1(text: &str) -> Result<usize, String> {
    use x12_types::util::Parser as _;
    let flat: String = text.lines().collect();
    let (rest, isa) = x12_types::v005010::ISA::parse(flat.as_str())
        .map_err(|e| format!("the TA1's ISA does not read back: {e}"))?;
    let segments: Vec<&str> = rest.split('~').filter(|s| !s.is_empty()).collect();
    let Some((iea, ta1s)) = segments.split_last() else {
        return Err("the TA1 interchange has no IEA".into());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    for ta1 in ta1s {
        let e: Vec<&str> = ta1.split('*').collect();
        let well_formed = e.len() == 6
            && e[0] == "TA1"
            && digits(e[1], 9)
            && digits(e[2], 6)
            && digits(e[3], 4)
            && matches!(e[4], "A" | "E" | "R")
            && digits(e[5], 3);
        if !well_formed {
            return Err(format!("not a well-formed TA1 segment: {ta1}"));
        }
    }
    if ta1s.is_empty() || *iea != format!("IEA*0*{}", isa._13) {
        return Err(format!(
            "the TA1 interchange does not close with IEA*0*{}: {iea}",
            isa._13
        ));
    }
    Ok(ta1s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12in::headers;

    const CLINIC_A: &str = "1234567893";
    const CLINIC_B: &str = "1987654328";

    fn sample(name: &str) -> (String, String) {
        let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("sample file");
        (name.to_string(), text)
    }

    fn claims(name: &str) -> Vec<SourceClaim> {
        let (file, text) = sample(name);
        let (claims, problems) = crate::x837::read(&file, &text);
        assert!(!claims.is_empty(), "{problems:?}");
        claims
    }

    fn partners(rows: &[(&str, &str)]) -> Partners {
        let mut partners = Partners::default();
        for (sender, npi) in rows {
            partners.add(sender, npi).expect("a valid row");
        }
        partners
    }

    fn rejection(result: Result<(), Problem>) -> (&'static str, Option<u16>) {
        let problem = result.expect_err("refused");
        let rejection = problem.rejection.expect("a 277CA rejection");
        (rejection.status, rejection.line)
    }

    #[test]
    fn a_partner_may_send_claims_only_for_its_own_billing_providers() {
        // A partner of clinic B's sends clinic A's claims (new ones, or a void of one of
        // clinic A's pending claims): none is sent, each is rejected A3:496:85.
        let intruder = partners(&[("TESTSUBMIT", CLINIC_B)]);
        for claim in claims("denied.837") {
            assert_eq!(claim.billing_npi, CLINIC_A);
            let problem = authorize(&claim, "TESTSUBMIT", &intruder).expect_err("refused");
            assert_eq!(problem.claim.as_deref(), Some(claim.clm01.as_str()));
            assert_eq!(problem.ordinal, Some(claim.ordinal));
            assert!(problem.reason.contains(CLINIC_A), "{}", problem.reason);
            assert_eq!(
                rejection(Err(problem)),
                ("A3:496:85", None),
                "{}",
                claim.clm01
            );
        }
        // Clinic A's own partner sends them, and no other partner's row lets it send
        // clinic B's.
        let both = partners(&[("TESTSUBMIT", CLINIC_A), ("OTHER", CLINIC_B)]);
        for claim in claims("denied.837") {
            assert_eq!(authorize(&claim, "TESTSUBMIT", &both), Ok(()));
            assert!(authorize(&claim, "OTHER", &both).is_err());
        }
        assert!(authorize(&claims("clinic-b.837")[0], "TESTSUBMIT", &both).is_err());
    }

    #[test]
    fn a_partner_may_not_name_another_providers_npi_as_rendering_provider() {
        // The claim is paid to its rendering provider's account: a partner sending for
        // clinic A only may not bill through clinic A a claim rendered by clinic B's.
        let only_a = partners(&[("TESTSUBMIT", CLINIC_A)]);
        let clinic_a = claims("clinic-a.837");
        let rendered = clinic_a
            .iter()
            .find(|c| c.rendering_npi.as_deref() == Some(CLINIC_B))
            .expect("a claim with a rendering provider");
        assert_eq!(
            rejection(authorize(rendered, "TESTSUBMIT", &only_a)),
            ("A3:496:82", None)
        );
        // A line's rendering provider (loop 2420A) is checked too, and named by its line.
        let mut line_rendered = clinic_a
            .iter()
            .find(|c| c.rendering_npi.is_none() && c.lines.len() > 1)
            .expect("a claim of several lines")
            .clone();
        line_rendered.lines[1].rendering_npi = Some(CLINIC_B.into());
        assert_eq!(
            rejection(authorize(&line_rendered, "TESTSUBMIT", &only_a)),
            ("A3:496:82", Some(1))
        );
        // An NPI with a bad check digit is nobody's: left to the claim's own check
        // (A7:562), which the partner check must not hide.
        let mut malformed = line_rendered.clone();
        malformed.lines[1].rendering_npi = Some("1678901235".into());
        assert_eq!(authorize(&malformed, "TESTSUBMIT", &only_a), Ok(()));
        let both = partners(&[("TESTSUBMIT", CLINIC_A), ("TESTSUBMIT", CLINIC_B)]);
        for claim in clinic_a.iter().chain([&line_rendered]) {
            assert_eq!(
                authorize(claim, "TESTSUBMIT", &both),
                Ok(()),
                "{}",
                claim.clm01
            );
        }
    }

    #[test]
    fn an_interchange_of_another_sender_is_refused_with_a_ta1_that_reads_back() {
        let (_, text) = sample("clinic-b.837");
        let all = headers(&text);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].sender, "TESTSUBMIT");
        assert!(foreign(&all, "TESTSUBMIT").is_empty());
        // A file sent through another partner's connection, naming TESTSUBMIT.
        let refused = foreign(&all, "OTHER");
        assert_eq!(refused.len(), 1);
        let envelope = crate::tests::ack_envelope();
        let ta1 = ta1(&envelope, "OTHER", &refused);
        assert_eq!(check_ta1(&ta1), Ok(1));
        let lines: Vec<&str> = ta1.lines().collect();
        assert_eq!(lines.len(), 3, "{ta1}");
        assert!(lines[0].contains("*ZZ*OTHER          *"), "{ta1}");
        assert_eq!(
            lines[1],
            format!(
                "TA1*{}*{}*{}*R*006~",
                all[0].control, all[0].date, all[0].time
            )
        );
        assert_eq!(lines[2], "IEA*0*000000007~");
        // Every interchange of a file is a header, whether it reads or not; no X12, none.
        let two = format!("{text}{}", text.replace("000000208", "000000209"));
        assert_eq!(headers(&two).len(), 2);
        assert!(headers("This is not an X12 file.").is_empty());
        // The check refuses what is not a TA1 interchange.
        assert!(check_ta1(&ta1.replace("*R*006", "*X*006")).is_err());
        assert!(check_ta1(&ta1.replace("IEA*0*", "IEA*1*")).is_err());
        assert!(check_ta1(&ta1.replace("*R*006~", "*R~")).is_err());
    }

    #[test]
    fn a_provider_account_is_spoken_for_by_one_partner_only() {
        use ink::primitives::AccountId;
        let mut directory = Directory::default();
        directory.add_provider(CLINIC_A, AccountId::from([1; 32]));
        directory.add_provider(CLINIC_B, AccountId::from([2; 32]));
        // Each partner its own provider: fine; one partner both: fine.
        let own = partners(&[("A-SIDE", CLINIC_A), ("B-SIDE", CLINIC_B)]);
        assert_eq!(own.check_exclusive(&directory), Ok(()));
        let both = partners(&[("ONE", CLINIC_A), ("ONE", CLINIC_B)]);
        assert_eq!(both.check_exclusive(&directory), Ok(()));
        // One NPI under two partners: the second could void the first's claims.
        let shared = partners(&[("A-SIDE", CLINIC_A), ("B-SIDE", CLINIC_A)]);
        let refused = shared.check_exclusive(&directory).expect_err("shared NPI");
        assert!(
            refused.contains(CLINIC_A) && refused.contains("two trading partners"),
            "{refused}"
        );
        // Two NPIs of one account (an individual's and its practice's) under two partners.
        directory.add_provider(CLINIC_B, AccountId::from([1; 32]));
        assert!(own.check_exclusive(&directory).is_err());
        // An NPI in no directory row has no account to share.
        assert_eq!(shared.check_exclusive(&Directory::default()), Ok(()));
    }

    #[test]
    fn partner_rows_are_checked_and_written_back() {
        let dir = std::env::temp_dir().join(format!("partners-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("PARTNERS.csv");
        let load = |text: &str| {
            std::fs::write(&path, text).expect("write");
            Partners::load(&path)
        };
        let good =
            load("sender,npi\nTESTSUBMIT,1234567893\nCLEARHOUSE 7,1987654328\n").expect("loads");
        assert!(good.knows("TESTSUBMIT") && good.knows("CLEARHOUSE 7"));
        assert!(!good.knows("NOBODY"));
        assert!(good.may_send("CLEARHOUSE 7", CLINIC_B));
        assert!(!good.may_send("CLEARHOUSE 7", CLINIC_A));
        assert_eq!(
            load(&good.to_csv()).expect("round trip").to_csv(),
            good.to_csv()
        );
        let bad_npi = load("sender,npi\nTESTSUBMIT,1234567890\n").expect_err("bad check digit");
        assert!(
            bad_npi.contains("line 2") && bad_npi.contains("NPI"),
            "{bad_npi}"
        );
        let long = load("sender,npi\nA-SENDER-ID-TOO-LONG,1234567893\n").expect_err("too long");
        assert!(long.contains("sender"), "{long}");
        assert!(load("sender,npi\nA*B,1234567893\n").is_err());
        assert!(load("npi,sender\n1234567893,TESTSUBMIT\n").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
