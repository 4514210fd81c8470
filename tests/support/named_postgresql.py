"""The PostgreSQL server a PostgreSQL-only test uses on either half of CI.

The PostgreSQL half names its database (``LOA_TEST_DATABASE_URL``); the embedded half names a
server for these tests alone (``LOA_TEST_PG_FOR_MIGRATIONS``), so they never skip in CI.
"""

from __future__ import annotations

import os

import pytest


def named_postgresql(what: str) -> str:
    """The URL of the named PostgreSQL; none named, fail under CI and skip elsewhere."""
    base = os.environ.get("LOA_TEST_DATABASE_URL") or os.environ.get("LOA_TEST_PG_FOR_MIGRATIONS")
    if not base:
        if os.environ.get("CI"):
            raise AssertionError(f"CI must name a PostgreSQL server for {what}")
        pytest.skip(f"no PostgreSQL named (LOA_TEST_DATABASE_URL) for {what}")
    return base
