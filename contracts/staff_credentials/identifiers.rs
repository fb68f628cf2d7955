//! Identifier validation: NPI (the suite's one check, in the shared crate) and DEA check
//! digits, jurisdiction and taxonomy formats.

pub use healthcare_traits::credentials::is_valid_npi;

/// True if `dea` is two ASCII letters and seven digits where the last digit is
/// `(d1 + d3 + d5 + 2 * (d2 + d4 + d6)) mod 10`.
pub fn is_valid_dea(dea: &[u8]) -> bool {
    let (letters, digits) = dea.split_at(dea.len().min(2));
    if dea.len() != 9
        || !letters.iter().all(u8::is_ascii_uppercase)
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let d = |i: usize| u32::from(digits.get(i).copied().unwrap_or(b'0').saturating_sub(b'0'));
    let odd = d(0).saturating_add(d(2)).saturating_add(d(4));
    let even = d(1).saturating_add(d(3)).saturating_add(d(5));
    odd.saturating_add(even.saturating_mul(2)) % 10 == d(6)
}

/// True for two upper-case ASCII letters (an ISO 3166 country or a US state code).
pub fn is_valid_jurisdiction(code: &[u8; 2]) -> bool {
    code.iter().all(u8::is_ascii_uppercase)
}

/// True for a NUCC-style taxonomy code: ten upper-case ASCII letters or digits.
pub fn is_valid_taxonomy(code: &[u8; 10]) -> bool {
    code.iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// True for a non-empty printable-ASCII identifier of at most
/// [`MAX_IDENTIFIER_LEN`](crate::MAX_IDENTIFIER_LEN) bytes.
pub fn is_valid_identifier(id: &[u8]) -> bool {
    !id.is_empty()
        && u32::try_from(id.len()).is_ok_and(|len| len <= crate::MAX_IDENTIFIER_LEN)
        && id.iter().all(|b| b.is_ascii_graphic())
}
