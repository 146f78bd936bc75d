"""Suspicious IP throttling outside the login (reference §3.1): the ``pre-user-registration``
stage (signups per IP, success or failure; default 50, one regained every 1,200 ms) and the
state behind ``/api/v2/anomaly/blocks/ips/{ip}``: an IP is blocked while either of its buckets
has no token left. The ``pre-login`` stage is taken with the login (``protection.login``).
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.logs.service import Event, LogService
from authgate.protection.notifications import Notifier
from authgate.protection.service import ProtectionSettings, allowlisted
from authgate.protection.settings import PRE_LOGIN, PRE_REGISTRATION, SUSPICIOUS_IP
from authgate.protection.store import ProtectionStore
from authgate.protocol.errors import TooManyAttempts
from authgate.protocol.ports import TenantRecord

SIGNUPS_THROTTLED = (
    "We have detected suspicious sign up behavior from your network and further attempts "
    "will be blocked. Please contact the administrator."
)


def bucket_key(stage: str, ip: str) -> str:
    return f"ip:{stage}:{ip}"


class IpThrottle:
    def __init__(
        self,
        settings: ProtectionSettings,
        store: ProtectionStore,
        logs: LogService,
        notifier: Notifier,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._store = store
        self._logs = logs
        self._notifier = notifier
        self._clock = clock

    async def admit_signup(self, tenant: TenantRecord, ip: str | None, event: Event) -> None:
        """Take a signup token for ``ip`` or raise ``TooManyAttempts`` (logged ``limit_mu``)."""
        config = await self._settings.document(tenant.id, SUSPICIOUS_IP)
        if not config["enabled"] or not ip or allowlisted(ip, config["allowlist"]):
            return
        stage = config["stage"][PRE_REGISTRATION]
        take = await self._store.take(
            tenant.id,
            bucket_key(PRE_REGISTRATION, ip),
            capacity=int(stage["max_attempts"]),
            interval_ms=int(stage["rate"]),
            now_ms=self._now_ms(),
        )
        if take.allowed:
            return
        logged = dataclasses.replace(
            event, type="limit_mu", description="Too many signups from this IP address."
        )
        await self._logs.record_now(tenant.id, tenant.domain, logged)
        if "admin_notification" in config["shields"]:
            await self._notifier.suspicious_ip(tenant, ip, PRE_REGISTRATION)
        if "block" in config["shields"]:
            error = TooManyAttempts(SIGNUPS_THROTTLED)
            error.logged = True
            raise error

    async def blocked(self, tenant_id: str, ip: str) -> bool:
        config = await self._settings.document(tenant_id, SUSPICIOUS_IP)
        for stage in (PRE_LOGIN, PRE_REGISTRATION):
            limits = config["stage"][stage]
            spent = await self._store.spent(
                tenant_id,
                bucket_key(stage, ip),
                interval_ms=int(limits["rate"]),
                now_ms=self._now_ms(),
            )
            if spent + 1 > int(limits["max_attempts"]):
                return True
        return False

    async def release(self, tenant_id: str, ip: str, session: AsyncSession | None = None) -> None:
        keys = [bucket_key(stage, ip) for stage in (PRE_LOGIN, PRE_REGISTRATION)]
        await self._store.drop(tenant_id, keys, session)

    def _now_ms(self) -> int:
        return int(self._clock.time() * 1000)
