"""Editorial workflow actions: submit, decide a step, approve, release, publish on time.

Each action checks permission, changes state in one transaction with its
audit entry and outbox rows, and hands work to the queue after commit. A
channel is released as soon as its own gates (and the scope's) are passed,
unless the item asks for all channels together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.actions.media_requirements import require_media_fit
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.content.models import Article, ArticleTarget, Audience, Status
from core.content.queries import lock_article as _load
from core.content.reads import readable
from core.content.snapshots import apply_snapshot, content_hash, current_data
from core.context import Context
from core.contract.declarations import policy_of
from core.db import utcnow
from core.delivery import outbox, queue
from core.delivery.models import OPEN_STATES, Action, Delivery, DeliveryState, Placement
from core.errors import InvalidTransition, LoaError, NotFound, ValidationFailed
from core.screening.articles import require_publishable, screen
from core.targets.models import ChannelTarget
from core.targets.rows import insert_per_target
from core.units.lookups import root_unit_id, unit_paths
from core.units.models import Unit
from core.workflow import steps as steps_mod
from core.workflow.models import ApprovalRule, ApprovalStep, StepState
from core.workflow.policy import parse_steps
from core.workflow.reach import NATIONAL, reach
from core.workflow.states import DECIDABLE, PUBLIC, REVIEWING, WRITING, Move, advance, move
from core.workflow.topics import justification_needed

DECISIONS = {
    "approve": StepState.APPROVED,
    "request_changes": StepState.CHANGES_REQUESTED,
    "reject": StepState.REJECTED,
}


@dataclass
class Outcome:
    """What an action did, for the interface to show: never a surprise."""

    article: Article
    steps: list[ApprovalStep] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    released: list[int] = field(default_factory=list)


def chosen_targets(session: Session, article: Article) -> list[ChannelTarget]:
    return outbox.targets_for(session, article)


def require_justification(
    session: Session, data: Mapping[str, Any], targets: Sequence[ChannelTarget]
) -> None:
    """S0.4 on the revision ``data``: national reach, or a topic a target does not accept,
    needs a written justification. Checked wherever an item may become either."""
    level = reach(session, data, targets)
    reason = justification_needed(level, data.get("topic"), targets, policy_of(session))
    if reason and not str(data.get("justification") or "").strip():
        raise ValidationFailed({"justification": reason})


def require_reach(
    session: Session, actor: Actor, data: Mapping[str, Any], targets: Sequence[ChannelTarget]
) -> None:
    """Before approving the revision ``data``: a fresh second factor for national reach
    (refusal audited), and the justification S0.4 asks for. Decided from the revision
    being approved, never from the live row."""
    if reach(session, data, targets) == NATIONAL:
        require_step_up(actor)  # national reach needs a fresh second factor
    require_justification(session, data, targets)


def replan(session: Session, article: Article, *, restore: bool = False) -> steps_mod.SyncReport:
    """Re-plan the item's steps for the revision under review and its chosen targets."""
    data = current_data(session, article)
    targets = chosen_targets(session, article)
    return steps_mod.sync(session, article, targets, data, reopen=False, restore=restore)


def _freeze_targets(session: Session, article: Article, targets: Sequence[ChannelTarget]) -> None:
    """At submit the chosen targets are written down, so the gates cannot shift under review."""
    have = set(
        session.scalars(
            select(ArticleTarget.target_id).where(ArticleTarget.article_id == article.id)
        )
    )
    missing = [t.id for t in targets if t.id not in have]
    insert_per_target(session, ArticleTarget, missing, {"article_id": article.id})


@dataclass
class Submitted:
    """What a submission planned, for an approval in the same transaction to go on from."""

    report: steps_mod.SyncReport
    targets: list[ChannelTarget]
    data: dict[str, Any]


