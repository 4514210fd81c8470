"""Attack 4 of security issue 8: secrets in logs.

uvicorn's access log wrote ``GET /admin/enrol/<token>``, a link valid for 72 hours.
Here every flow runs against a real uvicorn server built by the config of ``loa
serve`` (``core.cli.uvicorn_config``, through the ``serve`` fixture) with every logger
at DEBUG captured, then the capture is searched for each secret the flows handled:
the enrolment token, session ids, CSRF tokens, the password, the TOTP secret and
codes, recovery codes, the API token and the channel's credential.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pyotp
import pytest
from click.testing import CliRunner

from core.actions import targets
from core.app import create_app
from core.auth import totp
from core.auth.permissions import SYSTEM
from core.cli import main
from core.context import Context
from core.log_redaction import redact
from plugins.portal.sandbox import create_sandbox
from tests.core.auth.conftest import Clock
from tests.support.pipeline import COMMUNE, SECRET, sandbox_get, wait_for

PASSWORD = "Cẩm-Thủy-2026-an-toàn"
CREATE = """mutation($input: ArticleInput!) { createArticle(input: $input) {
  __typename ... on ArticleResult { article { id } } } }"""
APPROVE = """mutation($id: ID!) { approveArticle(id: $id) {
  __typename ... on ArticleResult { article { status } } } }"""


class Capture(logging.Handler):
    """Every record of every logger, formatted with its traceback, as one text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.test_thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        # The test's own HTTP client logs the URLs it requests: that is the test, not Loa.
        if record.thread == self.test_thread and record.name.startswith(("httpx", "httpcore")):
            return
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def capture_all_logs() -> Iterator[Callable[[], Capture]]:
    """Call once the servers run (their logging config is applied then): capture starts."""
    installed: list[tuple[logging.Logger, int, bool]] = []
    capture = Capture()

    def start() -> Capture:
        root = logging.getLogger()
        loggers = [root] + [
            lg for lg in root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
        ]
        for lg in loggers:
            installed.append((lg, lg.level, lg is root or not lg.propagate))
            lg.setLevel(logging.DEBUG)
            if lg is root or not lg.propagate:
                lg.addHandler(capture)
        return capture

    yield start
    for lg, level, handled in installed:
        lg.setLevel(level)
        if handled:
            lg.removeHandler(capture)


