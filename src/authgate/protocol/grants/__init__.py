"""Grant handlers registered by their ``grant_type`` wire value (STYLE §2)."""

from __future__ import annotations

from authgate.protocol.grants import client_credentials
from authgate.protocol.grants.base import GrantHandler

GRANTS: dict[str, GrantHandler] = {
    client_credentials.GRANT_TYPE: client_credentials.handle,
}
