"""Client address and host behind proxies (RFC 9700 §4.13)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from authgate.http.forwarding import client_ip, request_host

PROXIES = ("10.0.0.0/8", "::1")


def _request(peer: str, headers: dict[str, str]) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 1234),
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        ("10.1.1.1", "1.2.3.4", "1.2.3.4"),
        ("10.1.1.1", "1.2.3.4, 10.2.2.2", "1.2.3.4"),
        ("10.1.1.1", "6.6.6.6, 1.2.3.4, 10.2.2.2", "1.2.3.4"),
        ("10.1.1.1", "garbage", "10.1.1.1"),
        ("10.1.1.1", "", "10.1.1.1"),
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_ip(peer: str, forwarded: str, expected: str) -> None:
    assert client_ip(_request(peer, {"X-Forwarded-For": forwarded}), PROXIES) == expected


def test_forwarded_host_only_from_trusted_proxy() -> None:
    headers = {"Host": "internal:8080", "X-Forwarded-Host": "id.example.com"}
    assert request_host(_request("203.0.113.9", headers), PROXIES) == "internal:8080"
    assert request_host(_request("10.0.0.2", headers), PROXIES) == "id.example.com"
    assert request_host(_request("10.0.0.2", headers), ()) == "internal:8080"
