//! Shared by the contracts' model-based random tests (std builds only): how many random
//! sequences to run, which outcomes the sequences reached, and one report line per
//! contract on stderr, written past the test harness's capture so that `scripts/test.sh`
//! shows how many random operations ran.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Mutex;

/// The number of random sequences: `PROPTEST_CASES` when set (as `scripts/fuzz.sh`
/// does), else `default`.
pub fn model_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Per contract: passed sequences, operations, and the outcomes reached.
type Totals = BTreeMap<&'static str, (u64, u64, BTreeSet<String>)>;
/// The seed of the random sequences: `MODEL_SEED` when set (as `scripts/fuzz.sh` does
/// with a fresh one each run), else a fixed seed, so that the regular test suite runs the
/// same sequences every time and a failure it reports is replayed by running it again.
pub fn model_seed() -> u64 {
    std::env::var("MODEL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_2026)
}

static TOTALS: Mutex<Totals> = Mutex::new(BTreeMap::new());

/// The outcome `answer` names: `Ok`, or the error variant of `Err(Variant)`, or the
/// text up to its first space or parenthesis (a claim status, say).
fn outcome_of(answer: &str) -> String {
    if answer.starts_with("Ok") {
        return "Ok".into();
    }
    let inner = answer.strip_prefix("Err(").unwrap_or(answer);
    inner
        .split([')', '(', ' '])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Notes that a sequence of `contract` reached `answer` (a rendered result or state).
pub fn reached(contract: &'static str, answer: &str) {
    if answer.is_empty() {
        return;
    }
    if let Ok(mut totals) = TOTALS.lock() {
        totals
            .entry(contract)
            .or_default()
            .2
            .insert(outcome_of(answer));
    }
}

/// Counts one passed sequence of `ops` operations for `contract`. After the last of
/// `cases` sequences, writes "model-based: CONTRACT: N random operations (S sequences,
/// K distinct outcomes, MODEL_SEED=X) matched the reference model" to stderr and returns the outcomes
/// of `required` that no sequence reached (empty before the last sequence).
pub fn report(contract: &'static str, ops: usize, cases: u32, required: &[&str]) -> Vec<String> {
    let Ok(mut totals) = TOTALS.lock() else {
        return Vec::new();
    };
    let entry = totals.entry(contract).or_default();
    entry.0 = entry.0.saturating_add(1);
    entry.1 = entry
        .1
        .saturating_add(u64::try_from(ops).unwrap_or(u64::MAX));
    if entry.0 != u64::from(cases) {
        return Vec::new();
    }
    let line = format!(
        "model-based: {contract}: {} random operations ({} sequences, {} distinct outcomes, MODEL_SEED={}) matched the reference model\n",
        entry.1,
        entry.0,
        entry.2.len(),
        model_seed()
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    required
        .iter()
        .filter(|r| !entry.2.contains(**r))
        .map(|r| r.to_string())
        .collect()
}

/// All outcomes reached so far by `contract` (to print while tuning a generator).
pub fn outcomes(contract: &'static str) -> Vec<String> {
    TOTALS
        .lock()
        .map(|t| {
            t.get(contract)
                .map(|e| e.2.iter().cloned().collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::outcome_of;

    #[test]
    fn outcomes_are_variant_names() {
        assert_eq!(outcome_of("Ok(3)"), "Ok");
        assert_eq!(outcome_of("Err(NotPayer)"), "NotPayer");
        assert_eq!(outcome_of("PendingReview Some(Duplicate)"), "PendingReview");
        assert_eq!(outcome_of("Err(TooEarly) Ok(())"), "TooEarly");
    }
}
