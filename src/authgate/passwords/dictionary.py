"""The built-in password dictionary of ``password_dictionary`` (reference §3.2): the 10,000 most
common passwords, in rank order, from the zxcvbn project's frequency lists (``data/NOTICE``).

ASVS 5.0 6.2.4 asks for at least the top 3,000. Every entry is lower case ASCII, so comparing a
lower-cased password is the case-insensitive comparison Auth0 documents.
"""

from __future__ import annotations

import functools
from importlib import resources

DATA_FILE = "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, read once on first use."""
    text = (resources.files("authgate.passwords") / "data" / DATA_FILE).read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)
