"""One exception class per Auth0 password policy error (reference §1.6, §3.2).

Auth0's Authentication API answers every policy failure with a 400 whose ``code`` is
``invalid_password``; ``name`` tells which check failed and ``description`` why (the rules
object for the strength policy, a sentence for the others)::

    {"name": "PasswordDictionaryError", "message": "Password is too common",
     "code": "invalid_password",
     "description": "Password is not allowed, it might be too common.", "statusCode": 400}

``body()`` renders exactly that. The Management API answers ``"<name>: <message>"``
(e.g. ``"PasswordNoUserInfoError: Password contains user information"``).

``code`` is the error code the reference lists for each failure (``invalid_password``,
``password_dictionary_error``, ``password_no_user_info_error``); the last two are the keys Auth0's
Lock widget derives from ``name`` for its messages, not what Auth0 sends in ``code``.
"""

from __future__ import annotations

from typing import Any, ClassVar

WIRE_CODE = "invalid_password"
STATUS = 400


class PasswordPolicyError(Exception):
    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]

    def __init__(self, description: str | dict[str, Any]) -> None:
        super().__init__(f"{self.name}: {self.message}")
        self.description = description

    def body(self) -> dict[str, Any]:
        """The Authentication API error body Auth0 sends for this failure."""
        return {
            "name": self.name,
            "message": self.message,
            "code": WIRE_CODE,
            "description": self.description,
            "statusCode": STATUS,
        }


class PasswordStrengthError(PasswordPolicyError):
    """The ``passwordPolicy`` level (or ``min_length``) refused the password.

    ``description`` is ``{"rules": [...], "verified": false}`` with each rule verified or not;
    ``policy`` the whole policy as bulleted text."""

    code = "invalid_password"
    name = "PasswordStrengthError"
    message = "Password is too weak"
    description: dict[str, Any]

    def __init__(self, description: dict[str, Any], policy: str) -> None:
        super().__init__(description)
        self.policy = policy

    def body(self) -> dict[str, Any]:
        body = super().body()
        status = body.pop("statusCode")
        return {**body, "policy": self.policy, "statusCode": status}


class PasswordDictionaryError(PasswordPolicyError):
    """``password_dictionary``: the password is a common one or one of the connection's words."""

    code = "password_dictionary_error"
    name = "PasswordDictionaryError"
    message = "Password is too common"

    def __init__(self) -> None:
        super().__init__("Password is not allowed, it might be too common.")


class PasswordNoUserInfoError(PasswordPolicyError):
    """``password_no_personal_info``: the password contains the user's name, email..."""

    code = "password_no_user_info_error"
    name = "PasswordNoUserInfoError"
    message = "Password contains user information"

    def __init__(self) -> None:
        super().__init__("Password is based on user information")
