"""Bodies of ``/api/v2/resource-servers`` in Auth0's shape."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

MAX_TOKEN_LIFETIME = 2_592_000
_SCOPE_VALUE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")

SigningAlg = Literal["RS256", "RS512", "PS256", "HS256"]
TokenDialect = Literal[
    "access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"
]
Lifetime = Annotated[int, Field(ge=1, le=MAX_TOKEN_LIFETIME)]


def _scope_value(value: str) -> str:
    if not _SCOPE_VALUE.match(value):
        raise ValueError("a scope value is one or more printable characters without spaces")
    return value


class ScopeDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    value: Annotated[str, Field(min_length=1, max_length=280), AfterValidator(_scope_value)]
    description: Annotated[str, Field(max_length=500)] = ""


def _unique_scopes(scopes: list[ScopeDefinition]) -> list[ScopeDefinition]:
    values = [scope.value for scope in scopes]
    if len(values) != len(set(values)):
        raise ValueError("scope values must be unique")
    return scopes


Scopes = Annotated[list[ScopeDefinition], Field(max_length=1000), AfterValidator(_unique_scopes)]
SigningSecret = Annotated[str, Field(min_length=16, max_length=1024)]


class ResourceServerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    identifier: Annotated[str, Field(min_length=1, max_length=600)]
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    scopes: Scopes = []
    signing_alg: SigningAlg = "RS256"
    signing_secret: SigningSecret | None = None
    allow_offline_access: bool = False
    skip_consent_for_verifiable_first_party_clients: bool = True
    token_lifetime: Lifetime = 86_400
    token_lifetime_for_web: Lifetime = 7_200
    enforce_policies: bool = False
    token_dialect: TokenDialect = "access_token"

    @model_validator(mode="after")
    def _web_within_lifetime(self) -> ResourceServerCreate:
        self.token_lifetime_for_web = min(self.token_lifetime_for_web, self.token_lifetime)
        return self


class ResourceServerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    scopes: Scopes | None = None
    signing_alg: SigningAlg | None = None
    signing_secret: SigningSecret | None = None
    allow_offline_access: bool | None = None
    skip_consent_for_verifiable_first_party_clients: bool | None = None
    token_lifetime: Lifetime | None = None
    token_lifetime_for_web: Lifetime | None = None
    enforce_policies: bool | None = None
    token_dialect: TokenDialect | None = None


SYSTEM_API_UPDATABLE = frozenset({"token_lifetime", "token_lifetime_for_web"})
