"""The management schema (placeholder while it is built)."""

from __future__ import annotations

from core.graphql.errors import LoaSchema
from core.graphql.public import public_schema
from core.settings import Settings


def management_schema(settings: Settings) -> LoaSchema:
    return public_schema(settings)
