#!/usr/bin/env bash
# Builds every contract in release mode with cargo-contract and checks each .wasm
# against pallet-contracts' rules (no bulk-memory, reference-types, multi-value,
# saturating float-to-int or SIMD opcodes; a size bound) and against the host functions
# of the target chain (scripts/host-functions/, the dev node's by default; every import
# is printed). Bundles land in $CARGO_TARGET_DIR/ink/<name>/<name>.{contract,wasm,json}.
# Usage: scripts/build-contracts.sh [name ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

# The host functions the target chain offers (scripts/host-functions/<target>.txt); the
# dev node's by default. HOST_FUNCTIONS=<file> checks against another chain's list.
HOST_FUNCTIONS="${HOST_FUNCTIONS:-$REPO_ROOT/scripts/host-functions/substrate-contracts-node-0.42.txt}"

# The functions a .wasm imports, as `module.name`, one a line (sorted).
host_imports() {
    wasm-objdump -x -j Import "$1" | sed -n 's/^ *- func\[[0-9]*\].*<- \([^ ]*\)$/\1/p' | sort -u
}

# Fails unless every function `$2` imports is in the allow-list `$3`.
check_imports() {
    local name="$1" wasm="$2" allowed="$3" missing
    [ -f "$allowed" ] || fail "host-function allow-list $allowed not found"
    missing=$(comm -23 <(host_imports "$wasm") <(grep -v '^#' "$allowed" | sed '/^$/d' | sort -u))
    echo "    $name imports: $(host_imports "$wasm" | paste -sd' ')"
    [ -z "$missing" ] || fail "$name.wasm imports host functions $(basename "$allowed" .txt) does not offer: $missing"
}

# Checks one built .wasm against pallet-contracts' rules and the target's host functions.
check_wasm() {
    local name="$1" wasm="$2" allowed="${3:-$HOST_FUNCTIONS}"
    [ -f "$wasm" ] || fail "$wasm was not written"
    wasm-validate --disable-bulk-memory --disable-reference-types --disable-multi-value \
        --disable-saturating-float-to-int --disable-simd "$wasm" \
        || fail "$name.wasm uses WASM features pallet-contracts rejects"
    size=$(stat -c %s "$wasm")
    echo "    $name.wasm: $size bytes, accepted by the pallet-contracts feature check"
    # pallet-contracts' default MaxCodeLen is 123 KiB.
    [ "$size" -le $((123 * 1024)) ] || fail "$name.wasm is larger than MaxCodeLen (123 KiB)"
    check_imports "$name" "$wasm" "$allowed"
}

names=("$@")
# Revisions 2 first: each shares its contract's bundle paths, which the plain build then
# rewrites.
if ! ((${#names[@]})); then
    for contract in "${CONTRACTS[@]}"; do names+=("${contract}_v2"); done
    names+=(claims_adjudication_call_v1 "${CONTRACTS[@]}" baseline_token trapping_peer)
else
    # Whatever order they were named in.
    variants=() plain=()
    for name in "${names[@]}"; do
        case "$name" in
            *_v2 | claims_adjudication_call_v1) variants+=("$name") ;;
            *) plain+=("$name") ;;
        esac
    done
    names=("${variants[@]}" "${plain[@]}")
fi
# cargo-contract builds a workspace member in a target directory of its own,
# $INK_OUT/<name>, so a fresh machine would compile ink!, parity-scale-codec, core and
# alloc (for WASM) and their std variants (for the metadata) once per contract: four to
# six minutes each on 2 cores. Every contract gets its directory as a link to one shared
# directory instead: the dependencies are compiled once, and the bundles (named after
# each contract) land side by side, still readable at
# $INK_OUT/<name>/<name>.{contract,wasm,json}. Builds run one after the other (cargo locks
# the directory).
SHARED_INK="$CARGO_TARGET_DIR/ink-buffer-$INK_INPUT_BUFFER"
# cargo-contract also lints each contract with `cargo check` in $CARGO_TARGET_DIR/debug,
# which would wait for cargo's lock on that directory while a host build (the demo
# program that run-local.sh builds beside the contracts, or the tests) holds it: it runs
# with a target directory of its own, whose ink/<name> are links to the same shared
# directory.
CONTRACT_TARGET="$CARGO_TARGET_DIR/contract-builds"
link_to_shared() {
    local dir="$1"
    mkdir -p "$SHARED_INK" "$(dirname "$dir")"
    [ -L "$dir" ] && [ "$(readlink "$dir")" = "$SHARED_INK" ] && return 0
    # A directory of its own from an earlier build: replaced by the link.
    rm -rf "$dir"
    ln -s "$SHARED_INK" "$dir"
}
share_target_dir() {
    link_to_shared "$INK_OUT/$1"
    link_to_shared "$CONTRACT_TARGET/ink/$1"
}
cargo_contract() {
    CARGO_TARGET_DIR="$CONTRACT_TARGET" cargo contract "$@"
}
# Every contract with the same input buffer (INK_INPUT_BUFFER, common.sh), given to
# rustc by scripts/rustc-ink-buffer (see there why not to cargo-contract). cargo does not
# track the variable, so the shared directory is named after the size.
unset INK_STATIC_BUFFER_SIZE
export INK_BUFFER_FOR_RUSTC="$INK_INPUT_BUFFER"
if [ -n "${RUSTC_WRAPPER:-}" ] && [ "$RUSTC_WRAPPER" != "$REPO_ROOT/scripts/rustc-ink-buffer" ]; then
    export INK_INNER_RUSTC_WRAPPER="$RUSTC_WRAPPER"
fi
export RUSTC_WRAPPER="$REPO_ROOT/scripts/rustc-ink-buffer"

# Fails unless the metadata of a build records the suite's input buffer.
check_buffer() {
    local json="$INK_OUT/$1/$2.json" size
    size=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["spec"]["environment"]["staticBufferSize"])' "$json") \
        || fail "$json has no staticBufferSize"
    [ "$size" = "$INK_INPUT_BUFFER" ] || fail "$2 was built with a $size-byte input buffer, not $INK_INPUT_BUFFER"
}

