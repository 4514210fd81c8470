"""What the desk reads of government content: a unit's rows of one kind, one row to edit.

The admin pages run no SQL (import-linter ``no-sql-in-views``): they call these reads, which
answer plain views, only of units the actor may read drafts of (the management API's rule),
newest first. Writing goes through :mod:`core.govcontent.editing` like the management API's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.errors import NotFound, ValidationFailed
from core.govcontent import banners, legal, profile, schedules
from core.govcontent.editing import Kind, load, unit_of
from core.govcontent.kinds import KINDS
from core.govcontent.legal import VN
from core.govcontent.models import BannerPlacement, LegalDocument, LegalRelation, UnitProfile
from core.media.models import MediaAsset
from core.units.lookups import units_by_path
from core.units.models import Unit

#: How many rows one list shows (newest first).
LIMIT = 200
#: What names a row in a list, per kind.
TITLE = {
    "legal_document": lambda r: f"{r.number} — {r.abstract}",
    "banner": lambda r: r.title,
    "schedule_slot": lambda r: f"{r.person}: {r.content}",
    "directory_entry": lambda r: f"{r.name} — {r.title}",
    "unit_profile": lambda r: "Hồ sơ đơn vị / Unit profile",
    "official_channel": lambda r: f"{r.name} ({r.platform})",
    "menu_item": lambda r: f"{r.menu}: {r.label}",
    "campaign_section": lambda r: r.title,
}
_ASSETS = {"file_id": "file", "image_id": "image", "org_chart_id": "org_chart"}
_HIDDEN = {"id", "uid", "unit_id", "state", "created_by", "created_at", "updated_at"}


@dataclass(frozen=True)
class GovLine:
    """One row of a kind: its id, what names it, its state, and its fields as form values."""

    uid: str
    kind: str
    title: str
    state: str
    unit_code: str
    updated_at: dt.datetime | None
    published_at: dt.datetime | None
    starts_at: dt.datetime | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: A legal document's status today (in force, expired, replaced…), else "".
    status: str = ""


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(f"no content type {name}") from None


def _value(value: Any) -> str:
    """A column's value as a form input shows it (times in Asia/Ho_Chi_Minh)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        when = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return when.astimezone(VN).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _line(session: Any, kind: Kind, row: Any, unit: Unit, status: str = "") -> GovLine:
    values: dict[str, Any] = {
        c.name: _value(getattr(row, c.name))
        for c in kind.model.__table__.c
        if c.name not in _HIDDEN and c.name not in _ASSETS
    }
    for column, name in _ASSETS.items():
        if column in kind.model.__table__.c and getattr(row, column) is not None:
            asset = session.get(MediaAsset, getattr(row, column))
            values[name] = asset.uid if asset is not None else ""
            values[f"{name}_name"] = asset.filename if asset is not None else ""
    if kind.name == "banner":
        placement = session.get(BannerPlacement, row.placement_id)
        values["placement"] = placement.key if placement is not None else ""
    if kind.name == "legal_document":
        values["replaces"] = list(
            session.scalars(
                select(LegalDocument.uid)
                .join(LegalRelation, LegalRelation.target_id == LegalDocument.id)
                .where(LegalRelation.document_id == row.id, LegalRelation.relation == "replaces")
            )
        )
    for name in ("introduction", "history", "functions", "introduction_en", "functions_en"):
        if f"{name}_html" in values:
            values[name] = values.pop(f"{name}_html")
    return GovLine(
        uid=row.uid,
        kind=kind.name,
        title=TITLE[kind.name](row),
        state=row.state,
        unit_code=unit.code,
        updated_at=row.updated_at,
        published_at=row.published_at,
        starts_at=getattr(row, "starts_at", None),
        values=values,
        status=status,
    )


def desk_units(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the units whose drafts the actor reads (writers' and approvers'), by code."""
    with ctx.sessions() as session:
        units = units_by_path(session, actor.paths(Permission.READ_DRAFTS))
    return sorted((u.code, u.name) for u in units.values())


def _unit(session: Any, code: str) -> Unit:
    """The unit a page names; NotFound (a 404 page) when there is none."""
    try:
        return unit_of(session, code)
    except ValidationFailed:
        raise NotFound(f"no administrative unit {code}") from None


def rows(
    ctx: Context, actor: Actor, kind_name: str, unit_code: str, week: str | None = None
) -> list[GovLine]:
    """The unit's rows of a kind (drafts, published, withdrawn, expired), newest first;
    schedule slots: those of ISO ``week`` (this week when None), in time order."""
    kind = kind_named(kind_name)
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        model = kind.model
        stmt = select(model).where(model.unit_id == unit.id)
        if kind is schedules.KIND:
            start = schedules.week_start(week, dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
            stmt = stmt.where(
                model.starts_at < start + dt.timedelta(days=7), model.ends_at > start
            ).order_by(model.starts_at, model.id)
        else:
            stmt = stmt.order_by(model.updated_at.desc(), model.id.desc())
        found = list(session.scalars(stmt.limit(LIMIT)))
        status: dict[int, str] = {}
        if kind.name == "legal_document":
            status = {k: v.value for k, v in legal.statuses(session, found, legal.today()).items()}
        return [_line(session, kind, r, unit, status.get(r.id, "")) for r in found]


def row(ctx: Context, actor: Actor, kind_name: str, uid: str) -> GovLine:
    """One row to edit, if the actor may read the drafts of its unit."""
    kind = kind_named(kind_name)
    with ctx.sessions() as session:
        found = load(session, kind, uid)
        unit = session.get(Unit, found.unit_id)
        assert unit is not None
        require(actor, Permission.READ_DRAFTS, unit.path)
        return _line(session, kind, found, unit)


def documents(ctx: Context, actor: Actor, unit_code: str) -> list[tuple[str, str]]:
    """(id, number — abstract) of the unit's legal documents, what one may replace."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        found = session.execute(
            select(LegalDocument.uid, LegalDocument.number, LegalDocument.abstract)
            .where(LegalDocument.unit_id == unit.id)
            .order_by(LegalDocument.issued_on.desc(), LegalDocument.id.desc())
            .limit(LIMIT)
        )
        return [(uid, f"{number} — {abstract[:80]}") for uid, number, abstract in found]


def platforms(ctx: Context) -> list[tuple[str, str]]:
    """(key, name) of the platforms an official channel may be on."""
    with ctx.sessions() as session:
        return list(profile.platforms(session).items())


def placements(ctx: Context, actor: Actor, unit_code: str) -> list[tuple[str, str]]:
    """(key, name) of the unit's banner slots, with their largest size."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        return [
            (p.key, f"{p.name} ({p.max_width}×{p.max_height})")
            for p in banners.placements(session, unit)
        ]


def profile_uid(ctx: Context, actor: Actor, unit_code: str) -> str | None:
    """The id of the unit's one profile, if it has been written."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        return session.scalar(select(UnitProfile.uid).where(UnitProfile.unit_id == unit.id))
