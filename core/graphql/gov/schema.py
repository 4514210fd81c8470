"""The mixins that put government content into the schemas: ``GovQuery`` in both (the public
sees what is published; an editor of the unit also sees drafts), ``GovMutation`` in the
management schema only."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.govcontent import editing
from core.govcontent.kinds import KINDS
from core.govcontent.models import Publication
from core.graphql.gov import legal
from core.graphql.gov.common import (
    GovContentKind,
    GovContentState,
    GovContentStatePayload,
    Info,
    outcome,
)


@strawberry.type
class GovQuery:
    legal_documents: legal.LegalDocumentConnection = strawberry.field(
        resolver=legal.legal_documents,
        description="A unit's legal documents, newest issue date first (S1.2, S3.5, C2).",
    )
    legal_document: legal.LegalDocument | None = strawberry.field(
        resolver=legal.legal_document, description="A document by id; null if not visible."
    )


def _state(
    info: Info, kind: GovContentKind, id: strawberry.ID, publish: bool, reason: str
) -> GovContentStatePayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor
    spec = KINDS[kind.value]

    def act() -> GovContentState:
        if publish:
            row = editing.publish(rc.ctx, actor, spec, str(id))
        else:
            row = editing.withdraw(rc.ctx, actor, spec, str(id), reason)
        return GovContentState(kind=kind, id=strawberry.ID(row.uid), state=Publication(row.state))

    return outcome(act)


@strawberry.type
class GovMutation:
    save_legal_document: legal.LegalDocumentPayload = strawberry.mutation(
        resolver=legal.save_legal_document,
        description="Create a draft document in `unit`, or edit document `id`.",
    )

    @strawberry.mutation(description="Publish an item (the editorial board: approve permission).")
    def publish_gov_content(
        self, info: Info, kind: GovContentKind, id: strawberry.ID
    ) -> GovContentStatePayload:
        return _state(info, kind, id, True, "")

    @strawberry.mutation(description="Withdraw a published item from public (never deleted).")
    def withdraw_gov_content(
        self,
        info: Info,
        kind: GovContentKind,
        id: strawberry.ID,
        reason: Annotated[str, strawberry.argument(description="Why, for the audit log.")] = "",
    ) -> GovContentStatePayload:
        return _state(info, kind, id, False, reason)
