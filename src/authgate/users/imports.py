"""Bulk user import (reference §7.1): a JSON array of users into one database connection.

``UserImporter.run`` is the one entry point, for ``POST /api/v2/jobs/users-imports`` and for
``authgate users import``. It records a ``users_import`` job (reference §2.3 "Jobs") and does the
work at once, within the caller's transaction: a file is at most 500 KB, so the job is finished
when the request answers. As in Auth0:

* a file that is not a JSON array fails the job (``failed``, logged ``fui``); a bad user never
  does: it is counted in ``summary.failed`` and listed by ``GET /jobs/{id}/errors`` with what
  was submitted, password hashes and secrets redacted;
* without ``upsert``, a user whose email, username or ``user_id`` is taken fails; with it, the
  user with the same email in the connection is updated, with the attributes Auth0 lets an
  import change (``UPSERTABLE``; metadata replaced whole, ``email_verified`` set to the value
  given or ``false``);
* the same email, username or ``user_id`` twice in one file fails the second (``DUPLICATED_USER``).

Each user is written in its own SAVEPOINT, so one that fails half-way leaves nothing behind and
the others go on. Password hashes are stored exactly as given, never computed: the login path
upgrades them to argon2id at the user's next successful login (``PasswordHasher.needs_rehash``).
An import may replace the hash of a user only while nobody has used the account's password: no
login and no password change since it was created (``NOT_UPSERTABLE`` otherwise).

``send_completion_email`` is accepted and ignored: Authgate does not mail tenant administrators.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.connections.service import ConnectionRecord, ConnectionService
from authgate.connections.strategies.database import DatabaseOptions
from authgate.core.clock import Clock
from authgate.core.errors import DomainError, Invalid, NotFound, OperationNotSupported
from authgate.jobs.models import Job
from authgate.jobs.service import JobService
from authgate.logs.service import Event, LogService
from authgate.protocol.ports import TenantRecord
from authgate.users import import_repository, repository
from authgate.users.import_errors import (
    CONFLICT,
    CONFLICT_EMAIL,
    CONFLICT_USERNAME,
    DUPLICATED_USER,
    NOT_UPSERTABLE,
    Problem,
    Rejected,
    job_error,
)
from authgate.users.import_schema import ImportedUser, parse_user
from authgate.users.models import PasswordHistory, User
from authgate.users.service import UserService, email_key

MAX_FILE_BYTES = 500 * 1024
JOB_TYPE = "users_import"
UPSERTABLE = (
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "user_metadata",
    "app_metadata",
)
"""Replaced when given; ``email_verified`` always is (Auth0 resets it unless given)."""


class FileTooLarge(DomainError):
    status = 413
    error_code = "payload_too_large"


@dataclass(frozen=True)
class ImportRequest:
    """The form of ``POST /jobs/users-imports``: the file's bytes and the job's options."""

    users: bytes
    connection_id: str
    upsert: bool = False
    external_id: str | None = None
    send_completion_email: bool = True


@dataclass
class _Run:
    """One job under way: where the users go, and what became of them so far."""

    tenant: TenantRecord
    connection: ConnectionRecord
    upsert: bool
    total: int
    existing: dict[str, User] = field(default_factory=dict)
    usernames: set[str] = field(default_factory=set)
    user_ids: set[str] = field(default_factory=set)
    inserted: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "failed": len(self.errors),
            "updated": self.updated,
            "inserted": self.inserted,
            "total": self.total,
        }


class UserImporter:
    def __init__(
        self,
        clock: Clock,
        users: UserService,
        connections: ConnectionService,
        jobs: JobService,
        logs: LogService,
    ) -> None:
        self._clock = clock
        self._users = users
        self._connections = connections
        self._jobs = jobs
        self._logs = logs

    async def run(self, session: AsyncSession, tenant: TenantRecord, request: ImportRequest) -> Job:
        """Check the request, then import every user and finish the job it returns."""
        if len(request.users) > MAX_FILE_BYTES:
            raise FileTooLarge(f"The users file must be at most {MAX_FILE_BYTES // 1024} KB.")
        connection = await self._database(session, tenant.id, request.connection_id)
        job = await self._jobs.start(
            session,
            tenant.id,
            JOB_TYPE,
            connection_id=connection.id,
            external_id=request.external_id,
        )
        rows = read_users(request.users)
        if isinstance(rows, str):
            await self._jobs.finish(session, job, status="failed")
            self._log(session, tenant, connection, job, reason=rows)
            return job
        run = _Run(tenant, connection, request.upsert, total=len(rows))
        checked = _checked(rows, _options(connection))
        await _load_taken(session, run, [row for row in checked if isinstance(row, ImportedUser)])
        for raw, row in zip(rows, checked, strict=True):
            await self._one(session, run, raw, row)
        await self._jobs.finish(
            session, job, status="completed", summary=run.summary(), errors=run.errors
        )
        self._log(session, tenant, connection, job, reason=None)
        return job

    async def _database(
        self, session: AsyncSession, tenant_id: str, connection_id: str
    ) -> ConnectionRecord:
        try:
            row = await self._connections.get(session, tenant_id, connection_id)
        except NotFound as exc:
            raise Invalid(
                "The connection does not exist.", error_code="inexistent_connection"
            ) from exc
        connection = self._connections.to_record(row)
        if not connection.strategy.is_database:
            raise OperationNotSupported("Connection must be a database connection")
        return connection

    # -- one user ---------------------------------------------------------------------------

    async def _one(
        self, session: AsyncSession, run: _Run, raw: object, row: ImportedUser | Rejected
    ) -> None:
        try:
            if isinstance(row, Rejected):
                raise row
            async with session.begin_nested():
                inserted = await self._write(session, run, row)
        except Rejected as exc:
            run.errors.append(job_error(raw, exc.problems))
        except IntegrityError:  # taken by a concurrent writer since the checks
            run.errors.append(job_error(raw, [Problem(CONFLICT, "", "The user already exists.")]))
        else:
            if inserted:
                run.inserted += 1
            else:
                run.updated += 1

    async def _write(self, session: AsyncSession, run: _Run, row: ImportedUser) -> bool:
        """Insert the user (True) or update the one with its email (False)."""
        existing = run.existing.get(email_key(row.email) or "")
        if existing is not None:
            if not run.upsert:
                raise Rejected([Problem(CONFLICT_EMAIL, "email", "The user already exists.")])
            await self._update(session, existing, row)
            return False
        if row.username is not None and row.username.lower() in run.usernames:
            detail = "The username already exists."
            raise Rejected([Problem(CONFLICT_USERNAME, "username", detail)])
        if row.user_id is not None and _user_id(run.connection, row) in run.user_ids:
            raise Rejected([Problem(CONFLICT, "user_id", "A user with this user_id exists.")])
        user = self._users._new_user(run.tenant, run.connection, row.email, row.user_id)
        _fill(user, row)
        await import_repository.add(session, user, self._history(user))
        return True

    async def _update(self, session: AsyncSession, user: User, row: ImportedUser) -> None:
        stored = row.stored_hash
        if stored is not None and (user.logins_count or user.last_password_reset is not None):
            detail = "the user has used its password since it was created; it cannot be replaced"
            where = "password_hash" if row.password_hash is not None else "custom_password_hash"
            raise Rejected([Problem(NOT_UPSERTABLE, where, detail)])
        for name in UPSERTABLE:
            if name in row.model_fields_set:
                setattr(user, name, getattr(row, name))
        user.email_verified = row.email_verified
        if stored is not None:
            user.password_hash = stored
        user.updated_at = self._clock.now()
        await session.flush()
        if stored is not None:
            await self._remember(session, user)

    async def _remember(self, session: AsyncSession, user: User) -> None:
        entry = self._history(user)
        if entry is not None:
            await repository.remember_password(session, entry)

    def _history(self, user: User) -> PasswordHistory | None:
        """The stored hash as a password history entry, so ``password_history`` refuses it."""
        if user.password_hash is None:
            return None
        now = self._clock.now()
        return PasswordHistory(user_pk=user.id, password_hash=user.password_hash, created_at=now)

    # -- the job ----------------------------------------------------------------------------

    def _log(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        connection: ConnectionRecord,
        job: Job,
        *,
        reason: str | None,
    ) -> None:
        summary = job.summary
        if reason is None:
            description = (
                f"Users import {job.id}: {summary['inserted']} inserted, {summary['updated']} "
                f"updated, {summary['failed']} failed of {summary['total']}"
            )
        else:
            description = f"Users import {job.id} failed: {reason}"
        event = Event(
            type="fui" if reason else "sui",
            description=description,
            connection=connection.name,
            connection_id=connection.id,
            strategy=connection.strategy.name,
            strategy_type="database",
            details={"summary": summary, "job_id": job.id, "external_id": job.external_id},
        )
        self._logs.add(session, tenant.id, tenant.domain, event)


def read_users(data: bytes) -> list[Any] | str:
    """The users of the file, or why there are none."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return "the users file is not valid JSON"
    if not isinstance(parsed, list):
        return "the users file must be a JSON array of users"
    return parsed


