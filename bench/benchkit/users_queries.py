"""The operations ``bench/users.py`` times: Management API requests whose parameters are drawn
from users sampled out of the seeded table.

Lookups (target p95 < 50 ms) fetch one user by id or by email. Searches (target p95 < 200 ms)
are ``GET /api/v2/users?q=...&search_engine=v3&per_page=50`` with the queries a dashboard or
an admin script sends most: an exact email, an email domain, a name prefix, a given and family
name, a bare term (matched against every default field), ranges of ``logins_count`` and
``created_at``, a metadata value, a boolean, no query at all (the first page of the user list),
some of them with ``include_totals=true`` or ``sort=created_at:-1``, and page 10 of a broad
query.
"""

from __future__ import annotations

import calendar
import enum
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

PER_PAGE = 50


class Kind(enum.Enum):
    LOOKUP = "lookup"
    SEARCH = "search"


TARGET_MS = {Kind.LOOKUP: 50.0, Kind.SEARCH: 200.0}


@dataclass(frozen=True)
class Sample:
    """A seeded user that query parameters are taken from."""

    user_id: str
    email: str
    given_name: str | None
    family_name: str | None
    created_at: datetime
    plan: str


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, str]


Builder = Callable[[random.Random, "Samples"], Request]


@dataclass(frozen=True)
class Operation:
    key: str  # for --only
    label: str
    kind: Kind
    build: Builder

    @property
    def target_ms(self) -> float:
        return TARGET_MS[self.kind]


class Samples:
    """The sampled users, and those of them with a given and a family name."""

    def __init__(self, users: Sequence[Sample]) -> None:
        if not users:
            raise ValueError("no users to draw query parameters from")
        self.users = list(users)
        self.named = [u for u in self.users if u.given_name and u.family_name] or self.users

    def any(self, rng: random.Random) -> Sample:
        return rng.choice(self.users)

    def with_name(self, rng: random.Random) -> Sample:
        return rng.choice(self.named)


def _search(query: Callable[[random.Random, Samples], str | None], **extra: str) -> Builder:
    def build(rng: random.Random, samples: Samples) -> Request:
        params = {"search_engine": "v3", "per_page": str(PER_PAGE), **extra}
        q = query(rng, samples)
        if q is not None:
            params["q"] = q
        return Request("/api/v2/users", params)

    return build


def _by_id(rng: random.Random, samples: Samples) -> Request:
    return Request(f"/api/v2/users/{quote(samples.any(rng).user_id, safe='')}", {})


def _by_email(rng: random.Random, samples: Samples) -> Request:
    return Request("/api/v2/users-by-email", {"email": samples.any(rng).email})


def _email(rng: random.Random, samples: Samples) -> str:
    return f'email:"{samples.any(rng).email}"'


def _domain(rng: random.Random, samples: Samples) -> str:
    return f'email.domain:"{samples.any(rng).email.partition("@")[2]}"'


def _name_prefix(rng: random.Random, samples: Samples) -> str:
    given = samples.with_name(rng).given_name or "jan"
    return f"name:{given[:3].lower()}*"


def _given_family(rng: random.Random, samples: Samples) -> str:
    user = samples.with_name(rng)
    return f'given_name:"{user.given_name}" AND family_name:"{user.family_name}"'


def _logins(rng: random.Random, _samples: Samples) -> str:
    low = rng.randrange(0, 401, 10)
    return f"logins_count:[{low} TO {low + 100}]"


def _created_month(rng: random.Random, samples: Samples) -> str:
    day = samples.any(rng).created_at
    last = calendar.monthrange(day.year, day.month)[1]
    return f"created_at:[{day:%Y-%m}-01 TO {day:%Y-%m}-{last:02d}]"


def _plan(rng: random.Random, samples: Samples) -> str:
    return f'app_metadata.plan:"{samples.any(rng).plan}"'


def _bare_term(rng: random.Random, samples: Samples) -> str:
    return samples.with_name(rng).family_name or "smith"


def _fixed(q: str | None) -> Callable[[random.Random, Samples], str | None]:
    return lambda _rng, _samples: q


_TOTALS = {"include_totals": "true"}
_NEWEST = {"sort": "created_at:-1"}

OPERATIONS: tuple[Operation, ...] = (
    Operation("id", "GET /users/{id}", Kind.LOOKUP, _by_id),
    Operation("by_email", "GET /users-by-email?email=", Kind.LOOKUP, _by_email),
    Operation("email", 'email:"<address>"', Kind.SEARCH, _search(_email)),
    Operation("domain", 'email.domain:"<domain>"', Kind.SEARCH, _search(_domain)),
    Operation(
        "domain_totals",
        'email.domain:"<domain>" +totals',
        Kind.SEARCH,
        _search(_domain, **_TOTALS),
    ),
    Operation("name_prefix", "name:<abc>*", Kind.SEARCH, _search(_name_prefix)),
    Operation(
        "name_prefix_totals", "name:<abc>* +totals", Kind.SEARCH, _search(_name_prefix, **_TOTALS)
    ),
    Operation(
        "name_prefix_newest",
        "name:<abc>* newest first",
        Kind.SEARCH,
        _search(_name_prefix, **_NEWEST),
    ),
    Operation(
        "given_family", 'given_name:"X" AND family_name:"Y"', Kind.SEARCH, _search(_given_family)
    ),
    Operation("bare_term", "<family name> (no field)", Kind.SEARCH, _search(_bare_term)),
    Operation("logins", "logins_count:[n TO n+100]", Kind.SEARCH, _search(_logins)),
    Operation("created", "created_at:[<a month>]", Kind.SEARCH, _search(_created_month)),
    Operation(
        "created_newest",
        "created_at:[<a month>] newest first",
        Kind.SEARCH,
        _search(_created_month, **_NEWEST),
    ),
    Operation("plan", 'app_metadata.plan:"<plan>"', Kind.SEARCH, _search(_plan)),
    Operation(
        "plan_totals", 'app_metadata.plan:"<plan>" +totals', Kind.SEARCH, _search(_plan, **_TOTALS)
    ),
    Operation(
        "plan_newest",
        'app_metadata.plan:"<plan>" newest first',
        Kind.SEARCH,
        _search(_plan, **_NEWEST),
    ),
    Operation(
        "unverified", "email_verified:false", Kind.SEARCH, _search(_fixed("email_verified:false"))
    ),
    Operation(
        "verified_page10",
        "email_verified:true page 10",
        Kind.SEARCH,
        _search(_fixed("email_verified:true"), page="10"),
    ),
    Operation("all", "(no q)", Kind.SEARCH, _search(_fixed(None))),
    Operation("all_totals", "(no q) +totals", Kind.SEARCH, _search(_fixed(None), **_TOTALS)),
    Operation("all_newest", "(no q) newest first", Kind.SEARCH, _search(_fixed(None), **_NEWEST)),
)


def select(keys: Sequence[str]) -> tuple[Operation, ...]:
    """The operations named in ``keys`` (all of them when empty), in the table's order."""
    if not keys:
        return OPERATIONS
    unknown = set(keys) - {op.key for op in OPERATIONS}
    if unknown:
        raise ValueError(f"unknown operations: {', '.join(sorted(unknown))}")
    return tuple(op for op in OPERATIONS if op.key in keys)
