"""Password logins in database connections: ``protocol.ports.PasswordVerifier``.

The lookup runs in a short read transaction, the argon2id verification outside any
transaction (so a slow hash never holds a database lock), then one small write records the
login — and upgrades an imported or outdated hash to argon2id with the current parameters.
Unknown users get a dummy verification, the same error and a comparable time as a wrong
password. A blocked user is told so only after the right password (no account probing).
Every outcome is logged: ``fu`` (unknown user), ``fp`` (wrong password), ``f`` (blocked),
``sepft`` (password exchanged for tokens).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from authgate.captcha.service import BotDefense
from authgate.connections.service import ConnectionRecord, ConnectionService
from authgate.connections.strategies.database import DatabaseOptions
from authgate.core.clock import Clock
from authgate.core.request_info import RequestInfo
from authgate.db import Database
from authgate.logs.service import Event, LogService
from authgate.passwords import PasswordHasher
from authgate.protection.breached import BreachedPasswordDetection
from authgate.protection.login import LoginAttempt, LoginShield
from authgate.protocol.errors import (
    AccessDenied,
    InvalidGrant,
    InvalidRequest,
    OAuthError,
    RequiresVerification,
)
from authgate.protocol.ports import ClientRecord, ResourceOwner, TenantRecord
from authgate.users import repository
from authgate.users.models import User
from authgate.users.profiles import profile_claims
from authgate.users.service import email_key

WRONG_CREDENTIALS = "Wrong email or password."


@dataclass(frozen=True)
class LoginSystem:
    """What a login needs from the rest of Authgate; ``for_request`` binds it to a request."""

    db: Database
    connections: ConnectionService
    hasher: PasswordHasher
    logs: LogService
    clock: Clock
    shield: LoginShield
    bots: BotDefense
    breached: BreachedPasswordDetection

    def for_request(self, tenant: TenantRecord, info: RequestInfo) -> DatabaseLogin:
        return DatabaseLogin(self, tenant, info)


class DatabaseLogin:
    def __init__(self, system: LoginSystem, tenant: TenantRecord, info: RequestInfo) -> None:
        self._system = system
        self._tenant = tenant
        self._info = info

    async def authenticate(
        self,
        *,
        realm: str | None,
        username: str,
        password: str,
        client: ClientRecord,
        success: str = "sepft",
        interactive: bool = False,
    ) -> ResourceOwner:
        """The user, after a successful login logged as ``success`` (``s`` on the hosted
        login page, ``sepft`` for the password grants). A non-interactive login (a password
        grant) cannot show the challenge bot detection asks for: ``requires_verification``."""
        system, tenant = self._system, self._tenant
        connection = await self._connection(realm, client)
        if not interactive:
            await self._bot_check()
        event = Event(
            type=success,
            client_id=client.client_id,
            client_name=client.name,
            connection=connection.name,
            connection_id=connection.id,
            user_name=username,
            ip=self._info.ip,
            user_agent=self._info.user_agent,
            strategy="auth0",
            strategy_type="database",
        )
        shield = system.shield
        admission = await shield.begin(self._attempt(connection, username, event))
        writes = shield.writes_in(admission)
        async with system.db.unit_of_work(write=writes) as session:
            await shield.admit(admission, session)
            user = await self._find(session, connection, username)
        await shield.enforce(admission)
        result = await system.hasher.verify(user.password_hash if user else None, password)
        if user is None or not result.ok:
            event.type = "fu" if user is None else "fp"
            event.user_id = user.user_id if user else None
            event.description = WRONG_CREDENTIALS
            await system.logs.record_now(tenant.id, tenant.domain, event)
            await shield.failed(admission, user=user)
            raise _logged(InvalidGrant(WRONG_CREDENTIALS, detail=f"login failed: {event.type}"))
        event.user_id = user.user_id
        if user.blocked:
            event.type, event.description = "f", "user is blocked"
            await system.logs.record_now(tenant.id, tenant.domain, event)
            raise _logged(AccessDenied("user is blocked"))
        await system.breached.at_login(tenant, user, password, event)
        upgraded = await system.hasher.hash(password) if result.needs_rehash else None
        now = system.clock.now()
        async with system.db.unit_of_work(write=True) as session:
            await repository.record_login(
                session, user.id, at=now, ip=self._info.ip, password_hash=upgraded
            )
            await shield.succeeded(admission, session)
            system.logs.add(session, tenant.id, tenant.domain, event)
        return ResourceOwner(
            user_id=user.user_id,
            claims=profile_claims(user, tenant.issuer),
            ref=user.id,
            connection=connection.name,
        )

    async def _bot_check(self) -> None:
        headers = {"user-agent": self._info.user_agent or ""}
        if await self._system.bots.needed(self._tenant.id, "password", self._info.ip, headers):
            raise RequiresVerification("Suspicious request requires verification")

    def _attempt(self, connection: ConnectionRecord, username: str, event: Event) -> LoginAttempt:
        options = connection.options
        return LoginAttempt(
            tenant=self._tenant,
            identifier=username.strip().lower(),
            ip=self._info.ip or "",
            connection=connection.name,
            connection_id=connection.id,
            brute_force_on_connection=(
                not isinstance(options, DatabaseOptions) or options.brute_force_protection
            ),
            event=dataclasses.replace(event),
        )

    async def _connection(self, realm: str | None, client: ClientRecord) -> ConnectionRecord:
        name = realm or self._tenant.default_directory
        if not name:
            raise InvalidRequest("Authorization server not configured with default connection.")
        connection = await self._system.connections.record(self._tenant.id, name)
        if connection is None or not connection.strategy.is_database:
            raise InvalidRequest("Unknown realm.")
        enabled = await self._system.connections.enabled(connection.id, client.client_id)
        if not enabled:
            raise UnauthorizedClientConnection()
        return connection

    @staticmethod
    async def _find(session: Any, connection: ConnectionRecord, username: str) -> User | None:
        user = await repository.in_connection(session, connection.id, email_key=email_key(username))
        options = connection.options
        if user is None and isinstance(options, DatabaseOptions) and options.requires_username:
            user = await repository.in_connection(
                session, connection.id, username_key=username.lower()
            )
        return user


def _logged(error: OAuthError) -> OAuthError:
    """Mark an error whose log event was written here, so the endpoint does not write another."""
    error.logged = True
    return error


class UnauthorizedClientConnection(AccessDenied):
    def __init__(self) -> None:
        super().__init__("The connection is not enabled for this client.")
