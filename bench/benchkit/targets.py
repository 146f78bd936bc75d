"""What a benchmarked server offers: three endpoints found through its discovery document, and a
check that each answers as expected before any load is sent."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import httpx

from benchkit.procs import Server, SetupError

DISCOVERY_PATH = "/.well-known/openid-configuration"
ENDPOINTS = ("token", "discovery", "jwks")
BENCH_AUDIENCE = "https://bench.api/"
BENCH_SCOPE = "read:bench"


@dataclass(frozen=True)
class Endpoint:
    """One URL under load; the token endpoint carries a form body."""

    url: str
    form_body: str | None = None


@dataclass
class Target:
    """A running server and its endpoints by name (``token``, ``discovery``, ``jwks``)."""

    name: str
    version: str
    server: Server
    endpoints: dict[str, Endpoint]


def discover(base_url: str, token_body: str) -> dict[str, Endpoint]:
    """The three endpoints, with token and JWKS URLs taken from the discovery document."""
    discovery_url = base_url.rstrip("/") + DISCOVERY_PATH
    metadata = _get_json(discovery_url)
    try:
        token_url, jwks_url = str(metadata["token_endpoint"]), str(metadata["jwks_uri"])
    except KeyError as exc:
        raise SetupError(f"{discovery_url} has no {exc}") from exc
    return {
        "token": Endpoint(token_url, token_body),
        "discovery": Endpoint(discovery_url),
        "jwks": Endpoint(jwks_url),
    }


def check_endpoints(target: Target) -> None:
    """Every endpoint answers 200, and the token endpoint an RS256 JWT for the bench API."""
    for name in ("discovery", "jwks"):
        _get_json(target.endpoints[name].url)
    token = target.endpoints["token"]
    response = httpx.post(
        token.url,
        content=token.form_body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10.0,
    )
    if response.status_code != 200:
        raise SetupError(f"{target.name} token endpoint: {response.status_code} {response.text}")
    header, claims = _jwt_parts(str(response.json().get("access_token", "")))
    if header.get("alg") != "RS256":
        raise SetupError(f"{target.name} access token is not RS256: {header}")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if BENCH_AUDIENCE not in audiences:
        raise SetupError(f"{target.name} access token has audience {audience!r}")


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=10.0)
    except httpx.HTTPError as exc:
        raise SetupError(f"GET {url} failed: {exc}") from exc
    if response.status_code != 200:
        raise SetupError(f"GET {url}: {response.status_code} {response.text[:500]}")
    document = response.json()
    if not isinstance(document, dict):
        raise SetupError(f"GET {url}: not a JSON object")
    return document


def _jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWS, unverified: enough to see what the server issues."""
    parts = token.split(".")
    if len(parts) != 3:
        raise SetupError(f"access token is not a compact JWT: {token[:40]!r}")
    return _b64_json(parts[0]), _b64_json(parts[1])


def _b64_json(segment: str) -> dict[str, Any]:
    decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    if not isinstance(decoded, dict):
        raise SetupError("JWT segment is not a JSON object")
    return decoded
