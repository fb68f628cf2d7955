//! The consent registry's data and rules in plain Rust (no storage, no environment): the
//! error enum, consents and their decision rule, delegations, care relationships, record
//! anchors, the access log and break-glass with its sliding-window rate limit.

use healthcare_traits::{
    AccountId, DataCategories, DataCategory, Hash, Purpose, PurposeSet, Timestamp,
};
use ink::prelude::vec::Vec;

/// Id of a consent, from 1.
pub type ConsentId = u64;
/// Id of a care relationship, from 1.
pub type CareId = u64;
/// Id of a record anchor, from 1.
pub type RecordId = u64;
/// Id of a break-glass grant, from 1.
pub type GrantId = u64;
/// Serial number of one term of a delegation (per patient and delegate, from 1).
pub type TermSerial = u32;

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller is neither the patient nor a live delegate of the patient.
    NotPatientOrDelegate,
    /// Only the patient may do this (delegates may not).
    NotPatient,
    /// No consent has this id.
    UnknownConsent,
    /// No care relationship with this provider is open.
    UnknownCareRelationship,
    /// A care relationship with this provider is already open.
    CareRelationshipOpen,
    /// No record has this id (or it belongs to another patient, or was removed).
    UnknownRecord,
    /// No break-glass grant has this id (or it concerns another patient).
    UnknownGrant,
    /// The account is not a delegate of the patient.
    UnknownDelegate,
    /// A deny in force covers this access.
    ConsentDenied,
    /// No consent in force covers this access.
    NoConsent,
    /// The consent was already revoked.
    AlreadyRevoked,
    /// A delegate may not revoke a deny the patient recorded.
    PatientDeny,
    /// A delegate may not record a permit, or a care relationship, naming itself.
    DelegateSelfGrant,
    /// The break-glass grant was already acknowledged.
    AlreadyAcknowledged,
    /// The break-glass grant is no longer live (expired or closed).
    GrantNotLive,
    /// Break-glass does not cover this record's category (psychotherapy notes).
    NotCoveredByBreakGlass,
    /// Only the patient or a guardian delegate may acknowledge break-glass.
    NotPatientOrGuardian,
    /// The caller holds no valid medical or nursing licence now.
    CredentialCheckFailed,
    /// The staff_credentials address holds no contract answering the query.
    CredentialContractUnreachable,
    /// The staff_credentials contract trapped.
    CredentialContractTrapped,
    /// The clinician opened the allowed number of break-glass grants in the last window.
    RateLimited,
    /// `valid_until` / an expiry is not after the start (or already past).
    BadPeriod,
    /// No purpose or no category, or bits naming none.
    BadScope,
    /// Too many consents (or relationships) between the patient and the grantee around
    /// this period: the point-in-time index is full there (see the crate documentation).
    TooManyConsents,
    /// The patient already has `MAX_DELEGATES` delegates.
    TooManyDelegates,
    /// A configuration value out of range.
    BadConfig,
    /// A counter would overflow.
    Overflow,
    /// A consent or care relationship starting more than `MAX_BACKDATE` before now.
    BackdatedTooFar,
}

healthcare_traits::impl_from_paused!(Error);

impl From<healthcare_traits::PeerError> for Error {
    fn from(e: healthcare_traits::PeerError) -> Self {
        match e {
            healthcare_traits::PeerError::Trapped => Error::CredentialContractTrapped,
            healthcare_traits::PeerError::Unreachable => Error::CredentialContractUnreachable,
        }
    }
}

/// The result type of every fallible message.
pub type Result<T> = core::result::Result<T, Error>;

/// The data categories break-glass covers: everything but psychotherapy notes
/// (`MentalHealth`), which HIPAA keeps out of emergency access. Substance-use records are
/// covered (42 CFR 2.51 allows disclosure in a bona fide medical emergency), genomic data
/// too.
pub const fn break_glass_covers(category: DataCategory) -> bool {
    !matches!(category, DataCategory::MentalHealth)
}

