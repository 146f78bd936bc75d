"""A tenant's attack-protection settings: ``/api/v2/attack-protection/*`` and the hot paths.

Documents are stored as the fields an administrator changed and read through the
configuration cache, so a login checks its protections without a database round trip for
settings; every write calls ``ConfigCache.changed`` in its transaction.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.protection import repository
from authgate.protection.settings import DEFAULTS, effective, merge, patch_document

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProtectionSettings:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock

    async def document(self, tenant_id: str, feature: str) -> dict[str, Any]:
        """The effective document (defaults + changes), from the cache; do not mutate it."""
        documents = await self._documents(tenant_id)
        return documents[feature] if feature in documents else effective(feature, None)

    async def update(
        self,
        session: AsyncSession,
        tenant_id: str,
        feature: str,
        patch: BaseModel | dict[str, Any],
    ) -> dict[str, Any]:
        changes = patch if isinstance(patch, dict) else patch_document(patch)
        current = (await repository.documents(session, tenant_id)).get(feature, {})
        document = merge(current, changes)
        await repository.save_document(session, tenant_id, feature, document, self._clock.now())
        await self._cache.changed(session)
        return document

    async def replace(
        self, session: AsyncSession, tenant_id: str, feature: str, document: dict[str, Any]
    ) -> None:
        await repository.save_document(session, tenant_id, feature, document, self._clock.now())
        await self._cache.changed(session)

    async def _documents(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        """Every effective document of the tenant, computed once per configuration change."""

        async def load(session: AsyncSession) -> dict[str, dict[str, Any]]:
            stored = await repository.documents(session, tenant_id)
            features = set(DEFAULTS) | set(stored)
            return {feature: effective(feature, stored.get(feature)) for feature in features}

        result: dict[str, dict[str, Any]] = await self._cache.get(("protection", tenant_id), load)
        return result


def allowlisted(ip: str | None, allowlist: list[str]) -> bool:
    """Whether ``ip`` is in one of the addresses or CIDR ranges of ``allowlist``."""
    if not ip or not allowlist:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(allowlist)))


@lru_cache(maxsize=256)
def _networks(allowlist: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowlist)
