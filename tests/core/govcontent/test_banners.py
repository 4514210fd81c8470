"""Banners: placements a portal defines, images offered only in sizes that fit, and windows
that close by themselves (S3.1): never shown once over, and the take-down recorded."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select

from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.delivery.sweeper import sweep
from core.govcontent import banners, editing
from core.govcontent.kinds import expire_due
from core.govcontent.models import Banner, Publication

DEFINE = """
mutation($key: String!, $w: Int!, $h: Int!) {
  defineBannerPlacement(unit: "14932", key: $key, name: "Cột phải", maxWidth: $w, maxHeight: $h) {
    __typename ... on BannerPlacementResult { placement { key maxWidth } }
    ... on ForbiddenError { message } ... on ValidationError { fields { field } }
  }
}"""
SAVE = """
mutation($input: BannerInput!) {
  saveBanner(unit: "14932", input: $input) {
    __typename ... on BannerResult { banner { id state } }
    ... on ValidationError { fields { field message } }
  }
}"""
LIST = """
query { banners(unit: "14932") {
  title linkUrl placement { key } visibleUntil
  image { width alt url(width: 2000) srcset(format: JPEG) }
} }"""


def _window(seconds: float) -> dict[str, str]:
    now = utcnow()
    return {
        "visibleFrom": (now - dt.timedelta(hours=1)).isoformat(),
        "visibleUntil": (now + dt.timedelta(seconds=seconds)).isoformat(),
    }


def test_a_banner_shows_only_the_sizes_its_placement_takes(
    ctx, gql, admin_token, editor_token, upload
):
    refused = gql(DEFINE, editor_token, key="cot-phai", w=700, h=200)
    assert refused["data"]["defineBannerPlacement"]["__typename"] == "ForbiddenError"
    made = gql(DEFINE, admin_token, key="cot-phai", w=700, h=200)["data"]["defineBannerPlacement"]
    assert made["placement"] == {"key": "cot-phai", "maxWidth": 700}
    image = upload("png", width=1000, height=250, alt="Chuyển đổi số vì nhân dân")
    saved = gql(
        SAVE,
        admin_token,
        input={
            "title": "Chuyển đổi số",
            "placement": "cot-phai",
            "image": image.uid,
            "linkUrl": "https://camthuy.thanhhoa.gov.vn/chuyen-doi-so",
            **_window(3600),
        },
    )["data"]["saveBanner"]
    assert saved["__typename"] == "BannerResult", saved
    assert gql(LIST)["data"]["banners"] == []  # a draft
    editing.publish(ctx, SYSTEM, banners.KIND, saved["banner"]["id"])
    [shown] = gql(LIST)["data"]["banners"]
    assert shown["placement"] == {"key": "cot-phai"} and shown["image"]["width"] == 640
    sizes = dict(reversed(part.split()) for part in shown["image"]["srcset"].split(", "))
    assert sorted(sizes) == ["320w", "640w"]  # 960 and 1000 are wider than the slot
    assert shown["image"]["url"] == sizes["640w"]  # even when asked for more
    assert shown["image"]["alt"] == "Chuyển đổi số vì nhân dân"


def test_images_that_do_not_fit_or_have_no_alt_text_are_refused(ctx, gql, admin_token, upload):
    banners.define_placement(ctx, SYSTEM, "14932", "nho", "Ô nhỏ", 100, 50)
    wide = upload("png", width=1000, height=250, alt="Băng rôn")
    blind = upload("png", width=200, height=40, alt="", seed=3)
    for image, why in ((wide, "fits"), (blind, "alt text")):
        result = gql(
            SAVE,
            admin_token,
            input={"title": "Tết", "placement": "nho", "image": image.uid, **_window(60)},
        )["data"]["saveBanner"]
        assert result["__typename"] == "ValidationError"
        assert why in result["fields"][0]["message"]
    missing = gql(SAVE, admin_token, input={"title": "Tết", "placement": "khong-co"})
    assert {f["field"] for f in missing["data"]["saveBanner"]["fields"]} == {"placement"}


def test_a_banner_comes_down_at_the_end_of_its_window_and_the_sweep_records_it(ctx, gql, upload):
    banners.define_placement(ctx, SYSTEM, "14932", "cot-phai", "Cột phải", 700, 200)
    image = upload("png", width=640, height=160, alt="Ra quân làm sạch môi trường")
    data = {"title": "Chiến dịch", "placement": "cot-phai", "image": image.uid}
    now = utcnow()
    data |= {
        "visible_from": now - dt.timedelta(hours=1),
        "visible_until": now + dt.timedelta(seconds=1.5),
    }
    row = editing.save(ctx, SYSTEM, banners.KIND, data, unit_code="14932")
    editing.publish(ctx, SYSTEM, banners.KIND, row.uid)
    assert len(gql(LIST)["data"]["banners"]) == 1
    assert expire_due(ctx) == []  # not yet
    time.sleep(2.1)  # the window closes (and the public cache's 2 s lifetime passes)
    assert gql(LIST)["data"]["banners"] == []  # never shown once over, swept or not
    assert sweep(ctx).get("gov_expired") == 1  # the sweeper's round takes it down
    assert expire_due(ctx) == []  # safe to run twice
    with ctx.sessions() as session:
        assert session.scalar(select(Banner.state)) == Publication.EXPIRED
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "banner.expire"))
    assert entry is not None and entry.actor == "system" and entry.subject_id == row.uid
