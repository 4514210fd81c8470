"""What each chosen channel will and will not do with an item, told before approval.

An audience asks for things (an age band, a window, no comments…); a channel
declares which of them it can enforce. Whatever it cannot is listed here for
the editor, never silently dropped (DESIGN: Channels).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.channels import Capabilities
from core.content.models import Article, Audience
from core.context import Context
from core.delivery import outbox
from core.targets.models import ChannelTarget
from core.units.lookups import unit_codes


def requested(audience: Audience | None, own_unit_code: str = "") -> set[str]:
    """The audience fields (core.channels.AUDIENCE_FIELDS) this item actually restricts."""
    if audience is None:
        return set()
    asks: set[str] = set()
    if audience.age_min is not None or audience.age_max is not None:
        asks.add("age")
    if audience.genders and set(audience.genders) != {"male", "female", "other"}:
        asks.add("gender")
    if audience.scope_level != "national" and set(audience.scope_units or []) - {own_unit_code}:
        asks.add("scope")
    if audience.visible_from is not None or audience.visible_until is not None:
        asks.add("window")
    if not audience.interactions_allowed:
        asks.add("interactions")
    return asks


@dataclass(frozen=True)
class TargetPlan:
    target: ChannelTarget
    unenforceable: tuple[str, ...]
    problems: tuple[str, ...]


def problems(article: Article, caps: Capabilities) -> list[str]:
    found = []
    if caps.requires_cover and not article.cover_url:
        found.append("this channel requires a cover image")
    if caps.max_title_chars is not None and len(article.title) > caps.max_title_chars:
        found.append(f"the title is longer than {caps.max_title_chars} characters")
    return found


def plan(ctx: Context, session: Session, article: Article, unit_code: str = "") -> list[TargetPlan]:
    asks = requested(article.audience, unit_code)
    plans = []
    for target in outbox.targets_for(session, article):
        try:
            caps = ctx.channel(target.plugin).capabilities
        except LookupError:
            plans.append(TargetPlan(target, (), ("no installed plugin provides this channel",)))
            continue
        plans.append(
            TargetPlan(
                target,
                tuple(sorted(asks - caps.audience)),
                tuple(problems(article, caps)),
            )
        )
    return plans


def plan_for(ctx: Context, session: Session, article_id: int) -> list[TargetPlan]:
    """:func:`plan` for the article ``article_id`` (none when there is no such article)."""
    article = session.get(Article, article_id)
    if article is None:
        return []
    return plan(
        ctx, session, article, unit_codes(session, [article.unit_id]).get(article.unit_id, "")
    )
