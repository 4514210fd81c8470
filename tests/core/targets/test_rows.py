"""Rows per target written by the database, and the id filter they use (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.content.models import ArticleTarget
from core.db import among
from core.targets.models import ChannelTarget
from core.targets.rows import insert_per_target
from tests.support.pipeline import COMMUNE, portal_target


def make_targets(ctx, n: int) -> list[int]:
    return [portal_target(ctx, i, f"http://127.0.0.1:9/sites/t{i}/webhook") for i in range(n)]


def test_among_selects_what_in_selects(ctx, tree) -> None:
    """On PostgreSQL ``among`` is one array parameter: the same rows as ``IN``."""
    ids = make_targets(ctx, 5)
    asked = [ids[3], ids[0], ids[3], 10**9]  # unordered, twice, one that does not exist
    with ctx.sessions() as session:
        for wanted in (asked, [], ids):
            fast = session.scalars(
                select(ChannelTarget.id)
                .where(among(session, ChannelTarget.id, wanted))
                .order_by(ChannelTarget.id)
            )
            slow = session.scalars(
                select(ChannelTarget.id)
                .where(ChannelTarget.id.in_(wanted))
                .order_by(ChannelTarget.id)
            )
            assert sorted(fast) == sorted(slow)


def test_one_row_per_existing_target_in_id_order_across_chunks(ctx, tree, monkeypatch) -> None:
    from core.targets import rows

    monkeypatch.setattr(rows, "CHUNK", 2)
    ids = make_targets(ctx, 5)
    article = actions.create(ctx, SYSTEM, {"title": "Thông báo", "unit_code": COMMUNE})
    with ctx.transaction() as session:
        written = insert_per_target(
            session,
            ArticleTarget,
            [ids[4], ids[1], ids[4], 10**9, ids[0], ids[2]],
            {"article_id": article.id},
            returning=(ArticleTarget.target_id,),
        )
    assert written == [(ids[0],), (ids[1],), (ids[2],), (ids[4],)]
    with ctx.sessions() as session:
        chosen = session.scalars(
            select(ArticleTarget.target_id)
            .where(ArticleTarget.article_id == article.id)
            .order_by(ArticleTarget.target_id)
        )
        assert sorted(chosen) == [ids[0], ids[1], ids[2], ids[4]]
