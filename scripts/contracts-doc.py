#!/usr/bin/env python3
"""Writes docs/contracts.md from the contracts' release metadata (and their `//!` roles
sections and `Error` docs in lib.rs), or checks that it is up to date.

Usage: scripts/contracts-doc.py [--check]

The metadata is read from $CARGO_TARGET_DIR/ink/<name>/<name>.json (scripts/
build-contracts.sh writes it). With --check the script exits 1 when docs/contracts.md
differs from what it would write; scripts/test.sh runs it so the reference cannot drift
from the code.
"""

import json
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO_ROOT, "docs", "contracts.md")
# The suite's contracts in deployment order, from the one list.
with open(os.path.join(REPO_ROOT, "contracts", "suite.json"), encoding="utf-8") as _suite:
    CONTRACTS = [c["name"] for c in json.load(_suite)["contracts"]]


def bundle_dir():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser(
        "~/.cache/healthcare-suite/target"
    )
    return os.path.join(target, "ink")


class Types:
    """Readable Rust-like names for the metadata's type registry."""

    def __init__(self, registry):
        self.types = {entry["id"]: entry["type"] for entry in registry}

    def name(self, type_id):
        t = self.types[type_id]
        definition = t["def"]
        path = t.get("path", [])
        params = [p["type"] for p in t.get("params", []) if p.get("type") is not None]
        if path:
            base = path[-1]
            if base == "AccountId":
                return "AccountId"
            if params:
                return f"{base}<{', '.join(self.name(p) for p in params)}>"
            return base
        if "primitive" in definition:
            return definition["primitive"]
        if "sequence" in definition:
            return f"Vec<{self.name(definition['sequence']['type'])}>"
        if "array" in definition:
            array = definition["array"]
            return f"[{self.name(array['type'])}; {array['len']}]"
        if "tuple" in definition:
            items = definition["tuple"]
            return "()" if not items else f"({', '.join(self.name(i) for i in items)})"
        if "compact" in definition:
            return f"Compact<{self.name(definition['compact']['type'])}>"
        return f"type{type_id}"

    def message_return(self, type_id):
        """A message's return type without the outer `Result<_, LangError>`."""
        t = self.types[type_id]
        if t.get("path") == ["Result"]:
            ok = t["params"][0]["type"]
            err = t["params"][1]["type"]
            if self.types[err].get("path", [])[-1:] == ["LangError"]:
                return self.name(ok)
        return self.name(type_id)


def docs_text(lines):
    return " ".join(line.strip() for line in lines).strip()


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def roles_section(source):
    """The `## Roles` section of the crate's `//!` docs."""
    lines = [line[3:].removeprefix(" ") for line in source.splitlines() if line.startswith("//!")]
    out, inside = [], False
    for line in lines:
        if line.startswith("## "):
            inside = line.strip() == "## Roles"
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def error_docs(source):
    """Variant name → its `///` doc, from the contract's `pub enum Error`."""
    match = re.search(r"pub enum Error \{(.*?)\n *\}", source, re.S)
    docs, pending = {}, []
    if not match:
        return docs
    for line in match.group(1).splitlines():
        stripped = line.strip()
        if stripped.startswith("///"):
            pending.append(stripped[3:].strip())
        elif re.match(r"^[A-Z][A-Za-z0-9]*,?$", stripped):
            docs[stripped.rstrip(",")] = " ".join(pending)
            pending = []
        elif stripped and not stripped.startswith("#"):
            pending = []
    return docs


def load_metadata(name):
    with open(os.path.join(bundle_dir(), name, f"{name}.json"), encoding="utf-8") as f:
        return json.load(f)


