//! Purposes of use, data categories and the consent query other contracts make to
//! `consent_registry`.

use crate::{AccountId, Timestamp};
use ink::prelude::vec::Vec;

/// HL7 v3 PurposeOfUse, the subset the suite supports.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Purpose {
    /// `TREAT`: treatment.
    Treatment,
    /// `ETREAT`: emergency treatment (break-glass).
    EmergencyTreatment,
    /// `HPAYMT`: healthcare payment.
    Payment,
    /// `HOPERAT`: healthcare operations.
    Operations,
    /// `HRESCH`: healthcare research.
    Research,
    /// `PUBHLTH`: public health.
    PublicHealth,
}

impl Purpose {
    /// Every purpose, in encoding order.
    pub const ALL: [Purpose; 6] = [
        Purpose::Treatment,
        Purpose::EmergencyTreatment,
        Purpose::Payment,
        Purpose::Operations,
        Purpose::Research,
        Purpose::PublicHealth,
    ];

    /// This purpose's bit in a [`PurposeSet`].
    pub const fn bit(self) -> u8 {
        match self {
            Purpose::Treatment => 1 << 0,
            Purpose::EmergencyTreatment => 1 << 1,
            Purpose::Payment => 1 << 2,
            Purpose::Operations => 1 << 3,
            Purpose::Research => 1 << 4,
            Purpose::PublicHealth => 1 << 5,
        }
    }

    /// The HL7 v3 ActReason code.
    pub const fn hl7_code(self) -> &'static str {
        match self {
            Purpose::Treatment => "TREAT",
            Purpose::EmergencyTreatment => "ETREAT",
            Purpose::Payment => "HPAYMT",
            Purpose::Operations => "HOPERAT",
            Purpose::Research => "HRESCH",
            Purpose::PublicHealth => "PUBHLTH",
        }
    }
}

/// A set of [`Purpose`]s, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PurposeSet(pub u8);

impl PurposeSet {
    /// The set holding exactly the given purposes.
    pub fn of(purposes: &[Purpose]) -> PurposeSet {
        PurposeSet(purposes.iter().fold(0, |bits, p| bits | p.bit()))
    }
    /// True if `purpose` is in the set.
    pub const fn contains(self, purpose: Purpose) -> bool {
        self.0 & purpose.bit() != 0
    }
    /// True if the set holds no purpose.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// True if every bit set names a known [`Purpose`].
    pub const fn is_well_formed(self) -> bool {
        self.0 >> Purpose::ALL.len() == 0
    }
}

/// A category of health data (FHIR Consent `provision.class`). Mental health, substance
/// use and genomic data are the US "sensitive" categories that have rules of their own
/// and are never implied by a grant of the others.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DataCategory {
    /// Demographics and identifiers (held off chain; hashes only here).
    Demographics,
    /// Problems, conditions and diagnoses.
    Conditions,
    /// Medications and prescriptions.
    Medications,
    /// Allergies and intolerances.
    Allergies,
    /// Laboratory results.
    LabResults,
    /// Imaging studies and reports.
    Imaging,
    /// Immunisations.
    Immunizations,
    /// Procedures.
    Procedures,
    /// Clinical notes and documents.
    ClinicalNotes,
    /// Claims, coverage and billing data.
    Billing,
    /// Mental-health (psychotherapy) notes: sensitive.
    MentalHealth,
    /// Substance-use-disorder records (42 CFR Part 2): sensitive.
    SubstanceUse,
    /// Genomic data: sensitive.
    Genomic,
    /// Vital signs and home-device observations (FHIR Observation category
    /// `vital-signs`: blood pressure, pulse oximetry, heart rate, weight; the readings of
    /// remote patient monitoring).
    VitalSigns,
}

impl DataCategory {
    /// Every category, in encoding order.
    pub const ALL: [DataCategory; 14] = [
        DataCategory::Demographics,
        DataCategory::Conditions,
        DataCategory::Medications,
        DataCategory::Allergies,
        DataCategory::LabResults,
        DataCategory::Imaging,
        DataCategory::Immunizations,
        DataCategory::Procedures,
        DataCategory::ClinicalNotes,
        DataCategory::Billing,
        DataCategory::MentalHealth,
        DataCategory::SubstanceUse,
        DataCategory::Genomic,
        DataCategory::VitalSigns,
    ];

