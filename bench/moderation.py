"""Benchmark: short comments per second on one core, our engine vs better-profanity.

Run: python bench/moderation.py [--runs 5]
Prints a markdown section (for bench/RESULTS.md). Lines come from the moderation corpus
(tests/core/moderation/corpus), made distinct with a counter so no per-text cache can help;
per-token caches are part of the engine and stay warm, as they would in production.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.moderation import Lexicon, moderate  # noqa: E402

CORPUS = ROOT / "tests" / "core" / "moderation" / "corpus"


def comments(limit: int, novel_words: bool = False) -> list[str]:
    """Short comment-sized lines from the corpus, each made unique.

    By a counter ("#123"), or with ``novel_words`` by a word never seen before ("zq1f"), so
    every line also misses the per-token cache once: the harder case.
    """
    base: list[str] = []
    for name in ("clean.tsv", "flagged.tsv", "variants.tsv", "seeds.tsv"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                text = line.split("\t", 1)[1]
                if len(text) <= 160:
                    base.append(text)
    if novel_words:
        return [f"{base[i % len(base)]} zq{i:x}" for i in range(limit)]
    return [f"{base[i % len(base)]} #{i}" for i in range(limit)]


def rate(check: Callable[[str], object], lines: list[str], runs: int) -> float:
    """Median lines per second of this process's CPU time over several runs.

    CPU time, not wall time: the benchmark machine is shared, and what we want to know is
    what one core can do; time spent waiting for the CPU while others run is not ours.
    """
    rates = []
    for _ in range(runs):
        start = time.process_time()
        for line in lines:
            check(line)
        rates.append(len(lines) / (time.process_time() - start))
    return statistics.median(rates)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=20000)
    args = parser.parse_args()
    lines = comments(args.lines)
    lexicon = Lexicon.default()
    for line in lines[:2000]:
        moderate(line, lexicon)  # warm up

    def ours(text: str) -> object:
        return moderate(text, lexicon)

    ours_rate = rate(ours, lines, args.runs)
    novel = comments(args.lines, novel_words=True)
    novel_rate = rate(ours, novel, args.runs)
    try:
        from better_profanity import profanity

        profanity.load_censor_words()
        bp_lines = lines[: max(1, args.lines // 20)]
        bp_rate: float | None = rate(profanity.contains_profanity, bp_lines, args.runs)
    except ImportError:
        bp_rate = None
    out = [
        "## Moderation",
        "",
        f"`python bench/moderation.py --runs {args.runs} --lines {args.lines}` "
        f"(Python {platform.python_version()}, one core, {len(lines)} distinct comments, "
        f"median of {args.runs} runs, per second of process CPU time)",
        "",
        "| engine | comments/s |",
        "|---|---:|",
        f"| core.moderation (Loa) | {ours_rate:,.0f} |",
        f"| core.moderation (Loa), every line with a never-seen word | {novel_rate:,.0f} |",
    ]
    if bp_rate is not None:
        out.append(f"| better-profanity {_version('better-profanity')} | {bp_rate:,.0f} |")
        out += ["", f"Ratio: **{ours_rate / bp_rate:,.0f}×** better-profanity's rate."]
    out += ["", "Targets: ≥ 50,000 comments/s and ≥ 100× better-profanity.", ""]
    sys.stdout.write("\n".join(out))
    return 0


def _version(name: str) -> str:
    from importlib import metadata

    return metadata.version(name)


if __name__ == "__main__":
    raise SystemExit(main())
