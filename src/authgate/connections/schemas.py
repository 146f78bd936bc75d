"""Bodies of ``/api/v2/connections``."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_NAME = re.compile(r"^[a-zA-Z0-9](?:-[a-zA-Z0-9]|[a-zA-Z0-9])*$")


def _connection_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            "must start and end with a letter or digit and contain only letters, digits "
            "and single hyphens"
        )
    return value


def _metadata(values: dict[str, str]) -> dict[str, str]:
    if len(values) > 10:
        raise ValueError("at most 10 keys are allowed")
    for key, value in values.items():
        if not key or len(key) > 255 or len(value) > 255:
            raise ValueError("keys and values are 1 to 255 characters")
    return values


Name = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_connection_name)]
DisplayName = Annotated[str, Field(min_length=1, max_length=128)]
ClientIds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)
]
Realms = Annotated[list[Name], Field(max_length=10)]
Metadata = Annotated[dict[str, str], AfterValidator(_metadata)]


class ConnectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    strategy: Annotated[str, Field(min_length=1, max_length=64)]
    display_name: DisplayName | None = None
    options: dict[str, Any] = {}
    enabled_clients: ClientIds | None = None
    realms: Realms | None = None
    metadata: Metadata = {}
    is_domain_connection: bool = False
    show_as_button: bool = True


class ConnectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    display_name: DisplayName | None = None
    options: dict[str, Any] | None = None
    enabled_clients: ClientIds | None = None
    realms: Realms | None = None
    metadata: Metadata | None = None
    is_domain_connection: bool | None = None
    show_as_button: bool | None = None


class ConnectionClientChange(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    client_id: Annotated[str, Field(min_length=1, max_length=64)]
    status: bool


ConnectionClientChanges = Annotated[list[ConnectionClientChange], Field(max_length=50)]
