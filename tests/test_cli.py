"""The ``authgate`` command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.databases import TEST_SECRET_KEY, DatabaseFactory

SNAPSHOT_QUERIES = {
    "tenants": "SELECT id, name, issuer, updated_at FROM tenants ORDER BY id",
    "signing_keys": "SELECT kid, state, private_key FROM signing_keys ORDER BY kid",
    "clients": "SELECT client_id, client_secret, updated_at FROM clients ORDER BY client_id",
    "client_grants": "SELECT id, scope FROM client_grants ORDER BY id",
    "resource_servers": "SELECT id, identifier FROM resource_servers ORDER BY id",
    "config_state": "SELECT version FROM config_state",
}


@pytest.fixture
def empty_database(backend: str, database_factories: dict[str, DatabaseFactory]) -> Iterator[str]:
    factory = database_factories[backend]
    url = factory.empty()
    yield url
    factory.drop(url)


def authgate(
    *args: str, data_dir: Path, database_url: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("AUTHGATE_")
    }
    environment.update(
        {
            "AUTHGATE_DATA_DIR": str(data_dir),
            "AUTHGATE_DATABASE_URL": database_url,
            "AUTHGATE_ISSUER": "http://127.0.0.1:8999/",
            **(env or {}),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "authgate", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def snapshot(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return {
                name: [tuple(row) for row in (await connection.execute(text(query))).all()]
                for name, query in SNAPSHOT_QUERIES.items()
            }
    finally:
        await engine.dispose()


async def test_first_start_generates_credentials_and_restarting_changes_nothing(
    empty_database: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    migrated = authgate("migrate", data_dir=data, database_url=empty_database)
    assert migrated.returncode == 0, migrated.stderr
    first = authgate("bootstrap", data_dir=data, database_url=empty_database)
    assert first.returncode == 0, first.stderr
    credentials_file = data / "bootstrap.json"
    assert credentials_file.stat().st_mode & 0o777 == 0o600
    credentials = json.loads(credentials_file.read_text())
    assert credentials["issuer"] == "http://127.0.0.1:8999/"
    assert credentials["audience"] == "http://127.0.0.1:8999/api/v2/"
    assert len(credentials["client_id"]) == 32
    assert len(credentials["client_secret"]) == 64
    assert credentials["client_secret"] not in first.stdout + first.stderr
    assert (data / "secret.key").stat().st_mode & 0o777 == 0o600

    before = await snapshot(empty_database)
    assert len(before["signing_keys"]) == 2
    assert len(before["clients"]) == 1
    assert len(before["client_grants"]) == 1
    again = authgate("bootstrap", data_dir=data, database_url=empty_database)
    assert again.returncode == 0, again.stderr
    assert await snapshot(empty_database) == before
    assert json.loads(credentials_file.read_text()) == credentials


async def test_bootstrap_credentials_from_the_environment(
    empty_database: str, tmp_path: Path
) -> None:
    env = {
        "AUTHGATE_BOOTSTRAP_CLIENT_ID": "operatorChosenClientId0000000000",
        "AUTHGATE_BOOTSTRAP_CLIENT_SECRET": "operator-chosen-secret-" + "y" * 40,
        "AUTHGATE_SECRET_KEY": TEST_SECRET_KEY,
    }
    assert authgate("migrate", data_dir=tmp_path, database_url=empty_database).returncode == 0
    done = authgate("bootstrap", data_dir=tmp_path, database_url=empty_database, env=env)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "bootstrap.json").exists()
    assert not (tmp_path / "secret.key").exists()
    rows = (await snapshot(empty_database))["clients"]
    assert [row[0] for row in rows] == ["operatorChosenClientId0000000000"]


def test_tenants_create_and_list(database_url: str, tmp_path: Path) -> None:
    env = {"AUTHGATE_SECRET_KEY": TEST_SECRET_KEY}
    created = authgate(
        "tenants",
        "create",
        "acme",
        "--domain",
        "acme.localhost:8999",
        data_dir=tmp_path,
        database_url=database_url,
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "http://acme.localhost:8999/" in created.stderr
    acme = json.loads((tmp_path / "bootstrap-acme.json").read_text())
    assert acme["audience"] == "http://acme.localhost:8999/api/v2/"
    assert (tmp_path / "bootstrap-acme.json").stat().st_mode & 0o777 == 0o600
    listed = authgate("tenants", "list", data_dir=tmp_path, database_url=database_url, env=env)
    assert "acme" in listed.stdout
    assert "http://acme.localhost:8999/" in listed.stdout
    duplicate = authgate(
        "tenants",
        "create",
        "acme",
        "--domain",
        "other.localhost",
        data_dir=tmp_path,
        database_url=database_url,
        env=env,
    )
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr


async def test_keys_rotate(database_url: str, tmp_path: Path) -> None:
    before = {state: kid for kid, state, _ in (await snapshot(database_url))["signing_keys"]}
    rotated = authgate(
        "keys",
        "rotate",
        data_dir=tmp_path,
        database_url=database_url,
        env={"AUTHGATE_SECRET_KEY": TEST_SECRET_KEY},
    )
    assert rotated.returncode == 0, rotated.stderr
    after = {kid: state for kid, state, _ in (await snapshot(database_url))["signing_keys"]}
    assert after[before["next"]] == "current"
    assert after[before["current"]] == "previous"
    assert sorted(after.values()) == ["current", "next", "previous"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUTHGATE_ISSUER": "https://id.example.com/"}, "AUTHGATE_SECRET_KEY"),
        (
            {"AUTHGATE_ISSUER": "http://id.example.com/", "AUTHGATE_SECRET_KEY": "k" * 40},
            "http issuer",
        ),
        (
            {
                "AUTHGATE_ISSUER": "https://id.example.com/",
                "AUTHGATE_SECRET_KEY": "k" * 40,
                "AUTHGATE_TESTING": "true",
            },
            "AUTHGATE_TESTING",
        ),
    ],
)
def test_production_refuses_to_start(tmp_path: Path, env: dict[str, str], message: str) -> None:
    refused = authgate(
        "serve",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db",
        env={"AUTHGATE_ENV": "production", **env},
    )
    assert refused.returncode == 2
    assert message in refused.stderr
    assert not (tmp_path / "x.db").exists()


async def test_users_invite_sends_a_password_link(database_url: str, tmp_path: Path) -> None:
    env = {"AUTHGATE_SECRET_KEY": TEST_SECRET_KEY}
    invited = authgate(
        "users",
        "invite",
        "new.hire@example.test",
        data_dir=tmp_path,
        database_url=database_url,
        env=env,
    )
    assert invited.returncode == 0, invited.stderr
    assert "auth0|" in invited.stderr
    outbox = authgate(
        "outbox",
        "list",
        "--to",
        "new.hire@example.test",
        data_dir=tmp_path,
        database_url=database_url,
        env=env,
    )
    assert outbox.returncode == 0, outbox.stderr
    assert "user_invitation" in outbox.stdout
    message_id = outbox.stdout.split()[0]
    shown = authgate(
        "outbox", "show", message_id, data_dir=tmp_path, database_url=database_url, env=env
    )
    assert "http://authgate.test/u/reset-password?ticket=" in shown.stdout
    again = authgate(
        "users",
        "invite",
        "new.hire@example.test",
        data_dir=tmp_path,
        database_url=database_url,
        env=env,
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    bad = authgate(
        "users", "invite", "not-an-email", data_dir=tmp_path, database_url=database_url, env=env
    )
    assert bad.returncode == 1
