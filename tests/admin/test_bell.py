"""The bell on the home page: what waits for me — a step I may decide, a delivery that
failed, an item about to expire, a citizen's comment held — and nothing of others' units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.actions import content, targets, workflow
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.context import Context
from core.delivery.models import Delivery, DeliveryState
from core.interactions.models import Comment, CommentState
from tests.core.auth.conftest import Clock, MakeAccount, sign_in


@dataclass
class Waiting:
    """One of each thing that waits for a person of commune 14932."""

    to_decide: Article
    failed: Article
    expiring: Article
    comment: str


def _item(ctx: Context, title: str, **audience: Any) -> Article:
    data: dict[str, Any] = {"title": title, "unit_code": "14932", "body_html": "<p>Nội dung</p>"}
    if audience:
        data["audience"] = audience
    return content.create(ctx, SYSTEM, data)


@pytest.fixture
def waiting(ctx: Context, portal_target: Any) -> Waiting:
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    to_decide = _item(ctx, "Lịch tiếp công dân tháng 12")
    workflow.submit(ctx, SYSTEM, to_decide.id)
    failed = _item(ctx, "Thông báo nghỉ lễ")
    ends = dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)
    expiring = _item(ctx, "Tuyển dụng công chức xã", visible_until=ends)
    comment = "Xin hỏi lịch tiêm chủng buổi chiều"
    with ctx.transaction() as session:
        session.add(
            Delivery(
                article_id=failed.id,
                target_id=portal_target.id,
                action="publish",
                state=DeliveryState.FAILED,
                error_kind="auth",
                error_message="Mật khẩu ứng dụng đã hết hạn",
            )
        )
        row = session.get(Article, expiring.id)
        assert row is not None
        row.status, row.published_at = "published", dt.datetime.now(dt.UTC)
        session.add(
            Comment(
                target_id=portal_target.id,
                remote_id="c-1",
                author_pseudonym="a" * 64,
                author_name="Lê Văn Bình",
                text=comment,
                decision="review",
                state=CommentState.HELD,
            )
        )
    return Waiting(to_decide, failed, expiring, comment)


def _bell(page: str) -> str:
    return page.split('id="bell"', 1)[1].split("</section>", 1)[0]


def test_the_bell_lists_what_waits_for_the_approver(
    web: TestClient, make_account: MakeAccount, clock: Clock, waiting: Waiting
) -> None:
    sign_in(web, make_account("lanh-dao", role="approver"), clock)
    bell = _bell(web.get("/admin/").text)
    assert '<strong id="bell-count">4</strong>' in bell
    assert f'href="/admin/items/{waiting.to_decide.uid}/review">Lịch tiếp công dân' in bell
    assert "Đăng lỗi" in bell and "Mật khẩu ứng dụng đã hết hạn" in bell
    assert f'href="/admin/items/{waiting.failed.uid}"' in bell
    assert "Sắp hết hạn" in bell and "Tuyển dụng công chức xã" in bell
    assert "Bình luận chờ duyệt" in bell and waiting.comment in bell


def test_an_editor_is_not_asked_to_decide_or_moderate(
    web: TestClient, make_account: MakeAccount, clock: Clock, waiting: Waiting
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    bell = _bell(web.get("/admin/").text)
    assert '<strong id="bell-count">2</strong>' in bell  # the failed delivery, the expiring item
    assert "Lịch tiếp công dân" not in bell
    assert waiting.comment not in bell


def test_nothing_waits_for_someone_of_another_province(
    web: TestClient, make_account: MakeAccount, clock: Clock, waiting: Waiting
) -> None:
    sign_in(web, make_account("ha-noi", role="approver", unit="01"), clock)
    bell = _bell(web.get("/admin/").text)
    assert '<strong id="bell-count">0</strong>' in bell
    assert "Không có việc nào chờ" in bell
