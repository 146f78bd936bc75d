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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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
    """One login's passage through the shield: what it will take (``begin``), what it took
    (``admit``), then whether it may proceed (``enforce``) and how it is settled."""

    attempt: LoginAttempt
    bucket: BucketTake | None = None
    counting: AttemptCount | None = None
    throttle: dict[str, Any] = field(default_factory=dict)
    notify_user: bool = False
    block_shield: bool = False
    throttled: bool = False
    count: int = 0
    counted_ip: str | None = None
    ip_bucket: str | None = None
    max_attempts: int = 0

    @property
    def writes(self) -> bool:
        """Whether ``admit`` writes (the caller then admits in a write transaction)."""
        return self.bucket is not None or self.counting is not None


class LoginShield:
    """Used by a password login in four steps, so that the counting shares the transaction
    that looks the user up and the settling the one that records the login (one write each
    on SQLite, where writers queue):

    ``begin`` (before any transaction: the same-user limit and the plan), ``admit`` (inside
    the lookup transaction: take and count), ``enforce`` (after it: log, notify, refuse), then
    ``succeeded`` (inside the login's write) or ``failed``.
    """

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

    async def begin(self, attempt: LoginAttempt) -> Admission:
        """Apply the same-user limit (raise ``TooManyAttempts``, logged) and plan the rest."""
        await self._same_user(attempt)
        tenant_id = attempt.tenant.id
        throttle = await self._settings.document(tenant_id, SUSPICIOUS_IP)
        brute = await self._settings.document(tenant_id, BRUTE_FORCE)
        return Admission(
            attempt,
            bucket=_bucket(attempt, throttle),
            counting=_counting(attempt, brute),
            throttle=throttle,
            notify_user="user_notification" in brute["shields"],
            block_shield="block" in brute["shields"],
        )

    def writes_in(self, admission: Admission) -> bool:
        """Whether ``admit`` and ``succeeded`` write to the database."""
        return admission.writes and self._store.in_database

    async def admit(self, admission: Admission, session: AsyncSession | None = None) -> None:
        """Take the IP's token and count the attempt, atomically (in ``session`` if given)."""
        if not admission.writes:
            return
        taken, count = await self._store.admit_login(
            admission.attempt.tenant.id,
            admission.bucket,
            admission.counting,
            self._clock.now(),
            session,
        )
        if admission.bucket is not None and taken is not None:
            admission.throttled = not taken.allowed
            admission.ip_bucket = None if admission.throttled else admission.bucket.key
        if admission.counting is not None and not admission.throttled:
            admission.counted_ip, admission.count = admission.counting.ip, count
            admission.max_attempts = admission.counting.max_attempts

    async def enforce(self, admission: Admission) -> None:
        """Log, notify and raise ``TooManyAttempts`` for what ``admit`` found."""
        attempt = admission.attempt
        if admission.throttled:
            await self._throttled(attempt, admission.throttle)
        if admission.counted_ip is not None and admission.count > admission.max_attempts:
            await self._log(attempt, "limit_wc", BLOCKED_LOG)
            if admission.block_shield:
                admission.counted_ip = None  # a refused attempt is not settled by a login
                raise _refused(TooManyAttempts(BLOCKED))

    async def succeeded(self, admission: Admission, session: AsyncSession | None = None) -> None:
        """Give the IP's token back and forget the identifier's failures from this IP."""
        attempt = admission.attempt
        counted = admission.counted_ip
        await self._store.settle_login(
            attempt.tenant.id,
            admission.ip_bucket,
            (attempt.identifier, counted) if counted is not None else None,
            session,
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
