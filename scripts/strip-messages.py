#!/usr/bin/env python3
"""Removes the named `#[ink(message)]` functions (with their doc comments and attributes)
from a contract's lib.rs, in place: a measurement aid for scripts/size-by-group.sh, which
runs it on a throwaway copy of the repository only. Fails when a named message is not
found, so that a renamed message cannot silently measure nothing.

Usage: strip-messages.py <lib.rs> <message> [message ...]
"""
import re
import sys


def strip(text: str, names: set[str]) -> tuple[str, set[str]]:
    lines = text.split("\n")
    out: list[str] = []
    removed: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("#[ink(message"):
            j = i
            while "fn " not in lines[j]:
                j += 1
            found = re.search(r"fn ([a-z_0-9]+)", lines[j])
            if found and found.group(1) in names:
                if "{" in lines[j] and "}" in lines[j]:
                    sys.exit(f"message {found.group(1)} is written on one line: not handled")
                indent = len(line) - len(line.lstrip())
                # The message ends at the first closing brace at the attribute's indent.
                k = j
                while not (lines[k].startswith(" " * indent + "}") and len(lines[k]) - len(lines[k].lstrip()) == indent):
                    k += 1
                # Its doc comment and other attributes above it go with it.
                while out and (out[-1].strip().startswith("///") or out[-1].strip().startswith("#[")):
                    out.pop()
                removed.add(found.group(1))
                i = k + 1
                continue
        out.append(line)
        i += 1
    return "\n".join(out), removed


def main() -> None:
    path, names = sys.argv[1], set(sys.argv[2:])
    with open(path, encoding="utf-8") as f:
        text, removed = strip(f.read(), names)
    missing = names - removed
    if missing:
        sys.exit(f"{path}: no message named {', '.join(sorted(missing))}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
