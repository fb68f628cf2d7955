#!/usr/bin/env bash
# The indexer's benchmark (docs/performance.md, "The indexer"): a long sandbox history
# (`scenario --sandbox --bulk CLAIMS --bulk-custody SHIPMENTS`: real transactions, each
# shipment two custody entries), backfilled from its replay file into SQLite and into a
# throwaway PostgreSQL cluster (events per second, whole commits of 64 blocks), then each
# read API queried REQUESTS times on each database (p50 / p95 / max latency).
#
# Usage: scripts/indexer-bench.sh [--claims N] [--shipments N] [--requests N] [--history DIR]
#   defaults: 100 000 claims and 50 000 shipments (100 000 custody entries), 200
#   requests per API: about 30 minutes on 2 cores (15 to 18 of them playing the history);
#   smaller runs say their sizes. --history DIR keeps the history played in DIR and
#   reuses it when DIR holds one of the same sizes (a rerun after an indexer change).
# Not part of scripts/test.sh (which kills a 10 000-event backfill instead).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

claims=100000
shipments=50000
requests=200
history_dir=""
while (($#)); do
    case "$1" in
        --claims) claims="$2"; shift 2 ;;
        --shipments) shipments="$2"; shift 2 ;;
        --requests) requests="$2"; shift 2 ;;
        --history) history_dir="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $1 (see scripts/indexer-bench.sh --help)" ;;
    esac
done

work=$(mktemp -d /tmp/indexer-bench.XXXXXX)
pids=""
cleanup() {
    kill $pids 2>/dev/null || true
    pg_throwaway_stop
    rm -rf "$work"
}
trap cleanup EXIT

step "build the scenario and the indexer"
cargo build --quiet -p e2e-tests --bin scenario
cargo build --quiet -p indexer
step_done

step "the history: $claims claims, $shipments shipments (sandbox, real transactions)"
history="$work"
if [ -n "$history_dir" ]; then
    mkdir -p "$history_dir"
    history="$(cd "$history_dir" && pwd)"
fi
if [ -s "$history/history.jsonl" ] && [ "$(cat "$history/history.sizes" 2>/dev/null)" = "$claims $shipments" ]; then
    echo "    reused: $history/history.jsonl"
else
    started=$(date +%s)
    "$CARGO_TARGET_DIR/debug/scenario" --sandbox --bulk "$claims" --bulk-custody "$shipments" \
        --replay-out "$history/history.jsonl" | grep -E '^    [0-9]+ (claims in|shipments received)|^    a round|replay file'
    echo "$claims $shipments" >"$history/history.sizes"
    echo "    played in $(( $(date +%s) - started )) s"
fi
events=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["events"]) for l in open(sys.argv[1])))' "$history/history.jsonl")
blocks=$(wc -l <"$history/history.jsonl")
step_done

pg_throwaway_start
rows=()
for db in "sqlite://$work/bench.db" "$PG_URL"; do
    name=SQLite
    [[ "$db" == postgres* ]] && name=PostgreSQL
    step "backfill into $name"
    started=$(python3 -c 'import time; print(time.time())')
    "$CARGO_TARGET_DIR/debug/indexer" backfill --db "$db" --contracts "$history/history.contracts.json" \
        --replay "$history/history.jsonl" --per-commit 64 >/dev/null
    rate=$(python3 -c "import time; print(round($events / (time.time() - $started)))")
    echo "    $events events in $blocks blocks: $rate events/s"
    if [[ "$db" == postgres* ]]; then
        # What autovacuum does after a load, done now: the queries are then measured on a
        # steady database, not beside an autovacuum pass (which took the 2 cores at
        # random in earlier runs) or on tables without statistics.
        "$PG_BIN/psql" "$db" -q -c 'VACUUM ANALYZE'
    fi
    rows+=("| $name | $events | $blocks | $rate |")
    "$CARGO_TARGET_DIR/debug/indexer" dump --db "$db" >"$work/dump"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$CARGO_TARGET_DIR/debug/indexer" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    pids="$pids $!"
    for _ in $(seq 1 50); do curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/v1/status" && break; sleep 0.2; done
    python3 scripts/indexer-bench.py "http://127.0.0.1:$port" "$work/dump" "$name" "$requests" >>"$work/latency"
    step_done
done

echo
echo "## The indexer ($(date -u +%Y-%m-%d), $claims claims and $shipments shipments; debug build)"
echo
echo "| database | events | blocks | backfill, events/s |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| database | API | p50 ms | p95 ms | max ms |"
echo "|---|---|---|---|---|"
grep -v '^<!--' "$work/latency"
