"""The official request letter (văn bản đề nghị) of S0.6 step 1, as words in their places.

Laid out as Decree 30/2020/NĐ-CP (Appendix I) lays out an administrative letter (công văn):
the issuing body and the number/symbol at top left, the national motto at top right, place
and date, the "V/v" subject under the number, "Kính gửi", the body naming S0.4's four points
(audience, scope, time, other notes) and the justification when one is needed, "Nơi nhận"
and the signature block. ``letter_pdf`` and ``letter_docx`` print this same structure, so
the PDF and the editable document never disagree. The number is left blank: the office's
clerk (văn thư) gives it when the letter is signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core import Item
from plugins.vneid.audience import describe, vn_date_words, vn_time
from plugins.vneid.topics import TOPIC_WORDS

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SUBJECT = "V/v đề nghị đăng tin, bài trên ứng dụng VNeID"


@dataclass(frozen=True)
class Letter:
    parent_body: str  # cơ quan chủ quản (may be empty)
    issuer: str  # cơ quan ban hành
    number: str  # "Số:      /UBND-VP"
    subject: str
    place_date: str
    recipient: str
    body: tuple[str, ...]
    copies_to: tuple[str, ...]
    authority: str  # "TM. ỦY BAN NHÂN DÂN"
    signer_title: str
    signer_name: str

    def text(self) -> str:
        """The letter as plain text, in reading order (what a test or a screen reader reads)."""
        head = [self.parent_body.upper(), self.issuer.upper(), self.number, self.subject]
        parts = [
            *[h for h in head if h],
            *MOTTO,
            self.place_date,
            f"Kính gửi: {self.recipient}.",
            *self.body,
            "Nơi nhận:",
            *[f"- {c}" for c in self.copies_to],
            self.authority,
            self.signer_title,
            self.signer_name,
        ]
        return "\n".join(p for p in parts if p)


def _setting(settings: Mapping[str, Any], name: str, default: str) -> str:
    value = (
        settings.get("letter", {}).get(name) if isinstance(settings.get("letter"), dict) else None
    )
    return str(value).strip() if value else default


def build(
    item: Item, settings: Mapping[str, Any], justification: str | None, now: dt.datetime
) -> Letter:
    """The letter for ``item`` from the target's ``letter`` settings (issuer, symbol…)."""
    place = item.unit_name.split(" ", 1)[-1] if " " in item.unit_name else item.unit_name
    issuer = _setting(settings, "issuer", item.agency or f"Ủy ban nhân dân {item.unit_name}")
    recipient = _setting(settings, "recipient", f"Công an {item.unit_name}")
    words = describe(item)
    body = [
        f"{issuer} đề nghị {recipient} thẩm định và đăng tải tin, bài sau tại mục"
        " «Tin tức» trên ứng dụng VNeID:",
        f"Tiêu đề: {item.title}",
        f"Tóm tắt: {item.summary}" if item.summary else "",
        f"Chủ đề: {TOPIC_WORDS.get(item.topic, item.topic)}",
        "(Nội dung tin, bài và hình ảnh đại diện gửi kèm theo văn bản này.)",
        f"1. Đối tượng tuyên truyền: độ tuổi {words.ages}; giới tính: {words.genders}.",
        f"2. Phạm vi tuyên truyền: {words.scope}.",
        f"3. Thời gian đăng tin: {words.window}.",
        f"4. Các nội dung cần lưu ý khác: {words.interactions}; bài gốc: {item.url}.",
    ]
    if justification:
        body.append(f"Lý do, tính cần thiết: {justification}")
    if item.approvals:
        passed = "; ".join(
            f"{a.label} ({a.decided_by}"
            + (f", {vn_time(a.decided_at)}" if a.decided_at else "")
            + ")"
            for a in item.approvals
        )
        body.append(f"Nội dung đã được duyệt: {passed}.")
    body.append(f"Đề nghị {recipient} xem xét, thẩm định và đăng tải./.")
    return Letter(
        parent_body=_setting(settings, "parent_body", ""),
        issuer=issuer,
        number=f"Số:      /{_setting(settings, 'symbol', 'UBND-VP')}",
        subject=SUBJECT,
        place_date=f"{_setting(settings, 'place', place)}, {vn_date_words(now)}",
        recipient=recipient,
        body=tuple(b for b in body if b),
        copies_to=("Như trên", "Lưu: VT"),
        authority=_setting(settings, "authority", "TM. ỦY BAN NHÂN DÂN"),
        signer_title=_setting(settings, "signer_title", "CHỦ TỊCH"),
        signer_name=_setting(settings, "signer_name", ""),
    )
