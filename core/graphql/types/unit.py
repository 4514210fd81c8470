"""An administrative unit as clients see it: its code is the stable reference."""

from __future__ import annotations

import strawberry

from core.graphql.types.node import Node, global_id
from core.units.models import Unit as UnitModel


@strawberry.type(
    description="An administrative unit (2025 scheme: province or commune). Đơn vị hành chính."
)
class Unit(Node):
    code: str = strawberry.field(
        description="The official code (General Statistics Office): two digits for a province, "
        "five for a commune. Pass it as `unit` to filter. Mã đơn vị."
    )
    name: str = strawberry.field(description="Full name, e.g. `Xã Cẩm Thủy`. Tên đầy đủ.")
    short_name: str = strawberry.field(description="Name without its kind: `Cẩm Thủy`. Tên gọn.")
    level: str = strawberry.field(description="`national`, `province` or `commune`. Cấp.")
    portal_url_template: str = strawberry.field(
        description="The unit's own portal page of an item, `{slug}` filled in by `Article.url`; "
        "empty: an ancestor's applies, else Loa's own page."
    )

    @classmethod
    def of(cls, unit: UnitModel) -> Unit:
        return cls(
            id=global_id("Unit", unit.code),
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            level=unit.level,
            portal_url_template=unit.portal_url_template,
        )


@strawberry.type(description="A 2025 unit that took over (part of) a former unit.")
class Succession:
    unit: Unit = strawberry.field(description="The unit of the 2025 scheme.")
    is_default: bool = strawberry.field(
        description="The official conversion's choice when the former unit was split (for a "
        "district, none is)."
    )


@strawberry.type(
    description="A unit of the pre-2025 scheme (63 provinces, districts, ~10,000 communes) and "
    "where it went in the 2025 reform. Đơn vị trước sắp xếp."
)
class FormerUnit:
    code: str = strawberry.field(description="Its pre-2025 code. Mã cũ.")
    name: str = strawberry.field(description="Its pre-2025 name. Tên cũ.")
    level: str = strawberry.field(description="`province`, `district` or `commune`.")
    successors: list[Succession] = strawberry.field(
        description="The 2025 units that took it over, the default first. Content filed "
        "before the reform is listed under these: pass one as `articles(unit:)`, or the "
        "former code as `articles(formerUnit:)`."
    )
