"""Audience: restrictive targeting vs soft feed_targeting, 2025 units mapped to old provinces."""

from __future__ import annotations

import asyncio

from core import Audience, Target
from plugins.facebook.audience import compile_audience, old_provinces, province_rows
from plugins.facebook.channel import FacebookChannel

#: Facebook region keys as a target stores them once resolved (test_regions.py resolves them).
KEYS = {code: f"fb-{code}" for codes in old_provinces().values() for code in codes}


def test_every_2025_province_maps_to_the_old_provinces_it_took_over():
    provinces = old_provinces()
    assert len(provinces) == 34
    assert sum(len(v) for v in provinces.values()) == 63
    assert provinces["01"] == ("01",)  # Hà Nội kept its borders
    assert set(provinces["08"]) == {"02", "08"}  # Tuyên Quang took over Hà Giang
    assert "facebook_region_key" not in province_rows()[0]  # no key is shipped: resolved live


def test_restrictive_and_soft_parts_are_said_apart():
    audience = Audience(age_min=16, age_max=30, genders=("female",), scope_level="commune")
    compiled = compile_audience(audience, "00004", KEYS)  # Phường Ba Đình, Hà Nội
    assert compiled.targeting == {
        "geo_locations": {"regions": [{"key": "fb-01"}]},  # no country: it would overlap
        "age_min": 18,  # rounded up: never shown to someone younger than asked
    }
    assert compiled.feed_targeting == {"age_max": 30, "age_min": 16, "genders": [2]}
    notes = " ".join(compiled.notes)
    assert "tỉnh" in notes and "age maximum is a feed preference" in notes
    assert "gender is a feed preference" in notes and "làm tròn" in notes


def test_national_items_are_not_restricted_and_unknown_units_or_keys_are_reported():
    assert compile_audience(Audience(scope_level="national"), "00004", KEYS).targeting is None
    compiled = compile_audience(Audience(scope_level="province", scope_units=("99",)), "99", KEYS)
    assert compiled.targeting is None and "99" in compiled.notes[0]
    province = Audience(scope_level="province", scope_units=("08",), age_min=18)
    unkeyed = compile_audience(province, "08", {"08": "fb-08"})  # Hà Giang's key is missing
    assert unkeyed.targeting == {"age_min": 18}  # never a partial area, never a made-up key
    assert "no Facebook region for Tỉnh Hà Giang (02)" in unkeyed.notes[0]


def test_the_sandbox_stores_both_and_the_preview_reports_fidelity(sandbox, make_target, make_item):
    channel, base = FacebookChannel(), make_target()
    keys = {"02": "SANDBOX-R3721", "08": "SANDBOX-R3759"}  # as the sandbox's search gives them
    target = Target(
        base.id,
        base.name,
        {**base.settings, "region_keys": keys},
        base.secrets,
        base.timeout,
        base.allow_networks,
    )
    channel.validate_settings(target.settings, target.secrets)
    item = make_item(
        audience=Audience(
            age_min=18, age_max=40, genders=("male",), scope_level="province", scope_units=("08",)
        )
    )
    rendered = channel.render(item, target)
    assert rendered.preview is not None and rendered.preview.notes
    remote = asyncio.run(channel.publish(rendered, target, key="k-aud"))
    post = sandbox.dump()["posts"][remote.remote_id]
    assert post["targeting"]["age_min"] == 18
    assert {r["key"] for r in post["targeting"]["geo_locations"]["regions"]} == set(keys.values())
    assert post["feed_targeting"] == {"age_max": 40, "age_min": 18, "genders": [1]}
