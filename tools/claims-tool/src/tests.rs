//! The 837 → claim mapping, the CSV form and the 835 writer, on the sample files in
//! `samples/` (synthetic names and ids).

use crate::claim::{self, cents, Amounts, SourceClaim};
use crate::directory::Directory;
use crate::remit::{self, Envelope, Remitted};
use crate::{csvin, x837};
use claims_adjudication::claims_adjudication::{
    Adjustment, Carc, Claim, ClaimStatus, Group, LineResult,
};
use ink::primitives::AccountId;

fn sample(name: &str) -> (String, String) {
    let path = format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("sample file");
    (name.to_string(), text)
}

fn read(name: &str) -> (Vec<SourceClaim>, Vec<claim::Problem>) {
    let (file, text) = sample(name);
    if name.ends_with(".csv") {
        csvin::read(&file, &text)
    } else {
        x837::read(&file, &text)
    }
}

fn directory() -> Directory {
    let mut d = Directory::default();
    for (i, member) in [
        "TMB1001", "TMB1002", "TMB1003", "TMB1004", "TMB1005", "TMB1006",
    ]
    .iter()
    .enumerate()
    {
        d.add_member(member, AccountId::from([10 + i as u8; 32]));
    }
    d.add_provider("1234567893", AccountId::from([1; 32]));
    d.add_provider("1987654328", AccountId::from([2; 32]));
    d
}

#[test]
fn amounts_and_dates() {
    assert_eq!(cents("125.00"), Some(12_500));
    assert_eq!(cents("40"), Some(4_000));
    assert_eq!(cents("85.5"), Some(8_550));
    assert_eq!(cents(".5"), Some(50));
    for bad in ["12.3.4", "-5", "1e3", "1.234", "", ".", "12,00"] {
        assert_eq!(cents(bad), None, "{bad}");
    }
    let amounts = Amounts::default();
    assert_eq!(amounts.units(12_500), Some(1_250_000_000_000));
    assert_eq!(amounts.dollars(1_250_000_000_000), "125.00");
    assert_eq!(amounts.dollars(1_234_567_000_001), "123.4567000001");
    assert_eq!(amounts.dollars(0), "0.00");
    let day = claim::date_ms("20261110").expect("date");
    assert_eq!(claim::ccyymmdd(day), "20261110");
    assert_eq!(claim::iso_date(day), "2026-11-10");
    assert_eq!(claim::date_ms("20261131"), None);
}

#[test]
fn an_837p_file_becomes_claims() {
    let (claims, problems) = read("clinic-a.837");
    assert_eq!(problems, vec![]);
    let refs: Vec<&str> = claims.iter().map(|c| c.clm01.as_str()).collect();
    assert_eq!(
        refs,
        [
            "PCN-A-0001",
            "PCN-A-0002",
            "PCN-A-0003",
            "PCN-A-0004",
            "PCN-A-0005",
            "PCN-A-0006"
        ]
    );
    let first = &claims[0];
    assert_eq!(first.member_id, "TMB1001");
    assert_eq!(first.billing_npi, "1234567893");
    assert_eq!(first.rendering_npi, None);
    assert_eq!(first.place_of_service, "11");
    assert_eq!(first.diagnoses, ["J069", "R509"]);
    let lines: Vec<(&str, u128, u32, &str)> = first
        .lines
        .iter()
        .map(|l| (l.procedure.as_str(), l.cents, l.units, l.date.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            ("99213", 12_500, 1, "20261110"),
            ("36415", 1_500, 1, "20261110"),
            ("85025", 4_000, 1, "20261110")
        ]
    );
    assert_eq!(first.lines[0].modifiers, ["25"]);
    // Segment numbers: CLM and SV1 segments as they stand in the file (ISA = 1).
    let (_, text) = sample("clinic-a.837");
    let segments: Vec<&str> = text.split('~').map(str::trim).collect();
    assert!(segments[first.position - 1].starts_with("CLM*PCN-A-0001*"));
    assert!(segments[first.lines[2].position - 1].starts_with("SV1*HC:85025*"));
    assert_eq!(claims[2].rendering_npi.as_deref(), Some("1987654328"));
    assert_eq!(claims[4].place_of_service, "23");
    // The dependant's claim (patient loop 2000C) is billed to the subscriber.
    assert_eq!(claims[5].member_id, "TMB1004");

    let (b, problems) = read("clinic-b.837");
    assert_eq!(problems, vec![]);
    assert_eq!(b.len(), 4, "two transaction sets of two claims");
    assert_eq!(b[1].lines[1].units, 3);
    assert!(b.iter().all(|c| c.billing_npi == "1987654328"));
}

