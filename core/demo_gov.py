"""The demo commune's government content (issue 18's "done when"): a legal document with its
PDF, a banner that comes down at the end of the demo's day (midnight, Asia/Ho_Chi_Minh) and
the feedback-system banner of S3.2, a week of schedules, a directory, a profile with its
official channels, S3.5's menus and a campaign section; the province gets the template of
its communes' procedures links and its documents section (S4.2).

Everything goes through the same actions an editor uses, so the demo shows what they make.
Seeding is idempotent: a commune that has legal documents is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from core.actions import media
from core.auth.permissions import SYSTEM
from core.context import Context
from core.contract.declarations import policy_of
from core.db import utcnow
from core.demo_media import PDF_TITLE, photo
from core.govcontent import banners, directory, editing, legal, menus, profile, schedules
from core.govcontent.editing import Kind, unit_of
from core.govcontent.legal import VN
from core.govcontent.models import LegalDocument
from core.media.models import MediaAsset, MediaKind

log = logging.getLogger("loa.demo")

#: (group, body, name, title, phone, e-mail) of the demo commune (names are invented).
PEOPLE = [
    ("party", "Đảng ủy xã", "Phạm Văn Dũng", "Bí thư Đảng ủy", "0237 3876 101", "pvdung"),
    ("council", "HĐND xã", "Nguyễn Thị Lan", "Chủ tịch HĐND", "0237 3876 102", "ntlan"),
    ("committee", "UBND xã", "Lê Văn Bình", "Chủ tịch UBND", "0237 3876 103", "lvbinh"),
    ("committee", "UBND xã", "Trần Văn Cường", "Phó Chủ tịch UBND", "0237 3876 104", "tvcuong"),
    ("front", "Ủy ban MTTQ xã", "Hoàng Thị Mai", "Chủ tịch Ủy ban MTTQ", "0237 3876 105", "htmai"),
    ("unions", "Đoàn Thanh niên", "Vũ Văn Hải", "Bí thư Đoàn", "0237 3876 106", "vvhai"),
    ("officials", "Văn phòng", "Đỗ Thị Hạnh", "Công chức Văn phòng", "0237 3876 107", "dthanh"),
    ("spokesperson", "UBND xã", "Trần Văn Cường", "Người phát ngôn", "0237 3876 104", "tvcuong"),
    ("content_responsible", "UBND xã", "Lê Văn Bình", "Trưởng Ban Biên tập", "0237 3876 103",
     "lvbinh"),
]  # fmt: skip
#: English names of the demo's bodies and titles of its contacts (42 Art. 7(2)).
BODIES_EN = {
    "Đảng ủy xã": "Party Committee",
    "HĐND xã": "People's Council",
    "UBND xã": "People's Committee",
    "Ủy ban MTTQ xã": "Fatherland Front Committee",
    "Đoàn Thanh niên": "Youth Union",
    "Văn phòng": "Office",
}
TITLES_EN = {
    "Bí thư Đảng ủy": "Secretary of the Party Committee",
    "Chủ tịch HĐND": "Chairwoman of the People's Council",
    "Chủ tịch UBND": "Chairman of the People's Committee",
    "Phó Chủ tịch UBND": "Vice Chairman of the People's Committee",
    "Chủ tịch Ủy ban MTTQ": "Chairwoman of the Fatherland Front Committee",
    "Bí thư Đoàn": "Secretary of the Youth Union",
    "Công chức Văn phòng": "Office civil servant",
    "Người phát ngôn": "Spokesperson",
    "Trưởng Ban Biên tập": "Head of the Editorial Board",
}


def _official_channels(ctx: Context) -> list[tuple[str, str, str]]:
    """The commune's website, then one account on each platform an installed plugin declares."""
    with ctx.sessions() as session:
        declared = sorted(policy_of(session).channels.values(), key=lambda d: d.name)
    return [("website", "Trang thông tin điện tử xã", "https://{slug}.thanhhoa.gov.vn/")] + [
        (d.name, f"{d.title} – UBND xã", f"https://{{slug}}.thanhhoa.gov.vn/kenh/{d.name}")
        for d in declared
    ]


def _published(ctx: Context, kind: Kind, data: dict[str, Any], unit_code: str) -> Any:
    row = editing.save(ctx, SYSTEM, kind, data, unit_code=unit_code)
    return editing.publish(ctx, SYSTEM, kind, row.uid)


def end_of_day(now: dt.datetime) -> dt.datetime:
    """The next midnight in Asia/Ho_Chi_Minh: the demo's day ends there."""
    local = now.astimezone(VN).date() + dt.timedelta(days=1)
    return dt.datetime.combine(local, dt.time(), tzinfo=VN).astimezone(dt.UTC)