class Secrets:
    """Every secret value a flow handled."""

    def __init__(self) -> None:
        self.values: dict[str, set[str]] = {}

    def add(self, kind: str, value: str) -> None:
        assert value, kind
        self.values.setdefault(kind, set()).add(value)

    def hook(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            value = header.split(";", 1)[0].split("=", 1)[1]
            if value and value != '""':
                self.add("session id", value)
        if "text/html" in response.headers.get("content-type", ""):
            response.read()
            for csrf in re.findall(r'name="csrf_token" value="([^"]+)"', response.text):
                self.add("CSRF token", csrf)


def csrf_of(response: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, response.text[:300]
    return match.group(1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(totp, "time", c)
    return c


def test_no_secret_of_any_flow_reaches_any_log(
    ctx: Context,
    tree: Any,
    serve: Callable[..., Any],
    clock: Clock,
    capture_all_logs: Callable[[], Capture],
) -> None:
    sandbox = serve(create_sandbox(SECRET))
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng thông tin xã Cẩm Thủy",
            "plugin": "portal",
            "unit_code": COMMUNE,
            "settings": {"webhook_url": f"{sandbox.url}/sites/{COMMUNE}/webhook"},
            "secrets": {"webhook_secret": SECRET},
        },
    )
    targets.update_target(ctx, SYSTEM, target.id, {"gates": []})
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=True), log_level="debug")
    logs = capture_all_logs()
    found = Secrets()
    found.add("password", PASSWORD)
    found.add("channel credential", SECRET)

    # An admin is created and enrols through the printed link.
    env = {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        "LOA_BASE_URL": server.url,
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    }
    out = CliRunner().invoke(main, ["user", "create", "chi", "--unit", "38"], env=env)
    assert out.exit_code == 0, out.output
    link = re.search(re.escape(server.url) + r"(/admin/enrol/(\S+))", out.output)
    assert link
    found.add("enrolment token", link.group(2))
    web = httpx.Client(base_url=server.url, event_hooks={"response": [found.hook]}, timeout=10)
    form = web.get(link.group(1))
    done = web.post(
        link.group(1),
        data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf_of(form)},
    )
    assert done.headers["location"] == "/admin/enrol", done.text
    page = web.get("/admin/enrol")
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page.text)
    assert key
    secret = key.group(1).replace(" ", "")
    found.add("TOTP secret", secret)
    code = pyotp.TOTP(secret).at(clock.now)
    found.add("TOTP code", code)
    ok = web.post("/admin/enrol", data={"code": code, "csrf_token": csrf_of(page)})
    assert ok.headers["location"] == "/admin/enrol/codes"
    for recovery in re.findall(r"<code>([a-z0-9-]{19})</code>", web.get("/admin/enrol/codes").text):
        found.add("recovery code", recovery)
    web.post("/admin/logout", data={"csrf_token": csrf_of(web.get("/admin/"))})

    # Sign in again: password, then a code of a later step.
    clock.step()
    page = web.get("/admin/login")
    signed = web.post(
        "/admin/login",
        data={"username": "chi", "password": PASSWORD, "csrf_token": csrf_of(page)},
    )
    assert signed.headers["location"] == "/admin/login/code"
    page = web.get("/admin/login/code")
    code = pyotp.TOTP(secret).at(clock.now)
    found.add("TOTP code", code)
    done = web.post("/admin/login/code", data={"code": code, "csrf_token": csrf_of(page)})
    assert done.headers["location"] == "/admin/"

    # An API token, made on the admin page and used as a Bearer token: a delivery follows.
    made = web.post(
        "/admin/tokens",
        data={
            "name": "cms",
            "scopes": ["read", "write", "publish"],
            "days": "30",
            "csrf_token": csrf_of(web.get("/admin/")),
        },
    )
    token = re.search(r'id="new-token">(loa_[^<]+)<', made.text)
    assert token, made.text[:500]
    found.add("API token", token.group(1))
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token.group(1)}"}, timeout=10
    )

    def manage(query: str, **variables: Any) -> dict[str, Any]:
        response = api.post("/api/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        return response.json()["data"]  # type: ignore[no-any-return]

    article = {
        "title": "Thông báo lịch tiêm chủng",
        "summary": "Lịch tiêm chủng tháng 12.",
        "bodyHtml": "<p>Mang theo CCCD.</p>",
        "coverUrl": "https://example.org/anh.jpg",
        "coverCaption": "Trạm y tế xã",
        "unitCode": COMMUNE,
    }
    uid = manage(CREATE, input=article)["createArticle"]["article"]["id"]
    assert manage(APPROVE, id=uid)["approveArticle"]["article"]["status"] == "PUBLISHED"
    wait_for(lambda: sandbox_get(sandbox, f"/sites/{COMMUNE}/articles")["articles"])
    unauthorised = httpx.post(
        f"{server.url}/api/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {token.group(1)[:-2]}xx"},
    )
    assert unauthorised.status_code == 401
    web.post("/admin/logout", data={"csrf_token": csrf_of(web.get("/admin/"))})

    text = logs.text
    for kind, values in found.values.items():
        for value in values:
            assert value not in text, f"a {kind} is in the logs"
    assert '"GET /admin/enrol/[redacted] HTTP/1.1" 200' in text  # the access log was read
    assert "POST /sites/14932/webhook" in text and "sqlalchemy.engine" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /admin/enrol/abc-DEF_123 HTTP/1.1", "GET /admin/enrol/[redacted] HTTP/1.1"),
        ("/admin/enrol/codes", "/admin/enrol/codes"),
        ("POST /feed?access_token=EAAG123&x=1", "POST /feed?access_token=[redacted]&x=1"),
        ("Bearer loa_0123456789ab_" + "t" * 43, "Bearer [redacted]"),
    ],
)
def test_redaction_of_recognisable_secrets(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_a_traceback_through_loas_handlers_is_redacted(tmp_path: Any) -> None:
    import io

    from core.log_redaction import install

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    install([handler])
    log = logging.getLogger("loa.test-redaction")
    log.addHandler(handler)
    try:
        raise ValueError("no account for /admin/enrol/s3cr3t-link")
    except ValueError:
        log.exception("request failed")
    finally:
        log.removeHandler(handler)
    assert "Traceback" in stream.getvalue() and "s3cr3t-link" not in stream.getvalue()


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_loa_serve_and_demo_run_uvicorn_with_the_redacting_config(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: served.append(self.config))
    env = {"LOA_VAR_DIR": str(tmp_path), "LOA_DATABASE_URL": f"sqlite:///{tmp_path}/l.db"}
    result = CliRunner().invoke(main, [command, "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    [config] = served
    assert config.log_config["loggers"]["uvicorn.access"]["filters"] == ["loa_access"]
    access = logging.getLogger("uvicorn.access")
    record = access.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/admin/enrol/s3cr3t-link", "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in access.filters)
    assert "s3cr3t-link" not in record.getMessage()


def test_loa_serve_with_workers_gives_every_process_the_redacting_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """``--workers N``: each process imports ``core.cli:web_app`` under this same config."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    supervised: list[Any] = []
    monkeypatch.setattr(uvicorn.Config, "bind_socket", lambda self: None)
    # Not the real supervisor: its __init__ takes over this process's signal handlers.
    monkeypatch.setattr(
        Multiprocess, "__init__", lambda self, config, sockets: supervised.append(config)
    )
    monkeypatch.setattr(Multiprocess, "run", lambda self: None)
    env = {
        "LOA_VAR_DIR": str(tmp_path),
        "LOA_DATABASE_URL": f"sqlite:///{tmp_path}/l.db",
        "LOA_REDIS_URL": "redis://127.0.0.1:6379/0",  # several processes need one; never reached
    }
    result = CliRunner().invoke(main, ["serve", "--port", "8123", "--workers", "3"], env=env)
    assert result.exit_code == 0, result.output
    [config] = supervised
    assert (config.workers, config.app, config.factory) == (3, "core.cli:web_app", True)
    assert config.log_config["loggers"]["uvicorn.access"]["filters"] == ["loa_access"]
    assert config.log_config["handlers"]["default"]["filters"] == ["loa_secrets"]
