#!/usr/bin/env python3
"""Checks the indexer's read API against its database (scripts/test.sh).

Usage: scripts/indexer-api-check.py BASE_URL DUMP_FILE [EPCIS_DIR]
       scripts/indexer-api-check.py --token BASE_URL TOKEN_FILE

DUMP_FILE is `indexer dump` of the database the API serves. Every claim of the dump must
come back, once, through the pages of GET /v1/claims (page size 2), with its status,
payer, provider, member and shares; the filters (status, payer, provider, time) must
return exactly the claims of the dump that match; a provider's open items likewise; every
answer states the block it is complete through; a malformed parameter is a 400 naming
it.

EPCIS (GET /events): every batch's custody events come back through the pages of a query
by its GS1 Digital Link URI, in chain order, one per custody row; the business step,
time, event type and lot-prefix filters return exactly the rows that match. The pages are
written to EPCIS_DIR (when given) for the EPCIS 2.0 schema check.

FHIR R4 (GET /fhir/AuditEvent, /fhir/Consent): every patient's audit rows and consents
come back through the pages of a search by patient (page size 2), with their times,
actions, actors and a consent's status as of the answer's block; the date filters return
exactly the rows that match; each resource reads back by id. The Bundles are written to
EPCIS_DIR too (fhir-*.json) for the FHIR R4 check.
"""
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

OPEN = {"PendingReview", "UnderAppeal", "ApprovedUnfunded", "PaymentFailed"}


def get(base, path, params=()):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def pages(base, path, params, newest=False):
    """Every item of a paged answer, following `next`; the cursor block of each page."""
    items, after, blocks = [], None, set()
    params = list(params) + ([("order", "newest")] if newest else [])
    for _ in range(10_000):
        query = list(params) + [("limit", "2")] + ([("after", after)] if after else [])
        status, headers, body = get(base, path, query)
        assert status == 200, (path, query, status, body)
        blocks.add(body["complete_through_block"])
        assert headers.get("x-complete-through-block") == str(body["complete_through_block"])
        items.extend(body["items"])
        if body["next"] is None:
            return items, blocks
        assert after is None or (int(body["next"]) < int(after)) == newest, (path, after, body["next"])
        after = body["next"]
    raise AssertionError(f"{path}: more than 10 000 pages")


RECEIVING = {"Received", "Rejected"}


def batch_uri(gtin, lot_hex):
    """The GS1 Digital Link URI of a batch, its lot percent-encoded as epcis-export does."""
    lot = bytes.fromhex(lot_hex[2:])
    return f"https://id.gs1.org/01/{gtin}/10/" + urllib.parse.quote(lot, safe="-._~")


def event_pages(base, params, per_page, saved):
    """Every event of a query, following the Link header; the documents are kept."""
    events, query = [], list(params) + [("perPage", str(per_page))]
    url = first_url = base + "/events?" + urllib.parse.urlencode(query)
    for _ in range(10_000):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, headers, body = response.status, response.headers, json.load(response)
        except urllib.error.HTTPError as error:
            raise AssertionError((url, error.code, json.load(error)))
        assert status == 200 and body["type"] == "EPCISQueryDocument", (url, body)
        assert headers.get("gs1-epcis-version") == "2.0.0", dict(headers)
        assert headers.get("content-type") == "application/ld+json", dict(headers)
        through = body["hc:completeThroughBlock"]
        assert headers.get("x-complete-through-block") == str(through), (url, through)
        page = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert len(page) <= per_page, (url, len(page))
        # A next link leads to more events, never to an empty page.
        assert page or not saved or url == first_url, (url, "an empty page after a next link")
        events.extend(page)
        saved.append(body)
        link = headers.get("link")
        if not link:
            return events, through
        match = re.fullmatch(r'<([^>]*)>; rel="next"', link)
        assert match and page and match.group(1).startswith(base + "/events?"), (url, link)
        url = match.group(1)
    raise AssertionError(f"{params}: more than 10 000 pages")


