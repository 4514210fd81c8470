"""What every benchmark shares: paths, settings, server subprocesses, results on disk.

Servers run in their own process groups (uvicorn, workers), started and stopped
by id here, so the process that measures is never the process measured.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
MODERATION_MD = ROOT / "bench" / "results" / "moderation.md"
PYTHON = sys.executable
#: A PostgreSQL URL to run the database-bound benchmarks against as well (optional).
PG_URL_VAR = "LOA_BENCH_DATABASE_URL"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_url(name: str, *, fresh: bool) -> str:
    """A SQLite file under ``bench/out``; ``fresh`` removes it (and its WAL) first."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.db"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def databases(name: str) -> list[tuple[str, str]]:
    """``(label, url)`` of every backend to run on: SQLite, plus PostgreSQL when named."""
    found = [("sqlite", sqlite_url(name, fresh=False))]
    pg = os.environ.get(PG_URL_VAR)
    if pg:
        found.append(("postgresql", pg))
    return found


def secret_key() -> str:
    """One Fernet key for every process of a run (the web app, workers, the generator)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "secret.key"
    if not path.exists():
        from core.secrets import new_key

        path.write_text(new_key())
    return path.read_text().strip()


def loa_env(database_url: str, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a Loa process in a benchmark (``LOA_*`` as in production)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(
        LOA_ENV="dev",
        LOA_DATABASE_URL=database_url,
        LOA_SECRET_KEYS=secret_key(),
        LOA_VAR_DIR=str(OUT),
        LOA_LOG_LEVEL="WARNING",
        LOA_OUTBOUND_ALLOW_NETWORKS="127.0.0.0/8",  # the sandboxes run on loopback
        # The load comes from one address: counted (its cost is measured), never refused.
        LOA_GRAPHQL_RATE_LIMIT=str(10**9),
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["LOA_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def settings_for(database_url: str, redis_url: str | None = None, **extra: str) -> Settings:
    return load_settings(loa_env(database_url, redis_url, **extra))


class Process:
    """A child in its own process group, so stopping it stops what it forked (and only that)."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self.name = name
        OUT.mkdir(parents=True, exist_ok=True)
        self.log_path = OUT / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
            except ProcessLookupError:
                pass
        self._log.close()

    def tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def loa_process(
    name: str, args: Sequence[str], env: Mapping[str, str], *, safe_path: bool = False
) -> Process:
    """``loa <args>`` (``python -m core.cli``) in its own process group, logged to ``OUT``.

    ``safe_path`` (``-P``) imports Loa from ``PYTHONPATH`` rather than the working directory,
    for measuring another checkout.
    """
    return Process(name, [PYTHON, *(["-P"] if safe_path else []), "-m", "core.cli", *args], env)


def uvicorn(
    name: str, factory: str, env: Mapping[str, str], port: int, ready: str = "/healthz"
) -> Process:
    """``uvicorn --factory`` on loopback, one worker process, no access log (as ``loa serve``)."""
    argv = [
        PYTHON, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
        "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    proc = Process(name, argv, env)
    wait_http(proc, f"http://127.0.0.1:{port}{ready}")
    return proc


def wait_http(proc: Process, url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited early:\n{proc.tail()}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.stop()
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout:.0f}s:\n{proc.tail()}")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def save(name: str, data: Mapping[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return path


def load(name: str) -> dict[str, Any] | None:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def py_spy() -> str | None:
    """py-spy from the venv or PATH, if installed (``pip install py-spy``)."""
    import shutil

    local = Path(PYTHON).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


#: Frames worth naming in a profile summary: ours, and the libraries we lean on.
_INTERESTING = ("core/", "plugins/", "ssl.py", "httpx/", "sqlalchemy/", "strawberry/", "graphql/")


def profile(pid: int, seconds: float, name: str) -> list[tuple[str, float]] | None:
    """Sample ``pid`` and its children with py-spy; the heaviest frames by inclusive share."""
    spy = py_spy()
    if spy is None:
        return None
    raw = OUT / f"profile-{name}.txt"
    argv = [spy, "record", "-p", str(pid), "--subprocesses", "--nonblocking", "-r", "50"]
    argv += ["-d", f"{seconds:g}", "-f", "raw", "-o", str(raw)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0 or not raw.exists():
        log(f"py-spy could not sample {pid}: {done.stderr.strip()[-300:]}")
        return None
    return summarize(raw)


def summarize(raw: Path, top: int = 25) -> list[tuple[str, float]]:
    """The heaviest frames of a py-spy ``raw`` profile, by inclusive share of samples."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        seen = set()
        for frame in stack.split(";"):
            func, _, where = frame.partition(" (")
            path = where.rsplit(":", 1)[0]
            key = f"{func} ({path})"
            if key not in seen and any(mark in path for mark in _INTERESTING):
                seen.add(key)
                inclusive[key] = inclusive.get(key, 0) + int(count)
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])
    return [(k, round(100 * v / total, 1)) for k, v in ranked[:top]] if total else []


class ProfileThread(threading.Thread):
    """:func:`profile` in the background, ``delay`` seconds after start, while a load runs."""

    def __init__(self, pid: int, seconds: float, name: str, delay: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.target_pid, self.seconds, self.label, self.delay = pid, seconds, name, delay
        self.frames: list[tuple[str, float]] | None = None

    def run(self) -> None:
        time.sleep(self.delay)
        self.frames = profile(self.target_pid, self.seconds, self.label)
