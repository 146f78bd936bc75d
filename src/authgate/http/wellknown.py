"""Discovery (OIDC Discovery §4, RFC 8414 §3) and the JWK Set (RFC 7517 §5), per tenant.

Both are public documents served with ``Access-Control-Allow-Origin: *`` so that browser-based
clients can read them, and with a short public cache lifetime.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.http.responses import json_bytes
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.protocol.endpoints.discovery import provider_metadata
from authgate.protocol.ports import TenantRecord

router = APIRouter()

PUBLIC_DOCUMENT = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}


@lru_cache(maxsize=1024)
def _metadata_bytes(tenant: TenantRecord) -> bytes:
    return json_bytes(provider_metadata(tenant))


def _document(body: bytes) -> Response:
    return Response(body, headers=PUBLIC_DOCUMENT, media_type="application/json")


@router.get("/.well-known/openid-configuration", include_in_schema=False)
async def openid_configuration(request: Request) -> Response:
    return _document(_metadata_bytes(await resolve_tenant(request)))


@router.get("/.well-known/oauth-authorization-server", include_in_schema=False)
async def authorization_server_metadata(request: Request) -> Response:
    return _document(_metadata_bytes(await resolve_tenant(request)))


@router.get("/.well-known/jwks.json", include_in_schema=False)
async def jwks(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    keys = await services_of(request).keys.tenant_keys(tenant)
    return _document(keys.jwks)
