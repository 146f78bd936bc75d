"""Errors of user operations that each surface renders in its own shape."""

from __future__ import annotations

from typing import Any

from authgate.core.errors import Conflict, Invalid


class PasswordRejected(Invalid):
    """The connection's password policy refused a password.

    ``code`` is the Authentication API code (``invalid_password``,
    ``password_dictionary_error``...); ``error_code`` the Management API one
    (``PasswordStrengthError``, ``PasswordHistoryError``...).
    """

    def __init__(
        self,
        *,
        code: str,
        name: str,
        message: str,
        description: Any = None,
        policy: str | None = None,
    ) -> None:
        super().__init__(f"{name}: {message}", error_code=name)
        self.code = code
        self.name = name
        self.short_message = message
        self.description = description if description is not None else message
        self.policy = policy


class UserExists(Conflict):
    def __init__(self, field: str = "email") -> None:
        message = "The user already exists." if field == "email" else "The username already exists."
        super().__init__(message)
        self.field = field
