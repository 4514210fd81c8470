"""What a unit must publish, in GraphQL: ``disclosureList(unit)`` (public: the Danh mục thông
tin phải được công khai, Decree 13/2018 Art. 6, C4) and ``complianceReport(unit)`` (editors:
which items the unit has, lacks or has in part, and what to do, C1)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import strawberry

from core.db import utcnow
from core.govcontent import completeness
from core.govcontent.completeness import Finding
from core.graphql.errors import names_something
from core.graphql.gov.common import UNIT_HELP, Info, read_unit
from core.graphql.types.unit import Unit


@strawberry.enum(description="How much of an obligation a unit's portal publishes.")
class ObligationCoverage(enum.Enum):
    PRESENT = strawberry.enum_value("present", description="Published in full.")
    PARTIAL = strawberry.enum_value("partial", description="Published, with parts missing.")
    MISSING = strawberry.enum_value("missing", description="Nothing published yet.")


@strawberry.type(description="One item of the information a unit must publish.")
class DisclosureItem:
    key: str = strawberry.field(description="Stable key, e.g. `legal_documents`, `budget`.")
    name: str = strawberry.field(description="Its Vietnamese name, as the Danh mục lists it.")
    name_en: str = strawberry.field(description="Its English name.")
    source: str = strawberry.field(description="The legal basis, e.g. `42 Art. 4(1)(a)`.")
    section: str = strawberry.field(
        description="The portal section showing it, as menu items name sections "
        "(`legal_documents`, `category:<slug>`, `schedule:reception`…)."
    )
    categories: list[str] = strawberry.field(
        description="For items published as articles: the category slugs they are filed under."
    )
    coverage: ObligationCoverage = strawberry.field(description="How much is published.")
    count: int = strawberry.field(description="How many published items count for it.")
    last_updated: dt.datetime | None = strawberry.field(
        description="When the newest of them was published or changed; null if none."
    )


@strawberry.type(description="An item of the completeness report: what is missing, to act on.")
class ComplianceFinding(DisclosureItem):
    missing: list[str] = strawberry.field(description="What lacks, one sentence each.")


@strawberry.type(description="Which of the information a unit must publish it has (C1).")
class ComplianceReport:
    unit: Unit = strawberry.field(description="The unit checked.")
    present: int = strawberry.field(description="Obligations published in full.")
    total: int = strawberry.field(description="Obligations checked.")
    findings: list[ComplianceFinding] = strawberry.field(description="One per obligation.")


def _fields(f: Finding) -> dict[str, object]:
    o = f.obligation
    return {
        "key": o.key,
        "name": o.name,
        "name_en": o.name_en,
        "source": o.source,
        "section": o.section,
        "categories": list(o.categories),
        "coverage": ObligationCoverage(f.coverage.value),
        "count": f.count,
        "last_updated": f.latest,
    }


def disclosure_list(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> list[DisclosureItem]:
    """What the unit must publish and where it stands: public, without the editors' notes."""
    found = read_unit(info, unit)
    with info.context.read() as session:
        findings = completeness.report(session, found, utcnow())
    return [DisclosureItem(**_fields(f)) for f in findings]  # type: ignore[arg-type]


def compliance_report(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> ComplianceReport:
    rc = info.context
    assert rc.actor is not None
    with names_something("unit"):
        found, findings = completeness.unit_report(rc.ctx, rc.actor, unit)
    present, total = completeness.score(findings)
    return ComplianceReport(
        unit=Unit.of(found),
        present=present,
        total=total,
        findings=[
            ComplianceFinding(**_fields(f), missing=list(f.missing))  # type: ignore[arg-type]
            for f in findings
        ],
    )
