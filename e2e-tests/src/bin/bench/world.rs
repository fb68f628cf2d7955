//! The bench's world: the suite deployed on a [`Chain`], its parties licensed, a plan with
//! fees, an enrolled member with escrow, the payer's payment consent; optionally many
//! prior records of each kind.

use crate::chain::{Chain, Measured, Party};
use claims_adjudication::claims_adjudication::{ClaimLine, ClaimRequest, Coverage, PlanTerms};
use consent_registry::consent_registry::{ConsentKind, ConsentRequest};
use drink::AccountId32;
use e2e_tests::fixtures::{batch, line, payment_consent, PREFIX};
use e2e_tests::{call_data, ink_account};
use healthcare_traits::{
    CredentialKind, DataCategories, DataCategory, KindSet, Purpose, PurposeSet, DAY,
};
use ink::primitives::{AccountId, Hash};
use ink::selector_bytes;
use parity_scale_codec::Decode;
use staff_credentials::staff_credentials::CredentialRequest;
use std::time::Instant;

pub const OPERATOR: u8 = 1;
pub const PAYER: u8 = 2;
pub const PROVIDER: u8 = 3;
pub const PATIENT: u8 = 4;
pub const MAKER: u8 = 5;
pub const WHOLESALER: u8 = 6;
pub const PHARMACY: u8 = 7;
pub const NURSE: u8 = 8;
pub const OTHER: u8 = 9;
pub const SENSOR: u8 = 10;
/// clinical_trials: the trial sponsor and the IRB (the provider is the investigator, the
/// patient the participant).
pub const SPONSOR: u8 = 11;
pub const IRB: u8 = 12;
/// remote_monitoring: the device manufacturer (the provider registers and pairs, the
/// nurse is a second care-team member).
pub const DEVICE_MAKER: u8 = 13;

/// One measured call.
#[derive(Clone, Debug)]
pub struct Cost {
    pub contract: &'static str,
    pub message: String,
    pub ref_time: u64,
    pub proof_size: u64,
    pub deposit: i128,
}

pub struct World {
    pub chain: Box<dyn Chain>,
    pub token: AccountId32,
    pub credentials: AccountId32,
    pub consent: AccountId32,
    pub provenance: AccountId32,
    pub claims: AccountId32,
    pub trials: AccountId32,
    /// remote_monitoring.
    pub monitoring: AccountId32,
    pub now: u64,
    pub costs: Vec<Cost>,
}

pub type CredErr = staff_credentials::staff_credentials::Error;
pub type ConsErr = consent_registry::consent_registry::Error;
pub type DrugErr = drug_provenance::drug_provenance::Error;
pub type ClaimErr = claims_adjudication::claims_adjudication::Error;
pub type TrialErr = clinical_trials::clinical_trials::Error;
pub type RpmErr = remote_monitoring::remote_monitoring::Error;

/// The message's value from a call's return data.
pub fn decode<T: Decode>(measured: &Measured) -> T {
    <Result<T, ink::LangError>>::decode(&mut &measured.data[..])
        .unwrap_or_else(|e| panic!("undecodable return value: {e}"))
        .unwrap_or_else(|e| panic!("not dispatched: {e:?}"))
}

impl World {
    /// The ink! account of party `n`.
    pub fn id(&self, n: u8) -> AccountId {
        ink_account(&self.chain.id(Party::N(n)))
    }

    /// The address of the contract called `name` (`baseline_token` or one of the suite).
    pub fn address(&self, name: &str) -> AccountId32 {
        match name {
            "baseline_token" => self.token.clone(),
            "staff_credentials" => self.credentials.clone(),
            "consent_registry" => self.consent.clone(),
            "drug_provenance" => self.provenance.clone(),
            "clinical_trials" => self.trials.clone(),
            "remote_monitoring" => self.monitoring.clone(),
            _ => self.claims.clone(),
        }
    }