#[test]
fn the_csv_form_reads_as_the_837() {
    let (from_837, _) = read("clinic-a.837");
    let (from_csv, problems) = read("clinic-a.csv");
    assert_eq!(problems, vec![]);
    assert_eq!(from_837.len(), from_csv.len());
    for (a, b) in from_837.iter().zip(&from_csv) {
        assert_eq!(
            (&a.clm01, &a.member_id, &a.place_of_service, &a.diagnoses),
            (&b.clm01, &b.member_id, &b.place_of_service, &b.diagnoses)
        );
        let strip = |c: &SourceClaim| -> Vec<(String, Vec<String>, u128, u32, String)> {
            c.lines
                .iter()
                .map(|l| {
                    (
                        l.procedure.clone(),
                        l.modifiers.clone(),
                        l.cents,
                        l.units,
                        l.date.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(strip(a), strip(b), "{}", a.clm01);
        // The CSV's one NPI is the rendering provider's, else the billing provider's.
        let line = &a.lines[0];
        assert_eq!(a.provider_npi(line), b.billing_npi);
    }
}

#[test]
fn bad_input_is_reported_with_file_segment_and_reason() {
    let (claims, problems) = read("bad.837");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let malformed = &problems[0];
    assert_eq!(malformed.claim.as_deref(), Some("PCN-BAD-0005"));
    assert!(malformed.reason.contains("12.3.4"), "{}", malformed.reason);
    let (_, text) = sample("bad.837");
    let segments: Vec<&str> = text.split('~').map(str::trim).collect();
    assert!(segments[malformed.position - 1].starts_with("SV1*"));
    assert!(malformed.to_string().starts_with("bad.837 segment "));

    let directory = directory();
    let mut sent = Vec::new();
    let mut skipped = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        match claim::prepare(c, i, 1, &directory, &Amounts::default(), &[0; 32]) {
            Ok(parts) => sent.push((c.clm01.clone(), parts.len())),
            Err(problem) => skipped.push((c.clm01.clone(), problem.reason)),
        }
    }
    assert_eq!(
        sent,
        vec![
            ("PCN-BAD-0001".to_string(), 1),
            ("PCN-BAD-0002".to_string(), 1)
        ]
    );
    assert_eq!(skipped.len(), 2);
    assert!(skipped[0].1.contains("TMB9999") && skipped[0].1.contains("not in the directory"));
    assert!(skipped[1].1.contains("1678901235") && skipped[1].1.contains("check digit"));

    let (claims, problems) = read("not-an-837.txt");
    assert!(claims.is_empty());
    assert!(problems[0].reason.contains("not an 837P"), "{:?}", problems);
    assert_eq!(problems[0].position, 2, "the GS segment");
    let (claims, problems) = read("garbage.837");
    assert!(claims.is_empty());
    assert!(problems[0].reason.contains("not an X12 file"));
    // A segment out of place: the grammar's complaint, with its segment number.
    let (file, text) = sample("clinic-a.837");
    let broken = text.replacen("LX*2~", "XYZ*2~", 1);
    let (_, problems) = x837::read(&file, &broken);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].position > 1);
}

#[test]
fn claims_split_by_service_date_with_stable_references() {
    let (claims, _) = read("clinic-a.837");
    let directory = directory();
    let amounts = Amounts::default();
    let prepare = |c: &SourceClaim, secret| claim::prepare(c, 0, 7, &directory, &amounts, secret);
    let split = prepare(&claims[3], &[1; 32]).expect("PCN-A-0004");
    assert_eq!(split.len(), 2, "two service dates");
    assert_eq!(split[0].submission.request.lines.len(), 1);
    assert_eq!(split[1].submission.request.lines.len(), 2);
    assert_ne!(split[0].submission.reference, split[1].submission.reference);
    assert_eq!(
        split,
        prepare(&claims[3], &[1; 32]).expect("again"),
        "deterministic"
    );
    let other_salt = prepare(&claims[3], &[2; 32]).expect("again");
    assert_eq!(
        other_salt[0].submission.reference,
        split[0].submission.reference
    );
    assert_ne!(
        other_salt[0].submission.request.lines[0].diagnosis_commitment,
        split[0].submission.request.lines[0].diagnosis_commitment
    );
    let first = prepare(&claims[0], &[1; 32]).expect("PCN-A-0001");
    let request = &first[0].submission.request;
    assert_eq!(request.plan, 7);
    assert_eq!(request.member, AccountId::from([10; 32]));
    assert_eq!(request.provider, AccountId::from([1; 32]));
    assert_eq!(request.lines[0].billed, 12_500 * 100_000_000);
    assert_eq!(&request.lines[0].procedure, b"99213");
    assert!(!request.emergency);
    let rendered = prepare(&claims[2], &[1; 32]).expect("PCN-A-0003");
    assert_eq!(
        rendered[0].submission.request.provider,
        AccountId::from([2; 32])
    );
    let emergency = prepare(&claims[4], &[1; 32]).expect("PCN-A-0005");
    assert!(emergency[0].submission.request.emergency);
}

fn line(
    procedure: &[u8; 5],
    billed: u128,
    payer: u128,
    adjustments: &[(Group, Carc, u128)],
) -> LineResult {
    LineResult {
        line: claims_adjudication::claims_adjudication::ClaimLine {
            procedure: *procedure,
            diagnosis_commitment: [0; 32].into(),
            billed,
            units: 1,
        },
        allowed: billed
            - adjustments
                .iter()
                .filter(|a| a.0 == Group::ContractualObligation)
                .map(|a| a.2)
                .sum::<u128>(),
        payer_amount: payer,
        member_amount: adjustments
            .iter()
            .filter(|a| a.0 == Group::PatientResponsibility)
            .map(|a| a.2)
            .sum(),
        adjustments: adjustments
            .iter()
            .map(|(group, reason, amount)| Adjustment {
                group: *group,
                reason: *reason,
                amount: *amount,
            })
            .collect(),
    }
}

fn stored(
    id: u64,
    date: &str,
    status: ClaimStatus,
    denial: Option<Carc>,
    lines: Vec<LineResult>,
) -> Claim {
    Claim {
        id,
        plan: 1,
        member: AccountId::from([10; 32]),
        provider: AccountId::from([1; 32]),
        submitter: AccountId::from([1; 32]),
        service_date: claim::date_ms(date).expect("date"),
        submitted_at: 0,
        emergency: false,
        status,
        denial,
        billed: lines.iter().map(|l| l.line.billed).sum(),
        allowed: lines.iter().map(|l| l.allowed).sum(),
        payer_amount: lines.iter().map(|l| l.payer_amount).sum(),
        member_amount: lines.iter().map(|l| l.member_amount).sum(),
        deductible_applied: 0,
        appeal_evidence: None,
        reserved: 0,
        lines,
    }
}

/// Claim 4, one line priced and pending review.
fn pending_review() -> Claim {
    use Group::ContractualObligation;
    let u = |cents: u128| cents * 100_000_000;
    stored(
        4,
        "20261113",
        ClaimStatus::PendingReview,
        None,
        vec![line(
            b"99213",
            u(12_500),
            u(10_000),
            &[(ContractualObligation, Carc::ExceedsFeeSchedule, u(2_500))],
        )],
    )
}

/// The 835s' envelope in these tests.
fn remit_envelope() -> Envelope {
    Envelope {
        payer: crate::payer::Payer::demo(1),
        control: 1,
        date: "20261201".into(),
        time: "1200".into(),
    }
}

/// Claim 2, PCN-A-0002's two lines, denied: no care relationship (CARC 242).
fn denied_without_care() -> Claim {
    use Carc::NoCareRelationship;
    use Group::ContractualObligation;
    let u = |cents: u128| cents * 100_000_000;
    stored(
        2,
        "20261111",
        ClaimStatus::Denied,
        Some(NoCareRelationship),
        vec![
            line(
                b"99214",
                u(18_500),
                0,
                &[(ContractualObligation, NoCareRelationship, u(18_500))],
            ),
            line(
                b"80053",
                u(8_550),
                0,
                &[(ContractualObligation, NoCareRelationship, u(8_550))],
            ),
        ],
    )
}

#[test]
fn the_835_balances_and_reads_back() {
    use Carc::*;
    use Group::*;
    let (claims, _) = read("clinic-a.837");
    let u = |cents: u128| cents * 100_000_000;
    let paid = stored(
        1,
        "20261110",
        ClaimStatus::Paid,
        None,
        vec![
            line(
                b"99213",
                u(12_500),
                u(6_400),
                &[
                    (ContractualObligation, ExceedsFeeSchedule, u(2_500)),
                    (PatientResponsibility, Copay, u(2_000)),
                    (PatientResponsibility, Coinsurance, u(1_600)),
                ],
            ),
            line(
                b"36415",
                u(1_500),
                0,
                &[
                    (PatientResponsibility, Deductible, u(1_000)),
                    (ContractualObligation, ExceedsFeeSchedule, u(500)),
                ],
            ),
            line(
                b"85025",
                u(4_000),
                0,
                &[(ContractualObligation, Duplicate, u(4_000))],
            ),
        ],
    );
    let denied = denied_without_care();
    // Denied by an adjuster after pricing: the lines keep their pricing, the 835 pays 0.
    let reviewed = stored(
        3,
        "20261112",
        ClaimStatus::Denied,
        Some(NotMedicallyNecessary),
        vec![line(
            b"99213",
            u(12_500),
            u(8_000),
            &[
                (ContractualObligation, ExceedsFeeSchedule, u(2_500)),
                (PatientResponsibility, Copay, u(2_000)),
            ],
        )],
    );
    let pending = pending_review();
    let remitted = vec![
        Remitted {
            source: &claims[0],
            parts: vec![paid],
            reversed: Vec::new(),
        },
        Remitted {
            source: &claims[1],
            parts: vec![denied],
            reversed: Vec::new(),
        },
        Remitted {
            source: &claims[2],
            parts: vec![reviewed],
            reversed: Vec::new(),
        },
        Remitted {
            source: &claims[3],
            parts: vec![pending],
            reversed: Vec::new(),
        },
    ];
    let envelope = remit_envelope();
    let text = remit::x835(&envelope, &Amounts::default(), &remitted).expect("balanced");
    assert_eq!(remit::check(&text), Ok(3), "the pending claim waits");
    assert!(text.contains("BPR*I*64.00*C*NON"));
    // The payer's identity (loop 1000A) from its configuration.
    assert!(text.contains(
        "N1*PR*DEMO HEALTH PLAN 1~\nN3*1 DEMO PLAZA~\nN4*SPRINGFIELD*IL*62701~\nREF*2U*DEMOPLAN1~\nPER*CX*CLAIMS DEPARTMENT*TE*8005550100~\nPER*BL*EDI SUPPORT*TE*8005550199~"
    ));
    assert!(text.starts_with("ISA*00*          *00*          *ZZ*DEMOPLAN1      *ZZ*"));
    assert!(text.contains("CLP*PCN-A-0001*1*180.00*64.00*46.00*12*1*11*1~"));
    assert!(text.contains("SVC*HC:99213:25*125.00*64.00**1~"));
    assert!(text.contains("CAS*CO*45*25.00~"));
    assert!(text.contains("CAS*PR*3*20.00**2*16.00~"));
    assert!(text.contains("CLP*PCN-A-0002*4*270.50*0.00*0.00*12*2*11*1~"));
    assert!(text.contains("CAS*CO*242*185.00~"));
    assert!(text.contains("CLP*PCN-A-0003*4*125.00*0.00*0.00"));
    assert!(text.contains("CAS*CO*50*125.00~"));
    assert!(!text.contains("PCN-A-0004"));
    let segments = text.matches('~').count();
    assert!(text.contains(&format!("SE*{}*0001~", segments - 4)));
    // An unbalanced remittance is refused, by the writer and by the reader.
    let unbalanced = text.replace("SVC*HC:36415*15.00*0.00", "SVC*HC:36415*15.00*1.00");
    assert!(remit::check(&unbalanced).is_err());
    let csv = remit::csv(
        &Amounts::default(),
        &remitted,
        &[("PCN-X".into(), "bad".into())],
    );
    assert_eq!(csv.lines().count(), 1 + 3 + 2 + 1 + 1 + 1);
    assert!(csv.contains("PCN-A-0001,1,Paid,,2026-11-10,99213,25,1,125.00,100.00,64.00,36.00,CO-45 25.00|PR-3 20.00|PR-2 16.00"));
}

#[test]
fn a_remitted_denial_a_replacement_or_void_corrected_is_reversed_as_remitted() {
    use crate::reversal::Remittances;
    use Carc::*;
    use Group::*;
    let (claims, _) = read("clinic-a.837");
    let u = |cents: u128| cents * 100_000_000;
    let voided = |mut claim: Claim| {
        claim.status = ClaimStatus::Voided;
        claim
    };
    let envelope = remit_envelope();
    // An earlier 835: PCN-A-0002 (claim 2) denied, no care relationship; PCN-A-0003
    // (claim 3) denied by an adjuster; PCN-A-0001 split over two dates (claims 6 and 7),
    // both parts denied, in one CLP.
    let denied = denied_without_care();
    let reviewed = stored(
        3,
        "20261112",
        ClaimStatus::Denied,
        Some(NotMedicallyNecessary),
        vec![line(
            b"99213",
            u(12_500),
            u(8_000),
            &[(ContractualObligation, ExceedsFeeSchedule, u(2_500))],
        )],
    );
    let split = |id, date| {
        stored(
            id,
            date,
            ClaimStatus::Denied,
            Some(NotCovered),
            vec![line(
                b"99213",
                u(6_000),
                0,
                &[(ContractualObligation, NotCovered, u(6_000))],
            )],
        )
    };
    let earlier = vec![
        Remitted {
            source: &claims[1],
            parts: vec![denied.clone()],
            reversed: Vec::new(),
        },
        Remitted {
            source: &claims[2],
            parts: vec![reviewed.clone()],
            reversed: Vec::new(),
        },
        Remitted {
            source: &claims[0],
            parts: vec![split(6, "20261110"), split(7, "20261111")],
            reversed: Vec::new(),
        },
    ];
    let first = remit::x835(&envelope, &Amounts::default(), &earlier).expect("balanced");
    let mut record = Remittances::default();
    record.record(&first);
    // Claim 4 was voided while pending review: never in an 835.
    let pending = pending_review();
    let replaced = record
        .reversal_of(&voided(denied.clone()))
        .expect("remitted alone");
    let void = record
        .reversal_of(&voided(reviewed.clone()))
        .expect("remitted alone");
    assert_eq!(record.reversal_of(&denied), None, "not corrected");
    assert_eq!(
        record.reversal_of(&voided(pending.clone())),
        None,
        "never remitted"
    );
    assert_eq!(
        record.reversal_of(&voided(split(6, "20261110"))),
        None,
        "one part of a CLP that summed two"
    );
    assert_eq!(
        Remittances::default().reversal_of(&voided(reviewed.clone())),
        None
    );
    // The correction's 835: claim 2 replaced by claim 5 (sent as PCN-A-0004, modifier-free:
    // the reversal still states the original as remitted), claim 3 voided.
    let replacement = stored(
        5,
        "20261111",
        ClaimStatus::Paid,
        None,
        vec![line(
            b"99214",
            u(18_500),
            u(10_000),
            &[(ContractualObligation, ExceedsFeeSchedule, u(8_500))],
        )],
    );
    let corrections = vec![
        Remitted {
            source: &claims[3],
            parts: vec![replacement],
            reversed: vec![replaced],
        },
        Remitted {
            source: &claims[2],
            parts: vec![voided(reviewed.clone())],
            reversed: vec![void],
        },
        Remitted {
            source: &claims[5],
            parts: vec![voided(pending)],
            reversed: Vec::new(),
        },
    ];
    let text = remit::x835(&envelope, &Amounts::default(), &corrections).expect("balanced");
    assert_eq!(remit::check(&text), Ok(3), "{text}");
    assert!(text.contains("BPR*I*100.00*C*NON"), "{text}");
    // The original's own CLP as remitted (CLM01 PCN-A-0002, its member, its lines),
    // negated, then the replacement's.
    let reversal = "CLP*PCN-A-0002*22*-270.50*0.00*0.00*12*2*11*1~\nNM1*QC*1******MI*TMB1001~\nREF*F8*2~\nSVC*HC:99214*-185.00*0.00**-1~\nDTM*472*20261111~\nCAS*CO*242*-185.00~\nSVC*HC:80053*-85.50*0.00**-1~\nDTM*472*20261111~\nCAS*CO*242*-85.50~\nCLP*PCN-A-0004*1*185.00*100.00*0.00*12*5*";
    assert!(text.contains(reversal), "{text}");
    assert!(
        first.contains(&reversal[..40].replace("*22*-", "*4*")),
        "{first}"
    );
    assert!(
        text.contains("CLP*PCN-A-0003*22*-125.00*0.00*0.00*12*3*11*1~"),
        "{text}"
    );
    assert!(text.contains("CAS*CO*50*-125.00~"), "{text}");
    assert!(!text.contains("PCN-A-0003*4*"), "{text}");
    assert!(!text.contains("PCN-A-0006"), "{text}");
    // Reversals are not recorded (never reversed again); the replacement is.
    record.record(&text);
    assert!(record.reversal_of(&voided(denied)).is_some());
    // A reversal that does not balance is refused on reading back.
    assert!(remit::check(&text.replace("CAS*CO*50*-125.00", "CAS*CO*50*125.00")).is_err());
    // The CSV names the replaced denial's reversal; the void is its Voided row.
    let csv = remit::csv(&Amounts::default(), &corrections, &[]);
    assert!(
        csv.contains(
            "PCN-A-0004,2,Reversed,242,2026-11-11,,,,270.50,0.00,0.00,0.00,reversal (CLP02 22)"
        ),
        "{csv}"
    );
    assert!(csv.contains("PCN-A-0003,3,Voided,50,"), "{csv}");
    assert!(!csv.contains("PCN-A-0003,3,Reversed"), "{csv}");
}

#[test]
fn a_payer_identity_that_cannot_be_written_is_refused_in_words() {
    use crate::payer::Payer;
    assert_eq!(Payer::demo(7).problem(), None);
    type Breaks = fn(&mut Payer);
    let cases: [(Breaks, &str); 6] = [
        (
            |p| p.name = "ACME*HEALTH".into(),
            "name holds an X12 delimiter",
        ),
        (|p| p.id = String::new(), "id is empty"),
        (|p| p.id = "X".repeat(16), "id is longer than 15"),
        (|p| p.state = "Illinois".into(), "is not a two-letter code"),
        (|p| p.zip = "6270".into(), "is not 5 or 9 digits"),
        (|p| p.address.clear(), "address has one or two lines"),
    ];
    for (break_it, said) in cases {
        let mut payer = Payer::demo(7);
        break_it(&mut payer);
        let problem = payer.problem().expect("refused");
        assert!(problem.contains(said), "{problem}");
    }
    let mut payer = Payer::demo(7);
    payer.technical_contact.phone = "555-0199".into();
    assert!(payer
        .problem()
        .expect("refused")
        .contains("is not 10 digits"));
    // Read from a file: unknown fields are refused too.
    let dir = std::env::temp_dir().join(format!("payer-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("PAYER.json");
    let json = serde_json::to_string(&Payer::demo(7)).expect("json");
    std::fs::write(&path, &json).expect("write");
    assert_eq!(Payer::read(&path), Ok(Payer::demo(7)));
    std::fs::write(&path, json.replacen('{', "{\"fax\":\"1\",", 1)).expect("write");
    assert!(Payer::read(&path)
        .expect_err("refused")
        .contains("unknown field"));
    std::fs::remove_dir_all(&dir).ok();
}

pub(crate) fn ack_envelope() -> Envelope {
    Envelope {
        payer: crate::payer::Payer::demo(1),
        control: 7,
        date: "20261206".into(),
        time: "1200".into(),
    }
}

#[test]
fn the_999_accepts_each_837_set_and_reads_back() {
    use crate::ack::{self, Rejection};
    // Two transaction sets in one group: both accepted.
    let (_, text) = sample("clinic-b.837");
    let (submitter, groups) = ack::groups(&text).expect("an interchange");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].functional_id, "HC");
    assert_eq!(groups[0].sets.len(), 2);
    assert!(groups[0].sets.iter().all(|s| s.error.is_none()));
    let x999 = ack::x999(&ack_envelope(), &submitter, &groups);
    assert_eq!(ack::check(&x999), Ok((2, 0)));
    assert!(x999.contains("GS*FA*DEMOPLAN1*"));
    assert!(x999.contains("AK1*HC*2*005010X222A2~"));
    assert!(x999.contains(
        "AK2*837*0001*005010X222A2~\nIK5*A~\nAK2*837*0002*005010X222A2~\nIK5*A~\nAK9*A*2*2*2~"
    ));
    assert!(x999.contains("SE*8*0001~"));
    // Claims with bad lines are a syntax the 999 accepts (the 835 and CSV answer them).
    let (_, bad) = sample("bad.837");
    let (_, groups) = ack::groups(&bad).expect("an interchange");
    assert!(groups[0].sets.iter().all(|s| s.error.is_none()));
    // Another transaction (a 270 inquiry) is rejected as not supported.
    let (_, other) = sample("not-an-837.txt");
    let (_, groups) = ack::groups(&other).expect("an interchange");
    assert_eq!(groups[0].sets[0].error, Some(Rejection::NotSupported));
    let x999 = ack::x999(&ack_envelope(), "X", &groups);
    assert_eq!(ack::check(&x999), Ok((0, 1)));
    assert!(x999.contains("AK2*270*") && x999.contains("IK5*R*1~\nAK9*R*1*1*0~"));
    // No X12 at all: nothing to acknowledge.
    let (_, garbage) = sample("garbage.837");
    assert_eq!(ack::groups(&garbage), None);
}

#[test]
fn the_999_names_the_segment_that_breaks_the_837_grammar() {
    use crate::ack::{self, Rejection};
    let (_, text) = sample("clinic-a.837");
    // A segment the 837P has no place for, right after the first CLM.
    let at = text.find("\nCLM*").expect("a claim");
    let end = at + text[at..].find('~').expect("its end") + 1;
    let broken = format!("{}\nZZZ*1~{}", &text[..end], &text[end..]);
    let st = text[..at].matches('~').count()
        - text[..text.find("ST*837").expect("ST")]
            .matches('~')
            .count();
    let (_, groups) = ack::groups(&broken).expect("an interchange");
    let Some(Rejection::Segment { segment, position }) = &groups[0].sets[0].error else {
        panic!("rejected: {groups:?}");
    };
    assert_eq!(segment, "ZZZ");
    // ST is 1; the CLM is `st + 1`, the bad segment the next one.
    assert_eq!(*position, st + 2);
    let x999 = ack::x999(&ack_envelope(), "X", &groups);
    assert_eq!(ack::check(&x999), Ok((0, 1)));
    assert!(x999.contains(&format!("IK3*ZZZ*{}**2~\nIK5*R*5~\nAK9*R*1*1*0~", st + 2)));
}

/// Each claim of `name` answered as the tool would if the chain recorded every claim it
/// could send (claim ids from 100, in file order) and nothing else, by its place in the
/// file.
fn answers_277(name: &str) -> impl Fn(usize) -> crate::x277::Answer {
    use crate::x277::Answer;
    let (claims, problems) = read(name);
    let directory = directory();
    let mut answers: Vec<(usize, Answer)> = Vec::new();
    for problem in &problems {
        let ordinal = problem.ordinal.expect("a claim's problem");
        answers.push((ordinal, Answer::of_problem(problem)));
    }
    for (i, c) in claims.iter().enumerate() {
        let answer = match claim::prepare(c, i, 1, &directory, &Amounts::default(), &[0; 32]) {
            Ok(_) => Answer::Accepted {
                id: 100 + i as u64,
                refused: Vec::new(),
            },
            Err(problem) => Answer::of_problem(&problem),
        };
        answers.push((c.ordinal, answer));
    }
    move |ordinal: usize| {
        answers
            .iter()
            .find(|(o, _)| *o == ordinal)
            .map(|(_, a)| a.clone())
            .expect("every claim answered")
    }
}

#[test]
fn the_277ca_accepts_or_rejects_each_claim_with_its_status_code_and_reads_back() {
    use crate::x277::{self, Counts};
    let (_, text) = sample("bad.837");
    let x277 = x277::x277(
        &ack_envelope(),
        "TESTSUBMIT",
        &text,
        &answers_277("bad.837"),
    )
    .expect("an 837P set");
    assert_eq!(
        x277::check(&x277),
        Ok(Counts {
            accepted: 2,
            rejected: 3
        })
    );
    assert!(x277.contains("GS*HN*DEMOPLAN1*TESTSUBMIT*"), "{x277}");
    assert!(x277.contains("ST*277*0001*005010X214~\nBHT*0085*08*"));
    // The payer, the 837's interchange, the submitter and its BHT03.
    assert!(x277.contains("TRN*1*000000003~\nDTP*050*D8*20261206~"));
    assert!(x277.contains("NM1*41*2*CLINIC A TEST*****46*TESTSUB0001~\nTRN*2*BATCHBAD01~"));
    // Totals: 125 + 40 accepted; 125 + 185 + 12.34 rejected.
    assert!(x277.contains(
        "STC*A1:19:PR*20261206*WQ*487.34~\nQTY*90*2~\nQTY*AA*3~\nAMT*YU*165~\nAMT*YY*322.34~"
    ));
    assert!(x277.contains("HL*3*2*19*1~\nNM1*85*2*CLINIC A TEST*****XX*1234567893~"));
    // Accepted: the on-chain claim id in REF*1K, as the 835's CLP07.
    assert!(x277.contains(
        "TRN*2*PCN-BAD-0001~\nSTC*A2:20:PR*20261206*WQ*125~\nREF*1K*100~\nDTP*472*D8*20261112~"
    ));
    // An unknown member, a rendering NPI with a bad check digit (claim level, 2310B).
    assert!(x277.contains("TRN*2*PCN-BAD-0003~\nSTC*A3:33:IL*20261206*U*125~\nDTP*472*"));
    assert!(x277.contains("TRN*2*PCN-BAD-0004~\nSTC*A7:562:82*20261206*U*185~\nDTP*472*"));
    // A line's charge that is no amount: the claim and that line (2220D), no REF*1K.
    assert!(x277.contains(
        "TRN*2*PCN-BAD-0005~\nSTC*A7:583*20261206*U*12.34******A7:697~\nDTP*472*D8*20261112~\n\
         SVC*HC:85025*0*****1~\nSTC*A7:583*20261206*U*******A7:697~\nREF*FJ*1~\nDTP*472*D8*20261112~"
    ));
    let patients = x277.matches("*PT~").count();
    assert_eq!(patients, 5, "one 2000D per patient loop of the 837");
}

#[test]
fn the_277ca_answers_each_837_set_with_one_of_its_own() {
    use crate::x277::{self, Counts};
    let (_, text) = sample("clinic-b.837");
    let x277 = x277::x277(&ack_envelope(), "X", &text, &answers_277("clinic-b.837"))
        .expect("two 837P sets");
    assert_eq!(
        x277::check(&x277),
        Ok(Counts {
            accepted: 4,
            rejected: 0
        })
    );
    assert!(x277.contains("ST*277*0001*") && x277.contains("ST*277*0002*"));
    assert!(x277.contains("GE*2*7~"));
    // Not an 837P, or no X12 at all: no 277 (the 999 answers).
    for other in ["not-an-837.txt", "garbage.837"] {
        let (_, text) = sample(other);
        let none = |_: usize| x277::Answer::Rejected(x277::OTHER);
        assert_eq!(
            x277::x277(&ack_envelope(), "X", &text, &none),
            None,
            "{other}"
        );
    }
}

#[test]
fn the_277ca_check_refuses_totals_that_do_not_match_the_claims() {
    use crate::x277;
    let (_, text) = sample("bad.837");
    let good = x277::x277(&ack_envelope(), "X", &text, &answers_277("bad.837")).expect("set");
    let wrong = good.replacen("QTY*90*2~", "QTY*90*3~", 1);
    assert!(x277::check(&wrong).is_err());
    let unnamed = good.replacen("REF*1K*100~\n", "", 1);
    assert!(
        x277::check(&unnamed).is_err(),
        "an accepted claim without REF*1K"
    );
}

/// `clinic-a.837` with PCN-A-0001 sent again with claim frequency `frequency` and, if
/// given, `REF*F8*<original>` (PCN-A-0004, two service dates, likewise).
fn corrected(frequency: &str, original: Option<&str>) -> Vec<SourceClaim> {
    let (file, text) = sample("clinic-a.837");
    let mut text = text;
    for clm in [
        "CLM*PCN-A-0001*180.00***11:B:1*Y*A*Y*Y~",
        "CLM*PCN-A-0004*180.00***11:B:1*Y*A*Y*Y~",
    ] {
        let mut with = clm.replace("11:B:1", &format!("11:B:{frequency}"));
        if let Some(original) = original {
            with.push_str(&format!("\nREF*F8*{original}~"));
        }
        assert!(text.contains(clm));
        text = text.replacen(clm, &with, 1);
    }
    // SE01 counts the REF segments added.
    if original.is_some() {
        let se = text.find("\nSE*").expect("SE") + 1;
        let end = se + text[se..].find('*').expect("SE01") + 1;
        let count_end = end + text[end..].find('*').expect("SE02");
        let count: usize = text[end..count_end].parse().expect("SE01");
        text.replace_range(end..count_end, &(count + 2).to_string());
    }
    let (claims, problems) = x837::read(&file, &text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(claims[0].frequency, frequency);
    assert_eq!(claims[0].original.as_deref(), original);
    claims
}

#[test]
fn replacements_and_voids_name_the_claim_they_correct_with_a_reference_of_their_own() {
    use crate::claim::Action;
    use crate::x277;
    let directory = directory();
    let amounts = Amounts::default();
    let prepare = |c: &SourceClaim| claim::prepare(c, 0, 7, &directory, &amounts, &[1; 32]);
    let original = prepare(&read("clinic-a.837").0[0]).expect("original");
    assert_eq!(original[0].action, Action::Submit);
    let replaced = corrected("7", Some("42"));
    let replacement = prepare(&replaced[0]).expect("replacement");
    assert_eq!(replacement[0].action, Action::Replace(42));
    assert_ne!(
        replacement[0].submission.reference, original[0].submission.reference,
        "a replacement is found on chain by its own reference"
    );
    assert_eq!(
        prepare(&replaced[0]).expect("again")[0]
            .submission
            .reference,
        replacement[0].submission.reference
    );
    let void = prepare(&corrected("8", Some("42"))[0]).expect("void");
    assert_eq!(void[0].action, Action::Void(42));
    // Rejected before anything is sent, each with its 277CA status.
    let rejection = |claim: &SourceClaim| {
        prepare(claim)
            .expect_err("rejected")
            .rejection
            .map(|r| r.status)
    };
    assert_eq!(
        rejection(&corrected("7", None)[0]),
        Some(x277::NO_ORIGINAL.status)
    );
    assert_eq!(
        rejection(&corrected("8", Some("ICN-42"))[0]),
        Some(x277::ORIGINAL_NOT_FOUND.status)
    );
    assert_eq!(
        rejection(&corrected("5", None)[0]),
        Some(x277::FREQUENCY.status)
    );
    // PCN-A-0004 spans two service dates: two on-chain claims, one REF*F8.
    assert_eq!(
        rejection(&corrected("7", Some("42"))[3]),
        Some(x277::ORIGINAL_SPLIT.status)
    );
}

/// The parsed transaction set of sample `name`, in the tool's grammar.
fn parsed(name: &str) -> crate::x837p::_837 {
    use x12_types::util::Parser as _;
    let (_, text) = sample(name);
    let flat = x837::normalize(&text).expect("X12");
    let (_, transmission) =
        x12_types::v005010::Transmission::<crate::x837p::_837>::parse(flat.as_str())
            .expect("an 837P");
    transmission.functional_group[0].segments[0].clone()
}

#[test]
fn every_situational_loop_of_the_professional_claim_is_read() {
    use crate::ack;
    use x12_types::util::Parser as _;
    for name in [
        "ambulance.837",
        "spinal.837",
        "drug.837",
        "cob.837",
        "attachment.837",
        "form.837",
        "repeats.837",
        "cob-primary.837",
    ] {
        let (claims, problems) = read(name);
        if matches!(name, "cob.837" | "repeats.837") {
            // Read whole, and answered: this plan is secondary there (2000B SBR*S).
            assert_eq!(problems.len(), 1, "{name}: {problems:?}");
            assert_eq!(
                problems[0].rejection,
                Some(crate::x277::NOT_PRIMARY),
                "{name}"
            );
        } else {
            assert!(problems.is_empty(), "{name}: {problems:?}");
            assert!(!claims.is_empty(), "{name}");
        }
        let (_, text) = sample(name);
        let (_, groups) = ack::groups(&text).expect(name);
        assert!(
            groups
                .iter()
                .flat_map(|g| &g.sets)
                .all(|s| s.error.is_none()),
            "{name}: {groups:?}"
        );
    }
    let first_claim = |name: &str| {
        parsed(name)
            .loop_2000
            .into_iter()
            .flat_map(|l| l.loop_2300)
            .next()
            .expect("a claim")
    };
    let codes = |names: Vec<String>| names.join(",");
    // Ambulance: two certification segments, transport, pick-up and drop-off.
    let ambulance = first_claim("ambulance.837");
    assert_eq!(ambulance.crc.len(), 2);
    assert!(ambulance.cr1.is_some());
    assert_eq!(
        codes(
            ambulance
                .loop_2310
                .iter()
                .map(|l| l.nm1._01.to_string())
                .collect()
        ),
        "PW,45"
    );
    assert_eq!(ambulance.loop_2400[0].qty.len(), 1);
    // Coordination of benefits: the other payer's two adjustment groups and parties.
    let cob = first_claim("cob.837");
    assert_eq!(cob.loop_2320[0].cas.len(), 2);
    assert_eq!(
        codes(
            cob.loop_2320[0]
                .loop_2330
                .iter()
                .map(|l| l.nm1._01.to_string())
                .collect()
        ),
        "IL,PR"
    );
    assert!(cob.loop_2400.iter().all(|l| !l.loop_2430.is_empty()));
    // A drug's NDC, spinal manipulation, attachments, a DME form.
    let drug = first_claim("drug.837");
    assert!(drug.loop_2400.iter().any(|l| !l.loop_2410.is_empty()));
    assert!(first_claim("spinal.837").cr2.is_some());
    let attachment = first_claim("attachment.837");
    assert_eq!(attachment.pwk.len(), 2);
    assert!(attachment.loop_2400.iter().all(|l| !l.pwk.is_empty()));
    assert!(first_claim("form.837")
        .loop_2400
        .iter()
        .any(|l| !l.loop_2440.is_empty()));
    // Why the tool has its own grammar: x12-types' refuses the ambulance claim.
    let (_, text) = sample("ambulance.837");
    let flat = x837::normalize(&text).expect("X12");
    assert!(
        x12_types::v005010::Transmission::<x12_types::v005010::_837>::parse(flat.as_str()).is_err()
    );
}

/// Every claim of `text` and every 999 and 277CA answer, read without a panic.
fn read_all(
    text: &str,
) -> (
    Vec<SourceClaim>,
    Vec<claim::Problem>,
    Vec<crate::ack::GroupAck>,
    Option<String>,
) {
    let (claims, problems) = x837::read("f.837", text);
    let groups = crate::ack::groups(text).map(|(_, g)| g).unwrap_or_default();
    let answer = |_: usize| crate::x277::Answer::Accepted {
        id: 1,
        refused: Vec::new(),
    };
    let x277 = crate::x277::x277(&ack_envelope(), "X", text, &answer);
    (claims, problems, groups, x277)
}

/// The segment, element and IK4 code the 999 rejects the first set of `groups` for.
fn element_rejection(groups: &[crate::ack::GroupAck]) -> (String, usize, u8) {
    match &groups[0].sets[0].error {
        Some(crate::ack::Rejection::Element {
            segment,
            element,
            code,
            ..
        }) => (segment.clone(), *element, *code),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_segment_short_of_a_mandatory_element_is_answered_not_a_crash() {
    let (_, text) = sample("clinic-a.837");
    // DTP03 left out (X12 lets trailing elements go; x12-types' parser would panic).
    let at = text.find("DTP*472*D8*").expect("a service date");
    let end = at + text[at..].find('~').expect("its end");
    let short = format!("{}DTP*472*D8{}", &text[..at], &text[end..]);
    let (claims, problems, groups, x277) = read_all(&short);
    assert!(claims.is_empty(), "nothing read from the interchange");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].reason.contains("DTP03"), "{problems:?}");
    assert_eq!(problems[0].position, short[..at].matches('~').count() + 1);
    let (segment, element, code) = element_rejection(&groups);
    assert_eq!((segment.as_str(), element, code), ("DTP", 3, 1));
    let x999 = crate::ack::x999(&ack_envelope(), "X", &groups);
    assert!(x999.contains("IK4*3**1~\nIK5*R*5~"), "{x999}");
    assert_eq!(crate::ack::check(&x999), Ok((0, 1)));
    assert_eq!(x277, None, "no claim was read, none is answered");
    // Other short segments the grammar meets: each a problem, never a panic.
    for (from, to) in [
        ("HL*1**20*1~", "HL*1~"),
        ("ST*837*", "ST~\nXX*"),
        ("BHT*0019*", "BHT~\nXX*"),
    ] {
        if let Some(at) = text.find(from) {
            let broken = format!("{}{}{}", &text[..at], to, &text[at + from.len()..]);
            let (claims, problems, _, _) = read_all(&broken);
            assert!(
                claims.is_empty() && !problems.is_empty(),
                "{from}: {problems:?}"
            );
        }
    }
    let short_gs = text.replacen("GS*HC*", "GS*HC~\nXX*", 1);
    let (claims, problems, _, _) = read_all(&short_gs);
    assert!(
        claims.is_empty() && problems[0].reason.contains("GS02"),
        "{problems:?}"
    );
}

#[test]
fn a_character_outside_ascii_is_answered_not_read_short() {
    let (_, text) = sample("clinic-a.837");
    // CLM01 with a typographic apostrophe: x12-types would end the element there and
    // drop the rest of the segment (CLM05, its frequency code among it).
    let at = text.find("\nCLM*").expect("a claim") + 5;
    let broken = format!("{}O\u{2019}BRIEN-{}", &text[..at], &text[at..]);
    let (claims, problems, groups, x277) = read_all(&broken);
    assert!(claims.is_empty());
    assert!(problems[0].reason.contains("CLM01"), "{problems:?}");
    let (segment, element, code) = element_rejection(&groups);
    assert_eq!((segment.as_str(), element, code), ("CLM", 1, 6));
    assert_eq!(x277, None);
}

#[test]
fn the_reader_the_999_and_the_277_stop_at_the_same_set() {
    use crate::ack::Rejection;
    let (_, other) = sample("not-an-837.txt");
    let (_, clinic) = sample("clinic-a.837");
    // A 270 interchange, then an 837P: reading stops at the first; nothing of the
    // second is read, acknowledged or answered.
    let both = format!("{}\n{}", other.trim_end(), clinic);
    let (claims, problems, groups, x277) = read_all(&both);
    assert!(claims.is_empty());
    assert!(problems[0].reason.contains("not an 837P"), "{problems:?}");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].sets[0].error, Some(Rejection::NotSupported));
    assert_eq!(x277, None);
    // An 837P group, then a group of another version in the same interchange: its set
    // is rejected by the 999, not read, not answered; the first group's claims are.
    let gs = clinic.find("GS*").expect("GS");
    let ge = clinic.find("GE*").expect("GE");
    let ge_end = ge + clinic[ge..].find('~').expect("GE end") + 1;
    let group = &clinic[gs..ge_end];
    let old = group
        .replace("005010X222A1", "004010X098A1")
        .replace("005010X222A2", "004010X098A1");
    let mixed = format!("{}\n{}{}", &clinic[..ge_end], old, &clinic[ge_end..]);
    let (alone, _) = x837::read("f.837", &clinic);
    let (claims, problems, groups, x277) = read_all(&mixed);
    assert_eq!(
        claims.len(),
        alone.len(),
        "the first group's claims: {problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.reason.contains("is no 837P")),
        "{problems:?}"
    );
    assert_eq!(groups.len(), 2);
    assert!(groups[0].sets.iter().all(|s| s.error.is_none()));
    assert!(groups[1]
        .sets
        .iter()
        .all(|s| s.error == Some(Rejection::NotSupported)));
    let x999 = crate::ack::x999(&ack_envelope(), "X", &groups);
    assert!(x999.contains("AK9*A*"), "{x999}");
    assert!(x999.contains("IK5*R*1~\nAK9*R*"), "{x999}");
    // A group with an 837P set and another: partly accepted.
    let mut partly = groups.clone();
    let other = partly[1].sets.clone();
    partly[0].sets.extend(other);
    let x999 = crate::ack::x999(&ack_envelope(), "X", &partly[..1]);
    assert!(x999.contains("AK9*P*"), "{x999}");
    let x277 = x277.expect("the 837P group answered");
    let answered = x277.matches("\nST*277*").count();
    assert_eq!(answered, groups[0].sets.len(), "{x277}");
}

