"""What channels require of an item's media, checked before anyone approves it.

Each chosen channel declares in its Capabilities what media it accepts (``media``) and
whether every item needs a cover image (``requires_cover``, S0.5); core never names
the channel. :func:`core.contract.fit.media_fit` judges, this module asks it for every
target the item is bound for.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.content.models import Article
from core.context import Context
from core.contract.fit import MediaProblem, media_fit
from core.delivery import outbox
from core.errors import ValidationFailed
from core.media.item_media import item_media


def media_refusals(
    ctx: Context, session: Session, article: Article
) -> list[tuple[str, MediaProblem]]:
    """``(target name, problem)`` for every medium a chosen channel refuses."""
    media = item_media(session, [article.id]).get(article.id, ())
    found = []
    for target in outbox.targets_for(session, article):
        try:
            caps = ctx.channel(target.plugin).capabilities
        except LookupError:
            continue
        refusals, _ = media_fit(media, caps)
        found += [(target.name, p) for p in refusals]
    return found


def fitting_targets(ctx: Context, session: Session, article: Article) -> list[int]:
    """The ids of the item's targets whose channel takes its media as they are."""
    media = item_media(session, [article.id]).get(article.id, ())
    found = []
    for target in outbox.targets_for(session, article):
        try:
            caps = ctx.channel(target.plugin).capabilities
        except LookupError:
            continue
        if not media_fit(media, caps)[0]:
            found.append(target.id)
    return found


def require_media_fit(ctx: Context, session: Session, article: Article) -> None:
    """Refuse an item whose media a chosen channel cannot take (a missing cover under
    ``cover``, everything else under ``media``), each reason naming its channel."""
    errors: dict[str, list[str]] = {}
    for name, problem in media_refusals(ctx, session, article):
        field = "cover" if problem.role == "cover" and problem.code == "missing" else "media"
        errors.setdefault(field, []).append(f"{name}: {problem.message}")
    if errors:
        raise ValidationFailed({field: "; ".join(sorted(set(v))) for field, v in errors.items()})
