"""A unit's inbound policy: citizens' intensifiers held by default, allowed or blocked as the
unit (or its nearest ancestor) configures; what the office publishes stays strict."""

from __future__ import annotations

from typing import Any

import pytest

from core.actions.moderation_policy import set_inbound_policy
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.errors import Forbidden, ModerationBlocked, ValidationFailed
from core.interactions import feedback
from core.moderation import Decision
from core.screening.policies import unit_policy

TEXT = "Bài viết hay vl, cảm ơn xã"


def admin(tree: dict[str, Any], code: str) -> Actor:
    return Actor(name=f"admin-{code}", grants=(Grant(Role.ADMIN, tree[code].path),))


def send(ctx: Any, text: str = TEXT, unit: str = "14932") -> Any:
    return feedback.submit(ctx, unit_code=unit, text=text, address="203.0.113.7")


def test_intensifiers_from_citizens_are_held_by_default(ctx: Any, tree: Any) -> None:
    assert send(ctx).state == "held"


def test_the_nearest_unit_with_a_policy_decides(ctx: Any, tree: Any) -> None:
    set_inbound_policy(ctx, admin(tree, "38"), "38", "allow")  # the province
    assert send(ctx).state == "received"  # its commune inherits it
    set_inbound_policy(ctx, admin(tree, "14932"), "14932", "block")  # the commune overrides
    with pytest.raises(ModerationBlocked):
        send(ctx)
    assert send(ctx, unit="14950").state == "received"  # a sister commune keeps the province's
    with ctx.sessions() as session:
        assert unit_policy(session, tree["00004"].id).intensifiers is Decision.REVIEW
        assert unit_policy(session, tree["14950"].id).intensifiers is Decision.ALLOW


def test_a_lenient_policy_still_blocks_profanity_and_holds_insults(ctx: Any, tree: Any) -> None:
    set_inbound_policy(ctx, admin(tree, "38"), "38", "allow")
    with pytest.raises(ModerationBlocked):
        send(ctx, "Cán bộ gì mà như đ.m")
    assert send(ctx, "Mấy thằng ngu ở xã").state == "held"


def test_only_the_units_admin_sets_it_and_only_to_a_known_choice(ctx: Any, tree: Any) -> None:
    with pytest.raises(Forbidden):
        set_inbound_policy(ctx, admin(tree, "01"), "38", "allow")
    editor = Actor(name="bt", grants=(Grant(Role.EDITOR, tree["38"].path),))
    with pytest.raises(Forbidden):
        set_inbound_policy(ctx, editor, "38", "allow")
    with pytest.raises(ValidationFailed):
        set_inbound_policy(ctx, admin(tree, "38"), "38", "mask")
    assert send(ctx).state == "held"