#[test]
fn a_correction_naming_two_different_claims_corrects_none() {
    let (file, text) = sample("clinic-a.837");
    let clm = "CLM*PCN-A-0001*180.00***11:B:1*Y*A*Y*Y~";
    assert!(text.contains(clm));
    let twice = text.replacen(
        clm,
        "CLM*PCN-A-0001*180.00***11:B:7*Y*A*Y*Y~\nREF*F8*42~\nREF*F8*43~",
        1,
    );
    let (claims, problems) = x837::read(&file, &twice);
    assert!(claims.iter().all(|c| c.clm01 != "PCN-A-0001"));
    let problem = problems
        .iter()
        .find(|p| p.claim.as_deref() == Some("PCN-A-0001"))
        .expect("the claim's problem");
    assert!(problem.reason.contains("42, 43"), "{problem:?}");
    assert_eq!(
        problem.rejection.map(|r| r.status),
        Some(crate::x277::ORIGINAL_NOT_FOUND.status)
    );
    // The same claim named twice is no contradiction.
    let same = text.replacen(
        clm,
        "CLM*PCN-A-0001*180.00***11:B:7*Y*A*Y*Y~\nREF*F8*42~\nREF*F8*42~",
        1,
    );
    let (claims, _) = x837::read(&file, &same);
    assert_eq!(claims[0].original.as_deref(), Some("42"));
}

