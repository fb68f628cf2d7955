//! clinical_trials with a real staff_credentials and consent_registry on pallet-contracts
//! (drink sandbox, release WASM): enrolment refused without research consent, accepted
//! with it, refused after its revocation and after an amendment until re-consent; data
//! of a participant who revoked the research permit refused for later periods; a
//! withdrawal that stops later data; Merkle proofs checked on chain (a tampered one
//! refused); a site device registered only under its maker's attestation with its own
//! proof of possession; device batches whose signature the chain's `ecdsa_recover`
//! checks; an
//! overdue SUSAR reported late; outcome switching detected; broken peers that change
//! nothing; the time-locked code change.

use clinical_trials::clinical_trials::{
    AdverseEvent, Amendment, DataBatch, DeviceBatch, Error, EventReport, ReportStatus, Results,
    SafetySignalRaised, Seriousness, TrialRequest,
};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest, Error as ConsentError};
use drink::AccountId32 as Account;
use e2e_tests::events::EventCheck;
use e2e_tests::suite::{
    apply_as, assert_guardian_stops_an_upgrade, assert_real_upgrade, assert_unknown_code_refused,
    check_governance_events, deploy_suite, enact, issue, operator, Deployed,
};
use e2e_tests::{account, call_data, ink_account, selector, Sandbox};
use healthcare_traits::anchoring::{proof_of, root_of, Registration};
use healthcare_traits::signer::DeviceSigner;
use healthcare_traits::{
    Action, CredentialKind, DataCategories, DataCategory, PeerRole, Purpose, PurposeSet, DAY, HOUR,
};
use ink::primitives::Hash;
use ink::selector_bytes;

type Res<T> = Result<T, Error>;

fn h(b: u8) -> Hash {
    Hash::from([b; 32])
}

const CATEGORIES: [DataCategory; 2] = [DataCategory::LabResults, DataCategory::Conditions];

/// A licensed device maker.
const MAKER: u8 = 8;

/// The suite with one registered, approved trial and one site.
struct Trial {
    chain: Sandbox,
    consent: Account,
    trials: Account,
    sponsor: Account,
    irb: Account,
    site: Account,
}

impl Trial {
    fn new() -> Self {
        let mut chain = Sandbox::new();
        let Deployed {
            credentials,
            consent,
            trials,
            ..
        } = deploy_suite(&mut chain);
        let (sponsor, irb, site) = (account(2), account(3), account(4));
        issue(
            &mut chain,
            &credentials,
            &sponsor,
            CredentialKind::TrialSponsor,
        );
        issue(
            &mut chain,
            &credentials,
            &irb,
            CredentialKind::EthicsCommittee,
        );
        issue(
            &mut chain,
            &credentials,
            &site,
            CredentialKind::MedicalLicence,
        );
        issue(
            &mut chain,
            &credentials,
            &account(MAKER),
            CredentialKind::DeviceManufacturer,
        );
        let mut t = Self {
            chain,
            consent,
            trials,
            sponsor,
            irb,
            site,
        };
        let now = t.chain.time();
        let request = TrialRequest {
            protocol_hash: h(1),
            registration_hash: h(2),
            primary_outcome_hash: h(0x0c),
            target_enrolment: 10,
            primary_completion: now + 365 * DAY,
            irb: ink_account(&t.irb),
            categories: DataCategories::of(&CATEGORIES),
            signal_threshold: 3,
            signal_window: 7 * DAY,
        };
        let sponsor = t.sponsor.clone();
        assert_eq!(
            t.call::<Res<u32>>(&sponsor, "register_trial", (request,)),
            Ok(1)
        );
        let irb = t.irb.clone();
        assert_eq!(
            t.call::<Res<()>>(&irb, "approve_version", (1u32, 1u32)),
            Ok(())
        );
        let site = ink_account(&t.site);
        assert_eq!(
            t.call::<Res<()>>(&sponsor, "add_investigator", (1u32, site)),
            Ok(())
        );
        t
    }

    fn call<T: parity_scale_codec::Decode>(
        &mut self,
        who: &Account,
        message: &str,
        args: impl parity_scale_codec::Encode,
    ) -> T {
        let trials = self.trials.clone();
        self.chain
            .call::<T>(&trials, who, call_data(selector(message), args))
            .value
    }

