"""The rules of Auth0's password strength levels, as Auth0's password-sheriff library defines them
(github.com/auth0/password-sheriff, ``index.js`` and ``lib/rules/``; reference §3.2).

Each rule explains itself as ``{message, format?, code, items?}``: ``message`` is a printf
template and ``format`` its arguments, kept apart so that a client can translate the template
before filling it in; ``missing(password)`` adds ``verified`` to the explanation and its items.

Auth0's clients run the same rules in the browser, so counting follows JavaScript: lengths and
runs of identical characters are counted in UTF-16 code units, and the character classes are
ASCII (``[a-z]``, ``[A-Z]``, ``\\d`` without the ``u`` flag, and OWASP's special characters:
space and every ASCII punctuation mark, not only the ``!@#$%^&*`` the message shows).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

SPECIAL_CHARACTERS = " " + string.punctuation
"""OWASP's password special characters, as password-sheriff's ``specialCharacters`` charset."""

_FORMAT = re.compile(r"%[sdj%]")


def utf16_units(password: str) -> list[bytes]:
    """``password`` as JavaScript sees it: a sequence of UTF-16 code units."""
    encoded = password.encode("utf-16-le", "surrogatepass")
    return [encoded[i : i + 2] for i in range(0, len(encoded), 2)]


def js_length(password: str) -> int:
    """JavaScript's ``password.length``: astral characters count twice."""
    return len(password.encode("utf-16-le", "surrogatepass")) // 2


class Rule(Protocol):
    def explain(self) -> dict[str, Any]: ...

    def missing(self, password: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class CharacterClass:
    code: str
    message: str
    characters: frozenset[str]

    def test(self, password: str) -> bool:
        return not self.characters.isdisjoint(password)

    def explain(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code}

    def missing(self, password: str) -> dict[str, Any]:
        return {**self.explain(), "verified": self.test(password)}


LOWER_CASE = CharacterClass(
    "lowerCase", "lower case letters (a-z)", frozenset(string.ascii_lowercase)
)
UPPER_CASE = CharacterClass(
    "upperCase", "upper case letters (A-Z)", frozenset(string.ascii_uppercase)
)
NUMBERS = CharacterClass("numbers", "numbers (i.e. 0-9)", frozenset(string.digits))
SPECIAL = CharacterClass(
    "specialCharacters", "special characters (e.g. !@#$%^&*)", frozenset(SPECIAL_CHARACTERS)
)


@dataclass(frozen=True)
class Length:
    """``length``: at least ``min_length`` characters; a minimum of 1 reads "Non-empty"."""

    min_length: int

    def explain(self) -> dict[str, Any]:
        if self.min_length == 1:
            return {"message": "Non-empty password required", "code": "nonEmpty"}
        return {
            "message": "At least %d characters in length",
            "format": [self.min_length],
            "code": "lengthAtLeast",
        }

    def missing(self, password: str) -> dict[str, Any]:
        return {**self.explain(), "verified": js_length(password) >= self.min_length}


@dataclass(frozen=True)
class Contains:
    """``contains``: at least one character of every class."""

    classes: tuple[CharacterClass, ...]

    def explain(self) -> dict[str, Any]:
        items = [item.explain() for item in self.classes]
        return {"message": "Should contain:", "code": "shouldContain", "items": items}

    def missing(self, password: str) -> dict[str, Any]:
        items = [item.missing(password) for item in self.classes]
        verified = all(item["verified"] for item in items)
        return {
            "message": "Should contain:",
            "code": "shouldContain",
            "verified": verified,
            "items": items,
        }


@dataclass(frozen=True)
class ContainsAtLeast:
    """``containsAtLeast``: characters of at least ``at_least`` of the classes."""

    at_least: int
    classes: tuple[CharacterClass, ...]

    def explain(self) -> dict[str, Any]:
        return {
            "message": "Contain at least %d of the following %d types of characters:",
            "code": "containsAtLeast",
            "format": [self.at_least, len(self.classes)],
            "items": [item.explain() for item in self.classes],
        }

    def missing(self, password: str) -> dict[str, Any]:
        items = [item.missing(password) for item in self.classes]
        verified = sum(item["verified"] for item in items) >= self.at_least
        return {**self.explain(), "items": items, "verified": verified}


@dataclass(frozen=True)
class IdenticalChars:
    """``identicalChars``: no more than ``max`` identical characters in a row."""

    max: int

    def explain(self) -> dict[str, Any]:
        return {
            "message": 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
            "code": "identicalChars",
            "format": [self.max, "a" * (self.max + 1)],
        }

    def missing(self, password: str) -> dict[str, Any]:
        return {**self.explain(), "verified": self.test(password)}

    def test(self, password: str) -> bool:
        if not password:
            return False
        run, previous = 0, b""
        for unit in utf16_units(password):
            run = run + 1 if unit == previous else 1
            previous = unit
            if run > self.max:
                return False
        return True


@dataclass(frozen=True)
class Level:
    """A ``passwordPolicy`` level: its minimum length and the rules after the length rule."""

    min_length: int
    rules: tuple[Rule, ...]


_THREE_OF_FOUR = ContainsAtLeast(3, (LOWER_CASE, UPPER_CASE, NUMBERS, SPECIAL))

LEVELS: dict[str, Level] = {
    "none": Level(1, ()),
    "low": Level(6, ()),
    "fair": Level(8, (Contains((LOWER_CASE, UPPER_CASE, NUMBERS)),)),
    "good": Level(8, (_THREE_OF_FOUR,)),
    "excellent": Level(10, (_THREE_OF_FOUR, IdenticalChars(2))),
}
"""Auth0's levels by their ``passwordPolicy`` wire value (password-sheriff ``index.js``)."""


def render(description: Mapping[str, Any]) -> str:
    """A rule's message with its ``format`` arguments filled in, as Node's ``util.format``."""
    message = str(description["message"])
    args = list(description.get("format") or [])
    if not args:
        return message

    def substitute(match: re.Match[str]) -> str:
        token = match[0]
        if token == "%%":
            return "%"
        if not args:
            return token
        value = args.pop(0)
        if token == "%j":
            return json.dumps(value)
        return str(int(value)) if token == "%d" else str(value)

    return _FORMAT.sub(substitute, message)


def policy_text(descriptions: Sequence[Mapping[str, Any]], depth: int = 0) -> str:
    """The rules as the bulleted text Auth0 sends as ``policy`` (password-sheriff toString)."""
    lines = []
    for description in descriptions:
        line = " " * depth + "* " + render(description)
        if description.get("items"):
            line += "\n" + policy_text(description["items"], depth + 1)
        lines.append(line)
    return "\n".join(lines)
