"""Menus and campaign sections (S3.5, S2.3, S3.4).

A commune starts with the main and top menus of S3.5's Appendix 1 (:func:`seed_default_menu`,
published, then edited like any other content). Each item opens a Loa section the front-end
knows how to render (``legal_documents``, ``schedule:reception``, ``category:<slug>``…) or an
outside URL. A campaign section (chuyên trang, S2.3) has a window like a banner and comes down
by itself when the campaign ends (S3.4).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor, Permission, require
from core.content.models import Category
from core.context import Context
from core.govcontent import editing
from core.govcontent.editing import Kind, unit_of
from core.govcontent.fields import Form
from core.govcontent.models import CampaignSection, MenuItem
from core.govcontent.obligations import OBLIGATIONS
from core.govcontent.visibility import visible_to
from core.text import slugify
from core.units.models import Unit

MENUS = {"main": "Menu chính", "top": "Menu ngang trên"}
#: Sections a menu item may open; ``<name>:<slug>`` forms name a category, campaign and so on.
SECTIONS = {
    "home", "profile", "directory", "procedures", "legal_documents", "articles",
    "media_library", "contact", "feedback", "sitemap", "search", "official_channels",
}  # fmt: skip
_PARAMETRISED = re.compile(
    r"^(category|campaign|profile|schedule|directory|legal_documents):[a-z0-9_-]{1,100}$"
)
#: S3.5 Appendix 1: (menu, label, English label, section, children).
DEFAULT_MENU: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    ("main", "Tổng quan", "Overview", "profile", [
        ("Giới thiệu", "Introduction", "profile:introduction"),
        ("Lịch sử hình thành", "History", "profile:history"),
        ("Chức năng, nhiệm vụ", "Functions", "profile:functions"),
    ]),
    ("main", "Hệ thống chính trị", "Political system", "directory", []),
    ("main", "Lịch tiếp công dân", "Citizen reception", "schedule:reception", []),
    ("main", "Thủ tục hành chính", "Administrative procedures", "procedures", []),
    ("main", "Văn bản pháp quy", "Legal documents", "legal_documents", [
        ("Văn bản của tỉnh", "Province documents", "legal_documents:superior"),
        ("Văn bản của xã", "Commune documents", "legal_documents:own"),
    ]),
    ("main", "Tin tức - Sự kiện", "News and events", "articles", []),
    ("main", "Du lịch - Lễ hội", "Tourism and festivals", "category:du-lich-le-hoi", []),
    ("main", "Tuyên truyền phổ biến giáo dục pháp luật", "Legal education",
     "category:pho-bien-giao-duc-phap-luat", []),
    ("main", "Chuyển đổi số", "Digital transformation", "category:chuyen-doi-so", []),
    ("main", "Thư viện", "Library", "media_library", [
        ("Thư viện ảnh", "Photos", "media_library"),
        ("Thư viện video", "Videos", "media_library"),
    ]),
    ("main", "Liên hệ góp ý", "Contact and feedback", "contact", []),
    ("top", "Trang chủ", "Home", "home", []),
    ("top", "Giới thiệu", "Introduction", "profile", []),
    ("top", "Danh bạ cơ quan", "Directory", "directory", []),
    ("top", "Sơ đồ trang", "Sitemap", "sitemap", []),
]  # fmt: skip


def _section(form: Form) -> None:
    if "section" not in form.data or form.data["section"] in (None, ""):
        if "section" in form.data:
            form.out["section"] = ""
        return
    value = str(form.data["section"])
    if value not in SECTIONS and not _PARAMETRISED.match(value):
        form.errors["section"] = (
            f"must be one of {sorted(SECTIONS)} or category:/campaign:/schedule:/profile:<slug>"
        )
    form.out["section"] = value


def read_item(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.choice("menu", MENUS)
    form.text("label", required=True)
    form.text("label_en")
    form.url("url")
    form.integer("position", 0, 1000)
    _section(form)
    section = form.out.get("section", getattr(row, "section", ""))
    url = form.out.get("url", getattr(row, "url", ""))
    if not section and not url:
        form.errors.setdefault("section", "an item opens a section or a URL")
    if form.data.get("parent"):
        parent = session.scalar(
            select(MenuItem).where(
                MenuItem.uid == str(form.data["parent"]), MenuItem.unit_id == unit.id
            )
        )
        if parent is None or (row is not None and parent.id == row.id):
            form.errors["parent"] = "no other item of this unit's menus with that id"
        elif parent.parent_id is not None:
            form.errors["parent"] = "menus are two levels deep: the parent is itself a child"
        else:
            form.out["parent_id"] = parent.id
    elif "parent" in form.data:
        form.out["parent_id"] = None


MENU_ITEM = Kind(
    name="menu_item",
    model=MenuItem,
    read=read_item,
    texts=lambda row: {"label": row.label, "label_en": row.label_en},
)


def menu_items(
    session: Session, unit: Unit, actor: Actor | None, menu: str, now: dt.datetime
) -> list[MenuItem]:
    """The items of one menu, parents and children, in position order."""
    return list(
        session.scalars(
            select(MenuItem)
            .where(
                MenuItem.unit_id == unit.id,
                MenuItem.menu == menu,
                visible_to(actor, MenuItem, unit.path, now),
            )
            .order_by(MenuItem.position, MenuItem.id)
        )
    )


def seed_categories(session: Session) -> int:
    """Create the categories the default menu opens and the obligations file articles under
    (budget, procurement…: :mod:`core.govcontent.obligations`), those not there yet."""
    wanted = {o.categories[0]: o.name for o in OBLIGATIONS if o.categories}
    for _, label, _, section, _ in DEFAULT_MENU:
        if section.startswith("category:"):
            wanted.setdefault(section.removeprefix("category:"), label)
    have = set(session.scalars(select(Category.slug).where(Category.slug.in_(wanted))))
    session.add_all(Category(slug=k, name=v) for k, v in wanted.items() if k not in have)
    return len(wanted) - len(have)


def seed_default_menu(ctx: Context, actor: Actor, unit_code: str) -> int:
    """Give a unit S3.5's menus, published, and the categories they and the obligations
    name; a unit that has any menu item is left alone."""
    with ctx.transaction() as session:
        unit = unit_of(session, unit_code)
        require(actor, Permission.APPROVE, unit.path)  # it publishes: nothing half-made
        seed_categories(session)
        if session.scalar(select(exists().where(MenuItem.unit_id == unit.id))):
            return 0
    made = 0

    def item(menu: str, label: str, english: str, section: str, position: int, **more: Any) -> str:
        nonlocal made
        data = {"menu": menu, "label": label, "label_en": english, "section": section}
        row = editing.save(
            ctx, actor, MENU_ITEM, {**data, "position": position, **more}, unit_code=unit_code
        )
        editing.publish(ctx, actor, MENU_ITEM, row.uid)
        made += 1
        return str(row.uid)

    for n, (menu, label, english, section, children) in enumerate(DEFAULT_MENU):
        parent = item(menu, label, english, section, n)
        for m, (child, child_en, child_section) in enumerate(children):
            item(menu, child, child_en, child_section, m, parent=parent)
    return made


def read_section(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.text("title", required=True)
    form.text("description")
    form.text("category")
    form.time("visible_from")
    form.time("visible_until")
    form.order("visible_from", "visible_until", row)
    if form.data.get("slug") or (row is None and form.out.get("title")):
        slug = slugify(str(form.data.get("slug") or form.out["title"]), max_length=120)
        taken = session.scalar(
            select(CampaignSection.id).where(
                CampaignSection.unit_id == unit.id, CampaignSection.slug == slug
            )
        )
        if taken is not None and (row is None or taken != row.id):
            form.errors["slug"] = f"this unit already has a section {slug!r}"
        form.out["slug"] = slug


CAMPAIGN_SECTION = Kind(
    name="campaign_section",
    model=CampaignSection,
    read=read_section,
    texts=lambda row: {"title": row.title, "description": row.description},
    windowed=True,
)


def campaign_sections(
    session: Session, unit: Unit, actor: Actor | None, now: dt.datetime
) -> list[CampaignSection]:
    return list(
        session.scalars(
            select(CampaignSection)
            .where(
                CampaignSection.unit_id == unit.id,
                visible_to(actor, CampaignSection, unit.path, now),
            )
            .order_by(CampaignSection.visible_from.desc(), CampaignSection.id.desc())
        )
    )
