"""The approval steps of one item: derive them, void the ones an edit touches, decide them.

Steps complete independently: a step is open as soon as the steps it comes
``after`` (within the same source) are approved. A channel's gates are passed
when the scope's steps and that channel's own steps are all approved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import SQLColumnExpression, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.auth.models import Role
from core.auth.permissions import Actor, Permission
from core.content.fields import Aspect, of_aspect
from core.content.models import Article
from core.db import among, utcnow
from core.errors import Forbidden, InvalidTransition
from core.targets.models import ChannelTarget
from core.targets.rows import insert_per_target, source_of
from core.units.lookups import ancestor_ids, province_of
from core.units.models import Unit
from core.workflow.models import ApprovalStep, StepState
from core.workflow.policy import ASPECTS, StepSpec, parse_steps, rule_steps
from core.workflow.reach import reach

SCOPE = "scope"
#: A target's steps have the source ``target:<id>``.
TARGET_PREFIX = "target:"


def target_source(target_id: int) -> str:
    return f"{TARGET_PREFIX}{target_id}"


def aspect_hashes(data: Mapping[str, Any]) -> dict[str, str]:
    """One hash per aspect of a revision snapshot (see core.content.snapshots.snapshot).

    Each article field counts towards its declared aspect (core.content.fields); the audience
    aspect also holds the snapshot's whole ``audience``.
    """
    parts = {
        Aspect.CONTENT.value: {k: data.get(k) for k in of_aspect(Aspect.CONTENT)},
        Aspect.AUDIENCE.value: {
            "audience": data.get("audience"),
            **{k: data.get(k) for k in of_aspect(Aspect.AUDIENCE)},
        },
    }
    return {
        aspect: hashlib.sha256(
            json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()
        for aspect, value in parts.items()
    }


@dataclass(frozen=True)
class Required:
    source: str
    target_id: int | None
    spec: StepSpec
    unit_id: int


def _place(session: Session, at: str, unit_id: int, target: ChannelTarget | None) -> int:
    if at == "target_unit" and target is not None:
        return target.unit_id
    unit = session.get(Unit, unit_id)
    assert unit is not None
    if at in ("item_unit", "target_unit"):
        return unit.id
    if at == "national":
        return ancestor_ids(unit)[0]
    province = province_of(session, unit)
    return province.id if province is not None else unit.id


def target_specs(session: Session, target: ChannelTarget) -> list[StepSpec]:
    """A target's own declared gates, or its plugin's rule when it declares none."""
    if target.gates is not None:
        return parse_steps(target.gates)
    return rule_steps(session, f"plugin:{target.plugin}")


def required(
    session: Session,
    article: Article,
    targets: Sequence[ChannelTarget],
    data: Mapping[str, Any],
) -> list[Required]:
    """Every step the revision ``data`` (a snapshot of it) needs.

    The scope rule is the revision's real reach (``core.workflow.reach``), placed on
    the revision's unit: a pending edit that widens the audience or moves the item
    is planned as it will be published, not as the live row stands. Rules and
    places are looked up once, not once per target.
    """
    scope = reach(session, data, targets)
    unit_id = int(data.get("unit_id") or article.unit_id)
    places: dict[tuple[str, int | None], int] = {}

    def place(at: str, target: ChannelTarget | None) -> int:
        key = (at, target.unit_id if at == "target_unit" and target is not None else None)
        if key not in places:
            places[key] = _place(session, at, unit_id, target)
        return places[key]

    needed = [
        Required(SCOPE, None, spec, place(spec.at, None))
        for spec in rule_steps(session, f"scope:{scope}")
    ]
    plugin_rules: dict[str, list[StepSpec]] = {}
    for target in targets:
        if target.gates is not None:
            specs = parse_steps(target.gates)
        else:
            if target.plugin not in plugin_rules:
                plugin_rules[target.plugin] = rule_steps(session, f"plugin:{target.plugin}")
            specs = plugin_rules[target.plugin]
        needed.extend(
            Required(target_source(target.id), target.id, spec, place(spec.at, target))
            for spec in specs
        )
    return needed


def step_of(session: Session, article_id: int, step_id: int) -> ApprovalStep | None:
    """The step ``step_id`` if it is one of the article's."""
    step = session.get(ApprovalStep, step_id)
    return step if step is not None and step.article_id == article_id else None