/// Permit or deny (FHIR `provision.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ConsentKind {
    /// Allows the grantee the purposes and categories.
    Permit,
    /// Forbids them; wins over any permit.
    Deny,
}

/// A consent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Consent {
    /// Its id.
    pub id: ConsentId,
    /// Whose data.
    pub patient: AccountId,
    /// Who may (or may not) use it.
    pub grantee: AccountId,
    /// Permit or deny.
    pub kind: ConsentKind,
    /// Purposes of use covered.
    pub purposes: PurposeSet,
    /// Data categories covered.
    pub categories: DataCategories,
    /// Start of the period.
    pub valid_from: Timestamp,
    /// End of the period (exclusive), if any; a delegate's consent ends with its
    /// delegation's expiry at the latest.
    pub valid_until: Option<Timestamp>,
    /// The patient or the delegate who recorded it.
    pub recorded_by: AccountId,
    /// Block time it was recorded.
    pub recorded_at: Timestamp,
    /// Block time it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// The delegation term it was recorded under, when a delegate recorded it: it is in
    /// force only while that term is.
    pub delegation: Option<TermSerial>,
}

impl Consent {
    /// The first moment the consent is in force.
    pub fn start(&self) -> Timestamp {
        match self.kind {
            ConsentKind::Permit => self.valid_from,
            ConsentKind::Deny => self.valid_from.max(self.recorded_at),
        }
    }

    /// The first moment it is no longer in force on its own terms (its delegation aside).
    pub fn end(&self) -> Option<Timestamp> {
        earliest(self.valid_until, self.revoked_at)
    }

    /// True if in force at `at` on its own terms (its delegation aside).
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.start() <= at && self.end().is_none_or(|end| at < end)
    }

    /// True if it covers `purpose` and `category`.
    pub fn covers(&self, purpose: Purpose, category: DataCategory) -> bool {
        self.purposes.contains(purpose) && self.categories.contains(category)
    }
}

/// The earlier of two optional ends (`None` is "never").
pub fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The consent decision at one moment, from the consents between the patient and the
/// grantee that may be in force then, each with whether it is in force (its delegation
/// included): a deny in force covering the purpose and category wins; else a permit in
/// force covering them allows; else there is no consent.
pub fn decide<'a>(
    candidates: impl IntoIterator<Item = (&'a Consent, bool)>,
    purpose: Purpose,
    category: DataCategory,
) -> Result<()> {
    let mut verdict = Err(Error::NoConsent);
    for (consent, in_force) in candidates {
        if !in_force || !consent.covers(purpose, category) {
            continue;
        }
        match consent.kind {
            ConsentKind::Deny => return Err(Error::ConsentDenied),
            ConsentKind::Permit => verdict = Ok(()),
        }
    }
    verdict
}

/// What a patient (or delegate) submits to record a consent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ConsentRequest {
    /// Whose data.
    pub patient: AccountId,
    /// Who may (or may not) use it.
    pub grantee: AccountId,
    /// Permit or deny.
    pub kind: ConsentKind,
    /// Purposes of use (at least one).
    pub purposes: PurposeSet,
    /// Data categories (at least one).
    pub categories: DataCategories,
    /// Start of the period.
    pub valid_from: Timestamp,
    /// End of the period (exclusive); must be after `valid_from` and in the future.
    pub valid_until: Option<Timestamp>,
}

impl ConsentRequest {
    /// `Err(BadScope)` unless the request names at least one purpose and one category,
    /// each set well formed.
    pub fn check_scope(&self) -> Result<()> {
        if !self.purposes.is_empty()
            && self.purposes.is_well_formed()
            && !self.categories.is_empty()
            && self.categories.is_well_formed()
        {
            Ok(())
        } else {
            Err(Error::BadScope)
        }
    }

