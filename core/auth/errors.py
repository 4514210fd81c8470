"""Sign-in errors. Their messages are bilingual and never say whether an account exists."""

from __future__ import annotations

from core.errors import LoaError, Unauthenticated

WRONG = "Thông tin đăng nhập không đúng. / The sign-in details are not correct."


class SignInFailed(Unauthenticated):
    def __init__(self, message: str = WRONG) -> None:
        super().__init__(message)


class LockedOut(LoaError):
    """Too many failures for this account name or client address; try again later."""

    code = "LOCKED_OUT"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"Quá nhiều lần thử không thành công; vui lòng thử lại sau {minutes} phút. / "
            f"Too many failed attempts; try again in {minutes} min."
        )
        self.retry_after = retry_after
