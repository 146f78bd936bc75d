"""``create_app(settings)``: the one place that wires Authgate together (DESIGN §4)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authgate import __version__
from authgate.api import (
    client_grants,
    clients,
    connections,
    email,
    keys,
    logs,
    resource_servers,
    tenants,
    tickets,
    user_blocks,
    user_imports,
    users,
)
from authgate.api.errors import management_error
from authgate.core.errors import DomainError
from authgate.core.fields import describe_validation_error
from authgate.http import dbconnections, ops, testing, token, wellknown
from authgate.http.responses import NO_STORE, json_response
from authgate.http.tenancy import UnknownHost
from authgate.observability import AccessLog, Metrics, configure_logging
from authgate.protocol.errors import OAuthError
from authgate.services import Services, build_services
from authgate.settings import Settings
from authgate.web import routes as web_routes

log = logging.getLogger("authgate")
MANAGEMENT_PREFIX = "/api/v2"
MAX_MANAGEMENT_BODY = 1024 * 1024
MAX_OTHER_BODY = 256 * 1024


class PayloadTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over the limit (Auth0: 1 MB on the Management API)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_MANAGEMENT_BODY if _is_management(scope["path"]) else MAX_OTHER_BODY
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge
            return message

        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(scope, send)
                return
        await self.app(scope, limited, send)


async def _too_large(scope: Scope, send: Send) -> None:
    response = _error_for_path(
        scope["path"], 413, "The request body is too large.", "payload_too_large", "invalid_request"
    )
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _is_management(path: str) -> bool:
    return path == MANAGEMENT_PREFIX or path.startswith(MANAGEMENT_PREFIX + "/")


def _error_for_path(
    path: str, status: int, message: str, error_code: str, oauth_error: str
) -> Response:
    if _is_management(path):
        return management_error(status, message, error_code)
    return json_response(
        {"error": oauth_error, "error_description": message}, status=status, headers=NO_STORE
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OAuthError)
    async def oauth_error(request: Request, exc: OAuthError) -> Response:
        if exc.detail:
            log.info(
                {
                    "event": "oauth_error",
                    "error": exc.error,
                    "detail": exc.detail,
                    "request_id": request.state.request_id,
                }
            )
        if _is_management(request.url.path):
            headers = dict(exc.headers)
            if exc.status == 401:
                headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
            return management_error(exc.status, exc.description, exc.error, headers)
        return json_response(exc.body(), status=exc.status, headers={**NO_STORE, **exc.headers})

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return _error_for_path(
            request.url.path, exc.status, exc.message, exc.error_code, "invalid_request"
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        in_query = bool(first.get("loc")) and first["loc"][0] in ("query", "path")
        message = describe_validation_error(exc)  # type: ignore[arg-type]
        if in_query:
            message = message.replace("Payload validation error", "Query validation error")
        code = "invalid_query_string" if in_query else "invalid_body"
        return _error_for_path(request.url.path, 400, message, code, "invalid_request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = "Not Found" if exc.status_code == 404 else str(exc.detail)
        return _error_for_path(
            request.url.path,
            exc.status_code,
            message,
            "inexistent_resource" if exc.status_code == 404 else "invalid_uri",
            "invalid_request",
        )

    @app.exception_handler(UnknownHost)
    async def unknown_host(request: Request, exc: UnknownHost) -> Response:
        return _error_for_path(
            request.url.path,
            404,
            "No tenant is configured for this host.",
            "unknown_host",
            "invalid_request",
        )

    @app.exception_handler(PayloadTooLarge)
    async def payload_too_large(request: Request, exc: PayloadTooLarge) -> Response:
        return _error_for_path(
            request.url.path,
            413,
            "The request body is too large.",
            "payload_too_large",
            "invalid_request",
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error(
            {
                "event": "unhandled_error",
                "request_id": getattr(request.state, "request_id", None),
                "path": request.url.path,
            },
            exc_info=exc,
        )
        return _error_for_path(
            request.url.path, 500, "Internal error.", "internal_error", "server_error"
        )


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="Authgate",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{MANAGEMENT_PREFIX}/openapi.json",
    )
    app.state.services = services
    app.state.metrics = metrics = Metrics()
    _install_error_handlers(app)
    routers = (
        ops.router,
        wellknown.router,
        token.router,
        dbconnections.router,
        web_routes.router,
        clients.router,
        resource_servers.router,
        client_grants.router,
        keys.router,
        tenants.router,
        connections.router,
        users.router,
        tickets.router,
        user_blocks.router,
        email.router,
        user_imports.router,
        logs.router,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/u/static", StaticFiles(packages=[("authgate.web", "static")]), name="static")
    if settings.testing:
        app.include_router(testing.router)
    app.add_middleware(BodyLimit)
    app.add_middleware(AccessLog, metrics=metrics, enabled=settings.access_log)
    return app


def factory() -> FastAPI:
    """Entry point for uvicorn worker processes: settings come from the environment."""
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)
