#!/usr/bin/env bash
# Serves the dApp (app/) against a deployment file, on http://127.0.0.1:<port>.
#
# Builds the app first when its build is missing or older than its sources (npm packages
# from app/package-lock.json). The deployment file and the metadata it names are served
# beside the app, as the app expects; the app talks to the node the file names.
#
# Usage: scripts/app.sh [--deployment FILE] [--port N] [--background | --stop]
#   --deployment FILE  default deployments/local.json (scripts/deploy.sh writes it)
#   --port N           default 4173
#   --background       serve in the background (pid in ~/.cache/healthcare-suite/app-<port>.pid)
#   --stop             stop a server started with --background on that port
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

deployment="deployments/local.json"
port=4173
background=0
stop=0
while (($#)); do
    case "$1" in
        --deployment) deployment="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        --background) background=1; shift ;;
        --stop) stop=1; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) fail "unknown argument $1 (see scripts/app.sh --help)" ;;
    esac
done

state="$HOME/.cache/healthcare-suite"
pidfile="$state/app-$port.pid"
serve_dir="$state/app-serve-$port"

if [ "$stop" = 1 ]; then
    if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
        echo "stopped the app server on port $port"
    else
        echo "no app server started by this script runs on port $port"
    fi
    rm -f "$pidfile"
    exit 0
fi

[ -f "$deployment" ] || fail "$deployment not found: deploy first (scripts/deploy.sh or scripts/run-local.sh)"
command -v npm >/dev/null || fail "node and npm are required (scripts/setup.sh)"

# npm packages from the lockfile, once per lockfile.
app_dir="$REPO_ROOT/app"
if ! npm_packages_current app; then
    step "npm ci in app/ (from package-lock.json)"
    npm_ci app
    step_done
fi

# A build older than any source is rebuilt.
if [ ! -f "$app_dir/dist/index.html" ] \
    || [ -n "$(find "$app_dir/src" "$app_dir/index.html" "$app_dir/package-lock.json" "$app_dir/vite.config.ts" \
        -newer "$app_dir/dist/index.html" -print -quit)" ]; then
    step "build the app (tsc, vite)"
    (cd "$app_dir" && npm run --silent build >/dev/null) || fail "the app did not build (cd app && npm run build)"
    step_done
fi

# The served folder: the build, the deployment file's folder as deployments/, and the
# location of the deployment file for the app.
rm -rf "$serve_dir"
mkdir -p "$serve_dir"
for entry in "$app_dir"/dist/*; do ln -s "$entry" "$serve_dir/"; done
ln -s "$(cd "$(dirname "$deployment")" && pwd)" "$serve_dir/deployments"
printf '{"deployment": "deployments/%s"}\n' "$(basename "$deployment")" >"$serve_dir/app-config.json"

url="http://127.0.0.1:$port"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    sleep 0.5
fi
echo "serving the app on $url (deployment: $deployment, node: $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["url"])' "$deployment"))"
if [ "$background" = 1 ]; then
    mkdir -p "$state"
    setsid nohup python3 -m http.server "$port" --bind 127.0.0.1 --directory "$serve_dir" \
        >"$state/app-$port.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 40); do
        curl -s -o /dev/null "$url/" && break
        sleep 0.25
    done
    curl -s -o /dev/null "$url/" || fail "the app server did not answer on $url (log: $state/app-$port.log)"
    echo "    in the background (pid $(cat "$pidfile")); stop it: scripts/app.sh --stop --port $port"
else
    echo "    Ctrl-C stops it"
    exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$serve_dir"
fi
