"""Accounts in the management schema: who am I, API tokens (never their secret), audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.audit import AuditEntry as AuditModel
from core.auth.models import ApiToken as TokenModel
from core.graphql.types.payloads import ForbiddenError, NotFoundError, ValidationError


@strawberry.type
class RoleGrant:
    role: str
    unit_path: str


@strawberry.type
class Me:
    username: str
    roles: list[RoleGrant]
    scopes: list[str] | None = strawberry.field(
        description="Permissions this request is narrowed to (an API token); null for a session."
    )


@strawberry.type
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(
        description="Shown as loa_<prefix>_…; the secret is never shown again."
    )
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, t: TokenModel) -> ApiToken:
        return cls(
            id=strawberry.ID(str(t.id)),
            name=t.name,
            prefix=t.prefix,
            scopes=list(t.scopes),
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )


@strawberry.type
class ApiTokenCreated:
    token: ApiToken
    secret: str = strawberry.field(description="The whole token, shown this once only.")


@strawberry.type
class ApiTokenRevoked:
    token: ApiToken


@strawberry.type
class Done:
    ok: bool = True


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    at: dt.datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    unit_path: str
    data: JSON
    hash: str

    @classmethod
    def of(cls, e: AuditModel) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(e.id)),
            at=e.at,
            actor=e.actor,
            action=e.action,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            unit_path=e.unit_path,
            data=e.data,  # type: ignore[arg-type]
            hash=e.hash,
        )


@strawberry.type
class AuditPage:
    entries: list[AuditEntry]
    has_next_page: bool
    end_cursor: str | None


@strawberry.input
class AuditFilter:
    action: str | None = strawberry.field(default=None, description='A prefix, e.g. "auth.".')
    actor: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    unit_code: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


ApiTokenPayload = Annotated[
    ApiTokenCreated | ValidationError | ForbiddenError, strawberry.union("ApiTokenPayload")
]
RevokePayload = Annotated[
    ApiTokenRevoked | NotFoundError | ForbiddenError, strawberry.union("RevokeApiTokenPayload")
]


@strawberry.type
class EnrolmentLinkIssued:
    username: str
    enrolment_link: str = strawberry.field(
        description="One-time link for the person to choose a password and enrol again; "
        "shown this once only. Hand it over yourself: nothing else re-enrols the account."
    )
    expires_at: dt.datetime


TotpResetPayload = Annotated[
    EnrolmentLinkIssued | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("TotpResetPayload"),
]
AccountPayload = Annotated[
    Done | ValidationError | NotFoundError | ForbiddenError, strawberry.union("AccountPayload")
]