def _submit(
    session: Session, actor: Actor, article: Article, justification: str | None = None
) -> Submitted:
    """Submit the (locked) item in the caller's transaction: permission, checks, the frozen
    targets, the steps, the audit entry."""
    path = outbox.unit_path(session, article.unit_id)
    require(actor, Permission.WRITE_CONTENT, path)
    move(article.status, Move.SUBMIT)  # refused before anything else is checked
    if justification is not None:
        article.justification = justification.strip()
    targets = chosen_targets(session, article)
    data = current_data(session, article)
    require_justification(session, data, targets)
    screen(session, article)
    if article.moderation == "block":
        require_publishable(article)  # a block stops submission, with the spans
    _freeze_targets(session, article, targets)
    report = steps_mod.sync(session, article, targets, data)
    advance(article, Move.SUBMIT)
    audit.about(
        session,
        actor,
        "article.submit",
        article,
        data={
            "revision": article.revision,
            "steps": [f"{s.source}/{s.key}" for s in report.steps],
            "voided": [s.key for s in report.voided],
            "justification": bool(article.justification),
        },
    )
    return Submitted(report, targets, data)


def submit(
    ctx: Context, actor: Actor, article_id: int, justification: str | None = None
) -> Outcome:
    with ctx.transaction() as session:
        article = _load(session, article_id)
        report = _submit(session, actor, article, justification).report
        result = Outcome(article, report.steps, [s.label for s in report.voided])
    ctx.emit("article.submitted", {"id": article.id})
    return result


def _step(session: Session, step_id: int) -> ApprovalStep:
    step = session.get(ApprovalStep, step_id)
    if step is None or step.state == StepState.VOID:
        raise NotFound(f"no open approval step with id {step_id}")
    return step


