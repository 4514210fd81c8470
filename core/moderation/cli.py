"""Line-oriented moderation for scripts and the `loa moderate` command.

Why stdin/stdout parameters: the console command wires real streams, tests pass StringIO.
One JSON verdict per input line, in order, so output lines pair with input lines.
"""

from __future__ import annotations

import json
from typing import TextIO

from core.moderation import Lexicon, moderate


def main(stdin: TextIO, stdout: TextIO) -> int:
    """Read text lines, write one JSON verdict per line; return the exit status (0)."""
    lexicon = Lexicon.default()
    for line in stdin:
        verdict = moderate(line.rstrip("\r\n"), lexicon)
        stdout.write(json.dumps(verdict.as_json(), ensure_ascii=False) + "\n")
    return 0
