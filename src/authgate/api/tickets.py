"""``/api/v2/tickets/*`` and ``/api/v2/jobs`` (verification email)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.http.responses import NO_STORE, json_response
from authgate.jobs.service import job_to_wire
from authgate.tickets.schemas import (
    EmailVerificationTicket,
    PasswordChangeTicket,
    VerificationEmailJob,
)

router = APIRouter(prefix="/api/v2", tags=["tickets", "jobs"])


@router.post("/tickets/email-verification", status_code=201)
async def email_verification_ticket(
    caller: Annotated[Caller, Depends(require("create:user_tickets"))],
    body: EmailVerificationTicket,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    url = await services.users.verification_ticket(session, tenant, body)
    return json_response({"ticket": url}, status=201, headers=NO_STORE)


@router.post("/tickets/password-change", status_code=201)
async def password_change_ticket(
    caller: Annotated[Caller, Depends(require("create:user_tickets"))],
    body: PasswordChangeTicket,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    url = await services.users.password_change_ticket(session, tenant, body)
    return json_response({"ticket": url}, status=201, headers=NO_STORE)


@router.post("/jobs/verification-email", status_code=201)
async def verification_email_job(
    caller: Annotated[Caller, Depends(require("update:users"))],
    body: VerificationEmailJob,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    job = await services.jobs.verification_email(session, tenant, body)
    return json_response(job_to_wire(job), status=201)


@router.get("/jobs/{job_id}")
async def get_job(
    job_id: str,
    caller: Annotated[Caller, Depends(require("create:users", "read:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    job = await services.jobs.get(session, tenant.id, job_id)
    return json_response(job_to_wire(job))


@router.get("/jobs/{job_id}/errors")
async def get_job_errors(
    job_id: str,
    caller: Annotated[Caller, Depends(require("create:users", "read:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    job = await services.jobs.get(session, tenant.id, job_id)
    return json_response(job.errors)
