"""Stored password hash formats Authgate verifies, registered by their PHC identifier.

* argon2 (``$argon2id$``, ``$argon2i$``, ``$argon2d$``): the PHC string format
  (github.com/P-H-C/phc-string-format, RFC 9106), verified by libargon2 through argon2-cffi.
  Authgate writes argon2id only; the other two come from imports.
* bcrypt (``$2a$``, ``$2b$``, ``$2y$``): the OpenBSD modular-crypt format, accepted by Auth0's
  bulk import (reference §7.1).
* PBKDF2 (RFC 8018 §5.2) in the PHC form Auth0's bulk import documents,
  ``$pbkdf2-<digest>$i=<iterations>,l=<keylen>$<salt>$<hash>`` (defaults ``i=100000``, ``l=64``),
  salt and hash in PHC's B64 (standard base64 without padding); passlib's "adapted" variant,
  which writes ``.`` for ``+``, is read too.

Every function here blocks: it is the hashing work itself, and ``hashing`` runs it off the event
loop. Each scheme bounds the work a stored hash may ask for (memory, rounds, iterations), so that
an absurd imported hash cannot tie up a worker or exhaust memory: such a hash is unsupported and
never computed. ``verify`` answers ``True`` (match), ``False`` (mismatch, the full work was done)
or ``None`` (the stored hash is unusable and little or no work was done).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

import bcrypt
from argon2 import Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import verify_secret

MAX_STORED_LENGTH = 1024
"""Longer stored strings are refused unread: no supported format comes near this."""

ARGON2_MAX_MEMORY_KIB = 262_144  # 256 MiB, libsodium's "moderate" profile
ARGON2_MAX_TIME_COST = 16
ARGON2_MAX_PARALLELISM = 16  # libargon2 starts one thread per lane

BCRYPT_MIN_COST = 4
BCRYPT_MAX_COST = 16  # 2**16 rounds, seconds per verification
BCRYPT_MAX_PASSWORD_BYTES = 72

PBKDF2_DEFAULT_ITERATIONS = 100_000  # Auth0's default when ``i`` is absent
PBKDF2_DEFAULT_KEY_LENGTH = 64  # Auth0's default when ``l`` is absent
PBKDF2_MAX_ITERATIONS = 10_000_000
PBKDF2_MAX_WORK = 10_000_000  # iterations x output blocks: the HMAC chains actually computed
PBKDF2_MIN_KEY_LENGTH = 16  # shorter keys would let unrelated passwords match
PBKDF2_DIGESTS = ("sha1", "sha224", "sha256", "sha384", "sha512")


@dataclass(frozen=True)
class Scheme:
    """A stored-hash format. ``supported`` is cheap (parsing only); ``verify`` does the work."""

    name: str
    supported: Callable[[str], bool]
    verify: Callable[[str, bytes], bool | None]


def scheme_of(stored: str) -> Scheme | None:
    """The scheme named by ``stored``'s PHC identifier (the text between its first two ``$``)."""
    if not stored.startswith("$") or len(stored) > MAX_STORED_LENGTH:
        return None
    return SCHEMES.get(stored[1:].partition("$")[0])


_B64 = re.compile(r"[A-Za-z0-9+/.]+={0,2}")


def b64decode_phc(text: str) -> bytes | None:
    """PHC B64 (RFC 4648 §4 alphabet, padding omitted); ``.`` for ``+`` (passlib) also read."""
    if not _B64.fullmatch(text):
        return None
    body = text.rstrip("=").replace(".", "+")
    if len(body) % 4 == 1:
        return None
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error:
        return None


# -- argon2 ---------------------------------------------------------------------------------

_ARGON2_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}
_ARGON2 = re.compile(
    r"\$(?:argon2id|argon2i|argon2d)(?:\$v=(?:16|19))?"
    r"\$m=[0-9]{1,10},t=[0-9]{1,10},p=[0-9]{1,3}"
    r"\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{6,}"  # salt >= 8 bytes, tag >= 4 bytes (RFC 9106 §3.1)
)


def _argon2_supported(stored: str) -> bool:
    if not _ARGON2.fullmatch(stored):
        return False
    salt, tag = stored.rsplit("$", 2)[1:]
    if b64decode_phc(salt) is None or b64decode_phc(tag) is None:
        return False
    try:
        params = extract_parameters(stored)
    except InvalidHashError:
        return False
    return (
        1 <= params.time_cost <= ARGON2_MAX_TIME_COST
        and 1 <= params.parallelism <= ARGON2_MAX_PARALLELISM
        and 8 * params.parallelism <= params.memory_cost <= ARGON2_MAX_MEMORY_KIB
    )


