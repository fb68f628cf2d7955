#!/usr/bin/env bash
# The consortium's own network on loopback (chain/, docs/network.md): four validators,
# payer, hospital, pharmacy and regulator, each a consortium-node (Aura blocks, GRANDPA
# finality, only authorized nodes as peers) with its fixed node key
# (chain/network/NAME.node-key), its session keys (//Payer, ... in its own keystore), its
# own data directory that survives a restart, its log, and its RPC port.
#
# Usage: scripts/network.sh start [--fresh] | stop | status | kill NAME | restart NAME
#        scripts/network.sh intruder SECONDS
#   start     starts the validators that are not running (--fresh: their chain wiped first)
#   stop      stops every node of the network (no process is left behind)
#   status    one line per node: running or not, best and finalized block, peers
#   kill      kills NAME at once (SIGKILL: a crashed machine), its data kept
#   restart   starts NAME again on its data (it catches up from its peers)
#   intruder  runs a fifth node with a key of its own that no one authorized, pointed at
#             every validator, for SECONDS; prints its best block and peers each second;
#             fails if it ever got a peer or a block past genesis
# RPC: payer ws://127.0.0.1:9971, hospital 9972, pharmacy 9973, regulator 9974;
# p2p on 127.0.0.1:30371-30374. Data and logs: $NETWORK_DIR
# (default ~/.cache/healthcare-suite/network).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NAMES=(payer hospital pharmacy regulator)
NETWORK_DIR="${NETWORK_DIR:-$HOME/.cache/healthcare-suite/network}"
KEY_DIR="$REPO_ROOT/chain/network"
CHAIN=consortium-local
P2P_BASE=30371
RPC_BASE=9971
NODE=consortium-node

usage() { sed -n '8,20p' "$0" | sed 's/^# \{0,1\}//'; }

index_of() {
    local i
    for i in "${!NAMES[@]}"; do
        [ "${NAMES[$i]}" = "$1" ] && { echo "$i"; return 0; }
    done
    fail "no node named '$1' (one of: ${NAMES[*]})"
}

seed_of() { local n=$1; echo "//${n^}"; }
rpc_port() { echo $((RPC_BASE + $1)); }
p2p_port() { echo $((P2P_BASE + $1)); }
pid_file() { echo "$NETWORK_DIR/$1.pid"; }
log_file() { echo "$NETWORK_DIR/$1.log"; }
data_dir() { echo "$NETWORK_DIR/$1"; }

require_node() {
    command -v "$NODE" >/dev/null \
        || fail "$NODE is not installed: run scripts/setup.sh --with-network (about $NETWORK_BUILD_MINUTES min on 2 cores)"
}

# The PID of NAME's node if it runs, else nothing.
running_pid() {
    local file pid
    file=$(pid_file "$1")
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--name $1 "; then
        echo "$pid"
    else
        rm -f "$file"
    fi
}

peer_id() {
    local key="$KEY_DIR/$1.node-key" out
    [ -f "$key" ] || fail "$1: its node key is missing ($key)"
    out=$("$NODE" key inspect-node-key --file "$key" 2>&1) \
        || fail "$1: could not compute its peer id from $key: $out"
    echo "${out##*$'\n'}"
}

# Who holds TCP port $1 on loopback, if anyone ("" when free).
port_holder() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# As the node binds (SO_REUSEADDR): a port in TIME_WAIT after a stop or an RPC call is free.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    print("taken")
finally:
    s.close()
EOF
}

# "best finalized peers" of NAME's node, or nothing when it does not answer.
heights() { heights_at "$(rpc_port "$(index_of "$1")")"; }

# The same of the node whose RPC is on port $1.
heights_at() {
    python3 - "$1" <<'EOF'
import json, sys, urllib.request
port = sys.argv[1]
def call(method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=3) as r:
        return json.load(r)["result"]
try:
    best = int(call("chain_getHeader")["number"], 16)
    finalized = int(call("chain_getHeader", [call("chain_getFinalizedHead")])["number"], 16)
    peers = call("system_health")["peers"]
    print(best, finalized, peers)
except Exception:
    pass
EOF
}

