"""Files a check writes into the caller's work directory, removed again if the check fails.

"A file that fails leaves nothing behind": every output is registered here before it is
written, and a refusal (or any other error) unlinks all of them before it propagates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Outputs:
    """The paths one check has created (or is about to create) in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.paths: list[Path] = []

    def new(self, name: str) -> Path:
        """A fresh path in ``workdir`` for an output; an older file of that name is replaced."""
        path = self.workdir / name
        self.paths.append(path)
        return path


@contextmanager
def outputs(workdir: Path) -> Iterator[Outputs]:
    """Yield an :class:`Outputs`; on any exception remove what it registered, then re-raise."""
    workdir.mkdir(parents=True, exist_ok=True)
    made = Outputs(workdir)
    try:
        yield made
    except BaseException:
        for path in made.paths:
            path.unlink(missing_ok=True)
        raise
