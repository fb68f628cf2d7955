//! The claims contract's data in plain Rust: the error enum, plans and their escrow
//! accounting, coverage, accumulators, claims, lines and remittance codes.

use crate::FULL_BPS;
use healthcare_traits::monitoring::MONITORING_PERIOD_DAYS;
use healthcare_traits::{AccountId, Balance, Hash, Timestamp, DAY};
use ink::prelude::vec::Vec;

/// Id of a plan, from 1.
pub type PlanId = u32;
/// Id of a claim, from 1.
pub type ClaimId = u64;
/// A CPT / HCPCS procedure code (5 ASCII upper-case letters or digits).
pub type ProcedureCode = [u8; 5];
/// A line's service key: (plan, member, rendering provider, service day, procedure). One
/// adjudicated, not-denied line holds it; another line with the same key is a duplicate.
pub type ServiceKey = (PlanId, AccountId, AccountId, u64, ProcedureCode);
/// (plan, member, rendering provider, service day): the lines a member had from one
/// provider on one day, held in one storage item ([`DayLines`]) so that a claim's
/// duplicate check reads one item and writes one, whatever its number of lines.
pub type DayKey = (PlanId, AccountId, AccountId, u64);

/// How many procedures one [`DayLines`] item holds; further ones of that day are held
/// under their own [`ServiceKey`] (so no member-day is ever full).
pub const DAY_LINES_CAP: usize = 16;

/// The procedures held on one [`DayKey`] and the claim holding each: a claim's adjudicated,
/// not-denied line holds its procedure; another line with it is a duplicate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct DayLines {
    /// (procedure, claim holding it), at most [`DAY_LINES_CAP`].
    pub held: Vec<(ProcedureCode, ClaimId)>,
    /// Some procedure of this day was held under its own [`ServiceKey`] because the item
    /// was full: a procedure not found here must also be looked up there.
    pub spilled: bool,
}

impl DayLines {
    /// The claim holding `procedure`, as far as this item knows.
    pub fn holder(&self, procedure: ProcedureCode) -> Option<ClaimId> {
        self.held
            .iter()
            .find(|(p, _)| *p == procedure)
            .map(|(_, claim)| *claim)
    }

    /// Records `claim` holding `procedure`. False when the item is full: the caller holds
    /// it under its own key, and the item remembers that it spilled.
    pub fn hold(&mut self, procedure: ProcedureCode, claim: ClaimId) -> bool {
        if let Some(entry) = self.held.iter_mut().find(|(p, _)| *p == procedure) {
            entry.1 = claim;
            return true;
        }
        if self.held.len() < DAY_LINES_CAP {
            self.held.push((procedure, claim));
            return true;
        }
        self.spilled = true;
        false
    }

    /// Gives up `procedure` if `claim` holds it here; true if it did.
    pub fn release(&mut self, procedure: ProcedureCode, claim: ClaimId) -> bool {
        let before = self.held.len();
        self.held.retain(|entry| *entry != (procedure, claim));
        self.held.len() != before
    }
}

