"""Moderation as the editor types (``core.actions.live_screening``): the same judgement as the
save, for the item's unit, permission-checked, capped, and storing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from core.actions import content as actions
from core.actions import live_screening, screening
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.errors import Forbidden, ValidationFailed

DRAFT = {
    "title": "Đồ ngu như bò",
    "summary": "Lịch tiêm chủng tháng 12.",
    "body_html": "<p>Người dân mang theo CCCD, đ.m thằng l-o-n.</p><script>bọn phản động</script>",
}


def editor(tree: dict[str, Any], code: str = "14932") -> Actor:
    return Actor(name=f"editor-{code}", grants=(Grant(Role.EDITOR, tree[code].path),))


def test_findings_are_what_the_save_would_store(ctx: Any, tree: dict[str, Any]) -> None:
    verdict = live_screening.check_draft(ctx, editor(tree), "14932", DRAFT)
    saved = actions.create(ctx, SYSTEM, {**DRAFT, "unit_code": "14932"})
    assert verdict.decision == saved.moderation == "block" and verdict.blocks
    found = {(f.field, f.start, f.end, f.written, f.category) for f in verdict.findings}
    stored = {
        (s["field"], s["start"], s["end"], s["text"], s["category"]) for s in saved.moderation_spans
    }
    assert found == stored and len(found) == 4
    assert not any("phản động" in f.written for f in verdict.findings)  # a script is not read
    outcomes = {(f.field, f.outcome) for f in verdict.findings}
    assert outcomes == {("title", "review"), ("body", "block")}  # an insult warns, profanity blocks
    body = next(f for f in verdict.findings if f.written == "đ.m")
    assert body.before.endswith("CCCD, ") and body.after.startswith(" thằng")
    assert not body.cut_before and not body.cut_after


def test_a_clean_draft_is_allowed(ctx: Any, tree: dict[str, Any]) -> None:
    verdict = live_screening.check_draft(
        ctx, editor(tree), "14932", {"title": "Lịch tiêm", "body_html": "<p>Mang CCCD.</p>"}
    )
    assert verdict.decision == "allow" and verdict.findings == () and not verdict.blocks


def test_the_units_own_terms_count_as_they_do_at_save(ctx: Any, tree: dict[str, Any]) -> None:
    draft = {"title": "Phản ánh: cán bộ lười tiếp dân"}
    assert live_screening.check_draft(ctx, editor(tree), "14932", draft).decision == "allow"
    admin = Actor(name="admin-38", grants=(Grant(Role.ADMIN, tree["38"].path),))
    screening.add_term(
        ctx, admin, "38", {"term": "cán bộ lười", "category": "insult", "severity": 1}
    )
    verdict = live_screening.check_draft(ctx, editor(tree), "14932", draft)
    assert verdict.decision == "review" and verdict.findings[0].term == "cán bộ lười"


def test_only_a_writer_of_the_unit_may_ask(ctx: Any, tree: dict[str, Any]) -> None:
    with pytest.raises(Forbidden):
        live_screening.check_draft(ctx, editor(tree), "00004", DRAFT)  # Hà Nội: not theirs
    reader = Actor(name="police", grants=(Grant(Role.POLICE, tree["14932"].path),))
    with pytest.raises(Forbidden):
        live_screening.check_draft(ctx, reader, "14932", DRAFT)
    with pytest.raises(ValidationFailed) as unknown:
        live_screening.check_draft(ctx, editor(tree), "no-such-unit", DRAFT)
    assert set(unknown.value.fields) == {"unit_code"}


def test_text_over_the_cap_is_refused_by_field(ctx: Any, tree: dict[str, Any]) -> None:
    over = "a" * (live_screening.MAX_LIVE_TEXT + 1)
    with pytest.raises(ValidationFailed) as refused:
        live_screening.check_draft(ctx, editor(tree), "14932", {"summary": over})
    assert set(refused.value.fields) == {"summary"}
    markup = "<b></b>" * live_screening.MAX_LIVE_TEXT  # no text, but too much to even read
    with pytest.raises(ValidationFailed) as refused:
        live_screening.check_draft(ctx, editor(tree), "14932", {"body_html": markup})
    assert set(refused.value.fields) == {"body_html"}