def steps_of(
    session: Session, article_id: int, *, include_void: bool = False
) -> list[ApprovalStep]:
    stmt = select(ApprovalStep).where(ApprovalStep.article_id == article_id)
    if not include_void:
        stmt = stmt.where(ApprovalStep.state != StepState.VOID)
    return list(session.scalars(stmt.order_by(ApprovalStep.id)))


def touched(step: ApprovalStep, hashes: dict[str, str]) -> list[str]:
    return [a for a in step.covers if (step.aspect_hashes or {}).get(a) != hashes.get(a)]


def stands(step: ApprovalStep, hashes: dict[str, str]) -> bool:
    """Whether a step set aside was approved on exactly these aspects (a widening refused,
    an audience narrowed and widened back): only approvals keep their hashes."""
    return bool(step.decided_by and step.aspect_hashes) and not touched(step, hashes)


@dataclass
class SyncReport:
    created: list[ApprovalStep]
    voided: list[ApprovalStep]
    reopened: list[ApprovalStep]
    dropped: list[ApprovalStep] = field(default_factory=list)
    #: Every step of the item that is not void after the sync, in the order of
    #: :func:`steps_of`: the caller need not read them again (thousands for a wide fan-out).
    steps: list[ApprovalStep] = field(default_factory=list)


def _new_step(article: Article, need: Required, now: dt.datetime) -> dict[str, Any]:
    """The row of a step the revision newly needs, pending."""
    return {
        "article_id": article.id,
        "source": need.source,
        "key": need.spec.key,
        "target_id": need.target_id,
        "label": need.spec.label,
        "role": need.spec.role,
        "unit_id": need.unit_id,
        "after": list(need.spec.after),
        "covers": list(need.spec.covers),
        "state": StepState.PENDING,
        "created_at": now,
    }


def _assign(step: ApprovalStep, **values: Any) -> None:
    """Set what differs only: a sync right after another (approve after submit, 10,000 steps
    for a wide fan-out) then changes nothing and the flush writes nothing."""
    for name, value in values.items():
        if getattr(step, name) != value:
            setattr(step, name, value)


def sync(
    session: Session,
    article: Article,
    targets: Sequence[ChannelTarget],
    data: Mapping[str, Any],
    *,
    reopen: bool = True,
    restore: bool = False,
) -> SyncReport:
    """Make the item's steps match the policy and the revision ``data`` under review.

    Steps the revision newly needs (a wider audience, a channel with its own gate)
    are created pending. Approvals whose covered aspects did not change are kept;
    approvals an edit touched, or whose deciding role or unit moved, go back to
    pending with a note saying why; steps no longer required (a narrower audience,
    a target dropped) are voided, so nothing waits on a step nobody needs. With
    ``restore`` (the live revision's plan, back after a pending edit was refused), a
    voided step required again keeps its approval if it was given on exactly these
    aspects.
    Refused steps are opened again only with ``reopen`` (a submission answers
    them; an edit of a live item leaves a refused channel out).
    """
    hashes = aspect_hashes(data)
    report = SyncReport([], [], [])
    existing = {(s.source, s.key): s for s in steps_of(session, article.id, include_void=True)}
    wanted: set[tuple[str, str]] = set()
    revision = article.pending_revision or article.revision
    new: list[Required] = []
    for need in required(session, article, targets, data):
        ident = (need.source, need.spec.key)
        wanted.add(ident)
        step = existing.get(ident)
        if step is None:
            new.append(need)
            continue
        moved = (step.role, step.unit_id) != (need.spec.role, need.unit_id)
        _assign(
            step,
            target_id=need.target_id,
            label=need.spec.label,
            role=need.spec.role,
            unit_id=need.unit_id,
            after=list(need.spec.after),
            covers=list(need.spec.covers),
        )
        if step.state == StepState.APPROVED and (changed := touched(step, hashes)):
            step.state = StepState.PENDING
            step.note = f"voided by revision {revision}: {', '.join(changed)} changed"
            report.voided.append(step)
        elif step.state == StepState.APPROVED and moved:
            step.state = StepState.PENDING
            step.note = f"voided by revision {revision}: now decided by {need.spec.role} elsewhere"
            report.voided.append(step)
        elif restore and step.state == StepState.VOID and stands(step, hashes) and not moved:
            step.state = StepState.APPROVED  # required again for exactly what it approved
            step.note = f"approval of revision {step.revision} stands for revision {revision}"
            report.reopened.append(step)
        elif step.state == StepState.VOID or (
            reopen and step.state in (StepState.CHANGES_REQUESTED, StepState.REJECTED)
        ):
            report.reopened.append(step)
            step.state = StepState.PENDING
            step.note = f"required by revision {revision}"
    for ident, step in existing.items():
        if ident not in wanted and step.state != StepState.VOID:
            step.state = StepState.VOID
            step.note = "no longer required"
            report.dropped.append(step)
    session.flush()
    report.created = _insert(session, article, new, existing)
    report.steps = sorted(
        (s for s in [*existing.values(), *report.created] if s.state != StepState.VOID),
        key=lambda s: s.id,
    )
    return report


