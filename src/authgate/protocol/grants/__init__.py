"""Grant handlers registered by their ``grant_type`` wire value (STYLE §2)."""

from __future__ import annotations

from authgate.protocol.grants import (
    authorization_code,
    client_credentials,
    password,
    refresh_token,
)
from authgate.protocol.grants.base import GrantHandler

GRANTS: dict[str, GrantHandler] = {
    authorization_code.GRANT_TYPE: authorization_code.handle,
    client_credentials.GRANT_TYPE: client_credentials.handle,
    refresh_token.GRANT_TYPE: refresh_token.handle,
    password.PASSWORD: password.handle,
    password.PASSWORD_REALM: password.handle,
}
