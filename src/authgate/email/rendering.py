"""The built-in mails: Jinja2 templates rendered in the recipient's language.

Each mail is three templates under ``templates/``: ``<name>.subject.txt``, ``<name>.txt`` and
``<name>.html``. HTML is autoescaped, so user-controlled values (a name, an email address)
can never inject markup; translated strings come from the gettext catalogs of ``i18n.py``.
Links are passed in by the caller, built from the tenant's configured issuer: nothing here
knows about HTTP requests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from authgate.email.i18n import translations

BUILT_IN = (
    "verify_email",
    "reset_email",
    "welcome_email",
    "change_password",
    "blocked_account",
    "user_invitation",
    "stolen_credentials",
    "security_alert",
)
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")
_HEADER_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@functools.cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=PackageLoader("authgate.email", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return env


def one_line(value: str) -> str:
    """A header value: whitespace and control characters collapsed to single spaces."""
    return _HEADER_BREAKERS.sub(" ", value).strip()


def tidy_text(value: str) -> str:
    lines = [line.rstrip() for line in value.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def render_builtin(template: str, locale: str, context: Mapping[str, Any]) -> RenderedMail:
    """Render the built-in ``template`` (one of ``BUILT_IN``) in ``locale``."""
    if template not in BUILT_IN:
        raise ValueError(f"no built-in email template {template!r}")
    env = environment(locale)
    values = {**context, "locale": locale}
    subject = one_line(env.get_template(f"{template}.subject.txt").render(values))
    values["subject"] = subject
    text = tidy_text(env.get_template(f"{template}.txt").render(values))
    html = env.get_template(f"{template}.html").render(values)
    return RenderedMail(subject=subject, text=text, html=html)


class _TextExtractor(HTMLParser):
    """Plain text of an HTML mail, for the text part of a customized template."""

    BLOCKS = frozenset(
        {"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "li", "ul", "ol", "table", "hr"}
    )
    SKIPPED = frozenset({"head", "style", "script", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS and tag != "li":
            self.parts.append("\n")
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href.startswith(("http://", "https://")) and label != href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.parts).splitlines()]
    return tidy_text("\n".join(lines))
