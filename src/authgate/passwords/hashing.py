"""Password hashing and verification (ASVS 5.0 V11.4, V6.3.8; DESIGN.md §5).

Authgate stores argon2id (RFC 9106) with OWASP's minimum parameters for it, m=19 MiB, t=2, p=1
(OWASP Password Storage Cheat Sheet), and verifies the formats Auth0's bulk import accepts
(reference §7.1, see ``schemes``). Anything that is not argon2id with the current parameters
``needs_rehash``, so callers upgrade imported and older hashes on the next successful login.

The work runs on a dedicated pool of ``max_concurrency`` threads (default: one per CPU), never on
the event loop. The pool is the bound: each argon2id computation holds 19 MiB, so at most
``max_concurrency`` of them are in memory whatever the number of waiting requests, and a request
cancelled while its hash runs cannot let another one start beside it.

No user enumeration by timing: when there is no stored hash (unknown user, user without a
password) or the stored hash is unusable, ``verify`` runs an argon2id verification of the same
cost against a fixed dummy hash and answers "no match".

Passwords are hashed as UTF-8 without normalisation (ASVS 6.2.8: verified exactly as typed);
lone surrogates, which JSON can carry, are kept as their UTF-8 form ("surrogatepass").
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from authgate.passwords.schemes import scheme_of

OWASP_MEMORY_KIB = 19_456
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1

_T = TypeVar("_T")


@dataclass(frozen=True)
class Verification:
    """The outcome of a verification. ``needs_rehash`` is only ever true when ``ok`` is."""

    ok: bool
    needs_rehash: bool


def identify(stored: str) -> str | None:
    """The scheme a stored hash names (``argon2id``, ``bcrypt``, ``pbkdf2-sha256``...), or None.

    Only the identifier is read: a hash can be identified and still be unsupported."""
    scheme = scheme_of(stored)
    return scheme.name if scheme is not None else None


def is_supported(stored: str) -> bool:
    """Whether ``stored`` is a well-formed hash that ``PasswordHasher.verify`` will compute.

    For import validation: false for unknown formats, malformed strings and hashes asking for
    more work than the schemes' bounds."""
    scheme = scheme_of(stored)
    return scheme is not None and scheme.supported(stored)


def _secret(password: str) -> bytes:
    return password.encode("utf-8", "surrogatepass")


def _default_concurrency() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class PasswordHasher:
    """argon2id hashing and multi-format verification, off the event loop and bounded."""

    def __init__(
        self,
        *,
        memory_kib: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
        max_concurrency: int | None = None,
    ) -> None:
        workers = _default_concurrency() if max_concurrency is None else max_concurrency
        if workers < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        self._dummy = _dummy_hash(memory_kib, time_cost, parallelism)
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="authgate-password")
        self.max_concurrency = workers

    async def hash(self, password: str) -> str:
        """A new argon2id PHC string (``$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>``)."""
        return await self._run(self._argon2.hash, _secret(password))

    async def verify(self, stored: str | None, password: str) -> Verification:
        """Whether ``password`` matches ``stored``; never raises for a bad stored hash."""
        ok = await self._run(self._verify, stored, _secret(password))
        if not ok or stored is None:
            return Verification(ok=False, needs_rehash=False)
        return Verification(ok=True, needs_rehash=self.needs_rehash(stored))

    def needs_rehash(self, stored: str) -> bool:
        """True unless ``stored`` is argon2id with exactly this hasher's parameters."""
        if identify(stored) != "argon2id":
            return True
        try:
            return self._argon2.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def close(self) -> None:
        """Stop the worker threads once the running computations end."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _verify(self, stored: str | None, secret: bytes) -> bool:
        scheme = scheme_of(stored) if stored is not None else None
        if stored is None or scheme is None or not scheme.supported(stored):
            return self._dummy_verify(secret)
        outcome = scheme.verify(stored, secret)
        if outcome is None:
            return self._dummy_verify(secret)
        return outcome

    def _dummy_verify(self, secret: bytes) -> bool:
        with contextlib.suppress(VerifyMismatchError):
            self._argon2.verify(self._dummy, secret)
        return False

    async def _run(self, function: Callable[..., _T], *args: object) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)


def _dummy_hash(memory_kib: int, time_cost: int, parallelism: int) -> str:
    """A fixed argon2id hash with the given cost: verifying it costs what a real one does."""

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii").rstrip("=")

    return (
        f"$argon2id$v=19$m={memory_kib},t={time_cost},p={parallelism}"
        f"${b64(bytes(16))}${b64(bytes(32))}"
    )
