"""An account's own notification address, where its e-mail notices go (an action).

The account itself changes it, with a fresh two-factor code (step-up: whoever holds a
signed-in browser must not redirect someone's notices). With ``LOA_SMTP_HOST`` set, the new
address only takes effect through a link mailed to it (a sealed, signed token naming the
account, the address and its expiry, opened by the same account signed in): so a typo never
sends notices to a stranger. Without SMTP no notice is mailed anyway, and the address is set
at once. Emptying it needs no confirmation. The account also chooses which notices it wants
by e-mail (:func:`choose_notices`). Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from core import audit
from core.auth.models import User
from core.auth.permissions import Actor, require_step_up
from core.context import Context
from core.errors import Forbidden, ValidationFailed
from core.notices.letters import ACCOUNT_NOTICES
from core.notices.mail import send_one
from core.secrets import SecretError

#: How long a confirmation link is good for.
CONFIRM_FOR = dt.timedelta(hours=24)
PURPOSE = "account.email"
#: One address: no spaces, one @, a dotted domain (what SMTP will take; RFC 5321 length).
_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


@dataclass(frozen=True)
class EmailChange:
    email: str
    #: True: a confirmation link was mailed and the address waits for it; False: set now.
    mailed: bool


def checked(raw: str) -> str:
    """The address as stored (NFC, trimmed, the domain in lower case), or ValidationFailed."""
    email = unicodedata.normalize("NFC", raw.strip())
    if not email:
        return ""
    if len(email) > 254 or not _ADDRESS.match(email):
        raise ValidationFailed({"email": "not an e-mail address (name@example.gov.vn)"})
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _user(ctx: Context, actor: Actor) -> User:
    if actor.user_id is None:
        raise Forbidden("only an account has a notification address")
    with ctx.sessions() as session:
        user = session.get(User, actor.user_id)
    if user is None:
        raise Forbidden("no such account")
    return user


def current(ctx: Context, actor: Actor) -> str:
    """The account's notification address ("" when none)."""
    return _user(ctx, actor).email


def _set(ctx: Context, actor: Actor, email: str, how: str, address: str) -> None:
    with ctx.transaction() as session:
        user = session.get(User, actor.user_id)
        assert user is not None
        before, user.email = user.email, email
        audit.record(
            session,
            actor=actor.name,
            action="account.email_changed",
            subject_type="user",
            subject_id=user.id,
            data={"from": before, "to": email, "how": how, "address": address},
        )


def request_change(ctx: Context, actor: Actor, raw: str, address: str = "") -> EmailChange:
    """Change the actor's own address (stepped up); mailed for confirmation when SMTP is set."""
    require_step_up(actor)
    user = _user(ctx, actor)
    email = checked(raw)
    if not email or not ctx.settings.smtp_host:
        _set(ctx, actor, email, "removed" if not email else "set without SMTP", address)
        return EmailChange(email, mailed=False)
    expires = (dt.datetime.now(dt.UTC) + CONFIRM_FOR).isoformat()
    token = ctx.sealer.seal(
        {"purpose": PURPOSE, "user": str(user.id), "email": email, "expires": expires}
    )
    link = f"{ctx.settings.base_url}/admin/account/email/{token}"
    body = (
        f"Tài khoản {user.username} trên Loa muốn nhận thông báo ở địa chỉ này.\n"
        f"Mở liên kết sau (khi đã đăng nhập, trong 24 giờ) để xác nhận:\n\n{link}\n\n"
        f"Account {user.username} on Loa wants its notices at this address. Open the link "
        "above (signed in, within 24 hours) to confirm. Not you? Ignore this letter."
    )
    if not send_one(ctx.settings, email, "Xác nhận địa chỉ thư / Confirm your address", body):
        raise ValidationFailed({"email": "the confirmation letter could not be sent; try later"})
    with ctx.transaction() as session:
        audit.record(
            session,
            actor=actor.name,
            action="account.email_requested",
            subject_type="user",
            subject_id=user.id,
            data={"to": email, "address": address},
        )
    return EmailChange(email, mailed=True)


def confirm(ctx: Context, actor: Actor, token: str, address: str = "") -> str:
    """Take the address of a mailed link, for the account it names, signed in; the address."""
    try:
        data = ctx.sealer.open(token)
    except SecretError:  # a forged, cut or foreign token says nothing more than "invalid"
        data = {}
    user = _user(ctx, actor)
    if data.get("purpose") != PURPOSE or data.get("user") != str(user.id):
        raise ValidationFailed({"token": "this link is not valid for this account"})
    if dt.datetime.fromisoformat(data["expires"]) < dt.datetime.now(dt.UTC):
        raise ValidationFailed({"token": "this link has expired: ask for a new one"})
    email = checked(data["email"])
    _set(ctx, actor, email, "confirmed by the mailed link", address)
    return email


def muted(ctx: Context, actor: Actor) -> set[str]:
    """The notices (event names) the account does not want by e-mail."""
    return {e for e in _user(ctx, actor).notices_muted.split(",") if e}


def choose_notices(ctx: Context, actor: Actor, wanted: list[str], address: str = "") -> set[str]:
    """Keep by e-mail only the ``wanted`` notices of :data:`ACCOUNT_NOTICES` (the bell shows all);
    the muted ones, as now stored. The account's own choice: audited, no step-up."""
    unknown = sorted(set(wanted) - set(ACCOUNT_NOTICES))
    if unknown:
        raise ValidationFailed({"notices": f"unknown notices: {', '.join(unknown)}"})
    user = _user(ctx, actor)
    off = sorted(set(ACCOUNT_NOTICES) - set(wanted))
    with ctx.transaction() as session:
        row = session.get(User, user.id)
        assert row is not None
        row.notices_muted = ",".join(off)
        audit.record(
            session,
            actor=actor.name,
            action="account.notices_chosen",
            subject_type="user",
            subject_id=user.id,
            data={"muted": off, "address": address},
        )
    return set(off)
