"""Core names the units of an item's scope for the channels (``Audience.scope_names``)."""

from __future__ import annotations

from core import Audience
from core.content.queries import item_for
from tests.support.pipeline import new_article


def test_an_item_for_a_channel_carries_the_names_of_its_scope_units(ctx, tree) -> None:
    article = new_article(ctx, scope_level="commune", scope_units=["14950", "14932", "99999"])
    with ctx.sessions() as session:
        item = item_for(session, session.merge(article), ctx.settings.base_url)
    a = item.audience
    assert a.scope_units == ("14950", "14932", "99999")
    assert a.scope_names == ("Xã Cẩm Thạch", "Xã Cẩm Thủy", "")  # unknown code: no name
    assert a.scope_named() == (
        ("14950", "Xã Cẩm Thạch"),
        ("14932", "Xã Cẩm Thủy"),
        ("99999", ""),
    )


def test_scope_named_pads_names_core_did_not_give() -> None:
    assert Audience(scope_units=("14932", "14950")).scope_named() == (
        ("14932", ""),
        ("14950", ""),
    )
