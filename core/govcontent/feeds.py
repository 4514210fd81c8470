"""Feeds of government content, where a feed is what a reader's tool expects (C13, C26):

- ``GET /feeds/{unit}/schedule.ics`` — the unit's schedules as an iCalendar (RFC 5545) a phone
  or a portal subscribes to; ``?kind=reception`` gives citizen reception only (C26),
  ``?week=2026-W49`` one ISO week (Asia/Ho_Chi_Minh) instead of four weeks back to twelve ahead.
- ``GET /feeds/{unit}/legal-documents.rss`` — the newest published legal documents (RSS 2.0),
  each linking its PDF.

Only what the public API shows is in a feed (published; the schedule from four weeks back to
twelve ahead). Each answer has a strong ETag, so pollers mostly get a 304.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.context import Context
from core.db import utcnow
from core.edge.etag import conditional
from core.errors import ValidationFailed
from core.govcontent.editing import unit_of
from core.govcontent.legal import DOC_TYPES
from core.govcontent.legal_reads import DocumentQuery, documents
from core.govcontent.models import ScheduleSlot
from core.govcontent.schedules import SCHEDULE_KINDS, week_slots, week_start
from core.media.models import MediaAsset
from core.media.urls import public_url

UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
FEED_LIMIT = 50
WEEKS_BACK, WEEKS_AHEAD = 4, 12


def text_value(value: str) -> str:
    """RFC 5545 (and vCard, RFC 6350) TEXT: backslash, semicolon, comma and newlines escaped."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return out.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(unit_name: str, slots: list[ScheduleSlot], host: str, now: dt.datetime) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Loa//Lich cong tac//VI",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{text_value('Lịch công tác – ' + unit_name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for slot in slots:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{slot.uid}@{host}",
            f"DTSTAMP:{_stamp(slot.updated_at or now)}",
            f"DTSTART:{_stamp(slot.starts_at)}",
            f"DTEND:{_stamp(slot.ends_at)}",
            f"SUMMARY:{text_value(slot.content)}",
            f"LOCATION:{text_value(slot.place)}",
            f"DESCRIPTION:{text_value(slot.person)}",
            f"CATEGORIES:{text_value(SCHEDULE_KINDS[slot.kind])}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def _schedule(
    ctx: Context, unit_code: str, kind: str | None, week: str | None = None
) -> tuple[str, list[ScheduleSlot]]:
    now = utcnow()
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        if week:  # one ISO week, as the GraphQL `schedule(week:)` gives it
            start, weeks = week_start(week, now), 1
        else:
            start, weeks = (
                week_start(None, now) - dt.timedelta(weeks=WEEKS_BACK),
                WEEKS_BACK + WEEKS_AHEAD,
            )
        slots = []
        for week_n in range(weeks):
            begin = start + dt.timedelta(weeks=week_n)
            slots += [
                s
                for s in week_slots(session, unit, None, begin, kind, now)
                if s.starts_at >= begin  # a slot across two weeks is listed once
            ]
        return unit.name, slots


async def schedule_feed(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    unit_code = request.path_params["unit_code"]
    kind = request.query_params.get("kind")
    week = request.query_params.get("week")
    if not UNIT_CODE.match(unit_code):
        return PlainTextResponse("Not Found", status_code=404)
    try:
        name, slots = await run_in_threadpool(_schedule, ctx, unit_code, kind, week)
    except ValidationFailed as exc:
        return PlainTextResponse(exc.message, status_code=404 if "unit" in exc.fields else 400)
    host = re.sub(r"^https?://", "", ctx.settings.base_url).split("/")[0] or "loa"
    return conditional(
        request, calendar(name, slots, host, utcnow()), "text/calendar; charset=utf-8"
    )


def _documents_rss(ctx: Context, unit_code: str) -> bytes:
    now = utcnow()
    base = ctx.settings.base_url.rstrip("/")
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        rows, _ = documents(
            session, unit, None, DocumentQuery(), first=FEED_LIMIT, after=None, now=now
        )
        files = _file_keys(session, [r.file_id for r in rows if r.file_id])
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = f"Văn bản – {unit.name}"
    ET.SubElement(channel, "link").text = base + "/"
    ET.SubElement(channel, "description").text = f"Văn bản pháp quy của {unit.name}"
    ET.SubElement(channel, "language").text = "vi"
    for r in rows:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = f"{r.number} – {r.abstract}"
        if r.file_id in files:
            ET.SubElement(item, "link").text = public_url(base, files[r.file_id])
        ET.SubElement(item, "description").text = (
            f"{DOC_TYPES[r.doc_type]} {r.number} của {r.issuing_body}, "
            f"ban hành ngày {r.issued_on:%d/%m/%Y}: {r.abstract}"
        )
        ET.SubElement(item, "category").text = DOC_TYPES[r.doc_type]
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = r.uid
        ET.SubElement(item, "pubDate").text = format_datetime(r.published_at or r.created_at)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _file_keys(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(MediaAsset.id, MediaAsset.original_key).where(MediaAsset.id.in_(ids))
    )
    return {asset_id: key for asset_id, key in rows}


async def documents_feed(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    unit_code = request.path_params["unit_code"]
    if not UNIT_CODE.match(unit_code):
        return PlainTextResponse("Not Found", status_code=404)
    try:
        body = await run_in_threadpool(_documents_rss, ctx, unit_code)
    except ValidationFailed as exc:
        return PlainTextResponse(exc.message, status_code=404)
    return conditional(request, body, "application/rss+xml; charset=utf-8")


def gov_feed_routes() -> list[BaseRoute]:
    return [
        Route("/feeds/{unit_code}/schedule.ics", schedule_feed, methods=["GET", "HEAD"]),
        Route("/feeds/{unit_code}/legal-documents.rss", documents_feed, methods=["GET", "HEAD"]),
    ]
