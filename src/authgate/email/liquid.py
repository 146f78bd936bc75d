"""Tenant-customized templates (``syntax: "liquid"``), rendered in a Jinja2 sandbox.

Auth0 renders customized mails with LiquidJS. The common part of Liquid and Jinja2 is what
email templates use: ``{{ user.name }}``, ``{{ url }}``, ``{% if a == "b" %}…{% else %}…
{% endif %}``, ``{% for x in list %}``, comments and ``raw``. ``elsif`` and ``unless``/
``endunless`` are rewritten to their Jinja2 forms. Not supported: Liquid filter arguments
(``| default: "x"``; write ``| default("x")``), ``case``/``when``, ``contains``,
``assign``/``capture`` (use ``set``), ``include``/``layout`` and ``{% debug %}``. Liquid treats
the empty string as true where Jinja2 treats it as false.

The sandbox (``jinja2.sandbox``) keeps templates from reaching Python internals; ``range`` and
``lipsum`` are removed and repetition of strings or lists refused, so a template cannot make a
worker build huge values. HTML bodies are autoescaped like the built-in mails.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Template, TemplateError, Undefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

_ELSIF = re.compile(r"{%(-?)\s*elsif\b")
_UNLESS = re.compile(r"{%(-?)\s*unless\s+(.*?)\s*(-?)%}", re.DOTALL)
_ENDUNLESS = re.compile(r"{%(-?)\s*endunless\s*(-?)%}")
MAX_EXPONENT = 64


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(autoescape=autoescape, undefined=Undefined)
        for name in ("range", "lipsum"):
            self.globals.pop(name, None)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        sequences = (str, bytes, list, tuple)
        if operator == "*" and (isinstance(left, sequences) or isinstance(right, sequences)):
            raise SecurityError("repeating strings or lists is not allowed")
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError("exponent too large")
        return super().call_binop(context, operator, left, right)


_HTML = _Sandbox(autoescape=True)
_TEXT = _Sandbox(autoescape=False)


def to_jinja(source: str) -> str:
    """Rewrite the Liquid tags that differ only in name."""
    source = _ELSIF.sub(r"{%\1 elif", source)
    source = _UNLESS.sub(r"{%\1 if not (\2) \3%}", source)
    return _ENDUNLESS.sub(r"{%\1 endif \2%}", source)


def syntax_error(source: str) -> str | None:
    """Why ``source`` cannot be compiled, or ``None``."""
    try:
        _HTML.parse(to_jinja(source))
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        return f"{exc.message or 'invalid template'}" + (f" (line {line})" if line else "")
    return None


@functools.lru_cache(maxsize=512)
def _compiled(source: str, *, html: bool) -> Template:
    return (_HTML if html else _TEXT).from_string(to_jinja(source))


def render_html(source: str, context: Mapping[str, Any]) -> str:
    """Render a customized body; raises ``jinja2.TemplateError`` (``SecurityError`` included)."""
    return _compiled(source, html=True).render(context)


def render_text(source: str, context: Mapping[str, Any]) -> str:
    """Render a customized subject or sender: no HTML escaping."""
    return _compiled(source, html=False).render(context)
