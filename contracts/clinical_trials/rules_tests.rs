//! Compiled only under `#[cfg(test)]`: the plain-Rust rules of `model`, directly and by
//! property tests (the SUSAR clock, report status, results deadline, safety-signal
//! windows, periods, batch sizes, enrolment gates, device sequences).

use crate::model::*;
use healthcare_traits::{AccountId, DataCategories, Hash, DAY};
use proptest::prelude::*;

const SERIOUSNESS: [Seriousness; 7] = Seriousness::ALL;

fn report(seriousness: Seriousness, expected: bool, suspected: bool) -> EventReport {
    EventReport {
        trial: 1,
        participant: 1,
        seriousness,
        expected,
        suspected,
        onset: 0,
        report_hash: Hash::from([0; 32]),
    }
}

fn event(due: Option<u64>, reported: Option<u64>) -> AdverseEvent {
    AdverseEvent {
        id: 1,
        trial: 1,
        participant: 1,
        investigator: AccountId::from([1; 32]),
        seriousness: Seriousness::Death,
        expected: false,
        suspected: true,
        onset: 0,
        report_hash: Hash::from([0; 32]),
        reported_at: 0,
        due,
        regulator_report: reported.map(|at| (at, Hash::from([2; 32]))),
    }
}

fn trial() -> Trial {
    Trial {
        id: 1,
        sponsor: AccountId::from([1; 32]),
        irb: AccountId::from([2; 32]),
        registration_hash: Hash::from([0; 32]),
        registered_at: 0,
        primary_completion: DAY,
        categories: DataCategories(1),
        target_enrolment: 2,
        enrolled: 0,
        current_version: 1,
        latest_version: 1,
        suspended: false,
        signal_threshold: 1,
        signal_window: DAY,
        investigator_count: 0,
        batch_count: 0,
        event_count: 0,
        open_susars: 0,
        late_susars: 0,
        results: None,
    }
}

#[test]
fn only_serious_unexpected_suspected_reactions_are_susars_with_their_windows() {
    for s in SERIOUSNESS {
        for expected in [false, true] {
            for suspected in [false, true] {
                let due = susar_due(&report(s, expected, suspected), 1_000).expect("no overflow");
                let susar = s != Seriousness::NonSerious && !expected && suspected;
                assert_eq!(due.is_some(), susar, "{s:?} {expected} {suspected}");
                if let Some(due) = due {
                    let window = if matches!(s, Seriousness::Death | Seriousness::LifeThreatening) {
                        7 * DAY
                    } else {
                        15 * DAY
                    };
                    assert_eq!(due, 1_000 + window);
                }
            }
        }
    }
    assert_eq!(
        susar_due(&report(Seriousness::Death, false, true), u64::MAX),
        Err(Error::Overflow)
    );
}

#[test]
fn enrolment_gates_in_order() {
    let mut t = trial();
    assert_eq!(t.check_enrolment_open(), Ok(()));
    t.enrolled = 2;
    assert_eq!(t.check_enrolment_open(), Err(Error::TargetReached));
    t.suspended = true;
    assert_eq!(t.check_enrolment_open(), Err(Error::EnrolmentSuspended));
    t.latest_version = 2;
    assert_eq!(t.check_enrolment_open(), Err(Error::AmendmentPending));
    t.current_version = 0;
    assert_eq!(t.check_enrolment_open(), Err(Error::NoApprovedProtocol));
}

#[test]
fn requests_are_checked() {
    let good = TrialRequest {
        protocol_hash: Hash::from([1; 32]),
        registration_hash: Hash::from([2; 32]),
        primary_outcome_hash: Hash::from([3; 32]),
        target_enrolment: 1,
        primary_completion: 2,
        irb: AccountId::from([2; 32]),
        categories: DataCategories(1),
        signal_threshold: 1,
        signal_window: MIN_SIGNAL_WINDOW,
    };
    assert_eq!(check_request(&good, 1), Ok(()));
    assert_eq!(check_request(&good, 2), Err(Error::InvalidCompletionDate));
}

/// A SUSAR's deadline is inclusive: pending at the deadline itself, overdue a millisecond
/// later; reported at the deadline on time, a millisecond later late (a sponsor cannot be
/// marked late for reporting on the last allowed moment, nor on time after it).
#[test]
fn a_susar_deadline_is_inclusive() {
    let due = 1_000;
    assert_eq!(event(Some(due), None).status(due), ReportStatus::Pending);
    assert_eq!(
        event(Some(due), None).status(due + 1),
        ReportStatus::Overdue
    );
    assert_eq!(
        event(Some(due), Some(due)).status(due + 5),
        ReportStatus::OnTime
    );
    assert_eq!(
        event(Some(due), Some(due + 1)).status(due + 5),
        ReportStatus::Late
    );
}