def _insert(
    session: Session,
    article: Article,
    needs: list[Required],
    existing: Mapping[tuple[str, str], ApprovalStep],
) -> list[ApprovalStep]:
    """Write the steps the revision newly needs, in the order :func:`required` gives, and read
    them back (in id order).

    A run of targets sharing one gate (an item for ten thousand targets: a step each) is
    written by the database from the targets (``core.targets.rows``); other steps row by row.
    """
    if not needs:
        return []
    now = utcnow()
    for run in _runs(needs):
        first = run[0]
        if len(run) == 1:
            session.execute(insert(ApprovalStep), [_new_step(article, first, now)])
            continue
        row = _new_step(article, first, now)
        computed: dict[str, SQLColumnExpression[Any]] = {"source": source_of(TARGET_PREFIX)}
        if first.spec.at == "target_unit":  # the target's own unit, as _place says
            computed["unit_id"] = ChannelTarget.unit_id
        values = {k: v for k, v in row.items() if k not in ("target_id", *computed)}
        insert_per_target(
            session, ApprovalStep, [n.target_id for n in run if n.target_id], values, computed
        )
    return [s for s in steps_of(session, article.id) if (s.source, s.key) not in existing]


def _runs(needs: list[Required]) -> list[list[Required]]:
    """Split ``needs`` into runs a single ``INSERT … SELECT`` may write in order: consecutive
    target steps of one spec (on one unit, unless on each target's own), one per target, in
    ascending target id (the order the statement writes them in)."""
    runs: list[list[Required]] = []
    for need in needs:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.target_id is not None
            and need.target_id is not None
            and need.target_id > last.target_id
            and need.spec == last.spec
            and (need.unit_id == last.unit_id or need.spec.at == "target_unit")
        ):
            runs[-1].append(need)
        else:
            runs.append([need])
    return runs


def reopen_requested(session: Session, article: Article) -> list[ApprovalStep]:
    reopened = []
    for step in steps_of(session, article.id):
        if step.state == StepState.CHANGES_REQUESTED:
            step.state = StepState.PENDING
            step.note = f"reopened by revision {article.pending_revision or article.revision}"
            reopened.append(step)
    return reopened


def is_open(step: ApprovalStep, steps: Iterable[ApprovalStep]) -> bool:
    """Pending, and every step it waits for (of its own source) approved."""
    return step in open_steps([step, *steps])


def open_steps(steps: Iterable[ApprovalStep]) -> list[ApprovalStep]:
    """The steps open for a decision, in order, reading the steps once.

    An item for thousands of targets has a step per target: asking :func:`is_open` of each
    against all the others would be quadratic.
    """
    steps = list(steps)
    approved: dict[str, set[str]] = {}
    for s in steps:
        if s.state == StepState.APPROVED:
            approved.setdefault(s.source, set()).add(s.key)
    return [
        s
        for s in steps
        if s.state == StepState.PENDING and set(s.after) <= approved.get(s.source, set())
    ]


