//! Credential kinds and the credential query other contracts make to `staff_credentials`.

use crate::{AccountId, Timestamp};
use ink::prelude::vec::Vec;

/// What a credential attests. Individual licences first, organisation licences after.
///
/// The SCALE encoding is the variant index (one byte), so the order below is part of the
/// suite's ABI: append new kinds at the end, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum CredentialKind {
    /// State medical licence (physician).
    MedicalLicence,
    /// State nursing licence (RN, NP).
    NursingLicence,
    /// State pharmacist licence.
    PharmacistLicence,
    /// NPPES National Provider Identifier registration (the identifier is the NPI).
    NpiRegistration,
    /// DEA controlled-substance registration.
    DeaRegistration,
    /// Specialty board certification (the specialty field holds the taxonomy code).
    BoardCertification,
    /// Organisation: drug manufacturer / repackager (FDA establishment registration).
    ManufacturerLicence,
    /// Organisation: wholesale distributor or 3PL (state or federal licence).
    WholesaleDistributorLicence,
    /// Organisation: pharmacy / dispenser (state licence).
    PharmacyLicence,
    /// Organisation: payer / insurer (state insurance licence).
    PayerLicence,
    /// Organisation: clinical-trial sponsor (a drug, device or academic sponsor holding
    /// an IND / IDE or registered as a trial sponsor).
    TrialSponsor,
    /// Organisation: ethics committee / institutional review board (an IRB registered
    /// with the regulator, 21 CFR 56 / 45 CFR 46).
    EthicsCommittee,
    /// Organisation: medical-device manufacturer (FDA device establishment registration
    /// and listing, 21 CFR 807): registers the device models of remote monitoring.
    DeviceManufacturer,
}

impl CredentialKind {
    /// Every kind, in encoding order.
    pub const ALL: [CredentialKind; 13] = [
        CredentialKind::MedicalLicence,
        CredentialKind::NursingLicence,
        CredentialKind::PharmacistLicence,
        CredentialKind::NpiRegistration,
        CredentialKind::DeaRegistration,
        CredentialKind::BoardCertification,
        CredentialKind::ManufacturerLicence,
        CredentialKind::WholesaleDistributorLicence,
        CredentialKind::PharmacyLicence,
        CredentialKind::PayerLicence,
        CredentialKind::TrialSponsor,
        CredentialKind::EthicsCommittee,
        CredentialKind::DeviceManufacturer,
    ];

    /// This kind's bit in a [`KindSet`].
    pub const fn bit(self) -> u16 {
        match self {
            CredentialKind::MedicalLicence => 1 << 0,
            CredentialKind::NursingLicence => 1 << 1,
            CredentialKind::PharmacistLicence => 1 << 2,
            CredentialKind::NpiRegistration => 1 << 3,
            CredentialKind::DeaRegistration => 1 << 4,
            CredentialKind::BoardCertification => 1 << 5,
            CredentialKind::ManufacturerLicence => 1 << 6,
            CredentialKind::WholesaleDistributorLicence => 1 << 7,
            CredentialKind::PharmacyLicence => 1 << 8,
            CredentialKind::PayerLicence => 1 << 9,
            CredentialKind::TrialSponsor => 1 << 10,
            CredentialKind::EthicsCommittee => 1 << 11,
            CredentialKind::DeviceManufacturer => 1 << 12,
        }
    }

    /// True for the kinds held by organisations rather than by persons.
    pub const fn is_organisation(self) -> bool {
        matches!(
            self,
            CredentialKind::ManufacturerLicence
                | CredentialKind::WholesaleDistributorLicence
                | CredentialKind::PharmacyLicence
                | CredentialKind::PayerLicence
                | CredentialKind::TrialSponsor
                | CredentialKind::EthicsCommittee
                | CredentialKind::DeviceManufacturer
        )
    }
}

/// A set of [`CredentialKind`]s, one bit each (see [`CredentialKind::bit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct KindSet(pub u16);

impl KindSet {
    /// The empty set.
    pub const EMPTY: KindSet = KindSet(0);
    /// Clinicians who may open break-glass access: medical or nursing licence.
    pub const CLINICIAN: KindSet =
        KindSet(CredentialKind::MedicalLicence.bit() | CredentialKind::NursingLicence.bit());
    /// A billing provider: medical licence or NPI registration.
    pub const BILLING_PROVIDER: KindSet =
        KindSet(CredentialKind::MedicalLicence.bit() | CredentialKind::NpiRegistration.bit());
    /// DSCSA trading partners that may receive product: wholesaler or pharmacy.
    pub const TRADING_PARTNER: KindSet = KindSet(
        CredentialKind::WholesaleDistributorLicence.bit() | CredentialKind::PharmacyLicence.bit(),
    );

    /// The set holding exactly the given kinds.
    pub fn of(kinds: &[CredentialKind]) -> KindSet {
        KindSet(kinds.iter().fold(0, |bits, kind| bits | kind.bit()))
    }

