"""Government content on the desk (issue 18): per kind, a unit's rows with publish and withdraw,
and a form to create or edit one (uploads through the media actions).

Pages parse, call core's actions and reads and render; permission stays in the actions (a
refusal is audited by :func:`audited`); validation errors come back next to their fields.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from admin.messages import field_errors, vietnamese
from admin.page import LOCAL, Answered, Page, signed_in, signed_in_post, text
from admin.pages.gov_fields import FIELDS, KINDS, LEGAL_STATUSES, STATES, UPLOADS, parse, posted
from admin.pages.refusals import audited, call
from core.actions import gov_desk, media
from core.auth.permissions import Actor
from core.errors import Forbidden, LoaError, NotFound, ValidationFailed
from core.govcontent import editing, profile
from core.govcontent.kinds import KINDS as CORE_KINDS

ROOT = "/admin/gov"
#: The actions' English messages for government content, in Vietnamese.
_VI = {
    "must be an ISO 8601 date-time with a time zone": "Ngày giờ không hợp lệ.",
    "must be a date (YYYY-MM-DD)": "Ngày không hợp lệ.",
    "must be an e-mail address": "Địa chỉ thư điện tử không hợp lệ.",
    "must be an http(s) URL": "Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
    "must be after starts_at": "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
    "must be after effective_on": "Ngày hết hiệu lực phải sau ngày hiệu lực.",
    "must be after issued_on": "Ngày hiệu lực không được trước ngày ban hành.",
    "cannot be in the future": "Không được là ngày trong tương lai.",
    "a slot lasts at most 7 days": "Một lịch kéo dài tối đa 7 ngày.",
    "an item opens a section or a URL": "Hãy chọn mục mở ra hoặc nhập địa chỉ.",
}


def _errors(fields: dict[str, str]) -> dict[str, tuple[str, str]]:
    shown = field_errors(fields)
    for name, message in fields.items():
        if message in _VI:
            shown[name] = (_VI[message], message)
        elif message.startswith("must be a phone number"):
            shown[name] = ("Số điện thoại không hợp lệ.", message)
        elif message.startswith("no size of this image fits"):
            shown[name] = ("Ảnh không có cỡ vừa vị trí này.", message)
    return shown


def _kind(request: Request) -> str:
    """The kind the path names ("" when the desk has no such kind: answered 404)."""
    name = str(request.path_params.get("kind", ""))
    return name if name in KINDS else ""


def _missing(page: Page) -> Response:
    return page.render(
        "refused.html",
        404,
        title="Không tìm thấy",
        title_en="Not found",
        error="Không có loại nội dung này. / No such content type.",
    )


async def _opened(request: Request) -> tuple[Page, Actor, str]:
    """A GET of a kind's page by a signed-in account; a 404 (no kind) is :class:`Answered`."""
    page, actor = await signed_in(request)
    kind = _kind(request)
    if not kind:
        raise Answered(_missing(page))
    return page, actor, kind


async def _unit(page: Page, actor: Actor) -> str:
    """The unit asked for, else the first the actor writes in (the action checks it)."""
    asked = page.request.query_params.get("unit", "")[:16]
    if asked:
        return asked
    units = await run_in_threadpool(gov_desk.desk_units, page.ctx, actor)
    return units[0][0] if units else ""


def _week(asked: str | None) -> tuple[str, str, str]:
    """This ISO week (or ``asked``), and the ones before and after."""
    try:
        year, number = (asked or "").upper().split("-W")
        monday = dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        today = dt.datetime.now(LOCAL).date()
        monday = today - dt.timedelta(days=today.weekday())

    def name(day: dt.date) -> str:
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    week = dt.timedelta(days=7)
    return name(monday), name(monday - week), name(monday + week)


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def _days(lines: list[gov_desk.GovLine]) -> list[tuple[str, list[gov_desk.GovLine]]]:
    """Schedule slots by their local day (the week view), each day named "Thứ Hai 07/12"."""
    days: dict[str, list[gov_desk.GovLine]] = {}
    for line in lines:
        day = dt.date.fromisoformat(line.values["starts_at"][:10])
        name = f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"
        days.setdefault(name, []).append(line)
    return list(days.items())


