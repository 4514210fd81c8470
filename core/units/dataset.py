"""The packaged administrative-unit data (``vietnamadminunits``), opened read-only.

Both the unit tree (``core.units.sync``) and the old→2025 map (``core.units.succession``)
read the same SQLite file shipped with the package.
"""

from __future__ import annotations

import sqlite3
from importlib import resources


def open_dataset() -> sqlite3.Connection:
    """A read-only connection to the package's ``dataset.db``."""
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
