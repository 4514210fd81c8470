"""What channels require of an item's media, checked before anyone approves it.

Each chosen channel declares in its Capabilities what media it accepts (``media``) and
whether every item needs a cover image (``requires_cover``, S0.5); core never names
the channel. :func:`core.contract.fit.media_fit` judges, this module asks it for every
target the item is bound for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy.orm import Session

from core.content.models import Article
from core.context import Context
from core.contract.fit import MediaProblem, media_fit
from core.delivery import outbox
from core.errors import ValidationFailed
from core.media.item_media import item_media
from core.targets.models import ChannelTarget


def _fits(
    ctx: Context,
    session: Session,
    article: Article,
    targets: Sequence[ChannelTarget] | None = None,
) -> Iterator[tuple[ChannelTarget, list[MediaProblem]]]:
    """Each chosen target (of an installed channel) with what its channel refuses of the item's
    media, worked out once per channel: an item may go to thousands of one channel's targets."""
    media = item_media(session, [article.id]).get(article.id, ())
    by_plugin: dict[str, list[MediaProblem] | None] = {}
    for target in outbox.targets_for(session, article) if targets is None else targets:
        if target.plugin not in by_plugin:
            try:
                caps = ctx.channel(target.plugin).capabilities
            except LookupError:
                by_plugin[target.plugin] = None
            else:
                by_plugin[target.plugin] = list(media_fit(media, caps)[0])
        refusals = by_plugin[target.plugin]
        if refusals is not None:
            yield target, refusals


def media_refusals(
    ctx: Context,
    session: Session,
    article: Article,
    targets: Sequence[ChannelTarget] | None = None,
) -> list[tuple[str, MediaProblem]]:
    """``(target name, problem)`` for every medium a chosen channel refuses."""
    return [(t.name, p) for t, refusals in _fits(ctx, session, article, targets) for p in refusals]


def fitting_targets(ctx: Context, session: Session, article: Article) -> list[int]:
    """The ids of the item's targets whose channel takes its media as they are."""
    return [t.id for t, refusals in _fits(ctx, session, article) if not refusals]


def require_media_fit(
    ctx: Context,
    session: Session,
    article: Article,
    targets: Sequence[ChannelTarget] | None = None,
) -> None:
    """Refuse an item whose media a chosen channel cannot take (a missing cover under
    ``cover``, everything else under ``media``), each reason naming its channel."""
    errors: dict[str, list[str]] = {}
    for name, problem in media_refusals(ctx, session, article, targets):
        field = "cover" if problem.role == "cover" and problem.code == "missing" else "media"
        errors.setdefault(field, []).append(f"{name}: {problem.message}")
    if errors:
        raise ValidationFailed({field: "; ".join(sorted(set(v))) for field, v in errors.items()})