#[test]
fn csv_text_that_x12_cannot_carry_is_a_problem_not_an_835() {
    let (file, text) = sample("clinic-a.csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let row = lines.next().expect("a row");
    let reference = row.split(',').next().expect("claim_ref");
    for bad in [
        "AB\u{2019}12",
        "AB~ST*999",
        "AB*12",
        "0123456789012345678901234567890123456789",
    ] {
        let broken = format!("{header}\n{}\n", row.replacen(reference, bad, 1));
        let (claims, problems) = csvin::read(&file, &broken);
        assert!(claims.is_empty(), "{bad}: {claims:?}");
        assert!(problems[0].reason.contains("claim_ref"), "{problems:?}");
    }
}

#[test]
fn a_sender_x12_cannot_carry_gets_no_999_and_no_crash() {
    let (_, text) = sample("clinic-a.837");
    // ISA06 with a typographic apostrophe, padded so that the ISA keeps its 106 bytes
    // (the apostrophe takes three): the file still reads as X12, its sender does not.
    let isa06 = text.split('*').nth(6).expect("ISA06").to_string();
    assert_eq!(isa06.len(), 15);
    let bad = format!("{:<13}", "ACME\u{2019}");
    assert_eq!(bad.len(), 15);
    let broken = text.replacen(&isa06, &bad, 1);
    assert!(x837::normalize(&broken).is_ok());
    let (claims, problems, groups, x277) = read_all(&broken);
    assert!(claims.is_empty(), "{problems:?}");
    assert!(problems[0].reason.contains("ISA06"), "{problems:?}");
    assert!(groups.is_empty());
    assert_eq!(x277, None);
    assert_eq!(crate::ack::groups(&broken).map(|(sender, _)| sender), None);
    // A blank sender: nothing could answer the file, so nothing of it is read.
    let blank = text.replacen(&isa06, &" ".repeat(15), 1);
    let (claims, problems, groups, _) = read_all(&blank);
    assert!(claims.is_empty() && groups.is_empty());
    assert!(problems[0].reason.contains("ISA06"), "{problems:?}");
}

/// `text` with `segment` inserted after the first segment starting with `anchor`, the
/// transaction's segment count (SE01) kept right.
fn with_segment(text: &str, anchor: &str, segment: &str) -> String {
    let at = text.find(&format!("\n{anchor}")).expect("the anchor") + 1;
    let end = at + text[at..].find("~\n").expect("its end") + 2;
    let out = format!("{}{segment}~\n{}", &text[..end], &text[end..]);
    let se = out.find("\nSE*").expect("SE") + 1;
    let count_end = se + 3 + out[se + 3..].find('*').expect("SE01");
    let count: usize = out[se + 3..count_end].parse().expect("a count");
    format!("{}SE*{}{}", &out[..se], count + 1, &out[count_end..])
}

/// The claims and problems of `text`, with its 277CA as the tool answers it (a claim
/// with a problem rejected for it, the others accepted), and whether the 999 accepts it.
fn cob_answer(text: &str) -> (Vec<SourceClaim>, Vec<claim::Problem>, String, bool) {
    let (claims, problems) = x837::read("f.837", text);
    let groups = crate::ack::groups(text).map(|(_, g)| g).unwrap_or_default();
    let accepted = groups
        .iter()
        .flat_map(|g| &g.sets)
        .all(|s| s.error.is_none());
    let rejected = crate::x277::problem_answers(&problems);
    let answer = |ordinal: usize| {
        rejected
            .get(&ordinal)
            .cloned()
            .unwrap_or(crate::x277::Answer::Accepted {
                id: 1,
                refused: Vec::new(),
            })
    };
    let x277 = crate::x277::x277(&ack_envelope(), "X", text, &answer).unwrap_or_default();
    (claims, problems, x277, accepted)
}

#[test]
fn a_claim_on_which_this_plan_is_secondary_is_rejected_a3_171_and_nothing_is_sent() {
    let (_, text) = sample("cob.837");
    let (claims, problems, x277, accepted) = cob_answer(&text);
    assert!(accepted, "the 999 accepts the set");
    assert!(claims.is_empty(), "nothing to submit: {claims:?}");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].rejection, Some(crate::x277::NOT_PRIMARY));
    assert_eq!(problems[0].claim.as_deref(), Some("PCN-COB-0001"));
    assert!(problems[0].reason.contains("not primary"), "{problems:?}");
    assert!(x277.contains("STC*A3:171*"), "{x277}");
    assert!(x277.contains("*A3:286~"), "{x277}");
    assert!(!x277.contains("REF*1K"), "no claim id: {x277}");
}

