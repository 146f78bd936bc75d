"""Bodies of ``/api/v2/client-grants``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Scope = Annotated[str, Field(min_length=1, max_length=280)]


class ClientGrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    client_id: Annotated[str, Field(min_length=1, max_length=64)]
    audience: Annotated[str, Field(min_length=1, max_length=600)]
    scope: Annotated[list[Scope], Field(max_length=1000)]


class ClientGrantUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    scope: Annotated[list[Scope], Field(max_length=1000)] | None = None
