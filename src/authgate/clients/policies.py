"""A client's settings as the protocol reads them: its refresh token policy (Auth0's
``refresh_token`` object) and the events that send it a back-channel logout token (Auth0's
``oidc_logout``, OpenID Connect Back-Channel Logout 1.0)."""

from __future__ import annotations

from typing import Any

from authgate.protocol.logout_token import ALWAYS_ON, INITIATORS
from authgate.protocol.ports import RefreshPolicy


def initiators(oidc_logout: dict[str, Any]) -> frozenset[str]:
    """The events that send the application a logout token: none without a back-channel URL;
    every one in ``all`` mode; else the logout endpoints' and the selected ones (Auth0)."""
    if not oidc_logout.get("backchannel_logout_urls"):
        return frozenset()
    chosen = oidc_logout.get("backchannel_logout_initiators") or {}
    if chosen.get("mode") == "all":
        return frozenset(INITIATORS)
    return ALWAYS_ON | frozenset(chosen.get("selected_initiators", ()))


def refresh_policy(settings: dict[str, Any]) -> RefreshPolicy:
    """A client's ``refresh_token`` object (Auth0 defaults for missing fields) as a policy."""
    expiring = settings.get("expiration_type", "non-expiring") == "expiring"
    rotating = settings.get("rotation_type", "non-rotating") == "rotating"
    lifetime = settings.get("token_lifetime", 2_592_000)
    idle = settings.get("idle_token_lifetime", 1_296_000)
    infinite = settings.get("infinite_token_lifetime", True)
    infinite_idle = settings.get("infinite_idle_token_lifetime", True)
    return RefreshPolicy(
        rotating=rotating,
        leeway=int(settings.get("leeway", 0)) if rotating else 0,
        lifetime=None if infinite or not expiring else int(lifetime),
        idle_lifetime=None if infinite_idle or not expiring else int(idle),
    )
