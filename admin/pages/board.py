"""The delivery board of one item: every target's state, remote links, errors in plain
Vietnamese, retract, retry now. Live while deliveries are under way by server-sent events
(:mod:`admin.pages.board_live`); without script the page shows the state, reloaded by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin.labels import LABELS
from admin.messages import explain
from admin.page import Page, signed_in, signed_in_post, text
from admin.pages.refusals import call
from core.actions import content, desk
from core.actions import deliveries as retrying
from core.auth.permissions import Actor
from core.delivery.assisted import actions as assisted
from core.errors import LoaError

ACTIONS = {"publish": "Đăng", "update": "Cập nhật", "retract": "Gỡ"}
#: What an error kind means and what to do about it, in Vietnamese.
ERROR_KINDS = {
    "auth": "Kênh không nhận khóa truy cập: người quản lý kênh cần kết nối lại kênh.",
    "rate_limited": "Kênh yêu cầu gửi chậm lại: Loa sẽ tự gửi lại, không cần làm gì.",
    "transient": "Lỗi tạm thời của kênh: Loa sẽ tự gửi lại, không cần làm gì.",
    "permanent": "Kênh từ chối nội dung: hãy sửa bài (độ dài, ảnh) rồi gửi duyệt lại.",
    "refused": "Loa không gửi nội dung này (kiểm duyệt hoặc kiểm tra): hãy sửa bài.",
    "destination": "Địa chỉ của kênh không hợp lệ: người quản lý kênh cần sửa cấu hình.",
    "unknown": "Chưa rõ kênh đã nhận chưa: Loa đối chiếu với kênh trước khi gửi lại.",
    "assisted": "Kênh đăng thủ công: cán bộ được giao sẽ đăng và ghi lại đường dẫn.",
    "allowance": "Đã hết hạn mức của kênh: Loa sẽ gửi khi hạn mức được cấp lại.",
    "error": "Lỗi không xác định của kênh: hãy báo người quản lý kênh.",
}
#: States after which a delivery changes no more by itself (``core.delivery.models.FINAL_STATES``).
FINISHED = {"delivered", "failed", "needs_attention", "cancelled"}


def live_targets(rows: list[desk.DeliveryRow]) -> list[desk.DeliveryRow]:
    """The targets whose latest delivery put the item there (one row each): where one
    channel can be left."""
    last: dict[int, desk.DeliveryRow] = {}
    for row in rows:
        last[row.target_id] = row
    return [
        r for r in last.values() if r.action in ("publish", "update") and r.state == "delivered"
    ]


def _labels() -> dict[str, Any]:
    return {
        "actions": ACTIONS,
        "error_kinds": ERROR_KINDS,
        **LABELS,
    }


def _my_tasks(page: Page, actor: Actor, uid: str) -> dict[int, int]:
    """The open assisted tasks of this item assigned to a role the actor holds, by delivery."""
    return {
        v.task.delivery_id: v.task.id
        for v in assisted.tasks_for(page.ctx, actor)
        if v.article_uid == uid
    }


async def board(request: Request) -> Response:
    page, actor = await signed_in(request)
    uid = request.path_params["uid"]
    view = await call(page, desk.item_view, page.ctx, actor, uid)
    rows = await call(page, desk.deliveries, page.ctx, actor, uid)
    values = await _table(page, actor, uid, rows)
    return page.render(
        "desk/board.html",
        title="Theo dõi đăng bài",
        title_en="Delivery board",
        view=view,
        **values,
        **_labels(),
    )


def under_way(rows: list[desk.DeliveryRow]) -> bool:
    return any(r.state not in FINISHED for r in rows)


async def _table(
    page: Page, actor: Actor, uid: str, rows: list[desk.DeliveryRow]
) -> dict[str, Any]:
    tasks = await run_in_threadpool(_my_tasks, page, actor, uid)
    live = under_way(rows)
    return {"tasks": tasks, "uid": uid, "rows": rows, "live": live, "placed": live_targets(rows)}


async def fragment(page: Page, actor: Actor, uid: str, rows: list[desk.DeliveryRow]) -> str:
    """The board's table (``desk/deliveries.html``) as it stands in ``rows``."""
    return page.html("desk/deliveries.html", **await _table(page, actor, uid, rows), **_labels())


async def deliveries(request: Request) -> Response:
    """The board's table alone (what the live board swaps in; a reload without script)."""
    page, actor = await signed_in(request)
    uid = request.path_params["uid"]
    rows = await call(page, desk.deliveries, page.ctx, actor, uid)
    values = await _table(page, actor, uid, rows)
    return page.render("desk/deliveries.html", **values, **_labels())


async def _act(
    request: Request, titles: tuple[str, str], run: Callable[[Page, Actor, FormData], Any]
) -> Response:
    """A POST of the board: ``run`` calls the action; back to the board, or why not."""
    page, actor, form = await signed_in_post(request)
    try:
        await run(page, actor, form)
    except LoaError as exc:
        return page.render(
            "refused.html", 400, title=titles[0], title_en=titles[1], error=explain(exc)
        )
    return page.redirect(f"/admin/items/{request.path_params['uid']}")


async def _take_down(request: Request, action: Any, *extra: Any) -> Response:
    """Retract the item (``content.retract``) or one channel (``content.retract_from``)."""

    async def run(page: Page, actor: Actor, form: FormData) -> None:
        view = await call(page, desk.item_view, page.ctx, actor, request.path_params["uid"])
        await call(page, action, page.ctx, actor, view.id, *extra, text(form, "reason"))

    return await _act(request, ("Không gỡ được", "Not retracted"), run)


async def retract(request: Request) -> Response:
    """Take the item down from every channel."""
    return await _take_down(request, content.retract)


async def retract_from(request: Request) -> Response:
    """Take the item down from one channel; the others keep it."""
    return await _take_down(request, content.retract_from, request.path_params["target_id"])


async def complete_task(request: Request) -> Response:
    """An operator records what they published by hand: the delivery completes with its link."""

    async def run(page: Page, actor: Actor, form: FormData) -> None:
        task_id, remote = request.path_params["task_id"], text(form, "remote_id")
        await call(
            page, assisted.complete, page.ctx, actor, task_id, remote, text(form, "remote_url")
        )

    return await _act(request, ("Chưa ghi nhận được", "Not recorded"), run)


async def retry_now(request: Request) -> Response:
    """Make a failed or waiting delivery due now (``core.actions.deliveries.retry_now``)."""

    async def run(page: Page, actor: Actor, form: FormData) -> None:
        await call(page, retrying.retry_now, page.ctx, actor, request.path_params["delivery_id"])

    return await _act(request, ("Chưa gửi lại được", "Not retried"), run)
