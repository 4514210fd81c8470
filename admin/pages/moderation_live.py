"""Moderation as you type: the compose form's title, summary and body judged on each pause.

``POST /admin/compose/moderation`` (htmx, from ``desk/compose.html``): CSRF-checked and signed in
like every admin POST; the judgement is ``core.actions.live_screening.check_draft`` (which checks
the permission on the item's unit, caps the text and rate-limits the account). The answer is a
fragment: the overall outcome for the panel under the body, and each field's findings (the
match shown in context with ``<mark>``) swapped out-of-band under its field. ``desk.js`` then
highlights the body's matches in the editor itself. A request too big to read is refused
before its body is read (413), a signed-out one gets 401: never a login page inside the panel.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.page import Answered, Page, signed_in_post, text
from admin.pages.refusals import audited
from core.actions import live_screening
from core.errors import TooManyRequests, ValidationFailed

#: Largest request read (bytes): the fields of a draft at ``MAX_LIVE_TEXT`` with their markup,
#: form-encoded (a Vietnamese letter with its marks takes up to 9 bytes: ``%E1%BB%87``).
MAX_REQUEST = 20 * live_screening.MAX_LIVE_TEXT
CATEGORIES = {
    "profanity": ("Tục tĩu", "profanity"),
    "insult": ("Xúc phạm", "insult"),
    "sensitive": ("Nhạy cảm", "sensitive"),
}
FIELDS = {
    "title": ("Tiêu đề", "Title"),
    "summary": ("Tóm tắt", "Summary"),
    "body": ("Nội dung", "Body"),
}
PROBLEMS = {
    400: ("Không kiểm tra được nội dung này.", "This text could not be checked."),
    401: ("Phiên đăng nhập đã hết; hãy đăng nhập lại.", "Your session ended; sign in again."),
    403: ("Không được phép kiểm tra (hãy tải lại trang).", "Not allowed (reload the page)."),
    404: ("Không tìm thấy đơn vị.", "Unit not found."),
    411: ("Yêu cầu thiếu độ dài.", "The request has no length."),
    413: (
        "Văn bản quá dài để kiểm tra khi gõ; sẽ được kiểm tra khi lưu.",
        "Too long to check as you type; it is checked when saved.",
    ),
    429: ("Kiểm tra quá nhiều lần; hãy chờ một chút.", "Too many checks; wait a moment."),
}


def _problem(page: Page, status: int, retry_after: int | None = None) -> Response:
    answer = page.render("desk/moderation_live.html", status, problem=PROBLEMS[status])
    if retry_after is not None:
        answer.headers["retry-after"] = str(retry_after)
    return answer


def _too_big(request: Request) -> int | None:
    """411 or 413 when the request's declared length is missing or over the cap."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        return 411
    return 413 if int(length) > MAX_REQUEST else None


async def check(request: Request) -> Response:
    """POST /admin/compose/moderation: the findings fragment of the posted draft."""
    page = Page(request)
    refused = _too_big(request)
    if refused is not None:
        return _problem(page, refused)
    try:
        page, actor, form = await signed_in_post(request)
    except Answered as early:  # signed out (a redirect to sign in) or a bad CSRF token
        return _problem(page, 403 if early.response.status_code == 403 else 401)
    fields = {k: text(form, k) for k in ("title", "summary", "body_html")}
    try:
        verdict, refusal = await audited(
            page, live_screening.check_draft, page.ctx, actor, text(form, "unit_code"), fields
        )
    except ValidationFailed as exc:
        return _problem(page, 400 if "unit_code" in exc.fields else 413)
    except TooManyRequests as exc:
        return _problem(page, 429, exc.retry_after)
    if refusal is not None:
        return _problem(page, refusal.status_code)
    assert verdict is not None  # audited gives a result or a refusal
    by_field = {f: [x for x in verdict.findings if x.field == f] for f in FIELDS}
    return page.render(
        "desk/moderation_live.html",
        verdict=verdict,
        by_field=by_field,
        fields=FIELDS,
        categories=CATEGORIES,
    )
