#!/usr/bin/env bash
# Mutation testing of the contracts and the shared crate with cargo-mutants (installed
# by scripts/setup.sh): each mutant is a small change to the code (a function returning
# a default, an operator flipped, a condition negated); the crate's unit, property and
# model-based tests must fail on it ("caught"). Not part of scripts/test.sh: a full run
# takes hours on 2 cores, so it runs in shards that each fit well under an hour, and
# --report merges every shard's results into docs/testing.md.
#
# Usage: scripts/mutants.sh [--set rules|shells|all] [--file GLOB]... [--shard K/N]
#                           [--list] [--report]
#   --set rules   the plain-Rust rule modules (model.rs, pricing.rs, identifiers.rs),
#                 the shells' steps (internal.rs and internal/*.rs: the messages'
#                 do_* bodies and their helpers) and the shared crate's modules
#                 (default)
#   --set shells  the #[ink::contract] modules (lib.rs of each contract: storage,
#                 the messages' checks, queries)
#   --file GLOB   these files instead of a set (repeatable)
#   --shard K/N   the K-th of N slices (K from 0), e.g. --shard 0/12
#   --re REGEX    only the mutants whose name matches (e.g. to re-check the missed ones
#                 after adding tests; repeatable)
#   --list        list the mutants (and how many per file) without running them
#   --report      merge every run under mutants-out/ into docs/testing.md
# Each run writes mutants-out/<set>-<shard>/mutants.out (outcomes.json, caught.txt,
# missed.txt, timeout.txt, unviable.txt, logs). Model-based tests run with
# PROPTEST_CASES=${PROPTEST_CASES:-8} sequences (a shorter run skips their coverage
# check) and without shrinking a failing sequence, so that one mutant's test run stays
# short.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

set_name=rules
files=()
shard=""
res=()
list=0
report=0
while [ $# -gt 0 ]; do
    case "$1" in
        --set) set_name="$2"; shift 2 ;;
        --file) files+=("$2"); shift 2 ;;
        --shard) shard="$2"; shift 2 ;;
        --re) res+=("$2"); shift 2 ;;
        --list) list=1; shift ;;
        --report) report=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) fail "unknown option $1 (see --help)" ;;
    esac
done

if [ "$report" = 1 ]; then
    exec python3 scripts/mutants-report.py mutants-out docs/testing.md
fi

command -v cargo-mutants >/dev/null || fail "cargo-mutants is not installed: run scripts/setup.sh"

# The rule modules: plain Rust, no ink! (the shared crate's test-support modules,
# testing.rs, stand_in.rs and signer.rs, are not mutated: they are the tests' own code).
RULES=(
    'contracts/*/model.rs' 'contracts/*/pricing.rs' 'contracts/*/internal.rs'
    'contracts/*/internal/*.rs'
    'contracts/staff_credentials/identifiers.rs'
    'contracts/traits/src/timeline.rs' 'contracts/traits/src/anchoring.rs'
    'contracts/traits/src/consent.rs' 'contracts/traits/src/credentials.rs'
    'contracts/traits/src/governance.rs' 'contracts/traits/src/peer.rs'
    'contracts/traits/src/monitoring.rs' 'contracts/traits/src/paging.rs'
    'contracts/traits/src/lib.rs'
)
SHELLS=('contracts/*/lib.rs')
case "$set_name" in
    rules) globs=("${RULES[@]}") ;;
    shells) globs=("${SHELLS[@]}") ;;
    all) globs=("${RULES[@]}" "${SHELLS[@]}") ;;
    *) fail "--set takes rules, shells or all" ;;
esac
((${#files[@]})) && globs=("${files[@]}")

args=(--workspace --no-shuffle)
for g in "${globs[@]}"; do args+=(-f "$g"); done
# Never the tests themselves.
for g in '**/tests.rs' '**/rules_tests.rs' '**/batch_tests.rs' '**/model_based.rs' \
    'contracts/traits/src/testing.rs' 'contracts/traits/src/stand_in.rs' \
    'contracts/traits/src/signer.rs' 'e2e-tests/**' 'tools/**'; do
    args+=(-e "$g")
done
# Nor what no unit test can run (scripts/mutants-exclude.txt says which and why).
while IFS= read -r re; do
    [[ -z "$re" || "$re" == \#* ]] || args+=(-E "$re")
done < scripts/mutants-exclude.txt
if [ -n "$shard" ]; then
    [[ "$shard" =~ ^[0-9]+/[0-9]+$ ]] || fail "--shard takes K/N, e.g. 0/12"
    args+=(--shard "$shard")
fi
for re in "${res[@]}"; do args+=(-F "$re"); done

if [ "$list" = 1 ]; then
    cargo mutants --list "${args[@]}" | tee /dev/stderr | cut -d: -f1 | sort | uniq -c | sort -rn
    exit 0
fi

label="$set_name"
((${#files[@]} + ${#res[@]})) && label="files-$(printf '%s\n' "${files[@]}" "${res[@]}" | md5sum | cut -c1-8)"
if [ -n "$shard" ]; then
    label="$label-${shard/\//of}"
fi
out="mutants-out/$label"
mkdir -p "$out"
# The code the run mutates (git's blob hash of every source file now): --report counts
# a run's mutants of a file only while the file is still this code.
git ls-files 'contracts/*.rs' | while IFS= read -r file; do
    echo "$(git hash-object "$file") $file"
done > "$out/sources.txt"
# A target directory of its own: cargo-mutants builds in a scratch copy of the tree,
# whose path crates must not overwrite the shared target directory's.
export CARGO_TARGET_DIR="$HOME/.cache/healthcare-suite/mutants-target"
export PROPTEST_CASES="${PROPTEST_CASES:-8}"
# A caught mutant needs the first failing sequence, not its shrunk form: shrinking a
# sequence of hundreds of operations ran past the timeout (counted "timeout", not
# "caught").
export PROPTEST_MAX_SHRINK_ITERS="${PROPTEST_MAX_SHRINK_ITERS:-0}"
step "cargo-mutants: set $set_name${shard:+, shard $shard} -> $out/mutants.out"
started=$(date +%s)
# One build at a time (2 cores); a mutant whose tests run past 3x the unmutated time
# (at least 60 s) counts as timed out. Exit status 2 (missed mutants) is a result, not
# a failure of the run.
status=0
cargo mutants "${args[@]}" -j 1 --timeout-multiplier 3 --minimum-test-timeout 60 \
    --output "$out" -- --lib || status=$?
case "$status" in
    0|2|3) ;;
    *) fail "cargo-mutants failed (exit $status; see $out/mutants.out/debug.log)" ;;
esac
echo "    $(wc -l < "$out/mutants.out/caught.txt") caught, $(wc -l < "$out/mutants.out/missed.txt") missed," \
    "$(wc -l < "$out/mutants.out/timeout.txt") timed out, $(wc -l < "$out/mutants.out/unviable.txt") unviable" \
    "in $(( ($(date +%s) - started) / 60 )) min"
step_done
echo "Merge every run into docs/testing.md: scripts/mutants.sh --report"
