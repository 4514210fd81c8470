"""HTTP Range (RFC 9110 §14) for one byte range: what video seeking and resumed downloads use.

Several ranges in one request (multipart/byteranges) are answered with the whole file, which
the RFC allows; a range that cannot be satisfied is a 416.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(ValueError):
    """The range lies outside the file: answer 416 with ``Content-Range: bytes */size``."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for a ``Range`` header, None for the whole file."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: ignoring Range is always allowed
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable()
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or end < start:
        raise Unsatisfiable()
    return start, end
