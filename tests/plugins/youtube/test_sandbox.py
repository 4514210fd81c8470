"""The sandbox is strict: it refuses what YouTube refuses, with YouTube's envelope."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import httpx
import pytest

from plugins.youtube.channel import YouTubeChannel
from plugins.youtube.limits import CHUNK_QUANTUM


@pytest.fixture
def auth(make_target):
    target = make_target()
    token = asyncio.run(YouTubeChannel().refresh(target)).secrets["access_token"]
    return {"authorization": f"Bearer {token}"}


def _start(sandbox, auth, body, part="snippet,status", size=1000):
    return httpx.post(
        f"{sandbox.url}/upload/youtube/v3/videos",
        params={"uploadType": "resumable", "part": part} if part else {"uploadType": "resumable"},
        headers={
            **auth,
            "x-upload-content-length": str(size),
            "x-upload-content-type": "video/mp4",
            "content-type": "application/json",
        },
        content=json.dumps(body),
    )


def _reason(response):
    return response.json()["error"]["errors"][0]["reason"]


@pytest.mark.parametrize(
    ("body", "part", "reason"),
    [
        ({"snippet": {"title": "a"}}, "", "required"),
        ({"snippet": {"title": "a", "colour": "red"}}, "snippet", "badRequest"),
        ({"snippet": {"title": "a"}, "extra": 1}, "snippet", "badRequest"),
        ({"snippet": {"title": ""}}, "snippet", "invalidTitle"),
        ({"snippet": {"title": "x" * 101}}, "snippet", "invalidTitle"),
        ({"snippet": {"title": "a <b>"}}, "snippet", "invalidTitle"),
        ({"snippet": {"title": "a", "description": "ư" * 2_501}}, "snippet", "invalidDescription"),
        ({"snippet": {"title": "a", "tags": ["x" * 250, "y" * 250]}}, "snippet", "invalidTags"),
        ({"snippet": {"title": "a", "categoryId": "99"}}, "snippet", "invalidCategoryId"),
        (
            {
                "snippet": {"title": "a"},
                "status": {"privacyStatus": "public", "publishAt": "2099-01-01T00:00:00Z"},
            },
            "snippet,status",
            "invalidPublishAt",
        ),
        (
            {
                "snippet": {"title": "a"},
                "status": {"privacyStatus": "private", "publishAt": "2001-01-01T00:00:00Z"},
            },
            "snippet,status",
            "invalidPublishAt",
        ),
        (
            {"snippet": {"title": "a"}, "status": {"privacyStatus": "secret"}},
            "snippet,status",
            "invalidVideoMetadata",
        ),
    ],
)
def test_invalid_metadata_is_refused(sandbox, auth, body, part, reason):
    r = _start(sandbox, auth, body, part)
    assert r.status_code == 400 and _reason(r) == reason
    assert r.json()["error"]["code"] == 400 and r.json()["error"]["message"]


def test_no_token_is_401_with_youtubes_envelope(sandbox):
    r = _start(sandbox, {}, {"snippet": {"title": "a"}})
    assert r.status_code == 401 and _reason(r) == "authError"


def test_chunks_must_be_quantum_multiples_and_in_order(sandbox, auth):
    size = 2 * CHUNK_QUANTUM
    r = _start(sandbox, auth, {"snippet": {"title": "a"}}, size=size)
    session = r.headers["location"]
    r = httpx.put(session, content=b"x" * 1000, headers={"content-range": f"bytes 0-999/{size}"})
    assert r.status_code == 400
    r = httpx.put(
        session,
        content=b"x" * CHUNK_QUANTUM,
        headers={"content-range": f"bytes {CHUNK_QUANTUM}-{size - 1}/{size}"},
    )
    assert r.status_code == 400
    r = httpx.put(
        session,
        content=b"x" * CHUNK_QUANTUM,
        headers={"content-range": f"bytes 0-{CHUNK_QUANTUM - 1}/{size}"},
    )
    assert r.status_code == 308 and r.headers["range"] == f"bytes=0-{CHUNK_QUANTUM - 1}"
    r = httpx.put(session, content=b"", headers={"content-range": f"bytes */{size}"})
    assert r.status_code == 308 and r.headers["range"] == f"bytes=0-{CHUNK_QUANTUM - 1}"
    r = httpx.put(
        session,
        content=b"y" * CHUNK_QUANTUM,
        headers={"content-range": f"bytes {CHUNK_QUANTUM}-{size - 1}/{size}"},
    )
    assert r.status_code == 200 and r.json()["kind"] == "youtube#video"


def test_an_expired_session_is_404(sandbox, auth, fake):
    r = _start(sandbox, auth, {"snippet": {"title": "a"}})
    fake("clock", {"now": (dt.datetime.now(dt.UTC) + dt.timedelta(days=8)).isoformat()})
    r = httpx.put(r.headers["location"], content=b"", headers={"content-range": "bytes */1000"})
    assert r.status_code == 404


def test_update_needs_title_and_category(sandbox, auth, make_target, make_item):
    channel, target = YouTubeChannel(), make_target()
    remote = asyncio.run(
        channel.publish(channel.render(make_item(cover=False), target), target, key="k")
    )
    r = httpx.put(
        f"{sandbox.url}/youtube/v3/videos",
        params={"part": "snippet"},
        headers=auth,
        json={"id": remote.remote_id, "snippet": {"title": "b"}},
    )
    assert r.status_code == 400 and _reason(r) == "invalidCategoryId"


def test_the_page_shows_what_it_holds_escaped(sandbox, make_target, make_item):
    channel, target = YouTubeChannel(), make_target()
    item = make_item(title="Tin <script>alert(1)</script>", cover=False)
    asyncio.run(channel.publish(channel.render(item, target), target, key="k"))
    page = httpx.get(f"{sandbox.url}/").text
    assert "Tin ‹script›alert(1)‹/script›" in page and "<script>" not in page


def test_requests_are_logged_without_tokens(sandbox, auth, fake):
    _start(sandbox, auth, {"snippet": {"title": "a"}})
    logged = fake("requests")["requests"]
    assert logged and all(r["headers"].get("authorization") in (None, "[redacted]") for r in logged)
    assert auth["authorization"].split()[1] not in json.dumps(logged)
