"""Jobs (reference §2.3 "Jobs"): the record of an asynchronous Management operation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.core.fields import wire_time
from authgate.core.randomness import prefixed_id
from authgate.jobs.models import Job
from authgate.protocol.ports import TenantRecord
from authgate.tickets.schemas import VerificationEmailJob
from authgate.users.service import UserService


def job_to_wire(job: Job) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": job.id,
        "type": job.type,
        "status": job.status,
        "created_at": wire_time(job.created_at),
    }
    if job.connection_id:
        body["connection_id"] = job.connection_id
    if job.external_id:
        body["external_id"] = job.external_id
    if job.summary:
        body["summary"] = job.summary
    return body


class JobService:
    def __init__(self, clock: Clock, users: UserService) -> None:
        self._clock = clock
        self._users = users

    async def verification_email(
        self, session: AsyncSession, tenant: TenantRecord, request: VerificationEmailJob
    ) -> Job:
        """Send the verification email again; the job completes with the transaction."""
        job = await self.start(session, tenant.id, "verification_email")
        await self._users.resend_verification(session, tenant, request.user_id, request.client_id)
        await self.finish(session, job, status="completed")
        return job

    async def start(
        self,
        session: AsyncSession,
        tenant_id: str,
        job_type: str,
        *,
        connection_id: str | None = None,
        external_id: str | None = None,
    ) -> Job:
        now = self._clock.now()
        job = Job(
            id=prefixed_id("job"),
            tenant_id=tenant_id,
            type=job_type,
            status="pending",
            connection_id=connection_id,
            external_id=external_id,
            summary={},
            errors=[],
            created_at=now,
            updated_at=now,
        )
        session.add(job)
        await session.flush()
        return job

    async def finish(
        self,
        session: AsyncSession,
        job: Job,
        *,
        status: str,
        summary: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        job.status = status
        job.summary = summary or {}
        job.errors = errors or []
        job.updated_at = self._clock.now()
        await session.flush()

    async def get(self, session: AsyncSession, tenant_id: str, job_id: str) -> Job:
        job = await session.get(Job, job_id)
        if job is None or job.tenant_id != tenant_id:
            raise NotFound("The job does not exist.", error_code="inexistent_job")
        return job