    fn query<T: parity_scale_codec::Decode>(
        &mut self,
        message: &str,
        args: impl parity_scale_codec::Encode,
    ) -> T {
        let trials = self.trials.clone();
        self.chain
            .query(&trials, call_data(selector(message), args))
    }

    /// `patient` grants the sponsor research consent on the trial's categories; returns
    /// the consent id.
    fn grant_research(&mut self, patient: &Account) -> u64 {
        let now = self.chain.time();
        let request = ConsentRequest {
            patient: ink_account(patient),
            grantee: ink_account(&self.sponsor),
            kind: ConsentKind::Permit,
            purposes: PurposeSet::of(&[Purpose::Research]),
            categories: DataCategories::of(&CATEGORIES),
            valid_from: now,
            valid_until: None,
        };
        let consent = self.consent.clone();
        self.chain
            .call::<Result<u64, ConsentError>>(
                &consent,
                patient,
                call_data(selector_bytes!("grant"), (request,)),
            )
            .value
            .expect("grant")
    }

    fn consent_to_version(&mut self, patient: &Account, version: u32) -> Res<()> {
        let who = ink_account(patient);
        self.call(patient, "consent_to_version", (1u32, who, version, h(9)))
    }

    fn enrol(&mut self, patient: &Account) -> Res<u32> {
        let site = self.site.clone();
        self.call(&site, "enrol", (1u32, ink_account(patient)))
    }

    fn anchor(&mut self, participants: Vec<u32>, root: Hash, count: u32) -> Res<u64> {
        let now = self.chain.time();
        let site = self.site.clone();
        self.call(
            &site,
            "anchor_data",
            (1u32, participants, root, count, now - HOUR, now),
        )
    }
}

#[test]
fn enrolment_follows_consent_across_contracts() {
    let mut t = Trial::new();
    let (ann, ben) = (account(5), account(6));

    // Without research consent in consent_registry: refused, nothing written.
    assert_eq!(t.consent_to_version(&ann, 1), Ok(()));
    assert_eq!(t.enrol(&ann), Err(Error::NoResearchConsent));
    let nobody: Option<u32> = t.query("participant_number", (1u32, ink_account(&ann)));
    assert_eq!(nobody, None);

    // With it: enrolled.
    t.grant_research(&ann);
    assert_eq!(t.enrol(&ann), Ok(1));

    // Consent revoked in the registry: a second patient is refused after revoking.
    let id = t.grant_research(&ben);
    let consent = t.consent.clone();
    let revoked = t.chain.call::<Result<(), ConsentError>>(
        &consent,
        &ben,
        call_data(selector_bytes!("revoke"), (id,)),
    );
    assert_eq!(revoked.value, Ok(()));
    assert_eq!(t.consent_to_version(&ben, 1), Ok(()));
    assert_eq!(t.enrol(&ben), Err(Error::NoResearchConsent));
    let ben_permit = t.grant_research(&ben);

    // An amendment: nobody enrolled while it waits; once approved, ann's data and ben's
    // enrolment wait for their consent to version 2.
    let sponsor = t.sponsor.clone();
    let amendment = Amendment {
        protocol_hash: h(0x21),
        reason_hash: h(0x22),
        primary_outcome_hash: None,
        target_enrolment: None,
    };
    assert_eq!(
        t.call::<Res<u32>>(&sponsor, "propose_amendment", (1u32, amendment)),
        Ok(2)
    );
    assert_eq!(t.enrol(&ben), Err(Error::AmendmentPending));
    let irb = t.irb.clone();
    assert_eq!(
        t.call::<Res<()>>(&irb, "approve_version", (1u32, 2u32)),
        Ok(())
    );
    assert_eq!(t.enrol(&ben), Err(Error::NotConsentedToCurrentVersion));
    assert_eq!(
        t.anchor(vec![1], h(0x70), 1),
        Err(Error::NotConsentedToCurrentVersion)
    );
    assert_eq!(t.consent_to_version(&ben, 2), Ok(()));
    assert_eq!(t.enrol(&ben), Ok(2));
    assert_eq!(t.consent_to_version(&ann, 2), Ok(()));
    assert!(t.anchor(vec![1, 2], h(0x70), 2).is_ok());

    // ben revokes the sponsor's research permit in the registry (keeping his version
    // consent here): from then on a batch naming him is refused, ann's goes on.
    let revoked = t.chain.call::<Result<(), ConsentError>>(
        &consent,
        &ben,
        call_data(selector_bytes!("revoke"), (ben_permit,)),
    );
    assert_eq!(revoked.value, Ok(()));
    let later = t.chain.time() + 2 * HOUR;
    t.chain.set_time(later);
    assert_eq!(
        t.anchor(vec![1, 2], h(0x71), 2),
        Err(Error::NoResearchConsent)
    );
    assert!(t.anchor(vec![1], h(0x71), 1).is_ok());

    // A delegate appointed in consent_registry withdraws ann; her later data is refused.
    let carer = account(7);
    let now = t.chain.time();
    let appointed = t.chain.call::<Result<(), ConsentError>>(
        &consent,
        &ann,
        call_data(
            selector_bytes!("appoint_delegate"),
            (
                ink_account(&carer),
                consent_registry::consent_registry::Relationship::Guardian,
                now + 30 * DAY,
            ),
        ),
    );
    assert_eq!(appointed.value, Ok(()));
    let stranger = account(8);
    assert_eq!(
        t.call::<Res<()>>(&stranger, "withdraw", (1u32, ink_account(&ann))),
        Err(Error::NotActingForParticipant)
    );
    assert_eq!(
        t.call::<Res<()>>(&carer, "withdraw", (1u32, ink_account(&ann))),
        Ok(())
    );
    t.chain.set_time(now + HOUR + 1);
    assert_eq!(t.anchor(vec![1], h(0x71), 1), Err(Error::Withdrawn));
    assert_eq!(t.enrol(&ann), Err(Error::AlreadyEnrolled));
}

