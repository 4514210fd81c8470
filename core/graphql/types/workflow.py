"""Workflow shapes: approval steps, revisions and their differences, the approval policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.content.revisions import FieldChange as FieldChangeRow
from core.workflow.models import ApprovalStep as StepRow


@strawberry.type(description="One approval an item needs: by its scope, or by one channel.")
class ApprovalStep:
    id: strawberry.ID
    key: str
    label: str
    role: str = strawberry.field(description="The role that decides it, held on `unitCode`.")
    unit_code: str
    source: str = strawberry.field(description='"scope", or "target:<id>" for a channel gate.')
    target_id: int | None
    state: str
    open: bool = strawberry.field(description="Pending, and every step it follows is approved.")
    covers: list[str] = strawberry.field(description="Aspects it vouches for: content, audience.")
    decided_by: str
    decided_at: dt.datetime | None
    comment: str
    revision: int | None = strawberry.field(description="The revision it was decided on.")
    note: str = strawberry.field(description="Why it is pending again, when an edit voided it.")

    @classmethod
    def of(cls, row: StepRow, unit_code: str, is_open: bool) -> ApprovalStep:
        return cls(
            id=strawberry.ID(str(row.id)),
            key=row.key,
            label=row.label,
            role=row.role,
            unit_code=unit_code,
            source=row.source,
            target_id=row.target_id,
            state=row.state,
            open=is_open,
            covers=list(row.covers),
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            comment=row.comment,
            revision=row.revision,
            note=row.note,
        )


@strawberry.type
class RevisionInfo:
    number: int
    content_hash: str
    author: str
    created_at: dt.datetime


@strawberry.type
class Chunk:
    op: str = strawberry.field(description="equal, insert or delete.")
    text: str


@strawberry.type
class FieldChange:
    field: str
    before: JSON
    after: JSON
    words: list[Chunk] = strawberry.field(description="Word-level diff of text fields.")

    @classmethod
    def of(cls, change: FieldChangeRow) -> FieldChange:
        return cls(
            field=change.field,
            before=change.before,
            after=change.after,
            words=[Chunk(op=c.op, text=c.text) for c in change.words],
        )


@strawberry.type
class PolicyRule:
    applies_to: str = strawberry.field(description="scope:<level> or plugin:<name>.")
    steps: JSON


def rule_json(specs: Any) -> Any:
    return [spec.as_dict() for spec in specs]
