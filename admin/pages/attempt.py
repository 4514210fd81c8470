"""An operator's form: an optional fresh code (step-up) and one action whose bad input, or
missing code, is shown beside the form; refusals are answered and audited (``audited``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from admin.page import Page, text
from admin.pages.refusals import audited
from core.auth.actions import step_up
from core.auth.errors import LockedOut, SignInFailed
from core.auth.permissions import Actor, StepUpRequired
from core.errors import LoaError, ValidationFailed

T = TypeVar("T")

NEEDS_CODE = (
    "Việc này cần mã xác thực mới từ ứng dụng của bạn. / "
    "This needs a fresh code from your authenticator app."
)


async def stepped(page: Page, actor: Actor, form: FormData) -> tuple[Actor, str]:
    """The actor stepped up by the form's ``code`` (if any), or why the code was refused."""
    code = text(form, "code").replace(" ", "")
    if not code:
        return actor, ""
    try:
        return await run_in_threadpool(step_up, page.ctx, actor, code, page.address), ""
    except (SignInFailed, LockedOut) as exc:
        return actor, f"Mã xác thực không đúng. / {exc.message}"


async def attempt(
    page: Page, action: Callable[..., T], *args: Any
) -> tuple[T | None, str, Response | None]:
    """(result, error to show beside the form, answer to a refusal): one of them is set."""
    try:
        result, refused = await audited(page, action, *args)
    except StepUpRequired:
        return None, NEEDS_CODE, None
    except ValidationFailed as exc:
        return None, "; ".join(exc.fields.values()), None
    except LoaError as exc:
        return None, exc.message, None
    return result, "", refused
