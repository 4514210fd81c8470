"""Feeds: the schedule as iCalendar (C26) and legal documents as RSS, published rows only."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.govcontent import editing, legal, schedules


def _slot(ctx, kind: str, start: dt.datetime, content: str, publish: bool = True) -> None:
    data = {
        "kind": kind,
        "person": "Lê Văn Bình, Chủ tịch UBND xã",
        "place": "Phòng tiếp công dân; tầng 1, UBND xã",
        "content": content,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }
    row = editing.save(ctx, SYSTEM, schedules.KIND, data, unit_code="14932")
    if publish:
        editing.publish(ctx, SYSTEM, schedules.KIND, row.uid)


def test_the_schedule_is_an_icalendar_of_published_slots(ctx, web):
    soon = utcnow().replace(microsecond=0) + dt.timedelta(days=2)
    _slot(ctx, "reception", soon, "Tiếp công dân định kỳ, tháng 12")
    _slot(ctx, "work", soon + dt.timedelta(days=1), "Họp giao ban")
    _slot(ctx, "work", soon, "Bản nháp chưa duyệt", publish=False)
    r = web.get("/feeds/14932/schedule.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    text = r.text.replace("\r\n ", "")  # unfold
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Tiếp công dân định kỳ\\, tháng 12" in text
    assert "LOCATION:Phòng tiếp công dân\\; tầng 1\\, UBND xã" in text
    assert f"DTSTART:{soon.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in text
    assert "Bản nháp" not in text
    assert all(len(line.encode()) <= 75 for line in r.text.split("\r\n"))
    only = web.get("/feeds/14932/schedule.ics?kind=reception").text
    assert only.count("BEGIN:VEVENT") == 1
    again = web.get("/feeds/14932/schedule.ics", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert web.get("/feeds/99999/schedule.ics").status_code == 404
    assert web.get("/feeds/14932/schedule.ics?kind=party").status_code == 400


def test_legal_documents_are_an_rss_feed_linking_their_pdfs(ctx, web, upload):
    pdf = upload("pdf", text="Ke hoach chuyen doi so")
    data = {
        "number": "45/QĐ-UBND",
        "doc_type": "quyet_dinh",
        "issuing_body": "UBND xã Cẩm Thủy",
        "issued_on": "2026-11-10",
        "abstract": "Ban hành Kế hoạch chuyển đổi số năm 2026 <đợt 1>",
        "file": pdf.uid,
    }
    row = editing.save(ctx, SYSTEM, legal.KIND, data, unit_code="14932")
    editing.save(ctx, SYSTEM, legal.KIND, {**data, "number": "46/QĐ-UBND"}, unit_code="14932")
    editing.publish(ctx, SYSTEM, legal.KIND, row.uid)
    r = web.get("/feeds/14932/legal-documents.rss")
    assert r.status_code == 200
    [item] = ET.fromstring(r.content).iter("item")
    assert item.findtext("title") == "45/QĐ-UBND – Ban hành Kế hoạch chuyển đổi số năm 2026 <đợt 1>"
    assert item.findtext("category") == "Quyết định"
    link = item.findtext("link") or ""
    served = web.get(link.removeprefix("http://loa.test"))
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
