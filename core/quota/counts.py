"""The quarterly quota (S0.7): every agency must get at least one item published per quarter.

An item counts for the quarter its ``published_at`` falls in (Vietnam's calendar) if it went
out: published, or since expired or retracted. One grouped query per quarter counts every
agency of the unit and its descendants at once; agencies with no row are behind.

Some channels carry a quota of their own (a national news feed's S0.7: at least one post per
agency per quarter): each agency's row also counts, per channel plugin, the items whose
publish delivery to a target of that plugin completed in the quarter (``channels``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.content.models import Agency, Article
from core.delivery.models import Action, Delivery, DeliveryState
from core.quota.periods import Period
from core.targets.models import ChannelTarget
from core.units.models import Unit
from core.workflow.states import WENT_OUT


@dataclass(frozen=True)
class AgencyQuota:
    agency_id: int
    agency_name: str
    unit_code: str
    unit_name: str
    published: int
    #: (plugin, items delivered to it in the quarter), by plugin name; plugins with none absent.
    channels: tuple[tuple[str, int], ...] = field(default=())

    def delivered_to(self, plugin: str) -> int:
        return dict(self.channels).get(plugin, 0)

    @property
    def behind(self) -> bool:
        return self.published == 0


@dataclass(frozen=True)
class QuotaQuarter:
    """One quarter of the quota report of one unit (and its descendants)."""

    unit_code: str
    unit_name: str
    period: Period
    current: bool
    agencies: tuple[AgencyQuota, ...]

    @property
    def behind(self) -> tuple[AgencyQuota, ...]:
        return tuple(a for a in self.agencies if a.behind)


def _agencies(session: Session, unit: Unit) -> list[tuple[int, str, str, str]]:
    """(id, name, unit code, unit name) of every active agency of ``unit`` and its descendants."""
    rows = session.execute(
        select(Agency.id, Agency.name, Unit.code, Unit.name)
        .join(Unit, Unit.id == Agency.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True), Agency.is_active.is_(True))
        .order_by(Unit.path, Agency.name, Agency.id)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def _published_counts(session: Session, unit: Unit, period: Period) -> dict[int, int]:
    """Items that went out in ``period``, per agency of ``unit`` and its descendants."""
    stmt = (
        select(Article.agency_id, func.count(Article.id))
        .join(Agency, Agency.id == Article.agency_id)
        .join(Unit, Unit.id == Agency.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            # An item that went out counts, even if it later expired or was taken down.
            Article.status.in_(sorted(s.value for s in WENT_OUT)),
            Article.published_at >= period.start,
            Article.published_at < period.end,
        )
        .group_by(Article.agency_id)
    )
    return {int(aid): int(n) for aid, n in session.execute(stmt) if aid is not None}


def _delivered_counts(
    session: Session, unit: Unit, period: Period
) -> dict[int, tuple[tuple[str, int], ...]]:
    """Items whose publish delivery completed in ``period``, per agency and channel plugin."""
    stmt = (
        select(Article.agency_id, ChannelTarget.plugin, func.count(func.distinct(Article.id)))
        .join(Delivery, Delivery.article_id == Article.id)
        .join(ChannelTarget, ChannelTarget.id == Delivery.target_id)
        .join(Agency, Agency.id == Article.agency_id)
        .join(Unit, Unit.id == Agency.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            Delivery.action == Action.PUBLISH,
            Delivery.state == DeliveryState.DELIVERED,
            Delivery.finished_at >= period.start,
            Delivery.finished_at < period.end,
        )
        .group_by(Article.agency_id, ChannelTarget.plugin)
        .order_by(Article.agency_id, ChannelTarget.plugin)
    )
    out: dict[int, list[tuple[str, int]]] = {}
    for aid, plugin, n in session.execute(stmt):
        if aid is not None:
            out.setdefault(int(aid), []).append((str(plugin), int(n)))
    return {aid: tuple(rows) for aid, rows in out.items()}


def quota(
    session: Session, unit: Unit, quarters: Sequence[Period], current: Period | None = None
) -> list[QuotaQuarter]:
    """The quota of every agency under ``unit`` for each of ``quarters`` (in the given order)."""
    agencies = _agencies(session, unit)
    out = []
    for period in quarters:
        counts = _published_counts(session, unit, period)
        by_channel = _delivered_counts(session, unit, period)
        out.append(
            QuotaQuarter(
                unit_code=unit.code,
                unit_name=unit.name,
                period=period,
                current=period == current,
                agencies=tuple(
                    AgencyQuota(aid, name, code, uname, counts.get(aid, 0), by_channel.get(aid, ()))
                    for aid, name, code, uname in agencies
                ),
            )
        )
    return out
