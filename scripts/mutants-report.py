#!/usr/bin/env python3
"""Merges the cargo-mutants runs under a directory (scripts/mutants.sh writes one per set
and shard: <dir>/<label>/mutants.out/outcomes.json) into the mutation section of
docs/testing.md, between its "<!-- mutants:begin -->" and "<!-- mutants:end -->" lines:
per file the mutants caught, missed, timed out and unviable, the share of viable ones
caught, and the time taken; then every missed mutant, with the reason it is equivalent
when scripts/mutants-equivalent.tsv gives one (mutant name, a tab, the reason).

A mutant tested by several runs (a shard run again after a fix) counts once, by its
latest run. Usage: scripts/mutants-report.py mutants-out docs/testing.md
"""

import json
import os
import re
import subprocess
import sys
from collections import defaultdict

BEGIN, END = "<!-- mutants:begin -->", "<!-- mutants:end -->"
RULES = ("model.rs", "pricing.rs", "internal.rs", "identifiers.rs")


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def excluded():
    """The patterns of scripts/mutants-exclude.txt (what scripts/mutants.sh never runs; a
    run made before a pattern was added is filtered here)."""
    path = os.path.join(os.path.dirname(__file__), "mutants-exclude.txt")
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f]
    return [re.compile(line) for line in lines if line and not line.startswith("#")]


KINDS = {
    "CaughtMutant": "caught",
    "MissedMutant": "missed",
    "Timeout": "timeout",
    "Unviable": "unviable",
}


def mutant_of(outcome):
    """(file, name) of a mutant outcome, or None for the baseline."""
    scenario = outcome.get("scenario")
    if not isinstance(scenario, dict) or "Mutant" not in scenario:
        return None
    mutant = scenario["Mutant"]
    file = mutant.get("file") or mutant.get("source_file") or "?"
    if isinstance(file, dict):
        file = file.get("tree_relative_path") or file.get("path") or "?"
    name = mutant.get("name")
    if not name:
        span = mutant.get("span", {}).get("start", {})
        name = f"{file}:{span.get('line', '?')}:{span.get('column', '?')}: {mutant.get('replacement', '')}"
    return file, name


def seconds(outcome):
    total = 0.0
    for phase in outcome.get("phase_results", []):
        duration = phase.get("duration", 0)
        if isinstance(duration, dict):
            duration = duration.get("secs", 0) + duration.get("nanos", 0) / 1e9
        total += float(duration)
    return total


EXCLUDED = excluded()


_HASHES = {}


def current_hash(file):
    """git's blob hash of `file` as it is now in the work tree."""
    if file not in _HASHES:
        _HASHES[file] = subprocess.run(
            ["git", "hash-object", file], cwd=REPO_ROOT, capture_output=True, text=True
        ).stdout.strip()
    return _HASHES[file]


