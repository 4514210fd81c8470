"""Feeds of banners, the directory and the profile: published rows only, Vietnam times, a
cache that never outlives a banner's window, and an ETag pollers get a 304 with."""

from __future__ import annotations

import datetime as dt

from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.govcontent import banners, directory, editing, menus, profile, schedules
from core.govcontent.schedules import week_start


def _banner(ctx, image_uid: str, title: str, until: dt.datetime, publish: bool = True) -> str:
    data = {
        "title": title,
        "placement": "cot-phai",
        "image": image_uid,
        "link_url": "https://camthuy.thanhhoa.gov.vn/chuyen-doi-so",
        "visible_from": utcnow() - dt.timedelta(hours=1),
        "visible_until": until,
    }
    row = editing.save(ctx, SYSTEM, banners.KIND, data, unit_code="14932")
    if publish:
        editing.publish(ctx, SYSTEM, banners.KIND, row.uid)
    return str(row.uid)


def test_live_banners_per_placement_with_a_fitting_image_and_a_cache_shorter_than_their_end(
    ctx, web, upload
):
    banners.define_placement(ctx, SYSTEM, "14932", "cot-phai", "Cột phải", 700, 200)
    banners.define_placement(ctx, SYSTEM, "14932", "dau-trang", "Đầu trang", 1200, 300)
    image = upload("png", width=1000, height=250, alt="Chuyển đổi số vì nhân dân")
    ends = (utcnow() + dt.timedelta(seconds=90)).replace(microsecond=0)
    _banner(ctx, image.uid, "Chuyển đổi số", ends)
    _banner(ctx, image.uid, "Bản nháp", ends + dt.timedelta(days=1), publish=False)
    r = web.get("/feeds/14932/banners.json?placement=cot-phai")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    [item] = r.json()["banners"]
    assert item["title"] == "Chuyển đổi số" and item["placement"] == "cot-phai"
    assert item["image"]["alt"] == "Chuyển đổi số vì nhân dân"
    assert item["image"]["width"] <= 700 and item["image"]["height"] <= 200
    assert web.get(item["image"]["url"].removeprefix("http://loa.test")).status_code == 200
    assert item["visibleUntil"] == ends.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()
    max_age = int(r.headers["cache-control"].split("max-age=")[1])
    assert 0 < max_age <= 90  # a CDN drops it when the banner comes down
    assert web.get("/feeds/14932/banners.json?placement=dau-trang").json()["banners"] == []
    again = web.get("/feeds/14932/banners.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 200  # every placement: another body, another ETag
    same = web.get(
        "/feeds/14932/banners.json?placement=cot-phai", headers={"If-None-Match": r.headers["etag"]}
    )
    assert same.status_code == 304
    assert web.get("/feeds/99999/banners.json").status_code == 404


def test_a_banner_past_its_end_is_not_in_the_feed(ctx, web, upload, monkeypatch):
    banners.define_placement(ctx, SYSTEM, "14932", "cot-phai", "Cột phải", 700, 200)
    image = upload("png", width=1000, height=250)
    _banner(ctx, image.uid, "Hết hạn sớm", utcnow() + dt.timedelta(seconds=30))
    later = utcnow() + dt.timedelta(minutes=1)
    monkeypatch.setattr("core.govcontent.data_feeds.utcnow", lambda: later)
    r = web.get("/feeds/14932/banners.json")
    assert r.json()["banners"] == [] and r.headers["cache-control"] == "public, max-age=300"


def _entry(ctx, group: str, name: str, verified: dt.date, publish: bool = True, **more) -> None:
    data = {"group": group, "name": name, "title": "Chủ tịch", "verified_on": verified, **more}
    row = editing.save(ctx, SYSTEM, directory.KIND, data, unit_code="14932")
    if publish:
        editing.publish(ctx, SYSTEM, directory.KIND, row.uid)


def test_the_directory_as_vcards_and_json(ctx, web):
    today = dt.date.today()
    _entry(
        ctx,
        "committee",
        "Lê Văn Bình",
        today,
        body="UBND xã Cẩm Thủy, huyện cũ",
        phone="0237 3876 001",
        email="lvbinh@thanhhoa.gov.vn",
    )
    _entry(ctx, "spokesperson", "Trần Thị Hoa", today - dt.timedelta(days=400))
    _entry(ctx, "party", "Nháp Chưa Duyệt", today, publish=False)
    r = web.get("/feeds/14932/directory.vcf")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/vcard")
    text = r.text.replace("\r\n ", "")
    assert text.count("BEGIN:VCARD") == 2 and "Nháp" not in text
    assert "FN:Lê Văn Bình" in text and "TEL;VALUE=uri;TYPE=work:tel:02373876001" in text
    assert "ORG:Xã Cẩm Thủy;UBND xã Cẩm Thủy\\, huyện cũ" in text
    assert "EMAIL;TYPE=work:lvbinh@thanhhoa.gov.vn" in text
    assert f"REV:{today:%Y%m%d}" in text
    assert all(len(line.encode()) <= 75 for line in r.text.split("\r\n"))
    body = web.get("/feeds/14932/directory.json").json()
    people = {e["name"]: e for e in body["entries"]}
    assert set(people) == {"Lê Văn Bình", "Trần Thị Hoa"}
    assert people["Trần Thị Hoa"]["stale"] and not people["Lê Văn Bình"]["stale"]
    assert people["Trần Thị Hoa"]["groupName"] == "Người phát ngôn"
    tag = r.headers["etag"]
    assert web.get("/feeds/14932/directory.vcf", headers={"If-None-Match": tag}).status_code == 304


def test_the_profile_feed_has_the_portal_frame_published_only(ctx, web):
    assert web.get("/feeds/14932/profile.json").json()["profile"] is None
    row = profile.save_profile(
        ctx, SYSTEM, "14932", {"introduction": "<p>Xã Cẩm Thủy <script>x</script></p>"}
    )
    assert web.get("/feeds/14932/profile.json").json()["profile"] is None  # a draft
    editing.publish(ctx, SYSTEM, profile.PROFILE, row.uid)
    menus.seed_default_menu(ctx, SYSTEM, "14932")
    channel = editing.save(
        ctx,
        SYSTEM,
        profile.CHANNEL,
        {"platform": "website", "name": "Cổng TTĐT xã", "url": "https://camthuy.thanhhoa.gov.vn"},
        unit_code="14932",
    )
    editing.publish(ctx, SYSTEM, profile.CHANNEL, channel.uid)
    body = web.get("/feeds/14932/profile.json").json()
    assert body["profile"]["introduction"] == "<p>Xã Cẩm Thủy </p>"
    assert body["profile"]["updatedAt"].endswith("+07:00")
    assert [c["name"] for c in body["officialChannels"]] == ["Cổng TTĐT xã"]
    main = body["menus"]["main"]
    assert main[0]["label"] == "Tổng quan" and main[0]["labelEn"] == "Overview"
    assert main[0]["children"][0]["section"] == "profile:introduction"
    assert body["menus"]["top"][0]["section"] == "home"


def test_the_schedule_calendar_of_one_week(ctx, web):
    monday = week_start(None, utcnow())
    for days, content in ((1, "Họp tuần này"), (8, "Họp tuần sau")):
        start = (monday + dt.timedelta(days=days, hours=8)).astimezone(dt.UTC)
        data = {"kind": "work", "person": "Chủ tịch UBND xã", "content": content,
                "starts_at": start, "ends_at": start + dt.timedelta(hours=1)}  # fmt: skip
        row = editing.save(ctx, SYSTEM, schedules.KIND, data, unit_code="14932")
        editing.publish(ctx, SYSTEM, schedules.KIND, row.uid)
    iso = (monday + dt.timedelta(weeks=1)).isocalendar()
    r = web.get(f"/feeds/14932/schedule.ics?week={iso.year}-W{iso.week:02d}")
    assert r.status_code == 200 and r.text.count("BEGIN:VEVENT") == 1
    assert "Họp tuần sau" in r.text and "Họp tuần này" not in r.text
    assert web.get("/feeds/14932/schedule.ics").text.count("BEGIN:VEVENT") == 2
    assert web.get("/feeds/14932/schedule.ics?week=tuan-sau").status_code == 400
