"""Password hashing and verification (``authgate.passwords.hashing``)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import argon2
import bcrypt
import pytest

from authgate.passwords import PasswordHasher, Verification, identify, is_supported

MATCH_UPGRADE = Verification(ok=True, needs_rehash=True)
MATCH = Verification(ok=True, needs_rehash=False)
NO_MATCH = Verification(ok=False, needs_rehash=False)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def pbkdf2(digest: str, password: str, salt: bytes, iterations: int, length: int) -> str:
    key = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, length)
    return f"$pbkdf2-{digest}$i={iterations},l={length}${b64(salt)}${b64(key)}"


# -- argon2id, Authgate's own ----------------------------------------------------------------


async def test_hash_is_argon2id_with_owasp_parameters(hasher: PasswordHasher) -> None:
    stored = await hasher.hash("correct horse")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await hasher.verify(stored, "correct horse") == MATCH
    assert await hasher.verify(stored, "correct horsE") == NO_MATCH
    assert await hasher.hash("correct horse") != stored  # a new salt each time


async def test_passwords_are_verified_exactly_as_typed(cheap_hasher: PasswordHasher) -> None:
    stored = await cheap_hasher.hash("Ünïcode ")
    assert (await cheap_hasher.verify(stored, "Ünïcode ")).ok
    assert not (await cheap_hasher.verify(stored, "Ünïcode")).ok
    assert not (await cheap_hasher.verify(stored, "U\u0308nïcode ")).ok  # not normalised
    lone = await cheap_hasher.hash("\ud800")  # JSON can carry a lone surrogate
    assert (await cheap_hasher.verify(lone, "\ud800")).ok


# -- imported hashes --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [b"2a", b"2b"])
async def test_verifies_bcrypt(cheap_hasher: PasswordHasher, prefix: bytes) -> None:
    stored = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4, prefix=prefix)).decode()
    assert stored.startswith(f"${prefix.decode()}$04$")
    assert await cheap_hasher.verify(stored, "s3cret") == MATCH_UPGRADE
    assert await cheap_hasher.verify(stored, "s3cret!") == NO_MATCH


async def test_verifies_bcrypt_2y(cheap_hasher: PasswordHasher) -> None:
    made = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(rounds=4)).decode()
    stored = "$2y$" + made.removeprefix("$2b$")  # PHP's name for the same algorithm
    assert await cheap_hasher.verify(stored, "s3cret") == MATCH_UPGRADE


async def test_bcrypt_compares_the_first_72_bytes_as_the_original_system_did(
    cheap_hasher: PasswordHasher,
) -> None:
    password = "é" * 50  # 100 bytes of UTF-8
    stored = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    assert await cheap_hasher.verify(stored, password) == MATCH_UPGRADE
    assert (await cheap_hasher.verify(stored, "é" * 36 + "tail")).ok  # bcrypt never saw byte 73
    assert not (await cheap_hasher.verify(stored, "e" + "é" * 49)).ok


@pytest.mark.parametrize("kind", [argon2.Type.I, argon2.Type.ID, argon2.Type.D])
async def test_verifies_other_argon2_hashes(
    cheap_hasher: PasswordHasher, kind: argon2.Type
) -> None:
    other = argon2.PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2, type=kind)
    stored = other.hash("s3cret")
    assert await cheap_hasher.verify(stored, "s3cret") == MATCH_UPGRADE
    assert await cheap_hasher.verify(stored, "S3cret") == NO_MATCH


async def test_argon2id_with_the_current_parameters_needs_no_rehash(
    cheap_hasher: PasswordHasher,
) -> None:
    same = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("s3cret")
    assert await cheap_hasher.verify(same, "s3cret") == MATCH
    longer_salt = argon2.PasswordHasher(time_cost=1, memory_cost=1024, salt_len=32)
    assert await cheap_hasher.verify(longer_salt.hash("s3cret"), "s3cret") == MATCH_UPGRADE


@pytest.mark.parametrize(("digest", "length"), [("sha1", 20), ("sha256", 32), ("sha512", 64)])
async def test_verifies_pbkdf2(cheap_hasher: PasswordHasher, digest: str, length: int) -> None:
    stored = pbkdf2(digest, "s3cret", b"NaCl-salt-16byte", 1000, length)
    assert await cheap_hasher.verify(stored, "s3cret") == MATCH_UPGRADE
    assert await cheap_hasher.verify(stored, "s3cret ") == NO_MATCH


async def test_pbkdf2_reads_standard_adapted_and_padded_base64(
    cheap_hasher: PasswordHasher,
) -> None:
    salt = b"\xfb\xef\xbe" * 5 + b"\xfb"  # base64 "++++..." then padding
    key = hashlib.pbkdf2_hmac("sha256", b"s3cret", salt, 1000, 32)
    standard = base64.b64encode(salt).decode()
    assert standard.startswith("++++")
    assert standard.endswith("==")
    for salt64 in (standard.rstrip("="), standard, standard.rstrip("=").replace("+", ".")):
        stored = f"$pbkdf2-sha256$i=1000,l=32${salt64}${b64(key)}"
        assert await cheap_hasher.verify(stored, "s3cret") == MATCH_UPGRADE, salt64


async def test_pbkdf2_uses_auth0s_defaults_when_parameters_are_left_out(
    cheap_hasher: PasswordHasher,
) -> None:
    salt = b"sixteen byte slt"
    key = hashlib.pbkdf2_hmac("sha512", b"s3cret", salt, 100_000, 64)
    assert (await cheap_hasher.verify(f"$pbkdf2-sha512$l=64${b64(salt)}${b64(key)}", "s3cret")).ok
    assert (
        await cheap_hasher.verify(f"$pbkdf2-sha512$i=100000${b64(salt)}${b64(key)}", "s3cret")
    ).ok


# -- unusable stored hashes -------------------------------------------------------------------

MALFORMED = [
    "",
    "s3cret",
    "$",
    "$argon2id$",
    "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$",
    "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$!!!!!!!!",
    "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQxx$" + b64(bytes(32)),  # 13 base64 characters
    "$argon2id$v=19$m=1024,t=1,p=1$YWFhYWFhYWFhYWFhYWFhYQ$@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
    "$2b$04$short",
    "$2b$04$" + "*" * 53,
    "$2x$04$" + "a" * 53,
    "$pbkdf2-sha256$i=1000,l=32$$c2FsdA",
    "$pbkdf2-sha256$i=1000,l=32$c2FsdHNhbHQ$!!",
    "$pbkdf2-sha256$i=1000,i=1000$c2FsdHNhbHQ$" + b64(bytes(32)),
    "$pbkdf2-sha256$i=1000,l=32,x=1$c2FsdHNhbHQ$" + b64(bytes(32)),
    "$pbkdf2-md4$i=1000,l=32$c2FsdHNhbHQ$" + b64(bytes(32)),
    "$pbkdf2-sha256$i=1000,l=31$c2FsdHNhbHQ$" + b64(bytes(32)),  # l is not the key's length
    "$md5$rounds=1000$salt$hash",
    "{SSHA}c2FsdA==",
    "$argon2id$v=19$m=1024,t=1,p=1$" + "A" * 2000,
]


@pytest.mark.parametrize("stored", MALFORMED)
async def test_malformed_hashes_never_match_and_never_raise(
    cheap_hasher: PasswordHasher, stored: str
) -> None:
    assert await cheap_hasher.verify(stored, "s3cret") == NO_MATCH
    assert not is_supported(stored)


@pytest.mark.parametrize(
    "stored",
    [
        "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$" + b64(bytes(32)),  # 4 GiB
        "$argon2id$v=19$m=65536,t=1000,p=1$c2FsdHNhbHQ$" + b64(bytes(32)),
        "$argon2id$v=19$m=65536,t=1,p=255$c2FsdHNhbHQ$" + b64(bytes(32)),
        "$2b$20$" + "a" * 53,
        "$pbkdf2-sha256$i=10000001,l=32$c2FsdHNhbHQ$" + b64(bytes(32)),
        "$pbkdf2-sha1$i=5000000,l=64$c2FsdHNhbHQ$" + b64(bytes(64)),  # 4 blocks: 20M chains
        "$pbkdf2-sha256$i=1000,l=8$c2FsdHNhbHQ$" + b64(bytes(8)),  # too short to mean much
    ],
)
async def test_hashes_asking_for_absurd_work_are_refused_uncomputed(
    cheap_hasher: PasswordHasher, stored: str
) -> None:
    assert not is_supported(stored)
    started = time.perf_counter()
    assert await cheap_hasher.verify(stored, "s3cret") == NO_MATCH
    assert time.perf_counter() - started < 1.0


# -- identify, is_supported, needs_rehash ------------------------------------------------------


def test_identify_names_the_scheme() -> None:
    salt = b64(b"saltsaltsaltsalt")
    assert identify("$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$x") == "argon2id"
    assert identify("$argon2i$v=19$m=4096,t=3,p=1$x$y") == "argon2i"
    assert identify("$argon2d$v=19$m=4096,t=3,p=1$x$y") == "argon2d"
    for prefix in ("2a", "2b", "2y"):
        assert identify(f"${prefix}$10$" + "a" * 53) == "bcrypt"
    for digest in ("sha1", "sha256", "sha512"):
        assert identify(f"$pbkdf2-{digest}$i=1,l=16$x$y") == f"pbkdf2-{digest}"
    for unknown in ("", "plain", "$2x$10$abc", "$pbkdf2-md4$i=1$x$y", "$argon2$x", "$scrypt$x"):
        assert identify(unknown) is None


def test_is_supported_accepts_what_auth0_imports() -> None:
    assert is_supported(argon2.PasswordHasher(type=argon2.Type.I).hash("x"))
    assert is_supported(bcrypt.hashpw(b"x", bcrypt.gensalt(rounds=10)).decode())
    assert is_supported(pbkdf2("sha1", "x", b"salt-of-16-bytes", 1000, 64))
    assert is_supported("$argon2id$m=65536,t=3,p=4$c2FsdHNhbHQ$" + b64(bytes(32)))  # no v=


def test_needs_rehash(cheap_hasher: PasswordHasher) -> None:
    current = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    assert not cheap_hasher.needs_rehash(current.hash("x"))
    owasp = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    assert cheap_hasher.needs_rehash(owasp.hash("x"))
    assert cheap_hasher.needs_rehash(bcrypt.hashpw(b"x", bcrypt.gensalt(rounds=4)).decode())
    assert cheap_hasher.needs_rehash(pbkdf2("sha256", "x", b"salt-of-16-bytes", 10, 32))
    assert cheap_hasher.needs_rehash("$argon2id$garbage")


# -- timing -----------------------------------------------------------------------------------


async def median_duration(action: Callable[[], Awaitable[Any]], runs: int = 15) -> float:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


async def test_unknown_users_cost_what_wrong_passwords_cost(hasher: PasswordHasher) -> None:
    stored = await hasher.hash("the real password")
    await hasher.verify(stored, "warm up")
    wrong = await median_duration(lambda: hasher.verify(stored, "a wrong password"))
    unknown = await median_duration(lambda: hasher.verify(None, "a wrong password"))
    malformed = await median_duration(lambda: hasher.verify("$2b$04$broken", "a wrong password"))
    assert 0.5 <= unknown / wrong <= 2.0, (unknown, wrong)
    assert 0.5 <= malformed / wrong <= 2.0, (malformed, wrong)


async def test_max_concurrency_one_serialises_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: with one worker, parallel hashes never overlap."""
    lock, active, peak = threading.Lock(), [0], [0]
    real_hash = argon2.PasswordHasher.hash

    def spy(
        self: argon2.PasswordHasher, password: str | bytes, *, salt: bytes | None = None
    ) -> str:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.02)
            return real_hash(self, password, salt=salt)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(argon2.PasswordHasher, "hash", spy)
    single = PasswordHasher(memory_kib=1024, time_cost=1, max_concurrency=1)
    try:
        hashes = await asyncio.gather(*(single.hash(f"s3cret-{i}") for i in range(4)))
    finally:
        single.close()
    assert len(set(hashes)) == 4
    assert peak[0] == 1


async def test_work_runs_off_the_event_loop_within_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lock, active, peak, threads = threading.Lock(), [0], [0], set()
    real_hash = argon2.PasswordHasher.hash

    def spy(
        self: argon2.PasswordHasher, password: str | bytes, *, salt: bytes | None = None
    ) -> str:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return real_hash(self, password, salt=salt)

    monkeypatch.setattr(argon2.PasswordHasher, "hash", spy)
    bounded = PasswordHasher(memory_kib=1024, time_cost=1, max_concurrency=2)
    try:
        hashes = await asyncio.gather(*(bounded.hash(f"pw{i}") for i in range(6)))
    finally:
        bounded.close()
    assert len(set(hashes)) == 6
    assert peak[0] == 2
    assert threading.get_ident() not in threads


def test_max_concurrency_defaults_to_the_cpus_and_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        PasswordHasher(max_concurrency=0)
    default = PasswordHasher()
    try:
        assert default.max_concurrency >= 1
    finally:
        default.close()
