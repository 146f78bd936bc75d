"""``POST /dbconnections/signup`` and ``POST /dbconnections/change_password`` (reference §1.6),
with form or JSON bodies and Auth0's error shapes for this API."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from authgate.core.errors import DomainError
from authgate.core.fields import WebUrl, describe_validation_error
from authgate.core.request_info import RequestInfo
from authgate.http.forwarding import client_ip
from authgate.http.params import MAX_BODY_BYTES, unique_pairs
from authgate.http.responses import json_response
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol.errors import InvalidRequest, TooManyAttempts
from authgate.users.errors import PasswordRejected, UserExists
from authgate.users.schemas import Email, Nickname, Password, PersonName, Phone, Username
from authgate.users.service import Signup
from authgate.users.wire import signup_body

router = APIRouter()
RESET_SENT = "We've just sent you an email to reset your password."


def _signup_metadata(value: dict[str, str]) -> dict[str, str]:
    """Auth0: at most 10 keys of ≤100 characters with string values of ≤500 characters."""
    if len(value) > 10:
        raise ValueError("at most 10 keys are allowed")
    for key, item in value.items():
        if not key or len(key) > 100 or len(item) > 500:
            raise ValueError("keys are 1 to 100 characters and values at most 500")
    return value


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: Annotated[str, Field(max_length=64)] | None = None
    connection: Annotated[str, Field(min_length=1, max_length=128)]
    email: Email
    password: Password
    username: Username | None = None
    given_name: PersonName | None = None
    family_name: PersonName | None = None
    name: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    nickname: Nickname | None = None
    picture: WebUrl | None = None
    phone_number: Phone | None = None
    user_metadata: Annotated[dict[str, str], AfterValidator(_signup_metadata)] | None = None


class ChangePasswordRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: Annotated[str, Field(max_length=64)] | None = None
    connection: Annotated[str, Field(min_length=1, max_length=128)]
    email: Email


class BadBody(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


async def _document(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadBody("The request body is too large.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            document = json.loads(body)
            if not isinstance(document, dict):
                raise BadBody("The request body must be a JSON object.")
            return document
        if content_type == "application/x-www-form-urlencoded":
            params: dict[str, Any] = unique_pairs(parse_qsl(body.decode(), keep_blank_values=True))
            if "user_metadata" in params:
                params["user_metadata"] = json.loads(params["user_metadata"])
            return params
    except InvalidRequest as exc:
        raise BadBody(exc.description) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBody("The request body is malformed.") from exc
    raise BadBody("Send application/json or application/x-www-form-urlencoded.")


def _error(
    code: str,
    description: Any,
    *,
    name: str = "BadRequestError",
    status: int = 400,
    **extra: Any,
) -> Response:
    body = {"name": name, "code": code, "description": description, **extra, "statusCode": status}
    return json_response(body, status=status)


def _signup_event(body: SignupRequest, info: RequestInfo) -> Event:
    return Event(
        type="fs",
        client_id=body.client_id,
        connection=body.connection,
        user_name=body.email,
        ip=info.ip,
        user_agent=info.user_agent,
    )


def _request_info(request: Request, hostname: str) -> RequestInfo:
    proxies = services_of(request).settings.trusted_proxies
    return RequestInfo(
        ip=client_ip(request, proxies),
        user_agent=request.headers.get("user-agent"),
        hostname=hostname,
    )


@router.post("/dbconnections/signup", include_in_schema=False)
async def signup(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    try:
        body = SignupRequest.model_validate(await _document(request))
    except BadBody as exc:
        return _error("invalid_body", exc.description)
    except ValidationError as exc:
        return _error("invalid_body", describe_validation_error(exc))
    info = _request_info(request, tenant.domain)
    try:
        await services.protection.throttle.admit_signup(tenant, info.ip, _signup_event(body, info))
    except TooManyAttempts as exc:
        return _error(exc.error, exc.description, name="TooManyAttemptsError", status=429)
    try:
        async with services.db.unit_of_work(write=True) as session:
            user = await services.flows.signup(session, tenant, Signup(**body.model_dump()), info)
    except PasswordRejected as exc:
        extra: dict[str, Any] = {"policy": exc.policy} if exc.policy else {}
        return _error(exc.code, exc.description, name=exc.name, message=exc.short_message, **extra)
    except UserExists:
        return _error("invalid_signup", "Invalid sign up")
    except DomainError as exc:
        return _error(exc.error_code, exc.message)
    return json_response(signup_body(user))


@router.post("/dbconnections/change_password", include_in_schema=False)
async def change_password(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    try:
        body = ChangePasswordRequest.model_validate(await _document(request))
    except BadBody as exc:
        return _error("invalid_body", exc.description)
    except ValidationError as exc:
        return _error("invalid_body", describe_validation_error(exc))
    services.flows.request_password_reset(
        tenant,
        email=body.email,
        connection=body.connection,
        client_id=body.client_id,
        info=_request_info(request, tenant.domain),
    )
    return PlainTextResponse(RESET_SENT)
