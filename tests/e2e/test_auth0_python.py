"""The official Auth0 Python SDK against a running Authgate with two workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError
from auth0.management.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)

from tests.e2e.server import LiveServer

API = "https://orders.example.test/"


_OPEN_CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_sdk_clients() -> Iterator[None]:
    """The SDK never closes the httpx client it makes; hand it ours and close it."""
    yield
    while _OPEN_CLIENTS:
        _OPEN_CLIENTS.pop().close()


def _sdk(server: LiveServer, token: str) -> Auth0:
    http = httpx.Client(timeout=30)
    _OPEN_CLIENTS.append(http)
    return Auth0(base_url=f"{server.issuer}api/v2", token=token, max_retries=0, httpx_client=http)


def _management(server: LiveServer, protocol: str = "http") -> Auth0:
    token = GetToken(
        server.domain, server.client_id, client_secret=server.client_secret, protocol=protocol
    ).client_credentials(server.management_audience)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 86400
    return _sdk(server, token["access_token"])


def _verify(server: LiveServer, access_token: str, audience: str) -> dict[str, object]:
    """An independent library (PyJWT) verifies through the JWKS URL."""
    jwks = jwt.PyJWKClient(f"{server.issuer}.well-known/jwks.json", cache_keys=False)
    key = jwks.get_signing_key_from_jwt(access_token)
    assert jwt.get_unverified_header(access_token)["typ"] == "at+jwt"
    claims: dict[str, object] = jwt.decode(
        access_token, key.key, algorithms=["RS256"], audience=audience, issuer=server.issuer
    )
    return claims


def test_machine_to_machine_flow_with_the_sdk(live_server: LiveServer) -> None:
    management = _management(live_server)

    api = management.resource_servers.create(
        identifier=API,
        name="Orders",
        scopes=[
            {"value": "read:orders", "description": "Read orders"},
            {"value": "write:orders", "description": "Write orders"},
        ],
        token_lifetime=3600,
    )
    assert api.identifier == API
    assert api.is_system is False
    assert management.resource_servers.get(api.id).name == "Orders"
    updated_api = management.resource_servers.update(api.id, name="Orders API")
    assert updated_api.name == "Orders API"
    assert API in [server.identifier for server in management.resource_servers.list()]

    app = management.clients.create(name="Order worker", app_type="non_interactive")
    assert app.client_id
    assert app.client_secret
    assert app.grant_types == ["client_credentials"]
    assert management.clients.get(app.client_id).name == "Order worker"
    assert "Order worker" in [client.name for client in management.clients.list()]
    renamed = management.clients.update(app.client_id, description="Processes orders")
    assert renamed.description == "Processes orders"

    grant = management.client_grants.create(
        client_id=app.client_id, audience=API, scope=["read:orders"]
    )
    assert grant.scope == ["read:orders"]
    assert [g.id for g in management.client_grants.list(client_id=app.client_id)] == [grant.id]
    management.client_grants.update(grant.id, scope=["read:orders", "write:orders"])

    issued = GetToken(
        live_server.domain, app.client_id, client_secret=app.client_secret, protocol="http"
    ).client_credentials(API)
    assert issued["expires_in"] == 3600
    claims = _verify(live_server, issued["access_token"], API)
    assert claims["sub"] == f"{app.client_id}@clients"
    assert claims["scope"] == "read:orders write:orders"
    assert claims["gty"] == "client-credentials"

    rotated = management.clients.rotate_secret(app.client_id)
    assert rotated.client_secret != app.client_secret
    for _ in range(6):  # every worker refuses the old secret at once
        with pytest.raises(Auth0Error) as refused:
            GetToken(
                live_server.domain, app.client_id, client_secret=app.client_secret, protocol="http"
            ).client_credentials(API)
        assert refused.value.status_code == 401
        assert refused.value.error_code == "invalid_client"

    management.client_grants.delete(grant.id)
    with pytest.raises(Auth0Error) as denied:
        GetToken(
            live_server.domain, app.client_id, client_secret=rotated.client_secret, protocol="http"
        ).client_credentials(API)
    assert denied.value.status_code == 403
    assert denied.value.error_code == "access_denied"

    management.clients.delete(app.client_id)
    with pytest.raises(NotFoundError):
        management.clients.get(app.client_id)
    management.resource_servers.delete(api.id)


def test_signing_keys_and_tenant_settings_with_the_sdk(live_server: LiveServer) -> None:
    management = _management(live_server)
    app = management.clients.create(name="worker", app_type="non_interactive")
    management.resource_servers.create(identifier=API, scopes=[{"value": "read:orders"}])
    management.client_grants.create(client_id=app.client_id, audience=API, scope=["read:orders"])
    getter = GetToken(
        live_server.domain, app.client_id, client_secret=app.client_secret, protocol="http"
    )
    before = getter.client_credentials(API)["access_token"]

    keys = management.keys.signing.list()
    assert [(k.current, k.next) for k in keys] == [(True, False), (False, True)]
    assert management.keys.signing.get(keys[0].kid).thumbprint == keys[0].thumbprint
    rotated = management.keys.signing.rotate()
    assert rotated.kid == keys[1].kid

    after = getter.client_credentials(API)["access_token"]
    assert jwt.get_unverified_header(after)["kid"] == keys[1].kid
    _verify(live_server, before, API)  # signed before the rotation: still verifies
    _verify(live_server, after, API)

    management = _management(live_server)  # the old token was signed by the key being revoked
    revoked = management.keys.signing.revoke(keys[0].kid)
    assert revoked.kid == keys[0].kid
    with pytest.raises(jwt.PyJWKClientError):
        _verify(live_server, before, API)
    with pytest.raises(ApiError) as not_previous:
        management.keys.signing.revoke(keys[1].kid)
    assert not_previous.value.status_code == 400

    management = _management(live_server)
    settings = management.tenants.settings.update(
        friendly_name="Acme",
        support_email="help@acme.example",
        enabled_locales=["en", "fr"],
        default_audience=API,
    )
    assert settings.friendly_name == "Acme"
    fetched = management.tenants.settings.get()
    assert fetched.support_email == "help@acme.example"
    assert fetched.enabled_locales == ["en", "fr"]
    assert (
        GetToken(
            live_server.domain, app.client_id, client_secret=app.client_secret, protocol="http"
        ).client_credentials("")["scope"]
        == "read:orders"
    )


def test_management_errors_reach_the_sdk_in_auth0_shape(live_server: LiveServer) -> None:
    management = _management(live_server)
    with pytest.raises(BadRequestError) as bad:
        management.clients.create(name="")
    assert bad.value.body["errorCode"] == "invalid_body"
    assert "name" in bad.value.body["message"]
    management.resource_servers.create(identifier=API)
    with pytest.raises(ConflictError):
        management.resource_servers.create(identifier=API)
    with pytest.raises(NotFoundError):
        management.resource_servers.get("0" * 24)

    app = management.clients.create(name="narrow", app_type="non_interactive")
    management.client_grants.create(
        client_id=app.client_id,
        audience=live_server.management_audience,
        scope=["read:resource_servers"],
    )
    narrow_token = GetToken(
        live_server.domain, app.client_id, client_secret=app.client_secret, protocol="http"
    ).client_credentials(live_server.management_audience)["access_token"]
    narrow = _sdk(live_server, narrow_token)
    assert narrow.resource_servers.list()
    with pytest.raises(ForbiddenError) as forbidden:
        narrow.clients.list()
    assert forbidden.value.body["errorCode"] == "insufficient_scope"
    anonymous = _sdk(live_server, "not-a-token")
    with pytest.raises(UnauthorizedError):
        anonymous.clients.list()


def test_token_errors_reach_the_sdk(live_server: LiveServer) -> None:
    wrong = GetToken(
        live_server.domain, live_server.client_id, client_secret="wrong", protocol="http"
    )
    with pytest.raises(Auth0Error) as refused:
        wrong.client_credentials(live_server.management_audience)
    assert (refused.value.status_code, refused.value.error_code) == (401, "invalid_client")
    right = GetToken(
        live_server.domain,
        live_server.client_id,
        client_secret=live_server.client_secret,
        protocol="http",
    )
    with pytest.raises(Auth0Error) as unknown:
        right.client_credentials("https://nothing.example/")
    assert (unknown.value.status_code, unknown.value.error_code) == (403, "access_denied")


def test_the_same_over_https_with_a_local_ca(
    tls_server: LiveServer, local_ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(local_ca / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(local_ca / "ca.pem"))
    assert tls_server.issuer.startswith("https://")
    management = _management(tls_server, protocol="https")
    app = management.clients.create(name="tls worker", app_type="non_interactive")
    management.resource_servers.create(identifier=API, scopes=[{"value": "read:orders"}])
    management.client_grants.create(client_id=app.client_id, audience=API, scope=["read:orders"])
    issued = GetToken(
        tls_server.domain, app.client_id, client_secret=app.client_secret, protocol="https"
    ).client_credentials(API)
    jwks = jwt.PyJWKClient(f"{tls_server.issuer}.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(issued["access_token"])
    claims = jwt.decode(
        issued["access_token"],
        key.key,
        algorithms=["RS256"],
        audience=API,
        issuer=tls_server.issuer,
    )
    assert claims["iss"] == tls_server.issuer
