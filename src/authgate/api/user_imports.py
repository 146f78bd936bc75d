"""``POST /api/v2/jobs/users-imports`` (reference §7.1, §2.2 ``/jobs``): bulk user import.

The body is ``multipart/form-data``: ``users`` (a JSON file, also accepted as a plain field),
``connection_id`` (required), ``upsert``, ``external_id`` and ``send_completion_email``. A
malformed form is refused with 400 as Auth0 refuses it (``invalid_body``); a well-formed one
becomes a job (202) whatever the file holds, and the job says what became of it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.core.errors import Invalid
from authgate.core.fields import describe_validation_error
from authgate.http.responses import json_response
from authgate.jobs.service import job_to_wire
from authgate.users.imports import MAX_FILE_BYTES, ImportRequest

router = APIRouter(prefix="/api/v2", tags=["jobs"])
FILE_FIELD = "users"


class ImportFields(BaseModel):
    """The form's text fields (Auth0's Management API schema for this endpoint)."""

    model_config = ConfigDict(extra="forbid")

    connection_id: Annotated[str, Field(pattern=r"^con_[A-Za-z0-9]{16}$")]
    upsert: bool = False
    external_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    send_completion_email: bool = True


async def import_request(request: Request) -> ImportRequest:
    """The multipart form as an ``ImportRequest``; the file is read up to one byte past the
    limit, so that the importer can tell it is too large without holding more."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Invalid("Payload validation error: the body must be multipart/form-data.")
    try:
        form = await request.form(max_files=2, max_fields=8)
    except HTTPException as exc:  # Starlette's answer to a malformed multipart body
        raise Invalid(f"Payload validation error: '{exc.detail}'.") from exc
    try:
        fields, users = await _parts(form)
    finally:
        await form.close()
    if users is None:
        raise Invalid("Payload validation error: 'Missing required property' on property users.")
    try:
        parsed = ImportFields.model_validate(fields)
    except ValidationError as exc:
        raise Invalid(describe_validation_error(exc)) from exc
    return ImportRequest(users=users, **parsed.model_dump())


async def _parts(form: FormData) -> tuple[dict[str, str], bytes | None]:
    fields: dict[str, str] = {}
    users: bytes | None = None
    for name, value in form.multi_items():
        if name in fields or (name == FILE_FIELD and users is not None):
            raise Invalid(f"Payload validation error: 'Given more than once' on property {name}.")
        if name == FILE_FIELD:
            users = await _read(value)
        elif isinstance(value, UploadFile):
            raise Invalid(f"Payload validation error: 'Expected a text field' on property {name}.")
        else:
            fields[name] = value
    return fields, users


async def _read(value: UploadFile | str) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return await value.read(MAX_FILE_BYTES + 1)


@router.post("/jobs/users-imports", status_code=202)
async def create_users_import(
    caller: Annotated[Caller, Depends(require("create:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    body: Annotated[ImportRequest, Depends(import_request)],
) -> Response:
    job = await services.user_imports.run(session, tenant, body)
    return json_response(job_to_wire(job), status=202)
