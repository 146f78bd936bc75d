"""Auth0's ``GET /v2/logout`` (reference §1.9; Auth0 Authentication API, "Auth0 Logout").

- With ``client_id``: ``returnTo`` must be one of the application's ``allowed_logout_urls``;
  without ``returnTo`` the browser goes to the first of them, when there is one.
- Without ``client_id``: ``returnTo`` must be one of the tenant's ``allowed_logout_urls``.
- Without a destination the user gets the "you are logged out" page.
- ``federated`` (log out of the upstream identity provider too) is accepted and ignored:
  Authgate has no upstream identity providers yet.

An unknown application or a ``returnTo`` that is not registered is a ``LogoutRefused``: an
error page, never a redirect (``protocol.post_logout``).
"""

from __future__ import annotations

from dataclasses import dataclass

from authgate.protocol.ports import ClientRecord, Directory, TenantRecord
from authgate.protocol.post_logout import LogoutRefused, is_registered, param


@dataclass(frozen=True, slots=True)
class LogoutRequest:
    client: ClientRecord | None
    return_to: str | None
    """Where the browser goes once logged out; None: the logged-out page."""


async def validate_logout(
    params: dict[str, str], directory: Directory, tenant: TenantRecord
) -> LogoutRequest:
    client_id = param(params, "client_id")
    return_to = param(params, "returnTo")
    if client_id is None:
        if return_to is not None and not is_registered(return_to, tenant.allowed_logout_urls):
            raise LogoutRefused(
                "The returnTo URL is not in the tenant's Allowed Logout URLs. Add it there, "
                "or send the client_id of an application that lists it."
            )
        return LogoutRequest(client=None, return_to=return_to)
    client = await directory.client(client_id)
    if client is None:
        raise LogoutRefused("Unknown client_id.", detail=f"no client {client_id[:64]!r}")
    if return_to is None:
        first = client.allowed_logout_urls[0] if client.allowed_logout_urls else None
        return LogoutRequest(client=client, return_to=first)
    if not is_registered(return_to, client.allowed_logout_urls):
        raise LogoutRefused(
            "The returnTo URL is not in the Allowed Logout URLs of the application."
        )
    return LogoutRequest(client=client, return_to=return_to)