/// Why a message was refused. (A denied claim is not an error: it is recorded.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    /// The contract is paused.
    Paused,
    /// The caller holds no valid payer licence.
    PayerNotLicensed,
    /// The staff_credentials address holds no contract answering the query.
    CredentialContractUnreachable,
    /// The staff_credentials contract trapped.
    CredentialContractTrapped,
    /// The consent_registry address holds no contract answering the query.
    ConsentContractUnreachable,
    /// The consent_registry contract trapped.
    ConsentContractTrapped,
    /// No plan has this id.
    UnknownPlan,
    /// The caller is not the plan's payer.
    NotPayer,
    /// The caller is neither the rendering provider nor a relay it named
    /// (`set_corrector`), or is a relay correcting a claim a person denied (the
    /// provider's to appeal or correct).
    NotSubmitter,
    /// The caller is not an adjuster of the claim's plan.
    NotAdjuster,
    /// The caller is not the claim's provider.
    NotProvider,
    /// No claim has this id.
    UnknownClaim,
    /// Plan terms out of range (coinsurance above 100 %, copay or deductible above
    /// the out-of-pocket maximum, a zero filing window).
    InvalidTerms,
    /// A line with a zero amount, an amount above `MAX_LINE_BILLED` or zero units, or a
    /// malformed procedure code.
    InvalidLine,
    /// A claim without lines.
    NoLines,
    /// More than `MAX_LINES` lines.
    TooManyLines,
    /// More than `MAX_FEES_PER_CALL` fee changes.
    TooManyFees,
    /// The service date lies in the future.
    ServiceInFuture,
    /// A coverage period that ends before it starts.
    InvalidCoverage,
    /// The claim is not pending review.
    NotPendingReview,
    /// The claim is not denied (only denials can be appealed).
    NotDenied,
    /// The claim was already appealed once.
    AlreadyAppealed,
    /// The claim is not under appeal.
    NotAppealed,
    /// The claim is neither approved-unfunded nor payment-failed.
    NotUnfunded,
    /// The escrow (less what is owed and reserved) does not cover the amount.
    InsufficientEscrow,
    /// The native transfer failed.
    TransferFailed,
    /// A zero amount.
    ZeroAmount,
    /// A counter or amount would overflow.
    Overflow,
    /// More than `MAX_CLAIMS_PER_BATCH` claims in one `submit_claims`.
    TooManyClaims,
    /// The claim's reference was used before by the same provider in the same plan (the
    /// claim it names is `claim_by_reference`): a resubmission, not adjudicated again.
    ReferenceUsed,
    /// The remote_monitoring address holds no contract answering the query.
    MonitoringContractUnreachable,
    /// The remote_monitoring contract trapped.
    MonitoringContractTrapped,
    /// A line with more units than the plan's `max_units` (its medically unlikely edit).
    TooManyUnits,
    /// An appeal of a claim that does not pass admission at its service date (the
    /// provider licensed, the member covered and consenting to payment, and a care
    /// relationship between them): only such claims can be appealed.
    NotAdmitted,
    /// `settle` of a claim while an older owed claim of the same plan waits: owed claims
    /// are paid oldest first (`next_owed`).
    NotFirstOwed,
    /// A void or replacement of a claim that is paid, owed (approved-unfunded or
    /// payment-failed), under appeal or already voided, or of a correction of a claim a
    /// person denied while it waits for the adjuster: only a claim pending review or
    /// denied can be voided or replaced.
    NotVoidable,
    /// A replacement for another plan, rendering provider, member, service date or
    /// emergency flag than the claim it replaces (those are a new claim: void the old
    /// one and submit).
    ReplacementMismatch,
    /// A replacement the claim-level checks would deny (coverage, timely filing to now,
    /// credential, payment consent, care relationship): refused, so that the original
    /// stays as it is.
    ReplacementDenied,
}

healthcare_traits::impl_from_paused!(Error);

/// The result type of every fallible message.
pub type Result<T> = core::result::Result<T, Error>;

/// Plan terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PlanTerms {
    /// Annual deductible.
    pub deductible: Balance,
    /// Copay per line.
    pub copay: Balance,
    /// Member coinsurance after deductible and copay, in basis points (≤ 10 000).
    pub coinsurance_bps: u16,
    /// Annual out-of-pocket maximum of the member.
    pub oop_max: Balance,
    /// Claims must be submitted within this time after the service date.
    pub timely_filing: Timestamp,
    /// A claim whose payer share exceeds this goes to manual review.
    pub review_threshold: Balance,
    /// Start of plan year 0; plan years are 365 days long.
    pub year_start: Timestamp,
    /// Most units one line may bill (the plan's medically unlikely edit, at least 1): a
    /// line with more is refused with `TooManyUnits`.
    pub max_units: u32,
}

impl PlanTerms {
    /// True if the terms are in range.
    pub fn is_valid(&self) -> bool {
        self.coinsurance_bps <= FULL_BPS
            && self.deductible <= self.oop_max
            && self.copay <= self.oop_max
            && self.timely_filing > 0
            && self.max_units > 0
    }

    /// The plan year of `at`.
    pub fn year_of(&self, at: Timestamp) -> u32 {
        let years = at
            .saturating_sub(self.year_start)
            .checked_div(crate::PLAN_YEAR)
            .unwrap_or(0);
        u32::try_from(years).unwrap_or(u32::MAX)
    }
}

/// A plan with its escrow.
///
/// Escrow accounting: `escrow == funded − withdrawn − paid`; `owed` is the payer share of
/// its approved-unfunded and payment-failed claims; `reserved` is the sum of its claims'
/// [`Claim::reserved`] (the payer share of claims pending review, the priced allowed
/// amount of claims under appeal: never a billed amount). New claims are paid, and the
/// payer withdraws, only from [`Plan::free`] `= escrow − owed − reserved`; owed claims
/// are settled oldest first from `escrow − reserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// The payer that created it.
    pub payer: AccountId,
    /// Its terms.
    pub terms: PlanTerms,
    /// Native tokens held for the plan: `funded − withdrawn − paid`.
    pub escrow: Balance,
    /// Payer share of its approved-unfunded and payment-failed claims.
    pub owed: Balance,
    /// Held for its claims pending review and under appeal (the sum of their
    /// [`Claim::reserved`]).
    pub reserved: Balance,
    /// Total funded.
    pub funded: Balance,
    /// Total withdrawn.
    pub withdrawn: Balance,
    /// Total paid to providers.
    pub paid: Balance,
}

