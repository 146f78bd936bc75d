"""Passwords: argon2id hashing, verification of imported hashes, and Auth0's password policy.

Pure Python: no web framework or database here; callers pass what the checks need.
"""

from authgate.passwords.errors import (
    PasswordDictionaryError,
    PasswordNoUserInfoError,
    PasswordPolicyError,
    PasswordStrengthError,
)
from authgate.passwords.hashing import PasswordHasher, Verification, identify, is_supported
from authgate.passwords.policy import (
    PasswordPolicy,
    PersonalInfo,
    check,
    describe,
    explain,
    reused,
)

__all__ = [
    "PasswordDictionaryError",
    "PasswordHasher",
    "PasswordNoUserInfoError",
    "PasswordPolicy",
    "PasswordPolicyError",
    "PasswordStrengthError",
    "PersonalInfo",
    "Verification",
    "check",
    "describe",
    "explain",
    "identify",
    "is_supported",
    "reused",
]
