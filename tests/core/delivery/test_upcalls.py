"""Delivery calls up into content and workflow only through the upcalls wired at start-up."""

from __future__ import annotations

from typing import Any

import pytest

from core.app import create_app
from core.delivery import jobs, sweeper, upcalls
from core.wiring import CoreUpcalls


def test_a_sweep_or_job_before_wiring_says_what_is_missing(ctx: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(upcalls, "_wired", None)
    with pytest.raises(upcalls.NotWired, match=r"core\.wiring\.wire"):
        sweeper.sweep(ctx)
    jobs.set_worker_context(ctx)
    try:
        with pytest.raises(upcalls.NotWired):
            jobs.run_publish(1)
    finally:
        jobs.set_worker_context(None)


def test_the_app_wires_core_upcalls_at_start(ctx: Any, settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(upcalls, "_wired", None)
    create_app(settings, ctx=ctx, embedded_worker=False)
    assert isinstance(upcalls.current(), CoreUpcalls)
    assert sweeper.sweep(ctx)["published"] == 0
