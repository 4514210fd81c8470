"""One door for status changes: only core/workflow/states.py assigns an article's status.

The take-down (retract, expiry) used to set the status itself; it now moves through
``states.advance`` like every other change, and the sets of states live in states.py only.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.content.models import Article, Status
from core.errors import InvalidTransition
from core.workflow import states
from core.workflow.states import Move
from tests.support.pipeline import new_article

ROOT = Path(__file__).resolve().parents[3]
DOOR = ROOT / "core" / "workflow" / "states.py"
#: A citizen's feedback message has its own status and its own door (``handling._move``).
FEEDBACK_DOOR = "core/interactions/handling.py"


def _sources() -> list[tuple[Path, ast.AST]]:
    paths = [*(ROOT / "core").rglob("*.py"), *(ROOT / "admin").rglob("*.py")]
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in paths if p != DOOR]


def test_no_module_but_states_assigns_a_status() -> None:
    offenders = []
    for path, tree in _sources():
        if path.relative_to(ROOT).as_posix() == FEEDBACK_DOOR:
            tree = ast.Module(
                body=[n for n in tree.body if getattr(n, "name", "") != "_move"], type_ignores=[]
            )
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            elif (  # update(Article).values(status=…)
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "values"
                and any(k.arg == "status" for k in node.keywords)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_module_but_states_writes_a_set_of_statuses() -> None:
    def is_status(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "Status"

    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple | ast.List | ast.Set)
        and sum(is_status(e) for e in node.elts) >= 2
    ]
    assert offenders == []


def _published(ctx: Any, **audience: Any) -> Article:
    article = new_article(ctx, **audience)
    assert actions.approve(ctx, SYSTEM, article.id).status == Status.PUBLISHED
    return article


def _actions_on(ctx: Any, article_id: int) -> list[str]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.subject_type == "article", AuditEntry.subject_id == str(article_id)
                )
                .order_by(AuditEntry.id)
            )
        )


def test_a_retraction_moves_a_live_item_once(ctx: Any, tree: Any) -> None:
    article = _published(ctx)
    assert actions.retract(ctx, SYSTEM, article.id, "sai thông tin").status == Status.RETRACTED
    assert _actions_on(ctx, article.id)[-1] == "article.retracted"
    with pytest.raises(InvalidTransition):
        actions.retract(ctx, SYSTEM, article.id)
    with pytest.raises(InvalidTransition):
        actions.retract(ctx, SYSTEM, new_article(ctx).id)  # a draft was never out


def test_an_expiry_moves_only_a_live_item_whose_window_closed(ctx: Any, tree: Any) -> None:
    ends = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    article = _published(ctx, visible_until=ends.isoformat())
    assert actions.expire(ctx, article.id, now=ends - dt.timedelta(minutes=1)) is None
    expired = actions.expire(ctx, article.id, now=ends)
    assert expired is not None and expired.status == Status.EXPIRED
    assert actions.expire(ctx, article.id, now=ends) is None  # twice is a no-op
    assert _actions_on(ctx, article.id).count("article.expired") == 1


def test_the_take_down_goes_through_the_transition_table(
    ctx: Any, tree: Any, monkeypatch: Any
) -> None:
    article = _published(ctx)
    monkeypatch.setitem(states.TRANSITIONS, Move.RETRACT, (frozenset(), Status.RETRACTED))
    with pytest.raises(InvalidTransition, match="cannot retract"):
        actions.retract(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        assert session.get(Article, article.id).status == Status.PUBLISHED  # nothing written
