"""Telling applications that an SSO session ended: OpenID Connect Back-Channel Logout 1.0.

§2.3: the OP remembers the applications a session logged into (``LoginSession.clients``).
When the session ends, each of them whose ``oidc_logout`` subscribes to the event (Auth0's
initiators: ``rp-logout`` for the logout endpoints, ``session-revoked`` for the Management
API) gets a logout token (§2.4, ``protocol.logout_token``) POSTed as the form parameter
``logout_token`` to its back-channel URL (§2.5).

Delivery starts once the transaction that ended the session has committed (nothing is sent
for a logout that rolled back) and runs in the background (``core.background``), so the
user's response never waits for an application. Each request has a short timeout and follows
no redirect (§2.8: the RP answers 200, or 400 on error); the outcome is logged as
``oidc_backchannel_logout_succeeded`` or ``_failed`` with the URL and the status. There is no
retry: a session that has ended stays ended, and a lost notification is in the tenant log.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.clients.service import ClientService
from authgate.core.background import Background
from authgate.core.clock import Clock
from authgate.db import after_commit
from authgate.keys.service import KeyService, TenantSigner
from authgate.logs.service import Event, LogService
from authgate.protocol.logout_token import LOGOUT_TOKEN_TYP, Initiator, logout_token_claims
from authgate.protocol.ports import ClientRecord, TenantRecord

log = logging.getLogger("authgate.backchannel")
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class EndedSession:
    id: str
    user_id: str | None
    """The user's wire id (``auth0|...``), the ``sub`` of the logout token."""
    clients: tuple[str, ...]


class BackchannelLogout:
    def __init__(
        self,
        clients: ClientService,
        keys: KeyService,
        logs: LogService,
        background: Background,
        clock: Clock,
        *,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._clients, self._keys, self._logs = clients, keys, logs
        self._background, self._clock, self._timeout = background, clock, timeout

    async def schedule(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        ended: EndedSession,
        initiator: Initiator,
    ) -> None:
        """Notify the session's subscribed applications once ``session`` has committed."""
        targets = await self._targets(tenant, ended, initiator)
        if not targets or ended.user_id is None:
            return

        async def deliver() -> None:
            await self.deliver(tenant, ended, targets)

        async def start() -> None:
            self._background.spawn(deliver, f"backchannel-logout:{ended.id}")

        after_commit(session, start)

    async def _targets(
        self, tenant: TenantRecord, ended: EndedSession, initiator: Initiator
    ) -> list[ClientRecord]:
        targets = []
        for client_id in ended.clients:
            client = await self._clients.record(tenant.id, client_id)
            if client is not None and initiator in client.backchannel_logout_initiators:
                targets.append(client)
        return targets

    async def deliver(
        self, tenant: TenantRecord, ended: EndedSession, targets: list[ClientRecord]
    ) -> None:
        """POST a logout token to every back-channel URL of ``targets``, concurrently."""
        delivery = _Delivery(tenant, ended, await self._keys.signer(tenant))
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as http:
            await asyncio.gather(
                *(
                    self._post(http, delivery, client, url)
                    for client in targets
                    for url in client.backchannel_logout_urls
                )
            )

    async def _post(
        self, http: httpx.AsyncClient, delivery: _Delivery, client: ClientRecord, url: str
    ) -> None:
        claims = logout_token_claims(
            issuer=delivery.tenant.issuer,
            client_id=client.client_id,
            subject=str(delivery.ended.user_id),
            sid=delivery.ended.id,
            now=int(self._clock.time()),
        )
        token = delivery.signer.sign(claims, typ=LOGOUT_TOKEN_TYP)
        try:
            response = await http.post(url, data={"logout_token": token})
        except httpx.HTTPError as exc:
            self._record(delivery, client, url, status=None, error=f"{type(exc).__name__}: {exc}")
            return
        self._record(delivery, client, url, status=response.status_code)

    def _record(
        self,
        delivery: _Delivery,
        client: ClientRecord,
        url: str,
        *,
        status: int | None,
        error: str | None = None,
    ) -> None:
        ok = status is not None and 200 <= status < 300
        if not ok:
            log.warning({"event": "backchannel_logout_failed", "url": url, "status": status})
        details: dict[str, object] = {"url": url, "session_id": delivery.ended.id, "status": status}
        if error is not None:
            details["error"] = error[:500]
        event = Event(
            type="oidc_backchannel_logout_succeeded" if ok else "oidc_backchannel_logout_failed",
            client_id=client.client_id,
            client_name=client.name,
            user_id=delivery.ended.user_id,
            details=details,
        )
        self._logs.record(delivery.tenant.id, delivery.tenant.domain, event)


@dataclass(frozen=True, slots=True)
class _Delivery:
    tenant: TenantRecord
    ended: EndedSession
    signer: TenantSigner