# The keystore of NAME holds its Aura (sr25519) and GRANDPA (ed25519) keys, from its seed.
insert_keys() {
    local name=$1 dir seed
    dir=$(data_dir "$name")
    seed=$(seed_of "$name")
    if compgen -G "$dir/chains/*/keystore/61757261*" >/dev/null \
        && compgen -G "$dir/chains/*/keystore/6772616e*" >/dev/null; then
        return 0
    fi
    "$NODE" key insert --base-path "$dir" --chain "$CHAIN" --scheme sr25519 \
        --suri "$seed" --key-type aura >/dev/null 2>&1 || fail "$name: could not insert its Aura key"
    "$NODE" key insert --base-path "$dir" --chain "$CHAIN" --scheme ed25519 \
        --suri "$seed" --key-type gran >/dev/null 2>&1 || fail "$name: could not insert its GRANDPA key"
}

# Why NAME's node stopped, from its log.
diagnose() {
    local log
    log=$(log_file "$1")
    if grep -qi "address already in use" "$log"; then
        echo "a port of $1 is taken (p2p $(p2p_port "$2"), RPC $(rpc_port "$2"))"
    elif grep -qiE "lock.*(resource temporarily unavailable|held)|already in use by another process|IO error: lock" "$log"; then
        echo "the data directory $(data_dir "$1") is locked by another process"
    elif grep -qi "keystore\|no key" "$log"; then
        echo "its session keys are missing or unreadable ($(data_dir "$1")/chains/*/keystore)"
    else
        echo "see its log"
    fi
}

