//! The remittance of an input file: an X12 835 (005010X221A1) and a CSV with one row per
//! service line, from the claims as the chain adjudicated them.
//!
//! One CLP per 837 claim (CLM): when its lines had several service dates it became one
//! on-chain claim per date, and the CLP adds them up (CLP07 names the first on-chain
//! claim id, REF*F8 each of them). A CLP is written only when every on-chain part is
//! final: paid (CLP02 `1`, also when the payer's share is 0) or denied (CLP02 `4`); a claim
//! pending review, under appeal, or approved but not yet paid (escrow short, transfer
//! failed) is listed in the CSV with its status and left out of the 835 until it is paid
//! or denied. Every CAS group code is the contract's: CO (contractual obligation) or PR
//! (patient responsibility). A denial that a replacement or void (CLM05-3 7 or 8)
//! corrected is reversed first, from the CLP loop an earlier 835 carried
//! ([`crate::reversal`]): status `22`, its amounts and units negated (it paid nothing, so
//! a reversal takes nothing back: a $0 reversal).
//! Before anything is written the file is checked to balance:
//! per line `SVC02 − SVC03 = Σ CAS`, per claim `CLP03 − CLP04 = Σ CAS` and
//! `CLP05 = Σ PR`, and `BPR02 = Σ CLP04`.

use crate::claim::{Amounts, SourceClaim};
use crate::payer::Payer;
use claims_adjudication::claims_adjudication::{Claim, ClaimStatus, Group, LineResult};

/// One 837 claim with what the chain made of it.
#[derive(Debug, Clone)]
pub struct Remitted<'a> {
    /// The claim as read.
    pub source: &'a SourceClaim,
    /// Its on-chain parts (one per service date), in date order; empty when it was
    /// skipped.
    pub parts: Vec<Claim>,
    /// The remitted denials it replaced or voided: each reversed in the 835 (CLP02 `22`)
    /// before the claim's own CLP.
    pub reversed: Vec<crate::reversal::Reversal>,
}

impl Remitted<'_> {
    /// Whether the 835 says anything of it: its parts are final, or it reverses a denial.
    pub fn remitted(&self) -> bool {
        clp_status(&self.parts).is_some() || !self.reversed.is_empty()
    }
}

/// The sender and receiver of the 835 and its date.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The payer: ISA06 / GS02 (its id) and loop 1000A.
    pub payer: Payer,
    /// ISA13 / GS06 control number.
    pub control: u32,
    /// CCYYMMDD.
    pub date: String,
    /// HHMM.
    pub time: String,
}

fn group_code(group: Group) -> &'static str {
    match group {
        Group::ContractualObligation => "CO",
        Group::PatientResponsibility => "PR",
        Group::OtherAdjustment => "OA",
    }
}

/// The 835 status of a claim's parts: `Some("1")` paid, `Some("4")` denied, `None` not
/// final.
pub fn clp_status(parts: &[Claim]) -> Option<&'static str> {
    if parts.is_empty() {
        return None;
    }
    if parts
        .iter()
        .any(|c| !matches!(c.status, ClaimStatus::Paid | ClaimStatus::Denied))
    {
        return None;
    }
    if parts.iter().all(|c| c.status == ClaimStatus::Denied) {
        Some("4")
    } else {
        Some("1")
    }
}

/// The 835 of `claims`, checked to balance.
pub fn x835(envelope: &Envelope, amounts: &Amounts, claims: &[Remitted]) -> Result<String, String> {
    let final_claims: Vec<&Remitted> = claims.iter().filter(|c| c.remitted()).collect();
    let total_paid: u128 = final_claims
        .iter()
        .flat_map(|c| c.parts.iter())
        .filter(|c| c.status == ClaimStatus::Paid)
        .map(|c| c.payer_amount)
        .sum();
    let payee = final_claims
        .first()
        .map(|c| c.source.billing_npi.clone())
        .unwrap_or_default();
    let mut body = payment_header(envelope, amounts, total_paid, &payee);
    let mut sum_clp_paid: u128 = 0;
    for claim in &final_claims {
        // A reversal of a denial pays nothing back (its CLP04 is 0).
        for reversal in &claim.reversed {
            body.extend(reversal.segments.iter().cloned());
        }
        if clp_status(&claim.parts).is_some() {
            sum_clp_paid += claim_payment(claim, amounts, &mut body)?;
        }
    }
    if sum_clp_paid != total_paid {
        return Err("BPR02 differs from the sum of CLP04".into());
    }
    Ok(interchange(envelope, &payee, body))
}