async def index(request: Request) -> Response:
    page, actor = await signed_in(request)
    units = await run_in_threadpool(gov_desk.desk_units, page.ctx, actor)
    return page.render(
        "desk/gov_index.html",
        title="Nội dung hành chính",
        title_en="Government content",
        kinds=KINDS,
        units=units,
        unit=await _unit(page, actor),
    )


async def _list_page(
    page: Page, actor: Actor, kind: str, unit: str, *, error: str = "", status: int = 200
) -> Response:
    week = None
    if kind == "schedule_slot":
        week = _week(page.request.query_params.get("week"))
    lines = await call(page, gov_desk.rows, page.ctx, actor, kind, unit, week[0] if week else None)
    if kind == "unit_profile" and lines:  # one profile per unit: straight to it
        lines = lines[:1]
    return page.render(
        "desk/gov_list.html",
        status,
        title=KINDS[kind][0],
        title_en=KINDS[kind][1],
        kind=kind,
        kinds=KINDS,
        unit=unit,
        lines=lines,
        days=_days(lines) if week else [],
        week=week,
        states=STATES,
        statuses=LEGAL_STATUSES,
        error=error,
        notice="Đã lưu. / Saved." if page.request.query_params.get("done") else "",
    )


async def listing(request: Request) -> Response:
    page, actor, kind = await _opened(request)
    return await _list_page(page, actor, kind, await _unit(page, actor))


async def _form_page(
    page: Page,
    actor: Actor,
    kind: str,
    unit: str,
    values: dict[str, Any],
    *,
    line: gov_desk.GovLine | None = None,
    errors: dict[str, tuple[str, str]] | None = None,
    status: int = 200,
) -> Response:
    def read() -> dict[str, list[tuple[str, str]]]:
        """The choices core reads (none when the unit is unknown: its error is shown)."""
        try:
            if kind == "banner":
                return {"placement": gov_desk.placements(page.ctx, actor, unit)}
            if kind == "official_channel":
                return {"platform": gov_desk.platforms(page.ctx)}
            if kind == "legal_document":
                found = gov_desk.documents(page.ctx, actor, unit)
                return {"replaces": [d for d in found if line is None or d[0] != line.uid]}
        except (Forbidden, NotFound):
            pass
        return {}

    choices = await run_in_threadpool(read)
    return page.render(
        "desk/gov_form.html",
        status,
        title=("Sửa: " if line else "Thêm: ") + KINDS[kind][0],
        title_en=("Edit: " if line else "New: ") + KINDS[kind][1],
        kind=kind,
        unit=unit,
        fields=FIELDS[kind],
        choices=choices,
        v=values,
        line=line,
        states=STATES,
        errors=errors or {},
        error="Hãy sửa các lỗi được đánh dấu bên dưới. / Fix the marked fields below."
        if errors
        else "",
        notice="Đã lưu. / Saved." if page.request.query_params.get("saved") else "",
    )


async def new(request: Request) -> Response:
    page, actor, kind = await _opened(request)
    unit = await _unit(page, actor)
    if kind == "unit_profile":  # one per unit: edit it when it exists
        uid = await call(page, gov_desk.profile_uid, page.ctx, actor, unit)
        if uid:
            return page.redirect(f"{ROOT}/{kind}/{uid}")
    return await _form_page(page, actor, kind, unit, {})


async def edit(request: Request) -> Response:
    page, actor, kind = await _opened(request)
    line = await call(page, gov_desk.row, page.ctx, actor, kind, request.path_params["uid"])
    return await _form_page(page, actor, kind, line.unit_code, line.values, line=line)


