"""Labelled examples written out as JSON lines or CSV, for a unit admin's spreadsheet or script."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from core.interactions.labels import Label


def write_labels(rows: Iterable[Label], out: TextIO, fmt: str = "jsonl") -> int:
    """Write ``rows`` to ``out`` as ``jsonl`` or ``csv`` (with a header); return how many."""
    count = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(Label._fields)
    for row in rows:
        values = {**row._asdict(), "decided_at": row.decided_at.isoformat()}
        if writer is not None:
            writer.writerow(values.values())
        else:
            out.write(json.dumps(values, ensure_ascii=False) + "\n")
        count += 1
    return count