/// The 835's header: the payment (BPR, paid `total_paid`), its trace (TRN), the
/// production date, the payer and the payee, and the first (only) LX.
fn payment_header(
    envelope: &Envelope,
    amounts: &Amounts,
    total_paid: u128,
    payee: &str,
) -> Vec<String> {
    let handling = if total_paid > 0 { "I" } else { "H" };
    vec![
        format!(
            "BPR*{handling}*{}*C*NON************{}",
            amounts.dollars(total_paid),
            envelope.date
        ),
        format!("TRN*1*{}-{}*1000000000", envelope.date, envelope.control),
        format!("DTM*405*{}", envelope.date),
    ]
    .into_iter()
    .chain(envelope.payer.loop_1000a())
    .chain([format!("N1*PE*BILLING PROVIDER*XX*{payee}"), "LX*1".into()])
    .collect()
}

/// Appends one claim's CLP loop (its parts' references and service lines) to `body`,
/// checked to balance; returns what it paid (CLP04).
fn claim_payment(
    claim: &Remitted,
    amounts: &Amounts,
    body: &mut Vec<String>,
) -> Result<u128, String> {
    let money = |units: u128| amounts.dollars(units);
    let source = claim.source;
    let status = clp_status(&claim.parts).unwrap_or("4");
    let billed: u128 = claim.parts.iter().map(|c| c.billed).sum();
    let paid: u128 = claim
        .parts
        .iter()
        .filter(|c| c.status == ClaimStatus::Paid)
        .map(|c| c.payer_amount)
        .sum();
    let patient: u128 = claim
        .parts
        .iter()
        .filter(|c| c.status == ClaimStatus::Paid)
        .map(|c| c.member_amount)
        .sum();
    let first = claim.parts.first().map(|c| c.id).unwrap_or_default();
    body.push(format!(
        "CLP*{}*{status}*{}*{}*{}*12*{first}*{}*1",
        source.clm01,
        money(billed),
        money(paid),
        money(patient),
        source.place_of_service
    ));
    body.push(format!("NM1*QC*1******MI*{}", source.member_id));
    for part in &claim.parts {
        body.push(format!("REF*F8*{}", part.id));
    }
    let mut claim_adjusted: u128 = 0;
    let mut claim_patient: u128 = 0;
    for part in &claim.parts {
        for (i, line) in part.lines.iter().enumerate() {
            let (adjusted, patient) = service_payment(source, part, i, line, amounts, body)?;
            claim_adjusted += adjusted;
            claim_patient += patient;
        }
    }
    if billed != paid + claim_adjusted || patient != claim_patient {
        return Err(format!(
            "claim {} does not balance: billed {billed} paid {paid} adjusted {claim_adjusted} patient {patient} (PR {claim_patient})",
            source.clm01
        ));
    }
    Ok(paid)
}

/// Appends the SVC loop of line `i` of `part` to `body` (its adjustments in CAS groups of
/// at most six), checked to balance; returns (Σ CAS, Σ PR).
fn service_payment(
    source: &SourceClaim,
    part: &Claim,
    i: usize,
    line: &LineResult,
    amounts: &Amounts,
    body: &mut Vec<String>,
) -> Result<(u128, u128), String> {
    let money = |units: u128| amounts.dollars(units);
    let modifiers = source
        .modifiers_of(part.service_date, i)
        .map(|m| m.iter().map(|x| format!(":{x}")).collect::<String>())
        .unwrap_or_default();
    // A denied claim pays nothing whatever its lines' pricing says.
    let (paid_line, adjustments) = if part.status == ClaimStatus::Denied {
        let reason = part
            .denial
            .or_else(|| line.adjustments.first().map(|a| a.reason))
            .map(|r| r.code())
            .unwrap_or("96");
        (0u128, vec![("CO", reason, line.line.billed)])
    } else {
        (
            line.payer_amount,
            line.adjustments
                .iter()
                .map(|a| (group_code(a.group), a.reason.code(), a.amount))
                .collect(),
        )
    };
    body.push(format!(
        "SVC*HC:{}{modifiers}*{}*{}**{}",
        String::from_utf8_lossy(&line.line.procedure),
        money(line.line.billed),
        money(paid_line),
        line.line.units
    ));
    body.push(format!(
        "DTM*472*{}",
        crate::claim::ccyymmdd(part.service_date)
    ));
    let adjusted: u128 = adjustments.iter().map(|(_, _, a)| a).sum();
    if line.line.billed != paid_line + adjusted {
        return Err(format!(
            "claim {}: line {} does not balance: billed {} paid {} adjusted {}",
            source.clm01,
            i + 1,
            line.line.billed,
            paid_line,
            adjusted
        ));
    }
    let patient = adjustments
        .iter()
        .filter(|(g, _, _)| *g == "PR")
        .map(|(_, _, a)| a)
        .sum::<u128>();
    for group in ["CO", "PR", "OA"] {
        let triplets: Vec<String> = adjustments
            .iter()
            .filter(|(g, _, a)| *g == group && *a > 0)
            .map(|(_, reason, amount)| format!("{reason}*{}", money(*amount)))
            .collect();
        // At most six reason, amount, (empty) quantity triplets per CAS.
        for chunk in triplets.chunks(6) {
            body.push(format!("CAS*{group}*{}", chunk.join("**")));
        }
    }
    if part.status != ClaimStatus::Denied {
        body.push(format!("AMT*B6*{}", money(line.allowed)));
    }
    Ok((adjusted, patient))
}

