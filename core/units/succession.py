"""Which 2025 units took over each pre-2025 unit: the old→new code map.

The 2025 reform merged 63 provinces into 34 and ~10,000 communes into 3,321, and
abolished districts. Links, bookmarks and front-end routes written with an old code,
and content filed before the reform, must still lead to the unit that exists now.
The map comes from the ``vietnamadminunits`` package's conversion data (the same
data its address converter uses), keyed by names; here it becomes codes:

- a province → the province it merged into;
- a commune → the commune it merged into, or, for the few split between several,
  each of them (``is_default``: the one the official conversion picks by default);
- a district → every commune its communes went to (none is the default).

Codes of the two schemes overlap (a pre-2025 commune code may be a different 2025
commune's code), so an old code is always looked up in the legacy scheme.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.units.dataset import open_dataset
from core.units.models import CURRENT_SCHEME, LEGACY_SCHEME, Unit, UnitSuccessor


@dataclass(frozen=True)
class Link:
    legacy_code: str
    code: str
    is_default: bool


def _conversion() -> dict[str, dict[str, object]]:
    path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    data: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def links() -> Iterator[Link]:
    """Every old→new link of the packaged data, provinces, communes, then districts."""
    data = _conversion()
    with open_dataset() as db:
        old_province = dict(
            db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy")
        )
        new_province = dict(
            db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
        )
        old_ward: dict[str, tuple[str, str]] = {}
        for p, d, w, code, district in db.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode, districtCode"
            " FROM admin_units_legacy"
        ):
            old_ward[f"{p}_{d}_{w or ''}"] = (code or district, district)
        new_ward = {
            (p, w): code
            for p, w, code in db.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")
        }
    for new_key, old_keys in data["DICT_PROVINCE"].items():
        for old_key in old_keys:  # type: ignore[attr-defined]
            if old_key in old_province and new_key in new_province:
                yield Link(old_province[old_key], new_province[new_key], True)
    by_district: dict[str, set[str]] = {}

    def link(old_key: str, province: str, ward: str, is_default: bool) -> Iterator[Link]:
        old, code = old_ward.get(old_key), new_ward.get((province, ward))
        if old is not None and code is not None:
            by_district.setdefault(old[1], set()).add(code)
            if old[0] != old[1]:  # an island district without communes maps as a district
                yield Link(old[0], code, is_default)

    undivided: dict[str, dict[str, list[str]]] = data["DICT_PROVINCE_WARD_NO_DIVIDED"]  # type: ignore[assignment]
    for province, wards in undivided.items():
        for ward, old_keys in wards.items():
            for old_key in old_keys:
                yield from link(old_key, province, ward, True)
    divided: dict[str, dict[str, list[dict[str, object]]]] = data["DICT_PROVINCE_WARD_DIVIDED"]  # type: ignore[assignment]
    for province, olds in divided.items():
        for old_key, news in olds.items():
            for new in news:
                yield from link(
                    old_key, province, str(new["newWardKey"]), bool(new["isDefaultNewWard"])
                )
    for district, codes in sorted(by_district.items()):
        for code in sorted(codes):
            yield Link(district, code, False)


def sync_successors(session: Session, source: Iterable[Link] | None = None) -> int:
    """Replace the stored map with ``source`` (the packaged data by default); rows written."""
    ids = session.execute(select(Unit.scheme, Unit.code, Unit.id))
    by_scheme: dict[str, dict[str, int]] = {LEGACY_SCHEME: {}, CURRENT_SCHEME: {}}
    for scheme, code, unit_id in ids:
        by_scheme.setdefault(scheme, {})[code] = unit_id
    legacy, current = by_scheme[LEGACY_SCHEME], by_scheme[CURRENT_SCHEME]
    rows: dict[tuple[int, int], bool] = {}
    for item in source if source is not None else links():
        old, new = legacy.get(item.legacy_code), current.get(item.code)
        if old is not None and new is not None:
            rows[old, new] = rows.get((old, new), False) or item.is_default
    session.execute(delete(UnitSuccessor))
    session.add_all(
        UnitSuccessor(legacy_unit_id=old, unit_id=new, is_default=default)
        for (old, new), default in rows.items()
    )
    session.flush()
    return len(rows)


def successors(session: Session, legacy_code: str) -> tuple[Unit, list[tuple[Unit, bool]]]:
    """The legacy unit and its 2025 successors (default first); LookupError if no such code."""
    old = session.scalar(select(Unit).where(Unit.scheme == LEGACY_SCHEME, Unit.code == legacy_code))
    if old is None:
        raise LookupError(f"no pre-2025 administrative unit with code {legacy_code!r}")
    rows = session.execute(
        select(Unit, UnitSuccessor.is_default)
        .join(UnitSuccessor, UnitSuccessor.unit_id == Unit.id)
        .where(UnitSuccessor.legacy_unit_id == old.id)
        .order_by(UnitSuccessor.is_default.desc(), Unit.code)
    ).tuples()
    return old, [(unit, default) for unit, default in rows]