def _images(ctx: Context, unit_code: str) -> tuple[MediaAsset, MediaAsset]:
    """The campaign banner (640×200) and the feedback banner (300×100) drawn for the demo."""
    work = Path(tempfile.mkdtemp(prefix="loa-demo-banners-"))
    colours = ((200, 30, 30), (240, 120, 80), (250, 210, 60), (200, 40, 40))
    try:
        campaign = media.upload(
            ctx,
            SYSTEM,
            unit_code,
            photo(work / "banner-de-an-06.jpg", colours, (640, 200)),
            "banner-de-an-06.jpg",
            alt="Băng rôn: Tháng cao điểm kích hoạt tài khoản định danh điện tử",
        )
        feedback = media.upload(
            ctx,
            SYSTEM,
            unit_code,
            photo(work / "he-thong-phan-hoi.jpg", colours[::-1], (300, 100)),
            "he-thong-phan-hoi.jpg",
            alt="Hệ thống phản hồi Thanh Hóa: gửi phản ánh, kiến nghị",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return campaign, feedback


def _week(ctx: Context, unit_code: str, now: dt.datetime) -> None:
    monday = schedules.week_start(None, now)
    people = ("Lê Văn Bình, Chủ tịch UBND xã", "Trần Văn Cường, Phó Chủ tịch UBND xã")
    for day in range(5):
        start = monday + dt.timedelta(days=day, hours=7, minutes=30)
        _published(
            ctx,
            schedules.KIND,
            {
                "kind": "work",
                "person": people[day % 2],
                "place": "Trụ sở UBND xã",
                "content": ("Giao ban tuần", "Làm việc với thôn", "Tiếp đoàn kiểm tra",
                            "Họp Ban chỉ đạo Đề án 06", "Kiểm tra công trình")[day],
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=3, minutes=30),
            },
            unit_code,
        )  # fmt: skip
    reception = monday + dt.timedelta(days=3, hours=14)
    _published(
        ctx,
        schedules.KIND,
        {
            "kind": "reception",
            "person": people[0],
            "place": "Phòng tiếp công dân, UBND xã",
            "content": "Tiếp công dân định kỳ",
            "starts_at": reception,
            "ends_at": reception + dt.timedelta(hours=3),
        },
        unit_code,
    )


def seed_commune(ctx: Context, unit_code: str, province_code: str) -> bool:
    """Seed one commune's government content; False if it already has some."""
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        if session.scalar(select(exists().where(LegalDocument.unit_id == unit.id))):
            return False
        pdf = session.scalar(
            select(MediaAsset).where(
                MediaAsset.unit_id == unit.id,
                MediaAsset.kind == MediaKind.DOCUMENT,
                MediaAsset.title == PDF_TITLE,
            )
        )
    now = utcnow()
    slug = unit.name_folded.removeprefix("xa ").removeprefix("phuong ").replace(" ", "")
    province = profile.save_profile(
        ctx,
        SYSTEM,
        province_code,
        {
            "portal_url": "https://thanhhoa.gov.vn/",
            "legal_documents_url": "https://vbpl.thanhhoa.gov.vn/",
            "procedures_url": "https://dichvucong.thanhhoa.gov.vn/?donvi={code}",
        },
    )
    if province.state != "published":
        editing.publish(ctx, SYSTEM, profile.PROFILE, province.uid)
    _published(
        ctx,
        legal.KIND,
        {
            "number": "45/QĐ-UBND",
            "doc_type": "quyet_dinh",
            "issuing_body": f"UBND {unit.name}",
            "signer": "Lê Văn Bình",
            "issued_on": (now - dt.timedelta(days=20)).date(),
            "effective_on": (now - dt.timedelta(days=20)).date(),
            "abstract": "Về việc ban hành Kế hoạch chuyển đổi số năm 2026",
            "field": "Chuyển đổi số",
            "file": pdf.uid if pdf is not None else None,
        },
        unit_code,
    )
    campaign, feedback = _images(ctx, unit_code)
    banners.define_placement(ctx, SYSTEM, unit_code, "cot-phai", "Cột phải", 640, 360)
    _published(
        ctx,
        banners.KIND,
        {
            "title": "Tháng cao điểm Đề án 06",
            "placement": "cot-phai",
            "image": campaign.uid,
            "link_url": f"https://{slug}.thanhhoa.gov.vn/de-an-06",
            "visible_from": now - dt.timedelta(hours=1),
            "visible_until": end_of_day(now),
        },
        unit_code,
    )
    banners.seed_feedback_banner(ctx, SYSTEM, unit_code, feedback.uid)
    _week(ctx, unit_code, now)
    for n, (group, body, name, title, phone, mail) in enumerate(PEOPLE):
        data: dict[str, Any] = {"group": group, "body": f"{body} {unit.short_name}"}
        data |= {"name": name}
        data |= {"title": title, "phone": phone, "email": f"{mail}@thanhhoa.gov.vn", "position": n}
        data |= {"title_en": TITLES_EN[title]}
        data |= {"body_en": f"{BODIES_EN[body]}, {unit.short_name} commune"}
        _published(ctx, directory.KIND, data, unit_code)
    _published(
        ctx,
        profile.PROFILE,
        {
            "introduction": f"<p>{unit.name} thuộc tỉnh Thanh Hóa, nằm bên dòng sông Mã.</p>",
            "history": "<p>Xã được thành lập ngày 1/7/2025 khi sắp xếp đơn vị hành chính.</p>",
            "functions": "<ul><li>Quản lý nhà nước trên địa bàn xã.</li>"
            "<li>Cung cấp dịch vụ công cho người dân.</li></ul>",
            "introduction_en": f"<p>{unit.short_name} commune, Thanh Hoa province, lies on the "
            "Ma river.</p>",
            "functions_en": "<ul><li>State management within the commune.</li>"
            "<li>Public services for its residents.</li></ul>",
            "portal_url": f"https://{slug}.thanhhoa.gov.vn/",
        },
        unit_code,
    )
    for n, (platform, name, url) in enumerate(_official_channels(ctx)):
        data = {"platform": platform, "name": name, "url": url.format(slug=slug)}
        data |= {"position": n}
        _published(ctx, profile.CHANNEL, data, unit_code)
    menus.seed_default_menu(ctx, SYSTEM, unit_code)
    _published(
        ctx,
        menus.CAMPAIGN_SECTION,
        {
            "title": "Đề án 06",
            "description": "Chuyên mục tuyên truyền Đề án 06 và ứng dụng định danh điện tử.",
            "category": "de-an-06",
            "visible_from": now - dt.timedelta(days=1),
            "visible_until": now + dt.timedelta(days=90),
        },
        unit_code,
    )
    log.info("demo: government content seeded for %s", unit_code)
    return True
