"""Feeds of the government types that are no stream of news: what a portal, a widget or a
phone pulls without GraphQL (C13), published rows only, times in Asia/Ho_Chi_Minh:

- ``GET /feeds/{unit}/banners.json[?placement=key]`` — the live banners, each with the largest
  image size that fits its placement; cached no longer than the next banner's start or end, so
  a banner comes down on time at the CDN too (S3.1).
- ``GET /feeds/{unit}/directory.vcf`` — the directory as vCards (RFC 6350) a phone imports;
  ``GET /feeds/{unit}/directory.json`` — the same as JSON, with each entry's "last verified".
- ``GET /feeds/{unit}/profile.json`` — the profile, official channels, menus and live campaign
  sections: what a portal's frame (header, menus, footer) is built from.

Each answer has a strong ETag (:func:`core.edge.etag.conditional`), so pollers mostly get a 304.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.context import Context
from core.db import utcnow
from core.edge.etag import FEED_CACHE, conditional
from core.errors import ValidationFailed
from core.govcontent import banners, directory, menus, profile
from core.govcontent.editing import unit_of
from core.govcontent.feeds import UNIT_CODE, fold, text_value
from core.govcontent.legal import VN
from core.govcontent.models import Banner, BannerPlacement, DirectoryEntry, Publication
from core.govcontent.visibility import shown
from core.media.models import MediaAsset
from core.media.urls import public_url
from core.units.models import Unit

JSON = "application/json; charset=utf-8"
MAX_AGE = 300


def local(value: dt.datetime | None) -> str | None:
    """ISO 8601 in Vietnam time (+07:00): what a commune's page shows as is."""
    return value.astimezone(VN).isoformat() if value is not None else None


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def banner_cache(rows: list[Banner], upcoming: dt.datetime | None, now: dt.datetime) -> str:
    """``FEED_CACHE``, shortened so no cache keeps a banner past its end or hides one that
    starts: ``max-age`` is at most the seconds until the next change."""
    changes = [r.visible_until for r in rows if r.visible_until is not None]
    if upcoming is not None:
        changes.append(upcoming)
    soonest = min((int((c - now).total_seconds()) for c in changes), default=MAX_AGE)
    if soonest >= MAX_AGE:
        return FEED_CACHE
    return f"public, max-age={max(soonest, 0)}"


def _banners(ctx: Context, code: str, placement: str | None) -> tuple[bytes, str]:
    now = utcnow()
    base = ctx.settings.base_url.rstrip("/")
    with ctx.sessions() as session:
        unit = unit_of(session, code)
        live = (
            select(Banner, BannerPlacement)
            .join(BannerPlacement, BannerPlacement.id == Banner.placement_id)
            .where(Banner.unit_id == unit.id)
        )
        if placement is not None:
            live = live.where(BannerPlacement.key == placement)
        rows = session.execute(
            live.where(shown(Banner, now)).order_by(BannerPlacement.key, Banner.position, Banner.id)
        ).all()
        upcoming = session.scalar(
            select(Banner.visible_from)
            .join(BannerPlacement, BannerPlacement.id == Banner.placement_id)
            .where(
                Banner.unit_id == unit.id,
                Banner.state == Publication.PUBLISHED,
                Banner.visible_from > now,
                *([BannerPlacement.key == placement] if placement is not None else []),
            )
            .order_by(Banner.visible_from)
            .limit(1)
        )
        assets = {
            a.id: a
            for a in session.scalars(
                select(MediaAsset).where(MediaAsset.id.in_({b.image_id for b, _ in rows}))
            )
        }
        items = []
        for b, p in rows:
            asset = assets[b.image_id]
            fitting = banners.fits(asset, p)
            image = fitting[-1] if fitting else None
            items.append(
                {
                    "id": b.uid,
                    "title": b.title,
                    "placement": p.key,
                    "link": b.link_url or None,
                    "image": {
                        "url": public_url(base, image.key) if image else None,
                        "width": image.width if image else None,
                        "height": image.height if image else None,
                        "alt": asset.alt,
                    },
                    "position": b.position,
                    "visibleFrom": local(b.visible_from),
                    "visibleUntil": local(b.visible_until),
                }
            )
        cache = banner_cache([b for b, _ in rows], upcoming, now)
    return _json({"unit": unit.code, "placement": placement, "banners": items}), cache


def vcard(unit: Unit, entry: DirectoryEntry, host: str) -> list[str]:
    """One vCard 4.0 (RFC 6350); REV is the day the details were last verified."""
    org = ";".join(text_value(part) for part in (unit.name, entry.body) if part)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:urn:uuid:{entry.uid}",
        f"FN:{text_value(entry.name)}",
        f"TITLE:{text_value(entry.title)}",
        f"ORG:{org}",
        f"CATEGORIES:{text_value(directory.GROUPS[entry.group])}",
    ]
    if entry.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=work:tel:{entry.phone.replace(' ', '')}")
    if entry.email:
        lines.append(f"EMAIL;TYPE=work:{entry.email}")
    lines += [f"REV:{entry.verified_on:%Y%m%d}", f"SOURCE:https://{host}/", "END:VCARD"]
    return lines


