"""A tenant's universal-login page template, compiled and rendered as untrusted text.

Auth0 page templates are Liquid and must contain ``{%- auth0:head -%}`` and
``{%- auth0:widget -%}`` (https://auth0.com/docs/customize/login-pages/universal-login/
customize-templates; the errors are those of https://auth0.com/docs/api/management/v2/
branding/put-universal-login). Authgate rewrites the Liquid it supports into Jinja2 and renders
it in a sandbox with plain data only: ``{{ locale }}``, ``{{ prompt.name }}``,
``{{ prompt.screen.name }}``, ``{{ tenant.name }}``, ``{{ tenant.friendly_name }}``,
``{{ branding.logo_url }}``, ``{{ branding.favicon_url }}``, ``{{ branding.colors.primary }}``;
``{% if %}``/``{% elsif %}``/``{% else %}``, ``{% unless %}``, ``{% assign x = ... %}``,
``{% comment %}``, ``{% raw %}`` and the filters of ``FILTERS`` (``| default: "auto"``).

The template comes from the tenant and is rendered on every page, so beyond the sandbox the
compiled tree may hold only the node types of ``_ALLOWED``: no loops, macros, calls,
arithmetic, concatenation or includes. Rendering is therefore linear in the template size and
cannot build large values; the output is also capped at ``MAX_OUTPUT``. Each slot must appear
exactly once, so the page's form (and its CSRF field) is rendered once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateError, Undefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from authgate.email.liquid import to_jinja

MAX_TEMPLATE = 102_400
MAX_OUTPUT = 1024 * 1024
MISSING_SLOTS = "Payload content missing required Liquid tags (auth0:head and auth0:widget)."
SLOTS = {"head": "_auth0_head", "widget": "_auth0_widget"}
_RESERVED = frozenset({"self", "loop", "caller", "varargs", "kwargs"})  # Jinja2's own names

_SLOT = re.compile(r"{%(-?)\s*auth0:(head|widget)\s*(-?)%}")
_ASSIGN = re.compile(r"{%(-?)\s*assign\b")
_COMMENT = re.compile(r"{%-?\s*comment\s*-?%}")
_END_COMMENT = re.compile(r"{%-?\s*endcomment\s*-?%}")
_TAG = re.compile(r"({{-?|{%-?)(.*?)(-?}}|-?%})", re.DOTALL)
_FILTER_ARGS = re.compile(r"^\s*([A-Za-z_]\w*)\s*:(.*)$", re.DOTALL)
_QUOTED_OR_PIPE = re.compile(r"\"[^\"]*\"|'[^']*'|\|")


class PageTemplateError(Exception):
    """A template Auth0 would refuse; the message is Auth0's."""


def _default(value: Any, fallback: Any = "") -> Any:
    """Liquid's ``default``: also replaces ``nil``, ``false`` and the empty string."""
    if isinstance(value, Undefined) or value is None or value is False or value == "":
        return fallback
    return value


FILTERS: dict[str, Callable[..., Any]] = {
    "default": _default,
    "escape": Markup.escape,
    "upcase": lambda value: str(value).upper(),
    "downcase": lambda value: str(value).lower(),
    "capitalize": lambda value: str(value).capitalize(),
    "strip": lambda value: str(value).strip(),
    "size": lambda value: len(value) if isinstance(value, str | Markup) else 0,
}
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Assign,
    nodes.Name,
    nodes.Const,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Filter,
)


class _Environment(ImmutableSandboxedEnvironment):
    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=ChainableUndefined)
        self.filters = dict(FILTERS)
        self.tests = {}
        self.globals = {}


_ENVIRONMENT = _Environment()


def _filter_arguments(match: re.Match[str]) -> str:
    """``a | default: "x", y`` -> ``a | default("x", y)`` inside one tag."""
    opening, inner, closing = match.groups()
    pieces, start = [], 0
    for token in _QUOTED_OR_PIPE.finditer(inner):
        if token.group() == "|":
            pieces.append(inner[start : token.start()])
            start = token.end()
    pieces.append(inner[start:])
    for index, piece in enumerate(pieces[1:], start=1):
        if found := _FILTER_ARGS.match(piece):
            pieces[index] = f" {found.group(1)}({found.group(2).strip()}) "
    return opening + "|".join(pieces) + closing


def to_jinja_source(source: str) -> str:
    """The Jinja2 spelling of the supported Liquid, slots turned into reserved names."""
    source = _SLOT.sub(lambda m: f"{{{{{m[1]} {SLOTS[m[2]]} {m[3]}}}}}", source)
    source = _ASSIGN.sub(r"{%\1 set", source)
    source = _END_COMMENT.sub("#}", _COMMENT.sub("{#", source))
    return _TAG.sub(_filter_arguments, to_jinja(source))


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _check_tree(tree: nodes.Template) -> None:
    loads = dict.fromkeys(SLOTS.values(), 0)
    for node in _walk(tree):
        if not isinstance(node, _ALLOWED):
            kind = type(node).__name__.lower()
            raise PageTemplateError(
                f"Liquid template syntax error: {kind} is not supported in page templates."
            )
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            raise PageTemplateError(f"Liquid template syntax error: unknown filter {node.name}.")
        if isinstance(node, nodes.Name) and (node.name in _RESERVED or node.name in loads):
            if node.ctx != "load" or node.name in _RESERVED:
                raise PageTemplateError(f"Liquid template syntax error: {node.name} is reserved.")
            loads[node.name] += 1
    if 0 in loads.values():
        raise PageTemplateError(MISSING_SLOTS)
    if any(count > 1 for count in loads.values()):
        raise PageTemplateError(
            "Payload validation error: 'auth0:head and auth0:widget must appear once each'."
        )


@functools.lru_cache(maxsize=64)
def compile_template(source: str) -> Template:
    """The compiled template; ``PageTemplateError`` with Auth0's message when refused."""
    if len(source) > MAX_TEMPLATE:
        raise PageTemplateError(
            f"Payload content length greater than maximum allowed: {MAX_TEMPLATE}."
        )
    if not _SLOT.search(source):
        raise PageTemplateError(MISSING_SLOTS)
    try:
        tree = _ENVIRONMENT.parse(to_jinja_source(source))
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        message = exc.message or "invalid template"
        raise PageTemplateError(f"Liquid template syntax error: {message}{where}.") from exc
    except RecursionError as exc:
        raise PageTemplateError("Liquid template syntax error: nested too deeply.") from exc
    _check_tree(tree)
    return _ENVIRONMENT.from_string(tree)


def render(source: str, head: Markup, widget: Markup, data: Mapping[str, Any]) -> Markup:
    """The page: ``source`` with the slots filled. Raises ``PageTemplateError`` when it cannot
    be rendered (an error, or output over ``MAX_OUTPUT``); callers fall back to the default."""
    template = compile_template(source)
    context = {**data, SLOTS["head"]: head, SLOTS["widget"]: widget}
    chunks: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise PageTemplateError("The page template output is too large.")
            chunks.append(chunk)
    except PageTemplateError:
        raise
    except Exception as exc:  # e.g. comparing a string with a number
        raise PageTemplateError(f"The page template failed: {exc}") from exc
    return Markup("".join(chunks))  # noqa: S704  (the sandbox's autoescaped output)
