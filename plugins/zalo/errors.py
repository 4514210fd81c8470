"""Zalo's error codes (HTTP 200, negative ``error``) mapped to Loa's typed errors.

Sources: CONTRACT.md §6 (zalo-sdk ``ZaloOAException`` and the OA API error table). Only the
code and a fixed description leave this module: Zalo's own ``message`` is not copied into a
delivery's error text, except to tell the two meanings of ``-223`` apart.
"""

from __future__ import annotations

from core import AuthError, ChannelError, PermanentError, RateLimited, TransientError

#: Rate limit per minute: wait a minute (Zalo gives no delay).
RATE_RETRY_SECONDS = 60.0
#: Out of quota for the day: retry tomorrow.
QUOTA_RETRY_SECONDS = 6 * 3600.0

#: code → (Loa's error class, what an admin reads).
CODES: dict[int, tuple[type[ChannelError], str]] = {
    -32: (RateLimited, "vượt giới hạn gọi API mỗi phút (API call limit per minute)"),
    -100: (PermanentError, "tệp đính kèm đã hết hạn (attachment older than 7 days)"),
    -201: (PermanentError, "tham số không hợp lệ (a parameter is invalid)"),
    -202: (AuthError, "MAC không hợp lệ (invalid MAC: check the secret)"),
    -204: (AuthError, "OA đã bị vô hiệu hoá (the OA is disabled)"),
    -205: (AuthError, "OA không tồn tại (the OA does not exist)"),
    -209: (AuthError, "ứng dụng chưa được kích hoạt (the app is not activated)"),
    -210: (PermanentError, "tham số vượt giới hạn (a parameter exceeds its limit)"),
    -211: (RateLimited, "hết hạn mức (out of quota)"),
    -212: (AuthError, "API chưa được đăng ký cho ứng dụng (API not registered for this app)"),
    -213: (PermanentError, "người dùng chưa quan tâm OA (the user does not follow the OA)"),
    -214: (TransientError, "bài viết đang được xử lý (article being processed)"),
    -216: (AuthError, "access token không hợp lệ (access token invalid)"),
    -217: (PermanentError, "người dùng đã chặn OA (the user blocked the OA)"),
    -218: (PermanentError, "người nhận đã hết hạn mức nhận (recipient's quota exhausted)"),
    -220: (AuthError, "access token đã hết hạn hoặc bị thu hồi (access token expired or revoked)"),
    -221: (AuthError, "OA phải được xác thực (the OA must be verified for this feature)"),
    -223: (AuthError, "OA chưa cấp quyền cho API này (the OA has not authorised this API)"),
    -224: (AuthError, "gói OA cần nâng cấp (the OA's package must be upgraded)"),
    -227: (PermanentError, "người dùng bị khoá hoặc không hoạt động (user banned or inactive)"),
    -230: (PermanentError, "người dùng không tương tác trong 7 ngày (no interaction in 7 days)"),
    -233: (PermanentError, "loại tin nhắn không hợp lệ (message type invalid)"),
    -234: (RateLimited, "không gửi loại tin này vào ban đêm (not sent at night, 22:00–06:00)"),
    -240: (AuthError, "API tin nhắn v2 đã ngừng (message API v2 shut down: use v3)"),
    -242: (AuthError, "appsecret_proof không hợp lệ (invalid appsecret_proof)"),
    -248: (PermanentError, "vi phạm tiêu chuẩn nền tảng (violates Zalo's standards)"),
    -305: (PermanentError, "quá 48 giờ, không thể trả lời (cannot reply after 48 h)"),
    -311: (RateLimited, "hết hạn mức trả lời (out of quota for replies)"),
    -320: (AuthError, "cần tài khoản Zalo Cloud (a Zalo Cloud Account is needed)"),
    -321: (AuthError, "tài khoản Zalo Cloud hết tiền (the Zalo Cloud Account is out of money)"),
    -14002: (AuthError, "app_id không hợp lệ (invalid app id, or the app is not active)"),
    -14003: (AuthError, "redirect_uri không hợp lệ (invalid redirect URI)"),
}
#: ``-223`` also means the monthly article quota is reached; the message tells which.
ARTICLE_QUOTA = "hạn mức tạo bài viết đã hết (article creation quota reached)"


def error_for(
    code: int, message: str, where: str, retry_after: float | None = None
) -> ChannelError:
    """The typed error for Zalo's ``code`` answered at ``where`` (an endpoint's path)."""
    if code == -223 and "quota" in message.lower():
        return RateLimited(f"Zalo {where}: {code} {ARTICLE_QUOTA}", QUOTA_RETRY_SECONDS)
    kind, text = CODES.get(code, (PermanentError, "lỗi không rõ (undocumented error)"))
    if code <= -14000 and code not in CODES:
        kind = AuthError  # the OAuth family: a person must consent again
    detail = f"Zalo {where}: {code} {text}"
    if kind is RateLimited:
        if retry_after is None:
            retry_after = QUOTA_RETRY_SECONDS if code in (-211, -311) else RATE_RETRY_SECONDS
        return RateLimited(detail, retry_after)
    return kind(detail)
