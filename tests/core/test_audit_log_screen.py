"""The audit screen's actions: who reads which unit's entries, the filters, keyset pages, and
the chain's verify status, walked in bounded stretches, on an intact and a tampered chain."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import delete, update

from core import audit, audit_anchor
from core.actions import audit_log
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.context import Context
from core.errors import Forbidden, ValidationFailed


def _admin(tree: dict[str, Any], code: str, role: Role = Role.ADMIN) -> Actor:
    return Actor(name=f"{role.value}-{code}", grants=(Grant(role, tree[code].path),))


def _record(ctx: Context, actor: str, action: str, unit_path: str = "") -> int:
    with ctx.transaction() as session:
        return audit.record(session, actor=actor, action=action, unit_path=unit_path).id


def _ids(page: audit_log.AuditPage) -> list[int]:
    return [e.id for e in page.entries]


def test_an_admin_reads_the_entries_of_their_units_only(ctx: Context, tree: dict[str, Any]) -> None:
    mine = _record(ctx, "bien-tap", "article.submit", tree["14932"].path)
    theirs = _record(ctx, "khac", "article.submit", tree["14950"].path)
    system = _record(ctx, "system", "audit.anchor")

    seen = _ids(audit_log.entries(ctx, _admin(tree, "14932")))
    assert mine in seen and theirs not in seen and system not in seen
    everything = _ids(audit_log.entries(ctx, _admin(tree, "VN")))
    assert {mine, theirs, system} <= set(everything)
    with pytest.raises(Forbidden):
        audit_log.entries(ctx, _admin(tree, "14932", Role.EDITOR))
    with pytest.raises(Forbidden):
        audit_log.chain_status(ctx, _admin(tree, "14932", Role.EDITOR))


def test_filters_by_who_what_unit_and_time(ctx: Context, tree: dict[str, Any]) -> None:
    province = _admin(tree, "38")
    a = _record(ctx, "lan", "auth.login", tree["14932"].path)
    b = _record(ctx, "minh", "article.submit", tree["14932"].path)
    c = _record(ctx, "lan", "article.publish", tree["14950"].path)

    assert _ids(audit_log.entries(ctx, province, actor_name="lan")) == [c, a]
    assert _ids(audit_log.entries(ctx, province, action="article.")) == [c, b]
    assert _ids(audit_log.entries(ctx, province, unit_code="14950")) == [c]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert _ids(audit_log.entries(ctx, province, since=later)) == []
    assert set(_ids(audit_log.entries(ctx, province, until=later))) >= {a, b, c}
    with pytest.raises(ValidationFailed):
        audit_log.entries(ctx, province, unit_code="99999")


def test_pages_follow_the_last_id_and_lose_or_repeat_nothing(
    ctx: Context, tree: dict[str, Any]
) -> None:
    made = [_record(ctx, "lan", "article.save", tree["14932"].path) for _ in range(7)]
    actor, seen, before = _admin(tree, "14932"), [], None
    while True:
        page = audit_log.entries(ctx, actor, first=3, before_id=before)
        seen += _ids(page)
        if not page.has_next:
            break
        before = page.entries[-1].id
    assert seen == sorted(made, reverse=True)


def test_the_chain_is_verified_in_bounded_stretches_up_to_its_head(
    ctx: Context, tree: dict[str, Any]
) -> None:
    actor = _admin(tree, "VN")
    for _ in range(5):
        _record(ctx, "lan", "article.save", tree["14932"].path)
    head = _record(ctx, "lan", "article.save", tree["14932"].path)

    assert audit_log.chain_status(ctx, actor, step=False).verified_at is None
    first = audit_log.chain_status(ctx, actor, budget=4)
    assert first.progress == 4 and first.verified_at is None  # not all in one request
    done = audit_log.chain_status(ctx, actor, budget=4)
    assert done.ok and done.progress is None
    assert done.verified_through == head and done.verified_at is not None
    # The next walk starts afresh, and the last result stays shown meanwhile.
    again = audit_log.chain_status(ctx, actor, budget=2)
    assert again.progress == 2 and again.verified_through == head


def test_a_tampered_entry_is_reported_as_the_first_broken_link(
    ctx: Context, tree: dict[str, Any]
) -> None:
    actor = _admin(tree, "VN")
    ids = [_record(ctx, "lan", "article.save", tree["14932"].path) for _ in range(4)]
    with ctx.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="ke-gian"))
    status = audit_log.chain_status(ctx, actor, budget=1000)
    assert not status.ok
    assert status.broken_at == ids[2] and "hash" in status.reason
    assert status.verified_through is None


def test_a_chain_cut_short_after_an_anchor_is_reported(
    ctx: Context, tree: dict[str, Any], tmp_path: Any
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    anchored = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, audit_anchor_file=anchors)
    )
    actor = _admin(tree, "VN")
    _record(ctx, "lan", "article.save", tree["14932"].path)
    with ctx.transaction() as session:
        anchor = audit_anchor.make(session)
    audit_anchor.append(anchors, anchor)
    intact = audit_log.chain_status(anchored, actor)
    assert intact.ok and intact.anchors == 1 and intact.verified_through == anchor.seq

    with ctx.transaction() as session:  # the newest entry deleted: the chain is only shorter
        session.execute(delete(AuditEntry).where(AuditEntry.id == anchor.seq))
    cut = audit_log.chain_status(anchored, actor)
    assert not cut.ok and "truncated" in cut.reason