#[test]
fn a_primary_claim_naming_a_secondary_payer_is_read() {
    let (claims, problems) = read("cob-primary.837");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].lines.len(), 2);
}

#[test]
fn a_primary_claim_carrying_another_payers_adjudication_is_a_relational_error() {
    let (_, text) = sample("cob-primary.837");
    for (anchor, segment) in [
        ("SBR*S*", "AMT*D*103.50"),
        ("SBR*S*", "AMT*EAF*25.00"),
        ("SBR*S*", "AMT*A8*5.00"),
        ("SBR*S*", "CAS*PR*1*15.00"),
        // A prior payment of nothing, or a negative one, is a prior payment still.
        ("SBR*S*", "AMT*D*0"),
        ("SBR*S*", "AMT*D*-103.50"),
        ("NM1*PR*2*TEST OTHER PAYER", "DTP*573*D8*20261120"),
        ("DTP*472*", "SVD*TESTPAYER02*90.00*HC:99213**1"),
    ] {
        let claim = with_segment(&text, anchor, segment);
        let (claims, problems, x277, accepted) = cob_answer(&claim);
        assert!(accepted, "{segment}: the 999 accepts the set");
        assert!(claims.is_empty(), "{segment}: {claims:?}");
        assert_eq!(
            problems.iter().map(|p| p.rejection).collect::<Vec<_>>(),
            vec![Some(crate::x277::PRIOR_ON_PRIMARY)],
            "{segment}: {problems:?}"
        );
        assert!(x277.contains("STC*A8:171*"), "{segment}: {x277}");
    }
}

