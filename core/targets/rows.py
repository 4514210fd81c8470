"""One row per channel target, written by the database: ``INSERT … SELECT`` from the targets.

An item may go to ten thousand targets, and each needs a row of its own (a chosen target, a
gate, a delivery). Sent as one parameter set per row, such a write costs the application
hundreds of milliseconds (every value of every row processed, and by PostgreSQL's driver parsed
again) and leaves as many objects for the garbage collector; selected from ``channel_targets``,
the values that are the same in every row are sent once and the rest is the database's work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    String,
    cast,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from core.db import Base, among
from core.targets.models import ChannelTarget

#: Targets per statement (well under SQLite's limit of bound parameters).
CHUNK = 5000


def source_of(prefix: str) -> ColumnElement[str]:
    """``prefix`` followed by the target's id, as SQL (``f"{prefix}{target.id}"`` in Python)."""
    return literal(prefix) + cast(ChannelTarget.id, String)


def insert_per_target(
    session: Session,
    model: type[Base],
    target_ids: Sequence[int],
    values: Mapping[str, Any],
    computed: Mapping[str, SQLColumnExpression[Any]] | None = None,
    returning: Sequence[SQLColumnExpression[Any]] = (),
) -> list[tuple[Any, ...]]:
    """A row of ``model`` for each of ``target_ids`` that exists, written in target id order.

    ``values`` are the same in every row; ``target_id`` is the target's id and ``computed``
    names further columns worked out from the target (:func:`source_of`, its unit). A target
    named twice gets one row. With ``returning``, those columns of the rows written.
    """
    table = model.__table__
    fixed = [literal(v, table.c[k].type) for k, v in values.items()]
    extra = dict(computed or {})
    columns = [*values, "target_id", *extra]
    wanted = sorted(set(target_ids))
    written: list[tuple[Any, ...]] = []
    for start in range(0, len(wanted), CHUNK):
        rows = select(*fixed, ChannelTarget.id, *extra.values()).where(
            among(session, ChannelTarget.id, wanted[start : start + CHUNK])
        )
        stmt = insert(model).from_select(columns, rows.order_by(ChannelTarget.id))
        if returning:
            written.extend(session.execute(stmt.returning(*returning)).tuples())
        else:
            session.execute(stmt)
    return written
