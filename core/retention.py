"""Once a day, from the sweeper: disable inactive accounts, prune and anchor the audit log,
remove media uploads nothing used (``LOA_MEDIA_UNUSED_DAYS``), and tell units' editors of
government content past its deadlines (:mod:`core.govcontent.alerts`, C3).

Decree 85/2016 level 2 (and TCVN 14423:2026) require disabling accounts unused for
45 days (``LOA_INACTIVE_DAYS``) and keeping logs; Loa keeps 12 months by default
(``LOA_AUDIT_RETENTION_DAYS``) to also satisfy Decrees 330 and 333. The run is
claimed with a Redis key per UTC day, so any number of sweepers do it once; both
steps are idempotent, so a run that Redis forgot is merely repeated.

The day ends with an anchor of the audit chain (:mod:`core.audit_anchor`): logged,
and appended to ``LOA_AUDIT_ANCHOR_FILE`` when set, so truncation is found later.
"""

from __future__ import annotations

import datetime as dt
import logging

from core import audit, audit_anchor
from core.auth.actions import disable_inactive
from core.context import Context
from core.db import utcnow
from core.govcontent import alerts
from core.media.cleanup import cleanup_unused

log = logging.getLogger("loa.retention")
CLAIM = "loa:daily:"


def daily(ctx: Context, now: dt.datetime | None = None, force: bool = False) -> dict[str, int]:
    now = now or utcnow()
    if not force and not ctx.redis.set(CLAIM + now.date().isoformat(), "1", nx=True, ex=172800):
        return {}
    disabled = disable_inactive(ctx, now)
    with ctx.transaction() as session:
        pruned = audit.prune(session, now - dt.timedelta(days=ctx.settings.audit_retention_days))
    with ctx.transaction() as session:
        anchor = audit_anchor.make(session, now=now)
    log.info("audit anchor %s", anchor.line())
    media_cleaned = cleanup_unused(ctx, now)
    gov_alerts = alerts.run(ctx, now)  # government content deadlines (C3), to unit editors
    if ctx.settings.audit_anchor_file is not None:
        audit_anchor.append(ctx.settings.audit_anchor_file, anchor)
    report = {
        "disabled": len(disabled),
        "audit_pruned": pruned,
        "audit_anchored": anchor.seq,
        "media_cleaned": media_cleaned,
        "gov_alerts": gov_alerts["alerts"],
    }
    log.info("daily maintenance: %s", report)
    return report
