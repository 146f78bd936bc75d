"""``GET|POST /userinfo`` (OpenID Connect Core §5.3): a Bearer token in the Authorization
header only (RFC 6750 §2.1; tokens in query strings are refused, security.md BCP-32), readable
cross-origin by the tenant's web origins (``http.cors``)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.http import cors
from authgate.http.errors import oauth_error
from authgate.http.responses import NO_STORE, json_response
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.protocol import jose
from authgate.protocol.endpoints.userinfo import CHALLENGE, userinfo
from authgate.protocol.errors import InvalidToken
from authgate.users.profiles import UserProfiles

router = APIRouter(include_in_schema=False)


@router.api_route("/userinfo", methods=["GET", "POST"])
async def userinfo_endpoint(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    keys = await services.keys.tenant_keys(tenant)
    try:
        body = await userinfo(
            request.headers.get("authorization"),
            tenant=tenant,
            keys=keys.verification,
            algorithms=jose.ASYMMETRIC_ALGORITHMS,
            opaque=services.opaque(tenant.id),
            users=UserProfiles(services.db, tenant),
            now=services.clock.time(),
        )
    except InvalidToken as exc:
        exc.headers["WWW-Authenticate"] = f'{CHALLENGE}, error="invalid_token"'
        return await cors.for_tenant(request, oauth_error(request, exc))
    return await cors.for_tenant(request, json_response(body, headers=NO_STORE))
