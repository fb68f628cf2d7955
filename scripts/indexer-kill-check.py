#!/usr/bin/env python3
"""Kills the indexer at random points of a backfill and checks that nothing is lost or
stored twice (scripts/test.sh).

Usage: scripts/indexer-kill-check.py INDEXER REPLAY CONTRACTS REFERENCE_URL URL...

An uninterrupted `indexer backfill` of REPLAY into REFERENCE_URL gives the expected
rows (`indexer dump`). Into each URL the same backfill is started again and again with
a random commit size, and killed with SIGKILL after a random time, until a run finishes
on its own; then that database's dump must equal the reference's, row for row. At least
KILLS kills must land while the backfill is under way (the database's cursor short of
the last block), and the cursor must never go back.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

KILLS = 8
# The tables the indexer makes from the events (`projection_tables` in
# tools/indexer/src/store/reproject.rs, whose unit test names the same list).
PROJECTION_TABLES = ["plans", "claims", "batches", "shipments", "custody", "audit_events",
                     "consents", "delegation_terms"]


def run(indexer, *args, check=True):
    return subprocess.run([indexer, *args], capture_output=True, text=True, check=check)


def cursor(indexer, url):
    """The last block stored, or None before the first commit (or the first migration)."""
    done = run(indexer, "status", "--db", url, check=False)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout)["complete_through_block"]


def forget_projections(url):
    """Makes `url` look written by a build before the projections' version was recorded,
    its projection tables empty (as a table a later migration adds starts)."""
    statements = [f"DELETE FROM {table}" for table in PROJECTION_TABLES]
    statements.append("DELETE FROM meta WHERE key = 'projections'")
    if url.startswith("sqlite://"):
        import sqlite3
        connection = sqlite3.connect(url[len("sqlite://"):].split("?")[0])
        connection.executescript(";\n".join(statements) + ";")
        connection.commit()
        connection.close()
    else:
        psql = os.path.join(os.environ.get("PG_BIN", "/usr/bin"), "psql")
        done = subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", url, "-c",
                               "; ".join(statements)], capture_output=True, text=True)
        assert done.returncode == 0, (url, done.stderr)


def backfill_args(url, replay, contracts, per_commit):
    return ["backfill", "--db", url, "--contracts", contracts, "--replay", replay,
            "--per-commit", str(per_commit)]


def main():
    indexer, replay, contracts, reference, urls = (sys.argv[1], sys.argv[2], sys.argv[3],
                                                   sys.argv[4], sys.argv[5:])
    blocks, events = 0, 0
    last = 0
    with open(replay) as f:
        for line in f:
            block = json.loads(line)
            blocks += 1
            events += len(block["events"])
            last = block["number"]
    assert events >= 10_000, f"the replay holds {events} events: the check wants 10 000"
    started = time.monotonic()
    run(indexer, *backfill_args(reference, replay, contracts, 64))
    whole = time.monotonic() - started
    expected = run(indexer, "dump", "--db", reference).stdout.splitlines()
    assert cursor(indexer, reference) == last, "the reference backfill stopped short"
    rng = random.Random(int(time.time()))
    for url in urls:
        kills, under_way, previous, runs = 0, 0, None, 0
        while True:
            runs += 1
            per_commit = rng.choice([1, 2, 5, 16, 64])
            process = subprocess.Popen([indexer, *backfill_args(url, replay, contracts,
                                                                per_commit)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
            if kills < KILLS:
                # Somewhere in what is left to do (a resumed run has less).
                left = 1.0 if previous is None else max(0.05, (last - previous) / last)
                time.sleep(rng.uniform(0.02, max(0.05, whole * left)))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    now = cursor(indexer, url)
                    assert previous is None or (now is not None and now >= previous), \
                        (url, "the cursor went back", previous, now)
                    previous = now
                    if now is None or now < last:
                        under_way += 1
                    # Restarted runs may finish before the next kill; start afresh so that
                    # the kills keep landing mid-way.
                    continue
            _, stderr = process.communicate()
            assert process.returncode == 0, (url, process.returncode, stderr)
            if cursor(indexer, url) == last:
                break
            assert runs < 200, (url, "the backfill does not finish")
        got = run(indexer, "dump", "--db", url).stdout.splitlines()
        if got != expected:
            differ = next(((a, b) for a, b in zip(expected, got) if a != b),
                          (f"{len(expected)} rows", f"{len(got)} rows"))
            raise AssertionError(f"{url}: after the kills the rows differ:\n  expected "
                                 f"{differ[0][:300]}\n  got      {differ[1][:300]}")
        assert under_way >= 5, (url, f"only {under_way} kills landed mid-backfill")
        # A database with older projections is projected again when a writer opens it
        # (here a backfill with nothing left to store): the same rows as ever.
        # A reader refuses such a database meanwhile rather than answer from empty tables.
        forget_projections(url)
        refused = run(indexer, "dump", "--db", url, check=False)
        assert refused.returncode != 0 and "older indexer" in refused.stderr, \
            (url, "a reader answered from older projections", refused.stderr[-300:])
        run(indexer, *backfill_args(url, replay, contracts, 64))
        got = run(indexer, "dump", "--db", url).stdout.splitlines()
        assert got == expected, (url, "re-projection did not restore the rows",
                                 len(got), len(expected))
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"indexer kill check: {database}: {kills} SIGKILLs ({under_way} mid-backfill) "
              f"over {runs} runs of a backfill of {events} events in {blocks} blocks; the rows "
              f"equal an uninterrupted run's ({len(expected)} rows), and again after re-projection")


if __name__ == "__main__":
    main()
