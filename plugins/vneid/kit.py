"""The publishing kit of assisted mode: what the police operator posts and files.

Everything the operator needs to enter the post in the Ministry's system without opening
Loa's editor (S0.6 step 3): the post as VNeID shows it, the audience in plain words (S0.2),
the approval record, a QR code of the canonical item, and the official request letter of
step 1 as a PDF to print and a .docx to sign digitally. Core adds ``payload.json``,
``text.txt`` and the cover image's rendition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core import AssistedTask, KitFile, Remote
from plugins.vneid import qr
from plugins.vneid.letter import Letter

#: How long the police of the item's area have before the task goes to the unit above.
DUE = dt.timedelta(hours=8)
ROLE = "police"
TEXT = "text/plain; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _post(payload: Mapping[str, Any]) -> str:
    return "\n\n".join(
        [f"TIÊU ĐỀ: {payload['title']}", f"TÓM TẮT: {payload['summary']}", payload["body"]]
    )


def _audience(payload: Mapping[str, Any]) -> str:
    w = payload["audience_words"]
    lines = [
        f"Độ tuổi: {w['ages']}",
        f"Giới tính: {w['genders']}",
        f"Phạm vi: {w['scope']}",
        f"Thời gian hiển thị: {w['window']}",
        f"Tương tác: {w['interactions']}",
    ]
    return "\n".join(lines) + "\n"


def _approvals(payload: Mapping[str, Any]) -> str:
    rows = [
        f"- {a['step']}: {a['by']} ({a['at'] or 'không rõ thời điểm'})"
        + (f" — {a['comment']}" if a["comment"] else "")
        for a in payload["approval"]
    ]
    justification = payload["justification"]
    if justification:
        rows.append(f"Lý do, tính cần thiết (S0.4): {justification}")
    return "Hồ sơ phê duyệt (approval record)\n" + ("\n".join(rows) or "- (không có bước duyệt)")


def publish_task(payload: Mapping[str, Any], *, update_of: Remote | None = None) -> AssistedTask:
    # Imported here: fpdf2 and python-docx cost ~0.4 s to import, and only an assisted
    # publish needs them (not the web app, not a partner-mode worker).
    from plugins.vneid import letter_docx, letter_pdf

    letter = Letter(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in payload["letter"].items()}
    )
    verb = "Cập nhật bài" if update_of else "Đăng bài"
    where = f" {update_of.remote_id}" if update_of else ""
    instructions = (
        f"{verb}{where} trên VNeID «Tin tức»: thẩm định nội dung và phạm vi (S0.6 bước 2), nhập"
        " tiêu đề, tóm tắt, nội dung, ảnh đại diện và đối tượng như trong bộ tài liệu vào hệ"
        " thống quản trị nội dung của Bộ Công an, rồi ghi lại mã hoặc đường dẫn bài đăng"
        " (hoặc lý do nếu bị từ chối)."
        f" ({'Update' if update_of else 'Post'} on VNeID: enter the kit in the Ministry's CMS,"
        " then record the post's id or link, or why it was refused.)"
    )
    return AssistedTask(
        title=f"{verb} lên VNeID: {payload['title'][:120]}",
        instructions=instructions,
        role=ROLE,
        due_in=DUE,
        files=(
            KitFile("bai-viet.txt", TEXT, _post(payload)),
            KitFile("doi-tuong.txt", TEXT, _audience(payload)),
            KitFile("phe-duyet.txt", TEXT, _approvals(payload)),
            KitFile("ma-qr.svg", "image/svg+xml", qr.svg(payload["canonical_url"])),
            KitFile("van-ban-de-nghi.txt", TEXT, letter.text()),
            KitFile("van-ban-de-nghi.pdf", "application/pdf", "", data=letter_pdf.render(letter)),
            KitFile("van-ban-de-nghi.docx", DOCX, "", data=letter_docx.render(letter)),
        ),
    )


def take_down_task(remote: Remote) -> AssistedTask:
    link = f" ({remote.url})" if remote.url else ""
    return AssistedTask(
        title=f"Gỡ bài {remote.remote_id} khỏi VNeID (take down)",
        instructions=(
            f"Gỡ bài {remote.remote_id}{link} khỏi mục «Tin tức» của VNeID: hết thời gian hiển"
            " thị hoặc đơn vị đề nghị gỡ. Ghi nhận khi đã gỡ xong. (Take the post down: its"
            " window closed or it was retracted; record when done.)"
        ),
        role=ROLE,
        due_in=DUE,
        files=(
            KitFile("go-bai.txt", TEXT, f"Mã bài: {remote.remote_id}\nĐường dẫn: {remote.url}\n"),
        ),
    )
