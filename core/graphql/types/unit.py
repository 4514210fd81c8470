"""An administrative unit as clients see it: its code is the stable reference."""

from __future__ import annotations

import strawberry

from core.units.models import Unit as UnitModel


@strawberry.type(description="An administrative unit (2025 scheme: province or commune).")
class Unit:
    code: str
    name: str
    short_name: str
    level: str

    @classmethod
    def of(cls, unit: UnitModel) -> Unit:
        return cls(code=unit.code, name=unit.name, short_name=unit.short_name, level=unit.level)
