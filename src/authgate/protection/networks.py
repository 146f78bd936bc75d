"""IP allowlists of the attack protections: IPv4 and IPv6 addresses and CIDR ranges."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ALLOWLIST = 100


def _network(value: str) -> str:
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address or CIDR range") from None
    return value.strip()


Network = Annotated[str, AfterValidator(_network)]
Allowlist = Annotated[list[Network], Field(max_length=MAX_ALLOWLIST)]
