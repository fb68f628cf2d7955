#!/usr/bin/env python3
"""Deploys the healthcare suite to a pallet-contracts node with cargo-contract.

Run it through scripts/deploy.sh (which sets PATH and CARGO_TARGET_DIR); see
`scripts/deploy.sh --help` and docs/deployment.md.

First the governor, with the consortium (members, threshold, delay, guardian) from
--consortium FILE or, on a local node, three development accounts of whom two must
approve, a 10-second delay and //Ferdie as the guardian. Then, in dependency order,
staff_credentials, consent_registry (credentials), drug_provenance (credentials),
remote_monitoring (credentials, consent), claims_adjudication (credentials, consent,
monitoring), clinical_trials (credentials, consent), each governed by that governor: upload
the code, instantiate it with the governor's address, its peers' addresses and its initial
roles (issuers of credentials, regulators of drug provenance and of clinical trials; later
ones are operations of the governor). Then write deployments/<network>.json atomically,
with a copy of each contract's metadata beside it for dApp frontends.

A consortium file (JSON):
    {"members": ["5Grw...", "5FHn...", "5FLS..."], "threshold": 2, "delay": "2d",
     "guardian": "5CiP..."}
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
# Dependency order, and each constructor's peer arguments (after the governor's
# address), from the one list of the suite's contracts.
with open(os.path.join(REPO_ROOT, "contracts", "suite.json"), encoding="utf-8") as _suite:
    ORDER = [(c["name"], c["peers"]) for c in json.load(_suite)["contracts"]]
# Every credential kind (KindSet bits 0..12): the initial issuers may issue them all.
ALL_KINDS = "KindSet(8191)"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# The consortium's network on loopback (scripts/network.sh): the payer's node, and the
# council of its four members (chain/network/consortium.json).
CONSORTIUM_URL = "ws://127.0.0.1:9971"
CONSORTIUM_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain", "network", "consortium.json")
# The governor's delay on a local dev node unless the consortium file or --delay names one
# (a live network needs an explicit one; docs/governance.md recommends 2 to 7 days).
LOCAL_DELAY = "10s"
# The local consortium: three development accounts, two of whom must approve; the
# guardian is no member.
LOCAL_MEMBERS = ["//Alice", "//Bob", "//Charlie"]
LOCAL_THRESHOLD = 2
LOCAL_GUARDIAN = "//Ferdie"
MAX_DELAY_MS = 30 * 24 * 3600 * 1000
# The well-known development accounts (SS58 prefix 42), so that the initial roles can
# default to the signer; any other signer names its roles with --issuer / --regulator.
DEV_ACCOUNTS = {
    "//Alice": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    "//Bob": "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    "//Charlie": "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
    "//Dave": "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
    "//Eve": "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw",
    "//Ferdie": "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
}


def parse_delay(text):
    """'30s', '15m', '48h', '2d' or plain milliseconds -> milliseconds."""
    match = re.fullmatch(r"\s*(\d+)\s*(ms|s|m|h|d)?\s*", text or "")
    if not match:
        raise ValueError(f"not a duration: {text!r} (e.g. 30s, 15m, 48h, 2d)")
    unit = {None: 1, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    value = int(match.group(1)) * unit[match.group(2)]
    if value > MAX_DELAY_MS:
        raise ValueError(f"{text} is longer than the contracts' 30-day maximum")
    return value


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


def module_error(parsed):
    module = parsed.get("module_error") if isinstance(parsed, dict) else None
    if not module:
        return None
    docs = " ".join(module.get("docs", [])[:1])
    return f"{module.get('pallet')}::{module.get('error')} ({docs})"


def tool_error(output):
    """The readable part of a cargo-contract failure (it prints JSON or `ERROR: ...`)."""
    text = output.strip()
    try:
        parsed = json.loads(text)
        if module_error(parsed):
            return module_error(parsed)
        error = parsed.get("generic_error", {}).get("error", text)
        try:
            inner = json.loads(error)
            if module_error(inner):
                return module_error(inner)
        except (ValueError, AttributeError):
            pass
        return error
    except (ValueError, AttributeError):
        lines = [line for line in text.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR")]
        return " | ".join(errors or lines[-3:]) or "no output"


# cargo-contract's environment: no log lines mixed into its JSON, no stack traces.
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "RUST_LOG"}
TOOL_ENV["RUST_BACKTRACE"] = "0"


def run_tool(command):
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, env=TOOL_ENV
    )


def cargo_contract(args, what):
    """Runs `cargo contract ARGS --output-json`; returns the parsed JSON or raises."""
    result = run_tool(["cargo", "contract", *args, "--output-json"])
    if result.returncode != 0:
        # The error is JSON on stdout or on stderr, depending on the command.
        try:
            on_stdout = json.loads(result.stdout)
        except ValueError:
            on_stdout = None
        if isinstance(on_stdout, dict) or not result.stderr.strip():
            raise DeployError(f"{what}: {tool_error(result.stdout)}")
        raise DeployError(f"{what}: {tool_error(result.stderr)}")
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
    parsed = urllib.parse.urlparse(url)
    name = parsed.hostname or "node"
    if parsed.port:
        name = f"{name}-{parsed.port}"
    return re.sub(r"[^A-Za-z0-9.-]", "-", name)


def on_chain_code_hash(url, address):
    """The code hash running at `address`, or None when no contract lives there."""
    result = run_tool(
        ["cargo", "contract", "info", "--contract", address, "--url", url, "--output-json"]
    )
    if result.returncode != 0:
        message = tool_error(result.stdout + "\n" + result.stderr)
        if "No contract information was found" in result.stdout + result.stderr:
            return None
        raise DeployError(f"checking the contract at {address}: {message}")
    try:
        return json.loads(result.stdout)["code_hash"]
    except (ValueError, KeyError) as e:
        raise DeployError(f"checking the contract at {address}: unreadable answer ({e})") from e


SCHEMA = os.path.join(DEPLOYMENTS, "deployment.schema.json")


def schema_problem(document):
    """Why `document` is not a deployment file of this suite (None if it is one): checked
    against deployments/deployment.schema.json, and for every contract of the suite."""
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        raise DeployError("the Python package jsonschema is missing: run scripts/setup.sh") from e
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the top level"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"at {where}: {first.message}{more}"
    missing = [name for name, _ in ORDER if name not in document["contracts"]]
    if missing:
        return f"it names no {', '.join(missing)}"
    return None


def write_deployment(path, document):
    """Writes the deployment file `document` to `path`, after checking it against the schema."""
    problem = schema_problem(document)
    if problem:
        raise DeployError(
            f"refusing to write {os.path.relpath(path, REPO_ROOT)}: it would not match "
            f"deployments/deployment.schema.json ({problem})"
        )
    write_atomically(path, document)


def load_deployment(path):
    """The deployment file at `path`, or a DeployError saying why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            recorded = json.load(f)
    except (OSError, ValueError) as e:
        raise DeployError(
            f"{os.path.relpath(path, REPO_ROOT)} is unreadable ({e}): fix or remove it, or "
            "deploy anew with --fresh"
        ) from e
    if not isinstance(recorded, dict):
        raise DeployError(f"{os.path.relpath(path, REPO_ROOT)} is not a deployment file")
    return recorded


