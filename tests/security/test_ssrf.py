"""Security issue 8, attack 2: server-side request forgery through a channel target's URL.

A channel admin could point a portal target at 127.0.0.1, 169.254.169.254, ``[::1]``,
``2130706433`` or ``0.0.0.0``; the worker posted there and copied the internal answer
into ``Delivery.errorMessage``. Each test here reproduces one way in: the worker must
never connect (a loopback server proves it got nothing), names that resolve inward and
redirects are refused too, and an unknown responder's words never reach the delivery row.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import ipaddress
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from core import DestinationRefused, outbound_client
from core.actions import content as actions
from core.actions import targets
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery import dispatcher
from core.delivery.models import Delivery, DeliveryState
from core.errors import ValidationFailed
from core.outbound import check_url, parse_networks, refusal
from core.outbound.addresses import literal_host
from core.targets.models import ChannelTarget

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec_c2VjcmV0LXdlYmhvb2sta2V5LWZvci10ZXN0cw=="
#: What an internal service answers: nothing of it may reach a delivery row.
INTERNAL = "ami-id instance-id AccessKeyId=ASIAINTERNAL SecretAccessKey=internal-secret"


class Internal:
    """A loopback HTTP service standing for what lives inside the network (metadata, admin)."""

    def __init__(self, serve: Callable[[Any], Any]) -> None:
        self.seen: list[str] = []

        async def anything(request: Request) -> Response:
            self.seen.append(request.url.path)
            if request.url.path == "/redirect-inward":
                return RedirectResponse(f"http://0.0.0.0:{self.port}/inside", status_code=307)
            if request.url.path == "/redirect-metadata":
                return RedirectResponse("http://169.254.169.254/latest/meta-data/", 307)
            return JSONResponse({"error": INTERNAL, "detail": INTERNAL}, status_code=400)

        route = Route("/{path:path}", anything, methods=["GET", "POST"])
        self.server = serve(Starlette(routes=[route]))
        self.port = self.server.port


@pytest.fixture
def internal(serve: Callable[[Any], Any]) -> Internal:
    return Internal(serve)


@pytest.fixture
def strict(ctx: Context) -> Iterator[Context]:
    """The same system with production's rule: no private network is allowed."""
    settings = dataclasses.replace(ctx.settings, outbound_allow_networks=())
    yield build_context(settings, pm=ctx.pm, engine=ctx.engine, redis=ctx.redis)


def _deliver(ctx: Context, worker: Context, url: str) -> Delivery:
    """A portal target stored with ``url`` (as before validation existed), one delivery run."""
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng xã",
            "plugin": "portal",
            "unit_code": "14932",
            "settings": {"webhook_url": "https://portal.example.vn/hook"},
            "secrets": {"webhook_secret": SECRET},
            "gates": [],
        },
    )
    with ctx.transaction() as session:
        stored = session.get(ChannelTarget, target.id)
        assert stored is not None
        stored.settings = {"webhook_url": url}
    data = {"title": "Tin", "unit_code": "14932", "summary": "", "body_html": ""}
    item = actions.create(ctx, SYSTEM, {**data, "target_ids": [target.id]})
    actions.approve(ctx, SYSTEM, item.id)
    with ctx.sessions() as session:
        delivery = session.scalars(select(Delivery).where(Delivery.article_id == item.id)).one()
    asyncio.run(dispatcher.run(worker, delivery.id, 1))
    with ctx.sessions() as session:
        row = session.get(Delivery, delivery.id)
    assert row is not None
    return row


INWARD = [
    "http://127.0.0.1:{port}/hook",
    "http://2130706433:{port}/hook",  # decimal
    "http://0x7f.0.0.1:{port}/hook",  # hex
    "http://127.1:{port}/hook",  # short
    "http://0.0.0.0:{port}/hook",  # unspecified: Linux delivers it to loopback
    "http://[::ffff:127.0.0.1]:{port}/hook",  # IPv4-mapped IPv6
    "http://[::1]:{port}/hook",
    "http://localhost:{port}/hook",  # a name that resolves to loopback
]


@pytest.mark.parametrize("template", INWARD)
def test_the_worker_never_connects_inward(
    ctx: Context, strict: Context, tree: Any, internal: Internal, template: str
) -> None:
    row = _deliver(ctx, strict, template.format(port=internal.port))
    assert internal.seen == []  # not one request reached the internal service
    assert row.state == DeliveryState.FAILED and row.error_kind == "destination"
    assert "destination refused" in row.error_message
    assert "internal" not in row.error_message.lower()