start_node() {
    local name=$1 i pid dir log reserved=() other
    i=$(index_of "$name")
    pid=$(running_pid "$name")
    if [ -n "$pid" ]; then
        echo "    $name: already running (pid $pid)"
        return 0
    fi
    dir=$(data_dir "$name")
    log=$(log_file "$name")
    local key="$KEY_DIR/$name.node-key"
    [ -f "$key" ] || fail "$name: its node key is missing ($key)"
    for port in "$(p2p_port "$i")" "$(rpc_port "$i")"; do
        [ -z "$(port_holder "$port")" ] \
            || fail "$name: port $port is taken by another process ($(ss -ltnp 2>/dev/null | grep ":$port " | sed -E 's/.*users:\(\("([^"]+)",pid=([0-9]+).*/\1 pid \2/' | head -n1))"
    done
    if pgrep -f -- "--base-path $dir( |$)" >/dev/null; then
        fail "$name: its data directory $dir is locked by another process (pid $(pgrep -f -- "--base-path $dir( |$)" | head -n1))"
    fi
    mkdir -p "$dir"
    insert_keys "$name"
    for other in "${NAMES[@]}"; do
        [ "$other" = "$name" ] && continue
        local j
        j=$(index_of "$other")
        reserved+=("/ip4/127.0.0.1/tcp/$(p2p_port "$j")/p2p/$(peer_id "$other")")
    done
    (
        cd "$NETWORK_DIR"
        exec setsid nohup "$NODE" --chain "$CHAIN" --name "$name" --validator \
            --base-path "$dir" --node-key-file "$key" \
            --listen-addr "/ip4/127.0.0.1/tcp/$(p2p_port "$i")" \
            --reserved-only --reserved-nodes "${reserved[@]}" \
            --rpc-port "$(rpc_port "$i")" --rpc-cors all \
            --state-pruning archive --blocks-pruning archive \
            --offchain-worker always \
            --no-mdns --no-prometheus --no-telemetry \
            >>"$log" 2>&1 </dev/null
    ) &
    local launched=$!
    echo "$launched" >"$(pid_file "$name")"
    for _ in $(seq 1 60); do
        if [ -n "$(heights "$name")" ]; then
            echo "    $name: started (pid $launched, RPC ws://127.0.0.1:$(rpc_port "$i"), log $log)"
            return 0
        fi
        if ! kill -0 "$launched" 2>/dev/null; then
            rm -f "$(pid_file "$name")"
            tail -n 15 "$log" | sed 's/^/      /'
            fail "$name: the node stopped at start: $(diagnose "$name" "$i")"
        fi
        sleep 1
    done
    stop_node "$name" KILL
    tail -n 15 "$log" | sed 's/^/      /'
    fail "$name: no answer on RPC port $(rpc_port "$i") within 60 s"
}

# Stops NAME's node with SIGTERM (SIGKILL with $2 = KILL, or after 20 s), its whole process
# group, so that nothing is left behind.
stop_node() {
    local name=$1 pid
    pid=$(running_pid "$name")
    [ -n "$pid" ] || return 0
    if [ "${2:-TERM}" = KILL ]; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    else
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    rm -f "$(pid_file "$name")"
}

status() {
    local name i pid line
    for name in "${NAMES[@]}"; do
        i=$(index_of "$name")
        pid=$(running_pid "$name")
        if [ -z "$pid" ]; then
            printf '%-10s stopped\n' "$name"
            continue
        fi
        line=$(heights "$name")
        if [ -z "$line" ]; then
            printf '%-10s running (pid %s), RPC 127.0.0.1:%s not answering\n' "$name" "$pid" "$(rpc_port "$i")"
        else
            read -r best finalized peers <<<"$line"
            printf '%-10s running (pid %s)  best #%s  finalized #%s  peers %s  RPC ws://127.0.0.1:%s\n' \
                "$name" "$pid" "$best" "$finalized" "$peers" "$(rpc_port "$i")"
        fi
    done
}

# A node with its own, unauthorized key, dialling every validator for $1 seconds.
intruder() {
    local seconds=$1 dir log key port=30379 rpc=9979 reserved=() name pid got=0 answered=0
    dir="$NETWORK_DIR/intruder"
    log="$NETWORK_DIR/intruder.log"
    rm -rf "$dir"
    mkdir -p "$dir"
    key="$dir/node-key"
    python3 -c "import secrets; print(secrets.token_hex(32), end='')" >"$key"
    for name in "${NAMES[@]}"; do
        reserved+=("/ip4/127.0.0.1/tcp/$(p2p_port "$(index_of "$name")")/p2p/$(peer_id "$name")")
    done
    for p in $port $rpc; do
        [ -z "$(port_holder "$p")" ] || fail "intruder: port $p is taken"
    done
    : >"$log"
    (
        exec setsid nohup "$NODE" --chain "$CHAIN" --name intruder --base-path "$dir" \
            --node-key-file "$key" --listen-addr "/ip4/127.0.0.1/tcp/$port" \
            --reserved-nodes "${reserved[@]}" --bootnodes "${reserved[@]}" \
            --rpc-port "$rpc" --no-mdns --no-prometheus --no-telemetry \
            >>"$log" 2>&1 </dev/null
    ) &
    pid=$!
    # Never left behind, whatever interrupts the check.
    trap 'kill -KILL -- "-$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
    for s in $(seq 1 "$seconds"); do
        line=$(heights_at "$rpc")
        if [ -n "$line" ]; then
            answered=1
            read -r best _ peers <<<"$line"
            echo "    intruder after ${s}s: best #$best, peers $peers"
            if [ "$best" -gt 0 ] || [ "$peers" -gt 0 ]; then got=1; fi
        fi
        sleep 1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    trap - EXIT
    if [ "$answered" = 0 ]; then
        tail -n 20 "$log" | sed 's/^/      /'
        rm -rf "$dir"
        fail "intruder: the node never answered on RPC port $rpc, so nothing was shown"
    fi
    rm -rf "$dir"
    [ "$got" = 0 ] || fail "the unauthorized node got a peer or a block: node authorization did not hold"
    echo "    the unauthorized node got no peer and no block in ${seconds}s"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    start)
        fresh=0
        for arg in "$@"; do
            case "$arg" in
                --fresh) fresh=1 ;;
                *) fail "unknown argument $arg (scripts/network.sh start [--fresh])" ;;
            esac
        done
        require_node
        mkdir -p "$NETWORK_DIR"
        if [ "$fresh" = 1 ]; then
            for name in "${NAMES[@]}"; do stop_node "$name"; done
            for name in "${NAMES[@]}"; do rm -rf "$(data_dir "$name")" "$(log_file "$name")"; done
        fi
        for name in "${NAMES[@]}"; do start_node "$name"; done
        ;;
    stop)
        for name in "${NAMES[@]}"; do stop_node "$name"; done
        echo "    network stopped (data kept in $NETWORK_DIR)"
        ;;
    status) status ;;
    kill)
        [ $# -eq 1 ] || fail "usage: scripts/network.sh kill NAME"
        index_of "$1" >/dev/null
        [ -n "$(running_pid "$1")" ] || fail "$1 is not running"
        stop_node "$1" KILL
        echo "    $1: killed (SIGKILL), data kept"
        ;;
    restart)
        [ $# -eq 1 ] || fail "usage: scripts/network.sh restart NAME"
        require_node
        index_of "$1" >/dev/null
        stop_node "$1"
        start_node "$1"
        ;;
    intruder)
        [ $# -eq 1 ] && [[ "$1" =~ ^[0-9]+$ ]] || fail "usage: scripts/network.sh intruder SECONDS"
        require_node
        intruder "$1"
        ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
esac
