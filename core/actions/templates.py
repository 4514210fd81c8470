"""Templates of recurring items: save the form under a name, list, start from, rename, delete.

Who: anyone who may write content on the template's unit (its editors; an admin of the unit
or of a unit above it). A template is a unit's: another commune's is unknown to the actor
(Forbidden, audited by the caller, like an item). Names are NFC, at most
:data:`NAME_LIMIT` characters and unique per unit whatever their case; a template's fields
are cleaned like an item's (nh3 body, NFC text, the item's limits) and capped at
:data:`MAX_DATA` characters; a unit keeps at most :data:`MAX_PER_UNIT`. Starting an item from
a template copies fields only, never an approval, a revision or a history. Every change is
audited (``template.create``, ``template.rename``, ``template.delete``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.content.item_templates import ItemTemplate
from core.content.validation import clean_article
from core.context import Context
from core.db import utcnow
from core.errors import NotFound, ValidationFailed
from core.text import nfc
from core.units.lookups import find_unit
from core.units.models import Unit

NAME_LIMIT = 120
#: The JSON of a template's fields, in characters (a long body fits; a dump does not).
MAX_DATA = 200_000
MAX_PER_UNIT = 200
#: The item's fields a template keeps (the window dates of one occurrence are not kept).
FIELDS = (
    "title",
    "summary",
    "body_html",
    "category",
    "kind",
    "topic",
    "source",
    "author_name",
    "agency_id",
    "target_ids",
    "justification",
)
AUDIENCE = ("age_min", "age_max", "genders", "scope_level", "scope_units", "interactions_allowed")
TAKEN = "a template of this unit already has this name"


@dataclass(frozen=True)
class TemplateView:
    id: int
    name: str
    unit_code: str
    unit_name: str
    data: dict[str, Any]
    updated_by: str
    updated_at: dt.datetime


def _view(row: ItemTemplate, unit: Unit) -> TemplateView:
    return TemplateView(
        row.id, row.name, unit.code, unit.name, dict(row.data), row.updated_by, row.updated_at
    )


def clean_name(raw: str) -> tuple[str, str]:
    """The name as kept (NFC, spaces collapsed) and its key (case-folded): ValidationFailed
    when empty or too long."""
    name = " ".join(nfc(str(raw or "")).split())
    if not name:
        raise ValidationFailed({"name": "is required"})
    if len(name) > NAME_LIMIT:
        raise ValidationFailed({"name": f"at most {NAME_LIMIT} characters"})
    return name, nfc(name.casefold())


def clean_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a template keeps, cleaned like an item's and capped in size."""
    kept = {k: data[k] for k in FIELDS if k in data and data[k] is not None}
    if not str(kept.get("title") or "").strip():
        kept.pop("title", None)  # a template may leave the title to each occurrence
    audience = data.get("audience") or {}
    kept["audience"] = {k: audience[k] for k in AUDIENCE if k in audience}
    agency = kept.get("agency_id")
    clean = clean_article(kept, partial=True)
    if agency is not None:
        if not isinstance(agency, int):
            raise ValidationFailed({"agency_id": "must be a number"})
        clean["agency_id"] = agency
    out: dict[str, Any] = json.loads(json.dumps(clean, default=str))
    if len(json.dumps(out, ensure_ascii=False)) > MAX_DATA:
        raise ValidationFailed({"form": f"a template holds at most {MAX_DATA} characters"})
    return out


def _unit(session: Session, actor: Actor, unit_code: str) -> Unit:
    unit = find_unit(session, str(unit_code or "")[:16])
    if unit is None:
        raise ValidationFailed({"unit_code": f"no administrative unit with code {unit_code!r}"})
    require(actor, Permission.WRITE_CONTENT, unit.path)
    return unit


def _load(session: Session, actor: Actor, template_id: int) -> tuple[ItemTemplate, Unit]:
    row = session.get(ItemTemplate, template_id)
    if row is None:
        raise NotFound(f"no template {template_id}")
    unit = session.get(Unit, row.unit_id)
    assert unit is not None  # a foreign key
    require(actor, Permission.WRITE_CONTENT, unit.path)
    return row, unit


def _name_free(session: Session, unit_id: int, key: str, template_id: int | None = None) -> None:
    other = session.scalar(
        select(ItemTemplate.id).where(ItemTemplate.unit_id == unit_id, ItemTemplate.name_key == key)
    )
    if other is not None and other != template_id:
        raise ValidationFailed({"name": TAKEN})


def save_template(
    ctx: Context, actor: Actor, unit_code: str, name: str, data: Mapping[str, Any]
) -> TemplateView:
    """Keep the item's fields ``data`` as the unit's template ``name``."""
    name, key = clean_name(name)
    fields = clean_fields(data)
    try:
        with ctx.transaction() as session:
            unit = _unit(session, actor, unit_code)
            _name_free(session, unit.id, key)
            count = session.scalar(select(func.count()).where(ItemTemplate.unit_id == unit.id))
            if (count or 0) >= MAX_PER_UNIT:
                raise ValidationFailed({"name": f"a unit keeps at most {MAX_PER_UNIT} templates"})
            row = ItemTemplate(
                unit_id=unit.id,
                name=name,
                name_key=key,
                data=fields,
                created_by=actor.name,
                updated_by=actor.name,
            )
            session.add(row)
            session.flush()
            audit.about(
                session,
                actor,
                "template.create",
                row,
                data={"name": name, "unit": unit.code, "fields": sorted(fields)},
                unit_path=unit.path,
            )
            return _view(row, unit)
    except IntegrityError:  # the same name saved at the same moment from another tab
        raise ValidationFailed({"name": TAKEN}) from None


def templates_for(ctx: Context, actor: Actor) -> list[TemplateView]:
    """The templates of every unit where ``actor`` writes, by unit then name."""
    paths = actor.paths(Permission.WRITE_CONTENT)
    if not paths:
        return []
    with ctx.sessions() as session:
        rows = session.execute(
            select(ItemTemplate, Unit)
            .join(Unit, Unit.id == ItemTemplate.unit_id)
            .where(or_(*(Unit.path.startswith(p) for p in paths)))
            .order_by(Unit.name, ItemTemplate.name_key)
        ).all()
        return [_view(t, u) for t, u in rows]


def template(ctx: Context, actor: Actor, template_id: int) -> TemplateView:
    """One template, to start a new item from (fields only)."""
    with ctx.sessions() as session:
        return _view(*_load(session, actor, template_id))


def rename_template(ctx: Context, actor: Actor, template_id: int, name: str) -> TemplateView:
    new, key = clean_name(name)
    try:
        with ctx.transaction() as session:
            row, unit = _load(session, actor, template_id)
            _name_free(session, unit.id, key, row.id)
            before = row.name
            row.name, row.name_key = new, key
            row.updated_by, row.updated_at = actor.name, utcnow()
            session.flush()
            audit.about(
                session,
                actor,
                "template.rename",
                row,
                data={"from": before, "to": new, "unit": unit.code},
                unit_path=unit.path,
            )
            return _view(row, unit)
    except IntegrityError:
        raise ValidationFailed({"name": TAKEN}) from None


def delete_template(ctx: Context, actor: Actor, template_id: int) -> None:
    with ctx.transaction() as session:
        row, unit = _load(session, actor, template_id)
        audit.about(
            session,
            actor,
            "template.delete",
            row,
            data={"name": row.name, "unit": unit.code},
            unit_path=unit.path,
        )
        session.delete(row)
