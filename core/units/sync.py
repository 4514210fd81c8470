"""Loading the administrative units: the 2025 tree and the legacy tree.

Data comes from the ``vietnamadminunits`` package (MIT, data as SQLite in the
wheel), read directly so none of its geo dependencies load. Levels are rows
of ``unit_levels``, not code. The sync is idempotent: units are matched by
(scheme, code) and updated in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.text import fold
from core.units.dataset import open_dataset
from core.units.models import CURRENT_SCHEME, LEGACY_SCHEME, Unit, UnitLevel
from core.units.succession import sync_successors

NATIONAL_CODE = "VN"

LEVELS = [
    (CURRENT_SCHEME, "national", 0, "Quốc gia", "National"),
    (CURRENT_SCHEME, "province", 1, "Tỉnh/Thành phố", "Province"),
    (CURRENT_SCHEME, "commune", 2, "Xã/Phường/Đặc khu", "Commune"),
    (LEGACY_SCHEME, "national", 0, "Quốc gia", "National"),
    (LEGACY_SCHEME, "province", 1, "Tỉnh/Thành phố", "Province"),
    (LEGACY_SCHEME, "district", 2, "Quận/Huyện/Thị xã", "District"),
    (LEGACY_SCHEME, "commune", 3, "Xã/Phường/Thị trấn", "Commune"),
]


@dataclass(frozen=True)
class Row:
    scheme: str
    code: str
    level: str
    kind: str
    name: str
    short_name: str
    parent_code: str | None


def _kind(name: str, short: str) -> str:
    return name[: -len(short)].strip() if short and name.endswith(short) else ""


def rows() -> Iterator[Row]:
    """Every unit of both schemes, parents before children."""
    with open_dataset() as db:
        for scheme in (CURRENT_SCHEME, LEGACY_SCHEME):
            yield Row(scheme, NATIONAL_CODE, "national", "", "Việt Nam", "Việt Nam", None)
        current = db.execute(
            "SELECT DISTINCT provinceCode, province, provinceShort FROM admin_units ORDER BY 1"
        ).fetchall()
        for code, name, short in current:
            yield Row(
                CURRENT_SCHEME, code, "province", _kind(name, short), name, short, NATIONAL_CODE
            )
        for code, name, short, kind, parent in db.execute(
            "SELECT DISTINCT wardCode, ward, wardShort, wardType, provinceCode FROM admin_units"
            " ORDER BY 1"
        ):
            yield Row(CURRENT_SCHEME, code, "commune", kind or "", name, short, parent)
        for code, name, short in db.execute(
            "SELECT DISTINCT provinceCode, province, provinceShort"
            " FROM admin_units_legacy ORDER BY 1"
        ):
            yield Row(
                LEGACY_SCHEME, code, "province", _kind(name, short), name, short, NATIONAL_CODE
            )
        for code, name, short, kind, parent in db.execute(
            "SELECT DISTINCT districtCode, district, districtShort, districtType, provinceCode"
            " FROM admin_units_legacy ORDER BY 1"
        ):
            yield Row(LEGACY_SCHEME, code, "district", kind or "", name, short, parent)
        for code, name, short, kind, parent in db.execute(
            "SELECT DISTINCT wardCode, ward, wardShort, wardType, districtCode"
            " FROM admin_units_legacy WHERE wardCode IS NOT NULL AND wardCode != '' ORDER BY 1"
        ):
            yield Row(LEGACY_SCHEME, code, "commune", kind or "", name, short, parent)


def sync(session: Session, source: Iterator[Row] | None = None) -> dict[str, int]:
    """Insert or update every unit; returns counts by (scheme, level)."""
    for scheme, key, depth, vi, en in LEVELS:
        session.merge(UnitLevel(scheme=scheme, key=key, depth=depth, name_vi=vi, name_en=en))
    existing = {(u.scheme, u.code): u for u in session.scalars(select(Unit))}
    counts: dict[str, int] = {}
    parents_by_level: dict[tuple[str, str], dict[str, Unit]] = {}
    parent_level = {"province": "national", "district": "province", "commune": "province"}
    for row in source if source is not None else rows():
        unit = existing.get((row.scheme, row.code))
        if unit is None:
            unit = Unit(scheme=row.scheme, code=row.code)
            session.add(unit)
            existing[(row.scheme, row.code)] = unit
        unit.level, unit.kind, unit.name = row.level, row.kind, row.name
        unit.short_name, unit.name_folded, unit.active = row.short_name, fold(row.name), True
        parent = None
        if row.parent_code is not None:
            up = parent_level[row.level]
            if row.scheme == LEGACY_SCHEME and row.level == "commune":
                up = "district"
            parent = parents_by_level.get((row.scheme, up), {}).get(row.parent_code)
        unit.parent = parent
        parents_by_level.setdefault((row.scheme, row.level), {})[row.code] = unit
        key = f"{row.scheme}:{row.level}"
        counts[key] = counts.get(key, 0) + 1
    session.flush()
    _fill_paths(session)
    if source is None:  # the packaged data: its old→new map too (core.units.succession)
        sync_successors(session)
    return counts


def _fill_paths(session: Session) -> None:
    units = list(session.scalars(select(Unit)))
    by_id = {u.id: u for u in units}
    for unit in units:
        chain = [unit.id]
        up = unit.parent_id
        while up is not None:
            chain.append(up)
            up = by_id[up].parent_id
        unit.path = "/" + "/".join(str(i) for i in reversed(chain)) + "/"