    /// True if `kind` is in the set.
    pub const fn contains(self, kind: CredentialKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// True if the set holds no kind.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True if every kind in `self` is also in `other`.
    pub const fn is_subset_of(self, other: KindSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// True if every bit set names a known [`CredentialKind`].
    pub const fn is_well_formed(self) -> bool {
        self.0 >> CredentialKind::ALL.len() == 0
    }

    /// The kinds in the set, in encoding order.
    pub fn kinds(self) -> impl Iterator<Item = CredentialKind> {
        CredentialKind::ALL
            .into_iter()
            .filter(move |kind| self.contains(*kind))
    }
}

/// The query every contract asks `staff_credentials`, by address.
#[ink::trait_definition]
pub trait CredentialVerifier {
    /// True if `subject` held a credential of `kind` that was valid at `at`: inside its
    /// validity period and neither suspended nor revoked at that moment. Answers for any
    /// past or present moment; later suspensions or revocations do not change the answer
    /// for earlier moments.
    #[ink(message)]
    fn is_valid_at(&self, subject: AccountId, kind: CredentialKind, at: Timestamp) -> bool;

    /// True if `subject` held a valid credential of at least one kind in `kinds` at `at`
    /// (one cross-contract call instead of one per kind).
    #[ink(message)]
    fn any_valid_at(&self, subject: AccountId, kinds: KindSet, at: Timestamp) -> bool;

    /// `any_valid_at` for each query, in order: what a batch of claims asks in one
    /// cross-contract call. Answers at most [`crate::MAX_BATCH_QUERIES`] queries (the
    /// first ones): a caller receiving fewer answers than it asked treats the peer as
    /// unreachable.
    #[ink(message)]
    fn any_valid_at_each(&self, queries: Vec<CredentialQuery>) -> Vec<bool>;
}

/// One query of [`CredentialVerifier::any_valid_at_each`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct CredentialQuery {
    /// The account asked about.
    pub subject: AccountId,
    /// Any of these kinds will do.
    pub kinds: KindSet,
    /// The moment asked about.
    pub at: Timestamp,
}

/// True if `npi` is a National Provider Identifier: 10 ASCII digits whose last is the
/// Luhn check digit of the first nine prefixed with `80840` (the NPPES rule). The one NPI
/// check of the suite: `staff_credentials` refuses an NPI registration without it, the
/// claims tool a claim or directory entry.
pub fn is_valid_npi(npi: &[u8]) -> bool {
    if npi.len() != 10 || !npi.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some((check, first_nine)) = npi.split_last() else {
        return false;
    };
    // Luhn over "80840" + the first nine digits gives the tenth.
    let mut prefixed = [0u8; 14];
    prefixed[..5].copy_from_slice(b"80840");
    prefixed[5..].copy_from_slice(first_nine);
    crate::monitoring::luhn_check_digit(&prefixed) == Some(check.saturating_sub(b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_npi_is_ten_digits_ending_in_the_luhn_digit_of_80840_and_the_first_nine() {
        // CMS's example, the sample 837 files' NPIs, and their neighbours.
        for good in ["1234567893", "1245319599", "1987654328", "1678901236"] {
            assert!(is_valid_npi(good.as_bytes()), "{good}");
        }
        for bad in [
            "1234567890",
            "1678901235",
            "123456789",
            "12345678931",
            "12345678a3",
            "",
        ] {
            assert!(!is_valid_npi(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn bits_are_distinct_and_sets_work() {
        let all = KindSet::of(&CredentialKind::ALL);
        assert_eq!(all.0.count_ones(), 13);
        assert!(all.is_well_formed());
        assert!(!KindSet(1 << 13).is_well_formed());
        assert!(CredentialKind::DeviceManufacturer.is_organisation());
        assert!(CredentialKind::EthicsCommittee.is_organisation());
        assert!(KindSet::CLINICIAN.contains(CredentialKind::NursingLicence));
        assert!(!KindSet::CLINICIAN.contains(CredentialKind::PharmacyLicence));
        assert!(KindSet::EMPTY.is_empty());
        assert!(KindSet::CLINICIAN.is_subset_of(all));
        assert!(!all.is_subset_of(KindSet::CLINICIAN));
        assert!(KindSet::EMPTY.is_subset_of(KindSet::EMPTY));
        assert_eq!(
            KindSet::TRADING_PARTNER.kinds().collect::<Vec<_>>(),
            vec![
                CredentialKind::WholesaleDistributorLicence,
                CredentialKind::PharmacyLicence
            ]
        );
        assert!(CredentialKind::PayerLicence.is_organisation());
        assert!(!CredentialKind::DeaRegistration.is_organisation());
    }

    #[test]
    fn a_set_of_a_kind_named_twice_holds_it_once() {
        let twice = [CredentialKind::PayerLicence, CredentialKind::PayerLicence];
        assert_eq!(KindSet::of(&twice), KindSet::of(&twice[..1]));
    }

    #[test]
    fn each_kind_has_its_own_bit_and_the_first_six_are_personal() {
        for (i, kind) in CredentialKind::ALL.into_iter().enumerate() {
            assert_eq!(u32::from(kind.bit()), 1u32 << i);
            let set = KindSet::of(&[kind]);
            assert!(!set.is_empty() && set.is_well_formed());
            assert_eq!(set.kinds().collect::<Vec<_>>(), vec![kind]);
            for other in CredentialKind::ALL {
                assert_eq!(set.contains(other), other == kind);
                assert_eq!(set.is_subset_of(KindSet::of(&[other])), other == kind);
            }
            assert_eq!(kind.is_organisation(), i >= 6, "{kind:?}");
        }
        assert_eq!(
            KindSet::BILLING_PROVIDER,
            KindSet::of(&[
                CredentialKind::MedicalLicence,
                CredentialKind::NpiRegistration
            ])
        );
        assert_eq!(
            KindSet::CLINICIAN,
            KindSet::of(&[
                CredentialKind::MedicalLicence,
                CredentialKind::NursingLicence
            ])
        );
    }
}
