"""First start: the default tenant, its signing keys, its Management API and the bootstrap
machine-to-machine application with a client grant for every Management scope.

Idempotent: running it again on a bootstrapped deployment changes nothing (unless the operator
changed ``AUTHGATE_ISSUER`` or the bootstrap secret, which are then applied).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.apis.management_scopes import MANAGEMENT_SCOPES
from authgate.client_grants.schemas import ClientGrantCreate
from authgate.clients.schemas import ClientCreate, ClientUpdate
from authgate.core import randomness
from authgate.core.errors import NotFound
from authgate.protocol.ports import TenantRecord
from authgate.services import Services
from authgate.tenants.service import to_record

BOOTSTRAP_CLIENT_NAME = "Authgate Management (bootstrap)"
BOOTSTRAP_FILE = "bootstrap.json"


@dataclass(frozen=True)
class BootstrapResult:
    tenant: TenantRecord
    client_id: str
    credentials_file: Path | None
    changed: bool


def _credentials(services: Services) -> tuple[str, str, Path | None]:
    settings = services.settings
    if settings.bootstrap_client_id and settings.bootstrap_client_secret:
        return (
            settings.bootstrap_client_id,
            settings.bootstrap_client_secret.get_secret_value(),
            None,
        )
    path = settings.data_dir / BOOTSTRAP_FILE
    if path.exists():
        stored = json.loads(path.read_text())
        return str(stored["client_id"]), str(stored["client_secret"]), path
    return (
        settings.bootstrap_client_id or randomness.client_id(),
        randomness.client_secret(),
        path,
    )


def _write_credentials(path: Path, tenant: TenantRecord, client_id: str, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "issuer": tenant.issuer,
        "token_endpoint": f"{tenant.issuer}oauth/token",
        "audience": tenant.management_audience,
        "client_id": client_id,
        "client_secret": secret,
    }
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
    os.replace(temporary, path)


async def bootstrap(services: Services) -> BootstrapResult:
    """Bootstrap the default tenant from the settings."""
    async with services.db.unit_of_work(write=True) as session:
        tenant_row, changed = await services.tenants.ensure_default(
            session, services.settings.issuer
        )
        tenant = to_record(tenant_row)
        changed |= await prepare_tenant(services, session, tenant)
    client_id, secret, path = _credentials(services)
    async with services.db.unit_of_work(write=True) as session:
        changed |= await ensure_management_client(services, session, tenant, client_id, secret)
    if path is not None and not path.exists():
        _write_credentials(path, tenant, client_id, secret)
    return BootstrapResult(
        tenant=tenant, client_id=client_id, credentials_file=path, changed=changed
    )


async def prepare_tenant(services: Services, session: AsyncSession, tenant: TenantRecord) -> bool:
    """Signing keys and the Management API of a tenant; True when something was created."""
    changed = await services.keys.ensure(session, tenant)
    changed = await services.apis.ensure_management_api(session, tenant) or changed
    return await services.connections.ensure_default_database(session, tenant.id, []) or changed


async def create_tenant(
    services: Services, *, name: str, issuer: str
) -> tuple[TenantRecord, str, Path]:
    """A new tenant with its keys, its Management API and a Management application whose
    credentials are written to ``DATA_DIR/bootstrap-<name>.json`` (mode 0600)."""
    client_id, secret = randomness.client_id(), randomness.client_secret()
    async with services.db.unit_of_work(write=True) as session:
        row = await services.tenants.create(session, name=name, issuer=issuer)
        tenant = to_record(row)
        await prepare_tenant(services, session, tenant)
        await ensure_management_client(services, session, tenant, client_id, secret)
    path = services.settings.data_dir / f"bootstrap-{name}.json"
    _write_credentials(path, tenant, client_id, secret)
    return tenant, client_id, path


async def ensure_management_client(
    services: Services, session: AsyncSession, tenant: TenantRecord, client_id: str, secret: str
) -> bool:
    """The machine-to-machine application with every Management scope; True if changed."""
    changed = False
    try:
        client = await services.clients.get(session, tenant.id, client_id)
    except NotFound:
        await services.clients.create(
            session,
            tenant.id,
            ClientCreate(
                name=BOOTSTRAP_CLIENT_NAME,
                app_type="non_interactive",
                grant_types=["client_credentials"],
                description="Created with the tenant; authorized for the Management API.",
            ),
            client_id=client_id,
            secret=secret,
        )
        changed = True
    else:
        if services.clients.secret(client) != secret:
            await services.clients.update(
                session, tenant.id, client_id, ClientUpdate(client_secret=secret)
            )
            changed = True
    return await _ensure_grant(services, session, tenant, client_id) or changed


async def _ensure_grant(
    services: Services, session: AsyncSession, tenant: TenantRecord, client_id: str
) -> bool:
    """A grant for every Management scope, created once; later narrowing is left alone."""
    grants = await services.client_grants.after(
        session,
        tenant.id,
        after_id=None,
        limit=1,
        audience=tenant.management_audience,
        client_id=client_id,
    )
    if not grants:
        await services.client_grants.create(
            session,
            tenant.id,
            ClientGrantCreate(
                client_id=client_id,
                audience=tenant.management_audience,
                scope=list(MANAGEMENT_SCOPES),
            ),
        )
        return True
    return False
