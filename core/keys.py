"""``loa keys rotate``: re-encrypt every sealed value under the newest key.

Put the new key first in ``LOA_SECRET_KEYS`` (keep the old ones after it), run this,
then remove the old keys. Rows are rotated in batches, each in its own transaction;
running it twice is harmless. Keyed digests (API tokens) cannot be recomputed without
the token, so each is digested again under the newest key the next time it is used:
keep an old key until its tokens have been used or have expired. The audit chain's tags
are moved to the newest key here too (:func:`core.audit.retag`). Recovery codes still
stored as unsalted SHA-256 (issued before keyed digests) are re-keyed here; a keyed one
matches under any listed key, so keep old keys until accounts have new codes.
"""

from __future__ import annotations

from sqlalchemy import select

from core import audit
from core.auth import recovery
from core.auth.models import RecoveryCode, User
from core.context import Context
from core.models import load_all
from core.targets.models import ChannelTarget

#: (model, sealed column) pairs: everything Loa keeps encrypted at rest.
SEALED = ((ChannelTarget, "secrets_sealed"), (User, "totp_sealed"))


def rotate_all(ctx: Context, batch: int = 500) -> dict[str, int]:
    # The CLI imports only the models named above; flushing a ChannelTarget needs the
    # table its foreign keys point at (units) in the metadata, or SQLAlchemy raises
    # NoReferencedTableError (issue 8, on a fresh demo database).
    load_all()
    counts: dict[str, int] = {}
    for model, column in SEALED:
        name = f"{model.__tablename__}.{column}"
        counts[name] = 0
        last_id = 0
        while True:
            with ctx.transaction() as session:
                rows = list(
                    session.scalars(
                        select(model)
                        .where(model.id > last_id, getattr(model, column) != "")
                        .order_by(model.id)
                        .limit(batch)
                        .with_for_update()
                    )
                )
                for row in rows:
                    setattr(row, column, ctx.sealer.rotate(getattr(row, column)))
                    last_id = row.id  # type: ignore[attr-defined]
                counts[name] += len(rows)
            if len(rows) < batch:
                break
    counts["audit_log.tag"] = audit.retag(ctx.transaction, batch)["retagged"]
    counts["recovery_codes.digest"] = _rekey_recovery_codes(ctx, batch)
    with ctx.transaction() as session:
        audit.record(session, actor="cli", action="keys.rotate", data=counts)
    return counts


def _rekey_recovery_codes(ctx: Context, batch: int) -> int:
    """Turn every unsalted SHA-256 recovery code into a keyed digest (issue 8)."""
    done = 0
    while True:
        with ctx.transaction() as session:
            rows = list(
                session.scalars(
                    select(RecoveryCode)
                    .where(RecoveryCode.scheme == recovery.LEGACY)
                    .order_by(RecoveryCode.id)
                    .limit(batch)
                    .with_for_update()
                )
            )
            for row in rows:
                row.digest, row.scheme = recovery.rekey(ctx.sealer, row.digest), recovery.KEYED
            done += len(rows)
        if len(rows) < batch:
            return done
