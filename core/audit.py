"""The append-only, hash-chained, keyed audit log.

Each entry stores the hash of the one before it and its own hash over a
canonical JSON form, so altering, deleting or reordering any row breaks the
chain from that row on; :func:`verify` finds the first break.

A hash chain alone is no proof against someone who can write to the database:
they could edit a row and recompute every hash after it. So each entry also
carries a *tag*, an HMAC of its hash under a key derived from ``LOA_SECRET_KEYS``
(:mod:`core.audit_keys`), and the id of that key; :func:`verify` demands a good
tag on every entry. (A later tag must not vouch for an earlier untagged entry:
it would bless whatever an attacker had rewritten before it was made.) Rotation
keeps that true: ``loa keys rotate`` moves every tag to the new key
(:func:`retag`), checking the old tag first, so the old key can then be dropped.
Entries written before tags existed are tagged once, by migration 0006 under
``loa db upgrade``, their hashes unchanged. Deleting the newest entries leaves a
chain that is intact but shorter: anchors, signed heads kept outside the
database (:mod:`core.audit_anchor`), find that.

Retention (:func:`prune`) deletes the oldest entries without breaking the proof:
it first appends an ``audit.prune`` entry naming the last pruned entry and its
hash, then writes a checkpoint row with the same facts and deletes. ``verify``
starts from the newest checkpoint's hash and also demands that the chain itself
vouches for that checkpoint (the ``audit.prune`` entry), so a forged checkpoint
or a row deleted outside ``prune`` is found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from sqlalchemy import String, Text, delete, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit_keys import AuditKeys, keys_of
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
    #: Materialised path of the unit the entry concerns ("" for the whole system): who may read it.
    unit_path: Mapped[str] = mapped_column(String(200), default="", index=True)
    #: Which configured key made ``tag`` ("" on entries written before tags existed).
    key_id: Mapped[str] = mapped_column(String(16), default="")
    #: HMAC of ``hash`` under that key: recomputing the hashes does not recompute this.
    tag: Mapped[str] = mapped_column(String(64), default="")


class AuditCheckpoint(Base):
    """What retention removed: every entry up to ``through_id``, the last with ``last_hash``."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    through_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    pruned: Mapped[int]


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    fields: dict[str, Any] = {
        "prev": prev_hash,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "data": entry.data,
        "note": entry.note,
    }
    if entry.unit_path:  # absent from older entries: their hashes stay valid
        fields["unit_path"] = entry.unit_path
    body = json.dumps(
        fields,
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
    unit_path: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction; concurrent writers are serialised."""
    keys = keys_of(session)
    _lock(session)
    prev = _head(session)
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=json.loads(json.dumps(data or {}, default=str)),
        note=note,
        unit_path=unit_path,
        prev_hash=prev,
        hash="",
    )
    entry.hash = _digest(prev, entry)
    entry.key_id = keys.current
    entry.tag = keys.tag(entry.hash)
    session.add(entry)
    session.flush()
    return entry


class Audited(Protocol):
    """A row the audit log can be about: its kind (``audit_subject``) and its id."""

    audit_subject: ClassVar[str]

    @property
    def id(self) -> int: ...


class Named(Protocol):
    """Who acted, as the log names them (an :class:`~core.auth.permissions.Actor`)."""

    @property
    def name(self) -> str: ...


def about(
    session: Session,
    actor: Named | str,
    action: str,
    subject: Audited,
    *,
    data: dict[str, Any] | None = None,
    note: str = "",
    unit_path: str = "",
) -> AuditEntry:
    """:func:`record` about one row: who (an actor or ``"system"``), what, on which row."""
    return record(
        session,
        actor=actor if isinstance(actor, str) else actor.name,
        action=action,
        subject_type=subject.audit_subject,
        subject_id=subject.id,
        data=data,
        note=note,
        unit_path=unit_path,
    )


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    head: str = ""
    #: The last entry proven (0: none); with ``head`` (its hash), where a bounded walk resumes.
    last_id: int = 0
    #: False when a bounded walk stopped at its limit before the newest entry.
    complete: bool = True
    #: Whether the chain has vouched for the checkpoint yet (an ``audit.prune`` entry seen).
    vouched: bool = True
    #: The checkpoint the walk started from (its ``through_id``; 0: none).
    since_id: int = 0


def verify(
    session: Session,
    batch: int = 1000,
    keys: AuditKeys | None = None,
    *,
    resume: ChainReport | None = None,
    limit: int | None = None,
) -> ChainReport:
    """Walk the chain in id order from the newest checkpoint; report the first misfit.

    ``keys`` default to the session's. A bounded walk checks at most ``limit`` entries and
    answers ``complete=False`` with where it stopped; pass that report as ``resume`` to go on
    (from the start again if retention has pruned since).
    """
    keys = keys or keys_of(session)
    checkpoint = _checkpoint(session)
    since_id = checkpoint.through_id if checkpoint else 0
    if resume is not None and resume.ok and resume.since_id == since_id:
        prev, last_id, vouched = resume.head, resume.last_id, resume.vouched
        checked = resume.checked
    else:
        prev = checkpoint.last_hash if checkpoint else GENESIS
        last_id = checkpoint.through_id if checkpoint else 0
        vouched = checkpoint is None
        checked = 0
        stale = select(AuditEntry.id).where(AuditEntry.id <= last_id).limit(1)
        if session.scalar(stale) is not None:
            reason = "entries remain that the checkpoint says were pruned"
            return ChainReport(False, 0, last_id, reason)
    left = limit
    while left is None or left > 0:
        size = batch if left is None else min(batch, left)
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(size)
        ).all()
        if not rows:
            if not vouched:
                return ChainReport(
                    False, checked, None, "no prune entry vouches for the checkpoint"
                )
            return ChainReport(True, checked, head=prev, last_id=last_id, since_id=since_id)
        for entry in rows:
            if entry.prev_hash != prev:
                return ChainReport(False, checked, entry.id, "previous hash does not match")
            if _digest(prev, entry) != entry.hash:
                return ChainReport(False, checked, entry.id, "content does not match its hash")
            misfit = _tag_misfit(keys, entry)
            if misfit:
                return ChainReport(False, checked, entry.id, misfit)
            if checkpoint is not None and entry.action == "audit.prune":
                vouched = vouched or (
                    entry.data.get("through_id") == checkpoint.through_id
                    and entry.data.get("last_hash") == checkpoint.last_hash
                )
            prev = entry.hash
            checked += 1
            last_id = entry.id
        if left is not None:
            left -= len(rows)
        session.expunge_all()
    return ChainReport(
        True,
        checked,
        head=prev,
        last_id=last_id,
        complete=False,
        vouched=vouched,
        since_id=since_id,
    )


def _tag_misfit(keys: AuditKeys, entry: AuditEntry) -> str:
    """Why the entry's tag does not vouch for it ("" when it does)."""
    if not entry.tag:
        return "the entry carries no keyed tag"
    tagged = keys.check_tag(entry.hash, entry.key_id, entry.tag)
    if tagged is None:
        return f"tagged under key {entry.key_id}, which LOA_SECRET_KEYS no longer holds"
    return "" if tagged else "keyed tag does not match (hash recomputed?)"


def retag(
    transaction: Callable[[], AbstractContextManager[Session]], batch: int = 1000
) -> dict[str, int]:
    """Move every tag made under an older key to the current one, in batches.

    Run by ``loa keys rotate`` while the old key is still configured. An entry whose tag
    does not check out is left as it is (``verify`` keeps reporting it), never laundered.
    """
    counts = {"retagged": 0, "refused": 0}
    last_id = 0
    while True:
        with transaction() as session:
            keys = keys_of(session)
            rows = list(
                session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.id > last_id, AuditEntry.key_id != keys.current)
                    .order_by(AuditEntry.id)
                    .limit(batch)
                )
            )
            for entry in rows:
                last_id = entry.id
                if _tag_misfit(keys, entry):
                    counts["refused"] += 1
                    continue
                entry.key_id, entry.tag = keys.current, keys.tag(entry.hash)
                counts["retagged"] += 1
        if len(rows) < batch:
            return counts


