#!/usr/bin/env bash
# The claims tool for payers and providers (tools/claims-tool): X12 837P files (or their CSV
# form) in, batched submit_claims transactions, X12 835 remittances and CSVs out.
# The signer's secret URI is read from $SUITE_SIGNER or from --signer-file, never from the
# command line. Running the same files again submits nothing twice. See docs/claims-tool.md.
# Usage: scripts/claims.sh submit FILE.837... --deployment deployments/local.json \
#            --directory DIRECTORY.csv --partners PARTNERS.csv --sender ISA06 \
#            --payer PAYER.json --plan PLAN_ID --out DIR [--signer-file FILE]
#        scripts/claims.sh demo-setup --deployment deployments/local.json --out DIR
#        scripts/claims.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
cargo build --quiet -p claims-tool || fail "building claims-tool failed"
exec "$CARGO_TARGET_DIR/debug/claims" "$@"
