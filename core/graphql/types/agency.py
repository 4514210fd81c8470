"""The agency that writes and answers for an article (S4.6)."""

from __future__ import annotations

import strawberry

from core.content.models import Agency as AgencyModel


@strawberry.type(description="The agency that writes and answers for content (S4.6). Cơ quan.")
class Agency:
    name: str = strawberry.field(description="Its official name. Tên cơ quan.")
    website: str = strawberry.field(description="Its website, if any.")

    @classmethod
    def of(cls, agency: AgencyModel) -> Agency:
        return cls(name=agency.name, website=agency.website)
