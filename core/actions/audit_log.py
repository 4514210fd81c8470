"""Reading the audit log: what an admin may see of it, by the units their role covers.

The log itself (:mod:`core.audit`) sits below accounts and permissions, which write to it;
reading it is a permission-checked action, so it lives here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import audit, audit_anchor
from core.audit import AuditEntry
from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.errors import ValidationFailed
from core.units.lookups import find_unit


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    has_next: bool


def search(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    actor_name: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    unit_path: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    first: int = 50,
    before_id: int | None = None,
) -> AuditPage:
    """Entries an admin may read, newest first: those on units their admin role covers.

    Entries about no unit (sign-ins by unknown names, system jobs) are for admins of the
    whole tree (a role on the top unit). ``action`` matches a prefix ("auth." finds all
    sign-in events).
    """
    paths = actor.paths(Permission.READ_AUDIT)
    if not paths:
        require(actor, Permission.READ_AUDIT, "/")  # raises, and records the refusal
    if not 1 <= first <= 200:
        raise ValidationFailed({"first": "must be between 1 and 200"})
    visible = [AuditEntry.unit_path.startswith(p) for p in paths]
    if any(p.count("/") <= 2 for p in paths):  # "/" or "/<top unit id>/": the whole tree
        visible.append(AuditEntry.unit_path == "")
    stmt = select(AuditEntry).where(or_(*visible))
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    if actor_name:
        stmt = stmt.where(AuditEntry.actor == actor_name)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if unit_path:
        stmt = stmt.where(AuditEntry.unit_path.startswith(unit_path))
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    if before_id:
        stmt = stmt.where(AuditEntry.id < before_id)
    rows = list(session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(first + 1)))
    return AuditPage(rows[:first], len(rows) > first)


def entries(
    ctx: Context,
    actor: Actor,
    *,
    actor_name: str = "",
    action: str = "",
    unit_code: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    first: int = 50,
    before_id: int | None = None,
) -> AuditPage:
    """:func:`search` for the admin's audit screen: a unit by its code, blank filters ignored.

    Pages are keyset (``before_id``: the last id of the page before), never OFFSET.
    """
    with ctx.sessions() as session:
        unit_path = None
        if unit_code.strip():
            unit = find_unit(session, unit_code.strip())
            if unit is None:
                raise ValidationFailed({"unit": f"no administrative unit with code {unit_code!r}"})
            unit_path = unit.path
        page = search(
            session,
            actor,
            action=action.strip() or None,
            actor_name=actor_name.strip() or None,
            unit_path=unit_path,
            since=since,
            until=until,
            first=first,
            before_id=before_id,
        )
        session.expunge_all()
        return page


# --- the chain's verify status ---------------------------------------------------------------

#: Entries one request may check: a big log is verified over several requests, never in one.
VERIFY_BUDGET = 5000
_WALK = "loa:audit:verify:walk"  # the walk under way (a ChainReport with complete=False)
_DONE = "loa:audit:verify:done"  # the last finished walk: verified, or the first broken link
_LOCK = "loa:audit:verify:lock"


@dataclass(frozen=True)
class ChainStatus:
    """What the audit screen says of the chain.

    ``verified_through``/``verified_at``: the last finished walk proved every entry up to that
    one, at that time. ``broken_at``/``reason``: it found the first broken link there instead.
    ``progress``: entries checked so far by the walk under way (None: none under way).
    """

    verified_through: int | None = None
    verified_at: dt.datetime | None = None
    broken_at: int | None = None
    reason: str = ""
    head_id: int = 0
    progress: int | None = None
    anchors: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


def _store(ctx: Context, key: str, value: dict[str, Any] | None) -> None:
    if value is None:
        ctx.redis.delete(key)
    else:
        ctx.redis.set(key, json.dumps(value, default=str))


def _load(ctx: Context, key: str) -> dict[str, Any] | None:
    raw = ctx.redis.get(key)
    return json.loads(raw) if raw else None


def _status(ctx: Context, head_id: int) -> ChainStatus:
    done, walk = _load(ctx, _DONE), _load(ctx, _WALK)
    progress = walk["checked"] if walk else None
    if done is None:
        return ChainStatus(head_id=head_id, progress=progress)
    at = dt.datetime.fromisoformat(done["at"])
    if done["ok"]:
        return ChainStatus(
            done["last_id"], at, head_id=head_id, progress=progress, anchors=done["anchors"]
        )
    return ChainStatus(
        None, at, done["first_bad_id"], done["reason"], head_id=head_id, progress=progress
    )


def _anchors(ctx: Context, session: Session) -> tuple[int, str, int | None]:
    """(anchors checked, why they fail or "", the first bad id) from ``LOA_AUDIT_ANCHOR_FILE``."""
    path = ctx.settings.audit_anchor_file
    if path is None or not path.exists():
        return 0, "", None
    try:
        anchors = audit_anchor.parse(path.read_text(encoding="utf-8"))
    except (OSError, audit_anchor.AnchorError) as exc:
        return 0, f"the anchor file cannot be read ({exc})", None
    report = audit_anchor.check(session, anchors)
    return report.checked, report.reason, report.first_bad_id


def chain_status(
    ctx: Context,
    actor: Actor,
    *,
    step: bool = True,
    budget: int = VERIFY_BUDGET,
    now: dt.datetime | None = None,
) -> ChainStatus:
    """The chain's verify status; with ``step``, first check up to ``budget`` more entries.

    A walk goes from the oldest entry to the newest over as many calls as it needs (its place
    is kept in Redis, one walker at a time); when it reaches the newest entry it checks the
    anchors too, records "verified up to entry N at time T" (or the first broken link) and the
    next call starts a fresh walk, so a change to any entry is found within one walk.
    """
    if not actor.paths(Permission.READ_AUDIT):
        require(actor, Permission.READ_AUDIT, "/")  # raises, and records the refusal
    now = now or dt.datetime.now(dt.UTC)
    with ctx.sessions() as session:
        top = audit.head(session)
        head_id = top[0] if top else 0
        if not step or not ctx.redis.set(_LOCK, "1", nx=True, ex=60):
            return _status(ctx, head_id)
        try:
            walk = _load(ctx, _WALK)
            resume = audit.ChainReport(**walk) if walk else None
            report = audit.verify(session, resume=resume, limit=budget)
            if report.ok and not report.complete:
                _store(ctx, _WALK, asdict(report))
                return _status(ctx, head_id)
            done: dict[str, Any] = {**asdict(report), "at": now.isoformat(), "anchors": 0}
            if report.ok:
                checked, reason, bad = _anchors(ctx, session)
                done.update(anchors=checked)
                if reason:
                    done.update(ok=False, reason=reason, first_bad_id=bad)
            _store(ctx, _DONE, done)
            _store(ctx, _WALK, None)
            return _status(ctx, head_id)
        finally:
            ctx.redis.delete(_LOCK)
