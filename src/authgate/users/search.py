"""User search: ``GET /api/v2/users?q=...&search_engine=v3&sort=...``.

Auth0, "User Search Query Syntax" and "Sort Search Results" (search engine v3): ``q`` is a
subset of the Lucene query syntax, read by hand (``search_lexer``, ``search_parser``) into a
small typed tree (``search_ast``, fields in ``search_fields``) and compiled to a SQLAlchemy
condition on ``User`` (``search_where``, ``search_sql``). The caller always adds
``User.tenant_id == ...``::

    stmt = select(User).where(User.tenant_id == tenant_id, where(parse(q))).order_by(*order_by(s))

Syntax: ``field:value``, ``field:"quoted phrase"``, bare terms (matched against user_id,
email, username, name, given_name, family_name, nickname and phone_number), ``AND``/``&&``,
``OR``/``||``, ``NOT``/``!``, ``-term``, ``+term``, parentheses, ``field:(a OR b)``, wildcards
``*`` and ``?`` (a wildcard at the start needs 3 literal characters), ranges ``[a TO b]``,
``{a TO b}``, ``[* TO b]`` on dates and ``logins_count``, ``_exists_:field``, ``field:*``,
``*:*`` and backslash escapes. Side-by-side terms are ORed (Lucene's default operator).

Values match the whole field. ``email``, ``email.domain``, ``username``, ``name``,
``given_name``, ``family_name`` and ``nickname`` ignore case; all other fields, metadata
included, are case-sensitive. See ``search_fields`` for the fields and ``search_parser`` for
the grammar and operator precedence.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from authgate.users.search_ast import MatchAll, Query, SearchSyntaxError
from authgate.users.search_parser import parse
from authgate.users.search_where import order_by, where

__all__ = ["Query", "SearchSyntaxError", "order_by", "parse", "search_clause", "where"]


def search_clause(q: str | None) -> ColumnElement[bool] | None:
    """The condition for ``q``; None when there is nothing to filter on (no ``q``, a blank
    one, or ``*``). Raises ``SearchSyntaxError``."""
    if q is None or not q.strip():
        return None
    query = parse(q)
    return None if isinstance(query, MatchAll) else where(query)
