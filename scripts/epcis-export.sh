#!/usr/bin/env bash
# Writes a drug_provenance batch's custody history, read from the chain of a deployment
# file, as a GS1 EPCIS 2.0 JSON-LD document; reads only, signs nothing. Check the result
# with `node tools/epcis-validate/validate.mjs FILE` (after scripts/setup.sh).
# Usage: scripts/epcis-export.sh [--deployment deployments/local.json]
#            (--batch ID | --gtin GTIN14 --lot LOT) [--parties parties.json] [--out FILE]
#        scripts/epcis-export.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
cargo build --quiet -p epcis-export || fail "building epcis-export failed"
exec "$CARGO_TARGET_DIR/debug/epcis-export" "$@"