def _argon2_verify(stored: str, secret: bytes) -> bool | None:
    kind = _ARGON2_TYPES[stored[1:].partition("$")[0]]
    try:
        return verify_secret(stored.encode("ascii"), secret, kind)
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        return None


# -- bcrypt ---------------------------------------------------------------------------------

_BCRYPT = re.compile(r"\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{53}")


def _bcrypt_supported(stored: str) -> bool:
    match = _BCRYPT.fullmatch(stored)
    return match is not None and BCRYPT_MIN_COST <= int(match[1]) <= BCRYPT_MAX_COST


def _bcrypt_verify(stored: str, secret: bytes) -> bool | None:
    """bcrypt reads at most 72 bytes of password: every implementation that made these hashes
    (OpenBSD, PHP, node bcrypt, Python bcrypt before 5.0) silently ignored the rest. The
    comparison is therefore made on the first 72 bytes, as the original system made it; a
    successful login then upgrades the hash to argon2id over the whole password."""
    try:
        return bcrypt.checkpw(secret[:BCRYPT_MAX_PASSWORD_BYTES], stored.encode("ascii"))
    except ValueError:
        return None


# -- PBKDF2 ---------------------------------------------------------------------------------

_PBKDF2_PARAM = re.compile(r"([il])=([1-9][0-9]{0,9})")


@dataclass(frozen=True)
class Pbkdf2Hash:
    digest: str
    iterations: int
    salt: bytes
    key: bytes


def parse_pbkdf2(stored: str) -> Pbkdf2Hash | None:
    """The parts of a well-formed PBKDF2 PHC string whose work is within bounds, else None."""
    parts = stored.split("$")
    if len(parts) != 5 or parts[0] or not parts[1].startswith("pbkdf2-"):
        return None
    digest = parts[1].removeprefix("pbkdf2-")
    params = _pbkdf2_params(parts[2])
    salt, key = b64decode_phc(parts[3]), b64decode_phc(parts[4])
    if digest not in PBKDF2_DIGESTS or params is None or not salt or key is None:
        return None
    iterations = params.get("i", PBKDF2_DEFAULT_ITERATIONS)
    if len(key) != params.get("l", PBKDF2_DEFAULT_KEY_LENGTH):
        return None
    blocks = -(-len(key) // hashlib.new(digest).digest_size)
    if (
        iterations > PBKDF2_MAX_ITERATIONS
        or iterations * blocks > PBKDF2_MAX_WORK
        or len(key) < PBKDF2_MIN_KEY_LENGTH
    ):
        return None
    return Pbkdf2Hash(digest, iterations, salt, key)


def _pbkdf2_params(text: str) -> dict[str, int] | None:
    params: dict[str, int] = {}
    for item in text.split(","):
        match = _PBKDF2_PARAM.fullmatch(item)
        if match is None or match[1] in params:
            return None
        params[match[1]] = int(match[2])
    return params


def _pbkdf2_verify(stored: str, secret: bytes) -> bool | None:
    parsed = parse_pbkdf2(stored)
    if parsed is None:
        return None
    derived = hashlib.pbkdf2_hmac(
        parsed.digest, secret, parsed.salt, parsed.iterations, len(parsed.key)
    )
    return hmac.compare_digest(derived, parsed.key)


def _pbkdf2_supported(stored: str) -> bool:
    return parse_pbkdf2(stored) is not None


# -- registry -------------------------------------------------------------------------------

_BCRYPT_SCHEME = Scheme("bcrypt", _bcrypt_supported, _bcrypt_verify)

SCHEMES: dict[str, Scheme] = {
    **{name: Scheme(name, _argon2_supported, _argon2_verify) for name in _ARGON2_TYPES},
    "2a": _BCRYPT_SCHEME,
    "2b": _BCRYPT_SCHEME,
    "2y": _BCRYPT_SCHEME,
    **{
        f"pbkdf2-{digest}": Scheme(f"pbkdf2-{digest}", _pbkdf2_supported, _pbkdf2_verify)
        for digest in PBKDF2_DIGESTS
    },
}
"""Schemes by PHC identifier (``2a``/``2b``/``2y`` are bcrypt's modular-crypt identifiers)."""
