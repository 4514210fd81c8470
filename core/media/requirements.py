"""What channels require of an item's media, checked before anyone approves it.

A channel declares ``requires_cover_image`` in its Capabilities (a national news feed whose
every post needs a representative image, S0.5); core never names the channel.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.models import Article
from core.context import Context
from core.delivery import outbox
from core.errors import ValidationFailed
from core.media.models import MediaRole, MediaUse


def has_cover_image(session: Session, article_id: int) -> bool:
    found = session.scalar(
        select(MediaUse.id)
        .where(MediaUse.article_id == article_id, MediaUse.role == MediaRole.COVER)
        .limit(1)
    )
    return found is not None


def require_cover_image(ctx: Context, session: Session, article: Article) -> None:
    """Refuse an item bound for a channel that requires a cover image and has none."""
    needing = []
    for target in outbox.targets_for(session, article):
        try:
            caps = ctx.channel(target.plugin).capabilities
        except LookupError:
            continue
        if caps.requires_cover_image:
            needing.append(target.name)
    if needing and not has_cover_image(session, article.id):
        raise ValidationFailed(
            {"cover": f"a representative image is required by {', '.join(sorted(needing))}"}
        )