def key_of(event):
    block, idx, sub = event["eventID"].rsplit(":", 3)[1:]
    return (int(block), int(idx), int(sub))


def check_epcis(base, batches, custody, cursor, out_dir):
    """GET /events against the dump's batches and custody rows; returns the checks made."""
    saved, checks = [], 0

    def same(events, rows, what):
        keys = [key_of(e) for e in events]
        assert keys == sorted(keys) and len(keys) == len(set(keys)), (what, keys)
        assert keys == sorted(r["key"] for r in rows), (what, keys, sorted(r["key"] for r in rows))
        for event in events:
            row = by_key[key_of(event)]
            assert event["hc:index"] == row["seq"], (what, event, row)

    by_key = {r["key"]: r for r in custody}
    for batch, b in sorted(batches.items()):
        rows = [r for r in custody if r["batch"] == batch]
        events, through = event_pages(
            base, [("MATCH_epcClass", batch_uri(b["gtin"], b["lot"]))], 2, saved)
        assert through == cursor, (batch, through, cursor)
        same(events, rows, f"batch {batch}")
        assert [e["hc:index"] for e in events] == list(range(b["history_len"])), batch
        assert all(e["eventTime"] == e["recordTime"] for e in events), batch
        checks += 1
    events, _ = event_pages(base, [], 7, saved)
    same(events, custody, "every event")
    events, _ = event_pages(base, [("EQ_bizStep", "receiving")], 3, saved)
    same(events, [r for r in custody if r["kind"] in RECEIVING], "receiving")
    events, _ = event_pages(base, [("EQ_bizStep", "shipping|urn:epcglobal:cbv:bizstep:receiving")],
                            5, saved)
    same(events, [r for r in custody if r["kind"] in RECEIVING | {"Shipped"}], "ship or receive")
    middle = sorted(r["at_ms"] for r in custody)[len(custody) // 2]
    events, _ = event_pages(base, [("GE_eventTime", iso(middle))], 4, saved)
    same(events, [r for r in custody if r["at_ms"] >= middle], "GE_eventTime")
    events, _ = event_pages(base, [("LT_eventTime", iso(middle))], 4, saved)
    same(events, [r for r in custody if r["at_ms"] < middle], "LT_eventTime")
    events, _ = event_pages(base, [("eventType", "AggregationEvent|TransactionEvent")], 4, saved)
    same(events, [], "no aggregation")
    checks += 6
    # Several classes in one query (one of them no batch's); every lot of a GTIN by the
    # lot wildcard.
    two = sorted(batches)[:2]
    uris = "|".join([batch_uri(batches[b]["gtin"], batches[b]["lot"]) for b in two]
                    + [batch_uri(batches[two[0]]["gtin"], "0x" + b"NO SUCH LOT".hex())])
    events, _ = event_pages(base, [("MATCH_epcClass", uris)], 4, saved)
    same(events, [r for r in custody if r["batch"] in two], "two batches")
    gtin = batches[two[0]]["gtin"]
    events, _ = event_pages(base, [("MATCH_epcClass", f"https://id.gs1.org/01/{gtin}/10/*")], 4,
                            saved)
    same(events, [r for r in custody if batches[r["batch"]]["gtin"] == gtin], "every lot")
    # A lot prefix (all but the last byte of a lot): the lots of that GTIN starting so.
    prefix = batches[two[0]]["lot"]
    prefix = prefix[:-2] if len(prefix) > 4 else prefix
    expected = [r for r in custody if batches[r["batch"]]["gtin"] == gtin
                and batches[r["batch"]]["lot"].startswith(prefix)]
    assert any(r["batch"] == two[0] for r in expected), "the prefix's own lot"
    events, _ = event_pages(base, [("MATCH_epcClass", batch_uri(gtin, prefix) + "*")], 4, saved)
    same(events, expected, "a lot prefix")
    first = batches[two[0]]
    item = batch_uri(first["gtin"], first["lot"]) + "/21/SN1"
    events, _ = event_pages(base, [("MATCH_anyEPC", item), ("EQ_action", "ADD")], 4, saved)
    same(events, [r for r in custody if r["batch"] == two[0] and r["kind"] == "Registered"],
         "an item of the lot, commissioned")
    checks += 4

    for params, parameter in [
        ([("eventType", "ObjectEvent|Bogus")], "eventType"),
        ([("EQ_bizStep", "Ship Ping")], "EQ_bizStep"),
        ([("MATCH_epcClass", "x")], "MATCH_epcClass"),
        ([("GE_eventTime", "yesterday")], "GE_eventTime"),
        ([("perPage", "0")], "perPage"),
        ([("perPage", "1001")], "perPage"),
        ([("nextPageToken", "zz")], "nextPageToken"),
        ([("colour", "red")], "colour"),
    ]:
        status, headers, body = get(base, "/events", params)
        assert status == 400 and body["parameter"] == parameter, (params, status, body)
        assert body["type"] == "epcisException:QueryParameterException", body
        assert headers.get("content-type") == "application/problem+json", headers
        checks += 1
    # A token is good for its own query only.
    url = base + "/events?" + urllib.parse.urlencode([("EQ_bizStep", "receiving"), ("perPage", "1")])
    with urllib.request.urlopen(url, timeout=10) as response:
        link = response.headers.get("link")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link[1:link.index(">")]).query)
    status, _, body = get(base, "/events", [("EQ_bizStep", "shipping"),
                                           ("nextPageToken", token["nextPageToken"][0])])
    assert status == 400 and body["parameter"] == "nextPageToken", body
    checks += 1
    if out_dir:
        for i, document in enumerate(saved):
            with open(os.path.join(out_dir, f"events-{i:04d}.json"), "w") as f:
                json.dump(document, f)
    return checks, len(saved)


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def fhir_pages(base, kind, params, saved):
    """Every resource of a FHIR search, following the Bundle's next link."""
    resources = []
    url = first_url = f"{base}/fhir/{kind}?" + urllib.parse.urlencode(
        list(params) + [("_count", "2")])
    for _ in range(10_000):
        with urllib.request.urlopen(url, timeout=10) as response:
            headers, bundle = response.headers, json.load(response)
        assert response.headers.get("content-type") == "application/fhir+json", headers
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset", bundle
        through = bundle["meta"]["extension"][0]["valueUnsignedInt"]
        assert headers.get("x-complete-through-block") == str(through), (url, through)
        entries = bundle.get("entry", [])
        assert len(entries) <= 2, url
        assert entries or url == first_url, (url, "an empty Bundle after a next link")
        for entry in entries:
            assert entry["resource"]["resourceType"] == kind, entry
            assert entry["fullUrl"].endswith(f"/fhir/{kind}/{entry['resource']['id']}"), entry
            assert entry["search"]["mode"] == "match", entry
        resources.extend(entry["resource"] for entry in entries)
        saved.append((kind, bundle))
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert "self" in links, bundle["link"]
        if "next" not in links:
            return resources, through
        assert entries, url
        url = links["next"]
    raise AssertionError(f"{kind} {params}: more than 10 000 pages")


