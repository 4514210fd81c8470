"""Passwords: argon2id hashes, a length floor and a list of common passwords.

argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, t=3, 64 MiB,
p=4). When they change in a later release, :func:`needs_rehash` says so at the next
sign-in, where the plain password is at hand to hash again.
"""

from __future__ import annotations

import contextlib
import gzip
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.auth import password_context

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 takes any length; this only stops abuse of the hasher

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when no account matches, so a wrong username costs the same time.

    Made at the first verification, not at import: one argon2 hash holds 64 MiB while it
    runs, and made at import it raised every web process's peak memory by that much
    (from ~80 to ~143 MiB before the app had served anything) in processes that may
    never check a password. The first sign-in of a process pays for it whichever way it
    goes (known account or not), so it tells nothing about the account.
    """
    return _hasher.hash("loa-dummy-password-for-timing")


def normalise(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; an empty or malformed hash never matches."""
    _dummy_hash()  # made on the first call of either kind (see there)
    if not password_hash:
        _dummy(password)
        return False
    try:
        return _hasher.verify(password_hash, normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy(password: str) -> None:
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash(), normalise(password))


def burn_time(password: str) -> None:
    """Spend what a real verification costs (unknown account)."""
    _dummy(password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("core.auth") / "data"
    with (data / "common-passwords.txt.gz").open("rb") as raw, gzip.open(raw, "rt") as fh:
        words = {line.strip() for line in fh if line.strip()}
    vi = (data / "common-passwords-vi.txt").read_text(encoding="utf-8")
    words.update(w.strip().lower() for w in vi.splitlines() if w.strip())
    return frozenset(words)


def _mostly_context(password: str, context: Iterable[str]) -> bool:
    """True when context words make up half the password or more, or the rest is common.

    Compared folded (case, diacritics, separators ignored); words shorter than three
    letters are not removed, so a short name does not eat the middle of a passphrase.
    """
    folded = password_context.letters(password)
    rest = folded
    for word in sorted({password_context.letters(w) for w in context}, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    if rest == folded:
        return False
    return len(rest) * 2 <= len(folded) or rest in common_passwords()


def problems(password: str, username: str = "", context: Iterable[str] = ()) -> str | None:
    """Why ``password`` is refused (Vietnamese / English), or None when it is acceptable.

    ``context``: the account's own words (core.auth.password_context.words_for).
    """
    value = normalise(password)
    if len(value) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự / at least {MIN_LENGTH} characters"
    if len(value) > MAX_LENGTH:
        return f"Mật khẩu dài quá {MAX_LENGTH} ký tự / at most {MAX_LENGTH} characters"
    lowered = value.lower()
    if lowered in common_passwords():
        return "Mật khẩu quá phổ biến / this password is too common"
    if username and lowered == normalise(username).lower():
        return "Mật khẩu không được trùng tên đăng nhập / must differ from the username"
    if _mostly_context(value, [username, *context]):
        return (
            "Mật khẩu chủ yếu là tên tài khoản, tên đơn vị hoặc từ như “ubnd”, “loa” / "
            "mostly the account's or its units' names or words like “ubnd”, “loa”"
        )
    return None
