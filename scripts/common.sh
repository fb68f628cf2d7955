# Shared settings for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Pinned versions (keep in sync with README.md and rust-toolchain.toml).
RUST_TOOLCHAIN="1.86.0"
CARGO_CONTRACT_VERSION="5.0.3"
CONTRACTS_NODE_VERSION="0.42.0"
APT_PACKAGES=(protobuf-compiler clang libclang-dev llvm-dev pkg-config libssl-dev make git wabt curl)

# One cargo target directory shared by every build of the project, outside the clone,
# so that a fresh clone (CI) does not rebuild the polkadot-sdk crates every time.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/healthcare-suite/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-contract prints a stack backtrace with every error when this is set.
export RUST_BACKTRACE=0
# The contract bundles `cargo contract build` writes.
INK_OUT="$CARGO_TARGET_DIR/ink"
CONTRACTS=(staff_credentials consent_registry drug_provenance claims_adjudication)

_step_started=0
step() {
    _step_started=$(date +%s)
    printf '\n==> %s\n' "$*"
}
step_done() {
    local took=$(( $(date +%s) - _step_started ))
    printf '    done in %ss\n' "$took"
}
fail() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# True when a node answers JSON-RPC on 127.0.0.1:$1 (default 9944).
node_answers() {
    curl -s -m 3 -H 'Content-Type: application/json' \
        -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
        "http://127.0.0.1:${1:-9944}" 2>/dev/null | grep -q '"result"'
}
