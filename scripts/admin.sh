#!/usr/bin/env bash
# Operator commands for a deployed suite, driven by its deployment file: status, time-locked
# changes (propose-upgrade / -peer / -delay / -issuer / -regulator, execute, cancel), pause,
# ownership and roles. The signer's secret URI is read from $SUITE_SIGNER or from the file
# given with --signer-file, never from the command line. See docs/deployment.md.
# Usage: scripts/admin.sh [--deployment deployments/local.json] [--signer-file FILE] COMMAND ...
#        scripts/admin.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
cargo build --quiet -p suite-admin || fail "building suite-admin failed"
exec "$CARGO_TARGET_DIR/debug/suite-admin" "$@"
