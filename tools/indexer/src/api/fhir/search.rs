//! A FHIR search's parameters, checked: the patient, `date` bounds by prefix and
//! precision, `_count`, the cursor bound to its search.

use super::*;

/// A search, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The resource type searched (`AuditEvent`, `Consent`).
    pub resource: &'static str,
    /// The patient (SS58).
    pub patient: String,
    /// At or after (ms).
    pub from_ms: Option<i64>,
    /// Before (ms).
    pub to_ms: Option<i64>,
    /// The page size.
    pub count: i64,
    /// Where the previous page ended: (block, index) of an AuditEvent, or (consent, 0).
    pub after: Option<(i64, i64)>,
}

impl Search {
    fn filters_digest(&self) -> String {
        crate::api::digest(&format!(
            "{}|{}|{:?}|{:?}",
            self.resource, self.patient, self.from_ms, self.to_ms
        ))
    }

    /// The cursor of the page after `key`.
    pub fn cursor_after(&self, key: (i64, i64)) -> String {
        format!("{}.{}.{}", key.0, key.1, self.filters_digest())
    }
}

/// The interval `[start, end)` of milliseconds a FHIR date or dateTime value denotes.
pub(super) fn date_interval(value: &str) -> Option<(i64, i64)> {
    let day = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t).timestamp_millis())
    };
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = value.split('-').collect();
    match parts.as_slice() {
        [y] if y.len() == 4 && digits(y) => {
            let y: i32 = y.parse().ok()?;
            Some((day(y, 1, 1)?, day(y.checked_add(1)?, 1, 1)?))
        }
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
            let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
            let next = if m == 12 {
                (y.checked_add(1)?, 1)
            } else {
                (y, m.checked_add(1)?)
            };
            Some((day(y, m, 1)?, day(next.0, next.1, 1)?))
        }
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 && digits(d) => {
            let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
            let start = day(date.year(), date.month(), date.day())?;
            Some((start, start.checked_add(86_400_000)?))
        }
        _ => {
            // A time without a zone is read as UTC (the chain's times are UTC).
            let start = match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(time) => time.timestamp_millis(),
                Err(_) => chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()?
                    .and_utc()
                    .timestamp_millis(),
            };
            // A time given to the second covers that second; one with a fraction, that
            // millisecond.
            let width = if value.contains('.') { 1 } else { 1_000 };
            Some((start, start.checked_add(width)?))
        }
    }
}

