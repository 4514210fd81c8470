"""Markup hidden in a file: what makes a "picture" something a browser may run.

A browser that sniffs content (or is told ``text/html`` by a careless proxy) runs markup found at
the start of a file; polyglots (a JPEG that is also an HTML page, a GIF that is also a script)
put it in a comment segment near the start or append it after the image data. Re-encoding
removes every byte that is not pixels, so what Loa serves is clean either way; refusing such a
file as well tells the sender, and the audit trail, that something hostile was sent.

The policy: any of :data:`MARKERS` in the first or last KiB (where sniffers look and where
polyglots put their page), or ``<script`` anywhere in the file (long enough that compressed
pixel data does not produce it by chance: about one 25 MB file in 10¹³).
"""

from __future__ import annotations

from pathlib import Path

#: Byte strings (lower case) that start markup a browser would act on.
MARKERS: tuple[bytes, ...] = (
    b"<script",
    b"<html",
    b"<svg",
    b"<!doctype",
    b"<body",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<?php",
    b"javascript:",
)
_EDGE = 1024
_CHUNK = 1 << 20
_ANYWHERE = b"<script"


def has_markup(data: bytes) -> bool:
    """True when ``data`` holds a marker, in ASCII or in UTF-16 (NULs between letters)."""
    folded = data.replace(b"\x00", b"").lower()
    return any(marker in folded for marker in MARKERS)


def carries_markup(path: Path) -> bool:
    """True when the file has markup at either edge or a script tag anywhere (streamed)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if has_markup(fh.read(_EDGE)):
            return True
        fh.seek(max(0, size - _EDGE))
        if has_markup(fh.read(_EDGE)):
            return True
        fh.seek(0)
        overlap = b""
        while chunk := fh.read(_CHUNK):
            window = (overlap + chunk).lower()
            if _ANYWHERE in window:
                return True
            overlap = window[-(len(_ANYWHERE) - 1) :]
    return False
