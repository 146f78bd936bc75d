"""Provider metadata: OpenID Connect Discovery 1.0 §3 and RFC 8414 §2.

Only what is implemented is advertised: the grant types and client authentication methods come
from their registries, so a new grant appears here when it is registered. ``issuer`` is the
tenant's configured issuer, byte for byte (RFC 8414 §3.3), never derived from the request.
``end_session_endpoint``: RP-Initiated Logout 1.0 §2.1; ``backchannel_logout_supported`` and
``backchannel_logout_session_supported`` (logout tokens carry ``sid``): Back-Channel Logout 1.0
§2.1.
"""

from __future__ import annotations

from typing import Any

from authgate.protocol.client_auth import SUPPORTED_METHODS
from authgate.protocol.endpoints.authorize import SUPPORTED_RESPONSE_TYPES
from authgate.protocol.grants import GRANTS
from authgate.protocol.id_token import OIDC_SCOPES, SCOPE_CLAIMS
from authgate.protocol.pkce import METHODS
from authgate.protocol.ports import TenantRecord
from authgate.protocol.response_modes import MODES


def provider_metadata(tenant: TenantRecord) -> dict[str, Any]:
    issuer = tenant.issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}authorize",
        "token_endpoint": f"{issuer}oauth/token",
        "userinfo_endpoint": f"{issuer}userinfo",
        "revocation_endpoint": f"{issuer}oauth/revoke",
        "end_session_endpoint": f"{issuer}oidc/logout",
        "jwks_uri": f"{issuer}.well-known/jwks.json",
        "scopes_supported": sorted(OIDC_SCOPES - {"address"}),
        "response_types_supported": sorted(SUPPORTED_RESPONSE_TYPES),
        "response_modes_supported": sorted(MODES),
        "grant_types_supported": sorted({*GRANTS, "implicit"}),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": list(SUPPORTED_METHODS),
        "revocation_endpoint_auth_methods_supported": list(SUPPORTED_METHODS),
        "code_challenge_methods_supported": list(METHODS),
        "claims_supported": sorted(
            {"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "azp"}
            | {claim for claims in SCOPE_CLAIMS.values() for claim in claims}
        ),
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }
