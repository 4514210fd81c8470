"""Rendering an item for a channel: checked as a delivery does it, or previewed for an editor.

:func:`render_checked` is the one way core renders: the item's media are judged against the
channel's declared media first (:class:`~core.contract.fit.MediaUnfit` when something does
not fit), then the channel renders. :func:`preview_of` does the same for the editor's eyes:
nothing is sent, a refusal is reported rather than raised, the channel's preview HTML is
sanitised, and the fidelity report is added. :func:`previews` answers the management API
for any revision of an item and any of its targets (the editor's read permission checked).
"""

from __future__ import annotations

import html

from core.auth.permissions import Actor
from core.content.queries import item_for
from core.content.reads import get_article
from core.content.revisions import revision as revision_of
from core.content.snapshots import apply_snapshot
from core.content.validation import sanitise_html
from core.context import Context
from core.contract.channels import Capabilities, Channel, ChannelError, Item, Rendered, Target
from core.contract.fit import media_fit, require_fit
from core.contract.preview import ChannelPreview, Fidelity, Preview, requested
from core.delivery import outbox
from core.errors import NotFound, ValidationFailed
from core.targets.models import ChannelTarget


def render_checked(channel: Channel, item: Item, target: Target) -> Rendered:
    """The channel's payload for ``item``; MediaUnfit first if its media do not fit."""
    require_fit(item.media, channel.capabilities)
    return channel.render(item, target)


def unenforced(item: Item, caps: Capabilities) -> tuple[str, ...]:
    """The audience fields the item restricts that the channel cannot enforce."""
    return tuple(sorted(requested(item.audience, item.unit_code) - caps.audience))


def _plain(rendered: Rendered) -> Preview:
    paragraphs = [p for p in rendered.text.split("\n") if p.strip()]
    return Preview(html="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


def preview_of(channel: Channel, item: Item, target: Target) -> ChannelPreview:
    """``item`` as ``channel`` would render it, with the fidelity report; never raises for a
    refusal (its reasons are in ``refused``)."""
    caps = channel.capabilities
    refusals, dropped = media_fit(item.media, caps)
    fidelity = Fidelity(unenforced(item, caps), tuple(dropped))
    if refusals:
        return ChannelPreview(Preview(), fidelity, refused=tuple(p.message for p in refusals))
    try:
        rendered = channel.render(item, target)
    except (ChannelError, ValueError, KeyError, TypeError) as exc:  # what a delivery would fail on
        return ChannelPreview(Preview(), fidelity, refused=(str(exc) or type(exc).__name__,))
    given = rendered.preview or _plain(rendered)
    shown = Preview(sanitise_html(given.html), dict(given.fields), tuple(given.notes))
    return ChannelPreview(
        shown, Fidelity(fidelity.unenforced, fidelity.media_dropped, shown.notes), rendered.text
    )


def previews(
    ctx: Context,
    actor: Actor,
    article_uid: str,
    *,
    revision: int | None = None,
    target_id: int | None = None,
) -> list[tuple[ChannelTarget, ChannelPreview]]:
    """Each chosen target's preview of the item at ``revision`` (default: the newest, a
    pending edit included). NotFound for an unknown item; ValidationFailed for a revision or
    a target it does not have."""
    with ctx.sessions() as session, session.no_autoflush:
        article = get_article(session, actor, article_uid)
        if article is None:
            raise NotFound(f"no article {article_uid!r}")
        number = revision or article.pending_revision or article.revision
        if number != article.revision:  # shown on the row, never written: the session rolls back
            try:
                data = revision_of(session, article.id, number).data
            except NotFound as exc:
                raise ValidationFailed({"revision": exc.message}) from None
            apply_snapshot(session, article, data)
        item = item_for(session, article, ctx.settings.base_url)
        rows = outbox.targets_for(session, article)
        if target_id is not None:
            rows = [t for t in rows if t.id == target_id]
            if not rows:
                raise ValidationFailed({"target_id": "not one of this article's targets"})
        session.expunge_all()
        session.rollback()
    out = []
    for row in rows:
        try:
            channel = ctx.channel(row.plugin)
        except LookupError as exc:
            out.append((row, ChannelPreview(Preview(), Fidelity(), refused=(str(exc),))))
            continue
        target = Target(row.id, row.name, dict(row.settings or {}), {})
        out.append((row, preview_of(channel, item, target)))
    return out