def check_existing(path, recorded, url, genesis):
    """Decides whether the deployment `recorded` (read from `path`) can be reused.

    Returns (reusable, reason). Raises when the recorded contracts run code other than
    the file says (someone upgraded them: the file must be fixed by hand).
    """
    problem = schema_problem(recorded)
    if problem:
        return False, f"it does not match deployments/deployment.schema.json ({problem})"
    if recorded.get("genesis_hash") != genesis:
        return False, "it was made on another chain (other genesis hash)"
    for name, _ in ORDER:
        entry = recorded.get("contracts", {}).get(name)
        if not isinstance(entry, dict) or "address" not in entry or "code_hash" not in entry:
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


def metadata_name(network, name, code_hash):
    """Metadata path relative to deployments/: one file per code hash, so that the old
    deployment file keeps pointing at its own metadata until the new one replaces it."""
    return f"{network}/{name}-{code_hash[2:10]}.json"


def copy_file_atomically(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".deploy-", dir=os.path.dirname(target))
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def copy_metadata_for(document):
    for name, entry in document["contracts"].items():
        copy_file_atomically(bundle(name, "json"), os.path.join(DEPLOYMENTS, entry["metadata"]))


def copy_metadata(path, document, network):
    """Restores the metadata files a reused deployment file names (same code hashes)."""
    missing = [
        entry
        for entry in document["contracts"].values()
        if not os.path.isfile(os.path.join(DEPLOYMENTS, str(entry.get("metadata", ""))))
    ]
    if missing:
        for name, entry in document["contracts"].items():
            entry["metadata"] = metadata_name(network, name, entry["code_hash"])
        copy_metadata_for(document)
        write_deployment(path, document)


