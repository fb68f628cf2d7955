#!/usr/bin/env bash
# Measures what each group of messages costs a contract's optimised .wasm (issue 37's
# lever "splitting a contract where a group of messages is used by few callers"): builds
# each contract in a throwaway worktree of HEAD with the group's messages removed (their
# internal functions then go too, as dead code) and prints a Markdown table of the sizes.
# What a group removes is the most a split could save: the contract left behind keeps
# what the group's messages share with the rest, and a real split adds the calls between
# the two contracts. Builds in a target directory of its own (the first build compiles
# ink!, core and alloc for WASM: 3 to 5 minutes on 2 cores, then about a minute per
# row), so the suite's bundles under $CARGO_TARGET_DIR/ink are not touched. Not part of
# scripts/test.sh.
# Usage: scripts/size-by-group.sh [contract ...]   (default: every group below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

# contract | group | its messages
GROUPS_TO_MEASURE=(
    "consent_registry|break-glass|open_break_glass acknowledge_break_glass close_break_glass break_glass live_break_glass"
    "consent_registry|record anchors and the access log|anchor_record remove_record record records_of access_record access_count_of access_log"
    "consent_registry|both (records, access, break-glass)|anchor_record remove_record record records_of access_record access_count_of access_log open_break_glass acknowledge_break_glass close_break_glass break_glass live_break_glass"
    "drug_provenance|suspect-product investigations|flag_suspect respond_verification declare_illegitimate clear_suspicion investigation open_investigation_count open_investigations is_suspect"
    "drug_provenance|cold chain|add_sensor remove_sensor submit_reading check_cold_chain lift_quarantine is_sensor"
    "drug_provenance|payment escrow|escrow_payment release_held_payment refund_held_payment held_payment claim_payout payout_owed held_funds"
    "drug_provenance|investigations and cold chain|flag_suspect respond_verification declare_illegitimate clear_suspicion investigation open_investigation_count open_investigations is_suspect add_sensor remove_sensor submit_reading check_cold_chain lift_quarantine is_sensor"
    "claims_adjudication|appeals|appeal decide_appeal"
    "claims_adjudication|voids, replacements, correctors|void_claim replace_claim set_corrector replaced_by is_corrector"
    "claims_adjudication|appeals, voids, replacements|appeal decide_appeal void_claim replace_claim set_corrector replaced_by is_corrector"
    "claims_adjudication|payer set-up (plans, fees, enrolment, adjusters, funding, settlement)|create_plan set_fees enroll add_adjuster remove_adjuster fund withdraw settle"
    "claims_adjudication|set-up, appeals, voids, replacements|create_plan set_fees enroll add_adjuster remove_adjuster fund withdraw settle appeal decide_appeal void_claim replace_claim set_corrector replaced_by is_corrector"
    "claims_adjudication|read-only queries (16 getters)|total_escrow claim claims_of_member claims_of_provider service_holder claim_by_reference accumulator plan_year plan escrow fee coverage next_owed supply_holder is_adjuster replaced_by"
    "clinical_trials|trial devices|attest_devices register_device registration_hash attested_model retire_device anchor_device_data verify_inclusion device"
    "clinical_trials|safety reporting|report_adverse_event report_susar adverse_event adverse_events_of open_susars serious_events_in_window"
    "clinical_trials|devices and safety|attest_devices register_device registration_hash attested_model retire_device anchor_device_data verify_inclusion device report_adverse_event report_susar adverse_event adverse_events_of open_susars serious_events_in_window"
    "remote_monitoring|device models|register_model recall_model model model_count"
    "remote_monitoring|care team and thresholds|add_care_team_member remove_care_team_member set_threshold care_team threshold"
    "remote_monitoring|models, care team, thresholds|register_model recall_model model model_count add_care_team_member remove_care_team_member set_threshold care_team threshold"
)

wanted=("$@")
selected() { ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" $1 "* ]]; }

work=$(mktemp -d)
cleanup() { git -C "$REPO_ROOT" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add -q --detach "$work/tree" HEAD
export CARGO_TARGET_DIR="${SIZE_BY_GROUP_TARGET:-$HOME/.cache/healthcare-suite/size-by-group-target}"
tree="$work/tree"

# Builds contract $1 in the worktree as it is now; prints the .wasm's size.
build_size() {
    (cd "$tree" && bash scripts/build-contracts.sh "$1") >"$work/build.log" 2>&1 \
        || { tail -20 "$work/build.log" >&2; fail "build of $1 failed"; }
    [ -f "$CARGO_TARGET_DIR/ink/$1/$1.wasm" ] || fail "the build of $1 wrote no $1.wasm"
    stat -c %s "$CARGO_TARGET_DIR/ink/$1/$1.wasm"
}

declare -A whole
echo "| contract | group removed | messages | optimised .wasm | saved |"
echo "|---|---|---:|---:|---:|"
for entry in "${GROUPS_TO_MEASURE[@]}"; do
    IFS='|' read -r contract group messages <<<"$entry"
    selected "$contract" || continue
    if [ -z "${whole[$contract]:-}" ]; then
        whole[$contract]=$(build_size "$contract")
        echo "| $contract | (none) | 0 | ${whole[$contract]} B | |"
    fi
    # shellcheck disable=SC2086 # the messages are words on purpose
    python3 scripts/strip-messages.py "$tree/contracts/$contract/lib.rs" $messages
    size=$(build_size "$contract")
    git -C "$tree" checkout -q -- contracts
    count=$(wc -w <<<"$messages")
    echo "| $contract | $group | $count | $size B | $((whole[$contract] - size)) B |"
done
