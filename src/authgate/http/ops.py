"""Operations endpoints: liveness, readiness and Prometheus metrics (host-independent)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from authgate.http.responses import json_response
from authgate.http.tenancy import services_of

router = APIRouter()
log = logging.getLogger("authgate.ops")


@router.get("/healthz", include_in_schema=False)
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> Response:
    try:
        await services_of(request).db.ping()
    except (SQLAlchemyError, OSError):
        log.warning("database not reachable", exc_info=True)
        return json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    return json_response({"status": "ok", "database": "reachable"})


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    body = request.app.state.metrics.exposition()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
