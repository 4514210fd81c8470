"""Validation messages in Vietnamese, beside the English the actions raise.

Core's actions answer ``ValidationFailed`` with English messages per field (the API's
language); the desk shows each in Vietnamese first, next to its field, with the English
kept for the switch. A message not listed here is shown as the action wrote it.
"""

from __future__ import annotations

import re

from core.errors import LoaError, ValidationFailed

#: (pattern of the English message, Vietnamese text): the first that matches wins.
_VI: tuple[tuple[str, str], ...] = (
    (
        r"changed elsewhere",
        "Bài đã được sửa ở tab hoặc máy khác; hãy tải lại trang trước khi lưu.",
    ),
    (
        r"autosave applies to drafts only",
        "Bài không còn là bản nháp: thay đổi chỉ được lưu khi bạn bấm Lưu "
        "(bản sửa mới cần duyệt lại).",
    ),
    (r"already has this name", "Đơn vị đã có mẫu trùng tên này."),
    (r"^a unit keeps at most (\d+) templates$", r"Mỗi đơn vị giữ tối đa \1 mẫu."),
    (r"^is required$", "Trường này bắt buộc."),
    (r"^at most (\d+) characters$", r"Tối đa \1 ký tự."),
    (r"^an image needs a caption$", "Ảnh cần có chú thích."),
    (r"^must be between 0 and 120$", "Tuổi phải từ 0 đến 120."),
    (r"^must not be below age_min$", "Tuổi tối đa không được nhỏ hơn tuổi tối thiểu."),
    (r"^must be after visible_from$", "Thời điểm kết thúc phải sau thời điểm bắt đầu."),
    (r"^is already in the past$", "Thời điểm này đã qua."),
    (r"^must be an ISO 8601 date-time$", "Ngày giờ không hợp lệ."),
    (r"^no category", "Chuyên mục không tồn tại."),
    (r"^no administrative unit", "Không có đơn vị hành chính này."),
    (r"^unknown targets", "Kênh đăng không thuộc đơn vị này."),
    (r"^required: describe the image", "Bắt buộc: mô tả ảnh cho người không nhìn thấy."),
    (r"^required for an article's images$", "Ảnh của bài viết cần có chú thích."),
    (
        r"national|justification|topic",
        "Cần nêu lý do (phạm vi toàn quốc hoặc chủ đề ngoài danh mục kênh).",
    ),
    (r"fresh two-factor code", "Bài phạm vi toàn quốc: hãy nhập mã xác thực mới từ ứng dụng."),
    (r"last channel", "Đây là kênh cuối cùng của bài: hãy gỡ cả bài."),
    (r"not one of this article's targets", "Kênh này không thuộc bài."),
    (r"cannot be retracted", "Bài chưa đăng nên không gỡ được."),
    (r"required: the id the channel gave", "Bắt buộc: mã bài mà kênh cấp."),
    (r"this task is|no longer waiting", "Việc này đã được xử lý."),
    (r"say what must change", "Hãy ghi rõ cần sửa gì hoặc vì sao từ chối."),
    (r"^must be one of", "Giá trị không hợp lệ."),
    (r"^this delivery was delivered", "Lượt này đã lên kênh: không có gì để gửi lại."),
    (r"^this delivery is already due", "Lượt này đang chờ gửi: Loa sẽ gửi ngay."),
    (r"^this delivery is being sent", "Lượt này đang được gửi."),
    (r"^this delivery was cancelled", "Lượt này đã bị hủy."),
    (r"waits for an operator", "Lượt này chờ cán bộ đăng thủ công."),
    (r"reconciling this delivery", "Loa đang đối chiếu lượt này với kênh."),
    (r"supersedes this one", "Đã có lượt mới hơn cho kênh này."),
    (r"changed meanwhile", "Lượt này vừa thay đổi: hãy xem lại."),
    (r"^not an e-mail address", "Địa chỉ thư không hợp lệ."),
    (r"confirmation letter could not be sent", "Chưa gửi được thư xác nhận: hãy thử lại sau."),
    (r"not valid for this account", "Liên kết không hợp lệ với tài khoản này."),
    (r"link has expired", "Liên kết đã hết hạn: hãy yêu cầu lại."),
)


def vietnamese(message: str) -> str:
    """The Vietnamese for one of core's English validation messages (itself when unknown)."""
    for pattern, vi in _VI:
        if re.search(pattern, message):
            return re.sub(pattern, vi, message) if "\\1" in vi else vi
    return message


def field_errors(fields: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each field's message as (Vietnamese, English)."""
    return {k: (vietnamese(v), v) for k, v in fields.items()}


def explain(exc: LoaError) -> str:
    """A refusal as one line: Vietnamese, then core's English."""
    detail = exc.message
    if isinstance(exc, ValidationFailed):
        detail = "; ".join(exc.fields.values())
    return f"{vietnamese(detail)} / {detail}"
