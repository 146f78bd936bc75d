"""Builders for the strength policy's ``description`` objects, as Auth0 sends them."""

from __future__ import annotations

from typing import Any

import pytest

from authgate.passwords import PasswordPolicy, PasswordStrengthError, PersonalInfo, check

IDENTICAL = {
    "message": 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
    "code": "identicalChars",
    "format": [2, "aaa"],
}

NOBODY = PersonalInfo()


def policy(level: str, **options: Any) -> PasswordPolicy:
    return PasswordPolicy.from_options({"passwordPolicy": level, **options})


def identical(verified: bool) -> dict[str, Any]:
    return {**IDENTICAL, "verified": verified}


def strength_error(pol: PasswordPolicy, password: str) -> PasswordStrengthError:
    with pytest.raises(PasswordStrengthError) as caught:
        check(pol, password, NOBODY)
    return caught.value


def length(minimum: int, verified: bool) -> dict[str, Any]:
    return {
        "message": "At least %d characters in length",
        "format": [minimum],
        "code": "lengthAtLeast",
        "verified": verified,
    }


def item(code: str, verified: bool) -> dict[str, Any]:
    messages = {
        "lowerCase": "lower case letters (a-z)",
        "upperCase": "upper case letters (A-Z)",
        "numbers": "numbers (i.e. 0-9)",
        "specialCharacters": "special characters (e.g. !@#$%^&*)",
    }
    return {"message": messages[code], "code": code, "verified": verified}


def three_of_four(lower: bool, upper: bool, digit: bool, special: bool) -> dict[str, Any]:
    return {
        "message": "Contain at least %d of the following %d types of characters:",
        "code": "containsAtLeast",
        "format": [3, 4],
        "items": [
            item("lowerCase", lower),
            item("upperCase", upper),
            item("numbers", digit),
            item("specialCharacters", special),
        ],
        "verified": lower + upper + digit + special >= 3,
    }
