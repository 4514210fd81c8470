"""Approving a draft for many targets at once writes what submitting, then approving, wrote.

The fast path (issue 19) submits the draft in the approval's own transaction and approves from
that plan, and writes a run of targets sharing one gate with a single ``INSERT … SELECT``. The
slow path submits and approves in two requests, the approval planning again, every step written
row by row. Both must leave the same steps (same order, states, units, decisions), the same
outbox rows (one per released target) and the same audit entries, for a mix of targets: some
pass on the editorial board's approval, some also wait for a police appraisal, one is owned by
another commune.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions import workflow
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.content.models import ArticleTarget, Status
from core.content.snapshots import current_data
from core.delivery.models import Action, Delivery, DeliveryState
from core.errors import Forbidden
from core.workflow import steps as steps_mod
from core.workflow.models import ApprovalStep, StepState
from tests.support.pipeline import COMMUNE, portal_target

OTHER_COMMUNE = "14950"
APPRAISED = [
    {"key": "police_appraisal", "label": "Công an xã thẩm định", "role": "police",
     "at": "target_unit", "covers": ["content"]},
    {"key": "editorial_board", "label": "Ban Biên tập duyệt", "role": "editorial_board",
     "at": "target_unit", "after": ["police_appraisal"]},
]  # fmt: skip
#: (unit, own gates): the plugin's rule, or an appraisal first; interleaved on purpose.
TARGETS: list[tuple[str, list[dict[str, Any]] | None]] = [
    (COMMUNE, None),
    (COMMUNE, None),
    (COMMUNE, APPRAISED),
    (COMMUNE, None),
    (OTHER_COMMUNE, None),
    (COMMUNE, None),
    (COMMUNE, APPRAISED),
    (COMMUNE, None),
]
#: Which of TARGETS the office below may pass: not the appraised ones, not the other commune's.
RELEASED = [0, 1, 3, 5, 7]


@pytest.fixture
def target_ids(ctx, tree) -> list[int]:
    return [
        portal_target(
            ctx,
            i,
            f"http://127.0.0.1:9/sites/t{i}/webhook",
            unit,
            **({"gates": gates} if gates is not None else {}),
        )
        for i, (unit, gates) in enumerate(TARGETS)
    ]


@pytest.fixture
def office(tree) -> Actor:
    """A one-person commune office: writes, approves, sits on the editorial board; no police."""
    path = tree[COMMUNE].path
    roles = (Role.EDITOR, Role.APPROVER, Role.EDITORIAL_BOARD)
    return Actor(name="Văn phòng xã", grants=tuple(Grant(r, path) for r in roles))


def draft(ctx, actor: Actor, target_ids: list[int]) -> int:
    article = actions.create(
        ctx,
        actor,
        {
            "title": "Thông báo lịch tiếp công dân",
            "summary": "Ủy ban nhân dân xã tiếp công dân vào thứ Năm hằng tuần.",
            "body_html": "<p>Người dân mang theo căn cước công dân.</p>",
            "unit_code": COMMUNE,
        },
    )
    with ctx.transaction() as session:
        session.add_all(ArticleTarget(article_id=article.id, target_id=t) for t in target_ids)
    return int(article.id)


def written(ctx, article_id: int) -> dict[str, Any]:
    """What an approval left, without ids and times (the two items differ in those only)."""
    with ctx.sessions() as session:
        article = session.get(workflow.Article, article_id)
        assert article is not None
        hashes = steps_mod.aspect_hashes(current_data(session, article))
        steps = [
            (
                s.source, s.target_id, s.key, s.label, s.role, s.unit_id, s.after, s.covers,
                s.state, s.decided_by, s.comment, s.revision, s.note,
                s.aspect_hashes == (hashes if s.state == StepState.APPROVED else {}),
            )
            for s in session.scalars(
                select(ApprovalStep)
                .where(ApprovalStep.article_id == article_id)
                .order_by(ApprovalStep.id)
            )
        ]  # fmt: skip
        deliveries = [
            (d.target_id, d.action, d.state, d.revision, d.attempt)
            for d in session.scalars(
                select(Delivery).where(Delivery.article_id == article_id).order_by(Delivery.id)
            )
        ]
        audit = [
            (e.action, e.data.get("steps"), e.data.get("released"))
            for e in session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.subject_type == workflow.Article.audit_subject,
                    AuditEntry.subject_id == str(article_id),
                )
                .order_by(AuditEntry.id)
            )
        ]
    return {"status": article.status, "steps": steps, "deliveries": deliveries, "audit": audit}


def test_approving_a_draft_at_once_writes_what_submit_then_approve_wrote(
    ctx, target_ids, office, monkeypatch
) -> None:
    fast = draft(ctx, office, target_ids)
    outcome = workflow.approve(ctx, office, fast)
    got = written(ctx, fast)

    slow = draft(ctx, office, target_ids)
    monkeypatch.setattr(steps_mod, "_runs", lambda needs: [[n] for n in needs])  # row by row
    workflow.submit(ctx, office, slow)
    workflow.approve(ctx, office, slow)
    assert got == written(ctx, slow)

    released = [target_ids[i] for i in RELEASED]
    assert got["status"] == Status.PUBLISHED
    assert got["deliveries"] == [(t, Action.PUBLISH, DeliveryState.PENDING, 1, 0) for t in released]
    assert sorted(outcome.released) == outcome.released and len(outcome.released) == 5
    waiting = {(s[0], s[2]) for s in got["steps"] if s[8] == StepState.PENDING}
    assert waiting == {
        (f"target:{target_ids[2]}", "police_appraisal"),
        (f"target:{target_ids[6]}", "police_appraisal"),
        (f"target:{target_ids[2]}", "editorial_board"),
        (f"target:{target_ids[6]}", "editorial_board"),
        (f"target:{target_ids[4]}", "editorial_board"),  # the other commune's board decides
    }
    # In the order the targets were chosen, each target's gates in their order.
    sources = [s[0] for s in got["steps"]]
    assert sources == ["scope"] + [
        f"target:{t}" for i, t in enumerate(target_ids) for _ in (TARGETS[i][1] or [None])
    ]
    units = {s[1]: s[5] for s in got["steps"] if s[1] is not None}
    assert units[target_ids[4]] != units[target_ids[0]]  # each target's own unit
    assert [a[0] for a in got["audit"]] == ["article.create", "article.submit", "step.approve"]


def test_a_draft_refused_at_approval_stays_submitted(ctx, target_ids, tree) -> None:
    """The approval is refused; the submission stands, as when they were two requests."""
    editor = Actor(name="Biên tập xã", grants=(Grant(Role.EDITOR, tree[COMMUNE].path),))
    article_id = draft(ctx, editor, target_ids)
    with pytest.raises(Forbidden):
        workflow.approve(ctx, editor, article_id)
    got = written(ctx, article_id)
    assert got["status"] == Status.SUBMITTED
    assert {s[8] for s in got["steps"]} == {StepState.PENDING}
    assert len(got["steps"]) == 1 + len(TARGETS) + 2
    assert [a[0] for a in got["audit"]] == ["article.create", "article.submit"]
    assert got["deliveries"] == []