def test_a_name_resolving_to_loopback_is_refused(
    ctx: Context,
    strict: Context,
    tree: Any,
    internal: Internal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS answers 127.0.0.1 for a public-looking name (rebinding): checked on the answer."""
    real = socket.getaddrinfo

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("portal.example.vn", b"portal.example.vn"):
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    row = _deliver(ctx, strict, f"http://portal.example.vn:{internal.port}/hook")
    assert internal.seen == []
    assert row.error_kind == "destination"
    assert "portal.example.vn resolves to loopback addresses only" in row.error_message
    assert "127.0.0.1" not in row.error_message  # never a probe of the private DNS


def test_a_redirect_inward_is_refused_on_its_own_hop(internal: Internal) -> None:
    """The first hop is allowed (127.0.0.1/32); its redirect to 0.0.0.0 or metadata is not."""
    allow = parse_networks("127.0.0.1/32")

    async def follow(path: str) -> None:
        async with outbound_client(timeout=2, allow=allow, follow_redirects=True) as http:
            await http.get(f"http://127.0.0.1:{internal.port}{path}")

    for path in ("/redirect-inward", "/redirect-metadata"):
        with pytest.raises(DestinationRefused, match=r"is an? (unspecified|link-local) address"):
            asyncio.run(follow(path))
    assert internal.seen == ["/redirect-inward", "/redirect-metadata"]  # never /inside


def test_an_unknown_responder_is_never_quoted(ctx: Context, tree: Any, internal: Internal) -> None:
    """Even where the operator allows the address, the answer's words stay out of the row."""
    row = _deliver(ctx, ctx, f"http://127.0.0.1:{internal.port}/hook")
    assert internal.seen == ["/hook"]
    assert row.state == DeliveryState.FAILED and row.error_kind == "permanent"
    assert row.error_message == "portal answered 400: Bad Request"


def test_a_plugin_crash_keeps_only_its_type(ctx: Context, tree: Any) -> None:
    """An untyped exception may quote a body: the delivery row keeps its type only."""

    class Careless:
        name, title = "careless", "Careless"
        capabilities = ctx.channel("portal").capabilities

        def validate_settings(self, settings: Any, secrets: Any) -> None:
            return None

        def render(self, item: Any, target: Any) -> Any:
            from core import Rendered

            return Rendered(payload={}, text=item.title)

        async def publish(self, rendered: Any, target: Any, *, key: str) -> Any:
            raise ValueError(f"unexpected answer: {INTERNAL}")

        async def reconcile(self, target: Any, *, key: str) -> Any:
            return None

    ctx.channels["careless"] = Careless()  # type: ignore[assignment]
    target = targets.create_target(
        ctx, SYSTEM, {"name": "c", "plugin": "careless", "unit_code": "14932", "gates": []}
    )
    item = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Tin",
            "unit_code": "14932",
            "summary": "",
            "body_html": "",
            "target_ids": [target.id],
        },
    )
    actions.approve(ctx, SYSTEM, item.id)
    with ctx.sessions() as session:
        delivery = session.scalars(select(Delivery).where(Delivery.article_id == item.id)).one()
    asyncio.run(dispatcher.run(ctx, delivery.id, 1))
    with ctx.sessions() as session:
        row = session.get(Delivery, delivery.id)
    assert row is not None and row.error_message == "the channel plugin failed (ValueError)"


REFUSED = {
    "127.0.0.1": "loopback",
    "2130706433": "loopback",
    "0x7f000001": "loopback",
    "017700000001": "loopback",
    "0177.0.0.1": "loopback",
    "127.1": "loopback",
    "localhost": "loopback",
    "api.localhost": "loopback",
    "[::1]": "loopback",
    "[::ffff:127.0.0.1]": "loopback",
    "[::ffff:7f00:1]": "loopback",
    "[::127.0.0.1]": "loopback",  # IPv4-compatible (deprecated)
    "[2002:7f00:1::]": "loopback",  # 6to4
    "[64:ff9b::7f00:1]": "loopback",  # NAT64
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "reserved",  # carrier-grade NAT
    "[fd00::1]": "private",
    "[fec0::1]": "private",  # deprecated site-local
    "169.254.169.254": "link-local",
    "[::ffff:169.254.169.254]": "link-local",
    "[fe80::1]": "link-local",
    "224.0.0.1": "multicast",
    "[ff02::1]": "multicast",
    "0.0.0.0": "unspecified",
    "0": "unspecified",
    "[::]": "unspecified",
    "240.0.0.1": "private",
    "[2001:db8::1]": "private",  # documentation
}


@pytest.mark.parametrize(("host", "why"), REFUSED.items())
def test_target_validation_names_a_forbidden_literal(host: str, why: str) -> None:
    with pytest.raises(ValueError, match=f"is an? {why} address"):
        check_url(f"https://{host}:8443/hook")


