"""The completeness report (C1): which of the information a unit must publish
(:data:`core.govcontent.obligations.OBLIGATIONS`) its portal has, lacks, or has in part.

Only what the public sees counts: published rows inside their window, published articles.
Each finding says what is missing in words an editor acts on, how many items there are, and
when the newest changed (what the Danh mục of Decree 13/2018 Art. 6 lists as "time"). An
article-backed item is also met by a published menu item that opens its section at an outside
URL (a province that publishes its budget on another site links it).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor, Permission, require
from core.content.models import Article, Category, Status
from core.context import Context
from core.db import utcnow
from core.govcontent import directory, english, profile
from core.govcontent.editing import unit_of
from core.govcontent.legal import VN
from core.govcontent.models import (
    LegalDocument,
    MenuItem,
    OfficialChannel,
    ScheduleSlot,
)
from core.govcontent.obligations import OBLIGATIONS, Obligation
from core.govcontent.schedules import week_start
from core.govcontent.visibility import shown
from core.units.models import Unit


class Coverage(enum.StrEnum):
    PRESENT = "present"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True)
class Finding:
    obligation: Obligation
    coverage: Coverage
    #: What lacks, each a short sentence an editor acts on; empty when present.
    missing: tuple[str, ...] = ()
    count: int = 0
    #: When the newest item was published or changed; None if there is none.
    latest: dt.datetime | None = None


@dataclass
class Probe:
    """What the checks read: one unit at one moment, in one session."""

    session: Session
    unit: Unit
    now: dt.datetime
    _sections: dict[str, str] | None = field(default=None, repr=False)

    def menu_sections(self) -> dict[str, str]:
        """Published menu items' sections → their URL (empty when it opens Loa's section)."""
        if self._sections is None:
            rows = self.session.execute(
                select(MenuItem.section, MenuItem.url).where(
                    MenuItem.unit_id == self.unit.id, shown(MenuItem, self.now)
                )
            )
            self._sections = {section: url for section, url in rows if section}
        return self._sections


def _finding(o: Obligation, missing: list[str], count: int, latest: dt.datetime | None) -> Finding:
    if not missing:
        coverage = Coverage.PRESENT
    elif count:
        coverage = Coverage.PARTIAL
    else:
        coverage = Coverage.MISSING
    return Finding(o, coverage, tuple(missing), count, latest)


def _live(p: Probe, model: Any, *where: Any) -> tuple[int, dt.datetime | None]:
    count, latest = p.session.execute(
        select(func.count(), func.max(model.updated_at)).where(
            model.unit_id == p.unit.id, shown(model, p.now), *where
        )
    ).one()
    return int(count), latest


def _articles(p: Probe, o: Obligation) -> Finding:
    stmt = select(func.count(), func.max(Article.published_at)).where(
        Article.unit_id == p.unit.id, Article.status == Status.PUBLISHED
    )
    if o.categories:
        stmt = stmt.join(Category, Category.id == Article.category_id).where(
            Category.slug.in_(o.categories)
        )
    count, latest = p.session.execute(stmt).one()
    if count or p.menu_sections().get(o.section):
        return _finding(o, [], int(count), latest)
    where = f" in category {', '.join(o.categories)}" if o.categories else ""
    return _finding(o, [f"no published article{where}"], 0, None)


def _introduction(p: Probe, o: Obligation) -> Finding:
    row = profile.profile_of(p.session, p.unit, None, p.now)
    if row is None:
        return _finding(o, ["no published unit profile"], 0, None)
    parts = {
        "introduction": row.introduction_html,
        "history": row.history_html,
        "functions and duties": row.functions_html,
    }
    missing = [f"the profile has no {name}" for name, value in parts.items() if not value]
    if row.org_chart_id is None:
        missing.append("the profile has no organisation chart")
    return _finding(o, missing, 1, row.updated_at)


def _legal(p: Probe, o: Obligation) -> Finding:
    count, latest = _live(p, LegalDocument)
    return _finding(o, [] if count else ["no published legal document"], count, latest)


def _procedures(p: Probe, o: Obligation) -> Finding:
    own = profile.profile_of(p.session, p.unit, None, p.now)
    url = profile.procedures_url(p.session, p.unit, own) or p.menu_sections().get(o.section)
    missing = [] if url else ["no administrative-procedures link (profile or a province template)"]
    return _finding(o, missing, 1 if url else 0, own.updated_at if own else None)


def _feedback(p: Probe, o: Obligation) -> Finding:
    sections = p.menu_sections()
    linked = "feedback" in sections or "contact" in sections
    missing = [] if linked else ["no published menu item opens the feedback or contact section"]
    return _finding(o, missing, int(linked), None)


def _contacts(p: Probe, o: Obligation) -> Finding:
    rows = directory.entries(p.session, p.unit, None, None, p.now)
    groups = {e.group for e in rows}
    missing = [
        f"no {directory.GROUPS[g].lower()} ({g}) in the directory"
        for g in ("spokesperson", "content_responsible")
        if g not in groups
    ]
    if not any(e.phone or e.email for e in rows):
        missing.append("no contact with a phone or an e-mail")
    old = directory.stale(rows, p.now)
    missing += [f"{e.name}: not verified since {e.verified_on:%d/%m/%Y}" for e in old]
    latest = max((e.updated_at for e in rows), default=None)
    return _finding(o, missing, len(rows), latest)


def _reception(p: Probe, o: Obligation) -> Finding:
    start = week_start(None, p.now)
    nxt = start + dt.timedelta(weeks=1)
    missing = []
    count = 0
    latest = None
    for label, begin in (("this week", start), ("next week", nxt)):
        n, last = _live(
            p,
            ScheduleSlot,
            ScheduleSlot.kind == "reception",
            ScheduleSlot.starts_at < (begin + dt.timedelta(weeks=1)).astimezone(dt.UTC),
            ScheduleSlot.ends_at > begin.astimezone(dt.UTC),
        )
        count += n
        latest = max(filter(None, (latest, last)), default=None)
        if not n:
            missing.append(f"no citizen reception slot {label} (week of {begin:%d/%m/%Y})")
    return _finding(o, missing, count, latest)


def _channels(p: Probe, o: Obligation) -> Finding:
    count, latest = _live(p, OfficialChannel)
    return _finding(o, [] if count else ["no published official channel"], count, latest)


def _english(p: Probe, o: Obligation) -> Finding:
    missing = []
    row = profile.profile_of(p.session, p.unit, None, p.now)
    if row is None or not (row.introduction_en_html and row.functions_en_html):
        missing.append("the profile has no English introduction and functions")
    elif english.stale(row):
        missing.append("the profile's English is older than its Vietnamese")
    entries = directory.entries(p.session, p.unit, None, None, p.now)
    untranslated = [e.name for e in entries if not english.has_english(e, english.DIRECTORY)]
    if untranslated:
        missing.append(
            "contacts without English for their title or body: " + ", ".join(untranslated)
        )
    missing += [f"{e.name}: English older than Vietnamese" for e in entries if english.stale(e)]
    written = (
        int(row is not None and bool(row.functions_en_html)) + len(entries) - len(untranslated)
    )
    return _finding(o, missing, written, row.en_changed_at if row else None)


Check = Callable[[Probe, Obligation], Finding]
CHECKS: dict[str, Check] = {
    "introduction": _introduction,
    "legal_documents": _legal,
    "procedures": _procedures,
    "feedback": _feedback,
    "contacts": _contacts,
    "reception_schedule": _reception,
    "official_channels": _channels,
    "english": _english,
}


def report(session: Session, unit: Unit, now: dt.datetime) -> list[Finding]:
    """One finding per obligation, in the list's order."""
    probe = Probe(session, unit, now)
    return [CHECKS.get(o.key, _articles)(probe, o) for o in OBLIGATIONS]


def score(findings: list[Finding]) -> tuple[int, int]:
    """(present, total): what a dashboard shows as "12 of 16"."""
    return sum(f.coverage is Coverage.PRESENT for f in findings), len(findings)


def local_day(value: dt.datetime | None) -> str:
    return value.astimezone(VN).strftime("%d/%m/%Y") if value is not None else "—"


def unit_report(ctx: Context, actor: Actor, unit_code: str) -> tuple[Unit, list[Finding]]:
    """The report for an editor of the unit (or above): drafts' readers, not the public,
    since it names what is missing and who has not been verified."""
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        return unit, report(session, unit, utcnow())