def _entries(session: Session, unit: Unit) -> list[DirectoryEntry]:
    return directory.entries(session, unit, None, None, utcnow())


def _directory_vcf(ctx: Context, code: str) -> bytes:
    host = ctx.settings.base_url.split("://")[-1].split("/")[0] or "loa"
    with ctx.sessions() as session:
        unit = unit_of(session, code)
        lines = [line for e in _entries(session, unit) for line in vcard(unit, e, host)]
    return ("".join(fold(line) + "\r\n" for line in lines)).encode()


def _directory_json(ctx: Context, code: str) -> bytes:
    now = utcnow()
    with ctx.sessions() as session:
        unit = unit_of(session, code)
        rows = _entries(session, unit)
        stale = {e.id for e in directory.stale(rows, now)}
    entries = [
        {
            "id": e.uid,
            "group": e.group,
            "groupName": directory.GROUPS[e.group],
            "body": e.body,
            "name": e.name,
            "title": e.title,
            "titleEn": e.title_en or None,
            "bodyEn": e.body_en or None,
            "phone": e.phone or None,
            "email": e.email or None,
            "verifiedOn": e.verified_on.isoformat(),
            "stale": e.id in stale,
        }
        for e in rows
    ]
    return _json({"unit": unit.code, "unitName": unit.name, "entries": entries})


def _menu(rows: list[Any]) -> list[dict[str, Any]]:
    def item(r: Any) -> dict[str, Any]:
        return {
            "label": r.label,
            "labelEn": r.label_en or None,
            "section": r.section or None,
            "url": r.url or None,
        }

    kids: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r.parent_id is not None:
            kids.setdefault(r.parent_id, []).append(item(r))
    return [{**item(r), "children": kids.get(r.id, [])} for r in rows if r.parent_id is None]


def _profile_json(ctx: Context, code: str) -> bytes:
    now = utcnow()
    base = ctx.settings.base_url.rstrip("/")
    with ctx.sessions() as session:
        unit = unit_of(session, code)
        row = profile.profile_of(session, unit, None, now)
        chart = session.get(MediaAsset, row.org_chart_id) if row and row.org_chart_id else None
        about = None
        if row is not None:
            about = {
                "introduction": row.introduction_html,
                "history": row.history_html,
                "functions": row.functions_html,
                "introductionEn": row.introduction_en_html or None,
                "functionsEn": row.functions_en_html or None,
                "orgChart": public_url(base, chart.original_key) if chart else None,
                "portalUrl": row.portal_url or None,
                "legalDocumentsUrl": row.legal_documents_url or None,
                "updatedAt": local(row.updated_at),
            }
        data = {
            "unit": unit.code,
            "unitName": unit.name,
            "profile": about,
            "proceduresUrl": profile.procedures_url(session, unit, row) or None,
            "officialChannels": [
                {
                    "platform": c.platform,
                    "name": c.name,
                    "url": c.url,
                    "verifiedOn": c.verified_on.isoformat(),
                }
                for c in profile.channels_of(session, unit, None, now)
            ],
            "menus": {
                name: _menu(menus.menu_items(session, unit, None, name, now))
                for name in menus.MENUS
            },
            "campaignSections": [
                {
                    "slug": s.slug,
                    "title": s.title,
                    "description": s.description,
                    "category": s.category or None,
                    "visibleUntil": local(s.visible_until),
                }
                for s in menus.campaign_sections(session, unit, None, now)
            ],
        }
    return _json(data)


async def _answer(
    request: Request, make: Callable[..., Any], media_type: str, *args: Any
) -> Response:
    ctx: Context = request.app.state.loa
    code = request.path_params["unit_code"]
    if not UNIT_CODE.match(code):
        return PlainTextResponse("Not Found", status_code=404)
    try:
        made = await run_in_threadpool(make, ctx, code, *args)
    except ValidationFailed as exc:
        return PlainTextResponse(exc.message, status_code=404)
    body, cache = made if isinstance(made, tuple) else (made, FEED_CACHE)
    return conditional(request, body, media_type, cache)


async def banners_feed(request: Request) -> Response:
    placement = request.query_params.get("placement")
    return await _answer(request, _banners, JSON, placement)


async def directory_vcf(request: Request) -> Response:
    return await _answer(request, _directory_vcf, "text/vcard; charset=utf-8")


async def directory_json(request: Request) -> Response:
    return await _answer(request, _directory_json, JSON)


async def profile_json(request: Request) -> Response:
    return await _answer(request, _profile_json, JSON)


def data_feed_routes() -> list[BaseRoute]:
    get = ["GET", "HEAD"]
    return [
        Route("/feeds/{unit_code}/banners.json", banners_feed, methods=get),
        Route("/feeds/{unit_code}/directory.vcf", directory_vcf, methods=get),
        Route("/feeds/{unit_code}/directory.json", directory_json, methods=get),
        Route("/feeds/{unit_code}/profile.json", profile_json, methods=get),
    ]
