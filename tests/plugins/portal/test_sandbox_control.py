"""The sandbox's own surfaces: HTML page, control plane, request log, comments."""

from __future__ import annotations

import asyncio
import time

import httpx

from plugins.portal.channel import PortalChannel

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "Tin" \'1\''


def _publish(target, item, key="k"):
    channel = PortalChannel()
    return asyncio.run(channel.publish(channel.render(item, target), target, key=key))


def test_html_page_escapes_hostile_titles(sandbox, make_target, make_item):
    _publish(make_target(), make_item(title=HOSTILE, category="<b>Y tế</b>"))
    r = httpx.get(f"{sandbox.url}/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<script>" not in page and "<img" not in page and "<b>Y tế" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Bài viết" in page and "(Articles)" in page
    assert "hợp lệ (valid)" in page and "xa-tan-lap" in page


def test_html_page_escapes_hostile_site_names_and_message_ids(sandbox):
    headers = {"webhook-id": "<i>x</i>", "webhook-timestamp": "1", "webhook-signature": "v1,a"}
    httpx.post(f"{sandbox.url}/sites/ok-site/webhook", content=b"{}", headers=headers)
    page = httpx.get(f"{sandbox.url}/").text
    assert "<i>x</i>" not in page and "&lt;i&gt;x&lt;/i&gt;" in page
    assert "sai (invalid)" in page


def test_request_log_records_everything_but_no_secret(sandbox, make_target, make_item, secret):
    _publish(make_target(), make_item())
    httpx.get(f"{sandbox.url}/sites/xa-tan-lap/articles", headers={"authorization": "Bearer t0k"})
    log = httpx.get(f"{sandbox.url}/__fake/requests").json()["requests"]
    post, get = log
    assert post["method"] == "POST" and post["path"] == "/sites/xa-tan-lap/webhook"
    assert post["signature_valid"] is True and post["status"] == 201
    assert post["headers"]["webhook-id"] == "k"
    assert '"type":"article.published"' in post["body"]
    assert get["signature_valid"] is None and get["headers"]["authorization"] == "[redacted]"
    text = httpx.get(f"{sandbox.url}/__fake/requests").text
    assert secret not in text and secret.removeprefix("whsec_") not in text
    assert "t0k" not in text


def test_reset_clears_everything(sandbox, make_target, make_item):
    _publish(make_target(), make_item())
    httpx.post(f"{sandbox.url}/__fake/faults", json={"status": 500, "count": 3})
    assert httpx.post(f"{sandbox.url}/__fake/reset").json() == {"reset": True}
    assert httpx.get(f"{sandbox.url}/__fake/stats").json() == {"sites": {}}
    assert httpx.get(f"{sandbox.url}/__fake/requests").json() == {"requests": []}
    assert _publish(make_target(), make_item()).remote_id == "xa-tan-lap-1"


def test_fault_count_and_path_filter(sandbox, make_target, make_item):
    r = httpx.post(
        f"{sandbox.url}/__fake/faults",
        json={"path_contains": "/articles", "status": 503, "count": 2},
    )
    assert r.status_code == 200
    url = f"{sandbox.url}/sites/xa-tan-lap/articles"
    assert [httpx.get(url).status_code for _ in range(3)] == [503, 503, 200]
    _publish(make_target(), make_item())  # /webhook did not match the fault


def test_bad_faults_are_refused(sandbox):
    for bad in ({"status": 99}, {"mode": "explode"}, {}, {"status": 500, "colour": "red"}):
        assert httpx.post(f"{sandbox.url}/__fake/faults", json=bad).status_code == 422


def test_latency_is_applied(sandbox):
    assert httpx.post(f"{sandbox.url}/__fake/latency", json={"seconds": 0.3}).status_code == 200
    started = time.monotonic()
    httpx.get(f"{sandbox.url}/sites/a/articles")
    assert time.monotonic() - started >= 0.3
    assert httpx.post(f"{sandbox.url}/__fake/latency", json={"s": 1}).status_code == 422


def test_comments_listed_and_hidden_through_the_channel(sandbox, make_target, make_item):
    target = make_target()
    remote = _publish(target, make_item())
    comment = {"author_id": "u1", "author_name": "Trần Thị Bình", "text": "Cảm ơn xã!"}
    r = httpx.post(f"{remote.url}/comments", json=comment)
    assert r.status_code == 201
    assert httpx.post(f"{remote.url}/comments", json={"text": "x"}).status_code == 422

    channel = PortalChannel()
    comments = asyncio.run(channel.fetch_comments(target))
    assert [(c.remote_id, c.remote_item_id, c.text, c.hidden, c.cursor) for c in comments] == [
        ("1", "xa-tan-lap-1", "Cảm ơn xã!", False, "1")
    ]
    assert comments[0].author_id == "u1" and comments[0].created_at is not None
    assert asyncio.run(channel.fetch_comments(target, since="1")) == []
    asyncio.run(channel.hide_comment(target, comment_id="1"))
    assert asyncio.run(channel.fetch_comments(target))[0].hidden is True
    # Listing is a portal-admin call: it must be signed.
    assert httpx.get(f"{sandbox.url}/sites/xa-tan-lap/comments").status_code == 400


def test_comments_closed_when_interactions_are_not_allowed(sandbox, make_target, make_item):
    from core import Audience

    remote = _publish(make_target(), make_item(audience=Audience(interactions_allowed=False)))
    comment = {"author_id": "u1", "author_name": "A", "text": "?"}
    assert httpx.post(f"{remote.url}/comments", json=comment).status_code == 403
