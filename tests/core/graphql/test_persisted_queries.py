"""Automatic persisted queries over GET, cached by CDNs and browsers, changed on publish."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.testclient import TestClient

from core.context import Context
from core.graphql.persisted import PREFIX

QUERY = "query Home($unit: String) { articles(unit: $unit, first: 3) { edges { node { title } } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def extensions(digest: str = HASH) -> str:
    return json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})


def get(client: TestClient, digest: str = HASH, **headers: str) -> Any:
    params = {"extensions": extensions(digest), "variables": json.dumps({"unit": "38"})}
    return client.get("/", params=params, headers=headers)


def titles(response: Any) -> list[str]:
    return [e["node"]["title"] for e in response.json()["data"]["articles"]["edges"]]


def test_a_hash_is_unknown_until_sent_with_its_query_then_served_over_get(
    public: TestClient, make_article: Any, ctx: Context
) -> None:
    make_article("Họp dân")
    missing = get(public)
    assert missing.status_code == 200
    assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert missing.headers["cache-control"] == "no-store"
    # The client registers it once (POST, query + hash); it runs and is stored.
    registered = public.post(
        "/",
        json={
            "query": QUERY,
            "variables": {"unit": "38"},
            "extensions": json.loads(extensions()),
        },
    )
    assert titles(registered) == ["Họp dân"]
    assert ctx.redis.get(PREFIX + HASH) == QUERY.encode()  # shared by every web process
    served = get(public)
    assert served.status_code == 200 and titles(served) == ["Họp dân"]
    assert served.headers["cache-control"] == "public, max-age=30"
    assert served.headers["etag"].startswith('"')


def test_etag_answers_304_until_a_publish_changes_the_answer(
    public: TestClient, make_article: Any
) -> None:
    make_article("Tin một")
    public.get("/", params={"query": QUERY, "extensions": extensions()})  # registers over GET
    first = get(public)
    etag = first.headers["etag"]
    again = get(public, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    make_article("Tin hai")  # publishing drops the response cache: a new answer, a new tag
    changed = get(public, **{"If-None-Match": etag})
    assert changed.status_code == 200 and titles(changed) == ["Tin hai", "Tin một"]
    assert changed.headers["etag"] != etag


def test_bad_hashes_and_mismatches_are_refused_and_nothing_is_stored(
    public: TestClient, ctx: Context
) -> None:
    wrong = public.post(
        "/", json={"query": "{ units { code } }", "extensions": json.loads(extensions())}
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert get(public, "zz").status_code == 400
    # A document that fails validation is not stored under its (correct) hash.
    invalid = "{ nothing }"
    digest = hashlib.sha256(invalid.encode()).hexdigest()
    refused = public.post(
        "/", json={"query": invalid, "extensions": json.loads(extensions(digest))}
    )
    assert refused.status_code == 400
    assert ctx.redis.get(PREFIX + digest) is None
    assert get(public, digest).json()["errors"][0]["message"] == "PersistedQueryNotFound"


def test_post_answers_and_errors_are_not_cached_by_intermediaries(public: TestClient) -> None:
    posted = public.post("/", json={"query": "{ units { code } }"})
    assert posted.status_code == 200 and "etag" not in posted.headers
    bad = public.get("/", params={"query": "{ articles(first: 0) { totalCount } }"})
    assert bad.headers["cache-control"] == "no-store" and "etag" not in bad.headers
    plain = public.get("/", params={"query": "{ units { code } }"})
    assert plain.headers["cache-control"] == "public, max-age=30"
