"""Retry delays: exponential, capped, with jitter (rq has none of its own)."""

from __future__ import annotations

import random

BASE_SECONDS = 2.0
CAP_SECONDS = 900.0


def delay(attempt: int, *, base: float = BASE_SECONDS, cap: float = CAP_SECONDS) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): "equal jitter".

    Half the exponential step is kept, half is random, so retries of many
    deliveries that failed together spread out instead of hitting the channel
    again at the same instant.
    """
    step = min(cap, base * 2 ** max(0, attempt - 1))
    return step / 2 + random.uniform(0, step / 2)
