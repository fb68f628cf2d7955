#!/usr/bin/env bash
# Longer model-based random runs than the regular test suite: every contract against its
# reference model (off-chain, `model_based_*` tests), with a fresh random seed each run
# unless MODEL_SEED is given. A failure prints the shrunk sequence and the seed to replay:
#     MODEL_SEED=<seed> PROPTEST_CASES=<cases> scripts/fuzz.sh
# Usage: scripts/fuzz.sh [--cases N]   (default 200 sequences of 500 operations: 100 000
# operations per contract)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

cases=200
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases="$2"; shift 2 ;;
        -h|--help) sed -n 2,8p "$0"; exit 0 ;;
        *) fail "unknown option $1 (see --help)" ;;
    esac
done
[[ "$cases" =~ ^[0-9]+$ ]] && [ "$cases" -gt 0 ] || fail "--cases takes a positive number"

export PROPTEST_CASES="$cases"
export MODEL_SEED="${MODEL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
step "model-based random runs: $cases sequences per contract, MODEL_SEED=$MODEL_SEED"
cargo test --release -p staff_credentials -p consent_registry -p drug_provenance \
    -p claims_adjudication --lib model_based 2>&1 \
    | grep -E '^(model-based:|test result|Test failed|minimal failing input)|panicked' \
    || fail "a model-based run failed: replay with MODEL_SEED=$MODEL_SEED PROPTEST_CASES=$cases scripts/fuzz.sh"
step_done
