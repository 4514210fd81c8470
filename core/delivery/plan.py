"""What each chosen channel will and will not do with an item, told before approval.

An audience asks for things (an age band, a window, no comments…); a channel
declares which of them it can enforce. Whatever it cannot is listed here for
the editor, never silently dropped (DESIGN: Channels). A rationed channel
(``core.contract.costs``) also says what the item will cost and what is left,
so the editor knows before approving that a delivery would have to wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.content.models import Article
from core.content.queries import item_for
from core.context import Context
from core.contract.channels import Capabilities, Channel, ChannelError, Item, Target
from core.contract.costs import Costed
from core.contract.fit import media_fit
from core.contract.media import ItemMedia
from core.contract.preview import requested
from core.delivery import costs, outbox
from core.delivery.costs import Weighed
from core.delivery.previews import render_checked
from core.media.item_media import item_media
from core.secrets import SecretError, redact
from core.targets.models import ChannelTarget
from core.units.lookups import unit_codes


@dataclass(frozen=True)
class TargetPlan:
    target: ChannelTarget
    unenforceable: tuple[str, ...]
    problems: tuple[str, ...]
    #: A rationed channel's cost of the item against what is left (None: not rationed).
    cost: Weighed | None = None
    #: Why the cost could not be told (the item cannot be rendered, the channel did not say).
    cost_note: str = ""


def _cost(
    ctx: Context, session: Session, channel: Channel, item: Item, row: ChannelTarget
) -> tuple[Weighed | None, str]:
    if not isinstance(channel, Costed):
        return None, ""
    secrets: dict[str, str] = {}
    try:
        secrets = ctx.sealer.open(row.secrets_sealed)
        target = Target(
            row.id,
            row.name,
            dict(row.settings or {}),
            secrets,
            timeout=ctx.settings.http_timeout,
            allow_networks=ctx.settings.outbound_allow_networks,
        )
        rendered = render_checked(channel, item, target)
        timeout = ctx.settings.http_timeout * 3
        return costs.weigh_now(channel, rendered, target, session, timeout), ""
    except (ChannelError, SecretError, ValueError, KeyError, TypeError, TimeoutError) as exc:
        said = redact(str(exc) or type(exc).__name__, secrets)[:500]
        return None, f"chưa tính được chi phí (the cost could not be told): {said}"


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
    item: Item | None = None
    plans = []
    for target in outbox.targets_for(session, article):
        try:
            channel = ctx.channel(target.plugin)
        except LookupError:
            plans.append(TargetPlan(target, (), ("no installed plugin provides this channel",)))
            continue
        caps = channel.capabilities
        if item is None and isinstance(channel, Costed):
            item = item_for(session, article, ctx.settings.base_url)
        cost, note = _cost(ctx, session, channel, item, target) if item else (None, "")
        plans.append(
            TargetPlan(
                target,
                tuple(sorted(asks - caps.audience)),
                tuple(problems(article, caps, media)),
                cost,
                note,
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