@pytest.mark.parametrize(
    "host", ["portal.example.vn", "8.8.8.8", "[2606:4700::1111]", "[::ffff:8.8.8.8]", "1.1.1.1"]
)
def test_public_addresses_and_names_pass_validation(host: str) -> None:
    check_url(f"https://{host}/hook")  # names are judged at connect time, on their answer


def test_named_private_networks_are_allowed_and_nothing_else() -> None:
    allow = parse_networks("10.20.0.0/16, fd12::/16")
    assert refusal(ipaddress.ip_address("10.20.1.1"), allow) is None
    assert refusal(ipaddress.ip_address("::ffff:10.20.1.1"), allow) is None
    assert refusal(ipaddress.ip_address("fd12::5"), allow) is None
    assert refusal(ipaddress.ip_address("10.21.0.1"), allow) == "private"
    assert refusal(ipaddress.ip_address("127.0.0.1"), allow) == "loopback"
    assert literal_host("portal.example.vn") is None
    with pytest.raises(ValueError, match="CIDR"):
        parse_networks("10.0.0.1/8")


def test_creating_or_repointing_a_target_inward_is_a_typed_error(
    ctx: Context, strict: Context, tree: Any
) -> None:
    data = {
        "name": "Cổng xã",
        "plugin": "portal",
        "unit_code": "14932",
        "settings": {"webhook_url": "http://169.254.169.254/latest/meta-data/"},
        "secrets": {"webhook_secret": SECRET},
    }
    with pytest.raises(ValidationFailed) as caught:
        targets.create_target(strict, SYSTEM, data)
    assert caught.value.code == "BAD_USER_INPUT"
    assert "webhook_url: 169.254.169.254 is a link-local address" in caught.value.fields["settings"]
    made = targets.create_target(
        strict, SYSTEM, {**data, "settings": {"webhook_url": "https://portal.example.vn/hook"}}
    )
    with pytest.raises(ValidationFailed, match="loopback"):
        targets.update_target(
            strict,
            SYSTEM,
            made.id,
            {"settings": {"webhook_url": "http://[::1]/hook"}, "secrets": data["secrets"]},
        )


def test_settings_read_the_allowed_networks(tmp_path: Path) -> None:
    from core.settings import SettingsError, load_settings

    env = {"LOA_VAR_DIR": str(tmp_path)}
    assert load_settings(env).outbound_allow_networks == ()
    loaded = load_settings({**env, "LOA_OUTBOUND_ALLOW_NETWORKS": "10.20.0.0/16, fd00::/8"})
    assert [str(n) for n in loaded.outbound_allow_networks] == ["10.20.0.0/16", "fd00::/8"]
    with pytest.raises(SettingsError, match="LOA_OUTBOUND_ALLOW_NETWORKS"):
        load_settings({**env, "LOA_OUTBOUND_ALLOW_NETWORKS": "intranet"})


def test_only_the_demo_opens_loopback(tmp_path: Path) -> None:
    from core.demo import demo_settings
    from core.settings import load_settings

    plain = load_settings({"LOA_VAR_DIR": str(tmp_path)})
    demo = demo_settings(plain)
    assert plain.outbound_allow_networks == ()
    assert [str(n) for n in demo.outbound_allow_networks] == ["127.0.0.0/8", "::1/128"]


def _calls(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            names.add(f"{func.value.id}.{func.attr}")
    return names


def test_plugins_make_no_http_client_of_their_own() -> None:
    """Every channel call goes through ``core.outbound_client``: no plugin bypasses it."""
    own = {
        "httpx.AsyncClient",
        "httpx.Client",
        "httpx.AsyncHTTPTransport",
        "httpx.HTTPTransport",
        "httpx.get",
        "httpx.post",
        "httpx.request",
        "socket.create_connection",
    }
    offenders = [
        f"{p.relative_to(ROOT)}: {sorted(_calls(p) & own)}"
        for p in (ROOT / "plugins").rglob("*.py")
        if _calls(p) & own
    ]
    assert offenders == []


def test_the_guarded_pool_is_the_one_httpx_uses() -> None:
    """httpx takes no network backend, so ours replaces its pool: an upgrade must keep that."""
    from core.outbound.backend import GuardedBackend

    client = outbound_client(timeout=1)
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool._network_backend, GuardedBackend)
    assert client._trust_env is False


def test_environment_proxies_are_ignored(
    monkeypatch: pytest.MonkeyPatch, internal: Internal
) -> None:
    """A proxy would be the only address checked: the client never uses one."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{internal.port}")
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{internal.port}")

    async def get() -> None:
        async with outbound_client(timeout=2) as http:
            await http.get("http://10.9.9.9/hook")

    with pytest.raises(DestinationRefused):
        asyncio.run(get())
    assert internal.seen == []
