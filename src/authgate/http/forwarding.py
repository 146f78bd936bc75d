"""Who is calling and which host they called, believing proxies only when configured.

``X-Forwarded-For`` and ``X-Forwarded-Host`` are read only when the socket peer is one of
``AUTHGATE_TRUSTED_PROXIES`` (RFC 9700 §4.13, security.md BCP-36); from anyone else they are
ignored. The client address is the right-most address in the chain that is not a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    if not proxies:
        return False
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def peer_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client is not None else ""


def client_ip(connection: HTTPConnection, proxies: tuple[str, ...]) -> str:
    peer = peer_address(connection)
    if not _trusted(peer, proxies):
        return peer
    forwarded = connection.headers.get("x-forwarded-for", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop.strip("[]"))
        except ValueError:
            return peer
        if not _trusted(hop, proxies):
            return hop.strip("[]")
    return peer


def request_host(connection: HTTPConnection, proxies: tuple[str, ...]) -> str:
    if _trusted(peer_address(connection), proxies):
        forwarded = connection.headers.get("x-forwarded-host")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return connection.headers.get("host", "")