def sources(run_dir):
    """file -> blob hash of the code a run mutated (its sources.txt, written by
    scripts/mutants.sh), or None for a run made before it wrote one."""
    path = os.path.join(run_dir, "sources.txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return dict(reversed(line.split(" ", 1)) for line in f.read().splitlines() if line)


def load(root):
    """name -> (mtime, file, kind, seconds) over every run, the latest winning. A run's
    mutants of a file changed since the run are of other code (other lines): left out."""
    found = {}
    for dirpath, _, files in os.walk(root):
        if "outcomes.json" not in files:
            continue
        path = os.path.join(dirpath, "outcomes.json")
        mtime = os.path.getmtime(path)
        mutated = sources(os.path.dirname(dirpath))
        with open(path) as f:
            data = json.load(f)
        for outcome in data.get("outcomes", []):
            key = mutant_of(outcome)
            if key is None:
                continue
            kind = KINDS.get(outcome.get("summary"), "other")
            file, name = key
            if any(pattern.search(name) for pattern in EXCLUDED):
                continue
            # A file since deleted (the per-contract admin.rs before the governor) is
            # history, not a figure of the code.
            if not os.path.exists(os.path.join(REPO_ROOT, file)):
                continue
            if mutated is not None and mutated.get(file) != current_hash(file):
                continue
            if name not in found or found[name][0] <= mtime:
                found[name] = (mtime, file, kind, seconds(outcome))
    return found


def reasons():
    path = os.path.join(os.path.dirname(__file__), "mutants-equivalent.tsv")
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip() and not line.startswith("#") and "\t" in line:
                    name, reason = line.rstrip("\n").split("\t", 1)
                    out[name] = reason
    return out


def minutes(secs):
    return f"{secs / 60:.0f} min" if secs >= 60 else f"{secs:.0f} s"


def previous(section):
    """The rows and missed-mutant lines of the figures already in the page, by file, so
    that a run of some files keeps the others' figures (their latest runs' results)."""
    rows, missed = {}, defaultdict(list)
    for line in section.splitlines():
        row = re.match(r"^\| `([^`]+)` \| [^|]+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|.* \| (\d+) (min|s) \|$", line)
        if row:
            file = row.group(1)
            secs = float(row.group(6)) * (60 if row.group(7) == "min" else 1)
            rows[file] = {
                "caught": float(row.group(2)),
                "missed": float(row.group(3)),
                "timeout": float(row.group(4)),
                "unviable": float(row.group(5)),
                "seconds": secs,
            }
        item = re.match(r"^- `([^`:]+):\d+:\d+: ", line)
        if item:
            missed[item.group(1)].append(line)
    return rows, missed


def render(found, old_rows=None, old_missed=None):
    per_file = defaultdict(lambda: defaultdict(float))
    missed = []
    why = reasons()
    for name, (_, file, kind, secs) in sorted(found.items()):
        per_file[file][kind] += 1
        per_file[file]["seconds"] += secs
        if kind == "missed":
            missed.append((file, name))
            if name in why:
                per_file[file]["equivalent"] += 1
    # Files this merge has no run of keep their figures from the page (if they exist).
    kept_lines = []
    for file, counts in (old_rows or {}).items():
        if file not in per_file and os.path.exists(os.path.join(REPO_ROOT, file)):
            per_file[file].update(counts)
            kept = (old_missed or {}).get(file, [])
            kept_lines += kept
            per_file[file]["equivalent"] = sum(": equivalent, " in line for line in kept)
    lines = [
        "| file | kind | caught | missed | timed out | unviable | caught of viable | the same, equivalents left out | time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = defaultdict(float)
    for file in sorted(per_file):
        c = per_file[file]
        kind = (
            "rules"
            if file.endswith(RULES) or "/traits/" in file or "/internal/" in file
            else "ink! module"
        )
        viable = c["caught"] + c["missed"] + c["timeout"]
        # A timed-out mutant made the tests hang: counted as caught (the run failed).
        share = f"{100 * (c['caught'] + c['timeout']) / viable:.0f} %" if viable else "-"
        real = viable - c["equivalent"]
        share_real = f"{100 * (c['caught'] + c['timeout']) / real:.0f} %" if real else "-"
        lines.append(
            f"| `{file}` | {kind} | {c['caught']:.0f} | {c['missed']:.0f} | {c['timeout']:.0f} "
            f"| {c['unviable']:.0f} | {share} | {share_real} | {minutes(c['seconds'])} |"
        )
        for k in ("caught", "missed", "timeout", "unviable", "seconds", "equivalent"):
            totals[k] += c[k]
    viable = totals["caught"] + totals["missed"] + totals["timeout"]
    if viable:
        lines.append(
            f"| **all** | | {totals['caught']:.0f} | {totals['missed']:.0f} | {totals['timeout']:.0f} "
            f"| {totals['unviable']:.0f} | {100 * (totals['caught'] + totals['timeout']) / viable:.0f} % "
            f"| {100 * (totals['caught'] + totals['timeout']) / (viable - totals['equivalent']):.0f} % "
            f"| {minutes(totals['seconds'])} |"
        )
    lines.append("")
    if missed or kept_lines:
        lines.append(
            f"Missed mutants ({len(missed) + len(kept_lines)}), each with the reason it is equivalent where one is known:"
        )
        lines.append("")
        for file, name in missed:
            reason = why.get(name)
            lines.append(f"- `{name}`" + (f": equivalent, {reason}" if reason else ": **not yet killed**"))
        lines += sorted(kept_lines)
    else:
        lines.append("No missed mutants in the runs merged here.")
    return "\n".join(lines)


def main():
    root, doc = sys.argv[1], sys.argv[2]
    found = load(root)
    if not found:
        sys.exit(f"no cargo-mutants results under {root}/ (run scripts/mutants.sh first)")
    with open(doc) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"{doc} has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    section, tail = rest.split(END, 1)
    old_rows, old_missed = previous(section)
    with open(doc, "w") as f:
        f.write(head + BEGIN + "\n" + render(found, old_rows, old_missed) + "\n" + END + tail)
    print(f"wrote the figures of {len(found)} mutants into {doc}")


if __name__ == "__main__":
    main()
