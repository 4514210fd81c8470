"""English versions of what Decree 42/2022 Art. 7(2) wants in English (C8): the unit's
organisation, functions and duties (its profile) and its official contacts (the directory).

A row keeps when its Vietnamese text and its English text last changed; an English version
older than the Vietnamese it translates is *stale* (the checklist: "flag EN items as stale when
the VI source changes"), shown as ``englishStale`` in the API and listed by the compliance
report and the daily alerts.
"""

from __future__ import annotations

from typing import Any

from core.db import utcnow
from core.govcontent.fields import Form

#: Vietnamese column → its English column, per type.
PROFILE = {"introduction_html": "introduction_en_html", "functions_html": "functions_en_html"}
DIRECTORY = {"title": "title_en", "body": "body_en"}


def track(form: Form, row: Any, pairs: dict[str, str]) -> None:
    """Stamp ``vi_changed_at``/``en_changed_at`` for the side(s) this save really changes."""
    now = utcnow()

    def changed(column: str) -> bool:
        return column in form.out and form.out[column] != getattr(row, column, None)

    if any(changed(vi) for vi in pairs):
        form.out["vi_changed_at"] = now
    if any(changed(en) for en in pairs.values()):
        form.out["en_changed_at"] = now


def has_english(row: Any, pairs: dict[str, str]) -> bool:
    """Every English counterpart of a non-empty Vietnamese field is written."""
    return all(getattr(row, en) for vi, en in pairs.items() if getattr(row, vi))


def stale(row: Any) -> bool:
    """The Vietnamese changed after the English was last written."""
    vi, en = row.vi_changed_at, row.en_changed_at
    return vi is not None and en is not None and vi > en
