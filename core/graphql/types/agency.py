"""The agency that writes and answers for an article (S4.6)."""

from __future__ import annotations

import strawberry

from core.content.models import Agency as AgencyModel


@strawberry.type
class Agency:
    name: str
    website: str

    @classmethod
    def of(cls, agency: AgencyModel) -> Agency:
        return cls(name=agency.name, website=agency.website)
