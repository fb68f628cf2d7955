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
/// The code revision a contract build must report from `code_version()`: 2 for the
/// upgrade rehearsal's build (`rehearsal`: its crate's `upgrade-rehearsal` feature), else 1.
pub fn build_revision(rehearsal: bool) -> u16 {
    if rehearsal {
        2
    } else {
        1
    }
}

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

/// The outcome [`drive`] notes when an exit or safety action succeeded while the
/// contract was paused (a contract's `REQUIRED` list names it, so that the invariant
/// "a pause never refuses an exit" is known to have been exercised, not only met by
/// calls refused for other reasons).
pub const EXIT_WHILE_PAUSED: &str = "ExitWhilePaused";

/// Runs `ops` one by one: `step` gives the contract's and the model's answers (rendered),
/// which must be equal; `check` then checks the invariants (it is told the operation's
/// index). Whatever the model says, an operation `exit_while_paused` names (asked before
/// it runs: an exit or safety action tried while the contract is paused) must never be
/// refused with `Paused`. Returns the first difference, naming the operation.
pub fn drive<S, O: core::fmt::Debug>(
    contract: &'static str,
    state: &mut S,
    ops: &[O],
    mut step: impl FnMut(&mut S, &O) -> (String, String),
    mut check: impl FnMut(&mut S, usize) -> Result<(), String>,
    exit_while_paused: impl Fn(&S, &O) -> bool,
) -> Result<(), String> {
    for (n, op) in ops.iter().enumerate() {
        let exit = exit_while_paused(state, op);
        let (got, want) = step(state, op);
        reached(contract, &got);
        if exit {
            if outcome_of(&got) == "Ok" {
                reached(contract, EXIT_WHILE_PAUSED);
            }
            if outcome_of(&got) == "Paused" {
                return Err(format!("op {n} {op:?}: a pause refused an exit: {got}"));
            }
        }
        if got != want {
            return Err(format!("op {n} {op:?}: contract {got}, model {want}"));
        }
        check(state, n).map_err(|e| format!("after op {n} {op:?}: {e}"))?;
    }
    Ok(())
}

/// The model of the governor's `apply(Pause)` (`pause == true`) and `apply(Unpause)` on
/// a contract, for callers that are its governor or not: pausing a paused contract and
/// unpausing a running one are refused.
pub fn pause_model(
    pause: bool,
    by_governor: bool,
    paused: &mut bool,
) -> Result<(), crate::ApplyError> {
    use crate::ApplyError;
    if !by_governor {
        Err(ApplyError::NotGovernor)
    } else if pause && *paused {
        Err(ApplyError::Paused)
    } else if !pause && !*paused {
        Err(ApplyError::NotPaused)
    } else {
        *paused = pause;
        Ok(())
    }
}

/// The off-chain engine's default accounts (alice, bob, charlie, django, eve, frank).
pub fn accounts() -> ink::env::test::DefaultAccounts<ink::env::DefaultEnvironment> {
    ink::env::test::default_accounts::<ink::env::DefaultEnvironment>()
}

/// The next messages are called by `account` (the off-chain engine's caller).
pub fn caller(account: crate::AccountId) {
    ink::env::test::set_caller::<ink::env::DefaultEnvironment>(account);
}

/// The block time is `t` (milliseconds since the Unix epoch) from now on.
pub fn now(t: crate::Timestamp) {
    ink::env::test::set_block_timestamp::<ink::env::DefaultEnvironment>(t);
}

/// How many events the off-chain engine recorded so far (of every type).
pub fn events() -> usize {
    ink::env::test::recorded_events().count()
}

/// Runs `body` with `who` as the caller (the off-chain engine's), then restores the caller
/// before: what a unit test does to act as a contract's governor for one call.
pub fn as_caller<R>(who: crate::AccountId, body: impl FnOnce() -> R) -> R {
    type Env = ink::env::DefaultEnvironment;
    let before = ink::env::caller::<Env>();
    ink::env::test::set_caller::<Env>(who);
    let answer = body();
    ink::env::test::set_caller::<Env>(before);
    answer
}

/// The events of type `E` recorded so far by the off-chain engine, decoded, in order
/// (matched by `E`'s signature topic, so that events of other types are skipped): what a
/// unit test reads to assert the fields of the events it counts.
pub fn recorded<E>() -> Vec<E>
where
    E: ink::env::Event + parity_scale_codec::Decode,
{
    ink::env::test::recorded_events()
        .filter(|e| {
            e.topics.first().map(|t| t.as_slice()) == E::SIGNATURE_TOPIC.as_ref().map(|t| &t[..])
        })
        .filter_map(|e| E::decode(&mut &e.data[..]).ok())
        .collect()
}

/// The last event of type `E` recorded so far, decoded (see [`recorded`]); panics when
/// there is none.
#[track_caller]
pub fn last_recorded<E>() -> E
where
    E: ink::env::Event + parity_scale_codec::Decode,
{
    match recorded::<E>().pop() {
        Some(event) => event,
        None => panic!("no {} recorded", core::any::type_name::<E>()),
    }
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

/// The proptest side of a model-based test (feature `testing`).
#[cfg(feature = "testing")]
pub mod prop {
    use super::{model_cases, model_seed, report};
    use crate::signer::Proof;
    use proptest::prelude::{prop_oneof, Just, Strategy};
    use proptest::test_runner::{Config, RngSeed, TestCaseError};

    /// The proofs of possession a registration offers, mostly the device's own.
    pub fn proof() -> impl Strategy<Value = Proof> {
        prop_oneof![
            8 => Just(Proof::Held),
            2 => Just(Proof::ForAnother),
            2 => Just(Proof::OtherKey),
            1 => Just(Proof::OtherScope),
            2 => Just(Proof::Stale),
        ]
    }

    /// `default_cases` sequences (or `PROPTEST_CASES`) from the seed of [`model_seed`].
    pub fn config(default_cases: u32) -> Config {
        Config {
            cases: model_cases(default_cases),
            rng_seed: RngSeed::Fixed(model_seed()),
            ..Config::default()
        }
    }

    /// Runs `body` in a fresh off-chain environment (storage, balances, caller, clock
    /// reset); its error fails the case.
    pub fn off_chain(body: impl FnOnce() -> Result<(), String>) -> Result<(), TestCaseError> {
        let mut outcome = Ok(());
        ink::env::test::run_test::<ink::env::DefaultEnvironment, _>(|_| {
            outcome = body();
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("off-chain environment: {e:?}")))?;
        outcome.map_err(TestCaseError::fail)
    }

    /// Counts a passed sequence (see [`report`]); after the last of a regular run, fails
    /// when no sequence reached one of `required` (a shorter run may miss some).
    pub fn finish(
        contract: &'static str,
        ops: usize,
        default_cases: u32,
        required: &[&str],
    ) -> Result<(), TestCaseError> {
        let cases = model_cases(default_cases);
        let missing = report(contract, ops, cases, required);
        if missing.is_empty() || cases < default_cases {
            Ok(())
        } else {
            Err(TestCaseError::fail(format!(
                "outcomes no sequence reached: {missing:?}"
            )))
        }
    }
}
