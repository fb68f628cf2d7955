#!/usr/bin/env bash
# A check of scripts/admin.sh against the local deployment (run by scripts/test.sh after
# run-local.sh, on the node it started): status answers with the consortium; an upgrade
# of staff_credentials to revision 2 is proposed by //Alice through the governor, refused
# with the governor's error in words while only one member approves and then before the
# delay, approved by //Bob, executed after the delay, and recorded in
# deployments/local.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"
admin() { SUITE_SIGNER="$signer" bash scripts/admin.sh --deployment deployments/local.json "$@"; }

signer='//Alice'
status=$(admin status)
echo "$status"
grep -q 'of 3 members approve an operation; delay [0-9]* ms' <<<"$status" \
    || fail "status shows no consortium"
proposal=$(admin propose-upgrade staff_credentials --bundle staff_credentials_v2)
echo "$proposal"
id=$(echo "$proposal" | sed -n 's/^operation \(0x[0-9a-f]*\) proposed.*/\1/p')
[ -n "$id" ] || fail "no operation id in: $proposal"
if alone=$(admin execute "$id" 2>&1); then
    fail "the upgrade executed with one approval: $alone"
fi
echo "$alone" | grep -q 'NotEnoughApprovals' || fail "expected NotEnoughApprovals, got: $alone"
echo "ok: one member's approval is not enough: $(echo "$alone" | grep -m1 NotEnoughApprovals)"
signer='//Bob'
admin approve "$id"
if early=$(admin execute "$id" 2>&1); then
    fail "the upgrade executed before the delay: $early"
fi
echo "$early" | grep -q 'NotReady' || fail "expected NotReady, got: $early"
echo "ok: executing before the delay is refused: $(echo "$early" | grep -m1 NotReady)"
delay_ms=$(python3 -c 'import json;print(json.load(open("deployments/local.json"))["consortium"]["delay_ms"])')
sleep $(( delay_ms / 1000 + 2 ))
admin execute "$id"
v2=$(python3 -c 'import json;print(json.load(open("'"$INK_OUT"'/staff_credentials_v2/staff_credentials_v2.json"))["source"]["hash"])')
recorded=$(python3 -c 'import json;print(json.load(open("deployments/local.json"))["contracts"]["staff_credentials"]["code_hash"])')
[ "$recorded" = "$v2" ] || fail "deployment file records $recorded, expected $v2"
echo "ok: upgrade executed after the delay and recorded ($v2)"
status=$(admin status)
grep '^staff_credentials' <<<"$status"
grep '^staff_credentials' <<<"$status" | grep -q 'revision 2' \
    || fail "staff_credentials does not report revision 2"
grep -q '^no pending operation' <<<"$status" || fail "an operation is left pending"
