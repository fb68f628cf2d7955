#!/usr/bin/env bash
# The README's first command: the whole suite on a local node, from nothing.
#
#   1. scripts/setup.sh (toolchain, apt packages, cargo-contract, substrate-contracts-node)
#   2. release builds of the four contracts (scripts/build-contracts.sh)
#   3. a `substrate-contracts-node --dev` on 127.0.0.1:9944, started in the background
#      unless a node already answers there (log: ~/.cache/healthcare-suite/local-node/node.log)
#   4. scripts/deploy.sh against it (reuses deployments/local.json while it is valid)
#   5. the demo scenario as real transactions (e2e-tests/src/bin/scenario.rs)
#
# Safe to run again: the deployment is reused and the scenario uses new accounts each time.
# The node keeps running afterwards (a --dev node keeps its chain in a temporary directory:
# stopping it discards the chain, and the next run deploys anew).
#
# Usage: scripts/run-local.sh [--skip-setup] [--skip-build] [--fresh]
#            run everything (--skip-*: steps 1 / 2 already done; --fresh: new contracts)
#        scripts/run-local.sh --stop     stop the node this script started
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

PORT=9944
URL="ws://127.0.0.1:$PORT"
STATE_DIR="$HOME/.cache/healthcare-suite/local-node"
LOG="$STATE_DIR/node.log"
PIDFILE="$STATE_DIR/node.pid"

our_node_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    kill -0 "$pid" 2>/dev/null && grep -q substrate-contracts-node "/proc/$pid/cmdline" 2>/dev/null \
        && echo "$pid"
}

stop_node() {
    local pid
    if pid=$(our_node_pid); then
        kill "$pid"
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        rm -f "$PIDFILE"
        echo "stopped the local node (pid $pid); its --dev chain is gone"
    else
        rm -f "$PIDFILE"
        if node_answers "$PORT"; then
            echo "a node answers on 127.0.0.1:$PORT but this script did not start it: left running"
        else
            echo "no local node started by this script is running"
        fi
    fi
}

skip_setup=0
skip_build=0
deploy_args=()
for arg in "$@"; do
    case "$arg" in
        --stop) stop_node; exit 0 ;;
        --skip-setup) skip_setup=1 ;;
        --skip-build) skip_build=1 ;;
        --fresh) deploy_args+=(--fresh) ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $arg (see scripts/run-local.sh --help)" ;;
    esac
done

started=$(date +%s)
[ "$skip_setup" = 1 ] || bash scripts/setup.sh
[ "$skip_build" = 1 ] || bash scripts/build-contracts.sh "${CONTRACTS[@]}"

step "local node on $URL"
if node_answers "$PORT"; then
    echo "    a node already answers on $URL: using it"
else
    mkdir -p "$STATE_DIR"
    command -v substrate-contracts-node >/dev/null \
        || fail "substrate-contracts-node is missing: run scripts/setup.sh"
    echo "    starting substrate-contracts-node --dev (log: $LOG)"
    setsid nohup substrate-contracts-node --dev --rpc-port "$PORT" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 120); do
        node_answers "$PORT" && break
        kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
        sleep 0.5
    done
    if ! node_answers "$PORT"; then
        tail -n 20 "$LOG" >&2 || true
        stop_node >/dev/null 2>&1 || true
        fail "the node did not answer on $URL within 60 s (log above, full log in $LOG)"
    fi
    echo "    node started (pid $(cat "$PIDFILE"))"
fi
step_done

step "deploy (scripts/deploy.sh --url $URL)"
bash scripts/deploy.sh --url "$URL" "${deploy_args[@]}"
step_done

step "build the demo scenario"
cargo build --quiet -p e2e-tests --bin scenario || fail "the scenario did not build"
step_done

step "demo scenario: real transactions on $URL"
"$CARGO_TARGET_DIR/debug/scenario" deployments/local.json || fail "the scenario failed (see above)"
step_done

printf '\nDone in %ss. The node keeps running on %s (log: %s);\n' \
    "$(( $(date +%s) - started ))" "$URL" "$LOG"
echo "the deployment is in deployments/local.json. Stop the node: scripts/run-local.sh --stop"
