"""A unit's structure: its agencies (S4.6; the quarterly quota, S0.7, counts them) and its
categories and sections (chuyên mục, chuyên trang; the public API names them by slug).

Every change needs the unit's admin (or an admin above it), is NFC, keeps names unique
within the unit (ignoring case and diacritics) and is audited. Nothing is deleted: an
agency or category that is no longer used is deactivated, and its articles keep it.
Each change emits ``agency.changed`` or ``category.changed`` once committed: public answers
show their names, and the read path keeps category ids until the content generation moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import audit
from core.auth.models import Role
from core.auth.permissions import Actor, require_role
from core.content.models import Agency, Category
from core.context import Context
from core.errors import NotFound, ValidationFailed
from core.text import fold, has_word, nfc, slugify, storable
from core.units.lookups import find_unit, root_unit_id, units_by_path
from core.units.models import Unit

NAME_MAX = 200


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    website: str
    active: bool
    unit_code: str


@dataclass(frozen=True)
class CategoryRow:
    id: int
    slug: str
    name: str
    parent_id: int | None
    position: int
    active: bool
    shared: bool  # every unit's (a seed's), managed by admins of the whole tree


def _unit(session: Session, unit_code: str) -> Unit:
    unit = find_unit(session, unit_code.strip())
    if unit is None:
        raise ValidationFailed({"unit_code": f"no unit {unit_code!r}"})
    return unit


def _admin(actor: Actor, unit_path: str) -> None:
    require_role(actor, Role.ADMIN, unit_path)


def _name(raw: str) -> str:
    name = " ".join(nfc(raw).split())
    if not name or not has_word(name):
        raise ValidationFailed({"name": "Cần có tên / a name is required"})
    if len(name) > NAME_MAX or not storable(name):
        raise ValidationFailed({"name": f"at most {NAME_MAX} characters of text"})
    return name


def _taken(names: list[str], name: str) -> None:
    if fold(name) in {fold(n) for n in names}:
        raise ValidationFailed({"name": "Tên này đã có trong đơn vị / this name is already used"})


def _record(
    session: Session, actor: Actor, action: str, row: Agency | Category, path: str, **data: object
) -> None:
    session.flush()
    audit.record(
        session,
        actor=actor.name,
        action=action,
        subject_type="agency" if isinstance(row, Agency) else "category",
        subject_id=row.id,
        data={"name": row.name, **data},
        unit_path=path,
    )


# --- agencies --------------------------------------------------------------------------------


def _agency_row(agency: Agency, unit_code: str) -> AgencyRow:
    return AgencyRow(agency.id, agency.name, agency.website, agency.is_active, unit_code)


def list_agencies(ctx: Context, actor: Actor, unit_code: str) -> list[AgencyRow]:
    """The unit's own agencies, active first, by name."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        _admin(actor, unit.path)
        rows = session.scalars(select(Agency).where(Agency.unit_id == unit.id))
        found = [_agency_row(a, unit.code) for a in rows]
    return sorted(found, key=lambda a: (not a.active, fold(a.name), a.id))


def _agency(session: Session, actor: Actor, agency_id: int) -> tuple[Agency, Unit]:
    agency = session.get(Agency, agency_id, with_for_update=True)
    unit = session.get(Unit, agency.unit_id) if agency is not None else None
    if agency is None or unit is None:
        raise NotFound(f"no agency {agency_id}")
    _admin(actor, unit.path)
    return agency, unit


def _agency_names(session: Session, unit_id: int, but: int = 0) -> list[str]:
    return list(
        session.scalars(select(Agency.name).where(Agency.unit_id == unit_id, Agency.id != but))
    )


def create_agency(
    ctx: Context, actor: Actor, unit_code: str, name: str, website: str = ""
) -> AgencyRow:
    with ctx.transaction() as session:
        unit = _unit(session, unit_code)
        _admin(actor, unit.path)
        clean = _name(name)
        _taken(_agency_names(session, unit.id), clean)
        agency = Agency(name=clean, unit_id=unit.id, website=nfc(website.strip())[:300])
        session.add(agency)
        _record(session, actor, "agency.create", agency, unit.path, unit=unit.code)
        row = _agency_row(agency, unit.code)
    ctx.emit("agency.changed", {"id": row.id})
    return row


def rename_agency(ctx: Context, actor: Actor, agency_id: int, name: str) -> AgencyRow:
    with ctx.transaction() as session:
        agency, unit = _agency(session, actor, agency_id)
        clean = _name(name)
        _taken(_agency_names(session, unit.id, but=agency.id), clean)
        before, agency.name = agency.name, clean
        _record(session, actor, "agency.rename", agency, unit.path, before=before)
        row = _agency_row(agency, unit.code)
    ctx.emit("agency.changed", {"id": row.id})
    return row


def set_agency_active(ctx: Context, actor: Actor, agency_id: int, active: bool) -> AgencyRow:
    with ctx.transaction() as session:
        agency, unit = _agency(session, actor, agency_id)
        if agency.is_active != active:
            agency.is_active = active
            action = "agency.reactivate" if active else "agency.deactivate"
            _record(session, actor, action, agency, unit.path)
        row = _agency_row(agency, unit.code)
    ctx.emit("agency.changed", {"id": row.id})
    return row


# --- categories and sections -----------------------------------------------------------------


def _category_row(c: Category) -> CategoryRow:
    return CategoryRow(
        c.id, c.slug, c.name, c.parent_id, c.position, c.is_active, c.unit_id is None
    )