def _options(connection: ConnectionRecord) -> DatabaseOptions:
    assert isinstance(connection.options, DatabaseOptions)
    return connection.options


def _checked(rows: list[Any], options: DatabaseOptions) -> list[ImportedUser | Rejected]:
    """Each row as a valid user or why it is not one, in order. Auth0's ``DUPLICATED_USER``:
    an email, username or user_id already given by an earlier valid row of the file."""
    seen: set[tuple[str, str]] = set()
    checked: list[ImportedUser | Rejected] = []
    for raw in rows:
        try:
            row = parse_user(raw, options)
        except Rejected as exc:
            checked.append(exc)
            continue
        keys = _keys(row)
        repeated = next((name for name, value in keys if (name, value) in seen), None)
        if repeated is None:
            seen.update(keys)
            checked.append(row)
        else:
            detail = f"A user with this {repeated} was already provided."
            checked.append(Rejected([Problem(DUPLICATED_USER, repeated, detail)]))
    return checked


def _keys(row: ImportedUser) -> list[tuple[str, str]]:
    keys = [("email", email_key(row.email) or "")]
    if row.username is not None:
        keys.append(("username", row.username.lower()))
    if row.user_id is not None:
        keys.append(("user_id", row.user_id))
    return keys


async def _load_taken(session: AsyncSession, run: _Run, rows: list[ImportedUser]) -> None:
    """What the file's users collide with, in a few queries rather than a few per user."""
    connection = run.connection
    run.existing = await import_repository.users_by_email(
        session, connection.id, (email_key(row.email) or "" for row in rows)
    )
    run.usernames = await import_repository.taken_usernames(
        session, connection.id, (row.username.lower() for row in rows if row.username)
    )
    run.user_ids = await import_repository.taken_user_ids(
        session, run.tenant.id, (_user_id(connection, row) for row in rows if row.user_id)
    )


def _user_id(connection: ConnectionRecord, row: ImportedUser) -> str:
    return f"{connection.strategy.provider}|{row.user_id}"


def _fill(user: User, row: ImportedUser) -> None:
    user.email_verified = row.email_verified
    user.username = row.username
    user.username_key = row.username.lower() if row.username is not None else None
    for name in ("given_name", "family_name", "name", "nickname", "picture", "phone_number"):
        setattr(user, name, getattr(row, name))
    user.phone_verified = row.phone_verified
    user.blocked = row.blocked
    user.user_metadata = row.user_metadata or {}
    user.app_metadata = row.app_metadata or {}
    user.password_hash = row.stored_hash