def decide(
    ctx: Context,
    actor: Actor,
    step_id: int,
    decision: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Outcome:
    """Approve, request changes on, or reject one step, with a comment."""
    state = DECISIONS.get(decision)
    if state is None:
        raise ValidationFailed({"decision": f"must be one of {sorted(DECISIONS)}"})
    if state != StepState.APPROVED and not comment.strip():
        raise ValidationFailed({"comment": "say what must change, or why it is refused"})
    with ctx.transaction() as session:
        step = _step(session, step_id)
        article = _load(session, step.article_id)
        if article.status not in DECIDABLE:
            raise InvalidTransition(f"an article that is {article.status} is not under review")
        data = current_data(session, article)
        if state == StepState.APPROVED:
            targets = chosen_targets(session, article)
            require_reach(session, actor, data, targets)
            steps_mod.sync(session, article, targets, data, reopen=False)
            step = _step(session, step_id)  # the revision may no longer need this step
        hashes = steps_mod.aspect_hashes(data)
        steps_mod.decide(session, article, step, actor, state, comment.strip(), hashes)
        released = _after_decision(ctx, session, article, state, now or utcnow())
        audit.about(
            session,
            actor,
            f"step.{decision}",
            article,
            data={
                "step": f"{step.source}/{step.key}",
                "revision": article.revision,
                "content_hash": hashes,
                "comment": comment.strip(),
                "released": released,
            },
        )
        result = Outcome(article, steps_mod.steps_of(session, article.id), [], released)
    _after_commit(ctx, result)
    return result


def approve(
    ctx: Context,
    actor: Actor,
    article_id: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Outcome:
    """Approve every open step this actor may decide, as far as the chain goes.

    A draft is submitted first when the actor may also write it (a one-person
    commune office), in the approval's own transaction, so the approval goes on from
    the submission's plan (for thousands of targets, planning twice cost seconds); if
    the approval is refused, the submission is made alone and stands, as it would have.
    An actor who may decide no open step is refused.
    """
    with ctx.sessions() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        status = article.status
    submitting = status in WRITING
    if submitting:
        with ctx.sessions() as session:
            path = outbox.unit_path(session, article.unit_id)
        if not actor.can(Permission.WRITE_CONTENT, path):
            raise InvalidTransition(f"an article that is {status} must be submitted first")
    submitted: Submitted | None = None
    try:
        with ctx.transaction() as session:
            article = _load(session, article_id)
            if submitting:
                submitted = _submit(session, actor, article)
            outcome = _approve(ctx, session, actor, article, comment, now, submitted)
    except LoaError:
        if submitted is not None:  # refused after the submission: that stands, as it would alone
            submit(ctx, actor, article_id)
        raise
    if submitted is not None:
        ctx.emit("article.submitted", {"id": article_id})
    _after_commit(ctx, outcome)
    return outcome


def _approve(
    ctx: Context,
    session: Session,
    actor: Actor,
    article: Article,
    comment: str,
    now: dt.datetime | None,
    submitted: Submitted | None,
) -> Outcome:
    """The approval part of :func:`approve`, on the locked item; ``submitted``: what a
    submission in this same transaction planned (its steps are not planned again)."""
    if article.status not in DECIDABLE:
        raise InvalidTransition(f"an article that is {article.status} cannot be approved")
    data = current_data(session, article)
    # Nothing changed since the submission planned this revision for the targets it froze:
    # they are the chosen targets now, and a second sync would find nothing to do.
    planned = submitted if submitted is not None and submitted.data == data else None
    targets = planned.targets if planned else chosen_targets(session, article)
    require_reach(session, actor, data, targets)
    require_media_fit(ctx, session, article, targets)
    if planned:
        all_steps = planned.report.steps
    else:
        all_steps = steps_mod.sync(session, article, targets, data, reopen=False).steps
    paths = _unit_paths(session, {s.unit_id for s in all_steps})
    hashes = steps_mod.aspect_hashes(data)
    decided: list[ApprovalStep] = []
    while True:  # a chain (province police, then the Ministry) may open further steps
        mine = [
            s
            for s in steps_mod.open_steps(all_steps)
            if steps_mod.holds(actor, s.role, paths[s.unit_id])
        ]
        if not mine:
            break
        steps_mod.record_many(
            session, mine, actor, StepState.APPROVED, comment.strip(), article, hashes
        )
        decided.extend(mine)
    if not decided:
        require(actor, Permission.APPROVE, outbox.unit_path(session, article.unit_id))
        waiting = [s.label for s in all_steps if s.state == StepState.PENDING]
        raise InvalidTransition(
            "none of the open approval steps is yours to decide; waiting for: " + "; ".join(waiting)
        )
    released = _after_decision(
        ctx, session, article, StepState.APPROVED, now or utcnow(), all_steps, targets
    )
    audit.about(
        session,
        actor,
        "step.approve",
        article,
        data={
            "steps": [f"{s.source}/{s.key}" for s in decided],
            "revision": article.revision,
            "content_hash": hashes,
            "comment": comment.strip(),
            "released": len(released),
        },
    )
    return Outcome(article, all_steps, [], released)


def _unit_paths(session: Session, unit_ids: set[int]) -> dict[int, str]:
    return unit_paths(session, unit_ids)


def _after_decision(
    ctx: Context,
    session: Session,
    article: Article,
    state: StepState,
    now: dt.datetime,
    all_steps: list[ApprovalStep] | None = None,
    targets: Sequence[ChannelTarget] | None = None,
) -> list[int]:
    """Move the item on after a decision; ``all_steps`` and ``targets``, when the caller holds
    them, are the item's current steps and chosen targets (not read again: an item for
    thousands of targets has a step each)."""
    reviewing = article.status in REVIEWING
    if state == StepState.REJECTED:
        if article.pending_revision is not None:
            article.pending_revision = None  # the edit is refused; the live revision stays
            replan(session, article, restore=True)  # and the plan its approvals were for
        elif reviewing:
            advance(article, Move.REJECT)
        return []  # on a live item, a refused gate only keeps that channel out
    if state == StepState.CHANGES_REQUESTED:
        if reviewing:
            advance(article, Move.REQUEST_CHANGES)
        return []
    if article.status == Status.SUBMITTED:
        advance(article, Move.START_REVIEW)
    if all_steps is None:
        all_steps = steps_mod.steps_of(session, article.id)
    if not steps_mod.scope_passed(all_steps):
        return []
    if article.pending_revision is not None:
        _apply_pending(session, article)
    screen(session, article)
    require_publishable(article)
    if article.status == Status.IN_REVIEW:
        advance(article, Move.APPROVE)
    if article.status == Status.APPROVED:
        starts = article.audience.visible_from
        ends = article.audience.visible_until
        if ends is not None and ends <= now:
            raise ValidationFailed({"audience.visible_until": "is already in the past"})
        scheduled = starts is not None and starts > now
        advance(article, Move.SCHEDULE if scheduled else Move.PUBLISH)
        article.published_at = starts if scheduled else now
    return release(ctx, session, article, all_steps, now, targets)


def _apply_pending(session: Session, article: Article) -> None:
    """The approved edit of a live item becomes its live content."""
    data = current_data(session, article)
    apply_snapshot(session, article, data)
    article.revision = article.pending_revision or article.revision
    article.content_hash = content_hash(data)
    article.pending_revision = None
    article.updated_at = utcnow()


def release(
    ctx: Context,
    session: Session,
    article: Article,
    all_steps: Sequence[ApprovalStep],
    now: dt.datetime,
    targets: Sequence[ChannelTarget] | None = None,
) -> list[int]:
    """Deliveries for every chosen target whose gates are passed and that lacks this revision.

    Reads placements and deliveries of the item once: an item may go to thousands of targets.
    """
    if article.status not in PUBLIC:
        return []
    due = article.audience.visible_from if article.status == Status.SCHEDULED else now
    placements = {
        p.target_id: p
        for p in session.scalars(select(Placement).where(Placement.article_id == article.id))
    }
    ops: dict[int, list[Delivery]] = {}
    for d in session.scalars(
        select(Delivery).where(
            Delivery.article_id == article.id,
            Delivery.action.in_([Action.PUBLISH, Action.UPDATE]),
            Delivery.state.in_(
                [
                    *OPEN_STATES,
                    DeliveryState.IN_FLIGHT,
                    DeliveryState.ASSISTED,
                    DeliveryState.DELIVERED,
                ]
            ),
        )
    ):
        ops.setdefault(d.target_id, []).append(d)
    passed = steps_mod.passed_targets(all_steps, together=article.release_together)
    publish: list[int] = []
    update: list[int] = []
    for target in chosen_targets(session, article) if targets is None else targets:
        if not passed(target.id):
            continue
        placement, open_ops = placements.get(target.id), ops.get(target.id, [])
        if placement is None or not placement.live:
            if not any(d.action == Action.PUBLISH for d in open_ops):
                publish.append(target.id)
        elif placement.revision < article.revision and not any(
            d.action == Action.UPDATE and d.revision == article.revision for d in open_ops
        ):
            update.append(target.id)
    return outbox.add(session, article, publish, Action.PUBLISH, due) + outbox.add(
        session, article, update, Action.UPDATE, due
    )


def _after_commit(ctx: Context, outcome: Outcome) -> None:
    article = outcome.article
    if outcome.released:
        at = article.audience.visible_from if article.status == Status.SCHEDULED else None
        queue.enqueue_release(ctx, article.id, outcome.released, at=at)
        ctx.emit("article.released", {"id": article.id, "deliveries": outcome.released})
    if article.status == Status.SCHEDULED and article.audience.visible_from is not None:
        queue.schedule_publish(ctx, article.id, article.audience.visible_from)
    if article.status in PUBLIC and article.audience.visible_until:
        queue.schedule_expiry(ctx, article.id, article.audience.visible_until)
    ctx.emit("article.decided", {"id": article.id, "status": article.status})


def publish_due(ctx: Context, article_id: int, now: dt.datetime | None = None) -> bool:
    """A scheduled item whose time has come is published; its lateness is recorded."""
    now = now or utcnow()
    with ctx.transaction() as session:
        article = _load(session, article_id)
        starts = article.audience.visible_from
        if article.status != Status.SCHEDULED or starts is None or starts > now:
            return False
        advance(article, Move.PUBLISH)
        lateness = max(0.0, (now - starts).total_seconds())
        audit.about(
            session,
            "system",
            "article.published",
            article,
            data={"due": starts.isoformat(), "lateness_seconds": round(lateness, 3)},
        )
    ctx.emit("article.published", {"id": article_id, "lateness_seconds": lateness})
    return True


def publish_due_all(ctx: Context, now: dt.datetime | None = None) -> list[int]:
    now = now or utcnow()
    with ctx.sessions() as session:
        due = session.scalars(
            select(Article.id)
            .join(Audience, Audience.article_id == Article.id)
            .where(Article.status == Status.SCHEDULED, Audience.visible_from <= now)
        ).all()
    return [a for a in due if publish_due(ctx, a, now)]


#: How long before the end of its window an editor is warned (S3.1: banners left up).
EXPIRY_WARNING = dt.timedelta(hours=48)


def warn_expiring(ctx: Context, now: dt.datetime | None = None) -> list[int]:
    """Tell editors, once per end date, that a live item is about to come down."""
    now = now or utcnow()
    warned: list[int] = []
    with ctx.transaction() as session:
        rows = session.execute(
            select(Article, Audience)
            .join(Audience, Audience.article_id == Article.id)
            .where(
                Article.status.in_(tuple(PUBLIC)),
                Audience.visible_until > now,
                Audience.visible_until <= now + EXPIRY_WARNING,
            )
        ).all()
        for article, audience in rows:
            if audience.expiry_warned_for == audience.visible_until:
                continue
            audience.expiry_warned_for = audience.visible_until
            audit.about(
                session,
                "system",
                "article.expiry_warning",
                article,
                data={"kind": article.kind, "visible_until": str(audience.visible_until)},
            )
            warned.append(article.id)
    for article_id in warned:
        ctx.emit("article.expiring", {"id": article_id})
    return warned


def expiring(ctx: Context, actor: Actor, within: dt.timedelta = EXPIRY_WARNING) -> list[Article]:
    """Live items (banners, campaign sections, posts) whose window closes soon, for this actor."""
    now = utcnow()
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(Article)
                .join(Audience, Audience.article_id == Article.id)
                .join(Unit, Unit.id == Article.unit_id)
                .where(
                    readable(actor),
                    Article.status.in_(tuple(PUBLIC)),
                    Audience.visible_until > now,
                    Audience.visible_until <= now + within,
                )
                .order_by(Audience.visible_until)
            )
        )


