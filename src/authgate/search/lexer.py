"""Tokens of a search ``q`` string (Lucene query syntax subset).

Terms run up to a space or one of ``( ) [ ] { } : " !``; a backslash escapes any character;
``*`` and ``?`` left unescaped are wildcards. ``AND``, ``OR``, ``NOT`` (capitalized), ``&&``,
``||``, ``!``, ``+`` and ``-`` are operators where a term could start; right after ``field:`` a
``+`` or ``-`` starts the value instead (``phone_number:+15550001``). Range bounds are read
apart, up to a space, ``]`` or ``}``, so that ISO dates may hold ``:``. Boosts (``^``), fuzzy
and proximity searches (``~``) and regular expressions (``/.../``) are refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from authgate.search.tree import Pattern, SearchSyntaxError, Wild

_SPACE = " \t\r\n\u3000"
_PUNCTUATION = "()[]{}:"
_ENDS_TERM = _SPACE + _PUNCTUATION + '"!'
_UNSUPPORTED = {
    "^": "boosting (^) is not supported",
    "~": "fuzzy and proximity searches (~) are not supported",
    "/": "regular expressions are not supported; escape '/' as '\\/' or quote the value",
}


class T(enum.Enum):
    TERM = "a term"
    PHRASE = "a quoted phrase"
    LPAREN = "'('"
    RPAREN = "')'"
    LBRACKET = "'['"
    RBRACKET = "']'"
    LBRACE = "'{'"
    RBRACE = "'}'"
    COLON = "':'"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    PLUS = "'+'"
    MINUS = "'-'"
    EOF = "the end of the query"


_SYMBOLS = {
    "(": T.LPAREN,
    ")": T.RPAREN,
    "[": T.LBRACKET,
    "]": T.RBRACKET,
    "{": T.LBRACE,
    "}": T.RBRACE,
    ":": T.COLON,
    "+": T.PLUS,
    "-": T.MINUS,
    "!": T.NOT,
    "&&": T.AND,
    "||": T.OR,
}
_KEYWORDS = {"AND": T.AND, "OR": T.OR, "NOT": T.NOT}


@dataclass(frozen=True)
class Token:
    kind: T
    pos: int
    parts: Pattern = ()  # TERM and PHRASE: the unescaped value
    raw: str = ""  # the source text

    @property
    def literal(self) -> str | None:
        """The text of a term or phrase without wildcards, else None."""
        if self.kind not in (T.TERM, T.PHRASE) or any(isinstance(p, Wild) for p in self.parts):
            return None
        return "".join(str(p) for p in self.parts)

    @property
    def star(self) -> bool:
        """An unescaped ``*`` standing alone."""
        return self.kind is T.TERM and self.parts == (Wild.ANY,)


class Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._after_colon = -1

    def error(self, message: str, pos: int | None = None) -> SearchSyntaxError:
        return SearchSyntaxError(f"{message} (at position {self.pos if pos is None else pos})")

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
            self.pos += 1

    def next(self) -> Token:
        self._skip_space()
        start, text = self.pos, self.text
        if start >= len(text):
            return Token(T.EOF, start)
        char, pair = text[start], text[start : start + 2]
        if pair in ("&&", "||"):
            self.pos += 2
            return Token(_SYMBOLS[pair], start, raw=pair)
        if char in "+-" and start == self._after_colon:
            return self._term(signed=True)  # "phone_number:+1555...": a sign, not an operator
        if char in _PUNCTUATION or char in "+-!":
            self.pos += 1
            self._after_colon = self.pos if char == ":" else -1
            return Token(_SYMBOLS[char], start, raw=char)
        if char == '"':
            return self._phrase()
        token = self._term()
        return (
            Token(_KEYWORDS[token.raw], start, raw=token.raw) if token.raw in _KEYWORDS else token
        )

    def _phrase(self) -> Token:
        start, text = self.pos, self.text
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(text) and text[self.pos] != '"':
            if text[self.pos] == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    break
            chars.append(text[self.pos])
            self.pos += 1
        if self.pos >= len(text):
            raise self.error("unterminated quoted phrase", start)
        self.pos += 1
        return Token(T.PHRASE, start, ("".join(chars),), text[start : self.pos])

    def _term(self, *, signed: bool = False, ends: str = _ENDS_TERM) -> Token:
        start, text = self.pos, self.text
        parts: list[str | Wild] = []
        chars: list[str] = [text[start]] if signed else []
        self.pos += 1 if signed else 0
        while self.pos < len(text) and text[self.pos] not in ends:
            char = text[self.pos]
            if char in _UNSUPPORTED:
                raise self.error(_UNSUPPORTED[char])
            if char == "\\":
                if self.pos + 1 >= len(text):
                    raise self.error("a backslash at the end of the query escapes nothing")
                chars.append(text[self.pos + 1])
                self.pos += 2
                continue
            if char in "*?":
                parts.extend(["".join(chars)] if chars else [])
                parts.append(Wild(char))
                chars = []
            else:
                chars.append(char)
            self.pos += 1
        parts.extend(["".join(chars)] if chars else [])
        if self.pos == start:
            raise self.error(f"unexpected '{text[start]}'")
        return Token(T.TERM, start, tuple(parts), text[start : self.pos])

    def bound(self) -> Token:
        """A range bound: a phrase or anything up to a space, ']' or '}' (dates hold ':')."""
        self._skip_space()
        if self.pos >= len(self.text):
            raise self.error("unterminated range")
        if self.text[self.pos] == '"':
            return self._phrase()
        if self.text[self.pos] in "]}":
            raise self.error("a range needs two bounds: [lower TO upper]")
        return self._term(ends=_SPACE + "]}")

    def closing(self) -> Token:
        self._skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] not in "]}":
            raise self.error("expected ']' or '}' to close the range")
        self.pos += 1
        return Token(_SYMBOLS[self.text[self.pos - 1]], self.pos - 1)
