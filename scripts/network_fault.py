#!/usr/bin/env python3
"""The consortium network's fault test (issue 40; run by scripts/network-test.sh).

On the four-validator network of scripts/network.sh, started fresh: the suite deployed
through its governor (scripts/deploy.sh --network consortium), a demo plan, and a file
of N synthetic claims submitted by the claims tool. While the tool submits, the
hospital's validator is killed (SIGKILL); then the tool itself is interrupted; after
DOWN seconds the hospital is restarted. The tool is run again (it resumes by reference)
and a third time (it must submit nothing). Then a node with a key nobody authorized
dials every validator and must get neither a peer nor a block. Meanwhile a monitor polls
every node twice a second.

Checked: every claim adjudicated exactly once (the third run finds all N on chain and
submits none), blocks produced and finalized by the three left while one was down, the
restarted node caught up, the unauthorized node refused. Measured: claims per second,
time to finality, the restarted node's catch-up time, blocks produced while it was down.
Writes the figures as Markdown to --figures FILE when given.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
NAMES = ["payer", "hospital", "pharmacy", "regulator"]
RPC = {name: 9971 + i for i, name in enumerate(NAMES)}
VICTIM = "hospital"
DEPLOYMENT = os.path.join(ROOT, "deployments", "consortium.json")


class Failed(Exception):
    pass


def rpc(port, method, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}", body.encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=3) as response:
        return json.load(response)["result"]


def heights(name):
    """(best, finalized, peers) of a node, or None when it does not answer."""
    port = RPC[name]
    try:
        best = int(rpc(port, "chain_getHeader")["number"], 16)
        finalized_hash = rpc(port, "chain_getFinalizedHead")
        finalized = int(rpc(port, "chain_getHeader", [finalized_hash])["number"], 16)
        peers = rpc(port, "system_health")["peers"]
        return best, finalized, peers
    except Exception:
        return None


def extrinsics_in(name, number):
    """How many extrinsics block `number` holds, as node `name` sees it."""
    port = RPC[name]
    block_hash = rpc(port, "chain_getBlockHash", [number])
    return len(rpc(port, "chain_getBlock", [block_hash])["block"]["extrinsics"])


class Monitor(threading.Thread):
    """Polls every node twice a second; keeps when each block number was first seen as
    best and as finalized by any node."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []
        self.first_best = {}
        self.first_finalized = {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            now = time.time()
            row = {}
            for name in NAMES:
                h = heights(name)
                row[name] = h
                if h is None:
                    continue
                best, finalized, _ = h
                for n in range(max(self.first_best, default=0) + 1, best + 1):
                    self.first_best.setdefault(n, now)
                for n in range(max(self.first_finalized, default=0) + 1, finalized + 1):
                    self.first_finalized.setdefault(n, now)
            self.samples.append((now, row))
            time.sleep(0.5)

    def latest(self, name):
        for _, row in reversed(self.samples):
            if row.get(name) is not None:
                return row[name]
        return None

    def finality_lags(self, since=0.0, until=float("inf")):
        """Seconds from a block's first sight as best to its first sight as finalized,
        for blocks first seen between `since` and `until` (copies: the thread writes on)."""
        best, finalized = dict(self.first_best), dict(self.first_finalized)
        return [
            finalized[n] - t for n, t in best.items() if since <= t <= until and n in finalized
        ]


def say(message):
    print(f"    {message}", flush=True)


def run(command, log, check=True, timeout=None):
    with open(log, "a") as out:
        result = subprocess.run(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
        )
    if check and result.returncode != 0:
        with open(log) as f:
            tail = "".join(f.readlines()[-25:])
        raise Failed(f"{' '.join(command[:3])} failed (log {log}):\n{tail}")
    return result.returncode


def wait_for(what, predicate, timeout):
    """The first true value of `predicate` (a node slow to answer is asked again)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise Failed(f"timed out after {timeout} s waiting for {what}")


def answer(name):
    """(best, finalized, peers) of a node that must answer (asked again for 30 s)."""
    return wait_for(f"{name} to answer", lambda: heights(name), 30)


SUMMARY = re.compile(
    r"^claims: (\d+) adjudicated \((\d+) submitted now, (\d+) already on chain\), (\d+) skipped"
)
TIME = re.compile(r"^time: ([0-9.]+) s in all, ([0-9.]+) s sending; ([0-9.]+) claims/s")


def summary_of(log):
    """(adjudicated, submitted now, already on chain, skipped, seconds sending, claims/s)
    of the claims tool's last run in `log`."""
    found, timing = None, None
    with open(log) as f:
        for line in f:
            m = SUMMARY.match(line)
            if m:
                found = tuple(int(x) for x in m.groups())
            t = TIME.match(line)
            if t:
                timing = (float(t.group(2)), float(t.group(3)))
    if found is None or timing is None:
        raise Failed(f"no summary in the claims tool's log {log}")
    return found + timing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--down", type=int, default=60, help="seconds the validator stays down")
    parser.add_argument("--figures", help="write the figures as Markdown to this file")
    parser.add_argument("--keep", action="store_true", help="leave the network running")
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="network-fault-")
    log = os.path.join(work, "steps.log")
    monitor = Monitor()
    figures = {}
    tool = None
    try:
        say(f"work directory {work}")
        run(["bash", "scripts/network.sh", "start", "--fresh"], log)
        monitor.start()
        wait_for("the first finalized block", lambda: (heights("payer") or (0, 0, 0))[1] >= 1, 180)
        say("the network produces and finalizes blocks")
        started = time.time()
        run(["bash", "scripts/deploy.sh", "--network", "consortium", "--fresh"], log)
        figures["deploy_s"] = time.time() - started
        say(f"the suite is deployed through its governor ({figures['deploy_s']:.0f} s)")
        out = subprocess.run(
            ["bash", "scripts/claims.sh", "demo-setup", "--deployment", DEPLOYMENT, "--out", work],
            cwd=ROOT, capture_output=True, text=True,
        )
        plan = re.search(r"^PLAN_ID=(\d+)$", out.stdout, re.M)
        if out.returncode != 0 or plan is None:
            raise Failed(f"demo-setup failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        claims_file = os.path.join(work, "fault.837")
        subprocess.run(
            [sys.executable, "tools/claims-tool/samples/generate.py", str(options.claims), claims_file],
            cwd=ROOT, check=True,
        )
        submit = [
            "bash", "scripts/claims.sh", "submit", claims_file, "--deployment", DEPLOYMENT,
            "--directory", os.path.join(work, "DIRECTORY.csv"),
            "--partners", os.path.join(work, "PARTNERS.csv"), "--sender", "TESTSUBMIT",
            "--payer", os.path.join(work, "PAYER.json"), "--plan", plan.group(1),
            "--out", os.path.join(work, "out"),
            "--signer-file", os.path.join(work, "payer.secret"),
        ]
        # Built before the clock starts (scripts/claims.sh builds the tool first).
        run(["bash", "scripts/claims.sh", "--help"], log)

        # Run 1: interrupted. The hospital's validator dies once two blocks carry claims.
        first_log = os.path.join(work, "claims-1.log")
        best_before = answer("payer")[0]
        tool_started = time.time()
        with open(first_log, "w") as out:
            tool = subprocess.Popen(submit, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

        def loaded_blocks():
            best = answer("payer")[0]
            return sum(1 for n in range(best_before + 1, best + 1) if extrinsics_in("payer", n) > 1)

        wait_for(
            "two blocks with the claims tool's batches",
            lambda: loaded_blocks() >= 2 or tool.poll() is not None,
            600,
        )
        if tool.poll() not in (None, 0):
            with open(first_log) as f:
                raise Failed("the claims tool failed:\n" + "".join(f.readlines()[-25:]))
        killed_at = time.time()
        at_kill = {name: answer(name) for name in NAMES}
        run(["bash", "scripts/network.sh", "kill", VICTIM], log)
        say(f"{VICTIM} killed at payer's block #{at_kill['payer'][0]} (finalized #{at_kill['payer'][1]})")
        wait_for("two more blocks with batches", lambda: loaded_blocks() >= 4 or tool.poll() is not None, 600)
        if tool.poll() is None:
            os.killpg(tool.pid, signal.SIGKILL)
            tool.wait()
            say("the claims tool interrupted mid-run (SIGKILL)")
        else:
            say("the claims tool finished before it could be interrupted")
        remaining = options.down - (time.time() - killed_at)
        if remaining > 0:
            time.sleep(remaining)
        at_restart = {name: answer(name) for name in NAMES if name != VICTIM}
        restart_at = time.time()
        figures["down_s"] = restart_at - killed_at
        figures["blocks_down"] = at_restart["payer"][0] - at_kill["payer"][0]
        figures["finalized_down"] = at_restart["payer"][1] - at_kill["payer"][1]
        figures["slots_down"] = int(figures["down_s"] // 6)
        say(
            f"while {VICTIM} was down ({figures['down_s']:.0f} s): {figures['blocks_down']} blocks "
            f"produced, {figures['finalized_down']} finalized"
        )
        if figures["finalized_down"] < 2:
            raise Failed("finality did not continue with three validators")
        run(["bash", "scripts/network.sh", "restart", VICTIM], log)
        target = answer("payer")[0]
        wait_for(
            f"{VICTIM} to catch up with block #{target}",
            lambda: (heights(VICTIM) or (0, 0, 0))[0] >= target,
            300,
        )
        figures["catch_up_s"] = time.time() - restart_at
        figures["catch_up_blocks"] = target - at_kill[VICTIM][0]
        say(f"{VICTIM} caught up {figures['catch_up_blocks']} blocks in {figures['catch_up_s']:.1f} s")

        # Run 2: resumes by reference; run 3: must submit nothing.
        second_log = os.path.join(work, "claims-2.log")
        run(submit, second_log, timeout=3600)
        adjudicated, now_sent, already, skipped, sending, rate = summary_of(second_log)
        tool_done = time.time()
        say(
            f"claims tool, run 2: {adjudicated} adjudicated ({now_sent} submitted now, "
            f"{already} already on chain), {skipped} skipped; {rate:.1f} claims/s sending"
        )
        if adjudicated != options.claims or skipped != 0:
            raise Failed(f"run 2 adjudicated {adjudicated} of {options.claims} claims")
        third_log = os.path.join(work, "claims-3.log")
        run(submit, third_log, timeout=3600)
        adjudicated3, now3, already3, _, _, _ = summary_of(third_log)
        if (adjudicated3, now3, already3) != (options.claims, 0, options.claims):
            raise Failed(
                f"run 3 found {already3} claims on chain and submitted {now3}: not exactly once"
            )
        say(f"run 3: all {options.claims} claims on chain once, none submitted again")
        figures["claims"] = options.claims
        figures["first_run_claims"] = already
        figures["rate_run2"] = rate
        figures["overall_rate"] = options.claims / (tool_done - tool_started)
        monitor.stop.set()
        monitor.join()
        lags = monitor.finality_lags(since=tool_started, until=tool_done)
        lags_down = monitor.finality_lags(since=killed_at, until=restart_at)
        lags_all = monitor.finality_lags()
        if lags_all:
            figures["finality_mean_s"] = sum(lags_all) / len(lags_all)
            figures["finality_max_s"] = max(lags_all)
        if lags_down:
            figures["finality_down_mean_s"] = sum(lags_down) / len(lags_down)
        if lags:
            figures["finality_load_mean_s"] = sum(lags) / len(lags)

        run(["bash", "scripts/network.sh", "intruder", "30"], log)
        say("a node with an unauthorized key got no peer and no block in 30 s")
        print_figures(figures, options)
        return 0
    except (Failed, subprocess.SubprocessError, OSError) as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 1
    finally:
        monitor.stop.set()
        if tool is not None and tool.poll() is None:
            os.killpg(tool.pid, signal.SIGKILL)
            tool.wait()
        if not options.keep:
            subprocess.run(["bash", "scripts/network.sh", "stop"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_figures(f, options):
    def fmt(key, unit="s", digits=1):
        return f"{f[key]:.{digits}f} {unit}" if key in f else "not measured"

    lines = [
        "| figure | value |",
        "|---|---:|",
        f"| claims in the file | {f['claims']} |",
        f"| claims on chain when the tool was interrupted | {f['first_run_claims']} |",
        f"| claims per second, the resumed run sending | {f['rate_run2']:.1f} |",
        f"| claims per second, whole test (both runs, the outage included) | {f['overall_rate']:.1f} |",
        f"| time to finality, mean / max (best block first seen → finalized) | {fmt('finality_mean_s')} / {fmt('finality_max_s')} |",
        f"| time to finality while the claims were sent | {fmt('finality_load_mean_s')} |",
        f"| time to finality while one validator was down | {fmt('finality_down_mean_s')} |",
        f"| validator down for | {f['down_s']:.0f} s ({f['slots_down']} slots of 6 s) |",
        f"| blocks produced / finalized meanwhile by the three left | {f['blocks_down']} / {f['finalized_down']} |",
        f"| restarted validator's catch-up ({f['catch_up_blocks']} blocks behind) | {f['catch_up_s']:.1f} s |",
        f"| suite deployed through the governor | {f['deploy_s']:.0f} s |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if options.figures:
        with open(options.figures, "w") as out:
            out.write(text)


if __name__ == "__main__":
    sys.exit(main())
