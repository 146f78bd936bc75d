"""Breached password detection (reference §3.1;
https://auth0.com/docs/secure/attack-protection/breached-password-detection).

A password is checked against breach data (``authgate.breached``) at three stages, each with its
shields:

- **login** (``shields``): after the right password, ``block`` refuses the login with
  ``password_leaked`` until the password is changed (the same password is refused again),
  ``user_notification`` mails ``stolen_credentials`` with a reset link (at most once an hour
  per user), ``admin_notification`` alerts the tenant (once an hour per IP); log ``pwd_leak``
  (at most once an hour per IP);
- **signup** (``stage.pre-user-registration.shields``): ``block`` refuses the signup; log
  ``signup_pwd_leak``;
- **password change or reset** (``stage.pre-change-password.shields``): ``block`` refuses the
  new password; log ``reset_pwd_leak``.

The detection runs only while ``enabled``. Auth0's test passwords (any starting with
``AUTH0-TEST-``) always count as breached, so the behaviour can be tried safely.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.db import after_end
from authgate.logs.service import Event, LogService
from authgate.protection.notifications import Notifier
from authgate.protection.service import ProtectionSettings
from authgate.protection.settings import BREACHED_PASSWORD, PRE_CHANGE_PASSWORD, PRE_REGISTRATION
from authgate.protocol.errors import PasswordLeaked
from authgate.protocol.ports import TenantRecord
from authgate.users.errors import PasswordRejected
from authgate.users.models import User

LEAKED_LOGIN = (
    "This login attempt has been blocked because the password you're using was previously "
    "disclosed through a data breach (not in this application)."
)
LEAKED_NEW = (
    "This password was previously disclosed through a data breach (not in this application). "
    "Choose another one."
)
STAGE_LOGS = {PRE_REGISTRATION: "signup_pwd_leak", PRE_CHANGE_PASSWORD: "reset_pwd_leak"}


class BreachChecker(Protocol):
    async def is_breached(self, password: str) -> bool: ...


class BreachedPasswordDetection:
    def __init__(
        self,
        *,
        settings: ProtectionSettings,
        checker: BreachChecker,
        logs: LogService,
        notifier: Notifier,
    ) -> None:
        self._settings = settings
        self._checker = checker
        self._logs = logs
        self._notifier = notifier

    async def at_login(self, tenant: TenantRecord, user: User, password: str, event: Event) -> None:
        """After a successful password check; raise ``PasswordLeaked`` under ``block``."""
        config = await self._settings.document(tenant.id, BREACHED_PASSWORD)
        if not config["enabled"] or not await self._checker.is_breached(password):
            return
        shields = config["shields"]
        ip = event.ip or ""
        if await self._notifier.once(tenant.id, f"log:pwd_leak:{ip}"):
            leaked = dataclasses.replace(
                event, type="pwd_leak", description="Breached password", details={}
            )
            await self._logs.record_now(tenant.id, tenant.domain, leaked)
        if "user_notification" in shields:
            await self._notifier.stolen_credentials(tenant, user)
        if "admin_notification" in shields:
            detail = "a login with a password known from a data breach"
            await self._notifier.security_alert(tenant, "breached_password", ip, detail)
        if "block" in shields:
            error = PasswordLeaked(LEAKED_LOGIN)
            error.logged = True
            raise error

    async def screen(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        stage: str,
        password: str,
        event: Event,
    ) -> None:
        """A new password at signup or reset, inside ``session``'s transaction: the log and
        the alert are written after it; raise ``PasswordRejected`` under ``block``."""
        config = await self._settings.document(tenant.id, BREACHED_PASSWORD)
        if not config["enabled"] or not await self._checker.is_breached(password):
            return
        shields = config["stage"][stage]["shields"]
        leaked = dataclasses.replace(
            event, type=STAGE_LOGS[stage], description="Breached password", details={}
        )
        self._logs.record_after(session, tenant.id, tenant.domain, leaked)
        if "admin_notification" in shields:
            ip = event.ip or ""
            detail = f"a new password known from a data breach ({stage})"

            async def alert() -> None:
                await self._notifier.security_alert(tenant, "breached_password", ip, detail)

            after_end(session, alert)
        if "block" in shields:
            raise PasswordRejected(
                code="password_leaked", name="PasswordLeakedError", message=LEAKED_NEW
            )
