"""``authgate users import FILE --connection NAME [--upsert] [--tenant NAME]``.

The same import as ``POST /api/v2/jobs/users-imports`` (``authgate.users.imports``), run on the
database directly: the job is printed as JSON on standard output, what failed on standard error.
The exit status is 0 when every user was imported, 1 when the job or some users failed.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from authgate.jobs.models import Job
    from authgate.settings import Settings

users_app = typer.Typer(help="Users.", no_args_is_help=True)
console = Console(stderr=True, soft_wrap=True)


@users_app.command("import")
def import_users(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON array of users in Auth0's import format",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    connection: Annotated[str, typer.Option(help="name of the database connection")],
    upsert: Annotated[bool, typer.Option(help="update users whose email already exists")] = False,
    tenant: Annotated[
        str | None, typer.Option(help="tenant name (default: the default tenant)")
    ] = None,
) -> None:
    """Import users with their password hashes into a database connection."""
    from authgate.cli.main import load_settings
    from authgate.core.errors import DomainError
    from authgate.users.imports import MAX_FILE_BYTES

    with file.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    try:
        job = asyncio.run(_import(load_settings(), data, connection, upsert, tenant))
    except DomainError as exc:
        console.print(f"[red]{escape(exc.message)}[/red]")
        raise typer.Exit(1) from exc
    _report(job, data)
    if job.status != "completed" or job.summary.get("failed"):
        raise typer.Exit(1)


async def _import(
    settings: Settings, data: bytes, connection: str, upsert: bool, tenant: str | None
) -> Job:
    from authgate.core.errors import NotFound
    from authgate.services import build_services
    from authgate.tenants.service import to_record
    from authgate.users.imports import ImportRequest

    services = build_services(settings)
    try:
        async with services.db.unit_of_work(write=True) as session:
            row = await services.tenants.find(session, tenant)
            if row is None:
                raise NotFound(f"No tenant {tenant or '(default)'}.")
            target = await services.connections.by_name(session, row.id, connection)
            request = ImportRequest(users=data, connection_id=target.id, upsert=upsert)
            return await services.user_imports.run(session, to_record(row), request)
    finally:
        await services.db.dispose()


def _report(job: Job, data: bytes) -> None:
    from authgate.jobs.service import job_to_wire
    from authgate.users.imports import read_users

    typer.echo(json.dumps(job_to_wire(job), indent=2))
    summary: dict[str, Any] = job.summary
    if job.status != "completed":
        reason = read_users(data)
        console.print(f"[red]job {job.id} {job.status}[/red]: {escape(str(reason))}")
        return
    console.print(
        f"job {job.id}: {summary['inserted']} inserted, {summary['updated']} updated, "
        f"{summary['failed']} failed of {summary['total']}"
    )
    for entry in job.errors:
        who = entry["user"].get("email", "(no email)")
        for error in entry["errors"]:
            console.print(f"[red]{escape(str(who))}[/red]: {escape(error['message'])}")


@users_app.command("invite")
def invite(
    email: Annotated[str, typer.Argument(help="the address to invite")],
    connection: Annotated[
        str, typer.Option(help="database connection")
    ] = "Username-Password-Authentication",
    days: Annotated[int, typer.Option(min=1, max=30, help="how long the link works")] = 7,
    result_url: Annotated[str | None, typer.Option(help="where the page sends the user")] = None,
    tenant: Annotated[
        str | None, typer.Option(help="tenant name (default: the default tenant)")
    ] = None,
) -> None:
    """Create a user with a password nobody knows and mail them a link to choose one."""
    from authgate.cli.main import load_settings
    from authgate.core.errors import DomainError

    try:
        user_id = asyncio.run(
            _invite(load_settings(), email, connection, days * 86_400, result_url, tenant)
        )
    except DomainError as exc:
        console.print(f"[red]{escape(exc.message)}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"invited {escape(email)} as {user_id}; the invitation is in the mail queue")


async def _invite(
    settings: Settings,
    email: str,
    connection: str,
    ttl_seconds: int,
    result_url: str | None,
    tenant: str | None,
) -> str:
    from authgate.core.errors import Invalid, NotFound
    from authgate.services import build_services
    from authgate.tenants.service import to_record
    from authgate.users.schemas import valid_email

    try:
        valid_email(email)
    except ValueError as exc:
        raise Invalid(f"{email!r} is not an email address.") from exc
    services = build_services(settings)
    try:
        async with services.db.unit_of_work(write=True) as session:
            row = await services.tenants.find(session, tenant)
            if row is None:
                raise NotFound(f"No tenant {tenant or '(default)'}.")
            user, _ = await services.users.invite(
                session,
                to_record(row),
                email=email,
                connection=connection,
                ttl_seconds=ttl_seconds,
                result_url=result_url,
            )
            return user.user_id
    finally:
        await services.db.dispose()
