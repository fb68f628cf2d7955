//! National Provider Identifier check digits (CMS: the Luhn formula over the prefix
//! `80840` and the first nine digits).

/// True for ten ASCII digits whose last is the Luhn check digit of `80840` followed by
/// the first nine.
pub fn is_valid(npi: &str) -> bool {
    let digits: Vec<u32> = npi.chars().filter_map(|c| c.to_digit(10)).collect();
    if npi.len() != 10 || digits.len() != 10 {
        return false;
    }
    check_digit(&digits[..9]) == Some(digits[9])
}

/// The check digit of the first nine digits of an NPI.
pub fn check_digit(first_nine: &[u32]) -> Option<u32> {
    if first_nine.len() != 9 {
        return None;
    }
    // The constant 24 stands for the prefix 80840 (CMS, "NPI check digit").
    let mut sum = 24;
    for (i, digit) in first_nine.iter().rev().enumerate() {
        let value = if i % 2 == 0 { digit * 2 } else { *digit };
        sum += value / 10 + value % 10;
    }
    Some((10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        // CMS's example and the sample files' NPIs.
        assert!(is_valid("1234567893"));
        assert!(is_valid("1987654328"));
        assert!(!is_valid("1678901235"));
        assert!(is_valid("1678901236"));
        assert!(!is_valid("123456789"));
        assert!(!is_valid("12345678930"));
        assert!(!is_valid("12345678a3"));
        assert!(!is_valid(""));
    }
}
