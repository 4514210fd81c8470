"""What the desk calls states and roles, in Vietnamese (the values stay in English beside them
for the switch and for anyone comparing with the API)."""

from __future__ import annotations

#: The states an item goes through.
STATES = {
    "draft": "Bản nháp",
    "submitted": "Đã gửi duyệt",
    "in_review": "Đang duyệt",
    "changes_requested": "Cần sửa",
    "approved": "Đã duyệt",
    "scheduled": "Đã hẹn giờ",
    "published": "Đã đăng",
    "expired": "Hết hạn",
    "retracted": "Đã gỡ",
    "rejected": "Bị từ chối",
}
#: Where an approval step stands.
STEP_STATES = {
    "pending": "Đang chờ",
    "approved": "Đã duyệt",
    "changes_requested": "Yêu cầu sửa",
    "rejected": "Từ chối",
    "void": "Không còn cần",
}
#: Who decides a step.
ROLES = {
    "contributor": "Cộng tác viên",
    "editor": "Biên tập viên",
    "approver": "Lãnh đạo duyệt",
    "channel_admin": "Quản lý kênh",
    "admin": "Quản trị",
    "police": "Công an",
    "editorial_board": "Ban biên tập",
    "agency_leader": "Lãnh đạo cơ quan",
}
#: Each delivery state as a person reads it.
DELIVERY_STATES = {
    "pending": "Đang chờ gửi",
    "in_flight": "Đang gửi",
    "retrying": "Lỗi tạm thời, sẽ thử lại",
    "unknown": "Chưa rõ kết quả, đang đối chiếu",
    "delivered": "Đã lên kênh",
    "failed": "Kênh từ chối",
    "needs_attention": "Cần người xử lý",
    "cancelled": "Đã hủy",
    "assisted": "Chờ cán bộ đăng thủ công",
    "waiting": "Chờ hạn mức của kênh",
}
#: The bell's kinds of notice (core.notices.inbox.Kind), Vietnamese then English.
NOTICE_KINDS = {
    "step": ("Chờ tôi duyệt", "a step to decide"),
    "delivery_failed": ("Đăng lỗi", "a delivery failed"),
    "expiring": ("Sắp hết hạn", "about to expire"),
    "comment_held": ("Bình luận chờ duyệt", "a comment held"),
    "feedback_late": ("Góp ý sắp/quá hạn", "feedback due"),
    "comment_overdue": ("Bình luận chờ duyệt quá lâu", "a comment held too long"),
}

#: The notices an account may get by e-mail (``core.notices.letters.ACCOUNT_NOTICES``), for the
#: account screen.
EMAIL_NOTICES = {
    "article.submitted": ("Bài chờ tôi duyệt", "an item waits for my decision"),
    "article.decided": ("Bước duyệt tiếp theo", "the next approval step"),
    "article.expiring": ("Bài sắp hết hạn hiển thị", "an item is about to expire"),
    "delivery.failed": ("Đăng lên kênh không thành công", "a delivery failed"),
    "comment.held": ("Bình luận chờ kiểm duyệt", "a comment waits for moderation"),
    "comment.overdue": ("Bình luận chờ kiểm duyệt quá lâu", "a comment held too long"),
    "feedback.due_soon": ("Góp ý sắp đến hạn tiếp nhận", "feedback due soon"),
    "feedback.overdue": ("Góp ý quá hạn tiếp nhận", "feedback overdue"),
}

LABELS = {
    "states": STATES,
    "notice_kinds": NOTICE_KINDS,
    "email_notices": EMAIL_NOTICES,
    "step_states": STEP_STATES,
    "roles": ROLES,
    "delivery_states": DELIVERY_STATES,
}
