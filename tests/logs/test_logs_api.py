"""``/api/v2/logs``, ``/api/v2/logs/{id}`` and ``/api/v2/users/{id}/logs`` over HTTP.

Reference §2.1 "Logs" and §2.2 ``/logs``; Auth0, "Log Search Query Syntax" and "Retrieve Log
Events Using the Management API".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete

from authgate.logs.models import LogEvent
from authgate.logs.service import Event
from tests.databases import ISSUER
from tests.factories import create_client, grant
from tests.users_factories import create_user

HOST = "authgate.test"
MANAGEMENT_AUDIENCE = f"{ISSUER}api/v2/"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def insert(
    app: FastAPI,
    *events: Event,
    dates: Sequence[datetime] = (),
    tenant_id: str | None = None,
    mobile: bool = False,
) -> list[str]:
    """Write ``events`` (in this order, so their log_ids ascend) and return their log_ids."""
    services = app.state.services
    await services.logs.flush()
    if tenant_id is None:
        tenant_id = (await services.tenants.resolve(HOST)).id
    rows = [services.logs.build(tenant_id, HOST, event) for event in events]
    for row, date in zip(rows, dates, strict=False):
        row.date = date
    for row in rows:
        row.is_mobile = mobile
    async with services.db.unit_of_work(write=True) as session:
        session.add_all(rows)
    return [row.log_id for row in rows]


async def clear(app: FastAPI) -> None:
    """Start from an empty log (the admin token request logged a ``seccft``)."""
    services = app.state.services
    await services.logs.flush()
    async with services.db.unit_of_work(write=True) as session:
        await session.execute(delete(LogEvent))


async def get_logs(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await client.get("/api/v2/logs", params=params, headers=headers)


def error(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["statusCode"] == response.status_code
    assert set(body) == {"statusCode", "error", "message", "errorCode"}
    return response.status_code, body["errorCode"]


async def scoped(client: httpx.AsyncClient, admin: dict[str, str], *scopes: str) -> dict[str, str]:
    """Headers with a Management API token holding only ``scopes``."""
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], audience=MANAGEMENT_AUDIENCE, scope=scopes)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "audience": MANAGEMENT_AUDIENCE,
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# -- search ---------------------------------------------------------------------------------

WORLD = {
    "alice_fp": (
        Event(
            type="fp",
            user_id="auth0|alice",
            user_name="alice@example.test",
            connection="Username-Password-Authentication",
            client_name="Web App",
            ip="203.0.113.1",
            description="Wrong email or password.",
            details={"error": {"message": "Wrong email or password."}},
        ),
        at("2018-12-01T10:00:00"),
    ),
    "alice_s": (
        Event(
            type="s",
            user_id="auth0|alice",
            user_name="alice@example.test",
            connection="Username-Password-Authentication",
        ),
        at("2018-12-18T12:00:00"),
    ),
    "jane_fu": (
        Event(type="fu", user_name="jane.smith@example.test", description="Missing username"),
        at("2018-12-19T00:00:00"),
    ),
    "sapi": (
        Event(
            type="sapi",
            client_id="mgmtClient",
            description="Create a client",
            details={"request": {"method": "POST", "path": "/api/v2/clients"}},
        ),
        at("2019-01-01T01:00:00"),
    ),
    "bob_fp": (
        Event(type="fp", user_id="auth0|bob", user_name="Bob@Example.test", ip="198.51.100.7"),
        at("2019-01-01T12:23:45"),
    ),
}


@pytest.fixture
async def world(app: FastAPI, admin: dict[str, str]) -> dict[str, str]:
    """Five events of December 2018 and January 2019, and one mobile ``seccft``: name by id."""
    await clear(app)
    ids = await insert(
        app,
        *(event for event, _ in WORLD.values()),
        dates=[date for _, date in WORLD.values()],
    )
    mobile = await insert(
        app, Event(type="seccft", client_name="Passport"), dates=[at("2019-02-10")], mobile=True
    )
    return dict(zip([*ids, *mobile], [*WORLD, "mobile"], strict=True))


async def names(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str], q: str, **params: Any
) -> list[str]:
    response = await get_logs(client, admin, q=q, **params)
    assert response.status_code == 200, response.text
    return [world[event["log_id"]] for event in response.json()]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("type:fp", ["bob_fp", "alice_fp"]),
        ("fp", ["bob_fp", "alice_fp"]),  # a bare term matches type
        ('user_id:"auth0|alice"', ["alice_s", "alice_fp"]),
        ("user_id:auth0|alice", ["alice_s", "alice_fp"]),
        ("auth0|alice", []),  # user_id is not searched by bare terms
        ("alice@example.test", ["alice_s", "alice_fp"]),  # user_name is
        ("203.0.113.1", ["alice_fp"]),  # and so is ip
        ('type:fp AND user_id:"auth0|bob"', ["bob_fp"]),
        ("type:fp OR type:fu", ["bob_fp", "jane_fu", "alice_fp"]),
        ("type:(fp OR fu)", ["bob_fp", "jane_fu", "alice_fp"]),
        ('type:fp -user_id:"auth0|alice"', ["bob_fp"]),
        ("NOT type:fp AND _exists_:user_id", ["alice_s"]),
        ("type:s*", ["mobile", "sapi", "alice_s"]),
        ("user_name:jane*", ["jane_fu"]),
        ("user_name:jane*test", ["jane_fu"]),
        ("user_name:*@example.test", ["jane_fu", "alice_s", "alice_fp"]),
        ("connection:*Password*", ["alice_s", "alice_fp"]),
        ("description:*password*", ["alice_fp"]),
        ("description:password", []),  # fields are not tokenized
        ('description:"Wrong email or password."', ["alice_fp"]),
        ('user_name:"Bob@Example.test"', ["bob_fp"]),
        ("user_name:bob@example.test", []),  # case-sensitive
        ("type:FP", []),
        ("date:2018-12-18", ["alice_s"]),
        ("date:[2018-12-18 TO *]", ["mobile", "bob_fp", "sapi", "jane_fu", "alice_s"]),
        ("date:[* TO 2018-12-19}", ["alice_s", "alice_fp"]),
        ("date:[2018-12 TO 2019-01-01}", ["jane_fu", "alice_s", "alice_fp"]),
        ("date:{2018-12-18 TO 2019-01-01]", ["bob_fp", "sapi", "jane_fu"]),
        ("date:[2019-01-01T01:00:00 TO 2019-01-01T12:23:45}", ["sapi"]),
        ("date:2019-01 AND type:fp", ["bob_fp"]),
        ("details.request.method:POST", ["sapi"]),
        ("_exists_:details.error", ["alice_fp"]),
        ("isMobile:true", ["mobile"]),
        ("client_name:Passport OR client_id:mgmtClient", ["mobile", "sapi"]),
        ("*", ["mobile", "bob_fp", "sapi", "jane_fu", "alice_s", "alice_fp"]),
    ],
)
async def test_search(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    world: dict[str, str],
    q: str,
    expected: list[str],
) -> None:
    assert await names(client, admin, world, q) == expected


async def test_search_is_also_read_from_the_search_parameter(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    response = await get_logs(client, admin, search="type:fu")
    assert [world[event["log_id"]] for event in response.json()] == ["jane_fu"]
    both = await get_logs(client, admin, q="type:fu", search="type:fp")
    assert [world[event["log_id"]] for event in both.json()] == ["jane_fu"]


async def test_sort(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    newest_first = ["mobile", "bob_fp", "sapi", "jane_fu", "alice_s", "alice_fp"]
    assert await names(client, admin, world, "*") == newest_first
    assert await names(client, admin, world, "*", sort="date:-1") == newest_first
    assert await names(client, admin, world, "*", sort="date:1") == newest_first[::-1]
    assert await names(client, admin, world, "*", sort="log_id:1") == newest_first[::-1]


async def test_events_of_the_same_instant_keep_log_id_order(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await clear(app)
    ids = await insert(app, *(Event(type="fp") for _ in range(5)), dates=[at("2020-05-05")] * 5)
    for sort, expected in (("date:1", ids), ("date:-1", ids[::-1])):
        pages = [
            (await get_logs(client, admin, sort=sort, per_page=2, page=page)).json()
            for page in range(3)
        ]
        assert [event["log_id"] for page in pages for event in page] == expected


async def test_log_event_shape(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    (event,) = (await get_logs(client, admin, q="type:sapi")).json()
    assert event == {
        "log_id": event["log_id"],
        "_id": event["log_id"],
        "date": "2019-01-01T01:00:00.000Z",
        "type": "sapi",
        "description": "Create a client",
        "client_id": "mgmtClient",
        "hostname": HOST,
        "isMobile": False,
        "details": {"request": {"method": "POST", "path": "/api/v2/clients"}},
    }


async def test_fields_and_include_fields(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    (kept,) = (await get_logs(client, admin, q="type:sapi", fields="type,log_id")).json()
    assert set(kept) == {"type", "log_id"}
    (dropped,) = (
        await get_logs(client, admin, q="type:sapi", fields="details", include_fields="false")
    ).json()
    assert "details" not in dropped
    assert dropped["type"] == "sapi"


async def test_paging_and_totals(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    response = await get_logs(client, admin, per_page=4, page=1, include_totals="true")
    body = response.json()
    assert {key: body[key] for key in ("start", "limit", "length", "total")} == {
        "start": 4,
        "limit": 4,
        "length": 2,
        "total": 6,
    }
    assert [world[event["log_id"]] for event in body["logs"]] == ["alice_s", "alice_fp"]
    bare = await get_logs(client, admin, per_page=4, page=1)
    assert isinstance(bare.json(), list)
    assert len(bare.json()) == 2


async def test_only_the_first_1000_results_are_reachable(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await clear(app)
    await insert(app, *(Event(type="fp") for _ in range(1005)), Event(type="s"))
    body = (await get_logs(client, admin, q="type:fp", include_totals="true")).json()
    assert (body["length"], body["total"]) == (50, 1000)  # the count stops at 1,000
    last = await get_logs(client, admin, q="type:fp", per_page=100, page=9)
    assert last.status_code == 200
    assert len(last.json()) == 100
    assert len((await get_logs(client, admin, per_page=50, page=19)).json()) == 50
    beyond = await get_logs(client, admin, q="type:fp", per_page=100, page=10)
    assert error(beyond) == (400, "invalid_query_string")
    assert "first 1000 results" in beyond.json()["message"]
    small = (await get_logs(client, admin, q="type:s", include_totals="true")).json()
    assert small["total"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "type:f?"}, "? wildcard is not supported"),
        ({"q": "foo:bar"}, "'foo' is not a searchable field"),
        ({"q": "organization_id:org_1"}, "not a searchable field"),
        ({"q": "user_id:[a TO b]"}, "range queries are supported on date only"),
        ({"q": "date:yesterday"}, "ISO 8601"),
        ({"q": "date:2018*"}, "wildcards are not supported on date"),
        ({"q": "(type:fp"}, "missing ')'"),
        ({"q": "type:fp AND"}, "expected a term"),
        ({"q": "*sa"}, "at least 3 literal"),
        ({"q": "details:x"}, "name a key of details"),
        ({"q": "type:fp~"}, "fuzzy"),
        ({"sort": "type:1"}, "cannot sort by 'type'"),
        ({"sort": "date"}, "field:1"),
        ({"per_page": "101"}, "per_page"),
        ({"page": "-1"}, "page"),
    ],
)
async def test_malformed_search_is_400(
    client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, str], message: str
) -> None:
    response = await get_logs(client, admin, **params)
    assert error(response) == (400, "invalid_query_string")
    assert response.json()["message"].startswith("Query validation error")
    assert message in response.json()["message"]


# -- checkpoint -----------------------------------------------------------------------------

_LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def next_url(response: httpx.Response) -> str:
    match = _LINK.match(response.headers["link"])
    assert match is not None, response.headers["link"]
    return match["url"]


async def test_checkpoint_walks_every_later_event_once_in_log_id_order(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    ids = await insert(app, *(Event(type="s" if n % 2 else "fp") for n in range(25)))
    url = f"{ISSUER}api/v2/logs?from={ids[0]}&take=10"
    seen: list[str] = []
    sizes = []
    while True:
        response = await client.get(url, headers=admin)
        assert response.status_code == 200, response.text
        page = [event["log_id"] for event in response.json()]
        sizes.append(len(page))
        if not page:
            assert next_url(response) == url  # an empty page points at itself
            break
        seen += page
        url = next_url(response)
        assert url == f"{ISSUER}api/v2/logs?from={page[-1]}&take=10"
    assert seen == ids[1:]
    assert sizes == [10, 10, 4, 0]


async def test_take_without_from_is_the_most_recent_events_oldest_first(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    ids = await insert(app, *(Event(type="fp") for _ in range(8)))
    response = await get_logs(client, admin, take=5)
    assert [event["log_id"] for event in response.json()] == ids[-5:]
    assert next_url(response) == f"{ISSUER}api/v2/logs?from={ids[-1]}&take=5"
    follow = await client.get(next_url(response), headers=admin)
    assert follow.json() == []


async def test_from_without_take_reads_50(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    ids = await insert(app, *(Event(type="fp") for _ in range(60)))
    response = await get_logs(client, admin, **{"from": ids[0]})
    assert [event["log_id"] for event in response.json()] == ids[1:51]
    assert next_url(response) == f"{ISSUER}api/v2/logs?from={ids[50]}"


async def test_checkpoint_ignores_search_parameters(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    ids = await insert(app, Event(type="s"), Event(type="fp"), Event(type="fp"), Event(type="s"))
    response = await get_logs(
        client,
        admin,
        **{"from": ids[0]},
        take=2,
        q="type:nothing",
        sort="date:-1",
        page=3,
        include_totals="true",
        fields="type",
    )
    events = response.json()
    assert [event["log_id"] for event in events] == ids[1:3]
    assert {"log_id", "date", "type", "isMobile"} <= set(events[0])


async def test_checkpoint_beyond_1000_is_unbounded(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    ids = await insert(app, *(Event(type="fp") for _ in range(1010)))
    response = await get_logs(client, admin, **{"from": ids[1000]}, take=100)
    assert [event["log_id"] for event in response.json()] == ids[1001:]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "not a log id"}, "'from' must be a log_id"),
        ({"from": "ABC"}, "'from' must be a log_id"),
        ({"from": "1" * 65}, "from"),
        ({"take": "101"}, "take"),
        ({"take": "0"}, "take"),
        ({"from": "0", "take": "many"}, "take"),
    ],
)
async def test_malformed_checkpoint_is_400(
    client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, str], message: str
) -> None:
    response = await get_logs(client, admin, **params)
    assert error(response) == (400, "invalid_query_string")
    assert message in response.json()["message"]


# -- one event, a user's events ---------------------------------------------------------------


async def test_get_one_log(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    (listed,) = (await get_logs(client, admin, q="type:fu")).json()
    response = await client.get(f"/api/v2/logs/{listed['log_id']}", headers=admin)
    assert response.status_code == 200
    assert response.json() == listed


async def test_unknown_log_is_404(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get("/api/v2/logs/00000000000000000000000000", headers=admin)
    assert error(response) == (404, "inexistent_log")


async def test_user_logs(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    user = await create_user(client, admin)
    other = await create_user(client, admin)
    mine = await insert(
        app,
        Event(type="s", user_id=user["user_id"]),
        Event(type="fp", user_id=other["user_id"]),
        Event(type="fp", user_id=user["user_id"]),
        Event(type="scp", user_id=user["user_id"]),
        dates=[at("2021-01-01"), at("2021-01-02"), at("2021-01-03"), at("2021-01-04")],
    )
    path = f"/api/v2/users/{user['user_id']}/logs"
    newest_first = [mine[3], mine[2], mine[0]]
    response = await client.get(path, headers=admin)
    assert [event["log_id"] for event in response.json()] == newest_first
    oldest_first = await client.get(path, params={"sort": "date:1"}, headers=admin)
    assert [event["log_id"] for event in oldest_first.json()] == newest_first[::-1]
    paged = await client.get(
        path, params={"per_page": 2, "page": 1, "include_totals": "true"}, headers=admin
    )
    body = paged.json()
    assert (body["start"], body["limit"], body["length"], body["total"]) == (2, 2, 1, 3)
    assert [event["log_id"] for event in body["logs"]] == [mine[0]]


async def test_user_logs_errors(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    unknown = await client.get("/api/v2/users/auth0|nobody/logs", headers=admin)
    assert error(unknown) == (404, "inexistent_user")
    user = await create_user(client, admin)
    path = f"/api/v2/users/{user['user_id']}/logs"
    bad_sort = await client.get(path, params={"sort": "user_id:1"}, headers=admin)
    assert error(bad_sort) == (400, "invalid_query_string")
    too_far = await client.get(path, params={"per_page": 100, "page": 10}, headers=admin)
    assert error(too_far) == (400, "invalid_query_string")


# -- events Authgate records, scopes, tenants -------------------------------------------------


async def test_recorded_events_are_searchable(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await create_client(client, admin)  # a Management API write: sapi
    refused = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": "wrong",
            "audience": MANAGEMENT_AUDIENCE,
        },
    )
    assert refused.status_code == 401
    failed = await get_logs(client, admin, q=f"type:feccft AND client_id:{created['client_id']}")
    (event,) = failed.json()
    assert event["ip"] == "198.51.100.7"
    writes = await get_logs(client, admin, q='type:sapi AND description:"POST /api/v2/clients"')
    assert len(writes.json()) == 1


@pytest.mark.parametrize(
    "path", ["/api/v2/logs", "/api/v2/logs/00000000000000000000000000", "/api/v2/users/x/logs"]
)
async def test_reading_logs_needs_a_logs_scope(
    client: httpx.AsyncClient, admin: dict[str, str], path: str
) -> None:
    users_only = await scoped(client, admin, "read:users")
    response = await client.get(path, headers=users_only)
    assert error(response) == (403, "insufficient_scope")
    assert "read:logs" in response.json()["message"]


async def test_read_logs_users_scope_is_enough(
    client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    headers = await scoped(client, admin, "read:logs_users")
    assert (await get_logs(client, headers, q="type:fp")).status_code == 200
    assert (await get_logs(client, headers, take=1)).status_code == 200


async def test_another_tenants_events_never_appear(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], world: dict[str, str]
) -> None:
    services = app.state.services
    async with services.db.unit_of_work(write=True) as session:
        acme = await services.tenants.create(session, name="acme", issuer="https://acme.test/")
    (foreign,) = await insert(
        app,
        Event(type="fp", user_id="auth0|alice", user_name="alice@example.test"),
        tenant_id=acme.id,
    )
    searched = await get_logs(client, admin, q="type:fp OR user_id:auth0|alice", per_page=100)
    assert foreign not in [event["log_id"] for event in searched.json()]
    walked = await get_logs(client, admin, **{"from": "0"}, take=100)
    assert foreign not in [event["log_id"] for event in walked.json()]
    latest = await get_logs(client, admin, take=100)
    assert foreign not in [event["log_id"] for event in latest.json()]
    response = await client.get(f"/api/v2/logs/{foreign}", headers=admin)
    assert error(response) == (404, "inexistent_log")
