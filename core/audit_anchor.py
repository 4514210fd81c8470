"""Anchors: signed heads of the audit chain, kept where the database's writers cannot reach.

Deleting the newest audit entries leaves a chain that is intact, only shorter, and
nothing inside the database can tell. An anchor is one JSON line naming the head
at a moment (entry id, hash, time), signed with a key derived from
``LOA_SECRET_KEYS`` (:mod:`core.audit_keys`). ``loa audit anchor`` writes one, and
the daily maintenance does too (:mod:`core.retention`); each goes to the log and,
when ``LOA_AUDIT_ANCHOR_FILE`` is set, is appended to that file, which the operator
keeps append-only and ships off the database host. ``loa audit verify --anchor
FILE`` then demands that the database still holds every anchored entry unchanged:
a truncated chain, or one rewritten from any anchored entry back, fails.

Each anchor first records an ``audit.anchor`` entry and anchors that, so the log
says when it was anchored and the anchored entry always carries a current tag.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.audit_keys import AuditKeys, keys_of
from core.db import utcnow

ACTION = "audit.anchor"
VERSION = 1


class AnchorError(ValueError):
    """An anchor file that cannot be read as anchors."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    key_id: str
    sig: str = ""

    def body(self) -> str:
        """The signed text: every field but the signature, canonical JSON."""
        fields = {
            "v": VERSION,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "key_id": self.key_id,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    def line(self) -> str:
        fields = json.loads(self.body())
        fields["sig"] = self.sig
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def make(session: Session, actor: str = "system", now: dt.datetime | None = None) -> Anchor:
    """Record an ``audit.anchor`` entry in the caller's transaction and sign it as the head."""
    keys = keys_of(session)
    entry = audit.record(session, actor=actor, action=ACTION)
    at = (now or utcnow()).astimezone(dt.UTC).isoformat(timespec="seconds")
    unsigned = Anchor(seq=entry.id, hash=entry.hash, at=at, key_id=keys.current)
    return replace(unsigned, sig=keys.sign(unsigned.body()))


def append(path: Path, anchor: Anchor) -> None:
    """Append one line and flush it to disk; the file is only ever appended to."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def parse(text: str) -> list[Anchor]:
    """Anchors of a file, one JSON object a line (blank lines ignored)."""
    anchors = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            if fields.get("v") != VERSION:
                raise ValueError(f"unknown version {fields.get('v')!r}")
            anchors.append(
                Anchor(
                    seq=int(fields["seq"]),
                    hash=str(fields["hash"]),
                    at=str(fields["at"]),
                    key_id=str(fields["key_id"]),
                    sig=str(fields["sig"]),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AnchorError(f"line {number} is not an anchor ({exc})") from None
    return anchors


@dataclass(frozen=True)
class AnchorReport:
    ok: bool
    checked: int
    #: Anchors signed under a key no longer configured: their entries were still compared.
    unsigned: int = 0
    first_bad_id: int | None = None
    reason: str = ""


def check(
    session: Session, anchors: Sequence[Anchor], keys: AuditKeys | None = None
) -> AnchorReport:
    """Does the database chain still hold every anchored entry, unchanged?

    Run it with :func:`core.audit.verify`, which proves the entries between the anchored
    ones and the head are linked and tagged. An anchored entry that retention has since
    pruned is covered by the prune checkpoint, which the chain itself vouches for.
    """
    keys = keys or keys_of(session)
    through = audit.pruned_through(session)
    top = audit.head(session)
    head_id = top[0] if top else through
    unsigned = 0
    for number, anchor in enumerate(anchors, 1):
        what = f"the anchor of {anchor.at} (line {number})"
        signed = keys.check_signature(anchor.body(), anchor.key_id, anchor.sig)
        if signed is False:
            return AnchorReport(False, number - 1, unsigned, None, f"{what} has a bad signature")
        unsigned += signed is None
        if anchor.seq <= through:
            continue
        found = session.scalar(
            select(audit.AuditEntry.hash).where(audit.AuditEntry.id == anchor.seq)
        )
        if found is None and anchor.seq > head_id:
            return AnchorReport(
                False,
                number - 1,
                unsigned,
                head_id + 1,
                f"the chain ends at entry {head_id} but {what} names entry {anchor.seq}: "
                f"entries {head_id + 1} to {anchor.seq} are missing (truncated)",
            )
        if found != anchor.hash:
            return AnchorReport(
                False,
                number - 1,
                unsigned,
                anchor.seq,
                f"entry {anchor.seq} is not the one {what} names: "
                "the chain was truncated or rewritten",
            )
    return AnchorReport(True, len(anchors), unsigned)
