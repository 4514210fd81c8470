"""The sandbox as a chaos receiver: no webhook-id dedupe, faults at rates, reconcile faults."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from core import OutcomeUnknown, TransientError
from plugins.portal.channel import PortalChannel
from plugins.portal.sandbox_state import Chaos


def _publish(target, item, key="k"):
    channel = PortalChannel()
    return asyncio.run(channel.publish(channel.render(item, target), target, key=key))


def _holdings(sandbox, site="xa-tan-lap"):
    return httpx.get(f"{sandbox.url}/__fake/holdings").json()["sites"].get(site, [])


def test_default_receiver_deduplicates_a_resend(sandbox, make_target, make_item):
    first = _publish(make_target(), make_item())
    again = _publish(make_target(), make_item())
    assert again == first
    assert len(_holdings(sandbox)) == 1


def test_receiver_without_dedupe_stores_every_resend(sandbox, make_target, make_item):
    assert httpx.post(f"{sandbox.url}/__fake/dedupe", json={"dedupe": False}).json() == {
        "dedupe": False
    }
    first = _publish(make_target(), make_item())
    again = _publish(make_target(), make_item())
    assert again.remote_id != first.remote_id
    assert [a["loa_id"] for a in _holdings(sandbox)] == ["item-0001", "item-0001"]
    # reconcile still answers what the key first produced
    found = asyncio.run(PortalChannel().reconcile(make_target(), key="k"))
    assert found is not None and found.remote_id == first.remote_id


def test_reconcile_read_faults_at_their_rate(sandbox, make_target, make_item):
    _publish(make_target(), make_item())
    httpx.post(f"{sandbox.url}/__fake/chaos", json={"reconcile_error_rate": 1.0}).raise_for_status()
    with pytest.raises(TransientError):
        asyncio.run(PortalChannel().reconcile(make_target(), key="k"))
    # posts are untouched by a reconcile-only rate
    assert _publish(make_target(), make_item(uid="item-0002"), key="k2").remote_id
    httpx.post(f"{sandbox.url}/__fake/reset").raise_for_status()
    assert asyncio.run(PortalChannel().reconcile(make_target(), key="k")) is None  # reset


def test_timeout_after_store_rate_stores_then_answers_late(sandbox, make_target, make_item):
    chaos = {"timeout_rate": 1.0, "delay": 2.0}
    httpx.post(f"{sandbox.url}/__fake/chaos", json=chaos).raise_for_status()
    with pytest.raises(OutcomeUnknown):
        _publish(make_target(timeout=0.5), make_item())
    assert len(_holdings(sandbox)) == 1


def test_chaos_draws_are_repeatable_and_near_their_rates():
    def draws(seed):
        chaos = Chaos(error_rate=0.1, timeout_rate=0.06, rate_limit_rate=0.035, seed=seed)
        return [chaos.draw("POST", "/sites/a/webhook") for _ in range(20_000)]

    first = draws(7)
    assert [f and (f.status, f.mode) for f in first] == [f and (f.status, f.mode) for f in draws(7)]
    errors = sum(1 for f in first if f and f.status == 503) / len(first)
    timeouts = sum(1 for f in first if f and f.mode == "timeout_after_store") / len(first)
    limited = sum(1 for f in first if f and f.status == 429) / len(first)
    assert errors == pytest.approx(0.1, abs=0.01)
    assert timeouts == pytest.approx(0.06, abs=0.01)
    assert limited == pytest.approx(0.035, abs=0.01)
    assert Chaos(error_rate=1.0).draw("GET", "/sites/a/comments") is None


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 2}, {"error_rate": 0.6, "timeout_rate": 0.6}, {"nope": 1}, [1], {"seed": "x"}],
)
def test_chaos_control_refuses_bad_input(sandbox, body):
    r = httpx.post(f"{sandbox.url}/__fake/chaos", json=body)
    assert r.status_code == 422 and r.json()["error"] == "invalid_chaos"