#[test]
fn a_claim_whose_subscriber_does_not_say_primary_is_rejected() {
    let (_, text) = sample("cob-primary.837");
    let primary = "SBR*P*18*TESTGRP01******CI~\n";
    assert!(text.contains(primary));
    for replacement in [
        "SBR*S*18*TESTGRP01******CI~\n",
        "SBR*T*18*TESTGRP01******CI~\n",
        "SBR*A*18*TESTGRP01******CI~\n",
        "SBR*U*18*TESTGRP01******CI~\n",
        "SBR*p*18*TESTGRP01******CI~\n",
    ] {
        let claim = text.replacen(primary, replacement, 1);
        let (claims, problems, x277, accepted) = cob_answer(&claim);
        assert!(accepted, "{replacement}: the 999 accepts the set");
        assert!(claims.is_empty(), "{replacement}");
        assert_eq!(
            problems.iter().map(|p| p.rejection).collect::<Vec<_>>(),
            vec![Some(crate::x277::NOT_PRIMARY)],
            "{replacement}: {problems:?}"
        );
        assert!(x277.contains("STC*A3:171*"), "{x277}");
    }
}

#[test]
fn a_void_is_not_refused_for_its_coordination_loops() {
    let (_, text) = sample("cob.837");
    let void = with_segment(
        &text.replacen("*11:B:1*", "*11:B:8*", 1),
        "CLM*",
        "REF*F8*42",
    );
    let (claims, problems) = x837::read("f.837", &void);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].frequency, "8");
    assert_eq!(claims[0].original.as_deref(), Some("42"));
}

