"""Bodies of `/api/v2/users` and the field rules of Auth0's user object (reference §2.3)."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from authgate.core.fields import WebUrl

MAX_METADATA_BYTES = 16 * 1024
RESERVED_APP_METADATA = frozenset(
    {
        "__tenant",
        "_id",
        "blocked",
        "clientID",
        "created_at",
        "email_verified",
        "email",
        "globalClientID",
        "global_client_id",
        "identities",
        "lastIP",
        "lastLogin",
        "loginsCount",
        "metadata",
        "multifactor_last_modified",
        "multifactor",
        "updated_at",
        "user_id",
    }
)
_EMAIL = re.compile(r"^[^\s@\"(),:;<>\[\\\]]+@[^\s@\"(),:;<>\[\\\]]+\.[^\s@\"(),:;<>\[\\\]]+$")
_USERNAME = re.compile(r"^[a-zA-Z0-9_+\-.!#$'^`~]+$")
_PHONE = re.compile(r"^\+[0-9]{1,15}$")
_USER_ID = re.compile(r"^[a-zA-Z0-9_\-.@+]{1,255}$")


def valid_email(value: str) -> str:
    """RFC 5321 sizes (local part ≤ 64, whole ≤ 254), one ``@``, a dotted domain."""
    if value != value.strip() or not _EMAIL.match(value):
        raise ValueError("must be an email address")
    local, _, domain = value.rpartition("@")
    if len(local) > 64 or len(value) > 254 or ".." in domain or domain.startswith("."):
        raise ValueError("must be an email address")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise ValueError("must not contain control characters")
    return value


def valid_username(value: str) -> str:
    if not _USERNAME.match(value):
        raise ValueError("may contain letters, digits and _+-.!#$'^`~ only")
    return value


def valid_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("must be an E.164 phone number such as +14155550100")
    return value


def valid_name(value: str) -> str:
    if value != value.strip() or not value:
        raise ValueError("must not be empty or padded with spaces")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _metadata(value: dict[str, Any]) -> dict[str, Any]:
    _check_keys(value)
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
        raise ValueError(f"must be at most {MAX_METADATA_BYTES} bytes as JSON")
    return value


def _check_keys(value: Any, depth: int = 0) -> None:
    if depth > 10:
        raise ValueError("is nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if not key or key.startswith("$") or "." in key:
                raise ValueError("keys must not be empty, start with $ or contain a dot")
            _check_keys(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_keys(item, depth + 1)


def _app_metadata(value: dict[str, Any]) -> dict[str, Any]:
    reserved = sorted(RESERVED_APP_METADATA & set(value))
    if reserved:
        raise ValueError(f"the key {reserved[0]!r} is reserved")
    return _metadata(value)


Email = Annotated[str, Field(max_length=254), AfterValidator(valid_email)]
Username = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(valid_username)]
Phone = Annotated[str, AfterValidator(valid_phone)]
PersonName = Annotated[str, Field(min_length=1, max_length=150), AfterValidator(valid_name)]
Nickname = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(valid_name)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
UserMetadata = Annotated[dict[str, Any], AfterValidator(_metadata)]
AppMetadata = Annotated[dict[str, Any], AfterValidator(_app_metadata)]
CustomUserId = Annotated[str, AfterValidator(lambda v: v if _USER_ID.match(v) else _bad_id())]


def _bad_id() -> str:
    raise ValueError("may contain letters, digits and _-.@+ only (1 to 255 characters)")


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    name: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(valid_name)] | None = (
        None
    )
    nickname: Nickname | None = None
    picture: WebUrl | None = None


class UserCreate(Profile):
    connection: Annotated[str, Field(min_length=1, max_length=128)]
    email: Email | None = None
    email_verified: bool = False
    verify_email: bool | None = None
    username: Username | None = None
    phone_number: Phone | None = None
    phone_verified: bool = False
    password: Password | None = None
    user_id: CustomUserId | None = None
    user_metadata: UserMetadata = {}
    app_metadata: AppMetadata = {}
    blocked: bool = False


class UserUpdate(Profile):
    """PATCH: root fields replaced, metadata merged at the first level (``null`` deletes)."""

    connection: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    client_id: Annotated[str, Field(max_length=64)] | None = None
    email: Email | None = None
    email_verified: bool | None = None
    verify_email: bool | None = None
    username: Username | None = None
    phone_number: Phone | None = None
    phone_verified: bool | None = None
    verify_phone_number: bool | None = None
    password: Password | None = None
    user_metadata: dict[str, Any] | None = None
    app_metadata: dict[str, Any] | None = None
    blocked: bool | None = None


NULLABLE_ON_UPDATE = frozenset(
    {
        "given_name",
        "family_name",
        "name",
        "nickname",
        "picture",
        "phone_number",
        "username",
        "user_metadata",
        "app_metadata",
    }
)


def merge_metadata(current: dict[str, Any], patch: dict[str, Any], *, app: bool) -> dict[str, Any]:
    """Auth0's first-level merge: keys replaced, ``null`` removes a key."""
    merged = {**current, **patch}
    result = {key: value for key, value in merged.items() if value is not None}
    return _app_metadata(result) if app else _metadata(result)