proptest! {
    #[test]
    fn report_status_follows_the_clock(due in 0u64..1_000_000, at in 0u64..2_000_000, reported in proptest::option::of(0u64..2_000_000)) {
        let status = event(Some(due), reported).status(at);
        let expected = match reported {
            None if at > due => ReportStatus::Overdue,
            None => ReportStatus::Pending,
            Some(r) if r > due => ReportStatus::Late,
            Some(_) => ReportStatus::OnTime,
        };
        prop_assert_eq!(status, expected);
        prop_assert_eq!(event(None, reported).status(at), ReportStatus::NotDue);
        // Once reported, the status no longer depends on the clock.
        if reported.is_some() {
            prop_assert_eq!(event(Some(due), reported).status(0), status);
        }
    }

    #[test]
    fn results_are_late_only_past_twelve_months(completion in 0u64..u64::MAX / 2, delta in 0u64..(2 * RESULTS_DUE_AFTER)) {
        let posted = completion + delta;
        prop_assert_eq!(results_late(completion, posted), delta > RESULTS_DUE_AFTER);
    }

    #[test]
    fn signal_windows_partition_time(at in any::<u64>(), window in MIN_SIGNAL_WINDOW..(365 * DAY)) {
        let bucket = signal_bucket(at, window);
        let start = bucket * window;
        prop_assert!(start <= at && at - start < window);
        prop_assert_eq!(signal_bucket(start, window), bucket);
        prop_assert_eq!(signal_bucket(0, 0), 0);
    }

    #[test]
    fn periods_must_have_ended_and_be_non_empty(from in 0u64..1_000, until in 0u64..1_000, now in 0u64..1_000) {
        prop_assert_eq!(check_period(from, until, now).is_ok(), from < until && until <= now);
    }

    #[test]
    fn batch_sizes(count in 0u32..300, named in 0usize..150) {
        let result = check_batch_size(count, named);
        if named > MAX_PARTICIPANTS_PER_BATCH {
            prop_assert_eq!(result, Err(Error::TooManyParticipants));
        } else if named == 0 || (count as usize) < named {
            prop_assert_eq!(result, Err(Error::EmptyBatch));
        } else {
            prop_assert_eq!(result, Ok(()));
        }
    }

    #[test]
    fn a_device_accepts_exactly_its_next_batch(sequence in 0u64..1_000, last_until in 0u64..1_000, next in 0u64..1_001, from in 0u64..1_000, retired in any::<bool>()) {
        let device = Device {
            key: [2; 33],
            trial: 1,
            investigator: AccountId::from([1; 32]),
            maker: AccountId::from([3; 32]),
            registered_at: 0,
            retired_at: retired.then_some(1),
            sequence,
            last_until,
        };
        let batch = DeviceBatch {
            device: [2; 33],
            trial: 1,
            participant: 1,
            root: Hash::from([0; 32]),
            count: 1,
            from,
            until: from + 1,
            sequence: next,
        };
        let expected = if retired {
            Err(Error::DeviceRetired)
        } else if next == sequence + 1 && from >= last_until {
            Ok(())
        } else {
            Err(Error::StaleBatch)
        };
        prop_assert_eq!(device.check_next(&batch), expected);
    }

    #[test]
    fn withdrawal_cuts_data_at_its_moment(withdrawn in proptest::option::of(0u64..1_000), until in 0u64..1_000) {
        let p = Participant {
            number: 1,
            account: AccountId::from([3; 32]),
            investigator: AccountId::from([1; 32]),
            enrolled_at: 0,
            withdrawn_at: withdrawn,
        };
        let refused = withdrawn.is_some_and(|w| w < until);
        prop_assert_eq!(p.check_data_until(until).is_err(), refused);
    }
}

#[test]
fn an_outcome_counts_as_pre_specified_only_if_approved_before_the_first_enrolment() {
    assert!(outcome_switched(None, None));
    assert!(outcome_switched(None, Some(5)));
    assert!(!outcome_switched(Some(5), None));
    assert!(!outcome_switched(Some(4), Some(5)));
    assert!(!outcome_switched(Some(5), Some(5)));
    assert!(outcome_switched(Some(6), Some(5)));
}

#[test]
fn a_batch_names_at_most_the_bound_of_participants() {
    let bound = MAX_PARTICIPANTS_PER_BATCH;
    let count = u32::try_from(bound).expect("small");
    assert_eq!(check_batch_size(count, bound), Ok(()));
    assert_eq!(
        check_batch_size(count + 1, bound + 1),
        Err(Error::TooManyParticipants)
    );
}

#[test]
fn susar_windows_by_seriousness() {
    assert_eq!(Seriousness::NonSerious.susar_window(), None);
    for urgent in [Seriousness::Death, Seriousness::LifeThreatening] {
        assert_eq!(urgent.susar_window(), Some(URGENT_SUSAR_WINDOW));
    }
    assert_eq!(
        Seriousness::Hospitalisation.susar_window(),
        Some(SUSAR_WINDOW)
    );
}