    /// `Err(DelegateSelfGrant)` for a permit that delegate `recorded_by` would record in
    /// its own favour (a deny, or a permit to someone else, is fine).
    pub fn check_delegate(&self, recorded_by: AccountId) -> Result<()> {
        if self.kind == ConsentKind::Deny || self.grantee != recorded_by {
            Ok(())
        } else {
            Err(Error::DelegateSelfGrant)
        }
    }

    /// The consent this request records as `id`, ending at `valid_until` (the request's
    /// end, or a delegation term's if earlier), by `recorded_by` (under `delegation`) at
    /// `now`.
    pub fn consent(
        &self,
        id: ConsentId,
        valid_until: Option<Timestamp>,
        recorded_by: AccountId,
        delegation: Option<TermSerial>,
        now: Timestamp,
    ) -> Consent {
        Consent {
            id,
            patient: self.patient,
            grantee: self.grantee,
            kind: self.kind,
            purposes: self.purposes,
            categories: self.categories,
            valid_from: self.valid_from,
            valid_until,
            recorded_by,
            recorded_at: now,
            revoked_at: None,
            delegation,
        }
    }
}

/// `Err(BadPeriod)` for an end that is not after the start and in the future.
pub fn check_until(
    valid_from: Timestamp,
    valid_until: Option<Timestamp>,
    now: Timestamp,
) -> Result<()> {
    match valid_until {
        Some(until) if until <= valid_from || until <= now => Err(Error::BadPeriod),
        _ => Ok(()),
    }
}

/// A care relationship: the patient (or a delegate) names a provider who treats the
/// patient, once, for a period; claims from that provider are payable only inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct CareRelationship {
    /// Its id.
    pub id: CareId,
    /// The patient.
    pub patient: AccountId,
    /// The provider.
    pub provider: AccountId,
    /// First moment of care (may lie in the past: the first visit).
    pub from: Timestamp,
    /// Block time it was ended, if it was.
    pub ended_at: Option<Timestamp>,
    /// The patient or the delegate who named the provider.
    pub recorded_by: AccountId,
    /// Block time it was recorded.
    pub recorded_at: Timestamp,
    /// The delegation term, when a delegate recorded it (in force only while that term
    /// is).
    pub delegation: Option<TermSerial>,
}

impl CareRelationship {
    /// True if in force at `at` on its own terms (its delegation aside).
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.from <= at && self.ended_at.is_none_or(|end| at < end)
    }
}

/// A delegate's relationship to the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Relationship {
    /// Legal guardian (e.g. of a minor): may also acknowledge break-glass.
    Guardian,
    /// Caregiver.
    Caregiver,
    /// Holder of a healthcare power of attorney.
    PowerOfAttorney,
}

/// A delegate as stored (its current term).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Delegate {
    /// The delegate's account.
    pub account: AccountId,
    /// Relationship to the patient.
    pub relationship: Relationship,
    /// Block time of appointment (of the current term).
    pub appointed_at: Timestamp,
    /// The delegation ends at this time (exclusive).
    pub expires_at: Timestamp,
    /// The current term.
    pub term: TermSerial,
    /// Index in the patient's delegate list.
    pub(crate) index: u32,
}

impl Delegate {
    /// True if the delegation is in force at `at`.
    pub fn live_at(&self, at: Timestamp) -> bool {
        self.appointed_at <= at && at < self.expires_at
    }
}

/// One term of a delegation, kept after the delegate is removed: records made under it
/// are in force only inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Term {
    /// Start of the term.
    pub from: Timestamp,
    /// End of the term (exclusive): the expiry, or the removal if earlier.
    pub until: Timestamp,
}

impl Term {
    /// True if the term covers `at`.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.until
    }
}