    /// This category's bit in [`DataCategories`].
    pub const fn bit(self) -> u32 {
        match self {
            DataCategory::Demographics => 1 << 0,
            DataCategory::Conditions => 1 << 1,
            DataCategory::Medications => 1 << 2,
            DataCategory::Allergies => 1 << 3,
            DataCategory::LabResults => 1 << 4,
            DataCategory::Imaging => 1 << 5,
            DataCategory::Immunizations => 1 << 6,
            DataCategory::Procedures => 1 << 7,
            DataCategory::ClinicalNotes => 1 << 8,
            DataCategory::Billing => 1 << 9,
            DataCategory::MentalHealth => 1 << 10,
            DataCategory::SubstanceUse => 1 << 11,
            DataCategory::Genomic => 1 << 12,
            DataCategory::VitalSigns => 1 << 13,
        }
    }

    /// True for the categories with special protection (mental health, substance use,
    /// genomic).
    pub const fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataCategory::MentalHealth | DataCategory::SubstanceUse | DataCategory::Genomic
        )
    }
}

/// A bit set of [`DataCategory`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct DataCategories(pub u32);

impl DataCategories {
    /// Every non-sensitive category.
    pub const GENERAL: DataCategories = DataCategories(
        ((1 << 10) - 1) // Demographics ..= Billing
            | (1 << 13), // VitalSigns
    );

    /// The set holding exactly the given categories.
    pub fn of(categories: &[DataCategory]) -> DataCategories {
        DataCategories(categories.iter().fold(0, |bits, c| bits | c.bit()))
    }
    /// True if `category` is in the set.
    pub const fn contains(self, category: DataCategory) -> bool {
        self.0 & category.bit() != 0
    }
    /// True if the set holds no category.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// True if every bit set names a known [`DataCategory`].
    pub const fn is_well_formed(self) -> bool {
        self.0 >> DataCategory::ALL.len() == 0
    }
}

/// What a payer needs to know from `consent_registry` before paying a claim, asked in
/// one cross-contract call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ClaimConsent {
    /// The member had a care relationship with the rendering provider at the service date.
    pub care_relationship: bool,
    /// The member consented to the payer for payment of billing data at the service date.
    pub payment_consent: bool,
}

/// The queries other contracts ask `consent_registry`, by address.
#[ink::trait_definition]
pub trait ConsentVerifier {
    /// True if `patient` consented to `grantee` for `purpose` and `category` at `at`: a
    /// permit covering them was in force at that moment and no deny for `grantee` was.
    /// Revocations take effect from the moment they were made: earlier moments keep
    /// their answer.
    #[ink(message)]
    fn has_consent(
        &self,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        category: DataCategory,
        at: Timestamp,
    ) -> bool;

    /// True if `patient` (or a delegate for the patient) had named `provider` as one of
    /// the patient's care providers for a period covering `at`. Reads one record
    /// whatever the number of the patient's consents.
    #[ink(message)]
    fn has_care_relationship(&self, patient: AccountId, provider: AccountId, at: Timestamp)
        -> bool;

    /// The care relationship of `patient` with `provider` and the patient's payment
    /// consent to `payer` (purpose payment, category billing), both at `at`: what a
    /// payer asks before paying a claim, in one call.
    #[ink(message)]
    fn claim_consent(
        &self,
        patient: AccountId,
        payer: AccountId,
        provider: AccountId,
        at: Timestamp,
    ) -> ClaimConsent;

    /// True if `patient` consented to `grantee` for `purpose` and **every** category in
    /// `categories` (non-empty) at `at`: `has_consent` for each, in one call. What a
    /// research study asks before enrolling a participant whose data of several
    /// categories it will collect.
    #[ink(message)]
    fn has_consent_all(
        &self,
        patient: AccountId,
        grantee: AccountId,
        purpose: Purpose,
        categories: DataCategories,
        at: Timestamp,
    ) -> bool;

    /// True if `account` is `patient` or a delegate of `patient` (guardian, caregiver,
    /// power of attorney) whose delegation is in force now: who may act for the patient
    /// in another contract.
    #[ink(message)]
    fn acts_for_now(&self, patient: AccountId, account: AccountId) -> bool;

    /// `has_consent(patient, grantee, purpose, category, at)` for each of `grantees`, in
    /// order: which members of a care team a patient's consent covers, in one call.
    /// Answers at most [`crate::MAX_BATCH_QUERIES`] grantees (the first ones).
    #[ink(message)]
    fn has_consent_each(
        &self,
        patient: AccountId,
        grantees: Vec<AccountId>,
        purpose: Purpose,
        category: DataCategory,
        at: Timestamp,
    ) -> Vec<bool>;

