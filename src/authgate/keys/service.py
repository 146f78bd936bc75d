"""Tenant signing keys: generation, encryption at rest, rotation, revocation, JWKS.

Each tenant has one ``current`` key that signs, one ``next`` key already published so that
relying parties cache it before it signs, and ``previous`` keys that keep verifying until an
admin revokes them (Auth0's model; RFC 7517 for the JWK Set). Private keys are stored as PKCS#8
PEM sealed with AES-256-GCM under a key derived from ``AUTHGATE_SECRET_KEY``, bound to the kid.
Keys are RSA-2048 for RS256 by default; the algorithm is stored per key so that ES256, PS256 and
EdDSA keys slot in through ``protocol.jose``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, NotFound, OperationNotSupported
from authgate.core.fields import wire_time
from authgate.core.randomness import random_token
from authgate.core.secretbox import SecretBox
from authgate.keys import certificates, repository
from authgate.keys.models import SigningKey
from authgate.protocol import jose
from authgate.protocol.ports import ApiRecord, TenantRecord
from authgate.tenants import repository as tenants
from authgate.tenants.schemas import TenantSettings

DEFAULT_ALG = "RS256"


@dataclass(frozen=True, slots=True)
class TenantKeys:
    """The decrypted current key and the published verification keys of one tenant."""

    signing: jose.PrivateKey
    alg: str
    verification: Mapping[str, jose.PublicKey]
    jwks: bytes


class TenantSigner:
    """``protocol.ports.Signer`` over a tenant's current key and, for HS256 APIs, their secret."""

    def __init__(self, keys: TenantKeys) -> None:
        self._keys = keys

    @property
    def alg(self) -> str:
        """The algorithm of the ID tokens (the tenant's key)."""
        return self._keys.alg

    def sign(self, claims: Mapping[str, Any], *, typ: str, api: ApiRecord | None = None) -> str:
        if api is not None and api.signing_alg in jose.SYMMETRIC_ALGORITHMS:
            if api.signing_secret is None:
                raise jose.JOSEError("the API has no signing secret")
            return jose.sign_hmac(claims, api.signing_secret, typ=typ, alg=api.signing_alg)
        alg = api.signing_alg if api is not None else self._keys.alg
        return self._keys.signing.sign(claims, alg=alg, typ=typ)


def key_to_wire(key: SigningKey) -> dict[str, Any]:
    """Auth0's signing key object (``GET /api/v2/keys/signing``)."""
    body: dict[str, Any] = {
        "kid": key.kid,
        "cert": key.cert,
        "pkcs7": certificates.pkcs7_of(key.cert),
        "current": key.state == "current",
        "next": key.state == "next",
        "previous": key.state == "previous",
        "fingerprint": certificates.sha1_fingerprint(key.cert),
        "thumbprint": certificates.sha1_hex(key.cert),
        "revoked": key.state == "revoked",
    }
    for name in ("current_since", "current_until", "revoked_at"):
        value: datetime | None = getattr(key, name)
        if value is not None:
            body[name] = wire_time(value)
    return body


