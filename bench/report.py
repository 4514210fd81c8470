"""``bench/RESULTS.md`` from the latest results in ``bench/out/*.json``.

Run: ``python -m bench.report`` (``python -m bench`` runs everything, then this).
"""

from __future__ import annotations

from typing import Any

from bench.harness import MODERATION_MD, RESULTS_MD, ROOT, load, log


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def machine_section(m: dict[str, Any]) -> str:
    load1, load5, _ = m.get("loadavg_at_start", (0, 0, 0))
    return (
        f"- Date: {m['date']}\n"
        f"- Machine: {m['cpus']} cores ({m['cpu_model'] or 'unknown CPU'}), shared with other "
        f"work and noisy (load average at start {load1:.2f} / {load5:.2f}); load generator, "
        "servers and workers all run on these 2 cores over loopback.\n"
        f"- Python {m['python']} on {m['platform']}.\n"
    )


def profile_lines(profile: dict[str, Any] | None, what: str, top: int = 14) -> list[str]:
    """A py-spy summary: the heaviest frames by share of samples (inclusive)."""
    if not profile or not profile.get("frames"):
        return []
    lines = [
        f"<details><summary>py-spy, {profile['seconds']:g} s of {what} "
        "(inclusive share of samples, our code and the libraries it leans on)</summary>",
        "",
        "| share | frame |",
        "|---:|---|",
    ]
    for frame, share in profile["frames"][:top]:
        short = frame.replace(str(ROOT) + "/", "")
        short = short.split("site-packages/")[-1] if "site-packages/" in short else short
        lines.append(f"| {share:.1f}% | `{short}` |")
    return [*lines, "", "</details>", ""]


