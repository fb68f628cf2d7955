//! Remote patient monitoring shared with its users: LOINC codes for measured quantities,
//! the CPT 99454 rule (at least 16 days with transmitted data in a 30-day period) and
//! the query the claims contract makes to `remote_monitoring`, by address.

use crate::{AccountId, Timestamp};

/// CPT 99454: remote monitoring device supply with daily recordings or programmed alert
/// transmissions, each 30 days.
pub const DEVICE_SUPPLY_CODE: [u8; 5] = *b"99454";
/// The period CPT 99454 is billed for, in days.
pub const MONITORING_PERIOD_DAYS: u32 = 30;
/// The days with transmitted data CPT 99454 requires in its period.
pub const MIN_MONITORED_DAYS: u32 = 16;

/// A LOINC code naming a measured quantity (`8480-6` systolic blood pressure, `8867-4`
/// heart rate, `2339-0` glucose): ASCII, left-aligned, padded with zero bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Loinc(pub [u8; 8]);

impl Loinc {
    /// The code of `text` (`None` if longer than 8 bytes; validity is [`Self::is_valid`]).
    pub fn from_text(text: &str) -> Option<Loinc> {
        let bytes = text.as_bytes();
        let mut code = [0u8; 8];
        code.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(Loinc(code))
    }

    /// True for 1 to 5 digits, `-`, and the check digit of LOINC's mod-10 algorithm
    /// (the Luhn algorithm over the digits before the hyphen), then only padding.
    pub fn is_valid(&self) -> bool {
        let length = self.0.iter().position(|b| *b == 0).unwrap_or(self.0.len());
        let (text, padding) = self.0.split_at(length);
        if padding.iter().any(|b| *b != 0) || text.len() < 3 {
            return false;
        }
        let Some((check, rest)) = text.split_last() else {
            return false;
        };
        let Some((hyphen, number)) = rest.split_last() else {
            return false;
        };
        *hyphen == b'-'
            && number.len() <= 5
            && check.is_ascii_digit()
            && number.iter().all(u8::is_ascii_digit)
            && luhn_check_digit(number) == Some(check.saturating_sub(b'0'))
    }
}

/// The Luhn check digit of ASCII `digits` (`None` if one is not a digit): walking from
/// the right, every first, third, … digit is doubled (less 9 above 9), the rest added as
/// they are; the check digit brings the sum to a multiple of 10. Used for LOINC codes and
/// (with the prefix `80840`) for NPIs.
pub fn luhn_check_digit(digits: &[u8]) -> Option<u8> {
    let mut sum: u32 = 0;
    for (position, byte) in digits.iter().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return None;
        }
        let digit = u32::from(byte.saturating_sub(b'0'));
        let value = if position.checked_rem(2) == Some(0) {
            let doubled = digit.saturating_mul(2);
            if doubled > 9 {
                doubled.saturating_sub(9)
            } else {
                doubled
            }
        } else {
            digit
        };
        sum = sum.saturating_add(value);
    }
    let rest = sum.checked_rem(10).unwrap_or(0);
    u8::try_from(10u32.saturating_sub(rest).checked_rem(10).unwrap_or(0)).ok()
}

/// The query the claims contract asks `remote_monitoring`, by address.
#[ink::trait_definition]
pub trait MonitoringVerifier {
    /// The number of days with transmitted data from devices that `provider` paired with
    /// `patient` (the provider who monitors; another provider's devices do not count)
    /// in the [`MONITORING_PERIOD_DAYS`] days ending with the (UTC) day of `until`,
    /// that day included: what CPT 99454 asks (at least [`MIN_MONITORED_DAYS`]). Days
    /// count only when anchored under the patient's treatment consent to that provider.
    #[ink(message)]
    fn monitored_days_until(
        &self,
        patient: AccountId,
        provider: AccountId,
        until: Timestamp,
    ) -> u32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_codes_carry_their_check_digit() {
        for good in [
            "8480-6", "8867-4", "2339-0", "8462-4", "59408-5", "29463-7", "1-8",
        ] {
            let code = Loinc::from_text(good).expect("fits");
            assert!(code.is_valid(), "{good}");
        }
        for bad in [
            "8480-5", "8480", "84806", "-6", "123456-1", "8480-6x", "848O-6", "",
        ] {
            let valid = Loinc::from_text(bad).is_some_and(|code| code.is_valid());
            assert!(!valid, "{bad}");
        }
        assert_eq!(Loinc::from_text("123456789"), None);
        let mut gap = Loinc::from_text("8480-6").expect("fits");
        gap.0[7] = b'1';
        assert!(!gap.is_valid(), "bytes after the padding");
    }

    #[test]
    fn the_luhn_digit_matches_known_npis() {
        // NPPES example NPI 1234567893: Luhn over 80840 + 123456789 gives 3.
        assert_eq!(luhn_check_digit(b"80840123456789"), Some(3));
        assert_eq!(luhn_check_digit(b"12a"), None);
        assert_eq!(luhn_check_digit(b""), Some(0));
    }
}