impl Envelope {
    /// The ISA and GS segments opening an interchange from the payer to `receiver` with
    /// one functional group of `functional_id` (GS01) in `version` (GS08).
    pub fn open(&self, receiver: &str, functional_id: &str, version: &str) -> Vec<String> {
        let sender = truncate(&self.payer.id, 15);
        let receiver = truncate(receiver, 15);
        vec![
            self.isa(&receiver),
            format!(
                "GS*{functional_id}*{sender}*{receiver}*{}*{}*{}*X*{version}",
                self.date, self.time, self.control
            ),
        ]
    }

    /// The ISA segment of an interchange from the payer to `receiver`.
    pub fn isa(&self, receiver: &str) -> String {
        let control = format!("{:09}", self.control);
        let sender = truncate(&self.payer.id, 15);
        let receiver = truncate(receiver, 15);
        format!(
            "ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{}*{}*^*00501*{control}*0*P*:",
            self.date.get(2..).unwrap_or("000101"),
            self.time
        )
    }

    /// The GE and IEA segments closing it after `sets` transaction sets.
    pub fn close(&self, sets: usize) -> Vec<String> {
        vec![
            format!("GE*{sets}*{}", self.control),
            format!("IEA*1*{:09}", self.control),
        ]
    }
}

/// Segments as a file: each ended by `~` and a newline.
pub fn segments(out: Vec<String>) -> String {
    out.into_iter().map(|s| s + "~\n").collect()
}

/// `body` in its transaction set (ST/SE) and interchange envelope (ISA/GS ... GE/IEA).
fn interchange(envelope: &Envelope, payee: &str, body: Vec<String>) -> String {
    let mut out = envelope.open(payee, "HP", "005010X221A1");
    out.push("ST*835*0001*005010X221A1".into());
    let count = body.len() + 2;
    out.extend(body);
    out.push(format!("SE*{count}*0001"));
    out.extend(envelope.close(1));
    segments(out)
}

