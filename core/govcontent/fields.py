"""Reading untrusted input of a government content type into column values, or every error.

One :class:`Form` per save: each reader takes a field if given (all fields on a create, only
the given ones on an edit), normalises it (NFC, trimmed, sanitised HTML, aware UTC times) and
checks it against its column's length, so the database never sees a value it would refuse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from core.content.validation import MAX_BODY, UNSTORABLE, sanitise_html
from core.db import column_limit
from core.errors import ValidationFailed
from core.govcontent.media import usable_asset
from core.media.models import MediaKind
from core.text import nfc, storable
from core.units.models import Unit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Vietnamese phone numbers as written: digits, spaces, dots, dashes, a leading + or (0xx).
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,20}$")
MAX_TEXT = 5000
_SKIP = object()  # nothing (more) to read: absent, empty or already refused
_BAD = object()  # a string that does not parse


class Form:
    """The fields of one save; ``partial`` (an edit) reads only the fields given."""

    def __init__(self, data: Mapping[str, Any], model: Any, *, partial: bool) -> None:
        self.data = data
        self.model = model
        self.partial = partial
        self.out: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        for key, value in data.items():
            if isinstance(value, str) and not storable(value):
                self.errors[key] = UNSTORABLE

    def _wanted(self, name: str, required: bool) -> bool:
        if name in self.errors:
            return False
        given = name in self.data and self.data[name] not in (None, "")
        if required and not given and (not self.partial or name in self.data):
            self.errors[name] = "is required"
            return False
        return name in self.data

    def text(self, name: str, *, required: bool = False, column: str | None = None) -> None:
        """One line or a paragraph of plain text, within its column (or MAX_TEXT for TEXT)."""
        if not self._wanted(name, required):
            return
        value = nfc(str(self.data[name] or "")).strip()
        kind = self.model.__table__.c[column or name].type
        limit = column_limit(self.model, column or name) if getattr(kind, "length", 0) else MAX_TEXT
        if len(value) > limit:
            self.errors[name] = f"at most {limit} characters"
        self.out[column or name] = value

    def html(self, name: str, column: str) -> None:
        """Rich text: sanitised HTML (the articles' allowlist)."""
        if not self._wanted(name, False):
            return
        value = str(self.data[name] or "")
        if len(value) > MAX_BODY:
            self.errors[name] = f"at most {MAX_BODY} characters"
        else:
            self.out[column] = sanitise_html(value)

    def choice(self, name: str, choices: Collection[str], *, required: bool = True) -> None:
        if not self._wanted(name, required):
            return
        value = str(self.data[name] or "")
        if value not in choices:
            self.errors[name] = f"must be one of {sorted(choices)}"
        self.out[name] = value

    def url(self, name: str, *, required: bool = False) -> None:
        if not self._wanted(name, required):
            return
        value = str(self.data[name] or "").strip()
        if value and urlsplit(value).scheme not in ("http", "https"):
            self.errors[name] = "must be an http(s) URL"
        elif len(value) > column_limit(self.model, name):
            self.errors[name] = f"at most {column_limit(self.model, name)} characters"
        self.out[name] = value

    def email(self, name: str) -> None:
        if not self._wanted(name, False):
            return
        value = str(self.data[name] or "").strip().lower()
        if value and (not _EMAIL.match(value) or len(value) > column_limit(self.model, name)):
            self.errors[name] = "must be an e-mail address"
        self.out[name] = value

    def phone(self, name: str) -> None:
        if not self._wanted(name, False):
            return
        value = " ".join(str(self.data[name] or "").split())
        if value and not _PHONE.match(value):
            self.errors[name] = "must be a phone number (digits, spaces, dots, dashes)"
        self.out[name] = value

    def integer(self, name: str, low: int, high: int, *, required: bool = False) -> None:
        if not self._wanted(name, required):
            return
        value = self.data[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.errors[name] = f"must be a whole number from {low} to {high}"
            return
        self.out[name] = value

    def _parsed(self, name: str, required: bool, parse: Callable[[str], Any]) -> Any:
        """The field's value (parsed from a string by ``parse``), None, or ``_SKIP``."""
        if not self._wanted(name, required):
            return _SKIP
        value = self.data[name]
        if value in (None, ""):
            self.out[name] = None
            return _SKIP
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                return _BAD
        return value

    def date(self, name: str, *, required: bool = False) -> None:
        value = self._parsed(name, required, dt.date.fromisoformat)
        if value is _SKIP:
            return
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.errors[name] = "must be a date (YYYY-MM-DD)"
            return
        self.out[name] = value

    def time(self, name: str, *, required: bool = False) -> None:
        """An aware date-time, stored in UTC (shown in Asia/Ho_Chi_Minh)."""
        value = self._parsed(name, required, dt.datetime.fromisoformat)
        if value is _SKIP:
            return
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            self.errors[name] = "must be an ISO 8601 date-time with a time zone"
            return
        self.out[name] = value.astimezone(dt.UTC)

    def asset(self, session: Session, name: str, column: str, unit: Unit, kind: MediaKind) -> None:
        """A library item of ``kind`` the unit may use, by its id; empty clears it."""
        if not self._wanted(name, False):
            return
        if not self.data[name]:
            self.out[column] = None
            return
        try:
            self.out[column] = usable_asset(session, str(self.data[name]), unit, kind, name)
        except ValidationFailed as exc:
            self.errors.update(exc.fields)

    def order(self, first: str, then: str, current: Any = None, *, strict: bool = True) -> None:
        """``then`` must come after ``first`` (``current`` row fills in what an edit left out)."""
        start = self.out.get(first, getattr(current, first, None))
        end = self.out.get(then, getattr(current, then, None))
        if start is not None and end is not None and (end <= start if strict else end < start):
            self.errors.setdefault(then, f"must be after {first}")

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationFailed(self.errors)
        return self.out
