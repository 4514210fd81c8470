"""E-mail for what waits for a person: the events core emits, sent from a job, once each.

An observer of ``loa_event`` (:class:`Notifier`, installed on a Context by the app and the
worker) enqueues ``run_notice(event, id)`` — ids only — for the events in
:data:`core.notices.letters.WRITERS`, when ``LOA_SMTP_HOST`` is set. The job works out the
letters (:mod:`core.notices.letters`) and sends each over SMTP (``LOA_SMTP_TLS``: STARTTLS,
implicit TLS or none). A letter is claimed in Redis before it goes, by (its key, recipient):
an event emitted twice, or a job run twice, mails nobody twice; a send that fails gives the
claim back, so a later run may try again. Logs name the event and the error's type only,
never an address's password or the server's answer.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from core.context import Context
from core.delivery import queue
from core.hookspecs import hookimpl
from core.notices.letters import WRITERS, Letter, letters
from core.settings import Settings

log = logging.getLogger(__name__)

#: How long a sent letter's claim is kept (a later emission of the same event is ignored).
CLAIM_SECONDS = 90 * 24 * 3600
TIMEOUT = 30.0


def claim_key(letter: Letter) -> str:
    return f"loa:notice:{letter.key}:{letter.user_id}"


class Notifier:
    """Enqueues the mail job for the events that tell a person something waits for them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @hookimpl
    def loa_event(self, name: str, payload: dict[str, Any]) -> None:
        subject = payload.get("id")
        if name in WRITERS and isinstance(subject, int) and self.ctx.settings.smtp_host:
            queue.enqueue_notice(self.ctx, name, subject)


def install(ctx: Context) -> None:
    """Observe ``ctx``'s events (once per Context)."""
    name = f"loa.notices.{id(ctx)}"
    if ctx.pm.get_plugin(name) is None:
        ctx.pm.register(Notifier(ctx), name=name)


def _message(settings: Settings, letter: Letter) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = letter.to
    msg["Subject"] = letter.subject
    msg["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    msg.set_content(letter.body, charset="utf-8")
    return msg


def connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.smtp_tls == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=TIMEOUT, context=context
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT)
        if settings.smtp_tls == "starttls":
            client.starttls(context=context)
    if settings.smtp_username:
        password = settings.smtp_password.reveal() if settings.smtp_password else ""
        client.login(settings.smtp_username, password)
    return client


def send_one(settings: Settings, to: str, subject: str, body: str) -> bool:
    """One letter to one address now (an account confirming its address); False when it
    could not go (no ``LOA_SMTP_HOST``, the server refused: logged by the error's type)."""
    if not settings.smtp_host:
        return False
    try:
        with connect(settings) as client:
            client.send_message(_message(settings, Letter("", 0, to, subject, body)))
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not mail a single letter (%s)", type(exc).__name__)
        return False
    return True


def send(ctx: Context, event: str, subject_id: int) -> int:
    """Send every letter ``event`` about ``subject_id`` calls for, each at most once; the
    number sent now."""
    settings = ctx.settings
    if not settings.smtp_host:
        return 0
    with ctx.sessions() as session:
        owed = letters(session, settings, event, subject_id)
    owed = [x for x in owed if ctx.redis.set(claim_key(x), "1", nx=True, ex=CLAIM_SECONDS)]
    if not owed:
        return 0
    sent = 0
    try:
        with connect(settings) as client:
            for letter in owed:
                client.send_message(_message(settings, letter))
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "could not mail %s about %s %s (%s); %d of %d sent",
            event,
            event.split(".")[0],
            subject_id,
            type(exc).__name__,
            sent,
            len(owed),
        )
        for letter in owed[sent:]:
            ctx.redis.delete(claim_key(letter))
    return sent
