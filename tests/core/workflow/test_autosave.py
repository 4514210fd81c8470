"""Autosave (issue 16): the first creates a draft, later ones update it; a stale tab gets a
conflict; an item past its draft is never autosaved, so what was approved stays approved."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content, workflow
from core.actions.autosave import autosave
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import SYSTEM
from core.content.models import Article, Revision, Status
from core.errors import Conflict, Forbidden, InvalidTransition
from core.workflow.models import ApprovalStep
from tests.support.pipeline import COMMUNE

FORM = {
    "title": "Lịch công tác tuần 49",
    "summary": "",
    "body_html": "<p>Thứ Hai: giao ban.</p>",
    "unit_code": COMMUNE,
}


def _row(ctx: Any, uid: str) -> Article:
    with ctx.sessions() as session:
        article = session.scalar(select(Article).where(Article.uid == uid))
        session.expunge(article)
        return article


def _revisions(ctx: Any, article_id: int) -> list[int]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(Revision.number)
                .where(Revision.article_id == article_id)
                .order_by(Revision.id)
            )
        )


def _audited(ctx: Any, action: str) -> int:
    with ctx.sessions() as session:
        return len(
            session.scalars(
                select(AuditEntry.id).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).all()
        )


def test_the_first_autosave_creates_the_draft_and_later_ones_update_it(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    first = autosave(ctx, editor, None, None, FORM)
    assert first.created and first.revision == 1
    second = autosave(ctx, editor, first.uid, 1, {**FORM, "body_html": "<p>Thứ Hai: họp.</p>"})
    third = autosave(ctx, editor, first.uid, 2, {**FORM, "body_html": "<p>Thứ Ba: họp.</p>"})
    assert (second.uid, second.revision, third.revision) == (first.uid, 2, 3)
    assert not second.created
    row = _row(ctx, first.uid)
    assert row.status == Status.DRAFT and row.body_html == "<p>Thứ Ba: họp.</p>"
    assert sorted(_revisions(ctx, row.id)) == [1, 2, 3]  # every autosave is in the history
    # Audited sparingly: the creation, then one autosave entry for the editor's session.
    assert _audited(ctx, "article.create") == 1
    assert _audited(ctx, "article.autosave") == 1
    assert _audited(ctx, "article.update") == 0
    # An autosave with nothing changed makes no revision.
    same = autosave(ctx, editor, first.uid, 3, {**FORM, "body_html": "<p>Thứ Ba: họp.</p>"})
    assert same.revision == 3 and sorted(_revisions(ctx, row.id)) == [1, 2, 3]


def test_a_stale_tab_gets_a_conflict_and_overwrites_nothing(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    colleague = people("dong-nghiep", Role.EDITOR, COMMUNE)
    draft = autosave(ctx, editor, None, None, FORM)
    autosave(ctx, colleague, draft.uid, 1, {**FORM, "title": "Lịch tuần (bản của đồng nghiệp)"})
    with pytest.raises(Conflict, match="changed elsewhere"):
        autosave(ctx, editor, draft.uid, 1, {**FORM, "title": "Lịch tuần (tab cũ)"})
    assert _row(ctx, draft.uid).title == "Lịch tuần (bản của đồng nghiệp)"
    # The explicit save of a stale form is refused alike.
    with pytest.raises(Conflict):
        content.update(
            ctx, editor, _row(ctx, draft.uid).id, {"title": "Lưu từ tab cũ"}, expected_revision=1
        )
    assert _row(ctx, draft.uid).title == "Lịch tuần (bản của đồng nghiệp)"


def test_autosave_is_refused_outside_the_actors_units(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    draft = autosave(ctx, editor, None, None, FORM)
    other = people("xa-ben", Role.EDITOR, "14950")
    approver = people("lanh-dao", Role.APPROVER, COMMUNE)
    for who in (other, approver):
        with pytest.raises(Forbidden):
            autosave(ctx, who, draft.uid, 1, {**FORM, "title": "Sửa trộm"})
    with pytest.raises(Forbidden):
        autosave(ctx, approver, None, None, FORM)
    assert _row(ctx, draft.uid).title == FORM["title"]


def _steps(ctx: Any, article_id: int) -> list[tuple[str, int | None]]:
    with ctx.sessions() as session:
        return [
            (s.state, s.revision)
            for s in session.scalars(
                select(ApprovalStep)
                .where(ApprovalStep.article_id == article_id)
                .order_by(ApprovalStep.id)
            )
        ]


def test_autosave_after_submission_or_approval_changes_nothing(ctx, people, portal_target) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    draft = autosave(ctx, editor, None, None, {**FORM, "target_ids": [portal_target.id]})
    article_id = _row(ctx, draft.uid).id
    workflow.submit(ctx, editor, article_id)
    before = (_row(ctx, draft.uid).revision, _steps(ctx, article_id))
    with pytest.raises(InvalidTransition, match="drafts only"):
        autosave(ctx, editor, draft.uid, 1, {**FORM, "title": "Sửa khi đang chờ duyệt"})
    submitted = _row(ctx, draft.uid)
    assert submitted.status == Status.SUBMITTED and submitted.title == FORM["title"]
    assert (submitted.revision, _steps(ctx, article_id)) == before

    content.approve(ctx, SYSTEM, article_id)
    approved = _row(ctx, draft.uid)
    steps = _steps(ctx, article_id)
    with pytest.raises(InvalidTransition):
        autosave(ctx, editor, draft.uid, approved.revision, {**FORM, "title": "Sửa sau duyệt"})
    after = _row(ctx, draft.uid)
    assert (after.status, after.title, after.revision) == (
        approved.status,
        FORM["title"],
        approved.revision,
    )
    assert after.pending_revision is None and _steps(ctx, article_id) == steps
    assert _revisions(ctx, article_id) == [1]
    # The explicit save still may: a new revision that waits for approval again.
    content.update(
        ctx, editor, article_id, {"title": "Sửa sau duyệt"}, expected_revision=approved.revision
    )
    assert _row(ctx, draft.uid).pending_revision == 2
