"""The services of one running Authgate, built once from the settings by ``build_services``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from authgate.apis.service import ApiService
from authgate.blocks.service import BlockService
from authgate.branding.service import BrandingService
from authgate.breached.service import BreachedPasswords
from authgate.captcha.service import BotDefense
from authgate.client_grants.service import ClientGrantService
from authgate.clients.service import ClientService
from authgate.config.cache import ConfigCache
from authgate.connections.service import ConnectionService
from authgate.core.background import Background
from authgate.core.clock import Clock, SystemClock
from authgate.core.request_info import RequestInfo
from authgate.core.secretbox import SecretBox, load_or_create_master_key
from authgate.core.shared_state import CLOCK_OFFSET_MS, SharedState
from authgate.db import Database
from authgate.email.service import EmailService
from authgate.grants.service import GrantService
from authgate.jobs.service import JobService
from authgate.keys.opaque import SealedTokens
from authgate.keys.service import KeyService
from authgate.logs.queries import LogQueries
from authgate.logs.service import LogService
from authgate.passwords import PasswordHasher
from authgate.protection.breached import BreachedPasswordDetection
from authgate.protection.wiring import Protection, build_protection
from authgate.protocol.grants.base import TokenContext
from authgate.protocol.ports import ApiRecord, ClientGrantRecord, ClientRecord, TenantRecord
from authgate.sessions.admin import SessionAdmin
from authgate.sessions.backchannel import BackchannelLogout
from authgate.sessions.logout import LogoutService
from authgate.sessions.service import SessionService
from authgate.settings import Settings
from authgate.tenants.service import TenantService
from authgate.tickets.service import TicketService
from authgate.tokens.admin import RefreshTokenAdmin
from authgate.tokens.service import CodeService, RefreshTokenService
from authgate.users.authentication import LoginSystem
from authgate.users.flows import AccountFlows
from authgate.users.imports import UserImporter
from authgate.users.profiles import UserProfiles
from authgate.users.service import UserService


class CachedDirectory:
    """``protocol.ports.Directory`` for one tenant, answered from the configuration cache."""

    def __init__(self, services: Services, tenant_id: str) -> None:
        self._services = services
        self._tenant_id = tenant_id

    async def client(self, client_id: str) -> ClientRecord | None:
        return await self._services.clients.record(self._tenant_id, client_id)

    async def api(self, audience: str) -> ApiRecord | None:
        return await self._services.apis.record(self._tenant_id, audience)

    async def client_grant(self, client_id: str, audience: str) -> ClientGrantRecord | None:
        return await self._services.client_grants.record(self._tenant_id, client_id, audience)


@dataclass
class Services:
    settings: Settings
    db: Database
    shared: SharedState
    clock: Clock
    cache: ConfigCache
    redis: Any | None
    tenants: TenantService
    keys: KeyService
    apis: ApiService
    clients: ClientService
    client_grants: ClientGrantService
    connections: ConnectionService
    logs: LogService
    log_queries: LogQueries
    hasher: PasswordHasher
    tickets: TicketService
    users: UserService
    flows: AccountFlows
    jobs: JobService
    blocks: BlockService
    protection: Protection
    bots: BotDefense
    breach_data: BreachedPasswords
    email: EmailService
    branding: BrandingService
    background: Background
    user_imports: UserImporter
    logins: LoginSystem
    sessions: SessionService
    logout: LogoutService
    session_admin: SessionAdmin
    refresh_token_admin: RefreshTokenAdmin
    grants: GrantService
    transactions: SecretBox
    """Seals the state of an authorization request while the user is on the hosted pages."""
    opaque_tokens: SecretBox

    async def token_context(
        self, tenant: TenantRecord, info: RequestInfo | None = None
    ) -> TokenContext:
        info = info or RequestInfo()
        device = {"initial_ip": info.ip or "", "initial_user_agent": info.user_agent or ""}
        return TokenContext(
            tenant=tenant,
            directory=CachedDirectory(self, tenant.id),
            signer=await self.keys.signer(tenant),
            clock=self.clock,
            passwords=self.logins.for_request(tenant, info),
            codes=self.codes(tenant.id),
            refresh_tokens=RefreshTokenService(
                self.db, self.clock, tenant.id, device, issuer=tenant.issuer
            ),
            users=UserProfiles(self.db, tenant),
            opaque=self.opaque(tenant.id),
        )

    def codes(self, tenant_id: str) -> CodeService:
        return CodeService(self.db, self.clock, tenant_id)

    def opaque(self, tenant_id: str) -> SealedTokens:
        return SealedTokens(self.opaque_tokens, tenant_id)

    async def start(self) -> None:
        await self.cache.start()
        self.email.start()
        await self.logs.start()

    async def stop(self) -> None:
        await self.background.drain()
        await self.email.stop()
        await self.logs.stop()
        await self.bots.aclose()
        await self.breach_data.aclose()
        await self.cache.stop()
        self.hasher.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.db.dispose()
        self.shared.close()


CAPTCHA_TIMEOUT_SECONDS = 5.0


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    settings.check_production()
    master_key = load_or_create_master_key(
        settings.secret_key.get_secret_value() if settings.secret_key else None,
        settings.data_dir,
    )
    db = Database(settings.resolved_database_url)
    shared = SharedState(settings.data_dir / "shared-state")
    if clock is None:
        clock = (
            SystemClock(offset=lambda: shared.read(CLOCK_OFFSET_MS) / 1000)
            if settings.testing
            else SystemClock()
        )
    redis = _redis_client(settings.redis_url) if settings.redis_url else None
    cache = ConfigCache(db, shared, poll_seconds=settings.config_poll_seconds, redis=redis)
    connections = ConnectionService(cache, clock)
    clients = ClientService(cache, SecretBox(master_key, "client-secret"), clock, connections)
    logs = LogService(db, clock, retention_days=settings.log_retention_days)
    hasher = PasswordHasher()
    tickets = TicketService(clock)
    tenants = TenantService(cache, clock)
    email = EmailService(
        db,
        tenants,
        cache,
        clock,
        message_box=SecretBox(master_key, "email-message"),
        provider_box=SecretBox(master_key, "email-provider"),
        smtp_url=settings.smtp_url.get_secret_value() if settings.smtp_url else None,
        issuer=settings.issuer,
    )
    background = Background()
    users = UserService(clock, hasher, connections, tickets, email)
    jobs = JobService(clock, users)
    keys = KeyService(cache, SecretBox(master_key, "signing-key"), clock)
    sessions = SessionService(clock)
    refresh_token_admin = RefreshTokenAdmin(clock, users)
    backchannel = BackchannelLogout(clients, keys, logs, background, clock)
    logout = LogoutService(clock, sessions, backchannel, refresh_token_admin, logs)
    protection = build_protection(
        db=db,
        cache=cache,
        clock=clock,
        redis=redis,
        redis_prefix=settings.redis_prefix,
        logs=logs,
        email=email,
        tickets=tickets,
    )
    blocks = BlockService(clock, protection.store, protection.settings)
    breach_data = BreachedPasswords(
        data_dir=settings.data_dir,
        range_url=settings.breached_passwords_range_url,
        timeout=settings.breached_passwords_timeout,
    )
    breached = BreachedPasswordDetection(
        settings=protection.settings,
        checker=breach_data,
        logs=logs,
        notifier=protection.notifier,
    )
    bots = BotDefense(
        settings=protection.settings,
        store=protection.store,
        challenges=SecretBox(master_key, "captcha-challenge"),
        secrets=SecretBox(master_key, "captcha-secret"),
        http=httpx.AsyncClient(timeout=CAPTCHA_TIMEOUT_SECONDS, follow_redirects=False),
        clock=clock,
        verify_urls=settings.captcha_verify_urls,
        difficulty=settings.captcha_difficulty,
    )
    return Services(
        settings=settings,
        db=db,
        shared=shared,
        clock=clock,
        cache=cache,
        redis=redis,
        tenants=tenants,
        keys=keys,
        apis=ApiService(cache, SecretBox(master_key, "api-signing-secret"), clock),
        clients=clients,
        client_grants=ClientGrantService(cache, clock),
        connections=connections,
        logs=logs,
        log_queries=LogQueries(users),
        hasher=hasher,
        tickets=tickets,
        users=users,
        flows=AccountFlows(
            users,
            connections,
            clients,
            logs,
            db=db,
            background=background,
            blocks=blocks,
            tickets=tickets,
            breached=breached,
        ),
        jobs=jobs,
        blocks=blocks,
        email=email,
        branding=BrandingService(cache, clock),
        background=background,
        user_imports=UserImporter(clock, users, connections, jobs, logs),
        logins=LoginSystem(db, connections, hasher, logs, clock, protection.shield, bots, breached),
        protection=protection,
        bots=bots,
        breach_data=breach_data,
        sessions=sessions,
        logout=logout,
        session_admin=SessionAdmin(clock, users, logout),
        refresh_token_admin=refresh_token_admin,
        grants=GrantService(clock, users),
        transactions=SecretBox(master_key, "authorization-transaction"),
        opaque_tokens=SecretBox(master_key, "opaque-access-token"),
    )


def _redis_client(url: str) -> Any:
    return Redis.from_url(url, decode_responses=True)