/// A record anchor: hashes only, the record stays encrypted off chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    /// Its id.
    pub id: RecordId,
    /// Whose record.
    pub patient: AccountId,
    /// Its data category.
    pub category: DataCategory,
    /// Hash of the record's content.
    pub content_hash: Hash,
    /// Hash of where (and how) the encrypted record is stored.
    pub locator_hash: Hash,
    /// Who anchored it (the patient or a treating grantee).
    pub anchored_by: AccountId,
    /// Block time it was anchored.
    pub anchored_at: Timestamp,
}

/// One entry of a patient's access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AccessEntry {
    /// Who accessed.
    pub accessor: AccountId,
    /// Block time.
    pub at: Timestamp,
    /// Declared purpose of use.
    pub purpose: Purpose,
    /// The record accessed; `None` for the opening of a break-glass grant.
    pub record: Option<RecordId>,
    /// The break-glass grant used, for emergency entries.
    pub emergency: Option<GrantId>,
}

/// A break-glass grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct BreakGlass {
    /// Its id.
    pub id: GrantId,
    /// The clinician.
    pub clinician: AccountId,
    /// The patient.
    pub patient: AccountId,
    /// The clinician's reason code.
    pub reason: u16,
    /// Block time it was opened.
    pub opened_at: Timestamp,
    /// It ends at this time (exclusive), unless closed earlier.
    pub expires_at: Timestamp,
    /// When the patient (or a delegate) closed it early, if they did.
    pub closed_at: Option<Timestamp>,
    /// When it was acknowledged, if it was.
    pub acknowledged_at: Option<Timestamp>,
    /// Who acknowledged it: the patient or a guardian delegate.
    pub acknowledged_by: Option<AccountId>,
}

impl BreakGlass {
    /// True if the grant allows emergency access at `at`.
    pub fn live_at(&self, at: Timestamp) -> bool {
        self.opened_at <= at && at < self.expires_at && self.closed_at.is_none_or(|c| at < c)
    }
}

/// The break-glass settings the governor sets (`BreakGlass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Config {
    /// How long a break-glass grant lasts (1 h ..= 7 days).
    pub break_glass_window: Timestamp,
    /// Most grants one clinician may open in any `rate_window` (1 ..= `MAX_RATE`).
    pub max_per_window: u32,
    /// The sliding rate-limit window (1 h ..= 30 days).
    pub rate_window: Timestamp,
}

/// How far before now a consent or care relationship may start: two years, which covers
/// the claims filing windows (a service date is asked within a year or so). A bound keeps
/// a back-dated record, once ended, from spanning so long that it stays in its pair's
/// index header for good: eight of those would lock the patient out of that grantee or
/// provider.
pub const MAX_BACKDATE: Timestamp = 2 * 365 * healthcare_traits::DAY;

/// `Ok` unless `start` lies more than [`MAX_BACKDATE`] before `now`.
pub fn check_backdate(start: Timestamp, now: Timestamp) -> Result<()> {
    if start < now.saturating_sub(MAX_BACKDATE) {
        Err(Error::BackdatedTooFar)
    } else {
        Ok(())
    }
}

/// The largest `max_per_window` (it bounds the openings kept per clinician).
pub const MAX_RATE: u32 = 16;
/// The longest `rate_window`: openings older than it are never counted again.
pub const MAX_RATE_WINDOW: Timestamp = 30 * healthcare_traits::DAY;

impl Config {
    /// 24-hour grants, at most 3 per clinician in any 24 hours.
    pub const DEFAULT: Config = Config {
        break_glass_window: healthcare_traits::DAY,
        max_per_window: 3,
        rate_window: healthcare_traits::DAY,
    };

    /// True if every value is in range.
    pub fn is_valid(&self) -> bool {
        use healthcare_traits::{DAY, HOUR};
        (HOUR..=7 * DAY).contains(&self.break_glass_window)
            && (1..=MAX_RATE).contains(&self.max_per_window)
            && (HOUR..=MAX_RATE_WINDOW).contains(&self.rate_window)
    }
}

