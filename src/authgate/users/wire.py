"""Auth0's user object (reference §2.3 "User")."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from authgate.core.fields import wire_time
from authgate.users.models import User


def default_picture(issuer: str, user: User) -> str:
    """An avatar served by Authgate itself (no third-party request leaks who signed in)."""
    source = user.name or user.email or user.username or "?"
    initials = "".join(part[0] for part in source.replace("@", " ").split()[:2]).upper() or "?"
    return f"{issuer}avatars/{quote(initials[:2], safe='')}.svg"


def identity_of(user: User, connection: str, provider: str) -> dict[str, Any]:
    _, _, bare = user.user_id.partition("|")
    return {"connection": connection, "user_id": bare, "provider": provider, "isSocial": False}


def user_to_wire(user: User, *, connection: str, provider: str, issuer: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user_id": user.user_id,
        "email": user.email,
        "email_verified": user.email_verified,
        "name": user.name or user.email or user.username or user.phone_number,
        "nickname": user.nickname or _nickname(user),
        "picture": user.picture or default_picture(issuer, user),
        "identities": [identity_of(user, connection, provider)],
        "user_metadata": user.user_metadata,
        "app_metadata": user.app_metadata,
        "logins_count": user.logins_count,
        "created_at": wire_time(user.created_at),
        "updated_at": wire_time(user.updated_at),
    }
    optional = {
        "username": user.username,
        "phone_number": user.phone_number,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "last_ip": user.last_ip,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if user.phone_number is not None:
        body["phone_verified"] = user.phone_verified
    if user.blocked:
        body["blocked"] = True
    for name in ("last_login", "last_password_reset"):
        value = getattr(user, name)
        if value is not None:
            body[name] = wire_time(value)
    return body


def _nickname(user: User) -> str | None:
    if user.email:
        return user.email.partition("@")[0]
    return user.username


def signup_body(user: User) -> dict[str, Any]:
    """``POST /dbconnections/signup`` answers with the bare id as ``_id``."""
    body: dict[str, Any] = {
        "_id": user.user_id.partition("|")[2],
        "email": user.email,
        "email_verified": user.email_verified,
    }
    for name in ("username", "given_name", "family_name", "name", "nickname", "picture"):
        value = getattr(user, name)
        if value is not None:
            body[name] = value
    return body
