#!/usr/bin/env bash
# Runs the suite's indexer (tools/indexer, docs/indexer.md) against a deployment: it
# follows the deployment's node into a database and serves the read API, both in the
# background, and names the API in the deployment file (`indexer.url`) for the dApp.
#
#   --sqlite (default)  the embedded store: ~/.cache/healthcare-suite/indexer/<suite>.db
#   --postgres          PostgreSQL from Debian's packages: a cluster of this user's own
#                       under ~/.cache/healthcare-suite/postgres (as root, run by the postgres
#                       user under /var/lib/healthcare-suite/postgres), created once, started
#                       when stopped, on 127.0.0.1:5439; one database per deployment
#
# One database per deployment (named after its chain and contracts), so a new deployment
# never meets another suite's rows. Safe to run again: a running indexer of this script
# is restarted.
#
# Usage: scripts/indexer.sh [--sqlite | --postgres] [--deployment FILE] [--listen ADDR]
#                           [--allow-origin ORIGIN]...   (default http://127.0.0.1:4173)
#        scripts/indexer.sh --stop        stop the indexer (and the PostgreSQL cluster)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

deployment="deployments/local.json"
store="sqlite"
listen="127.0.0.1:9955"
origins=()
stop=0
while (($#)); do
    case "$1" in
        --sqlite) store="sqlite"; shift ;;
        --postgres) store="postgres"; shift ;;
        --deployment) deployment="$2"; shift 2 ;;
        --listen) listen="$2"; shift 2 ;;
        --allow-origin) origins+=("$2"); shift 2 ;;
        --stop) stop=1; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $1 (see scripts/indexer.sh --help)" ;;
    esac
done

state="$HOME/.cache/healthcare-suite/indexer"
pg_state="$HOME/.cache/healthcare-suite/postgres"
# As root the cluster runs as Debian's postgres user, who cannot enter /root.
[ "$(id -u)" = 0 ] && pg_state="/var/lib/healthcare-suite/postgres"
PG_PORT=5439
mkdir -p "$state"

stop_ours() {
    local name pid
    for name in run serve; do
        if [ -f "$state/$name.pid" ]; then
            pid=$(cat "$state/$name.pid")
            if kill -0 "$pid" 2>/dev/null && grep -q indexer "/proc/$pid/cmdline" 2>/dev/null; then
                kill "$pid" 2>/dev/null || true
                for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
                echo "stopped the indexer's $name (pid $pid)"
            fi
            rm -f "$state/$name.pid"
        fi
    done
}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

pg_as() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$stop" = 1 ]; then
    stop_ours
    if [ -f "$pg_state/data/postmaster.pid" ] && [ -n "$(pg_bin)" ]; then
        pg_as "$(pg_bin)/pg_ctl" -D "$pg_state/data" -w stop -m fast >/dev/null 2>&1 \
            && echo "stopped the indexer's PostgreSQL cluster" || true
    fi
    exit 0
fi

[ -f "$deployment" ] || fail "$deployment not found: deploy first (scripts/deploy.sh or scripts/run-local.sh)"
# One database per deployment: its chain and its contracts' addresses.
suite=$(python3 -c '
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
key = d["genesis_hash"] + "," + ",".join(n + "=" + c["address"] for n, c in sorted(d["contracts"].items()))
print("suite_" + hashlib.sha256(key.encode()).hexdigest()[:12])' "$deployment")

step "build the indexer"
cargo build --quiet -p indexer || fail "the indexer did not build"
step_done

if [ "$store" = postgres ]; then
    step "PostgreSQL for the indexer ($pg_state, 127.0.0.1:$PG_PORT)"
    PG_BIN=$(pg_bin)
    [ -n "$PG_BIN" ] || fail "PostgreSQL is not installed (scripts/setup.sh installs it)"
    if [ ! -f "$pg_state/data/PG_VERSION" ]; then
        mkdir -p "$pg_state"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$pg_state"; fi
        pg_as "$PG_BIN/initdb" -D "$pg_state/data" -A trust -U indexer -E UTF8 >"$pg_state/initdb.log" 2>&1 \
            || fail "initdb failed (log: $pg_state/initdb.log)"
        echo "    created the cluster (trusts local connections on 127.0.0.1 only)"
    fi
    if ! pg_as "$PG_BIN/pg_ctl" -D "$pg_state/data" status >/dev/null 2>&1; then
        pg_as "$PG_BIN/pg_ctl" -D "$pg_state/data" -w -l "$pg_state/server.log" \
            -o "-k $pg_state -p $PG_PORT -c listen_addresses=127.0.0.1" start >/dev/null \
            || fail "PostgreSQL did not start (log: $pg_state/server.log)"
        echo "    started"
    fi
    if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U indexer -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$suite'" | grep -q 1; then
        "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U indexer -d postgres -q -c "CREATE DATABASE $suite" \
            || fail "could not create the database $suite"
    fi
    db="postgres://indexer@127.0.0.1:$PG_PORT/$suite"
    step_done
else
    db="sqlite://$state/$suite.db"
fi

stop_ours
step "the indexer following $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["url"])' "$deployment") into $db"
setsid nohup "$CARGO_TARGET_DIR/debug/indexer" run --deployment "$deployment" --db "$db" \
    >"$state/run.log" 2>&1 </dev/null &
echo $! >"$state/run.pid"
# The API reads what `run` created: wait for its first commit.
for _ in $(seq 1 300); do
    "$CARGO_TARGET_DIR/debug/indexer" status --db "$db" 2>/dev/null | grep -q '"complete_through_block": [0-9]' && break
    kill -0 "$(cat "$state/run.pid")" 2>/dev/null || { tail -n 20 "$state/run.log"; fail "the indexer stopped (log: $state/run.log)"; }
    sleep 0.2
done
"$CARGO_TARGET_DIR/debug/indexer" status --db "$db" >/dev/null 2>&1 \
    || fail "the indexer stored nothing within a minute (log: $state/run.log)"
echo "    pid $(cat "$state/run.pid") (log: $state/run.log)"
step_done

step "the indexer's read API on http://$listen"
# The pages that may read it from a browser: the dApp's (scripts/app.sh's default port)
# unless others are named.
[ "${#origins[@]}" -gt 0 ] || origins=("http://127.0.0.1:4173")
origin_args=()
for origin in "${origins[@]}"; do origin_args+=(--allow-origin "$origin"); done
setsid nohup "$CARGO_TARGET_DIR/debug/indexer" serve --db "$db" --listen "$listen" \
    "${origin_args[@]}" >"$state/serve.log" 2>&1 </dev/null &
echo $! >"$state/serve.pid"
for _ in $(seq 1 50); do
    curl -sf -m 2 -o /dev/null "http://$listen/v1/status" && break
    sleep 0.2
done
curl -sf -m 2 -o /dev/null "http://$listen/v1/status" \
    || fail "the read API did not answer (log: $state/serve.log)"
# The deployment names its indexer, for the dApp.
python3 - "$deployment" "http://$listen" <<'PY'
import json, os, sys
path, url = sys.argv[1], sys.argv[2]
with open(path) as f:
    document = json.load(f)
document["indexer"] = {"url": url}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(document, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
echo "    pid $(cat "$state/serve.pid") (log: $state/serve.log); $deployment names it"
echo "    try: curl http://$listen/v1/status ; curl 'http://$listen/v1/events?limit=5'"
step_done
