"""Grant handlers registered by their ``grant_type`` wire value (STYLE §2)."""

from __future__ import annotations

from authgate.protocol.grants import client_credentials, password
from authgate.protocol.grants.base import GrantHandler

GRANTS: dict[str, GrantHandler] = {
    client_credentials.GRANT_TYPE: client_credentials.handle,
    password.PASSWORD: password.handle,
    password.PASSWORD_REALM: password.handle,
}
