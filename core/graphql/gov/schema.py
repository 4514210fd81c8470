"""The mixins that put government content into the schemas: ``GovQuery`` in both (the public
sees what is published; an editor of the unit also sees drafts), ``GovMutation`` in the
management schema only."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.govcontent import editing
from core.govcontent.kinds import KINDS
from core.govcontent.models import Publication
from core.graphql.gov import banners as banner_api
from core.graphql.gov import legal as legal_api
from core.graphql.gov.common import (
    GovContentKind,
    GovContentState,
    GovContentStatePayload,
    Info,
    outcome,
)


@strawberry.type
class GovQuery:
    legal_documents: legal_api.LegalDocumentConnection = strawberry.field(
        resolver=legal_api.legal_documents,
        description="A unit's legal documents, newest issue date first (S1.2, S3.5, C2).",
    )
    legal_document: legal_api.LegalDocument | None = strawberry.field(
        resolver=legal_api.legal_document, description="A document by id; null if not visible."
    )
    banners: list[banner_api.Banner] = strawberry.field(
        resolver=banner_api.banners, description="A unit's live banners (never an expired one)."
    )
    banner_placements: list[banner_api.BannerPlacement] = strawberry.field(
        resolver=banner_api.banner_placements, description="The banner slots a unit's portal has."
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
    save_legal_document: legal_api.LegalDocumentPayload = strawberry.mutation(
        resolver=legal_api.save_legal_document,
        description="Create a draft document in `unit`, or edit document `id`.",
    )
    save_banner: banner_api.BannerPayload = strawberry.mutation(
        resolver=banner_api.save_banner, description="Create a draft banner, or edit banner `id`."
    )
    define_banner_placement: banner_api.BannerPlacementPayload = strawberry.mutation(
        resolver=banner_api.define_banner_placement,
        description="Create or resize a banner slot of a unit's portal (manage_channels).",
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