ACTIONS = {"Accessed": "R", "BreakGlassOpened": "C", "BreakGlassAcknowledged": "U",
           "BreakGlassClosed": "U"}


def check_fhir(base, audits, consents, terms, cursor, cursor_ms, out_dir):
    """The FHIR searches against the dump's rows; returns the checks and Bundles made."""
    saved, checks = [], 0
    patients = sorted({a["patient"] for a in audits} | {c["patient"] for c in consents})
    for patient in patients:
        rows = sorted((a for a in audits if a["patient"] == patient), key=lambda a: a["key"])
        events, through = fhir_pages(base, "AuditEvent", [("patient", patient)], saved)
        assert through == cursor, (through, cursor)
        assert [e["id"] for e in events] == [f"audit-{a['key'][0]}-{a['key'][1]}" for a in rows], \
            (patient, [e["id"] for e in events])
        for event, row in zip(events, rows):
            assert event["recorded"] == iso(row["at_ms"]), (event, row)
            assert event["action"] == ACTIONS[row["kind"]], (event, row)
            assert event["agent"][0]["who"]["identifier"]["value"] == row["actor"], (event, row)
            assert event["entity"][0]["what"]["identifier"]["value"] == patient, event
        checks += 1
        if rows:
            middle = rows[len(rows) // 2]["at_ms"]
            later, _ = fhir_pages(base, "AuditEvent",
                                  [("patient", patient), ("date", "ge" + iso(middle))], saved)
            earlier, _ = fhir_pages(base, "AuditEvent",
                                    [("patient", patient), ("date", "lt" + iso(middle))], saved)
            assert [e["id"] for e in earlier + later] == [e["id"] for e in events], patient
            assert all(e["recorded"] >= iso(middle) for e in later), patient
            assert all(e["recorded"] < iso(middle) for e in earlier), patient
            day = iso(rows[0]["at_ms"])[:10]
            that_day, _ = fhir_pages(base, "AuditEvent",
                                     [("patient", patient), ("date", day)], saved)
            assert [e["id"] for e in that_day] == [e["id"] for e in events
                                                   if e["recorded"].startswith(day)], day
            checks += 3
        mine = sorted((c for c in consents if c["patient"] == patient), key=lambda c: c["id"])
        resources, _ = fhir_pages(base, "Consent", [
            ("patient:identifier", f"urn:substrate:ss58|{patient}")], saved)
        assert [r["id"] for r in resources] == [f"consent-{c['id']}" for c in mine], patient
        for resource, row in zip(resources, mine):
            # In force from its start (a denial's from its recording at the earliest, a
            # delegate's from its term's) to the first of its end, revocation, term's end.
            start = row["valid_from_ms"]
            if row["kind"] == "Deny":
                start = max(start, row["recorded_ms"])
            ends = [row["valid_until_ms"], row["revoked_ms"]]
            term = terms.get((patient, row["recorded_by"], row["delegation"]))
            if row["delegation"] is not None and term:
                start = max(start, term[0])
                ends.append(term[1])
            ends = [e for e in ends if e is not None]
            end = max(min(ends), start) if ends else None
            assert resource["provision"]["period"]["start"] == iso(start), (resource, row)
            status = "inactive" if end is not None and end <= cursor_ms else "active"
            assert resource["status"] == status, (resource, row, cursor_ms)
            assert resource["dateTime"] == iso(row["recorded_ms"]), (resource, row)
            assert resource["provision"]["type"] == row["kind"].lower(), (resource, row)
            assert resource["provision"]["period"].get("end") == (iso(end) if end else None), \
                (resource, row)
            assert resource["provision"]["actor"][0]["reference"]["identifier"]["value"] == \
                row["grantee"], (resource, row)
        checks += 1
        # Each resource reads back by id, the same as in the search.
        for kind, found in (("AuditEvent", events[:2]), ("Consent", resources[:2])):
            for resource in found:
                status, headers, body = get(base, f"/fhir/{kind}/{resource['id']}")
                assert status == 200 and body == resource, (kind, resource["id"], status, body)
                checks += 1
    assert patients, "the database holds no patient's history"
    status, _, body = get(base, "/fhir/Consent/consent-999999999")
    assert status == 404 and body["resourceType"] == "OperationOutcome", (status, body)
    patient = patients[0]
    for kind, params, parameter in [
        ("AuditEvent", [], "patient"),
        ("AuditEvent", [("patient", "nobody")], "patient"),
        ("AuditEvent", [("patient", patient), ("date", "yesterday")], "date"),
        ("Consent", [("patient", patient), ("date", "xx2024-01-01")], "date"),
        ("Consent", [("patient", patient)] + [("date", "ge2024")] * 3, "date"),
        ("AuditEvent", [("patient", patient), ("_count", "0")], "_count"),
        ("Consent", [("patient", patient), ("cursor", "zz")], "cursor"),
        ("AuditEvent", [("patient", patient), ("_sort", "date")], "_sort"),
    ]:
        status, headers, body = get(base, f"/fhir/{kind}", params)
        assert status == 400 and body["resourceType"] == "OperationOutcome", (params, status, body)
        assert body["issue"][0]["expression"] == [parameter], (params, body)
        assert headers.get("content-type") == "application/fhir+json", headers
        checks += 1
    # The CapabilityStatement a FHIR client reads first: both resources, read and search.
    status, headers, capability = get(base, "/fhir/metadata", [])
    assert status == 200 and capability["resourceType"] == "CapabilityStatement", capability
    assert capability["fhirVersion"] == "4.0.1", capability
    served = {r["type"]: r for r in capability["rest"][0]["resource"]}
    assert sorted(served) == ["AuditEvent", "Consent"], served
    for resource in served.values():
        assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}, resource
        assert {p["name"] for p in resource["searchParam"]} == {"patient", "date"}, resource
    checks += 1
    if out_dir:
        with open(os.path.join(out_dir, "fhir-metadata.json"), "w") as f:
            json.dump(capability, f)
        for i, (kind, bundle) in enumerate(saved):
            with open(os.path.join(out_dir, f"fhir-{kind}-{i:04d}.json"), "w") as f:
                json.dump(bundle, f)
    return checks, len(saved), len(patients)


