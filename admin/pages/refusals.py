"""Calling an action from a page: a refusal is audited and answered, never a stack trace.

Permission checks stay in the actions; a page only turns their refusals into answers
(403, audited like the GraphQL API's, or 404) in Vietnamese first. :func:`call` is the
usual way: the action's result, or the refusal raised as :class:`admin.page.Answered`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from admin.page import Answered, Page
from core.auth import actions
from core.auth.permissions import StepUpRequired, watch_refusals
from core.errors import Forbidden, NotFound

T = TypeVar("T")


async def audited(
    page: Page, action: Callable[..., T], *args: Any
) -> tuple[T, None] | tuple[None, Response]:
    """``action(*args)`` in the thread pool: its result, or the answer to a refusal."""
    with watch_refusals() as refused:
        try:
            return await run_in_threadpool(action, *args), None
        except StepUpRequired:
            raise  # the page asks for the code again, next to its field (still audited)
        except Forbidden as exc:
            answer = page.render(
                "refused.html",
                403,
                title="Không có quyền",
                title_en="Not allowed",
                error=f"Bạn không có quyền làm việc này. / {exc.message}",
            )
            return None, answer
        except NotFound as exc:
            answer = page.render(
                "refused.html",
                404,
                title="Không tìm thấy",
                title_en="Not found",
                error=f"Không tìm thấy mục này. / {exc.message}",
            )
            return None, answer
        finally:
            if refused:
                await run_in_threadpool(
                    actions.record_forbidden, page.ctx, refused, address=page.address, via="admin"
                )


async def call(page: Page, action: Callable[..., T], *args: Any) -> T:
    """``action(*args)``'s result; a refusal is audited and raised as :class:`Answered`."""
    value, refused = await audited(page, action, *args)
    if refused is not None:
        raise Answered(refused)
    return value  # type: ignore[return-value]  # None only with a refusal
