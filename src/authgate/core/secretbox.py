"""Encryption at rest for private keys and client secrets.

AES-256-GCM (NIST SP 800-38D) under keys derived from ``AUTHGATE_SECRET_KEY`` with HKDF-SHA256
(RFC 5869), one derived key per purpose. Each ciphertext is bound to its row by associated data,
so a ciphertext copied into another row or column does not decrypt.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The ciphertext is not valid under this master key and context."""


class SecretBox:
    """Encrypts small secrets for one purpose (``"signing-key"``, ``"client-secret"``...)."""

    def __init__(self, master_key: bytes, purpose: str) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"authgate-secretbox",
            info=purpose.encode(),
        ).derive(master_key)
        self._aead = AESGCM(derived)

    def seal(self, plaintext: bytes, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, context.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, token: str, context: str) -> bytes:
        version, _, body = token.partition(".")
        if version != VERSION:
            raise DecryptionError("unknown ciphertext version")
        raw = base64.urlsafe_b64decode(body.encode())
        try:
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError("ciphertext does not verify") from exc


def load_or_create_master_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured master key, or one generated once into ``DATA_DIR/secret.key`` (0600)."""
    if configured:
        return configured.encode()
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()
