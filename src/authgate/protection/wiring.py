"""``Protection``: the attack-protection services of one deployment, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.db import Database
from authgate.email.service import EmailService
from authgate.logs.service import LogService
from authgate.protection.login import LoginShield
from authgate.protection.notifications import Notifier
from authgate.protection.ratelimit import MemoryBuckets, RateLimiter
from authgate.protection.service import ProtectionSettings
from authgate.protection.store import ProtectionStore, RedisStore, SqlStore
from authgate.protection.throttle import IpThrottle
from authgate.tickets.service import TicketService


@dataclass(frozen=True)
class Protection:
    settings: ProtectionSettings
    store: ProtectionStore
    limiter: RateLimiter
    notifier: Notifier
    shield: LoginShield
    throttle: IpThrottle


def build_protection(
    *,
    db: Database,
    cache: ConfigCache,
    clock: Clock,
    redis: Any | None,
    redis_prefix: str,
    logs: LogService,
    email: EmailService,
    tickets: TicketService,
) -> Protection:
    store: ProtectionStore
    if redis is not None:
        redis_store = RedisStore(redis, redis_prefix)
        store = redis_store
        limiter = RateLimiter(redis_store, clock)
    else:
        store = SqlStore(db)
        limiter = RateLimiter(MemoryBuckets(), clock)
    settings = ProtectionSettings(cache, clock)
    notifier = Notifier(db, store, email, tickets, clock)
    shield = LoginShield(
        settings=settings,
        store=store,
        limiter=limiter,
        logs=logs,
        notifier=notifier,
        clock=clock,
    )
    throttle = IpThrottle(settings, store, logs, notifier, clock)
    return Protection(settings, store, limiter, notifier, shield, throttle)
