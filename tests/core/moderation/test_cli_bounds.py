"""`loa moderate` bounds a line: an over-long one gets an error verdict and the run goes on."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from core.cli import main as loa
from core.moderation.cli import MAX_LINE, main


class ChunkRecorder(io.StringIO):
    """A stdin that records the largest piece any read handed out."""

    largest = 0

    def readline(self, size: int | None = -1, /) -> str:
        line = super().readline(size)
        self.largest = max(self.largest, len(line))
        return line

    def __next__(self) -> str:
        line = super().__next__()
        self.largest = max(self.largest, len(line))
        return line


def test_an_over_long_line_gets_an_error_verdict_and_the_run_goes_on() -> None:
    huge = "a" * (3 * MAX_LINE + 17)
    stdin = ChunkRecorder(f"chào bạn\n{huge}\nđm\n{'b' * MAX_LINE}\n{huge}")
    out = io.StringIO()
    assert main(stdin, out) == 0
    verdicts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(verdicts) == 5  # output lines still pair with input lines
    assert verdicts[0] == {"decision": "allow", "spans": []}
    assert verdicts[1] == {"error": "line too long", "limit": MAX_LINE}
    assert verdicts[2]["decision"] == "block"
    assert verdicts[3] == {"decision": "allow", "spans": []}  # exactly at the limit: judged
    assert verdicts[4] == {"error": "line too long", "limit": MAX_LINE}  # last, no newline
    assert stdin.largest <= MAX_LINE + 2  # never more than one bounded chunk in memory


def test_the_limit_counts_characters_not_line_endings() -> None:
    out = io.StringIO()
    main(io.StringIO("abcd\r\nabcde\nabc"), out, max_line=4)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"decision": "allow", "spans": []},
        {"error": "line too long", "limit": 4},
        {"decision": "allow", "spans": []},
    ]


def test_invalid_utf8_on_stdin_is_judged_not_a_crash() -> None:
    result = CliRunner().invoke(loa, ["moderate"], input=b"ok\n\xff\xfe bad\n" + "đm\n".encode())
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in result.output.splitlines()]
    assert [v["decision"] for v in verdicts] == ["allow", "allow", "block"]


def test_a_line_at_the_limit_is_judged_in_linear_time() -> None:
    """Lines at the limit used to take minutes: decoding Telex and nesting spans were quadratic.

    (No timing assertion: before the fix this test simply did not finish in any CI budget.)
    """
    repeated = "đụ " * (MAX_LINE // 3)
    letters = "w" * MAX_LINE
    out = io.StringIO()
    main(io.StringIO(f"{repeated}\n{letters}\n"), out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["decision"] == "block" and len(first["spans"]) == MAX_LINE // 3
    assert second == {"decision": "allow", "spans": []}
