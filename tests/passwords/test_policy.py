"""Auth0's database-connection password policy (``authgate.passwords.policy``, reference §3.2)."""

from __future__ import annotations

from typing import Any

import pytest

from authgate.passwords import (
    PasswordDictionaryError,
    PasswordHasher,
    PasswordNoUserInfoError,
    PasswordPolicy,
    PasswordStrengthError,
    PersonalInfo,
    check,
    describe,
    explain,
    reused,
)
from tests.passwords.descriptions import (
    NOBODY,
    identical,
    item,
    length,
    policy,
    strength_error,
    three_of_four,
)

# -- min_length -----------------------------------------------------------------------------


def test_min_length_overrides_the_level_minimum_upwards() -> None:
    pol = policy("good", password_complexity_options={"min_length": 12})
    assert strength_error(pol, "abcDEF123!x").description["rules"][0] == length(12, False)
    check(pol, "abcDEF123!xy", NOBODY)


def test_min_length_overrides_the_level_minimum_downwards() -> None:
    pol = policy("fair", password_complexity_options={"min_length": 4})
    check(pol, "Ab1c", NOBODY)
    assert strength_error(pol, "Ab1").description["rules"][0] == length(4, False)


def test_min_length_one_reads_non_empty() -> None:
    pol = policy("low", password_complexity_options={"min_length": 1})
    check(pol, "a", NOBODY)
    assert strength_error(pol, "").description["rules"][0]["code"] == "nonEmpty"


# -- dictionary -----------------------------------------------------------------------------


def test_dictionary_refuses_common_passwords_ignoring_case() -> None:
    pol = policy("none", password_dictionary={"enable": True})
    for password in ("password", "PassWord", "123456", "iddqd"):
        with pytest.raises(PasswordDictionaryError):
            check(pol, password, NOBODY)
    check(pol, "correct horse battery staple", NOBODY)


def test_dictionary_disabled_allows_common_passwords() -> None:
    check(
        policy("none", password_dictionary={"enable": False, "dictionary": ["x"]}),
        "password",
        NOBODY,
    )
    check(policy("none"), "password", NOBODY)


def test_custom_dictionary_words_compare_whole_and_ignoring_case() -> None:
    pol = policy("none", password_dictionary={"enable": True, "dictionary": ["Authgate"]})
    for password in ("authgate", "AUTHGATE", "AuthGate"):
        with pytest.raises(PasswordDictionaryError):
            check(pol, password, NOBODY)
    check(pol, "authgate-2024", NOBODY)


def test_strength_is_checked_before_the_dictionary() -> None:
    pol = policy("good", password_dictionary={"enable": True})
    with pytest.raises(PasswordStrengthError):
        check(pol, "password", NOBODY)
    with pytest.raises(PasswordDictionaryError):
        check(pol, "Password1", NOBODY)  # a common password that passes "good"


# -- personal information -------------------------------------------------------------------

JOHN = PersonalInfo(
    email="john.doe@example.com",
    username="jdoe77",
    name="Johnny Appleseed",
    nickname="hopper",
    user_metadata={"name": "Jonathan", "first": "Jon", "last": "Doerr", "plan": 42},
)


@pytest.mark.parametrize(
    "password",
    [
        "xxJOHN.DOE99",  # email local part
        "john.doe@example.com!",  # whole email
        "my-jdoe77-pw",  # username
        "Johnny Appleseed1",  # name
        "grasshopper",  # nickname
        "JONATHAN!!",  # user_metadata.name
        "jon-snow",  # user_metadata.first
        "doerr1",  # user_metadata.last
    ],
)
def test_no_personal_info_refuses_passwords_containing_it(password: str) -> None:
    pol = policy("none", password_no_personal_info={"enable": True})
    with pytest.raises(PasswordNoUserInfoError):
        check(pol, password, JOHN)


def test_no_personal_info_does_not_split_values() -> None:
    # Auth0 looks for the whole part before "@" and the whole name, not their pieces.
    pol = policy("none", password_no_personal_info={"enable": True})
    for password in ("johndoe99", "appleseed", "JohnnyA"):
        check(pol, password, JOHN)


