"""Unit lookups live in core/units/lookups.py; no other module writes its own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.units import lookups

ROOT = Path(__file__).resolve().parents[2]
#: A unit looked up by its code, scheme or level, or whole unit rows selected (under the
#: names modules import the model as).
LOOKUP = re.compile(
    r"select\(Unit(Model|Row)?\)"
    r"|\bUnit(Model|Row)?\.(scheme|code|level)\s*(==|\.in_)"
)


def test_no_module_outside_units_looks_a_unit_up_itself() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for base in ("core", "admin")
        for p in (ROOT / base).rglob("*.py")
        if "units" not in p.relative_to(ROOT).parts and "migrations" not in p.parts
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if LOOKUP.search(line)
    ]
    assert offenders == []


def test_lookups_by_code_path_and_province(ctx: Any, tree: dict[str, Any]) -> None:
    commune, province = tree["14932"], tree["38"]
    with ctx.sessions() as session:
        assert lookups.unit_by_code(session, "14932").id == commune.id
        assert lookups.find_unit(session, "99999") is None
        with pytest.raises(LookupError, match="99999"):
            lookups.unit_by_code(session, "99999")
        assert set(lookups.units_by_code(session, ["38", "01", "nope"])) == {"38", "01"}
        assert lookups.unit_path(session, commune.id) == commune.path
        assert lookups.unit_path(session, 10**9) == "/"
        assert lookups.unit_path(session, 10**9, missing="") == ""
        assert lookups.province_of(session, commune).id == province.id
        assert lookups.province_of(session, province).id == province.id
        assert lookups.province_of(session, tree["VN"]) is None
        assert lookups.root_unit_id(session) == tree["VN"].id
        assert lookups.any_national_among(session, [commune.id, tree["VN"].id])
        assert not lookups.any_national_among(session, [commune.id, province.id])
