"""The claim is one compare-and-set; the row it hands on is the row as stored after it."""

from __future__ import annotations

from sqlalchemy import inspect, select

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from tests.support.pipeline import new_article


def test_the_claimed_row_is_the_stored_row_and_a_second_claim_gets_nothing(ctx, portal_target):
    article = new_article(ctx)
    actions.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        [d] = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    claimed = dispatcher._claim(ctx, d.id, 1)
    assert claimed is not None
    row, previous = claimed
    assert previous == DeliveryState.PENDING
    with ctx.sessions() as session:
        stored = session.get(Delivery, d.id)
    columns = [c.key for c in inspect(Delivery).column_attrs]
    assert {c: getattr(row, c) for c in columns} == {c: getattr(stored, c) for c in columns}
    assert row.state == DeliveryState.IN_FLIGHT and row.attempt == 1
    assert dispatcher._claim(ctx, d.id, 1) is None  # the same attempt again: not ours
