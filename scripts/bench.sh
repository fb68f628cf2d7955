#!/usr/bin/env bash
# The performance report: release builds of the suite and of the baseline token, then
# e2e-tests/src/bin/bench.rs in the drink sandbox (weight and storage deposit of every
# state-changing message, against a token transfer; again after N prior records of each
# kind; submit_claim with 1, 5 and 20 lines; submit_claims batches; code sizes; messages per
# block). Then the same messages on a real substrate-contracts-node, beside the sandbox's
# figures: the local node (scripts/run-local.sh) when one answers on 127.0.0.1:9944, else a
# temporary `--dev --tmp` node this script starts and stops (skipped with --no-node, or when
# the node is not installed). Prints the tables and writes them to docs/performance.md.
# With a local node and deployment, also the claims tool's claims per second against it.
# Usage: scripts/bench.sh [--records N] [--skip-build] [--no-node]     (N defaults to 10000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

records=10000
skip_build=0
use_node=1
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records="$2"; shift ;;
        --skip-build) skip_build=1 ;;
        --no-node) use_node=0 ;;
        *) fail "unknown argument $1 (scripts/bench.sh [--records N] [--skip-build] [--no-node])" ;;
    esac
    shift
done

if [ "$skip_build" = 0 ]; then
    bash scripts/setup.sh
    bash scripts/build-contracts.sh "${CONTRACTS[@]}" baseline_token
fi
node_args=()
temp_node=""
if [ "$use_node" = 1 ]; then
    if node_answers 9944; then
        node_args=(--node ws://127.0.0.1:9944)
    elif node_installed; then
        # A node of our own for the measurement, on another port, removed afterwards.
        port=9955
        mkdir -p "$HOME/.cache/healthcare-suite/logs"
        node_log="$HOME/.cache/healthcare-suite/logs/bench-node.log"
        # Not setsid: $! must be the node itself, so that it can be stopped below.
        substrate-contracts-node --dev --tmp --rpc-port "$port" >"$node_log" 2>&1 </dev/null &
        temp_node=$!
        trap '[ -n "$temp_node" ] && kill "$temp_node" 2>/dev/null' EXIT INT TERM
        for _ in $(seq 1 60); do node_answers "$port" && break; sleep 1; done
        node_answers "$port" || fail "the temporary node did not answer (log: $node_log)"
        node_args=(--node "ws://127.0.0.1:$port")
    else
        echo "substrate-contracts-node is not installed: the node's column is not measured (scripts/setup.sh installs it)"
    fi
fi
# The claims tool's wall-clock rate against the node, in the same run: 2 000 synthetic
# one-line claims for a new demo plan, on the local deployment (or, on the temporary
# node, a deployment made for this run and removed afterwards).
tool_summary="$(mktemp)"
if [ "${#node_args[@]}" -gt 0 ]; then
    step "claims tool: 2000 claims against the node at ${node_args[1]}"
    deployment=deployments/local.json
    if [ -n "$temp_node" ] || [ ! -f "$deployment" ]; then
        deployment=deployments/bench.json
        bash scripts/deploy.sh --url "${node_args[1]}" --network bench --fresh >/dev/null \
            || fail "deploying to ${node_args[1]} for the claims tool failed"
    fi
    work="$(mktemp -d)"
    python3 tools/claims-tool/samples/generate.py 2000 "$work/bench.837"
    plan=$(bash scripts/claims.sh demo-setup --deployment "$deployment" --out "$work" \
        | sed -nE 's/^PLAN_ID=([0-9]+)$/\1/p')
    bash scripts/claims.sh submit "$work/bench.837" --deployment "$deployment" \
        --directory "$work/DIRECTORY.csv" --partners "$work/PARTNERS.csv" --sender TESTSUBMIT \
        --payer "$work/PAYER.json" --plan "$plan" --out "$work/out" \
        --signer-file "$work/payer.secret" | grep -E '^(claims|time|node weight)' | tee "$tool_summary"
    rm -rf "$work"
    [ "$deployment" = deployments/bench.json ] && rm -rf deployments/bench.json deployments/bench
    step_done
fi

step "bench: drink sandbox, $records prior records of each kind${node_args:+; then the node at ${node_args[1]}}"
# A debug build: it shares every dependency with the tests (a release build of the host
# side would first compile the whole polkadot-sdk stack again). The contracts themselves
# are the release .wasm either way.
cargo build --quiet -p e2e-tests --bin bench || fail "the bench did not build"
"$CARGO_TARGET_DIR/debug/bench" --records "$records" "${node_args[@]}" --tool "$tool_summary" \
    --out docs/performance.md
rm -f "$tool_summary"
step_done
if [ -n "$temp_node" ]; then
    kill "$temp_node" 2>/dev/null || true
    temp_node=""
fi
