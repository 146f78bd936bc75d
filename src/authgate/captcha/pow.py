"""The built-in challenge ``auth_challenge``: proof of work, with no third party.

The server hands the page a sealed challenge (AES-GCM under a key derived from the master key,
bound to the tenant and to what it protects, e.g. the authorization transaction) carrying a
random id, an expiry and a difficulty in bits. The page's script
(``web/static/captcha-pow.js``) finds a counter such that SHA-256 of ``challenge:counter`` starts
with that many zero bits, and posts it as ``captcha`` (``challenge.counter``). Verification opens
the seal, checks the binding, the expiry and the work, and spends the challenge id in the
attack-protection store, so a solution is accepted once on any node. Cheap for one browser
(about 2^difficulty hashes: at the default 16 bits, 65,000 hashes, under a second in a current
browser), costly at scale.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from authgate.core.secretbox import DecryptionError, SecretBox

DEFAULT_DIFFICULTY = 16
LIFETIME_SECONDS = 600


@dataclass(frozen=True)
class Challenge:
    id: str
    expires_at: int
    difficulty: int


def _context(tenant_id: str, binding: str) -> str:
    return f"captcha:{tenant_id}:{binding}"


def issue(box: SecretBox, tenant_id: str, binding: str, *, now: float, difficulty: int) -> str:
    payload = {
        "id": secrets.token_urlsafe(12),
        "exp": int(now) + LIFETIME_SECONDS,
        "bits": difficulty,
    }
    return box.seal(json.dumps(payload).encode(), _context(tenant_id, binding))


def difficulty_of(box: SecretBox, challenge: str, tenant_id: str, binding: str) -> int:
    opened = open_challenge(box, challenge, tenant_id, binding)
    return opened.difficulty if opened else DEFAULT_DIFFICULTY


def open_challenge(
    box: SecretBox, challenge: str, tenant_id: str, binding: str
) -> Challenge | None:
    try:
        payload = json.loads(box.open(challenge, _context(tenant_id, binding)))
        return Challenge(str(payload["id"]), int(payload["exp"]), int(payload["bits"]))
    except (DecryptionError, ValueError, KeyError, TypeError):
        return None


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def works(challenge: str, counter: str, difficulty: int) -> bool:
    if not counter.isdigit() or len(counter) > 12:
        return False
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    return leading_zero_bits(digest) >= difficulty


def solve(challenge: str, difficulty: int) -> str:
    """What the page's script does (for tests and tools)."""
    counter = 0
    while not works(challenge, str(counter), difficulty):
        counter += 1
    return str(counter)
