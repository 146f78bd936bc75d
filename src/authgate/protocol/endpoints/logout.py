"""Logout decisions (OpenID Connect RP-Initiated Logout 1.0 §2-§3; Auth0's ``/v2/logout``,
reference §1.9; RFC 9700 §4.11 and security.md BCP-03: no open redirector).

- ``return_to``: Auth0's ``returnTo`` must equal one of the client's ``allowed_logout_urls``
  when ``client_id`` is given, else one of the tenant's; anything else is refused, never
  followed.
- ``id_token_hint``: an ID token this tenant signed (allow-listed asymmetric algorithms, so an
  unsigned ``alg: none`` token or one signed with another key is refused), for the tenant's
  issuer; an expired one is accepted (§2: the hint may have expired). Its ``aud`` names the
  client, and a ``client_id`` sent alongside must be that client (§2).
- ``post_logout_redirect_uri`` must exactly equal one of the client's logout URLs (§3), and the
  client must be known from the hint or ``client_id``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from authgate.protocol import jose
from authgate.protocol.errors import InvalidRequest
from authgate.protocol.ports import ClientRecord, TenantRecord


class LogoutRefused(InvalidRequest):
    """Shown to the user on a page; the browser is not redirected."""


def return_to(url: str | None, client: ClientRecord | None, tenant: TenantRecord) -> str | None:
    """The ``returnTo`` of ``/v2/logout`` when allowed; without one, the client's first logout
    URL (Auth0) or None (the logged-out page)."""
    allowed = client.allowed_logout_urls if client is not None else tenant.allowed_logout_urls
    if url is None:
        return allowed[0] if client is not None and allowed else None
    if url not in allowed:
        where = "the application's" if client is not None else "the tenant's"
        raise LogoutRefused(f"The returnTo URL is not one of {where} allowed logout URLs.")
    return url


def id_token_hint(
    hint: str,
    *,
    keys: Mapping[str, jose.PublicKey],
    algorithms: Collection[str],
    tenant: TenantRecord,
) -> dict[str, Any]:
    """The claims of a valid ID token hint (its expiry is not checked, §2)."""
    try:
        claims = jose.verify(hint, keys, algorithms).claims
    except jose.JOSEError as exc:
        raise LogoutRefused("The id_token_hint is not a valid ID token.", detail=str(exc)) from exc
    if claims.get("iss") != tenant.issuer:
        raise LogoutRefused("The id_token_hint was not issued by this tenant.")
    if not isinstance(claims.get("aud"), str | list) or not claims.get("sub"):
        raise LogoutRefused("The id_token_hint is not a valid ID token.")
    return claims


def hint_client_id(claims: Mapping[str, Any], client_id: str | None) -> str:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id is not None:
        if client_id not in audiences:
            raise LogoutRefused("The client_id does not match the id_token_hint.")
        return client_id
    return str(claims.get("azp") or audiences[0])


def post_logout_redirect(uri: str | None, client: ClientRecord | None) -> str | None:
    if uri is None:
        return None
    if client is None:
        raise LogoutRefused("post_logout_redirect_uri needs id_token_hint or client_id.")
    if uri not in client.allowed_logout_urls:
        raise LogoutRefused(
            "The post_logout_redirect_uri is not one of the application's allowed logout URLs."
        )
    return uri
