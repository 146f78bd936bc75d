"""The attack protections of every password login (reference §3.1; security.md §5, brute force).

Before the password is checked, in this order:

1. **Same-user login rate limit** (Auth0's, not configurable): 20 attempts from one IP to one
   identifier, then 10 a minute; log ``limit_sul``.
2. **Suspicious IP throttling**, stage ``pre-login``: a token bucket per IP across accounts
   (default 100, one regained every 864,000 ms). A token is taken *before* the check and given
   back when the login succeeds, so only failures spend the budget and a parallel burst cannot
   overdraw it. Log ``limit_mu``.
3. **Brute-force protection**: the attempt is counted *before* the check, atomically, per
   identifier and IP (or per identifier in ``count_per_identifier`` mode); an attempt beyond
   ``max_attempts`` is refused without checking the password, so of 50 parallel wrong
   passwords exactly ``max_attempts`` are checked. A successful login forgets the count. The
   failure that reaches ``max_attempts`` logs ``limit_wc`` and, with the ``user_notification``
   shield, mails the user an unblock link (at most once an hour per IP).

Without the ``block`` shield a protection only logs (Auth0's monitoring mode). Allowlisted IPs
are exempt from the IP-based protections. Every refusal is 429 ``too_many_attempts``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from authgate.core.clock import Clock
from authgate.logs.service import Event, LogService
from authgate.protection.notifications import Notifier
from authgate.protection.ratelimit import RateLimiter
from authgate.protection.service import ProtectionSettings, allowlisted
from authgate.protection.settings import BRUTE_FORCE, PRE_LOGIN, SUSPICIOUS_IP
from authgate.protection.store import AttemptCount, BucketTake, ProtectionStore
from authgate.protection.throttle import bucket_key
from authgate.protocol.errors import TooManyAttempts
from authgate.protocol.ports import TenantRecord
from authgate.users.models import User

BLOCKED = (
    "Your account has been blocked after multiple consecutive login attempts. "
    "We've sent you an email with instructions on how to unblock it."
)
SUSPICIOUS = (
    "We have detected suspicious login behavior and further attempts will be blocked. "
    "Please contact the administrator."
)
BLOCKED_LOG = "The identifier is blocked for this IP address."
SAME_USER = "Too many login attempts for this user. Wait a minute and try again."
SAME_USER_BURST = 20
SAME_USER_INTERVAL_MS = 6_000


@dataclass(frozen=True)
class LoginAttempt:
    tenant: TenantRecord
    identifier: str
    ip: str
    connection: str
    connection_id: str
    brute_force_on_connection: bool
    event: Event
    """The log event of this login so far (client, connection, user name, IP, user agent)."""


@dataclass
class Admission:
    """What ``admit`` took, so that ``succeeded``/``failed`` can settle it."""

    attempt: LoginAttempt
    counted_ip: str | None = None
    count: int = 0
    max_attempts: int = 0
    notify_user: bool = False
    ip_bucket: str | None = None


class LoginShield:
    def __init__(
        self,
        *,
        settings: ProtectionSettings,
        store: ProtectionStore,
        limiter: RateLimiter,
        logs: LogService,
        notifier: Notifier,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._store = store
        self._limiter = limiter
        self._logs = logs
        self._notifier = notifier
        self._clock = clock

    async def admit(self, attempt: LoginAttempt) -> Admission:
        """Count the attempt, or raise ``TooManyAttempts`` (logged) when it may not proceed."""
        admission = Admission(attempt)
        await self._same_user(attempt)
        tenant_id = attempt.tenant.id
        throttle = await self._settings.document(tenant_id, SUSPICIOUS_IP)
        brute = await self._settings.document(tenant_id, BRUTE_FORCE)
        bucket = _bucket(attempt, throttle)
        counting = _counting(attempt, brute)
        taken, count = await self._store.admit_login(tenant_id, bucket, counting, self._clock.now())
        if bucket is not None and taken is not None:
            if not taken.allowed:
                await self._throttled(attempt, throttle)
            admission.ip_bucket = bucket.key
        if counting is not None:
            admission.counted_ip, admission.count = counting.ip, count
            admission.max_attempts = counting.max_attempts
            admission.notify_user = "user_notification" in brute["shields"]
            if count > counting.max_attempts and "block" in brute["shields"]:
                admission.counted_ip = None  # a refused attempt is not settled by a login
                await self._log(
                    attempt, "limit_wc", "The identifier is blocked for this IP address."
                )
                raise _refused(TooManyAttempts(BLOCKED))
        return admission

    async def succeeded(self, admission: Admission) -> None:
        attempt = admission.attempt
        counted = admission.counted_ip
        await self._store.settle_login(
            attempt.tenant.id,
            admission.ip_bucket,
            (attempt.identifier, counted) if counted is not None else None,
        )

    async def failed(self, admission: Admission, *, user: User | None) -> None:
        """After a wrong password: when this failure engaged the block, log and notify."""
        if admission.counted_ip is None or admission.count != admission.max_attempts:
            return
        attempt = admission.attempt
        await self._log(attempt, "limit_wc", "Too many failed login attempts: the block engaged.")
        if admission.notify_user and user is not None:
            await self._notifier.blocked_account(attempt.tenant, user, attempt.ip)

    async def _same_user(self, attempt: LoginAttempt) -> None:
        decision = await self._limiter.take(
            attempt.tenant.id,
            f"sul:{attempt.identifier}:{attempt.ip}",
            burst=SAME_USER_BURST,
            interval_ms=SAME_USER_INTERVAL_MS,
        )
        if not decision.allowed:
            await self._log(attempt, "limit_sul", SAME_USER)
            raise _refused(TooManyAttempts(SAME_USER))

    async def _throttled(self, attempt: LoginAttempt, config: dict[str, Any]) -> None:
        await self._log(attempt, "limit_mu", "Too many failed logins from this IP address.")
        if "admin_notification" in config["shields"]:
            await self._notifier.suspicious_ip(attempt.tenant, attempt.ip, PRE_LOGIN)
        if "block" in config["shields"]:
            raise _refused(TooManyAttempts(SUSPICIOUS))

    async def _log(self, attempt: LoginAttempt, kind: str, description: str) -> None:
        event = dataclasses.replace(
            attempt.event, type=kind, description=description, details=dict(attempt.event.details)
        )
        await self._logs.record_now(attempt.tenant.id, attempt.tenant.domain, event)


def _bucket(attempt: LoginAttempt, config: dict[str, Any]) -> BucketTake | None:
    if not config["enabled"] or not attempt.ip or allowlisted(attempt.ip, config["allowlist"]):
        return None
    stage = config["stage"][PRE_LOGIN]
    return BucketTake(
        key=bucket_key(PRE_LOGIN, attempt.ip),
        capacity=int(stage["max_attempts"]),
        interval_ms=int(stage["rate"]),
    )


def _counting(attempt: LoginAttempt, config: dict[str, Any]) -> AttemptCount | None:
    if not config["enabled"] or not attempt.brute_force_on_connection:
        return None
    if allowlisted(attempt.ip, config["allowlist"]):
        return None
    return AttemptCount(
        identifier=attempt.identifier,
        ip="" if config["mode"] == "count_per_identifier" else attempt.ip,
        connection=attempt.connection,
        max_attempts=int(config["max_attempts"]),
    )


def _refused(error: TooManyAttempts) -> TooManyAttempts:
    error.logged = True
    return error