def remove_stale_metadata(network, document):
    keep = {os.path.basename(entry["metadata"]) for entry in document["contracts"].values()}
    directory = os.path.join(DEPLOYMENTS, network)
    for file in os.listdir(directory):
        if file.endswith(".json") and file not in keep:
            os.unlink(os.path.join(directory, file))


def write_atomically(path, document):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".deploy-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        # Readable by the web server of a frontend (mkstemp creates it 0600).
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def account_of(text, what):
    """An SS58 address, or a development account's secret URI (//Alice ...)."""
    if text in DEV_ACCOUNTS:
        return DEV_ACCOUNTS[text]
    if not re.fullmatch(r"[1-9A-HJ-NP-Za-km-z]{46,48}", text):
        raise DeployError(f"{what}: {text!r} is neither an SS58 address nor a development account")
    return text


def consortium_of(options):
    """The consortium: from --consortium FILE, else the local default; --delay and
    --guardian override the file's."""
    if options.consortium is not None:
        try:
            with open(options.consortium, encoding="utf-8") as f:
                given = json.load(f)
        except (OSError, ValueError) as e:
            raise DeployError(f"--consortium {options.consortium}: {e}")
        if not isinstance(given, dict):
            raise DeployError(f"--consortium {options.consortium}: not a JSON object")
    elif is_local(options.url):
        given = {"members": LOCAL_MEMBERS, "threshold": LOCAL_THRESHOLD, "guardian": LOCAL_GUARDIAN}
    else:
        raise DeployError(
            f"name the consortium for {options.url} with --consortium FILE (members, "
            "threshold, delay, guardian; docs/governance.md)"
        )
    members = given.get("members")
    if not isinstance(members, list) or not members:
        raise DeployError("the consortium names no members")
    members = [account_of(str(m), "member") for m in members]
    if len(set(members)) != len(members) or len(members) > 16:
        raise DeployError("the consortium's members must be 1 to 16 distinct accounts")
    threshold = given.get("threshold")
    if not isinstance(threshold, int) or not 1 <= threshold <= len(members):
        raise DeployError(f"the threshold must be between 1 and {len(members)}")
    guardian = account_of(str(options.guardian or given.get("guardian") or ""), "guardian")
    if guardian in members:
        raise DeployError("the guardian cannot be a member")
    delay = options.delay or given.get("delay")
    if delay is None:
        if not is_local(options.url):
            raise DeployError(
                f"name the governor's delay for {options.url} (\"delay\" in the consortium "
                "file, or --delay): users need time to react to an upgrade before it lands"
            )
        delay = LOCAL_DELAY
    try:
        delay_ms = parse_delay(str(delay))
    except ValueError as e:
        raise DeployError(f"delay: {e}")
    return {"members": members, "threshold": threshold, "delay_ms": delay_ms, "guardian": guardian}


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
        recorded = load_deployment(path)
        reusable, reason = check_existing(path, recorded, url, genesis)
        if reusable:
            if options.issuer is not None or options.regulator is not None:
                say("    note: --issuer / --regulator are ignored when a deployment is reused")
            if options.consortium is not None:
                say("    note: --consortium is ignored when a deployment is reused")
            copy_metadata(path, recorded, network)
            say(f"    reusing {os.path.relpath(path, REPO_ROOT)}: {reason}")
            return path
        recorded_url = recorded.get("url", "")
        # Only a local deployment is replaced without --fresh: a record of a shared
        # network (e.g. --network given with the URL forgotten) is never overwritten.
        if not (is_local(url) and is_local(str(recorded_url))):
            raise DeployError(
                f"{os.path.relpath(path, REPO_ROOT)} cannot be reused: {reason}. "
                "Deploy anew with --fresh, or upgrade the live contracts (docs/deployment.md)."
            )
        say(f"    not reusing {os.path.relpath(path, REPO_ROOT)}: {reason}; deploying anew")

    # The initial roles are constructor arguments: appointing one later is an operation
    # of the governor, with its delay.
    signer = DEV_ACCOUNTS.get(suri)
    if (options.issuer is None or options.regulator is None) and signer is None:
        raise DeployError(
            "name the initial roles with --issuer and --regulator (they default to the "
            "signer only for the well-known development accounts)"
        )
    issuers = list(dict.fromkeys(options.issuer if options.issuer is not None else [signer]))
    regulators = list(
        dict.fromkeys(options.regulator if options.regulator is not None else [signer])
    )
    consortium = consortium_of(options)
    role_args = {
        "governor": [
            "[" + ", ".join(consortium["members"]) + "]",
            str(consortium["threshold"]),
            str(consortium["delay_ms"]),
            consortium["guardian"],
        ],
        "staff_credentials": [
            "[" + ", ".join(f"({issuer}, {ALL_KINDS})" for issuer in issuers) + "]",
        ],
        "consent_registry": [],
        "drug_provenance": ["[" + ", ".join(regulators) + "]"],
        "remote_monitoring": [],
        "claims_adjudication": [],
        "clinical_trials": ["[" + ", ".join(regulators) + "]"],
    }

    # A fresh salt: instantiating the same code with the same arguments again (--fresh on
    # a live chain) would otherwise collide with the first instance's address.
    salt = "0x" + secrets.token_hex(8)
    # The first block that can hold the deployment: where an indexer starts reading.
    deployed_block = int(rpc(url, "chain_getHeader")["number"], 16) + 1
    contracts = {}
    deployer = None
    for name, peers in ORDER:
        say(f"==> {name}")
        upload(name, url, suri)
        peer_args = [contracts[peer]["address"] for peer in peers]
        governed_by = [] if name == "governor" else [contracts["governor"]["address"]]
        args = governed_by + peer_args + role_args[name]
        address, instantiator = instantiate(name, args, url, suri, salt)
        deployer = deployer or instantiator
        contracts[name] = {
            "address": address,
            "code_hash": metadata_hash(name),
            "constructor_args": dict(zip(peers, peer_args)),
        }
        say(f"    {name}: instantiated at {address}")
        running = on_chain_code_hash(url, address)
        if running != contracts[name]["code_hash"]:
            raise DeployError(
                f"{name} at {address} runs code {running}, expected "
                f"{contracts[name]['code_hash']}"
            )

    if not deployer:
        raise DeployError("the node reported no deployer in the Instantiated event")
    say(
        f"==> the consortium: {consortium['threshold']} of {len(consortium['members'])} "
        f"members approve an operation, a delay of {consortium['delay_ms']} ms"
    )
    for member in consortium["members"]:
        say(f"    member {member}")
    say(f"    guardian {consortium['guardian']} (cancels pending operations, pauses)")
    say("==> initial roles (set at instantiation; later ones are operations of the governor)")
    for issuer in issuers:
        say(f"    staff_credentials: {issuer} issuer of every credential kind")
    for regulator in regulators:
        say(f"    drug_provenance, clinical_trials: {regulator} regulator")

    # The metadata beside the deployment file, so that a frontend needs nothing else.
    for name, entry in contracts.items():
        entry["metadata"] = metadata_name(network, name, entry["code_hash"])

    document = {
        "network": network,
        "url": url,
        "chain": chain,
        "genesis_hash": genesis,
        "deployed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "deployed_block": deployed_block,
        "deployer": deployer,
        "consortium": {
            "members": consortium["members"],
            "threshold": consortium["threshold"],
            "delay_ms": consortium["delay_ms"],
            "guardian": consortium["guardian"],
        },
        "roles": {"issuers": issuers, "regulators": regulators},
        "contracts": contracts,
    }
    copy_metadata_for(document)
    write_deployment(path, document)
    remove_stale_metadata(network, document)
    say(f"==> wrote {os.path.relpath(path, REPO_ROOT)}")
    return path


