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

from authgate import __version__
from authgate.api import (
    attack_protection,
    branding,
    client_grants,
    clients,
    connections,
    email,
    grants,
    keys,
    logs,
    prompts,
    refresh_tokens,
    resource_servers,
    sessions,
    tenants,
    tickets,
    user_blocks,
    user_imports,
    users,
)
from authgate.core.errors import DomainError
from authgate.core.fields import describe_validation_error
from authgate.http import (
    authorize,
    cors,
    dbconnections,
    logout,
    ops,
    revoke,
    testing,
    token,
    userinfo,
    wellknown,
)
from authgate.http.body_limit import BodyLimit
from authgate.http.errors import PayloadTooLarge, error_for_path, known_error
from authgate.http.ratelimit import RateLimits
from authgate.http.tenancy import UnknownHost
from authgate.observability import AccessLog, Metrics, configure_logging
from authgate.protocol.errors import OAuthError
from authgate.services import Services, build_services
from authgate.settings import Settings
from authgate.web import forgot as web_forgot
from authgate.web import login as web_login
from authgate.web import logout as web_logout
from authgate.web import routes as web_routes
from authgate.web import styles as web_styles
from authgate.web import unblock as web_unblock

log = logging.getLogger("authgate")


def _install_error_handlers(app: FastAPI) -> None:
    async def known(request: Request, exc: Exception) -> Response:
        response = known_error(request, exc)
        assert response is not None
        return response

    for error in (OAuthError, DomainError, UnknownHost, PayloadTooLarge):
        app.add_exception_handler(error, known)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        in_query = bool(first.get("loc")) and first["loc"][0] in ("query", "path")
        message = describe_validation_error(exc)  # type: ignore[arg-type]
        if in_query:
            message = message.replace("Payload validation error", "Query validation error")
        code = "invalid_query_string" if in_query else "invalid_body"
        return error_for_path(request.url.path, 400, message, code, "invalid_request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = "Not Found" if exc.status_code == 404 else str(exc.detail)
        code = "inexistent_resource" if exc.status_code == 404 else "invalid_uri"
        return error_for_path(request.url.path, exc.status_code, message, code, "invalid_request")

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
        return error_for_path(
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
        openapi_url="/api/v2/openapi.json",
    )
    app.state.services = services
    app.state.metrics = metrics = Metrics()
    _install_error_handlers(app)
    routers = (
        ops.router,
        wellknown.router,
        token.router,
        authorize.router,
        userinfo.router,
        revoke.router,
        logout.router,
        cors.router,
        web_login.router,
        web_forgot.router,
        logout.router,
        web_logout.router,
        dbconnections.router,
        web_routes.router,
        web_unblock.router,
        web_styles.router,
        clients.router,
        resource_servers.router,
        client_grants.router,
        keys.router,
        tenants.router,
        connections.router,
        users.router,
        tickets.router,
        user_blocks.router,
        attack_protection.router,
        email.router,
        user_imports.router,
        logs.router,
        sessions.router,
        refresh_tokens.router,
        grants.router,
        branding.router,
        prompts.router,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/u/static", StaticFiles(packages=[("authgate.web", "static")]), name="static")
    if settings.testing:
        app.include_router(testing.router)
    app.add_middleware(token.TokenFastPath)
    app.add_middleware(RateLimits)
    app.add_middleware(BodyLimit)
    app.add_middleware(AccessLog, metrics=metrics, enabled=settings.access_log)
    return app


def factory() -> FastAPI:
    """Entry point for uvicorn worker processes: settings come from the environment."""
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)