def set_rule(ctx: Context, actor: Actor, applies_to: str, raw_steps: list[Any]) -> list[Any]:
    """Change one rule of the policy (a scope's or a plugin's steps); audited.

    The policy covers every unit, so it takes channel management over the
    whole tree (a national channel admin). A target's own gates are changed
    on the target, by the channel admin of its unit.
    """
    kind, _, name = applies_to.partition(":")
    if kind not in ("scope", "plugin") or not name:
        raise ValidationFailed({"appliesTo": "must be scope:<level> or plugin:<name>"})
    stored = [spec.as_dict() for spec in parse_steps(raw_steps)]
    with ctx.transaction() as session:
        require(actor, Permission.MANAGE_CHANNELS, outbox.unit_path(session, _root_id(session)))
        rule = session.scalar(select(ApprovalRule).where(ApprovalRule.applies_to == applies_to))
        before = rule.steps if rule is not None else None
        if rule is None:
            rule = ApprovalRule(applies_to=applies_to)
            session.add(rule)
        rule.steps = stored
        rule.updated_at = utcnow()
        rule.updated_by = actor.name
        audit.record(
            session,
            actor=actor.name,
            action="policy.update",
            subject_type="approval_rule",
            subject_id=applies_to,
            data={"before": before, "after": stored},
        )
    ctx.emit("policy.updated", {"applies_to": applies_to})
    return stored


def _root_id(session: Session) -> int:
    root = root_unit_id(session)
    if root is None:
        raise NotFound("no administrative units: run `loa units sync`")
    return root