def contract_section(name, metadata):
    with open(os.path.join(REPO_ROOT, "contracts", name, "lib.rs"), encoding="utf-8") as f:
        source = f.read()
    types = Types(metadata["types"])
    spec = metadata["spec"]
    out = [f"## {name}", ""]
    out += [f"Source: [`contracts/{name}/lib.rs`](../contracts/{name}/lib.rs).", ""]
    out += ["### Roles", "", roles_section(source), ""]

    out += ["### Constructors", "", "| constructor | arguments | description |", "|---|---|---|"]
    for c in spec["constructors"]:
        args = ", ".join(f"`{a['label']}: {types.name(a['type']['type'])}`" for a in c["args"])
        out.append(f"| `{c['label']}` | {cell(args) or '—'} | {cell(docs_text(c['docs']))} |")
    out.append("")

    out += [
        "### Messages",
        "",
        "Selectors are what a frontend sends; *writes* marks messages that change state "
        "(signed transactions), the others are free queries (dry runs). A message returning "
        "`Result<_, Error>` reverts every change when it returns `Err`.",
        "",
        "| message | selector | kind | arguments | returns | who may call it, what it does |",
        "|---|---|---|---|---|---|",
    ]
    for m in spec["messages"]:
        args = ", ".join(f"`{a['label']}: {types.name(a['type']['type'])}`" for a in m["args"])
        kind = "writes, payable" if m["payable"] else ("writes" if m["mutates"] else "query")
        returns = types.message_return(m["returnType"]["type"])
        out.append(
            f"| `{m['label']}` | `{m['selector']}` | {kind} | {cell(args) or '—'} | "
            f"`{cell(returns)}` | {cell(docs_text(m['docs']))} |"
        )
    out.append("")

    out += [
        "### Events",
        "",
        "Fields marked *(topic)* are indexed: an indexer can filter on them.",
        "",
        "| event | fields | meaning |",
        "|---|---|---|",
    ]
    for e in spec["events"]:
        fields = ", ".join(
            f"`{a['label']}: {types.name(a['type']['type'])}`" + (" *(topic)*" if a["indexed"] else "")
            for a in e["args"]
        )
        out.append(f"| `{e['label']}` | {cell(fields) or '—'} | {cell(docs_text(e['docs']))} |")
    out.append("")

    error_type = next(
        (
            t["type"]
            for t in metadata["types"]
            if (t["type"].get("path") or [None])[0] == name
            and t["type"]["path"][-1] == "Error"
            and "variant" in t["type"].get("def", {})
        ),
        None,
    )
    out += ["### Errors", "", "| error | index | meaning |", "|---|---|---|"]
    # The error enum lives in lib.rs or in one of the crate's plain-Rust modules.
    crate_dir = os.path.join(REPO_ROOT, "contracts", name)
    sources = [source] + [
        open(os.path.join(crate_dir, f), encoding="utf-8").read()
        for f in sorted(os.listdir(crate_dir))
        if f.endswith(".rs") and f not in ("lib.rs", "tests.rs")
    ]
    documented = {}
    for text in sources:
        documented.update(error_docs(text))
    for variant in (error_type or {}).get("def", {}).get("variant", {}).get("variants", []):
        meaning = documented.get(variant["name"], "")
        out.append(f"| `{variant['name']}` | {variant['index']} | {cell(meaning)} |")
    out.append("")
    return "\n".join(out)


def render():
    metadata = {name: load_metadata(name) for name in CONTRACTS}
    versions = {(m["source"]["language"], m["source"]["compiler"]) for m in metadata.values()}
    (language, compiler), = versions if len(versions) == 1 else [("ink!", "mixed")]
    header = [
        "# Contract reference",
        "",
        "Generated by `scripts/contracts-doc.py` from each contract's release metadata "
        f"({language}, {compiler}) and from the `## Roles` section and `Error` docs of its "
        "`lib.rs`. Do not edit by hand: `scripts/test.sh` fails when this file differs from "
        "the code (`scripts/contracts-doc.py` rewrites it).",
        "",
        "Shared types (`CredentialKind`, `KindSet`, `Purpose`, `PurposeSet`, `DataCategory`, "
        "`DataCategories`) live in [`contracts/traits`](../contracts/traits/src/lib.rs). "
        "Timestamps are milliseconds since the Unix epoch (block time); amounts are in the "
        "chain's smallest unit. The metadata files themselves are the bundles' `.json` "
        "(copied to `deployments/<network>/` by `scripts/deploy.sh`).",
        "",
    ]
    header += ["Contents: " + ", ".join(f"[{n}](#{n})" for n in CONTRACTS), ""]
    return "\n".join(header + [contract_section(name, metadata[name]) for name in CONTRACTS])


def main():
    check = "--check" in sys.argv[1:]
    try:
        text = render()
    except FileNotFoundError as e:
        print(f"ERROR: {e.filename} missing: run scripts/build-contracts.sh", file=sys.stderr)
        sys.exit(1)
    if check:
        try:
            with open(OUTPUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(
                "ERROR: docs/contracts.md is out of date with the contracts' metadata: "
                "run scripts/contracts-doc.py and commit the result",
                file=sys.stderr,
            )
            sys.exit(1)
        print("docs/contracts.md matches the contracts' metadata")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUTPUT, REPO_ROOT)}")


if __name__ == "__main__":
    main()
