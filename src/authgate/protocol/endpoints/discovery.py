"""Provider metadata: OpenID Connect Discovery 1.0 §3 and RFC 8414 §2.

Only what is implemented is advertised: the grant types and client authentication methods come
from their registries, so a new grant appears here when it is registered. ``issuer`` is the
tenant's configured issuer, byte for byte (RFC 8414 §3.3), never derived from the request.
"""

from __future__ import annotations

from typing import Any

from authgate.protocol.client_auth import SUPPORTED_METHODS
from authgate.protocol.grants import GRANTS
from authgate.protocol.ports import TenantRecord


def provider_metadata(tenant: TenantRecord) -> dict[str, Any]:
    issuer = tenant.issuer
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}oauth/token",
        "jwks_uri": f"{issuer}.well-known/jwks.json",
        "grant_types_supported": sorted(GRANTS),
        "token_endpoint_auth_methods_supported": list(SUPPORTED_METHODS),
        "response_types_supported": [],
    }