#[test]
fn merkle_proofs_and_device_signatures_are_checked_on_chain() {
    let mut t = Trial::new();
    let ann = account(5);
    t.grant_research(&ann);
    assert_eq!(t.consent_to_version(&ann, 1), Ok(()));
    assert_eq!(t.enrol(&ann), Ok(1));

    let records: Vec<Hash> = (0..7u8).map(|i| h(0x80 + i)).collect();
    let root = root_of(&records).expect("root");
    let batch = t.anchor(vec![1], root, 7).expect("anchor");
    for (i, record) in records.iter().enumerate() {
        let proof = proof_of(&records, i).expect("proof");
        let ok: bool = t.query("verify_inclusion", (batch, *record, proof.clone()));
        assert!(ok, "record {i}");
        let mut tampered = proof;
        tampered[0] = h(0xff);
        let refused: bool = t.query("verify_inclusion", (batch, *record, tampered));
        assert!(!refused, "tampered proof of record {i}");
    }
    let forged: bool = t.query(
        "verify_inclusion",
        (batch, h(0x99), proof_of(&records, 0).expect("proof")),
    );
    assert!(!forged);

    // A device its maker attested, registered by the site holding it, signs its
    // batches; a gateway relays them. A key no maker attested is refused.
    let device = DeviceSigner::from_seed(1);
    let other = DeviceSigner::from_seed(2);
    let site = t.site.clone();
    let maker = ink_account(&account(MAKER));
    assert_eq!(
        t.call::<Res<()>>(
            &account(MAKER),
            "attest_devices",
            (h(0x4d), vec![device.key()])
        ),
        Ok(())
    );
    let issued_at = t.chain.time();
    for signer in [&device, &other] {
        let registration = Registration {
            registrant: ink_account(&site),
            key: signer.key(),
            scope: 1,
            issued_at,
        };
        let hash: Hash = t.query("registration_hash", (registration,));
        let args = (1u32, signer.key(), maker, issued_at, signer.sign(&hash));
        let expected = if signer.key() == device.key() {
            Ok(())
        } else {
            Err(Error::NotAttested)
        };
        assert_eq!(t.call::<Res<()>>(&site, "register_device", args), expected);
    }
    let now = t.chain.time();
    let readings = DeviceBatch {
        device: device.key(),
        trial: 1,
        participant: 1,
        root: h(0x70),
        count: 24,
        from: now - 2 * HOUR,
        until: now - HOUR,
        sequence: 1,
    };
    let hash: Hash = t.query("device_batch_hash", (readings,));
    let gateway = account(9);
    let trials = t.trials.clone();
    let forged = t.chain.call::<Res<u64>>(
        &trials,
        &gateway,
        call_data(
            selector("anchor_device_data"),
            (readings, other.sign(&hash)),
        ),
    );
    assert_eq!(forged.value, Err(Error::BadSignature));
    assert!(forged.reverted);
    assert_eq!(forged.events, 0);
    let signed = t.chain.call::<Res<u64>>(
        &trials,
        &gateway,
        call_data(
            selector("anchor_device_data"),
            (readings, device.sign(&hash)),
        ),
    );
    println!(
        "anchor_device_data (ecdsa_recover on chain): ref_time {} proof_size {}",
        signed.ref_time, signed.proof_size
    );
    let id = signed.value.expect("signed batch");
    let anchored: Option<DataBatch> = t.query("batch", (id,));
    assert_eq!(anchored.expect("batch").device, Some(device.key()));
    let replay = t.chain.call::<Res<u64>>(
        &trials,
        &gateway,
        call_data(
            selector("anchor_device_data"),
            (readings, device.sign(&hash)),
        ),
    );
    assert_eq!(replay.value, Err(Error::StaleBatch));
}

