"""Which IP addresses a channel call may reach: public unicast only, unless the operator says.

A channel target's URL is written by a channel admin, so a request to it must
not become a way into the machine's own network (cloud metadata at
169.254.169.254, an admin port on 127.0.0.1, a database on 10.x). The rule is
applied to the address a connection is actually made to (``backend.py``), and
at target validation to literal addresses, where a mistake can be named early.

An IPv6 address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, the old
compatible ``::a.b.c.d``, 6to4, Teredo, NAT64) is judged as that IPv4 address:
otherwise ``[::ffff:127.0.0.1]`` would be a public-looking way to loopback.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Loopback networks: what ``loa demo`` and the test sandboxes allow, and nothing more.
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)

_COMPAT = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
#: Characters of the numeric host forms ``inet_aton`` (and so ``getaddrinfo``) accepts:
#: ``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``.
_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.20.0.0/16, fd00::/8"`` → networks; ``ValueError`` names the bad entry."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part))
        except ValueError:
            raise ValueError(
                f"{part!r} is not a network in CIDR form (e.g. 10.20.0.0/16)"
            ) from None
    return tuple(networks)


def unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries, if any; the address itself otherwise."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _COMPAT and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def refusal(ip: IPAddress, allow: Iterable[Network] = ()) -> str | None:
    """Why ``ip`` may not be reached (``"loopback"``, ``"private"``…), or ``None`` if it may.

    ``allow`` names private networks the operator opened (``LOA_OUTBOUND_ALLOW_NETWORKS``).
    """
    ip = unwrap(ip)
    if any(ip.version == net.version and ip in net for net in allow):
        return None
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        return "private" if ip.is_private or ip.is_site_local else "reserved"
    if not ip.is_global:
        return "private" if ip.is_private else "reserved"
    return None


def literal_host(host: str) -> IPAddress | None:
    """The address a host names literally, in any form the resolver would accept.

    ``getaddrinfo`` reads ``2130706433``, ``0x7f.1`` and ``127.1`` as 127.0.0.1, so they
    are addresses, not names. ``localhost`` and ``*.localhost`` are loopback by RFC 6761.
    """
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str, allow: Iterable[Network] = ()) -> None:
    """Refuse (``ValueError``) a URL whose host is a literal address that may not be reached.

    Names are not resolved here: DNS can change before the request. The connection
    itself is checked again, on the address actually connected to.
    """
    try:
        host = urlsplit(url).hostname
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if not host:
        return
    ip = literal_host(host)
    if ip is None:
        return
    why = refusal(ip, allow)
    if why is not None:
        raise ValueError(
            f"{host} is {article(why)} {why} address: Loa sends only to public addresses "
            "(an operator can allow named private networks with LOA_OUTBOUND_ALLOW_NETWORKS)"
        )


def article(word: str) -> str:
    """ "a" or "an", so messages read right ("an unspecified address")."""
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"
