#!/usr/bin/env bash
# The performance report: release builds of the suite and of the baseline token, then
# e2e-tests/src/bin/bench.rs in the drink sandbox (weight and storage deposit of every
# state-changing message, against a token transfer; again after N prior records of each
# kind; submit_claim with 1, 5 and 20 lines; code sizes; messages per block). Prints the
# tables and writes them to docs/performance.md.
# Usage: scripts/bench.sh [--records N] [--skip-build]     (N defaults to 10000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

records=10000
skip_build=0
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records="$2"; shift ;;
        --skip-build) skip_build=1 ;;
        *) fail "unknown argument $1 (scripts/bench.sh [--records N] [--skip-build])" ;;
    esac
    shift
done

if [ "$skip_build" = 0 ]; then
    bash scripts/setup.sh
    bash scripts/build-contracts.sh "${CONTRACTS[@]}" baseline_token
fi
step "bench: drink sandbox, $records prior records of each kind"
# A debug build: it shares every dependency with the tests (a release build of the host
# side would first compile the whole polkadot-sdk stack again). The contracts themselves
# are the release .wasm either way.
cargo build --quiet -p e2e-tests --bin bench || fail "the bench did not build"
"$CARGO_TARGET_DIR/debug/bench" --records "$records" --out docs/performance.md
step_done
