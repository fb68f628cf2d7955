#!/usr/bin/env bash
# Builds every contract in release mode with cargo-contract and checks each .wasm
# against pallet-contracts' rules (no bulk-memory, reference-types, multi-value,
# saturating float-to-int or SIMD opcodes; a size bound). Bundles land in
# $CARGO_TARGET_DIR/ink/<name>/<name>.{contract,wasm,json}.
# Usage: scripts/build-contracts.sh [name ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

# Checks one built .wasm against pallet-contracts' rules.
check_wasm() {
    local name="$1" wasm="$2"
    [ -f "$wasm" ] || fail "$wasm was not written"
    wasm-validate --disable-bulk-memory --disable-reference-types --disable-multi-value \
        --disable-saturating-float-to-int --disable-simd "$wasm" \
        || fail "$name.wasm uses WASM features pallet-contracts rejects"
    size=$(stat -c %s "$wasm")
    echo "    $name.wasm: $size bytes, accepted by the pallet-contracts feature check"
    # pallet-contracts' default MaxCodeLen is 123 KiB.
    [ "$size" -le $((123 * 1024)) ] || fail "$name.wasm is larger than MaxCodeLen (123 KiB)"
}

names=("$@")
# Revision 2 first: it shares staff_credentials' bundle paths, which the plain build
# then rewrites.
((${#names[@]})) || names=(staff_credentials_v2 "${CONTRACTS[@]}" baseline_token)
for name in "${names[@]}"; do
    if [ "$name" = staff_credentials_v2 ]; then
        # Revision 2 of staff_credentials (feature `upgrade-rehearsal`), for the node test
        # that upgrades a live instance with set_code. Built first and copied aside, as
        # cargo-contract writes both revisions to the same bundle paths.
        step "cargo contract build --release: staff_credentials revision 2 (upgrade rehearsal)"
        cargo contract build --release --quiet --features upgrade-rehearsal \
            --manifest-path contracts/staff_credentials/Cargo.toml \
            || fail "cargo contract build of staff_credentials (upgrade-rehearsal) failed"
        mkdir -p "$INK_OUT/staff_credentials_v2"
        for ext in wasm json contract; do
            cp "$INK_OUT/staff_credentials/staff_credentials.$ext" \
                "$INK_OUT/staff_credentials_v2/staff_credentials_v2.$ext"
        done
        check_wasm "$name" "$INK_OUT/staff_credentials_v2/staff_credentials_v2.wasm"
        step_done
        # The plain revision must be rebuilt after it.
        [[ " ${names[*]} " == *" staff_credentials "* ]] || bash "$0" staff_credentials
        continue
    fi
    manifest="contracts/$name/Cargo.toml"
    # The performance report's baseline (scripts/bench.sh) lives with the tests.
    [ "$name" = baseline_token ] && manifest="e2e-tests/baseline_token/Cargo.toml"
    step "cargo contract build --release: $name"
    cargo contract build --release --quiet --manifest-path "$manifest" \
        || fail "cargo contract build of $name failed"
    wasm="$INK_OUT/$name/$name.wasm"
    check_wasm "$name" "$wasm"
    step_done
done