#[test]
fn safety_reports_run_the_clock_and_results_are_judged() {
    let mut t = Trial::new();
    let ann = account(5);
    t.grant_research(&ann);
    assert_eq!(t.consent_to_version(&ann, 1), Ok(()));
    assert_eq!(t.enrol(&ann), Ok(1));
    let now = t.chain.time();
    let report = |seriousness| EventReport {
        trial: 1,
        participant: 1,
        seriousness,
        expected: false,
        suspected: true,
        onset: now,
        report_hash: h(0x5a),
    };
    let site = t.site.clone();
    assert_eq!(
        t.call::<Res<u64>>(
            &site,
            "report_adverse_event",
            (report(Seriousness::LifeThreatening),)
        ),
        Ok(1)
    );
    assert_eq!(
        t.call::<Res<u64>>(
            &site,
            "report_adverse_event",
            (report(Seriousness::Hospitalisation),)
        ),
        Ok(2)
    );
    let trials = t.trials.clone();
    let third = t.chain.call::<Res<u64>>(
        &trials,
        &site,
        call_data(
            selector("report_adverse_event"),
            (report(Seriousness::Disability),),
        ),
    );
    assert_eq!(third.value, Ok(3));
    let signals: Vec<SafetySignalRaised> = third.events_of(&trials);
    assert_eq!(
        signals.len(),
        1,
        "the third serious event reaches the threshold"
    );

    // Eight days later the life-threatening SUSAR is overdue (7 days), the other pending.
    t.chain.set_time(now + 8 * DAY);
    let open: Vec<(AdverseEvent, ReportStatus)> = t.query("open_susars", (1u32, 0u32, 10u32));
    let statuses: Vec<ReportStatus> = open.iter().map(|(_, s)| *s).collect();
    assert_eq!(statuses.len(), 3);
    assert_eq!(statuses[0], ReportStatus::Overdue);
    assert!(statuses[1..].iter().all(|s| *s == ReportStatus::Pending));
    let sponsor = t.sponsor.clone();
    assert_eq!(
        t.call::<Res<ReportStatus>>(&sponsor, "report_susar", (1u64, h(0x61))),
        Ok(ReportStatus::Late)
    );
    assert_eq!(
        t.call::<Res<ReportStatus>>(&sponsor, "report_susar", (2u64, h(0x62))),
        Ok(ReportStatus::OnTime)
    );

    // An IRB or regulator may suspend enrolment; the sponsor may not.
    assert_eq!(
        t.call::<Res<()>>(&sponsor, "suspend_enrolment", (1u32, h(0x33))),
        Err(Error::NotOversight)
    );
    assert_eq!(
        t.call::<Res<()>>(&operator(), "suspend_enrolment", (1u32, h(0x33))),
        Ok(())
    );

    // Results on an outcome nobody registered or approved: switched, for all to see.
    let results: Res<Results> = t.call(&sponsor, "post_results", (1u32, h(0x44), h(0x0d)));
    let results = results.expect("posted");
    assert!(results.outcome_switched);
    assert!(!results.late);
}