def main():
    parser = argparse.ArgumentParser(
        prog="scripts/deploy.sh",
        description=(
            "Deploy the consortium's governor and the six healthcare contracts it governs "
            "(release bundles of scripts/build-contracts.sh) in dependency order and write "
            "deployments/<network>.json."
        ),
    )
    parser.add_argument(
        "--url",
        help=(
            "node WebSocket URL (default ws://127.0.0.1:9944; with --network consortium the "
            f"consortium network's payer node, {CONSORTIUM_URL})"
        ),
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
        "--consortium",
        metavar="FILE",
        help=(
            "JSON file naming the governor's members, threshold, delay and guardian "
            "(default on a local node: //Alice, //Bob, //Charlie, 2 of 3, "
            f"{LOCAL_DELAY}, guardian //Ferdie; required for any other)"
        ),
    )
    parser.add_argument(
        "--delay",
        metavar="DURATION",
        help=(
            "the governor's delay for upgrades, peer changes and new roles (e.g. 2d, 48h, "
            "30s; at most 30 days), overriding the consortium file's"
        ),
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
        help=(
            "account appointed regulator of drug_provenance and clinical_trials "
            "(repeatable; default the signer)"
        ),
    )
    parser.add_argument(
        "--guardian",
        metavar="SS58",
        help=(
            "the governor's guardian: cancels pending operations and pauses contracts, never "
            "proposes, approves or executes (overrides the consortium file's)"
        ),
    )
    options = parser.parse_args()
    if options.network is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", options.network):
        parser.error("--network takes letters, digits, '.', '_' and '-' only")
    if options.network == "consortium" and options.url is None:
        # The consortium's own network on loopback (scripts/network.sh): its four members
        # are the governor's council, three of whom must approve.
        options.url = CONSORTIUM_URL
        if options.consortium is None:
            options.consortium = CONSORTIUM_FILE
    if options.url is None:
        options.url = "ws://127.0.0.1:9944"
    if options.suri is None:
        if not is_local(options.url):
            parser.error(
                f"refusing to sign for {options.url} with the well-known //Alice key: "
                "pass --suri explicitly for a non-local node"
            )
        options.suri = "//Alice"
    if options.delay is not None:
        try:
            parse_delay(options.delay)
        except ValueError as e:
            parser.error(f"--delay: {e}")
    try:
        deploy(options)
    except DeployError as e:
        print(f"\nERROR: deployment failed: {e}", file=sys.stderr)
        print("       the deployment file was not changed", file=sys.stderr)
        sys.exit(1)
    except (OSError, ValueError, KeyError) as e:
        print(f"\nERROR: deployment failed: unexpected {type(e).__name__}: {e}", file=sys.stderr)
        print("       the deployment file was not changed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
