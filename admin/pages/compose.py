"""Compose once: one form for the item, its cover, its audience and its channels.

The form posts plain fields; this module turns them into the same data the management
API's ``createArticle``/``updateArticle`` give ``core.actions.content`` (which validates,
sanitises the body with nh3, screens the words and checks permission), then uploads and
attaches the cover through the media actions (which require its alt text and caption).
Errors come back next to their fields, in Vietnamese first.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin.messages import field_errors, vietnamese
from admin.page import LOCAL, Page, signed_in, signed_in_post, text
from admin.pages.refusals import audited, call
from core.actions import content, desk, media
from core.auth.permissions import Actor, Permission
from core.content.topics import TOPICS
from core.errors import Forbidden, LoaError, NotFound, ValidationFailed
from core.units.lookups import units_by_path

#: What ``content.create`` needs present (the management API passes the same defaults).
CREATE_DEFAULTS = {"summary": "", "body_html": "", "source": "", "author_name": ""}
KINDS = {
    "article": "Bài viết",
    "notice": "Thông báo",
    "banner": "Banner",
    "section": "Chuyên trang",
    "document": "Văn bản",
}
GENDERS = {"male": "Nam", "female": "Nữ", "other": "Khác"}
LEVELS = {"commune": "Cấp xã", "province": "Cấp tỉnh", "national": "Toàn quốc"}
#: The form's field for each key of ``ValidationFailed.fields`` the actions raise.
FIELD_OF = {
    "audience.age_min": "age_min",
    "audience.age_max": "age_max",
    "audience.genders": "genders",
    "audience.scope_level": "scope_level",
    "audience.visible_from": "visible_from",
    "audience.visible_until": "visible_until",
    "target_ids": "targets",
    "alt": "cover_alt",
    "caption": "cover_caption",
    "media": "cover",
    "file": "cover",
}


def _local_input(value: str | None) -> str:
    """An ISO time (UTC) as a ``datetime-local`` value in Asia/Ho_Chi_Minh."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


def _from_local(value: str) -> dt.datetime | str | None:
    """A ``datetime-local`` value typed in Asia/Ho_Chi_Minh; the raw text when unreadable
    (the action then says what is wrong with it)."""
    if not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=LOCAL)
    except ValueError:
        return value