impl Plan {
    /// What neither owed claims nor reservations hold: the most a new claim is paid from
    /// at once, and the most the payer may withdraw.
    pub fn free(&self) -> Balance {
        self.escrow
            .saturating_sub(self.owed)
            .saturating_sub(self.reserved)
    }

    /// What owed claims are settled from, oldest first: the escrow less the reservations
    /// (never what claims pending review or under appeal hold).
    pub fn settleable(&self) -> Balance {
        self.escrow.saturating_sub(self.reserved)
    }
}

/// A member's coverage period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Coverage {
    /// First covered moment.
    pub start: Timestamp,
    /// End of coverage (exclusive), if any.
    pub end: Option<Timestamp>,
}

/// A member's accumulators for one plan year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Accumulator {
    /// Deductible met so far.
    pub deductible_met: Balance,
    /// Out-of-pocket spent so far (deductible, copays, coinsurance).
    pub oop_spent: Balance,
}

/// How many plans' coverage one [`MemberState`] holds; a member of more plans has the
/// others' coverage in the contract's `members` map (so no member is ever full).
pub const MEMBER_PLANS: usize = 4;

/// How many places of a [`MemberState`] one payer's plans may take (the rest of its
/// plans' coverage goes to the `members` map): no payer can fill a member's item.
pub const MEMBER_PLANS_PER_PAYER: usize = 2;

/// Where [`MemberState::enrol`] put a member's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the item.
    Held,
    /// In the `members` map: no place free, or the payer's share of the item taken.
    Spilled,
    /// In the item, in the place of this plan, whose coverage had ended: the caller moves
    /// its coverage to the `members` map and its accumulators to the `accumulators` map.
    Replaced(MemberPlan),
}

/// A member's coverage in one plan and the accumulators of the latest plan year a claim
/// moved in it (older years are in the contract's `accumulators` map).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct MemberPlan {
    /// The plan.
    pub plan: PlanId,
    /// The member's coverage in it.
    pub coverage: Coverage,
    /// (plan year, accumulators) held here, if any.
    pub year: Option<(u32, Accumulator)>,
}

/// What a claim reads and writes of its member, in one storage item: the member's
/// coverage in up to [`MEMBER_PLANS`] plans with each one's current accumulators, and
/// the end of the member's claim list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct MemberState {
    /// The plans held here.
    pub plans: Vec<MemberPlan>,
    /// Some coverage of this member may be in the contract's `members` map instead (the
    /// item was full, or the member was enrolled by the code before these items): a plan
    /// not found here must also be looked up there.
    pub spilled: bool,
    /// How many claims the member's list holds.
    pub listed: u32,
    /// The ids of the list's last page while it is not full.
    pub tail: Vec<ClaimId>,
}

impl MemberState {
    /// The member's coverage in `plan`, as far as this item knows.
    pub fn coverage(&self, plan: PlanId) -> Option<Coverage> {
        self.plans
            .iter()
            .find(|p| p.plan == plan)
            .map(|p| p.coverage)
    }

    /// Records the member's coverage in `plan` (its accumulators kept) at `now`; `own`
    /// tells whether a plan the item holds is the enrolling payer's. A plan not held yet
    /// takes a free place, else the place of a plan whose coverage has ended; it is kept
    /// in the `members` map instead ([`Place::Spilled`], the item remembering that it
    /// spilled) when no place is free or when the payer's plans already take
    /// [`MEMBER_PLANS_PER_PAYER`] places: a payer enrolling a member in many plans cannot
    /// push another payer's plans out of the item.
    pub fn enrol(
        &mut self,
        plan: PlanId,
        coverage: Coverage,
        now: Timestamp,
        mut own: impl FnMut(PlanId) -> bool,
    ) -> Place {
        if let Some(entry) = self.plans.iter_mut().find(|p| p.plan == plan) {
            entry.coverage = coverage;
            return Place::Held;
        }
        let ended = |p: &MemberPlan| p.coverage.end.is_some_and(|end| end <= now);
        let room = self.plans.len() < MEMBER_PLANS;
        if !room && !self.plans.iter().any(ended) {
            self.spilled = true;
            return Place::Spilled;
        }
        // Which places are the payer's: read only when its share could be taken.
        let mine: Vec<bool> = if self.plans.len() >= MEMBER_PLANS_PER_PAYER {
            self.plans.iter().map(|p| own(p.plan)).collect()
        } else {
            Vec::new()
        };
        let share = mine.iter().filter(|m| **m).count();
        let entry = MemberPlan {
            plan,
            coverage,
            year: None,
        };
        if room && share < MEMBER_PLANS_PER_PAYER {
            self.plans.push(entry);
            return Place::Held;
        }
        // An ended place, if taking it leaves the payer within its share.
        let at = self.plans.iter().enumerate().position(|(at, p)| {
            ended(p) && (share < MEMBER_PLANS_PER_PAYER || mine.get(at) == Some(&true))
        });
        if let Some(place) = at.and_then(|at| self.plans.get_mut(at)) {
            let old = core::mem::replace(place, entry);
            self.spilled = true;
            return Place::Replaced(old);
        }
        self.spilled = true;
        Place::Spilled
    }

