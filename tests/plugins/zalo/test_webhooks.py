"""Citizens' messages to the OA: signed by Zalo, received by core, moderated, answered in time.

Zalo signs ``X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)``;
the sandbox emits exactly that (``/__fake/events``), and core's ``/hooks/zalo/<id>`` takes it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core import InboundRequest, PermanentError, WebhookRefused
from core.actions import targets
from core.app import create_app
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.interactions import replies
from core.interactions.models import Comment, CommentState, Reply, ReplyState
from plugins.zalo.channel import ZaloChannel
from plugins.zalo.webhooks import signature
from tests.core.delivery.conftest import worker  # noqa: F401
from tests.plugins.zalo.conftest import APP_ID, APP_SECRET, OA_SECRET
from tests.support.pipeline import wait_for

PROFANE = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"


@pytest.fixture
def oa(ctx, tree, sandbox, fake) -> Any:
    pair = fake("pair", {"oa_id": "oa-1"})
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Zalo OA xã Cẩm Thủy",
            "plugin": "zalo",
            "unit_code": "14932",
            "settings": {
                "app_id": APP_ID,
                "oa_id": "oa-1",
                "api_base": sandbox.url,
                "oauth_base": sandbox.url,
            },
            "secrets": {
                "app_secret": APP_SECRET,
                "oa_secret_key": OA_SECRET,
                "access_token": pair["access_token"],
            },
        },
    )


@pytest.fixture
def client(ctx) -> Any:
    with TestClient(create_app(ctx.settings, ctx=ctx, embedded_worker=False)) as client:
        yield client


def _deliver(client, fake, oa, text: str, user: str = "zu-1", **extra: Any) -> Any:
    emitted = fake("events", {"user_id": user, "text": text, **extra})
    return emitted, client.post(
        f"/hooks/zalo/{oa.id}", content=emitted["body"].encode(), headers=emitted["headers"]
    )


def _messages(ctx) -> dict[str, Comment]:
    with ctx.sessions() as session:
        return {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}


def test_messages_are_verified_moderated_and_kept_once(ctx, client, fake, oa) -> None:
    kind, ok = _deliver(client, fake, oa, "Xin hỏi lịch tiêm chủng tháng 7?")
    rude, blocked = _deliver(client, fake, oa, PROFANE)
    assert ok.status_code == 200 and blocked.status_code == 200
    again = client.post(
        f"/hooks/zalo/{oa.id}", content=kind["body"].encode(), headers=kind["headers"]
    )  # Zalo retries after 30 s
    assert again.json()["duplicates"] == 1
    found = _messages(ctx)
    assert set(found) == {kind["msg_id"], rude["msg_id"]}
    assert found[kind["msg_id"]].state == CommentState.VISIBLE
    assert found[rude["msg_id"]].state == CommentState.HIDDEN
    assert "zu-1" not in found[kind["msg_id"]].author_pseudonym


def test_a_bad_signature_is_refused_and_nothing_kept(ctx, client, fake, oa, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    emitted = fake("events", {"user_id": "zu-2", "text": "bí mật 4711"})
    headers = {**emitted["headers"], "X-ZEvent-Signature": "mac=" + "0" * 64}
    refused = client.post(f"/hooks/zalo/{oa.id}", content=emitted["body"].encode(), headers=headers)
    assert refused.status_code == 403
    tampered = emitted["body"].replace("4711", "4712").encode()
    assert (
        client.post(
            f"/hooks/zalo/{oa.id}", content=tampered, headers=emitted["headers"]
        ).status_code
        == 403
    )
    assert _messages(ctx) == {}
    assert OA_SECRET not in caplog.text and "4711" not in caplog.text


def test_receive_reads_zalos_shape(make_target, fake) -> None:
    emitted = fake("events", {"user_id": "zu-3", "text": "Chào xã"})
    request = InboundRequest(
        method="POST",
        query={},
        headers={k.lower(): v for k, v in emitted["headers"].items()},
        body=emitted["body"].encode(),
    )
    [event] = ZaloChannel().receive(make_target(), request)
    assert event.remote_id == event.event_id == emitted["msg_id"]
    assert event.author_id == "zu-3" and event.text == "Chào xã"
    other = make_target("oa-2")
    with pytest.raises(WebhookRefused):
        ZaloChannel().receive(other, request)  # an event for another OA
    doc = json.loads(emitted["body"]) | {"event_name": "follow"}
    body = json.dumps(doc).encode()
    mac = "mac=" + signature(APP_ID, body, doc["timestamp"], OA_SECRET)
    follow = InboundRequest("POST", {"x-zevent-signature": mac}, {}, body)
    assert ZaloChannel().receive(make_target(), follow) == []  # acknowledged, nothing kept


def test_a_reply_within_the_window_reaches_the_citizen(ctx, client, fake, oa, worker, tree) -> None:  # noqa: F811
    emitted, _ = _deliver(client, fake, oa, "Khi nào sửa đường liên xã?")
    message = _messages(ctx)[emitted["msg_id"]]
    moderator = Actor("Chủ tịch xã", (Grant(Role.APPROVER, tree["14932"].path),), user_id=None)
    row = replies.reply(ctx, moderator, message.id, "Dự kiến tháng 8 sẽ sửa xong ạ.")

    def sent() -> bool:
        with ctx.sessions() as session:
            return session.get(Reply, row.id).state == ReplyState.SENT

    wait_for(sent, what="the reply")
    answers = [m for m in fake("state")["messages"] if m["from_oa"]]
    assert [(m["user_id"], m["text"]) for m in answers] == [
        ("zu-1", "Dự kiến tháng 8 sẽ sửa xong ạ.")
    ]


def test_a_reply_after_seven_days_is_refused(make_target, fake) -> None:
    old = fake("events", {"user_id": "zu-4", "text": "Cũ rồi", "days_ago": 8})
    with pytest.raises(PermanentError, match="-230"):
        asyncio.run(ZaloChannel().reply(make_target(), to=old["msg_id"], text="Muộn", key="r1"))


def test_the_sandbox_sends_a_signed_event_to_a_live_receiver(serve, fake) -> None:
    """``/__fake/events`` with a ``url`` POSTs the event, as Zalo would, through core's client."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    seen: list[tuple[bytes, str]] = []

    async def hook(request: Request) -> Response:
        seen.append((await request.body(), request.headers["x-zevent-signature"]))
        return Response("ok")

    receiver = serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    emitted = fake("events", {"user_id": "zu-9", "text": "Xin chào", "url": f"{receiver.url}/hook"})
    assert emitted["status"] == 200
    [(body, mac)] = seen
    doc = json.loads(body)
    assert mac == "mac=" + signature(APP_ID, body, doc["timestamp"], OA_SECRET)