/// 837P files nobody here wrote, from the directory `$CLAIMS_TOOL_EXTERNAL_837` (e.g. the
/// X12 guide's examples as LinuxForHealth/x12 ships them in
/// `src/tests/resources/837_005010X222A2`; not committed: their licence is not ours):
/// every file reads as X12 without a panic, the 999 acknowledges every set of it, and
/// every claim is either read or answered with a 277CA rejection (so none goes unanswered).
/// `CLAIMS_TOOL_EXTERNAL_837=DIR cargo test -p claims-tool -- --ignored external`.
#[test]
#[ignore = "needs $CLAIMS_TOOL_EXTERNAL_837"]
fn external_837_files_are_read_or_answered_claim_by_claim() {
    let dir = std::env::var("CLAIMS_TOOL_EXTERNAL_837").expect("$CLAIMS_TOOL_EXTERNAL_837");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("a directory")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no file in {dir}");
    let (mut read_claims, mut rejected) = (0, 0);
    for path in paths {
        // Read as the tool reads a file: bytes, lossily as text.
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        let name = path.display().to_string();
        let (claims, problems) = x837::read(&name, &text);
        let (_, groups) = crate::ack::groups(&text).unwrap_or_else(|| panic!("{name}: no X12"));
        assert!(!groups.is_empty(), "{name}: no group acknowledged");
        assert!(
            groups.iter().all(|g| !g.sets.is_empty()),
            "{name}: a group with no set acknowledged"
        );
        let sets = groups.iter().flat_map(|g| &g.sets);
        let accepted = sets.clone().filter(|s| s.error.is_none()).count();
        println!("{name}: 999 accepts {accepted} of {} sets", sets.count());
        let normalized = x837::normalize(&text).expect("X12");
        let clm_segments = normalized.lines().filter(|l| l.starts_with("CLM*")).count();
        let answered: std::collections::HashSet<usize> = claims
            .iter()
            .map(|c| c.ordinal)
            .chain(problems.iter().filter_map(|p| p.rejection.and(p.ordinal)))
            .collect();
        // In a file whose sets the 999 all accepts, every claim is answered (one with a set
        // rejected is answered by the 999 and is read no further).
        if groups
            .iter()
            .all(|g| g.sets.iter().all(|s| s.error.is_none()))
        {
            for ordinal in 0..clm_segments {
                assert!(
                    answered.contains(&ordinal),
                    "{name}: claim {ordinal} neither read nor answered: {problems:?}"
                );
            }
        }
        for problem in &problems {
            println!("{problem}");
        }
        read_claims += claims.len();
        rejected += problems.iter().filter(|p| p.rejection.is_some()).count();
    }
    println!("{read_claims} claims read, {rejected} rejected with a 277CA code");
}
