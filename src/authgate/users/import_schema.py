"""The user object of Auth0's bulk import file (reference §7.1) and what is wrong with one.

Each user is checked against Auth0's JSON schema (``additionalProperties: false``, ``email``
required), then against the connection (usernames) and the password hash rules; every problem
found is reported (``import_errors``), not only the first.

Password hashes are never computed here: ``passwords.is_supported`` parses them and checks that
their cost is within the verifier's bounds. Only argon2, bcrypt and PBKDF2 hashes are accepted,
the formats ``PasswordHasher.verify`` computes; Auth0's other algorithms are refused per user.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from authgate.connections.strategies.database import DatabaseOptions
from authgate.passwords import identify, is_supported
from authgate.users.import_errors import (
    ADDITIONAL,
    ENUM_MISMATCH,
    INVALID_FORMAT,
    INVALID_TYPE,
    MISSING,
    MUTUALLY_EXCLUSIVE,
    NOT_SUPPORTED,
    Problem,
    Rejected,
)
from authgate.users.schemas import (
    AppMetadata,
    CustomUserId,
    Email,
    Phone,
    Profile,
    UserMetadata,
    Username,
)

Algorithm = Literal[
    "argon2", "bcrypt", "hmac", "ldap", "md4", "md5", "sha1", "sha256", "sha512", "pbkdf2", "scrypt"
]
"""Every ``custom_password_hash.algorithm`` Auth0 accepts; ``IMPORTABLE`` those Authgate does."""

IMPORTABLE: dict[str, Callable[[str], bool]] = {
    "argon2": lambda scheme: scheme in ("argon2id", "argon2i", "argon2d"),
    "bcrypt": lambda scheme: scheme == "bcrypt",
    "pbkdf2": lambda scheme: scheme.startswith("pbkdf2-"),
}
"""Importable algorithms by wire name: whether a hash's scheme (``identify``) is of that kind."""