/// `enrol` with the consent address switched (by the governor) to `peer`: a typed
/// error, nothing written, no event.
fn broken_consent_peer_changes_nothing(peer: Option<&str>, expected: Error) {
    let mut t = Trial::new();
    let ann = account(5);
    assert_eq!(t.consent_to_version(&ann, 1), Ok(()));
    let address = match peer {
        None => account(9),
        Some(name) => t
            .chain
            .deploy(name, &operator(), call_data(selector_bytes!("new"), ())),
    };
    let trials = t.trials.clone();
    let switched = enact(
        &mut t.chain,
        &trials,
        Action::Peer(PeerRole::Consent, ink_account(&address)),
    );
    assert_eq!(switched, Ok(()));
    let site = t.site.clone();
    let out = t.chain.call::<Res<u32>>(
        &trials,
        &site,
        call_data(selector("enrol"), (1u32, ink_account(&ann))),
    );
    assert_eq!(out.value, Err(expected), "{peer:?}");
    assert!(out.reverted);
    assert_eq!(out.events, 0);
    let nobody: Option<u32> = t.query("participant_number", (1u32, ink_account(&ann)));
    assert_eq!(nobody, None);
}

#[test]
fn a_consent_address_without_a_contract_is_a_typed_error() {
    broken_consent_peer_changes_nothing(None, Error::ConsentContractUnreachable);
}

#[test]
fn a_trapping_consent_contract_is_a_typed_error() {
    broken_consent_peer_changes_nothing(Some("trapping_peer"), Error::ConsentContractTrapped);
}

#[test]
fn code_changes_go_through_the_governor() {
    let mut t = Trial::new();
    let trials = t.trials.clone();
    assert_unknown_code_refused(&mut t.chain, &trials);
    assert_guardian_stops_an_upgrade(&mut t.chain, &trials);
    assert_real_upgrade(&mut t.chain, &trials, "clinical_trials");
    // Storage kept: the regulator named at instantiation.
    let regulator: bool = t.query("is_regulator", (ink_account(&operator()),));
    assert!(regulator);
}

