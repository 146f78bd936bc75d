"""Authorization codes and refresh tokens of one tenant: ``protocol.ports.CodeStore`` and
``RefreshStore`` over the database.

Values are 256-bit random tokens (security.md BCP-17); only their SHA-256 is stored. Each
operation is its own short transaction, so a consumed code or a revoked family is committed
even when the token request then fails (DESIGN §4, side effects that must outlive an error).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.randomness import random_hex, random_token
from authgate.db import Database
from authgate.protocol.errors import InvalidGrant
from authgate.protocol.ports import (
    ClientRecord,
    CodeGrant,
    NewRefreshToken,
    RefreshGrant,
    ResourceOwner,
)
from authgate.tokens import repository
from authgate.tokens.models import AuthorizationCode, RefreshToken
from authgate.users import repository as users
from authgate.users.profiles import resource_owner

CODE_LIFETIME = timedelta(seconds=60)
INVALID_REFRESH = "Unknown or invalid refresh token."


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class NewCode:
    client_id: str
    user_ref: str
    redirect_uri: str
    scope: tuple[str, ...]
    audience: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: datetime
    session_id: str | None


class CodeService:
    """``CodeStore`` for one tenant, and the issuing side used by the authorization endpoint."""

    def __init__(self, db: Database, clock: Clock, tenant_id: str) -> None:
        self._db, self._clock, self._tenant_id = db, clock, tenant_id

    async def create(self, new: NewCode) -> str:
        async with self._db.unit_of_work(write=True) as session:
            return self.add(session, new)

    def add(self, session: AsyncSession, new: NewCode) -> str:
        """A new code in the caller's transaction; its value (only its digest is stored)."""
        code = random_token(32)
        now = self._clock.now()
        session.add(
            AuthorizationCode(
                code_digest=digest(code),
                tenant_id=self._tenant_id,
                client_id=new.client_id,
                user_id=new.user_ref,
                session_id=new.session_id,
                family_id=random_hex(16),
                redirect_uri=new.redirect_uri,
                scope=" ".join(new.scope),
                audience=new.audience,
                nonce=new.nonce,
                code_challenge=new.code_challenge,
                code_challenge_method=new.code_challenge_method,
                auth_time=new.auth_time,
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )
        return code

    async def find(self, code: str) -> CodeGrant | None:
        if len(code) > 512:
            return None
        async with self._db.unit_of_work(write=False) as session:
            row = await repository.code(session, self._tenant_id, digest(code))
        if row is None:
            return None
        return CodeGrant(
            client_id=row.client_id,
            user_ref=row.user_id,
            redirect_uri=row.redirect_uri,
            scope=tuple(row.scope.split()),
            audience=row.audience,
            nonce=row.nonce,
            code_challenge=row.code_challenge,
            auth_time=int(row.auth_time.timestamp()),
            session_id=row.session_id,
            family_id=row.family_id,
            expires_at=row.expires_at.timestamp(),
        )

    async def consume(self, code: str) -> bool:
        async with self._db.unit_of_work(write=True) as session:
            return await repository.consume_code(
                session, self._tenant_id, digest(code), self._clock.now()
            )

    async def revoke_family(self, family_id: str) -> None:
        async with self._db.unit_of_work(write=True) as session:
            await repository.revoke_family(session, self._tenant_id, family_id, self._clock.now())


class RefreshTokenService:
    """``RefreshStore`` for one tenant."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        tenant_id: str,
        device: dict[str, str] | None = None,
        *,
        issuer: str = "",
    ) -> None:
        self._db, self._clock, self._tenant_id = db, clock, tenant_id
        self._device = device or {}
        self._issuer = issuer

    async def issue(self, token: NewRefreshToken) -> str:
        async with self._db.unit_of_work(write=True) as session:
            value, row = self._new(token, token.family_id or random_hex(16))
            session.add(row)
        return value

    def _new(self, token: NewRefreshToken, family_id: str) -> tuple[str, RefreshToken]:
        value = random_token(32)
        now = self._clock.now()
        policy = token.client.refresh
        return value, RefreshToken(
            id=random_hex(16),
            tenant_id=self._tenant_id,
            token_digest=digest(value),
            family_id=family_id,
            client_id=token.client.client_id,
            user_id=token.user_ref,
            session_id=token.session_id,
            scope=" ".join(token.scope),
            audience=token.audience,
            rotating=policy.rotating,
            device=dict(self._device),
            auth_time=datetime.fromtimestamp(token.auth_time, now.tzinfo),
            created_at=now,
            expires_at=_after(now, policy.lifetime),
            idle_expires_at=_after(now, policy.idle_lifetime),
        )

    async def exchange(self, token: str, client: ClientRecord) -> RefreshGrant:
        if len(token) > 512:
            raise InvalidGrant(INVALID_REFRESH, detail="token too long")
        now = self._clock.now()
        rotate = client.refresh.rotating
        async with self._db.unit_of_work(write=True) as session:
            live = await repository.exchange_live(
                session,
                self._tenant_id,
                digest(token),
                client.client_id,
                now,
                rotate=rotate,
                idle_expires_at=_after(now, client.refresh.idle_lifetime),
            )
            if live is not None:  # one statement for the common case, then the successor
                successor = self._successor(session, live, client) if rotate else None
                return _grant(live, successor, await self._owner(session, live.user_id))
            row = await repository.refresh_token(session, self._tenant_id, digest(token))
            row = self._check(row, client, now)
            if row.rotated_at is None and (row.rotating or client.refresh.rotating):
                if not await repository.rotate(session, row.id, now):
                    raise InvalidGrant(INVALID_REFRESH, detail="concurrent rotation")
                return _grant(row, self._successor(session, row, client))
            if row.rotated_at is None:
                idle = _after(now, client.refresh.idle_lifetime)
                await repository.touch(session, row.id, now, idle)
                return _grant(row, None)
            leeway = timedelta(seconds=client.refresh.leeway)
            if leeway and now - row.rotated_at <= leeway:  # within the leeway
                owner = await self._owner(session, row.user_id)
                return _grant(row, self._successor(session, row, client), owner)
        # a rotated token presented again: revoke the family, in a transaction of its own
        async with self._db.unit_of_work(write=True) as session:
            await repository.revoke_family(session, self._tenant_id, row.family_id, now)
        raise InvalidGrant(INVALID_REFRESH, detail="rotated token reused: family revoked")

    def _check(self, row: RefreshToken | None, client: ClientRecord, now: datetime) -> RefreshToken:
        if row is None or row.revoked_at is not None:
            raise InvalidGrant(INVALID_REFRESH, detail="unknown or revoked token")
        if row.client_id != client.client_id:
            raise InvalidGrant(INVALID_REFRESH, detail="token of another client")
        for limit in (row.expires_at, row.idle_expires_at):
            if limit is not None and limit <= now:
                raise InvalidGrant(INVALID_REFRESH, detail="expired token")
        return row

    def _successor(self, session: AsyncSession, row: RefreshToken, client: ClientRecord) -> str:
        new = NewRefreshToken(
            client=client,
            user_ref=row.user_id,
            scope=tuple(row.scope.split()),
            audience=row.audience,
            auth_time=int(row.auth_time.timestamp()),
            session_id=row.session_id,
            family_id=row.family_id,
        )
        value, successor = self._new(new, row.family_id)
        successor.expires_at = row.expires_at  # absolute expiry is the family's (ASVS 10.4.8)
        successor.device = _rotated_device(row.device, self._device)
        session.add(successor)
        return value

    async def _owner(self, session: AsyncSession, user_ref: str) -> ResourceOwner | None:
        """The token's user, read in the same transaction (None: deleted)."""
        user = await users.by_pk(session, user_ref)
        return None if user is None else resource_owner(user, self._issuer)

    async def revoke(self, token: str, client: ClientRecord) -> None:
        """RFC 7009 §2.1: revoking a refresh token revokes its family; an unknown token or one
        of another client is ignored (§2.2: answered 200 all the same)."""
        if len(token) > 512:
            return
        async with self._db.unit_of_work(write=True) as session:
            row = await repository.refresh_token(session, self._tenant_id, digest(token))
            if row is None or row.client_id != client.client_id:
                return
            await repository.revoke_family(
                session, self._tenant_id, row.family_id, self._clock.now()
            )


def _rotated_device(previous: dict[str, str], current: dict[str, str]) -> dict[str, str]:
    """A successor keeps the family's first device and records the rotating request's."""
    return {
        "initial_ip": previous.get("initial_ip", ""),
        "initial_user_agent": previous.get("initial_user_agent", ""),
        "last_ip": current.get("initial_ip", ""),
        "last_user_agent": current.get("initial_user_agent", ""),
    }


def _after(now: datetime, seconds: int | None) -> datetime | None:
    return None if seconds is None else now + timedelta(seconds=seconds)


def _grant(
    row: RefreshToken, successor: str | None, owner: ResourceOwner | None = None
) -> RefreshGrant:
    return RefreshGrant(
        id=row.id,
        family_id=row.family_id,
        client_id=row.client_id,
        user_ref=row.user_id,
        scope=tuple(row.scope.split()),
        audience=row.audience,
        auth_time=int(row.auth_time.timestamp()),
        session_id=row.session_id,
        successor=successor,
        owner=owner,
    )