class KeyService:
    def __init__(self, cache: ConfigCache, box: SecretBox, clock: Clock) -> None:
        self._cache = cache
        self._box = box
        self._clock = clock

    # -- hot path --------------------------------------------------------------------------

    async def tenant_keys(self, tenant: TenantRecord) -> TenantKeys:
        async def load(session: AsyncSession) -> TenantKeys:
            rows = await repository.for_tenant(session, tenant.id)
            row = await tenants.by_id(session, tenant.id)
            settings = TenantSettings.model_validate(row.settings if row else {})
            return self._build(rows, include_alg=not settings.flags.remove_alg_from_jwks)

        return await self._cache.get(("tenant-keys", tenant.id), load)

    async def signer(self, tenant: TenantRecord) -> TenantSigner:
        return TenantSigner(await self.tenant_keys(tenant))

    def _build(self, rows: list[SigningKey], *, include_alg: bool) -> TenantKeys:
        current = next((row for row in rows if row.state == "current"), None)
        if current is None:
            raise LookupError("the tenant has no current signing key")
        published = [row for row in rows if row.state in repository.PUBLISHED_STATES]
        verification = {row.kid: jose.load_public_jwk(row.public_jwk, row.kid) for row in published}
        jwks = {"keys": [self._jwk(row, include_alg=include_alg) for row in published]}
        return TenantKeys(
            signing=jose.load_private_key(self._open(current), current.kid),
            alg=current.alg,
            verification=verification,
            jwks=json.dumps(jwks, separators=(",", ":")).encode(),
        )

    @staticmethod
    def _jwk(row: SigningKey, *, include_alg: bool) -> dict[str, Any]:
        der = certificates.der(row.cert)
        jwk: dict[str, Any] = {**row.public_jwk, "kid": row.kid, "use": "sig"}
        if include_alg:
            jwk["alg"] = row.alg
        jwk["x5t"] = jose.thumbprint_sha1(der)
        jwk["x5c"] = [_b64(der)]
        return jwk

    def _open(self, row: SigningKey) -> bytes:
        return self._box.open(row.private_key, context=f"signing-key:{row.kid}")

    # -- administration --------------------------------------------------------------------

    async def list(self, session: AsyncSession, tenant_id: str) -> list[SigningKey]:
        return await repository.for_tenant(session, tenant_id)

    async def get(self, session: AsyncSession, tenant_id: str, kid: str) -> SigningKey:
        key = await repository.get(session, tenant_id, kid)
        if key is None:
            raise NotFound("The signing key does not exist.", error_code="inexistent_key")
        return key

    async def ensure(self, session: AsyncSession, tenant: TenantRecord) -> bool:
        """Create the current and next keys of a tenant that has none; True if created."""
        rows = await repository.for_tenant_locked(session, tenant.id)
        states = {row.state for row in rows}
        created = False
        for state in ("current", "next"):
            if state not in states:
                await self._generate(session, tenant, state)
                created = True
        if created:
            await self._cache.changed(session)
        return created

    async def rotate(self, session: AsyncSession, tenant: TenantRecord) -> SigningKey:
        """next → current, current → previous, and a new next; returns the new current key."""
        now = self._clock.now()
        rows = await repository.for_tenant_locked(session, tenant.id)
        current = next((row for row in rows if row.state == "current"), None)
        upcoming = next((row for row in rows if row.state == "next"), None)
        try:
            if current is not None:
                current.state = "previous"
                current.current_until = now
                await session.flush()
            if upcoming is None:
                upcoming = await self._generate(session, tenant, "current")
            else:
                upcoming.state = "current"
                upcoming.current_since = now
                await session.flush()
            await self._generate(session, tenant, "next")
        except IntegrityError as exc:
            raise Conflict("Another key rotation is in progress; try again.") from exc
        await self._cache.changed(session)
        return upcoming

    async def revoke(self, session: AsyncSession, tenant_id: str, kid: str) -> SigningKey:
        key = await self.get(session, tenant_id, kid)
        if key.state != "previous":
            raise OperationNotSupported(
                "Only previous signing keys can be revoked; rotate the keys first."
            )
        key.state = "revoked"
        key.revoked_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return key

    async def _generate(
        self, session: AsyncSession, tenant: TenantRecord, state: str
    ) -> SigningKey:
        now = self._clock.now()
        kid = random_token(16)
        private = jose.generate_private_key(DEFAULT_ALG, kid)
        pem = private.private_pem()
        key = SigningKey(
            kid=kid,
            tenant_id=tenant.id,
            alg=DEFAULT_ALG,
            state=state,
            private_key=self._box.seal(pem, context=f"signing-key:{kid}"),
            public_jwk=private.public_jwk(),
            cert=certificates.self_signed_certificate(pem, _common_name(tenant.issuer), now),
            created_at=now,
            current_since=now if state == "current" else None,
        )
        await repository.add(session, key)
        return key


def _common_name(issuer: str) -> str:
    return urlsplit(issuer).hostname or "authgate"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