    /// A call that is dispatched (kept unless it reverts); its decoded value and costs.
    pub fn outcome<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: Party,
        data: Vec<u8>,
        value: u128,
    ) -> (T, Measured) {
        let measured = self.chain.call(contract, caller, data, value, true);
        (decode(&measured), measured)
    }

    /// A call that is dispatched, not measured; returns its decoded value.
    pub fn call<T: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        self.outcome(contract, Party::N(caller), data, value).0
    }

    /// A read by the operator (a dry run).
    pub fn query<T: Decode>(&mut self, contract: &AccountId32, data: Vec<u8>) -> T {
        decode(
            &self
                .chain
                .call(contract, Party::N(OPERATOR), data, 0, false),
        )
    }

    /// Calls and records the cost under `contract.message`; returns the decoded value.
    pub fn measure<T: Decode>(
        &mut self,
        contract_name: &'static str,
        message: &str,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        let contract = self.address(contract_name);
        let (value, measured) = self.outcome::<T>(&contract, Party::N(caller), data, value);
        self.costs.push(Cost {
            contract: contract_name,
            message: message.to_string(),
            ref_time: measured.ref_time,
            proof_size: measured.proof_size,
            deposit: measured.deposit,
        });
        value
    }

    /// [`World::measure`] of a message that must succeed.
    pub fn ok<T: Decode + std::fmt::Debug, E: Decode + std::fmt::Debug>(
        &mut self,
        contract_name: &'static str,
        message: &str,
        caller: u8,
        data: Vec<u8>,
        value: u128,
    ) -> T {
        let value = self
            .measure::<Result<T, E>>(contract_name, message, caller, data, value)
            .unwrap_or_else(|e| panic!("{contract_name}.{message}: {e:?}"));
        if let Some(cost) = self.costs.last() {
            assert!(
                cost.ref_time > 0,
                "{contract_name}.{message} consumed nothing"
            );
        }
        value
    }

    /// A claim of the bench's patient by its provider.
    pub fn claim(&self, plan: u32, service_date: u64, lines: Vec<ClaimLine>) -> ClaimRequest {
        ClaimRequest {
            plan,
            member: self.id(PATIENT),
            provider: self.id(PROVIDER),
            service_date,
            emergency: false,
            lines,
        }
    }

    /// Issues `subject` a credential of `kind`, valid from a year before now to a year
    /// after.
    fn issue(&mut self, subject: u8, kind: CredentialKind) {
        let request = e2e_tests::fixtures::credential(self.id(subject), kind, self.now);
        let registry = self.credentials.clone();
        let issued = self.call::<Result<u64, CredErr>>(
            &registry,
            OPERATOR,
            call_data(selector_bytes!("issue"), (request,)),
            0,
        );
        assert!(issued.is_ok(), "issue {kind:?}: {issued:?}");
    }
}

pub fn terms(now: u64) -> PlanTerms {
    PlanTerms {
        deductible: 500,
        copay: 20,
        coinsurance_bps: 2_000,
        oop_max: 1_000,
        timely_filing: 90 * DAY,
        review_threshold: 5_000,
        year_start: now - 100 * DAY,
        max_units: 100,
    }
}

/// The suite deployed, its actors licensed, a plan with fees, a member and escrow, the
/// payer's payment consent; then `prior` records of each kind.
pub fn world(chain: Box<dyn Chain>, prior: u32) -> World {
    let mut w = deploy(chain);
    w.open_plan();
    let plan3 = w.open_prior_plan();
    w.add_prior(prior, plan3);
    w
}

