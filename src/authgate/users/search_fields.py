"""The searchable fields of a user: the ``USERS`` search schema.

Auth0, "User Search Query Syntax" (search engine v3): the normalized profile fields plus
``phone_number``, ``phone_verified``, ``logins_count``, ``created_at``, ``updated_at``,
``last_login``, ``last_ip``, ``blocked``, ``email.domain`` and metadata paths. ``email``,
``email.domain``, ``username``, ``name``, ``given_name``, ``family_name`` and ``nickname``
ignore case; all other fields, metadata included, are case-sensitive. A term without a field
name is matched against ``user_id``, ``email``, ``username``, ``phone_number``, ``name``,
``given_name``, ``family_name`` and ``nickname`` (never metadata, as in Auth0).

``email.domain`` reads ``email_domain`` (``email_key`` after its last ``@``, kept by
``UserService``); ``identities.connection`` is a correlated EXISTS on the user's own connection
row; everything else reads the user row.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, exists, func

from authgate.connections.models import Connection
from authgate.search import sql
from authgate.search.schema import (
    FoldedText,
    JsonField,
    Kind,
    ScalarField,
    Schema,
    Text,
    TextField,
)
from authgate.search.tree import Pattern, Wild
from authgate.users.models import User


def _fold_email(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()  # as email_key is stored


class _Provider(Text):
    """``identities.provider``: ``user_id`` up to its first ``|`` (``auth0`` for database
    users). An exact value is a prefix test on the indexed ``user_id``."""

    def __init__(self) -> None:
        super().__init__(
            sql.PerDialect(
                sqlite=func.substr(User.user_id, 1, func.instr(User.user_id, "|") - 1),
                postgresql=func.split_part(User.user_id, "|", 1),
            )
        )

    def equals(self, text: str) -> ColumnElement[bool]:
        return sql.like(User.user_id, (f"{text}|", Wild.ANY), case_sensitive=True)


class _Connection(Text):
    """``identities.connection``: the name of the user's connection (correlated EXISTS)."""

    def __init__(self) -> None:
        super().__init__(Connection.name)

    def equals(self, text: str) -> ColumnElement[bool]:
        return exists().where(Connection.id == User.connection_id, Connection.name == text)

    def like(self, pattern: Pattern) -> ColumnElement[bool]:
        matches = sql.like(Connection.name, pattern, case_sensitive=True)
        return exists().where(Connection.id == User.connection_id, matches)


def _text(column: SQLColumnExpression[Any], *, bare: bool = False) -> TextField:
    return TextField(Text(column, nullable=column), bare=bare)


def _folded(column: SQLColumnExpression[Any]) -> TextField:
    """A case-insensitive profile field, stored as written."""
    return TextField(FoldedText(column), bare=True)


USERS = Schema(
    {
        "user_id": TextField(Text(User.user_id), bare=True),
        "email": TextField(
            Text(User.email_key, fold=_fold_email, nullable=User.email_key), bare=True
        ),
        "email.domain": TextField(
            Text(User.email_domain, fold=_fold_email, nullable=User.email_domain)
        ),
        "email_verified": ScalarField(Kind.BOOLEAN, User.email_verified),
        "username": TextField(
            Text(User.username_key, fold=str.lower, nullable=User.username_key), bare=True
        ),
        "phone_number": _text(User.phone_number, bare=True),
        "phone_verified": ScalarField(Kind.BOOLEAN, User.phone_verified),
        "name": _folded(User.name),
        "given_name": _folded(User.given_name),
        "family_name": _folded(User.family_name),
        "nickname": _folded(User.nickname),
        "picture": _text(User.picture),
        "blocked": ScalarField(Kind.BOOLEAN, User.blocked),
        "logins_count": ScalarField(Kind.INTEGER, User.logins_count),
        "last_login": ScalarField(Kind.DATE, User.last_login, nullable=True),
        "last_ip": _text(User.last_ip),
        "created_at": ScalarField(Kind.DATE, User.created_at),
        "updated_at": ScalarField(Kind.DATE, User.updated_at),
        "identities.connection": TextField(_Connection()),
        "identities.provider": TextField(_Provider()),
        "identities.user_id": TextField(
            Text(
                sql.PerDialect(
                    sqlite=func.substr(User.user_id, func.instr(User.user_id, "|") + 1),
                    postgresql=func.substr(User.user_id, func.strpos(User.user_id, "|") + 1),
                )
            )
        ),
        "app_metadata": JsonField(User.app_metadata),
        "user_metadata": JsonField(User.user_metadata),
    }
)
