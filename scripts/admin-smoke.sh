#!/usr/bin/env bash
# A check of scripts/admin.sh against the local deployment (run by scripts/test.sh after
# run-local.sh, on the node it started): status answers; a time-locked upgrade of
# staff_credentials to revision 2 is proposed, refused before the delay with the
# contract's error in words, executed after it, and recorded in deployments/local.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
export SUITE_SIGNER='//Alice'
admin() { bash scripts/admin.sh --deployment deployments/local.json "$@"; }

status=$(admin status)
echo "$status"
grep -q 'time-lock delay: [0-9]* ms' <<<"$status" || fail "status shows no delay"
proposal=$(admin propose-upgrade staff_credentials --bundle staff_credentials_v2)
echo "$proposal"
id=$(echo "$proposal" | sed -n 's/.*change #\([0-9]*\) proposed.*/\1/p')
[ -n "$id" ] || fail "no change id in: $proposal"
if early=$(admin execute staff_credentials "$id" 2>&1); then
    fail "the upgrade executed before the delay: $early"
fi
echo "$early" | grep -q 'TooEarly' || fail "expected TooEarly, got: $early"
echo "ok: executing before the delay is refused: $(echo "$early" | grep -m1 TooEarly)"
delay_ms=$(python3 -c 'import json;print(json.load(open("deployments/local.json"))["change_delay_ms"])')
sleep $(( delay_ms / 1000 + 2 ))
admin execute staff_credentials "$id"
v2=$(python3 -c 'import json;print(json.load(open("'"$INK_OUT"'/staff_credentials_v2/staff_credentials_v2.json"))["source"]["hash"])')
recorded=$(python3 -c 'import json;print(json.load(open("deployments/local.json"))["contracts"]["staff_credentials"]["code_hash"])')
[ "$recorded" = "$v2" ] || fail "deployment file records $recorded, expected $v2"
echo "ok: upgrade executed after the delay and recorded ($v2)"
status=$(admin status)
grep -A4 '^staff_credentials' <<<"$status"
grep -A4 '^staff_credentials' <<<"$status" | grep -q 'no pending change' \
    || fail "a pending change is left"
