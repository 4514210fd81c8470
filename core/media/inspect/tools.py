"""Running the external checkers (ffprobe, ffmpeg, pdftoppm) on a hostile file.

No shell, no standard input, a time limit, and output captured (never logged: it quotes the
file). A checker that overruns is killed and the file is refused as unreadable, so a crafted
file costs at most the timeout. A checker that is not installed is the operator's problem.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from core.media.inspect.refusal import MediaRefused, MediaToolMissing


def run_tool(args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``args`` (program first); :class:`MediaRefused` ``corrupt`` if it overruns."""
    try:
        return subprocess.run(  # noqa: S603 - a fixed program and our own arguments, no shell
            list(args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        missing = f"{args[0]} is not installed (Debian packages ffmpeg, poppler-utils)"
        raise MediaToolMissing(missing) from None
    except subprocess.TimeoutExpired:
        raise MediaRefused("corrupt", f"not read within {timeout:g} s") from None


def file_url(path: Path) -> str:
    """``path`` as ffmpeg's ``file:`` URL, so no name is read as an option or another protocol."""
    return "file:" + str(path.resolve())
