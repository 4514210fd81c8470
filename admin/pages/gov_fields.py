"""The desk's forms of government content: each kind's fields, and a posted form read into the
data :func:`core.govcontent.editing.save` takes (the management API's input, field for field).

Times are typed in Asia/Ho_Chi_Minh; what a page cannot even read (a malformed number) is
passed on as text, so the action's own validation names the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from admin.page import LOCAL, text
from core.govcontent.directory import GROUPS
from core.govcontent.legal import DOC_TYPES
from core.govcontent.menus import MENUS
from core.govcontent.schedules import SCHEDULE_KINDS


@dataclass(frozen=True)
class Field:
    """One input: its name (the action's key), labels, HTML kind, choices, required."""

    name: str
    vi: str
    en: str
    kind: str = "text"  # text, textarea, html, date, datetime, select, url, email, tel, number,
    # multi (the unit's documents), pdf, image (an upload; its library id is passed as ``name``)
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False


def _choices(names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(names.items())


#: The kinds the desk edits, with their Vietnamese and English names, in menu order.
KINDS: dict[str, tuple[str, str]] = {
    "legal_document": ("Văn bản pháp quy", "Legal documents"),
    "banner": ("Banner", "Banners"),
    "schedule_slot": ("Lịch công tác, tiếp công dân", "Schedules"),
    "directory_entry": ("Danh bạ, hệ thống chính trị", "Directory"),
    "unit_profile": ("Giới thiệu đơn vị", "Unit profile"),
    "official_channel": ("Kênh thông tin chính thức", "Official channels"),
    "menu_item": ("Menu", "Menus"),
    "campaign_section": ("Chuyên trang", "Campaign sections"),
}
#: A legal document's status today (computed by core), in Vietnamese.
LEGAL_STATUSES = {
    "in_force": "Còn hiệu lực",
    "not_yet_in_force": "Chưa có hiệu lực",
    "expired": "Hết hiệu lực",
    "replaced": "Đã bị thay thế",
}
STATES = {
    "draft": "Bản nháp",
    "published": "Đã đăng",
    "withdrawn": "Đã gỡ",
    "expired": "Hết hạn",
}
_WINDOW = (
    Field("visible_from", "Hiển thị từ", "Visible from", "datetime"),
    Field("visible_until", "Hiển thị đến", "Visible until", "datetime"),
)
FIELDS: dict[str, tuple[Field, ...]] = {
    "legal_document": (
        Field("number", "Số ký hiệu", "Number and symbol", required=True),
        Field("doc_type", "Loại văn bản", "Type", "select", _choices(DOC_TYPES), True),
        Field("issuing_body", "Cơ quan ban hành", "Issuing body", required=True),
        Field("signer", "Người ký", "Signer"),
        Field("issued_on", "Ngày ban hành", "Issue date", "date", required=True),
        Field("effective_on", "Ngày hiệu lực", "Effective date", "date"),
        Field("expires_on", "Ngày hết hiệu lực", "Expiry date", "date"),
        Field("abstract", "Trích yếu", "Abstract", "textarea", required=True),
        Field("field", "Lĩnh vực", "Field"),
        Field("file", "Tệp PDF", "PDF file", "pdf"),
        Field("replaces", "Thay thế văn bản", "Replaces", "multi"),
    ),
    "banner": (
        Field("title", "Tiêu đề", "Title", required=True),
        Field("placement", "Vị trí", "Placement", "select", required=True),
        Field("image", "Ảnh", "Image", "image", required=True),
        Field("link_url", "Liên kết", "Link", "url"),
        *_WINDOW,
        Field("position", "Thứ tự", "Order", "number"),
    ),
    "schedule_slot": (
        Field("kind", "Loại lịch", "Schedule", "select", _choices(SCHEDULE_KINDS), True),
        Field("person", "Người chủ trì", "Person", required=True),
        Field("place", "Địa điểm", "Place"),
        Field("content", "Nội dung", "Content", "textarea", required=True),
        Field("starts_at", "Bắt đầu", "Starts", "datetime", required=True),
        Field("ends_at", "Kết thúc", "Ends", "datetime", required=True),
    ),
    "directory_entry": (
        Field("group", "Nhóm", "Group", "select", _choices(GROUPS), True),
        Field("body", "Cơ quan", "Body"),
        Field("name", "Họ tên", "Name", required=True),
        Field("title", "Chức vụ", "Title", required=True),
        Field("phone", "Điện thoại", "Phone", "tel"),
        Field("email", "Thư điện tử công vụ", "Official e-mail", "email"),
        Field("verified_on", "Ngày kiểm tra gần nhất", "Last verified", "date"),
        Field("title_en", "Chức vụ (tiếng Anh)", "Title in English"),
        Field("body_en", "Cơ quan (tiếng Anh)", "Body in English"),
        Field("position", "Thứ tự", "Order", "number"),
    ),
    "unit_profile": (
        Field("introduction", "Giới thiệu", "Introduction", "html"),
        Field("history", "Lịch sử hình thành", "History", "html"),
        Field("functions", "Chức năng, nhiệm vụ", "Functions", "html"),
        Field("introduction_en", "Giới thiệu (tiếng Anh)", "Introduction in English", "html"),
        Field("functions_en", "Chức năng (tiếng Anh)", "Functions in English", "html"),
        Field("portal_url", "Cổng thông tin", "Portal", "url"),
        Field("legal_documents_url", "Mục văn bản của cổng", "Portal's documents", "url"),
        Field("procedures_url", "Thủ tục hành chính", "Procedures", "url"),
    ),
    "official_channel": (
        Field("platform", "Nền tảng", "Platform", "select", required=True),
        Field("name", "Tên kênh", "Name", required=True),
        Field("url", "Địa chỉ", "Address", "url", required=True),
        Field("verified_on", "Ngày kiểm tra gần nhất", "Last verified", "date"),
        Field("position", "Thứ tự", "Order", "number"),
    ),
    "menu_item": (
        Field("menu", "Menu", "Menu", "select", _choices(MENUS), True),
        Field("label", "Nhãn", "Label", required=True),
        Field("label_en", "Nhãn (tiếng Anh)", "Label in English"),
        Field("section", "Mục mở ra (vd. legal_documents)", "Section it opens"),
        Field("url", "Hoặc địa chỉ ngoài", "Or an outside URL", "url"),
        Field("position", "Thứ tự", "Order", "number"),
    ),
    "campaign_section": (
        Field("title", "Tiêu đề", "Title", required=True),
        Field("slug", "Đường dẫn", "Slug"),
        Field("description", "Mô tả", "Description", "textarea"),
        Field("category", "Chuyên mục (slug)", "Category (slug)"),
        *_WINDOW,
    ),
}
UPLOADS = ("pdf", "image")


def _local_time(value: str) -> dt.datetime | str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL)
    except ValueError:
        return value  # the action answers "must be an ISO 8601 date-time…" on this field


def parse(kind: str, form: FormData) -> dict[str, Any]:
    """The action's data from the posted form (uploads are added by the page)."""
    data: dict[str, Any] = {}
    for f in FIELDS[kind]:
        value = text(form, f.name)
        if f.kind in UPLOADS:
            continue
        if f.kind == "multi":
            data[f.name] = [u for u in form.getlist(f.name) if isinstance(u, str) and u]
        elif f.kind == "datetime":
            data[f.name] = _local_time(value)
        elif f.kind == "number":
            if value.strip():
                data[f.name] = int(value) if value.strip().isdigit() else value
        else:
            data[f.name] = value
    return data


def posted(kind: str, form: FormData) -> dict[str, Any]:
    """The form's values as typed, to show them again beside their errors."""
    return (
        {f.name: text(form, f.name) for f in FIELDS[kind] if f.kind not in UPLOADS}
        | {f.name: form.getlist(f.name) for f in FIELDS[kind] if f.kind == "multi"}
        | {f"{f.name}_alt": text(form, f"{f.name}_alt") for f in FIELDS[kind] if f.kind == "image"}
    )
