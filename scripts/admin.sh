#!/usr/bin/env bash
# The consortium's commands for a deployed suite, through its governor, driven by the
# deployment file: status; a member proposes an operation (propose-upgrade / -peer /
# -issuer / -regulator / -break-glass / -recover-surplus / -pause / -unpause, and the
# council's own: -add-member / -remove-member / -threshold / -delay / -guardian), members
# approve, revoke and execute it, the guardian or the proposer cancels it; the guardian
# pauses a contract at once. The signer's secret URI is read from $SUITE_SIGNER or from
# the file given with --signer-file, never from the command line. See docs/governance.md.
# Usage: scripts/admin.sh [--deployment deployments/local.json] [--signer-file FILE] COMMAND ...
#        scripts/admin.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
cargo build --quiet -p suite-admin || fail "building suite-admin failed"
exec "$CARGO_TARGET_DIR/debug/suite-admin" "$@"
