"""Outbound HTTP for channel plugins: one client, public addresses only.

``outbound_client`` is the client; ``check_url`` is the early, literal-address
check that target validation runs; ``addresses`` holds the rule both apply.
"""

from core.outbound.addresses import LOOPBACK, Network, check_url, parse_networks, refusal
from core.outbound.client import outbound_client, tls_context

__all__ = [
    "LOOPBACK",
    "Network",
    "check_url",
    "outbound_client",
    "parse_networks",
    "refusal",
    "tls_context",
]
