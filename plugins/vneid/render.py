"""One render path for both modes: the announcement as VNeID "Tin tức" shows it.

The payload is the partner API's announcement (CONTRACT.md §2) plus what the assisted kit
prints (``letter``, ``audience_words``); the partner client sends only the API's fields.
S0.4 is checked here, so a missing justification is a reason shown beside the channel.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import asdict
from typing import Any

from core import (
    ContentRefused,
    Item,
    MediaFile,
    MediaRule,
    Preview,
    Rendered,
    Target,
)
from plugins.vneid import letter as letters
from plugins.vneid.audience import describe
from plugins.vneid.plaintext import html_to_text
from plugins.vneid.topics import check

#: Assumed limits (CONTRACT.md §4): no published VNeID figure exists.
MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 20_000
COVER = MediaRule(types=frozenset({"image/jpeg", "image/png"}), max_bytes=5_000_000)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def render(item: Item, target: Target, now: dt.datetime | None = None) -> Rendered:
    justification = check(item, target.settings)
    title, summary, body = _nfc(item.title), _nfc(item.summary), html_to_text(item.body_html)
    if len(title) > MAX_TITLE:
        raise ContentRefused(
            f"Tiêu đề dài {len(title)} ký tự, VNeID nhận tối đa {MAX_TITLE}"
            f" (title is {len(title)} characters, VNeID takes {MAX_TITLE})"
        )
    if len(body) > MAX_BODY:
        raise ContentRefused(
            f"Nội dung dài {len(body)} ký tự, VNeID nhận tối đa {MAX_BODY}"
            f" (body is {len(body)} characters, VNeID takes {MAX_BODY})"
        )
    notes = []
    if str(target.settings.get("mode") or "assisted") == "assisted":
        notes.append(
            "Công an đăng bài thủ công theo bộ tài liệu; ý kiến của người dân do cán bộ ghi lại"
            " (assisted: a police operator posts it; citizens' comments are recorded by hand)"
        )
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1].rstrip() + "…"
        notes.append(f"Tóm tắt được cắt còn {MAX_SUMMARY} ký tự (summary shortened)")
    files = tuple(MediaFile(m, r) for m in item.media_in("cover") if (r := m.choose(COVER)))
    a = item.audience
    words = describe(item)
    payload: dict[str, Any] = {
        "title": title,
        "summary": summary,
        "body": body,
        "canonical_url": item.url,
        "issuing_unit_code": item.unit_code,
        "topic": item.topic,
        "justification": justification or "",
        "audience": {
            "age_min": a.age_min,
            "age_max": a.age_max,
            "genders": list(a.genders),
            "scope": {
                "level": a.scope_level,
                "codes": []
                if a.scope_level == "national"
                else list(a.scope_units or (item.unit_code,)),
            },
        },
        "visible_from": _iso(a.visible_from),
        "visible_until": _iso(a.visible_until),
        "allow_interaction": a.interactions_allowed,
        "approval": [
            {"step": s.label, "by": s.decided_by, "at": _iso(s.decided_at), "comment": s.comment}
            for s in item.approvals
        ],
        "audience_words": asdict(words),
        "letter": asdict(
            letters.build(item, target.settings, justification, now or dt.datetime.now(dt.UTC))
        ),
    }
    text = "\n\n".join(p for p in (title, summary, body) if p)
    preview = Preview(
        fields={"title": title, "summary": summary, "body": body, **asdict(words)},
        notes=tuple(notes),
    )
    return Rendered(payload=payload, text=text, files=files, preview=preview)
