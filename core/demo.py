"""Demo content for ``loa demo``: a province, three communes, 30 articles, portal targets.

Each commune's library gets photos, a video and a PDF made at seed time
(:mod:`core.demo_media`); every article has a library cover, some a gallery, the video or
the PDF, and each commune an album. The first commune also gets its government content
(:mod:`core.demo_gov`): a legal document, banners, schedules, directory, profile, menus.

Seeding is idempotent: running the demo twice keeps one copy of everything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import logging
from urllib.parse import urlsplit

from sqlalchemy import func, select

from core.actions import content as actions
from core.actions import targets
from core.actions.media_requirements import fitting_targets
from core.auth.permissions import SYSTEM
from core.content.models import Agency, Article, Category
from core.context import Context
from core.db import utcnow
from core.demo_gov import seed_commune
from core.demo_media import dress, seed_library
from core.outbound import LOOPBACK
from core.outbound.addresses import literal_host
from core.settings import Settings
from core.targets.models import ChannelTarget
from core.units.lookups import root_unit_id, units_by_code
from core.units.sync import sync

log = logging.getLogger("loa.demo")

PROVINCE = "38"  # Thanh Hóa
COMMUNES = ("14932", "14950", "15112")
CATEGORIES = [
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("van-ban-phap-luat", "Văn bản pháp luật"),
    ("de-an-06", "Đề án 06"),
    ("chuyen-doi-so", "Chuyển đổi số"),
    ("lich-cong-tac", "Lịch công tác"),
]
#: (title, category, topic): each with the S0.4 topic it is about, so channels that accept
#: only some topics take the demo items without a written justification.
TOPICS = [
    ("Hướng dẫn kích hoạt tài khoản định danh điện tử mức độ 2", "de-an-06", "project06"),
    ("Quyết định ban hành kế hoạch chuyển đổi số năm 2026", "chuyen-doi-so", "local_policy"),
    ("Thông báo lịch tiếp công dân tháng 12", "lich-cong-tac", "local_policy"),
    ("Tuyên truyền phổ biến giáo dục pháp luật về an ninh mạng", "van-ban-phap-luat", "law"),
    ("Hội nghị sơ kết công tác cải cách hành chính", "tin-tuc-su-kien", "model_site"),
    ("Ra quân làm sạch môi trường, đón Tết an toàn", "tin-tuc-su-kien", "local_promotion"),
]


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with loopback (and the demo's own address) open to channel calls.

    The demo's sandboxes are mounted in the demo's own web app, so its portal targets
    point at loopback, which channel calls may not reach anywhere else. Only
    ``loa demo`` calls this.
    """
    allow = list(settings.outbound_allow_networks)
    own = literal_host(urlsplit(settings.base_url).hostname or "")
    for net in (*LOOPBACK, *([ipaddress.ip_network(own)] if own is not None else [])):
        if not any(net.version == a.version and net.subnet_of(a) for a in allow):  # type: ignore[arg-type]
            allow.append(net)
    return dataclasses.replace(settings, outbound_allow_networks=tuple(allow))


def seed(ctx: Context, *, photo_size: tuple[int, int] = (1600, 900)) -> dict[str, int]:
    """Seed everything once; ``photo_size`` lets tests draw smaller photos.

    ``notes`` counts what the demo had to leave out (logged: the video without ffmpeg).
    """
    with ctx.transaction() as session:
        if root_unit_id(session) is None:
            sync(session)
        for slug, name in CATEGORIES:
            if session.scalar(select(Category.id).where(Category.slug == slug)) is None:
                session.add(Category(slug=slug, name=name))
        units = units_by_code(session, (PROVINCE, *COMMUNES))
        for code in COMMUNES:
            name = f"UBND {units[code].name}"
            if session.scalar(select(Agency.id).where(Agency.name == name)) is None:
                session.add(Agency(name=name, unit_id=units[code].id))
        agencies = {a.unit_id: a.id for a in session.scalars(select(Agency))}
        already = session.scalar(select(func.count()).select_from(Article)) or 0
        existing_targets = {t.name for t in session.scalars(select(ChannelTarget))}
    for code in COMMUNES:
        for spec in ctx.pm.hook.loa_demo_targets(settings=ctx.settings, unit_code=code):
            for target in spec:
                if target["name"] not in existing_targets:
                    targets.create_target(ctx, SYSTEM, {**target, "unit_code": code})
    created = 0
    notes: list[str] = []
    if not already:
        now = utcnow()
        libraries = {code: seed_library(ctx, code, photo_size) for code in COMMUNES}
        notes = sorted({note for lib in libraries.values() for note in lib.notes})
        for i in range(30):
            code = COMMUNES[i % 3]
            title, category, topic = TOPICS[i % len(TOPICS)]
            unit = units[code]
            article = actions.create(
                ctx,
                SYSTEM,
                {
                    "title": f"{title} ({unit.name}, số {i + 1})",
                    "summary": f"{unit.name} thông tin đến người dân: {title.lower()}.",
                    "body_html": f"<p>{title}.</p><p>Người dân {unit.name} vui lòng theo dõi "
                    "và thực hiện theo hướng dẫn của cơ quan chức năng.</p>",
                    "source": f"Cổng thông tin điện tử {unit.name}",
                    "author_name": "Ban Biên tập",
                    "agency_id": agencies.get(unit.id),
                    "category": category,
                    "topic": topic,
                    "unit_code": code,
                    "audience": {
                        "visible_until": (now + dt.timedelta(days=30 + i)).isoformat()
                        if i % 5
                        else None,
                        "scope_level": "commune",
                    },
                },
            )
            dress(ctx, libraries[code], article.id, i // len(COMMUNES))
            _fitting_channels(ctx, article.id)
            actions.approve(ctx, SYSTEM, article.id)
            created += 1
    seed_commune(ctx, COMMUNES[0], PROVINCE)  # issue 18's demo commune: government content
    for note in notes:
        log.warning("demo: %s", note)
    return {"articles": created, "notes": len(notes)}


def _fitting_channels(ctx: Context, article_id: int) -> None:
    """Send a demo article only to the channels its media suit (a video channel gets the
    articles with the video), as an editor choosing its channels would."""
    with ctx.sessions() as session:
        article = session.get(Article, article_id)
        fit = fitting_targets(ctx, session, article) if article is not None else []
    if fit:
        actions.update(ctx, SYSTEM, article_id, {"target_ids": fit})
