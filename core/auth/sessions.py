"""Server-side sessions in Redis.

The cookie holds a random id; Redis holds the session under the id's SHA-256, so a
reader of Redis cannot replay a cookie. Each session expires after ``LOA_SESSION_IDLE``
seconds without use and ``LOA_SESSION_LIFETIME`` seconds after it began, whatever the
use. The id changes at sign-in and again when the second factor succeeds; the old id
leaves a tombstone so that a request still carrying it (fixation, a stolen cookie) is
refused and audited rather than quietly treated as a stranger.

Stages: ``anon`` (a visitor with a CSRF token), ``enrol`` (password done, no TOTP yet:
enrolment only), ``password`` (password done, code pending), ``full`` (both factors).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

PREFIX = "loa:session:"
GONE = "loa:session-gone:"
BY_USER = "loa:user-sessions:"

ANON, ENROL, PASSWORD, FULL = "anon", "enrol", "password", "full"


def _key(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


@dataclass
class Session:
    id: str
    stage: str = ANON
    user_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.time)
    #: Sealed TOTP secret offered during enrolment, until confirmed.
    pending_totp: str = ""
    #: Recovery codes to show once after enrolment, then dropped.
    show_once: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.stage == FULL and self.user_id is not None


class SessionStore:
    def __init__(self, redis: Any, *, idle: int, lifetime: int) -> None:
        self.redis = redis
        self.idle = idle
        self.lifetime = lifetime

    def new(self) -> Session:
        session = Session(id=secrets.token_urlsafe(32))
        self.save(session)
        return session

    def load(self, sid: str | None) -> Session | None:
        """The live session named by ``sid``; its idle timer restarts. None when gone."""
        if not sid or len(sid) > 100:
            return None
        raw = self.redis.get(PREFIX + _key(sid))
        if raw is None:
            return None
        data = json.loads(raw)
        session = Session(id=sid, **data)
        if time.time() - session.created > self.lifetime:
            self.destroy(session)
            return None
        self.redis.expire(PREFIX + _key(sid), self.idle)
        return session

    def was_rotated(self, sid: str | None) -> bool:
        """True when ``sid`` was a session id that a sign-in step replaced."""
        return (
            bool(sid) and len(sid or "") <= 100 and bool(self.redis.exists(GONE + _key(sid or "")))
        )

    def save(self, session: Session) -> None:
        data = asdict(session)
        data.pop("id")
        remaining = max(1, int(self.lifetime - (time.time() - session.created)))
        pipe = self.redis.pipeline()
        pipe.set(PREFIX + _key(session.id), json.dumps(data), ex=min(self.idle, remaining))
        if session.user_id is not None:
            pipe.sadd(BY_USER + str(session.user_id), _key(session.id))
            pipe.expire(BY_USER + str(session.user_id), self.lifetime)
        pipe.execute()

    def rotate(self, session: Session, *, restart: bool = False) -> Session:
        """Move ``session`` to a fresh id (and CSRF token); the old id is tombstoned."""
        old = session.id
        session.id = secrets.token_urlsafe(32)
        session.csrf = secrets.token_urlsafe(32)
        if restart:
            session.created = time.time()
        pipe = self.redis.pipeline()
        pipe.delete(PREFIX + _key(old))
        pipe.set(GONE + _key(old), "1", ex=self.lifetime)
        if session.user_id is not None:
            pipe.srem(BY_USER + str(session.user_id), _key(old))
        pipe.execute()
        self.save(session)
        return session

    def destroy(self, session: Session) -> None:
        pipe = self.redis.pipeline()
        pipe.delete(PREFIX + _key(session.id))
        pipe.set(GONE + _key(session.id), "1", ex=self.lifetime)
        if session.user_id is not None:
            pipe.srem(BY_USER + str(session.user_id), _key(session.id))
        pipe.execute()

    def destroy_all(self, user_id: int) -> int:
        """Log out everywhere: every session of the account ends now."""
        keys = [
            k.decode() if isinstance(k, bytes) else k
            for k in self.redis.smembers(BY_USER + str(user_id))
        ]
        pipe = self.redis.pipeline()
        for k in keys:
            pipe.delete(PREFIX + k)
            pipe.set(GONE + k, "1", ex=self.lifetime)
        pipe.delete(BY_USER + str(user_id))
        pipe.execute()
        return len(keys)