def test_no_personal_info_ignores_values_shorter_than_three_characters() -> None:
    pol = policy("none", password_no_personal_info={"enable": True})
    short = PersonalInfo(email="jo@ex.com", nickname="al", user_metadata={"first": "Bo"})
    check(pol, "jo-al-bo-secret", short)
    with pytest.raises(PasswordNoUserInfoError):
        check(pol, "xJO@EX.COMx", short)


def test_no_personal_info_disabled_or_unknown_user() -> None:
    check(policy("none"), "john.doe", JOHN)
    check(policy("none", password_no_personal_info={"enable": True}), "john.doe", NOBODY)


# -- options --------------------------------------------------------------------------------


def test_from_options_reads_auth0_wire_names() -> None:
    pol = PasswordPolicy.from_options(
        {
            "passwordPolicy": "excellent",
            "password_complexity_options": {"min_length": 14},
            "password_history": {"enable": True, "size": 7},
            "password_dictionary": {"enable": True, "dictionary": ["Acme", "ROADRUNNER"]},
            "password_no_personal_info": {"enable": True},
            "brute_force_protection": True,
        }
    )
    assert pol == PasswordPolicy(
        level="excellent",
        min_length=14,
        dictionary=True,
        custom_words=frozenset({"acme", "roadrunner"}),
        no_personal_info=True,
        history_size=7,
    )


def test_from_options_defaults_to_auth0s_none() -> None:
    assert PasswordPolicy.from_options({}) == PasswordPolicy()
    assert PasswordPolicy.from_options(
        {
            "passwordPolicy": None,
            "password_complexity_options": {"min_length": None},
            "password_history": {"enable": False, "size": 5},
            "password_dictionary": {"enable": False, "dictionary": []},
            "password_no_personal_info": {"enable": False},
        }
    ) == PasswordPolicy(level="none")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"passwordPolicy": "strong"}, "passwordPolicy"),
        ({"password_complexity_options": {"min_length": 0}}, "min_length"),
        ({"password_complexity_options": {"min_length": 129}}, "min_length"),
        ({"password_complexity_options": {"min_length": True}}, "min_length"),
        ({"password_complexity_options": {"min_length": "8"}}, "min_length"),
        ({"password_complexity_options": "8"}, "password_complexity_options"),
        ({"password_dictionary": {"enable": True, "dictionary": ["w"] * 201}}, "at most 200"),
        ({"password_dictionary": {"enable": True, "dictionary": "word"}}, "at most 200"),
        ({"password_dictionary": {"enable": True, "dictionary": [1]}}, "strings"),
        ({"password_history": {"enable": True, "size": 25}}, "size"),
        ({"password_history": {"enable": True, "size": 0}}, "size"),
    ],
)
def test_from_options_refuses_values_auth0_refuses(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PasswordPolicy.from_options(options)


# -- describe, explain ----------------------------------------------------------------------


def test_describe_lists_every_rule_unverified() -> None:
    assert describe(policy("excellent")) == {
        "rules": [
            length(10, False),
            {
                **three_of_four(False, False, False, False),
                "items": [
                    item("lowerCase", False),
                    item("upperCase", False),
                    item("numbers", False),
                    item("specialCharacters", False),
                ],
            },
            identical(False),
        ],
        "verified": False,
    }


def test_explain_is_the_policy_text() -> None:
    assert explain(policy("good", password_complexity_options={"min_length": 9})) == (
        "* At least 9 characters in length\n"
        "* Contain at least 3 of the following 4 types of characters:\n"
        " * lower case letters (a-z)\n"
        " * upper case letters (A-Z)\n"
        " * numbers (i.e. 0-9)\n"
        " * special characters (e.g. !@#$%^&*)"
    )


# -- history --------------------------------------------------------------------------------


async def test_reused_finds_a_previous_password(cheap_hasher: PasswordHasher) -> None:
    previous = [await cheap_hasher.hash("first secret"), await cheap_hasher.hash("second secret")]
    assert await reused(cheap_hasher, "second secret", previous)
    assert not await reused(cheap_hasher, "third secret", previous)
    assert not await reused(cheap_hasher, "first secret", [])