    /// The member's accumulators in `year` of `plan`, if this item holds that year.
    pub fn accumulator(&self, plan: PlanId, year: u32) -> Option<Accumulator> {
        self.plans
            .iter()
            .find(|p| p.plan == plan)
            .and_then(|p| p.year)
            .and_then(|(held, acc)| (held == year).then_some(acc))
    }

    /// Sets the member's accumulators in `year` of `plan` (read before through
    /// [`MemberState::accumulator`] or the map). Returns the (year, accumulators) the
    /// caller must write to the `accumulators` map: the value itself when the item does
    /// not hold the plan or holds a later year, or the year this one replaces.
    pub fn set_accumulator(
        &mut self,
        plan: PlanId,
        year: u32,
        acc: Accumulator,
    ) -> Option<(u32, Accumulator)> {
        let Some(entry) = self.plans.iter_mut().find(|p| p.plan == plan) else {
            return Some((year, acc));
        };
        match entry.year {
            Some((held, _)) if held > year => Some((year, acc)),
            Some((held, old)) if held < year => {
                entry.year = Some((year, acc));
                Some((held, old))
            }
            _ => {
                entry.year = Some((year, acc));
                None
            }
        }
    }
}

/// One service line as submitted. No diagnosis in clear: the line carries a salted
/// commitment to its diagnosis codes (see [`crate::diagnosis_commitment`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ClaimLine {
    /// CPT / HCPCS code.
    pub procedure: ProcedureCode,
    /// BLAKE2-256 of a secret salt and the line's ICD-10-CM codes: whoever holds the
    /// claim file can prove which diagnoses were billed; nobody else learns them.
    pub diagnosis_commitment: Hash,
    /// Billed amount for the line (all units).
    pub billed: Balance,
    /// Units of service.
    pub units: u32,
}

impl ClaimLine {
    /// True for a positive amount of at most [`crate::MAX_LINE_BILLED`], a positive unit
    /// count and a well-formed procedure code.
    pub fn is_valid(&self) -> bool {
        self.billed > 0
            && self.billed <= crate::MAX_LINE_BILLED
            && self.units > 0
            && self
                .procedure
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }
}

/// What a provider (or a relay it named) submits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ClaimRequest {
    /// The plan.
    pub plan: PlanId,
    /// The member treated.
    pub member: AccountId,
    /// The rendering provider.
    pub provider: AccountId,
    /// The date of service (compared by UTC day for duplicates).
    pub service_date: Timestamp,
    /// An emergency visit (837 place of service 23): without a care relationship it goes
    /// to manual review instead of being denied.
    pub emergency: bool,
    /// The service lines.
    pub lines: Vec<ClaimLine>,
}

/// The submitter's reference of a claim: a hash of its own claim number (the 837's CLM01;
/// the claims tool hashes the billing provider's NPI, CLM01 and service date, see
/// `tools/claims-tool`), never the number in clear. Unique per plan and provider.
pub type ClaimReference = Hash;
/// (plan, rendering provider, reference): the key a claim's reference is held under.
pub type ReferenceKey = (PlanId, AccountId, ClaimReference);

/// One claim of a `submit_claims` batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ClaimSubmission {
    /// The claim, exactly as `submit_claim` takes it.
    pub request: ClaimRequest,
    /// The submitter's reference, if any: a claim whose reference the same provider used
    /// before in the same plan is refused with `ReferenceUsed`.
    pub reference: Option<ClaimReference>,
}

/// The UTC day of a timestamp (duplicates are per day of service).
pub fn day_of(at: Timestamp) -> u64 {
    at.checked_div(DAY).unwrap_or(0)
}

