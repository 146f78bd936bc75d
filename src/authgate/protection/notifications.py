"""The mails of attack protection, each rate limited as Auth0's are (reference §3.1):

- ``blocked_account`` to a user whose identifier brute-force protection blocked, with a
  single-use unblock link (at most one an hour per IP);
- ``stolen_credentials`` to a user who logged in with a breached password (one an hour per
  user);
- ``security_alert`` to the tenant's ``support_email`` when an IP is throttled or a breached
  password is seen (one an hour per IP and kind).
"""

from __future__ import annotations

from authgate.core.clock import Clock
from authgate.db import Database
from authgate.email.service import EmailService
from authgate.protection.store import ProtectionStore
from authgate.protocol.ports import TenantRecord
from authgate.tickets.service import (
    DEFAULT_TTL_SECONDS,
    PASSWORD_CHANGE,
    UNBLOCK,
    TicketService,
)
from authgate.users.models import User

HOUR_MS = 3_600_000
UNBLOCK_TTL_SECONDS = 86_400


class Notifier:
    def __init__(
        self,
        db: Database,
        store: ProtectionStore,
        email: EmailService,
        tickets: TicketService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._store = store
        self._email = email
        self._tickets = tickets
        self._clock = clock

    async def blocked_account(self, tenant: TenantRecord, user: User, ip: str) -> bool:
        if not user.email or not await self.once(tenant.id, f"notify:blocked:{ip}"):
            return False
        async with self._db.unit_of_work(write=True) as session:
            issued = await self._tickets.issue(
                session, tenant, user, UNBLOCK, ttl_seconds=UNBLOCK_TTL_SECONDS
            )
            await self._email.enqueue(
                session,
                tenant_id=tenant.id,
                template="blocked_account",
                to=user.email,
                locales=_locales(user),
                context={**_user_context(user), "url": issued.url, "ttl": UNBLOCK_TTL_SECONDS},
            )
        return True

    async def stolen_credentials(self, tenant: TenantRecord, user: User) -> bool:
        if not user.email or not await self.once(tenant.id, f"notify:leak:{user.user_id}"):
            return False
        async with self._db.unit_of_work(write=True) as session:
            issued = await self._tickets.issue(session, tenant, user, PASSWORD_CHANGE)
            await self._email.enqueue(
                session,
                tenant_id=tenant.id,
                template="stolen_credentials",
                to=user.email,
                locales=_locales(user),
                context={**_user_context(user), "url": issued.url, "ttl": DEFAULT_TTL_SECONDS},
            )
        return True

    async def security_alert(self, tenant: TenantRecord, kind: str, ip: str, detail: str) -> bool:
        """``kind`` is ``suspicious_ip`` or ``breached_password``; ``detail`` a short phrase."""
        if not tenant.support_email:
            return False
        if not await self.once(tenant.id, f"notify:admin:{kind}:{ip}"):
            return False
        async with self._db.unit_of_work(write=True) as session:
            await self._email.enqueue(
                session,
                tenant_id=tenant.id,
                template="security_alert",
                to=tenant.support_email,
                context={
                    "user": {"email": tenant.support_email, "name": None, "nickname": None},
                    "url": None,
                    "ttl": None,
                    "alert": {"kind": kind, "ip": ip, "detail": detail},
                },
            )
        return True

    async def suspicious_ip(self, tenant: TenantRecord, ip: str, stage: str) -> bool:
        what = "failed logins" if stage == "pre-login" else "signups"
        return await self.security_alert(
            tenant, "suspicious_ip", ip, f"too many {what} from one IP address ({stage})"
        )

    async def once(self, tenant_id: str, key: str) -> bool:
        """Whether ``key`` has not been taken in the last hour (and take it)."""
        take = await self._store.take(
            tenant_id,
            key,
            capacity=1,
            interval_ms=HOUR_MS,
            now_ms=int(self._clock.time() * 1000),
        )
        return take.allowed


def _user_context(user: User) -> dict[str, object]:
    return {
        "user": {
            "email": user.email,
            "name": user.name,
            "nickname": user.nickname,
            "user_id": user.user_id,
        }
    }


def _locales(user: User) -> list[str]:
    locale = user.user_metadata.get("locale")
    return [locale] if isinstance(locale, str) else []
