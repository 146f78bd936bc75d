"""Policy errors as Auth0 sends them (``authgate.passwords.errors``)."""

from __future__ import annotations

import pytest

from authgate.passwords import PasswordPolicyError, PersonalInfo, check
from tests.passwords.descriptions import length, policy

JOHN = PersonalInfo(email="john.doe@example.com")


def test_error_bodies_are_auth0s() -> None:
    pol = policy(
        "low",
        password_dictionary={"enable": True},
        password_no_personal_info={"enable": True},
    )
    errors: list[PasswordPolicyError] = []
    for password in ("abc", "qwerty", "john.doe-secret"):
        with pytest.raises(PasswordPolicyError) as caught:
            check(pol, password, JOHN)
        errors.append(caught.value)
    strength, dictionary, personal = errors
    assert strength.body() == {
        "name": "PasswordStrengthError",
        "message": "Password is too weak",
        "code": "invalid_password",
        "description": {"rules": [length(6, False)], "verified": False},
        "policy": "* At least 6 characters in length",
        "statusCode": 400,
    }
    assert dictionary.body() == {
        "name": "PasswordDictionaryError",
        "message": "Password is too common",
        "code": "invalid_password",
        "description": "Password is not allowed, it might be too common.",
        "statusCode": 400,
    }
    assert personal.body() == {
        "name": "PasswordNoUserInfoError",
        "message": "Password contains user information",
        "code": "invalid_password",
        "description": "Password is based on user information",
        "statusCode": 400,
    }
    assert [e.code for e in errors] == [
        "invalid_password",
        "password_dictionary_error",
        "password_no_user_info_error",
    ]
    assert str(personal) == "PasswordNoUserInfoError: Password contains user information"
