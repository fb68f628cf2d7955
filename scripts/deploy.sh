#!/usr/bin/env bash
# Deploys the suite with cargo-contract: first the consortium's governor (members,
# threshold, delay, guardian from --consortium FILE; on a local node //Alice, //Bob,
# //Charlie, 2 of 3, 10 s, guardian //Ferdie), then in dependency order
# (staff_credentials, consent_registry, drug_provenance, remote_monitoring,
# claims_adjudication, clinical_trials) each contract governed by it, with the initial
# roles, and writes
# deployments/<network>.json (node URL, genesis hash, each contract's address, code hash
# and metadata path). Reuses a deployment file whose
# contracts still exist with the recorded code hash, unless --fresh. See
# docs/deployment.md.
# Usage: scripts/deploy.sh [--url ws://127.0.0.1:9944] [--suri //Alice] [--network NAME]
#                          [--consortium FILE] [--delay 2d] [--guardian SS58] [--fresh]
#                          [--issuer SS58]... [--regulator SS58]...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v cargo-contract >/dev/null || fail "cargo-contract is missing: run scripts/setup.sh"
exec python3 "$REPO_ROOT/scripts/deploy.py" "$@"
