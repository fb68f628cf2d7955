#!/usr/bin/env bash
# Builds every contract in release mode with cargo-contract and checks each .wasm
# against pallet-contracts' rules (no bulk-memory, reference-types, multi-value,
# saturating float-to-int or SIMD opcodes; a size bound). Bundles land in
# $CARGO_TARGET_DIR/ink/<name>/<name>.{contract,wasm,json}.
# Usage: scripts/build-contracts.sh [name ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

names=("$@")
((${#names[@]})) || names=("${CONTRACTS[@]}")
for name in "${names[@]}"; do
    step "cargo contract build --release: $name"
    cargo contract build --release --quiet --manifest-path "contracts/$name/Cargo.toml" \
        || fail "cargo contract build of $name failed"
    wasm="$INK_OUT/$name/$name.wasm"
    [ -f "$wasm" ] || fail "$wasm was not written"
    wasm-validate --disable-bulk-memory --disable-reference-types --disable-multi-value \
        --disable-saturating-float-to-int --disable-simd "$wasm" \
        || fail "$name.wasm uses WASM features pallet-contracts rejects"
    size=$(stat -c %s "$wasm")
    echo "    $name.wasm: $size bytes, accepted by the pallet-contracts feature check"
    # pallet-contracts' default MaxCodeLen is 123 KiB.
    [ "$size" -le $((123 * 1024)) ] || fail "$name.wasm is larger than MaxCodeLen (123 KiB)"
    step_done
done