def read_path_section(result: dict[str, Any]) -> str:
    lines = [
        "## Public read path (`/graphql`)",
        "",
        f"`{result['command']}`, {result['runs']} runs of {result['seconds']:g} s per scenario "
        "after a 3 s warm-up, scenarios interleaved run by run; medians. The ratio is the median "
        "over runs of (scenario req/s ÷ floor req/s measured in the same round).",
        "",
        "*hot*: a small set of request bodies in turn (a unit's front page, the 2 s response "
        "cache answers most of them). *cold*: every body made unique with a GraphQL comment, so "
        "each request is parsed, validated, executed and queries the database.",
        "",
    ]
    for backend in result["backends"]:
        corpus = backend["corpus"]
        lines += [
            f"### {backend['database']} — {corpus.get('articles', 10_000):,} articles, "
            f"commune {corpus['hot_commune']}, "
            f"province {corpus['province']}",
            "",
            "| scenario | req/s | p50 ms | p99 ms | ratio to floor | non-2xx |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for s in backend["scenarios"].values():
            ratio = s["ratio_to_floor"]
            lines.append(
                f"| {s['title']} | {_f(s['rps'])} | {_f(s['p50_ms'], 2)} | {_f(s['p99_ms'], 2)} "
                f"| {'–' if ratio is None else f'{ratio:.3f}'} | {s['non_2xx']} |"
            )
        lines.append("")
        lines += [f"- {note}" for note in backend.get("notes", [])]
        if backend.get("notes"):
            lines.append("")
        lines += profile_lines(backend.get("profile"), "the Loa process under *list cold* load")
    queries = result["backends"][0]["queries"] if result["backends"] else {}
    if queries:
        lines += [
            "Queries (unit and category vary per request; slugs over a 200-article sample):",
            "",
            "```graphql",
            queries["list"].replace("%s", "…"),
            queries["article"].replace("%s", "…"),
            "```",
            "",
        ]
    return "\n".join(lines)


def fanout_section(result: dict[str, Any]) -> str:
    lines = [
        "## Delivery fan-out (one item → portal targets)",
        "",
        f"One article approved for {result['targets']:,} portal targets on one commune; the "
        f"portal sandbox (`create_sandbox(secret, latency={result['latency']:g})`, its own "
        "uvicorn process) answers every webhook after "
        f"{result['latency'] * 1000:.0f} ms. Real Redis (`{result['redis_url']}`, flushed first), "
        "`loa worker --concurrency N` in its own process group. Wall time runs from the "
        "`approve` call until every delivery row is `delivered`. Ideal = N ÷ latency.",
        "",
    ]
    if result.get("skipped"):
        lines += [f"**Not run:** {result['skipped']}", ""]
        return "\n".join(lines)
    lines += [
        "| database | N | deliveries | approve s | wall s | deliveries/s | ideal/s | "
        "% of ideal | sandbox posts | duplicates | extra attempts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        lines.append(
            f"| {r['database']} | {r['concurrency']} | {r['delivered']:,}/{r['targets']:,} "
            f"| {_f(r['approve_s'], 2)} | {_f(r['wall_s'])} | {_f(r['rate'])} "
            f"| {_f(r['ideal'])} | {_f(100 * r['rate'] / r['ideal'], 0)}% "
            f"| {r['sandbox_published']:,} | {r['sandbox_duplicates']} | {r['extra_attempts']} |"
        )
    lines.append("")
    for note in result.get("notes", []):
        lines.append(f"- {note}")
    if result.get("notes"):
        lines.append("")
    p = result.get("profile")
    if p:
        when = p.get("when", "an extra, untimed run")
        what = f"`loa worker --concurrency {p['concurrency']}` ({when})"
        lines += profile_lines(p, what)
    return "\n".join(lines)


HEADER = (
    "# Loa benchmarks\n\n"
    "Regenerated by `make bench` (`.venv/bin/python -m bench`); each part runs alone too: "
    "`python -m bench.generate`, `python -m bench.read_path`, `python -m bench.fanout`, "
    "`python -m bench.report` (this file from `bench/out/*.json`). Set "
    "`LOA_BENCH_DATABASE_URL` to a scratch PostgreSQL database to add PostgreSQL rows "
    "(its tables are dropped).\n"
)


def replaced(text: str, section: str) -> str:
    """``text`` with the section headed by ``section``'s first line replaced by it (or added)."""
    heading = section.split("\n", 1)[0]
    start = text.find("\n" + heading + "\n")
    if start < 0:
        return text.rstrip() + "\n\n" + section.rstrip() + "\n"
    end = text.find("\n## ", start + 1)
    rest = text[end + 1 :] if end >= 0 else ""
    return text[: start + 1] + section.rstrip() + "\n" + ("\n" + rest if rest else "")


def compose() -> str:
    """This run's sections put in place of the last ones; every other section (runs `make
    bench` does not repeat: chaos, media, web workers, idle CPU, the channels' fan-outs, the
    issue-by-issue records) is kept where it is."""
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else HEADER
    read, fan = load("read_path"), load("fanout")
    m = (read or fan or {}).get("machine")
    if m:
        text = replaced(text, "## Machine\n\n" + machine_section(m))
    if read:
        text = replaced(text, read_path_section(read))
    if fan:
        text = replaced(text, fanout_section(fan))
    chaos = load("chaos")
    if chaos and "lost" in chaos:
        from bench.chaos import section

        text = replaced(text, section(chaos))
    uploads = load("media")
    if uploads:
        from bench.media import section as media_section

        text = replaced(text, media_section(uploads))
    if MODERATION_MD.exists():
        text = replaced(text, MODERATION_MD.read_text(encoding="utf-8"))
    return text.rstrip() + "\n"


def write() -> None:
    RESULTS_MD.write_text(compose(), encoding="utf-8")
    log(f"wrote {RESULTS_MD}")


if __name__ == "__main__":
    write()


def put_section(heading: str, new: str, *, after: str | None = None) -> None:
    """Put one benchmark's section (starting with ``heading``) into ``bench/RESULTS.md``.

    An existing section under ``heading`` is replaced and the others are left as they are; a new
    one goes after the section named ``after`` when there is one, else at the end.
    """
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Loa benchmarks\n"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + 1)
        text = text[:start] + new + (text[end + 1 :] if end != -1 else "")
    elif after is not None and after in text:
        anchor = text.find("\n## ", text.find(after) + 1)
        at = anchor + 1 if anchor > 0 else len(text)
        text = text[:at] + new + "\n" + text[at:]
    else:
        text = text.rstrip() + "\n\n" + new
    RESULTS_MD.write_text(text.rstrip() + "\n", encoding="utf-8")
