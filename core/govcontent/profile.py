"""The unit's profile (S1.2, S3.5 "Tổng quan", 224 Art. 9(1)(c)) and its official channels
(Decree 224 Art. 10(3): the agency publishes its list of channels; S4.5: announce official pages).

One profile per unit. Its ``procedures_url`` is the unit's page of administrative procedures
(S3.5: "links by the commune's id"); a province may write it once as a template with
``{code}``, and every commune below without its own gets the template with its own code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.context import Context
from core.contract.declarations import policy_of
from core.govcontent import editing, english
from core.govcontent.editing import Kind, unit_of
from core.govcontent.fields import Form
from core.govcontent.legal import today
from core.govcontent.legal_reads import ancestor_ids
from core.govcontent.models import OfficialChannel, Publication, UnitProfile
from core.govcontent.visibility import visible_to
from core.media.models import MediaKind
from core.units.models import Unit

#: Where else a unit may be reached that is no Loa channel. The platforms Loa publishes to
#: are added from the installed plugins' declarations (:func:`platforms`): core names none.
OTHER_PLATFORMS = {
    "website": "Trang thông tin điện tử (website)",
    "tiktok": "TikTok",
    "email": "Thư điện tử (e-mail)",
    "hotline": "Đường dây nóng (hotline)",
    "other": "Khác (other)",
}


def platforms(session: Session) -> dict[str, str]:
    """Every platform an official channel may be on: each declared channel, then the others."""
    declared = policy_of(session).channels.values()
    return {**{d.name: d.title for d in declared}, **OTHER_PLATFORMS}


CODE = "{code}"


def read_profile(session: Session, form: Form, unit: Unit, row: Any) -> None:
    for name in ("introduction", "history", "functions", "introduction_en", "functions_en"):
        form.html(name, f"{name}_html")
    english.track(form, row, english.PROFILE)
    for name in ("portal_url", "legal_documents_url"):
        form.url(name)
    form.url("procedures_url")
    form.asset(session, "org_chart", "org_chart_id", unit, MediaKind.IMAGE)


def profile_texts(row: UnitProfile) -> dict[str, str]:
    from core.content.validation import plain_text

    return {
        name: plain_text(getattr(row, f"{name}_html"))
        for name in ("introduction", "history", "functions", "introduction_en", "functions_en")
    }


PROFILE = Kind(name="unit_profile", model=UnitProfile, read=read_profile, texts=profile_texts)


def save_profile(ctx: Context, actor: Actor, unit_code: str, data: dict[str, Any]) -> UnitProfile:
    """Write the unit's one profile: the first save creates it, later ones edit it."""
    with ctx.sessions() as session:
        unit = unit_of(session, unit_code)
        uid = session.scalar(select(UnitProfile.uid).where(UnitProfile.unit_id == unit.id))
    row: UnitProfile = editing.save(ctx, actor, PROFILE, data, uid=uid, unit_code=unit_code)
    return row


def profile_of(
    session: Session, unit: Unit, actor: Actor | None, now: dt.datetime
) -> UnitProfile | None:
    return session.scalar(
        select(UnitProfile).where(
            UnitProfile.unit_id == unit.id, visible_to(actor, UnitProfile, unit.path, now)
        )
    )


def procedures_url(session: Session, unit: Unit, own: UnitProfile | None) -> str:
    """The unit's procedures link: its own, else the nearest template above with its code."""
    if own is not None and own.procedures_url:
        return own.procedures_url.replace(CODE, unit.code)
    ids = ancestor_ids(unit)
    if not ids:
        return ""
    rows = {
        unit_id: url
        for unit_id, url in session.execute(
            select(UnitProfile.unit_id, UnitProfile.procedures_url).where(
                UnitProfile.unit_id.in_(ids),
                UnitProfile.state == Publication.PUBLISHED,
                UnitProfile.procedures_url.contains(CODE),
            )
        )
    }
    for unit_id in reversed(ids):  # nearest first
        if unit_id in rows:
            return rows[unit_id].replace(CODE, unit.code)
    return ""


def read_channel(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.choice("platform", platforms(session))
    form.text("name", required=True)
    form.url("url", required=True)
    form.integer("position", 0, 1000)
    if row is None and not form.data.get("verified_on"):
        form.out["verified_on"] = today()
    else:
        form.date("verified_on")
        if "verified_on" in form.out and form.out["verified_on"] is None:
            form.errors["verified_on"] = "is required"


CHANNEL = Kind(
    name="official_channel",
    model=OfficialChannel,
    read=read_channel,
    texts=lambda row: {"name": row.name},
)


def channels_of(
    session: Session, unit: Unit, actor: Actor | None, now: dt.datetime
) -> list[OfficialChannel]:
    return list(
        session.scalars(
            select(OfficialChannel)
            .where(
                OfficialChannel.unit_id == unit.id,
                visible_to(actor, OfficialChannel, unit.path, now),
            )
            .order_by(OfficialChannel.position, OfficialChannel.id)
        )
    )
