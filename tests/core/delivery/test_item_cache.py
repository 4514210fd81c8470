"""A worker reads a fanned-out item once per revision, and never sends a stale one."""

from __future__ import annotations

import asyncio
import dataclasses

from sqlalchemy import select

from core.actions import content as actions
from core.actions.unit_portals import set_portal
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.content.queries import item_for
from core.delivery import dispatcher, items, kept
from core.delivery.models import Action, Delivery
from core.media.current_store import media_store
from core.media.item_media import StoreSource
from tests.support.pipeline import COMMUNE, new_article, sandbox_get

EDITED = "Thông báo lịch tiêm chủng (cập nhật)"


def deliveries(ctx) -> list[Delivery]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def cached(ctx, article_id: int):
    with ctx.sessions() as session:
        return items.delivered_item(ctx, session, session.get(Article, article_id))


def test_the_cached_item_is_the_item_read_afresh(ctx, portal_target):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    first, second = cached(ctx, article.id), cached(ctx, article.id)
    assert second is first  # the second delivery of the item read nothing
    with ctx.sessions() as session:
        row = session.get(Article, article.id)
        fresh = item_for(session, row, ctx.settings.base_url, StoreSource(media_store(ctx)))
    assert dataclasses.asdict(second) == dataclasses.asdict(fresh)


def test_an_edit_goes_out_as_edited_even_if_no_generation_moved(
    ctx, portal_target, sandbox, monkeypatch
):
    monkeypatch.setattr(type(ctx), "content_generation", lambda self: 0)
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    [publish] = deliveries(ctx)
    assert asyncio.run(dispatcher.run(ctx, publish.id, 1)) is dispatcher.Outcome.DELIVERED
    actions.update(ctx, SYSTEM, article.id, {"title": EDITED})
    actions.approve(ctx, SYSTEM, article.id)
    [update] = [d for d in deliveries(ctx) if d.action == Action.UPDATE]
    assert asyncio.run(dispatcher.run(ctx, update.id, 1)) is dispatcher.Outcome.DELIVERED
    [stored] = sandbox_get(sandbox, f"/sites/{COMMUNE}/articles")["articles"]
    assert stored["title"] == EDITED  # the new revision's render, not the cached one


def test_a_change_outside_the_article_row_is_read_again_when_the_generation_moves(
    ctx, portal_target
):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    before = cached(ctx, article.id)
    set_portal(ctx, SYSTEM, COMMUNE, "https://camthuy.example.vn/tin/{slug}")
    after = cached(ctx, article.id)
    assert after.url == f"https://camthuy.example.vn/tin/{article.slug}" != before.url


def test_an_entry_is_trusted_for_its_ttl_only(ctx, portal_target, monkeypatch):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    first = cached(ctx, article.id)
    monkeypatch.setattr(kept.time, "monotonic", lambda: 1e12)  # long after
    assert cached(ctx, article.id) is not first
