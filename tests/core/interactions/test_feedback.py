"""Citizens' feedback: moderated on arrival, refused clearly when blocked, read by the unit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from core.app import create_app
from core.interactions.models import Feedback
from tests.conftest import API_TOKEN


def client(settings, ctx) -> TestClient:
    return TestClient(create_app(settings, ctx=ctx, embedded_worker=False))


def send(c: TestClient, **doc: Any):
    return c.post("/api/feedback", json=doc, headers={"Origin": "https://xacamthuy.gov.vn"})


def stored(ctx) -> int:
    with ctx.sessions() as session:
        return session.scalar(select(func.count()).select_from(Feedback)) or 0


def test_clean_feedback_reaches_the_units_editors(settings, ctx, tree) -> None:
    c = client(settings, ctx)
    got = send(
        c,
        unit="14932",
        name="Nguyễn Văn A",
        contact="0912 345 678",
        text="Đề nghị sửa đèn đường thôn 3, tối qua bị hỏng.",
    )
    assert got.status_code == 201 and got.json()["state"] == "received"
    assert got.headers["access-control-allow-origin"] == "*"
    query = '{ feedback(unit: "38") { authorName contact text state } }'
    listed = c.post(
        "/api/graphql", json={"query": query}, headers={"Authorization": f"Bearer {API_TOKEN}"}
    ).json()["data"]["feedback"]
    assert listed == [
        {
            "authorName": "Nguyễn Văn A",
            "contact": "0912 345 678",
            "text": "Đề nghị sửa đèn đường thôn 3, tối qua bị hỏng.",
            "state": "received",
        }
    ]
    with ctx.sessions() as session:  # the contact is sealed at rest
        assert "0912" not in session.scalar(select(Feedback.contact_sealed))


def test_obfuscated_profanity_is_refused_with_a_clear_answer_and_nothing_stored(
    settings, ctx, tree
) -> None:
    got = send(client(settings, ctx), unit="14932", text="Cán bộ xã làm việc như đ.m")
    assert got.status_code == 422
    body = got.json()
    assert body["error"] == "CONTENT_BLOCKED" and "viết lại" in body["message"]
    assert stored(ctx) == 0


def test_a_held_message_waits_for_a_moderator(settings, ctx, tree) -> None:
    c = client(settings, ctx)
    got = send(c, unit="14932", text="Mấy ông cán bộ này ngu như bò, không chịu giải quyết")
    assert got.status_code == 201 and got.json()["state"] == "held"
    decide = "mutation($id: ID!) { decideFeedback(id: $id, decision: APPROVE) { state } }"
    done = c.post(
        "/api/graphql",
        json={"query": decide, "variables": {"id": str(got.json()["id"])}},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()
    assert done["data"]["decideFeedback"]["state"] == "approved"


def test_bad_input_and_floods_get_typed_errors(settings, ctx, tree) -> None:
    c = client(settings, ctx)
    assert c.options("/api/feedback").status_code == 204
    assert send(c, unit="14932", text="").json()["fields"] == {"text": "is required"}
    assert send(c, unit="99999", text="Xin chào").json()["fields"]["unit"].startswith("no unit")
    bad = c.post(
        "/api/feedback", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400
    huge = c.post("/api/feedback", content=b"x" * 40_000)
    assert huge.status_code == 413
    for _ in range(9):  # the unknown unit above counted too: 10 messages an hour per client
        assert send(c, unit="14932", text="Cảm ơn xã").status_code == 201
    flood = send(c, unit="14932", text="Cảm ơn xã")
    assert flood.status_code == 429 and int(flood.headers["retry-after"]) > 0
    assert stored(ctx) == 9