    /// `has_consent_all(patient, grantee, purpose, categories, at)` for each of
    /// `patients`, in order: whether every participant named in a batch of trial data
    /// still consents to research by the sponsor, in one call. Answers at most
    /// [`crate::MAX_BATCH_QUERIES`] patients (the first ones).
    #[ink(message)]
    fn has_consent_all_each(
        &self,
        patients: Vec<AccountId>,
        grantee: AccountId,
        purpose: Purpose,
        categories: DataCategories,
        at: Timestamp,
    ) -> Vec<bool>;

    /// `claim_consent` for each query, in order: what a batch of claims asks in one
    /// cross-contract call. Answers at most [`crate::MAX_BATCH_QUERIES`] queries (the
    /// first ones): a caller receiving fewer answers than it asked treats the peer as
    /// unreachable.
    #[ink(message)]
    fn claim_consent_each(&self, queries: Vec<ClaimConsentQuery>) -> Vec<ClaimConsent>;
}

/// One query of [`ConsentVerifier::claim_consent_each`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ClaimConsentQuery {
    /// The member.
    pub patient: AccountId,
    /// The payer asking for payment consent.
    pub payer: AccountId,
    /// The rendering provider.
    pub provider: AccountId,
    /// The service date.
    pub at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_codes() {
        let all = PurposeSet::of(&Purpose::ALL);
        assert_eq!(all.0.count_ones(), 6);
        assert!(all.is_well_formed());
        assert!(!PurposeSet(1 << 6).is_well_formed());
        assert!(PurposeSet::of(&[Purpose::Payment]).contains(Purpose::Payment));
        assert!(!PurposeSet::default().contains(Purpose::Payment));
        assert!(PurposeSet::default().is_empty());
        assert_eq!(Purpose::Payment.hl7_code(), "HPAYMT");

        let cats = DataCategories::of(&DataCategory::ALL);
        assert_eq!(cats.0.count_ones(), 14);
        assert!(cats.is_well_formed());
        assert!(!DataCategories(1 << 14).is_well_formed());
        for c in DataCategory::ALL {
            assert_eq!(DataCategories::GENERAL.contains(c), !c.is_sensitive());
        }
        assert!(DataCategories::default().is_empty());
    }

    #[test]
    fn sets_of_a_member_named_twice_hold_it_once() {
        let twice = [Purpose::Research, Purpose::Research];
        assert_eq!(PurposeSet::of(&twice), PurposeSet::of(&twice[..1]));
        let twice = [DataCategory::Genomic, DataCategory::Genomic];
        assert_eq!(DataCategories::of(&twice), DataCategories::of(&twice[..1]));
    }

    #[test]
    fn each_purpose_has_its_own_bit_and_hl7_code() {
        let codes: Vec<&str> = Purpose::ALL.iter().map(|p| p.hl7_code()).collect();
        assert_eq!(
            codes,
            ["TREAT", "ETREAT", "HPAYMT", "HOPERAT", "HRESCH", "PUBHLTH"]
        );
        for (i, purpose) in Purpose::ALL.into_iter().enumerate() {
            assert_eq!(u32::from(purpose.bit()), 1u32 << i);
            let set = PurposeSet::of(&[purpose]);
            assert!(!set.is_empty() && set.is_well_formed());
            for other in Purpose::ALL {
                assert_eq!(set.contains(other), other == purpose);
            }
        }
    }

    #[test]
    fn each_category_has_its_own_bit_and_three_are_sensitive() {
        for (i, category) in DataCategory::ALL.into_iter().enumerate() {
            assert_eq!(category.bit(), 1u32 << i);
            let set = DataCategories::of(&[category]);
            assert!(!set.is_empty() && set.is_well_formed());
            for other in DataCategory::ALL {
                assert_eq!(set.contains(other), other == category);
            }
        }
        let sensitive: Vec<DataCategory> = DataCategory::ALL
            .into_iter()
            .filter(|c| c.is_sensitive())
            .collect();
        assert_eq!(
            sensitive,
            [
                DataCategory::MentalHealth,
                DataCategory::SubstanceUse,
                DataCategory::Genomic
            ]
        );
        let general: Vec<DataCategory> = DataCategory::ALL
            .into_iter()
            .filter(|c| !c.is_sensitive())
            .collect();
        assert_eq!(DataCategories::GENERAL, DataCategories::of(&general));
    }
}
