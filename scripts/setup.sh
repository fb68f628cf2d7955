#!/usr/bin/env bash
# Installs everything the project needs on a machine that has only rustup, gcc and
# Python. Idempotent: every step checks first and skips what is already present at the
# pinned version. Usage: scripts/setup.sh [--without-node] [--with-network]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
setup_started=$(date +%s)

# --without-node: everything but substrate-contracts-node (scripts/run-local.sh builds
# the node in the background meanwhile, with this script and no option).
# --with-network: also the consortium's own node (chain/, scripts/network.sh): another
# long build, only when asked for, so that the first result stays fast.
with_node=1
with_network=0
for arg in "$@"; do
    case "$arg" in
        --without-node) with_node=0 ;;
        --with-network) with_network=1 ;;
        -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $arg (scripts/setup.sh [--without-node] [--with-network])" ;;
    esac
done

# ---------------------------------------------------------------- apt packages
step "apt packages: ${APT_PACKAGES[*]}"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "    installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed"
else
    echo "    all present"
fi
step_done

# ------------------------------------------------------------- Rust toolchain
step "Rust $RUST_TOOLCHAIN with rust-src, clippy, rustfmt, wasm32-unknown-unknown (rust-toolchain.toml)"
command -v rustup >/dev/null || fail "rustup is not installed (see https://rustup.rs)"
if rustup run "$RUST_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
    && rustup component list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -q '^rust-src' \
    && rustup component list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -q '^clippy' \
    && rustup component list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -q '^rustfmt' \
    && rustup target list --installed --toolchain "$RUST_TOOLCHAIN" 2>/dev/null | grep -q '^wasm32-unknown-unknown'; then
    echo "    present: $(rustup run "$RUST_TOOLCHAIN" rustc --version)"
else
    # Reads rust-toolchain.toml in the repository root.
    rustup toolchain install || fail "rustup could not install the toolchain of rust-toolchain.toml"
fi
step_done

# ------------------------------------------------------------- Python packages
step "Python package jsonschema $PY_JSONSCHEMA_VERSION (deployment files checked against deployments/deployment.schema.json)"
if python3 -c 'import sys, importlib.metadata as m; sys.exit(0 if int(m.version("jsonschema").split(".")[0]) >= 4 else 1)' 2>/dev/null; then
    echo "    present: jsonschema $(python3 -c 'import importlib.metadata as m; print(m.version("jsonschema"))')"
else
    python3 -m pip install --quiet --disable-pip-version-check "jsonschema==$PY_JSONSCHEMA_VERSION" \
        || python3 -m pip install --quiet --disable-pip-version-check --user "jsonschema==$PY_JSONSCHEMA_VERSION" \
        || fail "pip could not install jsonschema $PY_JSONSCHEMA_VERSION"
fi
step_done

# Installs use a private target directory (not the project's shared one) and the pinned
# toolchain, whatever the machine's default is.
install_crate() {
    ( unset CARGO_TARGET_DIR; cd "$HOME" && cargo "+$RUST_TOOLCHAIN" install --locked "$@" )
}

# Runs a long install with one line of progress (crates compiled out of the number it
# compiled when measured, elapsed time, an estimate) and its full output in a log file.
LOG_DIR="$HOME/.cache/healthcare-suite/logs"
with_progress() {
    local label=$1 total=$2 minutes=$3
    shift 3
    mkdir -p "$LOG_DIR"
    local log="$LOG_DIR/$label.log"
    : > "$log"
    echo "    compiler output: $log"
    "$@" 2>&1 | python3 "$REPO_ROOT/scripts/progress.py" --log "$log" --label "$label" --total "$total" --minutes "$minutes"
}

# -------------------------------------------------------------- cargo-contract
step "cargo-contract $CARGO_CONTRACT_VERSION"
if cargo contract --version 2>/dev/null | grep -q "cargo-contract-contract $CARGO_CONTRACT_VERSION\|cargo-contract $CARGO_CONTRACT_VERSION"; then
    echo "    present: $(cargo contract --version)"
else
    with_progress cargo-contract "$CARGO_CONTRACT_CRATES" "$CARGO_CONTRACT_MINUTES" \
        install_crate cargo-contract --version "$CARGO_CONTRACT_VERSION" --force \
        || fail "cargo install cargo-contract $CARGO_CONTRACT_VERSION failed (log: $LOG_DIR/cargo-contract.log)"
fi
step_done

# --------------------------------------------------------------- cargo-mutants
step "cargo-mutants $CARGO_MUTANTS_VERSION (mutation testing: scripts/mutants.sh)"
if cargo mutants --version 2>/dev/null | grep -q "cargo-mutants $CARGO_MUTANTS_VERSION"; then
    echo "    present: $(cargo mutants --version)"
else
    # Built with rustup's stable toolchain: it needs a newer Rust than the pinned one.
    rustup run stable rustc --version >/dev/null 2>&1 || rustup toolchain install stable --profile minimal \
        || fail "rustup could not install the stable toolchain to build cargo-mutants"
    with_progress cargo-mutants "$CARGO_MUTANTS_CRATES" "$CARGO_MUTANTS_MINUTES" \
        env -C "$HOME" -u CARGO_TARGET_DIR cargo +stable install --locked cargo-mutants \
        --version "$CARGO_MUTANTS_VERSION" --force \
        || fail "cargo install cargo-mutants $CARGO_MUTANTS_VERSION failed (log: $LOG_DIR/cargo-mutants.log)"
