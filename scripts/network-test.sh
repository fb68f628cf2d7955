#!/usr/bin/env bash
# The consortium network's fault test (issue 40, docs/network.md): four validators
# started fresh (scripts/network.sh), the suite deployed through its governor, N claims
# submitted by the claims tool while the hospital's validator is killed and the tool
# interrupted; the validator restarted, the tool resumed: every claim adjudicated exactly
# once, blocks produced and finalized by the three left, the restarted node caught up, a
# node with an unauthorized key refused. Prints the figures (claims/s, time to finality,
# catch-up, blocks produced while one was down); the network is stopped at the end.
# Usage: scripts/network-test.sh [--claims N] [--down SECONDS] [--figures FILE] [--keep]
# Needs consortium-node (scripts/setup.sh --with-network) and the contract bundles
# (scripts/build-contracts.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v consortium-node >/dev/null \
    || fail "consortium-node is not installed: scripts/setup.sh --with-network"
network_node_current \
    || echo "WARNING: consortium-node was built from other chain/ sources: scripts/setup.sh --with-network rebuilds it" >&2
command -v cargo-contract >/dev/null || fail "cargo-contract is missing: run scripts/setup.sh"
exec python3 "$REPO_ROOT/scripts/network_fault.py" "$@"
