"""Recursive-descent parser of a search ``q`` string (Lucene query syntax subset).

Grammar, loosest binding first::

    query       := sequence EOF
    sequence    := disjunction+             terms side by side: the default operator, OR
    disjunction := conjunction ("OR" | "||") conjunction ...
    conjunction := unary ("AND" | "&&") unary ...
    unary       := ("NOT" | "!" | "-" | "+") unary | primary
    primary     := "(" sequence ")" | field ":" value | "_exists_:" field | value
    value       := term | "phrase" | "(" sequence ")" | range
    range       := ("[" | "{") bound "TO" bound ("]" | "}")

Side-by-side clauses follow Lucene's clause rules: ``-x``/``NOT x`` must not match, ``+x`` must
match, and the others are alternatives (``jane -smith`` is "jane and not smith", ``a b`` is
"a or b"). Explicit operators are plain boolean logic with NOT > AND > OR, so
``a OR b AND c`` is ``a OR (b AND c)``; Lucene's classic parser has no such precedence, so
queries meant for both should use parentheses.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager

from authgate.search import values
from authgate.search.lexer import Lexer, T, Token
from authgate.search.schema import Schema
from authgate.search.tree import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    And,
    MatchAll,
    Not,
    Or,
    Query,
    SearchSyntaxError,
    Wild,
)


class _Mod(enum.Enum):
    NONE = 0
    REQUIRED = 1
    PROHIBITED = 2


class Parser:
    def __init__(self, text: str, schema: Schema) -> None:
        self.schema = schema
        self.lexer = Lexer(text)
        self.tok = self.lexer.next()
        self.depth = 0
        self.terms = 0

    def error(self, message: str, token: Token | None = None) -> SearchSyntaxError:
        return self.lexer.error(message, (token or self.tok).pos)

    def advance(self) -> Token:
        token, self.tok = self.tok, self.lexer.next()
        return token

    @contextmanager
    def nested(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query is nested more than {MAX_DEPTH} levels deep")
        yield
        self.depth -= 1

    def count_term(self) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(f"the query has more than {MAX_TERMS} terms")

    def query(self) -> Query:
        node = self.sequence(None)
        if self.tok.kind is not T.EOF:
            raise self.error(f"unexpected {self.tok.kind.value}")
        return node

    def sequence(self, field: str | None) -> Query:
        clauses: list[tuple[Query, _Mod]] = []
        while self.tok.kind not in (T.EOF, T.RPAREN):
            clauses.append(self.disjunction(field))
        if not clauses:
            raise self.error("empty query" if self.tok.kind is T.EOF else "empty parentheses")
        return _combine(clauses)

    def disjunction(self, field: str | None) -> tuple[Query, _Mod]:
        first = self.conjunction(field)
        items = [first[0]]
        while self.tok.kind is T.OR:
            self.advance()
            items.append(self.conjunction(field)[0])
        return first if len(items) == 1 else (_or(items), _Mod.NONE)

    def conjunction(self, field: str | None) -> tuple[Query, _Mod]:
        first = self.unary(field)
        items = [first[0]]
        while self.tok.kind is T.AND:
            self.advance()
            items.append(self.unary(field)[0])
        return first if len(items) == 1 else (_and(items), _Mod.NONE)

    def unary(self, field: str | None) -> tuple[Query, _Mod]:
        kind = self.tok.kind
        if kind not in (T.NOT, T.MINUS, T.PLUS):
            return self.primary(field), _Mod.NONE
        self.advance()
        with self.nested():
            child = self.unary(field)[0]
        if kind is T.PLUS:
            return child, _Mod.REQUIRED
        return Not(child), _Mod.PROHIBITED

    def primary(self, field: str | None) -> Query:
        token = self.tok
        if token.kind is T.LPAREN:
            return self.group(field)
        if token.kind in (T.LBRACKET, T.LBRACE):
            if field is None:
                example = self.schema.ranged[0] if self.schema.ranged else "field"
                raise self.error(f"a range needs a field, as in {example}:[lower TO upper]")
            return self.range(field)
        if token.kind not in (T.TERM, T.PHRASE):
            raise self.error(f"expected a term, found {token.kind.value}")
        self.advance()
        if token.kind is T.TERM and self.tok.kind is T.COLON:
            self.advance()
            return self.field_value(token)
        return self.value(field, token)

    def group(self, field: str | None) -> Query:
        opening = self.advance()
        with self.nested():
            node = self.sequence(field)
        if self.tok.kind is not T.RPAREN:
            raise self.error("missing ')' to close this '('", opening)
        self.advance()
        return node

    def field_value(self, name: Token) -> Query:
        field = name.literal
        if name.star and self.tok.star:
            self.advance()
            return MatchAll()
        if field is None:
            raise self.error("field names cannot hold wildcards", name)
        if field == "_exists_":
            target = self.advance()
            if target.literal is None:
                raise self.error("_exists_ takes a field name, as in _exists_:<field>", target)
            self.count_term()
            return values.exists(self.schema, target.literal)
        self.schema.kind_of(field)
        if self.tok.kind is T.LPAREN:
            return self.group(field)
        if self.tok.kind in (T.LBRACKET, T.LBRACE):
            return self.range(field)
        if self.tok.kind not in (T.TERM, T.PHRASE):
            raise self.error(f"expected a value after '{field}:'")
        return self.value(field, self.advance())

    def value(self, field: str | None, token: Token) -> Query:
        self.count_term()
        if field is not None:
            return values.term(self.schema, field, token.parts)
        if token.kind is T.TERM and all(part is Wild.ANY for part in token.parts):
            return MatchAll()
        names = self.schema.default_fields
        if not names:
            raise self.error("name the field to search, as in field:value", token)
        return _or([values.term(self.schema, name, token.parts) for name in names])

    def range(self, field: str) -> Query:
        opening = self.tok
        lower, keyword = self.lexer.bound(), self.lexer.bound()
        if keyword.raw != "TO":
            raise self.error("expected 'TO' between the bounds of a range", keyword)
        upper = self.lexer.bound()
        closing = self.lexer.closing()
        self.tok = self.lexer.next()
        self.count_term()
        return values.bounds(
            self.schema,
            field,
            _bound(lower),
            _bound(upper),
            lower_inclusive=opening.kind is T.LBRACKET,
            upper_inclusive=closing.kind is T.RBRACKET,
        )


def _bound(token: Token) -> str | None:
    if token.star:
        return None
    if token.literal is None:
        raise SearchSyntaxError(f"range bounds cannot hold wildcards: '{token.raw}'")
    return token.literal


def _combine(clauses: list[tuple[Query, _Mod]]) -> Query:
    """Lucene's clause rules for side-by-side clauses (the default operator being OR)."""
    if len(clauses) == 1:
        return clauses[0][0]
    required = [node for node, mod in clauses if mod is _Mod.REQUIRED]
    prohibited = [node for node, mod in clauses if mod is _Mod.PROHIBITED]
    optional = [node for node, mod in clauses if mod is _Mod.NONE]
    if optional and not required:
        required.append(_or(optional))
    return _and(required + prohibited)


def _and(items: list[Query]) -> Query:
    flat = [
        child for item in items for child in (item.children if isinstance(item, And) else (item,))
    ]
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(items: list[Query]) -> Query:
    flat = [
        child for item in items for child in (item.children if isinstance(item, Or) else (item,))
    ]
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def parse(text: str, schema: Schema) -> Query:
    """The query tree of ``text`` over the fields of ``schema``; raises ``SearchSyntaxError``
    with a client-safe message."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchSyntaxError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    if "\x00" in text:
        raise SearchSyntaxError("the query contains a NUL character")
    return Parser(text, schema).query()
