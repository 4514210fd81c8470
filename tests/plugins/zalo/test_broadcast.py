"""Broadcasting an article to the OA's followers: targeting, limits, quiet hours, costs."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from core import Audience, RateLimited
from plugins.zalo import channel as zalo_channel
from plugins.zalo.channel import ZaloChannel, month_bounds
from plugins.zalo.client import in_quiet_hours, seconds_until_morning
from plugins.zalo.targeting import CITIES_FILE, _cities, compile_target

NOON_VN = "2026-07-01T05:00:00+00:00"  # 12:00 in Vietnam


@pytest.fixture
def daytime(monkeypatch, fake) -> None:
    monkeypatch.setattr(zalo_channel, "in_quiet_hours", lambda now: False)
    fake("clock", {"at": NOON_VN})


def test_the_audience_becomes_zalos_target():
    everyone = compile_target(Audience(scope_level="national"))
    assert everyone.target == {} and not everyone.blocked
    women = compile_target(Audience(genders=("female",), age_min=18, age_max=34))
    assert women.target == {"gender": "2", "ages": "2,3"} and women.notes == ()
    rounded = compile_target(Audience(age_min=20, age_max=40))
    assert rounded.target == {"ages": "2,3,4"} and "rounded" in rounded.notes[0]


def test_units_map_to_pre_2025_province_codes():
    hanoi = compile_target(Audience(scope_level="province", scope_units=("01",)))
    assert hanoi.target == {"cities": "9"} and hanoi.notes == ()
    thanh_hoa = compile_target(Audience(scope_level="province", scope_units=("38",)))
    assert thanh_hoa.target == {"cities": "39"} and not thanh_hoa.blocked
    # A merged 2025 province reaches every pre-2025 province it took over.
    phu_tho = compile_target(Audience(scope_level="province", scope_units=("25",)))
    assert phu_tho.target == {"cities": "24,26,40"}  # Hòa Bình, Vĩnh Phúc, Phú Thọ
    da_nang = compile_target(Audience(scope_level="province", scope_units=("48", "82")))
    assert da_nang.target == {"cities": "0,14,20,34"}  # + Quảng Nam; Đồng Tháp + Tiền Giang
    # Hồ Chí Minh City (2025) took over Bình Dương (29) and Bà Rịa–Vũng Tàu, whose code is unknown.
    hcm = compile_target(Audience(scope_level="province", scope_units=("79",)))
    assert hcm.blocked and "Vũng Tàu" in hcm.blocked and "cities" not in hcm.target
    # Hải Phòng and Cần Thơ: the source's table stops before their numbers.
    for code, name in (("31", "Hải Phòng"), ("92", "Cần Thơ")):
        blocked = compile_target(Audience(scope_level="province", scope_units=(code,))).blocked
        assert name in blocked
    commune = compile_target(Audience(scope_level="commune", scope_units=("00004",)))
    assert commune.target == {"cities": "9"}  # a Hà Nội ward: the whole former province
    assert "whole pre-2025 provinces" in commune.notes[0]
    unknown = compile_target(Audience(scope_level="commune", scope_units=("99999",)))
    assert unknown.blocked


def test_the_zalo_numbers_are_sourced_and_distinct():
    numbers = [n for rows in _cities().values() for _, n in rows if n]
    assert sorted(numbers, key=int) == [str(n) for n in range(41)]  # 0–40, each province once
    assert sum(len(rows) for rows in _cities().values()) == 63
    header = CITIES_FILE.read_text(encoding="utf-8").split("province_2025,")[0]
    assert "@warriorteam/redai-zalo-sdk 1.32.17" in header


def test_render_says_before_approval_when_it_cannot_broadcast(make_target, make_item):
    item = make_item(audience=Audience(scope_level="province", scope_units=("79",)))
    rendered = ZaloChannel().render(item, make_target(broadcast=True))
    assert rendered.payload["broadcast"] is None
    assert any("no broadcast" in n for n in rendered.preview.notes)


def test_publish_broadcasts_the_article_with_its_target(make_target, make_item, fake, daytime):
    channel, target = ZaloChannel(), make_target(broadcast=True)
    item = make_item(
        audience=Audience(scope_level="province", scope_units=("01",), genders=("male",))
    )
    remote = asyncio.run(channel.publish(channel.render(item, target), target, key="b1"))
    [sent] = fake("state")["broadcasts"]
    assert sent["target"] == {"gender": "1", "cities": "9"}
    assert sent["articles"] == [remote.remote_id]
    assert sent["state"] == "reviewing"  # Zalo reviews it (about 30 min)
    fake("clock", {"advance": 31 * 60})
    assert fake("state")["broadcasts"][0]["state"] == "sent"


def test_quiet_hours_hold_the_broadcast_not_the_article(make_target, make_item, fake, monkeypatch):
    fake("clock", {"at": NOON_VN})
    channel, target = ZaloChannel(), make_target(broadcast=True)
    rendered = channel.render(make_item(), target)
    night = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)  # 23:00 in Vietnam
    monkeypatch.setattr(zalo_channel, "clock", lambda: night)
    with pytest.raises(RateLimited, match="quiet hours") as raised:
        asyncio.run(channel.publish(rendered, target, key="night"))
    assert raised.value.retry_after == 7 * 3600  # until 06:00
    assert len(fake("state")["articles"]) == 1 and fake("state")["broadcasts"] == []
    monkeypatch.setattr(zalo_channel, "clock", lambda: night + dt.timedelta(hours=7))
    remote = asyncio.run(channel.publish(rendered, target, key="night"))  # at 06:00
    assert len(fake("state")["articles"]) == 1  # the retry found the article
    assert fake("state")["broadcasts"][0]["articles"] == [remote.remote_id]


def test_quiet_hours_are_vietnam_time():
    assert in_quiet_hours(dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC))  # 22:30 VN
    assert not in_quiet_hours(dt.datetime(2026, 7, 1, 5, 0, tzinfo=dt.UTC))  # 12:00 VN
    assert seconds_until_morning(dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)) == 3600  # 05:00


def test_the_sandbox_refuses_night_broadcasts_and_over_five_articles(
    sandbox, make_target, make_item, fake
):
    target = make_target()
    channel = ZaloChannel()
    article = asyncio.run(channel.publish(channel.render(make_item(), target), target, key="a"))
    headers = {"access_token": target.secrets["access_token"]}

    def send(ids: list[str]) -> dict:
        elements = [{"media_type": "article", "attachment_id": i} for i in ids]
        body = {
            "recipient": {"target": {"gender": "0"}},
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {"template_type": "media", "elements": elements},
                }
            },
        }
        return httpx.post(f"{sandbox.url}/v2.0/oa/message", json=body, headers=headers).json()

    fake("clock", {"at": NOON_VN})
    assert send([article.remote_id] * 6)["error"] == -210
    assert send(["404"])["error"] == -201
    fake("clock", {"at": "2026-07-01T16:00:00+00:00"})  # 23:00 VN
    assert send([article.remote_id])["error"] == -234


def test_costs_are_known_before_approval(make_target, make_item):
    channel = ZaloChannel()
    plain, casting = make_target(), make_target(broadcast=True, monthly_broadcasts=4)
    assert channel.estimate_cost(channel.render(make_item(), plain), plain).amounts == {
        "articles": 1.0
    }
    cost = channel.estimate_cost(channel.render(make_item(), casting), casting)
    assert cost.amounts == {"articles": 1.0, "broadcasts": 1.0}
    allowance = asyncio.run(channel.allowance(casting))
    assert allowance.left == {"broadcasts": 4.0}
    start, reset = month_bounds(dt.datetime(2026, 7, 31, 18, tzinfo=dt.UTC))  # 1 Aug in VN
    assert start == dt.datetime(2026, 7, 31, 17, tzinfo=dt.UTC)
    assert reset == dt.datetime(2026, 8, 31, 17, tzinfo=dt.UTC)
