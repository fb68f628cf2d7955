# Shared settings for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Pinned versions (keep in sync with README.md and rust-toolchain.toml).
RUST_TOOLCHAIN="1.86.0"
CARGO_CONTRACT_VERSION="5.0.3"
CONTRACTS_NODE_VERSION="0.42.0"
# Mutation testing (scripts/mutants.sh); built with rustup's stable toolchain (it needs
# Rust 1.88 or newer to build), it tests the project with the pinned one.
CARGO_MUTANTS_VERSION="26.2.0"
# Python's JSON Schema validator (scripts/deploy.py checks deployment files with it).
PY_JSONSCHEMA_VERSION="4.26.0"
# chromium: Debian's browser, which the dApp's browser tests drive (playwright-core).
# postgresql: the indexer's production database (its tests start throwaway clusters).
APT_PACKAGES=(protobuf-compiler clang libclang-dev llvm-dev pkg-config libssl-dev make git wabt curl chromium postgresql)
# What the two long installs compiled and took when measured on 2 cores (the progress
# line's total and the README's expectations; scripts/setup.sh prints the real times).
CARGO_CONTRACT_CRATES=512
CARGO_CONTRACT_MINUTES=15
CONTRACTS_NODE_CRATES=1091
CARGO_MUTANTS_CRATES=130
CARGO_MUTANTS_MINUTES=3
NODE_BUILD_MINUTES=90
# The consortium's node (chain/, scripts/setup.sh --with-network), measured on 2 cores.
NETWORK_CRATES=980
NETWORK_BUILD_MINUTES=35

# One cargo target directory shared by every build of the project, outside the clone,
# so that a fresh clone (CI) does not rebuild the polkadot-sdk crates every time.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/healthcare-suite/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-contract prints a stack backtrace with every error when this is set.
export RUST_BACKTRACE=0
# The contract bundles `cargo contract build` writes.
INK_OUT="$CARGO_TARGET_DIR/ink"
# The suite's contracts in deployment order, from the one list (contracts/suite.json).
SUITE_FILE="$REPO_ROOT/contracts/suite.json"
mapfile -t CONTRACTS < <(python3 -c 'import json,sys; [print(c["name"]) for c in json.load(open(sys.argv[1]))["contracts"]]' "$SUITE_FILE")
((${#CONTRACTS[@]})) || { echo "ERROR: no contracts read from $SUITE_FILE" >&2; exit 1; }
# ink! reads a message's input into a static buffer of 16 KiB unless
# INK_STATIC_BUFFER_SIZE says otherwise at build time. Every contract is built with 64 KiB
# (scripts/build-contracts.sh) so that one `submit_claims` carries 100 claims of several
# lines (a one-line claim encodes to about 180 bytes; the claims tool caps a batch at
# MAX_BATCH_BYTES, tools/claims-tool/src/chain.rs), and so that all contracts share one
# build of ink!.
INK_INPUT_BUFFER=65536

# True when $1/node_modules was installed from $1/package-lock.json as it is now.
npm_packages_current() {
    local dir="$REPO_ROOT/$1"
    [ -f "$dir/node_modules/.lock-sha256" ] \
        && [ "$(cat "$dir/node_modules/.lock-sha256")" = "$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)" ]
}

# npm ci in $1 (relative to the repository) from its lockfile, remembering which lockfile.
npm_ci() {
    local dir="$REPO_ROOT/$1"
    ( cd "$dir" && npm ci --no-audit --no-fund --loglevel=error ) || fail "npm ci in $1 failed"
    sha256sum "$dir/package-lock.json" | cut -d' ' -f1 >"$dir/node_modules/.lock-sha256"
}

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

# True when substrate-contracts-node of the pinned version is installed.
node_installed() {
    substrate-contracts-node --version 2>/dev/null | grep -q " $CONTRACTS_NODE_VERSION"
}

# True when a node answers JSON-RPC on 127.0.0.1:$1 (default 9944).
node_answers() {
    curl -s -m 3 -H 'Content-Type: application/json' \
        -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
        "http://127.0.0.1:${1:-9944}" 2>/dev/null | grep -q '"result"'
}

# A throwaway PostgreSQL cluster (Debian's postgresql package) for a test: initdb into a
# directory under /tmp, the server on a free port of 127.0.0.1 only (trust
# authentication, no fsync), an empty database `indexer`. Sets PG_URL; pg_throwaway_stop
# stops and removes it. As root the cluster runs as the `postgres` user (initdb refuses
# root).
pg_throwaway_start() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] \
        || fail "PostgreSQL is not installed (scripts/setup.sh installs it)"
    export PG_BIN  # for the checks written in Python (scripts/indexer-kill-check.py)
    PG_DIR=$(mktemp -d /tmp/hs-pg.XXXXXX)
    PG_AS=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$PG_DIR"
        PG_AS=(runuser -u postgres --)
    fi
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U indexer -E UTF8 --no-sync \
        >"$PG_DIR/initdb.log" 2>&1 || fail "initdb failed (log: $PG_DIR/initdb.log)"
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
        -o "-k $PG_DIR -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
        || fail "PostgreSQL did not start (log: $PG_DIR/server.log)"
    "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U indexer -d postgres -q -c 'CREATE DATABASE indexer' \
        || fail "could not create the database"
    PG_URL="postgres://indexer@127.0.0.1:$port/indexer"
}

pg_throwaway_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}

# The consortium's node (chain/node), installed by scripts/setup.sh --with-network.
NETWORK_NODE_STAMP="$HOME/.cache/healthcare-suite/consortium-node.sources"

# A digest of the chain's sources (its Rust, manifests, lock file, and the loopback
# network's node keys, which its genesis authorizes): what the installed consortium-node
# was built from.
network_sources_digest() {
    (cd "$REPO_ROOT" && find chain -type f \( -name '*.rs' -o -name '*.toml' -o -name 'Cargo.lock' -o -name '*.node-key' \) \
        -not -path '*/target/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

# Whether consortium-node is installed and built from the chain's current sources.
network_node_current() {
    command -v consortium-node >/dev/null 2>&1 && [ -f "$NETWORK_NODE_STAMP" ] \
        && [ "$(cat "$NETWORK_NODE_STAMP")" = "$(network_sources_digest)" ]
}
