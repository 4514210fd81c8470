"""Banners (S3.1–S3.4): an image with a link, in a placement a portal defines, for a window.

A placement names a slot (``sidebar-right``, ``feedback``…) and the largest size it shows, so
the public API offers only renditions that fit (S3.4: "not too large"); a banner whose image
has no rendition that fits is refused. A banner ends by itself: outside its window the public
API never shows it, and the sweeper records the take-down (:func:`editing.expire_due`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.errors import ValidationFailed
from core.govcontent import editing
from core.govcontent.editing import Kind, unit_of
from core.govcontent.fields import Form
from core.govcontent.media import usable_asset
from core.govcontent.models import Banner, BannerPlacement
from core.media.models import MediaAsset, MediaKind
from core.text import nfc, slugify
from core.units.models import Unit

MAX_SIDE = 4000
#: The feedback-system banner of S3.2: the province's feedback site, in its own slot.
FEEDBACK_PLACEMENT = ("phan-hoi", "Hệ thống phản hồi / Feedback system", 300, 120)
FEEDBACK_URL = "https://phanhoi.thanhhoa.gov.vn/"


def _slot(
    session: Session, actor: Actor, unit_code: str, key: str
) -> tuple[Unit, BannerPlacement | None]:
    """The unit (its layout is its channel admin's) and its placement ``key``, if any."""
    unit = unit_of(session, unit_code)
    require(actor, Permission.MANAGE_CHANNELS, unit.path)
    row = session.scalar(
        select(BannerPlacement).where(
            BannerPlacement.unit_id == unit.id, BannerPlacement.key == key
        )
    )
    return unit, row


def define_placement(
    ctx: Context, actor: Actor, unit_code: str, key: str, name: str, max_width: int, max_height: int
) -> BannerPlacement:
    """Create or resize a unit's slot: a portal's layout is its channel admin's to define."""
    errors: dict[str, str] = {}
    slug = slugify(key, max_length=64) if key.strip() else ""
    if not slug:
        errors["key"] = "is required"
    label = nfc(name).strip()
    if not label or len(label) > 200:
        errors["name"] = "is required, at most 200 characters"
    for field, value in (("max_width", max_width), ("max_height", max_height)):
        if not 16 <= value <= MAX_SIDE:
            errors[field] = f"must be from 16 to {MAX_SIDE} pixels"
    if errors:
        raise ValidationFailed(errors)
    with ctx.transaction() as session:
        unit, row = _slot(session, actor, unit_code, slug)
        if row is None:
            row = BannerPlacement(unit_id=unit.id, key=slug)
            session.add(row)
        row.name, row.max_width, row.max_height = label, max_width, max_height
        session.flush()
        audit.record(
            session,
            actor=actor.name,
            action="banner_placement.save",
            subject_type="banner_placement",
            subject_id=row.id,
            data={"unit": unit.code, "key": slug, "max": [max_width, max_height]},
            unit_path=unit.path,
        )
    ctx.emit("gov.banner_placement.saved", {"unit": unit_code, "key": slug})
    return row


def remove_placement(ctx: Context, actor: Actor, unit_code: str, key: str) -> None:
    """Remove a slot no banner was ever put in (banners are kept, C18: move them first)."""
    with ctx.transaction() as session:
        unit, row = _slot(session, actor, unit_code, key)
        if row is None:
            raise ValidationFailed({"key": f"no placement {key!r} in this unit"})
        used = session.scalar(
            select(func.count()).select_from(Banner).where(Banner.placement_id == row.id)
        )
        if used:
            raise ValidationFailed(
                {"key": f"{used} banner(s) are in this placement: move them to another first"}
            )
        session.delete(row)
        audit.record(
            session,
            actor=actor.name,
            action="banner_placement.remove",
            subject_type="banner_placement",
            subject_id=row.id,
            data={"unit": unit.code, "key": key},
            unit_path=unit.path,
        )
    ctx.emit("gov.banner_placement.removed", {"unit": unit_code, "key": key})


def placements(session: Session, unit: Unit) -> list[BannerPlacement]:
    return list(
        session.scalars(
            select(BannerPlacement)
            .where(BannerPlacement.unit_id == unit.id)
            .order_by(BannerPlacement.key)
        )
    )


def fits(asset: MediaAsset, placement: BannerPlacement) -> list[Any]:
    """The image's sized renditions no larger than the placement (smallest first)."""
    out = [
        r
        for r in asset.renditions
        if r.name.startswith("w")
        and r.width
        and r.height
        and r.width <= placement.max_width
        and r.height <= placement.max_height
    ]
    return sorted(out, key=lambda r: (r.width, r.name))


def read(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.text("title", required=True)
    form.url("link_url")
    form.time("visible_from")
    form.time("visible_until")
    form.integer("position", 0, 1000)
    form.order("visible_from", "visible_until", row)
    placement_id = row.placement_id if row is not None else None
    if form.data.get("placement") or row is None:
        key = str(form.data.get("placement") or "")
        placement_id = session.scalar(
            select(BannerPlacement.id).where(
                BannerPlacement.unit_id == unit.id, BannerPlacement.key == key
            )
        )
        if placement_id is None:
            form.errors["placement"] = f"no placement {key!r} in this unit (define it first)"
            return
        form.out["placement_id"] = placement_id
    image_id = row.image_id if row is not None else None
    if form.data.get("image") or row is None:
        try:
            image_id = usable_asset(
                session, str(form.data.get("image") or ""), unit, MediaKind.IMAGE, "image"
            )
        except ValidationFailed as exc:
            form.errors.update(exc.fields)
            return
        form.out["image_id"] = image_id
    asset = session.get(MediaAsset, image_id)
    placement = session.get(BannerPlacement, placement_id)
    assert asset is not None and placement is not None
    if not asset.alt:
        form.errors["image"] = "the image needs alt text (accessibility): describe it first"
    elif not fits(asset, placement):
        form.errors["image"] = (
            f"no size of this image fits the placement ({placement.max_width}×"
            f"{placement.max_height})"
        )


def texts(row: Banner) -> dict[str, str]:
    return {"title": row.title}


KIND = Kind(name="banner", model=Banner, read=read, texts=texts, windowed=True)


def seed_feedback_banner(
    ctx: Context, actor: Actor, unit_code: str, image_uid: str, link_url: str = FEEDBACK_URL
) -> Banner:
    """S3.2's example: the province's feedback-system banner, in its own slot, published and
    without an end (it is no campaign). Idempotent: a unit that has it keeps it."""
    key, name, width, height = FEEDBACK_PLACEMENT
    define_placement(ctx, actor, unit_code, key, name, width, height)
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        found = session.scalar(
            select(Banner)
            .join(BannerPlacement, BannerPlacement.id == Banner.placement_id)
            .where(Banner.unit_id == unit.id, BannerPlacement.key == key)
        )
    if found is not None:
        return found
    data = {
        "title": "Hệ thống phản hồi Thanh Hóa / Feedback system",
        "placement": key,
        "image": image_uid,
        "link_url": link_url,
    }
    row = editing.save(ctx, actor, KIND, data, unit_code=unit_code)
    published: Banner = editing.publish(ctx, actor, KIND, row.uid)
    return published
