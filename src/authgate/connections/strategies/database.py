"""The ``auth0`` (database) strategy's options, in Auth0's wire names (reference §2.3
"Connection", §3.2 password policy)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

STRATEGY = "auth0"
PolicyLevel = Literal["none", "low", "fair", "good", "excellent"]


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class ComplexityOptions(_Options):
    min_length: Annotated[int, Field(ge=1, le=128)] | None = None


class PasswordHistoryOptions(_Options):
    enable: bool = False
    size: Annotated[int, Field(ge=1, le=24)] = 5


class PasswordDictionaryOptions(_Options):
    enable: bool = False
    dictionary: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=50)]], Field(max_length=200)
    ] = []


class Toggle(_Options):
    enable: bool = False


class UsernameLength(_Options):
    min: Annotated[int, Field(ge=1, le=128)] = 1
    max: Annotated[int, Field(ge=1, le=128)] = 15

    @model_validator(mode="after")
    def _ordered(self) -> UsernameLength:
        if self.min > self.max:
            raise ValueError("username min cannot exceed max")
        return self


class Validation(_Options):
    username: UsernameLength = UsernameLength()


class DatabaseOptions(_Options):
    """Options of a database connection. Authgate's default policy is ``good``."""

    passwordPolicy: PolicyLevel = "good"
    password_complexity_options: ComplexityOptions = ComplexityOptions()
    password_history: PasswordHistoryOptions = PasswordHistoryOptions()
    password_dictionary: PasswordDictionaryOptions = PasswordDictionaryOptions()
    password_no_personal_info: Toggle = Toggle()
    brute_force_protection: bool = True
    requires_username: bool = False
    validation: Validation = Validation()
    disable_signup: bool = False
    disable_self_service_change_password: bool = False