def _age(value: str) -> int | str | None:
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def parse(form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The action's data from the posted form, and the errors of fields it cannot even read."""
    errors: dict[str, str] = {}
    audience: dict[str, Any] = {
        "genders": [g for g in form.getlist("genders") if isinstance(g, str)],
        "interactions_allowed": text(form, "interactions_allowed") == "on",
        "visible_from": _from_local(text(form, "visible_from")),
        "visible_until": _from_local(text(form, "visible_until")),
    }
    for key in ("age_min", "age_max"):
        age = _age(text(form, key))
        if isinstance(age, str):
            errors[key] = "Hãy nhập một số tuổi. / Enter an age in years."
        else:
            audience[key] = age
    for key in ("visible_from", "visible_until"):
        if isinstance(audience[key], str):
            errors[key] = "Ngày giờ không hợp lệ. / Not a date and time."
    if text(form, "scope_level"):
        audience["scope_level"] = text(form, "scope_level")
    scope_units = [u for u in form.getlist("scope_units") if isinstance(u, str) and u]
    if scope_units:
        audience["scope_units"] = list(dict.fromkeys(scope_units))
    data: dict[str, Any] = {
        "title": text(form, "title"),
        "summary": text(form, "summary"),
        "body_html": text(form, "body_html"),
        "category": text(form, "category") or None,
        "kind": text(form, "kind") or None,
        "topic": text(form, "topic") or None,
        "unit_code": text(form, "unit_code"),
        "target_ids": [int(str(t)) for t in form.getlist("target_ids") if str(t).isdigit()],
        "audience": audience,
        "source": text(form, "source"),
        "author_name": text(form, "author_name"),
    }
    if text(form, "agency_id").isdigit():
        data["agency_id"] = int(text(form, "agency_id"))
    if text(form, "justification").strip():
        data["justification"] = text(form, "justification")
    return data, errors


def base_revision(form: FormData) -> int | None:
    """The revision the form was loaded with (None on a new item): a stale save is refused."""
    value = text(form, "base_revision").strip()
    return int(value) if value.isdigit() else None


def _errors(fields: dict[str, str]) -> dict[str, tuple[str, str]]:
    return field_errors({FIELD_OF.get(k, k): v for k, v in fields.items()})


def _writable_units(page: Page, actor: Actor) -> list[tuple[str, str]]:
    with page.ctx.sessions() as db:
        units = units_by_path(db, actor.paths(Permission.WRITE_CONTENT))
    return sorted((u.code, u.name) for u in units.values())


def _values_of(view: desk.ItemView) -> dict[str, Any]:
    values = values_from(
        view.data, unit_code=view.unit_code, category=view.category, target_ids=view.target_ids
    )
    return {**values, "gallery": list(view.gallery_ids)}


def values_from(
    data: dict[str, Any], *, unit_code: str, category: str, target_ids: list[int]
) -> dict[str, Any]:
    """The form's values from an item's fields (a revision's, or a template's)."""
    audience = data.get("audience") or {}
    return {
        "title": data.get("title", ""),
        "summary": data.get("summary", ""),
        "body_html": data.get("body_html", ""),
        "category": category,
        "kind": data.get("kind") or "article",
        "topic": data.get("topic") or "",
        "justification": data.get("justification") or "",
        "unit_code": unit_code,
        "target_ids": target_ids,
        "age_min": audience.get("age_min") if audience.get("age_min") is not None else "",
        "age_max": audience.get("age_max") if audience.get("age_max") is not None else "",
        "genders": audience.get("genders") or [],
        "scope_level": audience.get("scope_level") or "",
        "scope_units": audience.get("scope_units") or [],
        "visible_from": _local_input(audience.get("visible_from")),
        "visible_until": _local_input(audience.get("visible_until")),
        "interactions_allowed": bool(audience.get("interactions_allowed")),
        "source": data.get("source") or "",
        "author_name": data.get("author_name") or "",
        "agency_id": data.get("agency_id"),
    }


def _values_posted(form: FormData, data: dict[str, Any]) -> dict[str, Any]:
    audience = data["audience"]
    return {
        **{k: data.get(k) or "" for k in ("title", "summary", "body_html", "category", "kind")},
        "topic": data.get("topic") or "",
        "justification": text(form, "justification"),
        "unit_code": data["unit_code"],
        "target_ids": data["target_ids"],
        "age_min": text(form, "age_min"),
        "age_max": text(form, "age_max"),
        "genders": audience["genders"],
        "scope_level": text(form, "scope_level"),
        "scope_units": audience.get("scope_units", []),
        "visible_from": text(form, "visible_from"),
        "visible_until": text(form, "visible_until"),
        "interactions_allowed": audience["interactions_allowed"],
        "cover_alt": text(form, "cover_alt"),
        "cover_caption": text(form, "cover_caption"),
        "source": data["source"],
        "author_name": data["author_name"],
        "agency_id": data.get("agency_id"),
        "cover_asset": _ids(form, "cover_asset"),
        "gallery": _ids(form, "gallery"),
    }


def _ids(form: FormData, name: str) -> list[int]:
    return [int(str(v)) for v in form.getlist(name) if str(v).isdigit()]


async def _form_page(
    page: Page,
    actor: Actor,
    values: dict[str, Any],
    *,
    view: desk.ItemView | None = None,
    errors: dict[str, tuple[str, str]] | None = None,
    status: int = 200,
    notice: str = "",
) -> Response:
    def load() -> dict[str, Any]:
        units = _writable_units(page, actor)
        unit = values.get("unit_code") or (units[0][0] if units else "")
        values["unit_code"] = unit
        chosen = desk.units_named(page.ctx, values.get("scope_units") or [])
        try:  # a reader who may not write here sees the item without channel choices
            choices = desk.targets_for_unit(page.ctx, actor, unit) if unit else []
        except Forbidden:
            choices = []
        try:
            agencies = desk.agencies_for_unit(page.ctx, actor, unit) if unit else []
            library = media.library_items(page.ctx, actor, unit, "image") if unit else []
        except (Forbidden, NotFound):
            agencies, library = [], []
        return {
            "agencies": agencies,
            "library": library,
            "units": units,
            "categories": desk.categories(page.ctx),
            "targets": choices,
            "chosen_units": chosen,
        }

    loaded = await run_in_threadpool(load)
    return page.render(
        "desk/compose.html",
        status,
        title="Sửa bài" if view else "Soạn bài",
        title_en="Edit item" if view else "Compose",
        v=values,
        view=view,
        errors=errors or {},
        error="Hãy sửa các lỗi được đánh dấu bên dưới. / Fix the marked fields below."
        if errors
        else "",
        notice=notice,
        kinds=KINDS,
        genders=GENDERS,
        levels=LEVELS,
        topics=TOPICS,
        **loaded,
    )


async def new(request: Request) -> Response:
    page, actor = await signed_in(request)
    values: dict[str, Any] = {"kind": "article", "target_ids": [], "genders": []}
    return await _form_page(page, actor, values)


async def edit(request: Request) -> Response:
    page, actor = await signed_in(request)
    uid = request.path_params["uid"]
    view = await call(page, desk.item_view, page.ctx, actor, uid)
    notice = ""
    if request.query_params.get("saved"):
        notice = "Đã lưu bản nháp. / Draft saved."
    return await _form_page(page, actor, _values_of(view), view=view, notice=notice)


async def _save_cover(
    page: Page, actor: Actor, form: FormData, article_id: int, unit_code: str
) -> None:
    """Upload the posted cover (if any) and attach it; ValidationFailed names its fields."""
    upload = form.get("cover")
    if not isinstance(upload, UploadFile) or not upload.filename:
        picked = _ids(form, "cover_asset")
        if picked:
            await run_in_threadpool(media.attach, page.ctx, actor, article_id, picked[0], "cover")
        return
    alt, caption = text(form, "cover_alt").strip(), text(form, "cover_caption").strip()
    missing = {}
    if not alt:
        missing["cover_alt"] = "required: describe the image for readers who cannot see it"
    if not caption:
        missing["cover_caption"] = "required for an article's images"
    if missing:
        raise ValidationFailed(missing)
    work = Path(tempfile.mkdtemp(prefix="loa-desk-"))
    try:
        path = work / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        name = upload.filename or "cover"

        def store() -> None:
            asset = media.upload(page.ctx, actor, unit_code, path, name, alt=alt, caption=caption)
            media.attach(page.ctx, actor, article_id, asset.id, "cover")

        await run_in_threadpool(store)
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _save_gallery(
    page: Page, actor: Actor, form: FormData, article_id: int, before: tuple[int, ...]
) -> None:
    """Attach the library images ticked for the gallery, detach those unticked (of the ones
    the form showed); each must have its alt text and caption (the media actions check)."""
    shown, chosen = set(_ids(form, "gallery_shown")), _ids(form, "gallery")

    def store() -> None:
        for asset_id in chosen:
            if asset_id not in before:
                try:
                    media.attach(page.ctx, actor, article_id, asset_id, "gallery")
                except ValidationFailed as exc:
                    raise ValidationFailed({"gallery": " ; ".join(exc.fields.values())}) from None
        for asset_id in before:
            if asset_id in shown and asset_id not in chosen:
                media.detach(page.ctx, actor, article_id, asset_id, "gallery")

    await run_in_threadpool(store)


async def save(request: Request) -> Response:
    """POST /admin/compose (a new item) or /admin/items/{uid}/edit: save the draft."""
    page, actor, form = await signed_in_post(request)
    uid = request.path_params.get("uid")
    data, unreadable = parse(form)
    view = None
    if uid:
        view = await call(page, desk.item_view, page.ctx, actor, uid)

    async def again(errors: dict[str, tuple[str, str]], item: str | None) -> Response:
        shown = view
        if item is not None:
            shown = await run_in_threadpool(desk.item_view, page.ctx, actor, item)
        values = _values_posted(form, data)
        return await _form_page(page, actor, values, view=shown, errors=errors, status=400)

    if unreadable:
        return await again(
            {k: (v.split(" / ")[0], v.split(" / ")[-1]) for k, v in unreadable.items()}, None
        )
    try:
        if view is None:
            article, refused = await audited(
                page, content.create, page.ctx, actor, {**CREATE_DEFAULTS, **data}
            )
        else:
            update = partial(content.update, expected_revision=base_revision(form))
            article, refused = await audited(page, update, page.ctx, actor, view.id, data)
    except ValidationFailed as exc:
        return await again(_errors(exc.fields), None)
    except LoaError as exc:
        return await again({"form": (vietnamese(exc.message), exc.message)}, None)
    if refused is not None:
        return refused
    assert article is not None  # audited gives a result or a refusal
    try:
        await _save_cover(
            page, actor, form, article.id, view.unit_code if view else data["unit_code"]
        )
        await _save_gallery(page, actor, form, article.id, view.gallery_ids if view else ())
    except ValidationFailed as exc:  # the item is saved; only its images are refused
        return await again(_errors(exc.fields), article.uid)
    return page.redirect(f"/admin/items/{article.uid}/edit?saved=1")


async def targets(request: Request) -> Response:
    """The channel choices of a unit (an htmx fragment, when the item's unit changes)."""
    page, actor = await signed_in(request)
    unit = request.query_params.get("unit_code", "")[:16]
    choices = await call(page, desk.targets_for_unit, page.ctx, actor, unit)
    return page.render("desk/targets.html", targets=choices, v={"target_ids": []})
