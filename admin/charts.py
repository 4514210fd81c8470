"""Bar charts as server-rendered SVG: no script, no inline style, readable by a screen reader.

Each chart (drawn by the ``ops/chart.html`` macro, autoescaped) is ``<svg role="img">`` named
by its ``<title>`` and described by its ``<desc>``
(which states every value); the table printed beside it is the accessible equivalent. Colours
come from the stylesheet's classes (``bar-0``…), so the page's CSP needs no inline style.
A chart is horizontal bars, one row per subject, each row split into series (stacked), so a
long Vietnamese agency name fits on a phone.

Why not a library: pygal writes ``<style>`` elements and inline script into its SVG (the CSP
refuses both) and leather has no stacked bars nor ``<title>``/``<desc>``; this is the little
they would do here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 560
LABEL_WIDTH = 200
ROW = 28
BAR = 18
TOP = 8
LEGEND = 26


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int | float, ...]


def _ticks(top: float) -> list[int]:
    """Up to five round gridline values from 0 to at least ``top``."""
    step, magnitude = 1, 1
    while top / step > 5:
        step = next((m * magnitude for m in (2, 5, 10) if top / (m * magnitude) <= 5), 0)
        if not step:
            magnitude *= 10
            step = magnitude
    last = -(-int(top) // step) * step  # top, rounded up to a step
    return list(range(0, last + step, step))


@dataclass(frozen=True)
class Bar:
    series: int
    x: float
    width: float


@dataclass(frozen=True)
class Line:
    label: str
    y: float
    bars: tuple[Bar, ...]
    total: float
    end: float


@dataclass(frozen=True)
class Chart:
    """A bar chart's geometry; ``ops/chart.html`` draws it (autoescaped)."""

    id: str
    title: str
    desc: str
    series: tuple[str, ...]
    legend: tuple[tuple[int, float, float, str], ...]
    ticks: tuple[tuple[int, float], ...]
    lines: tuple[Line, ...]
    top: int
    bottom: int
    height: int
    width: int = WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar: int = BAR


def bars(
    chart_id: str,
    title: str,
    series: Sequence[str],
    rows: Sequence[Row],
    *,
    unit: str = "",
) -> Chart:
    """A horizontal (stacked when more than one series) bar chart of ``rows``."""
    ticks = _ticks(max([*(sum(r.values) for r in rows), 1]))
    scale = (WIDTH - LABEL_WIDTH - 40) / ticks[-1]
    legend: list[tuple[int, float, float, str]] = []  # (series, x, y, name), wrapped
    x, y = 8.0, float(TOP)
    for i, name in enumerate(series if len(series) > 1 else ()):
        width = 24 + 7 * len(name)
        if x + width > WIDTH and x > 8:
            x, y = 8.0, y + LEGEND
        legend.append((i, x, y, name))
        x += width
    top = int(y) + LEGEND if legend else TOP
    bottom = top + ROW * max(len(rows), 1)
    lines = []
    for n, row in enumerate(rows):
        x, drawn = float(LABEL_WIDTH), []
        for i, value in enumerate(row.values):
            if value:
                drawn.append(Bar(i, x, value * scale))
                x += value * scale
        label = row.label if len(row.label) <= 25 else row.label[:24] + "…"
        lines.append(Line(label, top + n * ROW + (ROW - BAR) / 2, tuple(drawn), sum(row.values), x))
    facts = "; ".join(
        f"{r.label}: "
        + ", ".join(f"{name} {v:g}" for name, v in zip(series, r.values, strict=True))
        for r in rows
    )
    return Chart(
        id=chart_id,
        title=title,
        desc=f"{facts or '—'} {unit}".strip(),
        series=tuple(series),
        legend=tuple(legend),
        ticks=tuple((t, LABEL_WIDTH + t * scale) for t in ticks),
        lines=tuple(lines),
        top=top,
        bottom=bottom,
        height=bottom + 24,
    )