fi
step_done

# ---------------------------------------------- substrate-contracts-node (slow)
step "substrate-contracts-node (crate contracts-node $CONTRACTS_NODE_VERSION; $NODE_BUILD_MINUTES min on 2 cores when missing)"
if node_installed; then
    echo "    present: $(substrate-contracts-node --version)"
elif [ "$with_node" = 0 ]; then
    echo "    missing; not built now (--without-node)"
else
    # The node's runtime WASM is built by substrate-wasm-builder in a separate workspace
    # that cannot see the crate's Cargo.lock; without the hint it resolves newer
    # polkadot-sdk crates that do not compile. Unpack the crate first (cargo info does)
    # and point the builder at its Cargo.lock.
    ( cd "$HOME" && cargo "+$RUST_TOOLCHAIN" info "contracts-node@$CONTRACTS_NODE_VERSION" >/dev/null ) \
        || fail "could not fetch the contracts-node $CONTRACTS_NODE_VERSION crate"
    hint=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"contracts-node-$CONTRACTS_NODE_VERSION" 2>/dev/null | head -n1)
    [ -f "$hint/Cargo.lock" ] || fail "unpacked contracts-node-$CONTRACTS_NODE_VERSION with its Cargo.lock not found"
    echo "    WASM_BUILD_WORKSPACE_HINT=$hint"
    # A build directory that survives an interrupted run, so that the next run resumes
    # instead of starting the hour over; removed once the node is installed.
    node_build="$HOME/.cache/healthcare-suite/node-build"
    # NODE_OPT_LEVEL=1 builds faster, but a node built so ran the claims tool at 9.4
    # claims/s instead of 431 (its runtime interprets the contracts far more slowly):
    # upstream's opt-level 3 by default. Weights (ref_time, proof_size) are the same.
    echo "    building with opt-level ${NODE_OPT_LEVEL:-3} (NODE_OPT_LEVEL=1: faster build, much slower node)"
    with_progress contracts-node "$CONTRACTS_NODE_CRATES" "$NODE_BUILD_MINUTES" \
        env -C "$HOME" WASM_BUILD_WORKSPACE_HINT="$hint" CARGO_TARGET_DIR="$node_build" \
        CARGO_PROFILE_RELEASE_OPT_LEVEL="${NODE_OPT_LEVEL:-3}" CARGO_PROFILE_RELEASE_DEBUG=false \
        cargo "+$RUST_TOOLCHAIN" install --locked contracts-node --version "$CONTRACTS_NODE_VERSION" --force \
        || fail "cargo install contracts-node $CONTRACTS_NODE_VERSION failed (log: $LOG_DIR/contracts-node.log)"
    substrate-contracts-node --version | grep -q " $CONTRACTS_NODE_VERSION" \
        || fail "substrate-contracts-node does not report version $CONTRACTS_NODE_VERSION"
    rm -rf "$node_build"
fi
step_done

# ------------------------------------- consortium-node (slow, only when asked for)
step "consortium-node (chain/: the consortium's own network; about $NETWORK_BUILD_MINUTES min on 2 cores when missing)"
if network_node_current; then
    echo "    present: $(consortium-node --version), built from chain/ as it is"
elif [ "$with_network" = 0 ]; then
    echo "    not built: scripts/setup.sh --with-network builds it (scripts/network.sh, docs/network.md)"
else
    # Its own target directory, kept: an interrupted build resumes, and a change of
    # chain/ recompiles only what it touches. The runtime's WASM is built by
    # substrate-wasm-builder in a workspace of its own under that target directory,
    # which finds no lock file there: pointed at chain/ it uses chain/Cargo.lock (else it
    # resolves the newest crates, which this toolchain does not compile).
    chain_build="$HOME/.cache/healthcare-suite/chain-target"
    with_progress consortium-node "$NETWORK_CRATES" "$NETWORK_BUILD_MINUTES" \
        env -u CARGO_TARGET_DIR CARGO_TARGET_DIR="$chain_build" CARGO_PROFILE_RELEASE_DEBUG=false \
        WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT/chain" \
        cargo "+$RUST_TOOLCHAIN" install --locked --path "$REPO_ROOT/chain/node" \
        --root "${CARGO_HOME:-$HOME/.cargo}" --force \
        || fail "cargo install of chain/node failed (log: $LOG_DIR/consortium-node.log)"
    network_sources_digest >"$NETWORK_NODE_STAMP"
    echo "    installed: $(consortium-node --version)"
fi
step_done

# ------------------------------------------------------------------ npm packages
# GS1's epcis2.js checks the EPCIS export (tools/epcis-validate); app/ is the dApp
# (dedot, React, Vite; playwright-core and axe-core for its browser tests). Each installed
# from its committed lockfile, skipped when that lockfile was installed already.
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are required"
for npm_dir in tools/epcis-validate app; do
    step "npm packages of $npm_dir (from package-lock.json)"
    if npm_packages_current "$npm_dir"; then
        echo "    present: node_modules matches package-lock.json"
    else
        npm_ci "$npm_dir"
    fi
    step_done
done

printf '\nsetup complete in %ss\n' "$(( $(date +%s) - setup_started ))"