async def _uploads(
    page: Page, actor: Actor, kind: str, form: FormData, unit: str
) -> dict[str, str]:
    """Store each posted file in the unit's library: its id, by field (ValidationFailed names
    the field a refused file was posted in)."""
    out: dict[str, str] = {}
    for f in FIELDS[kind]:
        upload = form.get(f.name)
        if f.kind not in UPLOADS or not isinstance(upload, UploadFile) or not upload.filename:
            continue
        alt = text(form, f"{f.name}_alt").strip()
        if f.kind == "image" and not alt:
            raise ValidationFailed(
                {f"{f.name}_alt": "required: describe the image for readers who cannot see it"}
            )
        work = Path(tempfile.mkdtemp(prefix="loa-desk-"))
        try:
            path = work / "upload"
            with path.open("wb") as file:
                shutil.copyfileobj(upload.file, file)
            name = upload.filename or f.name
            try:
                asset = await run_in_threadpool(
                    media.upload, page.ctx, actor, unit, path, name, alt=alt, title=name
                )
            except ValidationFailed as exc:
                raise ValidationFailed({f.name: "; ".join(exc.fields.values())}) from None
            out[f.name] = asset.uid
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return out


def _store(page: Page, actor: Actor, kind: str, unit: str, uid: str | None, data: Any) -> Any:
    if uid is None and kind == "unit_profile":
        return profile.save_profile(page.ctx, actor, unit, data)
    if uid is None:
        return editing.save(page.ctx, actor, CORE_KINDS[kind], data, unit_code=unit)
    return editing.save(page.ctx, actor, CORE_KINDS[kind], data, uid=uid)


async def save(request: Request) -> Response:
    """POST /admin/gov/{kind}/new?unit= (a draft) or /admin/gov/{kind}/{uid} (an edit)."""
    page, actor, form = await signed_in_post(request)
    kind = _kind(request)
    if not kind:
        return _missing(page)
    uid = request.path_params.get("uid")
    line = None
    if uid:
        line = await call(page, gov_desk.row, page.ctx, actor, kind, uid)
        unit = line.unit_code
    else:
        unit = text(form, "unit") or page.request.query_params.get("unit", "")[:16]
    data = parse(kind, form)

    async def again(errors: dict[str, tuple[str, str]]) -> Response:
        values = {**(line.values if line else {}), **posted(kind, form)}
        return await _form_page(
            page, actor, kind, unit, values, line=line, errors=errors, status=400
        )

    try:
        data.update(await _uploads(page, actor, kind, form, unit))
        row, refused = await audited(page, _store, page, actor, kind, unit, uid, data)
    except ValidationFailed as exc:
        return await again(_errors(exc.fields))
    except LoaError as exc:
        return await again({"form": (vietnamese(exc.message), exc.message)})
    if refused is not None:
        return refused
    assert row is not None  # audited gives a result or a refusal
    return page.redirect(f"{ROOT}/{kind}/{row.uid}?saved=1")


async def _transition(request: Request, verb: str) -> Response:
    page, actor, form = await signed_in_post(request)
    kind, uid = _kind(request), request.path_params["uid"]
    if not kind:
        return _missing(page)
    line = await call(page, gov_desk.row, page.ctx, actor, kind, uid)
    step = editing.publish if verb == "publish" else editing.withdraw
    args: list[Any] = [page.ctx, actor, CORE_KINDS[kind], uid]
    if verb == "withdraw":
        args.append(text(form, "reason"))
    try:
        _, refused = await audited(page, step, *args)
    except LoaError as exc:
        message = f"{vietnamese(exc.message)} / {exc.message}"
        return await _list_page(page, actor, kind, line.unit_code, error=message, status=409)
    if refused is not None:
        return refused
    return page.redirect(f"{ROOT}/{kind}?unit={line.unit_code}&done=1")


async def publish(request: Request) -> Response:
    return await _transition(request, "publish")


async def withdraw(request: Request) -> Response:
    return await _transition(request, "withdraw")
