#!/usr/bin/env python3
"""One line of progress for a long `cargo install`, the full output kept in a log file.

Usage: cargo install ... 2>&1 | scripts/progress.py --log FILE --label NAME --total N
                                                       [--minutes M]

Reads cargo's output from stdin and appends every line to FILE. On a terminal it keeps
one line up to date:

    node: 412/853 crates · 31m02s · about 33m left · log: FILE

elsewhere (CI logs) it prints such a line once a minute, also while one long crate
compiles without a word (binaryen's C++ in cargo-contract, the node's runtime). N is the number of crates the
install compiled when it was measured (scripts/common.sh), so the estimate assumes the
remaining crates take as long on average as those done so far; the count can pass N a
little when cargo resolves other versions. M, when given, is how long the whole install
took when measured: the estimate is then never below what is left of M, because a few
crates take most of the time (binaryen's C++ in cargo-contract: 7 of its 20 minutes
come after all but a handful of crates are done). When the output ends without cargo's
"Installed"/"Replaced" line, the last 40 lines of the log are shown, so that a failed
install explains itself.
"""

import argparse
import sys
import threading
import time


def clock(seconds):
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


def remaining(done, total, elapsed, expected):
    """Seconds left: from the crates done so far, and never below what is left of the
    measured duration `expected` (seconds, or None)."""
    by_count = elapsed * (total - done) / done if 0 < done < total else 0
    by_clock = expected - elapsed if expected else 0
    return max(by_count, by_clock)


def status(label, done, total, elapsed, log, expected=None):
    line = f"{label}: {done}/{total} crates · {clock(elapsed)}"
    left = remaining(done, total, elapsed, expected)
    if done > 0 and left >= 1:
        line += f" · about {clock(left)} left"
    elif done > 0:
        line += " · finishing"
    return f"{line} · log: {log}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--total", type=int, required=True)
    parser.add_argument("--minutes", type=float, default=None)
    args = parser.parse_args()

    tty = sys.stdout.isatty()
    started = time.monotonic()
    state = {"done": 0, "crate": "", "last_print": started}
    lock = threading.Lock()
    stop = threading.Event()

    def show(now):
        expected = args.minutes * 60 if args.minutes else None
        text = status(args.label, state["done"], args.total, now - started, args.log, expected)
        if state["crate"]:
            text = text.replace(" · log:", f" · {state['crate']} · log:", 1)
        if tty:
            sys.stdout.write("\r\033[K" + text)
            sys.stdout.flush()
        elif now - state["last_print"] >= 60:
            print("    " + text, flush=True)
            state["last_print"] = now

    def tick():
        while not stop.wait(1 if tty else 5):
            with lock:
                show(time.monotonic())

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    finished = False
    tail = []
    with open(args.log, "a", encoding="utf-8") as log:
        for raw in sys.stdin:
            log.write(raw)
            log.flush()
            line = raw.strip()
            tail = (tail + [raw.rstrip("\n")])[-40:]
            with lock:
                if line.startswith("Compiling "):
                    state["done"] += 1
                    state["crate"] = line.split()[1]
                if line.startswith("Installed package") or line.startswith("Replaced package"):
                    finished = True
                show(time.monotonic())
    stop.set()
    ticker.join()
    done = state["done"]
    elapsed = time.monotonic() - started
    if tty:
        sys.stdout.write("\r\033[K")
    if finished:
        print(f"    {args.label}: {done} crates compiled in {clock(elapsed)} (log: {args.log})")
    else:
        print(f"    {args.label}: cargo stopped after {done} crates; the end of {args.log}:")
        for line in tail:
            print("      " + line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