/// (member, 30-day window): the key under which a held CPT 99454 line is recorded, with
/// its service day and claim ([`supply_window`]).
pub type SupplyKey = (AccountId, u64);

/// The key of a CPT 99454 supply a person denied: (member, provider, 30-day window).
pub type DeniedSupplyKey = (AccountId, AccountId, u64);

/// A held CPT 99454 supply: (service day, claim).
pub type SupplyHold = (u64, ClaimId);

/// The 30-day window of service day `day` (day / 30): held CPT 99454 lines of one member
/// lie at least 30 days apart ([`same_supply_period`]), so a window holds at most one.
pub fn supply_window(day: u64) -> u64 {
    day.checked_div(u64::from(MONITORING_PERIOD_DAYS))
        .unwrap_or(0)
}

/// The windows that can hold a CPT 99454 line less than 30 days from service day `day`:
/// its own and its two neighbours (one fewer at window 0).
pub fn supply_windows_near(day: u64) -> impl Iterator<Item = u64> {
    let window = supply_window(day);
    [window.checked_sub(1), Some(window), window.checked_add(1)]
        .into_iter()
        .flatten()
}

/// True when CPT 99454 lines for service days `a` and `b` bill the same device supply:
/// fewer than 30 days apart (each bills the 30 days ending with its service day, so
/// their periods overlap). One member is paid at most one of them, whoever bills it.
pub fn same_supply_period(a: u64, b: u64) -> bool {
    a.abs_diff(b) < u64::from(MONITORING_PERIOD_DAYS)
}

/// The most an overturned appeal of `lines` can cost the payer, reserved while the appeal
/// waits: the allowed amount of each line the fee schedule covers (`fee`: its entry),
/// `min(billed, fee × units)`, summed. Never the billed amount of an uncovered line.
pub fn appeal_reserve(lines: impl Iterator<Item = (ClaimLine, Option<Balance>)>) -> Balance {
    lines.fold(0, |sum: Balance, (line, fee)| {
        let allowed = fee.map_or(0, |fee| {
            fee.saturating_mul(Balance::from(line.units))
                .min(line.billed)
        });
        sum.saturating_add(allowed)
    })
}

/// Claim Adjustment Reason Codes (X12 CARC) used in remittances.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Carc {
    /// 1: deductible amount.
    Deductible,
    /// 2: coinsurance amount.
    Coinsurance,
    /// 3: co-payment amount.
    Copay,
    /// 18: exact duplicate claim / service (same member, provider, day and procedure as
    /// an adjudicated, not-denied line).
    Duplicate,
    /// 26: expenses incurred prior to coverage.
    BeforeCoverage,
    /// 27: expenses incurred after coverage terminated.
    CoverageEnded,
    /// 29: the time limit for filing has expired.
    TimelyFiling,
    /// 31: patient cannot be identified as our insured.
    NotInsured,
    /// 45: charge exceeds fee schedule / maximum allowable.
    ExceedsFeeSchedule,
    /// 50: not deemed a medical necessity by the payer (adjuster denial).
    NotMedicallyNecessary,
    /// 96: non-covered charge.
    NotCovered,
    /// 197: precertification / authorisation absent (no payment consent).
    ConsentAbsent,
    /// B7: provider not certified / eligible on the date of service.
    ProviderNotEligible,
    /// 242: services not provided by network / primary care providers (the member named
    /// no care relationship with the rendering provider for the date of service).
    NoCareRelationship,
    /// 272: coverage / program guidelines were not met: a CPT 99454 (remote monitoring
    /// device supply) line whose 30-day period ending with the service date had fewer
    /// than 16 days with device data in `remote_monitoring`.
    MonitoringDaysNotMet,
    /// 119: benefit maximum for this time period or occurrence has been reached: a
    /// second CPT 99454 line for a member within 30 days of one already held (paid, owed
    /// or under review), whoever bills it.
    PeriodMaximum,
}

impl Carc {
    /// The X12 code.
    pub const fn code(self) -> &'static str {
        match self {
            Carc::Deductible => "1",
            Carc::Coinsurance => "2",
            Carc::Copay => "3",
            Carc::Duplicate => "18",
            Carc::BeforeCoverage => "26",
            Carc::CoverageEnded => "27",
            Carc::TimelyFiling => "29",
            Carc::NotInsured => "31",
            Carc::ExceedsFeeSchedule => "45",
            Carc::NotMedicallyNecessary => "50",
            Carc::NotCovered => "96",
            Carc::ConsentAbsent => "197",
            Carc::ProviderNotEligible => "B7",
            Carc::NoCareRelationship => "242",
            Carc::MonitoringDaysNotMet => "272",
            Carc::PeriodMaximum => "119",
        }
    }
}