/// The suite deployed (with the baseline token), every actor funded and licensed.
fn deploy(mut chain: Box<dyn Chain>) -> World {
    for n in OPERATOR..=DEVICE_MAKER {
        chain.fund(Party::N(n));
    }
    let now = chain.time();
    let operator = ink_account(&chain.id(Party::N(OPERATOR)));
    let token = chain.deploy(
        "baseline_token",
        call_data(selector_bytes!("new"), (1_000_000_000_000u128,)),
    );
    let credentials = chain.deploy(
        "staff_credentials",
        call_data(
            selector_bytes!("new"),
            (
                operator,
                vec![(operator, KindSet::of(&CredentialKind::ALL))],
            ),
        ),
    );
    let c = ink_account(&credentials);
    let consent = chain.deploy(
        "consent_registry",
        call_data(selector_bytes!("new"), (operator, c)),
    );
    let provenance = chain.deploy(
        "drug_provenance",
        call_data(selector_bytes!("new"), (operator, c, vec![operator])),
    );
    let monitoring = chain.deploy(
        "remote_monitoring",
        call_data(selector_bytes!("new"), (operator, c, ink_account(&consent))),
    );
    let claims = chain.deploy(
        "claims_adjudication",
        call_data(
            selector_bytes!("new"),
            (operator, c, ink_account(&consent), ink_account(&monitoring)),
        ),
    );
    let trials = chain.deploy(
        "clinical_trials",
        call_data(
            selector_bytes!("new"),
            (operator, c, ink_account(&consent), vec![operator]),
        ),
    );
    let mut w = World {
        chain,
        token,
        credentials,
        consent,
        provenance,
        claims,
        trials,
        monitoring,
        now,
        costs: Vec::new(),
    };
    for (who, kind) in [
        (PAYER, CredentialKind::PayerLicence),
        (PROVIDER, CredentialKind::MedicalLicence),
        (NURSE, CredentialKind::NursingLicence),
        (MAKER, CredentialKind::ManufacturerLicence),
        (WHOLESALER, CredentialKind::WholesaleDistributorLicence),
        (PHARMACY, CredentialKind::PharmacyLicence),
        (SPONSOR, CredentialKind::TrialSponsor),
        (IRB, CredentialKind::EthicsCommittee),
        (DEVICE_MAKER, CredentialKind::DeviceManufacturer),
    ] {
        w.issue(who, kind);
    }
    w
}

