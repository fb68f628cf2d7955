#!/usr/bin/env bash
# The project's test command (README): setup, formatting, clippy, release builds of every
# contract with a pallet-contracts feature check of each .wasm, then every test: unit
# tests, drink sandbox tests (real WASM on pallet-contracts in process) and node tests
# (ink_e2e against a spawned substrate-contracts-node).
# Usage: scripts/test.sh [--skip-setup]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
started=$(date +%s)

if [ "${1:-}" != "--skip-setup" ]; then
    bash scripts/setup.sh
fi

step "cargo fmt --check"
cargo fmt --all -- --check || fail "formatting differs: run 'cargo fmt --all'"
step_done

step "cargo clippy --workspace --all-targets -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings || fail "clippy found problems"
step_done

bash scripts/build-contracts.sh

step "cargo test --workspace (unit, sandbox and node tests)"
log="$(mktemp)"
set +e
cargo test --workspace 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
step_done
printf '\nall tests in %ss\n' "$(( $(date +%s) - started ))"
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] || fail "cargo test failed"