_PASSWORD_HASH = re.compile(r"\$2[ab]\$")  # Auth0: password_hash is bcrypt $2a$ or $2b$
_SCRYPT_ONLY = ("keylen", "cost", "blockSize", "parallelization")
_JSON_TYPES = {
    "string_type": "string",
    "bool_type": "boolean",
    "int_type": "integer",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "list_type": "array",
}
_NON_STRINGS = {
    "email_verified": "boolean",
    "phone_verified": "boolean",
    "blocked": "boolean",
    "user_metadata": "object",
    "app_metadata": "object",
    "custom_password_hash": "object",
    "mfa_factors": "array",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class HashKey(_Strict):
    value: str
    encoding: Literal["base64", "hex", "utf8"] = "utf8"


class HashValue(_Strict):
    value: str
    encoding: Literal["base64", "hex", "utf8"] | None = None
    digest: str | None = None
    key: HashKey | None = None


class Salt(_Strict):
    value: str
    encoding: Literal["base64", "hex", "utf8"] | None = None
    position: Literal["prefix", "suffix"] | None = None


class PasswordEncoding(_Strict):
    encoding: Literal["ascii", "utf8", "utf16le", "ucs2", "latin1", "binary"] | None = None


class CustomPasswordHash(_Strict):
    algorithm: Algorithm
    hash: HashValue
    salt: Salt | None = None
    password: PasswordEncoding | None = None
    keylen: int | None = None
    cost: int | None = None
    blockSize: int | None = None
    parallelization: int | None = None


class ImportedUser(Profile):
    """One element of the users file. Absent fields stay unset (``model_fields_set``)."""

    email: Email
    email_verified: bool = False
    user_id: CustomUserId | None = None
    username: Username | None = None
    phone_number: Phone | None = None
    phone_verified: bool = False
    blocked: bool = False
    user_metadata: UserMetadata | None = None
    app_metadata: AppMetadata | None = None
    password_hash: str | None = None
    custom_password_hash: CustomPasswordHash | None = None
    mfa_factors: list[Any] | None = None

    @property
    def stored_hash(self) -> str | None:
        """The hash to store exactly as given, whichever field carried it."""
        if self.custom_password_hash is not None:
            return self.custom_password_hash.hash.value
        return self.password_hash


def parse_user(raw: object, options: DatabaseOptions) -> ImportedUser:
    """The valid user in ``raw``, or ``Rejected`` with everything wrong with it."""
    if not isinstance(raw, dict):
        found = _json_type(raw)
        raise Rejected([Problem(INVALID_TYPE, "", f"Expected type object but found type {found}")])
    problems = _nulls(raw)
    try:
        user = ImportedUser.model_validate(raw)
    except ValidationError as exc:
        problems += [p for p in _schema_problems(exc) if p not in problems]
        raise Rejected(problems) from exc
    problems += _username_problems(user.username, options) + _hash_problems(user)
    if user.mfa_factors is not None:
        problems.append(
            Problem(NOT_SUPPORTED, "mfa_factors", "importing MFA enrollments is not supported yet")
        )
    if problems:
        raise Rejected(problems)
    return user


# -- schema ---------------------------------------------------------------------------------


def _nulls(raw: dict[str, Any]) -> list[Problem]:
    """JSON ``null`` is no value of any property in Auth0's schema."""
    return [
        Problem(
            INVALID_TYPE,
            name,
            f"Expected type {_NON_STRINGS.get(name, 'string')} but found type null",
        )
        for name, value in raw.items()
        if value is None and name in ImportedUser.model_fields
    ]


def _schema_problems(exc: ValidationError) -> list[Problem]:
    return [_schema_problem(error) for error in exc.errors(include_url=False)]


def _schema_problem(error: Any) -> Problem:
    location = error["loc"]
    path = _path(location)
    last = str(location[-1]) if location else ""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return Problem(MISSING, path, f"Missing required property: {last}")
    if kind == "extra_forbidden":
        return Problem(ADDITIONAL, path, f"Additional properties not allowed: {last}")
    if kind in _JSON_TYPES:
        found = _json_type(error["input"])
        detail = f"Expected type {_JSON_TYPES[kind]} but found type {found}"
        return Problem(INVALID_TYPE, path, detail)
    if kind == "literal_error":
        return Problem(ENUM_MISMATCH, path, f"No enum match for: {str(error['input'])[:64]}")
    if kind in ("string_too_short", "too_short"):
        code = "MIN_LENGTH" if kind == "string_too_short" else "ARRAY_LENGTH_SHORT"
        return Problem(code, path, f"Too short, minimum {ctx.get('min_length')}")
    if kind in ("string_too_long", "too_long"):
        code = "MAX_LENGTH" if kind == "string_too_long" else "ARRAY_LENGTH_LONG"
        return Problem(code, path, f"Too long, maximum {ctx.get('max_length')}")
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return Problem(INVALID_FORMAT, path, message)


def _path(location: tuple[int | str, ...]) -> str:
    """``("custom_password_hash", "hash", "value")`` as ``custom_password_hash.hash.value``,
    list positions as ``[0]``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer" if isinstance(value, int) else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


# -- connection and password rules ----------------------------------------------------------


def _username_problems(username: str | None, options: DatabaseOptions) -> list[Problem]:
    if username is None:
        if options.requires_username:
            return [Problem(MISSING, "username", "Missing required property: username")]
        return []
    if not options.requires_username:
        detail = "Additional properties not allowed: username (the connection has no usernames)"
        return [Problem(ADDITIONAL, "username", detail)]
    bounds = options.validation.username
    if len(username) < bounds.min:
        return [Problem("MIN_LENGTH", "username", f"Too short, minimum {bounds.min}")]
    if len(username) > bounds.max:
        return [Problem("MAX_LENGTH", "username", f"Too long, maximum {bounds.max}")]
    return []


def _hash_problems(user: ImportedUser) -> list[Problem]:
    if user.password_hash is not None and user.custom_password_hash is not None:
        detail = "password_hash and custom_password_hash cannot both be given"
        return [Problem(MUTUALLY_EXCLUSIVE, "custom_password_hash", detail)]
    if user.password_hash is not None:
        stored = user.password_hash
        if not (_PASSWORD_HASH.match(stored) and is_supported(stored)):
            detail = "must be a bcrypt hash ($2a$ or $2b$, cost 4 to 16)"
            return [Problem(INVALID_FORMAT, "password_hash", detail)]
    if user.custom_password_hash is not None:
        return _custom_hash_problems(user.custom_password_hash)
    return []


def _custom_hash_problems(custom: CustomPasswordHash) -> list[Problem]:
    where = "custom_password_hash"
    algorithm = custom.algorithm
    accepts = IMPORTABLE.get(algorithm)
    if accepts is None:
        detail = f"unsupported algorithm: {algorithm} (Authgate imports argon2, bcrypt and pbkdf2)"
        return [Problem(NOT_SUPPORTED, f"{where}.algorithm", detail)]
    problems = [
        Problem(ADDITIONAL, f"{where}.{name}", f"Not allowed with algorithm {algorithm}: {name}")
        for name in (*_SCRYPT_ONLY, "hash.digest", "hash.key")
        if _given(custom, name)
    ]
    if custom.hash.encoding not in (None, "utf8"):
        detail = f"No enum match for: {custom.hash.encoding} ({algorithm} hashes are utf8 strings)"
        problems.append(Problem(ENUM_MISMATCH, f"{where}.hash.encoding", detail))
    if custom.salt is not None:
        problems.append(_salt_problem(algorithm))
    if custom.password is not None and custom.password.encoding not in (None, "utf8"):
        detail = "only passwords hashed as utf8 can be imported"
        problems.append(Problem(NOT_SUPPORTED, f"{where}.password.encoding", detail))
    scheme = identify(custom.hash.value)
    if scheme is None or not accepts(scheme) or not is_supported(custom.hash.value):
        detail = f"not a well-formed {algorithm} hash (PHC string) within the supported costs"
        problems.append(Problem(INVALID_FORMAT, f"{where}.hash.value", detail))
    return problems


def _given(custom: CustomPasswordHash, dotted: str) -> bool:
    owner: BaseModel = custom
    *parents, name = dotted.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return getattr(owner, name) is not None


def _salt_problem(algorithm: str) -> Problem:
    where = "custom_password_hash.salt"
    if algorithm == "bcrypt":
        return Problem(NOT_SUPPORTED, where, "a salt apart from the bcrypt hash is not supported")
    detail = f"Not allowed with algorithm {algorithm}: the salt is part of the hash"
    return Problem(ADDITIONAL, where, detail)
