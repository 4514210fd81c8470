"""Unit lookups, in one place: by code, by id, a unit's path and the tree's root.

Every other module asks here instead of writing its own ``select(Unit)``, so "the current
scheme" and what a missing unit means are decided once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.units.models import CURRENT_SCHEME, Unit


def find_unit(session: Session, code: str, scheme: str = CURRENT_SCHEME) -> Unit | None:
    """The unit with ``code`` in ``scheme`` (the current one), or None."""
    return session.scalar(select(Unit).where(Unit.scheme == scheme, Unit.code == code))


def unit_by_code(session: Session, code: str, scheme: str = CURRENT_SCHEME) -> Unit:
    """The unit with ``code``; LookupError if there is none."""
    unit = find_unit(session, code, scheme)
    if unit is None:
        raise LookupError(f"no administrative unit with code {code!r}")
    return unit


def units_by_code(
    session: Session, codes: Iterable[str], scheme: str = CURRENT_SCHEME
) -> dict[str, Unit]:
    """The units of ``codes`` that exist, by code."""
    return {
        u.code: u
        for u in session.scalars(
            select(Unit).where(Unit.scheme == scheme, Unit.code.in_(list(codes)))
        )
    }


def units_by_id(session: Session, ids: Iterable[int]) -> dict[int, Unit]:
    """The units of ``ids`` that exist, by id."""
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(list(ids))))}


def unit_path(session: Session, unit_id: int, missing: str = "/") -> str:
    """The unit's path (``/1/5/77/``); ``missing`` when there is no such unit."""
    path = session.scalar(select(Unit.path).where(Unit.id == unit_id))
    return path or missing


def unit_paths(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The paths of the units ``ids``, by id."""
    rows = session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(list(ids)))).all()
    return {uid: path for uid, path in rows}


def root_unit_id(session: Session) -> int | None:
    """The root of the current tree (the nation), or None before ``loa units sync``."""
    return session.scalar(
        select(Unit.id).where(Unit.scheme == CURRENT_SCHEME, Unit.parent_id.is_(None))
    )


def units_by_path(session: Session, paths: Iterable[str]) -> dict[str, Unit]:
    """The units at ``paths`` that exist, by path."""
    return {u.path: u for u in session.scalars(select(Unit).where(Unit.path.in_(list(paths))))}


def ancestor_ids(unit: Unit) -> list[int]:
    """The ids on the unit's path, the nation first and the unit last."""
    return [int(i) for i in unit.path.strip("/").split("/") if i]


def province_of(session: Session, unit: Unit) -> Unit | None:
    """The province holding ``unit`` (itself when it is one); None above provinces."""
    return session.scalar(
        select(Unit).where(Unit.id.in_(ancestor_ids(unit)), Unit.level == "province")
    )


def any_national_among(session: Session, ids: Iterable[int]) -> bool:
    """Whether one of the units ``ids`` is the nation itself."""
    return (
        session.scalar(
            select(Unit.id).where(Unit.id.in_(list(ids)), Unit.level == "national").limit(1)
        )
        is not None
    )


def unit_codes(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The codes of the units ``ids``, by id."""
    rows = session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(list(ids)))).all()
    return {uid: code for uid, code in rows}


def child_units(session: Session, parent_code: str | None) -> list[Unit] | None:
    """The active units under ``parent_code`` by code (the provinces when None); None when
    there is no such parent."""
    stmt = select(Unit).where(Unit.scheme == CURRENT_SCHEME, Unit.active.is_(True))
    if parent_code is None:
        stmt = stmt.where(Unit.level == "province")
    else:
        parent = find_unit(session, parent_code)
        if parent is None:
            return None
        stmt = stmt.where(Unit.parent_id == parent.id)
    return list(session.scalars(stmt.order_by(Unit.code)))


def units_named_like(session: Session, words: list[str], limit: int) -> list[Unit]:
    """Active units of the current scheme whose folded name holds every one of ``words``
    (already folded: ``core.text.fold``), by path; at most ``limit``."""
    stmt = select(Unit).where(Unit.scheme == CURRENT_SCHEME, Unit.active.is_(True))
    for word in words:
        stmt = stmt.where(Unit.name_folded.contains(word, autoescape=True))
    return list(session.scalars(stmt.order_by(Unit.path, Unit.name).limit(limit)))
