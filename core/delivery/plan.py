"""What each chosen channel will and will not do with an item, told before approval.

An audience asks for things (an age band, a window, no comments…); a channel
declares which of them it can enforce. Whatever it cannot is listed here for
the editor, never silently dropped (DESIGN: Channels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.channels import Capabilities
from core.content.models import Article
from core.context import Context
from core.contract.fit import media_fit
from core.contract.media import ItemMedia
from core.contract.preview import requested
from core.delivery import outbox
from core.delivery.models import ChannelTarget
from core.media.item_media import item_media


@dataclass(frozen=True)
class TargetPlan:
    target: ChannelTarget
    unenforceable: tuple[str, ...]
    problems: tuple[str, ...]


def problems(article: Article, caps: Capabilities, media: Sequence[ItemMedia] = ()) -> list[str]:
    """Why this channel would refuse the item as it stands (its media included)."""
    refusals, _ = media_fit(media, caps)
    found = [p.message for p in refusals]
    if caps.max_title_chars is not None and len(article.title) > caps.max_title_chars:
        found.append(f"the title is longer than {caps.max_title_chars} characters")
    return found


def plan(ctx: Context, session: Session, article: Article, unit_code: str = "") -> list[TargetPlan]:
    asks = requested(article.audience, unit_code)
    media = item_media(session, [article.id]).get(article.id, ())
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
                tuple(problems(article, caps, media)),
            )
        )
    return plans
