//! Property tests of the monitoring rules (plain Rust, no contract): the calendar words
//! against a set of days, the batch checks against their definition, care-team bounds.

use crate::model::*;
use healthcare_traits::{AccountId, Hash, Loinc, DAY};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Marks `mask` from `first_day` into `words` as the contract does.
fn mark(words: &mut HashMap<u64, u64>, first_day: u64, mask: u32) {
    for (word, bits) in mask_words(first_day, mask) {
        *words.entry(word).or_default() |= bits;
    }
}

fn count(words: &HashMap<u64, u64>, first_day: u64, days: u32) -> u32 {
    let word = word_of(first_day);
    count_days(
        first_day,
        days,
        words.get(&word).copied().unwrap_or(0),
        words.get(&(word + 1)).copied().unwrap_or(0),
    )
}

fn batch(from: u64, until: u64, days: u32, count: u32) -> ReadingBatch {
    ReadingBatch {
        device: [2; 33],
        root: Hash::from([1; 32]),
        count,
        quantity: Loinc::from_text("8867-4").expect("fits"),
        from,
        until,
        days,
        out_of_range: None,
    }
}

proptest! {
    #[test]
    fn the_calendar_counts_exactly_the_marked_days(
        marks in prop::collection::vec((0u64..400, any::<u32>()), 0..20),
        start in 0u64..450,
        days in 1u32..=64,
    ) {
        let base = 20_000u64;
        let mut words = HashMap::new();
        let mut set = BTreeSet::new();
        for (first, mask) in &marks {
            mark(&mut words, base + first, *mask);
            for i in 0..32 {
                if mask >> i & 1 == 1 {
                    set.insert(base + first + i);
                }
            }
        }
        let first = base + start;
        let expected = set.range(first..first + u64::from(days)).count();
        prop_assert_eq!(count(&words, first, days) as usize, expected);
    }

    #[test]
    fn accepted_batches_are_exactly_the_well_formed_ones(
        from_hours in 0u64..2_000,
        length_hours in 0u64..900,
        days in any::<u32>(),
        count in 0u32..40,
        last_hours in 0u64..2_000,
        now_hours in 0u64..3_000,
    ) {
        let hour = DAY / 24;
        let (from, until) = (from_hours * hour, (from_hours + length_hours) * hour);
        let (last, now) = (last_hours * hour, now_hours * hour);
        let b = batch(from, until, days, count);
        let result = check_batch(&b, last, 0, now);
        let span = if until > from { (until - 1) / DAY - from / DAY + 1 } else { 0 };
        let well_formed = count > 0
            && from < until
            && until <= now
            && span <= MAX_BATCH_DAYS
            && from >= last
            && days != 0
            && u64::from(days) >> span == 0
            && days.count_ones() <= count;
        prop_assert_eq!(result.is_ok(), well_formed, "{:?}", result);
    }

    #[test]
    fn a_care_team_never_exceeds_its_bound_nor_repeats(
        ops in prop::collection::vec((any::<bool>(), 0u8..12), 0..60),
    ) {
        let mut team: Vec<AccountId> = Vec::new();
        for (join, who) in ops {
            let member = AccountId::from([who; 32]);
            let before = team.clone();
            let result = if join {
                join_team(&mut team, member)
            } else {
                leave_team(&mut team, member)
            };
            if result.is_err() {
                prop_assert_eq!(&team, &before);
            }
            prop_assert!(team.len() <= MAX_CARE_TEAM);
            let distinct: BTreeSet<_> = team.iter().collect();
            prop_assert_eq!(distinct.len(), team.len());
        }
    }
}

#[test]
fn thresholds_are_inclusive_ranges() {
    let t = Threshold {
        low: -5,
        high: 5,
        set_by: AccountId::from([1; 32]),
        set_at: 0,
    };
    assert!(!t.breached_by(-5) && !t.breached_by(5) && !t.breached_by(0));
    assert!(t.breached_by(-6) && t.breached_by(6) && t.breached_by(i64::MIN));
}

#[test]
fn a_summary_breaches_a_threshold_only_when_its_range_contains_it() {
    let threshold = Threshold {
        low: -5,
        high: 5,
        set_by: AccountId::from([1; 32]),
        set_at: 0,
    };
    let summary = |range| OutOfRange {
        count: 1,
        range,
        worst_commitment: Hash::from([0; 32]),
    };
    assert!(summary((-5, 5)).breaches(&threshold), "the same range");
    assert!(summary((-9, 9)).breaches(&threshold), "a wider range");
    assert!(!summary((-4, 5)).breaches(&threshold), "narrower below");
    assert!(!summary((-5, 4)).breaches(&threshold), "narrower above");
    assert!(!summary((0, 2)).breaches(&threshold), "inside");
}

proptest! {
    /// The 99454 period is the 30 days that end with the day of `until` (clipped at the
    /// epoch): it contains that day and no later one.
    #[test]
    fn the_billing_period_ends_with_the_day_of_until(until in any::<u64>()) {
        let (first, days) = period_until(until);
        let last = until / DAY;
        prop_assert_eq!(first + u64::from(days) - 1, last);
        prop_assert_eq!(days, 30u32.min(u32::try_from(last + 1).unwrap_or(u32::MAX)));
    }
}