def check_token(base, token):
    """A server with a token answers nobody without it, the loopback included, in each
    API's own error form, and answers with it."""
    for path, kind in [("/v1/status", "error"), ("/events", "type"),
                       ("/fhir/AuditEvent?patient=x", "resourceType")]:
        status, headers, body = get(base, path)
        assert status == 401 and kind in body, (path, status, body)
        assert headers.get("www-authenticate", "").startswith("Bearer"), (path, headers)
    request = urllib.request.Request(base + "/v1/status",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    print("indexer API: with a token, refused without it (401 in each API's form) and "
          "answered with it")


def main():
    if sys.argv[1] == "--token":
        check_token(sys.argv[2].rstrip("/"), open(sys.argv[3]).read().strip())
        return
    base, dump = sys.argv[1].rstrip("/"), sys.argv[2]
    out_dir = sys.argv[3] if len(sys.argv) > 3 else None
    claims, batches, custody = {}, {}, []
    audits, consents, terms, events_keys = [], [], {}, []
    topics = {}  # topic → the (block, index) of the events carrying it
    field_topics = set()  # the topics of events' fields (not a signature)
    cursor = cursor_ms = None
    for line in open(dump):
        table, _, row = line.partition(" ")
        row = json.loads(row)
        if table == "events":
            events_keys.append((row[0], row[1], row[3], row[5]))
        elif table == "event_topics":
            topics.setdefault(row[3], set()).add((row[0], row[1]))
            if row[2] > 0:
                field_topics.add(row[3])
        elif table == "audit_events":
            audits.append({"key": (row[0], row[1]), "patient": row[2], "kind": row[3],
                           "actor": row[4], "at_ms": row[11]})
        elif table == "consents":
            consents.append({"id": row[0], "patient": row[1], "grantee": row[2],
                             "kind": row[3], "valid_from_ms": row[6],
                             "valid_until_ms": row[7], "recorded_by": row[8],
                             "delegation": row[9], "recorded_ms": row[11],
                             "revoked_ms": row[13]})
        elif table == "delegation_terms":
            terms[(row[0], row[1], row[2])] = (row[4], row[5])
        elif table == "batches":
            batches[row[0]] = {"gtin": row[2], "lot": row[3], "history_len": row[5]}
        elif table == "custody":
            custody.append({"key": (row[0], row[1], row[2]), "batch": row[3], "seq": row[4],
                            "kind": row[5], "at_ms": row[11]})
        elif table == "claims":
            claims[row[0]] = {
                "plan": row[1], "payer": row[2], "provider": row[3], "member": row[4],
                "status": row[6], "payer_amount": row[8], "member_amount": row[9],
                "updated_ms": row[17],
            }
        elif table == "cursor":
            cursor, cursor_ms = row[0], row[2]
    assert claims, "the database holds no claims"
    checks = 0

    status, _, body = get(base, "/v1/status")
    assert status == 200 and body["complete_through_block"] == cursor, body
    # The counts kept beside the cursor equal the stored rows.
    assert body["events"] == len(events_keys), (body["events"], len(events_keys))
    checks += 1

    def same(items, expected_ids, what, newest=False):
        ids = [item["claim"] for item in items]
        assert ids == sorted(ids, reverse=newest) and len(ids) == len(set(ids)), (what, ids)
        assert set(ids) == set(expected_ids), (what, sorted(ids), sorted(expected_ids))
        for item in items:
            want = claims[item["claim"]]
            for key in ("plan", "payer", "provider", "member", "status", "payer_amount",
                        "member_amount", "updated_ms"):
                assert item[key] == want[key], (what, item["claim"], key, item[key], want[key])

    items, blocks = pages(base, "/v1/claims", [])
    assert blocks == {cursor}, blocks
    same(items, claims, "all claims")
    checks += 1
    for status_name in sorted({c["status"] for c in claims.values()}):
        items, _ = pages(base, "/v1/claims", [("status", status_name)])
        same(items, [i for i, c in claims.items() if c["status"] == status_name], status_name)
        checks += 1
    payer = next(c["payer"] for c in claims.values() if c["payer"])
    provider = next(iter(claims.values()))["provider"]
    items, _ = pages(base, "/v1/claims", [("payer", payer)])
    same(items, [i for i, c in claims.items() if c["payer"] == payer], "payer")
    items, _ = pages(base, "/v1/claims", [("provider", provider), ("status", "Paid,Denied")])
    same(items, [i for i, c in claims.items()
                 if c["provider"] == provider and c["status"] in ("Paid", "Denied")], "provider")
    middle = sorted(c["updated_ms"] for c in claims.values())[len(claims) // 2]
    items, _ = pages(base, "/v1/claims", [("from", str(middle))])
    same(items, [i for i, c in claims.items() if c["updated_ms"] >= middle], "from")
    items, _ = pages(base, "/v1/claims", [("to", str(middle))])
    same(items, [i for i, c in claims.items() if c["updated_ms"] < middle], "to")
    items, _ = pages(base, "/v1/claims/open", [("provider", provider)])
    same(items, [i for i, c in claims.items()
                 if c["provider"] == provider and c["status"] in OPEN], "open items")
    items, _ = pages(base, "/v1/claims", [("provider", provider)], newest=True)
    same(items, [i for i, c in claims.items() if c["provider"] == provider], "newest first",
         newest=True)
    checks += 6

    for path, params, parameter in [
        ("/v1/claims", [("status", "Lost")], "status"),
        ("/v1/claims", [("payer", "nobody")], "payer"),
        ("/v1/claims", [("from", "yesterday")], "from"),
        ("/v1/claims", [("limit", "100000")], "limit"),
        ("/v1/claims", [("colour", "red")], "colour"),
        ("/v1/claims", [("order", "desc")], "order"),
        ("/v1/claims/open", [], "provider"),
    ]:
        status, _, body = get(base, path, params)
        assert status == 400 and body["parameter"] == parameter, (path, params, status, body)
        checks += 1
    # The suite's events newest first, through pages of 7: every event of the dump, once;
    # then the same for a contract, a name, and both (each filter its own statement).
    def events_pages(filters, size):
        seen, before = [], None
        for _ in range(100_000):
            params = filters + [("limit", str(size))] + ([("before", before)] if before else [])
            status, _, body = get(base, "/v1/events", params)
            assert status == 200 and body["complete_through_block"] == cursor, (params, body)
            assert all(item["contract"] == value for key, value in filters
                       if key == "contract" for item in body["items"]), (params, body)
            assert all(item["name"] == value for key, value in filters
                       if key == "name" for item in body["items"]), (params, body)
            seen.extend((item["block"], item["index"]) for item in body["items"])
            if body["next"] is None:
                return seen
            before = body["next"]
        raise AssertionError(("GET /v1/events never ended", filters))

    def stored(contract=None, name=None):
        return sorted(((b, i) for b, i, c, n in events_keys
                       if contract in (None, c) and name in (None, n)), reverse=True)

    seen = events_pages([], 7)
    assert seen == stored(), ("GET /v1/events", seen[:5], stored()[:5])
    for contract, name in [("consent_registry", None), (None, "BatchRegistered"),
                           ("drug_provenance", "Shipped")]:
        filters = ([("contract", contract)] if contract else []) + \
            ([("name", name)] if name else [])
        seen = events_pages(filters, 50)
        assert seen and seen == stored(contract, name), (filters, seen[:5],
                                                         stored(contract, name)[:5])
        checks += 1
    assert len(stored(None, "BatchRegistered")) == len(batches)
    # The events carrying a topic, newest first, each once: the field topic carried by the
    # most events (often a small id's, which several contracts' ids share, so the filter
    # crosses contracts) and the busiest account's (an AccountId topic: 32 bytes, not an
    # id's padded encoding), each alone and with a contract; and a topic nobody carries.
    fields = topics
    assert field_topics, "the database holds no event with a topic field"
    padded = [t for t in field_topics if t.endswith("00" * 16)]
    accounts = [t for t in field_topics if t not in padded]
    contract_of = {(b, i): c for b, i, c, _ in events_keys}
    chosen = [max(field_topics, key=lambda t: len(topics[t]))]
    if accounts:
        chosen.append(max(accounts, key=lambda t: len(topics[t])))
    for busiest, contract in [(t, c) for t in chosen
                              for c in [None, contract_of[max(topics[t])]]]:
        filters = [("topic", busiest)] + ([("contract", contract)] if contract else [])
        seen = events_pages(filters, 3)
        expected = sorted(((b, i) for b, i, c, _ in events_keys
                           if (b, i) in fields[busiest] and contract in (None, c)),
                          reverse=True)
        assert seen and seen == expected, (filters, seen[:5], expected[:5])
        checks += 1
    assert events_pages([("topic", "0x" + "ee" * 32)], 10) == []
    status, _, body = get(base, "/v1/events", [("topic", "0x12")])
    assert status == 400 and body["parameter"] == "topic", body
    checks += 2
    status, _, body = get(base, "/v1/events", [("before", "12")])
    assert status == 400 and body["parameter"] == "before", body
    checks += 3
    assert batches and custody, "the database holds no custody events"
    epcis_checks, documents = check_epcis(base, batches, custody, cursor, out_dir)
    checks += epcis_checks
    fhir_checks, bundles, patients = check_fhir(base, audits, consents, terms, cursor,
                                                cursor_ms, out_dir)
    checks += fhir_checks
    print(f"indexer API: {checks} checks passed against {len(claims)} claims, "
          f"{len(custody)} custody events of {len(batches)} batches ({documents} EPCIS pages) "
          f"and {len(audits)} audit events and {len(consents)} consents of {patients} patients "
          f"({bundles} FHIR Bundles) (complete through block {cursor})")


if __name__ == "__main__":
    main()
