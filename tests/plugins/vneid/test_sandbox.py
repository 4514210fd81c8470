"""The partner-API sandbox is strict: what the ASSUMED contract refuses, it refuses."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from core import RateLimited
from core.outbound import LOOPBACK
from plugins.vneid.client import PartnerClient
from tests.plugins.vneid.conftest import API_KEY

AUTH = {"authorization": f"Bearer {API_KEY}"}


def announcement(media_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Tiêu đề",
        "summary": "",
        "body": "Nội dung",
        "canonical_url": "https://loa.example.vn/tin/a",
        "issuing_unit_code": "14932",
        "topic": "law",
        "justification": "",
        "audience": {
            "age_min": None,
            "age_max": None,
            "genders": [],
            "scope": {"level": "commune", "codes": ["14932"]},
        },
        "visible_from": None,
        "visible_until": "2026-12-31T00:00:00Z",
        "allow_interaction": True,
        "approval": [],
        "cover_media_id": media_id,
    }
    body.update(overrides)
    return body


def cover(sandbox: Any, key: str = "k1") -> str:
    got = httpx.post(
        f"{sandbox.url}/api/v1/media",
        content=b"\xff\xd8jpeg",
        headers={**AUTH, "content-type": "image/jpeg", "idempotency-key": key},
    )
    assert got.status_code == 201
    return str(got.json()["id"])


def post(sandbox: Any, body: Any, key: str = "a1", headers: Any = None) -> httpx.Response:
    return httpx.post(
        f"{sandbox.url}/api/v1/announcements",
        json=body,
        headers={**(AUTH if headers is None else headers), "idempotency-key": key},
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"colour": "red"}, "unknown field"),
        ({"title": ""}, "title"),
        ({"audience": {"age_min": 1}}, "audience"),
        (
            {
                "audience": {
                    "age_min": None,
                    "age_max": None,
                    "genders": [],
                    "scope": {"level": "national", "codes": ["14932"]},
                }
            },
            "codes",
        ),
        ({"topic": "other"}, "justification"),
        ({"visible_until": "2026-12-31T00:00:00"}, "zone"),
        ({"cover_media_id": "m999"}, "cover"),
    ],
)
def test_a_malformed_announcement_is_refused(sandbox, change, words) -> None:
    got = post(sandbox, announcement(cover(sandbox), **change))
    assert got.status_code == 400, got.text
    assert got.json()["error"]["code"] == "invalid_request" and words in got.text


def test_a_missing_field_and_a_wrong_key_are_refused(sandbox) -> None:
    body = announcement(cover(sandbox))
    del body["approval"]
    assert "missing field" in post(sandbox, body).text
    refused = post(sandbox, announcement("m1"), headers={"authorization": "Bearer nope"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"


def test_one_key_one_announcement(sandbox) -> None:
    media = cover(sandbox)
    first, again = post(sandbox, announcement(media)), post(sandbox, announcement(media))
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "pending_review"
    clash = post(sandbox, announcement(media, title="Khác"))
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "idempotency_conflict"


def test_the_rate_limit_comes_back_as_rate_limited_with_the_platform_delay(sandbox) -> None:
    httpx.post(f"{sandbox.url}/__fake/rate", json={"per_minute": 1})
    client = PartnerClient(sandbox.url, API_KEY, timeout=5, allow_networks=LOOPBACK)
    assert asyncio.run(client.find("none")) is None
    with pytest.raises(RateLimited) as limited:
        asyncio.run(client.find("none"))
    assert 0 < limited.value.retry_after <= 60 and API_KEY not in str(limited.value)


def test_the_page_shows_what_it_holds(sandbox) -> None:
    post(sandbox, announcement(cover(sandbox), title="Tin <b>mới</b>"))
    page = httpx.get(f"{sandbox.url}/").text
    assert "Tin &lt;b&gt;mới&lt;/b&gt;" in page and "pending_review" in page
    assert "giả định" in page


def test_the_status_follows_review_and_the_clock(sandbox) -> None:
    body = announcement(cover(sandbox), visible_from="2026-12-01T00:00:00Z")
    made = post(sandbox, body).json()
    url = f"{sandbox.url}/api/v1/announcements/{made['id']}"
    httpx.post(f"{sandbox.url}/__fake/clock", json={"now": "2026-11-30T00:00:00Z"})
    assert httpx.get(url, headers=AUTH).json()["status"] == "pending_review"
    httpx.post(f"{sandbox.url}/__fake/review/{made['id']}", json={"decision": "approve"})
    assert httpx.get(url, headers=AUTH).json()["status"] == "approved"  # not yet visible
    httpx.post(f"{sandbox.url}/__fake/clock", json={"now": "2026-12-15T00:00:00Z"})
    assert httpx.get(url, headers=AUTH).json()["status"] == "published"
    httpx.post(f"{sandbox.url}/__fake/clock", json={"now": "2027-01-01T00:00:00Z"})
    assert httpx.get(url, headers=AUTH).json()["status"] == "expired"
    gone = httpx.post(f"{url}/withdraw", json={"reason": "x"}, headers=AUTH)
    assert gone.json()["status"] == "withdrawn"
    again = httpx.post(f"{url}/withdraw", json={"reason": "x"}, headers=AUTH)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_withdrawn"
