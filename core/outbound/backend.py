"""An httpcore network backend that connects only to addresses the policy permits.

httpcore asks its network backend to open every TCP connection, for the first
request and for each redirect alike. This backend resolves the host itself,
drops every address :func:`~core.outbound.addresses.refusal` objects to,
connects to a permitted address *literally* (so no second lookup can answer
differently: DNS rebinding has nothing to rebind), and checks the peer of the
socket it got. TLS is unaffected: httpcore verifies the certificate against the
URL's host name, not against the address connected to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

from core.outbound.addresses import IPAddress, Network, article, refusal
from core.outbound.errors import DestinationRefused

#: What a socket option is to httpcore (level, name, value[, length]).
SocketOption = Any


class GuardedBackend(AsyncNetworkBackend):
    """Wraps httpcore's own backend; only ``connect_tcp`` decides anything."""

    def __init__(self, allow: Iterable[Network] = ()) -> None:
        self._allow = tuple(allow)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        permitted = [ip for ip in addresses if refusal(ip, self._allow) is None]
        if not permitted:
            raise DestinationRefused(_message(host, addresses, self._allow))
        failure: Exception | None = None
        for ip in permitted:
            try:
                stream = await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            await self._check_peer(stream, host)
            return stream
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        raise DestinationRefused("channel calls never use local (Unix) sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        """Every address ``host`` stands for; literal forms come back as themselves."""
        try:
            with anyio.fail_after(timeout):
                infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host} ({type(exc).__name__})") from None
        found: list[IPAddress] = []
        for *_, sockaddr in infos:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if ip not in found:
                found.append(ip)
        return found

    async def _check_peer(self, stream: AsyncNetworkStream, host: str) -> None:
        """Belt and braces: the socket's own peer must be a permitted address too."""
        peer = stream.get_extra_info("server_addr")
        if peer is None:
            return
        ip = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
        if refusal(ip, self._allow) is not None:
            await stream.aclose()
            raise DestinationRefused(_message(host, [ip], self._allow))


def _message(host: str, addresses: list[IPAddress], allow: tuple[Network, ...]) -> str:
    """Why nothing was connected to, naming the kind of address but not a resolved one.

    Quoting what an internal name resolves to would make the error a probe of the
    private DNS; a literal the admin typed is quoted as typed.
    """
    kinds = sorted({refusal(ip, allow) or "permitted" for ip in addresses})
    what = " or ".join(kinds) if kinds else "no"
    try:
        ipaddress.ip_address(host)
        subject = f"{host} is {article(what)} {what} address"
    except ValueError:
        subject = f"{host} resolves to {what} addresses only"
    return (
        f"destination refused: {subject}; channel calls go to public addresses only "
        "(LOA_OUTBOUND_ALLOW_NETWORKS names private networks that may be reached)"
    )
