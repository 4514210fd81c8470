"""``loa serve --workers N``: several uvicorn processes on uvloop + httptools (issue 19).

The multi-process test runs the real command as a subprocess against a temporary SQLite
database, finds its worker processes through uvicorn's own startup lines and ``/proc``, and
stops it with SIGTERM as a process manager would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from core.cli import main, uvicorn_config, web_app
from core.settings import SettingsError, load_settings
from tests.conftest import _free_port
from tests.support.worker_process import real_redis

ROOT = Path(__file__).resolve().parents[2]
ENROL_TOKEN = "Zq7-secret-enrolment-token-0f3a"
STARTED = re.compile(r"Started server process \[(\d+)\]")


def test_uvicorn_runs_on_uvloop_and_httptools_with_the_redacted_access_log() -> None:
    config = uvicorn_config(
        "core.cli:web_app", host="127.0.0.1", port=8000, log_level="INFO", workers=3, factory=True
    )
    assert (config.loop, config.http) == ("uvloop", "httptools")
    assert (config.workers, config.factory, config.app) == (3, True, "core.cli:web_app")
    access = config.log_config["loggers"]["uvicorn.access"]
    assert access["filters"] == ["loa_access"]  # every worker process redacts its access log
    config.load()  # uvloop and httptools are installed (pinned), so uvicorn resolves them
    assert config.http_protocol_class.__module__ == "uvicorn.protocols.http.httptools_impl"


def test_web_workers_setting_is_read_and_validated(tmp_path: Path) -> None:
    base = {"LOA_VAR_DIR": str(tmp_path)}
    assert load_settings(base).web_workers == 1
    assert load_settings({**base, "LOA_WEB_WORKERS": "4"}).web_workers == 4
    for bad in ("0", "-2", "two"):
        with pytest.raises(SettingsError, match="LOA_WEB_WORKERS"):
            load_settings({**base, "LOA_WEB_WORKERS": bad})


def test_serve_refuses_zero_workers(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--workers", "0"], env={"LOA_VAR_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_web_app_is_built_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LOA_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path}/loa.db")
    app = web_app()
    assert app.state.loa.settings.var_dir == tmp_path
    app.state.loa.close()


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_several_workers_on_the_embedded_defaults_are_refused(tmp_path: Path) -> None:
    # Each process would run its own embedded queue and sweeper on one database.
    result = CliRunner().invoke(
        main, ["serve", "--workers", "2"], env={"LOA_VAR_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "LOA_REDIS_URL" in result.output


def test_serve_with_two_workers_answers_from_two_processes_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "LOA_VAR_DIR": str(tmp_path),
        "LOA_DATABASE_URL": f"sqlite:///{tmp_path}/loa.db",
        "LOA_REDIS_URL": real_redis(),
        "LOA_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }
    loa = [sys.executable, "-m", "core.cli"]
    subprocess.run([*loa, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*loa, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        pids: set[int] = set()
        while len(pids) < 2 or "Application startup complete" not in log.read_text():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            pids = {int(p) for p in STARTED.findall(log.read_text())}
            time.sleep(0.1)
        assert len(pids) == 2
        assert pids <= _children(proc.pid)  # two worker processes under one supervisor

        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            answer = client.post("/graphql", json={"query": "{ __typename }"})
            assert answer.json() == {"data": {"__typename": "Query"}}
            # The access log of every worker process is redacted, as in one process.
            client.get(f"/admin/enrol/{ENROL_TOKEN}")
            client.get("/healthz", params={"access_token": ENROL_TOKEN})

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()
        assert not _children(proc.pid)
        text = log.read_text()
        assert "GET /admin/enrol/[redacted]" in text
        assert ENROL_TOKEN not in text
        for pid in pids:
            assert f"Finished server process [{pid}]" in text
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
