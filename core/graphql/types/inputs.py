"""Mutation inputs, and their translation to the snake_case dicts the actions accept.

Every field is optional at the GraphQL level: an absent field is left alone on
update, and a missing required one (a title) is reported by the action as a
typed validation error rather than a schema error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.errors import ValidationFailed


@strawberry.input
class AudienceInput:
    age_min: int | None = strawberry.UNSET
    age_max: int | None = strawberry.UNSET
    genders: list[str] | None = strawberry.UNSET
    scope_level: str | None = strawberry.UNSET
    scope_units: list[str] | None = strawberry.UNSET
    visible_from: dt.datetime | None = strawberry.UNSET
    visible_until: dt.datetime | None = strawberry.UNSET
    interactions_allowed: bool | None = strawberry.UNSET


@strawberry.input
class ArticleInput:
    title: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    body_html: str | None = strawberry.UNSET
    cover_url: str | None = strawberry.UNSET
    cover_caption: str | None = strawberry.UNSET
    source: str | None = strawberry.UNSET
    author_name: str | None = strawberry.UNSET
    category: str | None = strawberry.field(
        default=strawberry.UNSET, description="A category slug or name."
    )
    unit_code: str | None = strawberry.UNSET
    target_ids: list[strawberry.ID] | None = strawberry.UNSET
    audience: AudienceInput | None = strawberry.UNSET
    kind: str | None = strawberry.field(
        default=strawberry.UNSET, description="article, banner, section, notice or document."
    )
    topic: str | None = strawberry.field(
        default=strawberry.UNSET, description="project06, law, local_policy, model_site, ..."
    )
    justification: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Why a topic outside a channel's list, or national scope (S0.4).",
    )
    release_together: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Release every channel together instead of each as its gates pass.",
    )


@strawberry.input
class ChannelTargetInput:
    name: str | None = strawberry.UNSET
    plugin: str | None = strawberry.UNSET
    unit_code: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    secrets: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Write-only credentials, e.g. a webhook secret."
    )
    enabled: bool | None = strawberry.UNSET
    gates: JSON | None = strawberry.field(
        default=strawberry.UNSET,
        description="This target's own approval steps (policy step specs); null: its plugin's.",
    )


@strawberry.input
class ChannelTargetUpdateInput:
    name: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    secrets: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the stored credentials when given."
    )
    enabled: bool | None = strawberry.UNSET
    gates: JSON | None = strawberry.field(
        default=strawberry.UNSET,
        description="This target's own approval steps (policy step specs); null: its plugin's.",
    )


def given(obj: Any) -> dict[str, Any]:
    """The fields the client sent (null included), by their Python (snake_case) names."""
    return {
        f.name: getattr(obj, f.name)
        for f in dataclasses.fields(obj)
        if getattr(obj, f.name) is not strawberry.UNSET
    }


def article_data(value: ArticleInput) -> dict[str, Any]:
    data = given(value)
    if isinstance(value.audience, AudienceInput):
        data["audience"] = given(value.audience)
    if data.get("target_ids") is not None:
        try:
            data["target_ids"] = [int(t) for t in data["target_ids"]]
        except ValueError:
            raise ValidationFailed({"target_ids": "each must be a channel target id"}) from None
    return data


def target_data(value: ChannelTargetInput | ChannelTargetUpdateInput) -> dict[str, Any]:
    data = given(value)
    settings, secrets = data.get("settings"), data.get("secrets")
    if settings is not None and not isinstance(settings, dict):
        raise ValidationFailed({"settings": "must be an object"})
    if secrets is not None and not (
        isinstance(secrets, dict) and all(isinstance(v, str) for v in secrets.values())
    ):
        raise ValidationFailed({"secrets": "must be an object of strings"})
    return data
