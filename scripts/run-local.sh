#!/usr/bin/env bash
# The README's first command: the whole suite on a local node, from nothing.
#
#   1. scripts/setup.sh (toolchain, apt packages, cargo-contract, substrate-contracts-node);
#      when the node is not installed yet, it is built in the background (log:
#      ~/.cache/healthcare-suite/logs/node-build.log) and this run plays the scenario in
#      the drink sandbox instead of steps 3-6 (same release .wasm, same story); the
#      next run, once the node is ready, does steps 3-6
#   2. release builds of the governor and the six contracts (scripts/build-contracts.sh)
#   3. a `substrate-contracts-node --dev` on 127.0.0.1:9944, started in the background
#      unless a node already answers there (log: ~/.cache/healthcare-suite/local-node/node.log)
#   4. scripts/deploy.sh against it (reuses deployments/local.json while it is valid)
#   5. the demo scenario as real transactions (e2e-tests/src/bin/scenario/)
#   6. the indexer (scripts/indexer.sh, SQLite) following the node, its read API on
#      http://127.0.0.1:9955, named in the deployment file for the dApp
#   7. the dApp served on http://127.0.0.1:4173 against that deployment (scripts/app.sh)
#
# Safe to run again: the deployment is reused and the scenario uses new accounts each time.
# The node keeps running afterwards (a --dev node keeps its chain in a temporary directory:
# stopping it discards the chain, and the next run deploys anew).
#
# Usage: scripts/run-local.sh [--skip-setup] [--skip-build] [--fresh]
#            run everything (--skip-*: steps 1 / 2 already done; --fresh: new contracts)
#        scripts/run-local.sh --stop     stop the node, the indexer and the dApp server this
#                                        script started
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

PORT=9944
APP_PORT=4173
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
        --stop)
            stop_node
            bash scripts/indexer.sh --stop
            bash scripts/app.sh --stop --port "$APP_PORT"
            exit 0 ;;
        --skip-setup) skip_setup=1 ;;
        --skip-build) skip_build=1 ;;
        --fresh) deploy_args+=(--fresh) ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $arg (see scripts/run-local.sh --help)" ;;
    esac
done

NODE_BUILD_LOG="$HOME/.cache/healthcare-suite/logs/node-build.log"
NODE_BUILD_PID="$HOME/.cache/healthcare-suite/node-build.pid"

# Builds the node in the background at the lowest CPU priority (scripts/setup.sh with
# nothing else left to do), unless that build is already running.
start_node_build() {
    step "substrate-contracts-node: building in the background"
    if [ -f "$NODE_BUILD_PID" ] && kill -0 "$(cat "$NODE_BUILD_PID")" 2>/dev/null; then
        echo "    already building (pid $(cat "$NODE_BUILD_PID"); progress: tail -f $NODE_BUILD_LOG)"
    else
        mkdir -p "$(dirname "$NODE_BUILD_LOG")"
        setsid nohup nice -n 19 bash scripts/setup.sh >"$NODE_BUILD_LOG" 2>&1 </dev/null &
        echo $! >"$NODE_BUILD_PID"
        echo "    started (pid $!) at the lowest CPU priority: about $NODE_BUILD_MINUTES min on 2 cores,"
        echo "    longer while this script builds in the foreground; progress: tail -f $NODE_BUILD_LOG"
    fi
    step_done
}

started=$(date +%s)
if [ "$skip_setup" = 0 ]; then
    if node_installed; then
        bash scripts/setup.sh
    else
        # The node takes most of an hour to build: the first result comes from the
        # sandbox meanwhile.
        bash scripts/setup.sh --without-node
        start_node_build
    fi
fi
# Without a node, the demo program (a host build) is compiled beside the contracts (WASM
# builds in a target directory of their own): their single-threaded stretches (the
# contracts' link-time optimisation, wasm-opt, metadata) leave a core the other uses.
SCENARIO_BUILD_LOG="$HOME/.cache/healthcare-suite/logs/scenario-build.log"
scenario_pid=""
if ! node_installed && ! node_answers "$PORT"; then
    mkdir -p "$(dirname "$SCENARIO_BUILD_LOG")"
    echo "==> the demo program builds beside the contracts (log: $SCENARIO_BUILD_LOG)"
    scenario_started=$(date +%s)
    cargo build --quiet -p e2e-tests --bin scenario >"$SCENARIO_BUILD_LOG" 2>&1 &
    scenario_pid=$!
    # A failed contract build stops this script: the demo build stops with it.
    trap 'kill "$scenario_pid" 2>/dev/null || true' EXIT
fi
[ "$skip_build" = 1 ] || bash scripts/build-contracts.sh "${CONTRACTS[@]}"

if [ -n "$scenario_pid" ]; then
    step "build the demo scenario (started beside the contracts)"
    if ! wait "$scenario_pid"; then
        tail -n 30 "$SCENARIO_BUILD_LOG" >&2
        fail "the scenario did not build (log: $SCENARIO_BUILD_LOG)"
    fi
    trap - EXIT
    echo "    built in $(( $(date +%s) - scenario_started ))s from the start of the contract builds"
    step_done
    step "demo scenario in the sandbox (substrate-contracts-node is not installed yet)"
    "$CARGO_TARGET_DIR/debug/scenario" --sandbox || fail "the scenario failed (see above)"
    step_done
    printf '\nDone in %ss, in the sandbox: ' "$(( $(date +%s) - started ))"
    cat <<EOF
pallet-contracts inside this process ran the same release
.wasm with the same checks and printed the same story; nothing is left running and no
deployment file was written.
substrate-contracts-node is being built in the background (progress: tail -f
$NODE_BUILD_LOG). When it is ready, run scripts/run-local.sh again: it starts the
node, deploys the suite (deployments/local.json, which the tools and frontends load)
and plays the scenario as real transactions.
EOF
    exit 0
fi

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

bash scripts/indexer.sh --sqlite --deployment deployments/local.json \
    --allow-origin "http://127.0.0.1:$APP_PORT" || fail "the indexer did not start (see above)"

step "the dApp on http://127.0.0.1:$APP_PORT (scripts/app.sh)"
bash scripts/app.sh --background --port "$APP_PORT" --deployment deployments/local.json \
    || fail "the dApp could not be served (see above)"
step_done

printf '\nDone in %ss. The node keeps running on %s (log: %s);\n' \
    "$(( $(date +%s) - started ))" "$URL" "$LOG"
echo "the deployment is in deployments/local.json. The indexer's read API: http://127.0.0.1:9955"
echo "(docs/indexer.md). The dApp: http://127.0.0.1:$APP_PORT"
echo "Stop them all: scripts/run-local.sh --stop"
