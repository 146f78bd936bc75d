"""An authorization request in progress while the user is on the hosted pages.

The validated request's parameters travel as the ``state`` of the hosted pages, sealed with
AES-GCM (``core.secretbox``) and bound to the tenant: nothing is stored until a code is issued,
any node can resume the request, and a user cannot alter what the application asked for. It
expires after an hour; each step re-validates the request against the current configuration.
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass

import orjson

from authgate.core.secretbox import DecryptionError, SecretBox

LIFETIME_SECONDS = 3600
MAX_LENGTH = 16_384


@dataclass(frozen=True)
class Transaction:
    params: dict[str, str]
    started_at: float
    repeated: tuple[str, ...] = ()
    consented: bool = False
    """The user accepted on the consent page in this transaction."""
    denied: bool = False
    """The user declined on the consent page."""


def seal(box: SecretBox, tenant_id: str, txn: Transaction) -> str:
    body = {
        "p": txn.params,
        "t": txn.started_at,
        "r": list(txn.repeated),
        "c": txn.consented,
        "d": txn.denied,
    }
    return box.seal(orjson.dumps(body), f"authorize:{tenant_id}")


def unseal(box: SecretBox, tenant_id: str, token: str, *, now: float) -> Transaction | None:
    if not token or len(token) > MAX_LENGTH:
        return None
    try:
        body = json.loads(box.open(token, f"authorize:{tenant_id}"))
    except (DecryptionError, binascii.Error, ValueError):
        return None
    started = float(body["t"])
    if now - started > LIFETIME_SECONDS:
        return None
    return Transaction(
        params={str(k): str(v) for k, v in body["p"].items()},
        started_at=started,
        repeated=tuple(body["r"]),
        consented=bool(body["c"]),
        denied=bool(body.get("d", False)),
    )
