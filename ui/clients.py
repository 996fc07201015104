"""Who the client is: the socket peer, or the address a trusted proxy says it forwarded.

``X-Forwarded-For`` is only a claim, and anyone can send it; it is believed only when the
socket peer is one of the configured proxies (``ARTICLE_QA_TRUSTED_PROXIES``: addresses or
networks, none by default). The header is then read from the right, skipping the proxies' own
addresses, so a client cannot choose its rate-limit bucket by writing the header itself.

>>> TrustedProxies(["10.0.0.0/8"]).client("10.1.2.3", "203.0.113.7, 10.0.0.5")
'203.0.113.7'
>>> TrustedProxies().client("198.51.100.2", "203.0.113.7")
'198.51.100.2'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The proxies whose ``X-Forwarded-For`` is believed (addresses or CIDR networks)."""

    def __init__(self, proxies: Iterable[str] = ()) -> None:
        self.networks: tuple[Network, ...] = tuple(_network(p) for p in proxies if p.strip())

    def trusts(self, address: str) -> bool:
        """True when ``address`` is one of the configured proxies."""
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client address for a request from ``peer`` carrying ``forwarded_for``."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return hop if _is_ip(hop) else peer
        return hops[0] if hops and _is_ip(hops[0]) else peer

    def client_of(self, scope: Scope) -> str:
        """``client`` for an ASGI request scope."""
        peer = scope.get("client")
        address = str(peer[0]) if peer else "unknown"
        return self.client(address, Headers(scope=scope).get("x-forwarded-for"))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as err:
        raise ValueError(
            f"trusted proxies must be IP addresses or networks like 10.0.0.1 or 10.0.0.0/8, got {text!r}"
        ) from err
