"""The sandbox receiver, spoken to directly over HTTP: signatures, replay, dedupe, schema.

Headers are built by hand (HMAC over ``id.timestamp.body``) so these tests
check the Standard Webhooks scheme itself, not our client against itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from core import Target
from plugins.portal.channel import PortalChannel

SITE = "xa-tan-lap"


def _sign(secret: str, msg_id: str, ts: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def _envelope(target: Target, item: Any, event: str = "article.published") -> bytes:
    payload = dict(PortalChannel().render(item, target).payload)
    doc = {"type": event, "timestamp": "2025-07-01T02:30:00Z", "data": payload}
    return json.dumps(doc, ensure_ascii=False).encode()


def _post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(url, content=body, headers=headers, timeout=5)


def _headers(secret: str, msg_id: str, body: bytes, ts: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": _sign(secret, msg_id, ts, body),
        "content-type": "application/json",
    }


def test_valid_signature_creates_the_article(sandbox, make_target, make_item, secret):
    target = make_target()
    body = _envelope(target, make_item())
    r = _post(target.settings["webhook_url"], body, _headers(secret, "msg_1", body))
    assert r.status_code == 201, r.text
    assert r.json() == {"id": f"{SITE}-1", "url": f"{sandbox.url}/sites/{SITE}/articles/1"}
    article = httpx.get(f"{sandbox.url}/sites/{SITE}/articles/1").json()
    assert article["title"] == "Thông báo lịch tiêm chủng tháng 7"
    assert article["loa_id"] == "item-0001"


def test_invalid_and_missing_signatures_are_refused(sandbox, make_target, make_item, secret):
    target = make_target()
    url = target.settings["webhook_url"]
    body = _envelope(target, make_item())
    tampered = _headers(secret, "msg_1", body)
    tampered_body = body.replace("tháng 7".encode(), b"thang 8")
    other = "whsec_" + base64.b64encode(b"another-secret-of-32-bytes-long!").decode()
    cases = {
        "tampered body": (tampered_body, tampered),
        "wrong secret": (body, _headers(other, "msg_1", body)),
        "id not the signed one": (body, {**_headers(secret, "msg_1", body), "webhook-id": "m2"}),
        "no signature": (body, {k: v for k, v in tampered.items() if k != "webhook-signature"}),
        "no id": (body, {k: v for k, v in tampered.items() if k != "webhook-id"}),
        "garbage signature": (body, {**tampered, "webhook-signature": "v1,%%%"}),
        "unversioned signature": (body, {**tampered, "webhook-signature": "abc"}),
        "no headers": (body, {}),
    }
    for name, (payload, headers) in cases.items():
        r = _post(url, payload, headers)
        assert r.status_code == 400, name
        assert r.json()["error"] == "invalid_signature", name
    assert httpx.get(f"{sandbox.url}/sites/{SITE}/articles").json() == {"articles": []}
    logged = httpx.get(f"{sandbox.url}/__fake/requests").json()["requests"]
    posts = [e["signature_valid"] for e in logged if e["method"] == "POST"]
    assert posts == [False] * len(cases)


def test_a_second_valid_signature_is_enough_for_key_rotation(
    sandbox, make_target, make_item, secret
):
    target = make_target()
    body = _envelope(target, make_item())
    headers = _headers(secret, "msg_r", body)
    headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"]
    assert _post(target.settings["webhook_url"], body, headers).status_code == 201


def test_replayed_old_or_future_timestamp_is_refused(sandbox, make_target, make_item, secret):
    target = make_target()
    body = _envelope(target, make_item())
    now = int(time.time())
    for ts in (now - 305, now - 3600, now + 305):
        r = _post(target.settings["webhook_url"], body, _headers(secret, f"msg_{ts}", body, ts))
        assert r.status_code == 400, ts - now
        assert r.json()["error"] == "stale_timestamp"
    ok = _post(target.settings["webhook_url"], body, _headers(secret, "m_ok", body, now - 240))
    assert ok.status_code == 201


def test_duplicate_webhook_id_returns_the_original_answer_and_stores_once(
    sandbox, make_target, make_item, secret
):
    target = make_target()
    url = target.settings["webhook_url"]
    body = _envelope(target, make_item())
    first = _post(url, body, _headers(secret, "msg_dup", body))
    # A re-send is signed afresh (new timestamp) but carries the same id.
    time.sleep(1.1)
    again = _post(url, body, _headers(secret, "msg_dup", body))
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert len(httpx.get(f"{sandbox.url}/sites/{SITE}/articles").json()["articles"]) == 1
    stats = httpx.get(f"{sandbox.url}/__fake/stats").json()["sites"][SITE]
    assert stats == {"article.published": 1, "duplicate": 1}


def test_schema_is_strict(sandbox, make_target, make_item, secret):
    target = make_target()
    url = target.settings["webhook_url"]
    good = json.loads(_envelope(target, make_item()))

    def send(doc: dict[str, Any], msg_id: str) -> httpx.Response:
        body = json.dumps(doc).encode()
        return _post(url, body, _headers(secret, msg_id, body))

    missing = {**good, "data": {k: v for k, v in good["data"].items() if k != "title"}}
    unknown = {**good, "data": {**good["data"], "extra": 1}}
    naive_date = {**good, "data": {**good["data"], "published_at": "2025-07-01T09:00:00"}}
    wrong_type = {**good, "data": {**good["data"], "interactions_allowed": "yes"}}
    bad_unit = {**good, "data": {**good["data"], "unit": {"code": 10105, "name": "Xã"}}}
    cases = {
        "unknown event": {**good, "type": "article.deleted"},
        "missing field": missing,
        "unknown field": unknown,
        "naive date": naive_date,
        "wrong type": wrong_type,
        "unit code not a string": bad_unit,
        "no data": {"type": "article.published", "timestamp": good["timestamp"]},
    }
    for n, (name, doc) in enumerate(cases.items()):
        r = send(doc, f"msg_bad_{n}")
        assert r.status_code == 422, name
        assert r.json()["error"] == "invalid_payload", name
        assert r.json()["detail"], name
    # A refused message is not remembered: the same id may come back, fixed.
    assert send(good, "msg_bad_0").status_code == 201


def test_withdrawing_an_unknown_article_is_404(sandbox, make_target, secret):
    target = make_target()
    doc = {"type": "article.withdrawn", "timestamp": "2025-07-01T02:30:00Z"}
    for n, portal_id in enumerate([f"{SITE}-99", "other-site-1", "nonsense"]):
        body = json.dumps({**doc, "data": {"portal_id": portal_id}}).encode()
        r = _post(target.settings["webhook_url"], body, _headers(secret, f"w{n}", body))
        assert r.status_code == 404
        assert r.json()["error"] == "unknown_article"
