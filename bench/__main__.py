"""``python -m bench`` (``make bench``): every benchmark in turn, then ``bench/RESULTS.md``.

Options are passed through: ``--runs``/``--duration`` to the read path,
``--targets``/``--concurrency``/``--timeout`` to the fan-out; ``--only`` picks parts.
``python -m bench chaos [options]`` runs the delivery chaos run alone (``bench.chaos``);
``python -m bench media`` the media uploads (``bench.media``), ``python -m bench idle`` the
CPU of an idle ``loa demo`` and ``loa worker`` (``bench.idle``), ``python -m bench facebook`` the
fan-out to Facebook Page targets (``bench.fanout_facebook``), each writing its own section.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import fanout, generate, read_path, report
from bench.harness import log, sqlite_url

PARTS = ("generate", "read_path", "fanout")


def main() -> None:
    if sys.argv[1:2] == ["chaos"]:
        from bench import chaos

        sys.argv = [f"{sys.argv[0]} chaos", *sys.argv[2:]]
        chaos.main()
        return
    if sys.argv[1:2] == ["idle"]:
        from bench import idle

        idle.main()
        return
    if sys.argv[1:2] == ["facebook"]:
        from bench import fanout_facebook

        sys.argv = [f"{sys.argv[0]} facebook", *sys.argv[2:]]
        fanout_facebook.main()
        return
    if sys.argv[1:2] == ["media"]:
        from bench import media

        media.main()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--targets", type=int, default=fanout.TARGETS)
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(fanout.CONCURRENCY))
    parser.add_argument("--timeout", type=float, default=fanout.TIMEOUT)
    args = parser.parse_args()
    started = time.monotonic()
    if "generate" in args.only:
        generate.generate(sqlite_url("read", fresh=True))
    if "read_path" in args.only:
        # A PostgreSQL corpus, when named, is (re)built by the read path itself.
        read_path.run(args.runs, args.duration, regenerate=False)
    if "fanout" in args.only:
        fanout.run(args.targets, tuple(args.concurrency), args.timeout)
    report.write()
    log(f"all benchmarks done in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
