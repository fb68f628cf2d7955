#!/usr/bin/env python3
"""Deploys the healthcare suite to a pallet-contracts node with cargo-contract.

Run it through scripts/deploy.sh (which sets PATH and CARGO_TARGET_DIR); see
`scripts/deploy.sh --help` and docs/deployment.md.

In dependency order: staff_credentials, consent_registry (credentials), drug_provenance
(credentials), claims_adjudication (credentials, consent). For each: upload the code,
instantiate it with its peers' addresses. Then appoint the initial roles (issuers of
credentials, regulators of drug provenance) and write deployments/<network>.json
atomically, with a copy of each contract's metadata beside it for dApp frontends.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOYMENTS = os.path.join(REPO_ROOT, "deployments")
# Dependency order, and each constructor's peer arguments.
ORDER = [
    ("staff_credentials", []),
    ("consent_registry", ["staff_credentials"]),
    ("drug_provenance", ["staff_credentials"]),
    ("claims_adjudication", ["staff_credentials", "consent_registry"]),
]
# Every credential kind (KindSet bits 0..9): the initial issuers may issue them all.
ALL_KINDS = "KindSet(1023)"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class DeployError(Exception):
    """A failed step: what was being done, and the node's or the tool's answer."""


def say(message):
    print(message, flush=True)


def bundle_dir():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser(
        "~/.cache/healthcare-suite/target"
    )
    return os.path.join(target, "ink")


def bundle(name, ext):
    return os.path.join(bundle_dir(), name, f"{name}.{ext}")


def metadata_hash(name):
    with open(bundle(name, "json"), encoding="utf-8") as f:
        return json.load(f)["source"]["hash"]


def tool_error(output):
    """The readable part of a cargo-contract failure (it prints JSON or `ERROR: ...`)."""
    text = output.strip()
    try:
        parsed = json.loads(text)
        error = parsed.get("generic_error", {}).get("error", text)
        try:
            inner = json.loads(error)
            module = inner.get("module_error", {})
            if module:
                docs = " ".join(module.get("docs", []))
                return f"{module.get('pallet')}::{module.get('error')} ({docs})"
        except (ValueError, AttributeError):
            pass
        return error
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR")]
        return " | ".join(errors or lines[-3:]) or "no output"


def cargo_contract(args, what):
    """Runs `cargo contract ARGS --output-json`; returns the parsed JSON or raises."""
    command = ["cargo", "contract", *args, "--output-json"]
    result = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DeployError(f"{what}: {tool_error(result.stdout + result.stderr)}")
    try:
        return json.loads(result.stdout)
    except ValueError as e:
        raise DeployError(f"{what}: unreadable cargo-contract output ({e})") from e


def rpc(url, method, params=None):
    """One JSON-RPC request over HTTP (the node serves HTTP and WebSocket on one port)."""
    parsed = urllib.parse.urlparse(url)
    scheme = {"ws": "http", "wss": "https"}.get(parsed.scheme, parsed.scheme)
    http_url = urllib.parse.urlunparse(parsed._replace(scheme=scheme))
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
    ).encode()
    request = urllib.request.Request(
        http_url, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise DeployError(f"no node answering at {url} ({e})") from e
    if "error" in answer:
        raise DeployError(f"node at {url}: {method} failed: {answer['error']}")
    return answer["result"]


def is_local(url):
    host = urllib.parse.urlparse(url).hostname or ""
    return host in LOCAL_HOSTS


def network_name(url):
    if is_local(url):
        return "local"
    host = urllib.parse.urlparse(url).hostname or "node"
    return re.sub(r"[^A-Za-z0-9.-]", "-", host)


def on_chain_code_hash(url, address):
    """The code hash running at `address`, or None when no contract lives there."""
    command = ["cargo", "contract", "info", "--contract", address, "--url", url]
    result = subprocess.run(
        command + ["--output-json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = tool_error(result.stdout + result.stderr)
        if "No contract information was found" in message:
            return None
        raise DeployError(f"checking the contract at {address}: {message}")
    return json.loads(result.stdout)["code_hash"]


def check_existing(path, url, genesis):
    """Decides whether the deployment recorded in `path` can be reused.

    Returns (reusable, reason). Raises when the recorded contracts run code other than
    the file says (someone upgraded them: the file must be fixed by hand).
    """
    with open(path, encoding="utf-8") as f:
        recorded = json.load(f)
    if recorded.get("genesis_hash") != genesis:
        return False, "it was made on another chain (other genesis hash)"
    for name, _ in ORDER:
        entry = recorded.get("contracts", {}).get(name)
        if not entry:
            return False, f"it has no {name}"
        running = on_chain_code_hash(url, entry["address"])
        if running is None:
            return False, (
                f"{name} no longer exists at {entry['address']} "
                "(a restarted --dev node starts from an empty chain)"
            )
        if running != entry["code_hash"]:
            raise DeployError(
                f"{name} at {entry['address']} runs code {running}, but {path} records "
                f"{entry['code_hash']}: it was upgraded outside this script. Record the new "
                "code hash in the file, or deploy anew with --fresh."
            )
        built = metadata_hash(name)
        if built != entry["code_hash"]:
            return False, f"{name} was rebuilt with other code ({built})"
    return True, "every contract is at its address with the recorded code hash"


def upload(name, url, suri):
    what = f"uploading the code of {name}"
    try:
        cargo_contract(
            ["upload", "--url", url, "--suri", suri, "-x", "-y", bundle(name, "contract")],
            what,
        )
        say(f"    {name}: code uploaded")
    except DeployError as e:
        if "already been uploaded" not in str(e):
            raise
        say(f"    {name}: code already on chain")


def instantiate(name, args, url, suri, salt):
    what = f"instantiating {name}"
    out = cargo_contract(
        [
            "instantiate",
            "--url",
            url,
            "--suri",
            suri,
            "--constructor",
            "new",
            *(["--args", *args] if args else []),
            "--salt",
            salt,
            "-x",
            "-y",
            bundle(name, "json"),
        ],
        what,
    )
    address = out.get("contract")
    if not address:
        raise DeployError(f"{what}: the node reported no contract address")
    deployer = None
    for event in out.get("events", []):
        if event.get("name") == "Instantiated":
            for field in event.get("fields", []):
                if field.get("name") == "deployer":
                    deployer = field["value"].get("Literal")
    return address, deployer


def call(name, address, message, args, url, suri):
    cargo_contract(
        [
            "call",
            "--url",
            url,
            "--suri",
            suri,
            "--contract",
            address,
            "--message",
            message,
            "--args",
            *args,
            "-x",
            "-y",
            bundle(name, "json"),
        ],
        f"{name}.{message}({', '.join(args)})",
    )


def write_atomically(path, document):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".deploy-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def deploy(options):
    url, suri = options.url, options.suri
    network = options.network or network_name(url)
    path = os.path.join(DEPLOYMENTS, f"{network}.json")

    for name, _ in ORDER:
        for ext in ("contract", "json"):
            if not os.path.isfile(bundle(name, ext)):
                raise DeployError(
                    f"{bundle(name, ext)} is missing: run scripts/build-contracts.sh first"
                )

    say(f"==> deploying the healthcare suite to {url} (deployment file {path})")
    chain = rpc(url, "system_chain")
    genesis = rpc(url, "chain_getBlockHash", [0])
    say(f"    node: chain {chain!r}, genesis {genesis}")

    if os.path.exists(path) and not options.fresh:
        reusable, reason = check_existing(path, url, genesis)
        if reusable:
            say(f"    reusing {os.path.relpath(path, REPO_ROOT)}: {reason}")
            return path
        if not is_local(url):
            raise DeployError(
                f"{os.path.relpath(path, REPO_ROOT)} cannot be reused: {reason}. "
                "Deploy anew with --fresh, or upgrade the live contracts (docs/deployment.md)."
            )
        say(f"    not reusing {os.path.relpath(path, REPO_ROOT)}: {reason}; deploying anew")

    # A fresh salt: instantiating the same code with the same arguments again (--fresh on
    # a live chain) would otherwise collide with the first instance's address.
    salt = "0x" + secrets.token_hex(8)
    contracts = {}
    deployer = None
    for name, peers in ORDER:
        say(f"==> {name}")
        upload(name, url, suri)
        args = [contracts[peer]["address"] for peer in peers]
        address, instantiator = instantiate(name, args, url, suri, salt)
        deployer = deployer or instantiator
        contracts[name] = {
            "address": address,
            "code_hash": metadata_hash(name),
            "constructor_args": dict(zip(peers, args)),
        }
        say(f"    {name}: instantiated at {address}")
        running = on_chain_code_hash(url, address)
        if running != contracts[name]["code_hash"]:
            raise DeployError(
                f"{name} at {address} runs code {running}, expected "
                f"{contracts[name]['code_hash']}"
            )

    issuers = options.issuer if options.issuer is not None else [deployer]
    regulators = options.regulator if options.regulator is not None else [deployer]
    say("==> initial roles")
    for issuer in filter(None, issuers):
        call(
            "staff_credentials",
            contracts["staff_credentials"]["address"],
            "add_issuer",
            [issuer, ALL_KINDS],
            url,
            suri,
        )
        say(f"    staff_credentials: {issuer} appointed issuer of every credential kind")
    for regulator in filter(None, regulators):
        call(
            "drug_provenance",
            contracts["drug_provenance"]["address"],
            "add_regulator",
            [regulator],
            url,
            suri,
        )
        say(f"    drug_provenance: {regulator} appointed regulator")

    # The metadata beside the deployment file, so that a frontend needs nothing else.
    metadata_dir = os.path.join(DEPLOYMENTS, network)
    os.makedirs(metadata_dir, exist_ok=True)
    for name, entry in contracts.items():
        target = os.path.join(metadata_dir, f"{name}.json")
        shutil.copyfile(bundle(name, "json"), target)
        entry["metadata"] = os.path.relpath(target, DEPLOYMENTS)

    document = {
        "network": network,
        "url": url,
        "chain": chain,
        "genesis_hash": genesis,
        "deployed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "deployer": deployer,
        "roles": {"issuers": issuers, "regulators": regulators},
        "contracts": contracts,
    }
    write_atomically(path, document)
    say(f"==> wrote {os.path.relpath(path, REPO_ROOT)}")
    return path


def main():
    parser = argparse.ArgumentParser(
        prog="scripts/deploy.sh",
        description=(
            "Deploy the four healthcare contracts (release bundles of "
            "scripts/build-contracts.sh) in dependency order and write "
            "deployments/<network>.json."
        ),
    )
    parser.add_argument(
        "--url", default="ws://127.0.0.1:9944", help="node WebSocket URL (default %(default)s)"
    )
    parser.add_argument(
        "--suri",
        help="signer's secret URI (default //Alice, accepted only for a local node)",
    )
    parser.add_argument(
        "--network",
        help="name of the deployment file (default: 'local' for a local node, else the host)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="deploy new instances even if the deployment file is still valid",
    )
    parser.add_argument(
        "--issuer",
        action="append",
        metavar="SS58",
        help="account appointed issuer of every credential kind (repeatable; default the signer)",
    )
    parser.add_argument(
        "--regulator",
        action="append",
        metavar="SS58",
        help="account appointed drug-provenance regulator (repeatable; default the signer)",
    )
    options = parser.parse_args()
    if options.suri is None:
        if not is_local(options.url):
            parser.error(
                f"refusing to sign for {options.url} with the well-known //Alice key: "
                "pass --suri explicitly for a non-local node"
            )
        options.suri = "//Alice"
    try:
        deploy(options)
    except DeployError as e:
        print(f"\nERROR: deployment failed: {e}", file=sys.stderr)
        print("       no deployment file was written or changed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