/// Every event type of clinical_trials, decoded with its metadata (not its Rust types),
/// each field checked once: a table of calls and the events each must emit (on a second
/// trial, registered here).
#[test]
fn every_event_type_is_decoded_with_the_metadata_and_its_fields_checked() {
    let mut t = Trial::new();
    let mut check = EventCheck::new();
    let trials = t.trials.clone();
    let (sponsor, irb, site, ann) = (t.sponsor.clone(), t.irb.clone(), t.site.clone(), account(5));
    let (maker, gateway) = (account(MAKER), account(9));
    let now = t.chain.time();
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    fn call<T: parity_scale_codec::Decode + core::fmt::Debug>(
        t: &mut Trial,
        check: &mut EventCheck,
        who: &Account,
        message: &str,
        args: impl parity_scale_codec::Encode,
        events: &[String],
    ) -> T {
        let trials = t.trials.clone();
        t.chain.call_checked(
            check,
            &trials,
            who,
            call_data(selector(message), args),
            0,
            events,
        )
    }
    let categories = DataCategories::of(&CATEGORIES).0;
    let request = TrialRequest {
        protocol_hash: h(0x21),
        registration_hash: h(0x22),
        primary_outcome_hash: h(0x23),
        target_enrolment: 10,
        primary_completion: now + 365 * DAY,
        irb: ink_account(&irb),
        categories: DataCategories::of(&CATEGORIES),
        signal_threshold: 1,
        signal_window: 7 * DAY,
    };
    let r: Res<u32> = call(
        &mut t,
        &mut check,
        &sponsor,
        "register_trial",
        (request,),
        &[format!(
            "TrialRegistered {{ trial: 2, sponsor: @2, irb: @3, protocol_hash: [0x21; 32], \
             registration_hash: [0x22; 32], primary_outcome_hash: [0x23; 32], \
             target_enrolment: 10, primary_completion: {}, categories: DataCategories({categories}), \
             signal_threshold: 1, signal_window: {} }}",
            now + 365 * DAY,
            7 * DAY
        )],
    );
    assert_eq!(r, Ok(2));
    let steps: Vec<(&Account, &str, Vec<u8>, Vec<String>)> = vec![
        (
            &irb,
            "approve_version",
            parity_scale_codec::Encode::encode(&(2u32, 1u32)),
            vec!["VersionApproved { trial: 2, version: 1, irb: @3 }".into()],
        ),
        (
            &sponsor,
            "add_investigator",
            parity_scale_codec::Encode::encode(&(2u32, ink_account(&site))),
            vec!["InvestigatorChanged { trial: 2, investigator: @4, active: true }".into()],
        ),
    ];
    for (who, message, args, events) in steps {
        let mut data = selector(message).to_vec();
        data.extend(args);
        let r: Res<()> = t
            .chain
            .call_checked(&mut check, &trials, who, data, 0, &events);
        assert_eq!(r, Ok(()), "{message}");
    }
    t.grant_research(&ann);
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &ann,
        "consent_to_version",
        (2u32, ink_account(&ann), 1u32, h(9)),
        &["VersionConsented { trial: 2, version: 1, participant: @5, by: @5, form_hash: [0x09; 32] }"
            .into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<u32> = call(
        &mut t,
        &mut check,
        &site,
        "enrol",
        (2u32, ink_account(&ann)),
        &["ParticipantEnrolled { trial: 2, investigator: @4, number: 1, participant: @5, version: 1 }"
            .into()],
    );
    assert_eq!(r, Ok(1));
    let r: Res<u64> = call(
        &mut t,
        &mut check,
        &site,
        "anchor_data",
        (2u32, vec![1u32], h(0x70), 3u32, now - HOUR, now),
        &[format!(
            "DataAnchored {{ batch: 1, trial: 2, investigator: @4, device: None, root: [0x70; 32], \
             count: 3, participants: [1], from: {}, until: {now} }}",
            now - HOUR
        )],
    );
    assert_eq!(r, Ok(1));
    // A device its maker attested, registered by the site, signing a batch a gateway
    // relays; then retired.
    let device = DeviceSigner::from_seed(1);
    let key = hex(&device.key());
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &maker,
        "attest_devices",
        (h(0x4d), vec![device.key()]),
        &[format!(
            "DevicesAttested {{ maker: @8, model_hash: [0x4d; 32], keys: [0x{key}] }}"
        )],
    );
    assert_eq!(r, Ok(()));
    let registration = Registration {
        registrant: ink_account(&site),
        key: device.key(),
        scope: 2,
        issued_at: now,
    };
    let hash: Hash = t.query("registration_hash", (registration,));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &site,
        "register_device",
        (
            2u32,
            device.key(),
            ink_account(&maker),
            now,
            device.sign(&hash),
        ),
        &[format!(
            "DeviceChanged {{ trial: 2, investigator: @4, device: 0x{key}, retired: false }}"
        )],
    );
    assert_eq!(r, Ok(()));
    let readings = DeviceBatch {
        device: device.key(),
        trial: 2,
        participant: 1,
        root: h(0x71),
        count: 24,
        from: now - 2 * HOUR,
        until: now - HOUR,
        sequence: 1,
    };
    let hash: Hash = t.query("device_batch_hash", (readings,));
    let r: Res<u64> = call(
        &mut t,
        &mut check,
        &gateway,
        "anchor_device_data",
        (readings, device.sign(&hash)),
        &[format!(
            "DataAnchored {{ batch: 2, trial: 2, investigator: @4, device: Some(0x{key}), \
             root: [0x71; 32], count: 24, participants: [1], from: {}, until: {} }}",
            now - 2 * HOUR,
            now - HOUR
        )],
    );
    assert_eq!(r, Ok(2));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &site,
        "retire_device",
        (device.key(),),
        &[format!(
            "DeviceChanged {{ trial: 2, investigator: @4, device: 0x{key}, retired: true }}"
        )],
    );
    assert_eq!(r, Ok(()));
    // A serious, unexpected, suspected event: a SUSAR due in 7 days, and (threshold 1)
    // a safety signal; the sponsor reports it on time.
    let report = EventReport {
        trial: 2,
        participant: 1,
        seriousness: Seriousness::LifeThreatening,
        expected: false,
        suspected: true,
        onset: now,
        report_hash: h(0x5a),
    };
    let r: Res<u64> = call(
        &mut t,
        &mut check,
        &site,
        "report_adverse_event",
        (report,),
        &[
            format!(
                "AdverseEventReported {{ event: 1, trial: 2, participant: 1, \
                 seriousness: LifeThreatening, expected: false, suspected: true, onset: {now}, \
                 report_hash: [0x5a; 32], due: Some({}) }}",
                now + 7 * DAY
            ),
            // Windows are fixed: multiples of the signal window since the epoch.
            format!(
                "SafetySignalRaised {{ trial: 2, window_start: {}, serious_events: 1 }}",
                now / (7 * DAY) * (7 * DAY)
            ),
        ],
    );
    assert_eq!(r, Ok(1));
    let r: Res<ReportStatus> = call(
        &mut t,
        &mut check,
        &sponsor,
        "report_susar",
        (1u64, h(0x61)),
        &["SusarReported { event: 1, trial: 2, report_hash: [0x61; 32], status: OnTime }".into()],
    );
    assert_eq!(r, Ok(ReportStatus::OnTime));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &operator(),
        "suspend_enrolment",
        (2u32, h(0x33)),
        &[
            "EnrolmentSuspensionChanged { trial: 2, by: @1, suspended: true, \
           reason_hash: Some([0x33; 32]) }"
                .into(),
        ],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &operator(),
        "resume_enrolment",
        (2u32,),
        &[
            "EnrolmentSuspensionChanged { trial: 2, by: @1, suspended: false, reason_hash: None }"
                .into(),
        ],
    );
    assert_eq!(r, Ok(()));
    let amendment = Amendment {
        protocol_hash: h(0x24),
        reason_hash: h(0x25),
        primary_outcome_hash: None,
        target_enrolment: Some(20),
    };
    let r: Res<u32> = call(
        &mut t,
        &mut check,
        &sponsor,
        "propose_amendment",
        (2u32, amendment),
        &[
            "AmendmentProposed { trial: 2, version: 2, protocol_hash: [0x24; 32], \
           reason_hash: [0x25; 32], primary_outcome_hash: [0x23; 32], outcome_changed: false, \
           target_enrolment: 20 }"
                .into(),
        ],
    );
    assert_eq!(r, Ok(2));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &ann,
        "withdraw",
        (2u32, ink_account(&ann)),
        &["ParticipantWithdrew { trial: 2, number: 1, by: @5 }".into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<()> = call(
        &mut t,
        &mut check,
        &sponsor,
        "remove_investigator",
        (2u32, ink_account(&site)),
        &["InvestigatorChanged { trial: 2, investigator: @4, active: false }".into()],
    );
    assert_eq!(r, Ok(()));
    let r: Res<Results> = call(
        &mut t,
        &mut check,
        &sponsor,
        "post_results",
        (2u32, h(0x44), h(0x23)),
        &["ResultsPosted { trial: 2, results_hash: [0x44; 32], \
           reported_outcome_hash: [0x23; 32], late: false, outcome_switched: false }"
            .into()],
    );
    assert!(r.is_ok());
    // Regulators: appointed and removed by the governor.
    for (action, text, active) in [
        (
            Action::Regulator(ink_account(&account(7))),
            "Regulator(@7)",
            true,
        ),
        (
            Action::RemoveRegulator(ink_account(&account(7))),
            "RemoveRegulator(@7)",
            false,
        ),
    ] {
        let out = apply_as(&mut t.chain, &trials, &operator(), action);
        assert_eq!(out.value, Ok(()));
        check.expect(
            &out.decoded,
            &[
                format!("RegulatorChanged {{ regulator: @7, active: {active} }}"),
                format!("ActionApplied {{ action: {text}, governor: @1 }}"),
            ],
        );
    }
    check_governance_events(&mut t.chain, &trials, "clinical_trials", &mut check);
    check.assert_all_checked("clinical_trials");
}
