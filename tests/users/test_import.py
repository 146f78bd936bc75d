"""Bulk user import (``POST /api/v2/jobs/users-imports``, ``authgate users import``) over HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import argon2
import bcrypt
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine

from authgate.logs.models import LogEvent
from authgate.services import Services
from authgate.users.models import User
from tests.databases import ISSUER, TEST_SECRET_KEY
from tests.factories import create_client, grant, token
from tests.test_cli import authgate
from tests.users_factories import DATABASE, create_user

IMPORTS = "/api/v2/jobs/users-imports"
PASSWORD = "Imported-Passw0rd-7"


# -- hashes made the way other systems make them --------------------------------------------


def bcrypt_hash(password: str = PASSWORD, prefix: str = "2b") -> str:
    """bcrypt at cost 4; ``2y`` (PHP's name for ``2b``) is written by renaming a ``2b`` hash."""
    made = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4, b"2a" if prefix == "2a" else b"2b"))
    return f"${prefix}${made.decode()[4:]}"


def argon2_hash(password: str = PASSWORD) -> str:
    return argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)


def pbkdf2_hash(password: str = PASSWORD, digest: str = "sha256", iterations: int = 1000) -> str:
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, 32)

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode().rstrip("=")

    return f"$pbkdf2-{digest}$i={iterations},l=32${b64(salt)}${b64(key)}"


def custom(algorithm: str, value: str, **extra: Any) -> dict[str, Any]:
    return {"algorithm": algorithm, "hash": {"value": value, "encoding": "utf8"}, **extra}


# -- helpers --------------------------------------------------------------------------------


async def connection_id(client: httpx.AsyncClient, admin: dict[str, str], name: str) -> str:
    listed = (await client.get(f"/api/v2/connections?name={name}", headers=admin)).json()
    return str(listed[0]["id"])


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    users: Any,
    *,
    connection: str | None = None,
    raw: bytes | None = None,
    **fields: str,
) -> httpx.Response:
    body = raw if raw is not None else json.dumps(users).encode()
    form = {"connection_id": connection or await connection_id(client, headers, DATABASE)}
    return await client.post(
        IMPORTS,
        files={"users": ("users.json", body, "application/json")},
        data={**form, **fields},
        headers=headers,
    )


