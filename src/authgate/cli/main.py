"""``authgate serve | migrate | bootstrap | keys rotate | tenants | certs``.

Global options set the matching ``AUTHGATE_*`` variable, so that worker processes started by
``serve`` see the same configuration as the command line.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from authgate.cli.breached import breached_app
from authgate.cli.certs import make_local_certificates
from authgate.cli.outbox import outbox_app
from authgate.cli.users import users_app
from authgate.settings import Settings, UnsafeConfiguration

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from authgate.services import Services
    from authgate.tenants.models import Tenant

T = TypeVar("T")
app = typer.Typer(help="Authgate identity server.", no_args_is_help=True, add_completion=False)
keys_app = typer.Typer(help="Signing keys.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants.", no_args_is_help=True)
certs_app = typer.Typer(help="Local TLS certificates for development.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(tenants_app, name="tenants")
app.add_typer(certs_app, name="certs")
app.add_typer(outbox_app, name="outbox")
app.add_typer(users_app, name="users")
app.add_typer(breached_app, name="breached-passwords")
console = Console(stderr=True)


def _set(name: str, value: object) -> None:
    if value is not None:
        os.environ[f"AUTHGATE_{name.upper()}"] = str(value)


@app.callback()
def configure(
    data_dir: Annotated[Path | None, typer.Option(help="AUTHGATE_DATA_DIR")] = None,
    database_url: Annotated[str | None, typer.Option(help="AUTHGATE_DATABASE_URL")] = None,
    redis_url: Annotated[str | None, typer.Option(help="AUTHGATE_REDIS_URL")] = None,
    issuer: Annotated[str | None, typer.Option(help="AUTHGATE_ISSUER")] = None,
    env: Annotated[str | None, typer.Option(help="AUTHGATE_ENV")] = None,
    secret_key: Annotated[str | None, typer.Option(help="AUTHGATE_SECRET_KEY")] = None,
    trusted_proxies: Annotated[str | None, typer.Option(help="AUTHGATE_TRUSTED_PROXIES")] = None,
    log_level: Annotated[str | None, typer.Option(help="AUTHGATE_LOG_LEVEL")] = None,
) -> None:
    for name, value in locals().items():
        _set(name, value)


def load_settings() -> Settings:
    try:
        settings = Settings()
        settings.check_production()
    except (ValidationError, UnsafeConfiguration) as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    return settings


def _run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(factory())


async def _prepare(settings: Settings, *, migrate: bool) -> None:
    from authgate.bootstrap import bootstrap
    from authgate.migrate import upgrade_async
    from authgate.services import build_services

    if migrate:
        await upgrade_async(settings.resolved_database_url)
    services = build_services(settings)
    try:
        result = await bootstrap(services)
    finally:
        await services.db.dispose()
    console.print(f"issuer: [bold]{result.tenant.issuer}[/bold]")
    where = result.credentials_file or "AUTHGATE_BOOTSTRAP_CLIENT_ID/SECRET"
    console.print(f"Management API client {result.client_id}: credentials in {where}")


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from authgate.migrate import upgrade

    settings = load_settings()
    upgrade(settings.resolved_database_url)
    console.print("database is up to date")


@app.command(name="bootstrap")
def bootstrap_command() -> None:
    """Create the default tenant, its keys and the Management API application (idempotent)."""
    _run(lambda: _prepare(load_settings(), migrate=False))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="AUTHGATE_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="AUTHGATE_PORT")] = None,
    workers: Annotated[int | None, typer.Option(help="AUTHGATE_WORKERS")] = None,
    tls_cert: Annotated[Path | None, typer.Option(help="AUTHGATE_TLS_CERT")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="AUTHGATE_TLS_KEY")] = None,
    migrate: Annotated[bool, typer.Option(help="apply migrations before serving")] = True,
) -> None:
    """Migrate, bootstrap and serve with several worker processes."""
    import uvicorn

    from authgate.observability import configure_logging

    for name, value in (
        ("host", host),
        ("port", port),
        ("workers", workers),
        ("tls_cert", tls_cert),
        ("tls_key", tls_key),
    ):
        _set(name, value)
    settings = load_settings()
    configure_logging(settings.log_level)
    _run(lambda: _prepare(settings, migrate=migrate))
    metrics_dir = settings.data_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir.resolve())
    scheme = "https" if settings.tls_cert else "http"
    console.print(
        f"serving on {scheme}://{settings.host}:{settings.port} with {settings.workers} workers"
    )
    uvicorn.run(
        "authgate.app:factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        ssl_certfile=str(settings.tls_cert) if settings.tls_cert else None,
        ssl_keyfile=str(settings.tls_key) if settings.tls_key else None,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )


@keys_app.command("rotate")
def keys_rotate(
    tenant: Annotated[
        str | None, typer.Option(help="tenant name (default: the default tenant)")
    ] = None,
) -> None:
    """Rotate the signing keys: next becomes current, current becomes previous."""

    async def rotate() -> str:
        from authgate.services import build_services
        from authgate.tenants.service import to_record

        services = build_services(load_settings())
        try:
            async with services.db.unit_of_work(write=True) as session:
                row = await _tenant_row(services, session, tenant)
                key = await services.keys.rotate(session, to_record(row))
                return key.kid
        finally:
            await services.db.dispose()

    console.print(f"current signing key is now {_run(rotate)}")


@tenants_app.command("create")
def tenants_create(
    name: str,
    domain: Annotated[str, typer.Option(help="host that resolves to this tenant")],
    issuer: Annotated[
        str | None, typer.Option(help="issuer URL (default: scheme://domain/)")
    ] = None,
) -> None:
    """Create a tenant reachable at DOMAIN, with its keys and Management API."""

    async def create() -> tuple[str, str, Path]:
        from urllib.parse import urlsplit

        from authgate.bootstrap import create_tenant
        from authgate.services import build_services

        settings = load_settings()
        scheme = urlsplit(settings.issuer).scheme
        tenant_issuer = Settings(issuer=issuer or f"{scheme}://{domain}/").issuer
        services = build_services(settings)
        try:
            tenant, _, path = await create_tenant(services, name=name, issuer=tenant_issuer)
            return tenant.id, tenant.issuer, path
        finally:
            await services.db.dispose()

    from authgate.core.errors import DomainError

    try:
        tenant_id, tenant_issuer, credentials = _run(create)
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"Management API credentials in {credentials}")
    console.print(f"tenant {name} ({tenant_id}) created with issuer {tenant_issuer}")


@tenants_app.command("list")
def tenants_list() -> None:
    """List tenants and their issuers."""

    async def rows() -> list[tuple[str, str, str]]:
        from authgate.services import build_services

        services = build_services(load_settings())
        try:
            async with services.db.unit_of_work(write=False) as session:
                return [(t.name, t.id, t.issuer) for t in await services.tenants.list_all(session)]
        finally:
            await services.db.dispose()

    table = Table("name", "id", "issuer")
    for row in _run(rows):
        table.add_row(*row)
    Console().print(table)


@certs_app.command("local")
def certs_local(
    directory: Annotated[Path | None, typer.Option(help="default: DATA_DIR/tls")] = None,
    host: Annotated[list[str] | None, typer.Option(help="extra host names or IPs")] = None,
) -> None:
    """Make a local CA and a server certificate for 127.0.0.1, ::1 and localhost."""
    target = directory or load_settings().data_dir / "tls"
    made = make_local_certificates(target, tuple(host or ()))
    console.print(f"CA certificate:     {made.ca_cert}")
    console.print(f"server certificate: {made.server_cert}")
    console.print(f"server key:         {made.server_key}")
    console.print(
        f"serve with AUTHGATE_TLS_CERT={made.server_cert} AUTHGATE_TLS_KEY={made.server_key}; "
        f"trust it with SSL_CERT_FILE / REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS={made.ca_cert}"
    )


async def _tenant_row(services: Services, session: AsyncSession, name: str | None) -> Tenant:
    row = await services.tenants.find(session, name)
    if row is None:
        console.print(f"[red]no tenant {name or '(default)'}[/red]")
        raise typer.Exit(1)
    return row


def main() -> None:
    sys.exit(app())
