from __future__ import annotations

from collections.abc import Iterator

import pytest

from authgate.passwords import PasswordHasher


@pytest.fixture
def cheap_hasher() -> Iterator[PasswordHasher]:
    """argon2id at 1 MiB and one pass, for tests about anything but the cost itself."""
    hasher = PasswordHasher(memory_kib=1024, time_cost=1)
    yield hasher
    hasher.close()


@pytest.fixture
def hasher() -> Iterator[PasswordHasher]:
    """The production parameters."""
    hasher = PasswordHasher()
    yield hasher
    hasher.close()