fn truncate(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// The CSV remittance: one row per service line of every claim, submitted or not.
pub fn csv(amounts: &Amounts, claims: &[Remitted], skipped: &[(String, String)]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "claim_ref",
        "claim_id",
        "status",
        "denial",
        "service_date",
        "procedure",
        "modifiers",
        "units",
        "billed",
        "allowed",
        "paid",
        "patient",
        "adjustments",
    ]);
    for claim in claims {
        for part in &claim.parts {
            for (i, line) in part.lines.iter().enumerate() {
                let modifiers = claim
                    .source
                    .modifiers_of(part.service_date, i)
                    .map(|m| m.join("|"))
                    .unwrap_or_default();
                let denied = part.status == ClaimStatus::Denied;
                let adjustments: Vec<String> = line
                    .adjustments
                    .iter()
                    .map(|a| {
                        format!(
                            "{}-{} {}",
                            group_code(a.group),
                            a.reason.code(),
                            amounts.dollars(a.amount)
                        )
                    })
                    .collect();
                let _ = writer.write_record([
                    claim.source.clm01.clone(),
                    part.id.to_string(),
                    format!("{:?}", part.status),
                    part.denial
                        .map(|d| d.code().to_string())
                        .unwrap_or_default(),
                    crate::claim::iso_date(part.service_date),
                    String::from_utf8_lossy(&line.line.procedure).into_owned(),
                    modifiers,
                    line.line.units.to_string(),
                    amounts.dollars(line.line.billed),
                    amounts.dollars(if denied { 0 } else { line.allowed }),
                    amounts.dollars(if denied { 0 } else { line.payer_amount }),
                    amounts.dollars(if denied { 0 } else { line.member_amount }),
                    adjustments.join("|"),
                ]);
            }
        }
    }
    // A replaced denial reversed by the 835 (a voided one is among the parts already).
    for claim in claims {
        for reversal in claim
            .reversed
            .iter()
            .filter(|r| claim.parts.iter().all(|p| p.id != r.claim.id))
        {
            let original = &reversal.claim;
            let _ = writer.write_record([
                claim.source.clm01.clone(),
                original.id.to_string(),
                "Reversed".into(),
                original
                    .denial
                    .map(|d| d.code().to_string())
                    .unwrap_or_default(),
                crate::claim::iso_date(original.service_date),
                String::new(),
                String::new(),
                String::new(),
                amounts.dollars(original.billed),
                amounts.dollars(0),
                amounts.dollars(0),
                amounts.dollars(0),
                format!(
                    "reversal (CLP02 22) of the denial it replaced: claim {}",
                    original.id
                ),
            ]);
        }
    }
    for (reference, reason) in skipped {
        let _ = writer.write_record([
            reference.as_str(),
            "",
            "Skipped",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            reason.as_str(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// An X12 decimal as an integer number of 10^-12 units.
pub(crate) fn fixed(text: &str) -> Option<i128> {
    let text = text.trim();
    // X12's decimals: an optional leading minus, digits, an optional point.
    if let Some(magnitude) = text.strip_prefix('-') {
        return fixed(magnitude)
            .filter(|_| !magnitude.starts_with('-'))
            .map(|m| -m);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if fraction.len() > 12
        || whole.is_empty() && fraction.is_empty()
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i128 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<12}").parse().ok()?
    };
    whole.checked_mul(1_000_000_000_000)?.checked_add(fraction)
}

fn cas_sum(cas: &[x12_types::v005010::CAS], group: Option<&str>) -> Option<i128> {
    let mut sum = 0i128;
    for segment in cas {
        if group.is_some_and(|g| segment._01 != g) {
            continue;
        }
        sum += fixed(&segment._03)?;
        for amount in [
            &segment._06,
            &segment._09,
            &segment._12,
            &segment._15,
            &segment._18,
        ]
        .into_iter()
        .flatten()
        {
            sum += fixed(amount)?;
        }
    }
    Some(sum)
}

/// Reads an 835 back with the `x12-types` 005010 model and checks that it balances:
/// per service `SVC02 − SVC03 = Σ CAS`, per claim `CLP03 − CLP04 = Σ CAS` and
/// `CLP05 = Σ PR`, and `BPR02 = Σ CLP04`. Returns the number of claims (CLP).
pub fn check(text: &str) -> Result<usize, String> {
    use x12_types::util::Parser as _;
    use x12_types::v005010::{Transmission, _835};
    let (_, transmission) = Transmission::<_835>::parse(text)
        .map_err(|e| format!("the 835 does not fit the 005010X221A1 grammar: {e:?}"))?;
    let bad = |what: String| Err(format!("the 835 does not balance: {what}"));
    let mut claims = 0;
    for group in &transmission.functional_group {
        for set in &group.segments {
            let mut paid_sum = 0i128;
            for loop_2000 in &set.loop_2000 {
                for claim in &loop_2000.loop_2100 {
                    claims += 1;
                    let clp = &claim.clp;
                    let billed = fixed(&clp._03).ok_or("CLP03")?;
                    let paid = fixed(&clp._04).ok_or("CLP04")?;
                    let patient = clp._05.as_deref().map_or(Some(0), fixed).ok_or("CLP05")?;
                    paid_sum += paid;
                    let mut adjusted = cas_sum(&claim.cas, None).ok_or("CAS")?;
                    let mut responsibility = cas_sum(&claim.cas, Some("PR")).ok_or("CAS")?;
                    for service in &claim.loop_2110 {
                        let svc_billed = fixed(&service.svc._02).ok_or("SVC02")?;
                        let svc_paid = service
                            .svc
                            ._03
                            .as_deref()
                            .map_or(Some(0), fixed)
                            .ok_or("SVC03")?;
                        let svc_adjusted = cas_sum(&service.cas, None).ok_or("CAS")?;
                        if svc_billed - svc_paid != svc_adjusted {
                            return bad(format!("claim {} service {}", clp._01, service.svc._01));
                        }
                        adjusted += svc_adjusted;
                        responsibility += cas_sum(&service.cas, Some("PR")).ok_or("CAS")?;
                    }
                    if billed - paid != adjusted || patient != responsibility {
                        return bad(format!("claim {}", clp._01));
                    }
                }
            }
            if fixed(&set.bpr._02) != Some(paid_sum) {
                return bad("BPR02 differs from the sum of CLP04".into());
            }
        }
    }
    Ok(claims)
}
