"""password-sheriff's rules (``authgate.passwords.rules``)."""

from __future__ import annotations

import string
from typing import Any

import pytest

from authgate.passwords import check
from authgate.passwords.rules import (
    SPECIAL,
    IdenticalChars,
    js_length,
    policy_text,
    render,
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


def test_special_characters_are_space_and_ascii_punctuation() -> None:
    for character in " " + string.punctuation:
        assert SPECIAL.test(f"abc{character}"), character
    for character in ("é", "€", "\t", "¡", "a", "1"):
        assert not SPECIAL.test(character), character


def test_js_length_counts_utf16_code_units() -> None:
    assert js_length("") == 0
    assert js_length("abc") == 3
    assert js_length("é") == 1
    assert js_length("😀") == 2
    assert js_length("\ud800") == 1


@pytest.mark.parametrize(
    ("password", "verified"),
    [("", False), ("aa", True), ("aab", True), ("abaaba", True), ("aaa", False), ("xaaay", False)],
)
def test_identical_chars(password: str, verified: bool) -> None:
    assert IdenticalChars(2).test(password) is verified


def test_render_fills_the_template_as_node_util_format() -> None:
    assert render({"message": "At least %d characters in length", "format": [8]}) == (
        "At least 8 characters in length"
    )
    assert (
        render(
            {
                "message": 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
                "format": [2, "aaa"],
            }
        )
        == 'No more than 2 identical characters in a row (e.g., "aaa" not allowed)'
    )
    # a message without arguments is left as it is, "%^" included
    assert render({"message": "special characters (e.g. !@#$%^&*)"}) == (
        "special characters (e.g. !@#$%^&*)"
    )
    assert render({"message": "%d%% of %s", "format": [5]}) == "5% of %s"


def test_policy_text_indents_items() -> None:
    rules: list[dict[str, Any]] = [
        {"message": "Should contain:", "items": [{"message": "a"}, {"message": "b"}]},
        {"message": "Last"},
    ]
    assert policy_text(rules) == "* Should contain:\n * a\n * b\n* Last"


# -- levels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "password"),
    [
        ("none", "a"),
        ("none", " "),
        ("low", "abcdef"),
        ("fair", "Abcdefg1"),
        ("fair", "1234567aZ"),
        ("good", "abcdef1!"),
        ("good", "ABCdef12"),
        ("good", "abc DEFg"),  # a space is a special character
        ("good", "abcdefg~1"),  # so is every ASCII punctuation mark, not only !@#$%^&*
        ("excellent", "abcDEF123!"),
        ("excellent", "aaBBcc11!!"),
    ],
)
def test_level_accepts(level: str, password: str) -> None:
    check(policy(level), password, NOBODY)


def test_none_refuses_the_empty_password() -> None:
    error = strength_error(policy("none"), "")
    assert error.description == {
        "rules": [
            {"message": "Non-empty password required", "code": "nonEmpty", "verified": False}
        ],
        "verified": False,
    }
    assert error.policy == "* Non-empty password required"


def test_low_counts_length_only() -> None:
    error = strength_error(policy("low"), "abcde")
    assert error.description == {"rules": [length(6, False)], "verified": False}
    assert error.policy == "* At least 6 characters in length"


def test_fair_needs_lower_upper_and_digit() -> None:
    error = strength_error(policy("fair"), "abcdefg!1")
    assert error.description == {
        "rules": [
            length(8, True),
            {
                "message": "Should contain:",
                "code": "shouldContain",
                "verified": False,
                "items": [
                    item("lowerCase", True),
                    item("upperCase", False),
                    item("numbers", True),
                ],
            },
        ],
        "verified": False,
    }
    assert error.policy == (
        "* At least 8 characters in length\n"
        "* Should contain:\n"
        " * lower case letters (a-z)\n"
        " * upper case letters (A-Z)\n"
        " * numbers (i.e. 0-9)"
    )


def test_fair_refuses_a_short_password_with_every_class() -> None:
    error = strength_error(policy("fair"), "Ab1")
    assert error.description["rules"][0] == length(8, False)
    assert error.description["rules"][1]["verified"] is True


def test_good_needs_three_of_four_classes() -> None:
    error = strength_error(policy("good"), "hello")
    assert error.description == {
        "rules": [length(8, False), three_of_four(True, False, False, False)],
        "verified": False,
    }
    assert error.policy == (
        "* At least 8 characters in length\n"
        "* Contain at least 3 of the following 4 types of characters:\n"
        " * lower case letters (a-z)\n"
        " * upper case letters (A-Z)\n"
        " * numbers (i.e. 0-9)\n"
        " * special characters (e.g. !@#$%^&*)"
    )


def test_good_refuses_two_classes_even_when_long() -> None:
    error = strength_error(policy("good"), "hello1234")
    assert error.description == {
        "rules": [length(8, True), three_of_four(True, False, True, False)],
        "verified": False,
    }


def test_character_classes_are_ascii_as_in_javascript() -> None:
    # "é" is no lower case letter to [a-z], and "٣" (Arabic-Indic three) no digit to \d.
    error = strength_error(policy("good"), "éééééé٣!A")
    assert error.description["rules"][1] == three_of_four(False, True, False, True)


def test_excellent_refuses_three_identical_characters_in_a_row() -> None:
    error = strength_error(policy("excellent"), "abcDEF1112")
    assert error.description == {
        "rules": [
            length(10, True),
            three_of_four(True, True, True, False),
            identical(False),
        ],
        "verified": False,
    }
    assert error.policy.endswith(
        '\n* No more than 2 identical characters in a row (e.g., "aaa" not allowed)'
    )


def test_excellent_needs_ten_characters() -> None:
    error = strength_error(policy("excellent"), "abcDEF12!")
    assert error.description["rules"][0] == length(10, False)
    assert error.description["rules"][2]["verified"] is True


def test_lengths_count_utf16_code_units_as_auth0s_javascript_does() -> None:
    check(policy("low"), "😀😀😀", NOBODY)  # 3 characters, 6 code units
    assert strength_error(policy("low"), "😀😀").description["rules"][0] == length(6, False)
    # a run of astral characters is no run of identical code units
    check(policy("excellent"), "Ab1😀😀😀xyz", NOBODY)
