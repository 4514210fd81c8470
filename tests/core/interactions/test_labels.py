"""A moderator's decisions are kept as labelled examples per unit, and exported for tuning."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from click.testing import CliRunner

from core import cli
from core.actions.moderation_policy import export_labels
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.errors import Forbidden
from core.interactions import actions as moderation
from core.interactions import feedback
from core.interactions.label_export import write_labels
from tests.core.interactions.test_reading import comment, moderator, published, read

__all__ = ["published"]  # the fixture, shared with the reading tests


def admin(tree: dict[str, Any], code: str) -> Actor:
    return Actor(name=f"admin-{code}", grants=(Grant(Role.ADMIN, tree[code].path),))


def test_approving_a_held_comment_and_hiding_a_passed_one_are_labelled(
    ctx: Any, tree: Any, portal_target: Any, sandbox: Any, published: Any
) -> None:
    held = comment(published, "u1", "Thằng óc chó nào viết bài này")
    passed = comment(published, "u2", "Xã này làm ăn chán thật, toàn lũ bất tài")
    read(ctx, portal_target)
    mod = moderator(tree)
    [queued] = moderation.queue(ctx, mod)
    assert queued.remote_id == held
    moderation.approve(ctx, mod, queued.id)  # the moderator judged it clean
    with ctx.sessions() as session:
        from sqlalchemy import select

        from core.interactions.models import Comment

        visible = session.scalar(select(Comment).where(Comment.remote_id == passed))
    moderation.hide(ctx, mod, visible.id)  # moderation let it through; the moderator did not
    rows = export_labels(ctx, admin(tree, "38"), "38")  # the province sees its communes'
    assert [(r.source, r.label, r.engine, r.unit) for r in rows] == [
        ("comment", "clean", "review", "14932"),
        ("comment", "flagged", "allow", "14932"),
    ]
    assert rows[0].text.startswith("Thằng óc chó") and rows[0].terms == "thằng óc chó"
    assert rows[1].terms == "" and rows[1].decided_by == "kiemduyet"
    assert export_labels(ctx, admin(tree, "14950"), "14950") == []  # a sister commune: none
    with pytest.raises(Forbidden):  # an approver moderates but does not tune the lexicon
        export_labels(ctx, mod, "14932")


def test_a_feedback_decision_is_labelled_too(ctx: Any, tree: Any) -> None:
    item = feedback.submit(
        ctx, unit_code="14932", text="Cán bộ xã toàn lũ ăn hại", address="203.0.113.9"
    )
    assert item.state == "held"
    feedback.decide(ctx, moderator(tree), item.id, "hide")
    [row] = export_labels(ctx, admin(tree, "14932"), "14932")
    assert (row.source, row.subject_id, row.label, row.engine) == (
        "feedback",
        item.id,
        "flagged",
        "review",
    )


def test_labels_export_as_jsonl_and_csv(
    ctx: Any, tree: Any, settings: Any, monkeypatch: Any
) -> None:
    item = feedback.submit(ctx, unit_code="14932", text="Đồ cặn bã", address="203.0.113.9")
    feedback.decide(ctx, moderator(tree), item.id, "approve")
    rows = export_labels(ctx, admin(tree, "38"), "38")
    out = io.StringIO()
    assert write_labels(rows, out, "csv") == 1
    [parsed] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (parsed["text"], parsed["label"], parsed["terms"]) == ("Đồ cặn bã", "clean", "đồ cặn bã")
    monkeypatch.setattr(cli, "_settings", lambda: settings)
    result = CliRunner().invoke(cli.main, ["moderate", "--export-labels", "--unit", "38"])
    assert result.exit_code == 0, result.output
    [line] = [json.loads(x) for x in result.output.splitlines()]
    assert (line["unit"], line["label"], line["engine"]) == ("14932", "clean", "review")
    missing = CliRunner().invoke(cli.main, ["moderate", "--export-labels"])
    assert missing.exit_code != 0 and "--unit" in missing.output