for name in "${names[@]}"; do
    case "$name" in
        *_v2) share_target_dir "${name%_v2}" ;;
        claims_adjudication_call_v1) share_target_dir claims_adjudication ;;
        *) share_target_dir "$name" ;;
    esac
    if [[ "$name" == *_v2 ]]; then
        # Revision 2 of a contract (feature `upgrade-rehearsal`: `code_version() == 2`,
        # the same storage layout), for the tests that upgrade a live instance through
        # the governor (an `Action::Code` operation). Built first and copied aside, as cargo-contract
        # writes both revisions to the same bundle paths.
        contract="${name%_v2}"
        [[ " ${CONTRACTS[*]} " == *" $contract "* ]] || fail "no contract $contract (for $name)"
        step "cargo contract build --release: $contract revision 2 (upgrade rehearsal)"
        cargo_contract build --release --quiet --features upgrade-rehearsal \
            --manifest-path "contracts/$contract/Cargo.toml" \
            || fail "cargo contract build of $contract (upgrade-rehearsal) failed"
        mkdir -p "$INK_OUT/$name"
        for ext in wasm json contract; do
            cp "$INK_OUT/$contract/$contract.$ext" "$INK_OUT/$name/$name.$ext"
        done
        check_wasm "$name" "$INK_OUT/$name/$name.wasm"
        step_done
        # The plain revision must be rebuilt after it.
        [[ " ${names[*]} " == *" $contract "* ]] || bash "$0" "$contract"
        continue
    fi
    if [ "$name" = claims_adjudication_call_v1 ]; then
        # The suite for runtimes without the weight-v2 call host function: cross-contract
        # calls through `seal1.call` (feature `call-v1`). Checked against that target's
        # host functions; built first and copied aside like revision 2 above.
        step "cargo contract build --release: claims_adjudication with feature call-v1 (older runtimes)"
        cargo_contract build --release --quiet --features call-v1 \
            --manifest-path contracts/claims_adjudication/Cargo.toml \
            || fail "cargo contract build of claims_adjudication (call-v1) failed"
        mkdir -p "$INK_OUT/$name"
        for ext in wasm json contract; do
            cp "$INK_OUT/claims_adjudication/claims_adjudication.$ext" "$INK_OUT/$name/$name.$ext"
        done
        check_wasm "$name" "$INK_OUT/$name/$name.wasm" \
            "$REPO_ROOT/scripts/host-functions/pallet-contracts-call-v1.txt"
        host_imports "$INK_OUT/$name/$name.wasm" | grep -qx 'seal1.call' \
            || fail "$name.wasm does not call peers through seal1.call"
        step_done
        [[ " ${names[*]} " == *" claims_adjudication "* ]] || bash "$0" claims_adjudication
        continue
    fi
    manifest="contracts/$name/Cargo.toml"
    # The performance report's baseline (scripts/bench.sh) and the trapping test peer
    # live with the tests.
    case "$name" in
        baseline_token | trapping_peer) manifest="e2e-tests/$name/Cargo.toml" ;;
    esac
    step "cargo contract build --release: $name"
    cargo_contract build --release --quiet --manifest-path "$manifest" \
        || fail "cargo contract build of $name failed"
    check_buffer "$name" "$name"
    wasm="$INK_OUT/$name/$name.wasm"
    check_wasm "$name" "$wasm"
    step_done
done