def holds(actor: Actor, role: str, unit_path: str) -> bool:
    """Whether the actor holds ``role`` on this unit or one above it.

    An admin counts as the unit's approver; gatekeepers of other bodies (police,
    an editorial board, an agency's leader) must decide for themselves.
    """
    if actor.scopes is not None and Permission.APPROVE not in actor.scopes:
        return False  # a token without the publish scope decides nothing
    return any(
        (g.role == role or (g.role == Role.ADMIN and role == Role.APPROVER))
        and unit_path.startswith(g.unit_path)
        for g in actor.grants
    )


def decide(
    session: Session,
    article: Article,
    step: ApprovalStep,
    actor: Actor,
    decision: StepState,
    comment: str,
    hashes: dict[str, str],
) -> None:
    steps = steps_of(session, article.id)
    if not is_open(step, steps):
        waiting = ", ".join(step.after) or "nothing"
        raise InvalidTransition(
            f"step {step.key!r} is {step.state} and not open for a decision"
            f" (it waits for {waiting})"
        )
    unit = session.get(Unit, step.unit_id)
    assert unit is not None
    if not holds(actor, step.role, unit.path):
        raise Forbidden(f"{actor.name} does not hold the role {step.role} for {unit.name}")
    record(step, actor, decision, comment, article, hashes)


def record(
    step: ApprovalStep,
    actor: Actor,
    decision: StepState,
    comment: str,
    article: Article,
    hashes: dict[str, str],
) -> None:
    """Write a decision on a step, bound to the revision (per aspect) it was made on."""
    for name, value in _decision(actor, decision, comment, article, hashes).items():
        setattr(step, name, value)


def _decision(
    actor: Actor, decision: StepState, comment: str, article: Article, hashes: dict[str, str]
) -> dict[str, Any]:
    """The columns a decision writes on a step."""
    return {
        "state": decision,
        "decided_by": actor.name,
        "decided_at": utcnow(),
        "comment": comment,
        "revision": article.pending_revision or article.revision,
        "aspect_hashes": {a: hashes[a] for a in ASPECTS} if decision == StepState.APPROVED else {},
    }


#: Steps decided per UPDATE statement (well under SQLite's limit of bound parameters).
DECIDE_CHUNK = 5000


def record_many(
    session: Session,
    steps: Sequence[ApprovalStep],
    actor: Actor,
    decision: StepState,
    comment: str,
    article: Article,
    hashes: dict[str, str],
) -> None:
    """:func:`record` the same decision on many steps in a few UPDATE statements.

    One approval may decide a step per target of a wide fan-out; the unit of work would write
    them one parameter set at a time. The steps in the session take the written values as
    their committed state (``sync`` flushed them before, so nothing of theirs is pending).
    """
    values = _decision(actor, decision, comment, article, hashes)
    session.flush()
    for start in range(0, len(steps), DECIDE_CHUNK):
        ids = [s.id for s in steps[start : start + DECIDE_CHUNK]]
        session.execute(
            update(ApprovalStep)
            .where(among(session, ApprovalStep.id, ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for step in steps:
        for name, value in values.items():
            set_committed_value(step, name, value)


def scope_passed(steps: Iterable[ApprovalStep]) -> bool:
    return all(s.state == StepState.APPROVED for s in steps if s.source == SCOPE)


def passed_targets(steps: Sequence[ApprovalStep], *, together: bool) -> Callable[[int], bool]:
    """A test of "may this target receive the item now", computed once for many targets."""
    approved = all(s.state == StepState.APPROVED for s in steps)
    scope_ok = scope_passed(steps)
    blocked = {s.target_id for s in steps if s.source != SCOPE and s.state != StepState.APPROVED}
    if together:
        return lambda _target_id: approved
    return lambda target_id: scope_ok and target_id not in blocked
