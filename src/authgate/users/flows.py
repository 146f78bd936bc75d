"""The self-service account flows of the Authentication API and the hosted pages, each with
its tenant log events: signup (``ss``/``fs``), password reset request (``scpr``/``fcpr``),
email verification (``sv``/``fv``) and password change through a ticket (``scp``/``fcp``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.blocks.service import BlockService, identifiers_of
from authgate.clients.service import ClientService
from authgate.connections.service import ConnectionService
from authgate.core.background import Background
from authgate.core.errors import DomainError, Invalid
from authgate.core.request_info import RequestInfo
from authgate.db import Database
from authgate.logs.service import Event, LogService
from authgate.protection.breached import BreachedPasswordDetection
from authgate.protection.settings import PRE_CHANGE_PASSWORD, PRE_REGISTRATION
from authgate.protocol.ports import TenantRecord
from authgate.tickets.service import UNBLOCK, TicketService
from authgate.users import repository
from authgate.users.errors import PasswordRejected
from authgate.users.models import User
from authgate.users.service import RuleLine, Signup, UserService


@dataclass(frozen=True)
class Outcome:
    """The result of a flow that ends on a page: the user (when it worked) and where to go."""

    user: User | None
    result_url: str | None


class AccountFlows:
    def __init__(
        self,
        users: UserService,
        connections: ConnectionService,
        clients: ClientService,
        logs: LogService,
        *,
        db: Database,
        background: Background,
        blocks: BlockService,
        tickets: TicketService,
        breached: BreachedPasswordDetection,
    ) -> None:
        self._users = users
        self._connections = connections
        self._clients = clients
        self._logs = logs
        self._db = db
        self._background = background
        self._blocks = blocks
        self._tickets = tickets
        self._breached = breached

    async def signup(
        self, session: AsyncSession, tenant: TenantRecord, request: Signup, info: RequestInfo
    ) -> User:
        event = Event(
            type="ss",
            client_id=request.client_id,
            connection=request.connection,
            user_name=request.email,
            ip=info.ip,
            user_agent=info.user_agent,
            strategy="auth0",
            strategy_type="database",
        )
        try:
            await self._check_client(session, tenant, request.client_id, request.connection)
            await self._breached.screen(session, tenant, PRE_REGISTRATION, request.password, event)
            user = await self._users.signup(session, tenant, request)
        except DomainError as exc:
            event.type, event.description = "fs", _description(exc)
            self._logs.record_after(session, tenant.id, info.hostname, event)
            raise
        event.user_id, event.connection_id = user.user_id, user.connection_id
        self._logs.add(session, tenant.id, info.hostname, event)
        return user

    def request_password_reset(
        self,
        tenant: TenantRecord,
        *,
        email: str,
        connection: str,
        client_id: str | None,
        info: RequestInfo,
    ) -> None:
        """Look the user up and send the reset link after the response, so the answer takes
        the same time whether or not the user exists (security.md §5, user enumeration)."""

        async def send() -> None:
            async with self._db.unit_of_work(write=True) as session:
                user = await self._users.request_password_reset(
                    session,
                    tenant,
                    email=email,
                    connection_name=connection,
                    client_id=client_id,
                )
                event = Event(
                    type="scpr" if user else "fcpr",
                    client_id=client_id,
                    connection=connection,
                    user_name=email,
                    user_id=user.user_id if user else None,
                    ip=info.ip,
                    user_agent=info.user_agent,
                    description=None if user else "No user with this email in this connection.",
                )
                self._logs.add(session, tenant.id, info.hostname, event)

        self._background.spawn(send, "password-reset-request")

    async def verify_email(
        self, session: AsyncSession, tenant: TenantRecord, token: str, info: RequestInfo
    ) -> Outcome:
        verified = await self._users.verify_email(session, tenant, token)
        if verified is None:
            self._logs.record_after(
                session,
                tenant.id,
                info.hostname,
                Event(
                    type="fv",
                    description="The verification link is invalid, used or expired.",
                    ip=info.ip,
                    user_agent=info.user_agent,
                ),
            )
            return Outcome(None, None)
        user, result_url = verified
        self._logs.add(
            session,
            tenant.id,
            info.hostname,
            Event(
                type="sv",
                user_id=user.user_id,
                user_name=user.email,
                ip=info.ip,
                user_agent=info.user_agent,
            ),
        )
        return Outcome(user, result_url)

    async def reset_password(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        token: str,
        password: str,
        info: RequestInfo,
    ) -> Outcome:
        try:
            attempt = Event(type="fcp", ip=info.ip, user_agent=info.user_agent)
            await self._breached.screen(session, tenant, PRE_CHANGE_PASSWORD, password, attempt)
            changed = await self._users.reset_password(session, tenant, token, password)
        except PasswordRejected as exc:
            self._logs.record_after(
                session,
                tenant.id,
                info.hostname,
                Event(
                    type="fcp",
                    description=exc.short_message,
                    ip=info.ip,
                    user_agent=info.user_agent,
                ),
            )
            raise
        if changed is None:
            self._logs.record_after(
                session,
                tenant.id,
                info.hostname,
                Event(
                    type="fcp",
                    description="The password reset link is invalid, used or expired.",
                    ip=info.ip,
                    user_agent=info.user_agent,
                ),
            )
            return Outcome(None, None)
        user, result_url = changed
        # a successful reset lifts the brute-force blocks of the user (reference §3.1)
        await self._blocks.release(tenant.id, identifiers_of(user), session)
        self._logs.add(
            session,
            tenant.id,
            info.hostname,
            Event(
                type="scp",
                user_id=user.user_id,
                user_name=user.email,
                ip=info.ip,
                user_agent=info.user_agent,
            ),
        )
        return Outcome(user, result_url)

    async def unblock(
        self, session: AsyncSession, tenant: TenantRecord, token: str, info: RequestInfo
    ) -> User | None:
        """Use an unblock link: the user's brute-force blocks are lifted (log ``ublkdu``)."""
        ticket = await self._tickets.consume(session, tenant.id, token, UNBLOCK)
        user = await repository.by_pk(session, ticket.user_pk) if ticket else None
        if user is None:
            return None
        await self._blocks.release(tenant.id, identifiers_of(user), session)
        self._logs.add(
            session,
            tenant.id,
            info.hostname,
            Event(
                type="ublkdu",
                description="The user lifted a brute-force block through the emailed link.",
                user_id=user.user_id,
                user_name=user.email,
                ip=info.ip,
                user_agent=info.user_agent,
            ),
        )
        return user

    async def reset_form(
        self, session: AsyncSession, tenant: TenantRecord, token: str
    ) -> tuple[str | None, list[RuleLine]] | None:
        return await self._users.reset_form(session, tenant, token)

    async def _check_client(
        self, session: AsyncSession, tenant: TenantRecord, client_id: str | None, connection: str
    ) -> None:
        if not client_id:
            raise Invalid("Missing required parameter: client_id", error_code="unauthorized")
        if await self._clients.record(tenant.id, client_id) is None:
            raise Invalid("Unknown client.", error_code="unauthorized")
        record = await self._connections.record(tenant.id, connection)
        if record is None or not await self._connections.is_enabled(session, record.id, client_id):
            raise Invalid(
                "The connection is not enabled for this client.", error_code="unauthorized"
            )


def _description(exc: DomainError) -> str:
    return exc.short_message if isinstance(exc, PasswordRejected) else exc.message
