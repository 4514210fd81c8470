"""Report test data: rows inserted directly through the models (no actions, no workflow)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

from core.audit import AuditEntry
from core.content.models import Agency, Article, Status
from core.context import Context
from core.delivery.models import Action, Delivery, DeliveryState
from core.targets.models import ChannelTarget

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """``at("2026-07-10T08:00")``: an aware UTC datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class Rows:
    """Inserts report fixtures through the models, one short transaction each."""

    def __init__(self, ctx: Context, tree: dict[str, Any]) -> None:
        self.ctx = ctx
        self.tree = tree
        self._seq = itertools.count(1)

    def agency(self, name: str, unit: str) -> int:
        with self.ctx.transaction() as session:
            row = Agency(name=name, unit_id=self.tree[unit].id)
            session.add(row)
            session.flush()
            return row.id

    def article(
        self,
        unit: str,
        *,
        agency: int | None = None,
        status: Status = Status.PUBLISHED,
        created: dt.datetime,
        published: dt.datetime | None = None,
    ) -> int:
        n = next(self._seq)
        with self.ctx.transaction() as session:
            row = Article(
                uid=str(uuid.uuid4()),
                slug=f"bai-{n}-{uuid.uuid4().hex[:8]}",
                title=f"Bài {n}",
                unit_id=self.tree[unit].id,
                agency_id=agency,
                status=status,
                created_at=created,
                updated_at=created,
                published_at=published,
            )
            session.add(row)
            session.flush()
            return row.id

    def target(self, plugin: str, name: str, unit: str) -> int:
        with self.ctx.transaction() as session:
            row = ChannelTarget(name=name, plugin=plugin, unit_id=self.tree[unit].id)
            session.add(row)
            session.flush()
            return row.id

    def delivery(
        self,
        article: int,
        target: int,
        state: DeliveryState,
        created: dt.datetime,
        action: Action = Action.PUBLISH,
        finished: dt.datetime | None = None,
    ) -> None:
        with self.ctx.transaction() as session:
            session.add(
                Delivery(
                    article_id=article,
                    target_id=target,
                    action=action,
                    state=state,
                    created_at=created,
                    updated_at=created,
                    due_at=created,
                    finished_at=finished,
                )
            )

    def audit(self, action: str, article: int, when: dt.datetime) -> None:
        """An audit row at a chosen time (the chain is not what these tests are about)."""
        with self.ctx.transaction() as session:
            session.add(
                AuditEntry(
                    at=when,
                    actor="tester",
                    action=action,
                    subject_type="article",
                    subject_id=str(article),
                    data={},
                    prev_hash="0" * 64,
                    hash=uuid.uuid4().hex + uuid.uuid4().hex,
                )
            )


def token_for(ctx: Context, username: str, unit: str, role: str, scopes: list[str]) -> str:
    """A real API token of a new account holding ``role`` on ``unit`` (TOTP marked enrolled)."""
    from core.auth.accounts import create_user
    from core.auth.models import User
    from core.auth.permissions import Actor
    from core.auth.tokens import create_token

    user = create_user(
        ctx, username=username, unit_code=unit, role=role, enrol_token=uuid.uuid4().hex
    )
    with ctx.transaction() as session:
        row = session.get(User, user.id)
        assert row is not None
        row.totp_enabled_at = dt.datetime.now(UTC)
    return create_token(ctx, Actor(name=username, user_id=user.id), "tests", scopes, 1).plaintext
