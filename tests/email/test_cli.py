"""``authgate outbox list`` and ``authgate outbox show``, run as real processes."""

from __future__ import annotations

from pathlib import Path

from authgate.services import Services
from tests.databases import TEST_SECRET_KEY
from tests.email.conftest import enqueue
from tests.test_cli import authgate

KEY = {"AUTHGATE_SECRET_KEY": TEST_SECRET_KEY}


async def test_outbox_list_and_show(services: Services, database_url: str, tmp_path: Path) -> None:
    first = await enqueue(services, to="ada@example.com", locales=["fr"])
    second = await enqueue(services, template="reset_email", to="bob@example.com")
    third = await enqueue(services, template="welcome_email", to="Ada@Example.com")

    listed = authgate("outbox", "list", data_dir=tmp_path, database_url=database_url, env=KEY)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [third, second, first]
    assert "outbox" in lines[2]
    assert "Vérifiez votre adresse e-mail pour default" in lines[2]

    only_ada = authgate(
        "outbox",
        "list",
        "--to",
        "ada@example.com",
        data_dir=tmp_path,
        database_url=database_url,
        env=KEY,
    )
    assert [line.split()[0] for line in only_ada.stdout.splitlines()] == [third, first]
    limited = authgate(
        "outbox", "list", "--limit", "1", data_dir=tmp_path, database_url=database_url, env=KEY
    )
    assert [line.split()[0] for line in limited.stdout.splitlines()] == [third]

    shown = authgate(
        "outbox", "show", str(second), data_dir=tmp_path, database_url=database_url, env=KEY
    )
    assert shown.returncode == 0, shown.stderr
    assert "Subject: Reset your default password" in shown.stdout
    assert "To: bob@example.com" in shown.stdout
    assert "From: default <no-reply@authgate.test>" in shown.stdout
    assert "https://authgate.test/u/email-verification?ticket=T0K3N-secret" in shown.stdout
    assert "<html" not in shown.stdout
    html = authgate(
        "outbox",
        "show",
        str(second),
        "--html",
        data_dir=tmp_path,
        database_url=database_url,
        env=KEY,
    )
    assert '<html lang="en">' in html.stdout


async def test_outbox_show_unknown_message(database_url: str, tmp_path: Path) -> None:
    missing = authgate(
        "outbox", "show", "msg_nope", data_dir=tmp_path, database_url=database_url, env=KEY
    )
    assert missing.returncode == 1
    assert "no message msg_nope" in missing.stderr


async def test_outbox_needs_the_key_that_sealed_the_messages(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    message_id = await enqueue(services)
    wrong = authgate(
        "outbox",
        "show",
        str(message_id),
        data_dir=tmp_path,
        database_url=database_url,
        env={"AUTHGATE_SECRET_KEY": "another-key-" + "z" * 40},
    )
    assert wrong.returncode == 1
    assert "cannot decrypt" in wrong.stderr
    assert "T0K3N-secret" not in wrong.stdout + wrong.stderr
