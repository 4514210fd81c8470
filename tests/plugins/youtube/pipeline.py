"""Helpers for the tests that go through Loa's own pipeline: an article with a video stored by
Loa's media pipeline, and one delivery run by the dispatcher."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from sqlalchemy import select

from core.actions import media
from core.auth.permissions import SYSTEM
from core.delivery import dispatcher
from core.delivery.models import Action, Delivery
from tests.support.media import mp4
from tests.support.pipeline import COMMUNE, new_article


def with_video(ctx: Any, tmp_path: Any, **audience: Any) -> tuple[Any, str]:
    """A new article of the commune with a short video attached; its video's sha256."""
    article = new_article(ctx, **audience)
    path = mp4(tmp_path / f"{article.id}.mp4", seconds=2.0)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    asset = media.upload(ctx, SYSTEM, COMMUNE, path, "huong-dan.mp4", title="Hướng dẫn")
    media.attach(ctx, SYSTEM, article.id, asset.id, "video")
    return article, digest


def run_delivery(ctx: Any, article_id: int, action: Action = Action.PUBLISH) -> Delivery:
    """Run the article's delivery of ``action`` once, as the worker would; the row after."""
    with ctx.sessions() as session:
        d = session.scalar(
            select(Delivery).where(Delivery.article_id == article_id, Delivery.action == action)
        )
    assert d is not None
    asyncio.run(dispatcher.run(ctx, d.id, d.attempt + 1))
    with ctx.sessions() as session:
        done = session.get(Delivery, d.id)
    assert done is not None
    return done
