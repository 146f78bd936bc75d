"""Encryption at rest (``authgate.core.secretbox``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from authgate.core.secretbox import DecryptionError, SecretBox, load_or_create_master_key


def test_round_trip_and_binding() -> None:
    box = SecretBox(b"master", "client-secret")
    sealed = box.seal(b"secret", context="client-secret:abc")
    assert b"secret" not in sealed.encode()
    assert box.open(sealed, context="client-secret:abc") == b"secret"
    assert box.seal(b"secret", context="x") != box.seal(b"secret", context="x")
    with pytest.raises(DecryptionError):
        box.open(sealed, context="client-secret:other-row")
    with pytest.raises(DecryptionError):
        SecretBox(b"master", "signing-key").open(sealed, context="client-secret:abc")
    with pytest.raises(DecryptionError):
        SecretBox(b"other", "client-secret").open(sealed, context="client-secret:abc")


def test_development_master_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = load_or_create_master_key(None, tmp_path)
    assert load_or_create_master_key(None, tmp_path) == first
    assert len(first) >= 48
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert load_or_create_master_key("configured", tmp_path) == b"configured"
