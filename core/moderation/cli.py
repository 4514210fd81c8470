"""Line-oriented moderation for scripts and the `loa moderate` command.

Why stdin/stdout parameters: the console command wires real streams, tests pass StringIO.
One JSON verdict per input line, in order, so output lines pair with input lines; with
``explain``, one explanation per line instead (``core.moderation.explain``).

Why a line limit: a line is read whole before it is judged, so one 50 MB line held the
process for minutes and all of that memory. Lines are read in chunks of at most the
limit; an over-long line is drained chunk by chunk, answered with an error verdict in its
place, and the run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from core.moderation import Lexicon, moderate
from core.moderation.explain import explain as explain_line

#: Characters per line: far above any article (bodies are judged as text, a few thousand words).
MAX_LINE = 100_000


def bounded_lines(stream: TextIO, limit: int) -> Iterator[str | None]:
    """Each line without its ending, or ``None`` for a line longer than ``limit`` characters.

    Never holds more than ``limit + 2`` characters (room for ``\r\n``) of one line in memory.
    """
    size = limit + 2
    while True:
        chunk = stream.readline(size)
        if not chunk:
            return
        text = chunk.rstrip("\r\n")
        if len(text) <= limit and (chunk.endswith("\n") or len(chunk) < size):
            yield text
            continue
        while not chunk.endswith("\n"):
            chunk = stream.readline(size)
            if not chunk:
                break
        yield None


def main(stdin: TextIO, stdout: TextIO, max_line: int = MAX_LINE, explain: bool = False) -> int:
    """Read text lines, write one JSON verdict (or explanation) per line; return 0."""
    lexicon = Lexicon.default()
    for line in bounded_lines(stdin, max_line):
        if line is None:
            answer: dict[str, object] = {"error": "line too long", "limit": max_line}
        else:
            answer = explain_line(line, lexicon) if explain else moderate(line, lexicon).as_json()
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0
