"""``/api/v2/logs``, ``/api/v2/logs/{id}`` and ``/api/v2/users/{id}/logs``: the tenant log.

Reference §2.1 "Logs" and §2.2 ``/logs``. ``GET /logs`` reads by checkpoint when ``from`` or
``take`` is given (a bare array in ``log_id`` order, with a ``Link`` header whose ``next``
relation is the URL of the following page; every other parameter is ignored) and by search
criteria otherwise (``q``, which Auth0's OpenAPI document calls ``search``; ``sort``,
``page``, ``per_page``, ``fields``, ``include_fields``, ``include_totals``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from authgate.api.dependencies import (
    MAX_PER_PAGE,
    Caller,
    Paging,
    ServicesDep,
    SessionDep,
    TenantDep,
    page_body,
    require,
    select_fields,
)
from authgate.http.responses import json_response
from authgate.logs.queries import DEFAULT_TAKE, MAX_TAKE
from authgate.logs.wire import log_to_wire
from authgate.protocol.ports import TenantRecord
from authgate.search.tree import MAX_QUERY_LENGTH

router = APIRouter(prefix="/api/v2", tags=["logs"])
READ_LOGS = require("read:logs", "read:logs_users")
Lucene = Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH)]
Sort = Annotated[str | None, Query(max_length=100)]
Page = Annotated[int, Query(ge=0)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


@router.get("/logs")
async def list_logs(
    caller: Annotated[Caller, Depends(READ_LOGS)],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    q: Lucene = None,
    search: Lucene = None,
    sort: Sort = None,
    fields: Annotated[str | None, Query(max_length=2000)] = None,
    include_fields: bool | None = None,
    page: Page = 0,
    per_page: PerPage = 50,
    include_totals: bool = False,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    take: Annotated[int | None, Query(ge=1, le=MAX_TAKE)] = None,
) -> Response:
    if from_ is not None or take is not None:
        after = from_ or None
        events = await services.log_queries.checkpoint(
            session, tenant.id, after=after, take=take or DEFAULT_TAKE
        )
        link = _next_link(tenant, events[-1].log_id if events else after, take)
        return json_response([log_to_wire(event) for event in events], headers={"Link": link})
    paging = Paging(page=page, per_page=per_page, include_totals=include_totals)
    events, total = await services.log_queries.search(
        session,
        tenant.id,
        q=q if q is not None else search,
        sort=sort,
        offset=paging.offset,
        limit=paging.per_page,
        count=include_totals,
    )
    bodies = [select_fields(log_to_wire(event), fields, include_fields) for event in events]
    return json_response(page_body(paging, "logs", bodies, total or 0))


@router.get("/logs/{log_id}")
async def get_log(
    log_id: str,
    caller: Annotated[Caller, Depends(READ_LOGS)],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    event = await services.log_queries.get(session, tenant.id, log_id)
    return json_response(log_to_wire(event))


@router.get("/users/{user_id}/logs")
async def user_logs(
    user_id: str,
    caller: Annotated[Caller, Depends(READ_LOGS)],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    sort: Sort = None,
    page: Page = 0,
    per_page: PerPage = 50,
    include_totals: bool = False,
) -> Response:
    paging = Paging(page=page, per_page=per_page, include_totals=include_totals)
    events, total = await services.log_queries.of_user(
        session,
        tenant.id,
        user_id,
        sort=sort,
        offset=paging.offset,
        limit=paging.per_page,
        count=include_totals,
    )
    bodies = [log_to_wire(event) for event in events]
    return json_response(page_body(paging, "logs", bodies, total or 0))


def _next_link(tenant: TenantRecord, cursor: str | None, take: int | None) -> str:
    """The ``next`` page of a checkpoint read: after the last event returned, or the same
    page again when there was none (Auth0 answers an empty page the same way)."""
    query = {"from": cursor} if cursor else {}
    if take is not None:
        query["take"] = str(take)
    return f'<{tenant.issuer}api/v2/logs?{urlencode(query)}>; rel="next"'
