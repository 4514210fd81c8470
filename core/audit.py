"""The append-only, hash-chained audit log.

Each entry stores the hash of the one before it and its own hash over a
canonical JSON form, so altering, deleting or reordering any row breaks the
chain from that row on; :func:`verify` finds the first break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": entry.actor,
            "action": entry.action,
            "subject_type": entry.subject_type,
            "subject_id": entry.subject_id,
            "data": entry.data,
            "note": entry.note,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction; concurrent writers are serialised."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7406221)"))
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=json.loads(json.dumps(data or {}, default=str)),
        note=note,
        prev_hash=prev,
        hash="",
    )
    entry.hash = _digest(prev, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 1000) -> ChainReport:
    """Walk the chain in id order; report the first entry that does not fit."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for entry in rows:
            if entry.prev_hash != prev:
                return ChainReport(False, checked, entry.id, "previous hash does not match")
            if _digest(prev, entry) != entry.hash:
                return ChainReport(False, checked, entry.id, "content does not match its hash")
            prev = entry.hash
            checked += 1
            last_id = entry.id
        session.expunge_all()