/// The sliding-window rate limit: `recent` holds a clinician's latest openings (oldest
/// first). An opening at `now` is allowed when fewer than `max` of them fall in
/// `(now - window, now]`; then the list to store is returned: the latest [`MAX_RATE`]
/// openings of the last [`MAX_RATE_WINDOW`], `now` included, whatever the window and the
/// limit in force, so that a longer window or a lower limit the governor sets later is
/// answered from every opening it covers (a list kept for the shorter window would let a
/// clinician open more than the new limit right after the change). No double allowance
/// at any boundary: every window of length `window` holds at most `max` openings.
pub fn rate_limit(
    recent: &[Timestamp],
    now: Timestamp,
    max: u32,
    window: Timestamp,
) -> Option<Vec<Timestamp>> {
    let cutoff = now.saturating_sub(window);
    let in_window = recent.iter().filter(|t| **t > cutoff).count();
    if u32::try_from(in_window).map_or(true, |n| n >= max) {
        return None;
    }
    let oldest = now.saturating_sub(MAX_RATE_WINDOW);
    let mut kept: Vec<Timestamp> = recent.iter().copied().filter(|t| *t > oldest).collect();
    kept.push(now);
    let excess = kept
        .len()
        .saturating_sub(usize::try_from(MAX_RATE).unwrap_or(usize::MAX));
    kept.drain(..excess);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcare_traits::{DAY, HOUR};
    use proptest::prelude::*;

    #[test]
    fn a_record_starts_at_most_two_years_back() {
        let now = 10_000 * DAY;
        assert_eq!(check_backdate(now - 730 * DAY, now), Ok(()));
        assert_eq!(
            check_backdate(now - 730 * DAY - 1, now),
            Err(Error::BackdatedTooFar)
        );
        assert_eq!(check_backdate(0, 100 * DAY), Ok(()));
    }

    #[test]
    fn the_configuration_bounds_are_inclusive() {
        let config = |break_glass_window, max_per_window, rate_window| Config {
            break_glass_window,
            max_per_window,
            rate_window,
        };
        for (window, max, rate, valid) in [
            (HOUR, 1, HOUR, true),
            (7 * DAY, MAX_RATE, 30 * DAY, true),
            (HOUR - 1, 1, HOUR, false),
            (7 * DAY + 1, 1, HOUR, false),
            (HOUR, 0, HOUR, false),
            (HOUR, MAX_RATE + 1, HOUR, false),
            (HOUR, 1, HOUR - 1, false),
            (HOUR, 1, 30 * DAY + 1, false),
        ] {
            assert_eq!(
                config(window, max, rate).is_valid(),
                valid,
                "{window} {max} {rate}"
            );
        }
    }

    #[test]
    fn break_glass_never_covers_psychotherapy_notes() {
        for category in DataCategory::ALL {
            assert_eq!(
                break_glass_covers(category),
                category != DataCategory::MentalHealth
            );
        }
    }

    #[test]
    fn sliding_window_has_no_double_allowance_at_a_boundary() {
        // Three at the very end of a fixed window, then three right after it: a fixed
        // window would allow six within a few minutes; the sliding one refuses.
        let mut recent = Vec::new();
        for t in [DAY - 3, DAY - 2, DAY - 1] {
            recent = rate_limit(&recent, t, 3, DAY).unwrap();
        }
        assert!(rate_limit(&recent, DAY + 1, 3, DAY).is_none());
        assert!(rate_limit(&recent, 2 * DAY - 4, 3, DAY).is_none());
        // A full window after the first opening, it has slid out.
        let recent = rate_limit(&recent, 2 * DAY - 3, 3, DAY).unwrap();
        // (The list keeps every opening of the longest window there can be.)
        assert_eq!(recent, vec![DAY - 3, DAY - 2, DAY - 1, 2 * DAY - 3]);
        assert!(rate_limit(&recent, 2 * DAY - 3, 3, DAY).is_none());
    }

    #[test]
    fn a_longer_window_set_later_still_counts_the_openings_before_it() {
        // Three openings a day apart under a one-day window; the governor then lengthens
        // the window to a week (at most 3): the clinician had its three this week, so a
        // fourth is refused (kept openings cover the longest window there can be).
        let mut recent = Vec::new();
        for t in [10 * DAY, 11 * DAY, 12 * DAY] {
            recent = rate_limit(&recent, t, 3, DAY).unwrap();
        }
        assert!(rate_limit(&recent, 12 * DAY + HOUR, 3, DAY).is_some());
        assert!(rate_limit(&recent, 12 * DAY + HOUR, 3, 7 * DAY).is_none());
        // Openings older than the longest window are dropped, and at most MAX_RATE kept.
        let recent = rate_limit(&recent, 42 * DAY, 3, DAY).unwrap();
        assert_eq!(recent, vec![42 * DAY]);
        let mut many = Vec::new();
        for i in 0..(u64::from(MAX_RATE) + 5) {
            many = rate_limit(&many, 100 * DAY + i * HOUR, MAX_RATE, HOUR).unwrap();
        }
        assert_eq!(many.len(), MAX_RATE as usize);
        assert_eq!(
            many.last(),
            Some(&(100 * DAY + (u64::from(MAX_RATE) + 4) * HOUR))
        );
    }

    proptest! {
        /// Whatever the opening times, no window of `window` ms ever holds more than
        /// `max` allowed openings.
        #[test]
        fn sliding_window_bound(gaps in prop::collection::vec(0..(6 * HOUR), 1..60), max in 1u32..5) {
            let window = DAY;
            let mut recent: Vec<Timestamp> = Vec::new();
            let mut allowed: Vec<Timestamp> = Vec::new();
            let mut now = 1_000 * DAY;
            for gap in gaps {
                now += gap;
                if let Some(next) = rate_limit(&recent, now, max, window) {
                    recent = next;
                    allowed.push(now);
                }
            }
            for (i, start) in allowed.iter().enumerate() {
                let n = allowed[i..].iter().take_while(|t| **t < start + window).count();
                prop_assert!(n <= max as usize);
            }
        }
    }

    fn consent(kind: ConsentKind, from: Timestamp, until: Option<Timestamp>) -> Consent {
        Consent {
            id: 1,
            patient: AccountId::from([1; 32]),
            grantee: AccountId::from([2; 32]),
            kind,
            purposes: PurposeSet::of(&[Purpose::Treatment]),
            categories: DataCategories::of(&[DataCategory::LabResults]),
            valid_from: from,
            valid_until: until,
            recorded_by: AccountId::from([1; 32]),
            recorded_at: 10,
            revoked_at: None,
            delegation: None,
        }
    }

    #[test]
    fn deny_wins_and_scope_matters() {
        let permit = consent(ConsentKind::Permit, 0, None);
        let deny = consent(ConsentKind::Deny, 0, Some(100));
        let lab = DataCategory::LabResults;
        assert_eq!(decide([(&permit, true)], Purpose::Treatment, lab), Ok(()));
        assert_eq!(
            decide([(&permit, true), (&deny, true)], Purpose::Treatment, lab),
            Err(Error::ConsentDenied)
        );
        assert_eq!(
            decide([(&deny, false), (&permit, true)], Purpose::Treatment, lab),
            Ok(())
        );
        assert_eq!(
            decide([(&permit, true)], Purpose::Payment, lab),
            Err(Error::NoConsent)
        );
        assert_eq!(
            decide([(&permit, false)], Purpose::Treatment, lab),
            Err(Error::NoConsent)
        );
        // A deny starts when it is recorded, never before.
        assert_eq!(deny.start(), 10);
        assert!(!deny.in_force_at(5));
        assert!(permit.in_force_at(5));
    }
}
