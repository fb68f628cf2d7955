#!/usr/bin/env bash
# Measures what the compiler settings do to a contract's optimised .wasm (issue 37: "ink!/
# rustc settings measured, not guessed"): builds the contract once with the workspace's
# [profile.release] as it is, then once per variant with one setting changed through
# cargo's CARGO_PROFILE_RELEASE_* variables, and prints a Markdown table of the sizes.
# Each variant rebuilds ink!, core and alloc for WASM (one to three minutes on 2 cores);
# the contract is built again with the workspace's settings at the end, so the bundles
# under $CARGO_TARGET_DIR/ink/ are the usual ones afterwards. Not part of scripts/test.sh.
# Usage: scripts/size-settings.sh [contract ...]   (default: claims_adjudication)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

names=("$@")
((${#names[@]})) || names=(claims_adjudication)

# name | the variable assignments (empty: the workspace's settings)
VARIANTS=(
    "as configured (opt-level z, fat LTO, 1 codegen unit, overflow checks on, panic abort)|"
    "overflow checks off (cargo-contract's own default)|CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=false"
    "opt-level s|CARGO_PROFILE_RELEASE_OPT_LEVEL=s"
    "opt-level 3|CARGO_PROFILE_RELEASE_OPT_LEVEL=3"
    "thin LTO|CARGO_PROFILE_RELEASE_LTO=thin"
    "16 codegen units|CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16"
)

size_of() { stat -c %s "$INK_OUT/$1/$1.wasm"; }

declare -A sizes
for variant in "${VARIANTS[@]}"; do
    label="${variant%%|*}"
    assignments="${variant#*|}"
    for name in "${names[@]}"; do
        step "$name: $label"
        # shellcheck disable=SC2086 # the assignments are words on purpose
        env $assignments bash scripts/build-contracts.sh "$name" > /tmp/size-settings-build.log 2>&1 \
            || { tail -20 /tmp/size-settings-build.log; fail "build of $name ($label) failed"; }
        sizes["$label|$name"]=$(size_of "$name")
        step_done
    done
done
# Back to the workspace's settings.
bash scripts/build-contracts.sh "${names[@]}" > /tmp/size-settings-build.log 2>&1

header="| setting |"
rule="|---|"
for name in "${names[@]}"; do header+=" $name |"; rule+="---:|"; done
echo "$header"
echo "$rule"
for variant in "${VARIANTS[@]}"; do
    label="${variant%%|*}"
    row="| $label |"
    for name in "${names[@]}"; do
        base=${sizes["${VARIANTS[0]%%|*}|$name"]}
        size=${sizes["$label|$name"]}
        row+=" $size B ($(python3 -c "print(f'{($size - $base) / $base * 100:+.1f} %')"))|"
    done
    echo "$row"
done
