"""Audience: restrictive targeting vs soft feed_targeting, 2025 units mapped to old provinces."""

from __future__ import annotations

import asyncio

from core import Audience
from plugins.facebook.audience import compile_audience, region_keys
from plugins.facebook.channel import FacebookChannel


def test_every_2025_province_maps_to_the_old_provinces_it_took_over():
    keys = region_keys()
    assert len(keys) == 34
    assert sum(len(v) for v in keys.values()) == 63
    assert keys["01"] == ("VN-01",)  # Hà Nội kept its borders
    assert set(keys["08"]) == {"VN-02", "VN-08"}  # Tuyên Quang took over Hà Giang


def test_restrictive_and_soft_parts_are_said_apart():
    audience = Audience(age_min=16, age_max=30, genders=("female",), scope_level="commune")
    compiled = compile_audience(audience, "00004")  # Phường Ba Đình, Hà Nội
    assert compiled.targeting == {
        "geo_locations": {"countries": ["VN"], "regions": [{"key": "VN-01"}]},
        "age_min": 18,  # rounded up: never shown to someone younger than asked
    }
    assert compiled.feed_targeting == {"age_max": 30, "age_min": 16, "genders": [2]}
    notes = " ".join(compiled.notes)
    assert "tỉnh" in notes and "age maximum is a feed preference" in notes
    assert "gender is a feed preference" in notes and "làm tròn" in notes


def test_national_items_are_not_restricted_and_unknown_units_are_reported():
    assert compile_audience(Audience(scope_level="national"), "00004").targeting is None
    compiled = compile_audience(Audience(scope_level="province", scope_units=("99",)), "99")
    assert compiled.targeting is None and "99" in compiled.notes[0]


def test_the_sandbox_stores_both_and_the_preview_reports_fidelity(sandbox, make_target, make_item):
    channel, target = FacebookChannel(), make_target()
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
    assert {r["key"] for r in post["targeting"]["geo_locations"]["regions"]} == {"VN-02", "VN-08"}
    assert post["feed_targeting"] == {"age_max": 40, "age_min": 18, "genders": [1]}