async def run_job(
    client: httpx.AsyncClient, admin: dict[str, str], users: Any, **fields: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Upload, check the job is completed, and return it with its errors."""
    response = await upload(client, admin, users, **fields)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "completed", job
    assert (await client.get(f"/api/v2/jobs/{job['id']}", headers=admin)).json() == job
    errors = (await client.get(f"/api/v2/jobs/{job['id']}/errors", headers=admin)).json()
    return job, errors


def services_of(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


async def stored(app: FastAPI, email: str) -> User:
    async with services_of(app).db.unit_of_work(write=False) as session:
        return (await session.execute(select(User).where(User.email_key == email))).scalar_one()


async def log_events(app: FastAPI, kind: str) -> list[LogEvent]:
    async with services_of(app).db.unit_of_work(write=False) as session:
        query = select(LogEvent).where(LogEvent.type == kind)
        return list((await session.execute(query)).scalars())


def codes(errors: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    return [[(e["code"], e["path"]) for e in entry["errors"]] for entry in errors]


# -- importing ------------------------------------------------------------------------------


async def test_imports_bcrypt_argon2_and_pbkdf2_hashes_as_given(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    hashes = {
        "bcrypt@example.test": bcrypt_hash(),
        "bcrypt-2a@example.test": bcrypt_hash(prefix="2a"),
        "argon2@example.test": argon2_hash(),
        "pbkdf2@example.test": pbkdf2_hash(),
        "pbkdf2-sha512@example.test": pbkdf2_hash(digest="sha512"),
    }
    users = [
        {"email": "bcrypt@example.test", "password_hash": hashes["bcrypt@example.test"]},
        {"email": "bcrypt-2a@example.test", "password_hash": hashes["bcrypt-2a@example.test"]},
        {
            "email": "argon2@example.test",
            "custom_password_hash": custom("argon2", hashes["argon2@example.test"]),
        },
        {
            "email": "pbkdf2@example.test",
            "custom_password_hash": custom("pbkdf2", hashes["pbkdf2@example.test"]),
        },
        {
            "email": "pbkdf2-sha512@example.test",
            "custom_password_hash": {
                "algorithm": "pbkdf2",
                "hash": {"value": hashes["pbkdf2-sha512@example.test"]},
            },
        },
    ]
    job, errors = await run_job(client, admin, users, external_id="migration-1")
    assert job["type"] == "users_import"
    assert job["id"].startswith("job_")
    assert job["connection_id"] == await connection_id(client, admin, DATABASE)
    assert job["external_id"] == "migration-1"
    assert job["summary"] == {"failed": 0, "updated": 0, "inserted": 5, "total": 5}
    assert errors == []
    hasher = services_of(app).hasher
    for email, given in hashes.items():
        user = await stored(app, email)
        assert user.password_hash == given
        assert (await hasher.verify(user.password_hash, PASSWORD)).ok
        assert not (await hasher.verify(user.password_hash, PASSWORD + "x")).ok
        assert hasher.needs_rehash(user.password_hash)


async def test_profile_attributes_are_stored(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    row = {
        "email": "Grace.Hopper@Example.TEST",
        "email_verified": True,
        "user_id": "legacy-42",
        "given_name": "Grace",
        "family_name": "Hopper",
        "name": "Grace Hopper",
        "nickname": "amazing",
        "picture": "https://example.test/grace.png",
        "blocked": True,
        "phone_number": "+14155550100",
        "phone_verified": True,
        "user_metadata": {"theme": "dark"},
        "app_metadata": {"plan": "gold"},
    }
    await run_job(client, admin, [row])
    user = (await client.get("/api/v2/users/auth0|legacy-42", headers=admin)).json()
    assert user["email"] == "grace.hopper@example.test"
    for name in ("email_verified", "given_name", "family_name", "name", "nickname", "picture"):
        assert user[name] == row[name]
    for name in ("blocked", "phone_number", "phone_verified", "user_metadata", "app_metadata"):
        assert user[name] == row[name]
    assert user["identities"][0]["user_id"] == "legacy-42"


async def test_imported_users_are_found_by_email_domain(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    await run_job(
        client, admin, [{"email": "Grace.Hopper@Navy.MIL"}, {"email": "ada@example.test"}]
    )
    assert (await stored(app, "grace.hopper@navy.mil")).email_domain == "navy.mil"
    params = {"q": 'email.domain:"NAVY.mil"', "search_engine": "v3"}
    found = (await client.get("/api/v2/users", params=params, headers=admin)).json()
    assert [user["email"] for user in found] == ["grace.hopper@navy.mil"]


async def test_a_user_without_a_password_cannot_log_in_until_reset(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    await run_job(client, admin, [{"email": "nopass@example.test"}])
    user = await stored(app, "nopass@example.test")
    assert user.password_hash is None
    assert user.email_verified is False


async def test_invalid_users_are_listed_with_paths_and_the_others_imported(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    users: list[Any] = [
        {"email_verified": True},
        {"email": "extra@example.test", "favourite_colour": "blue"},
        {"email": "not-an-email"},
        {"email": "type@example.test", "email_verified": "yes"},
        {"email": "null@example.test", "given_name": None},
        {"email": "reserved@example.test", "app_metadata": {"loginsCount": 3}},
        {"email": "ok@example.test", "given_name": "Ok"},
        {"email": "badhash@example.test", "password_hash": "$1$md5crypt$abcdefghijklmnopqrstuv"},
        {"email": "argon2y@example.test", "password_hash": argon2_hash()},
        {
            "email": "pbkdf@example.test",
            "custom_password_hash": custom("pbkdf2", "$pbkdf2-sha256$"),
        },
        {"email": "mixed@example.test", "custom_password_hash": custom("argon2", bcrypt_hash())},
        {"email": "nohash@example.test", "custom_password_hash": {"algorithm": "bcrypt"}},
        {
            "email": "both@example.test",
            "password_hash": bcrypt_hash(),
            "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": bcrypt_hash()}},
        },
        "just a string",
    ]
    job, errors = await run_job(client, admin, users)
    assert job["summary"] == {"failed": 13, "updated": 0, "inserted": 1, "total": 14}
    assert codes(errors) == [
        [("OBJECT_MISSING_REQUIRED_PROPERTY", "email")],
        [("OBJECT_ADDITIONAL_PROPERTIES", "favourite_colour")],
        [("INVALID_FORMAT", "email")],
        [("INVALID_TYPE", "email_verified")],
        [("INVALID_TYPE", "given_name")],
        [("INVALID_FORMAT", "app_metadata")],
        [("INVALID_FORMAT", "password_hash")],
        [("INVALID_FORMAT", "password_hash")],
        [("INVALID_FORMAT", "custom_password_hash.hash.value")],
        [("INVALID_FORMAT", "custom_password_hash.hash.value")],
        [("OBJECT_MISSING_REQUIRED_PROPERTY", "custom_password_hash.hash")],
        [("MUTUALLY_EXCLUSIVE", "custom_password_hash")],
        [("INVALID_TYPE", "")],
    ]
    assert errors[1]["user"] == users[1]
    assert errors[1]["errors"][0]["message"] == (
        "Error in favourite_colour property - Additional properties not allowed: favourite_colour"
    )
    assert errors[-1]["user"] == {}
    listed = (await client.get("/api/v2/users", headers=admin)).json()
    assert [u["email"] for u in listed] == ["ok@example.test"]


@pytest.mark.parametrize(
    "algorithm", ["md4", "md5", "sha1", "sha256", "sha512", "hmac", "ldap", "scrypt"]
)
async def test_algorithms_authgate_cannot_verify_are_user_errors(
    client: httpx.AsyncClient, admin: dict[str, str], algorithm: str
) -> None:
    row = {
        "email": "legacy@example.test",
        "custom_password_hash": {
            "algorithm": algorithm,
            "hash": {"value": "abc123", "encoding": "hex"},
        },
    }
    job, errors = await run_job(client, admin, [row])
    assert job["summary"]["failed"] == 1
    [error] = errors[0]["errors"]
    assert error["code"] == "NOT_SUPPORTED"
    assert error["path"] == "custom_password_hash.algorithm"
    assert f"unsupported algorithm: {algorithm}" in error["message"]


async def test_unknown_algorithm_and_options_of_other_algorithms(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    users = [
        {"email": "a@example.test", "custom_password_hash": custom("rot13", "x")},
        {
            "email": "b@example.test",
            "custom_password_hash": custom("bcrypt", bcrypt_hash(), salt={"value": "pepper"}),
        },
        {
            "email": "c@example.test",
            "custom_password_hash": custom("argon2", argon2_hash(), keylen=32),
        },
        {
            "email": "d@example.test",
            "custom_password_hash": {
                "algorithm": "pbkdf2",
                "hash": {"value": pbkdf2_hash(), "encoding": "hex"},
            },
        },
        {
            "email": "e@example.test",
            "custom_password_hash": custom(
                "bcrypt", bcrypt_hash(prefix="2y"), password={"encoding": "latin1"}
            ),
        },
    ]
    _, errors = await run_job(client, admin, users)
    assert codes(errors) == [
        [("ENUM_MISMATCH", "custom_password_hash.algorithm")],
        [("NOT_SUPPORTED", "custom_password_hash.salt")],
        [("OBJECT_ADDITIONAL_PROPERTIES", "custom_password_hash.keylen")],
        [("ENUM_MISMATCH", "custom_password_hash.hash.encoding")],
        [("NOT_SUPPORTED", "custom_password_hash.password.encoding")],
    ]


async def test_bcrypt_2y_is_accepted_as_custom_password_hash_only(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    given = bcrypt_hash(prefix="2y")
    users = [
        {"email": "plain@example.test", "password_hash": given},
        {"email": "custom@example.test", "custom_password_hash": custom("bcrypt", given)},
    ]
    _, errors = await run_job(client, admin, users)
    assert codes(errors) == [[("INVALID_FORMAT", "password_hash")]]
    user = await stored(app, "custom@example.test")
    assert (await services_of(app).hasher.verify(user.password_hash, PASSWORD)).ok


async def test_mfa_factors_are_not_supported_yet(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    row = {"email": "mfa@example.test", "mfa_factors": [{"totp": {"secret": "JBSWY3DPEHPK3PXP"}}]}
    job, errors = await run_job(client, admin, [row])
    assert job["summary"]["failed"] == 1
    assert errors[0]["errors"][0]["code"] == "NOT_SUPPORTED"
    assert "not supported yet" in errors[0]["errors"][0]["message"]
    assert errors[0]["user"]["mfa_factors"] == "*****"


async def test_job_errors_never_hold_passwords_or_hashes(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    secret_hash = argon2_hash()
    users = [
        {"email": "p@example.test", "password": "Plaintext-Secret-1"},
        {"email": "h@example.test", "password_hash": secret_hash, "oops": 1},
        {
            "email": "c@example.test",
            "custom_password_hash": {
                "algorithm": "hmac",
                "hash": {"value": secret_hash, "key": {"value": "hmac-key-secret"}},
                "salt": {"value": "salt-secret"},
            },
        },
    ]
    response = await upload(client, admin, users)
    errors_response = await client.get(
        f"/api/v2/jobs/{response.json()['id']}/errors", headers=admin
    )
    text = errors_response.text
    for secret in ("Plaintext-Secret-1", secret_hash, "hmac-key-secret", "salt-secret"):
        assert secret not in text
    errors = errors_response.json()
    assert errors[0]["user"]["password"] == "*****"
    assert errors[1]["user"]["password_hash"] == "*****"
    assert errors[2]["user"]["custom_password_hash"] == {
        "algorithm": "hmac",
        "hash": {"value": "*****", "key": {"value": "*****"}},
        "salt": {"value": "*****"},
    }


async def test_usernames_follow_the_connection(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v2/connections",
        json={
            "name": "staff-db",
            "strategy": "auth0",
            "options": {
                "requires_username": True,
                "validation": {"username": {"min": 3, "max": 8}},
            },
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    staff = created.json()["id"]
    users = [
        {"email": "a@example.test", "username": "alice"},
        {"email": "b@example.test"},
        {"email": "c@example.test", "username": "ab"},
        {"email": "d@example.test", "username": "much-too-long"},
        {"email": "e@example.test", "username": "ALICE"},
    ]
    response = await upload(client, admin, users, connection=staff)
    job = response.json()
    errors = (await client.get(f"/api/v2/jobs/{job['id']}/errors", headers=admin)).json()
    assert job["summary"] == {"failed": 4, "updated": 0, "inserted": 1, "total": 5}
    assert codes(errors) == [
        [("OBJECT_MISSING_REQUIRED_PROPERTY", "username")],
        [("MIN_LENGTH", "username")],
        [("MAX_LENGTH", "username")],
        [("DUPLICATED_USER", "username")],
    ]
    _, errors = await run_job(client, admin, [{"email": "f@example.test", "username": "frank"}])
    assert codes(errors) == [[("OBJECT_ADDITIONAL_PROPERTIES", "username")]]


# -- conflicts and upsert -------------------------------------------------------------------


async def test_existing_users_conflict_without_upsert(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_user(client, admin, email="taken@example.test", user_id="taken-id")
    users = [
        {"email": "TAKEN@example.test", "given_name": "Other"},
        {"email": "fresh@example.test", "user_id": "taken-id"},
        {"email": "twice@example.test"},
        {"email": "Twice@Example.test"},
        {"email": "id-1@example.test", "user_id": "same"},
        {"email": "id-2@example.test", "user_id": "same"},
    ]
    job, errors = await run_job(client, admin, users)
    assert job["summary"] == {"failed": 4, "updated": 0, "inserted": 2, "total": 6}
    assert codes(errors) == [
        [("CONFLICT_EMAIL", "email")],
        [("CONFLICT", "user_id")],
        [("DUPLICATED_USER", "email")],
        [("DUPLICATED_USER", "user_id")],
    ]
    assert errors[2]["errors"][0]["message"] == (
        "Error in email property - A user with this email was already provided."
    )


async def test_upsert_updates_the_upsertable_attributes(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    first = {
        "email": "ada@example.test",
        "email_verified": True,
        "user_id": "ada-1",
        "given_name": "Ada",
        "family_name": "Byron",
        "user_metadata": {"theme": "dark", "lang": "en"},
        "app_metadata": {"plan": "gold"},
        "password_hash": bcrypt_hash("old-password-1"),
    }
    await run_job(client, admin, [first])
    again = {
        "email": "Ada@Example.test",
        "user_id": "other-id",
        "family_name": "Lovelace",
        "picture": "https://example.test/ada.png",
        "user_metadata": {"theme": "light"},
        "blocked": True,
        "custom_password_hash": custom("argon2", argon2_hash()),
    }
    job, errors = await run_job(client, admin, [again], upsert="true")
    assert job["summary"] == {"failed": 0, "updated": 1, "inserted": 0, "total": 1}
    assert errors == []
    user = (await client.get("/api/v2/users/auth0|ada-1", headers=admin)).json()
    assert user["given_name"] == "Ada"
    assert user["family_name"] == "Lovelace"
    assert user["picture"] == "https://example.test/ada.png"
    assert user["user_metadata"] == {"theme": "light"}
    assert user["app_metadata"] == {"plan": "gold"}
    assert user["email_verified"] is False
    assert "blocked" not in user
    row = await stored(app, "ada@example.test")
    assert row.password_hash == again["custom_password_hash"]["hash"]["value"]
    assert (await services_of(app).hasher.verify(row.password_hash, PASSWORD)).ok


async def test_upsert_never_replaces_a_password_once_used(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    original = bcrypt_hash("original-password-1")
    await run_job(client, admin, [{"email": "used@example.test", "password_hash": original}])
    async with services_of(app).db.unit_of_work(write=True) as session:
        await session.execute(
            update(User).where(User.email_key == "used@example.test").values(logins_count=1)
        )
    row = {"email": "used@example.test", "name": "Changed", "password_hash": bcrypt_hash()}
    job, errors = await run_job(client, admin, [row], upsert="true")
    assert job["summary"] == {"failed": 1, "updated": 0, "inserted": 0, "total": 1}
    assert codes(errors) == [[("NOT_UPSERTABLE", "password_hash")]]
    user = await stored(app, "used@example.test")
    assert user.password_hash == original
    assert user.name is None


async def test_upsert_does_not_change_blocked_or_take_other_users_names(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    blocked = await create_user(client, admin, email="blocked@example.test", blocked=True)
    await create_user(client, admin, email="other@example.test", user_id="other")
    users = [
        {"email": "blocked@example.test", "blocked": False, "nickname": "nick"},
        {"email": "new@example.test", "user_id": "other"},
    ]
    job, errors = await run_job(client, admin, users, upsert="true")
    assert job["summary"] == {"failed": 1, "updated": 1, "inserted": 0, "total": 2}
    assert codes(errors) == [[("CONFLICT", "user_id")]]
    user = (await client.get(f"/api/v2/users/{blocked['user_id']}", headers=admin)).json()
    assert user["blocked"] is True
    assert user["nickname"] == "nick"


async def test_concurrent_imports_of_the_same_users_insert_each_once(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    users = [{"email": f"race-{n}@example.test", "user_id": f"race-{n}"} for n in range(5)]
    connection = await connection_id(client, admin, DATABASE)
    responses = await asyncio.gather(
        upload(client, admin, users, connection=connection),
        upload(client, admin, users, connection=connection),
    )
    assert [r.status_code for r in responses] == [202, 202]
    summaries = sorted((r.json()["summary"] for r in responses), key=lambda s: s["inserted"])
    assert summaries == [
        {"failed": 5, "updated": 0, "inserted": 0, "total": 5},
        {"failed": 0, "updated": 0, "inserted": 5, "total": 5},
    ]
    listed = (await client.get("/api/v2/users?q=email:race*", headers=admin)).json()
    assert len(listed) == 5


# -- the job and the request ----------------------------------------------------------------


async def test_a_completed_import_is_logged(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    job, _ = await run_job(client, admin, [{"email": "log@example.test"}, {"email": "bad"}])
    [event] = await log_events(app, "sui")
    assert event.details["summary"] == job["summary"]
    assert event.details["job_id"] == job["id"]
    assert event.connection == DATABASE
    assert await log_events(app, "fui") == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"email": "one@example.test"}', "must be a JSON array"),
        (b'[{"email": "one@example.test"', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
async def test_a_file_that_is_not_a_json_array_fails_the_job(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, content: bytes, reason: str
) -> None:
    response = await upload(client, admin, None, raw=content)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "failed"
    assert "summary" not in job
    assert (await client.get(f"/api/v2/jobs/{job['id']}", headers=admin)).json() == job
    assert (await client.get(f"/api/v2/jobs/{job['id']}/errors", headers=admin)).json() == []
    [event] = await log_events(app, "fui")
    assert reason in str(event.description)


async def test_files_up_to_500_kb_are_accepted_and_larger_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    limit = 500 * 1024
    padded = b"[" + b" " * (limit - 2) + b"]"
    accepted = await upload(client, admin, None, raw=padded)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["summary"]["total"] == 0
    refused = await upload(client, admin, None, raw=padded[:-1] + b" ]")
    assert refused.status_code == 413
    assert refused.json()["statusCode"] == 413
    far_too_large = await upload(client, admin, None, raw=b" " * (2 * 1024 * 1024))
    assert far_too_large.status_code == 413


async def test_the_connection_must_be_a_database_of_the_tenant(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    malformed = await upload(client, admin, [], connection="Username-Password-Authentication")
    assert malformed.status_code == 400
    assert malformed.json()["errorCode"] == "invalid_body"
    assert "connection_id" in malformed.json()["message"]
    unknown = await upload(client, admin, [], connection="con_" + "x" * 16)
    assert unknown.status_code == 400
    assert unknown.json()["errorCode"] == "inexistent_connection"


CON = "con_" + "a" * 16
USERS_FILE = ("users", ("u.json", b"[]", "application/json"))


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ([("connection_id", (None, CON))], "users"),
        ([USERS_FILE], "connection_id"),
        ([USERS_FILE, ("connection_id", (None, CON)), ("extra", (None, "1"))], "extra"),
        ([USERS_FILE, ("connection_id", (None, CON)), ("upsert", (None, "maybe"))], "upsert"),
        (
            [USERS_FILE, ("connection_id", (None, CON)), ("connection_id", (None, CON))],
            "connection_id",
        ),
        ([USERS_FILE, USERS_FILE, ("connection_id", (None, CON))], "users"),
        ([USERS_FILE, ("connection_id", ("c.txt", CON.encode()))], "connection_id"),
    ],
)
async def test_malformed_forms_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str], parts: list[Any], field: str
) -> None:
    response = await client.post(IMPORTS, files=parts, headers=admin)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errorCode"] == "invalid_body"
    assert field in body["message"]


async def test_a_body_that_is_not_multipart_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    as_json = await client.post(IMPORTS, json={"users": [], "connection_id": CON}, headers=admin)
    as_form = await client.post(IMPORTS, data={"connection_id": CON}, headers=admin)
    for response in (as_json, as_form):
        assert response.status_code == 400
        assert "multipart/form-data" in response.json()["message"]
    broken = await client.post(
        IMPORTS,
        content=b"--xyz\r\nContent-Disposition: form-data\r\n\r\n",
        headers={**admin, "Content-Type": "multipart/form-data"},
    )
    assert broken.status_code == 400
    assert broken.json()["errorCode"] == "invalid_body"


async def test_users_may_come_as_a_text_field_and_options_as_auth0_sdks_send_them(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    connection = await connection_id(client, admin, DATABASE)
    response = await client.post(
        IMPORTS,
        files={
            "connection_id": (None, connection),
            "users": (None, '[{"email": "t@example.test"}]'),
        },
        data={"upsert": "false", "send_completion_email": "false"},
        headers=admin,
    )
    assert response.status_code == 202, response.text
    assert response.json()["summary"]["inserted"] == 1


async def test_importing_needs_the_create_users_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin)
    audience = f"{ISSUER}api/v2/"
    await grant(client, admin, app["client_id"], audience=audience, scope=("read:users",))
    issued = (await token(client, app, audience=audience)).json()["access_token"]
    connection = await connection_id(client, admin, DATABASE)
    response = await upload(
        client, {"Authorization": f"Bearer {issued}"}, [], connection=connection
    )
    assert response.status_code == 403
    assert (await client.post(IMPORTS, files={"users": ("u.json", b"[]")})).status_code == 401


# -- the command line -----------------------------------------------------------------------


async def _cli_users(database_url: str) -> dict[str, str | None]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(User.email, User.password_hash))
            return {str(row.email): row.password_hash for row in rows.all()}
    finally:
        await engine.dispose()


async def test_cli_imports_a_file(database_url: str, tmp_path: Path) -> None:
    given = bcrypt_hash()
    file = tmp_path / "users.json"
    file.write_text(json.dumps([{"email": "cli@example.test", "password_hash": given}]))

    def cli(*extra: str, connection: str = DATABASE) -> subprocess.CompletedProcess[str]:
        return authgate(
            *("users", "import", str(file), "--connection", connection, *extra),
            data_dir=tmp_path,
            database_url=database_url,
            env={"AUTHGATE_SECRET_KEY": TEST_SECRET_KEY},
        )

    done = cli()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"] == {
        "failed": 0,
        "updated": 0,
        "inserted": 1,
        "total": 1,
    }
    assert "1 inserted" in done.stderr
    assert (await _cli_users(database_url))["cli@example.test"] == given

    again = cli()
    assert again.returncode == 1
    assert "cli@example.test: Error in email property - The user already exists." in again.stderr
    upserted = cli("--upsert")
    assert upserted.returncode == 0, upserted.stderr
    assert json.loads(upserted.stdout)["summary"]["updated"] == 1

    missing = cli(connection="nope")
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "connection does not exist" in missing.stderr
    no_tenant = cli("--tenant", "nope")
    assert (no_tenant.returncode, no_tenant.stdout) == (1, "")
    assert "No tenant nope" in no_tenant.stderr

    file.write_text('{"email": "not-in-an-array@example.test"}')
    not_an_array = cli()
    assert not_an_array.returncode == 1
    assert json.loads(not_an_array.stdout)["status"] == "failed"
    assert "must be a JSON array" in not_an_array.stderr
