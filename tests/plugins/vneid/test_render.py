"""One render path for both modes, S0.4 checked at render with the reason, and the fidelity
report the editor sees before approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import Audience, Item, ItemMedia, Rendition, Target
from core.delivery.previews import preview_of
from plugins.vneid.audience import describe
from plugins.vneid.channel import VneidChannel

COVER = ItemMedia(
    uid="m-1",
    role="cover",
    kind="image",
    content_type="image/jpeg",
    size=90_000,
    renditions=(Rendition("w1280.jpg", "image/jpeg", 90_000, 1280, 720),),
    width=1280,
    height=720,
)


def item(**overrides: Any) -> Item:
    fields: dict[str, Any] = {
        "uid": "u-1",
        "slug": "ra-quan",
        "title": "Lễ ra quân Đề án 06 tại xã Cẩm Thủy",
        "summary": "Xã tổ chức lễ ra quân.",
        "body_html": "<p>Sáng 1/12, <em>xã</em> tổ chức lễ ra quân &amp; hướng dẫn.</p>",
        "url": "https://loa.example.vn/tin/ra-quan",
        "cover_url": "",
        "cover_caption": "",
        "source": "",
        "author": "",
        "agency": "",
        "category": "",
        "unit_code": "14932",
        "unit_name": "Xã Cẩm Thủy",
        "revision": 1,
        "published_at": None,
        "updated_at": dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
        "topic": "project06",
        "media": (COVER,),
        "audience": Audience(
            age_min=16,
            visible_from=dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC),
            visible_until=dt.datetime(2026, 12, 31, 16, 59, tzinfo=dt.UTC),
            interactions_allowed=False,
        ),
    }
    fields.update(overrides)
    return Item(**fields)


def target(**settings: Any) -> Target:
    return Target(1, "VNeID", settings, {})


def test_both_modes_render_the_same_announcement() -> None:
    channel = VneidChannel()
    assisted = channel.render(item(), target())
    partner = channel.render(item(), target(mode="partner", api_url="https://api.example"))
    assert assisted.payload == partner.payload
    p = assisted.payload
    assert p["body"] == "Sáng 1/12, xã tổ chức lễ ra quân & hướng dẫn."
    assert p["visible_from"] == "2026-12-01T01:00:00Z" and p["allow_interaction"] is False
    words = p["audience_words"]
    assert words["ages"] == "từ 16 tuổi trở lên" and words["genders"] == "mọi giới tính"
    # Vietnam's time: 01:00Z is 08:00 in Hà Nội; 16:59Z on the 31st is 23:59 that day.
    assert words["window"] == "từ 08:00 ngày 01/12/2026 đến 23:59 ngày 31/12/2026"
    assert words["interactions"] == "không cho phép tương tác"


def test_an_outside_topic_without_justification_is_refused_with_the_reason() -> None:
    shown = preview_of(VneidChannel(), item(topic="other"), target())
    [reason] = shown.refused
    assert reason.startswith("Chủ đề «nội dung khác»") and "S0.4" in reason
    # A target may widen its topics; a written justification also lets it through.
    assert preview_of(VneidChannel(), item(topic="other"), target(allowed_topics=["other"])).text
    justified = VneidChannel().render(item(topic="other", justification="Cần thiết vì…"), target())
    assert justified.payload["justification"] == "Cần thiết vì…"
    assert "Lý do, tính cần thiết: Cần thiết vì…" in justified.payload["letter"]["body"]


def test_national_scope_needs_a_justification_for_the_ministry() -> None:
    national = Audience(scope_level="national")
    [reason] = preview_of(VneidChannel(), item(audience=national), target()).refused
    assert reason.startswith("Phạm vi toàn quốc") and "Ministry" in reason
    ok = VneidChannel().render(item(audience=national, justification="Mô hình điểm"), target())
    assert ok.payload["audience"]["scope"] == {"level": "national", "codes": []}


def test_fidelity_enforces_every_audience_field_and_notes_a_cut_summary() -> None:
    shown = preview_of(VneidChannel(), item(summary="Dài " * 300), target())
    assert shown.fidelity.unenforced == ()
    assert any("Tóm tắt được cắt" in n for n in shown.fidelity.notes)
    assert any("ghi lại" in n for n in shown.fidelity.notes)  # assisted: comments by hand
    partner = preview_of(VneidChannel(), item(), target(mode="partner", api_url="https://a.vn"))
    assert partner.fidelity.notes == ()


def test_settings_are_checked_per_mode() -> None:
    channel = VneidChannel()
    channel.validate_settings({}, {})  # assisted by default: nothing needed
    for settings, secrets in (
        ({"mode": "api"}, {}),
        ({"mode": "partner"}, {"api_key": "k"}),
        ({"mode": "partner", "api_url": "ftp://x"}, {"api_key": "k"}),
        ({"mode": "partner", "api_url": "https://api.example"}, {}),
        ({"letter": {"issuer": 3}}, {}),
    ):
        try:
            channel.validate_settings(settings, secrets)
        except ValueError as exc:
            assert str(exc)  # a message for the channel admin
        else:
            raise AssertionError(f"accepted {settings}")


def test_the_representative_image_is_required_and_sent() -> None:
    [reason] = preview_of(VneidChannel(), item(media=()), target()).refused
    assert "ảnh bìa" in reason  # S0.5: refused before approval, not at the police desk
    [sent] = VneidChannel().render(item(), target()).files
    assert (sent.media.uid, sent.rendition.name) == ("m-1", "w1280.jpg")


def test_the_scope_names_every_unit_core_named_and_codes_the_rest() -> None:
    scope = Audience(
        scope_units=("14932", "14950", "99999"),
        scope_names=("Xã Cẩm Thủy", "Xã Cẩm Thạch", ""),
    )
    assert describe(item(audience=scope)).scope == (
        "cấp xã: Xã Cẩm Thủy (mã 14932), Xã Cẩm Thạch (mã 14950), đơn vị mã 99999"
    )
    # Without names from core (a feed's item), the item's own unit is still named.
    bare = Audience(scope_units=("14932", "14950"))
    assert describe(item(audience=bare)).scope == "cấp xã: Xã Cẩm Thủy (mã 14932), đơn vị mã 14950"
