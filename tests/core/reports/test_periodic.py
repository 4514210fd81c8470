"""Periodic reports (S2.4, S4.7): items by status and channel, submit-to-publish, interactions."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import pytest

from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.content.models import Status
from core.context import Context
from core.delivery.models import Action, DeliveryState
from core.errors import Forbidden, ValidationFailed
from core.reports import periodic_report
from tests.core.reports.support import Rows, at


@pytest.fixture
def world(rows: Rows) -> dict[str, int]:
    """July 2026 in Thanh Hóa (38): items, two channel targets, deliveries and audit entries."""
    ids: dict[str, int] = {}
    july = at("2026-07-05T01:00")
    ids["pub1"] = rows.article("14932", created=july, published=at("2026-07-06T01:00"))
    ids["pub2"] = rows.article("14950", created=july, published=at("2026-07-08T01:00"))
    ids["pub3"] = rows.article("38", created=july, published=at("2026-07-09T01:00"))
    rows.article("14932", status=Status.DRAFT, created=july)
    rows.article("15112", status=Status.DRAFT, created=july)
    rows.article("15112", status=Status.SUBMITTED, created=july)
    rows.article("38", status=Status.REJECTED, created=july)
    # 23:30 on 31 July in Vietnam is still July; 00:30 on 1 July ICT (17:30 UTC on 30 June) too
    rows.article("38", status=Status.EXPIRED, created=at("2026-07-31T16:30"))
    rows.article("38", status=Status.DRAFT, created=at("2026-06-30T17:30"))
    # outside: June in Vietnam, August in Vietnam, another province
    rows.article("38", status=Status.DRAFT, created=at("2026-06-30T16:30"))
    rows.article("38", status=Status.DRAFT, created=at("2026-07-31T17:30"))
    ids["hanoi"] = rows.article("00004", created=july, published=at("2026-07-06T00:00"))

    portal = ids["portal"] = rows.target("portal", "Cổng TTĐT Thanh Hóa", "38")
    facebook = ids["facebook"] = rows.target("facebook", "Fanpage Cẩm Thủy", "14932")
    when = at("2026-07-06T01:00")
    for article, target, state in [
        (ids["pub1"], portal, DeliveryState.DELIVERED),
        (ids["pub2"], portal, DeliveryState.DELIVERED),
        (ids["pub3"], portal, DeliveryState.FAILED),
        (ids["pub1"], facebook, DeliveryState.NEEDS_ATTENTION),
        (ids["pub2"], facebook, DeliveryState.RETRYING),
        (ids["pub3"], facebook, DeliveryState.PENDING),
        (ids["pub3"], facebook, DeliveryState.CANCELLED),
    ]:
        rows.delivery(article, target, state, when)
    # not counted: an update, a publish of August, another province's item
    rows.delivery(ids["pub1"], portal, DeliveryState.DELIVERED, when, action=Action.UPDATE)
    rows.delivery(ids["pub1"], portal, DeliveryState.FAILED, at("2026-08-02T00:00"))
    rows.delivery(ids["hanoi"], portal, DeliveryState.FAILED, when)

    # submit → publish: pub1 10 h (first of two submits), pub2 30 h, pub3 never submitted:
    # created_at → published_at = 96 h
    rows.audit("article.submit", ids["pub1"], at("2026-07-05T15:00"))
    rows.audit("article.submit", ids["pub1"], at("2026-07-05T20:00"))
    rows.audit("article.create", ids["pub2"], at("2026-07-05T01:00"))
    rows.audit("article.submit", ids["pub2"], at("2026-07-06T19:00"))
    rows.audit("article.submit", ids["hanoi"], at("2026-07-01T00:00"))
    return ids


def test_items_by_status_created_in_the_period(ctx: Context, world: dict[str, int]) -> None:
    report = periodic_report(ctx, SYSTEM, "38", "2026-07")
    counts = {s.status: s.count for s in report.by_status}
    assert counts == {
        "draft": 3,
        "submitted": 1,
        "in_review": 0,
        "changes_requested": 0,
        "approved": 0,
        "scheduled": 0,
        "published": 3,
        "expired": 1,
        "retracted": 0,
        "rejected": 1,
    }
    assert report.items == 9
    assert (report.unit_code, report.period.label) == ("38", "2026-07")


def test_items_by_channel(ctx: Context, world: dict[str, int]) -> None:
    report = periodic_report(ctx, SYSTEM, "38", "2026-07")
    by = {c.plugin: c for c in report.by_channel}
    assert set(by) == {"facebook", "portal"}
    portal, facebook = by["portal"], by["facebook"]
    assert (portal.name, portal.target_id) == ("Cổng TTĐT Thanh Hóa", world["portal"])
    assert (portal.delivered, portal.failed, portal.needs_attention, portal.pending) == (2, 1, 0, 0)
    assert portal.success_rate == pytest.approx(2 / 3)
    assert (facebook.delivered, facebook.failed, facebook.needs_attention) == (0, 0, 1)
    assert (facebook.pending, facebook.cancelled, facebook.total) == (2, 1, 4)
    assert facebook.success_rate == 0.0


def test_channels_of_a_commune_only_count_its_items(ctx: Context, world: dict[str, int]) -> None:
    report = periodic_report(ctx, SYSTEM, "14932", "2026-07")
    by = {c.plugin: (c.delivered, c.needs_attention, c.total) for c in report.by_channel}
    assert by == {"portal": (1, 0, 1), "facebook": (0, 1, 1)}
    assert {s.status: s.count for s in report.by_status if s.count} == {"published": 1, "draft": 1}


def test_submit_to_publish_median_and_p90(ctx: Context, world: dict[str, int]) -> None:
    lead = periodic_report(ctx, SYSTEM, "38", "2026-07").lead_time
    assert lead.items == 3
    assert lead.median_hours == pytest.approx(30)
    assert lead.p90_hours == pytest.approx(30 + 0.8 * (96 - 30))  # between 30 h and 96 h
    one = periodic_report(ctx, SYSTEM, "14932", "2026-Q3").lead_time
    assert (one.items, one.median_hours, one.p90_hours) == (1, pytest.approx(10), pytest.approx(10))
    none = periodic_report(ctx, SYSTEM, "38", "2026-09").lead_time
    assert (none.items, none.median_hours, none.p90_hours) == (0, None, None)


def test_longer_periods_and_empty_ones(ctx: Context, world: dict[str, int]) -> None:
    half = periodic_report(ctx, SYSTEM, "38", "2026-H2")
    year = periodic_report(ctx, SYSTEM, "38", "2026")
    assert half.items == 10  # July's 9 and the draft of 1 August (ICT)
    assert year.items == 11  # and the draft of 30 June (ICT)
    assert periodic_report(ctx, SYSTEM, "38", "2025").items == 0
    assert periodic_report(ctx, SYSTEM, "38", "2025").by_channel == ()


def test_interactions_counted_per_channel(ctx: Context, rows: Rows, world: dict[str, int]) -> None:
    from core.interactions.models import Comment, CommentState

    def comment(target: int, article: int | None, state: str, when: str) -> Any:
        return Comment(
            target_id=target,
            remote_id=uuid.uuid4().hex,
            article_id=article,
            author_pseudonym="p" * 16,
            state=state,
            received_at=at(when),
        )

    with ctx.transaction() as session:
        session.add_all(
            [
                comment(world["portal"], world["pub1"], CommentState.VISIBLE, "2026-07-10T00:00"),
                comment(world["portal"], world["pub2"], CommentState.HIDDEN, "2026-07-10T00:00"),
                comment(world["facebook"], world["pub1"], CommentState.HELD, "2026-07-11T00:00"),
                # on the target the commune owns, matched to no item of ours
                comment(world["facebook"], None, CommentState.VISIBLE, "2026-07-11T00:00"),
                # not counted: August (ICT), and another province's item
                comment(world["portal"], world["pub1"], CommentState.VISIBLE, "2026-07-31T18:00"),
                comment(world["portal"], world["hanoi"], CommentState.VISIBLE, "2026-07-10T00:00"),
            ]
        )
    report = periodic_report(ctx, SYSTEM, "38", "2026-07")
    assert report.interactions.tracked
    by = {c.plugin: (c.comments, c.hidden) for c in report.interactions.by_channel}
    assert by == {"portal": (2, 1), "facebook": (2, 0)}
    assert report.interactions.comments == 4
    hanoi = periodic_report(ctx, SYSTEM, "01", "2026-07").interactions
    assert [(c.plugin, c.comments) for c in hanoi.by_channel] == [("portal", 1)]


def test_interactions_not_tracked_without_the_comments_module(
    ctx: Context, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "core.interactions.models", None)  # import fails
    report = periodic_report(ctx, SYSTEM, "38", "2026-07")
    assert not report.interactions.tracked
    assert report.interactions.comments == 0
    assert "not tracked" in report.interactions.note
    assert report.items == 9  # the rest of the report stands


def test_permission_and_bad_period(
    ctx: Context, world: dict[str, int], tree: dict[str, Any]
) -> None:
    hanoi = Actor(name="approver-01", grants=(Grant(Role.APPROVER, tree["01"].path),))
    commune = Actor(name="editor-14932", grants=(Grant(Role.EDITOR, tree["14932"].path),))
    for actor, unit in ((hanoi, "38"), (commune, "38"), (commune, "14950"), (Actor("x"), "38")):
        with pytest.raises(Forbidden):
            periodic_report(ctx, actor, unit, "2026-07")
    assert periodic_report(ctx, hanoi, "00004", "2026-07").lead_time.items == 1
    assert periodic_report(ctx, commune, "14932", "2026-07").items == 2
    with pytest.raises(ValidationFailed) as info:
        periodic_report(ctx, SYSTEM, "38", "2026-Q7")
    assert "period" in info.value.fields