/// Claim Adjustment Group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Group {
    /// CO: contractual obligation (provider write-off).
    ContractualObligation,
    /// PR: patient responsibility.
    PatientResponsibility,
    /// OA: other adjustment.
    OtherAdjustment,
}

/// One adjustment of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Adjustment {
    /// Group.
    pub group: Group,
    /// Reason.
    pub reason: Carc,
    /// Amount.
    pub amount: Balance,
}

/// The remittance of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct LineResult {
    /// The line as submitted.
    pub line: ClaimLine,
    /// Allowed amount.
    pub allowed: Balance,
    /// The payer's share.
    pub payer_amount: Balance,
    /// The member's share.
    pub member_amount: Balance,
    /// Adjustments (at most four); `billed = payer + member + Σ adjustments of group CO`
    /// and `member = Σ adjustments of group PR`.
    pub adjustments: Vec<Adjustment>,
}

impl LineResult {
    /// A line denied in full with `reason` (group CO).
    pub fn denied(line: ClaimLine, reason: Carc) -> Self {
        Self {
            line,
            allowed: 0,
            payer_amount: 0,
            member_amount: 0,
            adjustments: ink::prelude::vec![Adjustment {
                group: Group::ContractualObligation,
                reason,
                amount: line.billed,
            }],
        }
    }
}

/// A claim's status.
///
/// The SCALE encoding is the variant index: append, never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ClaimStatus {
    /// Paid from escrow.
    Paid,
    /// Approved; waiting for escrow (`settle`).
    ApprovedUnfunded,
    /// Waiting for an adjuster (payer share reserved).
    PendingReview,
    /// Denied (see `denial`).
    Denied,
    /// Denied, appealed, waiting for an adjuster (`payer_amount` holds what is reserved:
    /// the lines priced against the fee schedule, at most their allowed amount).
    UnderAppeal,
    /// Approved, but the transfer to the provider failed (e.g. below the existential
    /// deposit of an empty account); owed, and paid by `settle` later.
    PaymentFailed,
    /// Voided (X12 claim frequency 8) or replaced by a later claim (frequency 7) before
    /// it was paid: it pays nothing and counts nothing; it holds no service but those a
    /// person denied it (at review, or after its appeal) that no replacement took over.
    Voided,
}

impl ClaimStatus {
    /// True for the statuses whose priced lines always hold their service keys (a
    /// denied or voided claim holds those a person denied, see
    /// [`Claim::denied_by_a_person`]).
    pub const fn holds_lines(self) -> bool {
        matches!(
            self,
            ClaimStatus::Paid
                | ClaimStatus::ApprovedUnfunded
                | ClaimStatus::PendingReview
                | ClaimStatus::PaymentFailed
        )
    }
}

/// A claim with its remittance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Claim {
    /// Its id.
    pub id: ClaimId,
    /// The plan.
    pub plan: PlanId,
    /// The member treated.
    pub member: AccountId,
    /// The rendering provider (paid).
    pub provider: AccountId,
    /// Who submitted it (the provider, or a relay it named).
    pub submitter: AccountId,
    /// Date of service.
    pub service_date: Timestamp,
    /// Block time of submission.
    pub submitted_at: Timestamp,
    /// Flagged as an emergency visit.
    pub emergency: bool,
    /// Status.
    pub status: ClaimStatus,
    /// Claim-level denial reason, if denied.
    pub denial: Option<Carc>,
    /// Per-line results.
    pub lines: Vec<LineResult>,
    /// Sum of billed amounts.
    pub billed: Balance,
    /// Sum of allowed amounts.
    pub allowed: Balance,
    /// The payer's share (paid or owed once approved).
    pub payer_amount: Balance,
    /// The member's share.
    pub member_amount: Balance,
    /// Deductible counted into the member's accumulator by this claim.
    pub deductible_applied: Balance,
    /// Hash of the appeal evidence, once appealed.
    pub appeal_evidence: Option<Hash>,
    /// What the claim holds reserved in its plan's escrow: its payer share while pending
    /// review (none for an emergency without a care relationship), the allowed amount of
    /// its lines priced against the fee schedule while under appeal; 0 otherwise.
    pub reserved: Balance,
}

impl Claim {
    /// Records that the claim pays nothing (denied or voided): no amount allowed, paid or
    /// owed by the member, no deductible counted. Its lines keep their pricing.
    pub fn pay_nothing(&mut self) {
        self.allowed = 0;
        self.payer_amount = 0;
        self.member_amount = 0;
        self.deductible_applied = 0;
    }

