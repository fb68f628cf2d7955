#!/usr/bin/env python3
"""Checks the indexer's read API against its database (scripts/test.sh).

Usage: scripts/indexer-api-check.py BASE_URL DUMP_FILE

DUMP_FILE is `indexer dump` of the database the API serves. Every claim of the dump must
come back, once, through the pages of GET /v1/claims (page size 2), with its status,
payer, provider, member and shares; the filters (status, payer, provider, time) must
return exactly the claims of the dump that match; a provider's open items likewise; every
answer states the block it is complete through; a malformed parameter is a 400 naming
it.
"""
import json
import sys
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


def pages(base, path, params):
    """Every item of a paged answer, following `next`; the cursor block of each page."""
    items, after, blocks = [], None, set()
    for _ in range(10_000):
        query = list(params) + [("limit", "2")] + ([("after", after)] if after else [])
        status, headers, body = get(base, path, query)
        assert status == 200, (path, query, status, body)
        blocks.add(body["complete_through_block"])
        assert headers.get("x-complete-through-block") == str(body["complete_through_block"])
        items.extend(body["items"])
        if body["next"] is None:
            return items, blocks
        assert after is None or int(body["next"]) > int(after), (path, after, body["next"])
        after = body["next"]
    raise AssertionError(f"{path}: more than 10 000 pages")


def main():
    base, dump = sys.argv[1].rstrip("/"), sys.argv[2]
    claims = {}
    cursor = None
    for line in open(dump):
        table, _, row = line.partition(" ")
        row = json.loads(row)
        if table == "claims":
            claims[row[0]] = {
                "plan": row[1], "payer": row[2], "provider": row[3], "member": row[4],
                "status": row[6], "payer_amount": row[8], "member_amount": row[9],
                "updated_ms": row[17],
            }
        elif table == "cursor":
            cursor = row[0]
    assert claims, "the database holds no claims"
    checks = 0

    status, _, body = get(base, "/v1/status")
    assert status == 200 and body["complete_through_block"] == cursor, body
    checks += 1

    def same(items, expected_ids, what):
        ids = [item["claim"] for item in items]
        assert ids == sorted(ids) and len(ids) == len(set(ids)), (what, ids)
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
    checks += 5

    for path, params, parameter in [
        ("/v1/claims", [("status", "Lost")], "status"),
        ("/v1/claims", [("payer", "nobody")], "payer"),
        ("/v1/claims", [("from", "yesterday")], "from"),
        ("/v1/claims", [("limit", "100000")], "limit"),
        ("/v1/claims", [("colour", "red")], "colour"),
        ("/v1/claims/open", [], "provider"),
    ]:
        status, _, body = get(base, path, params)
        assert status == 400 and body["parameter"] == parameter, (path, params, status, body)
        checks += 1
    print(f"indexer API: {checks} checks passed against {len(claims)} claims "
          f"(complete through block {cursor})")


if __name__ == "__main__":
    main()
