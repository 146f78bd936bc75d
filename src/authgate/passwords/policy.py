"""Auth0's password policy for database connections (reference §3.2), built from the connection's
``options`` in Auth0's wire names (reference §2.3 "Connection"):

* ``passwordPolicy``: ``none`` (Auth0's documented default), ``low``, ``fair``, ``good`` or
  ``excellent`` (``rules.LEVELS``);
* ``password_complexity_options.min_length`` (1-128): replaces the level's minimum length;
* ``password_dictionary`` ``{enable, dictionary}``: refuses a password equal, ignoring case, to one
  of the 10,000 most common passwords or to one of the connection's words (at most 200);
* ``password_no_personal_info`` ``{enable}``: refuses a password containing, ignoring case, the
  user's ``name``, ``username``, ``nickname``, ``user_metadata.name``/``first``/``last``, email
  or the whole part of the email before the ``@`` (Auth0 does not split it further);
* ``password_history`` ``{enable, size}`` (size 1-24): needs the stored hashes, so the caller
  checks it with ``reused``.

The checks run in that order and the first failure is raised; a policy applies to new passwords
(signup, change, reset) only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from authgate.passwords.dictionary import common_passwords
from authgate.passwords.errors import (
    PasswordDictionaryError,
    PasswordNoUserInfoError,
    PasswordStrengthError,
)
from authgate.passwords.hashing import PasswordHasher
from authgate.passwords.rules import LEVELS, Length, Rule, policy_text

MAX_MIN_LENGTH = 128
MAX_CUSTOM_WORDS = 200
MAX_HISTORY_SIZE = 24
DEFAULT_HISTORY_SIZE = 5
MIN_PERSONAL_PIECE = 3
"""Personal values shorter than this are not looked for: a two-letter nickname would refuse
every password that happens to contain those two letters."""


@dataclass(frozen=True)
class PasswordPolicy:
    level: str = "none"
    min_length: int | None = None
    dictionary: bool = False
    custom_words: frozenset[str] = frozenset()  # lower-cased
    no_personal_info: bool = False
    history_size: int | None = None  # None: password_history disabled

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> PasswordPolicy:
        """The policy of a connection's ``options``; ValueError for values Auth0 refuses."""
        level = options.get("passwordPolicy") or "none"
        if not isinstance(level, str) or level not in LEVELS:
            raise ValueError(f"passwordPolicy must be one of {', '.join(LEVELS)}")
        min_length = _section(options, "password_complexity_options").get("min_length")
        if min_length is not None and not _int_between(min_length, 1, MAX_MIN_LENGTH):
            raise ValueError(f"min_length must be an integer from 1 to {MAX_MIN_LENGTH}")
        dictionary = _section(options, "password_dictionary")
        words = dictionary.get("dictionary") or []
        if not isinstance(words, list | tuple) or len(words) > MAX_CUSTOM_WORDS:
            raise ValueError(f"password_dictionary.dictionary holds at most {MAX_CUSTOM_WORDS}")
        if not all(isinstance(word, str) for word in words):
            raise ValueError("password_dictionary.dictionary holds strings")
        history = _section(options, "password_history")
        size = history.get("size", DEFAULT_HISTORY_SIZE)
        if _enabled(history) and not _int_between(size, 1, MAX_HISTORY_SIZE):
            raise ValueError(f"password_history.size must be from 1 to {MAX_HISTORY_SIZE}")
        return cls(
            level=level,
            min_length=min_length,
            dictionary=_enabled(dictionary),
            custom_words=frozenset(word.lower() for word in words),
            no_personal_info=_enabled(_section(options, "password_no_personal_info")),
            history_size=size if _enabled(history) else None,
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The strength rules: the length rule first, then the level's."""
        level = LEVELS[self.level]
        return (Length(self.min_length or level.min_length), *level.rules)


@dataclass(frozen=True)
class PersonalInfo:
    """What ``password_no_personal_info`` looks for in a password."""

    email: str | None = None
    username: str | None = None
    name: str | None = None
    nickname: str | None = None
    user_metadata: Mapping[str, Any] | None = None

    def pieces(self) -> list[str]:
        """The lower-cased values a password may not contain."""
        metadata = self.user_metadata or {}
        local_part = self.email.rpartition("@")[0] if self.email else None
        values = [self.name, self.username, self.nickname]
        values += [metadata.get(key) for key in ("name", "first", "last")]
        values += [self.email, local_part]
        return [v.lower() for v in values if isinstance(v, str) and len(v) >= MIN_PERSONAL_PIECE]


def check(policy: PasswordPolicy, password: str, personal: PersonalInfo) -> None:
    """Raise the first Auth0 policy error ``password`` runs into (history aside)."""
    report = [rule.missing(password) for rule in policy.rules]
    if not all(rule["verified"] for rule in report):
        description = {"rules": report, "verified": False}
        raise PasswordStrengthError(description, policy_text(_explained(policy)))
    lowered = password.lower()
    if policy.dictionary and (lowered in common_passwords() or lowered in policy.custom_words):
        raise PasswordDictionaryError()
    if policy.no_personal_info and any(piece in lowered for piece in personal.pieces()):
        raise PasswordNoUserInfoError()


def describe(policy: PasswordPolicy) -> dict[str, Any]:
    """The strength rules in the ``description`` shape, none verified yet (for a signup page)."""
    return {"rules": [_unverified(rule) for rule in _explained(policy)], "verified": False}


def explain(policy: PasswordPolicy) -> str:
    """The strength rules as the bulleted text Auth0 sends as ``policy``."""
    return policy_text(_explained(policy))


async def reused(hasher: PasswordHasher, password: str, previous_hashes: Sequence[str]) -> bool:
    """``password_history``: whether ``password`` matches one of the previous hashes."""
    for stored in previous_hashes:
        if (await hasher.verify(stored, password)).ok:
            return True
    return False


def _explained(policy: PasswordPolicy) -> list[dict[str, Any]]:
    return [rule.explain() for rule in policy.rules]


def _unverified(description: dict[str, Any]) -> dict[str, Any]:
    if "items" in description:
        description = {**description, "items": [_unverified(i) for i in description["items"]]}
    return {**description, "verified": False}


def _section(options: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = options.get(name)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ValueError(f"{name} must be an object")
    return section


def _enabled(section: Mapping[str, Any]) -> bool:
    return section.get("enable") is True


def _int_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
