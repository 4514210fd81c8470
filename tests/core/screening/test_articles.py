"""An item's own text is judged at save; approval refuses a block and an uncleared hold."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions import screening
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.content.models import Article, Status
from core.errors import Forbidden, InvalidTransition, ModerationBlocked, ModerationHeld

CLEAN = {
    "title": "Thông báo lịch tiêm chủng mở rộng",
    "summary": "Lịch tiêm chủng tháng 12 tại trạm y tế xã.",
    "body_html": "<p>Người dân mang theo CCCD.</p>",
    "unit_code": "14932",
}


def create(ctx: Any, **fields: Any) -> Article:
    return actions.create(ctx, SYSTEM, {**CLEAN, **fields})


def approver(tree: dict[str, Any], code: str = "14932") -> Actor:
    return Actor(name="duyet", grants=(Grant(Role.APPROVER, tree[code].path),))


def status(ctx: Any, article_id: int) -> str:
    with ctx.sessions() as session:
        found = session.get(Article, article_id)
        assert found is not None
        return found.status


def test_clean_item_is_allowed_and_approves(ctx: Any, tree: dict[str, Any]) -> None:
    article = create(ctx)
    assert article.moderation == "allow" and article.moderation_spans == []
    assert actions.approve(ctx, SYSTEM, article.id).status == Status.PUBLISHED


def test_obfuscated_profanity_in_the_body_blocks_approval_with_spans(
    ctx: Any, tree: dict[str, Any]
) -> None:
    article = create(ctx, body_html="<p>Người dân mang theo CCCD, đ.m thằng l-o-n.</p>")
    assert article.moderation == "block"
    fields = {(s["field"], s["text"], s["category"]) for s in article.moderation_spans}
    assert ("body", "đ.m", "profanity") in fields
    assert ("body", "thằng l-o-n", "profanity") in fields
    with pytest.raises(ModerationBlocked) as refused:
        actions.approve(ctx, SYSTEM, article.id)
    assert refused.value.code == "CONTENT_BLOCKED"
    assert {s["text"] for s in refused.value.spans} == {"đ.m", "thằng l-o-n"}
    assert "body" in refused.value.message and "CCCD" not in refused.value.message
    assert status(ctx, article.id) == Status.DRAFT
    # a block cannot be cleared: the text has to change
    with pytest.raises(InvalidTransition):
        screening.clear_moderation(ctx, approver(tree), article.id)
    fixed = actions.update(ctx, SYSTEM, article.id, {"body_html": "<p>Mang theo CCCD.</p>"})
    assert fixed.moderation == "allow"
    assert actions.approve(ctx, SYSTEM, article.id).status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Đồ ngu như bò"), ("summary", "bọn phản động"), ("cover_caption", "thằng chó")],
)
def test_a_hold_in_any_field_waits_for_a_moderator(
    ctx: Any, tree: dict[str, Any], field: str, value: str
) -> None:
    extra = {"cover_url": "https://example.org/a.jpg", "cover_caption": "Ảnh"}
    article = create(ctx, **{**extra, field: value})
    assert article.moderation == "review"
    assert {s["field"] for s in article.moderation_spans} == {field}
    with pytest.raises(ModerationHeld) as held:
        actions.approve(ctx, SYSTEM, article.id)
    assert held.value.code == "CONTENT_HELD" and held.value.spans


def test_clearing_a_hold_binds_to_the_content(ctx: Any, tree: dict[str, Any]) -> None:
    article = create(ctx, summary="Không chấp nhận luận điệu phản động trên mạng.")
    contributor = Actor(name="ctv", grants=(Grant(Role.CONTRIBUTOR, tree["14932"].path),))
    with pytest.raises(Forbidden):
        screening.clear_moderation(ctx, contributor, article.id)
    with pytest.raises(Forbidden):  # an approver of another commune
        screening.clear_moderation(ctx, approver(tree, "14950"), article.id)
    cleared = screening.clear_moderation(ctx, approver(tree), article.id)
    assert cleared.moderation_cleared_by == "duyet"
    # an edit after the clearance is judged afresh and held again
    actions.update(ctx, SYSTEM, article.id, {"title": "Cảnh giác với luận điệu phản động"})
    with pytest.raises(ModerationHeld):
        actions.approve(ctx, SYSTEM, article.id)
    screening.clear_moderation(ctx, approver(tree), article.id)
    assert actions.approve(ctx, SYSTEM, article.id).status == Status.PUBLISHED
    with ctx.sessions() as session:
        audited = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_id == str(article.id))
            .order_by(AuditEntry.id)
        ).all()
    assert audited.count("article.moderation_cleared") == 2


def test_clearing_an_allowed_item_is_refused(ctx: Any, tree: dict[str, Any]) -> None:
    article = create(ctx)
    with pytest.raises(InvalidTransition):
        screening.clear_moderation(ctx, approver(tree), article.id)


def test_a_held_edit_of_a_live_item_goes_out_only_once_cleared(
    ctx: Any, tree: dict[str, Any]
) -> None:
    from core.delivery.models import Placement

    article = create(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.transaction() as session:  # as if a channel held it (no worker in this test)
        from core.targets.models import ChannelTarget

        target = ChannelTarget(name="t", plugin="testchannel", unit_id=tree["14932"].id)
        session.add(target)
        session.flush()
        session.add(Placement(article_id=article.id, target_id=target.id, remote_id="r1"))
    from core.delivery.models import Action, Delivery

    def updates() -> int:
        with ctx.sessions() as session:
            rows = session.scalars(
                select(Delivery).where(Delivery.action == Action.UPDATE).order_by(Delivery.id)
            )
            return len(rows.all())

    actions.update(ctx, SYSTEM, article.id, {"summary": "Cảnh giác với bọn phản động."})
    assert updates() == 0
    screening.clear_moderation(ctx, approver(tree), article.id)
    assert updates() == 0  # cleared by the moderator; the edit still needs its approval
    actions.approve(ctx, SYSTEM, article.id)
    assert updates() == 1


def test_words_are_read_apart_across_paragraphs(ctx: Any, tree: dict[str, Any]) -> None:
    """A reader reads "đ.m" then "Xem lịch" on the next line: the blocks do not run together."""
    article = create(ctx, body_html="<p>Mang theo CCCD đ.m</p><p>Xem lịch tiêm</p>")
    assert article.moderation == "block"
    assert ("body", "đ.m") in {(s["field"], s["text"]) for s in article.moderation_spans}
    assert create(ctx, body_html="<p>Mang theo CCCD</p><p>Xem lịch</p>").moderation == "allow"
