"""The database: one declarative base, engines and sessions.

SQLite (the embedded default) and PostgreSQL run the same models and the same
migrations; every timestamp is stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Integer,
    MetaData,
    SQLColumnExpression,
    String,
    Table,
    any_,
    create_engine,
    event,
    false,
    literal,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


def among(session: Session, column: SQLColumnExpression[int], ids: Sequence[int]) -> Any:
    """``column IN ids``, for thousands of ids: on PostgreSQL one array parameter
    (``= ANY(…)``), as its driver parses every placeholder of a statement again in Python,
    which for 5,000 ids costs several times the query itself."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (``Result`` is typed without it)."""
    return int(result.rowcount)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend: WAL and foreign keys on SQLite.

    Statement parameters (digests, sealed secrets, password hashes) are hidden from
    SQLAlchemy's log lines and error messages.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            import pathlib

            pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Connections to a file are cheap; a generous pool keeps bursts from queueing on it.
            kwargs.setdefault("pool_size", 20)
            kwargs.setdefault("max_overflow", 20)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, hide_parameters=True, **kwargs)


@event.listens_for(Session, "do_orm_execute")
def _sqlite_for_update(state: ORMExecuteState) -> None:
    """Give ``SELECT … FOR UPDATE`` its meaning on SQLite: hold the write lock from here on.

    SQLite drops ``FOR UPDATE``, and its driver opens a transaction only at the first write,
    so two workers could both read an article as published and both take it down (two
    retracts sent). A write that changes nothing, issued first, takes the database's write
    lock for the rest of the transaction: the second worker waits, then reads what the first
    committed, as it would behind a row lock on PostgreSQL.
    """
    if not state.is_select or state.statement._for_update_arg is None:  # type: ignore[attr-defined]
        return
    connection = state.session.connection()
    mapper = state.bind_mapper
    if connection.dialect.name != "sqlite" or mapper is None:
        return
    table: Table = mapper.local_table  # type: ignore[assignment]
    [key, *_] = table.primary_key.columns
    connection.execute(update(table).where(false()).values({key.name: key}))


def make_sessionmaker(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``info`` is copied into each (the audit chain's keys ride there)."""
    return sessionmaker(engine, expire_on_commit=False, info=info)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def column_limit(model: Any, column: str) -> int:
    """The length of a VARCHAR column, as the model (and so the migrations) declare it."""
    kind = model.__table__.c[column].type
    assert isinstance(kind, String) and kind.length, f"{model.__name__}.{column} has no length"
    return int(kind.length)
