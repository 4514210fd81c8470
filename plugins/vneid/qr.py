"""The QR code of the kit: the canonical item's address, for the operator's phone and the
printed letter (segno, pure Python, pinned)."""

from __future__ import annotations

import io

import segno


def svg(url: str) -> str:
    """An SVG QR code of ``url`` (error correction M, scale 4), as text for the kit."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode("utf-8")


def png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6)
    return out.getvalue()
