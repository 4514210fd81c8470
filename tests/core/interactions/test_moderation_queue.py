"""The moderation queue's actions: another unit's moderator is refused and sees nothing, a
delete only where the channel can delete, an author blocked for the chosen time, the queue's
view highlighting what moderation matched, and the effect of a unit's terms explained."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import moderation_policy, screening
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.db import utcnow
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.interactions import actions as moderation
from core.interactions import queue_view
from core.interactions.models import AuthorBlock, CommentState
from tests.admin.moderation_support import UNSURE, fb_sandbox, fb_target, record, reload
from tests.support.pipeline import COMMUNE

__all__ = ["fb_sandbox", "fb_target"]


def _moderator(tree: dict[str, Any], code: str = COMMUNE) -> Actor:
    return Actor(name=f"kiem-duyet-{code}", grants=(Grant(Role.APPROVER, tree[code].path),))


def test_another_units_moderator_is_refused_and_sees_nothing(
    ctx: Any, tree: Any, portal_target: Any
) -> None:
    held = record(ctx, portal_target.id, UNSURE)
    assert held.state == CommentState.HELD
    hanoi = _moderator(tree, "01")
    assert queue_view.held(ctx, hanoi) == []
    for act in (moderation.approve, moderation.hide, moderation.delete):
        with pytest.raises(Forbidden):
            act(ctx, hanoi, held.id)
    with pytest.raises(Forbidden):
        moderation.block_author(ctx, hanoi, held.id, hours=24)
    assert reload(ctx, held.id).state == CommentState.HELD
    with pytest.raises(Forbidden):
        queue_view.held(ctx, Actor(name="bien-tap", grants=(Grant(Role.EDITOR, "/"),)))
    [mine] = queue_view.held(ctx, _moderator(tree))
    assert mine.id == held.id and mine.channel == portal_target.name


def test_delete_only_where_the_channel_can(
    ctx: Any, tree: Any, portal_target: Any, fb_target: Any
) -> None:
    on_portal = record(ctx, portal_target.id, UNSURE)
    on_facebook = record(ctx, fb_target.id, UNSURE)
    mod = _moderator(tree)
    with pytest.raises(ValidationFailed):
        moderation.delete(ctx, mod, on_portal.id)  # the portal can only hide
    assert reload(ctx, on_portal.id).state == CommentState.HELD
    moderation.delete(ctx, mod, on_facebook.id)
    gone = reload(ctx, on_facebook.id)
    assert (gone.state, gone.reason, gone.decided_by) == (CommentState.HIDDEN, "deleted", mod.name)
    assert not gone.hidden_on_channel  # still owed to Facebook: the read job deletes it there
    with pytest.raises(InvalidTransition):
        moderation.delete(ctx, mod, on_facebook.id)
    views = {v.id: v for v in queue_view.held(ctx, mod)}
    assert list(views) == [on_portal.id]
    assert not views[on_portal.id].can_delete and not views[on_portal.id].can_reply


def test_an_author_is_blocked_for_the_chosen_time(ctx: Any, tree: Any, portal_target: Any) -> None:
    rude = record(ctx, portal_target.id, UNSURE, author="rude")
    earlier = record(ctx, portal_target.id, "Cảm ơn xã", author="rude", remote_id="c-2")
    other = record(ctx, portal_target.id, "Xin hỏi lịch tiêm", author="calm", remote_id="c-3")
    mod = _moderator(tree)
    with pytest.raises(ValidationFailed):
        moderation.block_author(ctx, mod, rude.id, hours=0)
    before = utcnow()
    moderation.block_author(ctx, mod, rude.id, hours=168, reason="xúc phạm")
    with ctx.sessions() as session:
        [block] = session.scalars(select(AuthorBlock).order_by(AuthorBlock.id)).all()
    until = block.until if block.until.tzinfo else block.until.replace(tzinfo=dt.UTC)
    assert before + dt.timedelta(days=7) <= until <= utcnow() + dt.timedelta(days=7)
    assert reload(ctx, rude.id).state == reload(ctx, earlier.id).state == CommentState.HIDDEN
    assert reload(ctx, other.id).state == CommentState.VISIBLE


def test_the_queue_highlights_what_moderation_matched(
    ctx: Any, tree: Any, portal_target: Any
) -> None:
    held = record(ctx, portal_target.id, UNSURE, waited=dt.timedelta(minutes=45))
    [view] = queue_view.held(ctx, _moderator(tree))
    marked = [p.text for p in view.pieces if p.marked]
    assert marked == ["Đồ ngu như bò"]  # two overlapping matches, one highlight
    assert "".join(p.text for p in view.pieces) == UNSURE
    assert view.overdue and view.age >= dt.timedelta(minutes=45)
    assert view.author == held.author_pseudonym[:10] and view.unit == "Xã Cẩm Thủy"


def test_a_units_terms_and_allowlist_change_what_is_explained(ctx: Any, tree: Any) -> None:
    text = "Ông Bò Văn Ngu phụ trách"  # a name that reads like an insult without its marks
    assert moderation_policy.explain_text(ctx, SYSTEM, COMMUNE, "Cảm ơn xã")["matches"] == []
    screening.add_term(
        ctx,
        SYSTEM,
        COMMUNE,
        {"kind": "term", "term": "phụ trách", "category": "insult", "severity": 2},
    )
    got = moderation_policy.explain_text(ctx, SYSTEM, COMMUNE, text)
    assert "phụ trách" in [m["entry"] for m in got["matches"]]
    assert got["decision"]["inbound"] != "allow"
    allow = screening.add_term(ctx, SYSTEM, COMMUNE, {"kind": "allow", "term": "phụ trách"})
    after = moderation_policy.explain_text(ctx, SYSTEM, COMMUNE, text)
    assert "phụ trách" not in [m["entry"] for m in after["matches"] if m["kept"]]
    screening.remove_term(ctx, SYSTEM, allow.id)
    again = moderation_policy.explain_text(ctx, SYSTEM, COMMUNE, text)
    assert "phụ trách" in [m["entry"] for m in again["matches"]]
    with pytest.raises(Forbidden):
        moderation_policy.explain_text(ctx, _moderator(tree, "01"), COMMUNE, text)
    with pytest.raises(ValidationFailed):
        moderation_policy.explain_text(ctx, SYSTEM, COMMUNE, "   ")
