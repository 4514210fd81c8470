"""Per-request DataLoaders: a page of N articles costs one query per related table, not N.

Each loader batches the ids asked for in one tick of the event loop into a
single ``IN (...)`` select, in a short session of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader

from core.content.models import Agency, Category
from core.units.models import Unit

M = TypeVar("M", Agency, Category, Unit)
Reader = Callable[[], AbstractContextManager[Session]]


def _by_id(read: Reader, model: type[M]) -> Callable[[list[int]], Awaitable[list[M | None]]]:
    async def load(ids: list[int]) -> list[M | None]:
        column: Any = model.id
        with read() as session:
            rows = {
                row.id: row for row in session.scalars(select(model).where(column.in_(set(ids))))
            }
        return [rows.get(i) for i in ids]

    return load


@dataclass(frozen=True)
class Loaders:
    category: DataLoader[int, Category | None]
    unit: DataLoader[int, Unit | None]
    agency: DataLoader[int, Agency | None]

    @classmethod
    def build(cls, read: Reader) -> Loaders:
        return cls(
            category=DataLoader(load_fn=_by_id(read, Category)),
            unit=DataLoader(load_fn=_by_id(read, Unit)),
            agency=DataLoader(load_fn=_by_id(read, Agency)),
        )