    /// Whether a line of the claim was priced (allowed something), so holds its
    /// procedure on its service day: a claim paid, owed or pending, and a denial a
    /// person made (an adjuster at review, or a decided appeal, keep the pricing).
    pub fn holds_services(&self) -> bool {
        self.lines.iter().any(|line| line.allowed > 0)
    }

    /// Whether a person denied the claim: an adjuster at review (its lines keep their
    /// pricing), or its appeal was decided. Such a service is not billed again without
    /// a person looking: a new claim for it is a duplicate, and a replacement goes to
    /// review whatever its amount.
    pub fn denied_by_a_person(&self) -> bool {
        self.status == ClaimStatus::Denied
            && (self.appeal_evidence.is_some() || self.holds_services())
    }
}

/// The peer contracts asked during adjudication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Peers {
    /// staff_credentials.
    pub credentials: AccountId,
    /// consent_registry.
    pub consent: AccountId,
    /// remote_monitoring (asked about CPT 99454 lines).
    pub monitoring: AccountId,
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ProcedureCode = *b"99213";
    const B: ProcedureCode = *b"71046";

    fn code(n: usize) -> ProcedureCode {
        let mut code = *b"10000";
        code[3] = b'0' + u8::try_from(n / 10).expect("digit");
        code[4] = b'0' + u8::try_from(n % 10).expect("digit");
        code
    }

    #[test]
    fn a_day_item_holds_its_capacity_then_spills() {
        let mut day = DayLines::default();
        for n in 0..DAY_LINES_CAP {
            assert!(day.hold(code(n), 1));
        }
        assert!(!day.spilled);
        assert!(!day.hold(code(DAY_LINES_CAP), 2), "the item is full");
        assert!(day.spilled);
        assert_eq!(day.holder(code(DAY_LINES_CAP)), None);
        assert_eq!(day.held.len(), DAY_LINES_CAP);
        // A procedure already held is re-held in place, full or not.
        assert!(day.hold(code(3), 2));
        assert_eq!(day.holder(code(3)), Some(2));
        // Released, its place is free again; the item stays marked as spilled.
        assert!(day.release(code(3), 2));
        assert!(day.hold(code(DAY_LINES_CAP), 2));
        assert!(day.spilled);
    }

    const NOW: u64 = 1_000;

    fn covered(start: u64) -> Coverage {
        Coverage { start, end: None }
    }

    fn ending(end: u64) -> Coverage {
        Coverage {
            start: 0,
            end: Some(end),
        }
    }

    fn plans(member: &MemberState) -> Vec<PlanId> {
        member.plans.iter().map(|p| p.plan).collect()
    }

    #[test]
    fn a_payer_takes_at_most_its_share_of_a_member_item() {
        // Payer A's plans are 1 to 9, payer B's 10 and up.
        let a = |p: PlanId| p < 10;
        let b = |p: PlanId| p >= 10;
        let mut member = MemberState::default();
        assert_eq!(member.enrol(1, covered(0), NOW, a), Place::Held);
        assert_eq!(member.enrol(2, covered(0), NOW, a), Place::Held);
        assert_eq!(member.enrol(3, covered(0), NOW, a), Place::Spilled);
        assert!(member.spilled);
        // B still finds its places, and A can still change the plans it holds.
        assert_eq!(member.enrol(10, covered(0), NOW, b), Place::Held);
        assert_eq!(member.enrol(11, covered(0), NOW, b), Place::Held);
        assert_eq!(member.enrol(12, covered(0), NOW, b), Place::Spilled);
        assert_eq!(member.enrol(1, covered(5), NOW, a), Place::Held);
        assert_eq!(plans(&member), vec![1, 2, 10, 11]);
        assert_eq!(member.coverage(1), Some(covered(5)));
    }

    #[test]
    fn ended_coverage_gives_its_place_up() {
        let a = |p: PlanId| p < 10;
        let b = |p: PlanId| p >= 10;
        let mut member = MemberState::default();
        assert_eq!(member.enrol(1, covered(0), NOW, a), Place::Held);
        assert_eq!(member.enrol(2, covered(0), NOW, a), Place::Held);
        assert_eq!(member.enrol(10, covered(0), NOW, b), Place::Held);
        assert_eq!(member.enrol(11, ending(NOW), NOW, b), Place::Held);
        assert_eq!(member.set_accumulator(11, 3, acc(7)), None);
        // Ending at NOW (exclusive): ended from NOW on, not before.
        assert_eq!(member.enrol(12, covered(0), NOW - 1, b), Place::Spilled);
        let old = MemberPlan {
            plan: 11,
            coverage: ending(NOW),
            year: Some((3, acc(7))),
        };
        assert_eq!(
            member.enrol(12, covered(0), NOW, b),
            Place::Replaced(old),
            "its coverage and accumulators handed back"
        );
        assert_eq!(plans(&member), vec![1, 2, 10, 12]);
        assert_eq!(member.accumulator(12, 3), None, "the new plan's own year");
        assert!(member.spilled);
        // A payer at its share takes an ended place only if it is its own.
        assert_eq!(member.enrol(10, ending(NOW), NOW, b), Place::Held);
        assert_eq!(member.enrol(3, covered(0), NOW, a), Place::Spilled);
        assert_eq!(member.enrol(2, ending(NOW), NOW, a), Place::Held);
        assert_eq!(
            member.enrol(3, covered(0), NOW, a),
            Place::Replaced(MemberPlan {
                plan: 2,
                coverage: ending(NOW),
                year: None,
            })
        );
        assert_eq!(plans(&member), vec![1, 3, 10, 12]);
        // With a free place, a payer at its share still cannot take it.
        member.plans.retain(|p| p.plan != 10);
        assert_eq!(member.enrol(4, covered(0), NOW, a), Place::Spilled);
        assert_eq!(member.enrol(13, covered(0), NOW, b), Place::Held);
    }

    fn acc(deductible_met: Balance) -> Accumulator {
        Accumulator {
            deductible_met,
            oop_spent: deductible_met,
        }
    }

    #[test]
    fn a_member_item_holds_its_plans_then_spills() {
        let mut member = MemberState::default();
        // Plans of as many payers as places (plan p is payer p's).
        for plan in 1..=u32::try_from(MEMBER_PLANS).expect("small") {
            let place = member.enrol(plan, covered(u64::from(plan)), NOW, |p| p == plan);
            assert_eq!(place, Place::Held);
        }
        assert!(!member.spilled);
        let place = member.enrol(99, covered(9), NOW, |_| false);
        assert_eq!(place, Place::Spilled, "the item is full");
        assert!(member.spilled);
        assert_eq!(member.coverage(99), None);
        // A plan already held is updated in place, full or not, its year kept.
        assert_eq!(member.set_accumulator(2, 0, acc(5)), None);
        assert_eq!(member.enrol(2, covered(7), NOW, |_| true), Place::Held);
        assert_eq!(member.coverage(2), Some(covered(7)));
        assert_eq!(member.accumulator(2, 0), Some(acc(5)));
    }

    #[test]
    fn a_member_item_keeps_the_latest_year_and_hands_back_the_others() {
        let mut member = MemberState::default();
        // A plan the item does not hold: the value goes to the map.
        assert_eq!(member.set_accumulator(1, 3, acc(1)), Some((3, acc(1))));
        assert_eq!(member.enrol(1, covered(0), NOW, |_| true), Place::Held);
        assert_eq!(member.accumulator(1, 3), None, "no year held yet");
        assert_eq!(member.set_accumulator(1, 3, acc(2)), None);
        assert_eq!(member.accumulator(1, 3), Some(acc(2)));
        assert_eq!(member.set_accumulator(1, 3, acc(4)), None, "the same year");
        assert_eq!(member.accumulator(1, 3), Some(acc(4)));
        // An earlier year goes to the map; the item keeps year 3.
        assert_eq!(member.set_accumulator(1, 2, acc(6)), Some((2, acc(6))));
        assert_eq!(member.accumulator(1, 2), None);
        assert_eq!(member.accumulator(1, 3), Some(acc(4)));
        // A later year takes the item's place and hands year 3 to the map.
        assert_eq!(member.set_accumulator(1, 4, acc(8)), Some((3, acc(4))));
        assert_eq!(member.accumulator(1, 4), Some(acc(8)));
        assert_eq!(member.accumulator(1, 3), None);
        assert_eq!(member.accumulator(2, 4), None, "another plan");
    }

    #[test]
    fn only_the_holding_claim_releases_a_procedure() {
        let mut day = DayLines::default();
        assert!(day.hold(A, 1));
        assert!(day.hold(B, 1));
        assert!(!day.release(A, 2));
        assert_eq!(day.holder(A), Some(1));
        assert!(day.release(A, 1));
        assert_eq!(day.holder(A), None);
        assert_eq!(day.holder(B), Some(1));
        assert!(!day.release(A, 1), "released once");
    }
}
