"""How far a revision reaches: the scope level its approvals are planned for (S0.4, S0.6).

The declared ``scope_level`` is not the whole story. ``scope_units`` may name units
outside the item's own (a commune item aimed at its province, or at another
province); an item written at a province or at the national unit reaches that far
whatever level it declares; and a channel of the national unit (a unit above the
item's may be chosen) speaks to the whole country. The widest of these decides
which scope rule plans the steps, whether approving needs a fresh second factor
and whether a written justification is required, so that no field can widen the
reach without the approvals the wider reach needs. A code that names no unit
counts as national: when in doubt, ask the Ministry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from core.targets.models import ChannelTarget
from core.units.lookups import any_national_among, province_of, units_by_code
from core.units.models import Unit

#: Scope levels from narrowest to widest (``core.content.validation.SCOPE_LEVELS``).
ORDER = ("commune", "province", "national")
NATIONAL = "national"


def widest(*levels: str) -> str:
    return max(levels, key=lambda level: ORDER.index(level) if level in ORDER else len(ORDER))


def _province_path(session: Session, unit: Unit) -> str | None:
    """The path of the province holding ``unit`` (itself when it is one), None above provinces."""
    province = province_of(session, unit)
    return province.path if province is not None else None


def reach(session: Session, data: Mapping[str, Any], targets: Sequence[ChannelTarget] = ()) -> str:
    """The scope level a revision snapshot (``core.content.snapshots.snapshot``) really reaches,
    sent to ``targets``."""
    audience = data.get("audience") or {}
    declared = str(audience.get("scope_level") or "commune")
    unit = session.get(Unit, data.get("unit_id")) if data.get("unit_id") is not None else None
    if unit is None:
        return NATIONAL
    levels = [declared, unit.level if unit.level in ORDER else "commune"]
    channel_units = {t.unit_id for t in targets} - {unit.id}
    if channel_units and any_national_among(session, channel_units):
        levels.append(NATIONAL)
    codes = {str(c) for c in audience.get("scope_units") or ()} - {unit.code}
    if codes:
        named = units_by_code(session, codes, unit.scheme)
        province = _province_path(session, unit)
        for code in codes:
            other = named.get(code)
            if other is None:
                levels.append(NATIONAL)
            elif other.path.startswith(unit.path):
                continue  # inside the item's own unit
            elif province is not None and other.path.startswith(province):
                levels.append("province")
            else:
                levels.append(NATIONAL)
    return widest(*levels)