def head(session: Session) -> tuple[int, str] | None:
    """Id and hash of the newest entry, None while the log is empty."""
    row = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def pruned_through(session: Session) -> int:
    """The id of the last entry retention removed (0: none)."""
    checkpoint = _checkpoint(session)
    return checkpoint.through_id if checkpoint else 0


def prune(session: Session, before: dt.datetime, actor: str = "system") -> int:
    """Delete entries older than ``before``, keeping the chain provable (see the module doc)."""
    _lock(session)
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash)
        .where(AuditEntry.at < before)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return 0
    through_id, last_hash = last
    count = session.scalar(select(func.count()).where(AuditEntry.id <= through_id)) or 0
    record(
        session,
        actor=actor,
        action="audit.prune",
        data={
            "through_id": through_id,
            "last_hash": last_hash,
            "pruned": count,
            "before": before.astimezone(dt.UTC).isoformat(),
        },
    )
    session.add(AuditCheckpoint(through_id=through_id, last_hash=last_hash, pruned=count))
    session.execute(delete(AuditEntry).where(AuditEntry.id <= through_id))
    return count


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7406221)"))


def _head(session: Session) -> str:
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    if last is not None:
        return last
    checkpoint = _checkpoint(session)
    return checkpoint.last_hash if checkpoint else GENESIS


def _checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.through_id.desc()).limit(1)
    ).first()
