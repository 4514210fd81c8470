"""Costs and allowances: what a delivery will use up on a channel, and what is left.

Platforms ration what a channel may do: a video platform counts quota units per day (an
upload costs many of them, or is one of a few daily inserts, depending on the project's
model); a chat platform's official account counts broadcasts per month and articles per
package period. A channel that is rationed implements
:class:`Costed`; core then

* shows the cost and what is left in the item's channel plan, before approval;
* before each publish or update asks the channel, and a delivery that would exceed what is
  left is not sent: it waits (state ``waiting``, the reason on the delivery) and is tried
  again when the allowance resets, instead of failing at the platform.

Amounts are named (``quota_units``, ``broadcasts``…); a name the allowance does not list is
not limited. An allowance may say what is left itself (a platform's quota endpoint), or give the
period's total with ``since``: core then subtracts what its own deliveries to the target
spent since then (a ledger of the costs recorded on delivered rows), for platforms with no
endpoint to ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from core.contract.channels import Rendered, Target


@dataclass(frozen=True)
class Cost:
    """What one delivery of a rendered payload uses up, by name (``{"quota_units": 1600}``)."""

    amounts: Mapping[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Allowance:
    """What is left on a target, by name; ``resets_at`` is when it is renewed (UTC).

    With ``since``, ``left`` is the whole period's allowance and core subtracts what it spent
    on this target since that moment."""

    left: Mapping[str, float] = field(default_factory=dict)
    resets_at: dt.datetime | None = None
    since: dt.datetime | None = None


@runtime_checkable
class Costed(Protocol):
    """What a rationed channel also implements. ``estimate_cost`` is pure (no I/O): it is
    called for the plan and before every publish and update; ``allowance`` may ask the
    platform, so it is awaited."""

    def estimate_cost(self, rendered: Rendered, target: Target) -> Cost: ...

    async def allowance(self, target: Target) -> Allowance: ...
