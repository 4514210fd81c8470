"""Partner-API mode against the sandbox of the ASSUMED contract: the same item is created
(pending review), reviewed by the platform, read back, its comments moderated (the profane
one hidden through the API) and withdrawn when its window closes; every error class maps to
the delivery outcome it asks for, and a timeout after the platform stored the announcement
is reconciled to exactly one."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import httpx
from sqlalchemy import select

from core.actions import content
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery.models import DeliveryState
from core.delivery.sweeper import sweep
from core.interactions import reading
from core.interactions.models import Comment, CommentState
from core.targets.models import ChannelTarget
from plugins.vneid.client import PartnerClient
from tests.plugins.vneid.conftest import API_KEY, delivery, run_open, vneid_target

SLUR = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"


def fake(sandbox: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    if body is None:
        return httpx.get(f"{sandbox.url}/__fake/{path}", timeout=5).json()
    response = httpx.post(f"{sandbox.url}/__fake/{path}", json=body, timeout=5)
    response.raise_for_status()
    return response.json()


def partner(ctx: Any, sandbox: Any, key: str = API_KEY) -> Any:
    return vneid_target(
        ctx,
        settings={"mode": "partner", "api_url": sandbox.url},
        secrets={"api_key": key},
    )


def status(sandbox: Any, remote_id: str) -> str:
    client = PartnerClient(sandbox.url, API_KEY, timeout=5, allow_networks=_loopback())
    return str(asyncio.run(client.status(remote_id))["status"])


def _loopback() -> Any:
    from core.outbound import LOOPBACK

    return LOOPBACK


def test_created_reviewed_read_back_moderated_and_withdrawn_at_expiry(
    ctx, tree, sandbox, publish_item
) -> None:
    target = partner(ctx, sandbox)
    article = publish_item(until=dt.timedelta(hours=2))
    assert run_open(ctx) == [dispatcher.Outcome.DELIVERED]
    d = delivery(ctx, "publish")
    held = fake(sandbox, "state")["announcements"]
    assert list(held) == [d.remote_id] and d.remote_url.endswith(f"/tin-tuc/{d.remote_id}")
    body = held[d.remote_id]["body"]
    assert body["title"] == article.title and "<" not in body["body"]
    assert body["audience"] == {
        "age_min": 18,
        "age_max": 60,
        "genders": ["female"],
        "scope": {"level": "commune", "codes": ["14932"]},
    }
    assert body["topic"] == "project06" and body["allow_interaction"] is True
    assert [a["step"] for a in body["approval"]]  # the approval record travels with it
    [cover] = fake(sandbox, "state")["media"].values()  # the cover's bytes, streamed by Loa
    assert cover["size"] > 0 and len(cover["sha256"]) == 64
    assert status(sandbox, d.remote_id) == "pending_review"

    fake(sandbox, f"review/{d.remote_id}", {"decision": "approve"})
    assert status(sandbox, d.remote_id) == "published"  # read back: its window is open

    # Citizens' comments: read, judged, the profane one hidden through the API.
    clean = fake(
        sandbox,
        "interactions",
        {
            "announcement_id": d.remote_id,
            "author_ref": "c1",
            "author_name": "Nguyễn Thị Hoa",
            "text": "Cảm ơn công an xã!",
        },
    )
    slur = fake(
        sandbox,
        "interactions",
        {"announcement_id": d.remote_id, "author_ref": "c2", "author_name": "Kẻ Xấu", "text": SLUR},
    )
    report = asyncio.run(reading.read_target(ctx, target.id))
    assert (report.fetched, report.hidden) == (2, 1), report
    on_platform = {i["id"]: i["hidden"] for i in fake(sandbox, "state")["interactions"]}
    assert on_platform == {clean["id"]: False, slur["id"]: True}
    with ctx.sessions() as session:
        rows = {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}
    assert rows[slur["id"]].state == CommentState.HIDDEN and rows[slur["id"]].hidden_on_channel
    assert rows[clean["id"]].article_id == article.id

    # An edit of the live item replaces the announcement, which goes back to review.
    content.update(ctx, SYSTEM, article.id, {"title": "Hướng dẫn kích hoạt VNeID (cập nhật)"})
    content.approve(ctx, SYSTEM, article.id)
    assert run_open(ctx) == [dispatcher.Outcome.DELIVERED]
    assert delivery(ctx, "update").remote_id == d.remote_id
    held = fake(sandbox, "state")["announcements"][d.remote_id]
    assert held["body"]["title"] == "Hướng dẫn kích hoạt VNeID (cập nhật)"
    assert (held["status"], held["versions"]) == ("pending_review", 2)
    fake(sandbox, f"review/{d.remote_id}", {"decision": "approve"})

    # The window closes: Loa withdraws it.
    sweep(ctx, now=utcnow() + dt.timedelta(hours=3))
    assert run_open(ctx) == [dispatcher.Outcome.DELIVERED]
    assert delivery(ctx, "retract").state == DeliveryState.DELIVERED
    assert status(sandbox, d.remote_id) == "withdrawn"


def test_a_timeout_after_the_platform_stored_it_is_reconciled_to_one_announcement(
    ctx, tree, sandbox, publish_item
) -> None:
    partner(ctx, sandbox)
    publish_item()
    fake(
        sandbox,
        "faults",
        {"path": "/api/v1/announcements", "mode": "timeout_after_store", "delay": 2.5},
    )
    assert run_open(ctx) == [dispatcher.Outcome.UNKNOWN]
    assert run_open(ctx) == [dispatcher.Outcome.DELIVERED]  # reconciled, not re-posted
    assert len(fake(sandbox, "state")["announcements"]) == 1
    d = delivery(ctx, "publish")
    assert d.remote_id in fake(sandbox, "state")["announcements"]
    creates = [
        r
        for r in fake(sandbox, "requests")["requests"]
        if r["method"] == "POST" and r["path"] == "/api/v1/announcements"
    ]
    assert len(creates) == 1


def _health(ctx: Any, target_id: int) -> str:
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target_id)
        assert row is not None
        return row.health


def test_each_error_class_maps_to_its_outcome(ctx, tree, sandbox, publish_item, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    target = partner(ctx, sandbox)
    publish_item()
    fake(sandbox, "faults", {"path": "/api/v1/announcements", "status": 503, "code": "internal"})
    assert run_open(ctx) == [dispatcher.Outcome.RETRY]  # transient
    fake(
        sandbox,
        "faults",
        {
            "path": "/api/v1/announcements",
            "status": 429,
            "code": "rate_limited",
            "retry_after": 120,
        },
    )
    assert run_open(ctx) == [dispatcher.Outcome.RETRY]
    d = delivery(ctx, "publish")
    assert d.error_kind == "rate_limited"
    wait = (d.due_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).total_seconds()
    assert 100 < wait <= 125  # the platform's delay, honoured
    fake(sandbox, "revoke", {"key": API_KEY})  # the key revoked mid-run
    assert run_open(ctx) == [dispatcher.Outcome.ATTENTION]
    assert _health(ctx, target.id) == "needs_reauthorisation"
    assert delivery(ctx, "publish").error_kind == "auth"
    assert fake(sandbox, "state")["announcements"] == {}
    # The key never reaches a log line, an error message or the sandbox's request log.
    assert API_KEY not in caplog.text
    assert API_KEY not in str(fake(sandbox, "requests"))
    assert API_KEY not in (delivery(ctx, "publish").error_message or "")


def test_a_refused_announcement_fails_without_retrying(ctx, tree, sandbox, publish_item) -> None:
    partner(ctx, sandbox)
    publish_item()
    fake(
        sandbox,
        "faults",
        {"path": "/api/v1/announcements", "status": 400, "code": "invalid_request"},
    )
    assert run_open(ctx) == [dispatcher.Outcome.FAILED]
    d = delivery(ctx, "publish")
    assert (d.state, d.error_kind) == (DeliveryState.FAILED, "permanent")
    assert "invalid_request" in d.error_message


def test_content_the_platform_rejects_is_refused_not_retried(
    ctx, tree, sandbox, publish_item
) -> None:
    partner(ctx, sandbox)
    publish_item()
    fake(
        sandbox,
        "faults",
        {"path": "/api/v1/announcements", "status": 422, "code": "content_rejected"},
    )
    assert run_open(ctx) == [dispatcher.Outcome.FAILED]
    d = delivery(ctx, "publish")
    assert (d.state, d.error_kind) == (DeliveryState.FAILED, "refused")
    assert "content_rejected: injected fault" in d.error_message
