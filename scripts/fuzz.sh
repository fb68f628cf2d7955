#!/usr/bin/env bash
# Longer random runs than the regular test suite, with a fresh random seed each run
# unless MODEL_SEED is given: every contract against its reference model (off-chain,
# `model_based_*` tests; a failure prints the shrunk sequence), then the cross-contract
# run on the release WASM in the drink sandbox against the suite model
# (`e2e-tests/tests/sandbox_random.rs`).
# Replay a failure with the seed it prints:
#     MODEL_SEED=<seed> scripts/fuzz.sh --cases <cases> --sandbox-ops <ops>
# Usage: scripts/fuzz.sh [--cases N] [--sandbox-ops M]
#   N: sequences of 500 operations per contract (default 200: 100 000 operations)
#   M: sandbox operations (default 10 000, over an hour on 2 cores; the contracts
#      must be built: scripts/build-contracts.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

cases=200
sandbox_ops=10000
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases="$2"; shift 2 ;;
        --sandbox-ops) sandbox_ops="$2"; shift 2 ;;
        -h|--help) sed -n 2,10p "$0"; exit 0 ;;
        *) fail "unknown option $1 (see --help)" ;;
    esac
done
[[ "$cases" =~ ^[0-9]+$ ]] && [ "$cases" -gt 0 ] || fail "--cases takes a positive number"
[[ "$sandbox_ops" =~ ^[0-9]+$ ]] || fail "--sandbox-ops takes a number"

export PROPTEST_CASES="$cases"
export MODEL_SEED="${MODEL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
step "model-based random runs: $cases sequences per contract, MODEL_SEED=$MODEL_SEED"
packages=()
for contract in "${CONTRACTS[@]}"; do packages+=(-p "$contract"); done
cargo test "${packages[@]}" --lib model_based 2>&1 \
    | grep -E '^(model-based:|test result|Test failed|minimal failing input)|panicked' \
    || fail "a model-based run failed: replay with MODEL_SEED=$MODEL_SEED scripts/fuzz.sh --cases $cases"
step_done

if [ "$sandbox_ops" -gt 0 ]; then
    step "cross-contract random run in the sandbox against the suite model: $sandbox_ops operations, MODEL_SEED=$MODEL_SEED"
    SANDBOX_OPS="$sandbox_ops" cargo test -p e2e-tests --test sandbox_random 2>&1 \
        | grep -E '^(model-based:|test result)|panicked|MODEL_SEED' \
        || fail "the sandbox run failed: replay with MODEL_SEED=$MODEL_SEED scripts/fuzz.sh --cases 1 --sandbox-ops $sandbox_ops"
    step_done
fi
