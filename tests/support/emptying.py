"""Emptying the test database between tests, fast on PostgreSQL.

``TRUNCATE`` of every table gives each table new files, even an empty one: about 0.2 s for the
~50 tables on a quiet machine (seconds under load), twice per test, which was the better part
of the PostgreSQL half of CI. A test fills only a few tables, so instead: lock every table
(the same barrier ``TRUNCATE`` is: a transaction still writing finishes first), delete the
rows of the tables that have any (those that reference others first), and restart the
sequences of the tables that used theirs. What remains is what ``TRUNCATE ... RESTART
IDENTITY`` leaves: empty tables whose next id is 1 (``tests/test_emptying.py`` compares them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text

#: The sequences owned by the given tables (serial and identity columns) that have handed out
#: a value since they were last restarted.
USED_SEQUENCES = text(
    """
    SELECT quote_ident(n.nspname) || '.' || quote_ident(s.relname)
    FROM pg_class s
    JOIN pg_namespace n ON n.oid = s.relnamespace
    JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = s.relname
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
        AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.relkind = 'S' AND ps.last_value IS NOT NULL AND n.nspname = current_schema()
        AND t.relname IN :tables
    """
).bindparams(bindparam("tables", expanding=True))


def empty_postgresql(conn: Any, tables: list[str]) -> None:
    """Empty ``tables`` (ordered so that a table comes before those it references) and restart
    their sequences, in the caller's transaction."""
    conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE"))
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in tables)
    filled = {row[0] for row in conn.execute(text(probe))}
    for table in tables:
        if table in filled:
            conn.execute(text(f"DELETE FROM {table}"))
    for sequence in conn.execute(USED_SEQUENCES, {"tables": tables}).scalars().all():
        conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


def truncate_postgresql(conn: Any, tables: list[str]) -> None:
    """The slow way, which :func:`empty_postgresql` must match."""
    conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
