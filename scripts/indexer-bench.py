#!/usr/bin/env python3
"""Query latency of the indexer's read API (scripts/indexer-bench.sh).

Usage: scripts/indexer-bench.py BASE_URL DUMP_FILE LABEL [REQUESTS]

Sends REQUESTS (default 200) requests to each API, their parameters drawn from the
database's own rows (`indexer dump`): payers, providers, statuses, batches, patients,
times; prints one markdown table row per API with p50, p95 and the largest latency in
milliseconds, measured at the client over HTTP/1.1 on the loopback, one request at a
time.
"""
import json
import random
import sys
import time
import urllib.parse
import urllib.request


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    base, dump, label = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    payers, providers, patients, batches, times = set(), set(), set(), [], []
    claims = custody = 0
    for line in open(dump):
        table, _, row = line.partition(" ")
        row = json.loads(row)
        if table == "claims":
            claims += 1
            payers.add(row[2])
            providers.add(row[3])
        elif table == "batches":
            batches.append((row[2], row[3]))
        elif table == "custody":
            custody += 1
            times.append(row[11])
        elif table in ("audit_events", "consents"):
            patients.add(row[2] if table == "audit_events" else row[1])
    rng = random.Random(7)
    payers, providers, patients = sorted(p for p in payers if p), sorted(providers), sorted(patients)
    times.sort()

    def class_uri(gtin, lot_hex):
        lot = bytes.fromhex(lot_hex[2:])
        return f"https://id.gs1.org/01/{gtin}/10/" + urllib.parse.quote(lot, safe="-._~")

    def iso(ms):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"

    def window():
        start = rng.choice(times)
        return [("GE_eventTime", iso(start)), ("LT_eventTime", iso(start + 3_600_000))]

    apis = {
        "`/v1/claims` by payer and status, 50 a page": lambda: (
            "/v1/claims", [("payer", rng.choice(payers)), ("status", "Paid,Denied")]),
        "`/v1/claims/open` of a provider": lambda: (
            "/v1/claims/open", [("provider", rng.choice(providers))]),
        "`/v1/events`, newest 50": lambda: ("/v1/events", [("limit", "50")]),
        "EPCIS `/events`: a batch's chain (`MATCH_epcClass`)": lambda: (
            "/events", [("MATCH_epcClass", class_uri(*rng.choice(batches))), ("perPage", "100")]),
        "EPCIS `/events`: receipts in an hour (`EQ_bizStep` + time)": lambda: (
            "/events", [("EQ_bizStep", "receiving"), ("perPage", "100")] + window()),
        "FHIR `AuditEvent` of a patient, 50 a page": lambda: (
            "/fhir/AuditEvent", [("patient", rng.choice(patients))]),
        "FHIR `Consent` of a patient, 50 a page": lambda: (
            "/fhir/Consent", [("patient", rng.choice(patients))]),
    }
    for name, make in apis.items():
        latencies = []
        for _ in range(requests):
            path, params = make()
            url = base + path + "?" + urllib.parse.urlencode(params)
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                assert response.status == 200, (url, response.status)
            latencies.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {name} | {percentile(latencies, 50):.1f} | "
              f"{percentile(latencies, 95):.1f} | {max(latencies):.1f} |")
    print(f"<!-- {label}: {claims} claims, {custody} custody entries -->")


if __name__ == "__main__":
    main()
