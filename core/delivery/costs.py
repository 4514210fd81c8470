"""Weighing a delivery against its channel's allowance (:mod:`core.contract.costs`).

:func:`weigh` is asked before each publish and update of a rationed channel, and by the
channel plan before approval: the cost of the rendered payload, what is left (the channel's
figure, less what Loa's own deliveries spent since ``Allowance.since`` when it is given), and
which amounts would be exceeded. The ledger is the ``cost`` recorded on delivered rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contract.channels import Channel, Rendered, Target
from core.contract.costs import Allowance, Cost, Costed
from core.delivery.models import Delivery, DeliveryState
from core.outbound.bounded import run_bounded

#: When a channel gives no reset time, a waiting delivery asks again after this long.
RECHECK = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Weighed:
    """A delivery's cost against what is left; ``over`` names the amounts it would exceed."""

    cost: Cost
    left: Mapping[str, float] = field(default_factory=dict)
    resets_at: dt.datetime | None = None
    over: tuple[str, ...] = ()

    def reason(self) -> str:
        """Why the delivery waits, for the editor (Vietnamese first)."""
        parts = ", ".join(
            f"{k}: {self.cost.amounts[k]:g} > {self.left.get(k, 0):g}" for k in self.over
        )
        when = f" {self.resets_at:%Y-%m-%d %H:%M} UTC" if self.resets_at else ""
        return (
            f"chờ hạn mức của kênh được cấp lại{when} ({parts})"
            f" (waiting for the channel's allowance to reset{when}: {parts})"
        )


class OverAllowance(Exception):
    """Not an error of the channel: the delivery waits until the allowance resets."""

    def __init__(self, weighed: Weighed) -> None:
        super().__init__(weighed.reason())
        self.weighed = weighed


def spent_since(session: Session, target_id: int, since: dt.datetime) -> dict[str, float]:
    """What delivered rows of this target recorded as spent since ``since``."""
    total: Counter[str] = Counter()
    for cost in session.scalars(
        select(Delivery.cost).where(
            Delivery.target_id == target_id,
            Delivery.state == DeliveryState.DELIVERED,
            Delivery.finished_at >= since,
            Delivery.cost.is_not(None),
        )
    ):
        total.update({k: float(v) for k, v in (cost or {}).items()})
    return dict(total)


def left_after_ledger(session: Session, target_id: int, allowance: Allowance) -> dict[str, float]:
    left = {k: float(v) for k, v in allowance.left.items()}
    if allowance.since is not None:
        for name, used in spent_since(session, target_id, allowance.since).items():
            if name in left:
                left[name] -= used
    return left


def compare(session: Session, target_id: int, cost: Cost, allowance: Allowance) -> Weighed:
    left = left_after_ledger(session, target_id, allowance)
    over = tuple(k for k, v in cost.amounts.items() if k in left and v > left[k])
    return Weighed(cost, left, allowance.resets_at, over)


async def weigh(
    channel: Channel, rendered: Rendered, target: Target, session: Session
) -> Weighed | None:
    """The cost of ``rendered`` against what is left; None for a channel that is not rationed."""
    if not isinstance(channel, Costed):
        return None
    cost = channel.estimate_cost(rendered, target)
    return compare(session, target.id, cost, await channel.allowance(target))


def weigh_now(
    channel: Channel, rendered: Rendered, target: Target, session: Session, timeout: float
) -> Weighed | None:
    """:func:`weigh` for synchronous callers (the channel plan): the channel's ``allowance``
    runs on an event loop of its own thread, at most ``timeout`` seconds."""
    if not isinstance(channel, Costed):
        return None
    cost = channel.estimate_cost(rendered, target)
    allowance = run_bounded(channel.allowance(target), timeout)
    return compare(session, target.id, cost, allowance)
