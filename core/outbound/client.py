"""The one HTTP client channel plugins use to reach the outside world.

Every connection it opens goes through :class:`~core.outbound.backend.GuardedBackend`,
so a target cannot point Loa's workers at loopback, the private network or the
cloud metadata address, whether literally, through an encoded form, a DNS name
(rebinding included) or a redirect. It ignores the environment's proxies
(``trust_env=False``): a proxy would make the proxy's address the only one
checked. One verified TLS context serves the whole process, because building one
costs about 20 ms of CPU and a client is made per call; inside an event loop the
client borrows the loop's pool (:mod:`core.outbound.shared`), so its connections
outlive the call.
"""

from __future__ import annotations

import functools
import importlib.util
import ssl
import sys
from collections.abc import Iterable

import httpcore
import httpx

from core.outbound.addresses import Network
from core.outbound.backend import GuardedBackend
from core.outbound.shared import loop_transport

# httpcore runs ``import sniffio`` on every request and falls back to asyncio when it fails;
# anyio 4 no longer brings sniffio, and each failed import scans sys.path again (4 a request,
# a twentieth of a delivery's CPU). A ``None`` entry makes the same failure immediate.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verified TLS context per process."""
    return ssl.create_default_context()


#: Seconds an idle connection is kept for the next call: well under the 5 s after which common
#: servers (uvicorn, Node) close one, so a call never races a receiver closing its connection
#: (a ReadError after sending: an outcome unknown, reconciled, but an attempt more).
KEEPALIVE_S = 2.0


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its error mapping included) over the guarded backend.

    httpx does not take a network backend, so the connection pool it built is
    replaced by one with the same settings and ours; a test
    (``tests/security/test_ssrf.py``) fails if a new httpx stops using it.
    """

    def __init__(self, allow: Iterable[Network] = ()) -> None:
        super().__init__(verify=tls_context(), trust_env=False)
        limits = httpx.Limits(keepalive_expiry=KEEPALIVE_S)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow),
        )


def outbound_client(
    *,
    timeout: float,
    allow: Iterable[Network] = (),
    follow_redirects: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that connects to public addresses (and ``allow``) only.

    ``allow`` is the target's ``allow_networks`` (``LOA_OUTBOUND_ALLOW_NETWORKS``).
    Redirects are off unless asked for; each hop is checked like the first.
    ``transport`` replaces the network entirely (tests' ``httpx.MockTransport``).
    Made inside an event loop, the client uses the loop's pool for ``allow``.
    """
    if transport is None:
        transport = loop_transport(allow, GuardedTransport) or GuardedTransport(allow)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=transport,
        follow_redirects=follow_redirects,
        trust_env=False,
    )
