"""What became of a user that could not be imported: Auth0's job errors (reference §2.3 "Jobs").

``GET /api/v2/jobs/{id}/errors`` lists ``{user, errors: [{code, message, path}]}``: the user as
submitted and every reason it was refused. The codes are:

* the JSON-schema validator's codes Auth0 reports: ``OBJECT_MISSING_REQUIRED_PROPERTY``,
  ``OBJECT_ADDITIONAL_PROPERTIES``, ``INVALID_TYPE``, ``INVALID_FORMAT``, ``ENUM_MISMATCH``,
  ``MIN_LENGTH``, ``MAX_LENGTH``, ``ARRAY_LENGTH_SHORT``, ``ARRAY_LENGTH_LONG``;
* Auth0's conflict codes: ``CONFLICT_EMAIL``, ``CONFLICT_USERNAME``, ``CONFLICT`` (``user_id``
  taken, or a concurrent writer won) and ``DUPLICATED_USER`` (given twice in one file);
* Authgate's own, for what it refuses on purpose: ``NOT_SUPPORTED`` (hash algorithms it cannot
  verify, a salt apart from the hash, MFA enrollments), ``MUTUALLY_EXCLUSIVE`` (``password_hash``
  with ``custom_password_hash``) and ``NOT_UPSERTABLE`` (a new hash for a user whose password has
  been used).

The user is stored in the job as submitted but for passwords, hashes, salts, keys and MFA
secrets, which are replaced by ``*****`` as Auth0 redacts ``hash.value``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MISSING = "OBJECT_MISSING_REQUIRED_PROPERTY"
ADDITIONAL = "OBJECT_ADDITIONAL_PROPERTIES"
INVALID_TYPE = "INVALID_TYPE"
INVALID_FORMAT = "INVALID_FORMAT"
ENUM_MISMATCH = "ENUM_MISMATCH"
CONFLICT = "CONFLICT"
CONFLICT_EMAIL = "CONFLICT_EMAIL"
CONFLICT_USERNAME = "CONFLICT_USERNAME"
DUPLICATED_USER = "DUPLICATED_USER"
NOT_SUPPORTED = "NOT_SUPPORTED"
MUTUALLY_EXCLUSIVE = "MUTUALLY_EXCLUSIVE"
NOT_UPSERTABLE = "NOT_UPSERTABLE"
REDACTED = "*****"


@dataclass(frozen=True)
class Problem:
    """One reason a user was not imported; ``path`` names the property (empty: the user)."""

    code: str
    path: str
    detail: str

    def to_wire(self) -> dict[str, str]:
        message = f"Error in {self.path} property - {self.detail}" if self.path else self.detail
        return {"code": self.code, "message": message, "path": self.path}


class Rejected(Exception):
    """The user cannot be imported, for ``problems``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].detail if problems else "rejected")
        self.problems = problems


def redacted(raw: object) -> dict[str, Any]:
    """The user as submitted, for the job's errors, without password hashes or secrets."""
    if not isinstance(raw, dict):
        return {}
    user = dict(raw)
    for name in ("password", "password_hash", "mfa_factors"):
        if name in user:
            user[name] = REDACTED
    custom = user.get("custom_password_hash")
    if isinstance(custom, dict):
        custom = dict(custom)
        for name in ("hash", "salt"):
            if name in custom:
                custom[name] = _without_values(custom[name])
        user["custom_password_hash"] = custom
    return user


def _without_values(part: object) -> object:
    if not isinstance(part, dict):
        return REDACTED
    part = dict(part)
    if "value" in part:
        part["value"] = REDACTED
    if "key" in part:
        part["key"] = _without_values(part["key"])
    return part


def job_error(raw: object, problems: list[Problem]) -> dict[str, Any]:
    """One element of ``GET /jobs/{id}/errors``."""
    return {"user": redacted(raw), "errors": [problem.to_wire() for problem in problems]}
