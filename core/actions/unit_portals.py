"""A unit's portal URL template: where readers of the unit's items land (canonical URLs).

Setting it sends every reader of the API's ``url``, the feeds, the sitemap and Loa's own
``/articles/<slug>`` redirect to that site, so it is a destination like a channel
target's URL: it needs ``manage_channels`` on the unit and a fresh second factor, and
every change is audited.
"""

from __future__ import annotations

from core import audit
from core.auth.permissions import Actor, Permission, require, require_step_up
from core.content.queries import unit_by_code
from core.content.urls import check_template
from core.context import Context
from core.errors import NotFound
from core.units.models import Unit


def set_portal(ctx: Context, actor: Actor, unit_code: str, template: str) -> Unit:
    """Store the unit's template ("" removes it: its items fall back to an ancestor's or Loa's)."""
    template = check_template(template)
    with ctx.transaction() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError as exc:
            raise NotFound(str(exc)) from None
        require(actor, Permission.MANAGE_CHANNELS, unit.path)
        require_step_up(actor)
        previous = unit.portal_url_template
        unit.portal_url_template = template
        audit.record(
            session,
            actor=actor.name,
            action="unit.portal",
            subject_type="unit",
            subject_id=unit.code,
            data={"from": previous, "to": template},
            unit_path=unit.path,
        )
    ctx.emit("unit.portal", {"unit": unit.code})
    return unit