def list_categories(ctx: Context, actor: Actor, unit_code: str) -> list[CategoryRow]:
    """The unit's categories and the shared ones; each category followed by its sections."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        _admin(actor, unit.path)
        rows = [
            _category_row(c)
            for c in session.scalars(
                select(Category)
                .where(or_(Category.unit_id == unit.id, Category.unit_id.is_(None)))
                .order_by(Category.position, Category.name, Category.id)
            )
        ]
    ordered: list[CategoryRow] = []
    for top in (r for r in rows if r.parent_id is None):
        ordered.append(top)
        ordered.extend(r for r in rows if r.parent_id == top.id)
    seen = {r.id for r in ordered}
    return ordered + [r for r in rows if r.id not in seen]  # sections of another unit's parent


def _category(session: Session, actor: Actor, category_id: int) -> tuple[Category, str]:
    """The category and the path of its unit (the root's for a shared one)."""
    category = session.get(Category, category_id, with_for_update=True)
    if category is None:
        raise NotFound(f"no category {category_id}")
    unit = session.get(Unit, category.unit_id or root_unit_id(session) or 0)
    path = unit.path if unit is not None else "/"
    _admin(actor, path)
    return category, path


def _siblings(session: Session, unit_id: int | None, parent_id: int | None) -> list[Category]:
    return list(
        session.scalars(
            select(Category)
            .where(
                Category.unit_id.is_(None) if unit_id is None else Category.unit_id == unit_id,
                Category.parent_id.is_(None)
                if parent_id is None
                else Category.parent_id == parent_id,
            )
            .order_by(Category.position, Category.name, Category.id)
        )
    )


def _free_slug(session: Session, wanted: str) -> str:
    base = slugify(wanted, 110)
    slug, n = base, 1
    while session.scalar(select(Category.id).where(Category.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_category(
    ctx: Context,
    actor: Actor,
    unit_code: str,
    name: str,
    parent_id: int | None = None,
    slug: str = "",
) -> CategoryRow:
    """A category of the unit, or a section under ``parent_id``; its slug from its name
    unless given (a taken slug gets a number)."""
    with ctx.transaction() as session:
        unit = _unit(session, unit_code)
        _admin(actor, unit.path)
        clean = _name(name)
        if parent_id is not None:
            parent = session.get(Category, parent_id)
            if parent is None or parent.unit_id not in (None, unit.id):
                raise ValidationFailed({"parent_id": f"no category {parent_id} of this unit"})
            if parent.parent_id is not None:
                raise ValidationFailed({"parent_id": "a section cannot have sections"})
        siblings = _siblings(session, unit.id, parent_id)
        _taken(
            list(
                session.scalars(
                    select(Category.name).where(
                        or_(Category.unit_id == unit.id, Category.unit_id.is_(None))
                    )
                )
            ),
            clean,
        )
        if slug.strip() and not has_word(slug):
            raise ValidationFailed({"slug": "letters or digits, e.g. chuyen-doi-so"})
        top = max((s.position for s in siblings), default=0)
        category = Category(
            slug=_free_slug(session, slug.strip() or clean),
            name=clean,
            unit_id=unit.id,
            parent_id=parent_id,
            position=top + 1,
        )
        session.add(category)
        _record(
            session, actor, "category.create", category, unit.path, slug=category.slug,
            parent_id=parent_id, unit=unit.code,
        )  # fmt: skip
        row = _category_row(category)
    ctx.emit("category.changed", {"id": row.id})
    return row


def rename_category(ctx: Context, actor: Actor, category_id: int, name: str) -> CategoryRow:
    """A new name; the slug stays, so links and API filters keep working."""
    with ctx.transaction() as session:
        category, path = _category(session, actor, category_id)
        clean = _name(name)
        scope = (
            Category.unit_id.is_(None)
            if category.unit_id is None
            else or_(Category.unit_id == category.unit_id, Category.unit_id.is_(None))
        )
        others = session.scalars(
            select(Category.name).where(scope, Category.id != category.id)
        ).all()
        _taken(list(others), clean)
        before, category.name = category.name, clean
        _record(session, actor, "category.rename", category, path, before=before)
        row = _category_row(category)
    ctx.emit("category.changed", {"id": row.id})
    return row


def move_category(ctx: Context, actor: Actor, category_id: int, step: int) -> CategoryRow:
    """One place earlier (``step`` < 0) or later among its siblings."""
    with ctx.transaction() as session:
        category, path = _category(session, actor, category_id)
        siblings = _siblings(session, category.unit_id, category.parent_id)
        at = next(i for i, s in enumerate(siblings) if s.id == category.id)
        to = min(max(at + (1 if step > 0 else -1), 0), len(siblings) - 1)
        siblings.insert(to, siblings.pop(at))
        for i, s in enumerate(siblings, start=1):
            s.position = i
        _record(session, actor, "category.move", category, path, position=category.position)
        row = _category_row(category)
    ctx.emit("category.changed", {"id": row.id})
    return row


def set_category_active(ctx: Context, actor: Actor, category_id: int, active: bool) -> CategoryRow:
    with ctx.transaction() as session:
        category, path = _category(session, actor, category_id)
        if category.is_active != active:
            category.is_active = active
            action = "category.reactivate" if active else "category.deactivate"
            _record(session, actor, action, category, path)
        row = _category_row(category)
    ctx.emit("category.changed", {"id": row.id})
    return row


def admin_units(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the units where ``actor`` holds admin, highest first: the desk's choice
    (a unit below one of them is reached through the unit search)."""
    paths = {g.unit_path for g in actor.grants if g.role == Role.ADMIN}
    with ctx.sessions() as session:
        units = list(units_by_path(session, paths).values())
    return [(u.code, u.name) for u in sorted(units, key=lambda u: (u.path.count("/"), u.name))]