impl World {
    /// The prefix of the bench's manufacturer; plan 1 with its fees, the patient
    /// enrolled, its escrow funded; the patient's payment consent and care provider.
    fn open_plan(&mut self) {
        let now = self.now;
        let claims = self.claims.clone();
        let consent = self.consent.clone();
        let provenance = self.provenance.clone();
        let patient = self.id(PATIENT);
        let assigned = self.call::<Result<(), DrugErr>>(
            &provenance,
            1,
            call_data(
                selector_bytes!("assign_prefix"),
                (PREFIX.to_vec(), self.id(MAKER)),
            ),
            0,
        );
        assert_eq!(assigned, Ok(()));

        // Plan 1: fees, the patient enrolled, escrow; the patient's payment consent.
        let plan = self.call::<Result<u32, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("create_plan"), (terms(now),)),
            0,
        );
        assert_eq!(plan, Ok(1));
        // The provider names the payer its relay (the payer submits some of its claims).
        let payer = self.id(PAYER);
        let named = self.call::<Result<(), ClaimErr>>(
            &claims,
            PROVIDER,
            call_data(selector_bytes!("set_corrector"), (payer, true)),
            0,
        );
        assert_eq!(named, Ok(()));
        let mut fees: Vec<([u8; 5], Option<u128>)> =
            vec![(*b"99213", Some(100)), (*b"99999", Some(20_000))];
        for i in 0..20u8 {
            fees.push(([b'8', b'0', b'0', b'0' + i / 10, b'0' + i % 10], Some(40)));
        }
        let set = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("set_fees"), (1u32, fees)),
            0,
        );
        assert_eq!(set, Ok(()));
        let coverage = Coverage {
            start: now - 60 * DAY,
            end: None,
        };
        let enrolled = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("enroll"), (1u32, patient, coverage)),
            0,
        );
        assert_eq!(enrolled, Ok(()));
        let funded = self.call::<Result<u128, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("fund"), (1u32,)),
            100_000_000_000,
        );
        assert!(funded.is_ok());
        let request = payment_consent(patient, self.id(PAYER), now);
        let granted = self.call::<Result<u64, ConsErr>>(
            &consent,
            PATIENT,
            call_data(selector_bytes!("grant"), (request,)),
            0,
        );
        assert!(granted.is_ok());
        let named = self.call::<Result<u64, ConsErr>>(
            &consent,
            PATIENT,
            call_data(
                selector_bytes!("add_care_provider"),
                (patient, self.id(PROVIDER), now - 60 * DAY),
            ),
            0,
        );
        assert!(named.is_ok());
    }

    /// Plan 3, which takes the prior claims (plan 2 is created by the measurement), so
    /// that the measured member's accumulators in plan 1 are the same in both worlds.
    /// Returns its id.
    fn open_prior_plan(&mut self) -> u32 {
        let now = self.now;
        let claims = self.claims.clone();
        let patient = self.id(PATIENT);
        let coverage = Coverage {
            start: now - 60 * DAY,
            end: None,
        };
        let plan3 = self.call::<Result<u32, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("create_plan"), (terms(now),)),
            0,
        );
        let plan3 = plan3.expect("plan 3");
        let fees: Vec<([u8; 5], Option<u128>)> = vec![(*b"99213", Some(100))];
        let set = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("set_fees"), (plan3, fees)),
            0,
        );
        assert_eq!(set, Ok(()));
        let enrolled = self.call::<Result<(), ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("enroll"), (plan3, patient, coverage)),
            0,
        );
        assert_eq!(enrolled, Ok(()));
        let funded = self.call::<Result<u128, ClaimErr>>(
            &claims,
            PAYER,
            call_data(selector_bytes!("fund"), (plan3,)),
            100_000_000_000,
        );
        assert!(funded.is_ok());
        plan3
    }

    /// `prior` records of each kind: credentials, consents, batches, claims (in plan
    /// `plan3`).
    fn add_prior(&mut self, prior: u32, plan3: u32) {
        let now = self.now;
        let consent = self.consent.clone();
        let claims = self.claims.clone();
        let provenance = self.provenance.clone();
        let registry = self.credentials.clone();
        // Prior records.
        let started = Instant::now();
        for i in 0..prior {
            let request = CredentialRequest {
                subject: ink_account(&self.chain.id(Party::Bulk(i, 0xC1))),
                kind: CredentialKind::MedicalLicence,
                jurisdiction: *b"CA",
                specialty: None,
                identifier: b"LIC-0001".to_vec(),
                valid_from: now - DAY,
                valid_until: now + 365 * DAY,
                evidence_hash: Hash::from([1; 32]),
                verified_at: now,
            };
            let issued = self.call::<Result<u64, CredErr>>(
                &registry,
                OPERATOR,
                call_data(selector_bytes!("issue"), (request,)),
                0,
            );
            assert!(issued.is_ok());

            let patient_i = Party::Bulk(i, 0xC2);
            self.chain.fund(patient_i);
            let request = ConsentRequest {
                patient: ink_account(&self.chain.id(patient_i)),
                grantee: self.id(PROVIDER),
                kind: ConsentKind::Permit,
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                categories: DataCategories::of(&[DataCategory::Conditions]),
                valid_from: now,
                valid_until: None,
            };
            let (granted, _) = self.outcome::<Result<u64, ConsErr>>(
                &consent,
                patient_i,
                call_data(selector_bytes!("grant"), (request,)),
                0,
            );
            assert!(granted.is_ok());

            let request = batch(format!("P{i}").as_bytes(), 100, now);
            let registered = self.call::<Result<u64, DrugErr>>(
                &provenance,
                MAKER,
                call_data(selector_bytes!("register_batch"), (request,)),
                0,
            );
            assert!(registered.is_ok());

            let date = now - DAY - u64::from(i % 80) * DAY;
            let submitted = self.call::<Result<u64, ClaimErr>>(
                &claims,
                PAYER,
                call_data(
                    selector_bytes!("submit_claim"),
                    (self.claim(plan3, date, vec![line(b"99213", 120)]),),
                ),
                0,
            );
            assert!(submitted.is_ok());
            if (i + 1) % 1_000 == 0 {
                eprintln!(
                    "    {} prior records of each kind ({:.0} s)",
                    i + 1,
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
}
