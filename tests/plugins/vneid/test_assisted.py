"""Assisted mode (the default): an item approved for VNeID becomes a task for the police of
its area with the publishing kit and the official request letter; recording the post's
link completes the delivery; the window closing yields the take-down task."""

from __future__ import annotations

import base64
import datetime as dt
import io
import subprocess
from typing import Any

from PIL import Image
from pypdf import PdfReader

from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery.assisted import actions as assisted
from core.delivery.models import DeliveryState
from core.delivery.sweeper import sweep
from core.reports import quota_report
from tests.plugins.vneid.conftest import delivery, run_open, vneid_target
from tests.support.pipeline import COMMUNE


def police(tree: Any, unit: str = COMMUNE) -> Actor:
    return Actor(name=f"cong-an-{unit}", grants=(Grant(Role.POLICE, tree[unit].path),))


def _files(view: Any) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in view.task.kit["files"]}


def test_approved_item_becomes_a_police_task_with_kit_and_letter(
    ctx, tree, publish_item, tmp_path
) -> None:
    vneid_target(ctx, settings={"letter": {"symbol": "UBND-VHXH", "signer_name": "Lê Văn Đủ"}})
    article = publish_item()
    assert run_open(ctx) == [dispatcher.Outcome.ASSISTED]
    [view] = assisted.tasks_for(ctx, police(tree))
    assert (view.task.action, view.task.role, view.unit_code) == ("publish", "police", COMMUNE)
    files = _files(view)
    assert {
        "bai-viet.txt",
        "doi-tuong.txt",
        "phe-duyet.txt",
        "ma-qr.svg",
        "van-ban-de-nghi.txt",
        "van-ban-de-nghi.pdf",
        "van-ban-de-nghi.docx",
        "payload.json",
        "text.txt",
    } <= set(files)
    post = files["bai-viet.txt"]["text"]
    assert article.title in post and "- Sáng thứ Bảy" in post and "<" not in post
    audience = files["doi-tuong.txt"]["text"]
    assert "Độ tuổi: từ 18 đến 60 tuổi" in audience and "Giới tính: Nữ" in audience
    assert "Xã Cẩm Thủy (mã 14932)" in audience and "cho phép người dân bình luận" in audience
    assert "police_appraisal" not in files["phe-duyet.txt"]["text"]  # labels, not keys
    assert "Công an thẩm định" in files["phe-duyet.txt"]["text"]
    assert files["ma-qr.svg"]["text"].lstrip().startswith("<svg")
    [cover] = view.task.kit["media"]  # the representative image, served by Loa
    assert cover["role"] == "cover" and cover["url"].startswith("http://loa.test/")

    # The letter: Decree 30/2020's parts, S0.4's four points, in order.
    letter = files["van-ban-de-nghi.txt"]["text"]
    order = [
        "ỦY BAN NHÂN DÂN XÃ CẨM THỦY",
        "Số:      /UBND-VHXH",
        "V/v đề nghị đăng tin",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cẩm Thủy, ngày",
        "Kính gửi: Công an Xã Cẩm Thủy.",
        "1. Đối tượng tuyên truyền",
        "2. Phạm vi tuyên truyền",
        "3. Thời gian đăng tin",
        "4. Các nội dung cần lưu ý khác",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Đủ",
    ]
    positions = [letter.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), list(
        zip(order, positions, strict=True)
    )
    assert article.title in letter and "Công an thẩm định" in letter

    # The PDF: its text is the letter's, diacritics intact; its first page rendered once.
    pdf = base64.b64decode(files["van-ban-de-nghi.pdf"]["data_base64"])
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kính gửi", "Đối tượng tuyên truyền"):
        assert words in text, words
    (tmp_path / "letter.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "letter.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "page.png")
    assert page.size[0] < page.size[1]  # A4 portrait
    assert page.convert("L").getextrema()[0] < 80  # ink on the page, not a blank sheet

    # The editable document carries the same words.
    from docx import Document

    doc = Document(io.BytesIO(base64.b64decode(files["van-ban-de-nghi.docx"]["data_base64"])))
    words = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "Kính gửi: Công an Xã Cẩm Thủy." in words and "Độc lập - Tự do - Hạnh phúc" in words


def _agency(ctx: Any, tree: Any) -> int:
    from core.content.models import Agency

    with ctx.transaction() as session:
        row = Agency(name="UBND xã Cẩm Thủy", unit_id=tree[COMMUNE].id)
        session.add(row)
        session.flush()
        return row.id


def test_recording_the_link_completes_and_expiry_yields_the_take_down(
    ctx, tree, publish_item
) -> None:
    vneid_target(ctx)
    agency = _agency(ctx, tree)
    article = publish_item(until=dt.timedelta(hours=2), agency_id=agency)
    run_open(ctx)
    [view] = assisted.tasks_for(ctx, police(tree))
    (quarter,) = quota_report(ctx, SYSTEM, COMMUNE, quarters=1)
    assert quarter.agencies[0].delivered_to("vneid") == 0  # a task is not a post yet
    assisted.complete(ctx, police(tree), view.task.id, "VN-8812", "https://vneid.gov.vn/tin/8812")
    d = delivery(ctx, "publish")
    assert (d.state, d.remote_id) == (DeliveryState.DELIVERED, "VN-8812")
    (quarter,) = quota_report(ctx, SYSTEM, COMMUNE, quarters=1)  # S0.7: counted this quarter
    assert [(a.agency_id, a.delivered_to("vneid")) for a in quarter.agencies] == [(agency, 1)]

    later = utcnow() + dt.timedelta(hours=3)  # the window closed
    sweep(ctx, now=later)
    assert run_open(ctx) == [dispatcher.Outcome.ASSISTED]
    [take_down] = assisted.tasks_for(ctx, police(tree))
    assert take_down.task.action == "retract" and "VN-8812" in take_down.task.title
    assert "https://vneid.gov.vn/tin/8812" in _files(take_down)["go-bai.txt"]["text"]
    assisted.complete(ctx, police(tree), take_down.task.id, "")
    assert delivery(ctx, "retract").state == DeliveryState.DELIVERED
    assert article.id


def test_a_scope_of_several_units_is_printed_by_name_and_code(ctx, tree, publish_item) -> None:
    """The kit and the letter name every unit of the scope, not only the item's own."""
    vneid_target(ctx)
    scope = {
        "age_min": 18,
        "scope_level": "commune",
        "scope_units": [COMMUNE, "14950", "15112"],
        "interactions_allowed": False,
    }
    publish_item(audience=scope)
    run_open(ctx)
    [view] = assisted.tasks_for(ctx, police(tree))
    files = _files(view)
    named = "Xã Cẩm Thủy (mã 14932), Xã Cẩm Thạch (mã 14950), Phường Hạc Thành (mã 15112)"
    assert f"Phạm vi: cấp xã: {named}" in files["doi-tuong.txt"]["text"]
    assert f"2. Phạm vi tuyên truyền: cấp xã: {named}." in files["van-ban-de-nghi.txt"]["text"]
    assert "đơn vị mã" not in files["van-ban-de-nghi.txt"]["text"]
