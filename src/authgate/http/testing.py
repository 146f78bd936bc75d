"""Test-only hooks, mounted only when ``AUTHGATE_TESTING`` is on (never in production).

``PUT /testing/clock`` shifts the server clock of every worker of this host by an offset, so
that expiry, lockout and session timeouts can be tested in seconds (security.md §4.5, item 2).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from authgate.core.shared_state import CLOCK_OFFSET_MS
from authgate.http.responses import json_response
from authgate.http.tenancy import services_of

router = APIRouter()
MAX_OFFSET_SECONDS = 10 * 365 * 86400


class ClockOffset(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    offset_seconds: Annotated[float, Field(ge=-MAX_OFFSET_SECONDS, le=MAX_OFFSET_SECONDS)]


@router.put("/testing/clock", include_in_schema=False)
async def set_clock(body: ClockOffset, request: Request) -> Response:
    services = services_of(request)
    services.shared.write(CLOCK_OFFSET_MS, round(body.offset_seconds * 1000))
    return json_response({"offset_seconds": body.offset_seconds, "now": services.clock.time()})