/// Checks a search's parameters for `resource` (`AuditEvent`, `Consent`).
pub fn search(list: &[(String, String)], resource: &'static str) -> Result<Search, ApiError> {
    let mut query = Search {
        resource,
        count: COUNT,
        ..Search::default()
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut dates = 0usize;
    let mut cursor = None;
    for (key, value) in list {
        let key = key.as_str();
        // Presentation only: the answer is JSON whatever they ask.
        if IGNORED.contains(&key) {
            continue;
        }
        if !KNOWN.contains(&key) {
            return Err(bad(
                key,
                format!("unknown parameter (known: {})", KNOWN.join(", ")),
            ));
        }
        if key == "date" {
            dates = dates.saturating_add(1);
            if dates > 2 {
                return Err(bad(
                    "date",
                    "at most two dates (a lower and an upper bound)",
                ));
            }
        } else if seen.contains(&key) {
            return Err(bad(key, "given twice"));
        }
        seen.push(key);
        match key {
            "patient" | "patient:identifier" => {
                if !query.patient.is_empty() {
                    return Err(bad(key, "one patient per search"));
                }
                let address = if key == "patient" {
                    value.strip_prefix("Patient/").unwrap_or(value)
                } else {
                    value
                        .strip_prefix(&format!("{SS58}|"))
                        .ok_or_else(|| bad(key, format!("the system is {SS58}: {SS58}|ADDRESS")))?
                };
                query.patient = suite_client::parse_account(address)
                    .map(|account| suite_client::ss58(&account))
                    .map_err(|_| bad(key, format!("{address:?} is not an SS58 account")))?;
            }
            "date" => {
                let (prefix, rest) = match value.get(..2) {
                    Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => {
                        (p, value.get(2..).unwrap_or(""))
                    }
                    _ => ("eq", value.as_str()),
                };
                let (start, end) = date_interval(rest).ok_or_else(|| {
                    bad(
                        "date",
                        format!(
                            "{value:?}: a prefix (eq, ge, gt, le, lt) and YYYY, YYYY-MM, \
                             YYYY-MM-DD or an RFC 3339 time"
                        ),
                    )
                })?;
                let (low, high) = match prefix {
                    "ge" => (Some(start), None),
                    "gt" => (Some(end), None),
                    "le" => (None, Some(end)),
                    "lt" => (None, Some(start)),
                    _ => (Some(start), Some(end)),
                };
                if let Some(low) = low {
                    query.from_ms = Some(query.from_ms.map_or(low, |f| f.max(low)));
                }
                if let Some(high) = high {
                    query.to_ms = Some(query.to_ms.map_or(high, |t| t.min(high)));
                }
            }
            "_count" => {
                query.count = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or_else(|| bad("_count", format!("a number from 1 to {MAX_COUNT}")))?;
            }
            _ => cursor = Some(value.as_str()),
        }
    }
    if query.patient.is_empty() {
        return Err(bad(
            "patient",
            "a search names its patient (patient=ADDRESS or patient:identifier=urn:substrate:ss58|ADDRESS)",
        ));
    }
    if let Some(value) = cursor {
        let wrong = || {
            bad(
                "cursor",
                "not a cursor of this search (take it from the Bundle's next link)",
            )
        };
        let parts: Vec<&str> = value.split('.').collect();
        let [a, b, digest] = parts.as_slice() else {
            return Err(wrong());
        };
        let number = |text: &str| text.parse::<i64>().ok().filter(|n| *n >= 0);
        let (Some(a), Some(b)) = (number(a), number(b)) else {
            return Err(wrong());
        };
        if *digest != query.filters_digest() {
            return Err(wrong());
        }
        query.after = Some((a, b));
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::claims::tests::list;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn search_of(list: &[(String, String)]) -> Result<Search, ApiError> {
        search(list, "AuditEvent")
    }

    #[test]
    fn dates_bound_the_search_by_their_prefix_and_precision() {
        let day = 86_400_000;
        let dec1 = 1_796_083_200_000; // 2026-12-01T00:00:00Z
        let one = search_of(&list(&[("patient", ALICE), ("date", "2026-12-01")])).expect("read");
        assert_eq!((one.from_ms, one.to_ms), (Some(dec1), Some(dec1 + day)));
        let range = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026-12"),
            ("date", "lt2026-12-03"),
        ]))
        .expect("read");
        assert_eq!(
            (range.from_ms, range.to_ms),
            (Some(dec1), Some(dec1 + 2 * day))
        );
        let after = search_of(&list(&[("patient", ALICE), ("date", "gt2026")])).expect("read");
        assert_eq!(after.from_ms, Some(1_798_761_600_000)); // 2027-01-01
        let upto = search_of(&list(&[
            ("patient", ALICE),
            ("date", "le2026-12-01T10:00:00Z"),
        ]))
        .expect("read");
        assert_eq!(upto.to_ms, Some(dec1 + 36_000_000 + 1_000));
        let by_identifier = search_of(&list(&[(
            "patient:identifier",
            &format!("urn:substrate:ss58|{ALICE}"),
        )]))
        .expect("read");
        assert_eq!(
            (by_identifier.patient.as_str(), by_identifier.count),
            (ALICE, COUNT)
        );
    }

    #[test]
    fn bounds_combine_to_the_narrowest_and_a_value_covers_its_precision() {
        let june = 1_780_272_000_000; // 2026-06-01T00:00:00Z
        let two_lows = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026"),
            ("date", "ge2026-06"),
        ]))
        .expect("read");
        assert_eq!((two_lows.from_ms, two_lows.to_ms), (Some(june), None));
        let two_highs = search_of(&list(&[
            ("patient", ALICE),
            ("date", "lt2026-06"),
            ("date", "le2026"),
        ]))
        .expect("read");
        assert_eq!(two_highs.to_ms, Some(june));
        let instant = search_of(&list(&[
            ("patient", ALICE),
            ("date", "2026-06-01T00:00:00.500Z"),
        ]))
        .expect("read");
        assert_eq!(
            (instant.from_ms, instant.to_ms),
            (Some(june + 500), Some(june + 501))
        );
        // A time without a zone is UTC; presentation parameters are ignored.
        let local = search_of(&list(&[
            ("patient", ALICE),
            ("date", "gt2026-06-01T00:00:00"),
            ("_format", "json"),
        ]))
        .expect("read");
        assert_eq!(local.from_ms, Some(june + 1_000));
    }

    #[test]
    fn a_cursor_is_good_for_its_own_search_only() {
        let query = search_of(&list(&[("patient", ALICE), ("date", "ge2026")])).expect("read");
        let cursor = query.cursor_after((12, 3));
        let next = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026"),
            ("cursor", &cursor),
        ]))
        .expect("read");
        assert_eq!(next.after, Some((12, 3)));
        let other = search_of(&list(&[("patient", ALICE), ("cursor", &cursor)]))
            .expect_err("another search's cursor");
        assert_eq!(other.parameter(), Some("cursor"));
        let pairs = list(&[("patient", ALICE), ("date", "ge2026"), ("cursor", &cursor)]);
        let consents = search(&pairs, "Consent").expect_err("an AuditEvent search's cursor");
        assert_eq!(consents.parameter(), Some("cursor"));
    }

    #[test]
    fn a_malformed_parameter_is_a_400_naming_it() {
        let identifier = format!("urn:other|{ALICE}");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "patient"),
            (&[("date", "2026")], "patient"),
            (&[("patient", "nobody")], "patient"),
            (&[("patient:identifier", &identifier)], "patient:identifier"),
            (&[("patient", ALICE), ("patient", ALICE)], "patient"),
            (&[("patient", ALICE), ("date", "yesterday")], "date"),
            (&[("patient", ALICE), ("date", "xx2026-01-01")], "date"),
            (&[("patient", ALICE), ("date", "2026-02-30")], "date"),
            (
                &[
                    ("patient", ALICE),
                    ("date", "ge2026"),
                    ("date", "le2027"),
                    ("date", "2026"),
                ],
                "date",
            ),
            (&[("patient", ALICE), ("_count", "0")], "_count"),
            (&[("patient", ALICE), ("_count", "501")], "_count"),
            (&[("patient", ALICE), ("cursor", "zz")], "cursor"),
            (&[("patient", ALICE), ("_sort", "date")], "_sort"),
        ];
        for (pairs, parameter) in cases {
            let error = search_of(&list(pairs)).expect_err("refused");
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{pairs:?}");
            assert_eq!(error.parameter(), Some(*parameter), "{pairs:?}");
            assert_eq!(error.dialect, Dialect::Fhir, "{pairs:?}");
        }
    }
}
