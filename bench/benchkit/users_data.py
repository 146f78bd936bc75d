"""Synthetic users for ``bench/users.py``: rows of Authgate's ``users`` table, reproducible from a
seed.

The mix looks like a consumer tenant a few years old: sign-ups over the last three years, more
of them recently, and rows in sign-up order (as a live table fills); names from a few hundred
given and family names; addresses on about fifty domains, most on a few webmail providers;
``logins_count`` from 0 to 500, most users with few logins; ~70 % verified emails; ~15 % of
users without a structured name (``name`` is then the email, as Auth0 does for a database
sign-up); ``app_metadata`` with a plan and a tier, small ``user_metadata``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from benchkit.users_names import DOMAINS, FAMILY_NAMES, GIVEN_NAMES

SPAN = timedelta(days=3 * 365)
MAX_LOGINS = 500
PLANS = ("free", "pro", "gold")
PLAN_WEIGHTS = (70, 22, 8)
_DOMAIN_NAMES = tuple(DOMAINS)
_DOMAIN_CUMULATIVE = tuple(accumulate(DOMAINS.values()))
_THEMES = ("light", "dark", "system")
_LANGUAGES = ("en", "en", "en", "de", "fr", "es", "pt", "it", "ja", "nl")


class UserFactory:
    """``count`` users of one tenant and connection, signed up before ``now``, in sign-up
    order."""

    def __init__(
        self, *, tenant_id: str, connection_id: str, count: int, seed: int, now: datetime
    ) -> None:
        self.tenant_id = tenant_id
        self.connection_id = connection_id
        self.count = count
        self.now = now
        self._rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        self._taken: set[str] = set()

    def batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The rows, ``size`` at a time, as column name -> value (metadata as dicts)."""
        rng = self._rng
        start = self.now - SPAN
        # sqrt: sign-ups grow linearly over the span, as a growing product's do.
        offsets = sorted(SPAN.total_seconds() * rng.random() ** 0.5 for _ in range(self.count))
        for first in range(0, self.count, size):
            yield [
                self._user(start + timedelta(seconds=offset))
                for offset in offsets[first : first + size]
            ]

    def _user(self, created_at: datetime) -> dict[str, Any]:
        rng = self._rng
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        domain = rng.choices(_DOMAIN_NAMES, cum_weights=_DOMAIN_CUMULATIVE)[0]
        email = self._unique_email(_local_part(rng, given.lower(), family.lower()), domain)
        structured = rng.random() < 0.85
        logins = self._logins_count()
        last_login = None
        if logins:
            last_login = created_at + (self.now - created_at) * rng.random()
        phone = f"+1555{rng.randrange(10**7):07d}" if rng.random() < 0.1 else None
        return {
            "id": f"{rng.getrandbits(128):032x}",
            "tenant_id": self.tenant_id,
            "connection_id": self.connection_id,
            "user_id": f"auth0|{rng.getrandbits(96):024x}",
            "email": email,
            "email_key": email,
            "email_domain": domain,
            "email_verified": rng.random() < 0.7,
            "username": None,
            "username_key": None,
            "phone_number": phone,
            "phone_verified": phone is not None and rng.random() < 0.5,
            "name": f"{given} {family}" if structured else email,
            "given_name": given if structured else None,
            "family_name": family if structured else None,
            "nickname": email.partition("@")[0],
            "picture": None,
            "user_metadata": self._user_metadata(),
            "app_metadata": {
                "plan": rng.choices(PLANS, weights=PLAN_WEIGHTS)[0],
                "tier": rng.randint(1, 5),
            },
            "blocked": rng.random() < 0.005,
            "password_hash": None,
            "last_password_reset": None,
            "logins_count": logins,
            "last_login": last_login,
            "last_ip": _ipv4(rng) if logins else None,
            "created_at": created_at,
            "updated_at": last_login or created_at,
        }

    def _unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        while email in self._taken:
            email = f"{local}{self._rng.randrange(1, 10_000)}@{domain}"
        self._taken.add(email)
        return email

    def _logins_count(self) -> int:
        rng = self._rng
        if rng.random() < 0.15:
            return 0
        return min(MAX_LOGINS, 1 + int(rng.expovariate(1 / 40)))

    def _user_metadata(self) -> dict[str, Any]:
        rng = self._rng
        roll = rng.random()
        if roll < 0.4:
            return {}
        metadata: dict[str, Any] = {"lang": rng.choice(_LANGUAGES)}
        if roll < 0.8:
            metadata["theme"] = rng.choice(_THEMES)
        if roll > 0.9:
            metadata["newsletter"] = rng.random() < 0.5
        return metadata


def _local_part(rng: random.Random, given: str, family: str) -> str:
    match rng.randrange(6):
        case 0:
            return f"{given}.{family}"
        case 1:
            return f"{given}{family}"
        case 2:
            return f"{given[0]}{family}"
        case 3:
            return f"{given}_{family}"
        case 4:
            return f"{family}.{given}"
        case _:
            return f"{given}{rng.randrange(1, 100)}"


def _ipv4(rng: random.Random) -> str:
    octets = (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    return ".".join(map(str, octets))
