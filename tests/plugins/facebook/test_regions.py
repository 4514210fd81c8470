"""Facebook region keys resolved live by the targeting search, stored, used to post."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging

import httpx
import pytest

from core import Audience, PermanentError, Target
from core.log_redaction import redact
from plugins.facebook import sandbox_regions
from plugins.facebook.channel import FacebookChannel
from plugins.facebook.client import appsecret_proof
from plugins.facebook.connect import CHECK_EVERY, RETRY_REGIONS
from plugins.facebook.regions import pick, same_name, search_names
from plugins.facebook.sandbox_regions import REGIONS
from tests.plugins.facebook.support import APP_SECRET, PAGE_TOKEN

KEY_OF = {name: key for key, name in REGIONS.items()}
PERMISSION = {"code": 200, "message": "(#200) Requires ads_read", "type": "OAuthException"}


def run(coro):
    return asyncio.run(coro)


def with_settings(target: Target, **settings) -> Target:
    return Target(
        target.id,
        target.name,
        {**target.settings, **settings},
        target.secrets,
        target.timeout,
        target.allow_networks,
    )


def connect(sandbox, target: Target):
    """Facebook Login end to end: the credentials core would store."""
    code = sandbox.control("consent", {})["code"]
    return run(
        FacebookChannel().exchange_code(
            target, params={"code": code}, redirect_uri="https://loa.vn/cb", code_verifier=None
        )
    )


def searches(sandbox) -> int:
    return len(sandbox.requests("/search"))


def test_the_sandbox_search_is_strict_and_has_facebooks_shape(sandbox):
    url = f"{sandbox.url}/v26.0/search"
    auth = {"authorization": f"Bearer {PAGE_TOKEN}"}
    base = {
        "type": "adgeolocation",
        "location_types": '["region"]',
        "country_code": "VN",
        "appsecret_proof": appsecret_proof(APP_SECRET, PAGE_TOKEN),
    }
    found = httpx.get(url, params={**base, "q": "Thừa Thiên Huế"}, headers=auth).json()
    assert found == {
        "data": [
            {
                "key": KEY_OF["Thua Thien-Hue"],
                "name": "Thua Thien-Hue",
                "type": "region",
                "country_code": "VN",
                "country_name": "Vietnam",
                "supports_region": True,
                "supports_city": True,
            }
        ]
    }
    for params in (
        base,  # no q
        {**base, "q": "Hanoi", "location_types": "region"},  # not a JSON array
        {**base, "q": "Hanoi", "location_types": '["province"]'},
        {**base, "q": "Hanoi", "country": "VN"},  # unknown parameter
        {**base, "q": "Hanoi", "type": "adinterest"},
    ):
        answer = httpx.get(url, params=params, headers=auth)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == 100 and answer.json()["error"]["fbtrace_id"]
    assert httpx.get(url, params={**base, "q": "Hanoi"}).json()["error"]["code"] == 2500
    assert len(REGIONS) == 63 and all(k.startswith("SANDBOX-") for k in REGIONS)


def test_names_match_without_diacritics_and_a_key_is_never_guessed():
    assert same_name("Tỉnh Bà Rịa - Vũng Tàu", "Ba Ria-Vung Tau")
    assert same_name("Thành phố Đà Nẵng", "Da Nang") and not same_name("Ha Nam", "Hanoi")
    rows = [
        {"key": "1", "name": "Ha Nam", "type": "region", "country_code": "VN"},
        {"key": "2", "name": "Ha Nam", "type": "city", "country_code": "VN"},
        {"key": "3", "name": "Hanoi", "type": "region", "country_code": "LA"},
    ]
    assert pick(rows, "Ha Nam") == "1"
    assert pick(rows, "Hanoi") is None  # only another country's region has the name
    assert pick([*rows, {**rows[0], "key": "9"}], "Ha Nam") is None  # ambiguous: no key
    names = search_names()
    assert len(names) == 63 and names["46"] == "Thua Thien-Hue" and names["02"] == "Ha Giang"


def test_connecting_resolves_every_province_once_and_a_commune_post_is_restricted(
    sandbox, make_target, make_item
):
    creds = connect(sandbox, make_target())
    keys = creds.settings["region_keys"]
    assert len(keys) == 63 and creds.settings["regions_unmatched"] == []
    assert keys["01"] == KEY_OF["Hanoi"] and keys["46"] == KEY_OF["Thua Thien-Hue"]
    assert keys["79"] == KEY_OF["Ho Chi Minh City"] and keys["66"] == KEY_OF["Dak Lak"]
    assert searches(sandbox) == 63
    channel, target = FacebookChannel(), with_settings(make_target(), **creds.settings)
    channel.validate_settings(target.settings, target.secrets)
    commune = Audience(scope_level="commune", scope_units=("00004",))  # Phường Ba Đình, Hà Nội
    for n in range(3):
        item = make_item(uid=f"item-{n}", audience=commune)
        remote = run(channel.publish(channel.render(item, target), target, key=f"k-geo-{n}"))
        post = sandbox.dump()["posts"][remote.remote_id]
        assert post["targeting"]["geo_locations"]["regions"] == [{"key": KEY_OF["Hanoi"]}]
    # Three deliveries and the daily check: not one more search.
    fresh = run(channel.refresh(target))
    assert searches(sandbox) == 63
    assert "region_keys" not in fresh.settings  # nothing to look up: the stored keys stand
    assert fresh.expires_at is not None
    assert fresh.expires_at - dt.datetime.now(dt.UTC) > CHECK_EVERY - dt.timedelta(minutes=1)


def test_a_failed_search_degrades_to_the_fidelity_note_then_is_retried_at_the_next_check(
    sandbox, make_target, make_item, caplog
):
    caplog.set_level(logging.DEBUG)
    sandbox.control("faults", {"path_contains": "/search", "status": 403, "error": PERMISSION})
    creds = connect(sandbox, make_target())
    searched = [r.getMessage() for r in caplog.records if "/search" in r.getMessage()]
    assert searched and not any(PAGE_TOKEN in line for line in searched)  # header, not URL
    assert PAGE_TOKEN not in redact(caplog.text) and PAGE_TOKEN not in str(creds.settings)
    assert creds.settings["region_keys"] == {}  # the connection stands, with no key
    assert searches(sandbox) == 1  # the first refusal stops the round: not 63 refusals
    assert creds.expires_at is not None
    assert creds.expires_at - dt.datetime.now(dt.UTC) <= RETRY_REGIONS  # back within the hour
    channel, target = FacebookChannel(), with_settings(make_target(), **creds.settings)
    item = make_item(audience=Audience(scope_level="province", scope_units=("46",), age_min=18))
    rendered = channel.render(item, target)
    assert rendered.payload["targeting"] == {"age_min": 18}  # never a guessed key
    assert rendered.preview is not None
    assert any(
        "not restricted by area: no Facebook region for Thành phố Huế (46)" in note
        for note in rendered.preview.notes
    )
    remote = run(channel.publish(rendered, target, key="k-no-geo"))  # the token still posts
    assert "geo_locations" not in sandbox.dump()["posts"][remote.remote_id]["targeting"]
    # The next check looks the missing keys up; the item then goes out restricted.
    fresh = run(channel.refresh(target))
    assert len(fresh.settings["region_keys"]) == 63 and searches(sandbox) == 64
    target = with_settings(target, **fresh.settings)
    payload = channel.render(item, target).payload
    assert payload["targeting"]["geo_locations"]["regions"] == [{"key": KEY_OF["Thua Thien-Hue"]}]


def test_a_province_facebook_has_no_region_for_is_reported_not_guessed(
    sandbox, make_target, make_item, monkeypatch
):
    monkeypatch.setitem(REGIONS, KEY_OF["Thua Thien-Hue"], "Hue Imperial City")
    assert sandbox_regions.REGIONS is REGIONS
    creds = connect(sandbox, make_target())
    assert creds.settings["regions_unmatched"] == ["46"]
    assert "46" not in creds.settings["region_keys"] and len(creds.settings["region_keys"]) == 62
    target = with_settings(make_target(), **creds.settings)
    rendered = FacebookChannel().render(
        make_item(audience=Audience(scope_level="province", scope_units=("46",))), target
    )
    assert rendered.payload.get("targeting") is None
    assert rendered.preview is not None
    assert any("no Facebook region for Thành phố Huế (46)" in n for n in rendered.preview.notes)
    # The daily check searches the unmatched province again; a failed search forgets nothing.
    sandbox.control("faults", {"path_contains": "/search", "status": 403, "error": PERMISSION})
    again = run(FacebookChannel().refresh(target))
    assert again.settings["regions_unmatched"] == ["46"]
    assert len(again.settings["region_keys"]) == 62 and searches(sandbox) == 64


def test_the_sandbox_refuses_a_region_key_it_never_gave(sandbox, make_target, make_item):
    target = with_settings(make_target(), region_keys={"01": "fb-01"})
    channel = FacebookChannel()
    item = make_item(audience=Audience(scope_level="province", scope_units=("01",)))
    with pytest.raises(PermanentError, match="invalid location key"):
        run(channel.publish(channel.render(item, target), target, key="k-bad-key"))


def test_the_sandbox_refuses_a_country_with_regions_inside_it(sandbox, make_target, make_item):
    """Graph refuses overlapping locations; the channel sends the regions alone."""
    connected = run(FacebookChannel().refresh(make_target()))
    target = with_settings(make_target(), region_keys=connected.settings["region_keys"])
    channel = FacebookChannel()
    item = make_item(audience=Audience(scope_level="province", scope_units=("01",)))
    rendered = channel.render(item, target)
    geo = rendered.payload["targeting"]["geo_locations"]
    assert "countries" not in geo and len(geo["regions"]) == 1
    overlapping = {**rendered.payload["targeting"], "geo_locations": {**geo, "countries": ["VN"]}}
    bad = dataclasses.replace(rendered, payload={**rendered.payload, "targeting": overlapping})
    with pytest.raises(PermanentError, match="overlap"):
        run(channel.publish(bad, target, key="k-overlap"))
    run(channel.publish(rendered, target, key="k-regions"))  # the regions alone go out
