"""Account reads: who is calling, their API tokens, and the audit log (admins only)."""

from __future__ import annotations

from typing import Any

import strawberry

from core.actions import audit_log
from core.auth import tokens
from core.content.queries import unit_by_code
from core.errors import ValidationFailed
from core.graphql.errors import argument_id, names_something
from core.graphql.request import RequestContext
from core.graphql.types.account import ApiToken, AuditEntry, AuditFilter, AuditPage, Me, RoleGrant

Info = strawberry.Info[RequestContext, Any]


def me(info: Info) -> Me:
    actor = info.context.actor
    assert actor is not None
    return Me(
        username=actor.name,
        roles=[RoleGrant(role=g.role.value, unit_path=g.unit_path) for g in actor.grants],
        scopes=sorted(p.value for p in actor.scopes) if actor.scopes is not None else None,
    )


def api_tokens(info: Info) -> list[ApiToken]:
    actor = info.context.actor
    assert actor is not None
    return [ApiToken.of(t) for t in tokens.list_tokens(info.context.ctx, actor)]


def audit_entries(
    info: Info, filter: AuditFilter | None = None, first: int = 50, after: str | None = None
) -> AuditPage:
    """Newest first; only entries on units the caller administers (checked in core.audit)."""
    rc = info.context
    assert rc.actor is not None
    f = filter or AuditFilter()
    before_id = argument_id(after, "after") if after else None
    for name, moment in (("since", f.since), ("until", f.until)):
        if moment is not None and moment.tzinfo is None:
            raise ValidationFailed({f"filter.{name}": "must be a date-time with a time zone"})
    with rc.read() as session:
        path = None
        if f.unit_code is not None:
            with names_something("filter.unitCode"):
                path = unit_by_code(session, f.unit_code).path
        page = audit_log.search(
            session,
            rc.actor,
            action=f.action,
            actor_name=f.actor,
            subject_type=f.subject_type,
            subject_id=f.subject_id,
            unit_path=path,
            since=f.since,
            until=f.until,
            first=first,
            before_id=before_id,
        )
        entries = [AuditEntry.of(e) for e in page.entries]
    return AuditPage(
        entries=entries,
        has_next_page=page.has_next,
        end_cursor=entries[-1].id if entries else None,
    )


@strawberry.type
class AccountQuery:
    me: Me = strawberry.field(resolver=me, description="The account behind this request.")
    api_tokens: list[ApiToken] = strawberry.field(
        resolver=api_tokens, description="Your own API tokens (never their secret)."
    )
    audit_entries: AuditPage = strawberry.field(
        resolver=audit_entries, description="Audit log entries on units you administer."
    )
