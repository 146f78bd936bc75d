"""``authgate outbox list | show``: the mail Authgate stored, for development and support.

Without ``AUTHGATE_SMTP_URL`` or a tenant provider every mail stays here (status ``outbox``);
with one, the same table shows what was sent, what waits for a retry and what failed.
Message bodies are stored encrypted: the command needs the deployment's secret key.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from authgate.email.service import StoredMessage

outbox_app = typer.Typer(help="Stored outgoing mail.", no_args_is_help=True)


def _read(to: str | None, limit: int, message_id: str | None) -> list[StoredMessage]:
    from authgate.cli.main import load_settings
    from authgate.services import build_services

    async def read() -> list[StoredMessage]:
        services = build_services(load_settings())
        try:
            async with services.db.unit_of_work(write=False) as session:
                if message_id is not None:
                    found = await services.email.message(session, message_id)
                    return [found] if found is not None else []
                return await services.email.messages(session, to=to, limit=limit)
        finally:
            await services.db.dispose()
            services.shared.close()

    from authgate.core.secretbox import DecryptionError

    try:
        return asyncio.run(read())
    except DecryptionError as exc:
        typer.echo(
            "cannot decrypt the stored messages: is AUTHGATE_SECRET_KEY the key that stored them?",
            err=True,
        )
        raise typer.Exit(1) from exc


@outbox_app.command("list")
def list_messages(
    to: Annotated[str | None, typer.Option(help="only messages to this address")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="at most this many")] = 20,
) -> None:
    """The most recent messages, newest first."""
    for message in _read(to, limit, None):
        created = message.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(
            f"{message.id}  {created}  {message.status:<8} {message.recipient}  "
            f"{message.template}  {message.mail.subject}"
        )


@outbox_app.command("show")
def show_message(
    message_id: Annotated[str, typer.Argument(metavar="ID")],
    html: Annotated[bool, typer.Option("--html", help="print the HTML part instead")] = False,
) -> None:
    """Subject, recipients and text of one message."""
    found = _read(None, 1, message_id)
    if not found:
        typer.echo(f"no message {message_id}", err=True)
        raise typer.Exit(1)
    message = found[0]
    typer.echo(f"Subject: {message.mail.subject}")
    typer.echo(f"From: {message.sender}")
    typer.echo(f"To: {message.recipient}")
    typer.echo(f"Template: {message.template} ({message.locale})")
    typer.echo(f"Status: {message.status} after {message.attempts} attempt(s)")
    if message.last_error:
        typer.echo(f"Last error: {message.last_error}")
    typer.echo("")
    typer.echo(message.mail.html if html else message.mail.text)
