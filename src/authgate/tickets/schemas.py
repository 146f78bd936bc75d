"""Bodies of ``/api/v2/tickets/*`` (reference §2.3 "Tickets")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from authgate.core.fields import RedirectUri
from authgate.users.schemas import Email

TicketTtl = Annotated[int, Field(ge=0, le=30 * 86_400)]
Id = Annotated[str, Field(min_length=1, max_length=320)]


class Identity(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: Id
    provider: Annotated[str, Field(min_length=1, max_length=64)]
    connection_id: Id | None = None


class EmailVerificationTicket(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    user_id: Id
    result_url: RedirectUri | None = None
    client_id: Annotated[str, Field(max_length=64)] | None = None
    ttl_sec: TicketTtl | None = None
    include_email_in_redirect: bool = Field(default=False, alias="includeEmailInRedirect")
    identity: Identity | None = None


class PasswordChangeTicket(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    user_id: Id | None = None
    connection_id: Id | None = None
    email: Email | None = None
    result_url: RedirectUri | None = None
    client_id: Annotated[str, Field(max_length=64)] | None = None
    ttl_sec: TicketTtl | None = None
    mark_email_as_verified: bool = False
    include_email_in_redirect: bool = Field(default=False, alias="includeEmailInRedirect")

    @model_validator(mode="after")
    def _whose(self) -> PasswordChangeTicket:
        if self.user_id is None and (self.connection_id is None or self.email is None):
            raise ValueError("give user_id, or connection_id and email")
        if self.user_id is not None and self.email is not None:
            raise ValueError("give user_id or email, not both")
        return self


class VerificationEmailJob(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: Id
    client_id: Annotated[str, Field(max_length=64)] | None = None
    identity: Identity | None = None
